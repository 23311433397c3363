/**
 * Structured logging (pino): JSON lines, or a readable single-line form for `pretty`; to standard
 * output or a file, optionally rotated daily, hourly or by size.
 *
 * Writes are synchronous (a crash loses no line) and go through one small stream. Rotation renames
 * the current file to `<file>.<period>` (daily: `.2026-11-26`, hourly: `.2026-11-26T04`) or, by size,
 * to `<file>.1` after shifting older ones up (`.1` -> `.2` ...), then reopens `<file>`; at most
 * `keep` rotated files are kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { SETTINGS, valueOf, type Settings } from './config/schema';

export type LogFormat = 'json' | 'pretty';
export type LogRotation = 'never' | 'daily' | 'hourly' | 'size';

export interface LogOptions {
  level: string;
  format: LogFormat;
  /** Append to this file instead of stdout. */
  file?: string | null;
  rotation?: LogRotation;
  /** With rotation 'size': rotate before the file would exceed this many bytes. */
  maxSize?: number;
  /** Rotated files kept (older ones are deleted). */
  keep?: number;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** A pino destination that renders `time LEVEL msg {fields}` lines, synchronously. */
function prettyStream(dest: pino.DestinationStream): pino.DestinationStream {
  return {
    write(line: string): void {
      const { time, level, msg, pid: _pid, hostname: _host, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const extra = Object.keys(rest).length > 0 ? ' ' + JSON.stringify(rest) : '';
      dest.write(`${new Date(time as number).toISOString()} ${LEVEL_NAMES[level as number] ?? level} ${String(msg ?? '')}${extra}\n`);
    },
  };
}

/** The period a time falls in, as the suffix of the file rotated at its end. */
function periodOf(rotation: 'daily' | 'hourly', ms: number): string {
  const iso = new Date(ms).toISOString();
  return rotation === 'daily' ? iso.slice(0, 10) : iso.slice(0, 13);
}

/** A log file that rotates by time or size; a pino destination. */
export class RotatingFile implements pino.DestinationStream {
  private fd: number;
  private size: number;
  private period: string;

  constructor(
    readonly file: string,
    private readonly rotation: Exclude<LogRotation, 'never'>,
    private readonly maxSize: number,
    private readonly keep: number,
  ) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.fd = fs.openSync(file, 'a');
    const stat = fs.fstatSync(this.fd);
    this.size = stat.size;
    // A file left by an earlier run belongs to the period it was last written in.
    this.period = rotation === 'size' ? '' : periodOf(rotation, stat.size > 0 ? stat.mtimeMs : Date.now());
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.rotation === 'size') {
      if (this.size > 0 && this.size + bytes > this.maxSize) this.rotate(null);
    } else {
      const now = periodOf(this.rotation, Date.now());
      if (now !== this.period) {
        if (this.size > 0) this.rotate(this.period);
        this.period = now;
      }
    }
    fs.writeSync(this.fd, line);
    this.size += bytes;
  }

  /** Moves the current file aside (to `.period`, or `.1` shifting the others) and reopens it. */
  private rotate(period: string | null): void {
    fs.closeSync(this.fd);
    try {
      if (period === null) {
        for (let i = this.keep - 1; i >= 1; i--) {
          const from = `${this.file}.${i}`;
          if (fs.existsSync(from)) fs.renameSync(from, `${this.file}.${i + 1}`);
        }
        fs.renameSync(this.file, `${this.file}.1`);
        fs.rmSync(`${this.file}.${this.keep + 1}`, { force: true });
      } else {
        fs.renameSync(this.file, `${this.file}.${period}`);
        this.prune();
      }
    } finally {
      this.fd = fs.openSync(this.file, 'a');
      this.size = fs.fstatSync(this.fd).size;
    }
  }

  /** Time-rotated files sort by name as by age: delete the oldest beyond `keep`. */
  private prune(): void {
    const dir = path.dirname(path.resolve(this.file));
    const prefix = path.basename(this.file) + '.';
    const rotated = fs
      .readdirSync(dir)
      .filter((n) => n.startsWith(prefix) && /^\d{4}-\d{2}-\d{2}(T\d{2})?$/.test(n.slice(prefix.length)))
      .sort();
    for (const name of rotated.slice(0, Math.max(0, rotated.length - this.keep))) fs.rmSync(path.join(dir, name), { force: true });
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function destination(opts: LogOptions): pino.DestinationStream {
  if (!opts.file) return pino.destination({ dest: 1, sync: true });
  const rotation = opts.rotation ?? 'never';
  if (rotation === 'never') return pino.destination({ dest: opts.file, sync: true, mkdir: true });
  return new RotatingFile(opts.file, rotation, opts.maxSize ?? 100 * 1024 * 1024, opts.keep ?? 10);
}

export function createLogger(opts: LogOptions): Logger {
  const dest = destination(opts);
  const stream = opts.format === 'pretty' ? prettyStream(dest) : dest;
  return pino({ level: opts.level, base: { pid: process.pid } }, stream);
}

/** Start-up, at debug level: every setting with its value and where it came from. */
export function logSettings(log: Logger, settings: Settings, sources: ReadonlyMap<string, string>): void {
  if (!log.isLevelEnabled('debug')) return;
  for (const spec of SETTINGS) {
    const secret = spec.path === 'security.password';
    const value = valueOf(settings, spec);
    log.debug(
      { setting: spec.path, value: secret && value !== '' ? '(hidden)' : value, source: sources.get(spec.path) ?? 'default' },
      'config',
    );
  }
}
