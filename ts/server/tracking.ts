/**
 * Client-side caching (Redis 7.0's tracking.c): CLIENT TRACKING state per client, the table of
 * keys each tracking client has read, BCAST prefixes, and the invalidation messages — a RESP3 push
 * `invalidate [keys]` on the client's own connection, or a `__redis__:invalidate` pub/sub message
 * on the connection it redirects to.
 *
 * The engine records which keys changed (native/engine/events.h) while any client tracks; drain()
 * takes them after each command batch (after each command of a tracking client), and inside a
 * command before a message is published after them: an invalidation reaches other clients before
 * the command's keyspace notification, as Redis sends it when the key changes. The running client's
 * own invalidations wait until after its reply (Redis 7.0's tracking_pending_keys).
 */
import type { Client } from './client';
import { native } from '../native';
import { ReplyWriter } from '../protocol/reply';

export const TRACKING_CHANNEL = Buffer.from('__redis__:invalidate');

/** One client's CLIENT TRACKING settings (null on Client when tracking is off). */
export interface TrackingState {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** Client id invalidations go to, or 0 for this connection. */
  redirect: number;
  /** The redirect target disconnected (CLIENT TRACKINGINFO's broken_redirect, flag R). */
  brokenRedirect: boolean;
  /** BCAST prefixes (latin1), sorted as Redis's radix tree lists them. */
  prefixes: string[];
  /** CLIENT CACHING YES/NO given for the next command. */
  caching: boolean;
}

const FLUSH = 0xffffffff;

