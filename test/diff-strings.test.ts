/**
 * Differential tests of the string commands against real redis-server: scripted cases for every
 * command, option and error (with OBJECT ENCODING after each step), then seeded random sequences.
 * RESP2 and RESP3, one by one and pipelined.
 */
import { test } from 'uvu';
import { Cmd } from './support/diff';
import { checkRandom, checkScript, usePair, withEncoding } from './support/harness';
import { randomStringCommand } from './support/generators';
import { randomScale, seedsFromEnv } from './support/random';

const p = usePair(test);
const now = Math.floor(Date.now() / 1000);
const future = String(now + 100000);
const futureMs = String((now + 100000) * 1000);

// TTLs right after setting them are compared exactly (TTL rounds to the nearest second, so a
// few milliseconds of skew cannot change it); PTTL keeps the default tolerance.
const strictTtl = { tolerances: { s: 0 } };

test('SET: plain, options, conditions, GET, errors', async () => {
  const cmds: Cmd[] = [
    ['SET', 'k', 'v'], ['GET', 'k'],
    ['SET', 'k', '123'], ['SET', 'k', '-9223372036854775808'], ['SET', 'k', '9223372036854775808'],
    ['SET', 'k', '01'], ['SET', 'k', '-0'], ['SET', 'k', ' 1'], ['SET', 'k', '1.5'],
    ['SET', 'k', 'x'.repeat(44)], ['SET', 'k', 'x'.repeat(45)], ['SET', 'k', ''],
    ['SET', 'k', Buffer.from([0, 1, 2, 13, 10, 255])], ['GET', 'k'],
    ['SET', Buffer.from([0, 13, 10, 255]), 'binary key'], ['GET', Buffer.from([0, 13, 10, 255])],
    ['SET', '', 'empty key'], ['GET', ''],
    ['SET', 'k', 'v', 'EX', '100'], ['TTL', 'k'], ['PTTL', 'k'],
    ['SET', 'k', 'v', 'PX', '100000'], ['TTL', 'k'],
    ['SET', 'k', 'v', 'EXAT', future], ['EXPIRETIME', 'k'], // (TTL after EXAT depends on the fraction of the current second)
    ['SET', 'k', 'v', 'PXAT', futureMs], ['PEXPIRETIME', 'k'],
    ['SET', 'k', 'v2', 'KEEPTTL'], ['PEXPIRETIME', 'k'], ['GET', 'k'],
    ['SET', 'k', 'v3'], ['TTL', 'k'],
    ['SET', 'k', 'v', 'ex', '100', 'nx'], ['SET', 'k', 'v4', 'xx'], ['GET', 'k'],
    ['SET', 'nx', 'v', 'NX'], ['SET', 'nx', 'w', 'NX'], ['GET', 'nx'], ['SET', 'xx', 'v', 'XX'], ['GET', 'xx'],
    ['SET', 'k', 'new', 'GET'], ['SET', 'missing', 'new', 'GET'], ['SET', 'k', 'n2', 'NX', 'GET'], ['SET', 'k', 'n3', 'XX', 'GET'],
    ['SET', 'absent', 'a', 'XX', 'GET'], ['EXISTS', 'absent'],
    ['SET', 'k', 'v', 'EX', '100', 'GET', 'KEEPTTL'],
    // errors
    ['SET', 'k', 'v', 'NX', 'XX'], ['SET', 'k', 'v', 'EX', '10', 'PX', '100'], ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'],
    ['SET', 'k', 'v', 'KEEPTTL', 'PX', '100'], ['SET', 'k', 'v', 'EX'], ['SET', 'k', 'v', 'EX', 'abc'], ['SET', 'k', 'v', 'EX', '0'],
    ['SET', 'k', 'v', 'EX', '-1'], ['SET', 'k', 'v', 'PX', '0'], ['SET', 'k', 'v', 'EX', '1.5'],
    ['SET', 'k', 'v', 'EX', '9223372036854775807'], ['SET', 'k', 'v', 'PX', '9223372036854775807'],
    ['SET', 'k', 'v', 'EX', '9223372036854775'], ['SET', 'k', 'v', 'EX', '9223372036854776'],
    ['SET', 'k', 'v', 'EXAT', '9223372036854775807'], ['SET', 'k', 'v', 'PXAT', '9223372036854775807'],
    ['SET', 'k', 'v', 'EXAT', '0'], ['SET', 'k', 'v', 'PXAT', '-5'], ['SET', 'k', 'v', 'EX', '10', 'EX', '20'],
    ['SET', 'k', 'v', 'FOO'], ['SET', 'k', 'v', 'NX', 'NX'], ['SET', 'k', 'v', 'GET', 'GET'], ['SET', 'k'], ['SET'],
    ['GET', 'k'], ['TTL', 'k'],
    // expiry in the past deletes the key
    ['SET', 'past', 'v', 'EXAT', '1'], ['EXISTS', 'past'], ['DBSIZE'],
    ['SET', 'past', 'v', 'PXAT', '1', 'GET'], ['SET', 'past2', 'v'], ['SET', 'past2', 'w', 'EXAT', '1', 'GET'], ['EXISTS', 'past2'],
    ['GET'], ['GET', 'a', 'b'],
  ];
  await checkScript(p(), withEncoding(cmds), strictTtl);
});

