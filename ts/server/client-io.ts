/**
 * The native read path's shared memory (native/net/client_io.h): the engine reads every client's
 * socket itself and runs a read's complete commands without calling JavaScript when the client is
 * in a plain state (no partial input, transaction, subscription, tracking, blocked or busy command,
 * nothing queued for its socket) and nothing server-wide must see each command. Each client has a
 * row in one Float64Array that both sides write, so TypeScript changes that state without a call.
 */
import { native } from '../native';

/** Row fields (ClientSlot in client_io.h). */
export const enum Slot {
  Fast = 0,
  Db = 1,
  Resp = 2,
  Flags = 3,
  LastInteraction = 4,
  LastCommand = 5,
}
const STRIDE = 8;

/** Slot.LastCommand when the last command was TypeScript's (its name is in Client.lastCommand). */
export const LAST_COMMAND_TS = -1;
/** Slot.LastCommand when the last command named no command (CLIENT LIST cmd=NULL). */
export const LAST_COMMAND_NULL = -3;

/** Bits of the read callback's flags (kRead* in addon.cc). */
export const READ_CLOSED = 1;
export const READ_DELIVERIES = 2;
export const READ_AOF_PENDING = 4;
export const READ_SLOW_COMMANDS = 8;

/** Counters the engine adds to (IoCounter in client_io.h). */
export const enum IoCounter {
  Commands = 0,
  InputBytes = 1,
  OutputBytes = 2,
  Dirty = 3,
}

export class ClientIoTable {
  rows: Float64Array;
  readonly counters = new Float64Array(4);
  /** Every read lands here; the rest of a read is handed to its client at the start of it. */
  readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  private readonly free: number[] = [];
  private used = 0;

  constructor(
    onRead: (clientId: number, restLength: number, flags: number, unsent: Uint8Array | null) => void,
    capacity = 128,
  ) {
    this.rows = new Float64Array(capacity * STRIDE);
    native.ioInit(this.readBuffer, this.rows, this.counters, onRead);
  }

  /** A row for a new client (cleared: not fast). */
  allocate(): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.used++;
      if (slot * STRIDE >= this.rows.length) {
        const grown = new Float64Array(this.rows.length * 2);
        grown.set(this.rows);
        this.rows = grown;
        native.ioTable(grown);
      }
    }
    this.rows.fill(0, slot * STRIDE, (slot + 1) * STRIDE);
    this.rows[slot * STRIDE + Slot.LastCommand] = LAST_COMMAND_NULL;
    this.rows[slot * STRIDE + Slot.LastInteraction] = Date.now();
    return slot;
  }

  release(slot: number): void {
    this.rows[slot * STRIDE + Slot.Fast] = 0;
    this.free.push(slot);
  }

  get(slot: number, field: Slot): number {
    return this.rows[slot * STRIDE + field];
  }

  set(slot: number, field: Slot, value: number): void {
    this.rows[slot * STRIDE + field] = value;
  }
}
