/**
 * Reply rendering in the CLI's output formats:
 * - human: what redis-cli prints on a terminal (and with --no-raw): `(integer) 1`, `(nil)`, quoted
 *   strings with C-style escapes, numbered and indented nested aggregates, RESP3 maps as
 *   `1# key => value`, sets as `1~ member`, `(double) 1.5`, `(true)`;
 * - raw: what redis-cli prints when piped (--raw): bare values, one per line;
 * - json: one JSON document per reply;
 * - table: cli-table3 tables (see ./table.ts).
 */
import { Reply } from './resp';

export type OutputFormat = 'human' | 'raw' | 'json' | 'table';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['human', 'raw', 'json', 'table'];

/** ANSI styling hooks; the identity when colours are off (not a terminal, NO_COLOR, --no-color). */
export interface Palette {
  error(text: string): string;
  /** Type tags and markers: `(integer)`, `(nil)`, `(empty array)`. */
  dim(text: string): string;
  bold(text: string): string;
  label(text: string): string;
  prompt(text: string): string;
}

const identity = (text: string): string => text;
export const PLAIN: Palette = { error: identity, dim: identity, bold: identity, label: identity, prompt: identity };

const sgr = (code: string) => (text: string): string => `\x1b[${code}m${text}\x1b[0m`;
export const COLOURED: Palette = {
  error: sgr('31'),
  dim: sgr('90'),
  bold: sgr('1'),
  label: sgr('33'),
  prompt: sgr('1;32'),
};

/**
 * Quotes bytes the way redis-cli does (sdscatrepr): printable ASCII as is, `"` and `\` escaped,
 * \n \r \t \a \b by name, every other byte as \xhh.
 */
export function quoteBytes(bytes: Buffer): string {
  let out = '"';
  for (const byte of bytes) {
    switch (byte) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        out += byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
    }
  }
  return out + '"';
}

function emptyMarker(reply: Reply): string {
  switch (reply.kind) {
    case 'map': return '(empty hash)';
    case 'set': return '(empty set)';
    case 'push': return '(empty push)';
    default: return '(empty array)';
  }
}

/** True when the human rendering of `reply` spans several lines (a map value then starts on a new line). */
function isMultiline(reply: Reply): boolean {
  switch (reply.kind) {
    case 'array':
    case 'set':
    case 'push':
      if (reply.items.length === 0) return false;
      return reply.items.length > 1 || isMultiline(reply.items[0]);
    case 'map':
      if (reply.entries.length === 0) return false;
      return reply.entries.length > 1 || isMultiline(reply.entries[0][1]);
    default:
      return false;
  }
}

/** redis-cli's terminal rendering; every line ends with "\n". */
export function renderHuman(reply: Reply, palette: Palette = PLAIN, prefix = ''): string {
  switch (reply.kind) {
    case 'error': return palette.error(`(error) ${reply.text}`) + '\n';
    case 'simple': return reply.text + '\n';
    case 'integer': return `${palette.dim('(integer)')} ${reply.value}\n`;
    case 'double': return `${palette.dim('(double)')} ${reply.text}\n`;
    case 'bignum': return `${palette.dim('(big number)')} ${reply.text}\n`;
    case 'bulk': return quoteBytes(reply.bytes) + '\n';
    case 'verbatim': return reply.bytes.toString('utf8') + '\n';
    case 'nil': return palette.dim('(nil)') + '\n';
    case 'boolean': return palette.dim(reply.value ? '(true)' : '(false)') + '\n';
    case 'array':
    case 'set':
    case 'push':
    case 'map': {
      const count = reply.kind === 'map' ? reply.entries.length : reply.items.length;
      if (count === 0) return palette.dim(emptyMarker(reply)) + '\n';
      const width = String(count).length;
      const childPrefix = prefix + ' '.repeat(width + 2);
      const separator = reply.kind === 'set' ? '~' : reply.kind === 'map' ? '#' : ')';
      let out = '';
      for (let i = 0; i < count; i++) {
        // The parent already wrote the first line's prefix (its own index).
        out += `${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}${separator} `;
        if (reply.kind === 'map') {
          const [key, value] = reply.entries[i];
          out += renderHuman(key, palette, childPrefix).slice(0, -1) + ' => ';
          if (isMultiline(value)) out += '\n' + childPrefix;
          out += renderHuman(value, palette, childPrefix);
        } else {
          out += renderHuman(reply.items[i], palette, childPrefix);
        }
      }
      return out;
    }
  }
}

