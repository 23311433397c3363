/**
 * The checker behind `rustypotato-check-aof`: Redis 7.0's redis-check-aof on one old-style AOF file
 * (RESP arrays of bulk strings and `#` annotation lines), streamed in chunks so that files of any
 * size are checked in bounded memory.
 *
 * It follows redis-check-aof's parser to the byte, quirks included, so that the verdicts, the
 * `ok_up_to` offset, the `ok_up_to_line` count and the error texts are the same:
 * - a header line (`*N`, `$N`) is read like fgets() into a 128-byte buffer and parsed like
 *   strtol(): leading white space and a sign are accepted, the number must be followed by "\r\n";
 * - `ok_up_to_line` starts at 1 and counts every "\r\n" consumed by the RESP parser (annotation
 *   lines are not counted), including the ones of a command that later turned out incomplete;
 * - `ok_up_to` is where the last complete command ended, or where an unterminated MULTI began;
 * - a nested MULTI and an EXEC without MULTI are errors; an array of 0 or negative length is a
 *   (valid) empty command;
 * - annotation lines are read with a 1024-byte buffer; with a timestamp given, the first `#TS:`
 *   annotation later than it is where the file is cut.
 *
 * Kept out of it on purpose: the Multi Part AOF (manifest) and RDB-preamble formats, which are
 * reported as unsupported instead of checked.
 */
import fs from 'node:fs';

export interface CheckOptions {
  fix: boolean;
  /** Unix seconds; 0 = off (as redis-check-aof, where 0 means "not given"). */
  truncateToTimestamp: number | bigint;
  /** --fix asks for confirmation through this; returns true to go on. Absent: no question. */
  confirm?: () => boolean;
  /** Output sink, one call per line (without its newline). Raw bytes of the file come as Buffers. */
  write: (text: string | Buffer) => void;
  /** Read chunk size (tests use small ones to cross chunk borders). */
  chunkSize?: number;
}

export type CheckStatus = 'ok' | 'empty' | 'truncated' | 'timestamp-truncated' | 'invalid' | 'aborted' | 'error';

export interface CheckResult {
  status: CheckStatus;
  exitCode: number;
  size: number;
  okUpTo: number;
  okUpToLine: number;
  error: string;
}

const CR = 0x0d;
const LF = 0x0a;

/** C's isspace() in the "C" locale. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/**
 * strtol(buf + start, &end, 10) on a NUL-terminated byte string (bytes past `length`, or a 0 byte,
 * end it). Returns the value (as a bigint, clamped like strtol), where parsing stopped, and whether
 * it overflowed (errno ERANGE).
 */
export function strtol(buf: Uint8Array, start: number, length: number): { value: bigint; end: number; overflow: boolean } {
  const at = (i: number): number => (i < length ? buf[i] : 0);
  let i = start;
  while (at(i) !== 0 && isSpace(at(i))) i++;
  let negative = false;
  if (at(i) === 0x2b || at(i) === 0x2d) {
    negative = at(i) === 0x2d;
    i++;
  }
  const digitsStart = i;
  let value = 0n;
  let overflow = false;
  while (at(i) >= 0x30 && at(i) <= 0x39) {
    if (!overflow) {
      value = value * 10n + BigInt(at(i) - 0x30);
      if ((negative && -value < LONG_MIN) || (!negative && value > LONG_MAX)) overflow = true;
    }
    i++;
  }
  if (i === digitsStart) return { value: 0n, end: start, overflow: false };
  if (overflow) return { value: negative ? LONG_MIN : LONG_MAX, end: i, overflow: true };
  return { value: negative ? -value : value, end: i, overflow: false };
}

/** Parses a --truncate-to-timestamp argument like redis-check-aof (strtol, nothing after it). */
export function parseTimestampArg(text: string): bigint | null {
  const bytes = Buffer.from(text, 'utf8');
  const r = strtol(bytes, 0, bytes.length);
  if (r.overflow || r.end !== bytes.length) return null;
  return r.value;
}

/** printf("%02x", (char)c): bytes from 0x80 up are sign-extended, as redis-check-aof prints them. */
function hexByte(c: number): string {
  return c >= 0x80 ? `ffffff${c.toString(16)}` : c.toString(16).padStart(2, '0');
}

/**
 * A read-only view of the file with FILE*-like reads (fgets, fread) over a sliding chunk buffer.
 * `eof` is the stdio end-of-file indicator: set when a read ran into the end of the file.
 */
