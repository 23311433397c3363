/**
 * The COMMAND command: COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS and HELP, generated from the
 * command table. Clients depend on these replies byte for byte (redis-cli builds its hints from
 * COMMAND DOCS, cluster clients route by COMMAND INFO key positions and tips), so the encodings and
 * the orders of flags, categories and fields follow Redis 7.0 exactly.
 *
 * The table arrives once through setCommandTable() (table.ts calls it after joining the families);
 * the handlers only read it.
 */
import type { ArgSpec, CommandContext, CommandSpec, KeySpec, TsHandler } from './types';
import type { ReplyWriter } from '../protocol/reply';

// ---------------------------------------------------------------------------------------------
// Canonical orders. Redis prints flags and categories by walking fixed tables, not in the order a
// command declares them; we do the same so the spec files need not care about order.

/** Command flags in Redis's reply order. 'sentinel', 'only_sentinel' and 'protected' are real
 * flags but Redis never shows them in COMMAND INFO. */
const COMMAND_FLAG_ORDER = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'no_mandatory_keys',
  'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
];
const HIDDEN_COMMAND_FLAGS = new Set(['sentinel', 'only_sentinel', 'protected']);

/** ACL categories in Redis's reply order (also the set COMMAND LIST FILTERBY ACLCAT accepts). */
const ACL_CATEGORY_ORDER = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

/** Key-spec flags in Redis's reply order. */
const KEY_SPEC_FLAG_ORDER = [
  'RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags',
];

const DOC_FLAG_ORDER = ['deprecated', 'syscmd'];

/** Sorts `items` by their position in `order`; throws on a name Redis does not know. */
function inOrder(items: readonly string[], order: readonly string[], what: string, command: string): string[] {
  for (const it of items) {
    if (!order.includes(it)) throw new Error(`command table: '${command}' has unknown ${what} '${it}'`);
  }
  return order.filter((o) => items.includes(o));
}


// ---------------------------------------------------------------------------------------------
// The table, as set once by table.ts.

let topLevel: CommandSpec[] = [];
const byName = new Map<string, CommandSpec>();

/** Installs the command table (top-level commands; subcommands hang off their containers).
 * Validates the names of flags, categories and key-spec flags so a typo fails at start-up. */
export function setCommandTable(all: CommandSpec[]): void {
  topLevel = all.slice();
  byName.clear();
  const check = (spec: CommandSpec): void => {
    inOrder(
      spec.flags.filter((f) => !HIDDEN_COMMAND_FLAGS.has(f)),
      COMMAND_FLAG_ORDER,
      'flag',
      spec.name,
    );
    inOrder(spec.acl, ACL_CATEGORY_ORDER, 'ACL category', spec.name);
    for (const ks of spec.keySpecs ?? []) inOrder(ks.flags, KEY_SPEC_FLAG_ORDER, 'key-spec flag', spec.name);
    inOrder(spec.docFlags ?? [], DOC_FLAG_ORDER, 'doc flag', spec.name);
  };
  for (const spec of topLevel) {
    byName.set(spec.name, spec);
    check(spec);
    for (const sub of spec.subcommands ?? []) check(sub);
  }
}

/**
 * Finds a command by the name COMMAND INFO/DOCS accept: "get", or "container|sub" for a
 * subcommand; case-insensitive. Like Redis, "get|x" and "a|b|c" find nothing.
 */
export function lookupCommandByFullName(fullName: string): CommandSpec | undefined {
  const parts = fullName.toLowerCase().split('|');
  if (parts.length > 2) return undefined;
  const base = byName.get(parts[0]);
  if (base === undefined || parts.length === 1) return base;
  return base.subcommands?.find((s) => s.name === parts[0] + '|' + parts[1]);
}

/** Finds the command a full command line runs (COMMAND GETKEYS): a container's subcommand is
 * chosen by the second word; a container named alone is returned itself. */
function lookupCommandLine(args: Buffer[]): CommandSpec | undefined {
  const base = byName.get(args[0].toString('latin1').toLowerCase());
  if (base === undefined || base.subcommands === undefined || args.length === 1) return base;
  const wanted = base.name + '|' + args[1].toString('latin1').toLowerCase();
  return base.subcommands.find((s) => s.name === wanted);
}

// ---------------------------------------------------------------------------------------------
// COMMAND INFO encoding.

