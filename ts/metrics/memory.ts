/**
 * The server's memory figures (INFO memory, MEMORY STATS): what the engine holds plus the
 * JavaScript heap, with the peak sampled by the cron and the figure at start-up.
 */
import { native } from '../native';

export interface MemorySnapshot {
  /** Engine bytes (keys, values, tables, indexes) + JavaScript heap in use: Redis's used_memory. */
  used: number;
  engine: number;
  jsHeap: number;
  rss: number;
}

export class MemoryTracker {
  // Both are set by the first snapshot, which the cron takes right after start-up (the engine
  // does not exist yet when the server object is built).
  private startupBytes = -1;
  private peakBytes = 0;

  snapshot(): MemorySnapshot {
    const engine = native.info().usedMemory;
    const mem = process.memoryUsage();
    const used = engine + mem.heapUsed;
    if (this.startupBytes < 0) this.startupBytes = used;
    if (used > this.peakBytes) this.peakBytes = used;
    return { used, engine, jsHeap: mem.heapUsed, rss: mem.rss };
  }

  /** used_memory when the server had just started. */
  get startup(): number {
    if (this.startupBytes < 0) this.snapshot();
    return this.startupBytes;
  }

  /** The largest `used` seen by the cron's samples and by every snapshot. */
  get peak(): number {
    return this.peakBytes;
  }
}
