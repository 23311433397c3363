/**
 * Keyspace notifications: notify-keyspace-events parsed and rendered as Redis does, and the events
 * the engine recorded (native/engine/events.h) published on `__keyspace@<db>__:<key>` and
 * `__keyevent@<db>__:<event>` through the pub/sub registry. The same drain hands tracking
 * invalidations to the tracking table.
 */
import { native } from '../native';
import { NOTIFY_KEYEVENT, NOTIFY_KEYSPACE, parseKeyspaceEvents } from '../config/keyspace-events';
import type { PubSubRegistry } from './pubsub';
import type { Client } from './client';
import type { TrackingTable } from './tracking';

export class KeyspaceNotifier {
  private flags = 0;
  /** Something may be waiting in the engine: events enabled or some client tracks keys. */
  active = false;

  constructor(
    private readonly pubsub: PubSubRegistry,
    private readonly tracking: TrackingTable,
  ) {}

  /** Applies notify-keyspace-events (its text, already validated). */
  configure(text: string): void {
    this.flags = parseKeyspaceEvents(text) ?? 0;
    native.setConfig('notify-keyspace-events', String(this.classes));
    this.refresh();
  }

  /** The classes the engine records: nothing is published unless K or E is on (as in Redis). */
  private get classes(): number {
    return this.flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT) ? this.flags & ~(NOTIFY_KEYSPACE | NOTIFY_KEYEVENT) : 0;
  }

  /** Tracking turned on or off for some client: the engine records invalidations while any tracks. */
  refresh(): void {
    this.active = this.classes !== 0 || this.tracking.clientCount > 0;
  }

  /**
   * Publishes what the engine recorded since the last drain. `current`: the client whose commands
   * caused it (NOLOOP tracking skips its own changes), null for the cron's expiries.
   */
  drain(current: Client | null): void {
    const [events, invalidations] = native.takeNotifications();
    if (events !== null) this.publishEvents(events);
    if (invalidations !== null) this.tracking.invalidate(invalidations, current);
  }

  private publishEvents(records: Buffer): void {
    const keyspace = (this.flags & NOTIFY_KEYSPACE) !== 0;
    const keyevent = (this.flags & NOTIFY_KEYEVENT) !== 0;
    let off = 0;
    while (off < records.length) {
      const eventLength = records[off];
      const event = records.subarray(off + 1, off + 1 + eventLength);
      off += 1 + eventLength;
      const db = records.readInt32LE(off);
      const keyLength = records.readUInt32LE(off + 4);
      const key = records.subarray(off + 8, off + 8 + keyLength);
      off += 8 + keyLength;
      if (keyspace) this.pubsub.publish(Buffer.concat([Buffer.from(`__keyspace@${db}__:`), key]), event);
      if (keyevent) this.pubsub.publish(Buffer.concat([Buffer.from(`__keyevent@${db}__:`), event]), key);
    }
  }
}