function writeSimpleSet(reply: ReplyWriter, items: readonly string[]): void {
  reply.set(items.length);
  for (const it of items) reply.simple(it);
}

function writeKeySpec(reply: ReplyWriter, ks: KeySpec, command: string): void {
  reply.map(ks.notes !== undefined ? 4 : 3);
  if (ks.notes !== undefined) {
    reply.bulk('notes');
    reply.bulk(ks.notes);
  }
  reply.bulk('flags');
  writeSimpleSet(reply, inOrder(ks.flags, KEY_SPEC_FLAG_ORDER, 'key-spec flag', command));

  reply.bulk('begin_search');
  reply.map(2);
  reply.bulk('type');
  const bs = ks.beginSearch;
  if (bs.type === 'index') {
    reply.bulk('index');
    reply.bulk('spec');
    reply.map(1);
    reply.bulk('index');
    reply.integer(bs.index);
  } else if (bs.type === 'unknown') {
    reply.bulk('unknown');
    reply.bulk('spec');
    reply.map(0);
  } else {
    reply.bulk('keyword');
    reply.bulk('spec');
    reply.map(2);
    reply.bulk('keyword');
    reply.bulk(bs.keyword);
    reply.bulk('startfrom');
    reply.integer(bs.startFrom);
  }

  reply.bulk('find_keys');
  reply.map(2);
  reply.bulk('type');
  const fk = ks.findKeys;
  if (fk.type === 'range') {
    reply.bulk('range');
    reply.bulk('spec');
    reply.map(3);
    reply.bulk('lastkey');
    reply.integer(fk.lastKey);
    reply.bulk('keystep');
    reply.integer(fk.step);
    reply.bulk('limit');
    reply.integer(fk.limit);
  } else if (fk.type === 'unknown') {
    reply.bulk('unknown');
    reply.bulk('spec');
    reply.map(0);
  } else {
    reply.bulk('keynum');
    reply.bulk('spec');
    reply.map(3);
    reply.bulk('keynumidx');
    reply.integer(fk.keyNumIdx);
    reply.bulk('firstkey');
    reply.integer(fk.firstKey);
    reply.bulk('keystep');
    reply.integer(fk.step);
  }
}

/** One COMMAND INFO entry: the 10-element array Redis 7.0 sends. */
export function writeCommandInfo(reply: ReplyWriter, spec: CommandSpec): void {
  reply.array(10);
  reply.bulk(spec.name);
  reply.integer(spec.arity);
  writeSimpleSet(
    reply,
    inOrder(
      spec.flags.filter((f) => !HIDDEN_COMMAND_FLAGS.has(f)),
      COMMAND_FLAG_ORDER,
      'flag',
      spec.name,
    ),
  );
  reply.integer(spec.firstKey);
  reply.integer(spec.lastKey);
  reply.integer(spec.step);
  writeSimpleSet(
    reply,
    inOrder(spec.acl, ACL_CATEGORY_ORDER, 'ACL category', spec.name).map((c) => '@' + c),
  );
  const tips = spec.tips ?? [];
  reply.set(tips.length);
  for (const t of tips) reply.bulk(t);
  const keySpecs = spec.keySpecs ?? [];
  reply.set(keySpecs.length);
  for (const ks of keySpecs) writeKeySpec(reply, ks, spec.name);
  // Redis answers an empty set when there are no subcommands, and an array of entries otherwise.
  if (spec.subcommands === undefined) {
    reply.set(0);
  } else {
    reply.array(spec.subcommands.length);
    for (const sub of spec.subcommands) writeCommandInfo(reply, sub);
  }
}

// ---------------------------------------------------------------------------------------------
// COMMAND DOCS encoding.

