/**
 * RDB snapshots (native/persistence/rdb.cc), with Redis 7.0 as the oracle:
 *   1. us -> us: every type and encoding survives saveSnapshot / FLUSHALL / loadSnapshot;
 *   2. us -> Redis: redis-check-rdb accepts our file and redis-server loads the same contents;
 *   3. Redis -> us: files redis-server SAVEs (listpack/intset and hashtable/skiplist/quicklist
 *      encodings, many quicklist nodes, LZF, rdbchecksum no) load with the same contents;
 *   4. legacy encodings (ziplist, zipmap, quicklist v1, string-score zsets, second expiries): files
 *      built here, loaded by redis-server and by us, compared;
 *   5. corruption: truncations and seeded byte flips end in an error string, never a crash; a CRC
 *      mismatch is reported; streams, modules and functions are refused.
 * Contents are compared through commands (KEYS, TYPE, PTTL, OBJECT ENCODING and the type's read
 * command), so both sides are dumped the same way.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { native } from '../ts/native';
import { stringCommands } from '../ts/commands/strings';
import { keyCommands } from '../ts/commands/keys';
import { hashCommands } from '../ts/commands/hashes';
import { listCommands } from '../ts/commands/lists';
import { setCommands } from '../ts/commands/sets';
import { sortedSetCommands } from '../ts/commands/zsets';
import { serverCommands } from '../ts/commands/server';
import { connectionCommands } from '../ts/commands/connection';
import type { CommandSpec } from '../ts/commands/types';
import { Rng } from './support/random';
import { executeBatch } from './support/engine-batch';
import { parseAll, RespValue } from './support/resp';
import { Connection } from './support/connection';
import { redisServerAvailable, startRedis, ServerHandle } from './support/servers';

// ---- the engine in this process ----------------------------------------------------------------

const names: string[] = [];
const arities: number[] = [];
for (const spec of [
  ...stringCommands, ...keyCommands, ...hashCommands, ...listCommands, ...setCommands, ...sortedSetCommands,
  ...serverCommands, ...connectionCommands,
] as CommandSpec[]) {
  for (const s of [spec, ...(spec.subcommands ?? [])]) {
    if (s.owner === 'native') {
      names.push(s.name);
      arities.push(s.arity);
    }
  }
}
native.init(16, names, Int32Array.from(arities));

type Arg = string | Buffer | number;

/** Runs commands on database `db` of our engine; returns their replies. */
function usExec(db: number, cmds: Arg[][]): RespValue[] {
  const out: RespValue[] = [];
  for (let i = 0; i < cmds.length; i += 2000) {
    const chunk = cmds.slice(i, i + 2000);
    const { replies: bytes, stopped } = executeBatch(chunk, db);
    assert.is(stopped, 0, `engine stopped at a command (${String(chunk[0]?.[0])}...)`);
    const replies = parseAll(bytes).map((r) => r.value);
    assert.is(replies.length, chunk.length, 'one reply per command');
    out.push(...replies);
  }
  return out;
}

/** Runs commands on database `db` of a redis-server (pipelined). */
async function redisExec(conn: Connection, db: number, cmds: Arg[][]): Promise<RespValue[]> {
  const out: RespValue[] = [];
  for (let i = 0; i < cmds.length; i += 1000) {
    const chunk = cmds.slice(i, i + 1000);
    conn.send('SELECT', db);
    for (const c of chunk) conn.send(...c);
    const replies = await conn.readN(chunk.length + 1, 60000);
    out.push(...replies.slice(1).map((r) => r.value));
  }
  return out;
}

type Exec = (db: number, cmds: Arg[][]) => Promise<RespValue[]> | RespValue[];
const usSide: Exec = (db, cmds) => usExec(db, cmds);
const redisSide = (conn: Connection): Exec => (db, cmds) => redisExec(conn, db, cmds);

// ---- dumping a keyspace ------------------------------------------------------------------------

function text(v: RespValue): string {
  if (v.type === 'bulk' && v.value !== null) return v.value.toString('latin1');
  if (v.type === 'simple') return v.value;
  if (v.type === 'integer') return v.value.toString();
  if (v.type === 'error') throw new Error(`error reply: ${v.value}`);
  throw new Error(`unexpected reply ${JSON.stringify(v)}`);
}
function texts(v: RespValue): string[] {
  if (v.type !== 'array' || v.value === null) throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v.value.map(text);
}

interface KeyDump {
  type: string;
  encoding: string;
  ttl: number;
  value: string;
}
type Dump = Map<string, KeyDump>;

