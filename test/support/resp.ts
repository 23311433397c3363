/**
 * A RESP2/RESP3 reply reader for tests. Every parsed reply keeps its raw bytes, so the
 * differential tests can compare two servers byte for byte, and a decoded form, so that the few
 * legitimate differences (key order, TTL drift, ...) can be normalised.
 *
 * The reader is incremental and avoids quadratic copying: chunks are kept in a list and joined only
 * when enough bytes have arrived for the reply being waited on (a 64 MB bulk is joined once).
 */

export type RespValue =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: bigint }
  | { type: 'bulk'; value: Buffer | null }
  | { type: 'array'; value: RespValue[] | null }
  | { type: 'null' }
  | { type: 'double'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'bignum'; value: string }
  | { type: 'blobError'; value: Buffer }
  | { type: 'verbatim'; format: string; value: Buffer }
  | { type: 'map'; value: Array<[RespValue, RespValue]> }
  | { type: 'set'; value: RespValue[] }
  | { type: 'push'; value: RespValue[] }
  /** RESP3 attributes (`|`) precede the reply they annotate; they are kept beside it. */
  | { type: 'attribute'; attributes: Array<[RespValue, RespValue]>; value: RespValue };

export interface Reply {
  raw: Buffer;
  value: RespValue;
}

/** Thrown for bytes that are not valid RESP: a server bug, reported as such by the tests. */
export class RespSyntaxError extends Error {}

const CR = 13;
const LF = 10;

/** Result of one parse attempt: a value and where it ended, or how many bytes are needed. */
type Attempt = { ok: true; value: RespValue; end: number } | { ok: false; need: number };

function lineEnd(buf: Buffer, from: number): number {
  const i = buf.indexOf(LF, from);
  if (i < 0) return -1;
  if (i === from || buf[i - 1] !== CR) {
    throw new RespSyntaxError(`line not terminated by CRLF at offset ${i}: ${escapeBytes(buf.subarray(from, i + 1))}`);
  }
  return i - 1; // index of CR
}

function parseIntStrict(text: string, what: string): bigint {
  if (!/^-?\d+$/.test(text)) throw new RespSyntaxError(`bad ${what}: ${JSON.stringify(text)}`);
  return BigInt(text);
}

function parseAt(buf: Buffer, pos: number): Attempt {
  if (pos >= buf.length) return { ok: false, need: pos + 1 };
  const prefix = String.fromCharCode(buf[pos]);
  const cr = lineEnd(buf, pos + 1);
  if (cr < 0) return { ok: false, need: buf.length + 1 };
  const line = buf.toString('latin1', pos + 1, cr);
  const afterLine = cr + 2;
  switch (prefix) {
    case '+':
      return { ok: true, value: { type: 'simple', value: line }, end: afterLine };
    case '-':
      return { ok: true, value: { type: 'error', value: line }, end: afterLine };
    case ':':
      return { ok: true, value: { type: 'integer', value: parseIntStrict(line, 'integer') }, end: afterLine };
    case '_':
      if (line !== '') throw new RespSyntaxError(`bad null: ${JSON.stringify(line)}`);
      return { ok: true, value: { type: 'null' }, end: afterLine };
    case ',':
      return { ok: true, value: { type: 'double', value: line }, end: afterLine };
    case '#':
      if (line !== 't' && line !== 'f') throw new RespSyntaxError(`bad boolean: ${JSON.stringify(line)}`);
      return { ok: true, value: { type: 'boolean', value: line === 't' }, end: afterLine };
    case '(':
      parseIntStrict(line, 'big number');
      return { ok: true, value: { type: 'bignum', value: line }, end: afterLine };
    case '$':
    case '!':
    case '=': {
      const len = Number(parseIntStrict(line, 'bulk length'));
      if (len === -1 && prefix === '$') return { ok: true, value: { type: 'bulk', value: null }, end: afterLine };
      if (len < 0) throw new RespSyntaxError(`bad ${prefix} length ${len}`);
      const end = afterLine + len + 2;
      if (buf.length < end) return { ok: false, need: end };
      if (buf[end - 2] !== CR || buf[end - 1] !== LF) throw new RespSyntaxError(`${prefix} payload not followed by CRLF`);
      const payload = buf.subarray(afterLine, afterLine + len);
      if (prefix === '$') return { ok: true, value: { type: 'bulk', value: payload }, end };
      if (prefix === '!') return { ok: true, value: { type: 'blobError', value: payload }, end };
      if (len < 4 || payload[3] !== 0x3a) throw new RespSyntaxError('verbatim string without "xxx:" format');
      return { ok: true, value: { type: 'verbatim', format: payload.toString('latin1', 0, 3), value: payload.subarray(4) }, end };
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const count = Number(parseIntStrict(line, 'aggregate length'));
      if (count === -1 && prefix === '*') return { ok: true, value: { type: 'array', value: null }, end: afterLine };
      if (count < 0) throw new RespSyntaxError(`bad ${prefix} length ${count}`);
      const elements = prefix === '%' || prefix === '|' ? count * 2 : count;
      const items: RespValue[] = [];
      let at = afterLine;
      for (let i = 0; i < elements; i++) {
        const sub = parseAt(buf, at);
        if (!sub.ok) return sub;
        items.push(sub.value);
        at = sub.end;
      }
      if (prefix === '*') return { ok: true, value: { type: 'array', value: items }, end: at };
      if (prefix === '~') return { ok: true, value: { type: 'set', value: items }, end: at };
      if (prefix === '>') return { ok: true, value: { type: 'push', value: items }, end: at };
      const pairs: Array<[RespValue, RespValue]> = [];
      for (let i = 0; i < items.length; i += 2) pairs.push([items[i], items[i + 1]]);
      if (prefix === '%') return { ok: true, value: { type: 'map', value: pairs }, end: at };
      const annotated = parseAt(buf, at);
      if (!annotated.ok) return annotated;
      return { ok: true, value: { type: 'attribute', attributes: pairs, value: annotated.value }, end: annotated.end };
    }
    default:
      throw new RespSyntaxError(`unknown RESP type byte ${JSON.stringify(prefix)} at offset ${pos}`);
  }
}