function writeArgument(reply: ReplyWriter, arg: ArgSpec): void {
  const flags: string[] = [];
  if (arg.optional) flags.push('optional');
  if (arg.multiple) flags.push('multiple');
  if (arg.multipleToken) flags.push('multiple_token');
  // Redis prints it for every argument that names a key spec (SORT's BY/GET patterns too).
  const hasKeySpecIndex = arg.keySpecIndex !== undefined;

  let fields = 2;
  if (arg.displayText !== undefined) fields++;
  if (hasKeySpecIndex) fields++;
  if (arg.token !== undefined) fields++;
  if (arg.since !== undefined) fields++;
  if (arg.deprecatedSince !== undefined) fields++;
  if (flags.length > 0) fields++;
  if (arg.arguments !== undefined) fields++;

  reply.map(fields);
  reply.bulk('name');
  reply.bulk(arg.name);
  reply.bulk('type');
  reply.bulk(arg.type);
  if (arg.displayText !== undefined) {
    reply.bulk('display_text');
    reply.bulk(arg.displayText);
  }
  if (hasKeySpecIndex) {
    reply.bulk('key_spec_index');
    reply.integer(arg.keySpecIndex as number);
  }
  if (arg.token !== undefined) {
    reply.bulk('token');
    reply.bulk(arg.token);
  }
  if (arg.since !== undefined) {
    reply.bulk('since');
    reply.bulk(arg.since);
  }
  if (arg.deprecatedSince !== undefined) {
    reply.bulk('deprecated_since');
    reply.bulk(arg.deprecatedSince);
  }
  if (flags.length > 0) {
    reply.bulk('flags');
    writeSimpleSet(reply, flags);
  }
  if (arg.arguments !== undefined) {
    reply.bulk('arguments');
    writeArguments(reply, arg.arguments);
  }
}

function writeArguments(reply: ReplyWriter, args: readonly ArgSpec[]): void {
  reply.array(args.length);
  for (const a of args) writeArgument(reply, a);
}

