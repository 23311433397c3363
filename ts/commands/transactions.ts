/**
 * Transactions (Redis group "transactions"): MULTI, EXEC, DISCARD, WATCH, UNWATCH. All owned by
 * TypeScript: the queue is connection state (ts/server/client.ts); EXEC runs the queue through the
 * ordinary request path; WATCH bookkeeping lives in the engine (native watch/unwatch).
 *
 * Structural facts equal Redis 7.0's COMMAND INFO / COMMAND DOCS (test/command-table.test.ts);
 * the summaries are our own wording.
 */
import type { CommandSpec } from './types';
import { indexRange } from './keyspecs';

const queueFlags: CommandSpec['flags'] = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'];

export const transactionCommands: CommandSpec[] = [
  {
    name: 'multi',
    arity: 1,
    flags: queueFlags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'transaction'],
    summary: 'Start queueing commands for one atomic EXEC',
    since: '1.2.0',
    group: 'transactions',
    complexity: 'O(1)',
    owner: 'ts',
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['slow', 'transaction'],
    summary: 'Run the queued commands atomically and answer all their replies',
    since: '1.2.0',
    group: 'transactions',
    complexity: 'Depends on commands in the transaction',
    owner: 'ts',
  },
  {
    name: 'discard',
    arity: 1,
    flags: queueFlags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'transaction'],
    summary: 'Drop the queued commands and leave MULTI',
    since: '2.0.0',
    group: 'transactions',
    complexity: 'O(N), when N is the number of queued commands',
    owner: 'ts',
  },
  {
    name: 'watch',
    arity: -2,
    flags: queueFlags,
    firstKey: 1,
    lastKey: -1,
    step: 1,
    acl: ['fast', 'transaction'],
    keySpecs: [indexRange(['RO'], 1, -1)],
    summary: 'Make the next EXEC fail if any of these keys changes before it',
    since: '2.2.0',
    group: 'transactions',
    complexity: 'O(1) for every key.',
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
    owner: 'ts',
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: queueFlags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'transaction'],
    summary: 'Forget every watched key of this connection',
    since: '2.2.0',
    group: 'transactions',
    complexity: 'O(1)',
    owner: 'ts',
  },
];