test('GETSET, GETDEL, GETEX', async () => {
  const cmds: Cmd[] = [
    ['GETSET', 'k', 'a'], ['GETSET', 'k', 'b'], ['GET', 'k'], ['GETSET', 'k'], ['GETSET', 'k', 'a', 'b'],
    ['SET', 'k', '5', 'EX', '100'], ['GETSET', 'k', '6'], ['TTL', 'k'],
    ['GETDEL', 'k'], ['GETDEL', 'k'], ['EXISTS', 'k'], ['GETDEL'], ['GETDEL', 'a', 'b'],
    ['SET', 'k', '12345'],
    ['GETEX', 'k'], ['TTL', 'k'], ['GETEX', 'k', 'EX', '100'], ['TTL', 'k'], ['GETEX', 'k', 'PX', '200000'], ['TTL', 'k'],
    ['GETEX', 'k', 'EXAT', future], ['EXPIRETIME', 'k'], ['GETEX', 'k', 'PXAT', futureMs], ['PEXPIRETIME', 'k'],
    ['GETEX', 'k', 'PERSIST'], ['TTL', 'k'], ['GETEX', 'missing', 'EX', '10'], ['GETEX', 'missing'],
    ['GETEX', 'k', 'EX', '0'], ['GETEX', 'k', 'EX', '-1'], ['GETEX', 'k', 'EX', 'x'], ['GETEX', 'k', 'EX'],
    ['GETEX', 'k', 'EX', '10', 'PX', '10000'], ['GETEX', 'k', 'EX', '10', 'PERSIST'], ['GETEX', 'k', 'PERSIST', 'EX', '10'],
    ['GETEX', 'k', 'KEEPTTL'], ['GETEX', 'k', 'FOO'], ['GETEX', 'k', 'EX', '9223372036854775807'],
    ['GETEX', 'k', 'PX', '9223372036854775807'], ['GETEX', 'k', 'EXAT', '9223372036854775807'],
    ['GETEX', 'k', 'persist', 'persist'], ['GETEX', 'k', 'ex', '100', 'ex', '200'], ['TTL', 'k'],
    ['GETEX', 'k', 'EXAT', '1'], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['GETEX', 'k', 'PX', '-5'], ['EXISTS', 'k'],
    ['GETEX'],
  ];
  await checkScript(p(), withEncoding(cmds), strictTtl);
});

