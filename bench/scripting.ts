/**
 * Scripting benchmark, side by side with redis-server (servers started and pinned as
 * bench/side-by-side.ts does, redis-benchmark on the other core): EVALSHA of a script that does 10
 * SET/GET pairs on keys of its own (`-r` random suffixes through ARGV), at -P 1 and -P 16.
 * Reports ops/s, server CPU µs per script call and the CPU efficiency (Redis's CPU per call ÷
 * ours; the target is ≥ 0.8). Rounds alternate between the servers; medians are shown.
 *
 *   node dist/bench/scripting.js [--requests N] [--rounds N] [--clients N]
 */
import { execFileSync } from 'node:child_process';
import { cli, fmt, median, parseBenchOptions, pinned, processCpuNs, serverPid, startTarget, type Target } from './side-by-side';

const SCRIPT = [
  'local prefix = ARGV[1]',
  'local last',
  'for i = 1, 10 do',
  "  redis.call('SET', prefix .. ':' .. i, i)",
  "  last = redis.call('GET', prefix .. ':' .. i)",
  'end',
  'return last',
].join('\n');

type Options = {
  requests: number;
  rounds: number;
  clients: number;
};

function parseOptions(argv: string[]): Options {
  return parseBenchOptions<Options>(argv, { requests: 100000, rounds: 3, clients: 50 });
}

function run(t: Target, sha: string, pipeline: number, opts: Options): { rps: number; cpuUsPerOp: number } {
  const pid = serverPid(t);
  const before = processCpuNs(pid);
  const [cmd, args] = pinned(1, 'redis-benchmark', [
    '-p', String(t.port), '-c', String(opts.clients), '-n', String(opts.requests), '-P', String(pipeline),
    '-r', '100000', '--csv', 'EVALSHA', sha, '0', 'k:__rand_int__',
  ]);
  const out = execFileSync(cmd, args, { encoding: 'utf8' });
  const cpuNs = processCpuNs(pid) - before;
  const row = out.trim().split('\n').filter((l) => !l.startsWith('"test"')).pop() ?? '';
  const cols = row.split(',').map((c) => c.replace(/"/g, ''));
  if (!(Number(cols[1]) > 0)) throw new Error(`${t.name}: no result from redis-benchmark: ${out}`);
  return { rps: Number(cols[1]), cpuUsPerOp: cpuNs / 1000 / opts.requests };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const targets = [await startTarget('redis'), await startTarget('rustypotato')];
  try {
    const shas = targets.map((t) => cli(t.port, 'SCRIPT', 'LOAD', SCRIPT));
    if (shas[0] !== shas[1]) throw new Error(`SCRIPT LOAD answered ${shas[0]} and ${shas[1]}`);
    // The script must do the same on both before it is timed.
    for (const t of targets) {
      const got = cli(t.port, 'EVALSHA', shas[0], '0', 'check');
      if (got !== '10') throw new Error(`${t.name}: the script answered ${got}`);
    }
    console.log(`EVALSHA of 10 SET/GET pairs: -c ${opts.clients} -n ${opts.requests}, ${opts.rounds} rounds (median)`);
    console.log('pipeline  server        ops/s      server CPU µs/call   CPU efficiency (redis/ours)');
    for (const pipeline of [1, 16]) {
      const results: Record<string, Array<{ rps: number; cpuUsPerOp: number }>> = { redis: [], rustypotato: [] };
      for (let round = 0; round < opts.rounds; round++) {
        for (const t of round % 2 === 0 ? targets : [...targets].reverse()) results[t.name].push(run(t, shas[0], pipeline, opts));
      }
      const rps = (name: string): number => median(results[name].map((r) => r.rps));
      const cpu = (name: string): number => median(results[name].map((r) => r.cpuUsPerOp));
      console.log(`${String(pipeline).padStart(8)}  redis         ${fmt(rps('redis'), 0).padStart(9)}   ${fmt(cpu('redis')).padStart(18)}`);
      console.log(`${''.padStart(8)}  rustypotato   ${fmt(rps('rustypotato'), 0).padStart(9)}   ${fmt(cpu('rustypotato')).padStart(18)}   ${fmt(cpu('redis') / cpu('rustypotato'))}`);
    }
  } finally {
    for (const t of targets) t.proc.kill('SIGKILL');
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
