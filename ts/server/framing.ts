/**
 * Request framing: a byte-level RESP parser that creates no strings and no Buffers for multibulk
 * requests. It writes, per command, `[argc, off0, len0, off1, len1, ...]` into a reused Int32Array
 * (the `frames` of native-module.d.ts); one native call then executes the whole batch.
 *
 * It follows Redis 7.0's processMultibulkBuffer/processInlineBuffer: the same limits (64 KB for a
 * header or an inline line, proto-max-bulk-len for a bulk), the same leniency (the two bytes after a
 * bulk payload and after '\r' are skipped without being checked) and the same error texts, so that
 * malformed input gets the reply Redis gives before the connection is closed.
 */

/** Redis's PROTO_INLINE_MAX_SIZE: the longest header or inline request line accepted. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;

export const enum ParseStatus {
  /** Every complete command was framed; `pos` is where the incomplete rest starts. */
  NeedMore,
  /** Malformed input: `error` holds the reply text (without the leading '-'). */
  Error,
  /** The batch ends here (full, or an inline command follows); run it and call again from `pos`. */
  BatchFull,
}

const CR = 13;
const LF = 10;
const INT32_MAX = 2147483647;

export class RequestParser {
  frames = new Int32Array(4096);
  /** Index one past the last written frame slot. */
  framesEnd = 0;
  commands = 0;
  /** Byte offset where each framed command ends (so a blocked client can keep the unrun rest). */
  commandEnds = new Int32Array(1024);
  pos = 0;
  /** For NeedMore: total bytes (from the incomplete command's start) needed before parsing can progress. */
  needBytes = 0;
  error = '';
  /**
   * True when this batch holds inline commands: their (unescaped) arguments were copied into
   * `scratch`, and the frames' offsets point into scratch.buf, not into the input. A batch is
   * either all inline or all multibulk, so one buffer serves each batch.
   */
  inlineBatch = false;
  readonly scratch = new ArgBytes();
  private readonly spans = new Spans();

  constructor(
    public maxBulkLen = 512 * 1024 * 1024,
    private readonly maxCommands = 1024,
  ) {}

  private ensureFrames(extra: number): void {
    if (this.framesEnd + extra <= this.frames.length) return;
    let size = this.frames.length * 2;
    while (size < this.framesEnd + extra) size *= 2;
    const next = new Int32Array(size);
    next.set(this.frames.subarray(0, this.framesEnd));
    this.frames = next;
  }

