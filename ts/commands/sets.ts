/**
 * Set commands (Redis group "set"), executed by the C++ engine (native/commands/sets.cc).
 *
 * Everything structural here (arity, flags, key positions, ACL categories, tips, key specs,
 * since/complexity/history, the argument tree) is a fact of the Redis 7.0 interface and equals what
 * Redis 7.0 reports through COMMAND INFO / COMMAND DOCS; the summaries are our own wording.
 * test/command-table.test.ts checks every entry against a real redis-server.
 */
import type { CommandSpec, KeySpec } from './types';
import { indexRange } from './keyspecs';

/** SINTER, SUNION, SDIFF: `key [key ...]`, read-only; only their texts differ. */
function setReadCommand(name: string, summary: string, since: string, complexity: string): CommandSpec {
  return {
    name,
    arity: -2,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: -1,
    step: 1,
    acl: ['read', 'set', 'slow'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [indexRange(['RO', 'access'], 1, -1, 1)],
    summary,
    since,
    group: 'set',
    complexity,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
    owner: 'native',
  };
}

/** SINTERSTORE, SUNIONSTORE, SDIFFSTORE: `destination key [key ...]`; only their texts differ. */
function setStoreCommand(name: string, summary: string, since: string, complexity: string): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ['write', 'denyoom'],
    firstKey: 1,
    lastKey: -1,
    step: 1,
    acl: ['write', 'set', 'slow'],
    keySpecs: [indexRange(['OW', 'update'], 1), indexRange(['RO', 'access'], 2, -1, 1)],
    summary,
    since,
    group: 'set',
    complexity,
    arguments: [
      { name: 'destination', type: 'key', keySpecIndex: 0 },
      { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
    ],
    owner: 'native',
  };
}

export const setCommands: CommandSpec[] = [
  {
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'set', 'fast'],
    keySpecs: [
      indexRange(['RW', 'insert'], 1),
    ],
    summary: 'Add members to a set, creating it when missing',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [
      ['2.4.0', 'Accepts multiple `member` arguments.'],
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
    owner: 'native',
  },
  {
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'set', 'fast'],
    keySpecs: [
      indexRange(['RW', 'delete'], 1),
    ],
    summary: 'Remove members from a set, deleting it when it empties',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N) where N is the number of members to be removed.',
    history: [
      ['2.4.0', 'Accepts multiple `member` arguments.'],
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
    owner: 'native',
  },
  {
    name: 'sismember',
    arity: 3,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'set', 'fast'],
    keySpecs: [
      indexRange(['RO'], 1),
    ],
    summary: 'Tell whether a value belongs to a set',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(1)',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string' },
    ],
    owner: 'native',
  },
  {
    name: 'smismember',
    arity: -3,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'set', 'fast'],
    keySpecs: [
      indexRange(['RO', 'access'], 1),
    ],
    summary: 'Tell, for each given value, whether it belongs to a set',
    since: '6.2.0',
    group: 'set',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
    owner: 'native',
  },
  {
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'set', 'slow'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      indexRange(['RO', 'access'], 1),
    ],
    summary: 'List every member of a set',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N) where N is the set cardinality.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
    owner: 'native',
  },
  {
    name: 'scard',
    arity: 2,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'set', 'fast'],
    keySpecs: [
      indexRange(['RO'], 1),
    ],
    summary: 'Count the members of a set',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(1)',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
    owner: 'native',
  },
  {
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'set', 'fast'],
    tips: ['nondeterministic_output'],
    keySpecs: [
      indexRange(['RW', 'access', 'delete'], 1),
    ],
    summary: 'Remove random members from a set and return them',
    since: '1.0.0',
    group: 'set',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    history: [
      ['3.2.0', 'Added the `count` argument.'],
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'count', type: 'integer', since: '3.2.0', optional: true },
    ],
    owner: 'native',
  },
  {
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'set', 'slow'],
    tips: ['nondeterministic_output'],
    keySpecs: [
      indexRange(['RO', 'access'], 1),
    ],
    summary: 'Return random members of a set without removing them',
    since: '1.0.0',
    group: 'set',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    history: [
      ['2.6.0', 'Added the optional `count` argument.'],
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'count', type: 'integer', since: '2.6.0', optional: true },
    ],
    owner: 'native',
  },
  {
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    acl: ['write', 'set', 'fast'],
    keySpecs: [
      indexRange(['RW', 'access', 'delete'], 1),
      indexRange(['RW', 'insert'], 2),
    ],
    summary: 'Transfer one member from a source set to a destination set',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(1)',
    arguments: [
      { name: 'source', type: 'key', keySpecIndex: 0 },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      { name: 'member', type: 'string' },
    ],
    owner: 'native',
  },
  setReadCommand('sinter', 'Return the members common to all the given sets', '1.0.0', 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.'),
  {
    name: 'sintercard',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['read', 'set', 'slow'],
    keySpecs: [
      { flags: ['RO', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 } },
    ],
    summary: 'Count the members common to all the given sets, optionally stopping at a limit',
    since: '7.0.0',
    group: 'set',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arguments: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
    ],
    owner: 'native',
  },
  {
    name: 'sinterstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    firstKey: 1,
    lastKey: -1,
    step: 1,
    acl: ['write', 'set', 'slow'],
    keySpecs: [
      indexRange(['RW', 'update'], 1),
      indexRange(['RO', 'access'], 2, -1, 1),
    ],
    summary: 'Store the members common to all the given sets in a destination key',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arguments: [
      { name: 'destination', type: 'key', keySpecIndex: 0 },
      { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
    ],
    owner: 'native',
  },
  setReadCommand('sunion', 'Return the members present in any of the given sets', '1.0.0', 'O(N) where N is the total number of elements in all given sets.'),
  setStoreCommand('sunionstore', 'Store the members present in any of the given sets in a destination key', '1.0.0', 'O(N) where N is the total number of elements in all given sets.'),
  setReadCommand('sdiff', 'Return the members of the first set that no other given set has', '1.0.0', 'O(N) where N is the total number of elements in all given sets.'),
  setStoreCommand('sdiffstore', 'Store the members of the first set that no other given set has in a destination key', '1.0.0', 'O(N) where N is the total number of elements in all given sets.'),
  {
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'set', 'slow'],
    tips: ['nondeterministic_output'],
    keySpecs: [
      indexRange(['RO', 'access'], 1),
    ],
    summary: 'Walk the members of a set a few at a time with a cursor',
    since: '2.8.0',
    group: 'set',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    owner: 'native',
  },
];

