/**
 * Runs one test against one server with the configured load: on this thread (--threads 1, the
 * default), or split over worker threads that share one request counter and start together.
 * The measurement is the merged histogram, the replies and errors of every thread, and the time
 * from the earliest first send to the latest last reply.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { COMPLETED, Endpoint, ShareResult, ShareSpec, formatEndpoint, newSharedCounters, runShare } from './load';
import type { ProgressDisplay } from './progress';
import type { BenchmarkTest } from './suite';
import { TestMeasurement, decodeHistogram, newLatencyHistogram } from './stats';

/** Main thread → worker. */
export type WorkerRequest =
  | { type: 'run'; spec: ShareSpec; counters: Int32Array }
  | { type: 'go' };

/** Worker → main thread. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; result: Omit<ShareResult, 'histogram'> & { histogram: string } }
  | { type: 'failed'; message: string };

export interface LoadSettings {
  clients: number;
  requests: number;
  pipeline: number;
  keyspace: number;
  threads: number;
  /** Commands sent on every connection before a test (AUTH, SELECT). */
  setup: Uint8Array[];
}

/** Clients per thread, as even as possible. */
export function splitClients(clients: number, threads: number): number[] {
  return Array.from({ length: threads }, (_v, i) => Math.floor(clients / threads) + (i < clients % threads ? 1 : 0));
}

export class LoadGenerator {
  private readonly workers: Worker[] = [];

  constructor(private readonly settings: LoadSettings, private readonly progress: ProgressDisplay | null) {
    if (settings.threads > 1) {
      const script = path.join(__dirname, 'worker.js');
      for (let i = 0; i < settings.threads; i++) this.workers.push(new Worker(script));
    }
  }

  async measure(endpoint: Endpoint, test: BenchmarkTest): Promise<TestMeasurement> {
    const counters = newSharedCounters();
    const shareOf = (clients: number): ShareSpec => ({
      endpoint,
      command: test.command,
      pipeline: this.settings.pipeline,
      keyspace: this.settings.keyspace,
      clients,
      requests: this.settings.requests,
      setup: this.settings.setup,
    });
    this.progress?.begin(`${test.title} @ ${formatEndpoint(endpoint)}`, this.settings.requests, () => Atomics.load(counters, COMPLETED));
    let shares: ShareResult[];
    try {
      shares = this.workers.length === 0
        ? [await runShare(shareOf(this.settings.clients), counters, async () => undefined)]
        : await this.runOnWorkers(splitClients(this.settings.clients, this.workers.length).map(shareOf), counters);
    } finally {
      this.progress?.end();
    }
    const histogram = newLatencyHistogram();
    const measurement: TestMeasurement = { title: test.title, requests: 0, errors: 0, firstError: null, elapsedMs: 0, histogram };
    for (const share of shares) {
      measurement.requests += share.requests;
      measurement.errors += share.errors;
      measurement.firstError ??= share.firstError;
      histogram.add(share.histogram);
    }
    measurement.elapsedMs = Math.max(...shares.map((s) => s.finishedAt)) - Math.min(...shares.map((s) => s.startedAt));
    return measurement;
  }

  private runOnWorkers(specs: ShareSpec[], counters: Int32Array): Promise<ShareResult[]> {
    const workers = this.workers;
    return new Promise((resolve, reject) => {
      const results: ShareResult[] = new Array(workers.length);
      let ready = 0;
      let finished = 0;
      const detach: Array<() => void> = [];
      const settle = (error: Error | null): void => {
        for (const off of detach.splice(0)) off();
        if (error === null) {
          resolve(results);
          return;
        }
        // A thread that failed leaves the others' runs in an unknown state: this generator is done.
        void this.close();
        reject(error);
      };
      workers.forEach((worker, index) => {
        const onMessage = (message: WorkerReply): void => {
          if (message.type === 'ready') {
            if (++ready === workers.length) for (const w of workers) w.postMessage({ type: 'go' } satisfies WorkerRequest);
          } else if (message.type === 'result') {
            results[index] = { ...message.result, histogram: decodeHistogram(message.result.histogram) };
            if (++finished === workers.length) settle(null);
          } else {
            settle(new Error(message.message));
          }
        };
        const onError = (error: Error): void => settle(error);
        worker.on('message', onMessage);
        worker.on('error', onError);
        detach.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
        });
      });
      workers.forEach((worker, index) => worker.postMessage({ type: 'run', spec: specs[index], counters } satisfies WorkerRequest));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((worker) => worker.terminate()));
  }
}
