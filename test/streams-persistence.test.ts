/**
 * Streams through persistence, with real processes: AOF replay (XADD `*` and `~` trimming recorded
 * as their concrete effect, consumer-group reads as XCLAIM / XGROUP SETID / CREATECONSUMER), AOF
 * rewrite (Redis 7.0's rewriteStreamObject form) and RDB type 19 both ways with redis-server 7.0:
 * a dump.rdb redis-server wrote with streams, groups, PELs and consumers loads here, and ours passes
 * redis-check-rdb and loads into redis-server. States are compared as XINFO STREAM FULL (all
 * entries and PEL rows) plus XRANGE. Delivery times are recorded (XCLAIM ... TIME) and saved, so
 * they compare exactly; a consumer's seen-time is saved by the RDB but, as in Redis, not recorded in
 * the AOF (a replayed consumer is seen at replay), so the AOF comparison masks just that field.
 * (Also as in Redis, re-reading a consumer's history is not recorded, so the workload does not.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from './support/connection';
import { toPlain, Plain } from './support/resp';
import { startCandidate, startRedis, ServerHandle, sleep } from './support/servers';
import type { Cmd } from './support/diff';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'streams-persistence-'));
}

async function exec(conn: Connection, cmds: Cmd[]): Promise<Plain[]> {
  const out: Plain[] = [];
  for (const c of cmds) out.push(toPlain((await conn.call(c)).value));
  return out;
}

function maskSeenTime(v: Plain): Plain {
  if (!Array.isArray(v)) return v;
  return v.map((x, i) => (i > 0 && v[i - 1] === 'seen-time' ? '<seen>' : maskSeenTime(x)));
}

function maskNodeCounts(v: Plain): Plain {
  if (!Array.isArray(v)) return v;
  return v.map((x, i) => (i > 0 && (v[i - 1] === 'radix-tree-keys' || v[i - 1] === 'radix-tree-nodes') ? '<nodes>' : maskNodeCounts(x)));
}

/** Everything observable about the streams `keys` (idle times excluded: they count from now). */
async function snapshot(conn: Connection, keys: string[], maskSeen = false): Promise<Plain[]> {
  const out: Plain[] = [];
  for (const k of keys) {
    const full = toPlain((await conn.call(['XINFO', 'STREAM', k, 'FULL', 'COUNT', '0'])).value);
    out.push(k, maskSeen ? maskSeenTime(full) : full);
    out.push(toPlain((await conn.call(['XRANGE', k, '-', '+'])).value));
    out.push(toPlain((await conn.call(['XINFO', 'GROUPS', k])).value));
  }
  return out;
}

/** Streams with every kind of state: deletions, trims, groups, pending entries, idle consumers. */
function workload(): Cmd[] {
  const cmds: Cmd[] = [];
  for (let i = 1; i <= 330; i++) cmds.push(['XADD', 'big', `${i}-${i % 4}`, 'f', `v${i}`, 'n', String(i * 37)]);
  cmds.push(
    ['XDEL', 'big', '5-1', '6-2', '200-0'], ['XTRIM', 'big', 'MAXLEN', '~', '250'], ['XTRIM', 'big', 'MINID', '40'],
    ['XGROUP', 'CREATE', 'big', 'g1', '0'], ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '4', 'STREAMS', 'big', '>'],
    ['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'big', '>'], ['XACK', 'big', 'g1', '41-1'],
    ['XREADGROUP', 'GROUP', 'g1', 'nack', 'NOACK', 'COUNT', '2', 'STREAMS', 'big', '>'],
    ['XCLAIM', 'big', 'g1', 'carol', '0', '42-2', 'RETRYCOUNT', '5', 'JUSTID'], ['XGROUP', 'CREATECONSUMER', 'big', 'g1', 'idle'],
    ['XGROUP', 'CREATE', 'big', 'g2', '$', 'ENTRIESREAD', '7'], ['XGROUP', 'CREATE', 'big', 'g3', '100-0'],
    ['XADD', 'small', '1-1', '', Buffer.from([0, 255, 13, 10]), 'k', ''], ['XADD', 'small', '2-0', 'k', 'x'.repeat(5000)],
    ['XSETID', 'small', '900-0', 'ENTRIESADDED', '40', 'MAXDELETEDID', '3-3'],
    ['XADD', 'emptied', '7-7', 'a', 'b'], ['XDEL', 'emptied', '7-7'], ['XGROUP', 'CREATE', 'made', 'g', '$', 'MKSTREAM'],
  );
  return cmds;
}
const KEYS = ['big', 'small', 'emptied', 'made'];