class ChunkedFile {
  pos = 0;
  eof = false;
  /** The chunk buffer: fgets() returns where its line starts in it. */
  buf: Buffer;
  private bufStart = 0;
  private bufLen = 0;
  /** Length of the line fgets() returned. */
  lineLen = 0;
  /** The first bytes fread() read (up to 6), and the last two of them when all were read. */
  readonly head = new Uint8Array(6);
  tail0 = 0;
  tail1 = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
    chunkSize: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(chunkSize, 2048));
  }

  /** Makes [at, at + n) (clipped to the file) available in the buffer; returns the bytes there. */
  private window(at: number, n: number): number {
    const want = Math.min(n, this.size - at);
    if (want <= 0) return 0;
    if (at >= this.bufStart && at + want <= this.bufStart + this.bufLen) return want;
    if (want > this.buf.length) this.buf = Buffer.allocUnsafe(want);
    this.bufStart = at;
    this.bufLen = 0;
    const toRead = Math.min(this.buf.length, this.size - at);
    while (this.bufLen < toRead) {
      const got = fs.readSync(this.fd, this.buf, this.bufLen, toRead - this.bufLen, at + this.bufLen);
      if (got === 0) break; // the file shrank under us: treat as its end
      this.bufLen += got;
    }
    return Math.min(want, this.bufLen);
  }

  /** The byte at pos (without moving), or -1 at the end. */
  peek(): number {
    return this.window(this.pos, 1) === 0 ? -1 : this.buf[this.pos - this.bufStart];
  }

  /**
   * fgets(s, max, fp): up to max-1 bytes, through the first "\n". Returns where the line starts in
   * `buf` (its length in `lineLen`; valid until the next read), or -1 when nothing is left (and
   * the EOF indicator is set).
   */
  fgets(max: number): number {
    const avail = this.window(this.pos, max - 1);
    if (avail === 0) {
      this.eof = true;
      return -1;
    }
    const start = this.pos - this.bufStart;
    const nl = this.buf.indexOf(LF, start);
    const len = nl >= 0 && nl < start + avail ? nl - start + 1 : avail;
    if (len === avail && this.buf[start + len - 1] !== LF && avail < max - 1) this.eof = true;
    this.lineLen = len;
    this.pos += len;
    return start;
  }

  /**
   * fread(n) whose bytes are not kept: returns how many were read; their first bytes land in
   * `head`, and the last two in tail0/tail1 when all n were read.
   */
  fread(n: number): number {
    const got = Math.min(n, Math.max(0, this.size - this.pos));
    const headLen = Math.min(6, got);
    if (this.window(this.pos, headLen) < headLen) throw new Error('read error');
    let off = this.pos - this.bufStart;
    for (let i = 0; i < headLen; i++) this.head[i] = this.buf[off + i];
    if (got === n && n >= 2) {
      const at = this.pos + n - 2;
      if (this.window(at, 2) < 2) throw new Error('read error');
      off = at - this.bufStart;
      this.tail0 = this.buf[off];
      this.tail1 = this.buf[off + 1];
    }
    this.pos += got;
    if (got < n) this.eof = true;
    return got;
  }
}

/** Why a check stopped early (the process exits with code 1 after printing). */
class Abort extends Error {}

/** strcasecmp(str, word) == 0 where str is the bulk's content, cut at its first NUL byte. */
function isWord(head: Uint8Array, contentLen: number, word: string): boolean {
  if (contentLen < word.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = head[i] | 0x20;
    if (c !== word.charCodeAt(i)) return false;
  }
  // The C string ends right after the word: the bulk is that long, or a NUL byte follows.
  return contentLen === word.length || head[word.length] === 0;
}

/**
 * strtol for header lines, fast: a number while it is exact (up to 15 digits), else the bigint
 * of strtol() above. `end` is where parsing stopped.
 */
function parseHeader(buf: Uint8Array, start: number, length: number): { value: number | bigint; end: number } {
  let i = start;
  let c = i < length ? buf[i] : 0;
  if (c >= 0x30 && c <= 0x39) {
    let v = 0;
    const limit = Math.min(length, start + 15);
    while (i < limit && c >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      c = ++i < length ? buf[i] : 0;
    }
    if (!(c >= 0x30 && c <= 0x39)) return { value: v, end: i };
  }
  const r = strtol(buf, start, length);
  const asNumber = Number(r.value);
  return { value: Number.isSafeInteger(asNumber) ? asNumber : r.value, end: r.end };
}

class AofChecker {
  private line = 1;
  private error: Buffer = Buffer.alloc(0);
  private epos = 0;
  private multi = 0;

  constructor(
    private readonly f: ChunkedFile,
    private readonly name: string,
    private readonly opts: CheckOptions,
  ) {}

  /** ERROR(): the message goes through snprintf's %s, so it ends at its first NUL byte. */
  private setError(text: string | Buffer): void {
    let msg = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const nul = msg.indexOf(0);
    if (nul >= 0) msg = msg.subarray(0, nul);
    this.error = Buffer.concat([Buffer.from(`0x${this.epos.toString(16).padStart(16, ' ')}: `), msg]);
  }

