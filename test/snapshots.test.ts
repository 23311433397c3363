/**
 * RDB snapshots at the server level and persistence failures: SAVE / BGSAVE / LASTSAVE and a
 * restart that loads the snapshot, redis-server 7.0 loading ours and ours loading its, the AOF
 * winning over the snapshot at start-up, save points, SHUTDOWN SAVE / NOSAVE / SIGTERM and a failing
 * save that keeps the server up, MISCONF while a background save fails and recovery after, and a
 * full disk (a 1 MB tmpfs, mounted as root) under the AOF: writes refused, reads served, nothing on
 * disk corrupted, writes accepted again once space returns.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from './support/connection';
import { call, dumpDataset, infoField, populateEveryType, withConn } from './support/dataset';
import { toPlain } from './support/resp';
import { ServerHandle, ServerSet, startRedis, sleep } from './support/servers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-snap-'));
const servers = new ServerSet();
const mounts: string[] = [];
test.after(async () => {
  await servers.stopAll();
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const start = (args: string[]): Promise<ServerHandle> => servers.candidate(args);
const stop = (s: ServerHandle): Promise<void> => servers.stop(s);

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function tomlFile(body: string): string {
  const f = path.join(tmp, `cfg-${Math.random().toString(36).slice(2)}.toml`);
  fs.writeFileSync(f, body);
  return f;
}

test('SAVE and BGSAVE write a snapshot that a restart and redis-server 7.0 load; ours loads Redis\'s', async () => {
  const rdb = path.join(tmp, 'a.rdb');
  const s = await start(['--snapshot-path', rdb]);
  const expected = await withConn(s, async (c) => {
    await populateEveryType(c, 11);
    const before = Number(await call(c, 'LASTSAVE'));
    await sleep(1100);
    assert.is(await call(c, 'SAVE'), 'OK');
    assert.ok(Number(await call(c, 'LASTSAVE')) > before, 'LASTSAVE moved');
    await call(c, 'SET', 'after-save', '1');
    assert.is(await call(c, 'BGSAVE'), 'Background saving started');
    await until('the background save', async () => (await infoField(c, 'rdb_bgsave_in_progress')) === '0');
    assert.is(await infoField(c, 'rdb_last_bgsave_status'), 'ok');
    assert.is(await infoField(c, 'rdb_changes_since_last_save'), '0');
    return dumpDataset(c);
  });
  await stop(s);
  const check = spawnSync('redis-check-rdb', [rdb], { encoding: 'utf8' });
  assert.is(check.status, 0, check.stdout);

  const again = await start(['--snapshot-path', rdb]);
  assert.fixture(await withConn(again, (c) => dumpDataset(c)), expected);
  await stop(again);

  const redisDir = path.join(tmp, 'redis');
  fs.mkdirSync(redisDir);
  fs.copyFileSync(rdb, path.join(redisDir, 'dump.rdb'));
  const redis = await startRedis(['--dir', redisDir, '--dbfilename', 'dump.rdb']);
  servers.track(redis);
  assert.fixture(await withConn(redis, (c) => dumpDataset(c)), expected);
  // And back: Redis saves its own file, we start from it.
  await withConn(redis, async (c) => {
    await call(c, 'SET', 'written-by', 'redis');
    await call(c, 'SAVE');
  });
  const redisExpected = await withConn(redis, (c) => dumpDataset(c));
  await redis.stop();
  servers.forget(redis);
  const fromRedis = await start(['--snapshot-path', path.join(redisDir, 'dump.rdb')]);
  assert.fixture(await withConn(fromRedis, (c) => dumpDataset(c)), redisExpected);
  await stop(fromRedis);
});

test('start-up: the AOF wins over the snapshot; a snapshot alone seeds a new AOF', async () => {
  const rdb = path.join(tmp, 'b.rdb');
  const aof = path.join(tmp, 'b.aof');
  const s = await start(['--snapshot-path', rdb]);
  await withConn(s, async (c) => {
    await call(c, 'SET', 'from', 'snapshot');
    await call(c, 'SET', 'only-in-snapshot', '1');
    await call(c, 'SAVE');
  });
  await stop(s);
  // AOF on, no AOF file yet: the snapshot is loaded and written into the new AOF.
  const seeded = await start(['--snapshot-path', rdb, '--aof-path', aof]);
  await withConn(seeded, async (c) => {
    assert.is(await call(c, 'GET', 'from'), 'snapshot');
    await until('the AOF rewrite', async () => (await infoField(c, 'aof_rewrites')) === '1');
    await call(c, 'SET', 'from', 'aof');
  });
  await stop(seeded);
  fs.rmSync(rdb);
  const fromAof = await start(['--snapshot-path', rdb, '--aof-path', aof]);
  await withConn(fromAof, async (c) => {
    assert.is(await call(c, 'GET', 'from'), 'aof');
    assert.is(await call(c, 'GET', 'only-in-snapshot'), '1');
    await call(c, 'SAVE'); // the snapshot now says "aof" too; make it differ again:
    await call(c, 'SET', 'from', 'aof-later');
  });
  await stop(fromAof);
  const both = await start(['--snapshot-path', rdb, '--aof-path', aof]);
  assert.is(await withConn(both, (c) => call(c, 'GET', 'from')), 'aof-later');
  await stop(both);
});

test('save points trigger BGSAVE; SHUTDOWN SAVE/NOSAVE and SIGTERM; a failing save keeps the server up', async () => {
  const rdb = path.join(tmp, 'c.rdb');
  const s = await start(['--config', tomlFile(`[storage]\nsave = "1 3"\nsnapshot_path = ${JSON.stringify(rdb)}\n`)]);
  await withConn(s, async (c) => {
    for (let i = 0; i < 3; i++) await call(c, 'SET', `k${i}`, 'v');
    await until('the automatic snapshot', async () => fs.existsSync(rdb), 5000);
    await until('its completion', async () => (await infoField(c, 'rdb_bgsave_in_progress')) === '0');
    await call(c, 'SET', 'at-shutdown', '1');
    // NOSAVE: no snapshot despite the save points.
    c.send('SHUTDOWN', 'NOSAVE');
    await c.waitClosed(5000);
  });
  await until('exit', async () => s.exited());
  servers.forget(s);
  const s2 = await start(['--config', tomlFile(`[storage]\nsave = "1 3"\nsnapshot_path = ${JSON.stringify(rdb)}\n`)]);
  await withConn(s2, async (c) => {
    assert.is(await call(c, 'GET', 'at-shutdown'), null, 'NOSAVE saved nothing');
    await call(c, 'SET', 'at-sigterm', '1');
  });
  // SIGTERM with save points: the final snapshot holds the last write.
  await stop(s2);
  const s3 = await start(['--snapshot-path', rdb]);
  await withConn(s3, async (c) => {
    assert.is(await call(c, 'GET', 'at-sigterm'), '1');
    await call(c, 'SET', 'explicit', '1');
    c.send('SHUTDOWN', 'SAVE');
    await c.waitClosed(5000);
  });
  await until('exit', async () => s3.exited());
  servers.forget(s3);
  const s4 = await start(['--snapshot-path', path.join(tmp, 'no-such-dir', 'x.rdb')]);
  await withConn(s4, async (c) => {
    assert.equal(await call(c, 'SHUTDOWN', 'SAVE'), { error: 'ERR Errors trying to SHUTDOWN. Check logs.' });
    assert.is(await call(c, 'PING'), 'PONG', 'still up after the failed save');
  });
  await stop(s4);
  const s5 = await start(['--snapshot-path', rdb]);
  assert.is(await withConn(s5, (c) => call(c, 'GET', 'explicit')), '1');
  await stop(s5);
});

test('MISCONF while background saves fail; writes come back when the save succeeds again', async () => {
  const dir = path.join(tmp, 'later');
  const rdb = path.join(dir, 'd.rdb');
  const s = await start(['--config', tomlFile(`[storage]\nsave = "1 1"\nsnapshot_path = ${JSON.stringify(rdb)}\n`)]);
  await withConn(s, async (c) => {
    assert.is(await call(c, 'SET', 'a', '1'), 'OK');
    await until('the failed save', async () => (await infoField(c, 'rdb_last_bgsave_status')) === 'err', 5000);
    const refused = toPlain((await c.call(['SET', 'b', '2'])).value) as { error: string };
    assert.match(refused.error, /^MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk/);
    assert.is(await call(c, 'GET', 'a'), '1', 'reads are served');
    assert.match(String(s.output()), /Background saving error.*Failed opening/);
    fs.mkdirSync(dir);
    // Redis retries a failed automatic save after 5 s.
    await until('a successful save', async () => (await infoField(c, 'rdb_last_bgsave_status')) === 'ok', 12000);
    assert.is(await call(c, 'SET', 'b', '2'), 'OK');
  });
  await stop(s);
});

test('compressed snapshots and AOF bases (gzip, lz4, zstd) are self-describing and load transparently', async () => {
  const magic: Record<string, number[]> = { gzip: [0x1f, 0x8b], lz4: [0x04, 0x22, 0x4d, 0x18], zstd: [0x28, 0xb5, 0x2f, 0xfd] };
  let plainSize = 0;
  for (const codec of ['none', 'gzip', 'lz4', 'zstd']) {
    const rdb = path.join(tmp, `z-${codec}.rdb`);
    const aof = path.join(tmp, `z-${codec}.aof`);
    const cfg = tomlFile(`[storage]\naof_compression = "${codec}"\nsnapshot_path = ${JSON.stringify(rdb)}\naof_path = ${JSON.stringify(aof)}\naof_enabled = true\n`);
    const s = await start(['--config', cfg]);
    const expected = await withConn(s, async (c) => {
      await populateEveryType(c, 21, { dbs: 2, scale: 3 });
      assert.is(await call(c, 'BGSAVE'), 'Background saving started');
      await until('the snapshot', async () => (await infoField(c, 'rdb_bgsave_in_progress')) === '0');
      assert.is(await call(c, 'BGREWRITEAOF'), 'Background append only file rewriting started');
      await until('the rewrite', async () => (await infoField(c, 'aof_rewrites')) === '1');
      await call(c, 'SET', 'after-rewrite', codec); // a plain record after the compressed base
      return dumpDataset(c);
    });
    await stop(s);
    const head = fs.readFileSync(rdb).subarray(0, 4);
    if (codec === 'none') {
      assert.is(head.toString('latin1'), 'REDI');
      plainSize = fs.statSync(rdb).size;
    } else {
      assert.equal([...head.subarray(0, magic[codec].length)], magic[codec], `${codec} snapshot magic`);
      assert.ok(fs.statSync(rdb).size < plainSize, `${codec} snapshot is smaller than the plain one`);
      assert.equal([...fs.readFileSync(aof).subarray(0, magic[codec].length)], magic[codec], `${codec} AOF base magic`);
    }
    // From the AOF (compressed base + plain tail), then from the snapshot alone.
    const fromAof = await start(['--config', cfg]);
    assert.fixture(await withConn(fromAof, (c) => dumpDataset(c)), expected);
    await stop(fromAof);
    fs.rmSync(aof);
    const fromRdb = await start(['--snapshot-path', rdb]);
    const got = await withConn(fromRdb, (c) => dumpDataset(c));
    assert.fixture(got, expected.split('\n').filter((l) => !l.includes('after-rewrite')).join('\n'));
    await stop(fromRdb);
  }
});

function mountSmallTmpfs(dir: string, size: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`this test mounts a tmpfs and must run as root: ${r.stderr}`);
  mounts.push(dir);
}

test('disk full under the AOF: MISCONF for writes, reads served, nothing corrupted, recovery when space returns', async () => {
  const dir = path.join(tmp, 'small');
  mountSmallTmpfs(dir, '1m');
  const filler = path.join(dir, 'filler');
  fs.writeFileSync(filler, Buffer.alloc(700 * 1024));
  const aof = path.join(dir, 'full.aof');
  const s = await start(['--aof-path', aof]);
  const acknowledged = new Map<string, string>();
  await withConn(s, async (c) => {
    let refusedAt = -1;
    for (let i = 0; i < 2000; i++) {
      const r = toPlain((await c.call(['SET', `key:${i}`, 'x'.repeat(500)])).value);
      if (r === 'OK') {
        acknowledged.set(`key:${i}`, 'x'.repeat(500));
        continue;
      }
      assert.match((r as { error: string }).error, /^MISCONF Errors writing to the AOF file: No space left on device/);
      refusedAt = i;
      break;
    }
    if (refusedAt < 0) {
      // The last writes may have been acknowledged before the failing flush: the next write is refused.
      await sleep(200);
      const r = toPlain((await c.call(['SET', 'probe', '1'])).value) as { error?: string };
      assert.ok(r.error?.startsWith('MISCONF'), `writes still accepted on a full disk: ${JSON.stringify(r)}`);
    }
    assert.is(await call(c, 'GET', 'key:0'), 'x'.repeat(500), 'reads are served');
    assert.is(await infoField(c, 'aof_last_write_status'), 'err');
    fs.rmSync(filler);
    await until('recovery', async () => (await infoField(c, 'aof_last_write_status')) === 'ok', 5000);
    assert.is(await call(c, 'SET', 'after-recovery', '1'), 'OK');
    acknowledged.set('after-recovery', '1');
  });
  await stop(s);
  const check = spawnSync('redis-check-aof', [aof], { encoding: 'utf8' });
  assert.is(check.status, 0, check.stdout);
  const again = await start(['--aof-path', aof]);
  await withConn(again, async (c) => {
    for (const [k, v] of acknowledged) assert.is(await call(c, 'GET', k), v, k);
  });
  await stop(again);
});


/** The field names of an INFO section, in order. */
async function infoNames(c: Connection, section: string): Promise<string[]> {
  return String(await call(c, 'INFO', section))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.slice(0, l.indexOf(':')));
}

