/**
 * RESP2/RESP3 reply encoder for replies produced in TypeScript (connection and server commands,
 * protocol errors, the CLI). Data-command replies are written by the C++ engine
 * (native/protocol/reply.*); both follow Redis 7's encodings, including the RESP2 fallbacks
 * (map -> flat array, set -> array, double -> bulk string, null -> $-1 / *-1, boolean -> integer).
 */

const CRLF = '\r\n';

/**
 * A double as C's printf("%.17g") writes it, which is how Redis formats the doubles of its replies
 * (addReplyDouble): 17 significant digits, trailing zeros dropped, exponent form below 1e-4 or from
 * 1e17 on, "inf"/"-inf"/"nan".
 */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, exponentText] = x.toExponential(16).split('e');
  const exponent = Number(exponentText);
  const trim = (digits: string): string => (digits.includes('.') ? digits.replace(/0+$/, '').replace(/\.$/, '') : digits);
  if (exponent < -4 || exponent >= 17) {
    const e = Math.abs(exponent);
    return `${trim(mantissa)}e${exponent < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return trim(x.toFixed(16 - exponent));
}

export class ReplyWriter {
  private buf: Buffer;
  private len = 0;

  constructor(
    public resp: 2 | 3 = 2,
    initialSize = 4096,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.len;
  }

  /** Returns the bytes written since the last take() and resets the writer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  private ascii(s: string): this {
    this.reserve(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
    return this;
  }

  raw(bytes: Buffer): this {
    this.reserve(bytes.length);
    bytes.copy(this.buf, this.len);
    this.len += bytes.length;
    return this;
  }

  /** +OK style status. Newlines are replaced by spaces, as Redis does. */
  simple(s: string): this {
    return this.ascii('+' + s.replace(/[\r\n]/g, ' ') + CRLF);
  }

  /** Told of every error reply written (the server counts them: INFO errorstats). */
  onError: ((msg: string) => void) | null = null;

  /** An error reply; `msg` includes its code ("ERR ...", "WRONGTYPE ..."). */
  error(msg: string): this {
    this.onError?.(msg);
    return this.ascii('-' + msg.replace(/[\r\n]/g, ' ') + CRLF);
  }

  /** An error whose text quotes client bytes: one char per byte (latin1), so bytes pass unchanged. */
  errorBytes(msg: string): this {
    this.onError?.(msg);
    const line = '-' + msg.replace(/[\r\n]/g, ' ') + CRLF;
    this.reserve(line.length);
    this.len += this.buf.write(line, this.len, 'latin1');
    return this;
  }

  integer(n: number | bigint): this {
    return this.ascii(':' + n.toString() + CRLF);
  }

  bulk(v: Buffer | string): this {
    const b = typeof v === 'string' ? Buffer.from(v) : v;
    this.ascii('$' + b.length + CRLF);
    this.raw(b);
    return this.ascii(CRLF);
  }

  /** Null bulk string: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): this {
    return this.ascii(this.resp === 3 ? '_\r\n' : '$-1\r\n');
  }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): this {
    return this.ascii(this.resp === 3 ? '_\r\n' : '*-1\r\n');
  }

  array(n: number): this {
    return this.ascii('*' + n + CRLF);
  }

  /** A map of n pairs: `%n` in RESP3, a flat array of 2n elements in RESP2. */
  map(n: number): this {
    return this.ascii(this.resp === 3 ? '%' + n + CRLF : '*' + n * 2 + CRLF);
  }

  set(n: number): this {
    return this.ascii(this.resp === 3 ? '~' + n + CRLF : '*' + n + CRLF);
  }

  push(n: number): this {
    return this.ascii(this.resp === 3 ? '>' + n + CRLF : '*' + n + CRLF);
  }

  boolean(b: boolean): this {
    return this.ascii(this.resp === 3 ? (b ? '#t\r\n' : '#f\r\n') : b ? ':1\r\n' : ':0\r\n');
  }

  /** A double: `,` in RESP3, a bulk string in RESP2 (formatted by the caller, Redis style). */
  double(formatted: string): this {
    return this.resp === 3 ? this.ascii(',' + formatted + CRLF) : this.bulk(formatted);
  }

  /** Verbatim string (`=len\r\ntxt:...`) in RESP3, bulk string in RESP2. Used by INFO, CLIENT INFO. */
  verbatim(text: string, format = 'txt'): this {
    if (this.resp !== 3) return this.bulk(text);
    const b = Buffer.from(text);
    this.ascii('=' + (b.length + 4) + CRLF + format + ':');
    this.raw(b);
    return this.ascii(CRLF);
  }

  /** Array of status lines: the HELP subcommands' reply (Redis's addReplyHelp). */
  statusLines(lines: readonly string[]): this {
    this.array(lines.length);
    for (const line of lines) this.simple(line);
    return this;
  }

  /** Array of bulk strings. */
  bulks(items: Array<Buffer | string>): this {
    this.array(items.length);
    for (const it of items) this.bulk(it);
    return this;
  }
}
