/**
 * Pub/sub against real redis-server 7.0, comparing the whole byte stream every connection receives
 * (confirmations, messages, pushes) in RESP2 and RESP3: SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE and their
 * UNSUBSCRIBE forms, PUBLISH/SPUBLISH fan-out to channels and glob patterns, RESP2 subscriber mode
 * (what is refused, PING's reply there), RESP3 clients running commands while subscribed, PUBSUB
 * introspection, RESET and disconnects; plus the pubsub output buffer limit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkStreams, type StreamStep } from './support/streams';
import { usePair } from './support/harness';
import { sleep, startCandidate } from './support/servers';
import { encodeCommand } from './support/resp';

const p = usePair(test);

test('SUBSCRIBE / UNSUBSCRIBE confirmations, counts, duplicates, null channel', async () => {
  await checkStreams(p(), 1, [
    [0, ['UNSUBSCRIBE']], [0, ['PUNSUBSCRIBE']], [0, ['SUNSUBSCRIBE']],
    [0, ['SUBSCRIBE', 'a', 'b', 'a']], [0, ['SUBSCRIBE', 'c']], [0, ['PSUBSCRIBE', 'x*', 'y?']],
    [0, ['UNSUBSCRIBE', 'b', 'zz']], [0, ['PUNSUBSCRIBE', 'x*']], [0, ['SSUBSCRIBE', 's1', 's2']],
    [0, ['UNSUBSCRIBE', 'a']], [0, ['UNSUBSCRIBE', 'c']], [0, ['PUNSUBSCRIBE', 'y?']],
    [0, ['SUNSUBSCRIBE', 's1']], [0, ['SUNSUBSCRIBE', 's2']], [0, ['PING']], [0, ['GET', 'k']],
    [0, ['SUBSCRIBE', Buffer.from([0, 1, 0xff, 0x0d, 0x0a])]], [0, ['UNSUBSCRIBE', Buffer.from([0, 1, 0xff, 0x0d, 0x0a])]],
    [0, ['SUBSCRIBE', '']], [0, ['UNSUBSCRIBE', '']],
    [0, ['SUBSCRIBE']], [0, ['PSUBSCRIBE']], [0, ['SSUBSCRIBE']], [0, ['PUBLISH', 'a']], [0, ['SPUBLISH', 'a', 'b', 'c']],
  ], 'confirmations');
});

test('RESP2 subscriber mode refuses other commands; PING answers an array; RESP3 runs anything', async () => {
  await checkStreams(p(), 1, [
    [0, ['SUBSCRIBE', 'a']], [0, ['GET', 'k']], [0, ['SET', 'k', 'v']], [0, ['PING']], [0, ['PING', 'hello']],
    [0, ['PING', 'a', 'b']], [0, ['NOSUCH']], [0, ['GET']], [0, ['CLIENT', 'LIST', 'x', 'y', 'z']], [0, ['MULTI']],
    [0, ['PUBSUB', 'NUMSUB', 'a']], [0, ['ECHO', 'x']], [0, ['PSUBSCRIBE', 'p*']], [0, ['UNSUBSCRIBE']], [0, ['GET', 'k']],
    [0, ['PUNSUBSCRIBE']], [0, ['GET', 'k']], [0, ['PING']],
    [0, ['SSUBSCRIBE', 'sh']], [0, ['GET', 'k']], [0, ['SUNSUBSCRIBE']], [0, ['GET', 'k']],
    [0, ['SUBSCRIBE', 'a']], [0, ['RESET']], [0, ['GET', 'k']], [0, ['PING']],
  ], 'subscriber mode');
});

test('PUBLISH fans out to channel and pattern subscribers; receiver counts', async () => {
  const steps: StreamStep[] = [
    [0, ['SUBSCRIBE', 'news', 'sport']], [1, ['SUBSCRIBE', 'news']], [2, ['PSUBSCRIBE', 'n*']],
    [3, ['PUBLISH', 'news', 'hello']], [3, ['PUBLISH', 'sport', 'goal']], [3, ['PUBLISH', 'nothing', 'x']],
    [3, ['PUBLISH', 'other', 'y']], [3, ['PUBLISH', 'news', '']], [3, ['PUBLISH', 'news', Buffer.from([0, 0xfe, 13, 10])]],
    [1, ['PSUBSCRIBE', 'ne?s']], [3, ['PUBLISH', 'news', 'twice']],
    // Redis delivers to matching patterns in its hash table's order: one match per message here.
    [2, ['PSUBSCRIBE', 'h[a-c]llo', 'h\\*llo', 'h[^a-z*]llo']], [3, ['PUBLISH', 'hallo', 'm']], [3, ['PUBLISH', 'h*llo', 'm']], [3, ['PUBLISH', 'h0llo', 'm']],
    [3, ['PUBLISH', 'hello', 'm']],
    [0, ['UNSUBSCRIBE', 'news']], [3, ['PUBLISH', 'news', 'after']],
    // The publisher itself subscribed: its own message comes before PUBLISH's reply (RESP3 only can publish).
    [3, ['PUBSUB', 'NUMPAT']], [3, ['PUBSUB', 'NUMSUB']], [3, ['PUBSUB', 'NUMSUB', 'news', 'sport', 'none']],
    [3, ['PUBSUB', 'CHANNELS', 'sp*']], [3, ['PUBSUB', 'CHANNELS', 'zz*']], [3, ['PUBSUB', 'HELP']], [3, ['PUBSUB', 'NOSUCH']], [3, ['PUBSUB', 'NUMPAT', 'x']],
    [1, ['QUIT']], [3, ['PUBLISH', 'news', 'gone']], [3, ['PUBSUB', 'NUMSUB', 'news']],
  ];
  await checkStreams(p(), 4, steps, 'fan-out');
});

test('patterns that would take exponential time are cut short as Redis does', async () => {
  const star = 'a*'.repeat(15) + 'b';
  await checkStreams(p(), 2, [
    [0, ['PSUBSCRIBE', star, '*a*a*a*a*a*a*a*a*a*a*c']], [1, ['PUBLISH', 'a'.repeat(80), 'm']], [1, ['PUBLISH', 'a'.repeat(40) + 'b', 'm2']],
    [1, ['PUBLISH', 'a'.repeat(40) + 'c', 'm3']],
    [1, ['KEYS', star]], [1, ['PUBSUB', 'CHANNELS', star]],
  ], 'glob', [2]);
});

test('RESP3: a subscribed client runs commands and receives its own messages in order', async () => {
  await checkStreams(p(), 2, [
    [0, ['SUBSCRIBE', 'ch']], [0, ['SET', 'k', 'v']], [0, ['GET', 'k']], [0, ['PUBLISH', 'ch', 'self']],
    [1, ['PUBLISH', 'ch', 'other']], [0, ['PSUBSCRIBE', 'c*']], [0, ['PUBLISH', 'ch', 'both']], [0, ['MULTI']], [0, ['PUBLISH', 'ch', 'tx']],
    [0, ['GET', 'k']], [0, ['EXEC']], [0, ['PING']], [0, ['UNSUBSCRIBE']], [0, ['PUNSUBSCRIBE']],
  ], 'resp3 self', [3]);
});

test('pipelined PUBLISH: messages and keyspace notifications in command order, in MULTI and from Lua', async () => {
  const lua = "return redis.call('PUBLISH', KEYS[1], ARGV[1])";
  await checkStreams(p(), 2, [
    [1, ['CONFIG', 'SET', 'notify-keyspace-events', 'KA']], [0, ['SUBSCRIBE', 'c']], [0, ['PSUBSCRIBE', '__keyspace@0__:*']],
    [1, [['SET', 'k', 'v'], ['PUBLISH', 'c', 'm1'], ['DEL', 'k'], ['PUBLISH', 'c', 'm2'], ['PUBLISH', 'c', 'm3'], ['SPUBLISH', 'c', 's'], ['INCR', 'n'], ['PUBLISH', 'nobody', 'x'], ['PUBLISH', 'c', 'm4']]],
    [1, [['MULTI'], ['SET', 'k', '1'], ['PUBLISH', 'c', 'tx1'], ['DEL', 'k'], ['PUBLISH', 'c', 'tx2'], ['EXEC']]],
    [1, ['EVAL', lua, '1', 'c', 'from lua']], [1, [['EVAL', lua, '1', 'c', 'lua'], ['PUBLISH', 'c', 'after'], ['EVAL', lua, '1', 'none', 'x']]],
    [1, ['EVAL_RO', lua, '1', 'c', 'read-only']], [1, ['EVAL_RO', "return redis.call('SPUBLISH', 'c', 'x')", '0']],
    [1, ['PUBLISH', 'c']], [1, ['PUBLISH', 'c', 'a', 'b']], [1, ['publish', 'c', 'lower case']],
    [1, ['CONFIG', 'SET', 'notify-keyspace-events', '']], [1, [['SET', 'k', 'v'], ['PUBLISH', 'c', 'quiet']]],
  ], 'pipelined');
});

test('RESP3: messages to oneself come before the reply in pipelines, MULTI and Lua', async () => {
  const lua = "return redis.call('PUBLISH', 'ch', 'lua')";
  await checkStreams(p(), 2, [
    [0, ['SUBSCRIBE', 'ch']], [0, ['PSUBSCRIBE', 'c?']],
    [0, [['PUBLISH', 'ch', 'a'], ['GET', 'k'], ['PUBLISH', 'ch', 'b'], ['PUBLISH', 'other', 'c'], ['SET', 'k', 'v']]],
    [0, ['EVAL', lua, '0']], [0, [['MULTI'], ['PUBLISH', 'ch', 't1'], ['EVAL', lua, '0'], ['GET', 'k'], ['EXEC']]],
    [1, [['PUBLISH', 'ch', 'from 1'], ['PUBLISH', 'ch', 'again']]], [0, [['PUBLISH', 'ch', 'x'], ['UNSUBSCRIBE'], ['PUBLISH', 'ch', 'y']]],
  ], 'resp3 self pipelined', [3]);
});

test('sharded pub/sub: SSUBSCRIBE, SPUBLISH, SHARDCHANNELS, SHARDNUMSUB; channels are separate', async () => {
  await checkStreams(p(), 3, [
    [0, ['SSUBSCRIBE', 'orders', 'users']], [1, ['SSUBSCRIBE', 'orders']], [1, ['SUBSCRIBE', 'orders']], [2, ['PSUBSCRIBE', '*']],
    [2, ['SPUBLISH', 'orders', 'o1']], [2, ['PUBLISH', 'orders', 'p1']], [2, ['SPUBLISH', 'none', 'x']],
    [2, ['PUBSUB', 'SHARDCHANNELS', 'ord*']], [2, ['PUBSUB', 'SHARDCHANNELS', 'u?ers']], [2, ['PUBSUB', 'SHARDNUMSUB', 'orders', 'users', 'x']],
    [2, ['PUBSUB', 'CHANNELS']], [2, ['PUBSUB', 'NUMSUB', 'orders']], [1, ['SUNSUBSCRIBE']], [1, ['UNSUBSCRIBE']],
    [0, ['SUNSUBSCRIBE', 'users']], [2, ['SPUBLISH', 'users', 'u']], [2, ['PUBSUB', 'SHARDNUMSUB', 'users', 'orders']],
  ], 'sharded');
});

test('CLIENT LIST shows pubsub clients (flags P, sub/psub/ssub) and TYPE pubsub filters them', async () => {
  const server = await startCandidate();
  try {
    const sub = await server.connect();
    const other = await server.connect();
    await sub.call(['SUBSCRIBE', 'a', 'b']);
    await sub.read();
    await sub.call(['PSUBSCRIBE', 'x*']);
    const list = await other.text('CLIENT', 'LIST', 'TYPE', 'pubsub');
    const lines = list.trim().split('\n');
    assert.is(lines.length, 1);
    assert.match(lines[0], / flags=P /);
    assert.match(lines[0], / sub=2 psub=1 ssub=0 /);
    const normal = await other.text('CLIENT', 'LIST', 'TYPE', 'normal');
    assert.is(normal.trim().split('\n').length, 1);
    assert.not.match(normal, /flags=P/);
    const info = await other.text('INFO', 'stats');
    assert.match(info, /pubsub_channels:2\r\n/);
    assert.match(info, /pubsub_patterns:1\r\n/);
    sub.close();
    other.close();
  } finally {
    await server.stop();
  }
});

test('a subscriber that does not read is disconnected at the hard output limit; others keep receiving', async () => {
  const server = await startCandidate();
  try {
    const admin = await server.connect();
    assert.is(await admin.text('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 512kb 60'), 'OK');
    assert.is(await admin.text('CONFIG', 'GET', 'client-output-buffer-limit').then(() => 'ok'), 'ok');
    const slow = await server.connect();
    slow.socket.pause(); // never reads: the server's output for it piles up
    slow.write(encodeCommand(['SUBSCRIBE', 'flood']));
    const fast = await server.connect();
    await fast.call(['SUBSCRIBE', 'flood']);
    await sleep(50);
    const payload = Buffer.alloc(64 * 1024, 0x61);
    let receivers = 2;
    for (let i = 0; i < 400 && receivers === 2; i++) {
      const r = await admin.call(['PUBLISH', 'flood', payload]);
      receivers = Number((r.value as { value: bigint }).value);
      await fast.readN(1).catch(() => undefined);
    }
    assert.is(receivers, 1, 'the slow subscriber was dropped');
    const numsub = await admin.call(['PUBSUB', 'NUMSUB', 'flood']);
    assert.match(numsub.raw.toString(), /:1\r\n$/);
    assert.ok(!fast.closed);
    const r = await admin.call(['PUBLISH', 'flood', 'still']);
    assert.is(r.raw.toString(), ':1\r\n');
    slow.close();
    fast.close();
    admin.close();
  } finally {
    await server.stop();
  }
});

/** The bytes of a `message` for `channel`, as a RESP2 array or a RESP3 push. */
function messageBytes(resp: 2 | 3, channel: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${resp === 3 ? '>' : '*'}3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n$${payload.length}\r\n`), payload, Buffer.from('\r\n')]);
}

test('pipelined floods: a subscriber that does not read is dropped at the limit, one that resets mid-fan-out is forgotten; the others get every message in order', async () => {
  const server = await startCandidate();
  try {
    const admin = await server.connect();
    assert.is(await admin.text('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 512kb 60'), 'OK');
    const slow = await server.connect();
    slow.socket.pause();
    slow.write(encodeCommand(['SUBSCRIBE', 'flood']));
    const leaving = await server.connect();
    await leaving.call(['SUBSCRIBE', 'flood']);
    const readers = [await server.connect({ recordRaw: true }), await server.connect({ recordRaw: true })];
    await readers[1].call(['HELLO', '3']);
    for (const r of readers) await r.call(['SUBSCRIBE', 'flood']);
    for (const r of readers) await r.takeRaw(25);
    await sleep(50);
    const batches = 40;
    const perBatch = 32;
    const expected: Buffer[][] = [[], []];
    let receivers: bigint[] = [];
    for (let b = 0; b < batches; b++) {
      const commands: Buffer[] = [];
      for (let i = 0; i < perBatch; i++) {
        const payload = Buffer.concat([Buffer.from(`${b * perBatch + i}:`), Buffer.alloc(16 * 1024, 0x61 + (i % 26))]);
        commands.push(encodeCommand(['PUBLISH', 'flood', payload]));
        expected[0].push(messageBytes(2, 'flood', payload));
        expected[1].push(messageBytes(3, 'flood', payload));
      }
      admin.write(Buffer.concat(commands));
      receivers = (await admin.readN(perBatch)).map((r) => (r.value as { value: bigint }).value);
      // Reset (not a clean close): sends to it fail while the fan-out goes on.
      if (b === 3) leaving.socket.resetAndDestroy();
    }
    assert.equal(receivers.slice(-1), [2n], 'the slow and the leaving subscribers are gone');
    for (const [i, r] of readers.entries()) {
      const got = await r.collectRaw(100, 20000);
      assert.ok(!got.closed, `reader ${i} still connected`);
      assert.ok(got.bytes.equals(Buffer.concat(expected[i])), `reader ${i} received every message, in order (${got.bytes.length} bytes)`);
    }
    assert.match((await admin.call(['PUBSUB', 'NUMSUB', 'flood'])).raw.toString(), /:2\r\n$/);
    assert.match(await admin.text('INFO', 'commandstats'), new RegExp(`cmdstat_publish:calls=${batches * perBatch},`));
    assert.is((await admin.call(['PUBLISH', 'flood', 'still'])).raw.toString(), ':2\r\n');
    for (const c of [slow, ...readers, admin]) c.close();
  } finally {
    await server.stop();
  }
});

test('HELLO while subscribed: messages follow the new protocol', async () => {
  const server = await startCandidate();
  try {
    const sub = await server.connect({ recordRaw: true });
    const pub = await server.connect();
    await sub.call(['HELLO', '3']);
    await sub.call(['SUBSCRIBE', 'ch']);
    await sub.takeRaw(25);
    await pub.call(['PUBLISH', 'ch', 'one']);
    assert.ok((await sub.takeRaw(50)).bytes.equals(messageBytes(3, 'ch', Buffer.from('one'))));
    await sub.call(['HELLO', '2']);
    await sub.takeRaw(25);
    await pub.call(['PUBLISH', 'ch', 'two']);
    assert.ok((await sub.takeRaw(50)).bytes.equals(messageBytes(2, 'ch', Buffer.from('two'))));
    sub.close();
    pub.close();
  } finally {
    await server.stop();
  }
});

test('appendfsync always: messages wait for the AOF like replies and all arrive in order; PUBLISH is not logged', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-pubsub-aof-'));
  const server = await startCandidate(['--aof-path', path.join(dir, 'a.aof'), '--snapshot-path', path.join(dir, 'd.rdb')]);
  try {
    const sub = await server.connect({ recordRaw: true });
    const pub = await server.connect();
    assert.is(await pub.text('CONFIG', 'SET', 'appendonly', 'yes', 'appendfsync', 'always'), 'OK');
    await sub.call(['SUBSCRIBE', 'ch']);
    await sub.takeRaw(25);
    const expected: Buffer[] = [];
    for (let b = 0; b < 5; b++) {
      const commands: Buffer[] = [];
      for (let i = 0; i < 10; i++) {
        commands.push(encodeCommand(['SET', `k${i}`, String(b)]), encodeCommand(['PUBLISH', 'ch', `${b}.${i}`]));
        expected.push(messageBytes(2, 'ch', Buffer.from(`${b}.${i}`)));
      }
      pub.write(Buffer.concat(commands));
      await pub.readN(20);
    }
    assert.ok((await sub.collectRaw(100)).bytes.equals(Buffer.concat(expected)));
    const aof = fs.readFileSync(path.join(dir, 'a.aof'), 'latin1');
    assert.match(aof, /k9\r\n\$1\r\n4\r\n/, 'the writes reached the AOF');
    assert.not.match(aof, /PUBLISH/i, 'PUBLISH is not logged (Redis propagates it to replicas only)');
    sub.close();
    pub.close();
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
