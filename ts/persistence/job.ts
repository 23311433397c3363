/**
 * The running background save (BGSAVE) or AOF rewrite. No fork(): the engine takes an image of
 * the data as it is at the start and encodes it in slices (native/persistence/live_snapshot.h);
 * a background thread writes the file. This module gives the slices their turns on the event
 * loop: one slice per loop iteration, after the I/O of that iteration, so a request waits for at
 * most one slice.
 */
import { native } from '../native';
import { sleepSync } from './sleep';

/** Encoding time per slice. Longer slices finish sooner; every request may wait this long. */
const SLICE_MICROS = 1000;

/** The phases persistStep reports. */
const ENCODING = 0;

export type JobResult = { ok: boolean; copiedBytes: number; error: string };

let slicesScheduled = false;

function runSlice(): void {
  slicesScheduled = false;
  if (native.persistStep(SLICE_MICROS) === ENCODING) scheduleSlices();
}

function scheduleSlices(): void {
  if (slicesScheduled) return;
  slicesScheduled = true;
  setImmediate(runSlice);
}

/** Starts a job; null when started, else the error. At most one runs at a time. */
export function startJob(kind: 'snapshot' | 'rewrite', filePath: string): string | null {
  const error = native.persistStart(kind, filePath);
  if (error === null) scheduleSlices();
  return error;
}

/** Null while the job runs; its outcome once, when it ended. */
export function pollJob(): JobResult | null {
  const result = native.persistPoll();
  return result === null ? null : { ok: result[0], copiedBytes: result[1], error: result[2] };
}

/** Stops the running job (its unfinished file is removed). */
export function abortJob(): void {
  native.persistAbort();
}

/** Runs the job to its end without serving anyone (start-up, before clients are accepted). */
export function finishJobNow(): JobResult {
  while (native.persistStep(1_000_000) === ENCODING);
  for (;;) {
    const result = pollJob();
    if (result !== null) return result;
    sleepSync(2);
  }
}
