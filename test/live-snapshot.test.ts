/**
 * BGSAVE and BGREWRITEAOF take their image without fork() (native/persistence/live_snapshot.h):
 * the keyspace is encoded in slices while clients keep writing, and a key about to change is
 * captured first. These tests write hard while the image is taken — overwrites, deletes, expiries,
 * renames, MOVE/COPY across databases, SWAPDB, FLUSHDB, new keys, collections changed in place —
 * and check:
 *   - the snapshot holds exactly the data set of the moment BGSAVE ran (ours and redis-server 7.0
 *     load it to the same data set);
 *   - the rewritten AOF (commands or RDB preamble) replays to exactly the data set at its end;
 *   - writes really landed during the image (INFO rdb_last_cow_size / aof_last_cow_size > 0).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from './support/connection';
import { call, dumpDataset, infoField, populateEveryType, withConn } from './support/dataset';
import { Rng } from './support/random';
import { ServerHandle, ServerSet } from './support/servers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-live-'));
const servers = new ServerSet();
test.after(async () => {
  await servers.stopAll();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const start = (args: string[], redis = false): Promise<ServerHandle> => (redis ? servers.redis(args) : servers.candidate(args));
const stop = (s: ServerHandle): Promise<void> => servers.stop(s);

const BULK_KEYS = 30000;
const DBS = 5;
const HUGE = 20000;

/** Every type in databases 0-2, small keys in 3 and 4 (for FLUSHDB / SWAPDB), many strings in 0. */
async function populate(c: Connection): Promise<void> {
  await populateEveryType(c, 11, { dbs: 3, scale: 3 });
  for (let i = 0; i < BULK_KEYS; i += 1000) {
    const pairs: string[] = [];
    for (let j = i; j < i + 1000; j++) pairs.push(`bulk:${j}`, j % 3 === 0 ? String(j) : `value-${j}-${'x'.repeat(j % 50)}`);
    c.send('MSET', ...pairs);
  }
  await c.readN(BULK_KEYS / 1000, 20000);
  // Large values (over the 512 KB that are encoded over several slices), in databases 0 and 1.
  for (const db of [0, 1]) {
    await call(c, 'SELECT', db);
    for (let i = 0; i < HUGE; i += 1000) {
      const n = Array.from({ length: 1000 }, (_, j) => i + j);
      c.send('HSET', `huge:hash:${db}`, ...n.flatMap((j) => [`f${j}`, `v${j}`]));
      c.send('ZADD', `huge:zset:${db}`, ...n.flatMap((j) => [String(j / 3), `m${j}`]));
      c.send('RPUSH', `huge:list:${db}`, ...n.map((j) => `e${j}-${'x'.repeat(40)}`));
      c.send('SADD', `huge:set:${db}`, ...n.map((j) => `s${j}`));
    }
    await c.readN((HUGE / 1000) * 4, 30000);
  }
  for (const db of [3, 4]) {
    await call(c, 'SELECT', db);
    for (let i = 0; i < 50; i++) c.send('SET', `small:${db}:${i}`, `v${i}`);
    c.send('RPUSH', `q:${db}`, 'a', 'b', 'c');
    await c.readN(51, 10000);
  }
  await call(c, 'SELECT', 0);
}

/** A seeded burst of writes across databases; replies are read and ignored (errors included). */
function writeBurst(c: Connection, rng: Rng, count: number, round: number, largeValues = true): Promise<unknown> {
  let sent = 0;
  const send = (...args: Array<string | number>): void => {
    c.send(...args);
    sent++;
  };
  const bulk = (): string => `bulk:${rng.int(0, BULK_KEYS - 1)}`;
  for (let i = 0; i < count; i++) {
    const db = rng.int(0, 2);
    send('SELECT', db);
    const n = rng.int(0, 59);
    const pick = rng.int(0, 18); // inclusive
    switch (!largeValues && pick === 17 ? 18 : pick) {
      case 0: send('SET', bulk(), `over-${round}-${i}`); break;
      case 1: send('DEL', bulk()); break;
      case 2: send('APPEND', `str:${db}:${n}`, '+tail'); break;
      case 3: send('INCR', `int:${db}`); break;
      case 4: send('RPUSH', `biglist:${db}`, `pushed-${round}-${i}`); break;
      case 5: send('LPOP', `biglist:${db}`); break;
      case 6: send('HSET', `bighash:${db}`, `field-${n}`, `new-${round}-${i}`); break;
      case 7: send('SREM', `bigset:${db}`, `member-${n}`); break;
      case 8: send('ZADD', `bigzset:${db}`, String(rng.int(-1000, 1000)), `zm-${n}`); break;
      case 9: send('EXPIRE', bulk(), 86400); break;
      case 10: send('PEXPIRE', bulk(), rng.int(1, 30)); break; // expires while the image is taken
      case 11: send('PERSIST', `ttl:${db}`); break;
      case 12: send('RENAME', bulk(), `renamed:${round}:${i}`); break;
      case 13: send('MOVE', bulk(), 3); break;
      case 14: send('COPY', bulk(), `copied:${round}:${i}`, 'DB', 4); break;
      case 15: send('SET', `new:${round}:${i}`, 'fresh'); break;
      case 16: send('SADD', `iset:${db}:${n % 15}`, String(rng.int(0, 100000))); break;
      case 17: {
        // The large values, while they are deferred or half-encoded: finished before the change.
        const huge = db % 2;
        const which = rng.int(0, 5);
        if (which === 0) send('HSET', `huge:hash:${huge}`, `f${rng.int(0, HUGE)}`, `changed-${round}`);
        else if (which === 1) send('ZINCRBY', `huge:zset:${huge}`, 1, `m${rng.int(0, HUGE)}`);
        else if (which === 2) send('LPUSH', `huge:list:${huge}`, `front-${round}`);
        else if (which === 3) send('SREM', `huge:set:${huge}`, `s${rng.int(0, HUGE)}`);
        else if (which === 4) send('RENAME', `huge:set:${huge}`, `huge:set:${huge}:r${round}`);
        else send('DEL', `huge:hash:${huge}`);
        break;
      }
      default: send('HDEL', `hash:${db}:${n % 15}`, 'f0'); break;
    }
  }
  send('SELECT', 0);
  return c.readN(sent, 30000);
}