test('MGET, MSET, MSETNX, SETNX, SETEX, PSETEX', async () => {
  const cmds: Cmd[] = [
    ['MSET', 'a', '1', 'b', 'hello', 'c', 'x'.repeat(50)], ['MGET', 'a', 'b', 'c', 'missing', 'a'], ['MGET', 'missing'],
    ['OBJECT', 'ENCODING', 'a'], ['OBJECT', 'ENCODING', 'b'], ['OBJECT', 'ENCODING', 'c'],
    ['MSET', 'a'], ['MSET', 'a', '1', 'b'], ['MSET'], ['MGET'],
    ['MSET', 'a', '1', 'a', '2'], ['GET', 'a'],
    ['MSETNX', 'a', '1', 'new', '2'], ['EXISTS', 'new'], ['MSETNX', 'n1', '1', 'n2', '2'], ['MGET', 'n1', 'n2'],
    ['MSETNX', 'n3', '1', 'n3', '2'], ['GET', 'n3'], ['MSETNX', 'a'], ['MSETNX', 'a', '1', 'b'],
    ['SET', 'ttl', 'v', 'EX', '100'], ['MSET', 'ttl', 'w'], ['TTL', 'ttl'],
    ['SETNX', 's', '1'], ['SETNX', 's', '2'], ['GET', 's'], ['SETNX', 's'], ['SETNX', 's', '1', '2'],
    ['SETEX', 'e', '100', 'v'], ['TTL', 'e'], ['GET', 'e'], ['SETEX', 'e', '0', 'v'], ['SETEX', 'e', '-1', 'v'],
    ['SETEX', 'e', 'abc', 'v'], ['SETEX', 'e', '9223372036854775807', 'v'], ['SETEX', 'e', '9223372036854775', 'v'], ['SETEX', 'e', '100'],
    ['PSETEX', 'p', '100000', 'v'], ['TTL', 'p'], ['PSETEX', 'p', '0', 'v'], ['PSETEX', 'p', '-5', 'v'], ['PSETEX', 'p', '1.5', 'v'],
    ['PSETEX', 'p', '9223372036854775807', 'v'], ['PSETEX', 'p', '100000'],
    ['SETEX', 'e2', '100', '123'], ['OBJECT', 'ENCODING', 'e2'], ['PSETEX', 'p2', '100000', '123'], ['OBJECT', 'ENCODING', 'p2'],
  ];
  await checkScript(p(), cmds, strictTtl);
});

