/**
 * The append-only file: what is written is what Redis would replay (redis-check-aof accepts it and
 * redis-server 7.0 loads it to the same data), a restart rebuilds the data set exactly, records of
 * commands with random or time-dependent effects replay deterministically, acknowledged writes
 * survive SIGKILL under `always` and `everysec`, a torn last record is cut off (or refused with
 * aof-load-truncated no), corruption refuses to start naming the offset, BGREWRITEAOF compacts the
 * file without losing concurrent writes, and CONFIG SET appendonly yes starts an AOF from the data.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from './support/connection';
import { call, dumpDataset, populateEveryType, withConn } from './support/dataset';
import { Rng } from './support/random';
import { ServerHandle, startCandidate, startRedis, sleep } from './support/servers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-aof-'));
const running = new Set<ServerHandle>();
test.after(async () => {
  for (const s of running) await s.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function start(aofPath: string, extra: string[] = []): Promise<ServerHandle> {
  const s = await startCandidate(['--aof-path', aofPath, ...extra]);
  running.add(s);
  return s;
}

async function stop(s: ServerHandle): Promise<void> {
  await s.stop();
  running.delete(s);
}

function kill9(s: ServerHandle): void {
  process.kill(s.pid, 'SIGKILL');
}

async function waitExit(s: ServerHandle): Promise<void> {
  for (let i = 0; i < 200 && !s.exited(); i++) await sleep(10);
  running.delete(s);
}

function checkAof(file: string): { ok: boolean; output: string } {
  const r = spawnSync('redis-check-aof', [file], { encoding: 'utf8' });
  return { ok: r.status === 0 && /is valid/.test(r.stdout), output: r.stdout + r.stderr };
}

/** The data set redis-server 7.0 loads from `aof` (given as an old-style AOF in a fresh `dirName`). */
async function datasetInRedis(aof: string, dirName: string): Promise<string> {
  const redisDir = file(dirName);
  fs.mkdirSync(redisDir);
  fs.copyFileSync(aof, path.join(redisDir, 'appendonly.aof'));
  const redis = await startRedis(['--dir', redisDir, '--appendonly', 'yes', '--appendfilename', 'appendonly.aof']);
  running.add(redis);
  try {
    return await withConn(redis, (c) => dumpDataset(c));
  } finally {
    await redis.stop();
    running.delete(redis);
  }
}

function file(name: string): string {
  return path.join(tmp, name);
}

/** Commands whose records must be rewritten to replay the same way later. */
async function nondeterministicWrites(c: Connection): Promise<void> {
  const cmds: Array<Array<string | number>> = [
    ['SADD', 'pool', 'a', 'b', 'c', 'd', 'e', 'f'],
    ['SPOP', 'pool'],
    ['SPOP', 'pool', 2],
    ['SADD', 'gone', 'x', 'y'],
    ['SPOP', 'gone', 5],
    ['INCRBYFLOAT', 'fl', '0.1'],
    ['INCRBYFLOAT', 'fl', '0.2'],
    ['HINCRBYFLOAT', 'hf', 'f', '1.1'],
    ['SET', 'ex', 'v', 'EX', 100],
    ['SETEX', 'setex', 200, 'v'],
    ['PSETEX', 'psetex', 300000, 'v'],
    ['SET', 'getex', 'v'],
    ['GETEX', 'getex', 'PX', 400000],
    ['SET', 'persist', 'v', 'EX', 50],
    ['GETEX', 'persist', 'PERSIST'],
    ['SET', 'expire', 'v'],
    ['EXPIRE', 'expire', 500],
    ['SET', 'gonenow', 'v'],
    ['EXPIRE', 'gonenow', -1],
    ['SET', 'getdel', 'v'],
    ['GETDEL', 'getdel'],
    ['RPUSH', 'q', '1', '2', '3'],
    ['BLPOP', 'q', 1],
    ['BLMOVE', 'q', 'q2', 'LEFT', 'RIGHT', 1],
    ['ZADD', 'zq', 1, 'a', 2, 'b'],
    ['BZPOPMIN', 'zq', 1],
    ['SET', 'short', 'v', 'PX', 1],
  ];
  for (const cmd of cmds) await c.call(cmd);
  await sleep(5);
  await c.call(['GET', 'short']); // lazily expired: logged as DEL
}