test('BGSAVE under heavy writes saves the data set of the moment it ran; ours and redis-server load it', async () => {
  const rdb = path.join(tmp, 'live.rdb');
  const s = await start(['--snapshot-path', rdb]);
  const rng = new Rng(4242);
  const copy = path.join(tmp, 'live-copy.rdb');
  const expected = await withConn(s, async (c) => {
    await populate(c);
    const before = await dumpDataset(c, DBS);
    // BGSAVE and a first burst in one write: the burst runs before the first slice.
    c.send('BGSAVE');
    c.send('SWAPDB', 1, 2);
    c.send('SELECT', 3);
    c.send('FLUSHDB');
    c.send('SELECT', 0);
    const [started] = await c.readN(5, 10000);
    assert.is(String(started.value.type === 'simple' ? started.value.value : ''), 'Background saving started');
    // Not the large values yet: the first slices defer them, and the next bursts meet them deferred
    // or half-encoded.
    await writeBurst(c, rng, 3000, 0, false);
    let rounds = 1;
    for (; rounds < 200 && (await infoField(c, 'rdb_bgsave_in_progress')) === '1'; rounds++) await writeBurst(c, rng, 300, rounds);
    for (let i = 0; i < 500 && (await infoField(c, 'rdb_bgsave_in_progress')) === '1'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.is(await infoField(c, 'rdb_last_bgsave_status'), 'ok');
    assert.ok(Number(await infoField(c, 'rdb_last_cow_size')) > 0, 'keys were captured before they changed');
    fs.copyFileSync(rdb, copy);
    assert.not.equal(await dumpDataset(c, DBS), before, 'the writes changed the data set');
    return before;
  });
  await stop(s);
  const check = spawnSync('redis-check-rdb', [copy], { encoding: 'utf8' });
  assert.is(check.status, 0, check.stdout + check.stderr);
  const ours = await start(['--snapshot-path', copy]);
  assert.fixture(await withConn(ours, (c) => dumpDataset(c, DBS)), expected);
  await stop(ours);
  const redis = await start(['--dir', tmp, '--dbfilename', path.basename(copy)], true);
  assert.fixture(await withConn(redis, (c) => dumpDataset(c, DBS)), expected);
  await stop(redis);
});

/** SHA1 of a large hash (its sorted field=value pairs) or sorted set, computed by the server. */
const DIGEST = `
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'hash' then
  local flat = redis.call('HGETALL', KEYS[1])
  local pairs = {}
  for i = 1, #flat, 2 do pairs[#pairs + 1] = flat[i] .. '=' .. flat[i + 1] end
  table.sort(pairs)
  return redis.sha1hex(table.concat(pairs, ','))
elseif kind == 'zset' then
  return redis.sha1hex(table.concat(redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'), ','))
end
return kind`;

async function digests(c: Connection, keys: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const db of [0, 1]) {
    await call(c, 'SELECT', db);
    for (const key of keys) out.push(`${db} ${key} ${String(await call(c, 'EVAL', DIGEST, 1, key))}`);
  }
  await call(c, 'SELECT', 0);
  return out;
}

