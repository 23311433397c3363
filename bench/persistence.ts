/**
 * Persistence benchmark, side by side with redis-server (servers started as bench/side-by-side.ts
 * does, with its helpers):
 *
 * 1. Throughput with the AOF off / appendfsync everysec / appendfsync always: redis-benchmark
 *    -c 50 -t set,incr,lpush at -P 1 and -P 16 (redis: --appendonly yes --appendfsync X --dir tmp;
 *    RustyPotato: --aof-path tmp/x.aof with RUSTYPOTATO_AOF_FSYNC=X).
 * 2. Start-up time on one AOF of 1,000,000 SET commands (generated as RESP, keys as
 *    redis-benchmark -r names them): from spawn until PING answers PONG and DBSIZE is 1000000.
 *    Redis 7.0 is given the file as an old-style AOF (appendfilename in `dir`, no appendonlydir):
 *    it loads it and then upgrades it into appendonlydir, as it does for any pre-7.0 AOF.
 * 3. Latency while BGREWRITEAOF or BGSAVE runs with those 1,000,000 keys: redis-benchmark -t set
 *    -P 1 runs, the command is sent during it; max latency from redis-benchmark and from our own
 *    probe client (one connection, one SET at a time), against a baseline run of the same load
 *    without a job. Each job runs once with its background worker left on the server's core (which
 *    it inherits from the pinning) and once moved to the other core, as it would run on a machine
 *    with spare cores: Redis's fork()ed child; RustyPotato forks nothing (the event loop encodes in
 *    slices) and its worker is the thread that writes the file ("rp-image-writer").
 *
 *   node dist/bench/persistence.js [--quick] [--requests N] [--rounds N] [--keys N]
 *                                  [--parts throughput,load,rewrite] [--modes off,everysec,always]
 *
 * Under `always` the throughput part also counts each server's fdatasync calls (perf's syscall
 * tracepoint, where perf can) and prints the writes per fdatasync: the size of the group commits.
 *
 * Everything listens on 127.0.0.1; each server's files live in a temp dir removed at the end.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cli, fmt, hasTaskset, median, parseBenchOptions, pinned, runBenchmark, serverPid, startTarget, type Sample, type Target } from './side-by-side';

type Options = {
  requests: number;
  rounds: number;
  keys: number;
  clients: number;
  /** Requests of the background load during the rewrite test. */
  rewriteLoad: number;
  /** Which parts to run: throughput, load, rewrite. */
  parts: string[];
  /** Which AOF modes the throughput part runs: off, everysec, always. */
  modes: string[];
};

function parseOptions(argv: string[]): Options {
  return parseBenchOptions<Options>(argv, { requests: 100000, rounds: 2, keys: 1000000, clients: 50, rewriteLoad: 600000, parts: ['throughput', 'load', 'rewrite'], modes: ['off', 'everysec', 'always'] }, {
    quick: { requests: 30000, rounds: 1, rewriteLoad: 300000 },
  });
}

