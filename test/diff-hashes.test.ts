/**
 * Differential tests of the hash commands against real redis-server: scripted cases for every
 * command, error and edge case, OBJECT ENCODING transitions at the thresholds (default and after
 * CONFIG SET), WRONGTYPE both ways, the generic commands on hashes, and seeded random sequences;
 * RESP2 and RESP3, one by one and pipelined.
 *
 * Replies whose order is the hash table's (HGETALL/HKEYS/HVALS of a "hashtable" hash, HSCAN
 * batches) and HRANDFIELD's random picks are normalised as described in support/gen-hashes.ts;
 * listpack hashes must match byte for byte (insertion order).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cmd, DiffSession } from './support/diff';
import { checkScript, usePair } from './support/harness';
import { checkHashRandom, checkHashScript, pairsIn, randomHashCommand } from './support/gen-hashes';
import { elementsOf, textOf } from './support/resp';
import { randomScale, seedsFromEnv } from './support/random';

const p = usePair(test);

const long64 = 'v'.repeat(64);
const long65 = 'v'.repeat(65);

/** `n` field/value pairs f0 v0 f1 v1 ... */
function fieldPairs(n: number, prefix = 'f', from = 0): string[] {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) out.push(`${prefix}${i}`, `v${i}`);
  return out;
}

test('HSET, HMSET, HSETNX, HGET, HMGET: basics, order, errors', async () => {
  const cmds: Cmd[] = [
    ['HSET', 'h', 'a', '1'], ['HSET', 'h', 'b', '2', 'c', '3'], ['HSET', 'h', 'a', '10', 'd', '4'],
    ['HGETALL', 'h'], ['OBJECT', 'ENCODING', 'h'], ['TYPE', 'h'],
    ['HSET', 'h', 'a', '1', 'a', '2'], ['HGET', 'h', 'a'], ['HLEN', 'h'],
    ['HSET', 'h'], ['HSET', 'h', 'a'], ['HSET', 'h', 'a', '1', 'b'], ['HSET'],
    ['HMSET', 'h', 'e', '5', 'f', '6'], ['HMSET', 'h', 'e'], ['HMSET', 'h', 'e', '1', 'f'], ['HMSET', 'h2', 'x', 'y'],
    ['HSETNX', 'h', 'a', 'nope'], ['HSETNX', 'h', 'new', 'yes'], ['HSETNX', 'fresh', 'f', 'v'], ['HSETNX', 'h', 'a'],
    ['HSETNX', 'h', 'a', 'b', 'c'],
    ['HGET', 'h', 'a'], ['HGET', 'h', 'missing'], ['HGET', 'nokey', 'a'], ['HGET', 'h'], ['HGET', 'h', 'a', 'b'],
    ['HMGET', 'h', 'a', 'missing', 'b', 'a'], ['HMGET', 'nokey', 'a', 'b'], ['HMGET', 'h'],
    ['HGETALL', 'h'], ['HKEYS', 'h'], ['HVALS', 'h'],
    // Empty fields/values and binary bytes, CRLF inside.
    ['HSET', 'bin', '', '', Buffer.from([0, 255, 13, 10]), Buffer.from([1, 2, 3]), 'crlf\r\n', 'x\r\ny'],
    ['HGETALL', 'bin'], ['HGET', 'bin', ''], ['HSTRLEN', 'bin', ''], ['HGET', 'bin', Buffer.from([0, 255, 13, 10])],
    // Integer-looking values are returned as sent.
    ['HSET', 'ints', 'a', '123', 'b', '-9223372036854775808', 'c', '007', 'd', '-0', 'e', '1e3', 'f', '18446744073709551616'],
    ['HGETALL', 'ints'], ['HINCRBY', 'ints', 'a', '1'], ['HINCRBY', 'ints', 'c', '1'], ['HINCRBY', 'ints', 'd', '1'],
    ['HGETALL', 'ints'],
    ['DBSIZE'],
  ];
  await checkHashScript(p(), cmds, { compareStateOf: [0] });
});

