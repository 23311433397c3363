/**
 * Splitting typed lines into command words the way redis-cli does (sdssplitargs): words are
 * separated by blanks; "double quotes" take the escapes \n \r \t \b \a \\ \" and \xhh;
 * 'single quotes' take only \'; a closing quote must be followed by a blank or the end.
 */

export class UnbalancedQuotesError extends Error {
  constructor() {
    super('Invalid argument(s)');
  }
}

const NAMED_ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, a: 0x07 };

function isBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\v' || ch === '\f';
}

/** Collects one word: text runs as strings, \xhh escapes as raw bytes (which may not be UTF-8). */
class WordBuilder {
  private parts: Buffer[] = [];
  private text = '';

  addText(text: string): void {
    this.text += text;
  }

  addByte(byte: number): void {
    this.flushText();
    this.parts.push(Buffer.from([byte]));
  }

  finish(): Buffer {
    this.flushText();
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
  }

  private flushText(): void {
    if (this.text === '' && this.parts.length > 0) return;
    this.parts.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }
}

/** Splits a line into words (as bytes: a \xhh escape may produce a byte that is not UTF-8). */
export function splitLine(line: string): Buffer[] {
  // Most lines have no quotes: plain blank-separated words.
  if (!line.includes('"') && !line.includes("'")) {
    return line.split(/[ \n\r\t\v\f]+/).filter((w) => w !== '').map((w) => Buffer.from(w, 'utf8'));
  }
  const words: Buffer[] = [];
  let i = 0;
  for (;;) {
    while (isBlank(line[i])) i++;
    if (i >= line.length) return words;
    const word = new WordBuilder();
    let quote: '"' | "'" | null = null;
    for (;;) {
      const ch = line[i];
      if (quote === null) {
        if (ch === undefined || isBlank(ch)) break;
        if (ch === '"' || ch === "'") quote = ch;
        else word.addText(ch);
        i++;
        continue;
      }
      if (ch === undefined) throw new UnbalancedQuotesError();
      const next = line[i + 1];
      // "..." takes \xhh and C escapes; '...' only \'.
      if (ch === '\\' && next !== undefined && (quote === '"' || next === "'")) {
        if (quote === '"' && next === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          word.addByte(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        const named = quote === '"' ? NAMED_ESCAPES[next] : undefined;
        word.addText(named !== undefined ? String.fromCharCode(named) : next);
        i += 2;
        continue;
      }
      if (ch === quote) {
        // A closing quote must end the word.
        if (next !== undefined && !isBlank(next)) throw new UnbalancedQuotesError();
        i++;
        break;
      }
      word.addText(ch);
      i++;
    }
    words.push(word.finish());
  }
}

/** Arity facts about one command, from COMMAND INFO: redis's convention (negative = at least). */
export interface CommandArity {
  arity: number;
  /** Subcommand name (lower case, without the container prefix) to its arity. */
  subcommands: Map<string, number>;
}

/**
 * The arity of the commands in the seed README's list: what batch mode splits by when the server
 * cannot tell (an old server without COMMAND, or a COMMAND INFO that failed).
 */
export const FALLBACK_ARITIES: ReadonlyMap<string, number> = new Map([
  ['set', -3], ['get', 2], ['del', -2], ['exists', -2], ['expire', -3], ['ttl', 2],
  ['incr', 2], ['decr', 2], ['ping', -1],
]);

/**
 * Splits a flat word list (`set k1 v1 set k2 v2 get k1`) into commands by the arity of each
 * command name. A command with a fixed arity takes exactly that many words. A variadic one takes
 * its minimum and then stops at the earliest later word that is a command name from which the
 * rest of the list splits into complete commands; otherwise it takes everything left, which is
 * also what happens after an unknown command name (the server then reports it).
 * So `set k v get` stays one command (GET is an option here), while `set k v get k` is two.
 * A container command (COMMAND, CONFIG, CLIENT...) with a variadic subcommand takes the rest of
 * the words: their arguments are often command names (`command info get set`).
 */
export function splitByArity(words: readonly string[], lookup: (name: string) => CommandArity | undefined): string[][] {
  const n = words.length;
  // splitsFrom[i]: end of the first command starting at word i, when words[i..] splits cleanly.
  const memo = new Map<number, number | null>();

  const arityAt = (i: number): number | undefined => {
    const info = lookup(words[i].toLowerCase());
    if (info === undefined) return undefined;
    if (info.subcommands.size === 0) return info.arity;
    const sub = i + 1 < n ? info.subcommands.get(words[i + 1].toLowerCase()) : undefined;
    return sub !== undefined && sub > 0 ? sub : -(n - i);
  };

  /** End of the first command from `i` such that the remainder splits cleanly, or null. */
  const cleanSplit = (i: number): number | null => {
    if (i === n) return n;
    const cached = memo.get(i);
    if (cached !== undefined) return cached;
    let result: number | null = null;
    const arity = arityAt(i);
    if (arity !== undefined) {
      const minimum = Math.abs(arity);
      if (arity > 0) {
        if (i + arity <= n && cleanSplit(i + arity) !== null) result = i + arity;
      } else {
        for (let end = i + minimum; end <= n; end++) {
          if (end === n || (lookup(words[end].toLowerCase()) !== undefined && cleanSplit(end) !== null)) {
            result = end;
            break;
          }
        }
      }
    }
    memo.set(i, result);
    return result;
  };

  const commands: string[][] = [];
  let start = 0;
  while (start < n) {
    const end = cleanSplit(start) ?? n;
    commands.push(words.slice(start, end));
    start = end;
  }
  return commands;
}
