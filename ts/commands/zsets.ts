/**
 * Sorted set commands (Redis group 'sorted-set'), executed by the C++ engine (native/commands/zsets.cc).
 *
 * Every structural fact here (arity, flags, key positions, ACL categories, tips, key specs,
 * since/complexity/history, the argument tree) is Redis 7.0's interface and must equal what
 * Redis 7.0 reports through COMMAND INFO / COMMAND DOCS; test/command-table.test.ts checks it.
 * The summaries are our own wording.
 */
import type { ArgSpec, CommandSpec } from './types';

/**
 * ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE: `destination numkeys key [key ...]` (plus WEIGHTS and
 * AGGREGATE for union and intersection) share their table entry but for the texts.
 */
function storeCommand(name: string, summary: string, since: string, complexity: string, weighted: boolean): CommandSpec {
  return {
    name,
    arity: -4,
    flags: ['write', 'denyoom', 'movablekeys'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      },
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 2 },
        findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 }
      }
    ],
    summary,
    since,
    group: 'sorted-set',
    complexity,
    arguments: [
      { name: 'destination', type: 'key', keySpecIndex: 0 },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
      ...(weighted
        ? ([
            { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
            {
              name: 'aggregate',
              type: 'oneof',
              token: 'AGGREGATE',
              optional: true,
              arguments: [
                { name: 'sum', type: 'pure-token', token: 'SUM' },
                { name: 'min', type: 'pure-token', token: 'MIN' },
                { name: 'max', type: 'pure-token', token: 'MAX' }
              ]
            }
          ] satisfies ArgSpec[])
        : [])
    ],
    owner: 'native'
  };
}

