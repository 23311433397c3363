/**
 * AOF orchestration (the encoder and the file live in the engine, native/persistence/aof.*):
 * loading at start-up with progress, the per-tick flush and its fsync policy, holding replies
 * until their records are on disk under `appendfsync always` (group commit: one fsync per
 * event-loop tick), BGREWRITEAOF / automatic rewrite as a live snapshot (./job.ts), CONFIG SET
 * appendonly / appendfsync at runtime, and the final flush + fsync at shutdown.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { native } from '../native';
import type { FsyncPolicy } from '../config/schema';
import { abortJob, finishJobNow, pollJob, startJob, type JobResult } from './job';
import { sleepSync } from './sleep';

/** What a client needs from the AOF on its request path. */
export interface ReplyGate {
  /** True when replies must wait for the pending records' fsync (appendfsync always). */
  holdsReplies(): boolean;
  /** Queues `flush` to run once the records of this tick are on disk. */
  hold(flush: () => void): void;
  /** Records are pending: write them before the tick ends. */
  scheduleFlush(): void;
}

export interface AofSettings {
  enabled: boolean;
  path: string;
  fsync: FsyncPolicy;
  autoRewritePercentage: number;
  autoRewriteMinSize: number;
}

interface Rewrite {
  tempPath: string;
  targetPath: string;
  startedAt: number;
  /** The base is written and the switch to the new file waits for its background fsync. */
  switching: boolean;
}

export class AofManager implements ReplyGate {
  /** Open for appending (appendonly yes and the file is in use). */
  open = false;
  private policy: FsyncPolicy;
  private flushQueued = false;
  private held: Array<() => void> = [];
  private rewrite: Rewrite | null = null;
  lastRewriteStatus: 'ok' | 'err' = 'ok';
  lastWriteStatus: 'ok' | 'err' = 'ok';
  lastWriteErrno = 0;
  rewritesDone = 0;
  /** INFO aof_rewrites_consecutive_failures / aof_last_rewrite_time_sec. */
  private rewriteFailures = 0;
  private lastRewriteMs = -1;
  /** Memory of the values the last rewrite captured early, before a change (INFO aof_last_cow_size). */
  private lastCowSize = 0;
  /** The longest event-loop wait while the last rewrite's base was written (logged). */
  private lastRewriteLoopDelayMs = 0;
  /** Set when a rewrite was asked for while a BGSAVE ran (BGREWRITEAOF scheduled). */
  rewriteScheduled = false;
  loading = false;
  /** Told when lastWriteStatus changes (MISCONF is lifted or imposed at once). */
  onWriteStatus: () => void = () => {};

  constructor(
    private settings: AofSettings,
    private readonly log: Logger,
  ) {
    this.policy = settings.fsync;
  }

  get filePath(): string {
    return path.resolve(this.settings.path);
  }

  get rewriting(): boolean {
    return this.rewrite !== null;
  }

  holdsReplies(): boolean {
    // As Redis: records reach the file (write) before the replies of their tick leave, so a crash
    // of the process never loses an acknowledged write; `always` also fsyncs first.
    return this.flushQueued;
  }

  hold(flush: () => void): void {
    this.held.push(flush);
  }

  scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // setImmediate runs after every read of this poll phase was processed: all their records
    // share one write (and, with `always`, one fsync) before any of their replies leaves.
    setImmediate(() => this.flushNow());
  }

  /** Writes pending records; then releases the replies that waited for them. */
  flushNow(): void {
    this.flushQueued = false;
    const errno = native.aofFlush(false);
    if (errno !== 0) {
      if (this.lastWriteStatus === 'ok') {
        this.log.warn({ errno, path: this.filePath }, 'Error writing to the AOF file; writes are kept in memory and retried');
      }
      this.lastWriteStatus = 'err';
      this.lastWriteErrno = errno;
      this.onWriteStatus();
      if (this.policy === 'always' && this.held.length > 0) {
        // Redis exits here too: with `always`, no write may be acknowledged before it is on disk.
        this.log.error({ errno }, "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        process.exit(1);
      }
    } else if (this.lastWriteStatus === 'err') {
      this.log.info('AOF write error looks solved, the server can write again.');
      this.lastWriteStatus = 'ok';
      this.lastWriteErrno = 0;
      this.onWriteStatus();
    }
    const held = this.held;
    this.held = [];
    for (const flush of held) flush();
  }

  /**
   * Start-up: replays the file when it exists (up to restoreToSeconds when > 0, cutting the file
   * there), then opens it for appending. Throws on corruption.
   */
  start(truncatedOk: boolean, restoreToSeconds = 0): void {
    if (!this.settings.enabled) return;
    const file = this.filePath;
    if (fs.existsSync(file)) {
      const loaded = this.load(file, truncatedOk, restoreToSeconds);
      if (loaded.stoppedAt !== null) fs.truncateSync(file, loaded.stoppedAt);
    }
    const error = native.aofOpen(file);
    if (error !== null) throw new Error(error);
    native.setConfig('appendfsync', this.policy);
    this.open = true;
  }

  /**
   * Start-up without our file: writes the data set loaded from elsewhere (a snapshot, Redis's
   * multi-part AOF) into a new AOF before any client is served, through a rewrite run to its end at
   * once. The file appears only once complete (renamed into place), so a crash before that leaves
   * the sources the data came from in charge at the next start.
   */
  createFromLiveData(): void {
    const error = this.startRewrite();
    if (error !== null) throw new Error(error);
    this.rewriteBaseWritten(finishJobNow());
    while (this.rewrite !== null) {
      sleepSync(2);
      this.cron(false);
    }
    if (this.lastRewriteStatus !== 'ok') throw new Error(`Could not write the append-only file ${this.filePath}`);
  }

  /**
   * Redis 7's multi-part AOF (appendonlydir/<appendfilename>.manifest next to where our file would
   * be), for a data directory taken over from Redis: its base (RDB or AOF format) and increments,
   * in order. Null when there is none.
   */
  redisMultiPartFiles(): string[] | null {
    const dir = path.join(path.dirname(this.filePath), 'appendonlydir');
    const manifest = path.join(dir, `${path.basename(this.filePath)}.manifest`);
    if (!fs.existsSync(manifest)) return null;
    const base: string[] = [];
    const increments: string[] = [];
    for (const line of fs.readFileSync(manifest, 'utf8').split('\n')) {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      const words = text.split(/\s+/);
      const fields = new Map<string, string>();
      for (let i = 0; i + 1 < words.length; i += 2) fields.set(words[i], words[i + 1]);
      const name = fields.get('file');
      const type = fields.get('type');
      if (name === undefined || name.startsWith('"') || name.includes('/') || (type !== 'b' && type !== 'h' && type !== 'i')) {
        throw new Error(`Invalid AOF manifest line in ${manifest}: ${text}`);
      }
      // History files are already folded into the base.
      if (type === 'b') base.push(path.join(dir, name));
      else if (type === 'i') increments.push(path.join(dir, name));
    }
    if (base.length > 1) throw new Error(`Invalid AOF manifest ${manifest}: more than one base file`);
    return [...base, ...increments];
  }

  /** Replays `file`; stops at the first #TS annotation later than stopAtSeconds when given. */
  load(file: string, truncatedOk: boolean, stopAtSeconds: number): { commands: number; truncatedAt: number | null; stoppedAt: number | null } {
    const started = Date.now();
    const size = native.aofLoadBegin(file, stopAtSeconds);
    if (typeof size === 'string') throw new Error(size);
    this.loading = true;
    const progress = new LoadProgress(size, this.log);
    let truncatedAt: number | null = null;
    let stoppedAt: number | null = null;
    let commands = 0;
    let preambleKeys = 0;
    try {
      for (;;) {
        const step = native.aofLoadStep(4 << 20);
        commands = step.commands;
        preambleKeys = step.preambleKeys;
        progress.update(step.offset);
        if (step.error !== undefined) throw new Error(`${step.error} (file ${file})`);
        if (step.truncatedAt !== undefined) {
          if (!truncatedOk) {
            throw new Error(`Unexpected end of file reading the append only file ${file} at offset ${step.truncatedAt}. You can: 1) make a backup; 2) run rustypotato-check-aof --fix <file>.`);
          }
          truncatedAt = step.truncatedAt;
          this.log.warn(
            { file, offset: truncatedAt, size },
            '!!! Warning: short read while loading the AOF file !!! AOF loaded anyway because aof-load-truncated is enabled; the incomplete tail is cut off',
          );
          fs.truncateSync(file, truncatedAt);
        }
        if (step.stoppedAt !== undefined) {
          stoppedAt = step.stoppedAt;
          this.log.info({ file, offset: step.stoppedAt }, 'Point-in-time recovery: stopped at the requested timestamp');
        }
        if (step.done) break;
      }
    } finally {
      progress.finish();
      this.loading = false;
    }
    this.log.info({ file, preambleKeys, commands, ms: Date.now() - started }, `DB loaded from append only file: ${((Date.now() - started) / 1000).toFixed(3)} seconds`);
    return { commands, truncatedAt, stoppedAt };
  }

  updateSettings(settings: AofSettings): void {
    this.settings = settings;
  }

  setPolicy(policy: FsyncPolicy): void {
    this.policy = policy;
    native.setConfig('appendfsync', policy);
  }

  /** CONFIG SET appendonly yes: the file is made from the live data by a rewrite, then used. */
  enable(settings: AofSettings): string | null {
    this.settings = settings;
    if (this.open) return null;
    return this.startRewrite();
  }

  /** CONFIG SET appendonly no. */
  disable(): void {
    this.killRewrite();
    if (!this.open) return;
    const error = native.aofClose();
    if (error !== null) this.log.warn({ error }, 'closing the AOF');
    this.open = false;
  }

  /** BGREWRITEAOF: null when started, else Redis's error text. */
  startRewrite(): string | null {
    if (this.rewrite !== null) return 'ERR Background append only file rewriting already in progress';
    const targetPath = this.filePath;
    const tempPath = path.join(path.dirname(targetPath), `temp-rewriteaof-bg-${process.pid}.aof`);
    const error = startJob('rewrite', tempPath);
    if (error !== null) {
      this.lastRewriteStatus = 'err';
      this.log.warn({ error }, 'Background AOF rewrite failed to start');
      return `ERR Can't rewrite append only file in background: ${error}`;
    }
    this.rewrite = { tempPath, targetPath, startedAt: Date.now(), switching: false };
    this.log.info('Background append only file rewriting started');
    return null;
  }

  /** Called by the server cron: fsync cadence, finished rewrites, automatic rewrites. */
  cron(otherJobActive: boolean): void {
    if (this.open) {
      const errno = native.aofFlush(false);
      if (errno === 0 && this.lastWriteStatus === 'err') this.flushNow();
      else if (errno !== 0) this.lastWriteStatus = 'err';
    }
    if (this.rewrite !== null) {
      if (this.rewrite.switching) {
        this.rewriteFinished(true);
      } else {
        const result = pollJob();
        if (result !== null) this.rewriteBaseWritten(result);
      }
      return;
    }
    if (this.open && !otherJobActive && this.settings.autoRewritePercentage > 0) {
      const info = native.info();
      const base = Math.max(info.aofBaseSize, 1);
      const growth = ((info.aofSize - base) * 100) / base;
      if (info.aofSize >= this.settings.autoRewriteMinSize && growth >= this.settings.autoRewritePercentage) {
        this.log.info({ growth: Math.round(growth) }, `Starting automatic rewriting of AOF on ${Math.round(growth)}% growth`);
        this.startRewrite();
      }
    }
  }

  private rewriteBaseWritten(result: JobResult): void {
    this.lastCowSize = result.copiedBytes;
    this.lastRewriteLoopDelayMs = result.maxLoopDelayMs;
    if (!result.ok) this.log.warn({ error: result.error }, 'Writing the rewritten AOF base failed');
    this.rewriteFinished(result.ok);
  }

  private rewriteFinished(ok: boolean): void {
    const rewrite = this.rewrite as Rewrite;
    const error = native.aofRewriteDone(ok, rewrite.tempPath, rewrite.targetPath);
    if (ok && error === true) {
      // Still "in progress" (INFO, a second BGREWRITEAOF) until the files are switched.
      rewrite.switching = true;
      return;
    }
    this.rewrite = null;
    this.lastRewriteMs = Date.now() - rewrite.startedAt;
    if (!ok || error !== null) {
      this.rewriteFailures++;
      this.lastRewriteStatus = 'err';
      this.log.warn({ error: error ?? 'the base was not written' }, 'Background AOF rewrite failed');
      return;
    }
    this.lastRewriteStatus = 'ok';
    this.rewriteFailures = 0;
    this.rewritesDone++;
    if (!this.open) native.setConfig('appendfsync', this.policy);
    this.open = true;
    this.log.info({ ms: Date.now() - rewrite.startedAt, maxLoopDelayMs: this.lastRewriteLoopDelayMs, copiedBytes: this.lastCowSize }, 'Background AOF rewrite finished successfully');
  }

  /** Stops a running rewrite (shutdown, appendonly no); its temp file is removed. */
  killRewrite(): void {
    if (this.rewrite === null) return;
    const rewrite = this.rewrite;
    if (!rewrite.switching) abortJob();
    native.aofRewriteDone(false, rewrite.tempPath, rewrite.targetPath);
    this.rewrite = null;
  }

  /** Shutdown: every record written and fsynced, whatever the policy. */
  shutdown(): void {
    this.killRewrite();
    if (!this.open) return;
    const error = native.aofClose();
    if (error !== null) this.log.error({ error }, 'Error flushing the AOF at shutdown');
    this.open = false;
  }

  infoFields(): Array<[string, string | number]> {
    const info = native.info();
    const fields: Array<[string, string | number]> = [
      ['aof_enabled', this.open ? 1 : 0],
      ['aof_rewrite_in_progress', this.rewrite !== null ? 1 : 0],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteMs < 0 ? -1 : Math.round(this.lastRewriteMs / 1000)],
      ['aof_current_rewrite_time_sec', this.rewrite === null ? -1 : Math.floor((Date.now() - this.rewrite.startedAt) / 1000)],
      ['aof_last_bgrewrite_status', this.lastRewriteStatus],
      ['aof_rewrites', this.rewritesDone],
      ['aof_rewrites_consecutive_failures', this.rewriteFailures],
      ['aof_last_write_status', this.lastWriteStatus],
      ['aof_last_cow_size', this.lastCowSize],
    ];
    if (this.open) {
      fields.push(
        ['aof_current_size', info.aofSize],
        ['aof_base_size', info.aofBaseSize],
        ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
        ['aof_buffer_length', info.aofPending],
        ['aof_pending_bio_fsync', info.aofFsyncPending ? 1 : 0],
        // Redis counts the writes it postponed while a background fsync ran; ours never postpones
        // a write (records reach the file before their replies leave, whatever the disk does).
        ['aof_delayed_fsync', 0],
      );
    }
    return fields;
  }
}

/** A progress bar on a TTY, log lines otherwise (at most one per second). */
class LoadProgress {
  private lastLog = Date.now();
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly size: number,
    private readonly log: Logger,
  ) {}

  update(offset: number): void {
    const pct = this.size > 0 ? Math.floor((offset * 100) / this.size) : 100;
    if (this.tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\rLoading AOF [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% (${offset}/${this.size} bytes)`);
    } else if (Date.now() - this.lastLog >= 1000) {
      this.lastLog = Date.now();
      this.log.info({ offset, size: this.size, percent: pct }, 'Loading the append only file');
    }
  }

  finish(): void {
    if (this.tty) process.stderr.write('\n');
  }
}
