/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, BLMPOP, ...). The engine decides whether a
 * blocking command can be served; when it cannot, it writes no reply and stops the batch
 * (StopReason.Blocked), and the client is parked here on the command's keys. Commands that add
 * elements signal the keys they grew (StopReason.KeysReady, only while someone is parked); the
 * waiters of those keys then run their command again, first blocked first served, before the
 * pushing client's next command — Redis's order. A timeout answers a null array.
 */
import { getKeysOfCommandLine } from '../commands/command-command';
import { native } from '../native';
import type { Client } from './client';

export interface BlockedCommand {
  args: Buffer[];
  /** Registry keys ("db:key") the client waits on. */
  keys: string[];
  timer: NodeJS.Timeout | null;
}

function registryKey(db: number, key: Buffer): string {
  return `${db}:${key.toString('latin1')}`;
}

/**
 * Seconds to wait when the engine did not say: BLMPOP/BZMPOP put the timeout first, every other
 * blocking command last.
 */
function timeoutSeconds(args: Buffer[]): number {
  const name = args[0].toString('latin1').toLowerCase();
  const text = (name === 'blmpop' || name === 'bzmpop' ? args[1] : args[args.length - 1]).toString('latin1');
  const seconds = Number(text);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

export class BlockingRegistry {
  private readonly waiters = new Map<string, Client[]>();
  private blockedCount = 0;
  private serving = false;

  /** True while any client is parked: pushes must then report the keys they grow. */
  get active(): boolean {
    return this.blockedCount > 0;
  }

  get count(): number {
    return this.blockedCount;
  }

  /**
   * Parks `client` on the keys of its blocking command `args` (copied: the input buffer moves on).
   * `timeoutMs` is the engine's parse of the command's timeout (0 forever, -1 not given).
   */
  block(client: Client, args: Buffer[], timeoutMs: number): void {
    const owned = native.takeBlockedArgs() ?? args.map((a) => Buffer.from(a));
    const refs = getKeysOfCommandLine(owned);
    const keys = Array.isArray(refs) ? [...new Set(refs.map((r) => registryKey(client.db, owned[r.pos])))] : [];
    for (const k of keys) {
      const list = this.waiters.get(k);
      if (list) list.push(client);
      else this.waiters.set(k, [client]);
    }
    const waitMs = timeoutMs >= 0 ? timeoutMs : Math.round(timeoutSeconds(owned) * 1000);
    const timer = waitMs > 0 ? setTimeout(() => this.timeOut(client), waitMs) : null;
    client.blocked = { args: owned, keys, timer };
    this.blockedCount++;
  }

  /** Removes `client` from every wait list (served, timed out, disconnected, or CLIENT UNBLOCK). */
  release(client: Client): void {
    const state = client.blocked;
    if (state === null) return;
    if (state.timer) clearTimeout(state.timer);
    for (const k of state.keys) {
      const list = this.waiters.get(k);
      if (!list) continue;
      const i = list.indexOf(client);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.waiters.delete(k);
    }
    client.blocked = null;
    this.blockedCount--;
  }

  private timeOut(client: Client): void {
    const state = client.blocked;
    if (state === null) return;
    this.release(client);
    client.replyTs((r) => r.nullArray());
    client.server.ops.blockedTimedOut(client, state.args);
    client.resume();
  }

  /**
   * Serves the waiters of every key the engine reported ready, in blocking order, repeating while
   * serving them readies more keys (BLMOVE into a list someone else waits on).
   */
  serveReadyKeys(): void {
    if (this.serving) return; // the outer loop picks up keys readied meanwhile
    this.serving = true;
    try {
      for (let ready = native.takeReadyKeys(); ready.length > 0; ready = native.takeReadyKeys()) {
        for (const [db, key] of ready) {
          if (key !== null) {
            this.serveKey(registryKey(db, key));
            continue;
          }
          // SWAPDB: every waited-on key of the database, in the order they were first waited on.
          const prefix = `${db}:`;
          for (const k of [...this.waiters.keys()]) if (k.startsWith(prefix)) this.serveKey(k);
        }
      }
    } finally {
      this.serving = false;
    }
  }

  private serveKey(k: string): void {
    const list = this.waiters.get(k);
    if (!list) return;
    // Each waiter runs its command again; one that still finds nothing stays parked in place.
    for (const client of [...list]) {
      const state = client.blocked;
      if (state === null) continue;
      if (client.retryBlocked(state.args)) {
        this.release(client);
        client.resume();
      }
    }
  }
}
