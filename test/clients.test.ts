/**
 * Real clients against RustyPotato, compared with the same client against redis-server:
 * redis-cli (arguments, stdin, --pipe, -3, --no-raw), redis-benchmark, ioredis v6 with default
 * options (RESP3 via HELLO 3) and node-redis v5 (RESP2 default and RESP3).
 */
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { reportError, usePair } from './support/harness';
import { runProcess, type ProcessResult } from './support/process';
import { encodeCommand } from './support/resp';
import { ServerHandle } from './support/servers';

const p = usePair(test);

type RunResult = ProcessResult;

function run(cmd: string, args: string[], input?: Buffer | string, timeoutMs = 60000): Promise<RunResult> {
  return runProcess(cmd, args, { input: input ?? '', timeoutMs, encoding: 'latin1' });
}

function show(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : Buffer.isBuffer(v) ? `<Buffer ${v.toString('hex')}>` : v instanceof Map ? Object.fromEntries(v) : v));
}

/** Compares two client scripts' observations step by step, reporting only the steps that differ. */
function sameOutputs(actual: unknown[], expected: unknown[]): void {
  const diffs: string[] = [];
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    const a = show(actual[i]);
    const e = show(expected[i]);
    if (a !== e) diffs.push(`step ${i}:\n    redis:       ${e.slice(0, 600)}\n    rustypotato: ${a.slice(0, 600)}`);
  }
  if (diffs.length > 0) throw reportError(`${diffs.length} step(s) differ:\n` + diffs.join('\n'));
}

const mask = (s: string, server: ServerHandle): string => s.split(String(server.port)).join('<port>');

async function cliBoth(args: string[], input?: string | Buffer): Promise<string | null> {
  const pair = p();
  const [o, c] = await Promise.all([
    run('redis-cli', ['-p', String(pair.oracle.port), ...args], input),
    run('redis-cli', ['-p', String(pair.candidate.port), ...args], input),
  ]);
  const os = `exit ${o.code}\n${mask(o.stdout, pair.oracle)}${mask(o.stderr, pair.oracle)}`;
  const cs = `exit ${c.code}\n${mask(c.stdout, pair.candidate)}${mask(c.stderr, pair.candidate)}`;
  return os === cs ? null : `redis-cli ${args.join(' ')}${input !== undefined ? ' <stdin>' : ''}\n--- redis:\n${os}\n--- ${pair.candidate.name}:\n${cs}`;
}

async function flushBoth(): Promise<void> {
  const pair = p();
  for (const s of [pair.oracle, pair.candidate]) {
    const c = await s.connect();
    await c.call(['FLUSHALL']);
    c.close();
  }
}

test('redis-cli: commands as arguments, raw and --no-raw output, -3', async () => {
  await flushBoth();
  const problems: string[] = [];
  const commands: string[][] = [
    ['PING'], ['SET', 'a', 'hello world'], ['GET', 'a'], ['GET', 'missing'], ['INCR', 'n'], ['INCRBYFLOAT', 'f', '1.5'], ['MGET', 'a', 'n', 'missing'],
    ['SET', 'e', 'v', 'EX', '100'], ['TTL', 'e'], ['EXISTS', 'a', 'e'], ['KEYS', 'a'], ['TYPE', 'a'], ['NOSUCH', 'x'], ['GET'], ['INCR', 'a'],
    ['OBJECT', 'ENCODING', 'n'], ['LCS', 'a', 'a', 'IDX'], ['CONFIG', 'GET', 'timeout'], ['DEL', 'a', 'n', 'f', 'e'], ['DBSIZE'], ['ECHO', 'a\nb'],
  ];
  for (const mode of [[], ['--no-raw'], ['-3', '--no-raw'], ['-3']]) {
    for (const cmd of commands) {
      const d = await cliBoth([...mode, ...cmd]);
      if (d) problems.push(d);
    }
  }
  if (problems.length > 0) throw reportError(problems.join('\n'));
});