test('HDEL, HLEN, HEXISTS, HSTRLEN, HKEYS, HVALS, HGETALL; listpack insertion order', async () => {
  const cmds: Cmd[] = [
    ['HSET', 'h', 'a', '1', 'b', '22', 'c', '333', 'd', '4444'],
    ['HDEL', 'h', 'b'], ['HGETALL', 'h'], ['HSET', 'h', 'b', 'again'], ['HKEYS', 'h'], ['HVALS', 'h'],
    ['HSET', 'h', 'a', 'a longer value than before'], ['HGETALL', 'h'], ['HSET', 'h', 'a', ''], ['HGETALL', 'h'],
    ['HDEL', 'h', 'zz'], ['HDEL', 'h', 'a', 'a', 'c', 'zz'], ['HGETALL', 'h'], ['HLEN', 'h'],
    ['HEXISTS', 'h', 'd'], ['HEXISTS', 'h', 'a'], ['HEXISTS', 'nokey', 'a'], ['HEXISTS', 'h'],
    ['HSTRLEN', 'h', 'd'], ['HSTRLEN', 'h', 'nope'], ['HSTRLEN', 'nokey', 'x'], ['HSTRLEN', 'h'],
    ['HLEN', 'nokey'], ['HLEN'], ['HLEN', 'h', 'x'],
    ['HKEYS', 'nokey'], ['HVALS', 'nokey'], ['HGETALL', 'nokey'], ['HKEYS'], ['HGETALL', 'h', 'x'],
    ['HDEL', 'h', 'b', 'd'], ['EXISTS', 'h'], ['HLEN', 'h'], ['HDEL', 'h', 'x'], ['HDEL', 'h'], ['HDEL', 'nokey', 'a'],
    ['HSET', 'big', ...fieldPairs(200)], ['HDEL', 'big', 'f1', 'f2', 'f3', 'nope'], ['HLEN', 'big'], ['HGET', 'big', 'f199'],
    ['HGETALL', 'big'], ['HKEYS', 'big'], ['HVALS', 'big'], ['HEXISTS', 'big', 'f5'], ['HSTRLEN', 'big', 'f100'],
    ['HDEL', 'big', ...fieldPairs(200).filter((_, i) => i % 2 === 0)], ['EXISTS', 'big'],
    ['HSET', 'huge', ...fieldPairs(600)], ['HDEL', 'huge', 'f1', 'f2'], ['HLEN', 'huge'], ['HGETALL', 'huge'], ['HKEYS', 'huge'],
    ['HVALS', 'huge'], ['HGET', 'huge', 'f599'], ['HMGET', 'huge', 'f0', 'f1', 'f500'], ['HSTRLEN', 'huge', 'f10'],
  ];
  await checkHashScript(p(), cmds, { compareStateOf: [0] });
});

