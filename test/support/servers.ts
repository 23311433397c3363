/**
 * Starts the servers a test talks to: Debian's redis-server (the oracle) and RustyPotato (the
 * candidate), each on a free loopback port, as child processes that are always killed at the end —
 * by `stop()`, and as a last resort by a process 'exit' hook (SIGKILL) so that a failing or
 * crashing test never leaves a server behind.
 *
 * RP_CANDIDATE=redis makes the candidate a second redis-server (to prove the harness itself);
 * RP_CANDIDATE_ARGS adds arguments to the candidate's command line.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from './connection';

/** The repository root (this file is compiled to dist/test/support/servers.js). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const serverScript = path.join(repoRoot, 'dist', 'ts', 'bin', 'server.js');

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    for (const child of live) {
      try { child.kill('SIGKILL'); } catch { /* already gone */ }
    }
    process.exit(130);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ServerHandle {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  readonly kind: 'redis' | 'rustypotato';
  /** stdout+stderr so far (for failure reports). */
  output(): string;
  /** True once the process has exited. */
  exited(): boolean;
  connect(opts?: { recordRaw?: boolean }): Promise<Connection>;
  /** Resident set size in bytes, from /proc. */
  rssBytes(): number;
  stop(): Promise<void>;
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

interface StartSpec {
  name: string;
  kind: 'redis' | 'rustypotato';
  command: string;
  args: string[];
  port: number;
}

async function startProcess(spec: StartSpec, timeoutMs = 15000): Promise<ServerHandle> {
  const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot });
  live.add(child);
  let out = '';
  let exited = false;
  let ready = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  const onOut = (chunk: Buffer): void => {
    if (out.length < 200000) out += chunk.toString('utf8');
    if (out.includes('Ready to accept connections')) ready = true;
  };
  child.stdout?.on('data', onOut);
  child.stderr?.on('data', onOut);
  child.once('error', (e) => { out += `\nspawn error: ${e.message}`; exited = true; });

  const handle: ServerHandle = {
    name: spec.name,
    port: spec.port,
    pid: child.pid ?? -1,
    kind: spec.kind,
    output: () => out,
    exited: () => exited,
    connect: (opts) => Connection.connect(spec.port, { recordRaw: opts?.recordRaw }),
    rssBytes: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    },
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      await Promise.race([exitPromise, sleep(3000)]);
      if (!exited) {
        child.kill('SIGKILL');
        await Promise.race([exitPromise, sleep(3000)]);
      }
    },
  };

  // Ready when the banner line has appeared AND a connection is accepted (either alone can lie:
  // the banner may be cut by log levels, the port may be held by something else for a moment).
  const started = Date.now();
  const deadline = started + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    if (ready || Date.now() - started > 3000) {
      try {
        const c = await Connection.connect(spec.port, { timeoutMs: 500 });
        c.close();
        return handle;
      } catch { /* not yet */ }
    }
    await sleep(25);
  }
  await handle.stop();
  throw new Error(`${spec.name} did not start on port ${spec.port} (exited=${exited}). Output:\n${out.slice(-4000)}`);
}

export async function startRedis(extraArgs: string[] = [], name = 'redis'): Promise<ServerHandle> {
  const port = await freePort();
  return startProcess({
    name,
    kind: 'redis',
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...extraArgs],
    port,
  });
}

/** The candidate under test: RustyPotato, or a second redis-server when RP_CANDIDATE=redis. */
export async function startCandidate(extraArgs: string[] = []): Promise<ServerHandle> {
  const envArgs = (process.env.RP_CANDIDATE_ARGS ?? '').split(/\s+/).filter((s) => s.length > 0);
  if (process.env.RP_CANDIDATE === 'redis') return startRedis([...envArgs, ...extraArgs], 'candidate(redis)');
  if (!fs.existsSync(serverScript)) {
    throw new Error(`RustyPotato server not built: ${serverScript} is missing (run npx tsc -p .)`);
  }
  const port = await freePort();
  return startProcess({
    name: 'rustypotato',
    kind: 'rustypotato',
    command: process.execPath,
    args: [serverScript, '--port', String(port), '--bind', '127.0.0.1', ...envArgs, ...extraArgs],
    port,
  });
}

/** Both servers of a differential test. */
export interface ServerPair {
  oracle: ServerHandle;
  candidate: ServerHandle;
  stop(): Promise<void>;
}

export async function startPair(candidateArgs: string[] = [], oracleArgs: string[] = []): Promise<ServerPair> {
  const oracle = await startRedis(oracleArgs, 'redis');
  let candidate: ServerHandle;
  try {
    // A redis-server candidate (harness self-test) gets the oracle's settings, not RustyPotato's.
    candidate = await startCandidate(process.env.RP_CANDIDATE === 'redis' ? oracleArgs : candidateArgs);
  } catch (e) {
    await oracle.stop();
    throw e;
  }
  return {
    oracle,
    candidate,
    stop: async () => {
      await Promise.all([oracle.stop(), candidate.stop()]);
    },
  };
}

/**
 * The servers a test file starts: stop() ends one; stopAll() (in test.after) ends whatever a
 * failed test left running.
 */
export class ServerSet {
  private readonly running = new Set<ServerHandle>();

  async candidate(args: string[] = []): Promise<ServerHandle> {
    return this.track(await startCandidate(args));
  }

  async redis(args: string[] = []): Promise<ServerHandle> {
    return this.track(await startRedis(args));
  }

  track(s: ServerHandle): ServerHandle {
    this.running.add(s);
    return s;
  }

  /** A server that exited by itself (SHUTDOWN). */
  forget(s: ServerHandle): void {
    this.running.delete(s);
  }

  async stop(s: ServerHandle): Promise<void> {
    await s.stop();
    this.running.delete(s);
  }

  async stopAll(): Promise<void> {
    for (const s of this.running) await s.stop();
    this.running.clear();
  }
}