test('redis-cli: commands from stdin, and HELLO under -3', async () => {
  await flushBoth();
  const problems: string[] = [];
  const script = 'SET a 1\nINCR a\nGET a\nSET "b c" "d e"\nGET "b c"\nMGET a "b c" x\nNOSUCH\nDEL a "b c"\n';
  for (const mode of [[], ['--no-raw'], ['-3', '--no-raw']]) {
    const d = await cliBoth(mode, script);
    if (d) problems.push(d);
  }
  // HELLO's id and server fields legitimately differ; check the shape under -3.
  const pair = p();
  const hello = await run('redis-cli', ['-3', '--no-raw', '-p', String(pair.candidate.port), 'HELLO']);
  assert.match(hello.stdout, /"proto"\s*\n?.*3|proto.*=> \(integer\) 3/, `redis-cli -3 HELLO: ${hello.stdout}`);
  assert.match(hello.stdout, /7\.0\.15/, 'HELLO reports version 7.0.15');
  if (problems.length > 0) throw reportError(problems.join('\n'));
});

/**
 * Runs redis-cli interactively under a pseudo-terminal (util-linux `script`), types `steps`, and
 * returns the screen output. linenoise asks for the cursor position (ESC[6n) to learn the width;
 * the answers say column 1, then column 200.
 */
function interactiveCli(port: number, steps: string[], stepMs = 250): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', `redis-cli -p ${port}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm' } });
    let out = '';
    let asked = 0;
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      out += text;
      for (let i = text.indexOf('\x1b[6n'); i >= 0; i = text.indexOf('\x1b[6n', i + 1)) {
        child.stdin.write(asked++ % 2 === 0 ? '\x1b[1;1R' : '\x1b[1;200R');
      }
    });
    child.stdin.on('error', () => { /* exited */ });
    let i = 0;
    const next = (): void => {
      if (i < steps.length) {
        child.stdin.write(steps[i++]);
        setTimeout(next, stepMs);
      } else {
        setTimeout(() => child.kill('SIGKILL'), 300);
      }
    };
    setTimeout(next, 600);
    const guard = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.on('close', () => {
      clearTimeout(guard);
      resolve(out);
    });
  });
}

test('redis-cli interactive: hints (from COMMAND DOCS) and replies look the same', async () => {
  await flushBoth();
  const pair = p();
  // Ctrl-U clears the line between hints; Enter runs a command.
  const steps = ['SET k ', '\x15', 'GETEX k ', '\x15', 'LCS a b ', '\x15', 'EXPIRE k 10 ', '\x15', 'CLIENT NO-EVICT ', '\x15', 'SET k v\r', 'GET k\r', 'NOSUCH\r', 'INCR k\r', 'DEL k\r', '\x04'];
  const [o, c] = await Promise.all([interactiveCli(pair.oracle.port, steps), interactiveCli(pair.candidate.port, steps)]);
  const norm = (text: string, server: ServerHandle): string => mask(text, server);
  const a = norm(o, pair.oracle);
  const b = norm(c, pair.candidate);
  assert.match(a, /key value \[NX\|XX\]/, `redis-cli showed no hints against redis-server: ${JSON.stringify(a.slice(0, 500))}`);
  if (a !== b) {
    // Report the first differing region.
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    throw reportError(`interactive redis-cli differs at offset ${i}:\n--- redis:       ${JSON.stringify(a.slice(Math.max(0, i - 80), i + 200))}\n--- rustypotato: ${JSON.stringify(b.slice(Math.max(0, i - 80), i + 200))}`);
  }
});

test('redis-cli --pipe', async () => {
  await flushBoth();
  const parts: Buffer[] = [];
  for (let i = 0; i < 5000; i++) parts.push(encodeCommand(['SET', `pipe:${i}`, `value-${i}`]));
  parts.push(encodeCommand(['INCR', 'pipe:0']), encodeCommand(['GET', 'pipe:1']));
  const input = Buffer.concat(parts);
  const d = await cliBoth(['--pipe'], input);
  const pair = p();
  const c = await pair.candidate.connect();
  const size = await c.text('DBSIZE');
  c.close();
  assert.is(size, '5000', 'DBSIZE after --pipe');
  if (d) throw reportError(d);
  await flushBoth();
});

test('redis-benchmark -t ping,set,get,incr,mset -n 2000 -q completes with sane numbers', async () => {
  const pair = p();
  const r = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(pair.candidate.port), '-t', 'ping,set,get,incr,mset', '-n', '2000', '-q'], undefined, 180000);
  assert.is(r.code, 0, `redis-benchmark exit code; stderr: ${r.stderr}`);
  // -q prints lines like "SET: 12345.68 requests per second, p50=0.183 msec" (after \r progress).
  const lines = r.stdout.split(/[\r\n]+/).filter((l) => /requests per second/.test(l));
  const rates = new Map<string, number>();
  for (const l of lines) {
    const m = /^\s*([^:]+):\s+([\d.]+) requests per second/.exec(l);
    if (m) rates.set(m[1].trim(), Number(m[2]));
  }
  for (const name of ['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'MSET (10 keys)']) {
    const rate = rates.get(name);
    assert.ok(rate !== undefined, `no result for ${name} in:\n${r.stdout}`);
    assert.ok((rate ?? 0) > 200, `${name}: ${rate} requests per second`);
  }
  assert.not.match(r.stderr + r.stdout, /WARNING|ERR/, `redis-benchmark complained: ${r.stderr}`);
  const c = await pair.candidate.connect();
  await c.call(['FLUSHALL']);
  c.close();
});

