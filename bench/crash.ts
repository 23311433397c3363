/**
 * Crash bench, side by side with redis-server:
 *
 * 1. SIGKILL rounds (more than the CI test's 24): a writer keeps 8 INCRs of one counter in flight,
 *    the server is killed with SIGKILL after a random 20–300 ms, restarted on the same files, and
 *    the counter must hold every acknowledged INCR and no more than were sent. Under `always` and
 *    `everysec`; the table says how many rounds lost an acknowledged write.
 * 2. The `everysec` window: how long an acknowledged write can sit in the page cache before an
 *    fdatasync covering it ends (what a power loss could take). perf trace records the server's
 *    fdatasync() calls on its AOF during redis-benchmark -t set -P 1 -c 50; with writes all the
 *    time, the worst write is the one just after an fdatasync started, covered when the next one
 *    ends. Needs perf.
 *
 *   node dist/bench/crash.js [--rounds N] [--requests N]
 *
 * Everything listens on 127.0.0.1; each server's files live in a temp dir removed at the end.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fmt, parseBenchOptions, pinned, serverPid, startTarget, type Target } from './side-by-side';

type Options = { rounds: number; requests: number };
type Name = 'redis' | 'rustypotato';
type Policy = 'always' | 'everysec';
const NAMES: Name[] = ['redis', 'rustypotato'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-bench-crash-'));
const running = new Set<Target>();
process.on('exit', () => {
  for (const t of running) t.proc.kill('SIGKILL');
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

/** Starts a server on the AOF in `dir`; returns once it answers PING (not -LOADING). */
async function startWithAof(name: Name, policy: Policy, dir: string): Promise<Target> {
  const t =
    name === 'redis'
      ? await startTarget('redis', { args: ['--appendonly', 'yes', '--appendfsync', policy, '--dir', dir, '--appendfilename', 'crash.aof', '--auto-aof-rewrite-percentage', '0'] })
      : await startTarget('rustypotato', { args: ['--aof-path', path.join(dir, 'crash.aof')], env: { RUSTYPOTATO_AOF_FSYNC: policy } });
  running.add(t);
  for (const deadline = Date.now() + 30000; ; await sleep(10)) {
    if (execFileSync('redis-cli', ['-p', String(t.port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG') return t;
    if (Date.now() > deadline) throw new Error(`${name} did not answer PING after loading`);
  }
}

async function kill(t: Target): Promise<void> {
  running.delete(t);
  if (t.proc.exitCode !== null || t.proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => t.proc.once('exit', () => resolve()));
  process.kill(serverPid(t), 'SIGKILL');
  await Promise.race([exited, sleep(5000)]);
}

/** Integer replies (":n\r\n") of one connection, counted as they arrive. */
function counterClient(port: number): Promise<{ socket: net.Socket; replies: () => number; last: () => number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let count = 0;
    let last = 0;
    let carry = '';
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      const text = carry + d.toString('latin1');
      const lines = text.split('\r\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(':')) {
          count++;
          last = Number(line.slice(1));
        }
      }
    });
    socket.once('connect', () => resolve({ socket, replies: () => count, last: () => last }));
    socket.once('error', reject);
  });
}

/** One round; returns whether every acknowledged INCR survived (and nothing beyond what was sent). */
async function crashRound(name: Name, policy: Policy, dir: string, killAfterMs: number): Promise<{ ok: boolean; acked: number }> {
  const t = await startWithAof(name, policy, dir);
  const c = await counterClient(t.port);
  c.socket.write('*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n');
  for (const deadline = Date.now() + 10000; c.replies() === 0; await sleep(1)) {
    if (Date.now() > deadline) throw new Error(`${name}: no reply to the first INCR`);
  }
  const before = c.last() - 1;
  const firstReplies = c.replies();
  let sent = 1;
  const deadline = Date.now() + killAfterMs;
  // 8 INCRs in flight until the kill.
  while (Date.now() < deadline) {
    while (sent - c.replies() < 8) {
      c.socket.write('*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n');
      sent++;
    }
    await sleep(0);
  }
  await kill(t);
  await sleep(50); // replies already in the socket count as acknowledged
  const acked = c.replies() - firstReplies + 1;
  c.socket.destroy();
  const again = await startWithAof(name, policy, dir);
  const value = Number(execFileSync('redis-cli', ['-p', String(again.port), 'get', 'counter'], { encoding: 'utf8' }).trim() || '0');
  await kill(again);
  return { ok: value >= before + acked && value <= before + sent, acked };
}

