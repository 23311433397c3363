/**
 * rustypotato-benchmark against RustyPotato and redis-server: the requests it reports are the
 * commands the server processed (INFO total_commands_processed, key counts, counter values), its
 * error count is the server's (total_error_replies), its percentiles agree with a known delay
 * (DEBUG SLEEP), and its table, quiet, CSV and JSON outputs have their documented shape. The
 * reply scanner and the request templates are also checked on their own.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runProcess } from './support/process';
import { BatchTemplate, encodeCommand } from '../ts/benchmark/command-template';
import { ReplyScanner } from '../ts/benchmark/reply-scanner';
import { selectTests } from '../ts/benchmark/suite';
import { reportError, usePair } from './support/harness';
import { Rng } from './support/random';
import { ServerHandle, freePort, repoRoot } from './support/servers';

const pair = usePair(test, [], ['--enable-debug-command', 'yes']);
const servers = (): ServerHandle[] => [pair().candidate, pair().oracle];
const tool = path.join(repoRoot, 'dist', 'ts', 'bin', 'benchmark.js');

interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runTool(args: string[], timeoutMs = 60000): Promise<ToolRun> {
  return runProcess(process.execPath, [tool, ...args], { timeoutMs });
}

async function runOk(server: ServerHandle, args: string[]): Promise<string> {
  const r = await runTool(['-p', String(server.port), ...args]);
  if (r.code !== 0) throw reportError(`${server.name}: rustypotato-benchmark ${args.join(' ')} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

interface JsonResult {
  test: string;
  requests: number;
  errors: number;
  first_error: string | null;
  seconds: number;
  rps: number;
  latency_ms: Record<'avg' | 'min' | 'p50' | 'p95' | 'p99' | 'p999' | 'max', number>;
}

async function runJson(server: ServerHandle, args: string[]): Promise<JsonResult[]> {
  const doc = JSON.parse(await runOk(server, ['--json', ...args])) as { results: JsonResult[] };
  return doc.results;
}

async function info(server: ServerHandle, field: string): Promise<number> {
  const c = await server.connect();
  try {
    const text = await c.text('INFO', 'stats');
    const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(text);
    if (m === null) throw new Error(`${server.name}: INFO stats has no ${field}`);
    return Number(m[1]);
  } finally {
    c.close();
  }
}

async function call(server: ServerHandle, ...args: string[]): Promise<string> {
  const c = await server.connect();
  try {
    return await c.text(...args);
  } finally {
    c.close();
  }
}

function checkLatencyOrder(r: JsonResult, where: string): void {
  const l = r.latency_ms;
  const order = [l.min, l.p50, l.p95, l.p99, l.p999, l.max];
  for (let i = 1; i < order.length; i++) {
    assert.ok(order[i - 1] <= order[i], `${where}: latencies out of order ${JSON.stringify(l)}`);
  }
  assert.ok(l.min <= l.avg && l.avg <= l.max, `${where}: avg outside [min, max] ${JSON.stringify(l)}`);
}

test('SET with -r: every request reaches the server (INFO delta) and writes keys inside the key space', async () => {
  for (const server of servers()) {
    await call(server, 'FLUSHALL');
    const before = await info(server, 'total_commands_processed');
    const [set] = await runJson(server, ['-t', 'set', '-n', '1000', '-r', '100', '-c', '10', '-P', '3']);
    // The INFO that read `before` is itself counted once by the second INFO.
    const after = await info(server, 'total_commands_processed');
    assert.is(set.test, 'SET');
    assert.is(set.requests, 1000, `${server.name}: requests reported`);
    assert.is(set.errors, 0, `${server.name}: errors`);
    assert.is(after - before - 1, 1000, `${server.name}: commands the server processed`);
    const c = await server.connect();
    try {
      const keys = (await c.call(['KEYS', '*'])).value;
      if (keys.type !== 'array' || keys.value === null) throw new Error('KEYS did not answer an array');
      const names = keys.value.map((k) => (k.type === 'bulk' && k.value !== null ? k.value.toString('latin1') : '?'));
      for (const name of names) assert.match(name, /^key:0000000000\d\d$/, `${server.name}: key name`);
      // 1000 draws from 100 keys miss any given key with probability 0.99^1000 ≈ 4e-5.
      assert.ok(names.length >= 95 && names.length <= 100, `${server.name}: ${names.length} keys`);
      assert.is(await c.text('STRLEN', names[0]), '3', 'the default value size is 3 bytes');
    } finally {
      c.close();
    }
  }
});

test('INCR without -r hits one counter: its value is exactly the request count (pipelined tail, threads)', async () => {
  for (const server of servers()) {
    for (const extra of [['-P', '7'], ['-P', '5', '--threads', '3']]) {
      await call(server, 'FLUSHALL');
      const [incr] = await runJson(server, ['-t', 'incr', '-n', '1000', '-c', '8', ...extra]);
      assert.is(incr.requests, 1000, `${server.name} ${extra.join(' ')}`);
      assert.is(await call(server, 'GET', 'counter:__rand_int__'), '1000', `${server.name} ${extra.join(' ')}: counter`);
    }
  }
});

test('errors: every error reply is counted (successes + errors = requests; redis-server\'s total_error_replies)', async () => {
  for (const server of servers()) {
    await call(server, 'FLUSHALL');
    // Half of the keys hold a non-integer: INCR fails on them, succeeds on the other.
    await call(server, 'SET', 'n:000000000000', 'not a number');
    const errorsBefore = await info(server, 'total_error_replies');
    const [incr] = await runJson(server, ['-n', '400', '-c', '4', '-P', '4', '-r', '2', 'INCR', 'n:__rand_int__']);
    const errorsAfter = await info(server, 'total_error_replies');
    const successes = Number(await call(server, 'GET', 'n:000000000001'));
    assert.is(incr.requests, 400);
    assert.ok(incr.errors > 100 && incr.errors < 300, `${server.name}: ${incr.errors} errors of 400 with two equally likely keys`);
    // RustyPotato's INFO does not count error replies yet (total_error_replies stays 0).
    if (server.kind === 'redis') assert.is(incr.errors, errorsAfter - errorsBefore, `${server.name}: errors vs total_error_replies`);
    assert.is(incr.errors + successes, 400, `${server.name}: errors + successful INCRs`);
    assert.is(incr.first_error, 'ERR value is not an integer or out of range');

    const [unknown] = await runJson(server, ['-n', '50', '-c', '2', 'NOSUCHCOMMAND', 'x']);
    assert.is(unknown.errors, 50);
    assert.match(unknown.first_error ?? '', /^ERR unknown command 'NOSUCHCOMMAND'/);
    const quiet = await runOk(server, ['-n', '50', '-c', '2', '-q', 'NOSUCHCOMMAND', 'x']);
    assert.match(quiet, /^NOSUCHCOMMAND x: [\d.]+ requests per second, p50=[\d.]+ msec \(50 errors\)\n$/);
  }
});

test('percentiles: DEBUG SLEEP 0.02 with one client measures 20 ms per request', async () => {
  for (const server of servers()) {
    const [sleep] = await runJson(server, ['-c', '1', '-n', '15', 'DEBUG', 'SLEEP', '0.02']);
    assert.is(sleep.errors, 0, `${server.name}: ${sleep.first_error}`);
    assert.is(sleep.test, 'DEBUG SLEEP 0.02');
    const l = sleep.latency_ms;
    assert.ok(l.min >= 20, `${server.name}: min ${l.min} ms`);
    assert.ok(l.p50 >= 20 && l.p50 < 60, `${server.name}: p50 ${l.p50} ms`);
    checkLatencyOrder(sleep, server.name);
    // 15 sequential requests of ≥ 20 ms cannot finish faster than 50 per second.
    assert.ok(sleep.rps <= 50 && sleep.rps > 10, `${server.name}: ${sleep.rps} requests per second`);
    // Pipelined: latency runs from the write of the batch; both servers execute the 3 sleeps of a
    // batch one after the other before writing the replies, so every request takes 60 ms or more.
    const [piped] = await runJson(server, ['-c', '1', '-n', '9', '-P', '3', 'DEBUG', 'SLEEP', '0.02']);
    assert.ok(piped.latency_ms.min >= 60 && piped.latency_ms.p50 < 120, `${server.name}: pipelined ${JSON.stringify(piped.latency_ms)}`);
    assert.ok(piped.rps <= 50, `${server.name}: pipelined ${piped.rps} requests per second`);
  }
});

test('the default suite runs every redis-benchmark test without an error (CSV shape)', async () => {
  const titles = selectTests(null, 'xxx', false).map((t) => t.title);
  assert.is(titles.length, 20);
  for (const server of servers()) {
    await call(server, 'FLUSHALL');
    const csv = await runOk(server, ['-n', '300', '-c', '5', '-P', '2', '-r', '1000', '--csv']);
    const lines = csv.trimEnd().split('\n');
    assert.is(lines[0], '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms","p999_latency_ms","errors"');
    assert.is(lines.length, 21, `${server.name}: header and one line per test`);
    lines.slice(1).forEach((line, i) => {
      const cells = line.split('","').map((c) => c.replace(/^"|"$/g, ''));
      assert.is(cells.length, 10, line);
      assert.is(cells[0], titles[i]);
      for (const cell of cells.slice(1, 9)) assert.match(cell, /^\d+\.\d{3}$|^\d+\.\d{2}$/, `${server.name}: ${line}`);
      assert.is(cells[9], '0', `${server.name}: errors in ${line}`);
    });
    assert.is(await call(server, 'LLEN', 'mylist'), '300', `${server.name}: LPUSH 300 + RPUSH 300 - LPOP 300 - RPOP 300 + LPUSH (LRANGE) 300`);
  }
});

test('table and JSON outputs; --dbnum selects the database', async () => {
  const server = pair().candidate;
  await call(server, 'FLUSHALL');
  const table = await runOk(server, ['-t', 'set,get', '-n', '200', '-c', '4', '--dbnum', '3']);
  assert.match(table, /^127\.0\.0\.1:\d+: 4 clients, 200 requests per test, pipeline 1, 3-byte values, fixed keys, 1 thread\n/);
  for (const head of ['test', 'requests', 'ops/s', 'avg ms', 'p50 ms', 'p95 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors']) assert.ok(table.includes(head), head);
  assert.match(table, /│ SET +│ +200 │ +[\d.]+ │/);
  assert.match(table, /│ GET +│ +200 │ +[\d.]+ │/);
  assert.is(await call(server, 'DBSIZE'), '0', 'db 0 untouched');
  const c = await server.connect();
  try {
    await c.call(['SELECT', '3']);
    assert.is(await c.text('DBSIZE'), '1');
  } finally {
    c.close();
  }
  const doc = JSON.parse(await runOk(server, ['-t', 'ping', '-n', '100', '-c', '2', '--json'])) as Record<string, unknown>;
  assert.equal(Object.keys(doc), ['target', 'settings', 'results']);
  assert.equal(doc.settings, { clients: 2, requests: 100, pipeline: 1, data_size: 3, keyspace: 0, threads: 1 });
  const results = doc.results as JsonResult[];
  assert.equal(results.map((r) => r.test), ['PING_INLINE', 'PING_MBULK']);
  for (const r of results) {
    assert.equal(Object.keys(r), ['test', 'requests', 'errors', 'first_error', 'seconds', 'rps', 'latency_ms']);
    assert.equal(Object.keys(r.latency_ms), ['avg', 'min', 'p50', 'p95', 'p99', 'p999', 'max']);
    assert.ok(Math.abs(r.rps - r.requests / r.seconds) < 0.01 * r.rps, 'rps = requests / seconds');
    checkLatencyOrder(r, r.test);
  }
});

test('--compare runs both servers for the same number of rounds and reports ours/theirs', async () => {
  const { candidate, oracle } = pair();
  for (const server of [candidate, oracle]) await call(server, 'FLUSHALL');
  const doc = JSON.parse(await runOk(candidate, ['--compare', `127.0.0.1:${oracle.port}`, '--rounds', '2', '-t', 'incr', '-n', '500', '-c', '5', '--json'])) as {
    target: string; compare: string; rounds: number;
    results: Array<{ test: string; target: JsonResult; compare: JsonResult; ratio: { rps: number; latency_ms: Record<string, number> } }>;
  };
  assert.is(doc.target, `127.0.0.1:${candidate.port}`);
  assert.is(doc.compare, `127.0.0.1:${oracle.port}`);
  assert.is(doc.rounds, 2);
  const [incr] = doc.results;
  assert.is(incr.test, 'INCR');
  assert.is(incr.target.requests, 1000);
  assert.is(incr.compare.requests, 1000);
  for (const server of [candidate, oracle]) assert.is(await call(server, 'GET', 'counter:__rand_int__'), '1000', server.name);
  assert.ok(Math.abs(incr.ratio.rps - incr.target.rps / incr.compare.rps) < 1e-3 * incr.ratio.rps);
  assert.ok(Math.abs(incr.ratio.latency_ms.p50 - incr.target.latency_ms.p50 / incr.compare.latency_ms.p50) < 1e-9);

  const table = await runOk(candidate, ['--compare', `127.0.0.1:${oracle.port}`, '--rounds', '1', '-t', 'get', '-n', '100', '-c', '2']);
  assert.match(table, /│ GET +│ 127\.0\.0\.1:\d+ +│ +100 │/);
  assert.match(table, /│ +│ ratio +│ +│ +[\d.]+x │/);
  assert.ok(table.includes(`ratio = 127.0.0.1:${candidate.port} / 127.0.0.1:${oracle.port}`));
});

test('a progress bar on a terminal (through script(1)), none when stderr is not one', async () => {
  const server = pair().candidate;
  const args = ['-p', String(server.port), '-t', 'get', '-n', '20000', '-c', '4', '-q'];
  const plain = await runTool(args);
  assert.is(plain.stderr, '', 'no progress output without a terminal');
  if (spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0) {
    process.stderr.write('script(1) not found: terminal check skipped\n');
    return;
  }
  const commandLine = [process.execPath, tool, ...args].map((a) => `'${a}'`).join(' ');
  const tty = await new Promise<string>((resolve) => {
    const child = spawn('script', ['-qec', commandLine, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
  // eslint-disable-next-line no-control-regex
  const text = tty.replace(/\x1b\[[0-9;?]*[a-zA-Z]|\x1b[78]/g, '');
  assert.match(text, new RegExp(`GET @ 127\\.0\\.0\\.1:${server.port} [█░]+ \\d+% \\| \\d+/20000 \\| [-\\d,]+ ops/s`));
  assert.match(text, /GET: [\d.]+ requests per second/);
});

test('usage and connection errors exit 1 with a message', async () => {
  const refused = await runTool(['-p', String(await freePort()), '-n', '10', '-t', 'ping']);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /Could not connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  const unknownTest = await runTool(['-t', 'set,nosuch']);
  assert.is(unknownTest.code, 1);
  assert.match(unknownTest.stderr, /unknown test nosuch/);
  const twoFormats = await runTool(['--csv', '--json']);
  assert.is(twoFormats.code, 1);
  const help = await runTool(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^Usage: rustypotato-benchmark/);
  const server = pair().candidate;
  const wrongPassword = await runTool(['-p', String(server.port), '-a', 'nope', '-n', '10', '-t', 'ping']);
  assert.is(wrongPassword.code, 1);
  assert.match(wrongPassword.stderr, /refused a setup command: ERR AUTH/);
});

/** Replies of every kind with whether each is a top-level error. */
const REPLIES: Array<[string, boolean]> = [
  ['+OK\r\n', false],
  ['-ERR unknown command\r\n', true],
  [':12345\r\n', false],
  ['$5\r\nhello\r\n', false],
  ['$-1\r\n', false],
  ['$0\r\n\r\n', false],
  ['$6\r\na\r\nb\r\n\r\n', false],
  ['*0\r\n', false],
  ['*-1\r\n', false],
  ['*3\r\n$1\r\na\r\n:1\r\n*2\r\n+x\r\n-ERR nested errors do not count\r\n', false],
  ['*2\r\n*1\r\n*1\r\n$-1\r\n*0\r\n', false],
  ['%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n_\r\n', false],
  ['~2\r\n,1.5\r\n#t\r\n', false],
  ['(12345678901234567890\r\n', false],
  ['=15\r\ntxt:Some string\r\n', false],
  ['!21\r\nSYNTAX invalid syntax\r\n', true],
  ['|1\r\n+ttl\r\n:3600\r\n$3\r\nval\r\n', false],
  ['>2\r\n+message\r\n+hi\r\n', false],
];

