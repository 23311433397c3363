/**
 * Protocol tests at the server level, against the running servers: requests split at every byte
 * boundary, deep pipelines, inline commands, malformed RESP of every kind (compared with
 * redis-server byte for byte, including whether the connection is closed), other clients staying
 * unaffected, a 64 MB value, binary keys, and the query buffer limit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Connection } from './support/connection';
import { Cmd } from './support/diff';
import { checkScript, compareRaw, rawExchange, reportError, usePair } from './support/harness';
import { encodeCommand, escapeBytes, parseAll } from './support/resp';
import { Rng } from './support/random';
import { ServerHandle, sleep } from './support/servers';

const p = usePair(test);

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** A request mixing multibulk and inline commands, binary payloads, empty lines and *0 / *-1. */
const MIXED_REQUEST = Buffer.concat([
  encodeCommand(['SET', 'k:split', Buffer.from([0x61, 0x0d, 0x0a, 0x62, 0x00, 0xff])]),
  encodeCommand(['GET', 'k:split']),
  b('PING\r\n'),
  b('ECHO "x y" \'z\'\r\n'),
  b('\r\n'),
  b('*0\r\n'),
  b('*-1\r\n'),
  b('echo  two\n'),
  encodeCommand(['INCRBY', 'k:counter', '5']),
  encodeCommand(['DEL', 'k:split', 'k:counter']),
  encodeCommand(['ECHO', '']),
]);

async function readAll(c: Connection, count: number): Promise<Buffer> {
  const replies = await c.readN(count, 5000);
  return Buffer.concat(replies.map((r) => r.raw));
}

async function expectedFor(server: ServerHandle, request: Buffer): Promise<{ bytes: Buffer; count: number }> {
  const out = await rawExchange(server, [request], 300);
  return { bytes: out.bytes, count: parseAll(out.bytes).length };
}

test('a request split at every byte boundary gets the same replies', async () => {
  const pair = p();
  const expected = await expectedFor(pair.oracle, MIXED_REQUEST);
  assert.ok(expected.count >= 8, `oracle answered ${expected.count} replies`);
  const whole = await rawExchange(pair.candidate, [MIXED_REQUEST], 300);
  assert.is(escapeBytes(whole.bytes, 2000), escapeBytes(expected.bytes, 2000), 'unsplit request');
  const c = await pair.candidate.connect();
  const failures: string[] = [];
  try {
    for (let i = 1; i < MIXED_REQUEST.length; i++) {
      await c.writeFlushed(MIXED_REQUEST.subarray(0, i));
      await sleep(2); // let the server read the first part on its own
      await c.writeFlushed(MIXED_REQUEST.subarray(i));
      const got = await readAll(c, expected.count).catch((e: Error) => b(`<${e.message}>`));
      if (!got.equals(expected.bytes)) failures.push(`split at ${i}: ${escapeBytes(got)}`);
      if (c.closed) break;
    }
    // Three random cuts, many times.
    const rng = new Rng(7);
    for (let round = 0; round < 60 && !c.closed; round++) {
      const cuts = [rng.int(1, MIXED_REQUEST.length - 1), rng.int(1, MIXED_REQUEST.length - 1), rng.int(1, MIXED_REQUEST.length - 1)].sort((x, y) => x - y);
      let prev = 0;
      for (const cut of [...cuts, MIXED_REQUEST.length]) {
        await c.writeFlushed(MIXED_REQUEST.subarray(prev, cut));
        prev = cut;
        await sleep(1);
      }
      const got = await readAll(c, expected.count).catch((e: Error) => b(`<${e.message}>`));
      if (!got.equals(expected.bytes)) failures.push(`cuts ${cuts.join(',')}: ${escapeBytes(got)}`);
    }
  } finally {
    c.close();
  }
  // One byte at a time.
  const bytes = [...MIXED_REQUEST].map((x) => Buffer.from([x]));
  const slow = await rawExchange(pair.candidate, bytes, 300, 1);
  if (!slow.bytes.equals(expected.bytes)) failures.push(`one byte at a time: ${escapeBytes(slow.bytes)}`);
  if (failures.length > 0) {
    throw reportError(`${failures.length} split(s) answered differently; expected ${escapeBytes(expected.bytes)}\n` + failures.slice(0, 20).join('\n'));
  }
});

