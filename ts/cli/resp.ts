/**
 * The CLI's RESP2/RESP3 codec: a command encoder and a streaming reply parser.
 *
 * The parser is fed socket chunks and hands back every reply completed so far. It keeps the parse
 * state (the aggregates being filled, the bulk string being collected) between chunks, so a reply
 * split across any number of chunks is never re-parsed from its start, and a large bulk string is
 * collected as a list of slices joined once.
 */

export type Reply =
  | { kind: 'simple'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'integer'; value: bigint }
  | { kind: 'bulk'; bytes: Buffer }
  /** RESP3 verbatim string: `format` is the three-letter type (txt, mkd), `bytes` the text after it. */
  | { kind: 'verbatim'; format: string; bytes: Buffer }
  /** RESP2 null bulk/array and RESP3 null. */
  | { kind: 'nil' }
  /** RESP3 double, kept as the text the server sent (redis-cli prints it unchanged). */
  | { kind: 'double'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'bignum'; text: string }
  | { kind: 'array'; items: Reply[] }
  | { kind: 'set'; items: Reply[] }
  | { kind: 'push'; items: Reply[] }
  | { kind: 'map'; entries: Array<[Reply, Reply]> };

export type AggregateKind = 'array' | 'set' | 'push' | 'map';

export class ProtocolError extends Error {}

const CRLF = Buffer.from('\r\n');

/** A command word: text (sent as UTF-8) or exact bytes (a \xhh escape that is not UTF-8). */
export type Arg = string | Buffer;

