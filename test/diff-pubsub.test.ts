/**
 * Pub/sub against real redis-server 7.0, comparing the whole byte stream every connection receives
 * (confirmations, messages, pushes) in RESP2 and RESP3: SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE and their
 * UNSUBSCRIBE forms, PUBLISH/SPUBLISH fan-out to channels and glob patterns, RESP2 subscriber mode
 * (what is refused, PING's reply there), RESP3 clients running commands while subscribed, PUBSUB
 * introspection, RESET and disconnects; plus the pubsub output buffer limit.
 */
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

test.run();
