/**
 * Side-by-side benchmark: starts redis-server and RustyPotato, runs redis-benchmark against each in
 * alternating rounds, and prints per test: ops/s, server CPU µs per op (all server threads, from
 * /proc/<pid>/task/<tid>/schedstat, nanosecond resolution), p50/p99 latency and the ratio to Redis;
 * then bytes per key after DEBUG POPULATE of 1,000,000 keys (allocator figure and RSS delta).
 *
 *   node dist/bench/side-by-side.js [--requests 200000] [--rounds 3] [--keys 1000000] [--quick]
 *
 * Each server is pinned to CPU 0 and redis-benchmark to CPU 1 when `taskset` exists, so "CPU per op"
 * compares the same work on the same core.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

interface Options {
  requests: number;
  rounds: number;
  keys: number;
  clients: number;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = { requests: 200000, rounds: 3, keys: 1000000, clients: 50 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') Object.assign(opts, { requests: 50000, rounds: 1, keys: 200000 });
    else if (a === '--requests') opts.requests = Number(argv[++i]);
    else if (a === '--rounds') opts.rounds = Number(argv[++i]);
    else if (a === '--keys') opts.keys = Number(argv[++i]);
    else if (a === '--clients') opts.clients = Number(argv[++i]);
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

const root = path.resolve(__dirname, '..', '..');
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function pinned(cpu: number, cmd: string, args: string[]): [string, string[]] {
  return hasTaskset ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(port: number, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${port}`);
}

interface Target {
  name: string;
  port: number;
  proc: ChildProcess;
}

async function startTarget(name: 'redis' | 'rustypotato'): Promise<Target> {
  const port = await freePort();
  const [cmd, args] =
    name === 'redis'
      ? pinned(0, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', '--enable-debug-command', 'yes'])
      : pinned(0, process.execPath, [path.join(root, 'dist', 'ts', 'bin', 'server.js'), '--port', String(port), '--bind', '127.0.0.1', '--log-level', 'warn']);
  const proc = spawn(cmd, args, { stdio: 'ignore' });
  await waitForPort(port);
  return { name, port, proc };
}

/** CPU time of every thread of the process, in nanoseconds. */
function processCpuNs(pid: number): number {
  let total = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between readdir and read
    }
  }
  return total;
}

function serverPid(t: Target): number {
  // With taskset the child execs the server, so the pid is the server's.
  return t.proc.pid as number;
}

function cli(port: number, ...args: string[]): string {
  return execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();
}

function infoField(port: number, section: string, field: string): number {
  const line = cli(port, 'info', section)
    .split(/\r?\n/)
    .find((l) => l.startsWith(field + ':'));
  return line ? Number(line.split(':')[1]) : NaN;
}

function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerOp: number;
}

/** Requests per redis-benchmark "operation" that the server executes as one command. */
const TESTS = ['set', 'get', 'incr', 'mset'];

function runBenchmark(t: Target, test: string, pipeline: number, opts: Options): Sample {
  const pid = serverPid(t);
  const before = processCpuNs(pid);
  const [cmd, args] = pinned(1, 'redis-benchmark', [
    '-p', String(t.port), '-c', String(opts.clients), '-n', String(opts.requests), '-P', String(pipeline),
    '-t', test, '-r', '100000', '--csv',
  ]);
  const out = execFileSync(cmd, args, { encoding: 'utf8' });
  const cpuNs = processCpuNs(pid) - before;
  const row = out.trim().split('\n').find((l) => !l.startsWith('"test"'));
  if (!row) throw new Error(`no result from redis-benchmark for ${test}: ${out}`);
  const cols = row.split(',').map((c) => c.replace(/"/g, ''));
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  return { rps: Number(cols[1]), p50: Number(cols[4]), p99: Number(cols[6]), cpuUsPerOp: cpuNs / 1000 / opts.requests };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

async function memoryPerKey(t: Target, keys: number): Promise<{ allocator: number; rss: number }> {
  cli(t.port, 'flushall');
  await new Promise((r) => setTimeout(r, 300));
  const pid = serverPid(t);
  const allocatorField = t.name === 'redis' ? 'used_memory' : 'used_memory_engine';
  const mem0 = infoField(t.port, 'memory', allocatorField);
  const rss0 = rssBytes(pid);
  cli(t.port, 'debug', 'populate', String(keys));
  await new Promise((r) => setTimeout(r, 300));
  const mem1 = infoField(t.port, 'memory', allocatorField);
  const rss1 = rssBytes(pid);
  const dbsize = Number(cli(t.port, 'dbsize'));
  if (dbsize !== keys) throw new Error(`${t.name}: DEBUG POPULATE gave ${dbsize} keys, expected ${keys}`);
  cli(t.port, 'flushall');
  return { allocator: (mem1 - mem0) / keys, rss: (rss1 - rss0) / keys };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const redis = await startTarget('redis');
  const rp = await startTarget('rustypotato');
  const targets = [redis, rp];
  try {
    console.log(`redis-benchmark -c ${opts.clients} -n ${opts.requests} -r 100000, ${opts.rounds} alternating round(s), taskset: ${hasTaskset ? 'server cpu0, client cpu1' : 'no'}`);
    console.log('');
    const header = ['test', 'P', 'redis ops/s', 'rp ops/s', 'ratio', 'redis µs/op', 'rp µs/op', 'cpu eff.', 'redis p50/p99 ms', 'rp p50/p99 ms'];
    console.log(header.join('\t'));
    for (const pipeline of [1, 16]) {
      for (const test of TESTS) {
        const samples: Record<string, Sample[]> = { redis: [], rustypotato: [] };
        for (let round = 0; round < opts.rounds; round++) {
          // Alternate which server goes first so drift on the machine does not favour one.
          const order = round % 2 === 0 ? targets : [...targets].reverse();
          for (const t of order) samples[t.name].push(runBenchmark(t, test, pipeline, opts));
        }
        const pick = (name: string, k: keyof Sample): number => median(samples[name].map((s) => s[k]));
        const rRps = pick('redis', 'rps');
        const pRps = pick('rustypotato', 'rps');
        const rCpu = pick('redis', 'cpuUsPerOp');
        const pCpu = pick('rustypotato', 'cpuUsPerOp');
        console.log(
          [
            test.toUpperCase(), pipeline, fmt(rRps, 0), fmt(pRps, 0), fmt(pRps / rRps), fmt(rCpu), fmt(pCpu),
            // CPU efficiency: how much work per CPU-second we do relative to Redis (>1 is better).
            fmt(rCpu / pCpu),
            `${fmt(pick('redis', 'p50'), 3)}/${fmt(pick('redis', 'p99'), 3)}`,
            `${fmt(pick('rustypotato', 'p50'), 3)}/${fmt(pick('rustypotato', 'p99'), 3)}`,
          ].join('\t'),
        );
      }
    }
    console.log('');
    const rm = await memoryPerKey(redis, opts.keys);
    const pm = await memoryPerKey(rp, opts.keys);
    console.log(`memory per key after DEBUG POPULATE ${opts.keys} (keys "key:N", values "value:N"):`);
    console.log(`  allocator-reported: redis used_memory ${fmt(rm.allocator, 1)} B/key, rustypotato engine ${fmt(pm.allocator, 1)} B/key, ratio ${fmt(pm.allocator / rm.allocator)}`);
    console.log(`  process RSS delta:  redis ${fmt(rm.rss, 1)} B/key, rustypotato ${fmt(pm.rss, 1)} B/key, ratio ${fmt(pm.rss / rm.rss)}`);
  } finally {
    for (const t of targets) t.proc.kill('SIGKILL');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
