/**
 * Pub/sub commands over the registry in ts/server/pubsub.ts. Confirmations are written by the
 * registry through Client.replyTs so that several of them (SUBSCRIBE a b c) keep their order with
 * the messages that may arrive in between.
 */
import type { TsHandler } from '../commands/types';
import { SubscriptionKind } from '../server/pubsub';

const subscriber = (kind: SubscriptionKind): TsHandler => (ctx, args) => {
  for (let i = 1; i < args.length; i++) ctx.server.pubsub.subscribe(ctx.client, kind, args[i]);
};

const unsubscriber = (kind: SubscriptionKind): TsHandler => (ctx, args) => {
  ctx.server.pubsub.unsubscribe(ctx.client, kind, args.slice(1));
};

const listChannels = (kind: SubscriptionKind.Channel | SubscriptionKind.Shard): TsHandler => (ctx, args) => {
  const pattern = args.length > 2 ? args[2].toString('latin1') : null;
  ctx.reply.bulks(ctx.server.pubsub.activeNames(kind, pattern));
};

const countSubscribers = (kind: SubscriptionKind.Channel | SubscriptionKind.Shard): TsHandler => (ctx, args) => {
  const reply = ctx.reply;
  // A flat array of name, count pairs in both protocols, as Redis 7.0 answers.
  reply.array((args.length - 2) * 2);
  for (let i = 2; i < args.length; i++) reply.bulk(args[i]).integer(ctx.server.pubsub.subscriberCount(kind, args[i]));
};

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

export const pubsubHandlers: Record<string, TsHandler> = {
  subscribe: subscriber(SubscriptionKind.Channel),
  psubscribe: subscriber(SubscriptionKind.Pattern),
  ssubscribe: subscriber(SubscriptionKind.Shard),
  unsubscribe: unsubscriber(SubscriptionKind.Channel),
  punsubscribe: unsubscriber(SubscriptionKind.Pattern),
  sunsubscribe: unsubscriber(SubscriptionKind.Shard),
  'pubsub|channels': listChannels(SubscriptionKind.Channel),
  'pubsub|shardchannels': listChannels(SubscriptionKind.Shard),
  'pubsub|numsub': countSubscribers(SubscriptionKind.Channel),
  'pubsub|shardnumsub': countSubscribers(SubscriptionKind.Shard),
  'pubsub|numpat': (ctx) => void ctx.reply.integer(ctx.server.pubsub.patternCount),
  'pubsub|help': (ctx) => void ctx.reply.statusLines(PUBSUB_HELP),
};