/** Every key of every database: type, encoding, PTTL and the full contents (canonical order). */
async function dumpAll(exec: Exec): Promise<Dump> {
  const dump: Dump = new Map();
  for (let db = 0; db < 16; db++) {
    const keys = texts((await exec(db, [['KEYS', '*']]))[0]);
    if (keys.length === 0) continue;
    const kb = keys.map((k) => Buffer.from(k, 'latin1'));
    const meta = await exec(db, kb.flatMap((k) => [['TYPE', k], ['PTTL', k], ['OBJECT', 'ENCODING', k]]));
    const types = kb.map((_, i) => text(meta[3 * i]));
    const reads: Arg[][] = kb.map((k, i) => {
      switch (types[i]) {
        case 'string': return ['GET', k];
        case 'list': return ['LRANGE', k, 0, -1];
        case 'set': return ['SMEMBERS', k];
        case 'hash': return ['HGETALL', k];
        case 'zset': return ['ZRANGE', k, 0, -1, 'WITHSCORES'];
        default: throw new Error(`unexpected type ${types[i]}`);
      }
    });
    const values = await exec(db, reads);
    keys.forEach((k, i) => {
      let value: string;
      switch (types[i]) {
        case 'string': value = text(values[i]); break;
        case 'set': value = JSON.stringify(texts(values[i]).sort()); break;
        case 'hash': {
          const flat = texts(values[i]);
          const pairs: string[][] = [];
          for (let j = 0; j < flat.length; j += 2) pairs.push([flat[j], flat[j + 1]]);
          pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
          value = JSON.stringify(pairs);
          break;
        }
        default: value = JSON.stringify(texts(values[i]));
      }
      dump.set(`${db}/${Buffer.from(k, 'latin1').toString('hex')}`, {
        type: types[i],
        ttl: Number(text(meta[3 * i + 1])),
        encoding: text(meta[3 * i + 2]),
        value,
      });
    });
  }
  return dump;
}

/** Differences between two dumps (at most 12 listed); TTLs may differ by `ttlTolerance` ms. */
function diffDumps(a: Dump, b: Dump, opts: { ttlTolerance: number; encodings: boolean }): string[] {
  const out: string[] = [];
  const name = (k: string): string => {
    const [db, hex] = k.split('/');
    return `db${db}:${JSON.stringify(Buffer.from(hex, 'hex').toString('latin1')).slice(0, 60)}`;
  };
  for (const [k, x] of a) {
    const y = b.get(k);
    if (!y) out.push(`${name(k)} missing on the right`);
    else if (x.type !== y.type) out.push(`${name(k)} type ${x.type} vs ${y.type}`);
    else if (x.value !== y.value) out.push(`${name(k)} value ${x.value.slice(0, 120)} vs ${y.value.slice(0, 120)}`);
    else if (opts.encodings && x.encoding !== y.encoding) out.push(`${name(k)} encoding ${x.encoding} vs ${y.encoding}`);
    else if ((x.ttl < 0) !== (y.ttl < 0) || Math.abs(x.ttl - y.ttl) > opts.ttlTolerance) out.push(`${name(k)} ttl ${x.ttl} vs ${y.ttl}`);
  }
  for (const k of b.keys()) if (!a.has(k)) out.push(`${name(k)} missing on the left`);
  return out.slice(0, 12);
}

function assertSame(a: Dump, b: Dump, what: string, encodings = true): void {
  const d = diffDumps(a, b, { ttlTolerance: 15000, encodings });
  assert.equal(d, [], `${what}: ${a.size} vs ${b.size} keys\n${d.join('\n')}`);
}

// ---- the data set ------------------------------------------------------------------------------