test('a restart replays the AOF to the same data set; redis-check-aof and redis-server 7.0 agree', async () => {
  const aof = file('roundtrip.aof');
  const s = await start(aof);
  const before = await withConn(s, async (c) => {
    await populateEveryType(c, 1);
    await nondeterministicWrites(c);
    await c.call(['SELECT', 2]);
    await c.call(['SWAPDB', 1, 2]);
    await c.call(['FLUSHDB']);
    return dumpDataset(c);
  });
  assert.ok(before.length > 1000, 'populated');
  await stop(s);
  const check = checkAof(aof);
  assert.ok(check.ok, check.output);

  const again = await start(aof);
  const after = await withConn(again, (c) => dumpDataset(c));
  assert.fixture(after, before);
  await stop(again);

  // Redis 7.0 loads the same file (as an old-style AOF it upgrades) to the same data.
  assert.fixture(await datasetInRedis(aof, 'redis-load'), before);
});

test('aof-use-rdb-preamble yes: the rewrite base is an RDB image; we, redis-check-aof and redis-server 7.0 load the file', async () => {
  const aof = file('preamble-ours.aof');
  const s = await start(aof);
  const expected = await withConn(s, async (c) => {
    assert.equal(await call(c, 'CONFIG', 'GET', 'aof-use-rdb-preamble'), ['aof-use-rdb-preamble', 'no']);
    assert.is(await call(c, 'CONFIG', 'SET', 'aof-use-rdb-preamble', 'yes'), 'OK');
    await populateEveryType(c, 2, { dbs: 2 });
    await call(c, 'BGREWRITEAOF');
    let finished = false;
    for (const deadline = Date.now() + 20000; !finished && Date.now() < deadline; ) {
      const info = String(await call(c, 'INFO', 'persistence'));
      finished = info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrites:1');
      await call(c, 'INCR', 'during-rewrite');
      await sleep(10);
    }
    assert.ok(finished, 'the rewrite finished');
    await nondeterministicWrites(c);
    return dumpDataset(c);
  });
  await stop(s);
  const bytes = fs.readFileSync(aof);
  assert.is(bytes.subarray(0, 9).toString(), 'REDIS0010');
  assert.ok(bytes.includes('aof-base'), 'the aof-base aux field');
  assert.ok(bytes.includes('*2\r\n$6\r\nSELECT\r\n'), 'commands follow the image');
  const check = checkAof(aof);
  assert.ok(check.ok && /RDB preamble/i.test(check.output), check.output);
  const again = await start(aof);
  assert.fixture(await withConn(again, (c) => dumpDataset(c)), expected);
  await stop(again);
  assert.fixture(await datasetInRedis(aof, 'redis-load-preamble'), expected);
});

test('an AOF written by redis-server 7.0 loads into RustyPotato', async () => {
  const redisDir = file('redis-written');
  fs.mkdirSync(redisDir);
  const redis = await startRedis(['--dir', redisDir, '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--appendfsync', 'always']);
  running.add(redis);
  const expected = await withConn(redis, async (c) => {
    await populateEveryType(c, 2, { dbs: 2 });
    await nondeterministicWrites(c);
    return dumpDataset(c);
  });
  await redis.stop();
  running.delete(redis);
  // Redis 7's multi-part AOF: the manifest lists a base and increments; replayed in order they are
  // one old-style AOF.
  const dir = path.join(redisDir, 'appendonlydir');
  const manifest = fs.readFileSync(fs.readdirSync(dir).map((f) => path.join(dir, f)).find((f) => f.endsWith('.manifest')) as string, 'utf8');
  const parts = [...manifest.matchAll(/file (\S+) seq \d+ type ([bi])/g)].sort((a, b) => (a[2] === 'b' ? -1 : b[2] === 'b' ? 1 : 0));
  assert.ok(parts.length >= 2, manifest);
  const merged = file('from-redis.aof');
  fs.writeFileSync(merged, Buffer.concat(parts.map((p) => fs.readFileSync(path.join(dir, p[1])))));
  const s = await start(merged);
  const got = await withConn(s, (c) => dumpDataset(c));
  assert.fixture(got, expected);
  await stop(s);
});