/*
 * SORT and SORT_RO (Redis group "generic", executed by native/commands/sort.cc). Redis 7.0 gives
 * them key specs of type 'unknown': the BY/GET patterns name keys derived from the data, and STORE
 * may appear anywhere. COMMAND GETKEYS then falls back to Redis's sortGetKeys (command-command.ts).
 */
const UNKNOWN_BY_GET: KeySpec = {
  notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ['RO', 'access'],
  beginSearch: { type: 'unknown' },
  findKeys: { type: 'unknown' },
};
const UNKNOWN_STORE: KeySpec = {
  notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  flags: ['OW', 'update'],
  beginSearch: { type: 'unknown' },
  findKeys: { type: 'unknown' },
};

export const sortCommands: CommandSpec[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom', 'movablekeys'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    keySpecs: [
      indexRange(['RO', 'access'], 1),
      UNKNOWN_BY_GET,
      UNKNOWN_STORE,
    ],
    summary: 'Sort the elements of a list, set or sorted set, optionally storing the result',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', optional: true },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
      { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', optional: true, multiple: true, multipleToken: true },
      { name: 'order', type: 'oneof', optional: true, arguments: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ] },
      { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
      { name: 'destination', type: 'key', keySpecIndex: 2, token: 'STORE', optional: true },
    ],
    owner: 'native',
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly', 'movablekeys'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    keySpecs: [
      indexRange(['RO', 'access'], 1),
      UNKNOWN_BY_GET,
    ],
    summary: 'Sort the elements of a list, set or sorted set (read-only form, no STORE)',
    since: '7.0.0',
    group: 'generic',
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', optional: true },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
      { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', optional: true, multiple: true, multipleToken: true },
      { name: 'order', type: 'oneof', optional: true, arguments: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ] },
      { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
    ],
    owner: 'native',
  },
];

// The table joins setCommands only, so SORT/SORT_RO travel with the set family.
setCommands.push(...sortCommands);