  /** consumeNewline on two bytes (past the bytes read: the string's terminating NUL, as 0). */
  private consumeNewline(a: number, b: number): boolean {
    if (a !== CR || b !== LF) {
      // In C the byte after a terminating NUL is stale buffer content; 0 here.
      this.setError(`Expected \\r\\n, got: ${hexByte(a)}${hexByte(b)}`);
      return false;
    }
    this.line++;
    return true;
  }

  /** readLong: a header line "<prefix><number>\r\n". */
  private readLong(prefix: number): number | bigint | null {
    const f = this.f;
    this.epos = f.pos;
    const start = f.fgets(128);
    if (start < 0) return null;
    const buf = f.buf;
    const end = start + f.lineLen;
    if (buf[start] !== prefix) {
      this.setError(Buffer.concat([Buffer.from(`Expected prefix '${String.fromCharCode(prefix)}', got: '`), buf.subarray(start, start + 1), Buffer.from("'")]));
      return null;
    }
    // strtol stops at a NUL byte, as at the end of the bytes read.
    const r = parseHeader(buf, start + 1, end);
    if (!this.consumeNewline(r.end < end ? buf[r.end] : 0, r.end + 1 < end ? buf[r.end + 1] : 0)) return null;
    return r.value;
  }

  /** readString: "$<len>\r\n<len bytes>\r\n". Returns the content's length (first bytes in f.head). */
  private readString(): number | null {
    const len = this.readLong(0x24);
    if (len === null) return null;
    if (len < 0 || (typeof len === 'bigint' && len > LONG_MAX - 2n)) {
      this.setError(`Expected to read string of ${len} bytes, which is not in the suitable range`);
      return null;
    }
    const f = this.f;
    this.epos = f.pos;
    const total = typeof len === 'number' ? len + 2 : len + 2n;
    // A length past any file size is simply a short read.
    const want = typeof total === 'number' && total <= Number.MAX_SAFE_INTEGER ? total : Number.MAX_SAFE_INTEGER;
    const got = f.fread(want);
    if (got !== want) {
      this.setError(`Expected to read ${total} bytes, got ${got} bytes`);
      return null;
    }
    if (!this.consumeNewline(f.tail0, f.tail1)) return null;
    return Number(len);
  }

  /** processRESP: one command; tracks MULTI/EXEC nesting. */
  private processResp(): boolean {
    const argcRaw = this.readLong(0x2a);
    if (argcRaw === null) return false;
    // Past 2^53 the loop ends at the end of the file anyway.
    const argc = Number(argcRaw);
    for (let i = 0; i < argc; i++) {
      const len = this.readString();
      if (len === null) return false;
      if (i === 0 && len >= 4) {
        const head = this.f.head;
        if (isWord(head, len, 'multi')) {
          if (this.multi++ !== 0) {
            this.setError(`Unexpected MULTI in AOF ${this.name}`);
            return false;
          }
        } else if (isWord(head, len, 'exec')) {
          if (--this.multi !== 0) {
            this.setError(`Unexpected EXEC in AOF ${this.name}`);
            return false;
          }
        }
      }
    }
    return true;
  }

/** processAnnotations: false when the file was cut at this annotation (timestamp mode). */
  private processAnnotation(): boolean {
    this.epos = this.f.pos;
    const start = this.f.fgets(1024);
    if (start < 0) {
      this.opts.write(`Failed to read annotations from AOF ${this.name}, aborting...`);
      throw new Abort();
    }
    const buf = this.f.buf.subarray(start, start + this.f.lineLen);
    const T = BigInt(this.opts.truncateToTimestamp);
    if (T !== 0n && buf.length >= 4 && buf[0] === 0x23 && buf[1] === 0x54 && buf[2] === 0x53 && buf[3] === 0x3a) {
      const r = strtol(buf, 4, buf.length);
      if (r.overflow || (r.end < buf.length ? buf[r.end] : 0) !== CR) {
        this.opts.write('Invalid timestamp annotation');
        throw new Abort();
      }
      if (r.value <= T) return true;
      if (this.epos === 0) {
        this.opts.write(`AOF ${this.name} has nothing before timestamp ${T}, aborting...`);
        throw new Abort();
      }
      return false;
    }
    return true;
  }

