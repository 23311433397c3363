/**
 * The running background save (BGSAVE) or AOF rewrite. No fork(): the engine takes an image of
 * the data as it is at the start and encodes it in slices (native/persistence/live_snapshot.h);
 * a background thread writes the file. This module gives the slices their turns on the event
 * loop: one slice per loop iteration, after the I/O of that iteration, so a request waits for at
 * most one slice.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { native } from '../native';
import { sleepSync } from './sleep';

/** Encoding time per slice. Longer slices finish sooner; every request may wait this long. */
const SLICE_MICROS = 1000;

/** What persistStep reports: still encoding; encoding, but waiting for the disk to catch up. */
const ENCODING = 0;
const WAITING_FOR_DISK = 4;

export type JobResult = {
  ok: boolean;
  copiedBytes: number;
  error: string;
  /**
   * The longest the event loop was held while the job ran (ms, sampled every millisecond): what a
   * request could have waited, for the job or anything else. Logged with the job's end.
   */
  maxLoopDelayMs: number;
};

let slicesScheduled = false;
let loopDelay: IntervalHistogram | null = null;

function runSlice(): void {
  slicesScheduled = false;
  const phase = native.persistStep(SLICE_MICROS);
  if (phase === ENCODING) scheduleSlices();
  else if (phase === WAITING_FOR_DISK) scheduleSlices(2);
}

function scheduleSlices(afterMs = 0): void {
  if (slicesScheduled) return;
  slicesScheduled = true;
  if (afterMs > 0) setTimeout(runSlice, afterMs);
  else setImmediate(runSlice);
}

/** Starts a job; null when started, else the error. At most one runs at a time. */
export function startJob(kind: 'snapshot' | 'rewrite', filePath: string): string | null {
  const error = native.persistStart(kind, filePath);
  if (error === null) {
    loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    scheduleSlices();
  }
  return error;
}

/** Null while the job runs; its outcome once, when it ended. */
export function pollJob(): JobResult | null {
  const result = native.persistPoll();
  if (result === null) return null;
  return { ok: result[0], copiedBytes: result[1], error: result[2], maxLoopDelayMs: stopLoopDelay() };
}

function stopLoopDelay(): number {
  if (loopDelay === null) return 0;
  loopDelay.disable();
  // The histogram counts from when a 1 ms timer was due: its excess over the resolution.
  const ms = loopDelay.count > 0 ? Math.round((loopDelay.max / 1e6) * 100) / 100 : 0;
  loopDelay = null;
  return ms;
}

/** Stops the running job (its unfinished file is removed). */
export function abortJob(): void {
  native.persistAbort();
  stopLoopDelay();
}

/** Runs the job to its end without serving anyone (start-up, before clients are accepted). */
export function finishJobNow(): JobResult {
  for (;;) {
    const phase = native.persistStep(1_000_000);
    if (phase === WAITING_FOR_DISK) sleepSync(2);
    else if (phase !== ENCODING) break;
  }
  for (;;) {
    const result = pollJob();
    if (result !== null) return result;
    sleepSync(2);
  }
}