// Redis fields we do not report: the running child's copy-on-write size and progress (Redis's child
// reports them through a pipe while it runs; ours reports its copy-on-write size once, at its end),
// and module forks.
const CHILD_PROGRESS_FIELDS = [
  'current_cow_peak', 'current_cow_size', 'current_cow_size_age', 'current_fork_perc', 'current_save_keys_processed',
  'current_save_keys_total', 'module_fork_in_progress', 'module_fork_last_cow_size',
];

test('INFO persistence and the fork fields of INFO stats (zero: nothing forks): Redis 7.0\'s names in its order, with values that follow saves, rewrites and loads', async () => {
  fs.mkdirSync(path.join(tmp, 'redis-info'));
  const redis = await startRedis(['--dir', path.join(tmp, 'redis-info'), '--appendonly', 'yes']);
  servers.track(redis);
  const redisNames = await withConn(redis, (c) => infoNames(c, 'persistence'));
  const redisStats = await withConn(redis, (c) => infoNames(c, 'stats'));
  await stop(redis);
  const rdb = path.join(tmp, 'info.rdb');
  const aof = path.join(tmp, 'info.aof');
  const s = await start(['--snapshot-path', rdb, '--aof-path', aof]);
  let goneAt = 0;
  await withConn(s, async (c) => {
    assert.equal(await infoNames(c, 'persistence'), redisNames.filter((n) => !CHILD_PROGRESS_FIELDS.includes(n)));
    const stats = await infoNames(c, 'stats');
    const forkFields = ['pubsubshard_channels', 'latest_fork_usec', 'total_forks'];
    assert.equal(stats.filter((n) => forkFields.includes(n)), redisStats.filter((n) => forkFields.includes(n)));
    const stat = async (field: string): Promise<string> => {
      const m = new RegExp(`^${field}:(.*)\r?$`, 'm').exec(String(await call(c, 'INFO', 'stats')));
      return m ? m[1].trim() : '';
    };
    assert.is(await stat('total_forks'), '0');
    assert.is(await infoField(c, 'rdb_saves'), '0');
    assert.is(await infoField(c, 'aof_last_rewrite_time_sec'), '-1');
    await populateEveryType(c, 4);
    // In one transaction, so that the write lands while the save runs: the key it changes is
    // captured first, which is the save's copy-on-write cost.
    assert.equal(await inTransaction(c, ['BGSAVE'], ['SET', 'str:0:0', 'changed during the save']), ['Background saving started', 'OK']);
    await until('the BGSAVE', async () => (await infoField(c, 'rdb_bgsave_in_progress')) === '0');
    assert.is(await infoField(c, 'rdb_saves'), '1');
    assert.ok(Number(await infoField(c, 'rdb_last_cow_size')) > 0, 'the save reported its copy-on-write size');
    assert.is(await infoField(c, 'rdb_current_bgsave_time_sec'), '-1');
    // No fork() ever (native/persistence/live_snapshot.h).
    assert.is(await stat('total_forks'), '0');
    assert.is(await stat('latest_fork_usec'), '0');
    assert.equal(await inTransaction(c, ['BGREWRITEAOF'], ['SET', 'str:0:0', 'changed during the rewrite']), ['Background append only file rewriting started', 'OK']);
    await until('the rewrite', async () => (await infoField(c, 'aof_rewrites')) === '1');
    assert.is(await stat('total_forks'), '0');
    assert.match(await infoField(c, 'aof_last_rewrite_time_sec'), /^\d+$/);
    assert.is(await infoField(c, 'aof_current_rewrite_time_sec'), '-1');
    assert.is(await infoField(c, 'aof_rewrites_consecutive_failures'), '0');
    assert.ok(Number(await infoField(c, 'aof_last_cow_size')) > 0, 'the rewrite reported its copy-on-write size');
    await call(c, 'SET', 'gone-soon', 'v', 'PX', 2000);
    goneAt = Date.now() + 2000;
    await call(c, 'SAVE');
    assert.is(await infoField(c, 'rdb_saves'), '2');
  });
  await stop(s);
  // Loaded from the snapshot alone (no AOF): the keys it held, the one that expired meanwhile skipped.
  await sleep(Math.max(0, goneAt - Date.now()) + 100);
  const again = await start(['--snapshot-path', rdb]);
  await withConn(again, async (c) => {
    const keys = Number(await call(c, 'DBSIZE')) + Number(await withDb(c, 1, () => call(c, 'DBSIZE'))) + Number(await withDb(c, 2, () => call(c, 'DBSIZE')));
    assert.is(await infoField(c, 'rdb_last_load_keys_loaded'), String(keys));
    assert.is(await infoField(c, 'rdb_last_load_keys_expired'), '1');
  });
  await stop(again);
});

async function inTransaction(c: Connection, ...commands: string[][]): Promise<unknown> {
  assert.is(await call(c, 'MULTI'), 'OK');
  for (const command of commands) assert.is(await call(c, ...command), 'QUEUED');
  return call(c, 'EXEC');
}

async function withDb<T>(c: Connection, db: number, fn: () => Promise<T>): Promise<T> {
  await call(c, 'SELECT', db);
  try {
    return await fn();
  } finally {
    await call(c, 'SELECT', 0);
  }
}

test.run();