test('a pipeline of 10k commands', async () => {
  const cmds: Cmd[] = [];
  for (let i = 0; i < 10000; i++) {
    const k = `pipe:${i % 100}`;
    cmds.push(i % 4 === 0 ? ['SET', k, `v${i}`] : i % 4 === 1 ? ['GET', k] : i % 4 === 2 ? ['INCR', `cnt:${i % 7}`] : ['APPEND', k, 'x']);
  }
  cmds.push(['DBSIZE'], ['FLUSHALL']);
  await checkScript(p(), cmds, { modes: ['pipelined'], chunk: 10002 });
});

test('incomplete commands of many clients, interleaved, each keep their own bytes', async () => {
  // Every connection's reads land in one shared buffer: an incomplete tail must be copied out
  // before another client's read overwrites it.
  const pair = p();
  const clients: Connection[] = [];
  const rng = new Rng(7);
  try {
    for (let i = 0; i < 8; i++) clients.push(await pair.candidate.connect());
    const requests = clients.map((_, i) => {
      const value = Buffer.alloc(20000 + i * 1000, 97 + i);
      return Buffer.concat([encodeCommand(['SET', `shared:${i}`, value]), encodeCommand(['STRLEN', `shared:${i}`]), encodeCommand(['GET', `shared:${i}`])]);
    });
    const sentUpTo = requests.map(() => 0);
    while (sentUpTo.some((n, i) => n < requests[i].length)) {
      for (let i = 0; i < clients.length; i++) {
        const next = Math.min(requests[i].length, sentUpTo[i] + rng.int(1, 3000));
        if (next > sentUpTo[i]) await clients[i].writeFlushed(requests[i].subarray(sentUpTo[i], next));
        sentUpTo[i] = next;
      }
      await sleep(1);
    }
    for (let i = 0; i < clients.length; i++) {
      const [set, len, get] = await clients[i].readN(3, 5000);
      assert.is(set.raw.toString(), '+OK\r\n');
      assert.is(len.raw.toString(), `:${20000 + i * 1000}\r\n`);
      const expected = Buffer.alloc(20000 + i * 1000, 97 + i);
      assert.ok(get.raw.subarray(get.raw.length - 2 - expected.length, get.raw.length - 2).equals(expected), `client ${i} value`);
    }
  } finally {
    for (const c of clients) c.close();
  }
});

test('inline commands: quotes, escapes, empty lines', async () => {
  const cases: Array<[string, string]> = [
    ['plain', 'PING\r\n'],
    ['LF only', 'PING\nPING\n'],
    ['lowercase with arg', 'ping hello\r\n'],
    ['double quotes', 'SET inl "a b"\r\nGET inl\r\nDEL inl\r\n'],
    ['escapes', 'ECHO "a\\x41\\n\\r\\t\\b\\a\\\\\\"q"\r\n'],
    ['bad hex escape', 'ECHO "\\x4g"\r\n'],
    ['single quotes', "ECHO 'single quoted'\r\n"],
    ['escaped single quote', "ECHO 'it\\'s'\r\n"],
    ['empty quoted args', 'ECHO ""\r\nECHO \'\'\r\n'],
    ['spaces everywhere', '   ECHO    a   \r\n'],
    ['tabs', 'ECHO\ta\r\n'],
    ['empty lines', '\r\n\r\n\n\r\nPING\r\n'],
    ['spaces-only line', '   \r\nPING\r\n'],
    ['wrong arity inline', 'ECHO a b\r\n'],
    ['unknown inline', 'NOSUCH a b\r\n'],
    ['garbage bytes inline', '\x00\x01\xff\r\n'],
    ['$ as inline', '$4\r\nPING\r\n'],
    [': as inline', ':1\r\n'],
    ['+ as inline', '+PING\r\n'],
    ['leading space then *', ' *1\r\n'],
    ['unbalanced double quote', 'ECHO "abc\r\nPING\r\n'],
    ['unbalanced single quote', "ECHO 'abc\r\nPING\r\n"],
    ['closing quote followed by a char', 'ECHO "a"b\r\nPING\r\n'],
    ['CR inside line', 'ECHO a\rb\r\n'],
    ['incomplete inline (no newline)', 'PING'],
    ['inline near the limit', `ECHO ${'a'.repeat(60000)}\r\n`],
    ['too big inline request', 'A'.repeat(70000)],
    ['too big inline with newline later', 'A'.repeat(70000) + '\r\n'],
  ];
  const results = await Promise.all(cases.map(([label, bytes]) => compareRaw(p(), label, [b(bytes)])));
  const problems = results.filter((x): x is string => x !== null);
  if (problems.length > 0) throw reportError(problems.join('\n'));
});

