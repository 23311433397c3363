/**
 * Differential tests of the set commands (and SORT/SORT_RO) against real redis-server, RESP2 and
 * RESP3, one by one and pipelined.
 *
 * Normalisation: Redis answers SMEMBERS/SINTER/SUNION/SDIFF/SSCAN of hashtable-encoded sets in its
 * dict's (seeded, implementation-defined) order, so those replies are compared as multisets with
 * the same reply type (test/support/gen-sets.ts, checkSetScript). Intset-encoded sets answer in
 * ascending integer order, a visible fact we match: the tests named "exact" use the plain harness
 * (checkScript), which compares every reply byte for byte, on intset-only data. SPOP/SRANDMEMBER
 * are random: their reply types, lengths and distinctness are compared, and membership is checked
 * on the candidate in a dedicated test. SORT output is deterministic (sorted), so it is compared
 * byte for byte everywhere, except BY nosort over a hashtable set (compared as a multiset).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cmd, DiffSession } from './support/diff';
import { checkScript, usePair, withEncoding } from './support/harness';
import { checkSetRandom, checkSetScript, randomSetCommand } from './support/gen-sets';
import { RespValue, elementsOf, textOf } from './support/resp';
import { randomScale, seedsFromEnv } from './support/random';

const p = usePair(test);

const intOf = (v: RespValue): bigint | undefined => (v.type === 'integer' ? v.value : undefined);
const range = (lo: number, hi: number): string[] => Array.from({ length: hi - lo + 1 }, (_, i) => String(lo + i));

test('exact: intset replies in ascending order, widths, encodings', async () => {
  const cmds: Cmd[] = [
    ['SADD', 's', '5', '3', '-1', '100', '0'], ['SMEMBERS', 's'], ['OBJECT', 'ENCODING', 's'],
    ['SADD', 's', '70000'], ['SMEMBERS', 's'], ['SADD', 's', '-70000', '5000000000', '-9223372036854775808', '9223372036854775807'],
    ['SMEMBERS', 's'], ['SCARD', 's'], ['SREM', 's', '5000000000', '3', '4'], ['SMEMBERS', 's'],
    ['SADD', 's', '007', '-0', '+1', '1.0'], ['OBJECT', 'ENCODING', 's'], ['SCARD', 's'],
    ['SADD', 't', '3', '2', '1', '10', '-5'], ['SADD', 'u', '2', '10', '11'],
    ['SINTER', 't', 'u'], ['SINTER', 'u', 't'], ['SUNION', 't', 'u'], ['SDIFF', 't', 'u'], ['SDIFF', 'u', 't'],
    ['SINTERSTORE', 'd', 't', 'u'], ['SMEMBERS', 'd'], ['OBJECT', 'ENCODING', 'd'],
    ['SUNIONSTORE', 'd', 't', 'u'], ['SMEMBERS', 'd'], ['OBJECT', 'ENCODING', 'd'],
    ['SDIFFSTORE', 'd', 't', 'u'], ['SMEMBERS', 'd'], ['OBJECT', 'ENCODING', 'd'],
    ['SSCAN', 't', '0'], ['SSCAN', 't', '0', 'MATCH', '1*'], ['SSCAN', 't', '0', 'COUNT', '1'], ['SSCAN', 't', '7'],
    ['SRANDMEMBER', 't', '5'], ['SRANDMEMBER', 't', '100'], ['SPOP', 'u', '3'], ['EXISTS', 'u'],
    ['SADD', 'u', '1', '2'], ['SPOP', 'u', '10'], ['EXISTS', 'u'],
    ['SADD', 'big', ...range(1, 512)], ['OBJECT', 'ENCODING', 'big'], ['SADD', 'big', '513'], ['OBJECT', 'ENCODING', 'big'],
    ['SADD', 'edge', ...range(1, 511)], ['SADD', 'edge', '600', '601'], ['OBJECT', 'ENCODING', 'edge'],
    ['SMOVE', 't', 'new', '10'], ['SMEMBERS', 'new'], ['OBJECT', 'ENCODING', 'new'], ['SMOVE', 't', 'new2', '3'],
    ['SADD', 'w', 'x'], ['OBJECT', 'ENCODING', 'w'], ['SMOVE', 't', 'w', '2'], ['OBJECT', 'ENCODING', 'w'],
  ];
  await checkScript(p(), cmds);
});

test('SADD/SREM/SCARD/SISMEMBER/SMISMEMBER: members, errors, deletion when empty', async () => {
  const cmds: Cmd[] = [
    ['SADD', 's', 'a', 'b', 'a', ''], ['SADD', 's', 'a'], ['SCARD', 's'], ['SISMEMBER', 's', 'a'], ['SISMEMBER', 's', 'z'],
    ['SISMEMBER', 'nokey', 'a'], ['SMISMEMBER', 's', 'a', 'z', ''], ['SMISMEMBER', 'nokey', 'a', 'b'],
    ['SADD', 's', Buffer.from([0, 255, 13, 10])], ['SISMEMBER', 's', Buffer.from([0, 255, 13, 10])],
    ['SREM', 's', 'a', 'a', 'zz'], ['SREM', 'nokey', 'a'], ['SREM', 's', 'b', '', Buffer.from([0, 255, 13, 10])], ['EXISTS', 's'],
    ['SADD', 'i', '1', '2'], ['SREM', 'i', '1', 'x', '2'], ['EXISTS', 'i'], ['SCARD', 'i'],
    ['SADD', 's'], ['SREM', 's'], ['SISMEMBER', 's'], ['SMISMEMBER', 's'], ['SCARD'], ['SCARD', 'a', 'b'], ['SMEMBERS'],
    ['SET', 'str', 'v'], ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SISMEMBER', 'str', 'a'], ['SMISMEMBER', 'str', 'a'],
    ['SCARD', 'str'], ['SMEMBERS', 'str'], ['SPOP', 'str'], ['SPOP', 'str', '1'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '2'],
    ['SSCAN', 'str', '0'], ['SMEMBERS', 'nokey'],
    ['SADD', 'h', 'a', 'b', 'c', '1', '2'], ['SMEMBERS', 'h'], ['OBJECT', 'ENCODING', 'h'],
    ['GET', 'h'], ['LPUSH', 'h', 'x'], ['INCR', 'h'], ['TYPE', 'h'], ['TYPE', 'str'],
  ];
  await checkSetScript(p(), withEncoding(cmds), { compareStateOf: [0] });
});

test('SPOP/SRANDMEMBER: argument errors and shapes', async () => {
  const cmds: Cmd[] = [
    ['SADD', 's', '1', '2', '3'], ['SADD', 'h', 'a', 'b', 'c', 'd', 'e', 'f'],
    ['SPOP', 's', '-1'], ['SPOP', 's', 'abc'], ['SPOP', 's', '1', '2'], ['SPOP', 's', '0'], ['SPOP', 'nokey'], ['SPOP', 'nokey', '3'],
    ['SPOP', 'nokey', '0'], ['SPOP', 'nokey', '-1'],
    ['SRANDMEMBER', 's', '-9223372036854775808'], ['SRANDMEMBER', 's', '-9223372036854775807x'], ['SRANDMEMBER', 's', '1', '2'],
    ['SRANDMEMBER', 's', '0'], ['SRANDMEMBER', 'nokey'], ['SRANDMEMBER', 'nokey', '5'], ['SRANDMEMBER', 'nokey', '-5'],
    ['SRANDMEMBER', 's', '2'], ['SRANDMEMBER', 's', '3'], ['SRANDMEMBER', 's', '9223372036854775807'], ['SRANDMEMBER', 's', '-7'],
    ['SRANDMEMBER', 'h', '2'], ['SRANDMEMBER', 'h', '5'], ['SRANDMEMBER', 'h', '6'], ['SRANDMEMBER', 'h', '-10'], ['SRANDMEMBER', 'h'],
    ['SPOP', 'h', '2'], ['SCARD', 'h'], ['SPOP', 'h'], ['SCARD', 'h'], ['SPOP', 'h', '3'], ['EXISTS', 'h'],
    ['SPOP', 's'], ['SPOP', 's', '1'], ['SPOP', 's'], ['EXISTS', 's'],
  ];
  await checkSetScript(p(), cmds);
});

test('SPOP/SRANDMEMBER on the candidate: members come from the set, SPOP removes them', async () => {
  const s = await DiffSession.open(p(), 3);
  try {
    const c = s.candidate;
    await c.call(['FLUSHALL']);
    for (const members of [range(1, 300), range(1, 300).map((x) => `m${x}`)]) {
      await c.call(['DEL', 'k']);
      await c.call(['SADD', 'k', ...members]);
      const all = new Set(members);
      const picked = elementsOf((await c.call(['SRANDMEMBER', 'k', '250'])).value) ?? [];
      const pickedTexts = picked.map((e) => textOf(e) ?? '?');
      assert.is(pickedTexts.length, 250);
      assert.is(new Set(pickedTexts).size, 250);
      assert.ok(pickedTexts.every((m) => all.has(m)));
      const few = (elementsOf((await c.call(['SRANDMEMBER', 'k', '10'])).value) ?? []).map((e) => textOf(e) ?? '?');
      assert.is(new Set(few).size, 10);
      const reps = (elementsOf((await c.call(['SRANDMEMBER', 'k', '-1000'])).value) ?? []).map((e) => textOf(e) ?? '?');
      assert.is(reps.length, 1000);
      assert.ok(reps.every((m) => all.has(m)));
      assert.ok(new Set(reps).size > 100, 'negative counts draw from the whole set');
      const popped = (elementsOf((await c.call(['SPOP', 'k', '120'])).value) ?? []).map((e) => textOf(e) ?? '?');
      assert.is(new Set(popped).size, 120);
      assert.ok(popped.every((m) => all.has(m)));
      assert.is(intOf((await c.call(['SCARD', 'k'])).value), 180n);
      for (const m of popped) assert.is(intOf((await c.call(['SISMEMBER', 'k', m])).value), 0n);
      const one = textOf((await c.call(['SPOP', 'k'])).value) ?? '';
      assert.ok(all.has(one) && !popped.includes(one));
    }
  } finally {
    s.close();
  }
});

test('SMOVE: cases and errors', async () => {
  const cmds: Cmd[] = [
    ['SADD', 'a', '1', '2', 'x'], ['SADD', 'b', '3'], ['SET', 'str', 'v'],
    ['SMOVE', 'a', 'b', '1'], ['SMOVE', 'a', 'b', 'nope'], ['SMOVE', 'a', 'a', 'x'], ['SMOVE', 'a', 'a', 'nope'],
    ['SMOVE', 'nokey', 'b', '1'], ['SMOVE', 'nokey', 'str', '1'], ['SMOVE', 'str', 'b', '1'], ['SMOVE', 'a', 'str', 'x'],
    ['SMOVE', 'a', 'fresh', 'x'], ['OBJECT', 'ENCODING', 'fresh'], ['SMOVE', 'a', 'fresh2', '2'], ['OBJECT', 'ENCODING', 'fresh2'],
    ['EXISTS', 'a'], ['SMOVE', 'b', 'fresh', '3'], ['SMEMBERS', 'b'], ['SMEMBERS', 'fresh'], ['SMOVE', 'fresh', 'b', 'x'],
    ['SMOVE', 'a', 'b'], ['SMOVE', 'a', 'b', 'c', 'd'],
  ];
  await checkSetScript(p(), cmds, { compareStateOf: [0] });
});

test('SINTER/SUNION/SDIFF and STORE forms, SINTERCARD: missing keys, WRONGTYPE, same keys', async () => {
  const cmds: Cmd[] = [
    ['SADD', 'a', '1', '2', '3', 'x', 'y'], ['SADD', 'b', '2', '3', '4', 'y'], ['SADD', 'c', '3', 'y', 'z'], ['SET', 'str', 'v'],
    ['SINTER', 'a'], ['SINTER', 'a', 'b'], ['SINTER', 'a', 'b', 'c'], ['SINTER', 'a', 'nokey'], ['SINTER', 'a', 'a'],
    ['SINTER', 'nokey', 'str'], ['SINTER', 'str', 'nokey'], ['SINTER', 'a', 'str'],
    ['SUNION', 'a', 'b', 'c'], ['SUNION', 'nokey'], ['SUNION', 'a', 'nokey'], ['SUNION', 'nokey', 'str'], ['SUNION', 'a', 'a'],
    ['SDIFF', 'a', 'b'], ['SDIFF', 'a', 'b', 'c'], ['SDIFF', 'nokey', 'a'], ['SDIFF', 'a', 'nokey'], ['SDIFF', 'a', 'a'],
    ['SDIFF', 'str', 'a'], ['SDIFF', 'a', 'str'], ['SDIFF', 'b', 'a', 'a'],
    ['SINTERSTORE', 'd', 'a', 'b'], ['SMEMBERS', 'd'], ['SINTERSTORE', 'd', 'a', 'nokey'], ['EXISTS', 'd'],
    ['SET', 'd', 'x'], ['EXPIRE', 'd', '100'], ['SUNIONSTORE', 'd', 'a', 'b'], ['TTL', 'd'], ['TYPE', 'd'], ['SMEMBERS', 'd'],
    ['SDIFFSTORE', 'd', 'a', 'b', 'c'], ['SMEMBERS', 'd'], ['SDIFFSTORE', 'd', 'a', 'a'], ['EXISTS', 'd'],
    ['SUNIONSTORE', 'a', 'a', 'b'], ['SMEMBERS', 'a'], ['SINTERSTORE', 'a', 'a', 'c'], ['SMEMBERS', 'a'],
    ['SINTERSTORE', 'd', 'str', 'a'], ['SUNIONSTORE', 'd', 'str'], ['SDIFFSTORE', 'str', 'b'], ['TYPE', 'str'],
    ['SUNIONSTORE', 'e', 'nokey'], ['EXISTS', 'e'], ['SDIFFSTORE', '', 'b', 'c'], ['SMEMBERS', ''],
    ['SINTERCARD', '1', 'b'], ['SINTERCARD', '2', 'b', 'c'], ['SINTERCARD', '2', 'b', 'c', 'LIMIT', '1'],
    ['SINTERCARD', '2', 'b', 'c', 'limit', '0'], ['SINTERCARD', '2', 'b', 'nokey'], ['SINTERCARD', '2', 'b', 'str'],
    ['SINTERCARD', '0', 'b'], ['SINTERCARD', '-1', 'b'], ['SINTERCARD', 'abc', 'b'], ['SINTERCARD', '3', 'b'],
    ['SINTERCARD', '1', 'b', 'LIMIT', '-1'], ['SINTERCARD', '1', 'b', 'LIMIT', 'x'], ['SINTERCARD', '1', 'b', 'LIMIT'],
    ['SINTERCARD', '1', 'b', 'FOO'], ['SINTERCARD', '1', 'b', 'LIMIT', '1', 'LIMIT', '2'], ['SINTERCARD', '1'],
    ['SINTER'], ['SUNIONSTORE', 'd'], ['SDIFF'],
  ];
  await checkSetScript(p(), withEncoding(cmds), { compareStateOf: [0] });
});

test('SDIFF picks Redis\'s algorithm: STORE encodings at the intset limit', async () => {
  const cmds: Cmd[] = [
    ['SADD', 'a', ...range(1, 20)], ['SADD', 'b', ...range(15, 40)], ['SADD', 'c', '1'],
    ['CONFIG', 'SET', 'set-max-intset-entries', '10'],
    ['SDIFFSTORE', 'd1', 'a', 'b'], ['OBJECT', 'ENCODING', 'd1'], ['SMEMBERS', 'd1'],
    ['SDIFFSTORE', 'd2', 'a', 'c'], ['OBJECT', 'ENCODING', 'd2'], ['SDIFFSTORE', 'd3', 'a', 'c', 'b'], ['OBJECT', 'ENCODING', 'd3'],
    ['SINTERSTORE', 'd4', 'a', 'b'], ['OBJECT', 'ENCODING', 'd4'], ['SUNIONSTORE', 'd5', 'c', 'c'], ['OBJECT', 'ENCODING', 'd5'],
    ['SUNIONSTORE', 'd6', 'a'], ['OBJECT', 'ENCODING', 'd6'], ['SCARD', 'd6'],
    ['CONFIG', 'SET', 'set-max-intset-entries', '0'], ['SADD', 'z', '1'], ['OBJECT', 'ENCODING', 'z'],
    ['CONFIG', 'SET', 'set-max-intset-entries', '3'], ['SADD', 'y', '1', '2', '3'], ['OBJECT', 'ENCODING', 'y'],
    ['SADD', 'y', '4'], ['OBJECT', 'ENCODING', 'y'], ['SREM', 'y', '4', '3'], ['OBJECT', 'ENCODING', 'y'],
    ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
  ];
  await checkSetScript(p(), cmds, { compareStateOf: [0] });
});

test('SSCAN: errors, options, intsets whole, hashtables iterate completely', async () => {
  const cmds: Cmd[] = [
    ['SADD', 'i', '3', '1', '2'], ['SADD', 'h', 'a', 'b', 'c', 'ab'], ['SET', 'str', 'v'],
    ['SSCAN', 'i', '0'], ['SSCAN', 'i', 'abc'], ['SSCAN', 'i', '-1'], ['SSCAN', 'i', ''], ['SSCAN', 'i', ' 1'],
    ['SSCAN', 'i', '18446744073709551615'], ['SSCAN', 'i', '18446744073709551616'], ['SSCAN', 'i', '+5'],
    ['SSCAN', 'i', '0', 'COUNT', '0'], ['SSCAN', 'i', '0', 'COUNT', '-1'], ['SSCAN', 'i', '0', 'COUNT', 'x'],
    ['SSCAN', 'i', '0', 'COUNT'], ['SSCAN', 'i', '0', 'MATCH'], ['SSCAN', 'i', '0', 'TYPE', 'set'], ['SSCAN', 'i', '0', 'FOO', 'bar'],
    ['SSCAN', 'i', '0', 'MATCH', '[12]', 'COUNT', '1'], ['SSCAN', 'nokey', '0'], ['SSCAN', 'nokey', '0', 'COUNT', '0'],
    ['SSCAN', 'nokey', 'x'], ['SSCAN', 'str', '0'], ['SSCAN', 'str', 'x'],
    ['SSCAN', 'h', '0', 'COUNT', '1000'], ['SSCAN', 'h', '0', 'MATCH', 'a*', 'COUNT', '1000'], ['SSCAN', 'h', '0', 'MATCH', '*', 'COUNT', '1000'],
    ['SSCAN', 'h', '0', 'COUNT', '0'], ['SSCAN'], ['SSCAN', 'h'],
  ];
  await checkSetScript(p(), cmds);
  // A complete iteration with small counts returns every member (compared on the candidate).
  const s = await DiffSession.open(p(), 2);
  try {
    const c = s.candidate;
    await c.call(['FLUSHALL']);
    const members = range(1, 5000).map((x) => `m${x}`);
    await c.call(['SADD', 'big', ...members]);
    const seen = new Set<string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const r = elementsOf((await c.call(['SSCAN', 'big', cursor, 'COUNT', '7'])).value) ?? [];
      cursor = textOf(r[0]) ?? '0';
      for (const e of elementsOf(r[1]) ?? []) seen.add(textOf(e) ?? '');
      // Grow and shrink the table while iterating: the guarantee covers members present throughout.
      if (rounds % 50 === 0) await c.call(['SADD', 'big', ...range(1, 200).map((x) => `extra${rounds}-${x}`)]);
      if (rounds % 70 === 0) await c.call(['SREM', 'big', ...range(1, 200).map((x) => `extra${rounds - 50}-${x}`)]);
      rounds++;
    } while (cursor !== '0' && rounds < 100000);
    assert.is(cursor, '0');
    for (const m of members) assert.ok(seen.has(m), `SSCAN missed ${m}`);
  } finally {
    s.close();
  }
});

test('generic commands on sets: TYPE, SCAN TYPE, COPY, RENAME, MOVE, DEL, EXISTS, OBJECT ENCODING', async () => {
  const cmds: Cmd[] = [
    ['SADD', 'i', '1', '2'], ['SADD', 'h', 'a', 'b'], ['SET', 'str', 'v'],
    ['TYPE', 'i'], ['TYPE', 'h'], ['OBJECT', 'ENCODING', 'i'], ['OBJECT', 'ENCODING', 'h'],
    ['SCAN', '0', 'TYPE', 'set', 'COUNT', '100'], ['SCAN', '0', 'TYPE', 'string', 'COUNT', '100'],
    ['COPY', 'i', 'i2'], ['SMEMBERS', 'i2'], ['OBJECT', 'ENCODING', 'i2'], ['SADD', 'i2', '3'], ['SCARD', 'i'],
    ['COPY', 'h', 'h2'], ['SMEMBERS', 'h2'], ['OBJECT', 'ENCODING', 'h2'], ['SREM', 'h2', 'a'], ['SCARD', 'h'],
    ['COPY', 'h', 'str'], ['COPY', 'h', 'str', 'REPLACE'], ['TYPE', 'str'], ['SMEMBERS', 'str'],
    ['COPY', 'i', 'other', 'DB', '1'], ['SELECT', '1'], ['SMEMBERS', 'other'], ['SELECT', '0'],
    ['RENAME', 'i', 'j'], ['SMEMBERS', 'j'], ['EXISTS', 'i'], ['RENAMENX', 'j', 'h'], ['RENAME', 'j', 'h'], ['SMEMBERS', 'h'],
    ['MOVE', 'h', '2'], ['EXISTS', 'h'], ['SELECT', '2'], ['SMEMBERS', 'h'], ['OBJECT', 'ENCODING', 'h'], ['SELECT', '0'],
    ['EXISTS', 'h2', 'i2', 'nokey'], ['DEL', 'h2', 'i2'], ['EXISTS', 'h2'], ['UNLINK', 'str'], ['DBSIZE'],
    ['SADD', 'e', 'x'], ['EXPIRE', 'e', '100'], ['SADD', 'e', 'y'], ['TTL', 'e'], ['SREM', 'e', 'x', 'y'], ['TTL', 'e'],
  ];
  await checkSetScript(p(), cmds, { compareStateOf: [0, 1, 2] });
});

test('SORT/SORT_RO over lists, sets and sorted sets', async () => {
  const cmds: Cmd[] = [
    ['RPUSH', 'l', '3', '10', '1', '2.5', '-4'], ['SADD', 's', '5', '3', '9', '1'], ['SADD', 'ws', 'b', 'a', 'c', '10', '2'],
    ['ZADD', 'z', '1', 'c', '2', 'a', '3', 'b'], ['RPUSH', 'words', 'banana', 'apple', 'cherry', 'Apple'],
    ['SET', 'w_3', '30'], ['SET', 'w_10', '5'], ['SET', 'w_1', '20'], ['SET', 'w_2.5', '1'], ['SET', 'w_-4', 'x'],
    ['SET', 'o_3', 'three'], ['SET', 'o_10', 'ten'], ['SET', 'o_1', 'one'],
    ['SORT', 'l'], ['SORT', 'l', 'DESC'], ['SORT', 'l', 'ALPHA'], ['SORT', 'l', 'ALPHA', 'DESC'], ['SORT', 'l', 'LIMIT', '1', '2'],
    ['SORT', 'l', 'LIMIT', '-1', '2'], ['SORT', 'l', 'LIMIT', '2', '-1'], ['SORT', 'l', 'LIMIT', '10', '2'], ['SORT', 'l', 'LIMIT', '0', '0'],
    ['SORT', 'l', 'BY', 'w_*'], ['SORT', 'l', 'BY', 'w_*', 'ALPHA'], ['SORT', 'l', 'BY', 'nosort'], ['SORT', 'l', 'BY', 'nosort', 'DESC'],
    ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '2'], ['SORT', 'l', 'GET', 'o_*'], ['SORT', 'l', 'GET', '#', 'GET', 'o_*'],
    ['SORT', 'l', 'BY', 'nokey_*', 'GET', '#'], ['SORT', 'l', 'BY', 'w_*', 'GET', 'o_*', 'GET', '#', 'DESC'],
    ['SORT', 's'], ['SORT', 's', 'DESC', 'LIMIT', '0', '2'], ['SORT', 'ws'], ['SORT', 'ws', 'ALPHA'], ['SORT', 'ws', 'ALPHA', 'DESC'],
    ['OBJECT', 'ENCODING', 'z'], ['SORT_RO', 'z', 'BY', 'nosort'], ['OBJECT', 'ENCODING', 'z'],
    ['ZADD', 'z2', '5', 'e', '1', 'a', '4', 'd', '2', 'b', '3', 'c', '3', 'cc'], ['SORT', 'z2', 'BY', 'nosort', 'LIMIT', '2', '3'],
    ['SORT', 'z2', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '10'], ['SORT', 'z2', 'BY', 'nosort', 'DESC', 'LIMIT', '-5', '2'],
    ['SORT', 'z2', 'BY', 'nosort', 'LIMIT', '6', '1'], ['SORT', 'z2', 'BY', 'nosort', 'STORE', 'zl'], ['LRANGE', 'zl', '0', '-1'],
    ['SORT', 'z2', 'ALPHA', 'DESC', 'GET', '#', 'GET', 'o_*'], ['OBJECT', 'ENCODING', 'z2'],
    ['SORT', 'z'], ['SORT', 'z', 'ALPHA'], ['SORT', 'z', 'BY', 'nosort'], ['SORT', 'z', 'BY', 'nosort', 'DESC'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '1'], ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '2'],
    ['SORT', 'words'], ['SORT', 'words', 'ALPHA'], ['SORT', 'words', 'alpha', 'desc'],
    ['SORT', 'nokey'], ['SORT', 'nokey', 'STORE', 'dst'], ['EXISTS', 'dst'],
    ['SORT', 'l', 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'], ['TYPE', 'dst'], ['OBJECT', 'ENCODING', 'dst'],
    ['SORT', 's', 'GET', 'o_*', 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'],
    ['SET', 'str', 'v'], ['SORT', 'str'], ['SORT', 'l', 'STORE', 'str'], ['TYPE', 'str'],
    ['SORT', 'l', 'FOO'], ['SORT', 'l', 'LIMIT', '1'], ['SORT', 'l', 'LIMIT', 'a', '1'], ['SORT', 'l', 'BY'], ['SORT', 'l', 'GET'],
    ['SORT', 'l', 'STORE'], ['SORT_RO', 'l', 'STORE', 'x'], ['SORT_RO', 'l'], ['SORT_RO', 'l', 'BY', 'w_*', 'GET', 'o_*'],
    ['HSET', 'hh_3', 'f', '7', 'g', 'c'], ['HSET', 'hh_10', 'f', '2', 'g', 'a'], ['HSET', 'hh_1', 'f', '9'],
    ['SORT', 'l', 'BY', 'hh_*->f'], ['SORT', 'l', 'BY', 'hh_*->f', 'GET', 'hh_*->g', 'GET', '#'],
    ['SORT', 'l', 'BY', 'hh_*->'], ['SORT', 'l', 'GET', 'hh_*->f->g'], ['SORT', 'l', 'GET', 'w_*->f'],
    ['RPUSH', 'bad', 'a', '1'], ['SORT', 'bad'], ['SORT', 'bad', 'ALPHA'], ['SORT', 'bad', 'BY', 'w_*'],
    ['SORT', 'l', 'BY', 'w_*'], ['SET', 'w_3', 'x'], ['SORT', 'l', 'BY', 'w_*'],
    ['RPUSH', 'fl', '1e3', 'inf', '-inf', '0x10', ' 5', '1.5'], ['SORT', 'fl'], ['RPUSH', 'fl2', '1e3', '2', '-inf', '+inf'], ['SORT', 'fl2'],
    ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'LIMIT', '0', '2'], ['SORT', 'l', 'BY', '#'], ['SORT', 'l', 'GET', '#', 'BY', 'nosort'],
    ['SORT', 'l', 'LIMIT', '0', '1', 'LIMIT', '1', '1'], ['SORT', 'l', 'ASC', 'DESC'], ['SORT', 'l', 'DESC', 'ASC'],
    // sets: BY nosort keeps the intset's order (DESC ignored) but STORE sorts ALPHA; hashtable sets sorted
    ['SORT', 's', 'BY', 'nosort'], ['SORT', 's', 'BY', 'nosort', 'DESC'], ['SORT', 's', 'BY', 'nosort', 'LIMIT', '1', '2'],
    ['SADD', 'alpha', '10', '9', '100', '-1'], ['SORT', 'alpha', 'BY', 'nosort', 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'],
    ['SORT', 'ws', 'BY', 'nosort', 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'], ['SORT', 'ws', 'ALPHA', 'STORE', 'dst', 'GET', 'o_*'],
    ['LRANGE', 'dst', '0', '-1'], ['SORT', 'ws', 'ALPHA', 'GET', '#', 'GET', 'nostar'], ['SORT', 'l', 'BY', 'nokey_*', 'ALPHA'], ['SORT', 'l', 'BY', 'nokey_*', 'ALPHA', 'DESC'], ['SORT', 'l', 'BY', 'o_*', 'ALPHA', 'DESC'],
    ['SORT', 'alpha', 'BY', 'w_*', 'ALPHA', 'LIMIT', '1', '2'], ['SORT', 'alpha', 'STORE', 'dst', 'STORE', 'dst2'], ['LRANGE', 'dst2', '0', '-1'],
    ['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '3'], ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '4', '10'],
    ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '5', '1'], ['SORT', 'l', 'BY', 'nosort', 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'],
    ['SORT', 'l', 'LIMIT', '2', '0', 'STORE', 'dst'], ['EXISTS', 'dst'], ['SORT', 'l', 'GET', 'nokey*', 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'],
    ['EXPIRE', 'l', '1000'], ['SORT', 'l', 'STORE', 'l'], ['TTL', 'l'], ['LRANGE', 'l', '0', '-1'],
    ['HSET', 'hs', 'f', 'v'], ['SORT', 'hs'], ['SORT_RO', 'hs'], ['SORT', 'l', 'BY', 'hs'], ['SORT', 'l', 'GET', 'hs->f'],
    ['SORT'], ['SORT_RO'],
  ];
  await checkScript(p(), cmds);
});

test('memory accounting: the engine\'s used memory returns to its start after sets grow, shrink and go', async () => {
  const s = await DiffSession.open(p(), 2);
  const usedMemory = async (): Promise<number> => {
    const info = textOf((await s.candidate.call(['INFO', 'memory'])).value) ?? '';
    return Number(/used_memory_engine:(\d+)/.exec(info)?.[1] ?? 'NaN');
  };
  try {
    const c = s.candidate;
    await c.call(['FLUSHALL', 'SYNC']);
    // Five keys once, so that the keyspace's own bucket array has its size before the baseline.
    for (const k of ['i', 'h', 'u', 'v', 'w']) await c.call(['SET', k, 'x']);
    await c.call(['DEL', 'i', 'h', 'u', 'v', 'w']);
    const start = await usedMemory();
    await c.call(['SADD', 'i', ...range(1, 400)]);
    await c.call(['SADD', 'i', '70000', '5000000000']);
    await c.call(['SADD', 'h', ...range(1, 3000).map((x) => `m${x}`)]);
    await c.call(['SREM', 'h', ...range(1, 2900).map((x) => `m${x}`)]);
    await c.call(['SPOP', 'h', '50']);
    await c.call(['SADD', 'i', 'x']);
    await c.call(['SUNIONSTORE', 'u', 'i', 'h']);
    await c.call(['SMOVE', 'u', 'v', 'x']);
    await c.call(['COPY', 'u', 'w']);
    const grown = await usedMemory();
    assert.ok(grown > start + 10000, `used_memory grew (${start} -> ${grown})`);
    await c.call(['DEL', 'i', 'h', 'u', 'v', 'w']);
    assert.is(await usedMemory(), start);
  } finally {
    s.close();
  }
});

test('random set sequences', async () => {
  const seeds = seedsFromEnv([101, 202, 303, 404]);
  await checkSetRandom(p(), seeds, Math.round(250 * randomScale()), randomSetCommand);
});

test.run();