test('the full default redis-benchmark suite completes (lists, sets, hashes, sorted sets, LRANGE)', async () => {
  const pair = p();
  const r = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(pair.candidate.port), '-n', '2000', '-q'], undefined, 300000);
  assert.is(r.code, 0, `redis-benchmark exit code; stderr: ${r.stderr}`);
  const names = r.stdout
    .split(/[\r\n]+/)
    .map((l) => /^\s*([^:]+):\s+[\d.]+ requests per second/.exec(l)?.[1].trim())
    .filter((n): n is string => n !== undefined);
  for (const name of ['LPUSH', 'RPUSH', 'LPOP', 'RPOP', 'SADD', 'HSET', 'SPOP', 'ZADD', 'ZPOPMIN', 'LRANGE_100 (first 100 elements)', 'LRANGE_600 (first 600 elements)', 'MSET (10 keys)']) {
    assert.ok(names.includes(name), `no result for ${name} in:\n${r.stdout}`);
  }
  assert.not.match(r.stderr + r.stdout, /WARNING|ERR/, `redis-benchmark complained: ${r.stderr}`);
  const c = await pair.candidate.connect();
  await c.call(['FLUSHALL']);
  c.close();
});

/** The same ioredis script against a server; returns everything it observed. */
async function ioredisScript(server: ServerHandle): Promise<unknown[]> {
  const warnings: string[] = [];
  const origWarn = console.warn;
  console.warn = (...args: unknown[]): void => { warnings.push(args.map(String).join(' ')); };
  const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  const out: unknown[] = [];
  try {
    await redis.connect();
    const info = await redis.client('INFO');
    out.push(['resp', /\bresp=(\d)/.exec(String(info))?.[1]]);
    out.push(await redis.flushall());
    out.push(await redis.set('a', 'hello'));
    out.push(await redis.get('a'));
    out.push(await redis.get('missing'));
    out.push(await redis.set('n', '10'));
    out.push(await redis.incr('n'));
    out.push(await redis.incrby('n', 5));
    out.push(await redis.incrbyfloat('n', '1.5'));
    out.push(await redis.expire('a', 100));
    out.push(await redis.ttl('a'));
    out.push(await redis.pttl('missing'));
    out.push(await redis.mget('a', 'n', 'missing'));
    out.push(await redis.mset({ m1: 'x', m2: 'y' }));
    out.push(await redis.set('k', 'v', 'EX', 100, 'NX'));
    out.push(await redis.set('k', 'v', 'EX', 100, 'NX'));
    out.push(await redis.exists('a', 'k', 'none'));
    out.push(await redis.del('k', 'none'));
    out.push(await redis.getBuffer('a'));
    try {
      await redis.incr('a');
      out.push('no error');
    } catch (e) {
      out.push(['error', (e as Error).message]);
    }
    const pipe = redis.pipeline();
    for (let i = 0; i < 200; i++) pipe.set(`p:${i}`, String(i));
    pipe.get('p:7').incr('p:7').del('p:0').strlen('a');
    const results = await pipe.exec();
    out.push(results?.map(([err, val]) => [err ? err.message : null, val]));
    const scanned = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const stream = redis.scanStream({ match: 'p:*', count: 50 });
      stream.on('data', (keys: string[]) => keys.forEach((k) => scanned.add(k)));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    out.push(['scanned', scanned.size]);
    out.push(await redis.dbsize());
    // Streams, as job queues use them: explicit IDs, ~ trimming, ranges, XREAD (a blocked reader
    // served by another connection's XADD) and a script calling XADD.
    out.push(await redis.xadd('events', '1-1', 'type', 'added', 'id', '1'));
    out.push(await redis.xadd('events', 'MAXLEN', '~', '100', '2-*', 'type', 'done'));
    out.push(await redis.xlen('events'));
    out.push(await redis.xrange('events', '-', '+'));
    out.push(await redis.xrevrange('events', '+', '-', 'COUNT', 1));
    out.push(await redis.xread('COUNT', 10, 'STREAMS', 'events', '0'));
    const reader = redis.duplicate();
    try {
      const pending = reader.xread('BLOCK', 5000, 'STREAMS', 'events', '$');
      await new Promise((r) => setTimeout(r, 100));
      out.push(await redis.xadd('events', '3-0', 'type', 'late'));
      out.push(await pending);
    } finally {
      reader.disconnect();
    }
    out.push(await redis.eval("return redis.call('XADD', KEYS[1], 'MAXLEN', '~', 10, '4-0', 'k', ARGV[1])", 1, 'events', 'v'));
    out.push(await redis.xtrim('events', 'MAXLEN', 1));
    out.push(await redis.xdel('events', '4-0'));
    out.push(await redis.flushall());
  } finally {
    redis.disconnect();
    console.warn = origWarn;
  }
  out.push(['warnings', warnings]);
  return out;
}

