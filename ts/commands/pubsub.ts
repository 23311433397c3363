/**
 * Pub/sub (Redis group "pubsub"): SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UNSUBSCRIBE forms,
 * PUBLISH, SPUBLISH and PUBSUB. Subscriptions are connection state owned by TypeScript
 * (ts/server/pubsub.ts), mirrored into the engine, which runs PUBLISH and SPUBLISH inside the batch
 * and writes the messages to the subscribers' sockets (native/engine/pubsub.h).
 *
 * Structural facts equal Redis 7.0's COMMAND INFO / COMMAND DOCS (test/command-table.test.ts);
 * the summaries are our own wording.
 */
import type { ArgSpec, CommandSpec } from './types';
import { containerCommand, indexRange } from './keyspecs';

const subscribeFlags: CommandSpec['flags'] = ['pubsub', 'noscript', 'loading', 'stale'];

/** Shard channels are declared as keys (for cluster routing) that are not keys. */
const shardChannelSpec = (lastKey: number) => [indexRange(['not_key'], 1, lastKey)];

function subscription(
  name: string,
  arity: number,
  arg: ArgSpec,
  docs: Pick<CommandSpec, 'summary' | 'since' | 'complexity'>,
  shard = false,
): CommandSpec {
  return {
    name,
    arity,
    flags: subscribeFlags,
    firstKey: shard ? 1 : 0,
    lastKey: shard ? -1 : 0,
    step: shard ? 1 : 0,
    acl: ['pubsub', 'slow'],
    ...(shard ? { keySpecs: shardChannelSpec(-1) } : {}),
    group: 'pubsub',
    arguments: [arg],
    owner: 'ts',
    ...docs,
  };
}

function pubsubSubcommand(
  sub: string,
  arity: number,
  docs: Pick<CommandSpec, 'summary' | 'since' | 'complexity'> & Partial<CommandSpec>,
): CommandSpec {
  return {
    name: 'pubsub|' + sub,
    arity,
    flags: ['pubsub', 'loading', 'stale'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['pubsub', 'slow'],
    group: 'pubsub',
    owner: 'ts',
    ...docs,
  };
}

const channels: ArgSpec = { name: 'channel', type: 'string', multiple: true };
const patterns: ArgSpec = { name: 'pattern', type: 'pattern', multiple: true };
const shardChannels: ArgSpec = { name: 'shardchannel', type: 'string', multiple: true };
const optional = (arg: ArgSpec): ArgSpec => ({ ...arg, optional: true });

export const pubsubCommands: CommandSpec[] = [
  subscription('subscribe', -2, channels, {
    summary: 'Receive the messages published to these channels',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of channels to subscribe to.',
  }),
  subscription('unsubscribe', -1, optional(channels), {
    summary: 'Stop receiving messages from these channels, or from all of them',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
  }),
  // Redis 7.0 documents PSUBSCRIBE's patterns as a repeated block of one pattern.
  subscription('psubscribe', -2, { name: 'pattern', type: 'block', multiple: true, arguments: [{ name: 'pattern', type: 'pattern' }] }, {
    summary: 'Receive the messages published to channels matching these patterns',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
  }),
  subscription('punsubscribe', -1, optional(patterns), {
    summary: 'Stop receiving messages for these patterns, or for all of them',
    since: '2.0.0',
    complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
  }),
  subscription(
    'ssubscribe',
    -2,
    shardChannels,
    {
      summary: 'Receive the messages published to these shard channels',
      since: '7.0.0',
      complexity: 'O(N) where N is the number of shard channels to subscribe to.',
    },
    true,
  ),
  subscription(
    'sunsubscribe',
    -1,
    optional(shardChannels),
    {
      summary: 'Stop receiving messages from these shard channels, or from all of them',
      since: '7.0.0',
      complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
    },
    true,
  ),
  {
    name: 'publish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    acl: ['pubsub', 'fast'],
    summary: 'Send a message to a channel; answers how many clients received it',
    since: '2.0.0',
    group: 'pubsub',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    arguments: [
      { name: 'channel', type: 'string' },
      { name: 'message', type: 'string' },
    ],
    owner: 'native',
  },
  {
    name: 'spublish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    acl: ['pubsub', 'fast'],
    keySpecs: shardChannelSpec(0),
    summary: 'Send a message to a shard channel; answers how many clients received it',
    since: '7.0.0',
    group: 'pubsub',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    arguments: [
      { name: 'shardchannel', type: 'string' },
      { name: 'message', type: 'string' },
    ],
    owner: 'native',
  },
  {
    ...containerCommand('pubsub', 'pubsub', 'ts', 'Inspect the pub/sub state: active channels and subscriber counts', '2.8.0'),
    subcommands: [
      pubsubSubcommand('channels', -2, {
        summary: 'List the channels that have subscribers, optionally matching a pattern',
        since: '2.8.0',
        complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        arguments: [{ name: 'pattern', type: 'pattern', optional: true }],
      }),
      pubsubSubcommand('numpat', 2, {
        summary: 'Count the distinct patterns clients are subscribed to',
        since: '2.8.0',
        complexity: 'O(1)',
      }),
      pubsubSubcommand('numsub', -2, {
        summary: 'Count the subscribers of each given channel (pattern subscriptions excluded)',
        since: '2.8.0',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        arguments: [{ name: 'channel', type: 'string', optional: true, multiple: true }],
      }),
      pubsubSubcommand('shardchannels', -2, {
        summary: 'List the shard channels that have subscribers, optionally matching a pattern',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        arguments: [{ name: 'pattern', type: 'pattern', optional: true }],
      }),
      pubsubSubcommand('shardnumsub', -2, {
        summary: 'Count the subscribers of each given shard channel',
        since: '7.0.0',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        arguments: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }],
      }),
      {
        ...pubsubSubcommand('help', 2, {
          summary: 'List the PUBSUB subcommands with a line on each',
          since: '6.2.0',
          complexity: 'O(1)',
        }),
        flags: ['loading', 'stale'],
        acl: ['slow'],
      },
    ],
  },
];
