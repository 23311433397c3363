/**
 * BullMQ add-and-process benchmark, side by side with redis-server (servers started and pinned as
 * bench/side-by-side.ts does; this process, which runs BullMQ's Queue and Worker, is pinned to the
 * other core). Each round adds N jobs with addBulk and processes them with one Worker of the given
 * concurrency (bench/workloads/bullmq.ts). Reports jobs/s of each phase, the server's CPU µs per
 * job over both phases, and the CPU efficiency (Redis's CPU per job ÷ ours; the target is
 * ≥ 0.8). Rounds alternate between the servers; medians are shown.
 *
 *   node dist/bench/bullmq.js [--jobs N] [--rounds N] [--concurrency N]
 */
import { fmt, hasTaskset, median, parseBenchOptions, processCpuNs, serverPid, startTarget, type Target } from './side-by-side';
import { runBullmqThroughput } from './workloads/bullmq';
import { execFileSync } from 'node:child_process';

type Options = { jobs: number; rounds: number; concurrency: number };

interface Sample {
  addJobsPerS: number;
  processJobsPerS: number;
  cpuUsPerJob: number;
}

async function run(t: Target, opts: Options): Promise<Sample> {
  const pid = serverPid(t);
  const before = processCpuNs(pid);
  const r = await runBullmqThroughput(t.port, opts.jobs, opts.concurrency);
  const cpuNs = processCpuNs(pid) - before;
  return { addJobsPerS: (opts.jobs * 1000) / r.addMs, processJobsPerS: (opts.jobs * 1000) / r.processMs, cpuUsPerJob: cpuNs / 1000 / opts.jobs };
}

async function main(): Promise<void> {
  const opts = parseBenchOptions<Options>(process.argv.slice(2), { jobs: 20000, rounds: 3, concurrency: 50 });
  // The load generator (this process) goes to core 1, the servers are pinned to core 0.
  if (hasTaskset) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  const targets = [await startTarget('redis'), await startTarget('rustypotato')];
  try {
    // A warm-up round on each (script loading, JIT) before anything is timed.
    for (const t of targets) await runBullmqThroughput(t.port, 1000, opts.concurrency);
    const results: Record<string, Sample[]> = { redis: [], rustypotato: [] };
    for (let round = 0; round < opts.rounds; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) results[t.name].push(await run(t, opts));
    }
    const med = (name: string, f: (s: Sample) => number): number => median(results[name].map(f));
    console.log(`BullMQ add (addBulk) + process (1 worker, concurrency ${opts.concurrency}): ${opts.jobs} jobs, ${opts.rounds} rounds (median)`);
    console.log('server        add jobs/s   process jobs/s   server CPU µs/job   CPU efficiency (redis/ours)');
    for (const name of ['redis', 'rustypotato']) {
      const eff = name === 'redis' ? '' : fmt(med('redis', (s) => s.cpuUsPerJob) / med(name, (s) => s.cpuUsPerJob));
      console.log(
        `${name.padEnd(12)}  ${fmt(med(name, (s) => s.addJobsPerS), 0).padStart(10)}   ${fmt(med(name, (s) => s.processJobsPerS), 0).padStart(14)}   ${fmt(med(name, (s) => s.cpuUsPerJob)).padStart(17)}   ${eff}`,
      );
    }
  } finally {
    for (const t of targets) t.proc.kill('SIGKILL');
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