export const sortedSetCommands: CommandSpec[] = [
  {
    name: 'zadd',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Insert members with scores into a sorted set, or change the scores of members already there',
    since: '1.2.0',
    group: 'sorted-set',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [
      ['2.4.0', 'Accepts multiple elements.'],
      ['3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'],
      ['6.2.0', 'Added the `GT` and `LT` options.']
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'condition',
        type: 'oneof',
        optional: true,
        since: '3.0.2',
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' }
        ]
      },
      {
        name: 'comparison',
        type: 'oneof',
        optional: true,
        since: '6.2.0',
        arguments: [
          { name: 'gt', type: 'pure-token', token: 'GT' },
          { name: 'lt', type: 'pure-token', token: 'LT' }
        ]
      },
      { name: 'change', type: 'pure-token', token: 'CH', optional: true, since: '3.0.2' },
      { name: 'increment', type: 'pure-token', token: 'INCR', optional: true, since: '3.0.2' },
      {
        name: 'score_member',
        type: 'block',
        multiple: true,
        arguments: [
          { name: 'score', type: 'double' },
          { name: 'member', type: 'string' }
        ]
      }
    ],
    owner: 'native'
  },
  {
    name: 'zincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Add an increment to the score of one member of a sorted set',
    since: '1.2.0',
    group: 'sorted-set',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'increment', type: 'integer' },
      { name: 'member', type: 'string' }
    ],
    owner: 'native'
  },
  {
    name: 'zrem',
    arity: -3,
    flags: ['write', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Delete members from a sorted set',
    since: '1.2.0',
    group: 'sorted-set',
    complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    history: [
      ['2.4.0', 'Accepts multiple elements.']
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true }
    ],
    owner: 'native'
  },
  {
    name: 'zcard',
    arity: 2,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RO'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Count the members of a sorted set',
    since: '1.2.0',
    group: 'sorted-set',
    complexity: 'O(1)',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 }
    ],
    owner: 'native'
  },
  {
    name: 'zcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Count the members of a sorted set whose scores fall within an interval',
    since: '2.0.0',
    group: 'sorted-set',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'min', type: 'double' },
      { name: 'max', type: 'double' }
    ],
    owner: 'native'
  },
  {
    name: 'zlexcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Count the members of a sorted set within a lexicographic interval',
    since: '2.8.9',
    group: 'sorted-set',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' }
    ],
    owner: 'native'
  },
  {
    name: 'zscore',
    arity: 3,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Read the score of one member of a sorted set',
    since: '1.2.0',
    group: 'sorted-set',
    complexity: 'O(1)',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string' }
    ],
    owner: 'native'
  },
  {
    name: 'zmscore',
    arity: -3,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Read the scores of several members of a sorted set',
    since: '6.2.0',
    group: 'sorted-set',
    complexity: 'O(N) where N is the number of members being requested.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true }
    ],
    owner: 'native'
  },
  {
    name: 'zrank',
    arity: 3,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Position of a member in a sorted set, counting from the lowest score',
    since: '2.0.0',
    group: 'sorted-set',
    complexity: 'O(log(N))',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string' }
    ],
    owner: 'native'
  },
  {
    name: 'zrevrank',
    arity: 3,
    flags: ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Position of a member in a sorted set, counting from the highest score',
    since: '2.0.0',
    group: 'sorted-set',
    complexity: 'O(log(N))',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string' }
    ],
    owner: 'native'
  },
  {
    name: 'zrange',
    arity: -4,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Read members of a sorted set by position, score interval or lexicographic interval',
    since: '1.2.0',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    history: [
      ['6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.']
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'start', type: 'string' },
      { name: 'stop', type: 'string' },
      {
        name: 'sortby',
        type: 'oneof',
        optional: true,
        since: '6.2.0',
        arguments: [
          { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
          { name: 'bylex', type: 'pure-token', token: 'BYLEX' }
        ]
      },
      { name: 'rev', type: 'pure-token', token: 'REV', optional: true, since: '6.2.0' },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        optional: true,
        since: '6.2.0',
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' }
        ]
      },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true }
    ],
    owner: 'native'
  },
  {
    name: 'zrangestore',
    arity: -5,
    flags: ['write', 'denyoom'],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    acl: ['write', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      },
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 2 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Copy a range of a sorted set (by position, score or lex interval) into another key',
    since: '6.2.0',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    arguments: [
      { name: 'dst', type: 'key', keySpecIndex: 0 },
      { name: 'src', type: 'key', keySpecIndex: 1 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
      {
        name: 'sortby',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
          { name: 'bylex', type: 'pure-token', token: 'BYLEX' }
        ]
      },
      { name: 'rev', type: 'pure-token', token: 'REV', optional: true },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        optional: true,
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' }
        ]
      }
    ],
    owner: 'native'
  },
  {
    name: 'zrevrange',
    arity: -4,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Read members of a sorted set by position, highest scores first',
    since: '1.2.0',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` argument',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true }
    ],
    owner: 'native'
  },
  {
    name: 'zrangebyscore',
    arity: -4,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Read the members of a sorted set whose scores fall within an interval',
    since: '1.0.5',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYSCORE` argument',
    history: [
      ['2.0.0', 'Added the `WITHSCORES` modifier.']
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'min', type: 'double' },
      { name: 'max', type: 'double' },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true, since: '2.0.0' },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        optional: true,
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' }
        ]
      }
    ],
    owner: 'native'
  },
  {
    name: 'zrevrangebyscore',
    arity: -4,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Read the members of a sorted set within a score interval, highest scores first',
    since: '2.2.0',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYSCORE` arguments',
    history: [
      ['2.1.6', '`min` and `max` can be exclusive.']
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'max', type: 'double' },
      { name: 'min', type: 'double' },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        optional: true,
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' }
        ]
      }
    ],
    owner: 'native'
  },
  {
    name: 'zrangebylex',
    arity: -4,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Read the members of a sorted set within a lexicographic interval',
    since: '2.8.9',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYLEX` argument',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        optional: true,
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' }
        ]
      }
    ],
    owner: 'native'
  },
  {
    name: 'zrevrangebylex',
    arity: -4,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Read the members of a sorted set within a lexicographic interval, in reverse order',
    since: '2.8.9',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYLEX` arguments',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'max', type: 'string' },
      { name: 'min', type: 'string' },
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        optional: true,
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' }
        ]
      }
    ],
    owner: 'native'
  },
  {
    name: 'zremrangebyrank',
    arity: 4,
    flags: ['write'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Delete the members of a sorted set between two positions',
    since: '2.0.0',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' }
    ],
    owner: 'native'
  },
  {
    name: 'zremrangebyscore',
    arity: 4,
    flags: ['write'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Delete the members of a sorted set whose scores fall within an interval',
    since: '1.2.0',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'min', type: 'double' },
      { name: 'max', type: 'double' }
    ],
    owner: 'native'
  },
  {
    name: 'zremrangebylex',
    arity: 4,
    flags: ['write'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Delete the members of a sorted set within a lexicographic interval',
    since: '2.8.9',
    group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' }
    ],
    owner: 'native'
  },
  {
    name: 'zpopmin',
    arity: -2,
    flags: ['write', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Take out and answer the lowest-scored members of a sorted set',
    since: '5.0.0',
    group: 'sorted-set',
    complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'count', type: 'integer', optional: true }
    ],
    owner: 'native'
  },
  {
    name: 'zpopmax',
    arity: -2,
    flags: ['write', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['write', 'sortedset', 'fast'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Take out and answer the highest-scored members of a sorted set',
    since: '5.0.0',
    group: 'sorted-set',
    complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'count', type: 'integer', optional: true }
    ],
    owner: 'native'
  },
  {
    name: 'bzpopmin',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    firstKey: 1,
    lastKey: -2,
    step: 1,
    acl: ['write', 'sortedset', 'fast', 'blocking'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: -2, step: 1, limit: 0 }
      }
    ],
    summary: 'Take out the lowest-scored member of the first non-empty sorted set, waiting for one if all are empty',
    since: '5.0.0',
    group: 'sorted-set',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [
      ['6.0.0', '`timeout` is interpreted as a double instead of an integer.']
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'timeout', type: 'double' }
    ],
    owner: 'native'
  },
  {
    name: 'bzpopmax',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    firstKey: 1,
    lastKey: -2,
    step: 1,
    acl: ['write', 'sortedset', 'fast', 'blocking'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: -2, step: 1, limit: 0 }
      }
    ],
    summary: 'Take out the highest-scored member of the first non-empty sorted set, waiting for one if all are empty',
    since: '5.0.0',
    group: 'sorted-set',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [
      ['6.0.0', '`timeout` is interpreted as a double instead of an integer.']
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'timeout', type: 'double' }
    ],
    owner: 'native'
  },
  {
    name: 'zmpop',
    arity: -4,
    flags: ['write', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['write', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 }
      }
    ],
    summary: 'Take out the lowest- or highest-scored members of the first non-empty sorted set among several keys',
    since: '7.0.0',
    group: 'sorted-set',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    arguments: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'min', type: 'pure-token', token: 'MIN' },
          { name: 'max', type: 'pure-token', token: 'MAX' }
        ]
      },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true }
    ],
    owner: 'native'
  },
  {
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['write', 'sortedset', 'slow', 'blocking'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { type: 'index', index: 2 },
        findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 }
      }
    ],
    summary: 'Take out members from the first non-empty sorted set among several keys, waiting when all are empty',
    since: '7.0.0',
    group: 'sorted-set',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    arguments: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'min', type: 'pure-token', token: 'MIN' },
          { name: 'max', type: 'pure-token', token: 'MAX' }
        ]
      },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true }
    ],
    owner: 'native'
  },
  {
    name: 'zrandmember',
    arity: -2,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'slow'],
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Answer random members of a sorted set, distinct or with repetitions',
    since: '6.2.0',
    group: 'sorted-set',
    complexity: 'O(N) where N is the number of elements returned',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'options',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer' },
          { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true }
        ]
      }
    ],
    owner: 'native'
  },
  {
    name: 'zunion',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 }
      }
    ],
    summary: 'Answer the union of sorted sets, with weighted and aggregated scores',
    since: '6.2.0',
    group: 'sorted-set',
    complexity: 'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    arguments: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
      {
        name: 'aggregate',
        type: 'oneof',
        token: 'AGGREGATE',
        optional: true,
        arguments: [
          { name: 'sum', type: 'pure-token', token: 'SUM' },
          { name: 'min', type: 'pure-token', token: 'MIN' },
          { name: 'max', type: 'pure-token', token: 'MAX' }
        ]
      },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true }
    ],
    owner: 'native'
  },
  {
    name: 'zinter',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 }
      }
    ],
    summary: 'Answer the intersection of sorted sets, with weighted and aggregated scores',
    since: '6.2.0',
    group: 'sorted-set',
    complexity: 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
    arguments: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true },
      {
        name: 'aggregate',
        type: 'oneof',
        token: 'AGGREGATE',
        optional: true,
        arguments: [
          { name: 'sum', type: 'pure-token', token: 'SUM' },
          { name: 'min', type: 'pure-token', token: 'MIN' },
          { name: 'max', type: 'pure-token', token: 'MAX' }
        ]
      },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true }
    ],
    owner: 'native'
  },
  {
    name: 'zdiff',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 }
      }
    ],
    summary: 'Answer the members of the first sorted set that are in none of the others',
    since: '6.2.0',
    group: 'sorted-set',
    complexity: 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
    arguments: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true }
    ],
    owner: 'native'
  },
  storeCommand('zunionstore', 'Store the union of sorted sets under a key', '2.0.0', 'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.', true),
  storeCommand('zinterstore', 'Store the intersection of sorted sets under a key', '2.0.0', 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.', true),
  storeCommand('zdiffstore', 'Store the difference of the first sorted set and the others under a key', '6.2.0', 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.', false),
  {
    name: 'zintercard',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['read', 'sortedset', 'slow'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 }
      }
    ],
    summary: 'Count the members of the intersection of sorted sets, optionally stopping at a limit',
    since: '7.0.0',
    group: 'sorted-set',
    complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    arguments: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'limit', type: 'integer', token: 'LIMIT', optional: true }
    ],
    owner: 'native'
  },
  {
    name: 'zscan',
    arity: -3,
    flags: ['readonly'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['read', 'sortedset', 'slow'],
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { type: 'index', index: 1 },
        findKeys: { type: 'range', lastKey: 0, step: 1, limit: 0 }
      }
    ],
    summary: 'Walk the members and scores of a sorted set incrementally with a cursor',
    since: '2.8.0',
    group: 'sorted-set',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true }
    ],
    owner: 'native'
  }
];
