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
  /** An inline command was found at `pos`; its arguments are in `inlineArgs`, `pos` is after it. */
  Inline,
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
  inlineArgs: Buffer[] = [];

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
    let pos = start;
    while (pos < end) {
      if (this.commands >= this.maxCommands) {
        this.pos = pos;
        return ParseStatus.BatchFull;
      }
      if (buf[pos] !== 42 /* '*' */) {
        const status = this.parseInline(buf, pos, end);
        if (status !== ParseStatus.Inline || this.inlineArgs.length > 0) return status;
        pos = this.pos; // an empty line: nothing to run
        continue;
      }
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
      if (this.commands === this.commandEnds.length) {
        const grown = new Int32Array(this.commandEnds.length * 2);
        grown.set(this.commandEnds);
        this.commandEnds = grown;
      }
      this.commandEnds[this.commands++] = pos;
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
    let i = pos + 1;
    const negative = i < end && buf[i] === 45; /* '-' */
    if (negative) i++;
    const first = i;
    let value = 0;
    let valid = true;
    for (; i < end; i++) {
      const d = buf[i] - 48;
      if (d === CR - 48) break;
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

  /** An inline request: one line split like Redis's sdssplitargs. */
  private parseInline(buf: Buffer, pos: number, end: number): ParseStatus {
    if (this.commands > 0) {
      // Finish the framed batch first so replies keep request order; the caller comes back.
      this.pos = pos;
      return ParseStatus.BatchFull;
    }
    const lf = buf.indexOf(LF, pos);
    if (lf < 0 || lf >= end) {
      if (end - pos > PROTO_INLINE_MAX_SIZE) return this.fail('Protocol error: too big inline request');
      return this.needMore(pos, end);
    }
    let lineEnd = lf;
    if (lineEnd > pos && buf[lineEnd - 1] === CR) lineEnd--;
    const args = splitInlineArgs(buf, pos, lineEnd);
    if (args === null) return this.fail('Protocol error: unbalanced quotes in request');
    this.inlineArgs = args;
    this.pos = lf + 1;
    return ParseStatus.Inline;
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

/** Splits an inline line the way redis-cli users expect (sdssplitargs): quotes, \xHH, \n, \r ... */
export function splitInlineArgs(buf: Buffer, start: number, end: number): Buffer[] | null {
  // Redis splits the line as a C string: it ends at the first NUL byte.
  const nul = buf.indexOf(0, start);
  if (nul >= 0 && nul < end) end = nul;
  const args: Buffer[] = [];
  let p = start;
  const current: number[] = [];
  for (;;) {
    while (p < end && isSpace(buf[p])) p++;
    if (p >= end) return args;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    current.length = 0;
    while (!done) {
      const c = p < end ? buf[p] : -1;
      if (inDouble) {
        if (c === -1) return null;
        if (c === 92 /* \ */ && buf[p + 1] === 120 /* x */ && p + 3 < end && hexValue(buf[p + 2]) >= 0 && hexValue(buf[p + 3]) >= 0) {
          current.push(hexValue(buf[p + 2]) * 16 + hexValue(buf[p + 3]));
          p += 3;
        } else if (c === 92 && p + 1 < end) {
          p++;
          const e = buf[p];
          current.push(e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e);
        } else if (c === 34 /* " */) {
          // The closing quote must be followed by a space or the end of the line.
          if (p + 1 < end && !isSpace(buf[p + 1])) return null;
          done = true;
        } else {
          current.push(c);
        }
      } else if (inSingle) {
        if (c === -1) return null;
        if (c === 92 && buf[p + 1] === 39 /* ' */ && p + 1 < end) {
          p++;
          current.push(39);
        } else if (c === 39) {
          if (p + 1 < end && !isSpace(buf[p + 1])) return null;
          done = true;
        } else {
          current.push(c);
        }
      } else if (c === -1 || c === 32 || c === 10 || c === 13 || c === 9 || c === 0) {
        done = true;
      } else if (c === 34) {
        inDouble = true;
      } else if (c === 39) {
        inSingle = true;
      } else {
        current.push(c);
      }
      if (p < end) p++;
    }
    args.push(Buffer.from(current));
  }
}
