/**
 * MONITOR: every command run is sent to the monitoring clients as Redis formats it,
 *   +1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"
 * with each argument quoted by sdscatrepr's rules. Costs nothing while no client monitors: the
 * request path asks `active` before doing anything.
 */
import type { Client } from '../server/client';

/** sdscatrepr: quotes, backslash escapes, \xHH for bytes outside printable ASCII. */
export function quoteArgument(arg: Buffer): string {
  let out = '"';
  for (const c of arg) {
    switch (c) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        out += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

/** One monitor line (without the leading '+' and CRLF). */
export function monitorLine(nowMicros: number, db: number, origin: string, args: readonly Buffer[]): string {
  const seconds = Math.floor(nowMicros / 1e6);
  const micros = String(Math.floor(nowMicros % 1e6)).padStart(6, '0');
  return `${seconds}.${micros} [${db} ${origin}] ${args.map(quoteArgument).join(' ')}`;
}

export class MonitorFeed {
  readonly clients = new Set<Client>();

  get active(): boolean {
    return this.clients.size > 0;
  }

  /**
   * Sends `args`, run by `source` in database `db`, to every monitoring client. A script's commands
   * are shown as run by "lua", at the time the engine recorded.
   */
  feed(source: Client, db: number, args: readonly Buffer[], origin = source.addr, micros = -1): void {
    const nowMicros = micros >= 0 ? micros : Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const line = Buffer.from('+' + monitorLine(nowMicros, db, origin, args) + '\r\n', 'latin1');
    for (const monitor of this.clients) {
      if (monitor.closing) {
        this.clients.delete(monitor);
        continue;
      }
      monitor.replyTs((w) => w.raw(line));
      // The source's own replies go out at the end of its read; others are sent now.
      if (monitor !== source) monitor.flush();
    }
  }
}
