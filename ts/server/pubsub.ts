/**
 * Pub/sub state: who is subscribed to which channel, pattern and shard channel. Channels are binary:
 * they are keyed by their latin1 string (one char per byte).
 *
 * This registry owns the subscriptions (confirmations, PUBSUB, UNSUBSCRIBE without names) and
 * mirrors each one into the engine, which runs PUBLISH and SPUBLISH inside the batch, publishes
 * keyspace notifications as commands emit them, and sends the messages to the subscribers' sockets
 * itself (native/engine/pubsub.h). What the engine cannot send comes back through takeDeliveries
 * and is queued here. A subscriber whose unsent output passes the pubsub output buffer limits is
 * disconnected rather than allowed to grow without bound or stall the others.
 */
import { globMatch } from '../config/glob';
import { native } from '../native';
import type { Client } from './client';

/** Which kind of subscription: channels, patterns, shard channels. */
export const enum SubscriptionKind {
  Channel = 0,
  Pattern = 1,
  Shard = 2,
}

/** The confirmation words of each kind (Redis's reply arrays). */
const WORDS = [
  { subscribe: 'subscribe', unsubscribe: 'unsubscribe' },
  { subscribe: 'psubscribe', unsubscribe: 'punsubscribe' },
  { subscribe: 'ssubscribe', unsubscribe: 'sunsubscribe' },
] as const;

/** Redis's client-output-buffer-limit for the pubsub class: bytes, bytes, seconds (0 = no limit). */
export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** Per-client subscriptions, in the order they were made (UNSUBSCRIBE with no argument follows it). */
export class ClientSubscriptions {
  readonly sets: [Set<string>, Set<string>, Set<string>] = [new Set(), new Set(), new Set()];
  /** When the client's output first stayed above the soft limit (ms), or 0. */
  softLimitSince = 0;

  get channels(): number {
    return this.sets[SubscriptionKind.Channel].size;
  }
  get patterns(): number {
    return this.sets[SubscriptionKind.Pattern].size;
  }
  get shardChannels(): number {
    return this.sets[SubscriptionKind.Shard].size;
  }
  /** Any subscription at all: the client is a pubsub client (flag P, RESP2 subscriber mode). */
  get active(): boolean {
    return this.channels + this.patterns + this.shardChannels > 0;
  }
  /** The count a (un)subscribe confirmation carries: shard subscriptions are counted apart. */
  countFor(kind: SubscriptionKind): number {
    return kind === SubscriptionKind.Shard ? this.shardChannels : this.channels + this.patterns;
  }
}

export class PubSubRegistry {
  /** Subscribers per channel / pattern / shard channel; an entry is removed with its last subscriber. */
  private readonly maps: [Map<string, Set<Client>>, Map<string, Set<Client>>, Map<string, Set<Client>>] = [
    new Map(),
    new Map(),
    new Map(),
  ];
  outputLimit: OutputLimit = { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 };
  /** Called when a subscriber is dropped for its output buffer (for the log). */
  onLimitExceeded: (client: Client, bytes: number) => void = () => {};

  constructor(private readonly clientById: (id: number) => Client | undefined) {}

  get channelCount(): number {
    return this.maps[SubscriptionKind.Channel].size;
  }
  get patternCount(): number {
    return this.maps[SubscriptionKind.Pattern].size;
  }
  get shardChannelCount(): number {
    return this.maps[SubscriptionKind.Shard].size;
  }

  /** SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE of one name; answers the confirmation to the client. */
  subscribe(client: Client, kind: SubscriptionKind, name: Buffer): void {
    const key = name.toString('latin1');
    const mine = client.subscriptions.sets[kind];
    if (!mine.has(key)) {
      const first = !client.subscriptions.active;
      mine.add(key);
      const map = this.maps[kind];
      let subscribers = map.get(key);
      if (subscribers === undefined) map.set(key, (subscribers = new Set()));
      subscribers.add(client);
      native.pubsubSubscribe(client.id, kind, name, true);
      if (first) client.engineSubscriberChanged();
    }
    this.confirm(client, WORDS[kind].subscribe, name, client.subscriptions.countFor(kind));
  }