const MALFORMED: Array<[string, Array<string | Buffer>]> = [
  ['invalid multibulk length', ['*abc\r\n']],
  ['multibulk length with sign', ['*+1\r\n$4\r\nPING\r\n']],
  ['*-1 is skipped', ['*-1\r\nPING\r\n']],
  ['*-2', ['*-2\r\nPING\r\n']],
  ['*0 is skipped', ['*0\r\nPING\r\n']],
  ['multibulk length over INT_MAX', ['*2147483648\r\n']],
  ['multibulk length 3000000000', ['*3000000000\r\n']],
  ['multibulk length 1048577', ['*1048577\r\n']],
  ['expected $, got +', ['*1\r\n+PING\r\n']],
  ['expected $, got :', ['*2\r\n$3\r\nGET\r\n:1\r\n']],
  ['invalid bulk length', ['*1\r\n$abc\r\n']],
  ['negative bulk length', ['*1\r\n$-1\r\n']],
  ['bulk length over proto-max-bulk-len', ['*1\r\n$536870913\r\n']],
  ['bulk length 2^31', ['*1\r\n$2147483648\r\n']],
  ['bulk length with sign', ['*1\r\n$+4\r\nPING\r\n']],
  ['bulk of 512 MB declared only', ['*1\r\n$536870912\r\n']],
  ['payload followed by other bytes than CRLF', ['*1\r\n$4\r\nPINGXX*1\r\n$4\r\nPING\r\n']],
  ['payload shorter than declared', ['*1\r\n$3\r\nPINGX\r\n']],
  ['empty command name', ['*1\r\n$0\r\n\r\n']],
  ['multibulk header with LF only', ['*1\n$4\r\nPING\r\n']],
  ['bulk header with LF only', ['*1\r\n$4\nPING\r\n']],
  ['incomplete multibulk', ['*2\r\n$4\r\nECHO\r\n$3\r\nab']],
  ['incomplete header', ['*1\r']],
  ['too big mbulk count string', ['*' + '1'.repeat(70000)]],
  ['too big bulk count string', ['*1\r\n$' + '1'.repeat(70000)]],
  ['good commands, then garbage', ['*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n*abc\r\nPING\r\n']],
  ['garbage split across writes', ['*1\r\n$4\r\nPI', 'NG\r\n*x', 'yz\r\n']],
  ['more args than declared, then garbage', ['*1\r\n$4\r\nPING\r\n$4\r\nPING\r\n']],
  ['NUL bytes', [Buffer.from([0, 0, 0, 13, 10])]],
  ['binary garbage', [Buffer.from([0x2a, 0xff, 0xfe, 13, 10])]],
  ['multibulk count with spaces', ['* 1\r\n$4\r\nPING\r\n']],
  ['bulk length with trailing space', ['*1\r\n$4 \r\nPING\r\n']],
];

test('malformed RESP: same replies as redis-server and the connection closed the same way', async () => {
  const pair = p();
  const bystander = await pair.candidate.connect();
  try {
    await bystander.call(['SET', 'bystander', 'still here']);
    const results = await Promise.all(MALFORMED.map(([label, parts]) => compareRaw(pair, label, parts.map((x) => (Buffer.isBuffer(x) ? x : b(x))), 300, parts.length > 1 ? 20 : 0)));
    const problems = results.filter((x): x is string => x !== null);
    // The bystander connection is unaffected.
    const r = await bystander.call(['GET', 'bystander']);
    assert.is(r.raw.toString(), '$10\r\nstill here\r\n', 'another client is unaffected');
    await bystander.call(['DEL', 'bystander']);
    assert.ok(!pair.candidate.exited(), 'the server is still running');
    if (problems.length > 0) throw reportError(problems.join('\n'));
  } finally {
    bystander.close();
  }
});