type Mode = 'off' | 'everysec' | 'always';
type Name = 'redis' | 'rustypotato';
const NAMES: Name[] = ['redis', 'rustypotato'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-bench-persistence-'));
let dirCounter = 0;
function freshDir(label: string): string {
  const dir = path.join(tmpRoot, `${label}-${dirCounter++}`);
  fs.mkdirSync(dir);
  return dir;
}

const running = new Set<Target>();
async function stop(t: Target): Promise<void> {
  running.delete(t);
  if (t.proc.exitCode !== null || t.proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => t.proc.once('exit', () => resolve()));
  t.proc.kill('SIGKILL');
  await Promise.race([exited, sleep(5000)]);
}
function cleanup(): void {
  for (const t of running) t.proc.kill('SIGKILL');
  fs.rmSync(tmpRoot, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

/** Starts one server with the AOF in `mode` (files in `dir`); `aofFile` is the AOF's base name. */
async function startWithAof(name: Name, mode: Mode, dir: string, opts: { noWait?: boolean; aofFile?: string } = {}): Promise<Target> {
  const file = opts.aofFile ?? 'appendonly.aof';
  const t =
    name === 'redis'
      ? await startTarget('redis', {
          args: mode === 'off' ? ['--dir', dir] : ['--appendonly', 'yes', '--appendfsync', mode, '--dir', dir, '--appendfilename', file],
          noWait: opts.noWait,
          timeoutMs: 120000,
        })
      : await startTarget('rustypotato', {
          // The snapshot file in `dir` too (BGSAVE runs write it; never into the working directory).
          args: [...(mode === 'off' ? [] : ['--aof-path', path.join(dir, file)]), '--snapshot-path', path.join(dir, 'dump.rdb')],
          env: mode === 'off' ? {} : { RUSTYPOTATO_AOF_FSYNC: mode },
          noWait: opts.noWait,
          timeoutMs: 120000,
        });
  running.add(t);
  return t;
}

// ---------------------------------------------------------------- a minimal client

/** One connection that sends a command and reads its one-line reply (no bulk payloads needed). */
class LineClient {
  private buffered = '';
  private waiting: ((line: string) => void) | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      this.buffered += d.toString('latin1');
      this.deliver();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, timeoutMs = 1000): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(new LineClient(s));
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  private deliver(): void {
    const nl = this.buffered.indexOf('\r\n');
    if (nl < 0 || !this.waiting) return;
    const line = this.buffered.slice(0, nl);
    this.buffered = this.buffered.slice(nl + 2);
    const w = this.waiting;
    this.waiting = null;
    w(line);
  }

  /** Sends and resolves with the reply's first line ("+PONG", ":1000000", "-LOADING ..."). */
  call(args: string[], timeoutMs = 30000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`no reply to ${args[0]} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.socket.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
      this.deliver();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

// ---------------------------------------------------------------- 1. throughput

const TESTS = ['set', 'incr', 'lpush'];

/** Counts a process's fdatasync calls with perf's syscall tracepoint until stop(); null without perf. */
function countFdatasync(pid: number): { stop(): Promise<number | null> } {
  const perf = spawn('perf', ['stat', '-x', ',', '-e', 'syscalls:sys_enter_fdatasync', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  perf.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => {
    perf.once('exit', () => resolve());
    perf.once('error', () => resolve());
  });
  return {
    async stop() {
      perf.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      const m = /^(\d+),.*sys_enter_fdatasync/m.exec(stderr);
      return m ? Number(m[1]) : null;
    },
  };
}

async function throughput(opts: Options): Promise<void> {
  console.log(`== 1. throughput: redis-benchmark -c ${opts.clients} -n ${opts.requests} -r 100000, median of ${opts.rounds} alternating round(s)`);
  console.log(['aof', 'test', 'P', 'redis ops/s', 'rp ops/s', 'ratio', 'redis p99/max ms', 'rp p99/max ms', 'writes/fdatasync redis rp'].join('\t'));
  for (const mode of opts.modes as Mode[]) {
    const targets: Record<Name, Target> = {
      redis: await startWithAof('redis', mode, freshDir(`tp-redis-${mode}`)),
      rustypotato: await startWithAof('rustypotato', mode, freshDir(`tp-rp-${mode}`)),
    };
    try {
      for (const name of NAMES) {
        // Auto-rewrites would land in some runs and not others: keep them out of this part.
        cli(targets[name].port, 'config', 'set', 'auto-aof-rewrite-percentage', '0');
      }
      for (const pipeline of [1, 16]) {
        for (const test of TESTS) {
          const samples: Record<Name, Sample[]> = { redis: [], rustypotato: [] };
          const syncs: Record<Name, number[]> = { redis: [], rustypotato: [] };
          for (let round = 0; round < opts.rounds; round++) {
            const order = round % 2 === 0 ? NAMES : [...NAMES].reverse();
            for (const name of order) {
              const counter = mode === 'always' ? countFdatasync(serverPid(targets[name])) : null;
              samples[name].push(runBenchmark(targets[name], test, pipeline, opts, 0));
              const n = counter === null ? null : await counter.stop();
              if (n !== null && n > 0) syncs[name].push(opts.requests / n);
            }
          }
          const perSync = (name: Name): string => (syncs[name].length > 0 ? fmt(median(syncs[name]), 1) : '-');
          const pick = (name: Name, k: keyof Sample): number => median(samples[name].map((s) => s[k]));
          console.log(
            [
              mode, test.toUpperCase(), pipeline, fmt(pick('redis', 'rps'), 0), fmt(pick('rustypotato', 'rps'), 0),
              fmt(pick('rustypotato', 'rps') / pick('redis', 'rps')),
              `${fmt(pick('redis', 'p99'), 3)}/${fmt(pick('redis', 'max'), 3)}`,
              `${fmt(pick('rustypotato', 'p99'), 3)}/${fmt(pick('rustypotato', 'max'), 3)}`,
              mode === 'always' ? `${perSync('redis')} ${perSync('rustypotato')}` : '',
            ].join('\t'),
          );
        }
      }
    } finally {
      for (const name of NAMES) await stop(targets[name]);
    }
  }
}

// ---------------------------------------------------------------- 2. load time

/** An AOF of `keys` SET commands, named as redis-benchmark -r names keys ("key:%012d"). */
function writeLoadFile(file: string, keys: number): number {
  const fd = fs.openSync(file, 'w');
  try {
    let chunk = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n';
    for (let i = 0; i < keys; i++) {
      const key = `key:${String(i).padStart(12, '0')}`;
      const value = `value:${i}:xxxxxxxx`;
      chunk += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}

/** Polls until PING answers PONG and DBSIZE is `keys`; returns the ms since `started`. */
async function waitLoaded(t: Target, keys: number, started: number, timeoutMs = 180000): Promise<{ pongMs: number; readyMs: number }> {
  // `started` is a performance.now() reading.
  const deadline = started + timeoutMs;
  let pongMs = NaN;
  while (performance.now() < deadline) {
    if (t.proc.exitCode !== null) throw new Error(`${t.name} exited while loading`);
    let c: LineClient;
    try {
      c = await LineClient.connect(t.port, 200);
    } catch {
      await sleep(2);
      continue;
    }
    try {
      while (performance.now() < deadline) {
        const pong = await c.call(['PING']);
        if (pong === '+PONG') {
          if (Number.isNaN(pongMs)) pongMs = performance.now() - started;
          const size = await c.call(['DBSIZE']);
          if (size === `:${keys}`) return { pongMs, readyMs: performance.now() - started };
        }
        await sleep(2);
      }
    } catch {
      // connection dropped: reconnect
    } finally {
      c.close();
    }
  }
  throw new Error(`${t.name} did not load ${keys} keys within ${timeoutMs} ms`);
}

async function loadTime(opts: Options, file: string): Promise<void> {
  const size = fs.statSync(file).size;
  console.log('');
  console.log(`== 2. start-up on an AOF of ${opts.keys} SET commands (${(size / (1 << 20)).toFixed(1)} MB), median of ${opts.rounds} round(s)`);
  const times: Record<Name, Array<{ pongMs: number; readyMs: number }>> = { redis: [], rustypotato: [] };
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? NAMES : [...NAMES].reverse();
    for (const name of order) {
      const dir = freshDir(`load-${name}`);
      fs.copyFileSync(file, path.join(dir, 'appendonly.aof'));
      const started = performance.now();
      const t = await startWithAof(name, 'everysec', dir, { noWait: true });
      try {
        times[name].push(await waitLoaded(t, opts.keys, started));
      } finally {
        await stop(t);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  console.log(['server', 'first PONG ms', 'PONG + DBSIZE ok ms', 'keys/s'].join('\t'));
  for (const name of NAMES) {
    const ready = median(times[name].map((x) => x.readyMs));
    console.log([name, fmt(median(times[name].map((x) => x.pongMs)), 0), fmt(ready, 0), fmt(opts.keys / (ready / 1000), 0)].join('\t'));
  }
  const ratio = median(times.rustypotato.map((x) => x.readyMs)) / median(times.redis.map((x) => x.readyMs));
  console.log(`ratio rustypotato/redis load time: ${fmt(ratio)} (lower is better)`);
}

// ---------------------------------------------------------------- 3. latency during BGREWRITEAOF

interface LatencyRun {
  benchMaxMs: number;
  benchP99Ms: number;
  benchRps: number;
  probeMaxMs: number;
  probeP999Ms: number;
  probeCount: number;
  /** The command's own reply time (includes Redis's fork). */
  replyMs: number;
  /** From the command until INFO shows the job done. */
  jobMs: number;
  /** The job ended before the load did. */
  jobInsideLoad: boolean;
}

function runBenchmarkAsync(port: number, requests: number, clients: number): Promise<{ rps: number; p99: number; max: number }> {
  const [cmd, args] = pinned(1, 'redis-benchmark', ['-p', String(port), '-c', String(clients), '-n', String(requests), '-P', '1', '-t', 'set', '-r', '1000000', '--csv']);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const row = out.trim().split('\n').filter((l) => !l.startsWith('"test"')).pop();
      if (!row) return reject(new Error(`no result from redis-benchmark: ${out}`));
      const cols = row.split(',').map((c) => Number(c.replace(/"/g, '')));
      resolve({ rps: cols[1], p99: cols[6], max: cols[7] });
    });
  });
}

/**
 * One SET at a time on its own connection until `stop()`; every request's latency. The probe runs
 * in a process of its own (this script with --probe-port, on the load generator's core): this
 * process blocks in execFileSync (redis-cli, taskset) while it watches the rewrite, and a probe
 * sharing its event loop would count those pauses as the server's.
 */
function startProbe(port: number): { stop: () => Promise<number[]> } {
  const [cmd, args] = pinned(1, process.execPath, [__filename, '--probe-port', String(port)]);
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    stop: async () => {
      child.stdin.end();
      await Promise.race([exited, sleep(10000)]);
      return out.trim() === '' ? [] : (JSON.parse(out) as number[]);
    },
  };
}

/** The probe process: SETs until its stdin closes, then prints the latencies (ms) as JSON. */
async function probeMain(port: number): Promise<void> {
  let stopping = false;
  process.stdin.on('end', () => (stopping = true)).resume();
  const latencies: number[] = [];
  const deadline = Date.now() + 300000;
  const c = await LineClient.connect(port);
  try {
    for (let i = 0; !stopping && Date.now() < deadline; i++) {
      const t0 = performance.now();
      await c.call(['SET', `probe:${i % 1000}`, 'v']);
      latencies.push(performance.now() - t0);
      // A short pause so that the probe samples time evenly without loading the server itself.
      await sleep(1);
    }
  } finally {
    c.close();
  }
  process.stdout.write(JSON.stringify(latencies.map((x) => Math.round(x * 1000) / 1000)));
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function infoValue(port: number, field: string): string | undefined {
  const line = cli(port, 'info', 'persistence').split(/\r?\n/).find((l) => l.startsWith(field + ':'));
  return line?.split(':')[1];
}

/**
 * Moves the server's background worker to `cpu`: Redis's fork()ed child, or our file-writer thread.
 * On this 2-core machine the server is pinned to CPU 0 and the worker inherits that, so the two
 * share one core unless moved; on a production machine the worker runs on another core. Returns
 * whether a worker was moved.
 */
function moveWorker(serverPid: number, cpu: number): boolean {
  let workers: string[] = [];
  try {
    workers = fs.readFileSync(`/proc/${serverPid}/task/${serverPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const tid of fs.readdirSync(`/proc/${serverPid}/task`)) {
      if (fs.readFileSync(`/proc/${serverPid}/task/${tid}/comm`, 'utf8').trim() === 'rp-image-writer') workers.push(tid);
    }
  } catch {
    return false;
  }
  let moved = false;
  for (const worker of workers) moved = spawnSync('taskset', ['-pc', String(cpu), worker], { stdio: 'ignore' }).status === 0 || moved;
  return moved;
}

type Job = 'BGREWRITEAOF' | 'BGSAVE';
const JOB_FIELDS: Record<Job, { inProgress: string; count: string; status: string }> = {
  BGREWRITEAOF: { inProgress: 'aof_rewrite_in_progress', count: 'aof_rewrites', status: 'aof_last_bgrewrite_status' },
  BGSAVE: { inProgress: 'rdb_bgsave_in_progress', count: 'rdb_saves', status: 'rdb_last_bgsave_status' },
};

async function latencyRun(t: Target, opts: Options, job: Job | null, workerCpu = -1): Promise<LatencyRun> {
  const probe = startProbe(t.port);
  const bench = runBenchmarkAsync(t.port, opts.rewriteLoad, opts.clients);
  let benchDone = false;
  void bench.then(() => (benchDone = true), () => (benchDone = true));
  let replyMs = NaN;
  let jobMs = NaN;
  let jobInsideLoad = true;
  if (job !== null) {
    const fields = JOB_FIELDS[job];
    await sleep(700);
    // rdb_saves is ours and Redis 7.0 has none: there, lastsave's change marks the end.
    const countBefore = infoValue(t.port, fields.count) ?? cli(t.port, 'lastsave').trim();
    const c = await LineClient.connect(t.port);
    const t0 = performance.now();
    const reply = await c.call([job]);
    replyMs = performance.now() - t0;
    c.close();
    if (workerCpu >= 0 && !moveWorker(t.proc.pid as number, workerCpu)) console.log(`   (${t.name}: no background worker found to move)`);
    if (!reply.startsWith('+')) throw new Error(`${t.name}: ${job}: ${reply}`);
    const deadline = Date.now() + 180000;
    while (Date.now() < deadline) {
      const inProgress = infoValue(t.port, fields.inProgress);
      const count = infoValue(t.port, fields.count) ?? cli(t.port, 'lastsave').trim();
      if (inProgress === '0' && count !== countBefore) break;
      await sleep(10);
    }
    jobMs = performance.now() - t0;
    jobInsideLoad = !benchDone;
    if (infoValue(t.port, fields.status) !== 'ok') throw new Error(`${t.name}: ${job} failed`);
  }
  const b = await bench;
  const lat = await probe.stop();
  return {
    benchMaxMs: b.max,
    benchP99Ms: b.p99,
    benchRps: b.rps,
    probeMaxMs: lat.reduce((m, x) => Math.max(m, x), 0),
    probeP999Ms: percentile(lat, 99.9),
    probeCount: lat.length,
    replyMs,
    jobMs,
    jobInsideLoad,
  };
}

async function rewriteLatency(opts: Options, file: string): Promise<void> {
  console.log('');
  console.log(`== 3. latency while BGREWRITEAOF / BGSAVE run with ${opts.keys} keys (appendfsync everysec): redis-benchmark -t set -P 1 -c ${opts.clients} -n ${opts.rewriteLoad} -r 1000000,`);
  console.log(`   plus a probe client (one SET at a time); the command is sent 0.7 s into the load. Redis rewrites with its default RDB preamble.`);
  console.log(`   "worker cpu1": the background worker (Redis: the fork()ed child; ours: the file-writer thread) is moved off the server's core right after the command.`);
  console.log(['server', 'run', 'bench ops/s', 'bench p99/max ms', 'probe p99.9/max ms', 'reply ms', 'job ms'].join('\t'));
  for (const name of NAMES) {
    const dir = freshDir(`rewrite-${name}`);
    fs.copyFileSync(file, path.join(dir, 'appendonly.aof'));
    const t = await startWithAof(name, 'everysec', dir);
    try {
      await waitLoaded(t, opts.keys, performance.now());
      cli(t.port, 'config', 'set', 'auto-aof-rewrite-percentage', '0');
      cli(t.port, 'config', 'set', 'save', '');
      const runs: Array<{ job: Job | null; workerCpu: number }> = [{ job: null, workerCpu: -1 }];
      for (const job of ['BGREWRITEAOF', 'BGSAVE'] as Job[]) {
        runs.push({ job, workerCpu: -1 });
        if (hasTaskset) runs.push({ job, workerCpu: 1 });
      }
      for (const { job, workerCpu } of runs) {
        const r = await latencyRun(t, opts, job, workerCpu);
        console.log(
          [
            name, job === null ? 'baseline' : `${job}${workerCpu >= 0 ? ', worker cpu1' : ''}`, fmt(r.benchRps, 0), `${fmt(r.benchP99Ms, 3)}/${fmt(r.benchMaxMs, 3)}`,
            `${fmt(r.probeP999Ms, 3)}/${fmt(r.probeMaxMs, 3)} (${r.probeCount} req)`,
            job !== null ? fmt(r.replyMs, 2) : '-',
            job !== null ? `${fmt(r.jobMs, 0)}${r.jobInsideLoad ? '' : ' (outlasted the load)'}` : '-',
          ].join('\t'),
        );
      }
    } finally {
      await stop(t);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const started = Date.now();
  console.log(`persistence bench${process.argv.includes('--quick') ? ' (--quick)' : ''}; taskset: ${hasTaskset ? 'servers cpu0 (their background workers too, unless moved), redis-benchmark cpu1' : 'no'}; temp dir ${tmpRoot}`);
  console.log('');
  if (opts.parts.includes('throughput')) await throughput(opts);
  if (!opts.parts.includes('load') && !opts.parts.includes('rewrite')) return;
  const file = path.join(tmpRoot, 'load.aof');
  writeLoadFile(file, opts.keys);
  if (opts.parts.includes('load')) await loadTime(opts, file);
  if (opts.parts.includes('rewrite')) await rewriteLatency(opts, file);
  console.log('');
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const probeAt = process.argv.indexOf('--probe-port');
(probeAt >= 0 ? probeMain(Number(process.argv[probeAt + 1])) : main()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
}).finally(() => {
  for (const t of running) t.proc.kill('SIGKILL');
});