async function withServer<T>(start: () => Promise<ServerHandle>, fn: (conn: Connection, s: ServerHandle) => Promise<T>): Promise<T> {
  const server = await start();
  const conn = await server.connect();
  try {
    return await fn(conn, server);
  } finally {
    conn.close();
    await server.stop();
  }
}

test('AOF: replay and rewrite keep streams, counters and groups; `*` and `~` recorded as done', async () => {
  const dir = tmpDir();
  const aof = path.join(dir, 'streams.aof');
  const args = ['--aof-path', aof];
  const before = await withServer(() => startCandidate(args), async (conn) => {
    await exec(conn, workload());
    // `*` IDs and approximate trimming: replay must give the same IDs and length.
    for (let i = 0; i < 250; i++) await conn.call(['XADD', 'auto', 'MAXLEN', '~', '120', '*', 'i', String(i)]);
    await conn.call(['XADD', 'auto', 'MINID', '~', '0', 'LIMIT', '10', '*', 'i', 'last']);
    return snapshot(conn, [...KEYS, 'auto'], true);
  });
  const text = fs.readFileSync(aof, 'latin1');
  assert.ok(!text.includes('\r\n~\r\n'), 'no approximate trim is recorded');
  assert.ok(text.includes('XCLAIM'), 'group deliveries are recorded as XCLAIM');
  const replayed = await withServer(() => startCandidate(args), async (conn) => {
    const state = await snapshot(conn, [...KEYS, 'auto'], true);
    const rewrite = toPlain((await conn.call(['BGREWRITEAOF'])).value);
    assert.equal(rewrite, 'Background append only file rewriting started');
    for (let i = 0; i < 100; i++) {
      const info = String(toPlain((await conn.call(['INFO', 'persistence'])).value));
      if (info.includes('aof_rewrite_in_progress:0') && !info.includes('aof_rewrite_scheduled:1')) break;
      await sleep(50);
    }
    return state;
  });
  assert.equal(replayed, before, 'after replay');
  const rewritten = await withServer(() => startCandidate(args), (conn) => snapshot(conn, [...KEYS, 'auto'], true));
  // The rewrite re-adds live entries only, so nodes holding deleted entries come back compacted
  // (Redis's rewrite does the same): the node counts are the one expected difference.
  assert.equal(maskNodeCounts(rewritten), maskNodeCounts(before), 'after rewrite');
  assert.ok(fs.readFileSync(aof, 'latin1').includes('XSETID'), 'the rewrite wrote XSETID');
  fs.rmSync(dir, { recursive: true, force: true });
});

function checkRdb(file: string): void {
  const r = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
  assert.ok(r.status === 0 && r.stdout.includes('RDB looks OK'), `redis-check-rdb: ${r.stdout}${r.stderr}`);
}

test('RDB: redis-server 7.0 -> us -> redis-server, streams with groups, PELs and consumers', async () => {
  const dir = tmpDir();
  const redisDir = path.join(dir, 'redis');
  const usDir = path.join(dir, 'us');
  const backDir = path.join(dir, 'back');
  for (const d of [redisDir, usDir, backDir]) fs.mkdirSync(d);
  const fromRedis = await withServer(() => startRedis(['--dir', redisDir]), async (conn) => {
    await exec(conn, workload());
    await conn.call(['SAVE']);
    return snapshot(conn, KEYS);
  });
  const redisFile = path.join(redisDir, 'dump.rdb');
  const ours = path.join(usDir, 'dump.rdb');
  fs.copyFileSync(redisFile, ours);
  const loaded = await withServer(() => startCandidate(['--snapshot-path', ours]), async (conn) => {
    const state = await snapshot(conn, KEYS);
    assert.equal(toPlain((await conn.call(['SAVE'])).value), 'OK');
    return state;
  });
  assert.equal(loaded, fromRedis, 'redis -> us');
  checkRdb(ours);
  fs.copyFileSync(ours, path.join(backDir, 'dump.rdb'));
  const back = await withServer(() => startRedis(['--dir', backDir]), (conn) => snapshot(conn, KEYS));
  assert.equal(back, fromRedis, 'us -> redis');
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
