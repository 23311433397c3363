/**
 * Hash commands (Redis group "hash"), executed by the C++ engine (native/commands/hashes.cc).
 *
 * Everything structural here (arity, flags, key positions, ACL categories, tips, key specs,
 * since/complexity/history, the argument tree) is a fact of the Redis 7.0 interface and must equal
 * what Redis 7.0 reports through COMMAND INFO / COMMAND DOCS; test/command-table.test.ts checks
 * every entry against a real redis-server. The summaries are our own wording.
 */
import type { ArgSpec, CommandFlag, CommandSpec } from './types';
import { indexRange } from './keyspecs';

const keyArg: ArgSpec = { name: 'key', type: 'key', keySpecIndex: 0 };
const fieldArg: ArgSpec = { name: 'field', type: 'string' };
const fieldValuePairs: ArgSpec = {
  name: 'field_value',
  type: 'block',
  multiple: true,
  arguments: [fieldArg, { name: 'value', type: 'string' }],
};

const readFast: Pick<CommandSpec, 'flags' | 'acl'> = { flags: ['readonly', 'fast'], acl: ['read', 'hash', 'fast'] };
const readSlow: Pick<CommandSpec, 'flags' | 'acl'> = { flags: ['readonly'], acl: ['read', 'hash', 'slow'] };
const writeFlags = (...extra: CommandFlag[]): Pick<CommandSpec, 'flags' | 'acl'> => ({
  flags: ['write', ...extra, 'fast'],
  acl: ['write', 'hash', 'fast'],
});

/** The parts every hash command shares: one key at argument 1, group "hash", run natively. */
function hashCommand(spec: Omit<CommandSpec, 'firstKey' | 'lastKey' | 'step' | 'group' | 'owner' | 'keySpecs'> & { keyFlags: string[] }): CommandSpec {
  const { keyFlags, ...rest } = spec;
  return { ...rest, firstKey: 1, lastKey: 1, step: 1, keySpecs: [indexRange(keyFlags, 1)], group: 'hash', owner: 'native' };
}

const wholeHash = 'O(N) where N is the size of the hash.';

export const hashCommands: CommandSpec[] = [
  hashCommand({
    name: 'hset',
    arity: -4,
    ...writeFlags('denyoom'),
    keyFlags: ['RW', 'update'],
    summary: 'Store one or more field/value pairs in a hash, answering how many fields were new',
    since: '2.0.0',
    complexity:
      'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
    arguments: [keyArg, fieldValuePairs],
  }),
  hashCommand({
    name: 'hmset',
    arity: -4,
    ...writeFlags('denyoom'),
    keyFlags: ['RW', 'update'],
    summary: 'Store one or more field/value pairs in a hash (the older form of HSET, answering OK)',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being set.',
    docFlags: ['deprecated'],
    deprecatedSince: '4.0.0',
    replacedBy: '`HSET` with multiple field-value pairs',
    arguments: [keyArg, fieldValuePairs],
  }),
  hashCommand({
    name: 'hsetnx',
    arity: 4,
    ...writeFlags('denyoom'),
    keyFlags: ['RW', 'insert'],
    summary: 'Store a field in a hash only when the hash does not have that field yet',
    since: '2.0.0',
    complexity: 'O(1)',
    arguments: [keyArg, fieldArg, { name: 'value', type: 'string' }],
  }),
  hashCommand({
    name: 'hget',
    arity: 3,
    ...readFast,
    keyFlags: ['RO', 'access'],
    summary: 'Read the value stored under one field of a hash',
    since: '2.0.0',
    complexity: 'O(1)',
    arguments: [keyArg, fieldArg],
  }),
  hashCommand({
    name: 'hmget',
    arity: -3,
    ...readFast,
    keyFlags: ['RO', 'access'],
    summary: 'Read the values of several fields of a hash, with nulls for missing fields',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being requested.',
    arguments: [keyArg, { ...fieldArg, multiple: true }],
  }),
  hashCommand({
    name: 'hdel',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['write', 'hash', 'fast'],
    keyFlags: ['RW', 'delete'],
    summary: 'Remove fields from a hash (deleting the key when none remain)',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields to be removed.',
    history: [['2.4.0', 'Accepts multiple `field` arguments.']],
    arguments: [keyArg, { ...fieldArg, multiple: true }],
  }),
  hashCommand({
    name: 'hexists',
    arity: 3,
    ...readFast,
    keyFlags: ['RO'],
    summary: 'Tell whether a hash has a field',
    since: '2.0.0',
    complexity: 'O(1)',
    arguments: [keyArg, fieldArg],
  }),
  hashCommand({
    name: 'hlen',
    arity: 2,
    ...readFast,
    keyFlags: ['RO'],
    summary: 'Count the fields of a hash',
    since: '2.0.0',
    complexity: 'O(1)',
    arguments: [keyArg],
  }),
  hashCommand({
    name: 'hstrlen',
    arity: 3,
    ...readFast,
    keyFlags: ['RO'],
    summary: 'Answer the byte length of the value under a hash field',
    since: '3.2.0',
    complexity: 'O(1)',
    arguments: [keyArg, fieldArg],
  }),
  hashCommand({
    name: 'hkeys',
    arity: 2,
    ...readSlow,
    tips: ['nondeterministic_output_order'],
    keyFlags: ['RO', 'access'],
    summary: 'List every field name of a hash',
    since: '2.0.0',
    complexity: wholeHash,
    arguments: [keyArg],
  }),
  hashCommand({
    name: 'hvals',
    arity: 2,
    ...readSlow,
    tips: ['nondeterministic_output_order'],
    keyFlags: ['RO', 'access'],
    summary: 'List every value of a hash',
    since: '2.0.0',
    complexity: wholeHash,
    arguments: [keyArg],
  }),
  hashCommand({
    name: 'hgetall',
    arity: 2,
    ...readSlow,
    tips: ['nondeterministic_output_order'],
    keyFlags: ['RO', 'access'],
    summary: 'Read a whole hash as field/value pairs',
    since: '2.0.0',
    complexity: wholeHash,
    arguments: [keyArg],
  }),
  hashCommand({
    name: 'hincrby',
    arity: 4,
    ...writeFlags('denyoom'),
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Add an integer to the integer stored under a hash field',
    since: '2.0.0',
    complexity: 'O(1)',
    arguments: [keyArg, fieldArg, { name: 'increment', type: 'integer' }],
  }),
  hashCommand({
    name: 'hincrbyfloat',
    arity: 4,
    ...writeFlags('denyoom'),
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Add a decimal number to the number stored under a hash field',
    since: '2.6.0',
    complexity: 'O(1)',
    arguments: [keyArg, fieldArg, { name: 'increment', type: 'double' }],
  }),
  hashCommand({
    name: 'hrandfield',
    arity: -2,
    ...readSlow,
    tips: ['nondeterministic_output'],
    keyFlags: ['RO', 'access'],
    summary: 'Pick random fields of a hash, distinct or with repetition, optionally with their values',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of fields returned',
    arguments: [
      keyArg,
      {
        name: 'options',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer' },
          { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', optional: true },
        ],
      },
    ],
  }),
  hashCommand({
    name: 'hscan',
    arity: -3,
    ...readSlow,
    tips: ['nondeterministic_output'],
    keyFlags: ['RO', 'access'],
    summary: 'Walk the fields and values of a hash a batch at a time with a cursor',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    arguments: [
      keyArg,
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
  }),
];