/** Incremental reader: feed chunks, take complete replies. */
export class RespReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before another parse attempt can succeed. */
  private need = 1;

  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Bytes received but not yet part of a complete reply. */
  pendingBytes(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
  }

  /** Returns every complete reply now available (possibly none). */
  takeReplies(): Reply[] {
    const out: Reply[] = [];
    if (this.buffered < this.need) return out;
    let buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    let pos = 0;
    for (;;) {
      if (pos >= buf.length) {
        this.need = 1;
        break;
      }
      const attempt = parseAt(buf, pos);
      if (!attempt.ok) {
        this.need = attempt.need - pos;
        break;
      }
      // Copy the raw bytes out so that the big joined buffer is not kept alive by small replies.
      out.push({ raw: Buffer.from(buf.subarray(pos, attempt.end)), value: attempt.value });
      pos = attempt.end;
    }
    buf = buf.subarray(pos);
    this.chunks = buf.length > 0 ? [buf] : [];
    this.buffered = buf.length;
    return out;
  }
}

/** Parses a complete byte string holding whole replies (throws if bytes are left over). */
export function parseAll(bytes: Buffer): Reply[] {
  const reader = new RespReader();
  reader.feed(bytes);
  const replies = reader.takeReplies();
  const rest = reader.pendingBytes();
  if (rest.length > 0) throw new RespSyntaxError(`incomplete reply bytes left: ${escapeBytes(rest)}`);
  return replies;
}

