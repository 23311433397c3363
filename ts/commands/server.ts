/**
 * Server commands (Redis group "server"). DBSIZE, FLUSHDB, FLUSHALL, SWAPDB and DEBUG touch the
 * keyspace and run in the engine; COMMAND, CONFIG, INFO, TIME and SHUTDOWN are answered by
 * TypeScript.
 *
 * Structural facts equal Redis 7.0's COMMAND INFO / COMMAND DOCS (checked by
 * test/command-table.test.ts against a real redis-server); the summaries are our own wording.
 * CONFIG lists only the subcommands RustyPotato implements.
 */
import type { ArgSpec, CommandSpec } from './types';
import { containerCommand, indexRange } from './keyspecs';

/** The ASYNC | SYNC choice of FLUSHDB and FLUSHALL. */
const flushMode: ArgSpec = {
  name: 'async',
  type: 'oneof',
  optional: true,
  arguments: [
    { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
    { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' },
  ],
};
const flushHistory: Array<[string, string]> = [
  ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
  ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
];

/** Facts shared by the COMMAND subcommands (all loading+stale, @slow @connection, no keys). */
function commandSubcommand(
  sub: string,
  arity: number,
  docs: Pick<CommandSpec, 'summary' | 'since' | 'complexity'> & Partial<CommandSpec>,
): CommandSpec {
  return {
    name: 'command|' + sub,
    arity,
    flags: ['loading', 'stale'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['slow', 'connection'],
    group: 'server',
    owner: 'ts',
    ...docs,
  };
}

/** Facts shared by the CONFIG subcommands except HELP (admin, noscript, @dangerous). */
function configSubcommand(
  sub: string,
  arity: number,
  docs: Pick<CommandSpec, 'summary' | 'since' | 'complexity'> & Partial<CommandSpec>,
): CommandSpec {
  return {
    name: 'config|' + sub,
    arity,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    owner: 'ts',
    ...docs,
  };
}

/** A SLOWLOG / LATENCY subcommand: admin, @admin @slow @dangerous, no keys (HELP: neither). */
function diagnosticSubcommand(
  container: 'slowlog' | 'latency',
  sub: string,
  arity: number,
  docs: Pick<CommandSpec, 'summary' | 'since' | 'complexity'> & Partial<CommandSpec>,
): CommandSpec {
  const help = sub === 'help';
  return {
    name: `${container}|${sub}`,
    arity,
    flags: help ? ['loading', 'stale'] : container === 'latency' ? ['admin', 'noscript', 'loading', 'stale'] : ['admin', 'loading', 'stale'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: help ? ['slow'] : ['admin', 'slow', 'dangerous'],
    group: 'server',
    owner: 'ts',
    ...docs,
  };
}

const ALLOCATOR_COMPLEXITY = 'Depends on how much memory is allocated, could be slow';

/** A MEMORY subcommand without arguments (all but USAGE). */
function memorySubcommand(sub: string, summary: string, tips: string[], flags: CommandSpec['flags'] = [], complexity = 'O(1)'): CommandSpec {
  return {
    name: `memory|${sub}`,
    arity: 2,
    flags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['slow'],
    tips,
    summary,
    since: '4.0.0',
    group: 'server',
    complexity,
    owner: 'ts',
  };
}

/** The LATENCY reports' tips (RESET differs). */
const LATENCY_TIPS = ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'];
const latencyEventArg: ArgSpec = { name: 'event', type: 'string' };

const commandNamesArg: ArgSpec = { name: 'command-name', type: 'string', optional: true, multiple: true };

export const serverCommands: CommandSpec[] = [
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['keyspace', 'read', 'fast'],
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    summary: 'Count the keys in the selected database',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    owner: 'native',
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    summary: 'Delete every key of the selected database',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(N) where N is the number of keys in the selected database',
    history: flushHistory,
    arguments: [flushMode],
    owner: 'native',
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    summary: 'Delete every key of every database',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(N) where N is the total number of keys in all databases',
    history: flushHistory,
    arguments: [flushMode],
    owner: 'native',
  },
  {
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['keyspace', 'write', 'fast', 'dangerous'],
    summary: 'Exchange the contents of two numbered databases',
    since: '4.0.0',
    group: 'server',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    arguments: [
      { name: 'index1', type: 'integer' },
      { name: 'index2', type: 'integer' },
    ],
    owner: 'native',
  },
  {
    name: 'debug',
    arity: -2,
    // 'protected' (gated by enable-debug-command in Redis) is never shown by COMMAND INFO.
    flags: ['admin', 'noscript', 'loading', 'stale', 'protected'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['admin', 'slow', 'dangerous'],
    summary: 'Internal commands for testing and debugging the server',
    since: '1.0.0',
    group: 'server',
    complexity: 'Depends on subcommand.',
    docFlags: ['syscmd'],
    owner: 'native',
  },
  {
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['slow', 'connection'],
    tips: ['nondeterministic_output_order'],
    summary: 'Describe every command the server knows',
    since: '2.8.13',
    group: 'server',
    complexity: 'O(N) where N is the total number of Redis commands',
    owner: 'ts',
    subcommands: [
      commandSubcommand('count', 2, {
        summary: 'Answer with the number of top-level commands',
        since: '2.8.13',
        complexity: 'O(1)',
      }),
      commandSubcommand('docs', -2, {
        summary: 'Describe the documentation of the named commands, or of all of them',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: ['nondeterministic_output_order'],
        arguments: [commandNamesArg],
      }),
      commandSubcommand('getkeys', -4, {
        summary: 'Find which arguments of a full command line are keys',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of arguments to the command',
      }),
      commandSubcommand('getkeysandflags', -4, {
        summary: 'Find the keys of a full command line together with how the command uses them',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of arguments to the command',
      }),
      commandSubcommand('help', 2, {
        summary: 'List the COMMAND subcommands with a line on each',
        since: '5.0.0',
        complexity: 'O(1)',
      }),
      commandSubcommand('info', -2, {
        summary: 'Describe the named commands, or all of them when none is named',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: ['nondeterministic_output_order'],
        history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
        arguments: [commandNamesArg],
      }),
      commandSubcommand('list', -2, {
        summary: 'List command names, optionally filtered by module, ACL category or pattern',
        since: '7.0.0',
        complexity: 'O(N) where N is the total number of Redis commands',
        tips: ['nondeterministic_output_order'],
        arguments: [
          {
            name: 'filterby',
            type: 'oneof',
            token: 'FILTERBY',
            optional: true,
            arguments: [
              { name: 'module-name', type: 'string', token: 'MODULE' },
              { name: 'category', type: 'string', token: 'ACLCAT' },
              { name: 'pattern', type: 'pattern', token: 'PATTERN' },
            ],
          },
        ],
      }),
    ],
  },
  {
    ...containerCommand('config', 'server', 'ts', 'Read and change server settings at run time', '2.0.0'),
    subcommands: [
      configSubcommand('get', -3, {
        summary: 'Answer with the settings whose names match the given patterns',
        since: '2.0.0',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
        arguments: [
          { name: 'parameter', type: 'block', multiple: true, arguments: [{ name: 'parameter', type: 'string' }] },
        ],
      }),
      {
        name: 'config|help',
        arity: 2,
        flags: ['loading', 'stale'],
        firstKey: 0,
        lastKey: 0,
        step: 0,
        acl: ['slow'],
        summary: 'List the CONFIG subcommands with a line on each',
        since: '5.0.0',
        group: 'server',
        complexity: 'O(1)',
        owner: 'ts',
      },
      configSubcommand('resetstat', 2, {
        summary: 'Zero the statistics counters reported by INFO',
        since: '2.0.0',
        complexity: 'O(1)',
      }),
      configSubcommand('set', -4, {
        summary: 'Change one or more settings; all change or none does',
        since: '2.0.0',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
        arguments: [
          {
            name: 'parameter_value',
            type: 'block',
            multiple: true,
            arguments: [
              { name: 'parameter', type: 'string' },
              { name: 'value', type: 'string' },
            ],
          },
        ],
      }),
    ],
  },
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['slow', 'dangerous'],
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    summary: 'Report server information and statistics, by section',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added support for taking multiple section arguments.']],
    arguments: [{ name: 'section', type: 'string', optional: true, multiple: true }],
    owner: 'ts',
  },
  {
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['admin', 'slow', 'dangerous'],
    summary: 'Rewrite the append-only file from the live data, in the background',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    owner: 'ts',
  },
  {
    name: 'bgsave',
    arity: -1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['admin', 'slow', 'dangerous'],
    summary: 'Write an RDB snapshot of the data set in the background',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    history: [['3.2.2', 'Added the `SCHEDULE` option.']],
    arguments: [{ name: 'schedule', type: 'pure-token', token: 'SCHEDULE', optional: true, since: '3.2.2' }],
    owner: 'ts',
  },
  {
    name: 'save',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['admin', 'slow', 'dangerous'],
    summary: 'Write an RDB snapshot of the data set now (the server waits for it)',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(N) where N is the total number of keys in all databases',
    owner: 'ts',
  },
  {
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['admin', 'fast', 'dangerous'],
    tips: ['nondeterministic_output'],
    summary: 'Unix time of the last successful snapshot',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    owner: 'ts',
  },
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast'],
    tips: ['nondeterministic_output'],
    summary: 'Answer with the server clock as Unix seconds and microseconds',
    since: '2.6.0',
    group: 'server',
    complexity: 'O(1)',
    owner: 'ts',
  },
  {
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['admin', 'slow', 'dangerous'],
    summary: 'Stop the server, saving the data first when persistence asks for it',
    since: '1.0.0',
    group: 'server',
    complexity:
      'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
    arguments: [
      {
        name: 'nosave_save',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'nosave', type: 'pure-token', token: 'NOSAVE' },
          { name: 'save', type: 'pure-token', token: 'SAVE' },
        ],
      },
      { name: 'now', type: 'pure-token', token: 'NOW', since: '7.0.0', optional: true },
      { name: 'force', type: 'pure-token', token: 'FORCE', since: '7.0.0', optional: true },
      { name: 'abort', type: 'pure-token', token: 'ABORT', since: '7.0.0', optional: true },
    ],
    owner: 'ts',
  },
  {
    ...containerCommand('memory', 'server', 'ts', 'Report how the server uses memory', '4.0.0'),
    subcommands: [
      memorySubcommand('doctor', 'Report memory problems, if any', ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special']),
      memorySubcommand('help', 'List the MEMORY subcommands with a line on each', [], ['loading', 'stale']),
      memorySubcommand('malloc-stats', 'Show the memory allocator\'s own statistics', ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'], [], ALLOCATOR_COMPLEXITY),
      memorySubcommand('purge', 'Ask the allocator to return free pages to the system', ['request_policy:all_shards', 'response_policy:all_succeeded'], [], ALLOCATOR_COMPLEXITY),
      memorySubcommand('stats', 'Break down the memory the server uses', ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special']),
      {
        name: 'memory|usage',
        arity: -3,
        flags: ['readonly'],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        acl: ['read', 'slow'],
        keySpecs: [indexRange(['RO'], 2)],
        summary: 'Bytes a key and its value take in memory',
        since: '4.0.0',
        group: 'server',
        complexity: 'O(N) where N is the number of samples.',
        arguments: [
          { name: 'key', type: 'key', keySpecIndex: 0 },
          { name: 'count', type: 'integer', token: 'SAMPLES', optional: true },
        ],
        owner: 'ts',
      },
    ],
  },
  {
    ...containerCommand('slowlog', 'server', 'ts', 'Read or clear the log of commands slower than slowlog-log-slower-than', '2.2.12'),
    subcommands: [
      diagnosticSubcommand('slowlog', 'get', -2, {
        summary: 'Answer with the newest slow log entries',
        since: '2.2.12',
        complexity: 'O(N) where N is the number of entries returned',
        tips: ['request_policy:all_nodes', 'nondeterministic_output'],
        history: [['4.0.0', 'Added client IP address, port and name to the reply.']],
        arguments: [{ name: 'count', type: 'integer', optional: true }],
      }),
      diagnosticSubcommand('slowlog', 'len', 2, {
        summary: 'Count the slow log entries',
        since: '2.2.12',
        complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
      }),
      diagnosticSubcommand('slowlog', 'reset', 2, {
        summary: 'Empty the slow log',
        since: '2.2.12',
        complexity: 'O(N) where N is the number of entries in the slowlog',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      }),
      diagnosticSubcommand('slowlog', 'help', 2, { summary: 'List the SLOWLOG subcommands with a line on each', since: '6.2.0', complexity: 'O(1)' }),
    ],
  },
  {
    ...containerCommand('latency', 'server', 'ts', 'Inspect the latency spikes the latency monitor recorded', '2.8.13'),
    subcommands: [
      diagnosticSubcommand('latency', 'latest', 2, {
        summary: 'Answer with the latest spike of every event',
        since: '2.8.13',
        complexity: 'O(1)',
        tips: LATENCY_TIPS,
      }),
      diagnosticSubcommand('latency', 'history', 3, {
        summary: 'Answer with the time and latency of the recorded spikes of one event',
        since: '2.8.13',
        complexity: 'O(1)',
        tips: LATENCY_TIPS,
        arguments: [latencyEventArg],
      }),
      diagnosticSubcommand('latency', 'reset', -2, {
        summary: 'Forget the spikes of some or all events',
        since: '2.8.13',
        complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        arguments: [{ ...latencyEventArg, optional: true, multiple: true }],
      }),
      diagnosticSubcommand('latency', 'graph', 3, {
        summary: 'Draw the recorded spikes of one event as an ASCII graph',
        since: '2.8.13',
        complexity: 'O(1)',
        tips: LATENCY_TIPS,
        arguments: [latencyEventArg],
      }),
      diagnosticSubcommand('latency', 'doctor', 2, {
        summary: 'Describe the recorded latency spikes in words',
        since: '2.8.13',
        complexity: 'O(1)',
        tips: LATENCY_TIPS,
      }),
      diagnosticSubcommand('latency', 'histogram', -2, {
        summary: 'Answer with the cumulative latency distribution of some or all commands',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
        tips: LATENCY_TIPS,
        arguments: [{ name: 'command', type: 'string', optional: true, multiple: true }],
      }),
      diagnosticSubcommand('latency', 'help', 2, { summary: 'List the LATENCY subcommands with a line on each', since: '2.8.13', complexity: 'O(1)' }),
    ],
  },
  {
    name: 'monitor',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['admin', 'slow', 'dangerous'],
    summary: 'Stream every command the server runs to this connection',
    since: '1.0.0',
    group: 'server',
    owner: 'ts',
  },
];