test('APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE', async () => {
  const cmds: Cmd[] = [
    ['APPEND', 'a', 'hello'], ['APPEND', 'a', ' world'], ['GET', 'a'], ['STRLEN', 'a'],
    ['SET', 'n', '123'], ['APPEND', 'n', '4'], ['GET', 'n'], ['STRLEN', 'n'],
    ['SET', 'n2', '-9223372036854775808'], ['STRLEN', 'n2'], ['APPEND', 'n2', ''],
    ['APPEND', 'bin', Buffer.from([0, 13, 10])], ['APPEND', 'bin', Buffer.from([255])], ['GET', 'bin'], ['STRLEN', 'bin'],
    ['APPEND', 'e', ''], ['EXISTS', 'e'], ['STRLEN', 'missing'], ['APPEND', 'a'], ['STRLEN'], ['STRLEN', 'a', 'b'],
    ['SET', 'embstr', 'x'.repeat(40)], ['APPEND', 'embstr', 'y'],
    ['SET', 's', 'This is a string'],
    ['GETRANGE', 's', '0', '3'], ['GETRANGE', 's', '-3', '-1'], ['GETRANGE', 's', '0', '-1'], ['GETRANGE', 's', '10', '100'],
    ['GETRANGE', 's', '5', '2'], ['GETRANGE', 's', '-100', '-50'], ['GETRANGE', 's', '-100', '100'], ['GETRANGE', 's', '100', '200'],
    ['GETRANGE', 's', '-1', '-5'], ['GETRANGE', 's', '0', '0'], ['GETRANGE', 's', '-1', '0'],
    ['GETRANGE', 's', '9223372036854775807', '9223372036854775807'], ['GETRANGE', 's', '-9223372036854775808', '9223372036854775807'],
    ['GETRANGE', 's', '0', '9223372036854775808'], ['GETRANGE', 's', 'a', '1'], ['GETRANGE', 's', '0', '1.5'],
    ['GETRANGE', 'missing', '0', '-1'], ['GETRANGE', 'n', '1', '2'], ['GETRANGE', 'n', '-1', '-1'],
    ['SET', 'empty', ''], ['GETRANGE', 'empty', '0', '-1'], ['GETRANGE', 'empty', '0', '0'], ['GETRANGE', 'empty', '-1', '-1'],
    ['GETRANGE', 's', '0'], ['GETRANGE', 's', '0', '1', '2'],
    ['SUBSTR', 's', '0', '3'], ['SUBSTR', 's', '-3', '-1'], ['SUBSTR', 'missing', '0', '1'], ['SUBSTR', 's', 'x', '1'],
    ['SETRANGE', 'r', '5', 'abc'], ['GET', 'r'], ['STRLEN', 'r'], ['SETRANGE', 'r', '0', 'XY'], ['GET', 'r'],
    ['SETRANGE', 'r', '20', Buffer.from([0, 255])], ['GET', 'r'], ['SETRANGE', 'r', '2', ''], ['GET', 'r'],
    ['SETRANGE', 'new', '3', ''], ['EXISTS', 'new'], ['SETRANGE', 'new', '0', ''], ['EXISTS', 'new'],
    ['SETRANGE', 'r', '-1', 'x'], ['SETRANGE', 'r', 'abc', 'x'], ['SETRANGE', 'r', '536870911', ''],
    ['SETRANGE', 'r', '536870912', 'x'], ['SETRANGE', 'r', '536870911', 'xy'], ['SETRANGE', 'r', '9223372036854775807', 'x'],
    ['SETRANGE', 'n3', '0', '1'], ['SET', 'n3', '100'], ['SETRANGE', 'n3', '1', '5'], ['GET', 'n3'],
    ['SET', 'ttl', 'abc', 'EX', '100'], ['SETRANGE', 'ttl', '1', 'X'], ['APPEND', 'ttl', 'Z'], ['TTL', 'ttl'], ['GET', 'ttl'],
    ['SETRANGE', 'r', '1'], ['SETRANGE'],
  ];
  await checkScript(p(), withEncoding(cmds), strictTtl);
});

test('INCR, DECR, INCRBY, DECRBY: values, overflow, errors', async () => {
  const cmds: Cmd[] = [
    ['INCR', 'i'], ['INCR', 'i'], ['DECR', 'i'], ['DECR', 'i'], ['DECR', 'i'], ['GET', 'i'],
    ['INCRBY', 'i', '100'], ['DECRBY', 'i', '50'], ['INCRBY', 'i', '-7'], ['DECRBY', 'i', '-7'], ['GET', 'i'],
    ['SET', 'i', '9223372036854775806'], ['INCR', 'i'], ['INCR', 'i'], ['GET', 'i'],
    ['SET', 'i', '-9223372036854775807'], ['DECR', 'i'], ['DECR', 'i'], ['GET', 'i'],
    ['SET', 'i', '0'], ['INCRBY', 'i', '9223372036854775807'], ['INCRBY', 'i', '1'], ['DECRBY', 'i', '-1'],
    ['SET', 'i', '0'], ['DECRBY', 'i', '-9223372036854775808'], ['DECRBY', 'i', '9223372036854775807'], ['DECRBY', 'i', '1'], ['DECRBY', 'i', '2'],
    ['SET', 'i', '-1'], ['INCRBY', 'i', '-9223372036854775808'], ['GET', 'i'],
    ['INCRBY', 'i', '9223372036854775808'], ['INCRBY', 'i', 'abc'], ['INCRBY', 'i', ''], ['INCRBY', 'i', '1.0'], ['INCRBY', 'i', ' 1'],
    ['SET', 's', 'abc'], ['INCR', 's'], ['SET', 's', ' 1'], ['INCR', 's'], ['SET', 's', '1 '], ['INCR', 's'], ['SET', 's', '01'], ['INCR', 's'],
    ['SET', 's', '+1'], ['INCR', 's'], ['SET', 's', '-0'], ['INCR', 's'], ['SET', 's', '1.0'], ['INCR', 's'], ['SET', 's', ''], ['INCR', 's'],
    ['SET', 's', '9223372036854775808'], ['INCR', 's'], ['SET', 's', '0x10'], ['INCR', 's'],
    ['SET', 's', '99'], ['APPEND', 's', '9'], ['INCR', 's'], ['GET', 's'],
    ['SET', 't', '10', 'EX', '100'], ['INCR', 't'], ['TTL', 't'], ['INCRBY', 't', '5'], ['TTL', 't'],
    ['SET', 'big', '9999'], ['INCR', 'big'], ['INCR', 'big'], ['OBJECT', 'REFCOUNT', 'big'],
    ['SET', 'small', '5'], ['OBJECT', 'REFCOUNT', 'small'], ['INCR', 'small'], ['OBJECT', 'REFCOUNT', 'small'],
    ['INCR'], ['INCR', 'a', 'b'], ['DECR'], ['INCRBY', 'a'], ['DECRBY', 'a'], ['INCRBY', 'a', '1', '2'],
  ];
  await checkScript(p(), withEncoding(cmds), strictTtl);
});