test('ioredis v6 with default options (HELLO 3) runs its common commands like on Redis', async () => {
  const pair = p();
  const expected = await ioredisScript(pair.oracle);
  const actual = await ioredisScript(pair.candidate);
  assert.equal((expected[0] as string[])[1], '3', 'ioredis negotiated RESP3 with redis-server');
  sameOutputs(actual, expected);
});

async function nodeRedisScript(server: ServerHandle, resp: 2 | 3): Promise<unknown[]> {
  const client = resp === 3
    ? createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false }, RESP: 3 })
    : createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false } });
  const errors: string[] = [];
  client.on('error', (e: Error) => errors.push(e.message));
  const out: unknown[] = [];
  await client.connect();
  try {
    const info = await client.clientInfo();
    // lib-name is not compared: node-redis sets it with CLIENT SETINFO, which Redis 7.0 lacks.
    out.push(['resp', info.resp]);
    if (server.kind === 'rustypotato') {
      const raw = String(await client.sendCommand(['CLIENT', 'INFO']));
      assert.match(raw, /lib-name=node-redis/, `CLIENT SETINFO from node-redis took effect: ${raw}`);
    }
    out.push(await client.flushAll());
    out.push(await client.set('a', 'hello'));
    out.push(await client.get('a'));
    out.push(await client.get('missing'));
    out.push(await client.set('k', 'v', { expiration: { type: 'EX', value: 100 }, condition: 'NX' }));
    out.push(await client.set('k', 'v', { condition: 'NX' }));
    out.push(await client.incr('n'));
    out.push(await client.incrBy('n', 41));
    out.push(await client.incrByFloat('n', 0.5));
    out.push(await client.expire('a', 100));
    out.push(await client.ttl('a'));
    out.push(await client.mGet(['a', 'n', 'missing']));
    out.push(await client.mSet({ m1: 'x', m2: 'y' }));
    out.push(await client.exists(['a', 'k', 'none']));
    out.push(await client.append('a', '!'));
    out.push(await client.getRange('a', 0, 4));
    out.push(await client.del(['k', 'none']));
    out.push(await client.type('a'));
    out.push(await client.objectEncoding('n'));
    out.push(await client.dbSize());
    out.push(await client.ping());
    out.push(await client.echo('x y'));
    try {
      await client.incr('a');
      out.push('no error');
    } catch (e) {
      out.push(['error', (e as Error).message]);
    }
    // Commands issued together are pipelined by node-redis.
    out.push(await Promise.all(Array.from({ length: 100 }, (_, i) => client.set(`p:${i}`, String(i)))));
    const scanned: string[] = [];
    for await (const keys of client.scanIterator({ MATCH: 'p:*', COUNT: 30 })) scanned.push(...keys);
    out.push(['scanned', new Set(scanned).size]);
    out.push(await client.configGet('timeout'));
    out.push(await client.flushAll());
  } finally {
    client.destroy();
  }
  out.push(['errors', errors]);
  return out;
}

/**
 * Each data-type family through ioredis (default options: RESP3) as an application uses it: a job
 * queue on lists with a blocked worker woken by a push, a session hash, a tag set, a leaderboard.
 * Replies whose order Redis leaves open (hash tables) are sorted before comparing.
 */
