/**
 * RDB snapshots (the encoder and decoder live in the engine, native/persistence/rdb.*): SAVE in
 * the foreground, BGSAVE through a fork()ed child that writes from a copy-on-write view (the
 * server keeps answering), Redis's `save` points, LASTSAVE, loading at start-up, and the status
 * that INFO persistence and MISCONF report.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { native } from '../native';

/** Redis retries a failed automatic BGSAVE only after this long (CONFIG_BGSAVE_RETRY_DELAY). */
const BGSAVE_RETRY_DELAY_MS = 5000;

export interface SavePoint {
  seconds: number;
  changes: number;
}

/** "3600 1 300 100" → [{3600, 1}, {300, 100}]. */
export function parseSavePoints(text: string): SavePoint[] {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  const points: SavePoint[] = [];
  for (let i = 0; i + 1 < words.length; i += 2) points.push({ seconds: Number(words[i]), changes: Number(words[i + 1]) });
  return points;
}

export class SnapshotManager {
  /** Unix ms of the last successful save (start-up counts, as in Redis). */
  lastSave = Date.now();
  lastBgsaveStatus: 'ok' | 'err' = 'ok';
  private lastBgsaveTry = 0;
  /** The dirty counter at the last successful save (rdb_changes_since_last_save). */
  private dirtyAtSave = 0;
  private child: { pid: number; startedAt: number; dirtyAtFork: number } | null = null;
  /** BGSAVE SCHEDULE while another child ran. */
  scheduled = false;
  lastSaveDurationMs = -1;
  /** Successful saves (SAVE, BGSAVE, shutdown) since start: INFO rdb_saves. */
  saves = 0;
  /** Keys loaded and keys skipped as expired by the last snapshot load (INFO rdb_last_load_keys_*). */
  lastLoadKeys = 0;
  lastLoadExpired = 0;
  /** Bytes the last background save's child copied on write (INFO rdb_last_cow_size). */
  lastCowSize = 0;

  constructor(
    public filePath: string,
    public savePoints: SavePoint[],
    private readonly log: Logger,
    private readonly dirty: () => number,
  ) {}

  get saving(): boolean {
    return this.child !== null;
  }

  /** Seconds the running background save has taken so far; -1 when none runs. */
  get currentSaveSeconds(): number {
    return this.child === null ? -1 : Math.floor((Date.now() - this.child.startedAt) / 1000);
  }

  changesSinceSave(): number {
    return this.dirty() - this.dirtyAtSave;
  }

  /** Loads the snapshot at start-up when it exists. Throws on a bad file. */
  loadIfPresent(): boolean {
    const file = path.resolve(this.filePath);
    if (!fs.existsSync(file)) return false;
    const started = Date.now();
    const result = native.loadSnapshot(file);
    if (typeof result === 'string') throw new Error(`${result} (file ${file})`);
    this.lastLoadKeys = result.keys;
    this.lastLoadExpired = result.expired;
    this.log.info({ file, keys: result.keys, expired: result.expired }, `DB loaded from disk: ${((Date.now() - started) / 1000).toFixed(3)} seconds`);
    return true;
  }

  /** SAVE: in the foreground. Returns null or the error text (logged). */
  saveNow(): string | null {
    const started = Date.now();
    const dirty = this.dirty();
    const error = native.saveSnapshot(path.resolve(this.filePath));
    if (error !== null) {
      this.log.warn({ error }, 'Error saving the DB on disk');
      return error;
    }
    this.saved(dirty, Date.now() - started);
    this.log.info('DB saved on disk');
    return null;
  }

  /** BGSAVE: null when the child started, else the error text. */
  startBackground(): string | null {
    if (this.child !== null) return 'ERR Background save already in progress';
    this.lastBgsaveTry = Date.now();
    const dirtyAtFork = this.dirty();
    const pid = native.forkPersist('snapshot', path.resolve(this.filePath));
    if (pid < 0) {
      this.lastBgsaveStatus = 'err';
      return `ERR Can't save in background: fork: errno ${-pid}`;
    }
    this.child = { pid, startedAt: Date.now(), dirtyAtFork };
    this.log.info({ pid }, `Background saving started by pid ${pid}`);
    return null;
  }

  /** Server cron: reaps the child; starts a BGSAVE when a save point is due. */
  cron(otherChildActive: boolean): void {
    if (this.child !== null) {
      const reaped = native.reapChild(this.child.pid);
      if (reaped === null) return;
      const child = this.child;
      this.child = null;
      this.lastCowSize = reaped[2];
      if (reaped[1] === 0) {
        this.saved(child.dirtyAtFork, Date.now() - child.startedAt);
        this.log.info('Background saving terminated with success');
      } else {
        this.lastBgsaveStatus = 'err';
        this.log.warn({ exitCode: reaped[1] }, 'Background saving error');
      }
      return;
    }
    if (otherChildActive) return;
    if (this.scheduled) {
      this.scheduled = false;
      this.startBackground();
      return;
    }
    const now = Date.now();
    const changes = this.changesSinceSave();
    for (const point of this.savePoints) {
      // After a failure, wait before retrying (a full disk should not fork every cron tick).
      const retryOk = this.lastBgsaveStatus === 'ok' || now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY_MS;
      if (changes >= point.changes && now - this.lastSave >= point.seconds * 1000 && retryOk) {
        this.log.info({ changes, seconds: point.seconds }, `${point.changes} changes in ${point.seconds} seconds. Saving...`);
        this.startBackground();
        return;
      }
    }
  }

  /** Stops a running child (shutdown, FLUSHALL in Redis). */
  kill(): void {
    if (this.child === null) return;
    try {
      process.kill(this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    for (let i = 0; i < 100 && native.reapChild(this.child.pid) === null; i++) sleepSync(10);
    this.child = null;
  }

  private saved(dirtyAtStart: number, ms: number): void {
    this.lastSave = Date.now();
    this.dirtyAtSave = dirtyAtStart;
    this.lastBgsaveStatus = 'ok';
    this.lastSaveDurationMs = ms;
    this.saves++;
  }
}

/** A short blocking wait (child reaping at shutdown), without spinning. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