test('INCRBYFLOAT: formatting, exponents, inf/nan errors', async () => {
  const cmds: Cmd[] = [
    ['INCRBYFLOAT', 'f', '10.5'], ['INCRBYFLOAT', 'f', '0.1'], ['INCRBYFLOAT', 'f', '-5'], ['GET', 'f'],
    ['SET', 'f', '5.0e3'], ['INCRBYFLOAT', 'f', '2.0e2'], ['INCRBYFLOAT', 'f', '1e-3'], ['GET', 'f'],
    ['SET', 'f', '0.1'], ['INCRBYFLOAT', 'f', '0.2'], ['SET', 'f', '3'], ['INCRBYFLOAT', 'f', '1.5'], ['INCRBYFLOAT', 'f', '0.5'],
    ['INCRBYFLOAT', 'f', 'inf'], ['INCRBYFLOAT', 'f', '-inf'], ['INCRBYFLOAT', 'f', 'nan'], ['INCRBYFLOAT', 'f', 'abc'],
    ['INCRBYFLOAT', 'f', ''], ['INCRBYFLOAT', 'f', ' 1'], ['INCRBYFLOAT', 'f', '1 '], ['INCRBYFLOAT', 'f', '0x10'], ['INCRBYFLOAT', 'f', '1e'],
    ['SET', 'f', '1e308'], ['INCRBYFLOAT', 'f', '1e308'], ['INCRBYFLOAT', 'f', '1.7976931348623157e308'], ['GET', 'f'],
    ['SET', 'f', 'inf'], ['INCRBYFLOAT', 'f', '1'], ['SET', 'f', 'abc'], ['INCRBYFLOAT', 'f', '1'],
    ['SET', 'f', '1.23456789012345678'], ['INCRBYFLOAT', 'f', '0'], ['SET', 'f', '9223372036854775807'], ['INCRBYFLOAT', 'f', '1'],
    ['SET', 'f', '-0'], ['INCRBYFLOAT', 'f', '0'], ['INCRBYFLOAT', 'f', '-0.0'], ['INCRBYFLOAT', 'z', '1e-320'], ['INCRBYFLOAT', 'z2', '4.9e-324'],
    ['INCRBYFLOAT', 'g', '3.14159265358979323846'], ['INCRBYFLOAT', 'g', '100000000000000000000'], ['INCRBYFLOAT', 'h', '1.5e+20'], ['INCRBYFLOAT', 'h2', '123456789012345678901234567890'],
    ['INCRBYFLOAT', 'k', '1.0'], ['INCRBYFLOAT', 'k2', '10'], ['INCRBYFLOAT', 'k3', '-1.5e-5'], ['INCRBYFLOAT', 'k4', '.5'], ['INCRBYFLOAT', 'k5', '5.'],
    ['SET', 't', '1', 'EX', '100'], ['INCRBYFLOAT', 't', '1'], ['TTL', 't'],
    ['INCRBYFLOAT', 'f'], ['INCRBYFLOAT'], ['INCRBYFLOAT', 'a', '1', '2'],
  ];
  await checkScript(p(), withEncoding(cmds), strictTtl);
});

