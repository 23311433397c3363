/**
 * Scripting (Redis group "scripting"): EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. All owned by
 * the engine (native/scripting): Lua runs in C++ and its redis.call reaches the data commands
 * without crossing into JavaScript; commands TypeScript owns are called back (ts/handlers/scripting.ts).
 *
 * Structural facts equal Redis 7.0's COMMAND INFO / COMMAND DOCS; the summaries are our own wording.
 */
import type { ArgSpec, CommandSpec, KeySpec } from './types';
import { containerCommand } from './keyspecs';

function scriptKeys(flags: string[], notes?: string): KeySpec {
  return {
    flags,
    beginSearch: { type: 'index', index: 2 },
    findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, step: 1 },
    ...(notes !== undefined ? { notes } : {}),
  };
}

function evalArguments(first: 'script' | 'sha1' | 'function'): ArgSpec[] {
  return [
    { name: first, type: 'string' },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, optional: true, multiple: true },
    { name: 'arg', type: 'string', optional: true, multiple: true },
  ];
}

/** EVAL, EVALSHA, FCALL and their read-only forms (`first`: what names the code to run). */
function evalCommand(name: string, first: 'script' | 'sha1' | 'function', readOnly: boolean, summary: string): CommandSpec {
  const notes = first === 'sha1' ? undefined : `We cannot tell how the keys will be used so we assume the worst, ${readOnly ? 'RO and ACCESS' : 'RW and UPDATE'}`;
  const keySpec = readOnly ? scriptKeys(['RO', 'access'], notes) : scriptKeys(['RW', 'access', 'update'], notes);
  const isFunction = first === 'function';
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
    since: readOnly || isFunction ? '7.0.0' : '2.6.0',
    group: 'scripting',
    complexity: isFunction ? 'Depends on the function that is executed.' : 'Depends on the script that is executed.',
    arguments: evalArguments(first),
    owner: 'native',
  };
}

/** SCRIPT FLUSH's and FUNCTION FLUSH's optional ASYNC|SYNC. */
function flushMode(since?: string): ArgSpec {
  return {
    name: 'async',
    type: 'oneof',
    ...(since !== undefined ? { since } : {}),
    optional: true,
    arguments: [
      { name: 'async', type: 'pure-token', token: 'ASYNC' },
      { name: 'sync', type: 'pure-token', token: 'SYNC' },
    ],
  };
}

function containerSubcommand(
  container: 'script' | 'function',
  sub: string,
  arity: number,
  flags: CommandSpec['flags'],
  summary: string,
  since: string,
  complexity: string,
  extra: Partial<CommandSpec> = {},
): CommandSpec {
  return {
    name: `${container}|${sub}`,
    arity,
    flags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: flags.includes('write') ? ['write', 'slow', 'scripting'] : ['slow', 'scripting'],
    summary,
    since,
    group: 'scripting',
    complexity,
    owner: 'native',
    ...extra,
  };
}

export const scriptingCommands: CommandSpec[] = [
  evalCommand('eval', 'script', false, 'Run a Lua script on the server'),
  evalCommand('evalsha', 'sha1', false, 'Run a cached Lua script named by its SHA1 digest'),
  evalCommand('eval_ro', 'script', true, 'Run a Lua script that may only read'),
  evalCommand('evalsha_ro', 'sha1', true, 'Run a cached read-only Lua script named by its SHA1 digest'),
  evalCommand('fcall', 'function', false, 'Call a function of a loaded library'),
  evalCommand('fcall_ro', 'function', true, 'Call a function flagged no-writes'),
  {
    ...containerCommand('script', 'scripting', 'native', 'Manage the Lua script cache', '2.6.0'),
    subcommands: [
      containerSubcommand('script', 'exists', -3, ['noscript'], 'Tell which of the given SHA1 digests name cached scripts', '2.6.0',
        'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).', {
          tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
          arguments: [{ name: 'sha1', type: 'string', multiple: true }],
        }),
      containerSubcommand('script', 'flush', -2, ['noscript'], 'Empty the script cache', '2.6.0',
        'O(N) with N being the number of scripts in cache', {
          tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
          history: [['6.2.0', 'Added the `ASYNC` and `SYNC` flushing mode modifiers.']],
          arguments: [flushMode('6.2.0')],
        }),
      containerSubcommand('script', 'help', 2, ['loading', 'stale'], 'List the SCRIPT subcommands with a line on each', '5.0.0', 'O(1)'),
      containerSubcommand('script', 'kill', 2, ['noscript', 'allow_busy'], 'Stop the script that is running', '2.6.0', 'O(1)', {
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
      }),
      containerSubcommand('script', 'load', 3, ['noscript', 'stale'], 'Compile a script into the cache without running it', '2.6.0',
        'O(N) with N being the length in bytes of the script body.', {
          tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
          arguments: [{ name: 'script', type: 'string' }],
        }),
    ],
  },
  {
    ...containerCommand('function', 'scripting', 'native', 'Manage function libraries', '7.0.0'),
    subcommands: [
      containerSubcommand('function', 'delete', 3, ['write', 'noscript'], 'Remove a library and its functions', '7.0.0', 'O(1)', {
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        arguments: [{ name: 'library-name', type: 'string' }],
      }),
      containerSubcommand('function', 'dump', 2, ['noscript'], 'Serialize every library into one payload', '7.0.0',
        'O(N) where N is the number of functions'),
      containerSubcommand('function', 'flush', -2, ['write', 'noscript'], 'Remove every library', '7.0.0',
        'O(N) where N is the number of functions deleted', {
          tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
          arguments: [flushMode()],
        }),
      containerSubcommand('function', 'help', 2, ['loading', 'stale'], 'List the FUNCTION subcommands with a line on each', '7.0.0', 'O(1)'),
      containerSubcommand('function', 'kill', 2, ['noscript', 'allow_busy'], 'Stop the function that is running', '7.0.0', 'O(1)', {
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
      }),
      containerSubcommand('function', 'list', -2, ['noscript'], 'Describe the loaded libraries and their functions', '7.0.0',
        'O(N) where N is the number of functions', {
          tips: ['nondeterministic_output_order'],
          arguments: [
            { name: 'library-name-pattern', type: 'string', token: 'LIBRARYNAME', optional: true },
            { name: 'withcode', type: 'pure-token', token: 'WITHCODE', optional: true },
          ],
        }),
      containerSubcommand('function', 'load', -3, ['write', 'denyoom', 'noscript'], 'Load a library of functions from Lua code', '7.0.0',
        'O(1) (considering compilation time is redundant)', {
          tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
          arguments: [
            { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
            { name: 'function-code', type: 'string' },
          ],
        }),
      containerSubcommand('function', 'restore', -3, ['write', 'denyoom', 'noscript'], 'Load the libraries of a FUNCTION DUMP payload', '7.0.0',
        'O(N) where N is the number of functions on the payload', {
          tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
          arguments: [
            { name: 'serialized-value', type: 'string' },
            {
              name: 'policy',
              type: 'oneof',
              optional: true,
              arguments: [
                { name: 'flush', type: 'pure-token', token: 'FLUSH' },
                { name: 'append', type: 'pure-token', token: 'APPEND' },
                { name: 'replace', type: 'pure-token', token: 'REPLACE' },
              ],
            },
          ],
        }),
      containerSubcommand('function', 'stats', 2, ['noscript', 'allow_busy'], 'Tell which function runs and count libraries and functions', '7.0.0', 'O(1)', {
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
      }),
    ],
  },
];