async function ioredisFamilies(server: ServerHandle): Promise<unknown[]> {
  const opts = { port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null };
  const redis = new Redis(opts);
  const worker = new Redis(opts);
  const out: unknown[] = [];
  try {
    await redis.connect();
    await worker.connect();
    await redis.flushall();
    // Hashes
    out.push(await redis.hset('session:1', { user: 'ada', visits: '1' }));
    out.push(await redis.hincrby('session:1', 'visits', 2));
    out.push(await redis.hgetall('session:1'));
    out.push(await redis.hmget('session:1', 'user', 'nope'));
    out.push(await redis.hdel('session:1', 'user'));
    out.push(await redis.hexists('session:1', 'user'));
    // Lists: a queue with a worker blocked in BRPOP, woken by LPUSH.
    const job = worker.brpop('jobs', 2);
    await new Promise((r) => setTimeout(r, 100));
    out.push(await redis.lpush('jobs', 'job-1', 'job-2'));
    out.push(await job);
    out.push(await redis.lrange('jobs', 0, -1));
    out.push(await redis.lmove('jobs', 'done', 'RIGHT', 'LEFT'));
    out.push(await worker.blpop('empty', 0.1));
    // Sets
    out.push(await redis.sadd('tags', 'a', 'b', 'c', '1'));
    out.push((await redis.smembers('tags')).sort());
    out.push(await redis.sismember('tags', 'b'));
    out.push(await redis.sinter('tags', 'nothing'));
    // Sorted sets: a leaderboard.
    out.push(await redis.zadd('board', 10, 'ada', 20, 'bob', 15, 'cy'));
    out.push(await redis.zincrby('board', 7, 'ada'));
    out.push(await redis.zrevrange('board', 0, -1, 'WITHSCORES'));
    out.push(await redis.zrank('board', 'cy'));
    out.push(await redis.zscore('board', 'bob'));
    out.push(await redis.zpopmin('board'));
    out.push(await worker.bzpopmax('board', 1));
    out.push(await redis.type('board'));
    out.push(await redis.sort('tags', 'ALPHA'));
  } finally {
    redis.disconnect();
    worker.disconnect();
  }
  return out;
}

test('ioredis runs every data-type family (with a blocked worker) like on Redis', async () => {
  const pair = p();
  sameOutputs(await ioredisFamilies(pair.candidate), await ioredisFamilies(pair.oracle));
});

async function nodeRedisFamilies(server: ServerHandle, resp: 2 | 3): Promise<unknown[]> {
  const socket = { port: server.port, host: '127.0.0.1', reconnectStrategy: false as const };
  const client = resp === 3 ? createClient({ socket, RESP: 3 }) : createClient({ socket });
  const blocker = client.duplicate();
  const out: unknown[] = [];
  await client.connect();
  await blocker.connect();
  try {
    await client.flushAll();
    out.push(await client.hSet('h', { f1: 'v1', f2: 'v2' }));
    out.push(await client.hGet('h', 'f1'));
    out.push(Object.entries(await client.hGetAll('h')).sort());
    out.push(await client.hLen('h'));
    const popped = blocker.blPop('q', 2);
    await new Promise((r) => setTimeout(r, 100));
    out.push(await client.rPush('q', ['x', 'y']));
    out.push(await popped);
    out.push(await client.lRange('q', 0, -1));
    out.push(await client.lPos('q', 'y'));
    out.push(await client.sAdd('s', ['1', '2', '3']));
    out.push(await client.sCard('s'));
    out.push((await client.sMembers('s')).sort());
    out.push(await client.zAdd('z', [{ score: 1, value: 'one' }, { score: 2, value: 'two' }]));
    out.push(await client.zRangeWithScores('z', 0, -1));
    out.push(await client.zScore('z', 'two'));
    out.push(await client.zCard('z'));
    out.push(await client.type('z'));
  } finally {
    await blocker.quit();
    await client.quit();
  }
  return out;
}

for (const resp of [2, 3] as const) {
  test(`node-redis v5 (RESP${resp}) runs every data-type family (with a blocked client) like on Redis`, async () => {
    const pair = p();
    sameOutputs(await nodeRedisFamilies(pair.candidate, resp), await nodeRedisFamilies(pair.oracle, resp));
  });
}

for (const resp of [2, 3] as const) {
  test(`node-redis v5 createClient (RESP${resp}) runs its common commands like on Redis`, async () => {
    const pair = p();
    const expected = await nodeRedisScript(pair.oracle, resp);
    const actual = await nodeRedisScript(pair.candidate, resp);
    sameOutputs(actual, expected);
  });
}

test.run();