test('HINCRBY and HINCRBYFLOAT: results, formatting, errors, overflow', async () => {
  const cmds: Cmd[] = [
    ['HINCRBY', 'h', 'n', '5'], ['HINCRBY', 'h', 'n', '-10'], ['HGET', 'h', 'n'], ['HINCRBY', 'h', 'n', '0'],
    ['HSET', 'h', 'max', '9223372036854775807', 'min', '-9223372036854775808', 's', 'abc', 'sp', ' 1', 'f', '1.5', 'e', ''],
    ['HINCRBY', 'h', 'max', '1'], ['HINCRBY', 'h', 'max', '0'], ['HINCRBY', 'h', 'min', '-1'], ['HINCRBY', 'h', 'min', '9223372036854775807'],
    ['HINCRBY', 'h', 'max', '-9223372036854775808'], ['HGET', 'h', 'max'],
    ['HINCRBY', 'h', 's', '1'], ['HINCRBY', 'h', 'sp', '1'], ['HINCRBY', 'h', 'f', '1'], ['HINCRBY', 'h', 'e', '1'],
    ['HINCRBY', 'h', 'n', 'x'], ['HINCRBY', 'h', 'n', '1.5'], ['HINCRBY', 'h', 'n', '9223372036854775808'], ['HINCRBY', 'h', 'n', ''],
    ['HINCRBY', 'h', 'n'], ['HINCRBY', 'h', 'n', '1', '2'], ['HINCRBY', 'nokey', 'f', 'x'], ['EXISTS', 'nokey'],
    ['HINCRBYFLOAT', 'h', 'fl', '10.5'], ['HINCRBYFLOAT', 'h', 'fl', '0.1'], ['HINCRBYFLOAT', 'h', 'fl', '-5.6'],
    ['HINCRBYFLOAT', 'h', 'fl', '5.0e3'], ['HINCRBYFLOAT', 'h', 'fl', '2.0e-20'], ['HINCRBYFLOAT', 'h', 'fl', '1e400'],
    ['HINCRBYFLOAT', 'h', 'fl2', '3.0'], ['HINCRBYFLOAT', 'h', 'fl3', '-0.0'], ['HINCRBYFLOAT', 'h', 'fl4', '0x10'],
    ['HINCRBYFLOAT', 'h', 'fl5', '.5'], ['HINCRBYFLOAT', 'h', 'fl6', '+1'], ['HINCRBYFLOAT', 'h', 'n', '1.5'],
    ['HINCRBYFLOAT', 'h', 'max', '1'], ['HINCRBYFLOAT', 'h', 's', '1'], ['HINCRBYFLOAT', 'h', 'sp', '1'],
    ['HINCRBYFLOAT', 'h', 'e', '1'], ['HINCRBYFLOAT', 'h', 'x', 'abc'], ['HINCRBYFLOAT', 'h', 'x', ''], ['HINCRBYFLOAT', 'h', 'x', ' 1'],
    ['HINCRBYFLOAT', 'h', 'x', 'inf'], ['HINCRBYFLOAT', 'h', 'x', '-inf'], ['HINCRBYFLOAT', 'h', 'x', 'nan'], ['HINCRBYFLOAT', 'h', 'x', '1e5000'],
    ['HSET', 'h', 'i', 'inf'], ['HINCRBYFLOAT', 'h', 'i', '1'], ['HSET', 'h', 'big', '1e4932'], ['HINCRBYFLOAT', 'h', 'big', '1e4932'],
    ['HINCRBYFLOAT', 'h', 'fl'], ['HINCRBYFLOAT', 'nokey', 'f', 'x'], ['EXISTS', 'nokey'],
    ['HINCRBYFLOAT', 'h', 'fl', '1', '2'],
    ['HGETALL', 'h'], ['OBJECT', 'ENCODING', 'h'],
  ];
  await checkHashScript(p(), cmds, { compareStateOf: [0] });
});

