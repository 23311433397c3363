/**
 * BullMQ workloads, run unmodified against any Redis-compatible server on a loopback port.
 *
 * - `runBullmqScenario`: the application test. A queue with workers processes normal, delayed,
 *   retried, permanently failing, prioritised and parent/child jobs (1,020 in all), while a
 *   QueueEvents listener follows the events stream (XREAD BLOCK). It returns a summary that does
 *   not depend on timing (per-job outcome, attempts, return values, the order in which a single
 *   worker took prioritised jobs, counts), so the summaries from redis-server and RustyPotato can be
 *   compared for equality.
 * - `runBullmqThroughput`: the benchmark. Adds N jobs with addBulk and processes them with one
 *   worker at a given concurrency; returns the wall time of each phase.
 *
 * BullMQ drives everything through its Lua scripts (EVALSHA with cmsgpack/cjson, XADD … MAXLEN ~,
 * ZADD/ZPOPMIN markers, BZPOPMIN waits), so this exercises scripting, streams, lists, sorted sets
 * and hashes together.
 */
import { FlowProducer, Job, Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';

const connectionFor = (port: number): ConnectionOptions => ({ host: '127.0.0.1', port, maxRetriesPerRequest: null });

/** Resolves when `done()` is true; rejects with `what` after `timeoutMs` (the loop always ends). */
async function waitUntil(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface ScenarioSummary {
  /** jobName → outcome line ("completed <returnvalue> attempts=<n>" or "failed <reason> attempts=<n>"). */
  outcomes: Record<string, string>;
  /** Names of the prioritised jobs in the order one worker (concurrency 1) took them. */
  priorityOrder: string[];
  /** Delayed jobs that were processed before their delay had passed (must be empty). */
  earlyDelayed: string[];
  /** Distinct job ids QueueEvents reported as completed / failed (through the events stream). */
  eventsCompleted: number;
  eventsFailed: number;
  counts: Record<string, number>;
}

const NORMAL = 600;
const DELAYED = 100;
const RETRIED = 100;
const FAILING = 20;
const PRIORITISED = 100;
const FLOWS = 25;
const CHILDREN_PER_FLOW = 3;
export const SCENARIO_JOBS = NORMAL + DELAYED + RETRIED + FAILING + PRIORITISED + FLOWS * (1 + CHILDREN_PER_FLOW);

interface JobData {
  n: number;
  delay?: number;
  failTimes?: number;
}

export async function runBullmqScenario(port: number, timeoutMs = 60000): Promise<ScenarioSummary> {
  const connection = connectionFor(port);
  const name = 'scenario';
  const queue = new Queue<JobData>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const flows = new FlowProducer({ connection });
  const workers: Worker[] = [];
  try {
    await queue.obliterate({ force: true });
    await events.waitUntilReady();
    const completedIds = new Set<string>();
    const failedIds = new Set<string>();
    events.on('completed', ({ jobId }) => completedIds.add(jobId));
    events.on('failed', ({ jobId }) => failedIds.add(jobId));

    // Phase 1: prioritised jobs are added while no worker runs; one worker with concurrency 1 then
    // takes them, and the order it took them in is the priority order (ties first in, first out).
    const priorityOrder: string[] = [];
    await queue.addBulk(
      Array.from({ length: PRIORITISED }, (_, i) => ({ name: `prio-${i}`, data: { n: i }, opts: { priority: 1 + ((i * 7) % 10) } })),
    );
    const prioWorker = new Worker<JobData>(
      name,
      async (job) => {
        priorityOrder.push(job.name);
        return job.data.n;
      },
      { connection, concurrency: 1 },
    );
    workers.push(prioWorker);
    await waitUntil(() => priorityOrder.length === PRIORITISED, timeoutMs, () => `prioritised jobs (${priorityOrder.length}/${PRIORITISED})`);
    await prioWorker.close();

    // Phase 2: everything else, processed by two workers of concurrency 8.
    const earlyDelayed: string[] = [];
    const processor = async (job: Job<JobData>): Promise<unknown> => {
      if (job.name.startsWith('delayed-') && Date.now() - job.timestamp < (job.data.delay ?? 0)) earlyDelayed.push(job.name);
      if (job.data.failTimes !== undefined && job.attemptsMade < job.data.failTimes) throw new Error(`planned failure ${job.attemptsMade + 1}`);
      if (job.name.startsWith('parent-')) {
        const values = Object.values(await job.getChildrenValues<number>());
        return values.reduce((a, b) => a + b, 0);
      }
      return job.data.n * 2;
    };
    for (let i = 0; i < 2; i++) workers.push(new Worker<JobData>(name, processor, { connection, concurrency: 8 }));

    await queue.addBulk(Array.from({ length: NORMAL }, (_, i) => ({ name: `normal-${i}`, data: { n: i } })));
    await queue.addBulk(
      Array.from({ length: DELAYED }, (_, i) => {
        const delay = 50 + ((i * 37) % 250);
        return { name: `delayed-${i}`, data: { n: i, delay }, opts: { delay } };
      }),
    );
    await queue.addBulk(
      Array.from({ length: RETRIED }, (_, i) => ({
        name: `retried-${i}`,
        data: { n: i, failTimes: 1 + (i % 2) },
        opts: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
      })),
    );
    await queue.addBulk(Array.from({ length: FAILING }, (_, i) => ({ name: `failing-${i}`, data: { n: i, failTimes: 99 }, opts: { attempts: 2 } })));
    for (let f = 0; f < FLOWS; f++) {
      await flows.add({
        name: `parent-${f}`,
        queueName: name,
        data: { n: f },
        children: Array.from({ length: CHILDREN_PER_FLOW }, (_, c) => ({ name: `child-${f}-${c}`, queueName: name, data: { n: f * 10 + c } })),
      });
    }

    const finalCount = async (): Promise<number> => {
      const c = await queue.getJobCounts('completed', 'failed');
      return (c.completed ?? 0) + (c.failed ?? 0);
    };
    let finished = 0;
    const deadline = Date.now() + timeoutMs;
    while (finished < SCENARIO_JOBS) {
      if (Date.now() > deadline) throw new Error(`timed out: ${finished}/${SCENARIO_JOBS} jobs finished`);
      await new Promise((r) => setTimeout(r, 50));
      finished = await finalCount();
    }
    // The events stream lags the job state a little; wait for it to catch up.
    await waitUntil(() => completedIds.size + failedIds.size >= SCENARIO_JOBS, timeoutMs, () => `QueueEvents (${completedIds.size} completed, ${failedIds.size} failed)`);

    const outcomes: Record<string, string> = {};
    for (const job of await queue.getJobs(['completed'], 0, -1, true)) outcomes[job.name] = `completed ${JSON.stringify(job.returnvalue)} attempts=${job.attemptsMade}`;
    for (const job of await queue.getJobs(['failed'], 0, -1, true)) outcomes[job.name] = `failed ${job.failedReason} attempts=${job.attemptsMade}`;
    const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    return {
      outcomes: Object.fromEntries(Object.entries(outcomes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      priorityOrder,
      earlyDelayed,
      eventsCompleted: completedIds.size,
      eventsFailed: failedIds.size,
      counts,
    };
  } finally {
    await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
    await Promise.all([events.close(), flows.close()].map((p) => p.catch(() => undefined)));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
  }
}

export interface ThroughputResult {
  addMs: number;
  processMs: number;
}

/** Adds `jobs` jobs (addBulk, batches of 1,000) and processes them with one worker of `concurrency`. */
export async function runBullmqThroughput(port: number, jobs: number, concurrency: number, timeoutMs = 120000): Promise<ThroughputResult> {
  const connection = connectionFor(port);
  const name = `throughput`;
  const queue = new Queue(name, { connection });
  let worker: Worker | undefined;
  try {
    await queue.obliterate({ force: true });
    const t0 = Date.now();
    for (let i = 0; i < jobs; i += 1000) {
      const batch = Math.min(1000, jobs - i);
      await queue.addBulk(Array.from({ length: batch }, (_, k) => ({ name: 'job', data: { n: i + k }, opts: { removeOnComplete: true } })));
    }
    const t1 = Date.now();
    let done = 0;
    worker = new Worker(name, async (job) => job.data.n, { connection, concurrency, autorun: false });
    worker.on('completed', () => done++);
    void worker.run();
    await waitUntil(() => done === jobs, timeoutMs, () => `processed jobs (${done}/${jobs})`);
    return { addMs: t1 - t0, processMs: Date.now() - t1 };
  } finally {
    await worker?.close(true).catch(() => undefined);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
  }
}
