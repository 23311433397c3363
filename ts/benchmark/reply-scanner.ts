/**
 * A streaming RESP reply counter for the load generator. It never builds reply objects: it walks
 * the bytes once, counts complete top-level replies and top-level error replies, and keeps the
 * text of the first error (for the report). Its state survives chunk boundaries, so the caller may
 * reuse one receive buffer for every read (net's `onread`), and a reply may be split anywhere.
 *
 * Nesting is tracked with one number, `outstanding`: the elements still owed by the current
 * top-level reply. A new reply owes 1; every finished element pays 1; an aggregate header pays 1
 * and adds its element count (maps and attributes count keys and values). The reply is complete
 * when nothing is owed.
 */

const CR = 0x0d;
const LF = 0x0a;
const MINUS = 0x2d;

const enum State {
  /** Expecting the type byte of the next element. */
  Type,
  /** Inside a one-line element (+ : _ , # ( and errors); ends at LF. */
  Line,
  /** Reading the decimal length or count after $ = ! * % ~ > |. */
  Number,
  /** Skipping a bulk payload and its CRLF. */
  Payload,
}

const enum NumberKind {
  /** `$`, `=`, `!`: a length followed by that many bytes. */
  Bulk,
  /** `*`, `~`, `>`: that many elements follow. */
  Aggregate,
  /** `%`: that many key/value pairs follow. */
  Pairs,
  /** `|`: attribute pairs that precede the element they describe (the element still follows). */
  Attribute,
}

/** The longest error text kept for the report. */
const ERROR_TEXT_LIMIT = 200;

export class ReplyScanner {
  /** Top-level error replies seen so far (`-ERR …`, RESP3 `!` blob errors). */
  errors = 0;
  /** The text of the first top-level error, without the leading `-`. */
  firstError: string | null = null;

  private state = State.Type;
  private outstanding = 0;
  private numberKind = NumberKind.Bulk;
  private numberValue = 0;
  private numberNegative = false;
  private payloadLeft = 0;
  /** True while the current line or payload is a top-level error whose text is being kept. */
  private keepingError = false;
  private errorText = '';

  /** Scans `chunk[start, end)`; returns how many top-level replies it completed. */
  scan(chunk: Uint8Array, start: number, end: number): number {
    let completed = 0;
    let pos = start;
    let state = this.state;
    let outstanding = this.outstanding;
    while (pos < end) {
      if (state === State.Type) {
        const type = chunk[pos++];
        const topLevel = outstanding === 0;
        if (topLevel) outstanding = 1;
        switch (type) {
          case 0x2b: // + simple string
          case 0x3a: // : integer
          case 0x5f: // _ null
          case 0x2c: // , double
          case 0x23: // # boolean
          case 0x28: // ( big number
            state = State.Line;
            break;
          case MINUS: // - error
            if (topLevel) this.startError();
            state = State.Line;
            break;
          case 0x24: // $ bulk string
          case 0x3d: // = verbatim string
            state = this.startNumber(NumberKind.Bulk);
            break;
          case 0x21: // ! blob error
            if (topLevel) this.startError();
            state = this.startNumber(NumberKind.Bulk);
            break;
          case 0x2a: // * array
          case 0x7e: // ~ set
          case 0x3e: // > push
            state = this.startNumber(NumberKind.Aggregate);
            break;
          case 0x25: // % map
            state = this.startNumber(NumberKind.Pairs);
            break;
          case 0x7c: // | attribute
            state = this.startNumber(NumberKind.Attribute);
            break;
          default:
            throw new Error(`protocol error: unexpected byte 0x${type.toString(16)} where a reply type was expected`);
        }
      } else if (state === State.Line) {
        const lineStart = pos;
        while (pos < end && chunk[pos] !== LF) pos++;
        if (this.keepingError) this.keepErrorText(chunk, lineStart, pos);
        if (pos === end) break;
        pos++; // the LF
        this.finishError();
        state = State.Type;
        if (--outstanding === 0) completed++;
      } else if (state === State.Number) {
        const byte = chunk[pos++];
        if (byte >= 0x30 && byte <= 0x39) this.numberValue = this.numberValue * 10 + (byte - 0x30);
        else if (byte === MINUS) this.numberNegative = true;
        else if (byte === LF) {
          const value = this.numberNegative ? -this.numberValue : this.numberValue;
          if (this.numberKind === NumberKind.Bulk) {
            if (value < 0) {
              // A null bulk: the element is complete.
              this.finishError();
              state = State.Type;
              if (--outstanding === 0) completed++;
            } else {
              this.payloadLeft = value + 2;
              state = State.Payload;
            }
          } else {
            state = State.Type;
            const elements = value < 0 ? 0 : this.numberKind === NumberKind.Aggregate ? value : value * 2;
            // An attribute is not an element itself: the element it annotates still follows.
            outstanding += this.numberKind === NumberKind.Attribute ? elements : elements - 1;
            if (outstanding === 0) completed++;
          }
        } else if (byte !== CR) {
          throw new Error(`protocol error: unexpected byte 0x${byte.toString(16)} in a length`);
        }
      } else {
        const available = end - pos;
        if (available < this.payloadLeft) {
          if (this.keepingError) this.keepErrorText(chunk, pos, end);
          this.payloadLeft -= available;
          pos = end;
          break;
        }
        if (this.keepingError) this.keepErrorText(chunk, pos, pos + this.payloadLeft);
        pos += this.payloadLeft;
        this.payloadLeft = 0;
        this.finishError();
        state = State.Type;
        if (--outstanding === 0) completed++;
      }
    }
    this.state = state;
    this.outstanding = outstanding;
    return completed;
  }

  /** True when no reply is partly read (a closed connection then lost no reply in the middle). */
  get idle(): boolean {
    return this.state === State.Type && this.outstanding === 0;
  }

  private startNumber(kind: NumberKind): State {
    this.numberKind = kind;
    this.numberValue = 0;
    this.numberNegative = false;
    return State.Number;
  }

  private startError(): void {
    this.errors++;
    if (this.firstError === null) {
      this.keepingError = true;
      this.errorText = '';
    }
  }

  private keepErrorText(chunk: Uint8Array, from: number, to: number): void {
    if (this.errorText.length >= ERROR_TEXT_LIMIT) return;
    this.errorText += Buffer.from(chunk.buffer, chunk.byteOffset + from, Math.min(to - from, ERROR_TEXT_LIMIT)).toString('latin1');
  }

  private finishError(): void {
    if (!this.keepingError) return;
    this.keepingError = false;
    this.firstError = this.errorText.replace(/\r?\n?$/, '').slice(0, ERROR_TEXT_LIMIT);
  }
}