test('LCS: string, LEN, IDX, MINMATCHLEN, WITHMATCHLEN, errors', async () => {
  const cmds: Cmd[] = [
    ['MSET', 'key1', 'ohmytext', 'key2', 'mynewtext'],
    ['LCS', 'key1', 'key2'], ['LCS', 'key1', 'key2', 'LEN'], ['LCS', 'key1', 'key2', 'IDX'],
    ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4'], ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
    ['LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN'], ['LCS', 'key1', 'key2', 'WITHMATCHLEN'], ['LCS', 'key1', 'key2', 'MINMATCHLEN', '2'],
    ['LCS', 'key1', 'key2', 'LEN', 'IDX'], ['LCS', 'key1', 'key2', 'IDX', 'LEN'], ['LCS', 'key1', 'key2', 'idx', 'minmatchlen', '-1'],
    ['LCS', 'key1', 'key2', 'MINMATCHLEN'], ['LCS', 'key1', 'key2', 'MINMATCHLEN', 'x'], ['LCS', 'key1', 'key2', 'FOO'],
    ['LCS', 'key1', 'missing'], ['LCS', 'missing', 'missing2', 'IDX'], ['LCS', 'missing', 'missing2', 'LEN'], ['LCS', 'key1', 'key1', 'IDX'],
    ['MSET', 'b1', Buffer.from([0, 1, 2, 13, 10, 255, 3]), 'b2', Buffer.from([1, 13, 10, 255, 0, 3])],
    ['LCS', 'b1', 'b2'], ['LCS', 'b1', 'b2', 'IDX', 'WITHMATCHLEN'],
    ['MSET', 'n1', '123456', 'n2', '2468'], ['LCS', 'n1', 'n2'], ['LCS', 'n1', 'n2', 'IDX'],
    ['MSET', 'e1', '', 'e2', 'abc'], ['LCS', 'e1', 'e2'], ['LCS', 'e1', 'e2', 'IDX'],
    ['MSET', 'l1', 'abcdefghij'.repeat(20), 'l2', 'acegikmoqs'.repeat(20)], ['LCS', 'l1', 'l2', 'LEN'], ['LCS', 'l1', 'l2', 'IDX', 'MINMATCHLEN', '2', 'WITHMATCHLEN'],
    ['LCS', 'key1'], ['LCS'],
  ];
  await checkScript(p(), cmds);
});

test('wrong arity of every string command', async () => {
  const names = ['SET', 'GET', 'GETSET', 'GETDEL', 'GETEX', 'MGET', 'MSET', 'MSETNX', 'SETNX', 'SETEX', 'PSETEX', 'APPEND', 'STRLEN',
    'GETRANGE', 'SUBSTR', 'SETRANGE', 'INCR', 'DECR', 'INCRBY', 'DECRBY', 'INCRBYFLOAT', 'LCS'];
  const cmds: Cmd[] = [];
  for (const n of names) {
    cmds.push([n], [n.toLowerCase()], [n, 'a', 'b', 'c', 'd', 'e', 'f', 'g']);
  }
  await checkScript(p(), cmds);
});

test('seeded random string command sequences', async () => {
  const seeds = seedsFromEnv([1, 2, 3]);
  await checkRandom(p(), seeds, Math.round(1500 * randomScale()), randomStringCommand, { chunk: 50 });
});

test.run();
