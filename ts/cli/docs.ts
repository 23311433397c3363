/**
 * What the CLI knows about the server's commands, learnt from the server itself:
 * - COMMAND DOCS: syntax lines, summaries and groups for `help`, tab completion and hints;
 * - COMMAND INFO: arities, for splitting `set k1 v1 set k2 v2 get k1` into commands.
 * Both replies are read in RESP2 (flat key/value arrays) or RESP3 (maps) form.
 */
import { flatItems, Reply, replyText } from './resp';
import { CommandArity } from './words';

/** One command or subcommand's help. `words` is its name as typed: ['SET'] or ['CONFIG', 'GET']. */
export interface HelpEntry {
  words: string[];
  /** The argument syntax, as redis-cli prints it: `key value [NX|XX] [GET] ...`. */
  syntax: string;
  summary: string;
  since: string;
  group: string;
  /** The literal tokens its arguments accept (NX, EX, WITHSCORES...), for completion. */
  tokens: string[];
}

export interface CommandDocs {
  entries: HelpEntry[];
  groups: string[];
}

/** Key/value pairs of a map reply (RESP3) or of a flat array of alternating keys and values (RESP2). */
function pairs(reply: Reply): Array<[string, Reply]> {
  if (reply.kind === 'map') return reply.entries.map(([k, v]) => [replyText(k) ?? '', v]);
  const items = flatItems(reply) ?? [];
  const out: Array<[string, Reply]> = [];
  for (let i = 0; i + 1 < items.length; i += 2) out.push([replyText(items[i]) ?? '', items[i + 1]]);
  return out;
}

function field(fields: Array<[string, Reply]>, name: string): Reply | undefined {
  return fields.find(([k]) => k === name)?.[1];
}

function textField(fields: Array<[string, Reply]>, name: string): string {
  const value = field(fields, name);
  return value === undefined ? '' : replyText(value) ?? '';
}

/** The syntax of one argument (recursively for oneof/block), with its tokens collected. */
function argumentSyntax(arg: Reply, tokens: Set<string>): string {
  const fields = pairs(arg);
  const name = textField(fields, 'name');
  const type = textField(fields, 'type');
  const token = field(fields, 'token') !== undefined ? textField(fields, 'token') : null;
  const flags = new Set((flatItems(field(fields, 'flags') ?? { kind: 'nil' }) ?? []).map((f) => replyText(f) ?? ''));
  const children = flatItems(field(fields, 'arguments') ?? { kind: 'nil' }) ?? [];
  const shown = (text: string): string => (text === '' ? '""' : text);
  if (token !== null && token !== '') tokens.add(token.toUpperCase());

  let repeated: string;
  if (type === 'oneof') repeated = children.map((c) => argumentSyntax(c, tokens)).join('|');
  else if (type === 'block') repeated = children.map((c) => argumentSyntax(c, tokens)).join(' ');
  else if (type === 'pure-token') repeated = '';
  else repeated = shown(name);

  let tokenPart = token === null ? '' : shown(token);
  if (tokenPart !== '' && type !== 'pure-token') tokenPart += ' ';
  let text = tokenPart + repeated;
  if (flags.has('multiple')) text += ` [${flags.has('multiple_token') ? tokenPart : ''}${repeated} ...]`;
  return flags.has('optional') ? `[${text}]` : text;
}

function helpEntry(words: string[], doc: Reply): HelpEntry {
  const fields = pairs(doc);
  const tokens = new Set<string>();
  const args = flatItems(field(fields, 'arguments') ?? { kind: 'nil' }) ?? [];
  return {
    words,
    syntax: args.map((a) => argumentSyntax(a, tokens)).join(' '),
    summary: textField(fields, 'summary'),
    since: textField(fields, 'since'),
    group: textField(fields, 'group'),
    tokens: [...tokens],
  };
}

/** Builds the help table from a COMMAND DOCS reply. */
export function parseCommandDocs(reply: Reply): CommandDocs {
  const entries: HelpEntry[] = [];
  const groups = new Set<string>();
  for (const [name, doc] of pairs(reply)) {
    const entry = helpEntry([name.toUpperCase()], doc);
    entries.push(entry);
    if (entry.group !== '') groups.add(entry.group);
    for (const [subName, subDoc] of pairs(field(pairs(doc), 'subcommands') ?? { kind: 'array', items: [] })) {
      const sub = subName.includes('|') ? subName.slice(subName.indexOf('|') + 1) : subName;
      entries.push(helpEntry([name.toUpperCase(), sub.toUpperCase()], subDoc));
    }
  }
  entries.sort((a, b) => a.words.join(' ').localeCompare(b.words.join(' ')));
  return { entries, groups: [...groups].sort() };
}

/** The entry for the longest command name the typed words start with (`config get x` finds CONFIG GET). */
export function findEntry(docs: CommandDocs, typed: readonly string[]): HelpEntry | undefined {
  let best: HelpEntry | undefined;
  for (const entry of docs.entries) {
    if (entry.words.length > typed.length || (best !== undefined && entry.words.length <= best.words.length)) continue;
    if (entry.words.every((w, i) => w === typed[i].toUpperCase())) best = entry;
  }
  return best;
}

/**
 * The argument hint shown after what was typed: the syntax minus the words already given
 * (mandatory ones only; from the first optional part on, the hint stays as it is).
 */
export function hintFor(docs: CommandDocs, typed: readonly string[], endsWithSpace: boolean): string | null {
  if (typed.length === 0) return null;
  const entry = findEntry(docs, typed);
  if (entry === undefined || entry.syntax === '') return null;
  let hint = entry.syntax;
  let toRemove = typed.length - entry.words.length;
  while (toRemove > 0 && hint.length > 0 && hint[0] !== '[') {
    const space = hint.indexOf(' ');
    hint = space < 0 ? '' : hint.slice(space + 1);
    toRemove--;
  }
  if (hint === '') return null;
  return endsWithSpace ? hint : ' ' + hint;
}

/** Arity facts per command name (lower case) from a COMMAND INFO reply. */
export function parseCommandInfo(reply: Reply): Map<string, CommandArity> {
  const table = new Map<string, CommandArity>();
  for (const info of flatItems(reply) ?? []) {
    const fields = flatItems(info);
    if (fields === null || fields.length < 2) continue; // nil for an unknown name
    const name = (replyText(fields[0]) ?? '').toLowerCase();
    const arity = fields[1].kind === 'integer' ? Number(fields[1].value) : 0;
    const subcommands = new Map<string, number>();
    for (const sub of flatItems(fields[9] ?? { kind: 'nil' }) ?? []) {
      const subFields = flatItems(sub);
      if (subFields === null || subFields.length < 2 || subFields[1].kind !== 'integer') continue;
      const full = (replyText(subFields[0]) ?? '').toLowerCase();
      subcommands.set(full.slice(full.indexOf('|') + 1), Number(subFields[1].value));
    }
    if (name !== '') table.set(name, { arity, subcommands });
  }
  return table;
}