export function argText(arg: Arg): string {
  return typeof arg === 'string' ? arg : arg.toString('utf8');
}

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly Arg[]): Buffer {
  // Text-only commands (the common case) are built as one string and encoded once.
  if (args.every((a) => typeof a === 'string')) {
    let text = `*${args.length}\r\n`;
    for (const arg of args as readonly string[]) text += `$${Buffer.byteLength(arg, 'utf8')}\r\n${arg}\r\n`;
    return Buffer.from(text, 'utf8');
  }
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/** An aggregate under construction: how many child values it still needs. */
interface OpenAggregate {
  kind: AggregateKind | 'attribute';
  needed: number;
  children: Reply[];
}

/** A bulk-like value whose body is still arriving. */
interface OpenBulk {
  type: '$' | '=' | '!';
  /** Body bytes plus the trailing CRLF still to collect. */
  remaining: number;
  slices: Buffer[];
}

export class ReplyParser {
  private pending: Buffer = Buffer.alloc(0);
  private readonly open: OpenAggregate[] = [];
  private bulk: OpenBulk | null = null;
  private done: Reply[] = [];

  /** Adds bytes; returns the top-level replies completed by them (possibly none). */
  feed(chunk: Buffer): Reply[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    for (;;) {
      if (this.bulk !== null) {
        const take = Math.min(this.bulk.remaining, this.pending.length - offset);
        if (take > 0) {
          this.bulk.slices.push(this.pending.subarray(offset, offset + take));
          this.bulk.remaining -= take;
          offset += take;
        }
        if (this.bulk.remaining > 0) break;
        this.finishBulk(this.bulk);
        this.bulk = null;
        continue;
      }
      const lineEnd = this.pending.indexOf(CRLF, offset);
      if (lineEnd < 0) break;
      const type = String.fromCharCode(this.pending[offset]);
      const line = this.pending.toString('utf8', offset + 1, lineEnd);
      offset = lineEnd + 2;
      this.startValue(type, line);
    }
    // Keep only the unconsumed tail (a partial header line): bulk bodies were moved into slices.
    this.pending = offset >= this.pending.length ? Buffer.alloc(0) : Buffer.from(this.pending.subarray(offset));
    const out = this.done;
    this.done = [];
    return out;
  }

  private startValue(type: string, line: string): void {
    switch (type) {
      case '+': return this.complete({ kind: 'simple', text: line });
      case '-': return this.complete({ kind: 'error', text: line });
      case ':': return this.complete({ kind: 'integer', value: parseInteger(line) });
      case ',': return this.complete({ kind: 'double', text: line });
      case '(': return this.complete({ kind: 'bignum', text: line });
      case '_': return this.complete({ kind: 'nil' });
      case '#':
        if (line !== 't' && line !== 'f') throw new ProtocolError(`bad boolean '${line}'`);
        return this.complete({ kind: 'boolean', value: line === 't' });
      case '$':
      case '=':
      case '!': {
        const length = Number(parseInteger(line));
        if (length < 0) return this.complete({ kind: 'nil' });
        this.bulk = { type, remaining: length + 2, slices: [] };
        return;
      }
      case '*':
      case '~':
      case '>':
      case '%':
      case '|': {
        const count = Number(parseInteger(line));
        if (count < 0) return this.complete({ kind: 'nil' });
        const kind = AGGREGATE_TYPES[type];
        const needed = kind === 'map' || kind === 'attribute' ? count * 2 : count;
        if (needed === 0) {
          if (kind === 'attribute') return; // an empty attribute annotates nothing
          return this.complete(buildAggregate(kind, []));
        }
        this.open.push({ kind, needed, children: [] });
        return;
      }
      default:
        throw new ProtocolError(`unexpected reply type byte '${type}'`);
    }
  }

  private finishBulk(bulk: OpenBulk): void {
    const whole = bulk.slices.length === 1 ? bulk.slices[0] : Buffer.concat(bulk.slices);
    if (whole[whole.length - 2] !== 0x0d || whole[whole.length - 1] !== 0x0a) {
      throw new ProtocolError('bulk string not terminated by CRLF');
    }
    // Copy out of the socket's chunk so a kept reply does not pin a 64 KB read buffer.
    const body = Buffer.from(whole.subarray(0, whole.length - 2));
    if (bulk.type === '!') return this.complete({ kind: 'error', text: body.toString('utf8') });
    if (bulk.type === '=') {
      // "txt:" — three format characters and a colon precede the text.
      return this.complete({ kind: 'verbatim', format: body.toString('latin1', 0, 3), bytes: body.subarray(4) });
    }
    this.complete({ kind: 'bulk', bytes: body });
  }

  /** Places a finished value into its parent, closing every aggregate it completes. */
  private complete(value: Reply): void {
    let current = value;
    for (;;) {
      const parent = this.open[this.open.length - 1];
      if (parent === undefined) {
        this.done.push(current);
        return;
      }
      parent.children.push(current);
      if (parent.children.length < parent.needed) return;
      this.open.pop();
      if (parent.kind === 'attribute') return; // attributes are metadata: the reply follows them
      current = buildAggregate(parent.kind, parent.children);
    }
  }
}

const AGGREGATE_TYPES: Record<string, AggregateKind | 'attribute'> = {
  '*': 'array',
  '~': 'set',
  '>': 'push',
  '%': 'map',
  '|': 'attribute',
};

function buildAggregate(kind: AggregateKind, children: Reply[]): Reply {
  if (kind !== 'map') return { kind, items: children };
  const entries: Array<[Reply, Reply]> = [];
  for (let i = 0; i + 1 < children.length; i += 2) entries.push([children[i], children[i + 1]]);
  return { kind: 'map', entries };
}

function parseInteger(text: string): bigint {
  if (!/^-?\d+$/.test(text)) throw new ProtocolError(`bad integer '${text}'`);
  return BigInt(text);
}

/** The elements of an array-like reply; a map's keys and values interleaved (as RESP2 sends them). */
export function flatItems(reply: Reply): Reply[] | null {
  switch (reply.kind) {
    case 'array':
    case 'set':
    case 'push':
      return reply.items;
    case 'map':
      return reply.entries.flat();
    default:
      return null;
  }
}

/** A string-like reply's text, or null for other kinds. */
export function replyText(reply: Reply): string | null {
  switch (reply.kind) {
    case 'simple':
    case 'error':
    case 'double':
    case 'bignum':
      return reply.text;
    case 'bulk':
    case 'verbatim':
      return reply.bytes.toString('utf8');
    case 'integer':
      return reply.value.toString();
    default:
      return null;
  }
}
