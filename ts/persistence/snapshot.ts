/**
 * RDB snapshots (the encoder and decoder live in the engine, native/persistence/rdb.*): SAVE in
 * the foreground, BGSAVE as a live snapshot (./job.ts: an image of one moment, encoded in slices
 * while the server keeps answering, written by a background thread), Redis's `save` points, LASTSAVE, loading at start-up, and the status
 * that INFO persistence and MISCONF report.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { native } from '../native';
import { abortJob, pollJob, startJob } from './job';

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
  private job: { startedAt: number; dirtyAtStart: number } | null = null;
  /** BGSAVE SCHEDULE while an AOF rewrite ran. */
  scheduled = false;
  lastSaveDurationMs = -1;
  /** Successful saves (SAVE, BGSAVE, shutdown) since start: INFO rdb_saves. */
  saves = 0;
  /** Keys loaded and keys skipped as expired by the last snapshot load (INFO rdb_last_load_keys_*). */
  lastLoadKeys = 0;
  lastLoadExpired = 0;
  /**
   * Memory of the values the last background save captured early because they were about to
   * change: its copy-on-write cost (INFO rdb_last_cow_size).
   */
  lastCowSize = 0;

  constructor(
    public filePath: string,
    public savePoints: SavePoint[],
    private readonly log: Logger,
    private readonly dirty: () => number,
  ) {}

  get saving(): boolean {
    return this.job !== null;
  }

  /** Seconds the running background save has taken so far; -1 when none runs. */
  get currentSaveSeconds(): number {
    return this.job === null ? -1 : Math.floor((Date.now() - this.job.startedAt) / 1000);
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

  /** BGSAVE: null when the save started, else the error text. */
  startBackground(): string | null {
    if (this.job !== null) return 'ERR Background save already in progress';
    this.lastBgsaveTry = Date.now();
    const dirtyAtStart = this.dirty();
    const error = startJob('snapshot', path.resolve(this.filePath));
    if (error !== null) {
      this.lastBgsaveStatus = 'err';
      this.log.warn({ error }, 'Background saving error');
      return `ERR Can't save in background: ${error}`;
    }
    this.job = { startedAt: Date.now(), dirtyAtStart };
    this.log.info('Background saving started');
    return null;
  }

  /** Server cron: notes a finished save; starts a BGSAVE when a save point is due. */
  cron(otherJobActive: boolean): void {
    if (this.job !== null) {
      const result = pollJob();
      if (result === null) return;
      const job = this.job;
      this.job = null;
      this.lastCowSize = result.copiedBytes;
      if (result.ok) {
        this.saved(job.dirtyAtStart, Date.now() - job.startedAt);
        this.log.info({ ms: Date.now() - job.startedAt, maxLoopDelayMs: result.maxLoopDelayMs, copiedBytes: result.copiedBytes }, 'Background saving terminated with success');
      } else {
        this.lastBgsaveStatus = 'err';
        this.log.warn({ error: result.error }, 'Background saving error');
      }
      return;
    }
    if (otherJobActive) return;
    if (this.scheduled) {
      this.scheduled = false;
      this.startBackground();
      return;
    }
    const now = Date.now();
    const changes = this.changesSinceSave();
    for (const point of this.savePoints) {
      // After a failure, wait before retrying (a full disk should not restart a save every cron tick).
      const retryOk = this.lastBgsaveStatus === 'ok' || now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY_MS;
      if (changes >= point.changes && now - this.lastSave >= point.seconds * 1000 && retryOk) {
        this.log.info({ changes, seconds: point.seconds }, `${point.changes} changes in ${point.seconds} seconds. Saving...`);
        this.startBackground();
        return;
      }
    }
  }

  /** Stops a running save (shutdown); its unfinished file is removed. */
  kill(): void {
    if (this.job === null) return;
    abortJob();
    this.job = null;
  }

  private saved(dirtyAtStart: number, ms: number): void {
    this.lastSave = Date.now();
    this.dirtyAtSave = dirtyAtStart;
    this.lastBgsaveStatus = 'ok';
    this.lastSaveDurationMs = ms;
    this.saves++;
  }
}