test('ReplyScanner: counts replies and errors for any split of the stream', () => {
  const rng = new Rng(6);
  for (let round = 0; round < 200; round++) {
    const picks = Array.from({ length: rng.int(1, 40) }, () => REPLIES[rng.int(0, REPLIES.length - 1)]);
    const stream = Buffer.from(picks.map(([text]) => text).join(''), 'latin1');
    const scanner = new ReplyScanner();
    let completed = 0;
    for (let at = 0; at < stream.length;) {
      const size = round % 4 === 0 ? 1 : rng.int(1, 12);
      // A reused buffer, as with onread: bytes beyond `size` are garbage from earlier reads.
      const chunk = Buffer.alloc(64, 0x2a);
      stream.copy(chunk, 0, at, Math.min(stream.length, at + size));
      completed += scanner.scan(chunk, 0, Math.min(size, stream.length - at));
      at += size;
    }
    assert.is(completed, picks.length, `round ${round}: ${JSON.stringify(stream.toString('latin1'))}`);
    assert.is(scanner.errors, picks.filter(([, isError]) => isError).length);
    assert.ok(scanner.idle);
    const firstError = picks.find(([, isError]) => isError);
    if (firstError === undefined) assert.is(scanner.firstError, null);
    else assert.is(scanner.firstError, firstError[0].startsWith('-') ? firstError[0].slice(1, -2) : 'SYNTAX invalid syntax');
  }
  assert.throws(() => new ReplyScanner().scan(Buffer.from('?x\r\n'), 0, 4), /protocol error/);
});

test('BatchTemplate: pipeline copies, random 12-digit numbers inside the key space, prefix batches', () => {
  const command = encodeCommand(['SET', 'key:__rand_int__', 'v', 'element:__rand_int__']);
  const fixed = new BatchTemplate(command, 4, 0);
  assert.is(fixed.batch(4).toString('latin1'), command.toString('latin1').repeat(4));
  assert.is(fixed.batch(2).toString('latin1'), command.toString('latin1').repeat(2));
  assert.not.ok(fixed.rewritesKeys);
  const random = new BatchTemplate(command, 3, 37);
  assert.ok(random.rewritesKeys);
  const seen = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const text = random.batch(3).toString('latin1');
    const numbers = [...text.matchAll(/(?:key|element):(\d+)\r\n/g)].map((m) => m[1]);
    assert.is(numbers.length, 6, text);
    for (const n of numbers) {
      assert.is(n.length, 12);
      assert.ok(Number(n) < 37, n);
      seen.add(n);
    }
  }
  assert.is(seen.size, 37, 'every number of the key space turns up');
  const clone = random.clone();
  assert.match(clone.bytes.toString('latin1'), /key:__rand_int__/, 'a clone starts from the placeholders');
});

test.run();
