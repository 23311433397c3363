/**
 * Persistence as the server sees it: the AOF and RDB snapshots together. Start-up loads the AOF
 * when there is one (it wins over the snapshot, as in Redis), else the snapshot; only one background
 * job (BGSAVE or AOF rewrite) runs at a time (a BGREWRITEAOF asked for during a BGSAVE is scheduled, as in Redis);
 * shutdown saves a snapshot when save points are configured (or SHUTDOWN SAVE), and a failing save
 * aborts it; writes are refused with MISCONF while persistence is failing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Settings } from '../config/schema';
import { native } from '../native';
import { AofManager, type AofSettings } from './aof';
import { SnapshotManager, parseSavePoints } from './snapshot';

export type ShutdownSave = 'default' | 'save' | 'nosave';

const MISCONF_RDB =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

export function aofSettingsOf(settings: Settings): AofSettings {
  const st = settings.storage;
  return {
    enabled: st.aof_enabled,
    path: st.aof_path,
    fsync: st.aof_fsync,
    autoRewritePercentage: st.aof_rewrite_percentage,
    autoRewriteMinSize: st.aof_rewrite_min_size,
  };
}

export class Persistence {
  readonly aof: AofManager;
  readonly snapshots: SnapshotManager;
  private refusal: string | null = null;

  constructor(
    private settings: Settings,
    private readonly log: Logger,
    dirty: () => number,
  ) {
    this.aof = new AofManager(aofSettingsOf(settings), log);
    this.snapshots = new SnapshotManager(settings.storage.snapshot_path, parseSavePoints(settings.storage.save), log, dirty);
    this.aof.onWriteStatus = () => this.updateRefusal();
    this.applyEngineSettings();
  }

  /** Settings changed by CONFIG SET. */
  update(settings: Settings): void {
    this.settings = settings;
    this.aof.updateSettings(aofSettingsOf(settings));
    this.snapshots.savePoints = parseSavePoints(settings.storage.save);
    this.snapshots.filePath = settings.storage.snapshot_path;
    this.applyEngineSettings();
    this.updateRefusal();
  }

  private applyEngineSettings(): void {
    native.setConfig('aof-timestamp-enabled', this.settings.storage.aof_timestamps ? 'yes' : 'no');
    native.setConfig('aof-use-rdb-preamble', this.settings.storage.aof_use_rdb_preamble ? 'yes' : 'no');
    native.setConfig('compression', this.settings.storage.aof_compression);
  }

  /**
   * Loads the data at start-up. `restoreToSeconds` > 0: point-in-time recovery, the AOF is replayed
   * up to its first #TS annotation later than that time, and cut there (a copy is kept).
   */
  start(restoreToSeconds = 0): void {
    const st = this.settings.storage;
    const aofFile = path.resolve(st.aof_path);
    if (st.aof_enabled && fs.existsSync(aofFile)) {
      if (restoreToSeconds > 0) {
        const backup = `${aofFile}.before-restore-${Math.floor(Date.now() / 1000)}`;
        fs.copyFileSync(aofFile, backup);
        this.log.warn({ backup, restoreTo: restoreToSeconds }, 'Point-in-time recovery: the AOF was copied before being cut at the requested time');
      }
      this.aof.start(st.aof_load_truncated, restoreToSeconds);
      return;
    }
    if (restoreToSeconds > 0) throw new Error(`--restore-to needs an append-only file, and ${aofFile} does not exist`);
    // A data directory Redis 7 left: its AOF wins over its snapshot, as in Redis.
    const redisFiles = st.aof_enabled ? this.aof.redisMultiPartFiles() : null;
    if (redisFiles !== null) {
      redisFiles.forEach((file, i) => this.aof.load(file, st.aof_load_truncated && i === redisFiles.length - 1, 0));
      this.aof.createFromLiveData();
      this.log.warn(
        { from: path.dirname(redisFiles[0] ?? aofFile), to: aofFile },
        "Loaded Redis's multi-part AOF and wrote its data set to our AOF; Redis's appendonlydir was left as it was (remove it before starting Redis 7 on this directory again, so that Redis takes the newer file)",
      );
      return;
    }
    const loaded = this.snapshots.loadIfPresent();
    // The AOF is new but data came from the snapshot: written into the AOF before serving.
    if (loaded && st.aof_enabled) this.aof.createFromLiveData();
    else this.aof.start(st.aof_load_truncated, 0);
  }

  cron(): void {
    this.aof.cron(this.snapshots.saving);
    this.snapshots.cron(this.aof.rewriting);
    if (!this.snapshots.saving && !this.aof.rewriting && this.aof.rewriteScheduled) {
      this.aof.rewriteScheduled = false;
      this.aof.startRewrite();
    }
    this.updateRefusal();
  }

  /** BGREWRITEAOF's reply: [ok, text]. */
  bgrewriteaof(): [boolean, string] {
    if (this.aof.rewriting) return [false, 'ERR Background append only file rewriting already in progress'];
    if (this.snapshots.saving) {
      this.aof.rewriteScheduled = true;
      return [true, 'Background append only file rewriting scheduled'];
    }
    const error = this.aof.startRewrite();
    return error === null ? [true, 'Background append only file rewriting started'] : [false, error];
  }

  /** BGSAVE [SCHEDULE]'s reply: [ok, text]. */
  bgsave(schedule: boolean): [boolean, string] {
    if (this.snapshots.saving) return [false, 'ERR Background save already in progress'];
    if (this.aof.rewriting) {
      if (!schedule) {
        return [false, "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."];
      }
      this.snapshots.scheduled = true;
      return [true, 'Background saving scheduled'];
    }
    const error = this.snapshots.startBackground();
    this.updateRefusal();
    return error === null ? [true, 'Background saving started'] : [false, error];
  }

  /** SAVE's reply. */
  save(): [boolean, string] {
    if (this.snapshots.saving) return [false, 'ERR Background save already in progress'];
    const error = this.snapshots.saveNow();
    this.updateRefusal();
    return error === null ? [true, 'OK'] : [false, 'ERR'];
  }

  /**
   * Before exiting (SHUTDOWN, SIGTERM, SIGINT): the AOF flushed and fsynced; a snapshot saved when
   * save points are configured (or SAVE), not with NOSAVE. Returns an error text when the save
   * failed: the server then stays up, as Redis does.
   */
  prepareShutdown(mode: ShutdownSave): string | null {
    this.aof.killRewrite();
    this.snapshots.kill();
    const wantSave = mode === 'save' || (mode === 'default' && this.snapshots.savePoints.length > 0);
    if (wantSave) {
      this.log.info('Saving the final RDB snapshot before exiting.');
      const error = this.snapshots.saveNow();
      if (error !== null) {
        this.log.warn({ error }, 'Error trying to save the DB, can\'t exit.');
        return 'ERR Errors trying to SHUTDOWN. Check logs.';
      }
    }
    this.aof.shutdown();
    return null;
  }

  /** The error every write gets while persistence is failing, or null. */
  writeRefusal(): string | null {
    return this.refusal;
  }

  private updateRefusal(): void {
    let refusal: string | null = null;
    if (this.settings.storage.stop_writes_on_bgsave_error && this.snapshots.savePoints.length > 0 && this.snapshots.lastBgsaveStatus === 'err') {
      refusal = MISCONF_RDB;
    } else if (this.aof.open && this.aof.lastWriteStatus === 'err') {
      refusal = `MISCONF Errors writing to the AOF file: ${errnoText(this.aof.lastWriteErrno)}`;
    }
    if (refusal !== this.refusal) {
      this.refusal = refusal;
      native.setWriteRefusal(refusal ?? '');
    }
  }

  infoFields(): Array<[string, string | number]> {
    const s = this.snapshots;
    return [
      ['loading', this.aof.loading ? 1 : 0],
      ['async_loading', 0],
      ['rdb_changes_since_last_save', s.changesSinceSave()],
      ['rdb_bgsave_in_progress', s.saving ? 1 : 0],
      ['rdb_last_save_time', Math.floor(s.lastSave / 1000)],
      ['rdb_last_bgsave_status', s.lastBgsaveStatus],
      ['rdb_last_bgsave_time_sec', s.lastSaveDurationMs < 0 ? -1 : Math.round(s.lastSaveDurationMs / 1000)],
      ['rdb_current_bgsave_time_sec', s.currentSaveSeconds],
      ['rdb_saves', s.saves],
      ['rdb_last_cow_size', s.lastCowSize],
      ['rdb_last_load_keys_expired', s.lastLoadExpired],
      ['rdb_last_load_keys_loaded', s.lastLoadKeys],
      ...this.aof.infoFields(),
    ];
  }
}

/** strerror-like text for the errnos a disk gives. */
function errnoText(errno: number): string {
  const texts: Record<number, string> = { 28: 'No space left on device', 5: 'Input/output error', 122: 'Disk quota exceeded', 13: 'Permission denied', 30: 'Read-only file system' };
  return texts[errno] ?? `errno ${errno}`;
}