test('OBJECT ENCODING transitions at the default thresholds', async () => {
  const cmds: Cmd[] = [
    ['CONFIG', 'GET', 'hash-max-listpack-entries'], ['CONFIG', 'GET', 'hash-max-listpack-value'],
    ['HSET', 'n512', ...fieldPairs(512)], ['OBJECT', 'ENCODING', 'n512'], ['HGETALL', 'n512'],
    ['HSET', 'n512', 'f0', 'changed'], ['OBJECT', 'ENCODING', 'n512'],
    ['HSET', 'n512', 'one-more', 'x'], ['OBJECT', 'ENCODING', 'n512'], ['HLEN', 'n512'],
    ['HDEL', 'n512', 'one-more', 'f0', 'f1'], ['OBJECT', 'ENCODING', 'n512'], // never converts back
    ['HSET', 'n513', ...fieldPairs(513)], ['OBJECT', 'ENCODING', 'n513'],
    ['HSET', 'one-by-one', ...fieldPairs(300)], ['HSET', 'one-by-one', ...fieldPairs(212, 'f', 300)], ['OBJECT', 'ENCODING', 'one-by-one'],
    ['HSETNX', 'one-by-one', 'last', 'x'], ['OBJECT', 'ENCODING', 'one-by-one'],
    ['HSET', 'v64', 'f', long64], ['OBJECT', 'ENCODING', 'v64'], ['HSET', 'v64', 'g', long65], ['OBJECT', 'ENCODING', 'v64'],
    ['HSET', 'k64', 'k'.repeat(64), 'v'], ['OBJECT', 'ENCODING', 'k64'], ['HSET', 'k65', 'k'.repeat(65), 'v'], ['OBJECT', 'ENCODING', 'k65'],
    ['HSETNX', 'nx', 'a', long65], ['OBJECT', 'ENCODING', 'nx'], ['HSETNX', 'nx2', 'a', '1'], ['HSETNX', 'nx2', 'a', long65], ['OBJECT', 'ENCODING', 'nx2'],
    ['HMSET', 'mm', 'a', '1', 'b', long65], ['OBJECT', 'ENCODING', 'mm'],
    ['HSET', 'mixed', 'a', '1', 'b', '2'], ['HSET', 'mixed', 'c', '3', 'long', long65], ['OBJECT', 'ENCODING', 'mixed'], ['HGETALL', 'mixed'],
    ['HINCRBY', 'ik', 'k'.repeat(65), '1'], ['OBJECT', 'ENCODING', 'ik'],
    ['HSET', 'fv', 'a', '1'], ['HINCRBYFLOAT', 'fv', 'a', '1e70'], ['OBJECT', 'ENCODING', 'fv'], ['HGET', 'fv', 'a'],
    ['HSET', 'fv2', 'a', '1'], ['HINCRBYFLOAT', 'fv2', 'a', '1e50'], ['OBJECT', 'ENCODING', 'fv2'],
    ['HSET', 'small', 'a', '1'], ['HINCRBYFLOAT', 'small', 'a', '0.5'], ['OBJECT', 'ENCODING', 'small'],
  ];
  await checkHashScript(p(), cmds, { compareStateOf: [0] });
});

