/**
 * Differential tests of the keyspace, TTL and database commands against real redis-server:
 * scripted cases (glob edge cases, SCAN options, RENAME/COPY/MOVE across databases, EXPIRE flags
 * and overflow, SWAPDB/FLUSHDB), expiry really happening, and seeded random sequences.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cmd, DiffSession } from './support/diff';
import { checkRandom, checkScript, reportError, usePair } from './support/harness';
import { GLOB_PATTERNS, randomKeyCommand, randomMixedCommand } from './support/generators';
import { randomScale, seedsFromEnv } from './support/random';
import { sleep } from './support/servers';

const p = usePair(test);
const now = Math.floor(Date.now() / 1000);
const future = String(now + 100000);
const futureMs = String((now + 100000) * 1000);
const strictTtl = { tolerances: { s: 0 } };

const GLOB_KEYS: Cmd = [
  'MSET', 'k0', '1', 'k1', '1', 'k2', '1', 'k10', '1', 'ka', '1', 'kb', '1', 'k*', '1', 'k?', '1', 'k[', '1', 'k]', '1',
  'k\\', '1', 'k-', '1', '*', '1', '\\', '1', '[', '1', '', '1', 'key:x:y', '1', 'K0', '1', 'hello', '1', 'hallo', '1',
  'hxllo', '1', 'hllo', '1', 'heeeello', '1', 'k\r\nx', '1', Buffer.from([0xff, 0x00]), '1', 'ké', '1',
];

test('DEL, UNLINK, EXISTS, TYPE, TOUCH, DBSIZE', async () => {
  const cmds: Cmd[] = [
    ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['EXISTS', 'a'], ['EXISTS', 'a', 'a', 'b', 'missing'], ['EXISTS', 'missing'],
    ['TYPE', 'a'], ['TYPE', 'missing'], ['TOUCH', 'a', 'b', 'missing', 'a'], ['DBSIZE'],
    ['DEL', 'a', 'a', 'missing'], ['DEL', 'missing'], ['UNLINK', 'b', 'c', 'b'], ['DBSIZE'], ['UNLINK', 'x'],
    ['SET', '', 'empty'], ['EXISTS', ''], ['TYPE', ''], ['DEL', ''],
    ['SET', Buffer.from([0, 13, 10]), 'v'], ['EXISTS', Buffer.from([0, 13, 10])], ['DEL', Buffer.from([0, 13, 10])],
    ['DEL'], ['UNLINK'], ['EXISTS'], ['TYPE'], ['TYPE', 'a', 'b'], ['TOUCH'], ['DBSIZE', 'x'],
  ];
  await checkScript(p(), cmds);
});

test('KEYS: glob edge cases', async () => {
  const patterns = [...GLOB_PATTERNS, 'h?llo', 'h*llo', 'h[ae]llo', 'h[^e]llo', 'h[a-b]llo', 'h[b-a]llo', 'k[\\-]', 'k[*]', 'k[?]',
    'k\\[', 'k[[]', 'k\\\\', '\\\\', 'k[a-]', 'k[-a]', '[\\]', 'k[\\', '*x*y', '*:*:*', 'key:*:y', '[^]', 'k[^', 'k[^a-z0-9]',
    'ké', 'k?', 'k??', 'k???', '*\\', 'h*l*o', 'h**llo', '*?', 'K[0]', 'k[A-Z]', Buffer.from([0xff, 0x2a]), 'k\r\n*'];
  const cmds: Cmd[] = [GLOB_KEYS, ...patterns.map((pat): Cmd => ['KEYS', pat]), ['KEYS'], ['KEYS', '*', 'x']];
  await checkScript(p(), cmds);
});

test('SCAN: MATCH, COUNT, TYPE, errors; full iteration over many keys', async () => {
  const many: Cmd = ['MSET'];
  for (let i = 0; i < 600; i++) many.push(`s:${i}`, String(i));
  const cmds: Cmd[] = [
    GLOB_KEYS, ['SCAN', '0'], ['SCAN', '0', 'MATCH', 'k*'], ['SCAN', '0', 'MATCH', 'h[ae]llo', 'COUNT', '1'],
    ['SCAN', '0', 'COUNT', '1'], ['SCAN', '0', 'COUNT', '1000'], ['SCAN', '0', 'TYPE', 'string'], ['SCAN', '0', 'TYPE', 'list'],
    ['SCAN', '0', 'TYPE', 'STRING'], ['SCAN', '0', 'TYPE', 'nosuchtype'], ['SCAN', '0', 'match', 'k?', 'count', '3', 'type', 'string'],
    ['SCAN', '0', 'COUNT', '0'], ['SCAN', '0', 'COUNT', '-1'], ['SCAN', '0', 'COUNT', 'x'], ['SCAN', '0', 'MATCH'], ['SCAN', '0', 'FOO', 'bar'],
    ['SCAN', 'abc'], ['SCAN', '-1'], ['SCAN', '18446744073709551615'], ['SCAN', '18446744073709551616'], ['SCAN', '1.5'], ['SCAN'],
    many, ['SCAN', '0'], ['SCAN', '0', 'COUNT', '7'], ['SCAN', '0', 'MATCH', 's:1*', 'COUNT', '50'], ['SCAN', '0', 'MATCH', '*9'],
    ['SCAN', '0', 'COUNT', '100000'],
  ];
  await checkScript(p(), cmds);
});

test('SCAN guarantee: keys present throughout are returned while others are added and deleted', async () => {
  // Redis guarantees that a full iteration returns every element present from start to end,
  // also when the table grows or shrinks (rehashing) mid-iteration.
  const conn = await p().candidate.connect();
  try {
    await conn.call(['FLUSHALL']);
    const stable: Cmd = ['MSET'];
    for (let i = 0; i < 2000; i++) stable.push(`stable:${i}`, 'v');
    await conn.call(stable);
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const r = await conn.call(['SCAN', cursor, 'COUNT', '20']);
      assert.ok(r.value.type === 'array' && r.value.value && r.value.value.length === 2, `bad SCAN reply ${r.raw.toString('latin1')}`);
      const [c, keys] = r.value.value as [{ type: 'bulk'; value: Buffer }, { type: 'array'; value: Array<{ type: 'bulk'; value: Buffer }> }];
      cursor = c.value.toString();
      for (const k of keys.value) seen.add(k.value.toString());
      // Grow the table a lot (forcing rehash), then shrink it again.
      if (round % 3 === 0) {
        const add: Cmd = ['MSET'];
        for (let i = 0; i < 400; i++) add.push(`tmp:${round}:${i}`, 'v');
        await conn.call(add);
      } else if (round % 3 === 2) {
        const del: Cmd = ['DEL'];
        for (let i = 0; i < 400; i++) del.push(`tmp:${round - 2}:${i}`);
        await conn.call(del);
      }
      round++;
      assert.ok(round < 20000, 'SCAN did not finish');
    } while (cursor !== '0');
    const missing: string[] = [];
    for (let i = 0; i < 2000; i++) if (!seen.has(`stable:${i}`)) missing.push(`stable:${i}`);
    assert.equal(missing.length, 0, `SCAN missed ${missing.length} stable keys, e.g. ${missing.slice(0, 5).join(', ')}`);
    await conn.call(['FLUSHALL']);
  } finally {
    conn.close();
  }
});

test('RANDOMKEY', async () => {
  const cmds: Cmd[] = [
    ['RANDOMKEY'], ['SET', 'only', '1'], ['RANDOMKEY'], ['MSET', 'a', '1', 'b', '2'], ['RANDOMKEY'], ['RANDOMKEY'],
    ['DEL', 'a', 'b', 'only'], ['RANDOMKEY'], ['RANDOMKEY', 'x'],
  ];
  await checkScript(p(), cmds);
});

test('RENAME, RENAMENX, COPY, MOVE, SELECT, SWAPDB across databases', async () => {
  const cmds: Cmd[] = [
    ['SET', 'a', '1', 'EX', '100'], ['RENAME', 'a', 'b'], ['EXISTS', 'a'], ['GET', 'b'], ['TTL', 'b'],
    ['RENAME', 'missing', 'x'], ['RENAME', 'b', 'b'], ['RENAMENX', 'b', 'b'], ['RENAMENX', 'missing', 'x'],
    ['SET', 'c', 'cc'], ['RENAMENX', 'b', 'c'], ['RENAMENX', 'b', 'd'], ['GET', 'd'], ['RENAME', 'd', 'c'], ['GET', 'c'], ['TTL', 'c'],
    ['SET', '123', '456'], ['RENAME', '123', 'n'], ['OBJECT', 'ENCODING', 'n'],
    ['COPY', 'c', 'c2'], ['GET', 'c2'], ['TTL', 'c2'], ['COPY', 'c', 'c2'], ['COPY', 'c', 'c2', 'REPLACE'], ['COPY', 'missing', 'x'],
    ['COPY', 'c', 'c', 'REPLACE'], ['COPY', 'c', 'c'], ['COPY', 'c', 'c', 'DB', '1'], ['COPY', 'c', 'x', 'DB', '16'], ['COPY', 'c', 'x', 'DB', '-1'],
    ['COPY', 'c', 'x', 'DB', 'abc'], ['COPY', 'c', 'x', 'FOO'], ['COPY', 'c', 'x', 'DB'], ['COPY', 'c', 'x', 'REPLACE', 'REPLACE'],
    ['COPY', 'n', 'n2', 'DB', '2'], ['SELECT', '2'], ['GET', 'n2'], ['OBJECT', 'ENCODING', 'n2'], ['TTL', 'n2'], ['SELECT', '0'],
    ['MOVE', 'c', '1'], ['EXISTS', 'c'], ['MOVE', 'c', '1'], ['MOVE', 'c2', '0'], ['MOVE', 'c2', '16'], ['MOVE', 'c2', 'abc'], ['MOVE', 'c2', '-1'],
    ['SET', 'c', 'again'], ['SELECT', '1'], ['GET', 'c'], ['TTL', 'c'], ['MOVE', 'c', '0'], ['DBSIZE'], ['SELECT', '0'], ['GET', 'c'],
    ['SELECT', '15'], ['SET', 'in15', 'v'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'abc'], ['SELECT', '1.0'], ['SELECT', ''], ['DBSIZE'],
    ['SELECT', '0'], ['SWAPDB', '0', '15'], ['GET', 'in15'], ['DBSIZE'], ['SWAPDB', '0', '15'], ['SWAPDB', '0', '0'], ['SWAPDB', '0', '16'],
    ['SWAPDB', 'a', '1'], ['SWAPDB', '0', '-1'], ['SWAPDB', '0'], ['DBSIZE'],
    ['RENAME', 'a'], ['RENAMENX', 'a'], ['COPY', 'a'], ['MOVE', 'a'], ['SELECT'], ['SWAPDB'],
  ];
  await checkScript(p(), cmds, { ...strictTtl, compareStateOf: [0, 1, 2, 15] });
});

test('OBJECT subcommands', async () => {
  const cmds: Cmd[] = [
    ['SET', 'i', '12'], ['SET', 'big', '12345678901'], ['SET', 'e', 'hello'], ['SET', 'r', 'x'.repeat(100)],
    ['OBJECT', 'ENCODING', 'i'], ['OBJECT', 'ENCODING', 'big'], ['OBJECT', 'ENCODING', 'e'], ['OBJECT', 'ENCODING', 'r'], ['OBJECT', 'ENCODING', 'missing'],
    ['OBJECT', 'REFCOUNT', 'i'], ['OBJECT', 'REFCOUNT', 'big'], ['OBJECT', 'REFCOUNT', 'e'], ['OBJECT', 'REFCOUNT', 'missing'],
    ['OBJECT', 'IDLETIME', 'e'], ['OBJECT', 'IDLETIME', 'missing'], ['OBJECT', 'FREQ', 'e'], ['OBJECT', 'FREQ', 'missing'],
    ['OBJECT', 'encoding', 'e'], ['OBJECT', 'NOSUCH', 'e'], ['OBJECT', 'ENCODING'], ['OBJECT', 'ENCODING', 'a', 'b'], ['OBJECT'],
    ['OBJECT', 'IDLETIME'], ['OBJECT', 'REFCOUNT', 'a', 'b'],
  ];
  await checkScript(p(), cmds);
});

test('OBJECT IDLETIME: which commands touch a key', async () => {
  const pair = p();
  const touching: Cmd[] = [['GET', 't:get'], ['STRLEN', 't:strlen'], ['GETRANGE', 't:getrange', '0', '1'], ['MGET', 't:mget'], ['EXPIRE', 't:expire', '1000'],
    ['PERSIST', 't:persist'], ['TOUCH', 't:touch'], ['APPEND', 't:append', ''], ['GETEX', 't:getex'], ['LCS', 't:lcs', 't:none'], ['SET', 't:setxx', 'w', 'XX', 'KEEPTTL']];
  const notTouching: Cmd[] = [['TYPE', 't:type'], ['EXISTS', 't:exists'], ['TTL', 't:ttl'], ['PTTL', 't:pttl'], ['EXPIRETIME', 't:expiretime'],
    ['OBJECT', 'ENCODING', 't:encoding'], ['OBJECT', 'REFCOUNT', 't:refcount'], ['KEYS', 't:keys'], ['SCAN', '0', 'MATCH', 't:scan', 'TYPE', 'string'], ['DBSIZE']];
  const keys = [...touching, ...notTouching].map((c) => (c[0] === 'OBJECT' ? c[2] : c[0] === 'SCAN' ? 't:scan' : c[1])).filter((k): k is string => typeof k === 'string' && k.startsWith('t:'));
  const s = await DiffSession.open(pair, 2);
  try {
    await s.both(['FLUSHALL']);
    // Values that are not small integers: those share one object (and its LRU clock) in Redis.
    for (const k of keys) await s.both(['SET', k, `value of ${k}`]);
    await sleep(2500);
    const cmds: Cmd[] = [...touching, ...notTouching, ...keys.map((k): Cmd => ['OBJECT', 'IDLETIME', k])];
    const ms = await s.run(cmds, { mode: 'sequential', tolerances: { idle: 1 } });
    if (ms.length > 0) throw reportError(s.report(ms, cmds, { mode: 'sequential' }));
    await s.both(['FLUSHALL']);
  } finally {
    s.close();
  }
});

test('EXPIRE family: NX XX GT LT, overflow, negative, past, errors', async () => {
  const cmds: Cmd[] = [
    ['SET', 'k', 'v'], ['EXPIRE', 'k', '100'], ['TTL', 'k'], ['PTTL', 'k'], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'],
    ['EXPIRE', 'k', '200', 'NX'], ['EXPIRE', 'k', '200', 'XX'], ['TTL', 'k'], ['EXPIRE', 'k', '100', 'GT'], ['EXPIRE', 'k', '300', 'GT'], ['TTL', 'k'],
    ['EXPIRE', 'k', '400', 'LT'], ['EXPIRE', 'k', '150', 'LT'], ['TTL', 'k'], ['PERSIST', 'k'], ['PERSIST', 'k'], ['TTL', 'k'],
    ['EXPIRE', 'k', '100', 'XX'], ['EXPIRE', 'k', '100', 'GT'], ['EXPIRE', 'k', '100', 'LT'], ['TTL', 'k'], ['PERSIST', 'k'], ['EXPIRE', 'k', '100', 'NX'], ['TTL', 'k'],
    ['EXPIRE', 'k', '100', 'NX', 'XX'], ['EXPIRE', 'k', '100', 'GT', 'LT'], ['EXPIRE', 'k', '100', 'NX', 'GT'], ['EXPIRE', 'k', '101', 'XX', 'GT'],
    ['EXPIRE', 'k', '50', 'xx', 'lt'], ['EXPIRE', 'k', '100', 'FOO'], ['EXPIRE', 'k', '100', 'NX', 'NX'],
    ['EXPIRE', 'missing', '100'], ['PEXPIRE', 'missing', '100'], ['EXPIREAT', 'missing', future], ['TTL', 'missing'], ['PTTL', 'missing'],
    ['EXPIRETIME', 'missing'], ['PEXPIRETIME', 'missing'], ['PERSIST', 'missing'],
    ['SET', 'k', 'v'], ['TTL', 'k'], ['PTTL', 'k'], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'],
    ['PEXPIRE', 'k', '100000'], ['TTL', 'k'], ['PEXPIREAT', 'k', futureMs], ['PEXPIRETIME', 'k'], ['EXPIRETIME', 'k'],
    ['EXPIREAT', 'k', future], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'], ['EXPIREAT', 'k', String(now + 50000), 'GT'], ['EXPIREAT', 'k', String(now + 50000), 'LT'],
    ['EXPIRETIME', 'k'], ['PEXPIREAT', 'k', String((now + 50000) * 1000 + 1), 'GT'], ['PEXPIRETIME', 'k'],
    // overflow and invalid values
    ['EXPIRE', 'k', '9223372036854775807'], ['EXPIRE', 'k', '9223372036854775'], ['EXPIRE', 'k', '9223372036854776'], ['EXPIRE', 'k', '-9223372036854775808'],
    ['PEXPIRE', 'k', '9223372036854775807'], ['PEXPIRE', 'k', '9223372036854775000'], ['PEXPIRE', 'k', '-9223372036854775808'],
    ['EXPIREAT', 'k', '9223372036854775807'], ['EXPIREAT', 'k', '9223372036854775'], ['PEXPIREAT', 'k', '9223372036854775807'],
    ['EXPIRE', 'k', 'abc'], ['EXPIRE', 'k', '1.5'], ['EXPIRE', 'k', ''], ['EXPIRE', 'k', '9223372036854775808'], ['PEXPIRE', 'k', ' 1'],
    ['EXPIRETIME', 'k'], ['EXISTS', 'k'],
    // zero, negative and past times delete the key
    ['EXPIRE', 'k', '0'], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['EXPIRE', 'k', '-5'], ['EXISTS', 'k'],
    ['SET', 'k', 'v'], ['PEXPIRE', 'k', '-1'], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['EXPIREAT', 'k', '1'], ['EXISTS', 'k'],
    ['SET', 'k', 'v'], ['PEXPIREAT', 'k', '0'], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['EXPIREAT', 'k', '-1'], ['EXISTS', 'k'],
    ['SET', 'k', 'v'], ['EXPIRE', 'k', '-1', 'NX'], ['EXISTS', 'k'], ['EXPIRE', 'k', '-1', 'XX'], ['EXISTS', 'k'],
    ['EXPIRE', 'k', '100'], ['EXPIRE', 'k', '-1', 'GT'], ['EXISTS', 'k'], ['EXPIRE', 'k', '-1', 'LT'], ['EXISTS', 'k'], ['DBSIZE'],
    // GT/LT with a key without TTL (no TTL counts as infinite)
    ['SET', 'p', 'v'], ['EXPIRE', 'p', '100', 'GT'], ['TTL', 'p'], ['EXPIRE', 'p', '100', 'LT'], ['TTL', 'p'],
    ['EXPIRE', 'p'], ['EXPIRE'], ['PEXPIRE', 'p'], ['EXPIREAT', 'p'], ['PEXPIREAT', 'p'], ['TTL'], ['TTL', 'a', 'b'], ['PTTL'], ['PERSIST'],
    ['EXPIRETIME'], ['PEXPIRETIME', 'a', 'b'],
  ];
  await checkScript(p(), cmds, strictTtl);
});

test('FLUSHDB and FLUSHALL with ASYNC/SYNC', async () => {
  const cmds: Cmd[] = [
    ['MSET', 'a', '1', 'b', '2'], ['SELECT', '1'], ['SET', 'c', '3'], ['SELECT', '0'], ['FLUSHDB'], ['DBSIZE'], ['SELECT', '1'], ['DBSIZE'],
    ['FLUSHDB', 'ASYNC'], ['DBSIZE'], ['SET', 'x', '1'], ['FLUSHDB', 'sync'], ['DBSIZE'], ['FLUSHDB', 'FOO'], ['FLUSHDB', 'ASYNC', 'SYNC'],
    ['SET', 'y', '1'], ['SELECT', '0'], ['SET', 'z', '1'], ['FLUSHALL'], ['DBSIZE'], ['SELECT', '1'], ['DBSIZE'], ['SELECT', '0'],
    ['SET', 'z', '1'], ['FLUSHALL', 'ASYNC'], ['DBSIZE'], ['FLUSHALL', 'SYNC'], ['FLUSHALL', 'FOO'], ['FLUSHALL', 'a', 'b'],
  ];
  await checkScript(p(), cmds);
});

test('expiry really happens: lazily and actively', async () => {
  const pair = p();
  for (const protocol of [2, 3] as const) {
    const s = await DiffSession.open(pair, protocol);
    try {
      await s.both(['FLUSHALL']);
      const setup: Cmd[] = [
        ['SET', 'px', 'v', 'PX', '80'], ['SET', 'ex', 'v', 'EX', '1'], ['SET', 'keep', 'v'], ['SET', 'pexp', 'v'], ['PEXPIRE', 'pexp', '80'],
        ['SET', 'pxat', 'v', 'PXAT', String(Date.now() + 80)], ['PSETEX', 'psetex', '80', 'v'], ['SET', 'getex', 'v'], ['GETEX', 'getex', 'PX', '80'],
        ['SELECT', '1'], ['SET', 'db1', 'v', 'PX', '80'], ['SELECT', '0'],
      ];
      for (let i = 0; i < 200; i++) setup.push(['SET', `many:${i}`, 'v', 'PX', String(50 + (i % 50))]);
      const m1 = await s.run(setup, { mode: 'pipelined', label: 'setup' });
      if (m1.length > 0) throw reportError(s.report(m1, setup, { mode: 'pipelined' }));
      await sleep(250);
      // Nothing read the 'many:' keys: active expiry must remove them (Redis runs it at 10 Hz).
      const deadline = Date.now() + 3000;
      let dbsize = -1n;
      while (Date.now() < deadline) {
        const r = await s.candidate.call(['DBSIZE']);
        dbsize = r.value.type === 'integer' ? r.value.value : -1n;
        if (dbsize <= 2n) break;
        await sleep(100);
      }
      assert.ok(dbsize <= 2n, `active expiry did not remove expired keys: DBSIZE ${dbsize}`);
      const checks: Cmd[] = [
        ['GET', 'px'], ['EXISTS', 'pexp'], ['GET', 'pxat'], ['GET', 'psetex'], ['GET', 'getex'], ['TTL', 'px'], ['PTTL', 'pexp'],
        ['GET', 'keep'], ['TTL', 'keep'], ['SELECT', '1'], ['GET', 'db1'], ['SELECT', '0'], ['KEYS', 'many:*'],
      ];
      const m2 = await s.run(checks, { mode: 'sequential', label: 'after 250 ms' });
      if (m2.length > 0) throw reportError(s.report(m2, checks, { mode: 'sequential' }));
      await sleep(1000);
      const late: Cmd[] = [['GET', 'ex'], ['TTL', 'ex'], ['DBSIZE'], ['KEYS', '*']];
      const m3 = await s.run(late, { mode: 'sequential', label: 'after 1250 ms' });
      if (m3.length > 0) throw reportError(s.report(m3, late, { mode: 'sequential' }));
    } finally {
      s.close();
    }
  }
});

test('seeded random keyspace command sequences', async () => {
  const seeds = seedsFromEnv([11, 12, 13]);
  await checkRandom(p(), seeds, Math.round(1200 * randomScale()), randomKeyCommand, { chunk: 40 });
});

test('seeded random mixed string and keyspace sequences', async () => {
  const seeds = seedsFromEnv([21, 22]);
  await checkRandom(p(), seeds, Math.round(1500 * randomScale()), randomMixedCommand, { chunk: 60 });
});

test.run();
