/**
 * Interactive `help` output and tab completion, both built from the server's COMMAND DOCS.
 */
import { CommandDocs, HelpEntry } from './docs';
import { Palette } from './render';

/** Words the REPL handles itself rather than sending to the server. */
export const LOCAL_COMMANDS = ['help', 'quit', 'exit', 'clear', 'connect', ':set'];

export function generalHelp(version: string, docs: CommandDocs | null, palette: Palette): string {
  const lines = [
    `rustypotato-cli ${version}`,
    'To get help about commands type:',
    '      "help @<group>" to get a list of commands in <group>',
    '      "help <command>" for help on <command>',
    '      "help <tab>" to get a list of possible help topics',
    '      "quit" to exit',
    '',
    'To set preferences:',
    '      ":set hints" enable online hints',
    '      ":set nohints" disable online hints',
  ];
  if (docs !== null && docs.groups.length > 0) {
    lines.push('', `${palette.label('Groups:')} ${docs.groups.map((g) => '@' + g).join(' ')}`);
  } else if (docs === null) {
    lines.push('', '(not connected: command help is loaded from the server once connected)');
  }
  return lines.join('\n') + '\n';
}

function entryHelp(entry: HelpEntry, palette: Palette, withGroup: boolean): string {
  const syntax = entry.syntax === '' ? '' : ` ${palette.dim(entry.syntax)}`;
  let out = `\n  ${palette.bold(entry.words.join(' '))}${syntax}\n`;
  out += `  ${palette.label('summary:')} ${entry.summary}\n`;
  if (entry.since !== '') out += `  ${palette.label('since:')} ${entry.since}\n`;
  if (withGroup) out += `  ${palette.label('group:')} ${entry.group}\n`;
  return out;
}

/**
 * `help <topic>`: a command (`help set`, `help config get`; a container lists its subcommands) or
 * a group (`help @string`). Null when nothing matches.
 */
export function topicHelp(docs: CommandDocs, topic: readonly string[], palette: Palette): string | null {
  if (topic.length === 0) return null;
  let matches: HelpEntry[];
  let withGroup = true;
  if (topic[0].startsWith('@')) {
    const group = topic[0].slice(1).toLowerCase();
    matches = docs.entries.filter((e) => e.group === group);
    withGroup = false;
  } else {
    const wanted = topic.map((w) => w.toUpperCase());
    matches = docs.entries.filter((e) => wanted.every((w, i) => e.words[i] === w));
  }
  if (matches.length === 0) return null;
  return matches.map((e) => entryHelp(e, palette, withGroup)).join('') + '\n';
}

/** Candidates in the letter case the user is typing in (lower case stays lower case). */
function inCaseOf(typed: string, candidates: Iterable<string>): string[] {
  const lower = typed !== '' && typed === typed.toLowerCase();
  const out = new Set<string>();
  for (const c of candidates) {
    if (!c.toUpperCase().startsWith(typed.toUpperCase())) continue;
    out.add(lower ? c.toLowerCase() : c);
  }
  return [...out].sort();
}

/**
 * readline's completer: completes command names, subcommand names, the tokens of the command's
 * arguments (NX, WITHSCORES...), and help topics after `help`.
 */
export function complete(docs: CommandDocs | null, line: string): [string[], string] {
  const words = line.trimStart().split(/\s+/);
  const current = words[words.length - 1];
  let before = words.slice(0, -1);
  const entries = docs?.entries ?? [];
  const commandNames = entries.filter((e) => e.words.length === 1).map((e) => e.words[0]);
  const subcommandsOf = (name: string): string[] =>
    entries.filter((e) => e.words.length === 2 && e.words[0] === name.toUpperCase()).map((e) => e.words[1]);

  let candidates: string[];
  if (before.length > 0 && before[0].toLowerCase() === 'help') {
    before = before.slice(1);
    if (before.length === 0) candidates = [...commandNames, ...(docs?.groups ?? []).map((g) => '@' + g)];
    else candidates = before.length === 1 ? subcommandsOf(before[0]) : [];
  } else if (before.length === 0) {
    candidates = [...commandNames, ...LOCAL_COMMANDS.map((c) => c.toUpperCase())];
  } else if (before.length === 1 && subcommandsOf(before[0]).length > 0) {
    candidates = subcommandsOf(before[0]);
  } else {
    const name = before[0].toUpperCase();
    const sub = before[1]?.toUpperCase();
    const entry = entries.find((e) => e.words.length === 2 && e.words[0] === name && e.words[1] === sub)
      ?? entries.find((e) => e.words.length === 1 && e.words[0] === name);
    candidates = entry?.tokens ?? [];
  }
  return [inCaseOf(current, candidates), current];
}