test("Redis 7.0's default AOF (RDB-preamble base + increments in appendonlydir) loads: merged into one file, and as the directory itself", async () => {
  const redisDir = file('redis-preamble');
  fs.mkdirSync(redisDir);
  // Redis's defaults: aof-use-rdb-preamble yes, so a rewrite's base is an RDB image.
  const redis = await startRedis(['--dir', redisDir, '--appendonly', 'yes', '--appendfsync', 'always']);
  running.add(redis);
  const expected = await withConn(redis, async (c) => {
    await populateEveryType(c, 3, { dbs: 2 });
    await call(c, 'FUNCTION', 'LOAD', "#!lua name=preamblelib\nredis.register_function('pf', function() return 7 end)");
    await call(c, 'BGREWRITEAOF');
    for (const deadline = Date.now() + 20000; Date.now() < deadline; ) {
      const info = String(await call(c, 'INFO', 'persistence'));
      if (info.includes('aof_rewrite_in_progress:0') && !info.includes('aof_rewrite_scheduled:1') && info.includes('aof_rewrites:1')) break;
      await sleep(20);
    }
    await nondeterministicWrites(c);
    await call(c, 'SELECT', 1);
    await call(c, 'SET', 'after-rewrite', 'in db 1');
    await call(c, 'SELECT', 0);
    return [await dumpDataset(c), await call(c, 'FCALL', 'pf', 0)];
  });
  await redis.stop();
  running.delete(redis);
  const dir = path.join(redisDir, 'appendonlydir');
  const manifest = fs.readFileSync(path.join(dir, 'appendonly.aof.manifest'), 'utf8');
  const base = /file (\S+) seq \d+ type b/.exec(manifest)?.[1] ?? '';
  assert.ok(base.endsWith('.rdb'), manifest);
  assert.is(fs.readFileSync(path.join(dir, base)).subarray(0, 5).toString(), 'REDIS');
  const increments = [...manifest.matchAll(/file (\S+) seq \d+ type i/g)].map((m) => m[1]);
  assert.ok(increments.length >= 1, manifest);
  const dumpWithFunction = (c: Connection): Promise<unknown> => (async () => [await dumpDataset(c), await call(c, 'FCALL', 'pf', 0)])();

  // An old-style AOF with an RDB preamble (what Redis 4-6 wrote): the base image, then commands.
  const merged = file('preamble.aof');
  fs.writeFileSync(merged, Buffer.concat([base, ...increments].map((name) => fs.readFileSync(path.join(dir, name)))));
  const s = await start(merged);
  assert.equal(await withConn(s, dumpWithFunction), expected);
  await stop(s);

  // The directory Redis left: its manifest is followed, and the data set is written to our AOF
  // before clients are served (Redis's files are not changed).
  const ours = path.join(redisDir, 'appendonly.aof');
  const before = Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).length]));
  const taken = await start(ours);
  assert.ok(fs.existsSync(ours), 'our AOF was written at start-up');
  assert.equal(await withConn(taken, dumpWithFunction), expected);
  await withConn(taken, (c) => call(c, 'SET', 'written-by-us', '1'));
  await stop(taken);
  assert.equal(Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).length])), before);
  assert.ok(checkAof(ours).ok, checkAof(ours).output);
  // The next start reads our file, which now has the later write too.
  const again = await start(ours);
  assert.is(await withConn(again, (c) => call(c, 'GET', 'written-by-us')), '1');
  assert.is(await withConn(again, async (c) => { await call(c, 'SELECT', 1); return call(c, 'GET', 'after-rewrite'); }), 'in db 1');
  await stop(again);
});