/** Encodes a command as a RESP multibulk request. */
export function encodeCommand(args: ReadonlyArray<string | Buffer | number | bigint>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export function toBuffer(a: string | Buffer | number | bigint): Buffer {
  return Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
}

/** Printable, unambiguous rendering of bytes (like Redis's sdscatrepr), cut after `max` bytes. */
export function escapeBytes(bytes: Buffer, max = 300): string {
  let out = '"';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  out += '"';
  if (bytes.length > max) out += `...(${bytes.length} bytes)`;
  return out;
}

export function formatCommand(args: ReadonlyArray<string | Buffer | number | bigint>): string {
  return args.map((a) => {
    const b = toBuffer(a);
    const s = escapeBytes(b, 80);
    return /^"[A-Za-z0-9_.:+\-|]+"$/.test(s) ? s.slice(1, -1) : s;
  }).join(' ');
}

/** The text of a bulk/simple/verbatim/double reply, or undefined for other types. */
export function textOf(v: RespValue): string | undefined {
  switch (v.type) {
    case 'simple':
    case 'error':
    case 'double':
    case 'bignum':
      return v.value;
    case 'bulk':
      return v.value === null ? undefined : v.value.toString('latin1');
    case 'verbatim':
    case 'blobError':
      return v.value.toString('latin1');
    default:
      return undefined;
  }
}

/** The elements of an array/set/push reply, or undefined. */
export function elementsOf(v: RespValue): RespValue[] | undefined {
  if (v.type === 'array') return v.value ?? undefined;
  if (v.type === 'set' || v.type === 'push') return v.value;
  return undefined;
}

/** Re-encodes a decoded value (used after normalisation, so results print as RESP). */
export function encodeValue(v: RespValue): Buffer {
  const parts: Buffer[] = [];
  const put = (x: RespValue): void => {
    switch (x.type) {
      case 'simple': parts.push(Buffer.from(`+${x.value}\r\n`, 'latin1')); break;
      case 'error': parts.push(Buffer.from(`-${x.value}\r\n`, 'latin1')); break;
      case 'integer': parts.push(Buffer.from(`:${x.value}\r\n`)); break;
      case 'null': parts.push(Buffer.from('_\r\n')); break;
      case 'double': parts.push(Buffer.from(`,${x.value}\r\n`, 'latin1')); break;
      case 'boolean': parts.push(Buffer.from(`#${x.value ? 't' : 'f'}\r\n`)); break;
      case 'bignum': parts.push(Buffer.from(`(${x.value}\r\n`)); break;
      case 'bulk':
        if (x.value === null) parts.push(Buffer.from('$-1\r\n'));
        else parts.push(Buffer.from(`$${x.value.length}\r\n`), x.value, Buffer.from('\r\n'));
        break;
      case 'blobError': parts.push(Buffer.from(`!${x.value.length}\r\n`), x.value, Buffer.from('\r\n')); break;
      case 'verbatim':
        parts.push(Buffer.from(`=${x.value.length + 4}\r\n${x.format}:`, 'latin1'), x.value, Buffer.from('\r\n'));
        break;
      case 'array':
        if (x.value === null) { parts.push(Buffer.from('*-1\r\n')); break; }
        parts.push(Buffer.from(`*${x.value.length}\r\n`)); x.value.forEach(put); break;
      case 'set': parts.push(Buffer.from(`~${x.value.length}\r\n`)); x.value.forEach(put); break;
      case 'push': parts.push(Buffer.from(`>${x.value.length}\r\n`)); x.value.forEach(put); break;
      case 'map':
        parts.push(Buffer.from(`%${x.value.length}\r\n`));
        for (const [k, val] of x.value) { put(k); put(val); }
        break;
      case 'attribute':
        parts.push(Buffer.from(`|${x.attributes.length}\r\n`));
        for (const [k, val] of x.attributes) { put(k); put(val); }
        put(x.value);
        break;
    }
  };
  put(v);
  return Buffer.concat(parts);
}

/** A plain JavaScript view of a reply: strings (latin1), bigints, arrays, and Maps for maps. */
export type Plain = string | bigint | boolean | null | Plain[] | Map<string, Plain> | { error: string };

export function toPlain(v: RespValue): Plain {
  switch (v.type) {
    case 'simple':
    case 'double':
    case 'bignum':
      return v.value;
    case 'error':
      return { error: v.value };
    case 'blobError':
      return { error: v.value.toString('latin1') };
    case 'integer':
      return v.value;
    case 'boolean':
      return v.value;
    case 'null':
      return null;
    case 'bulk':
      return v.value === null ? null : v.value.toString('latin1');
    case 'verbatim':
      return v.value.toString('latin1');
    case 'array':
      return v.value === null ? null : v.value.map(toPlain);
    case 'set':
    case 'push':
      return v.value.map(toPlain);
    case 'map': {
      const m = new Map<string, Plain>();
      for (const [k, val] of v.value) m.set(String(toPlain(k)), toPlain(val));
      return m;
    }
    case 'attribute':
      return toPlain(v.value);
  }
}

/** Reads a RESP2 flat key/value array or a RESP3 map as a Map. */
export function pairsOf(v: RespValue): Map<string, RespValue> | undefined {
  const m = new Map<string, RespValue>();
  if (v.type === 'map') {
    for (const [k, val] of v.value) m.set(textOf(k) ?? '', val);
    return m;
  }
  const els = elementsOf(v);
  if (!els || els.length % 2 !== 0) return undefined;
  for (let i = 0; i < els.length; i += 2) m.set(textOf(els[i]) ?? '', els[i + 1]);
  return m;
}
