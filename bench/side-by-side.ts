/**
 * Side-by-side benchmark: starts redis-server and RustyPotato, runs redis-benchmark's default suite
 * (PING … MSET, or the tests given with --tests) against each in alternating rounds at -P 1 and
 * -P 16, and prints per test: ops/s, server CPU µs per op (all server threads, from
 * /proc/<pid>/task/<tid>/schedstat, nanosecond resolution), p50/p99 latency and the ratio to Redis;
 * then bytes per element of small and large hashes, lists, sets and sorted sets, and bytes per key
 * after DEBUG POPULATE of 1,000,000 keys (allocator figure and RSS delta).
 *
 *   node dist/bench/side-by-side.js [--requests 200000] [--rounds 3] [--keys 1000000]
 *                                   [--tests set,get,incr,mset] [--quick]
 *
 * Each server is pinned to CPU 0 and redis-benchmark to CPU 1 when `taskset` exists, so "CPU per op"
 * compares the same work on the same core.
 *
 * Its helpers (starting the servers, running redis-benchmark, reading INFO) are exported for the
 * other benches (bench/persistence.ts); main() runs only when this file is the one started.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** redis-benchmark's default suite (what it runs without -t), by -t name. */
const DEFAULT_SUITE = [
  'ping_inline', 'ping_mbulk', 'set', 'get', 'incr', 'lpush', 'rpush', 'lpop', 'rpop', 'sadd', 'hset',
  'spop', 'zadd', 'zpopmin', 'lrange_100', 'lrange_300', 'lrange_500', 'lrange_600', 'mset',
];

type Options = {
  requests: number;
  rounds: number;
  keys: number;
  clients: number;
  tests: string[];
};

/**
 * Command-line options of the bench scripts: `--name N` sets a numeric option, `--name a,b` a list
 * option (when its default is a list), and each preset (`--quick`) sets several at once.
 */
export function parseBenchOptions<T extends Record<string, number | string[]>>(argv: string[], defaults: T, presets: Record<string, Partial<T>> = {}): T {
  const opts = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (name in presets) {
      Object.assign(opts, presets[name]);
    } else if (name in opts && i + 1 < argv.length) {
      const value = argv[++i];
      (opts as Record<string, number | string[]>)[name] = Array.isArray(opts[name]) ? value.split(',') : Number(value);
    } else {
      throw new Error(`unknown option ${a}`);
    }
  }
  return opts;
}

function parseOptions(argv: string[]): Options {
  return parseBenchOptions<Options>(argv, { requests: 200000, rounds: 3, keys: 1000000, clients: 50, tests: DEFAULT_SUITE }, {
    quick: { requests: 50000, rounds: 1, keys: 200000 },
  });
}

export const root = path.resolve(__dirname, '..', '..');
export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