/** Byte order of latin1 strings, as Redis's rax iterates. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class TrackingTable {
  /** Key (latin1) -> ids of the clients that read it since its last invalidation. */
  private readonly keys = new Map<string, Set<number>>();
  /** BCAST prefix -> its clients, and the keys changed under it since the last broadcast (key -> changer id). */
  private readonly prefixes = new Map<string, { clients: Set<Client>; changed: Map<string, number> }>();
  private broadcastScheduled = false;
  /** Messages for the running client's own changes, sent once its command has answered. */
  private readonly deferred: Array<{ client: Client; writeKeys: (r: ReplyWriter) => void }> = [];
  private trackingClients = 0;
  /** Called when the number of tracking clients goes from 0 to 1 or back. */
  onActivity: (tracking: boolean) => void = () => {};

  constructor(private readonly clientById: (id: number) => Client | undefined) {}

  get clientCount(): number {
    return this.trackingClients;
  }
  /** Some client tracks: the engine records changed keys, to be drained after each batch. */
  get active(): boolean {
    return this.trackingClients > 0;
  }
  get totalKeys(): number {
    return this.keys.size;
  }
  get totalItems(): number {
    let n = 0;
    for (const ids of this.keys.values()) n += ids.size;
    return n;
  }
  get totalPrefixes(): number {
    return this.prefixes.size;
  }

  /** Redis's enableTracking (options already validated by CLIENT TRACKING). */
  enable(client: Client, options: Omit<TrackingState, 'brokenRedirect' | 'prefixes' | 'caching'>, prefixes: string[]): void {
    const previous = client.tracking;
    if (previous === null) {
      this.trackingClients++;
      if (this.trackingClients === 1) this.onActivity(true);
    }
    const state: TrackingState = {
      ...options,
      brokenRedirect: false,
      prefixes: previous?.prefixes ?? [],
      caching: previous?.caching ?? false,
    };
    client.tracking = state;
    if (options.bcast) {
      for (const prefix of prefixes.length === 0 ? [''] : prefixes) {
        if (!state.prefixes.includes(prefix)) {
          state.prefixes.push(prefix);
          let entry = this.prefixes.get(prefix);
          if (entry === undefined) this.prefixes.set(prefix, (entry = { clients: new Set(), changed: new Map() }));
          entry.clients.add(client);
        }
      }
      state.prefixes.sort(byteOrder);
    }
  }

  /** Redis's disableTracking (CLIENT TRACKING OFF, RESET, disconnect). */
  disable(client: Client): void {
    const state = client.tracking;
    if (state === null) return;
    for (const prefix of state.prefixes) {
      const entry = this.prefixes.get(prefix);
      if (entry === undefined) continue;
      entry.clients.delete(client);
      if (entry.clients.size === 0) this.prefixes.delete(prefix);
    }
    client.tracking = null;
    this.trackingClients--;
    if (this.trackingClients === 0) this.onActivity(false);
  }

  /** A prefix given to CLIENT TRACKING ... BCAST PREFIX that overlaps one the client has, or null. */
  collision(client: Client, prefix: string): string | null {
    for (const existing of client.tracking?.prefixes ?? []) {
      const n = Math.min(existing.length, prefix.length);
      if (existing.slice(0, n) === prefix.slice(0, n)) return existing;
    }
    return null;
  }

  /** Redis's trackingRememberKeys: after a read-only command of a (non-BCAST) tracking client. */
  remember(client: Client, keys: Buffer[]): void {
    const state = client.tracking;
    if (state === null || state.bcast) return;
    if ((state.optin && !state.caching) || (state.optout && state.caching)) return;
    for (const key of keys) {
      const name = key.toString('latin1');
      let ids = this.keys.get(name);
      if (ids === undefined) this.keys.set(name, (ids = new Set()));
      ids.add(client.id);
    }
  }

  /**
   * Invalidates the keys the engine recorded as changed since the last drain. `current`: the client
   * whose commands changed them (NOLOOP skips its own changes), null for the cron's expiries.
   * `duringCommand`: called inside the command (before a message): the running client's own
   * invalidations keep waiting for its reply.
   */
  drain(current: Client | null, duringCommand = false): void {
    const records = native.takeInvalidations();
    if (records !== null) this.invalidate(records, current);
    if (duringCommand || this.deferred.length === 0) return;
    for (const { client, writeKeys } of this.deferred.splice(0)) {
      if (client.tracking !== null && !client.closing) this.send(client, writeKeys);
    }
  }

  /** Sends now, or after the command when the message is about the running client's own change. */
  private sendOrDefer(client: Client, current: Client | null, writeKeys: (r: ReplyWriter) => void): void {
    if (client === current) this.deferred.push({ client, writeKeys });
    else this.send(client, writeKeys);
  }

  /** Keys changed (records from the engine): invalidate their readers and queue BCAST messages. */
  private invalidate(records: Buffer, current: Client | null): void {
    let off = 0;
    while (off < records.length) {
      const length = records.readUInt32LE(off);
      off += 4;
      if (length === FLUSH) {
        // FLUSHALL empties every database and each reports it: one message per flush.
        while (off < records.length && records.readUInt32LE(off) === FLUSH) off += 4;
        this.invalidateAll(current);
        continue;
      }
      const key = records.subarray(off, off + length);
      off += length;
      this.invalidateKey(key, current);
    }
  }

  private invalidateKey(key: Buffer, current: Client | null): void {
    const name = key.toString('latin1');
    if (this.prefixes.size > 0) {
      for (const [prefix, entry] of this.prefixes) {
        if (name.startsWith(prefix)) {
          entry.changed.set(name, current?.id ?? 0);
          this.scheduleBroadcast();
        }
      }
    }
    const ids = this.keys.get(name);
    if (ids === undefined) return;
    for (const id of ids) {
      const target = this.clientById(id);
      if (target === undefined || target.tracking === null || target.tracking.bcast) continue;
      if (target.tracking.noloop && target === current) continue;
      this.sendOrDefer(target, current, (r) => r.array(1).bulk(key));
    }
    this.keys.delete(name);
  }

  /** FLUSHDB / FLUSHALL: every tracking client is told to drop everything (a null key list). */
  private invalidateAll(current: Client | null): void {
    for (const id of this.trackingIds()) {
      const client = this.clientById(id);
      if (client === undefined) continue;
      // The null is in the tracking client's protocol, even when it redirects (as Redis sends it).
      const resp = client.resp;
      this.sendOrDefer(client, current, (r) => void r.raw(Buffer.from(resp === 3 ? '_\r\n' : '$-1\r\n')));
    }
    this.keys.clear();
  }

  private *trackingIds(): Iterable<number> {
    for (const client of this.allClients()) if (client.tracking !== null) yield client.id;
  }

  /** Set by the server: every connected client (for flush invalidations). */
  allClients: () => Iterable<Client> = () => [];

  private scheduleBroadcast(): void {
    if (this.broadcastScheduled) return;
    this.broadcastScheduled = true;
    // Redis broadcasts in beforeSleep: once per event loop turn, after the commands of the turn.
    setImmediate(() => {
      this.broadcastScheduled = false;
      this.broadcast();
    });
  }

  private broadcast(): void {
    // Prefixes in byte order, as Redis walks its radix tree.
    for (const prefix of [...this.prefixes.keys()].sort(byteOrder)) {
      const entry = this.prefixes.get(prefix)!;
      if (entry.changed.size === 0) continue;
      const keys = [...entry.changed.keys()].sort(byteOrder);
      for (const client of entry.clients) {
        const state = client.tracking;
        if (state === null) continue;
        const sent = state.noloop ? keys.filter((k) => entry.changed.get(k) !== client.id) : keys;
        if (sent.length === 0) continue;
        this.send(client, (r) => {
          r.array(sent.length);
          for (const k of sent) r.bulk(Buffer.from(k, 'latin1'));
        });
      }
      entry.changed.clear();
    }
  }

  /**
   * Redis's sendTrackingMessage: `writeKeys` writes the key list (an array, or a null). Goes to the
   * redirect target when there is one (as a pub/sub message if it is a RESP2 subscriber), else to
   * the client itself in RESP3; a RESP2 client without redirect gets nothing.
   */
  private send(client: Client, writeKeys: (r: ReplyWriter) => void): void {
    const state = client.tracking as TrackingState;
    let target = client;
    let redirected = false;
    if (state.redirect !== 0) {
      const redir = this.clientById(state.redirect);
      if (redir === undefined || redir.closing) {
        state.brokenRedirect = true;
        if (client.resp === 3) {
          const r = new ReplyWriter(3, 64);
          r.push(2).bulk('tracking-redir-broken').integer(state.redirect);
          client.deliver(r.take());
        }
        return;
      }
      target = redir;
      redirected = true;
    }
    const r = new ReplyWriter(target.resp, 64);
    if (target.resp === 3) {
      r.push(2).bulk('invalidate');
    } else if (redirected && target.subscriptions.active) {
      r.array(3).bulk('message').bulk(TRACKING_CHANNEL);
    } else {
      return;
    }
    writeKeys(r);
    target.deliver(r.take());
  }
}