test('OBJECT ENCODING after CONFIG SET of the thresholds', async () => {
  const set = (entries: string, value: string): Cmd[] => [
    ['CONFIG', 'SET', 'hash-max-listpack-entries', entries], ['CONFIG', 'SET', 'hash-max-listpack-value', value],
  ];
  const cmds: Cmd[] = [
    ['HSET', 'before', ...fieldPairs(10)],
    ...set('4', '8'),
    ['OBJECT', 'ENCODING', 'before'], ['HSET', 'before', 'x', 'y'], ['OBJECT', 'ENCODING', 'before'],
    ['HSET', 'e4', ...fieldPairs(4)], ['OBJECT', 'ENCODING', 'e4'], ['HGETALL', 'e4'],
    ['HSET', 'e4', 'f9', 'v'], ['OBJECT', 'ENCODING', 'e4'],
    ['HSET', 'v8', 'a', '12345678'], ['OBJECT', 'ENCODING', 'v8'], ['HSET', 'v8', 'b', '123456789'], ['OBJECT', 'ENCODING', 'v8'],
    ['HSET', 'k8', '123456789', 'a'], ['OBJECT', 'ENCODING', 'k8'],
    ['HINCRBY', 'inc', 'a', '123456789'], ['OBJECT', 'ENCODING', 'inc'],
    ['HSET', 'inc2', 'a', '1'], ['HINCRBY', 'inc2', 'a', '999999999'], ['OBJECT', 'ENCODING', 'inc2'],
    ...set('0', '64'),
    ['HSET', 'zero', 'a', '1'], ['OBJECT', 'ENCODING', 'zero'], ['HSETNX', 'zero2', 'a', '1'], ['OBJECT', 'ENCODING', 'zero2'],
    ['HINCRBYFLOAT', 'zero3', 'a', '1'], ['OBJECT', 'ENCODING', 'zero3'],
    ...set('512', '0'),
    ['HSET', 'v0', 'a', ''], ['OBJECT', 'ENCODING', 'v0'], ['HSET', 'v0b', '', ''], ['OBJECT', 'ENCODING', 'v0b'],
    ['HSET', 'v0b', '', 'x'], ['OBJECT', 'ENCODING', 'v0b'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'], ['CONFIG', 'GET', 'hash-max-listpack-entries'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
    ['HSET', 'zl', 'a', '1', 'b', '2'], ['OBJECT', 'ENCODING', 'zl'], ['HSET', 'zl', 'c', '3'], ['OBJECT', 'ENCODING', 'zl'],
    ...set('512', '64'),
  ];
  try {
    await checkHashScript(p(), cmds, { compareStateOf: [0] });
  } finally {
    const s = await DiffSession.open(p(), 2);
    await s.both(['CONFIG', 'SET', 'hash-max-listpack-entries', '512']);
    await s.both(['CONFIG', 'SET', 'hash-max-listpack-value', '64']);
    s.close();
  }
});

test('HRANDFIELD: shapes, counts, WITHVALUES, errors', async () => {
  const cmds: Cmd[] = [
    ['HRANDFIELD', 'nokey'], ['HRANDFIELD', 'nokey', '3'], ['HRANDFIELD', 'nokey', '-3', 'WITHVALUES'], ['HRANDFIELD', 'nokey', '0'],
    ['HSET', 'h', ...fieldPairs(10)],
    ['HRANDFIELD', 'h'], ['HRANDFIELD', 'h', '0'], ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '1'], ['HRANDFIELD', 'h', '1', 'WITHVALUES'], ['HRANDFIELD', 'h', '3'], ['HRANDFIELD', 'h', '3', 'withvalues'],
    ['HRANDFIELD', 'h', '9'], ['HRANDFIELD', 'h', '10'], ['HRANDFIELD', 'h', '11', 'WITHVALUES'], ['HRANDFIELD', 'h', '1000'],
    ['HRANDFIELD', 'h', '-1'], ['HRANDFIELD', 'h', '-5'], ['HRANDFIELD', 'h', '-25', 'WITHVALUES'], ['HRANDFIELD', 'h', '-1', 'WITHVALUES'],
    ['HRANDFIELD', 'h', 'x'], ['HRANDFIELD', 'h', '1.5'], ['HRANDFIELD', 'h', ''], ['HRANDFIELD', 'h', '1', 'FOO'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'], ['HRANDFIELD', 'h', '-9223372036854775808'],
    ['HRANDFIELD', 'h', '-9223372036854775808', 'WITHVALUES'], ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'], ['HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '9223372036854775807'], ['HRANDFIELD', 'h', '9223372036854775808'],
    ['HRANDFIELD'],
    // A hashtable hash: every branch (few, many, all, negative).
    ['HSET', 'big', ...fieldPairs(700)], ['OBJECT', 'ENCODING', 'big'],
    ['HRANDFIELD', 'big'], ['HRANDFIELD', 'big', '1'], ['HRANDFIELD', 'big', '5'], ['HRANDFIELD', 'big', '5', 'WITHVALUES'],
    ['HRANDFIELD', 'big', '350'], ['HRANDFIELD', 'big', '350', 'WITHVALUES'], ['HRANDFIELD', 'big', '699'],
    ['HRANDFIELD', 'big', '700', 'WITHVALUES'], ['HRANDFIELD', 'big', '701'],
    ['HRANDFIELD', 'big', '-7'], ['HRANDFIELD', 'big', '-700', 'WITHVALUES'],
    ['SET', 'str', 'x'], ['HRANDFIELD', 'str'], ['HRANDFIELD', 'str', '0'], ['HRANDFIELD', 'str', '1', 'FOO'], ['HRANDFIELD', 'str', 'x'],
  ];
  await checkHashScript(p(), cmds);
});

test('HRANDFIELD draws every field over many calls and respects distinctness', async () => {
  const s = await DiffSession.open(p(), 3);
  try {
    for (const [key, n] of [['small', 5], ['large', 600]] as const) {
      await s.candidate.call(['HSET', key, ...fieldPairs(n)]);
      const seen = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const r = await s.candidate.call(['HRANDFIELD', key, String(-n), 'WITHVALUES']);
        const els = elementsOf(r.value) ?? [];
        assert.is(els.length, n);
        for (const e of els) {
          const pair = elementsOf(e) ?? [];
          const f = textOf(pair[0]) ?? '';
          assert.is(textOf(pair[1]), `v${f.slice(1)}`);
          seen.add(f);
        }
        const u = await s.candidate.call(['HRANDFIELD', key, String(Math.floor(n / 2))]);
        const fields = (elementsOf(u.value) ?? []).map((x) => textOf(x));
        assert.is(new Set(fields).size, Math.floor(n / 2));
      }
      assert.is(seen.size, n, `every field of ${key} drawn`);
    }
  } finally {
    s.close();
  }
});