/** Commands that build every type in every encoding we and Redis 7.0 use, on several databases. */
function dataset(seed: number): Array<[number, Arg[]]> {
  const rng = new Rng(seed);
  const cmds: Array<[number, Arg[]]> = [];
  const add = (db: number, ...args: Arg[]): void => { cmds.push([db, args]); };
  const mixed = (i: number): Arg => {
    switch (i % 9) {
      case 0: return String(rng.int(0, 127));
      case 1: return String(rng.int(-4096, 4095));
      case 2: return String(rng.int(-32768, 32767));
      case 3: return String(rng.int(-8388608, 8388607));
      case 4: return String(rng.int(-2147483648, 2147483647));
      case 5: return (BigInt(rng.int(-(2 ** 30), 2 ** 30)) * 8589934592n).toString();
      case 6: return rng.word(rng.int(0, 70));
      case 7: return rng.bytes(rng.int(1, 20));
      default: return '0' + rng.int(0, 99);  // not canonical: stays a string
    }
  };

  // Strings: int-encodable and look-alikes, empty, binary, lengths around every boundary.
  const intLike = ['0', '1', '-1', '127', '128', '-128', '-129', '255', '32767', '32768', '-32768', '-32769',
    '2147483647', '2147483648', '-2147483648', '-2147483649', '9223372036854775807', '-9223372036854775808',
    '9223372036854775808', '12345678901', '007', '+1', '-0', '1.5', ' 1', '1 ', '1e3'];
  intLike.forEach((v, i) => add(0, 'SET', `str:int:${i}`, v));
  add(0, 'SET', 'str:empty', '');
  add(0, 'SET', '', 'the empty key');
  add(0, 'SET', Buffer.from([0, 255, 13, 10, 128]), Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  for (const n of [1, 11, 12, 20, 21, 22, 44, 45, 63, 64, 100, 16383, 16384, 70000]) {
    add(0, 'SET', `str:rep:${n}`, 'abcdefgh'.repeat(Math.ceil(n / 8)).slice(0, n));
    add(0, 'SET', `str:rnd:${n}`, rng.bytes(n));
  }
  add(0, 'SET', 'str:long-repetitive', 'Lorem ipsum dolor sit amet, '.repeat(10000));
  add(0, 'SET', 'str:same-byte', 'z'.repeat(100000));
  add(0, 'SET', 'str:ttl', 'expiring', 'PX', 3_600_000);
  add(0, 'SET', 'str:int-ttl', '42', 'PX', 7_200_000);
  add(0, 'INCRBY', 'str:incr', 1_000_000_007);
  add(0, 'APPEND', 'str:raw', 'short');  // raw encoding

  // Hashes: listpack (with integer elements of every width), hashtable by count and by length.
  add(0, 'HSET', 'h:small', 'f1', 'v1', 'n', '123', 'neg', '-5', 'empty', '', '', 'empty field', 'big', '9223372036854775807');
  const wide: Arg[] = [];
  for (let i = 0; i < 40; i++) wide.push(`f${i}`, mixed(i));
  add(0, 'HSET', 'h:mixed', ...wide);
  add(0, 'HSET', 'h:longvalue', 'a', '1', 'b', 'x'.repeat(65));
  const many: Arg[] = [];
  for (let i = 0; i < 700; i++) many.push(`field:${i}`, mixed(i));
  add(0, 'HSET', 'h:large', ...many);
  add(0, 'HSET', 'h:ttl', 'a', 'b');
  add(0, 'PEXPIRE', 'h:ttl', 5_000_000);

  // Lists: small and large (quicklist with many nodes), huge elements, integer elements.
  const small: Arg[] = [];
  for (let i = 0; i < 30; i++) small.push(mixed(i));
  add(0, 'RPUSH', 'l:small', ...small);
  const big: Arg[] = [];
  for (let i = 0; i < 5000; i++) big.push(mixed(i));
  add(0, 'RPUSH', 'l:large', ...big);
  add(0, 'RPUSH', 'l:huge-elements', 'a', 'q'.repeat(9000), rng.bytes(20000), 'b', 'r'.repeat(70000), '5');
  add(0, 'LPUSH', 'l:one', 'only');
  add(0, 'RPUSH', 'l:ttl', 1, 2, 3);
  add(0, 'PEXPIRE', 'l:ttl', 6_000_000);

  // Sets: intsets of every width, intset over the limit, strings small and large.
  add(0, 'SADD', 's:int16', 1, 2, 3, -5, 32767, -32768);
  add(0, 'SADD', 's:int32', 1, 100000, -2147483648);
  add(0, 'SADD', 's:int64', 1, '9223372036854775807', '-9223372036854775808', '4294967296');
  const ints: Arg[] = [];
  for (let i = 0; i < 600; i++) ints.push(i * 7 - 1000);
  add(0, 'SADD', 's:int-large', ...ints);
  add(0, 'SADD', 's:strings', 'a', 'b', 'c', '', '01', 'x'.repeat(100));
  const members: Arg[] = [];
  for (let i = 0; i < 1000; i++) members.push(`member:${i}:${rng.word(5)}`);
  add(0, 'SADD', 's:large', ...members);
  add(0, 'SADD', 's:ttl', 1, 2);
  add(0, 'PEXPIRE', 's:ttl', 4_000_000);

  // Sorted sets: listpack (integer, fractional and infinite scores), skiplist by count and length.
  add(0, 'ZADD', 'z:small', 1, 'one', 2.5, 'two.5', -3, 'minus3', 'inf', 'pinf', '-inf', 'ninf', 1e300, 'big',
    5e-324, 'tiny', 0, 'zero', 123456789012, 'int', 0.1, 'tenth', 4503599627370497, 'beyond2^52', '-1.5e-7', 'smallneg');
  const zs: Arg[] = [];
  for (let i = 0; i < 300; i++) zs.push(rng.bool() ? rng.int(-1000, 1000) : (rng.next() * 1e6 - 5e5), `zm:${i}`);
  add(0, 'ZADD', 'z:large', ...zs);
  add(0, 'ZADD', 'z:longmember', 1, 'm'.repeat(80), 2, 'short');
  add(0, 'ZADD', 'z:ttl', 1, 'a');
  add(0, 'PEXPIRE', 'z:ttl', 3_000_000);

  // Other databases.
  for (const db of [1, 7, 15]) {
    add(db, 'SET', 'same-name', `db${db}`);
    add(db, 'RPUSH', `list${db}`, 'a', 'b', db);
    add(db, 'HSET', `hash${db}`, 'f', db);
    add(db, 'SET', `ttl${db}`, 'v', 'PX', 1_000_000 * db);
  }
  return cmds;
}

async function populate(exec: Exec, cmds: Array<[number, Arg[]]>): Promise<void> {
  for (let db = 0; db < 16; db++) {
    const mine = cmds.filter(([d]) => d === db).map(([, c]) => c);
    if (mine.length === 0) continue;
    const replies = await exec(db, mine);
    replies.forEach((r, i) => assert.ok(r.type !== 'error', `${String(mine[i][0])} ${String(mine[i][1])}: ${r.type === 'error' ? r.value : ''}`));
  }
}

// ---- helpers -----------------------------------------------------------------------------------

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-rdb-'));
let tmpCount = 0;
function tmpDir(): string {
  const d = path.join(tmpRoot, String(++tmpCount));
  fs.mkdirSync(d);
  return d;
}

function flushAll(): void {
  usExec(0, [['FLUSHALL']]);
}

function save(file: string): void {
  const err = native.saveSnapshot(file);
  assert.is(err, null, `saveSnapshot: ${String(err)}`);
}

function load(file: string): { keys: number; expired: number } {
  const r = native.loadSnapshot(file);
  if (typeof r === 'string') throw new Error(`loadSnapshot: ${r}`);
  return r;
}

async function withRedis<T>(args: string[], fn: (server: ServerHandle, conn: Connection) => Promise<T>): Promise<T> {
  const server = await startRedis(args);
  let conn: Connection | null = null;
  try {
    conn = await server.connect();
    return await fn(server, conn);
  } finally {
    conn?.close();
    await server.stop();
  }
}

const haveRedis = redisServerAvailable();

function checkRdb(file: string): void {
  const r = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  assert.is(r.status, 0, `redis-check-rdb failed:\n${output}`);
  assert.match(output, /RDB looks OK/);
}

test.after(() => {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

// ---- 1. us -> us -------------------------------------------------------------------------------

test('us -> us: every type and encoding round-trips with TTLs; expired keys are not saved', async () => {
  flushAll();
  native.setConfig('active-expire-enabled', 'no');
  await populate(usSide, dataset(1));
  // A key that expires before the save: skipped by the writer.
  usExec(3, [['SET', 'gone', 'x', 'PX', 1]]);
  await new Promise((r) => setTimeout(r, 20));
  const before = await dumpAll(usSide);
  const encodings = new Set([...before.values()].map((k) => `${k.type}:${k.encoding}`));
  for (const e of ['string:int', 'string:embstr', 'string:raw', 'hash:listpack', 'hash:hashtable', 'list:quicklist',
    'set:intset', 'set:hashtable', 'zset:listpack', 'zset:skiplist']) {
    assert.ok(encodings.has(e), `the data set covers ${e}`);
  }
  const file = path.join(tmpDir(), 'dump.rdb');
  save(file);
  flushAll();
  assert.is((await dumpAll(usSide)).size, 0);
  const result = load(file);
  assert.is(result.keys, before.size);
  assert.is(result.expired, 0);
  assertSame(before, await dumpAll(usSide), 'after reload');
  // Saving what was loaded gives an image of the same size, up to the aux fields (ctime, used-mem).
  const again = path.join(tmpDir(), 'again.rdb');
  save(again);
  assert.ok(Math.abs(fs.statSync(again).size - fs.statSync(file).size) < 16, 'same image size');
  native.setConfig('active-expire-enabled', 'yes');
});

test('us -> us: the image starts with REDIS0010 and the aux fields, ends with EOF + CRC64', () => {
  flushAll();
  usExec(0, [['SET', 'k', 'v']]);
  const file = path.join(tmpDir(), 'small.rdb');
  save(file);
  const img = fs.readFileSync(file);
  assert.is(img.subarray(0, 9).toString(), 'REDIS0010');
  for (const aux of ['redis-ver', '7.0.15', 'redis-bits', 'ctime', 'used-mem', 'aof-base']) {
    assert.ok(img.includes(Buffer.from(aux)), `aux ${aux}`);
  }
  assert.is(img[img.length - 9], 0xff);
  assert.is(crc64(img.subarray(0, img.length - 8)), img.readBigUInt64LE(img.length - 8));
  // An empty keyspace: header, aux fields, EOF, CRC.
  flushAll();
  save(file);
  assert.is(load(file).keys, 0);
});

// ---- 2. us -> Redis ----------------------------------------------------------------------------

test('us -> Redis: redis-check-rdb accepts our file and redis-server loads the same contents', async () => {
  if (!haveRedis) return;
  flushAll();
  await populate(usSide, dataset(2));
  const ours = await dumpAll(usSide);
  const dir = tmpDir();
  save(path.join(dir, 'dump.rdb'));
  checkRdb(path.join(dir, 'dump.rdb'));
  await withRedis(['--dir', dir, '--dbfilename', 'dump.rdb'], async (_server, conn) => {
    for (let db = 0; db < 16; db++) {
      const [size] = await redisExec(conn, db, [['DBSIZE']]);
      const expected = [...ours.keys()].filter((k) => k.startsWith(`${db}/`)).length;
      assert.is(text(size), String(expected), `DBSIZE of db ${db}`);
    }
    assertSame(ours, await dumpAll(redisSide(conn)), 'Redis after loading our file');
  });
});

// ---- 3. Redis -> us ----------------------------------------------------------------------------

async function redisToUs(args: string[], seed: number): Promise<void> {
  const dir = tmpDir();
  await withRedis(['--dir', dir, '--dbfilename', 'redis.rdb', ...args], async (_server, conn) => {
    await populate(redisSide(conn), dataset(seed));
    // A key that expires between SAVE and our load.
    await redisExec(conn, 2, [['SET', 'soon-gone', 'x', 'PX', 300]]);
    const theirs = await dumpAll(redisSide(conn));
    assert.is(text((await conn.call(['SAVE'])).value), 'OK');
    const file = path.join(dir, 'redis.rdb');
    await new Promise((r) => setTimeout(r, 400));
    flushAll();
    const result = load(file);
    theirs.delete(`2/${Buffer.from('soon-gone').toString('hex')}`);
    assert.is(result.expired, 1, 'the expired key is skipped');
    assert.is(result.keys, theirs.size);
    assertSame(theirs, await dumpAll(usSide), `us after loading Redis's file (${args.join(' ')})`);
  });
}

test('Redis -> us: rdbcompression yes, small list nodes (many quicklist nodes)', async () => {
  if (!haveRedis) return;
  await redisToUs(['--rdbcompression', 'yes', '--list-max-listpack-size', '4'], 3);
});

test('Redis -> us: rdbchecksum no, rdbcompression no, default list nodes', async () => {
  if (!haveRedis) return;
  await redisToUs(['--rdbchecksum', 'no', '--rdbcompression', 'no'], 4);
});

test('Redis -> us: Redis writes hashtable/skiplist encodings for small collections under low limits', async () => {
  if (!haveRedis) return;
  // Redis holds small collections as hashtable/skiplist (RDB types 2, 4, 5) here; we rebuild them in
  // the encodings our (default) limits pick, so values are compared and encodings are not.
  const dir = tmpDir();
  await withRedis(['--dir', dir, '--dbfilename', 'low.rdb', '--hash-max-listpack-entries', '1',
    '--zset-max-listpack-entries', '1', '--set-max-intset-entries', '1', '--list-max-listpack-size', '1'], async (_s, conn) => {
    await populate(redisSide(conn), dataset(5));
    const theirs = await dumpAll(redisSide(conn));
    assert.is(text((await conn.call(['SAVE'])).value), 'OK');
    flushAll();
    load(path.join(dir, 'low.rdb'));
    const ours = await dumpAll(usSide);
    assertSame(theirs, ours, 'values', false);
    assert.is(ours.get(`0/${Buffer.from('h:small').toString('hex')}`)?.encoding, 'listpack');
    assert.is(ours.get(`0/${Buffer.from('s:int16').toString('hex')}`)?.encoding, 'intset');
    assert.is(ours.get(`0/${Buffer.from('z:small').toString('hex')}`)?.encoding, 'listpack');
  });
});

// ---- 4. legacy encodings -------------------------------------------------------------------------

/** CRC-64/Redis (Jones, reflected, init 0), for checking our images independently. */
function crc64(data: Buffer): bigint {
  const poly = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

/** Builds RDB images by hand (for the encodings Redis 7.0 no longer writes). */
class Image {
  private parts: Buffer[] = [];
  constructor(version: number) {
    this.raw(Buffer.from(`REDIS${String(version).padStart(4, '0')}`));
  }
  raw(b: Buffer): this { this.parts.push(b); return this; }
  byte(...b: number[]): this { return this.raw(Buffer.from(b)); }
  len(n: number): this {
    if (n < 64) return this.byte(n);
    if (n < 16384) return this.byte(0x40 | (n >> 8), n & 0xff);
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(n, 1);
    return this.raw(b);
  }
  str(s: string | Buffer): this {
    const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1');
    return this.len(b.length).raw(b);
  }
  /** An LZF string: literal runs, and a back-reference for runs of one repeated byte. */
  lzf(s: string): this {
    const out: number[] = [];
    let i = 0;
    while (i < s.length) {
      let run = 1;
      while (i + run < s.length && s[i + run] === s[i] && run < 265) run++;
      if (run >= 4) {
        out.push(0, s.charCodeAt(i));  // one literal byte, then copy it run-1 times (distance 1)
        const l = run - 1 - 2;
        if (l < 7) out.push((l << 5) | 0, 0);
        else out.push(0xe0, l - 7, 0);
        i += run;
      } else {
        const n = Math.min(32, s.length - i);
        out.push(n - 1, ...Buffer.from(s.slice(i, i + n), 'latin1'));
        i += n;
      }
    }
    return this.byte(0xc3).len(out.length).len(s.length).raw(Buffer.from(out));
  }
  int8(v: number): this { return this.byte(0xc0, v & 0xff); }
  int16(v: number): this { const b = Buffer.alloc(3); b[0] = 0xc1; b.writeInt16LE(v, 1); return this.raw(b); }
  int32(v: number): this { const b = Buffer.alloc(5); b[0] = 0xc2; b.writeInt32LE(v, 1); return this.raw(b); }
  expireSeconds(t: number): this { const b = Buffer.alloc(5); b[0] = 0xfd; b.writeInt32LE(t, 1); return this.raw(b); }
  expireMs(t: number): this { const b = Buffer.alloc(9); b[0] = 0xfc; b.writeBigInt64LE(BigInt(t), 1); return this.raw(b); }
  /** EOF, then the checksum (version >= 5): the real CRC, or 0 ("not computed"). */
  end(withCrc: boolean, version: number): Buffer {
    this.byte(0xff);
    const body = Buffer.concat(this.parts);
    if (version < 5) return body;
    const sum = Buffer.alloc(8);
    if (withCrc) sum.writeBigUInt64LE(crc64(body));
    return Buffer.concat([body, sum]);
  }
}

/** A ziplist of strings and integers (numbers are stored with the integer encodings). */
function ziplist(items: Array<string | number | bigint>): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  for (const it of items) {
    let body: Buffer;
    if (typeof it === 'string') {
      const s = Buffer.from(it, 'latin1');
      let head: Buffer;
      if (s.length < 64) head = Buffer.from([s.length]);
      else if (s.length < 16384) head = Buffer.from([0x40 | (s.length >> 8), s.length & 0xff]);
      else { head = Buffer.alloc(5); head[0] = 0x80; head.writeUInt32BE(s.length, 1); }
      body = Buffer.concat([head, s]);
    } else {
      const v = BigInt(it);
      if (v >= 0n && v <= 12n) body = Buffer.from([0xf1 + Number(v)]);
      else if (v >= -128n && v <= 127n) { body = Buffer.alloc(2); body[0] = 0xfe; body.writeInt8(Number(v), 1); }
      else if (v >= -32768n && v <= 32767n) { body = Buffer.alloc(3); body[0] = 0xc0; body.writeInt16LE(Number(v), 1); }
      else if (v >= -8388608n && v <= 8388607n) { body = Buffer.alloc(4); body[0] = 0xf0; body.writeIntLE(Number(v), 1, 3); }
      else if (v >= -2147483648n && v <= 2147483647n) { body = Buffer.alloc(5); body[0] = 0xd0; body.writeInt32LE(Number(v), 1); }
      else { body = Buffer.alloc(9); body[0] = 0xe0; body.writeBigInt64LE(v, 1); }
    }
    let prevLen: Buffer;
    if (prev < 254) prevLen = Buffer.from([prev]);
    else { prevLen = Buffer.alloc(5); prevLen[0] = 0xfe; prevLen.writeUInt32LE(prev, 1); }
    const entry = Buffer.concat([prevLen, body]);
    entries.push(entry);
    prev = entry.length;
  }
  const header = Buffer.alloc(10);
  const total = 10 + entries.reduce((n, e) => n + e.length, 0) + 1;
  header.writeUInt32LE(total, 0);
  header.writeUInt32LE(entries.length ? total - 1 - entries[entries.length - 1].length : 10, 4);
  header.writeUInt16LE(Math.min(entries.length, 65535), 8);
  return Buffer.concat([header, ...entries, Buffer.from([0xff])]);
}

function zipmap(pairs: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length])];
  const len = (n: number): Buffer => {
    if (n < 254) return Buffer.from([n]);
    const b = Buffer.alloc(5); b[0] = 254; b.writeUInt32LE(n, 1); return b;
  };
  for (const [f, v] of pairs) {
    parts.push(len(f.length), Buffer.from(f, 'latin1'), len(v.length), Buffer.from([2]), Buffer.from(v, 'latin1'), Buffer.from([0, 0]));
  }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

function intset(width: 2 | 4 | 8, values: bigint[]): Buffer {
  const b = Buffer.alloc(8 + width * values.length);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(values.length, 4);
  values.forEach((v, i) => {
    if (width === 8) b.writeBigInt64LE(v, 8 + i * width);
    else b.writeIntLE(Number(v), 8 + i * width, width);
  });
  return b;
}

/** A legacy image with every old encoding; `version` selects the header (and checksum presence). */
function legacyImage(version: number, withCrc: boolean): Buffer {
  const future = Math.floor(Date.now() / 1000) + 3600;
  const img = new Image(version);
  img.byte(0xfa).str('redis-ver').str('2.8.0');
  img.byte(0xfa).str('redis-bits').int8(64);
  img.byte(0xfe).len(0);
  img.byte(0xfb).len(20).len(2);
  // Strings: raw, int8/16/32, LZF, expiry in seconds and in ms, LRU/LFU opcodes before a key.
  img.byte(0).str('s:raw').str('hello world');
  img.byte(0).str('s:i8').int8(-100);
  img.byte(0).str('s:i16').int16(-30000);
  img.byte(0).str('s:i32').int32(2000000000);
  img.byte(0).str('s:lzf').lzf('header:' + 'a'.repeat(300) + '|middle|' + 'b'.repeat(10) + 'tail');
  img.expireSeconds(future).byte(0).str('s:exp-s').str('v');
  img.expireMs(future * 1000 + 123).byte(0).str('s:exp-ms').str('v');
  img.expireSeconds(1000).byte(0).str('s:expired').str('v');  // long past: not loaded
  img.byte(0xf8).len(1000).byte(0).str('s:idle').str('v');
  img.byte(0xf9).byte(7).byte(0).str('s:freq').str('v');
  // List (1), ziplist list (10), quicklist of ziplists (14).
  img.byte(1).str('l:plain').len(3).str('a').int8(5).str('c');
  img.byte(10).str('l:ziplist').str(ziplist(['x', 1, 12, 13, -1, 300, -70000, 5000000000n, 'y'.repeat(300), '']));
  img.byte(14).str('l:quicklist').len(3).str(ziplist(['n1a', 'n1b'])).str(ziplist([])).str(ziplist([7, 'n3']));
  // Set (2), intsets (11) of each width.
  img.byte(2).str('s:set').len(3).str('m1').str('m2').int8(3);
  img.byte(11).str('s:intset16').str(intset(2, [-5n, 1n, 300n]));
  img.byte(11).str('s:intset32').str(intset(4, [-100000n, 7n]));
  img.byte(11).str('s:intset64').str(intset(8, [-(2n ** 62n), 0n, 2n ** 62n]));
  // Sorted sets: string scores (3) with the inf/nan markers, ziplist (12).
  img.byte(3).str('z:strscores').len(4).str('a').byte(3).raw(Buffer.from('1.5')).str('b').byte(254).str('c').byte(255)
    .str('d').byte(2).raw(Buffer.from('-7'));
  img.byte(12).str('z:ziplist').str(ziplist(['m1', 1, 'm2', '2.25', 'm3', 5000000000n]));
  // Hashes: plain (4), zipmap (9), ziplist (13).
  img.byte(4).str('h:plain').len(2).str('f1').str('v1').str('f2').int16(1000);
  img.byte(9).str('h:zipmap').str(zipmap([['f1', 'v1'], ['field2', 'x'.repeat(300)]]));
  img.byte(13).str('h:ziplist').str(ziplist(['f1', 'v1', 'n', 42, 'big', 5000000000n]));
  img.byte(0xfe).len(3);
  img.byte(0).str('db3').str('value');
  return img.end(withCrc, version);
}

test('legacy encodings (ziplist, zipmap, quicklist v1, string scores, second expiries): Redis and we agree', async () => {
  if (!haveRedis) return;
  for (const [version, withCrc] of [[9, false], [9, true], [6, true], [4, false]] as Array<[number, boolean]>) {
    const dir = tmpDir();
    const file = path.join(dir, 'legacy.rdb');
    fs.writeFileSync(file, legacyImage(version, withCrc));
    flushAll();
    const result = load(file);
    assert.is(result.expired, 1);
    const ours = await dumpAll(usSide);
    assert.is(result.keys, ours.size);
    assert.is(ours.size, 22);
    await withRedis(['--dir', dir, '--dbfilename', 'legacy.rdb'], async (_s, conn) => {
      assertSame(await dumpAll(redisSide(conn)), ours, `legacy image v${version}`);
    });
  }
});

// ---- 5. corruption and refusals ----------------------------------------------------------------

function loadError(file: string): string | null {
  flushAll();
  const r = native.loadSnapshot(file);
  return typeof r === 'string' ? r : null;
}

test('truncated images are errors with an offset, at every length', () => {
  flushAll();
  usExec(0, [
    ['SET', 'str', 'Lorem ipsum '.repeat(20)], ['SET', 'n', '12345'], ['HSET', 'h', 'a', '1', 'b', 'two'],
    ['RPUSH', 'l', 'x', '1', 'y'.repeat(70)], ['SADD', 's', '1', '2', '300000'], ['SADD', 'ss', 'a', 'b'],
    ['ZADD', 'z', '1', 'a', '2.5', 'b'], ['SET', 'ttl', 'v', 'PX', '100000000'],
  ]);
  const dir = tmpDir();
  const file = path.join(dir, 'full.rdb');
  save(file);
  const full = fs.readFileSync(file);
  const cut = path.join(dir, 'cut.rdb');
  for (let n = 0; n < full.length; n++) {
    fs.writeFileSync(cut, full.subarray(0, n));
    const err = loadError(cut);
    assert.ok(err !== null, `a ${n}-byte prefix loads`);
    assert.match(err, /^Bad RDB file: .* at offset \d+$/);
  }
  // The same with a legacy image (ziplist, zipmap, intset decoders).
  const legacy = legacyImage(9, true);
  for (let n = 0; n < legacy.length; n += 3) {
    fs.writeFileSync(cut, legacy.subarray(0, n));
    assert.ok(loadError(cut) !== null, `a ${n}-byte legacy prefix loads`);
  }
});

test('byte flips: with a CRC always an error; without one an error or a load, never a crash', () => {
  flushAll();
  const rng = new Rng(20240607);
  usExec(0, [
    ['HSET', 'h', 'a', '1', 'b', 'two', 'c', '-300000'], ['RPUSH', 'l', 'x', '1', '-5000', 'y'.repeat(70)],
    ['SADD', 's', '1', '2', '300000'], ['ZADD', 'z', '1', 'a', '2.5', 'b'], ['SET', 'lz', 'abc'.repeat(50)],
  ]);
  const dir = tmpDir();
  const file = path.join(dir, 'flip-src.rdb');
  save(file);
  const images = [fs.readFileSync(file), legacyImage(9, true)];
  const flipped = path.join(dir, 'flipped.rdb');
  let structural = 0;
  for (const original of images) {
    for (let round = 0; round < 400; round++) {
      const img = Buffer.from(original);
      const flips = rng.int(1, 3);
      for (let i = 0; i < flips; i++) img[rng.int(9, img.length - 9)] ^= 1 << rng.int(0, 7);
      fs.writeFileSync(flipped, img);
      const err = loadError(flipped);
      assert.ok(err !== null, `flip round ${round} loaded despite the CRC`);
      assert.match(err, /^Bad RDB file: /);
      // Zero the CRC ("not computed"): now only the structure checks stand between the flip and the
      // keyspace.
      img.fill(0, img.length - 8);
      fs.writeFileSync(flipped, img);
      const err2 = loadError(flipped);
      if (err2 !== null) {
        assert.match(err2, /^Bad RDB file: .* at offset \d+$/);
        structural++;
      }
    }
  }
  assert.ok(structural > 50, `structural errors: ${structural}`);
});

test('a CRC mismatch is reported; a zero CRC is not checked', () => {
  flushAll();
  usExec(0, [['SET', 'k', 'some plain value']]);
  const dir = tmpDir();
  const file = path.join(dir, 'crc.rdb');
  save(file);
  const img = fs.readFileSync(file);
  const at = img.indexOf('some plain value');
  img[at] ^= 0x20;  // 's' -> 'S': still a valid image, only the checksum disagrees
  fs.writeFileSync(file, img);
  assert.match(loadError(file) ?? '', /^Bad RDB file: checksum mismatch at offset \d+$/);
  img.fill(0, img.length - 8);
  fs.writeFileSync(file, img);
  assert.is(loadError(file), null);
  assert.is(text(usExec(0, [['GET', 'k']])[0]), 'Some plain value');
});

test('malformed or Redis 7.2 streams, modules, functions and unknown versions are refused with a clear error', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'refuse.rdb');
  const cases: Array<[Buffer, RegExp]> = [
    [new Image(10).byte(0xfe).len(0).byte(15).str('st').len(1).str('short').end(false, 10), /stream node key is not 16 bytes/],
    [new Image(10).byte(0xfe).len(0).byte(19).str('st').len(1).str('k'.repeat(16)).str('not a listpack').end(false, 10), /listpack/],
    [new Image(10).byte(0xfe).len(0).byte(21).str('st').end(false, 10), /RDB type 21/],
    [new Image(10).byte(0xfe).len(0).byte(20).str('st').end(false, 10), /RDB type 20/],
    [new Image(10).byte(0xfe).len(0).byte(7).str('m').end(false, 10), /module values/],
    [new Image(10).byte(0xf7).len(1).end(false, 10), /module data/],
    [new Image(10).byte(0xf5).str('#!lua name=x').end(false, 10), /function library not loaded: No functions registered/],
    [new Image(10).byte(0xf6).str('x').end(false, 10), /Pre-release function format not supported/],
    [new Image(11).end(false, 11), /unsupported RDB version 11/],
    [new Image(0).end(false, 0), /unsupported RDB version 0/],
    [Buffer.from('RUDIS0010\xff'), /wrong signature/],
    [new Image(10).byte(0xfe).len(16).end(false, 10), /database 16 out of range/],
    [new Image(10).byte(0).str('k').str('v').byte(0).str('k').str('w').end(false, 10), /duplicate key/],
    [new Image(10).byte(4).str('h').len(2).str('f').str('1').str('f').str('2').end(false, 10), /duplicate hash field/],
    [new Image(10).byte(12).str('z').str(ziplist(['a', 1, 'b'])).end(false, 10), /odd number/],
    [new Image(10).byte(11).str('s').str(intset(2, [3n, 1n])).end(false, 10), /ascending/],
    [new Image(10).byte(50).str('k').end(false, 10), /unknown value type 50/],
  ];
  for (const [img, re] of cases) {
    fs.writeFileSync(file, img);
    const err = loadError(file);
    assert.ok(err !== null, `refused: ${re}`);
    assert.match(err, re);
    assert.match(err, /^Bad RDB file: .* at offset \d+$/);
  }
  // Empty collections are skipped (as Redis does), not errors.
  fs.writeFileSync(file, new Image(10).byte(1).str('empty').len(0).byte(0).str('k').str('v').end(false, 10));
  flushAll();
  assert.equal(load(file), { keys: 1, expired: 0 });
});

test.run();