/** The documentation map of one command (the value under its name in COMMAND DOCS). */
export function writeCommandDocs(reply: ReplyWriter, spec: CommandSpec): void {
  const docFlags = inOrder(spec.docFlags ?? [], DOC_FLAG_ORDER, 'doc flag', spec.name);
  // summary, since and group are always present; the rest only when the command has them.
  let fields = 3;
  if (spec.complexity !== undefined) fields++;
  if (docFlags.length > 0) fields++;
  if (spec.deprecatedSince !== undefined) fields++;
  if (spec.replacedBy !== undefined) fields++;
  if (spec.history !== undefined && spec.history.length > 0) fields++;
  if (spec.arguments !== undefined && spec.arguments.length > 0) fields++;
  if (spec.subcommands !== undefined) fields++;

  reply.map(fields);
  reply.bulk('summary');
  reply.bulk(spec.summary);
  reply.bulk('since');
  reply.bulk(spec.since);
  reply.bulk('group');
  reply.bulk(spec.group);
  if (spec.complexity !== undefined) {
    reply.bulk('complexity');
    reply.bulk(spec.complexity);
  }
  if (docFlags.length > 0) {
    reply.bulk('doc_flags');
    writeSimpleSet(reply, docFlags);
  }
  if (spec.deprecatedSince !== undefined) {
    reply.bulk('deprecated_since');
    reply.bulk(spec.deprecatedSince);
  }
  if (spec.replacedBy !== undefined) {
    reply.bulk('replaced_by');
    reply.bulk(spec.replacedBy);
  }
  if (spec.history !== undefined && spec.history.length > 0) {
    reply.bulk('history');
    reply.set(spec.history.length);
    for (const [version, change] of spec.history) {
      reply.array(2);
      reply.bulk(version);
      reply.bulk(change);
    }
  }
  if (spec.arguments !== undefined && spec.arguments.length > 0) {
    reply.bulk('arguments');
    writeArguments(reply, spec.arguments);
  }
  if (spec.subcommands !== undefined) {
    reply.bulk('subcommands');
    reply.map(spec.subcommands.length);
    for (const sub of spec.subcommands) {
      reply.bulk(sub.name);
      writeCommandDocs(reply, sub);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Key extraction (COMMAND GETKEYS / GETKEYSANDFLAGS), from the key specs as Redis 7.0 does.

export interface KeyReference {
  /** Index into the command line (0 = command name). */
  pos: number;
  flags: string[];
}

/**
 * Commands whose key flags depend on the arguments (key spec flag 'variable_flags'): Redis asks a
 * per-command function instead of the specs. SET reads and updates the key only with GET.
 */
const variableFlagKeys: Record<string, (args: Buffer[]) => KeyReference[]> = {
  set: (args) => {
    for (let i = 3; i < args.length; i++) {
      const a = args[i];
      // Redis compares the C string, so "get\0..." counts as GET too.
      if (a.length >= 3 && (a.length === 3 || a[3] === 0) && a.toString('latin1', 0, 3).toLowerCase() === 'get') {
        return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
      }
    }
    return [{ pos: 1, flags: ['OW', 'update'] }];
  },
};

/** Parses a whole decimal integer like Redis's string2ll (no sign '+', no spaces, no leading 0s). */
function parseStrictInteger(b: Buffer): number | null {
  const s = b.toString('latin1');
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Key positions by the command's key specs; null when a spec does not fit the arguments (Redis's
 * "invalid spec": the caller then reports the arguments as invalid).
 */
function keysFromSpecs(spec: CommandSpec, args: Buffer[]): KeyReference[] | null {
  const argc = args.length;
  const out: KeyReference[] = [];
  for (const ks of spec.keySpecs ?? []) {
    if (ks.flags.includes('not_key')) continue;
    let first = 0;
    const bs = ks.beginSearch;
    if (bs.type === 'unknown') return null; // Redis: an invalid spec; the command's getkeys function decides
    if (bs.type === 'index') {
      first = bs.index;
    } else {
      // Search forward from startFrom, or backward from the end when startFrom is negative. As in
      // Redis, the end index itself is not examined (a keyword there could have no key after it).
      const forward = bs.startFrom > 0;
      const start = forward ? bs.startFrom : argc + bs.startFrom;
      const end = forward ? argc - 1 : 1;
      const keyword = bs.keyword.toLowerCase();
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (args[i].toString('latin1').toLowerCase() === keyword) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword absent: this spec contributes no keys
    }

    let last: number;
    let step: number;
    const fk = ks.findKeys;
    if (fk.type === 'unknown') return null;
    if (fk.type === 'range') {
      step = fk.step;
      if (fk.lastKey >= 0) last = first + fk.lastKey;
      else if (fk.limit === 0) last = argc + fk.lastKey;
      else last = first + (Math.floor((argc - first) / fk.limit) + fk.lastKey);
    } else {
      step = fk.step;
      const idx = first + fk.keyNumIdx;
      if (idx >= argc) return null;
      const numKeys = parseStrictInteger(args[idx]);
      if (numKeys === null || numKeys < 0) return null;
      first += fk.firstKey;
      last = first + numKeys - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) out.push({ pos: i, flags: ks.flags });
    // A spec marked incomplete may miss keys; Redis then falls back to a per-command function.
    if (ks.flags.includes('incomplete')) return null;
  }
  return out;
}

/** Whether a command has any key (a key spec not marked not_key). */
function hasKeys(spec: CommandSpec): boolean {
  return (spec.keySpecs ?? []).some((ks) => !ks.flags.includes('not_key'));
}

/**
 * Redis's sortGetKeys for SORT/SORT_RO: the sorted key, then the destination of the last STORE
 * (LIMIT skips two arguments, GET and BY one; the patterns are not reported as keys).
 */
function sortKeys(args: Buffer[], spec: CommandSpec): KeyReference[] {
  const out: KeyReference[] = [{ pos: 1, flags: spec.keySpecs?.[0]?.flags ?? ['RO', 'access'] }];
  let store = 0;
  for (let i = 2; i < args.length; i++) {
    const word = args[i].toString('latin1').toLowerCase();
    if (word === 'limit') i += 2;
    else if (word === 'get' || word === 'by') i += 1;
    else if (word === 'store' && i + 1 < args.length) store = i + 1; // the last STORE wins; not skipped, as in Redis
  }
  if (store > 0) out.push({ pos: store, flags: ['OW', 'update'] });
  return out;
}

const getKeysFallback: Record<string, (args: Buffer[], spec: CommandSpec) => KeyReference[]> = {
  sort: sortKeys,
  // Redis's sortROGetKeys: only the sorted key (STORE is a syntax error there).
  sort_ro: (_args, spec) => [{ pos: 1, flags: spec.keySpecs?.[0]?.flags ?? ['RO', 'access'] }],
};

/**
 * The keys of a full command line (args[0] is the command name), or an error text as Redis words it.
 * Exported for other callers that need key positions (cluster routing, ACL key checks).
 */
export function getKeysOfCommandLine(args: Buffer[]): KeyReference[] | { error: string } {
  const spec = lookupCommandLine(args);
  if (spec === undefined) return { error: 'ERR Invalid command specified' };
  if (!hasKeys(spec)) return { error: 'ERR The command has no key arguments' };
  if ((spec.arity > 0 && spec.arity !== args.length) || args.length < -spec.arity) {
    return { error: 'ERR Invalid number of arguments specified for command' };
  }
  const variable = (spec.keySpecs ?? []).some((ks) => ks.flags.includes('variable_flags'));
  const resolver = variableFlagKeys[spec.name];
  let keys = variable && resolver !== undefined ? resolver(args) : keysFromSpecs(spec, args);
  // Specs that cannot locate every key (type 'unknown'): Redis falls back to the command's own
  // key-finding function.
  if (keys === null && getKeysFallback[spec.name] !== undefined) keys = getKeysFallback[spec.name](args, spec);
  if (keys === null || keys.length === 0) {
    if (spec.flags.includes('no_mandatory_keys')) return [];
    return { error: 'ERR Invalid arguments specified for command' };
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// COMMAND LIST filtering: Redis's glob matching, case-insensitive, on the full name.

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Redis's stringmatchlen (glob with * ? [...] [^...] ranges and \ escapes), case-insensitive. */
function globMatchNoCase(pattern: string, text: string): boolean {
  const p = Buffer.from(pattern, 'latin1');
  const s = Buffer.from(text, 'latin1');
  const match = (pi: number, si: number): boolean => {
    while (pi < p.length) {
      const pc = p[pi];
      if (pc === 0x2a /* * */) {
        while (pi + 1 < p.length && p[pi + 1] === 0x2a) pi++;
        if (pi + 1 === p.length) return true;
        for (let k = si; k <= s.length; k++) if (match(pi + 1, k)) return true;
        return false;
      }
      if (si >= s.length) return false;
      if (pc === 0x3f /* ? */) {
        pi++;
        si++;
        continue;
      }
      if (pc === 0x5b /* [ */) {
        pi++;
        const negate = p[pi] === 0x5e; /* ^ */
        if (negate) pi++;
        let hit = false;
        const c = lower(s[si]);
        for (;;) {
          if (pi >= p.length) {
            pi--; // unterminated class: Redis steps back onto the last byte
            break;
          }
          if (p[pi] === 0x5c /* \ */ && pi + 1 < p.length) {
            pi++;
            if (lower(p[pi]) === c) hit = true;
          } else if (p[pi] === 0x5d /* ] */) {
            break;
          } else if (pi + 2 < p.length && p[pi + 1] === 0x2d /* - */) {
            let lo = lower(p[pi]);
            let hi = lower(p[pi + 2]);
            if (lo > hi) [lo, hi] = [hi, lo];
            pi += 2;
            if (c >= lo && c <= hi) hit = true;
          } else if (lower(p[pi]) === c) {
            hit = true;
          }
          pi++;
        }
        if (negate) hit = !hit;
        if (!hit) return false;
        pi++;
        si++;
        continue;
      }
      if (pc === 0x5c /* \ */ && pi + 1 < p.length) pi++;
      if (lower(p[pi]) !== lower(s[si])) return false;
      pi++;
      si++;
    }
    return si === s.length;
  };
  return match(0, 0);
}

// ---------------------------------------------------------------------------------------------
// Handlers.

function allCommandsFlat(): CommandSpec[] {
  const out: CommandSpec[] = [];
  for (const spec of topLevel) {
    out.push(spec);
    for (const sub of spec.subcommands ?? []) out.push(sub);
  }
  return out;
}

/** COMMAND (no subcommand): COMMAND INFO of every top-level command. */
export const commandAll: TsHandler = (ctx: CommandContext) => {
  ctx.reply.array(topLevel.length);
  for (const spec of topLevel) writeCommandInfo(ctx.reply, spec);
};

/** COMMAND COUNT: top-level commands only, as Redis counts them. */
export const commandCount: TsHandler = (ctx: CommandContext) => {
  ctx.reply.integer(topLevel.length);
};

/** COMMAND INFO [name ...]: one entry per name (null for unknown ones); all when none is named. */
export const commandInfo: TsHandler = (ctx: CommandContext, args: Buffer[]) => {
  if (args.length === 2) {
    commandAll(ctx, args);
    return;
  }
  ctx.reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) {
    const spec = lookupCommandByFullName(args[i].toString('latin1'));
    if (spec === undefined) ctx.reply.nullBulk();
    else writeCommandInfo(ctx.reply, spec);
  }
};

/** COMMAND DOCS [name ...]: a map from name to documentation; unknown names are left out. */
export const commandDocs: TsHandler = (ctx: CommandContext, args: Buffer[]) => {
  let found: CommandSpec[];
  if (args.length === 2) {
    found = topLevel;
  } else {
    found = [];
    for (let i = 2; i < args.length; i++) {
      const spec = lookupCommandByFullName(args[i].toString('latin1'));
      if (spec !== undefined) found.push(spec);
    }
  }
  ctx.reply.map(found.length);
  for (const spec of found) {
    ctx.reply.bulk(spec.name);
    writeCommandDocs(ctx.reply, spec);
  }
};

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: names, subcommands
 * included. There are no modules, so a MODULE filter matches nothing. */
export const commandList: TsHandler = (ctx: CommandContext, args: Buffer[]) => {
  let filter: ((spec: CommandSpec) => boolean) | null = null;
  for (let i = 2; i < args.length; i++) {
    const moreArgs = args.length - 1 - i;
    if (args[i].toString('latin1').toLowerCase() === 'filterby' && moreArgs === 2) {
      const kind = args[i + 1].toString('latin1').toLowerCase();
      const value = args[i + 2].toString('latin1');
      if (kind === 'module') {
        filter = () => false;
      } else if (kind === 'aclcat') {
        const category = value.toLowerCase();
        filter = ACL_CATEGORY_ORDER.includes(category) ? (spec) => spec.acl.includes(category) : () => false;
      } else if (kind === 'pattern') {
        filter = (spec) => globMatchNoCase(value, spec.name);
      } else {
        ctx.reply.error('ERR syntax error');
        return;
      }
      i += 2;
    } else {
      ctx.reply.error('ERR syntax error');
      return;
    }
  }
  const names = allCommandsFlat()
    .filter((spec) => filter === null || filter(spec))
    .map((spec) => spec.name);
  ctx.reply.bulks(names);
};

function getKeysReply(ctx: CommandContext, args: Buffer[], withFlags: boolean): void {
  const line = args.slice(2);
  const result = getKeysOfCommandLine(line);
  if ('error' in result) {
    ctx.reply.error(result.error);
    return;
  }
  ctx.reply.array(result.length);
  for (const key of result) {
    if (withFlags) {
      ctx.reply.array(2);
      ctx.reply.bulk(line[key.pos]);
      writeSimpleSet(ctx.reply, inOrder(key.flags, KEY_SPEC_FLAG_ORDER, 'key-spec flag', 'getkeys'));
    } else {
      ctx.reply.bulk(line[key.pos]);
    }
  }
}

/** COMMAND GETKEYS command [arg ...]. */
export const commandGetKeys: TsHandler = (ctx: CommandContext, args: Buffer[]) => getKeysReply(ctx, args, false);

/** COMMAND GETKEYSANDFLAGS command [arg ...]. */
export const commandGetKeysAndFlags: TsHandler = (ctx: CommandContext, args: Buffer[]) =>
  getKeysReply(ctx, args, true);

const COMMAND_HELP_LINES = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

/**
 * Writes a Redis-style help reply: a heading naming the command as the client typed it (upper-cased),
 * the given lines, and the closing HELP entry. Shared by every container's HELP subcommand.
 */
export function writeHelp(reply: ReplyWriter, commandName: Buffer | string, lines: readonly string[]): void {
  const name = (typeof commandName === 'string' ? commandName : commandName.toString('latin1')).toUpperCase();
  reply.array(lines.length + 3);
  reply.simple(`${name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) reply.simple(l);
  reply.simple('HELP');
  reply.simple('    Prints this help.');
}

/** COMMAND HELP. */
export const commandHelp: TsHandler = (ctx: CommandContext, args: Buffer[]) => {
  writeHelp(ctx.reply, args[0], COMMAND_HELP_LINES);
};

/** Handlers by command-table name, for table.ts to bind. */
export const commandHandlers: Record<string, TsHandler> = {
  command: commandAll,
  'command|count': commandCount,
  'command|info': commandInfo,
  'command|docs': commandDocs,
  'command|list': commandList,
  'command|getkeys': commandGetKeys,
  'command|getkeysandflags': commandGetKeysAndFlags,
  'command|help': commandHelp,
};
