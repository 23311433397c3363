/**
 * The server process as an operator sees it: flags, start-up errors, SIGTERM/SIGINT and SHUTDOWN
 * (in-flight replies answered, exit 0), --max-connections, idle `timeout`, CONFIG SET port.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, serverScript, sleep } from './support/servers';

interface Running {
  proc: ChildProcess;
  port: number;
  output: () => string;
  exit: Promise<number | null>;
}

async function start(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const port = await freePort();
  const proc = spawn(process.execPath, [serverScript, '--port', String(port), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 10000;
  while (!out.includes('Ready to accept connections')) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`server did not start: ${out}`);
    await sleep(25);
  }
  return { proc, port, output: () => out, exit };
}

function stop(r: Running): void {
  if (r.proc.exitCode === null) r.proc.kill('SIGKILL');
}

/** Opens a connection, sends `request`, collects bytes until `expectBytes` arrived or it closes. */
function exchange(port: number, request: string, opts: { expectBytes?: number; timeoutMs?: number } = {}): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ data, closed });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 3000);
    s.on('connect', () => s.write(request));
    s.on('data', (d) => {
      data += d.toString('latin1');
      if (opts.expectBytes !== undefined && data.length >= opts.expectBytes) finish(false);
    });
    s.on('close', () => finish(true));
    s.on('error', (e) => {
      clearTimeout(timer);
      if ((e as NodeJS.ErrnoException).code === 'ECONNRESET') resolve({ data, closed: true });
      else reject(e);
    });
  });
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [serverScript, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 10000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('-V and --help print and exit 0', () => {
  const v = runCli(['-V']);
  assert.is(v.status, 0);
  assert.match(v.out, /^rustypotato-server \d+\.\d+\.\d+/);
  const h = runCli(['--help']);
  assert.is(h.status, 0);
  for (const flag of ['--port', '--bind', '--config', '--aof-path', '--max-connections', '--metrics-port', '--log-level', '--version']) {
    assert.ok(h.out.includes(flag), `help mentions ${flag}`);
  }
});

test('bad values exit non-zero naming their source', () => {
  const flag = runCli(['--port', 'abc']);
  assert.is.not(flag.status, 0);
  assert.match(flag.out, /--port/);
  const env = runCli([], { RUSTYPOTATO_PORT: 'seventy' });
  assert.is.not(env.status, 0);
  assert.match(env.out, /RUSTYPOTATO_PORT/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-conf-'));
  const file = path.join(dir, 'rustypotato.toml');
  fs.writeFileSync(file, '[server]\nport = 6379\nbogus_key = 1\n');
  const bad = runCli(['-c', file]);
  assert.is.not(bad.status, 0);
  assert.match(bad.out, /rustypotato\.toml:3/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('SIGTERM answers what is in flight, closes clients and exits 0', async () => {
  const r = await start();
  try {
    const reply = exchange(r.port, '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$4\r\nPING\r\n', { timeoutMs: 5000 });
    await sleep(200);
    r.proc.kill('SIGTERM');
    const got = await reply;
    assert.is(got.data, '+OK\r\n+PONG\r\n');
    assert.ok(got.closed, 'client connection closed by the shutdown');
    assert.is(await r.exit, 0);
  } finally {
    stop(r);
  }
});

test('SIGINT exits 0 too', async () => {
  const r = await start();
  try {
    r.proc.kill('SIGINT');
    assert.is(await r.exit, 0);
  } finally {
    stop(r);
  }
});

test('SHUTDOWN: bad options are errors; a valid one closes the connection without a reply and exits 0', async () => {
  const r = await start();
  try {
    assert.is((await exchange(r.port, 'SHUTDOWN BOGUS\r\n', { expectBytes: 1 })).data, '-ERR syntax error\r\n');
    const got = await exchange(r.port, 'PING\r\nSHUTDOWN NOSAVE\r\n', { timeoutMs: 5000 });
    assert.is(got.data, '+PONG\r\n');
    assert.ok(got.closed);
    assert.is(await r.exit, 0);
  } finally {
    stop(r);
  }
});

test('--max-connections refuses the next client with Redis\'s error', async () => {
  const r = await start(['--max-connections', '2']);
  const held: net.Socket[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const s = net.connect(r.port, '127.0.0.1');
      await new Promise((res) => s.once('connect', res));
      held.push(s);
    }
    await sleep(100);
    const third = await exchange(r.port, 'PING\r\n');
    assert.is(third.data, '-ERR max number of clients reached\r\n');
    assert.ok(third.closed);
    held.pop()?.destroy();
    await sleep(100);
    assert.is((await exchange(r.port, 'PING\r\n', { expectBytes: 7 })).data, '+PONG\r\n');
  } finally {
    for (const s of held) s.destroy();
    stop(r);
  }
});

test('idle clients are closed after `timeout` seconds', async () => {
  const r = await start();
  try {
    assert.is((await exchange(r.port, 'CONFIG SET timeout 1\r\n', { expectBytes: 5 })).data, '+OK\r\n');
    const started = Date.now();
    const idle = await exchange(r.port, 'PING\r\n', { timeoutMs: 5000 });
    assert.is(idle.data, '+PONG\r\n');
    assert.ok(idle.closed, 'idle client closed');
    const waited = Date.now() - started;
    assert.ok(waited >= 900 && waited < 4000, `closed after ${waited} ms`);
  } finally {
    stop(r);
  }
});

test('CONFIG SET port listens on the new port and keeps serving', async () => {
  const r = await start();
  try {
    const next = await freePort();
    assert.is((await exchange(r.port, `CONFIG SET port ${next}\r\n`, { expectBytes: 5 })).data, '+OK\r\n');
    await sleep(200);
    assert.is((await exchange(next, 'PING\r\n', { expectBytes: 7 })).data, '+PONG\r\n');
    assert.is((await exchange(next, 'CONFIG GET port\r\n', { expectBytes: 10 + String(next).length + 8 })).data, `*2\r\n$4\r\nport\r\n$${String(next).length}\r\n${next}\r\n`);
  } finally {
    stop(r);
  }
});

test('a client sending garbage does not disturb another client', async () => {
  const r = await start();
  try {
    const good = net.connect(r.port, '127.0.0.1');
    await new Promise((res) => good.once('connect', res));
    const bad = await exchange(r.port, '*1\r\n$abc\r\n');
    assert.is(bad.data, '-ERR Protocol error: invalid bulk length\r\n');
    assert.ok(bad.closed);
    const reply = new Promise<string>((res) => good.once('data', (d) => res(d.toString())));
    good.write('PING\r\n');
    assert.is(await reply, '+PONG\r\n');
    good.destroy();
  } finally {
    stop(r);
  }
});

test.run();