async function crashRounds(opts: Options): Promise<void> {
  console.log(`== 1. SIGKILL at a random 20–300 ms into a writer with 8 INCRs in flight, ${opts.rounds} rounds per server and policy`);
  console.log(['server', 'appendfsync', 'rounds', 'rounds that lost an acknowledged write', 'acknowledged INCRs per round (mean)'].join('\t'));
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (const policy of ['always', 'everysec'] as Policy[]) {
    for (const name of NAMES) {
      const dir = fs.mkdtempSync(path.join(tmpRoot, `${name}-${policy}-`));
      let lost = 0;
      let acked = 0;
      for (let round = 0; round < opts.rounds; round++) {
        const r = await crashRound(name, policy, dir, 20 + Math.floor(random() * 280));
        if (!r.ok) lost++;
        acked += r.acked;
      }
      console.log([name, policy, opts.rounds, lost, fmt(acked / opts.rounds, 0)].join('\t'));
    }
  }
}

/** The descriptors a process has open on files whose names end in .aof. */
function aofDescriptors(pid: number): Set<string> {
  const fds = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).endsWith('.aof')) fds.add(fd);
    } catch {
      // closed meanwhile
    }
  }
  return fds;
}

/** fdatasync() calls on the AOF descriptors, from perf trace's output: [start, end] ms. */
function parseSyncs(text: string, aofFds: Set<string>): Array<[number, number]> {
  const syncs: Array<[number, number]> = [];
  for (const line of text.split('\n')) {
    const m = /^\s*([\d.]+) \(\s*([\d.]+) ms\): \S+ fdatasync\(fd: (\d+)/.exec(line);
    if (m && aofFds.has(m[3])) syncs.push([Number(m[1]), Number(m[1]) + Number(m[2])]);
  }
  return syncs.sort((a, b) => a[0] - b[0]);
}

async function fsyncWindow(opts: Options): Promise<void> {
  console.log('');
  console.log(`== 2. everysec under redis-benchmark -t set -P 1 -c 50 -n ${opts.requests}: the AOF's fdatasync calls (perf trace).`);
  console.log('   Writes go on all the time, so a write made just after an fdatasync started waits for the next one to end:');
  console.log('   the window is at most (start of the next fdatasync + its duration) - start of this one.');
  console.log(['server', 'fdatasyncs', 'gap p50 / max ms', 'fdatasync max ms', 'window max ms'].join('\t'));
  for (const name of NAMES) {
    const dir = fs.mkdtempSync(path.join(tmpRoot, `${name}-window-`));
    const t = await startWithAof(name, 'everysec', dir);
    const traceFile = path.join(dir, 'trace.txt');
    const aofFds = aofDescriptors(serverPid(t));
    // Only fdatasync is traced: tracing every write() too makes perf lose events at this rate.
    const perf = spawn('perf', ['trace', '-e', 'fdatasync', '-p', String(serverPid(t)), '-o', traceFile], { stdio: 'ignore' });
    const perfExited = new Promise<void>((resolve) => {
      perf.once('exit', () => resolve());
      perf.once('error', () => resolve());
    });
    await sleep(500);
    const [cmd, args] = pinned(1, 'redis-benchmark', ['-p', String(t.port), '-t', 'set', '-P', '1', '-c', '50', '-n', String(opts.requests), '-r', '100000', '-q']);
    execFileSync(cmd, args, { stdio: 'ignore' });
    perf.kill('SIGINT');
    await Promise.race([perfExited, sleep(5000)]);
    await kill(t);
    const syncs = parseSyncs(fs.existsSync(traceFile) ? fs.readFileSync(traceFile, 'utf8') : '', aofFds);
    if (syncs.length < 2) {
      console.log([name, syncs.length, 'not measured (perf trace unavailable, or the run was too short)'].join('\t'));
      continue;
    }
    const gaps: number[] = [];
    let window = 0;
    for (let i = 0; i + 1 < syncs.length; i++) {
      gaps.push(syncs[i + 1][0] - syncs[i][0]);
      window = Math.max(window, syncs[i + 1][1] - syncs[i][0]);
    }
    gaps.sort((a, b) => a - b);
    const longest = Math.max(...syncs.map(([a, b]) => b - a));
    console.log([name, syncs.length, `${fmt(gaps[Math.floor(gaps.length / 2)], 0)} / ${fmt(gaps[gaps.length - 1], 0)}`, fmt(longest, 1), fmt(window, 0)].join('\t'));
  }
}

async function main(): Promise<void> {
  const opts = parseBenchOptions<Options>(process.argv.slice(2), { rounds: 100, requests: 200000 }, { quick: { rounds: 10, requests: 50000 } });
  const started = Date.now();
  console.log(`crash bench; temp dir ${tmpRoot}`);
  console.log('');
  if (opts.rounds > 0) await crashRounds(opts);
  await fsyncWindow(opts);
  console.log('');
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