  /**
   * UNSUBSCRIBE and friends: the named ones, or every one of that kind when none is named (with a
   * null-channel confirmation when there was none), as Redis answers.
   */
  unsubscribe(client: Client, kind: SubscriptionKind, names: Buffer[]): void {
    const mine = client.subscriptions.sets[kind];
    if (names.length === 0) {
      if (mine.size === 0) {
        this.confirm(client, WORDS[kind].unsubscribe, null, client.subscriptions.countFor(kind));
        return;
      }
      for (const key of [...mine]) this.unsubscribeOne(client, kind, Buffer.from(key, 'latin1'), true);
      return;
    }
    for (const name of names) this.unsubscribeOne(client, kind, name, true);
  }

  private unsubscribeOne(client: Client, kind: SubscriptionKind, name: Buffer, notify: boolean): void {
    const key = name.toString('latin1');
    const mine = client.subscriptions.sets[kind];
    if (mine.delete(key)) {
      const map = this.maps[kind];
      const subscribers = map.get(key);
      if (subscribers !== undefined) {
        subscribers.delete(client);
        if (subscribers.size === 0) map.delete(key);
      }
      native.pubsubSubscribe(client.id, kind, name, false);
      if (!client.subscriptions.active) client.engineSubscriberChanged();
    }
    if (notify) this.confirm(client, WORDS[kind].unsubscribe, name, client.subscriptions.countFor(kind));
  }

  /** A disconnecting (or RESET) client leaves every channel silently. */
  dropClient(client: Client): void {
    for (const kind of [SubscriptionKind.Channel, SubscriptionKind.Pattern, SubscriptionKind.Shard]) {
      for (const key of [...client.subscriptions.sets[kind]]) {
        this.unsubscribeOne(client, kind, Buffer.from(key, 'latin1'), false);
      }
    }
    client.subscriptions.softLimitSince = 0;
  }

  private confirm(client: Client, word: string, name: Buffer | null, count: number): void {
    client.replyTs((r) => {
      r.push(3).bulk(word);
      if (name === null) r.nullBulk();
      else r.bulk(name);
      r.integer(count);
    });
  }

  /** The messages the engine could not send to their sockets (Control.Deliveries), queued in order. */
  takeDeliveries(): void {
    for (const [id, bytes] of native.takeDeliveries()) {
      const client = this.clientById(id);
      if (client === undefined || client.closing) continue;
      client.deliverFromEngine(bytes);
      this.enforceOutputLimit(client);
    }
  }

  /** Redis's checkClientOutputBufferLimits for the pubsub class: over hard, or over soft too long. */
  enforceOutputLimit(client: Client): void {
    const { hard, soft, softSeconds } = this.outputLimit;
    if (hard === 0 && soft === 0) return;
    const bytes = client.outputLength;
    const subs = client.subscriptions;
    let exceeded = hard > 0 && bytes >= hard;
    if (!exceeded && soft > 0 && bytes >= soft) {
      const now = Date.now();
      if (subs.softLimitSince === 0) subs.softLimitSince = now;
      else if (now - subs.softLimitSince >= softSeconds * 1000) exceeded = true;
    } else if (soft > 0 && bytes < soft) {
      subs.softLimitSince = 0;
    }
    if (exceeded) {
      this.onLimitExceeded(client, bytes);
      client.close();
    }
  }

  /** PUBSUB CHANNELS / SHARDCHANNELS: active names, optionally matching a pattern. */
  activeNames(kind: SubscriptionKind.Channel | SubscriptionKind.Shard, pattern: string | null): Buffer[] {
    const names: Buffer[] = [];
    for (const key of this.maps[kind].keys()) {
      if (pattern === null || globMatch(pattern, key)) names.push(Buffer.from(key, 'latin1'));
    }
    return names;
  }

  /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one name. */
  subscriberCount(kind: SubscriptionKind.Channel | SubscriptionKind.Shard, name: Buffer): number {
    return this.maps[kind].get(name.toString('latin1'))?.size ?? 0;
  }
}