/** Acknowledged INCRs of one counter by a pipelined writer until the server is killed. */
async function crashRound(aof: string, policy: string, rng: Rng): Promise<void> {
  const s = await start(aof);
  const c = await s.connect();
  await call(c, 'CONFIG', 'SET', 'appendfsync', policy);
  const before = Number((await call(c, 'GET', 'counter')) ?? 0);
  let acked = 0;
  let sent = 0;
  const killAt = Date.now() + rng.int(20, 150);
  // Keep 8 requests in flight; count the replies that arrive before the kill.
  const inflight = 8;
  for (let i = 0; i < inflight; i++, sent++) c.send('INCR', 'counter');
  while (Date.now() < killAt) {
    await c.read(5000);
    acked++;
    c.send('INCR', 'counter');
    sent++;
  }
  kill9(s);
  // Replies that were already in the socket count as acknowledged too.
  for (;;) {
    try {
      await c.read(200);
      acked++;
    } catch {
      break;
    }
  }
  c.close();
  await waitExit(s);
  const after = await start(aof);
  const value = await withConn(after, async (cc) => Number((await call(cc, 'GET', 'counter')) ?? 0));
  await stop(after);
  assert.ok(value >= before + acked, `${policy}: ${acked} acknowledged INCRs after ${before}, but the counter is ${value}`);
  assert.ok(value <= before + sent, `${policy}: counter ${value} beyond the ${sent} INCRs sent after ${before}`);
}

test('SIGKILL at random moments: every acknowledged write survives (always, everysec), 24 rounds', async () => {
  const rng = new Rng(42);
  for (const policy of ['always', 'everysec']) {
    const aof = file(`crash-${policy}.aof`);
    for (let round = 0; round < 12; round++) await crashRound(aof, policy, rng);
    const check = checkAof(aof);
    assert.ok(check.ok, check.output);
  }
});

test('a torn last record is cut off with a warning; aof-load-truncated no refuses; corruption names the offset', async () => {
  const aof = file('torn.aof');
  const s = await start(aof);
  await withConn(s, async (c) => {
    for (let i = 0; i < 50; i++) await c.call(['SET', `k${i}`, `v${i}`]);
  });
  await stop(s);
  const whole = fs.readFileSync(aof);
  const record = Buffer.from('*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nvalue\r\n');
  for (const cut of [1, 7, record.length - 1]) {
    fs.writeFileSync(aof, Buffer.concat([whole, record.subarray(0, cut)]));
    const again = await start(aof);
    const [dbsize, torn] = await withConn(again, async (c) => [await call(c, 'DBSIZE'), await call(c, 'GET', 'torn')]);
    assert.is(dbsize, 50n);
    assert.is(torn, null);
    assert.match(again.output(), /short read while loading the AOF file/);
    await stop(again);
    assert.is(fs.statSync(aof).size, whole.length, 'the torn tail was cut off the file');
  }
  // A MULTI without its EXEC is a torn transaction: none of it applies.
  fs.writeFileSync(aof, Buffer.concat([whole, Buffer.from('*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$2\r\ntx\r\n$1\r\n1\r\n')]));
  const tx = await start(aof);
  assert.is(await withConn(tx, (c) => call(c, 'EXISTS', 'tx')), 0n);
  await stop(tx);
  assert.is(fs.statSync(aof).size, whole.length);

  fs.writeFileSync(aof, Buffer.concat([whole, record.subarray(0, 9)]));
  let refused = '';
  try {
    await start(aof, ['--config', tomlWith('aof_load_truncated = false')]);
  } catch (e) {
    refused = (e as Error).message;
  }
  assert.match(refused, /Unexpected end of file reading the append only file/);
  const corrupt = Buffer.from(whole);
  const at = whole.indexOf('*3', 200);
  corrupt[at] = 0x21; // '!'
  fs.writeFileSync(aof, corrupt);
  let output = '';
  try {
    await start(aof);
  } catch (e) {
    output = (e as Error).message;
  }
  assert.match(output, new RegExp(`Bad file format reading the append only file .*at offset ${at}`));
});