test('large values half-encoded when they change, or when SWAPDB moves them: the snapshot still holds the moment of BGSAVE', async () => {
  const rdb = path.join(tmp, 'large.rdb');
  const s = await start(['--snapshot-path', rdb]);
  const copy = path.join(tmp, 'large-copy.rdb');
  const SIZE = 300000; // each value takes tens of 1 ms slices to encode
  const keys = ['lh:0', 'lz:0', 'lh:1', 'lz:1'];
  const expected = await withConn(s, async (c) => {
    let sent = 0;
    for (const db of [0, 1]) {
      c.send('SELECT', db);
      for (let i = 0; i < SIZE; i += 1000) {
        const n = Array.from({ length: 1000 }, (_, j) => i + j);
        c.send('HSET', `lh:${db}`, ...n.flatMap((j) => [`f${j}`, `v${j}`]));
        c.send('ZADD', `lz:${db}`, ...n.flatMap((j) => [String(j), `m${j}`]));
        sent += 2;
      }
      sent++;
    }
    c.send('SELECT', 0);
    await c.readN(sent + 1, 60000);
    const before = await digests(c, keys);
    assert.is(await call(c, 'BGSAVE'), 'Background saving started');
    // A few slices in, a value is half-encoded: SWAPDB moves it (it is finished first); then
    // writes reach the values one at a time (the one in progress is finished first, a pending one
    // encoded before the change).
    await new Promise((r) => setTimeout(r, 5));
    assert.is(await call(c, 'SWAPDB', 0, 1), 'OK');
    for (let round = 0; round < 2000 && (await infoField(c, 'rdb_bgsave_in_progress')) === '1'; round++) {
      await new Promise((r) => setTimeout(r, 5));
      const key = keys[round % 4];
      await call(c, 'SELECT', key.endsWith('0') ? 1 : 0); // where SWAPDB moved it
      await call(c, ...(key.startsWith('lh') ? ['HSET', key, `f${round}`, `changed-${round}`] : ['ZINCRBY', key, '1', `m${round}`]));
      await call(c, 'SELECT', 0);
    }
    assert.is(await infoField(c, 'rdb_last_bgsave_status'), 'ok');
    assert.ok(Number(await infoField(c, 'rdb_last_cow_size')) > 1_000_000, 'large values were encoded before they changed');
    fs.copyFileSync(rdb, copy);
    assert.is(String(await call(c, 'DBSIZE')), '2', 'the writes reached the moved values');
    assert.not.equal(await digests(c, keys), before, 'the writes changed the values');
    return before;
  });
  await stop(s);
  const check = spawnSync('redis-check-rdb', [copy], { encoding: 'utf8' });
  assert.is(check.status, 0, check.stdout + check.stderr);
  const ours = await start(['--snapshot-path', copy]);
  assert.equal(await withConn(ours, (c) => digests(c, keys)), expected);
  await stop(ours);
});

for (const preamble of [false, true]) {
  test(`BGREWRITEAOF under heavy writes (${preamble ? 'RDB preamble' : 'commands'}): the new AOF replays to the data set at its end`, async () => {
    const aof = path.join(tmp, `live-${preamble}.aof`);
    const cfg = path.join(tmp, `live-${preamble}.toml`);
    fs.writeFileSync(cfg, `[storage]\naof_enabled = true\naof_fsync = "everysec"\naof_use_rdb_preamble = ${preamble}\naof_rewrite_percentage = 0\naof_path = ${JSON.stringify(aof)}\nsnapshot_path = ${JSON.stringify(path.join(tmp, `live-${preamble}.rdb`))}\nsave = ""\n`);
    const s = await start(['--config', cfg]);
    const rng = new Rng(preamble ? 77 : 78);
    const final = await withConn(s, async (c) => {
      await populate(c);
      c.send('BGREWRITEAOF');
      c.send('SWAPDB', 1, 2);
      c.send('SELECT', 3);
      c.send('FLUSHDB');
      c.send('SELECT', 0);
      // 6 MB of records while the rewrite runs: its buffer fills more than one 4 MB block.
      for (let i = 0; i < 20; i++) c.send('SET', `blob:${i}`, `${i}:${'b'.repeat(300_000)}`);
      await c.readN(25, 10000);
      // Not the large values yet: the first slices defer them, and the next bursts meet them deferred
    // or half-encoded.
    await writeBurst(c, rng, 3000, 0, false);
      let rounds = 1;
      for (; rounds < 200 && (await infoField(c, 'aof_rewrite_in_progress')) === '1'; rounds++) await writeBurst(c, rng, 300, rounds);
      for (let i = 0; i < 500 && (await infoField(c, 'aof_rewrite_in_progress')) === '1'; i++) await new Promise((r) => setTimeout(r, 10));
      assert.is(await infoField(c, 'aof_last_bgrewrite_status'), 'ok');
      assert.is(await infoField(c, 'aof_rewrites'), '1');
      assert.ok(Number(await infoField(c, 'aof_last_cow_size')) > 0, 'keys were captured before they changed');
      await writeBurst(c, rng, 200, 999); // after the switch: appended to the new file
      await new Promise((r) => setTimeout(r, 100)); // the short expiries of the bursts have passed
      return dumpDataset(c, DBS);
    });
    await stop(s);
    const head = fs.readFileSync(aof).subarray(0, 5).toString('latin1');
    assert.is(head === 'REDIS', preamble, 'the base format follows aof-use-rdb-preamble');
    const check = spawnSync('redis-check-aof', [aof], { encoding: 'utf8' });
    assert.is(check.status, 0, check.stdout + check.stderr);
    const again = await start(['--config', cfg]);
    assert.fixture(await withConn(again, (c) => dumpDataset(c, DBS)), final);
    await stop(again);
  });
}

test.run();
