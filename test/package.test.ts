/**
 * The npm package installs and starts on a machine with no compiler: `npm pack`, then
 * `npm install ./rustypotato-*.tgz` into an empty folder with g++/gcc/cc/make/clang hidden from PATH,
 * then `npx rustypotato-server` answers PING.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const COMPILERS = /^(g\+\+|gcc|cc|c\+\+|make|gmake|clang|clang\+\+|cpp|ld)(-[\d.]+)?$|^x86_64-linux-gnu-(g\+\+|gcc|cpp)/;

/** A PATH of symlinks to every program on the real PATH except compilers and make. */
function compilerFreePath(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const p of (process.env.PATH ?? '').split(':')) {
    if (!p || !fs.existsSync(p)) continue;
    for (const name of fs.readdirSync(p)) {
      if (COMPILERS.test(name) || fs.existsSync(path.join(dir, name))) continue;
      try {
        fs.symlinkSync(path.join(p, name), path.join(dir, name));
      } catch {
        // unreadable entry: skip
      }
    }
  }
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString());
    });
    s.once('error', reject);
  });
}

test('npm pack -> npm install without a compiler -> npx rustypotato-server answers PING', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-pack-'));
  const child: { proc?: ReturnType<typeof spawn> } = {};
  try {
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop() as string;
    const tgz = path.join(work, packed);
    assert.ok(fs.existsSync(tgz), `npm pack produced ${tgz}`);
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const PATH = compilerFreePath(path.join(work, 'bin'));
    const env = { ...process.env, PATH, npm_config_nodedir: '/nonexistent' };
    for (const tool of ['g++', 'gcc', 'make', 'cc']) {
      assert.not.ok(fs.existsSync(path.join(PATH, tool)), `${tool} still reachable`);
    }
    execFileSync('npm', ['install', '--no-audit', '--no-fund', tgz], { cwd: app, env, stdio: 'pipe' });
    assert.not.ok(fs.existsSync(path.join(app, 'node_modules', 'rustypotato', 'build')), 'the engine was compiled instead of using the prebuild');
    const port = await freePort();
    child.proc = spawn('npx', ['rustypotato-server', '--port', String(port)], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.proc.stdout?.on('data', (d) => (output += d));
    child.proc.stderr?.on('data', (d) => (output += d));
    const deadline = Date.now() + 20000;
    while (!output.includes('Ready to accept connections')) {
      if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.is(await ping(port), '+PONG\r\n');
  } finally {
    // npx runs the server as its child: end the whole process group.
    if (child.proc?.pid) {
      try {
        process.kill(-child.proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test.run();