function tomlWith(line: string): string {
  const f = file(`cfg-${Math.random().toString(36).slice(2)}.toml`);
  fs.writeFileSync(f, `[storage]\n${line}\n`);
  return f;
}

test('BGREWRITEAOF compacts the file while writes go on, and loses none of them (everysec, always)', async () => {
  for (const policy of ['everysec', 'always']) await rewriteWhileWriting(policy);
});

async function rewriteWhileWriting(policy: string): Promise<void> {
  const aof = file(`rewrite-${policy}.aof`);
  const s = await start(aof);
  const c = await s.connect();
  await call(c, 'CONFIG', 'SET', 'appendfsync', policy);
  for (let round = 0; round < 20; round++) {
    const batch: Array<Array<string | number>> = [];
    for (let i = 0; i < 500; i++) batch.push(['SET', `key:${i}`, `round-${round}`]);
    for (const cmd of batch) c.send(...cmd);
    await c.readN(batch.length, 10000);
  }
  const sizeBefore = fs.statSync(aof).size;
  assert.is((await call(c, 'BGREWRITEAOF')), 'Background append only file rewriting started');
  // Writes while the child works: they must reach the new file.
  for (let i = 0; i < 2000; i++) c.send('INCR', 'during');
  await c.readN(2000, 10000);
  // Writes go on until the switch: also while the new file's fsync runs in the background and
  // both files receive them (everysec), the window between the child's exit and the rename.
  let during = 2000;
  let finished = false;
  for (const deadline = Date.now() + 20000; !finished && Date.now() < deadline; ) {
    const info = String((await call(c, 'INFO', 'persistence')));
    finished = info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrites:1');
    for (let j = 0; j < 50; j++) c.send('INCR', 'during');
    await c.readN(50, 10000);
    during += 50;
    await sleep(5);
  }
  assert.ok(finished, `${policy}: the rewrite finished`);
  for (let i = 0; i < 500; i++) c.send('INCR', 'during');
  await c.readN(500, 10000);
  during += 500;
  const expected = await dumpDataset(c);
  c.close();
  await stop(s);
  const sizeAfter = fs.statSync(aof).size;
  assert.ok(sizeAfter < sizeBefore / 3, `${policy}: rewritten AOF ${sizeAfter} bytes vs ${sizeBefore} before`);
  assert.ok(checkAof(aof).ok, checkAof(aof).output);
  const again = await start(aof);
  assert.fixture(await withConn(again, (cc) => dumpDataset(cc)), expected);
  assert.is(await withConn(again, (cc) => call(cc, 'GET', 'during')), String(during));
  await stop(again);
}

test('CONFIG SET appendonly yes writes an AOF from the live data; appendonly no stops logging', async () => {
  const aof = file('runtime.aof');
  const s = await startCandidate(['--config', tomlWith(`aof_path = ${JSON.stringify(aof)}`)]);
  running.add(s);
  const c = await s.connect();
  await populateEveryType(c, 3, { dbs: 2 });
  assert.is(fs.existsSync(aof), false);
  assert.is((await call(c, 'CONFIG', 'SET', 'appendonly', 'yes')), 'OK');
  for (let i = 0; i < 100 && !fs.existsSync(aof); i++) await sleep(20);
  await c.call(['SET', 'after-enable', '1']);
  const expected = await dumpDataset(c);
  assert.equal(await call(c, 'CONFIG', 'GET', 'appendonly'), ['appendonly', 'yes']);
  c.close();
  await stop(s);
  const again = await start(aof);
  assert.fixture(await withConn(again, (cc) => dumpDataset(cc)), expected);
  await withConn(again, async (cc) => {
    await cc.call(['CONFIG', 'SET', 'appendonly', 'no']);
    await cc.call(['SET', 'not-logged', '1']);
  });
  await stop(again);
  assert.is(fs.readFileSync(aof).includes('not-logged'), false);
});

