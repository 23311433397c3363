/**
 * Scripting (Redis group "scripting"): EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. All owned by
 * the engine (native/scripting): Lua runs in C++ and its redis.call reaches the data commands
 * without crossing into JavaScript; commands TypeScript owns are called back (ts/handlers/scripting.ts).
 *
 * Structural facts equal Redis 7.0's COMMAND INFO / COMMAND DOCS; the summaries are our own wording.
 */
import type { ArgSpec, CommandSpec, KeySpec } from './types';

function scriptKeys(flags: string[], notes?: string): KeySpec {
  return {
    flags,
    beginSearch: { type: 'index', index: 2 },
    findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 },
    ...(notes !== undefined ? { notes } : {}),
  };
}

function evalArguments(first: 'script' | 'sha1'): ArgSpec[] {
  return [
    { name: first, type: 'string' },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, optional: true, multiple: true },
    { name: 'arg', type: 'string', optional: true, multiple: true },
  ];
}

function evalCommand(name: string, bySha: boolean, readOnly: boolean, summary: string): CommandSpec {
  const keySpec = readOnly
    ? scriptKeys(['RO', 'access'], bySha ? undefined : 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS')
    : scriptKeys(['RW', 'access', 'update'], bySha ? undefined : 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE');
  return {
    name,
    arity: -3,
    flags: [...(readOnly ? (['readonly'] as const) : []), 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['slow', 'scripting'],
    keySpecs: [keySpec],
    summary,
    since: readOnly ? '7.0.0' : '2.6.0',
    group: 'scripting',
    complexity: 'Depends on the script that is executed.',
    arguments: evalArguments(bySha ? 'sha1' : 'script'),
    owner: 'native',
  };
}

function scriptSubcommand(
  sub: string,
  arity: number,
  flags: CommandSpec['flags'],
  summary: string,
  since: string,
  complexity: string,
  extra: Partial<CommandSpec> = {},
): CommandSpec {
  return {
    name: `script|${sub}`,
    arity,
    flags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['slow', 'scripting'],
    summary,
    since,
    group: 'scripting',
    complexity,
    owner: 'native',
    ...extra,
  };
}

export const scriptingCommands: CommandSpec[] = [
  evalCommand('eval', false, false, 'Run a Lua script on the server'),
  evalCommand('evalsha', true, false, 'Run a cached Lua script named by its SHA1 digest'),
  evalCommand('eval_ro', false, true, 'Run a Lua script that may only read'),
  evalCommand('evalsha_ro', true, true, 'Run a cached read-only Lua script named by its SHA1 digest'),
  {
    name: 'script',
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['slow'],
    summary: 'Manage the Lua script cache',
    since: '2.6.0',
    group: 'scripting',
    complexity: 'Depends on subcommand.',
    owner: 'native',
    subcommands: [
      scriptSubcommand('exists', -3, ['noscript'], 'Tell which of the given SHA1 digests name cached scripts', '2.6.0',
        'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).', {
          tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
          arguments: [{ name: 'sha1', type: 'string', multiple: true }],
        }),
      scriptSubcommand('flush', -2, ['noscript'], 'Empty the script cache', '2.6.0',
        'O(N) with N being the number of scripts in cache', {
          tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
          history: [['6.2.0', 'Added the `ASYNC` and `SYNC` flushing mode modifiers.']],
          arguments: [
            {
              name: 'async',
              type: 'oneof',
              since: '6.2.0',
              optional: true,
              arguments: [
                { name: 'async', type: 'pure-token', token: 'ASYNC' },
                { name: 'sync', type: 'pure-token', token: 'SYNC' },
              ],
            },
          ],
        }),
      scriptSubcommand('help', 2, ['loading', 'stale'], 'List the SCRIPT subcommands with a line on each', '5.0.0', 'O(1)'),
      scriptSubcommand('kill', 2, ['noscript', 'allow_busy'], 'Stop the script that is running', '2.6.0', 'O(1)', {
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
      }),
      scriptSubcommand('load', 3, ['noscript', 'stale'], 'Compile a script into the cache without running it', '2.6.0',
        'O(N) with N being the length in bytes of the script body.', {
          tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
          arguments: [{ name: 'script', type: 'string' }],
        }),
    ],
  },
];