export function pinned(cpu: number, cmd: string, args: string[]): [string, string[]] {
  return hasTaskset ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function waitForPort(port: number, timeoutMs = 10000): Promise<void> {
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

export interface Target {
  name: string;
  port: number;
  proc: ChildProcess;
}

export interface StartOptions {
  /** Added after the defaults (a later redis directive overrides an earlier one). */
  args?: string[];
  /** Added to the environment. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the port (a big AOF or RDB to load takes a while). */
  timeoutMs?: number;
  /** Return right after spawning, without waiting for the port (to time the start-up). */
  noWait?: boolean;
}

export async function startTarget(name: 'redis' | 'rustypotato', options: StartOptions = {}): Promise<Target> {
  const port = await freePort();
  const extra = options.args ?? [];
  const [cmd, args] =
    name === 'redis'
      ? pinned(0, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', '--enable-debug-command', 'yes', ...extra])
      : pinned(0, process.execPath, [path.join(root, 'dist', 'ts', 'bin', 'server.js'), '--port', String(port), '--bind', '127.0.0.1', '--log-level', 'warn', ...extra]);
  const proc = spawn(cmd, args, { stdio: 'ignore', env: { ...process.env, ...options.env } });
  if (!options.noWait) await waitForPort(port, options.timeoutMs);
  return { name, port, proc };
}

/** CPU time of every thread of the process, in nanoseconds. */
export function processCpuNs(pid: number): number {
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

export function serverPid(t: Target): number {
  // With taskset the child execs the server, so the pid is the server's.
  return t.proc.pid as number;
}

export function cli(port: number, ...args: string[]): string {
  return execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();
}

export function infoField(port: number, section: string, field: string): number {
  const line = cli(port, 'info', section)
    .split(/\r?\n/)
    .find((l) => l.startsWith(field + ':'));
  return line ? Number(line.split(':')[1]) : NaN;
}

export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Largest latency of the run, ms. */
  max: number;
  cpuUsPerOp: number;
}

/**
 * One redis-benchmark test against one server. The LRANGE tests first fill a list with LPUSH (a row
 * of their own); their CPU per op subtracts that fill, costed by the LPUSH test of the same round
 * (`lpushUsPerOp`), so the figure is the LRANGE's.
 */
export function runBenchmark(t: Target, test: string, pipeline: number, opts: Pick<Options, 'requests' | 'clients'>, lpushUsPerOp: number): Sample {
  const pid = serverPid(t);
  cli(t.port, 'flushall');
  const before = processCpuNs(pid);
  const [cmd, args] = pinned(1, 'redis-benchmark', [
    '-p', String(t.port), '-c', String(opts.clients), '-n', String(opts.requests), '-P', String(pipeline),
    '-t', test, '-r', '100000', '--csv',
  ]);
  const out = execFileSync(cmd, args, { encoding: 'utf8' });
  const cpuNs = processCpuNs(pid) - before;
  const rows = out.trim().split('\n').filter((l) => !l.startsWith('"test"'));
  const row = rows[rows.length - 1];
  if (!row) throw new Error(`no result from redis-benchmark for ${test}: ${out}`);
  const cols = row.split(',').map((c) => c.replace(/"/g, ''));
  const fillUs = rows.length > 1 ? lpushUsPerOp * opts.requests : 0;
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  return { rps: Number(cols[1]), p50: Number(cols[4]), p99: Number(cols[6]), max: Number(cols[7]), cpuUsPerOp: (cpuNs / 1000 - fillUs) / opts.requests };
}

/** Sends commands pipelined in chunks over one connection and waits for all replies. */
export async function pipelineCommands(port: number, commands: string[][]): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const encode = (args: string[]): string => `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
  // Count complete replies by their first line (every reply here is a simple one-line reply).
  for (let i = 0; i < commands.length; i += 1000) {
    const chunk = commands.slice(i, i + 1000);
    await new Promise<void>((resolve, reject) => {
      let lines = 0;
      let carry = '';
      const onData = (d: Buffer): void => {
        const text = carry + d.toString('latin1');
        const parts = text.split('\r\n');
        carry = parts.pop() ?? '';
        for (const line of parts) {
          if (line.startsWith('-')) reject(new Error(`server error while loading: ${line}`));
          lines++;
        }
        if (lines >= chunk.length) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
      socket.write(chunk.map(encode).join(''));
    });
  }
  socket.destroy();
}

interface CollectionCase {
  label: string;
  /** The commands that build it, and how many elements they hold. */
  build: () => { commands: string[][]; elements: number };
}

function manyKeys(keys: number, perKey: number, cmd: (key: string, i: number) => string[]): () => { commands: string[][]; elements: number } {
  return () => {
    const commands: string[][] = [];
    for (let k = 0; k < keys; k++) for (let i = 0; i < perKey; i++) commands.push(cmd(`c:${k}`, i));
    return { commands, elements: keys * perKey };
  };
}

const COLLECTIONS: CollectionCase[] = [
  { label: 'hash, 10k keys x 10 fields', build: manyKeys(10000, 10, (k, i) => ['HSET', k, `field:${i}`, `value:${i}`]) },
  { label: 'hash, 1 key x 100k fields', build: manyKeys(1, 100000, (k, i) => ['HSET', k, `field:${i}`, `value:${i}`]) },
  { label: 'list, 10k keys x 10 elements', build: manyKeys(10000, 10, (k, i) => ['RPUSH', k, `element:${i}`]) },
  { label: 'list, 1 key x 100k elements', build: manyKeys(1, 100000, (k, i) => ['RPUSH', k, `element:${i}`]) },
  { label: 'set, 10k keys x 10 integers', build: manyKeys(10000, 10, (k, i) => ['SADD', k, String(i)]) },
  { label: 'set, 10k keys x 10 strings', build: manyKeys(10000, 10, (k, i) => ['SADD', k, `member:${i}`]) },
  { label: 'set, 1 key x 100k strings', build: manyKeys(1, 100000, (k, i) => ['SADD', k, `member:${i}`]) },
  { label: 'zset, 10k keys x 10 members', build: manyKeys(10000, 10, (k, i) => ['ZADD', k, String(i * 1.5), `member:${i}`]) },
  { label: 'zset, 1 key x 100k members', build: manyKeys(1, 100000, (k, i) => ['ZADD', k, String(i * 1.5), `member:${i}`]) },
];

/** Bytes per element of a collection case: allocator figure delta (redis used_memory, our engine's). */
async function collectionBytes(t: Target, c: CollectionCase): Promise<number> {
  cli(t.port, 'flushall');
  await new Promise((r) => setTimeout(r, 200));
  const field = t.name === 'redis' ? 'used_memory' : 'used_memory_engine';
  const before = infoField(t.port, 'memory', field);
  const { commands, elements } = c.build();
  await pipelineCommands(t.port, commands);
  const after = infoField(t.port, 'memory', field);
  cli(t.port, 'flushall');
  return (after - before) / elements;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function fmt(n: number, digits = 2): string {
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
      const lpushCost: Record<string, number> = { redis: 0, rustypotato: 0 };
      for (const test of opts.tests) {
        const samples: Record<string, Sample[]> = { redis: [], rustypotato: [] };
        for (let round = 0; round < opts.rounds; round++) {
          // Alternate which server goes first so drift on the machine does not favour one.
          const order = round % 2 === 0 ? targets : [...targets].reverse();
          for (const t of order) samples[t.name].push(runBenchmark(t, test, pipeline, opts, lpushCost[t.name]));
        }
        const pick = (name: string, k: keyof Sample): number => median(samples[name].map((s) => s[k]));
        if (test === 'lpush') for (const t of targets) lpushCost[t.name] = pick(t.name, 'cpuUsPerOp');
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
    console.log('memory per element of collections (allocator figures: redis used_memory, rustypotato engine):');
    for (const c of COLLECTIONS) {
      const r = await collectionBytes(redis, c);
      const ours = await collectionBytes(rp, c);
      console.log(`  ${c.label.padEnd(32)} redis ${fmt(r, 1)} B, rustypotato ${fmt(ours, 1)} B, ratio ${fmt(ours / r)}`);
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

// Only when run, not when another bench imports the helpers above.
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
