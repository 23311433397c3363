/** Structured logging (pino): JSON lines by default, a readable single-line form for `pretty`. */
import pino, { type Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

export interface LogOptions {
  level: string;
  format: LogFormat;
  /** Append to this file instead of stdout. */
  file?: string | null;
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

export function createLogger(opts: LogOptions): Logger {
  const dest = opts.file ? pino.destination({ dest: opts.file, sync: true, mkdir: true }) : pino.destination({ dest: 1, sync: true });
  const stream = opts.format === 'pretty' ? prettyStream(dest) : dest;
  return pino({ level: opts.level, base: { pid: process.pid } }, stream);
}
