/**
 * A load-generation thread (--threads N > 1). It runs its share of each test's clients when the
 * main thread says so; see WorkerRequest/WorkerReply in runner.ts for the exchange.
 */
import { parentPort } from 'node:worker_threads';
import { runShare } from './load';
import type { WorkerReply, WorkerRequest } from './runner';
import { encodeHistogram } from './stats';

const port = parentPort;
if (port === null) throw new Error('benchmark/worker.js runs only as a worker thread');

let go: (() => void) | null = null;

function reply(message: WorkerReply): void {
  port?.postMessage(message);
}

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'go') {
    go?.();
    go = null;
    return;
  }
  const started = new Promise<void>((resolve) => { go = resolve; });
  runShare(message.spec, message.counters, () => {
    reply({ type: 'ready' });
    return started;
  }).then(
    (result) => reply({ type: 'result', result: { ...result, histogram: encodeHistogram(result.histogram) } }),
    (error: Error) => reply({ type: 'failed', message: error.message }),
  );
});
