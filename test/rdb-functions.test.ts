/**
 * Function libraries in RDB snapshots (RDB_OPCODE_FUNCTION2, Redis 7.0), with the real servers:
 * a dump.rdb that redis-server 7.0 SAVEs with libraries loads into RustyPotato (FUNCTION LIST and
 * FCALL answer as on redis-server), and our SAVE / BGSAVE files pass redis-check-rdb and load into
 * redis-server with the same libraries.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from './support/connection';
import { ServerHandle, sleep, startCandidate, startRedis } from './support/servers';

const LIBRARIES = [
  `#!lua name=mathlib
local function add(keys, args) return tonumber(args[1]) + tonumber(args[2]) end
redis.register_function('add', add)`,
  // (One function per library: Redis lists a library's functions in its hash order, which varies.)
  `#!lua name=counterlib
redis.register_function{function_name='incr_by', callback=function(keys, args) return redis.call('incrby', keys[1], args[1]) end,
  description='adds to a counter'}`,
  `#!lua name=strlib
redis.register_function{function_name='upper', callback=function(keys, args) return string.upper(args[1]) end, flags={'no-writes'}}`,
];

/** What the servers are compared on: the sorted FUNCTION LIST WITHCODE and some calls. */
async function describe(c: Connection): Promise<string> {
  const calls: string[] = [];
  // One library per listing: the order of a full listing is Redis's dict order.
  const listings = ['mathlib', 'counterlib', 'strlib'].map((name) => ['FUNCTION', 'LIST', 'LIBRARYNAME', name, 'WITHCODE']);
  for (const cmd of [...listings, ['FCALL', 'add', '0', '2', '3'], ['FCALL', 'incr_by', '1', 'counter', '5'], ['FCALL_RO', 'upper', '0', 'abc'], ['GET', 'counter'], ['FUNCTION', 'STATS']]) {
    calls.push((await c.call(cmd)).raw.toString('latin1'));
  }
  return calls.join('\n');
}

async function loadLibraries(c: Connection): Promise<void> {
  for (const code of LIBRARIES) assert.is((await c.call(['FUNCTION', 'LOAD', code])).raw.toString(), `$${code.match(/name=(\w+)/)?.[1].length}\r\n${code.match(/name=(\w+)/)?.[1]}\r\n`);
  await c.call(['SET', 'counter', '10']);
}

function checkRdb(file: string): void {
  const r = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
  assert.is(r.status, 0, `redis-check-rdb failed:\n${r.stdout}${r.stderr}`);
}

async function withServer<T>(start: Promise<ServerHandle>, fn: (c: Connection) => Promise<T>): Promise<T> {
  const server = await start;
  const c = await server.connect();
  try {
    return await fn(c);
  } finally {
    c.close();
    await server.stop();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'script-rdb-functions-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('Redis -> us: a dump.rdb with function libraries loads with the same libraries and calls', async () => {
  const redisDir = path.join(dir, 'redis');
  fs.mkdirSync(redisDir);
  const expected = await withServer(startRedis(['--dir', redisDir, '--dbfilename', 'dump.rdb']), async (c) => {
    await loadLibraries(c);
    assert.is((await c.call(['SAVE'])).raw.toString(), '+OK\r\n');
    return describe(c);
  });
  const file = path.join(redisDir, 'dump.rdb');
  const actual = await withServer(startCandidate(['--snapshot-path', file]), (c) => describe(c));
  assert.is(actual, expected);
});

test('us -> Redis: SAVE and BGSAVE write the libraries; redis-check-rdb accepts them and redis-server loads them', async () => {
  for (const command of ['SAVE', 'BGSAVE']) {
    const ourDir = path.join(dir, `ours-${command}`);
    fs.mkdirSync(ourDir);
    const file = path.join(ourDir, 'dump.rdb');
    const expected = await withServer(startCandidate(['--snapshot-path', file]), async (c) => {
      await loadLibraries(c);
      await c.call([command]);
      for (let i = 0; i < 100 && !fs.existsSync(file); i++) await sleep(50);
      // BGSAVE: wait until the child is done (rdb_bgsave_in_progress:0).
      for (let i = 0; i < 100 && /rdb_bgsave_in_progress:1/.test(String((await c.call(['INFO', 'persistence'])).value)); i++) await sleep(50);
      return describe(c);
    });
    checkRdb(file);
    const actual = await withServer(startRedis(['--dir', ourDir, '--dbfilename', 'dump.rdb']), (c) => describe(c));
    assert.is(actual, expected, command);
    // And back into us.
    const again = await withServer(startCandidate(['--snapshot-path', file]), (c) => describe(c));
    assert.is(again, expected, `${command}, reloaded by us`);
  }
});

test.run();