test('active expiry logs DEL, so a replay long after does not resurrect or keep the key', async () => {
  const aof = file('expiry.aof');
  const s = await start(aof);
  await withConn(s, async (c) => {
    await c.call(['SET', 'soon', 'v', 'PX', 30]);
    await c.call(['SET', 'later', 'v', 'EX', 1000]);
    for (let i = 0; i < 50 && Number((await call(c, 'DBSIZE'))) !== 1; i++) await sleep(20);
  });
  await stop(s);
  const text = fs.readFileSync(aof, 'latin1');
  assert.match(text, /\*2\r\n\$3\r\nDEL\r\n\$4\r\nsoon\r\n/);
  assert.match(text, /\$4\r\nPXAT\r\n/);
});

test('a replay expires nothing: an expiry that had passed, then extended by a later record, keeps the key (as redis-server 7.0)', async () => {
  // PEXPIRE k 5 and, within 5 ms, EXPIRE k 86400: live, the key stays. The AOF holds two
  // PEXPIREATs, the first in the past by the time of any replay.
  const aof = file('expiry-extended.aof');
  const now = Date.now();
  const records: string[][] = [
    ['SET', 'extended', 'v'], ['PEXPIREAT', 'extended', String(now - 1000)], ['PEXPIREAT', 'extended', String(now + 86_400_000)],
    ['SET', 'gone', 'v'], ['PEXPIREAT', 'gone', String(now - 1000)],
    ['RPUSH', 'list', 'a'], ['PEXPIREAT', 'list', String(now - 1000)], ['RPUSH', 'list', 'b'], ['PEXPIREAT', 'list', String(now + 86_400_000)],
  ];
  fs.writeFileSync(aof, records.map((r) => `*${r.length}\r\n${r.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join(''));
  const expected = await datasetInRedis(aof, 'expiry-extended-redis');
  assert.match(expected, /"extended" string ttl=~1440m/);
  assert.match(expected, /"list" list ttl=~1440m \["a","b"\]/);
  assert.not.match(expected, /"gone"/);
  const s = await start(aof);
  assert.fixture(await withConn(s, (c) => dumpDataset(c)), expected);
  await stop(s);
});

test('#TS annotations and --restore-to: the data set as of a given second, the AOF cut there (a copy kept)', async () => {
  const aof = file('pitr.aof');
  const s = await start(aof, ['--config', tomlWith('aof_timestamps = true')]);
  let cutoff = 0;
  await withConn(s, async (c) => {
    await call(c, 'SET', 'early', '1');
    await call(c, 'RPUSH', 'list', 'a');
    cutoff = Math.floor(Date.now() / 1000);
    // The next records carry a later second.
    while (Math.floor(Date.now() / 1000) === cutoff) await sleep(20);
    await call(c, 'SET', 'late', '1');
    await call(c, 'RPUSH', 'list', 'b');
    await call(c, 'DEL', 'early');
  });
  await stop(s);
  const text = fs.readFileSync(aof, 'latin1');
  assert.match(text, new RegExp(`#TS:${cutoff}\r\n`));
  assert.ok(checkAof(aof).ok, checkAof(aof).output);

  const restored = await start(aof, ['--restore-to', String(cutoff)]);
  await withConn(restored, async (c) => {
    assert.is(await call(c, 'GET', 'early'), '1');
    assert.is(await call(c, 'GET', 'late'), null);
    assert.equal(await call(c, 'LRANGE', 'list', 0, -1), ['a']);
  });
  await stop(restored);
  assert.ok(fs.readdirSync(tmp).some((f) => f.startsWith('pitr.aof.before-restore-')), 'the full AOF was kept');
  // The cut is durable: a plain restart sees the restored data set.
  const plain = await start(aof);
  assert.is(await withConn(plain, (c) => call(c, 'GET', 'late')), null);
  await stop(plain);
});

test.run();
