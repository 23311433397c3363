/**
 * Connection commands (Redis group "connection"). PING and ECHO run in the engine's batch (they are
 * hot in benchmarks and need no connection state); the rest are about the connection itself and are
 * answered by TypeScript.
 *
 * Structural facts equal Redis 7.0's COMMAND INFO / COMMAND DOCS (checked by
 * test/command-table.test.ts against a real redis-server); the summaries are our own wording.
 * CLIENT lists only the subcommands RustyPotato implements. CLIENT SETINFO and CLIENT NO-TOUCH are
 * newer than 7.0; they carry Redis 7.2's facts because clients send them when they connect.
 */
import type { ArgSpec, CommandSpec } from './types';
import { containerCommand } from './keyspecs';

/** The ON | OFF choice of CLIENT NO-EVICT and CLIENT NO-TOUCH. */
const onOff: ArgSpec = {
  name: 'enabled',
  type: 'oneof',
  arguments: [
    { name: 'on', type: 'pure-token', token: 'ON' },
    { name: 'off', type: 'pure-token', token: 'OFF' },
  ],
};

/** Facts shared by the CLIENT subcommands (they differ in flags, arity, docs and arguments). */
function clientSubcommand(
  sub: string,
  arity: number,
  admin: boolean,
  docs: Pick<CommandSpec, 'summary' | 'since' | 'complexity'> & Partial<CommandSpec>,
): CommandSpec {
  return {
    name: 'client|' + sub,
    arity,
    flags: admin ? ['admin', 'noscript', 'loading', 'stale'] : ['noscript', 'loading', 'stale'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: admin ? ['admin', 'slow', 'dangerous', 'connection'] : ['slow', 'connection'],
    group: 'connection',
    owner: 'ts',
    ...docs,
  };
}

/** QUIT, RESET, HELLO and AUTH may run before authentication and while the server is busy. */
const preAuthFlags: CommandSpec['flags'] = ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'];

export const connectionCommands: CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'connection'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    summary: 'Check that the server answers: PONG, or the given message back',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(1)',
    arguments: [{ name: 'message', type: 'string', optional: true }],
    owner: 'native',
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'connection'],
    summary: 'Answer with the message that was sent',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(1)',
    arguments: [{ name: 'message', type: 'string' }],
    owner: 'native',
  },
  {
    name: 'quit',
    arity: -1,
    flags: preAuthFlags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'connection'],
    summary: 'Say OK, then close this connection',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(1)',
    owner: 'ts',
  },
  {
    name: 'reset',
    arity: 1,
    flags: preAuthFlags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'connection'],
    summary: 'Return this connection to the state of a new one',
    since: '6.2.0',
    group: 'connection',
    complexity: 'O(1)',
    owner: 'ts',
  },
  {
    name: 'hello',
    arity: -1,
    flags: preAuthFlags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'connection'],
    summary: 'Choose the protocol version, optionally authenticate and name the connection',
    since: '6.0.0',
    group: 'connection',
    complexity: 'O(1)',
    history: [
      [
        '6.2.0',
        "`protover` made optional; when called without arguments the command reports the current connection's context.",
      ],
    ],
    arguments: [
      {
        name: 'arguments',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'protover', type: 'integer' },
          {
            name: 'username_password',
            type: 'block',
            token: 'AUTH',
            optional: true,
            arguments: [
              { name: 'username', type: 'string' },
              { name: 'password', type: 'string' },
            ],
          },
          { name: 'clientname', type: 'string', token: 'SETNAME', optional: true },
        ],
      },
    ],
    owner: 'ts',
  },
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'connection'],
    summary: 'Switch this connection to another numbered database',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(1)',
    arguments: [{ name: 'index', type: 'integer' }],
    owner: 'ts',
  },
  {
    name: 'auth',
    arity: -2,
    flags: preAuthFlags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['fast', 'connection'],
    summary: 'Log this connection in with a password, or a user name and password',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    history: [['6.0.0', 'Added ACL style (username and password).']],
    arguments: [
      { name: 'username', type: 'string', since: '6.0.0', optional: true },
      { name: 'password', type: 'string' },
    ],
    owner: 'ts',
  },
  {
    ...containerCommand('client', 'connection', 'ts', 'Inspect and manage client connections', '2.4.0'),
    subcommands: [
      clientSubcommand('getname', 2, false, {
        summary: 'Answer with the name of this connection, or null if it has none',
        since: '2.6.9',
        complexity: 'O(1)',
      }),
      {
        ...clientSubcommand('help', 2, false, {
          summary: 'List the CLIENT subcommands with a line on each',
          since: '5.0.0',
          complexity: 'O(1)',
        }),
        flags: ['loading', 'stale'],
      },
      clientSubcommand('id', 2, false, {
        summary: 'Answer with the unique numeric id of this connection',
        since: '5.0.0',
        complexity: 'O(1)',
      }),
      clientSubcommand('info', 2, false, {
        summary: 'Describe this connection in the format of one CLIENT LIST line',
        since: '6.2.0',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
      }),
      clientSubcommand('kill', -3, true, {
        summary: 'Close the client connections that match an address or a set of filters',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        history: [
          ['2.8.12', 'Added new filter format.'],
          ['2.8.12', '`ID` option.'],
          ['3.2.0', 'Added `master` type in for `TYPE` option.'],
          ['5.0.0', 'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.'],
          ['6.2.0', '`LADDR` option.'],
        ],
        arguments: [
          {
            name: 'filter',
            type: 'oneof',
            arguments: [
              { name: 'ip:port', type: 'string', deprecatedSince: '2.8.12' },
              {
                name: 'new-format',
                type: 'oneof',
                multiple: true,
                arguments: [
                  { name: 'client-id', type: 'integer', token: 'ID', since: '2.8.12', optional: true },
                  {
                    name: 'normal_master_slave_pubsub',
                    type: 'oneof',
                    token: 'TYPE',
                    since: '2.8.12',
                    optional: true,
                    arguments: [
                      { name: 'normal', type: 'pure-token', token: 'NORMAL' },
                      { name: 'master', type: 'pure-token', token: 'MASTER', since: '3.2.0' },
                      { name: 'slave', type: 'pure-token', token: 'SLAVE' },
                      { name: 'replica', type: 'pure-token', token: 'REPLICA', since: '5.0.0' },
                      { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
                    ],
                  },
                  { name: 'username', type: 'string', token: 'USER', optional: true },
                  { name: 'ip:port', type: 'string', token: 'ADDR', optional: true },
                  { name: 'ip:port', type: 'string', token: 'LADDR', since: '6.2.0', optional: true },
                  { name: 'yes/no', type: 'string', token: 'SKIPME', optional: true },
                ],
              },
            ],
          },
        ],
      }),
      clientSubcommand('tracking', -3, false, {
        summary: 'Turn client-side caching invalidations on or off for this connection',
        since: '6.0.0',
        complexity: 'O(1). Some options may introduce additional complexity.',
        arguments: [
          {
            name: 'status',
            type: 'oneof',
            arguments: [
              { name: 'on', type: 'pure-token', token: 'ON' },
              { name: 'off', type: 'pure-token', token: 'OFF' },
            ],
          },
          { name: 'client-id', type: 'integer', token: 'REDIRECT', optional: true },
          { name: 'prefix', type: 'string', token: 'PREFIX', optional: true, multiple: true, multipleToken: true },
          { name: 'bcast', type: 'pure-token', token: 'BCAST', optional: true },
          { name: 'optin', type: 'pure-token', token: 'OPTIN', optional: true },
          { name: 'optout', type: 'pure-token', token: 'OPTOUT', optional: true },
          { name: 'noloop', type: 'pure-token', token: 'NOLOOP', optional: true },
        ],
      }),
      clientSubcommand('caching', 3, false, {
        summary: 'Say whether the next command\'s keys are tracked (OPTIN / OPTOUT modes)',
        since: '6.0.0',
        complexity: 'O(1)',
        arguments: [
          {
            name: 'mode',
            type: 'oneof',
            arguments: [
              { name: 'yes', type: 'pure-token', token: 'YES' },
              { name: 'no', type: 'pure-token', token: 'NO' },
            ],
          },
        ],
      }),
      clientSubcommand('getredir', 2, false, {
        summary: 'Answer the id of the client that receives this connection\'s invalidations',
        since: '6.0.0',
        complexity: 'O(1)',
      }),
      clientSubcommand('trackinginfo', 2, false, {
        summary: 'Describe this connection\'s client-side caching settings',
        since: '6.2.0',
        complexity: 'O(1)',
      }),
      clientSubcommand('list', -2, true, {
        summary: 'Describe every client connection, one line each',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        tips: ['nondeterministic_output'],
        history: [
          ['2.8.12', 'Added unique client `id` field.'],
          ['5.0.0', 'Added optional `TYPE` filter.'],
          ['6.0.0', 'Added `user` field.'],
          ['6.2.0', 'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.'],
          ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'],
          ['7.0.3', 'Added `ssub` field.'],
        ],
        arguments: [
          {
            name: 'normal_master_replica_pubsub',
            type: 'oneof',
            token: 'TYPE',
            since: '5.0.0',
            optional: true,
            arguments: [
              { name: 'normal', type: 'pure-token', token: 'NORMAL' },
              { name: 'master', type: 'pure-token', token: 'MASTER' },
              { name: 'replica', type: 'pure-token', token: 'REPLICA' },
              { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
            ],
          },
          {
            name: 'id',
            type: 'block',
            token: 'ID',
            since: '6.2.0',
            optional: true,
            arguments: [{ name: 'client-id', type: 'integer', multiple: true }],
          },
        ],
      }),
      clientSubcommand('no-evict', 3, true, {
        summary: 'Exempt this connection from client eviction, or make it subject to it again',
        since: '7.0.0',
        complexity: 'O(1)',
        arguments: [onOff],
      }),
      // Redis 7.2 facts: since 7.2.0, not admin.
      clientSubcommand('no-touch', 3, false, {
        summary: "Choose whether this connection's commands update the access time of keys",
        since: '7.2.0',
        complexity: 'O(1)',
        arguments: [onOff],
      }),
      // Redis 7.2 facts, including its cluster routing tips.
      clientSubcommand('setinfo', 4, false, {
        summary: 'Record the client library name or version shown by CLIENT LIST',
        since: '7.2.0',
        complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        arguments: [
          {
            name: 'attr',
            type: 'oneof',
            arguments: [
              { name: 'libname', type: 'string', token: 'LIB-NAME' },
              { name: 'libver', type: 'string', token: 'LIB-VER' },
            ],
          },
        ],
      }),
      clientSubcommand('setname', 3, false, {
        summary: 'Give this connection a name (an empty name removes it)',
        since: '2.6.9',
        complexity: 'O(1)',
        arguments: [{ name: 'connection-name', type: 'string' }],
      }),
    ],
  },
];