  /** Frames commands in buf[start, end) into `frames` (which is reset). */
  parse(buf: Buffer, start: number, end: number): ParseStatus {
    this.framesEnd = 0;
    this.commands = 0;
    this.needBytes = 0;
    this.inlineBatch = false;
    this.scratch.len = 0;
    let pos = start;
    while (pos < end) {
      if (this.commands >= this.maxCommands) {
        this.pos = pos;
        return ParseStatus.BatchFull;
      }
      if (buf[pos] !== 42 /* '*' */) {
        if (this.commands > 0 && !this.inlineBatch) return this.batchEnds(pos);
        const next = this.parseInline(buf, pos, end);
        if (next < 0) return this.status;
        pos = next;
        continue;
      }
      if (this.inlineBatch) return this.batchEnds(pos);
      const commandStart = pos;
      // Multibulk header: '*' <count> '\r' <any byte>
      const cr = this.scanHeader(buf, pos, end);
      if (cr < 0) {
        if (end - pos > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big mbulk count string');
        return this.needMore(commandStart, end);
      }
      const count = this.headerValue;
      if (Number.isNaN(count) || count > INT32_MAX) return this.fail('Protocol error: invalid multibulk length');
      pos = cr + 2;
      if (count <= 0) continue; // "*0" or "*-1": an empty request, skipped as Redis does
      const frameStart = this.framesEnd;
      this.ensureFrames(1);
      this.frames[this.framesEnd++] = count;
      let complete = true;
      for (let i = 0; i < count; i++) {
        if (pos >= end) {
          complete = false;
          break;
        }
        const bcr = this.scanHeader(buf, pos, end);
        if (bcr < 0) {
          if (end - pos > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big bulk count string');
          complete = false;
          break;
        }
        if (buf[pos] !== 36 /* '$' */) {
          return this.fail(`Protocol error: expected '$', got '${String.fromCharCode(buf[pos])}'`);
        }
        const len = this.headerValue;
        if (Number.isNaN(len) || len < 0 || len > this.maxBulkLen) return this.fail('Protocol error: invalid bulk length');
        const dataStart = bcr + 2;
        if (dataStart + len + 2 > end) {
          // Known size: the caller can wait for exactly this many bytes before trying again.
          this.framesEnd = frameStart;
          this.pos = commandStart;
          this.needBytes = dataStart + len + 2 - commandStart;
          return ParseStatus.NeedMore;
        }
        this.ensureFrames(2);
        this.frames[this.framesEnd++] = dataStart;
        this.frames[this.framesEnd++] = len;
        pos = dataStart + len + 2;
      }
      if (!complete) {
        this.framesEnd = frameStart;
        return this.needMore(commandStart, end);
      }
      this.recordCommandEnd(pos);
    }
    this.pos = pos;
    return ParseStatus.NeedMore;
  }

  /** The integer of the last header scanned by scanHeader (NaN when not a strict integer). */
  private headerValue = 0;

  /**
   * Scans a header line `<type byte><integer>\r<any byte>` starting at `pos`, within `end` (not
   * beyond: a carry-over buffer has garbage after its end). Returns the position of the '\r', or -1
   * when the line is not complete yet; the integer goes to headerValue with parseStrictInt's rules.
   * One pass, no calls: this runs for every argument of every request.
   */
  private scanHeader(buf: Buffer, pos: number, end: number): number {
    // Redis finds the '\r' with strchr, which stops at a NUL byte: then the line is not complete.
    if (buf[pos] === 0) return -1;
    let i = pos + 1;
    const negative = i < end && buf[i] === 45; /* '-' */
    if (negative) i++;
    const first = i;
    let value = 0;
    let valid = true;
    for (; i < end; i++) {
      const d = buf[i] - 48;
      if (d === CR - 48) break;
      if (d === -48) return -1;
      if (d >= 0 && d <= 9) value = value * 10 + d;
      else valid = false;
    }
    if (i + 1 >= end) return -1;
    const digits = i - first;
    if (!valid || digits === 0 || digits > 19 || (buf[first] === 48 && (digits > 1 || negative)) || value > 9223372036854775807) {
      this.headerValue = NaN;
    } else {
      this.headerValue = negative ? -value : value;
    }
    return i;
  }

  private needMore(commandStart: number, end: number): ParseStatus {
    this.pos = commandStart;
    this.needBytes = end - commandStart + 1;
    return ParseStatus.NeedMore;
  }

  private fail(message: string): ParseStatus {
    this.error = message;
    return ParseStatus.Error;
  }

  private status = ParseStatus.NeedMore;

  /** Ends the batch at `pos` (it is full, or the next command is of the other kind). */
  private batchEnds(pos: number): ParseStatus {
    this.pos = pos;
    return ParseStatus.BatchFull;
  }

  private recordCommandEnd(pos: number): void {
    if (this.commands === this.commandEnds.length) {
      const grown = new Int32Array(this.commandEnds.length * 2);
      grown.set(this.commandEnds);
      this.commandEnds = grown;
    }
    this.commandEnds[this.commands++] = pos;
  }

  /**
   * An inline request: one line split like Redis's sdssplitargs, its arguments appended to
   * `scratch` and framed. Returns the position after the line, or -1 with `status` set (NeedMore
   * with `pos` at the line, or Error).
   */
  private parseInline(buf: Buffer, pos: number, end: number): number {
    this.error = '';
    // A byte loop, not buf.indexOf: inline lines are short, and a native call per line cost more
    // than the scan (PING_INLINE at -P 16).
    let lf = pos;
    // Redis looks for the newline with strchr, which stops at a NUL byte: a NUL before the newline
    // means no complete line (the request waits, up to the inline size limit).
    while (lf < end && buf[lf] !== LF && buf[lf] !== 0) lf++;
    if (lf < end && buf[lf] === 0) lf = end;
    if (lf >= end) {
      if (end - pos > PROTO_INLINE_MAX_SIZE) {
        this.status = this.fail('Protocol error: too big inline request');
        return -1;
      }
      this.status = this.needMore(pos, end);
      return -1;
    }
    let lineEnd = lf;
    if (lineEnd > pos && buf[lineEnd - 1] === CR) lineEnd--;
    const spans = this.spans;
    spans.len = 0;
    if (!splitInline(buf, pos, lineEnd, this.scratch, spans)) {
      this.status = this.fail('Protocol error: unbalanced quotes in request');
      return -1;
    }
    const argc = spans.len / 2;
    if (argc > 0) {
      this.ensureFrames(1 + spans.len);
      this.frames[this.framesEnd++] = argc;
      for (let i = 0; i < spans.len; i++) this.frames[this.framesEnd++] = spans.data[i];
      this.inlineBatch = true;
      this.recordCommandEnd(lf + 1);
    }
    return lf + 1;
  }
}

/**
 * [offset, length] pairs of an inline line's arguments: a reused typed array (a JS array reset per
 * line cost a runtime call per PING_INLINE).
 */
export class Spans {
  data = new Int32Array(64);
  len = 0;

  push(offset: number, length: number): void {
    if (this.len + 2 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.len++] = offset;
    this.data[this.len++] = length;
  }
}

/** A growable byte buffer for the unescaped arguments of inline requests. */
export class ArgBytes {
  buf = Buffer.allocUnsafe(1024);
  len = 0;

  push(byte: number): void {
    if (this.len === this.buf.length) {
      const grown = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    this.buf[this.len++] = byte;
  }
}

/**
 * Redis's string2ll rules: optional '-', no '+', no leading zeros, no spaces, within int64.
 * Returns null when the text is not such an integer. Values beyond 2^53 are only used for range
 * checks (they all exceed the limits callers compare with), so a JS number is precise enough.
 */
export function parseStrictInt(buf: Buffer, start: number, end: number): number | null {
  const n = end - start;
  if (n <= 0 || n > 20) return null;
  let i = start;
  let negative = false;
  if (buf[i] === 45 /* '-' */) {
    negative = true;
    i++;
    if (i === end) return null;
  }
  if (buf[i] === 48 /* '0' */) return n === 1 ? 0 : null;
  let value = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  if (value > 9223372036854775807) return null;
  return negative ? -value : value;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits an inline line the way redis-cli users expect (sdssplitargs: quotes, \xHH, \n, \r ...):
 * each argument's bytes are appended to `out`, and its [offset, length] in out.buf to `spans`.
 * Returns false for unbalanced quotes.
 */
export function splitInline(buf: Buffer, start: number, end: number, out: ArgBytes, spans: Spans): boolean {
  // Redis splits the line as a C string: it ends at the first NUL byte.
  for (let i = start; i < end; i++) {
    if (buf[i] === 0) {
      end = i;
      break;
    }
  }
  let p = start;
  for (;;) {
    while (p < end && isSpace(buf[p])) p++;
    if (p >= end) return true;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    const argStart = out.len;
    while (!done) {
      const c = p < end ? buf[p] : -1;
      if (inDouble) {
        if (c === -1) return false;
        if (c === 92 /* \ */ && buf[p + 1] === 120 /* x */ && p + 3 < end && hexValue(buf[p + 2]) >= 0 && hexValue(buf[p + 3]) >= 0) {
          out.push(hexValue(buf[p + 2]) * 16 + hexValue(buf[p + 3]));
          p += 3;
        } else if (c === 92 && p + 1 < end) {
          p++;
          const e = buf[p];
          out.push(e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e);
        } else if (c === 34 /* " */) {
          // The closing quote must be followed by a space or the end of the line.
          if (p + 1 < end && !isSpace(buf[p + 1])) return false;
          done = true;
        } else {
          out.push(c);
        }
      } else if (inSingle) {
        if (c === -1) return false;
        if (c === 92 && buf[p + 1] === 39 /* ' */ && p + 1 < end) {
          p++;
          out.push(39);
        } else if (c === 39) {
          if (p + 1 < end && !isSpace(buf[p + 1])) return false;
          done = true;
        } else {
          out.push(c);
        }
      } else if (c === -1 || c === 32 || c === 10 || c === 13 || c === 9 || c === 0) {
        done = true;
      } else if (c === 34) {
        inDouble = true;
      } else if (c === 39) {
        inSingle = true;
      } else {
        out.push(c);
      }
      if (p < end) p++;
    }
    spans.push(argStart, out.len - argStart);
  }
}

/** The arguments of one inline line as Buffers (null for unbalanced quotes). */
export function splitInlineArgs(buf: Buffer, start: number, end: number): Buffer[] | null {
  const out = new ArgBytes();
  const spans = new Spans();
  if (!splitInline(buf, start, end, out, spans)) return null;
  const args: Buffer[] = [];
  const d = spans.data;
  for (let i = 0; i < spans.len; i += 2) args.push(Buffer.from(out.buf.subarray(d[i], d[i] + d[i + 1])));
  return args;
}
