/**
 * SLOWLOG: the last `slowlog-max-len` commands that took at least `slowlog-log-slower-than` µs,
 * newest first, with their arguments cut as Redis cuts them (32 arguments, 128 bytes each).
 * Engine-run commands are captured by the engine (it alone sees them run); TypeScript-owned ones here.
 */

export interface SlowLogEntry {
  id: number;
  /** Unix seconds when the command started. */
  time: number;
  durationUsec: number;
  args: Buffer[];
  /** The client's address ("ip:port") and name ('' when none). */
  peer: string;
  name: string;
}

const MAX_ARGC = 32;
const MAX_STRING = 128;

/** Redis's slowlogCreateEntry argument rules. */
export function slowlogArgs(args: readonly Buffer[]): Buffer[] {
  const kept = args.length > MAX_ARGC ? MAX_ARGC - 1 : args.length;
  const out: Buffer[] = [];
  for (let i = 0; i < kept; i++) {
    const a = args[i];
    out.push(
      a.length > MAX_STRING
        ? Buffer.concat([a.subarray(0, MAX_STRING), Buffer.from(`... (${a.length - MAX_STRING} more bytes)`)])
        : Buffer.from(a),
    );
  }
  if (args.length > MAX_ARGC) out.push(Buffer.from(`... (${args.length - kept} more arguments)`));
  return out;
}

export class SlowLog {
  private entries: SlowLogEntry[] = [];
  private nextId = 0;
  /** slowlog-log-slower-than in µs (-1 off, 0 every command) and slowlog-max-len. */
  thresholdUsec = 10000;
  maxLen = 128;

  /** Whether a command of this duration belongs in the log. */
  wants(durationUsec: number): boolean {
    return this.thresholdUsec >= 0 && durationUsec >= this.thresholdUsec;
  }

  /** Adds an entry (args already cut); trims to maxLen as Redis does on each push. */
  push(entry: Omit<SlowLogEntry, 'id'>): void {
    this.entries.unshift({ id: this.nextId++, ...entry });
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  /** Newest first; count -1 means all. */
  get(count: number): readonly SlowLogEntry[] {
    return count < 0 ? this.entries : this.entries.slice(0, count);
  }

  get length(): number {
    return this.entries.length;
  }

  reset(): void {
    this.entries = [];
  }
}