test('HSCAN: listpack answers whole; hashtable iteration covers every pair; options and errors', async () => {
  const cmds: Cmd[] = [
    ['HSCAN', 'nokey', '0'], ['HSCAN', 'nokey', '0', 'FOO'], ['HSCAN', 'nokey', 'x'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'foo', '3', 'fob', '4', 'bar', '5'],
    ['HSCAN', 'h', '0'], ['HSCAN', 'h', '0', 'MATCH', 'f*'], ['HSCAN', 'h', '0', 'match', '*'], ['HSCAN', 'h', '0', 'MATCH', 'f?[ab]', 'COUNT', '1'],
    ['HSCAN', 'h', '7'], ['HSCAN', 'h', '18446744073709551615'], ['HSCAN', 'h', '-1'], ['HSCAN', 'h', ''], ['HSCAN', 'h', '00'],
    ['HSCAN', 'h', '18446744073709551616'], ['HSCAN', 'h', ' 0'], ['HSCAN', 'h', 'x'], ['HSCAN', 'h', '1.5'],
    ['HSCAN', 'h', '0', 'COUNT', '0'], ['HSCAN', 'h', '0', 'COUNT', '-1'], ['HSCAN', 'h', '0', 'COUNT', 'x'],
    ['HSCAN', 'h', '0', 'COUNT'], ['HSCAN', 'h', '0', 'MATCH'], ['HSCAN', 'h', '0', 'TYPE', 'string'], ['HSCAN', 'h', '0', 'FOO', 'bar'],
    ['HSCAN', 'h', '0', 'COUNT', '5', 'COUNT', '0'], ['HSCAN', 'h'],
    ['SET', 'str', 'x'], ['HSCAN', 'str', '0'], ['HSCAN', 'str', 'x'], ['HSCAN', 'str', '0', 'FOO'],
    ['HSET', 'big', ...fieldPairs(700)], ['HSCAN', 'big', '0'], ['HSCAN', 'big', '0', 'COUNT', '1000'], ['HSCAN', 'big', '0', 'MATCH', 'f1*'],
    ['HSCAN', 'big', '0', 'COUNT', 'x'], ['HSCAN', 'big', '0', 'COUNT', '0'],
  ];
  await checkHashScript(p(), cmds);

  // Complete iterations of a hashtable hash, compared as sets of pairs.
  const s = await DiffSession.open(p(), 2);
  try {
    await s.both(['FLUSHALL']);
    await s.both(['HSET', 'big', ...fieldPairs(1000)]);
    await s.both(['HDEL', 'big', ...fieldPairs(200).filter((_, i) => i % 2 === 0)]);
    for (const opts of [[], ['COUNT', '1'], ['COUNT', '50', 'MATCH', 'f1*'], ['MATCH', '*9']]) {
      const full = async (conn: typeof s.oracle): Promise<string[]> => {
        const out = new Set<string>();
        let cursor = '0';
        for (let i = 0; i < 100000; i++) {
          const r = await conn.call(['HSCAN', 'big', cursor, ...opts]);
          const els = elementsOf(r.value) ?? [];
          cursor = textOf(els[0]) ?? 'bad';
          for (const [f, v] of pairsIn(els[1]) ?? []) out.add(`${f}=${v}`);
          if (cursor === '0') break;
        }
        assert.is(cursor, '0', 'iteration ends');
        return [...out].sort();
      };
      const [a, b] = [await full(s.oracle), await full(s.candidate)];
      assert.equal(b, a, `HSCAN ${opts.join(' ')}`);
    }
  } finally {
    s.close();
  }
});