  /** checkSingleAof for the last (only) file. */
  run(): { status: CheckStatus; okUpTo: number } {
    const f = this.f;
    let pos = 0;
    for (;;) {
      if (this.multi === 0) pos = f.pos;
      const c = f.peek();
      if (c === -1) {
        f.eof = true;
        break;
      }
      f.eof = false; // fseek() clears the indicator
      if (c === 0x23) {
        if (!this.processAnnotation()) return { status: 'timestamp-truncated', okUpTo: this.epos };
      } else if (c === 0x2a) {
        if (!this.processResp()) break;
      } else {
        this.opts.write(`AOF ${this.name} format error`);
        break;
      }
    }
    if (f.eof && this.multi !== 0 && this.error.length === 0) this.setError('Reached EOF before reading EXEC for MULTI');
    if (this.error.length > 0) this.opts.write(this.error);
    return { status: 'ok', okUpTo: pos };
  }

  get okUpToLine(): number {
    return this.line;
  }

  get errorText(): string {
    return this.error.toString('latin1');
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EROFS: 'Read-only file system',
  EISDIR: 'Is a directory',
};

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err.code && ERRNO_TEXT[err.code]) || err.message;
}

/** Checks (and with --fix / a timestamp, truncates) one old-style AOF file, like redis-check-aof. */
export function checkAofFile(file: string, opts: CheckOptions): CheckResult {
  const write = opts.write;
  const result = (status: CheckStatus, exitCode: number, extra: Partial<CheckResult> = {}): CheckResult => ({
    status, exitCode, size: 0, okUpTo: 0, okUpToLine: 0, error: '', ...extra,
  });
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    write(`Cannot open file ${file}: ${errnoText(e)}`);
    return result('error', 1);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) {
      write(`Cannot read file: ${file}`);
      return result('error', 1);
    }
    const size = st.size;
    const head = Buffer.alloc(Math.min(size, 64));
    if (head.length > 0) fs.readSync(fd, head, 0, head.length, 0);
    if (/^file \S/.test(head.toString('latin1'))) {
      write(`${file} looks like a Multi Part AOF manifest: rustypotato-check-aof checks single AOF files; run it on the last file the manifest lists.`);
      return result('error', 1);
    }
    if (size >= 8 && head.subarray(0, 5).toString('latin1') === 'REDIS') {
      write(`${file} starts with an RDB preamble, which rustypotato-check-aof does not check; use redis-check-aof.`);
      return result('error', 1);
    }
    write('Start checking Old-Style AOF');
    if (size === 0) {
      write(`AOF ${file} is empty`);
      return result('empty', 0);
    }
    const chunked = new ChunkedFile(fd, size, opts.chunkSize ?? 4 << 20);
    const checker = new AofChecker(chunked, file, opts);
    let run: { status: CheckStatus; okUpTo: number };
    try {
      run = checker.run();
    } catch (e) {
      if (e instanceof Abort) return result('aborted', 1, { size, okUpToLine: checker.okUpToLine, error: checker.errorText });
      throw e;
    }
    const T = BigInt(opts.truncateToTimestamp);
    const info = { size, okUpTo: run.okUpTo, okUpToLine: checker.okUpToLine, error: checker.errorText };
    if (run.status === 'timestamp-truncated') {
      if (!truncate(file, run.okUpTo, write, `Failed to truncate AOF ${file} to timestamp ${T}`)) return result('error', 1, info);
      write(`Successfully truncated AOF ${file} to timestamp ${T}`);
      return result('timestamp-truncated', 0, info);
    }
    const pos = run.okUpTo;
    const diff = size - pos;
    if (diff === 0 && T !== 0n) {
      write(`Truncate nothing in AOF ${file} to timestamp ${T}`);
      write(`AOF ${file} is valid`);
      return result('ok', 0, info);
    }
    write(`AOF analyzed: filename=${file}, size=${size}, ok_up_to=${pos}, ok_up_to_line=${checker.okUpToLine}, diff=${diff}`);
    if (diff > 0) {
      if (!opts.fix) {
        write(`AOF ${file} is not valid. Use the --fix option to try fixing it.`);
        return result('invalid', 1, info);
      }
      write(`This will shrink the AOF ${file} from ${size} bytes, with ${diff} bytes, to ${pos} bytes`);
      if (opts.confirm && !opts.confirm()) {
        write('Aborting...');
        return result('aborted', 1, info);
      }
      if (!truncate(file, pos, write, `Failed to truncate AOF ${file}`)) return result('error', 1, info);
      write(`Successfully truncated AOF ${file}`);
      return result('truncated', 0, info);
    }
    write(`AOF ${file} is valid`);
    return result('ok', 0, info);
  } finally {
    fs.closeSync(fd);
  }
}

function truncate(file: string, size: number, write: (t: string) => void, failure: string): boolean {
  try {
    const fd = fs.openSync(file, 'r+');
    try {
      fs.ftruncateSync(fd, size);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  } catch (e) {
    write(`${failure}: ${errnoText(e)}`);
    return false;
  }
}