test('a 64 MB value round-trips', async () => {
  const c = await p().candidate.connect();
  try {
    const value = Buffer.alloc(64 * 1024 * 1024);
    for (let i = 0; i < value.length; i += 4096) value.writeUInt32LE((i * 2654435761) >>> 0, i);
    value.write('\r\n$-1\r\n', 1000, 'latin1');
    const set = await c.call(['SET', 'big', value], 60000);
    assert.is(set.raw.toString(), '+OK\r\n', 'SET 64 MB');
    const len = await c.call(['STRLEN', 'big']);
    assert.is(len.raw.toString(), `:${value.length}\r\n`, 'STRLEN');
    const got = await c.call(['GET', 'big'], 60000);
    assert.ok(got.value.type === 'bulk' && got.value.value !== null, 'GET returns a bulk');
    assert.ok(got.value.type === 'bulk' && got.value.value !== null && got.value.value.equals(value), 'GET returns the same 64 MB');
    const range = await c.call(['GETRANGE', 'big', '1000', '1006']);
    assert.is(range.raw.toString('latin1'), '$7\r\n\r\n$-1\r\n\r\n', 'GETRANGE inside the big value');
    await c.call(['DEL', 'big']);
  } finally {
    c.close();
  }
});

test('binary keys: every byte value', async () => {
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const cmds: Cmd[] = [
    ['SET', all, all], ['GET', all], ['EXISTS', all], ['KEYS', '*'], ['STRLEN', all], ['APPEND', all, all], ['GETRANGE', all, '250', '260'],
    ['RENAME', all, Buffer.from([0])], ['GET', Buffer.from([0])], ['MSET', Buffer.from([13, 10]), Buffer.from([0]), Buffer.from([255]), ''],
    ['MGET', Buffer.from([13, 10]), Buffer.from([255]), Buffer.from([0])], ['KEYS', Buffer.from([0x5b, 0x00, 0x2d, 0xff, 0x5d])],
  ];
  for (let i = 0; i < 256; i += 17) cmds.push(['SET', Buffer.from([i, 255 - i, 13, 10]), Buffer.from([i])], ['GET', Buffer.from([i, 255 - i, 13, 10])]);
  cmds.push(['DBSIZE'], ['KEYS', '*']);
  await checkScript(p(), cmds);
});

test('query buffer: a huge declared bulk does not make memory grow with the declaration', async () => {
  const pair = p();
  const server = pair.candidate;
  const bystander = await server.connect();
  const c = await server.connect();
  try {
    const baseline = server.rssBytes();
    // 500 MB declared (below proto-max-bulk-len), 24 MB actually sent.
    await c.writeFlushed(b('*2\r\n$4\r\nECHO\r\n$524288000\r\n'));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 24 && !c.closed; i++) await c.writeFlushed(chunk);
    await sleep(300);
    const grown = server.rssBytes() - baseline;
    const pong = await bystander.call(['PING']);
    assert.is(pong.raw.toString(), '+PONG\r\n', 'another client is served meanwhile');
    assert.ok(grown < 200 * 1024 * 1024, `RSS grew by ${(grown / 1048576).toFixed(1)} MB for 24 MB received`);
  } finally {
    c.close();
    bystander.close();
  }
});

test('client-query-buffer-limit: a client over the limit is dropped as Redis does', async () => {
  const pair = p();
  const problems: string[] = [];
  const setLimit = async (server: ServerHandle, value: string): Promise<string> => {
    const c = await server.connect();
    try {
      return (await c.call(['CONFIG', 'SET', 'client-query-buffer-limit', value])).raw.toString('latin1');
    } finally {
      c.close();
    }
  };
  for (const server of [pair.oracle, pair.candidate]) {
    const r = await setLimit(server, '1mb');
    if (r !== '+OK\r\n') problems.push(`${server.name}: CONFIG SET client-query-buffer-limit 1mb -> ${escapeBytes(b(r))}`);
  }
  try {
    if (problems.length === 0) {
      const payload = Buffer.alloc(3 * 1024 * 1024, 0x62);
      const cases: Array<[string, Buffer[]]> = [
        ['declared 10 MB bulk, 3 MB sent', [b('*2\r\n$4\r\nECHO\r\n$10485760\r\n'), payload]],
        ['3 MB of complete small commands is fine', [Buffer.concat(Array.from({ length: 20000 }, () => encodeCommand(['PING'])))]],
      ];
      for (const [label, parts] of cases) {
        const diff = await compareRaw(pair, label, parts, 500);
        if (diff) problems.push(diff);
      }
      // And a bystander is unaffected.
      const by = await pair.candidate.connect();
      const pong = await by.call(['PING']);
      by.close();
      if (pong.raw.toString() !== '+PONG\r\n') problems.push('bystander PING failed after the limit test');
    }
  } finally {
    for (const server of [pair.oracle, pair.candidate]) await setLimit(server, '1gb').catch(() => '');
  }
  if (problems.length > 0) throw reportError(problems.join('\n'));
});

test.run();