/**
 * The body of redis-cli's raw rendering (without the final newline), one char per byte (latin1) so
 * that binary values survive the trip back to bytes.
 */
function rawBody(reply: Reply): string {
  switch (reply.kind) {
    case 'nil': return '';
    case 'error':
    case 'simple':
    case 'double':
    case 'bignum':
      return Buffer.from(reply.text, 'utf8').toString('latin1');
    case 'bulk':
    case 'verbatim':
      return reply.bytes.toString('latin1');
    case 'integer': return reply.value.toString();
    case 'boolean': return reply.value ? '(true)' : '(false)';
    case 'array':
    case 'set':
    case 'push':
      return reply.items.map(rawBody).join('\n');
    case 'map':
      return reply.entries.map(([k, v]) => `${rawBody(k)} ${rawBody(v)}`).join('\n');
  }
}

/**
 * Commands whose replies are text meant to be read as is (INFO, CLIENT LIST, LOLWUT...): redis-cli
 * prints them raw even on a terminal, so the human format does the same.
 */
export function isTextReportCommand(command: readonly string[]): boolean {
  const name = (command[0] ?? '').toLowerCase();
  const sub = (command[1] ?? '').toLowerCase();
  const argc = command.length;
  switch (name) {
    case 'info':
    case 'lolwut':
      return true;
    case 'debug': return argc >= 2 && ['htstats', 'htstats-key', 'client-eviction'].includes(sub);
    case 'memory': return argc >= 2 && (sub === 'malloc-stats' || sub === 'doctor');
    case 'cluster': return argc === 2 && (sub === 'nodes' || sub === 'info');
    case 'client': return argc >= 2 && (sub === 'list' || sub === 'info');
    case 'latency': return (argc === 3 && sub === 'graph') || (argc === 2 && sub === 'doctor');
    default: return false;
  }
}

/** A text report's reply as redis-cli prints it: the text alone (it ends with its own newline). */
export function renderTextReport(reply: Reply): Buffer {
  return Buffer.from(rawBody(reply) + (reply.kind === 'error' ? '\n' : ''), 'latin1');
}

/**
 * redis-cli's piped rendering: bare values, aggregates one element per line. Returned as bytes:
 * bulk strings are written back exactly as the server sent them (binary safe).
 */
export function renderRaw(reply: Reply): Buffer {
  return Buffer.from(rawBody(reply) + '\n', 'latin1');
}

/** A string for JSON: UTF-8 text when the bytes are valid UTF-8, else one code point per byte. */
function bytesToText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return Buffer.byteLength(text, 'utf8') === bytes.length && !text.includes('\ufffd') ? text : bytes.toString('latin1');
}

/** Converts a reply into plain JSON data: errors become {"error": "..."}; big integers stay exact as strings. */
export function toJsonValue(reply: Reply): unknown {
  switch (reply.kind) {
    case 'simple': return reply.text;
    case 'error': return { error: reply.text };
    case 'integer': {
      const n = Number(reply.value);
      return Number.isSafeInteger(n) ? n : reply.value.toString();
    }
    case 'double': {
      const n = Number(reply.text);
      return Number.isFinite(n) ? n : reply.text;
    }
    case 'bignum': return reply.text;
    case 'bulk':
    case 'verbatim':
      return bytesToText(reply.bytes);
    case 'nil': return null;
    case 'boolean': return reply.value;
    case 'array':
    case 'set':
    case 'push':
      return reply.items.map(toJsonValue);
    case 'map': {
      const object: Record<string, unknown> = {};
      for (const [key, value] of reply.entries) {
        const keyJson = toJsonValue(key);
        object[typeof keyJson === 'string' ? keyJson : JSON.stringify(keyJson)] = toJsonValue(value);
      }
      return object;
    }
  }
}

export function renderJson(reply: Reply): string {
  return JSON.stringify(toJsonValue(reply)) + '\n';
}

/** A scalar reply as a table cell or plain text: strings bare, other kinds tagged like the human format. */
export function cellText(reply: Reply): string {
  switch (reply.kind) {
    case 'simple':
    case 'double':
    case 'bignum':
      return reply.text;
    case 'error': return `(error) ${reply.text}`;
    case 'integer': return reply.value.toString();
    case 'bulk':
    case 'verbatim':
      return bytesToText(reply.bytes);
    case 'nil': return '(nil)';
    case 'boolean': return reply.value ? 'true' : 'false';
    default:
      return renderHuman(reply).replace(/\n$/, '');
  }
}