test('WRONGTYPE both ways', async () => {
  const cmds: Cmd[] = [
    ['SET', 's', 'str'],
    ['HSET', 's', 'a', '1'], ['HMSET', 's', 'a', '1'], ['HSETNX', 's', 'a', '1'], ['HGET', 's', 'a'], ['HMGET', 's', 'a'],
    ['HDEL', 's', 'a'], ['HEXISTS', 's', 'a'], ['HLEN', 's'], ['HSTRLEN', 's', 'a'], ['HKEYS', 's'], ['HVALS', 's'],
    ['HGETALL', 's'], ['HINCRBY', 's', 'a', '1'], ['HINCRBYFLOAT', 's', 'a', '1'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'],
    ['HSCAN', 's', '0'],
    ['HINCRBY', 's', 'a', 'x'], ['HINCRBYFLOAT', 's', 'a', 'x'], ['HSET', 's', 'a'],
    ['HSET', 'h', 'a', '1'],
    ['GET', 'h'], ['SET', 'h', 'x', 'XX', 'GET'], ['GETSET', 'h', 'x'], ['INCR', 'h'], ['INCRBYFLOAT', 'h', '1'], ['APPEND', 'h', 'x'],
    ['STRLEN', 'h'], ['GETRANGE', 'h', '0', '1'], ['SETRANGE', 'h', '0', 'x'], ['GETDEL', 'h'], ['GETEX', 'h'], ['MGET', 'h', 's'],
    ['TYPE', 'h'], ['HGETALL', 'h'],
    ['SET', 'h', 'overwritten'], ['TYPE', 'h'], ['GET', 'h'], ['MSET', 's', 'v'], ['HSET', 'h2', 'a', '1'], ['SETNX', 'h2', 'x'], ['TYPE', 'h2'],
  ];
  await checkHashScript(p(), cmds, { compareStateOf: [0] });
});

test('generic commands on hashes: TYPE, EXISTS, DEL, UNLINK, COPY, RENAME, MOVE, EXPIRE, OBJECT', async () => {
  const cmds: Cmd[] = [
    ['HSET', 'h', 'a', '1', 'b', '2'], ['HSET', 'big', ...fieldPairs(600)],
    ['TYPE', 'h'], ['TYPE', 'big'], ['EXISTS', 'h', 'big', 'nokey'], ['OBJECT', 'ENCODING', 'h'], ['OBJECT', 'ENCODING', 'big'],
    ['OBJECT', 'REFCOUNT', 'h'], ['OBJECT', 'FREQ', 'h'],
    ['COPY', 'h', 'hc'], ['HSET', 'hc', 'c', '3'], ['HGETALL', 'h'], ['HGETALL', 'hc'], ['OBJECT', 'ENCODING', 'hc'],
    ['COPY', 'big', 'bigc'], ['HDEL', 'bigc', 'f0'], ['HLEN', 'big'], ['HLEN', 'bigc'], ['OBJECT', 'ENCODING', 'bigc'], ['HGETALL', 'bigc'],
    ['COPY', 'h', 'hc'], ['COPY', 'h', 'hc', 'REPLACE'], ['HGETALL', 'hc'], ['COPY', 'h', 'h1', 'DB', '1'],
    ['RENAME', 'hc', 'hr'], ['HGETALL', 'hr'], ['EXISTS', 'hc'], ['RENAMENX', 'hr', 'h'], ['RENAME', 'big', 'h'], ['TYPE', 'h'], ['HLEN', 'h'],
    ['MOVE', 'hr', '1'], ['EXISTS', 'hr'], ['SELECT', '1'], ['HGETALL', 'hr'], ['HGETALL', 'h1'], ['OBJECT', 'ENCODING', 'hr'], ['SELECT', '0'],
    ['EXPIRE', 'h', '100'], ['TTL', 'h'], ['HSET', 'h', 'new', 'x'], ['TTL', 'h'], ['HDEL', 'h', 'new'], ['TTL', 'h'],
    ['PERSIST', 'h'], ['TTL', 'h'],
    ['SET', 'str', 'x'], ['RENAME', 'bigc', 'str'], ['TYPE', 'str'], ['HLEN', 'str'],
    ['DEL', 'h', 'str'], ['EXISTS', 'h', 'str'], ['HSET', 'u', 'a', '1'], ['UNLINK', 'u', 'nokey'], ['EXISTS', 'u'],
    ['HSET', 'gone', 'a', '1'], ['PEXPIRE', 'gone', '0'], ['EXISTS', 'gone'], ['HGET', 'gone', 'a'],
    ['DBSIZE'],
  ];
  await checkHashScript(p(), cmds, { compareStateOf: [0, 1] });
  // SCAN TYPE (the standard runner compares full SCAN iterations as sets).
  await checkScript(p(), [
    ['HSET', 'h1', 'a', '1'], ['HSET', 'h2', ...fieldPairs(600)], ['SET', 's', 'x'],
    ['SCAN', '0', 'TYPE', 'hash'], ['SCAN', '0', 'TYPE', 'HASH', 'COUNT', '1'], ['SCAN', '0', 'TYPE', 'string'], ['KEYS', '*'],
  ]);
});

test('memory accounting: used_memory_engine returns to its baseline after the hashes are deleted', async () => {
  const s = await DiffSession.open(p(), 2);
  const used = async (): Promise<number> => {
    const r = await s.candidate.call(['INFO', 'memory']);
    // The engine's share: used_memory also counts the JavaScript heap, which moves on its own.
    return Number(/used_memory_engine:(\d+)/.exec(textOf(r.value) ?? '')?.[1] ?? 'NaN');
  };
  const keys = ['m0', 'm1', 'm2', 'm3'];
  const workload = async (): Promise<void> => {
    await s.candidate.call(['HSET', 'm0', ...fieldPairs(20)]);
    await s.candidate.call(['HSET', 'm1', ...fieldPairs(2000)]);
    for (let i = 0; i < 300; i++) {
      await s.candidate.call(['HSET', 'm0', `f${i % 30}`, 'x'.repeat(i % 50)]);
      await s.candidate.call(['HINCRBYFLOAT', 'm1', `f${i}`, '1.5']);
      await s.candidate.call(['HDEL', 'm1', `f${1000 + i}`]);
      await s.candidate.call(['HSET', 'm1', `g${i}`, 'y'.repeat(i % 70)]);
    }
    await s.candidate.call(['HSET', 'm0', 'long', 'z'.repeat(100)]); // converts
    await s.candidate.call(['COPY', 'm1', 'm2']);
    await s.candidate.call(['HDEL', 'm2', ...fieldPairs(1500).filter((_, i) => i % 2 === 0)]);
    await s.candidate.call(['HSETNX', 'm3', 'a', '1']);
    await s.candidate.call(['HINCRBY', 'm3', 'n', '5']);
  };
  try {
    await s.candidate.call(['FLUSHALL']);
    await workload();
    await s.candidate.call(['DEL', ...keys]);
    const baseline = await used();
    await workload();
    const loaded = await used();
    assert.ok(loaded > baseline + 50000, `hashes are counted (${baseline} -> ${loaded})`);
    await s.candidate.call(['DEL', ...keys]);
    const after = await used();
    assert.ok(Math.abs(after - baseline) < 256, `used_memory_engine back to baseline: ${baseline} -> ${after}`);
  } finally {
    s.close();
  }
});

test('seeded random hash command sequences', async () => {
  const seeds = seedsFromEnv([101, 202, 303, 404]);
  await checkHashRandom(p(), seeds, Math.round(400 * randomScale()), randomHashCommand);
});

test('seeded random sequences at small thresholds (frequent conversions)', async () => {
  const s = await DiffSession.open(p(), 2);
  await s.both(['CONFIG', 'SET', 'hash-max-listpack-entries', '5']);
  await s.both(['CONFIG', 'SET', 'hash-max-listpack-value', '12']);
  s.close();
  try {
    const seeds = seedsFromEnv([7, 8]);
    await checkHashRandom(p(), seeds, Math.round(300 * randomScale()), randomHashCommand);
  } finally {
    const t = await DiffSession.open(p(), 2);
    await t.both(['CONFIG', 'SET', 'hash-max-listpack-entries', '512']);
    await t.both(['CONFIG', 'SET', 'hash-max-listpack-value', '64']);
    t.close();
  }
});

test.run();
