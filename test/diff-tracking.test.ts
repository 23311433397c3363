/**
 * Client-side caching (CLIENT TRACKING) against real redis-server 7.0, comparing every
 * connection's byte stream: default mode (keys read are invalidated once when anyone changes them),
 * NOLOOP, OPTIN/OPTOUT with CLIENT CACHING, BCAST with and without prefixes, REDIRECT to a RESP2
 * subscriber of __redis__:invalidate, FLUSHALL, expiry, MULTI/EXEC, broken redirects, option
 * errors, CLIENT TRACKINGINFO/GETREDIR; and node-redis's client-side cache against RustyPotato.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkStreams } from './support/streams';
import { usePair } from './support/harness';
import { sleep, startCandidate } from './support/servers';

const p = usePair(test, [], ['--enable-debug-command', 'yes']);

test('option errors, TRACKINGINFO, GETREDIR, CACHING checks', async () => {
  await checkStreams(p(), 1, [
    [0, ['CLIENT', 'TRACKINGINFO']], [0, ['CLIENT', 'GETREDIR']], [0, ['CLIENT', 'CACHING', 'yes']],
    [0, ['CLIENT', 'TRACKING', 'maybe']], [0, ['CLIENT', 'TRACKING', 'on', 'PREFIX', 'a']], [0, ['CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN']],
    [0, ['CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT']], [0, ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '999999']], [0, ['CLIENT', 'TRACKING', 'on', 'REDIRECT', 'x']],
    [0, ['CLIENT', 'TRACKING', 'on', 'NOSUCH']], [0, ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a']], [0, ['CLIENT', 'TRACKING']],
    [0, ['CLIENT', 'TRACKING', 'on', 'OPTIN']], [0, ['CLIENT', 'TRACKINGINFO']], [0, ['CLIENT', 'CACHING', 'no']], [0, ['CLIENT', 'CACHING', 'yes']],
    [0, ['CLIENT', 'TRACKINGINFO']], [0, ['CLIENT', 'TRACKING', 'on', 'OPTOUT']], [0, ['CLIENT', 'TRACKING', 'on', 'BCAST']], [0, ['CLIENT', 'GETREDIR']],
    [0, ['CLIENT', 'TRACKING', 'off']], [0, ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'job:', 'NOLOOP']], [0, ['CLIENT', 'TRACKINGINFO']],
    [0, ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:1']], [0, ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'zz']], [0, ['CLIENT', 'TRACKINGINFO']],
    [0, ['CLIENT', 'TRACKING', 'off']], [0, ['CLIENT', 'TRACKINGINFO']], [0, ['CLIENT', 'CACHING', 'maybe']],
  ], 'options');
});

test('default mode: reads are remembered, invalidated once per change, by anyone', async () => {
  await checkStreams(p(), 2, [
    [0, ['CLIENT', 'TRACKING', 'on']], [1, ['SET', 'a', '1']], [0, ['GET', 'a']], [0, ['MGET', 'b', 'c']], [1, ['SET', 'a', '2']], [1, ['SET', 'a', '3']],
    [0, ['GET', 'a']], [0, ['SET', 'a', 'self']], [1, ['DEL', 'b']], [1, ['SET', 'b', 'x']], [1, ['SET', 'c', 'x']], [0, ['HGETALL', 'h']], [1, ['HSET', 'h', 'f', 'v']],
    [0, ['EXISTS', 'e']], [1, ['SET', 'e', '1']], [0, ['STRLEN', 'e']], [1, ['APPEND', 'e', '2']], [0, ['GET', 'e']], [1, ['EXPIRE', 'e', '100']],
    [0, ['GET', 'e']], [1, ['FLUSHALL']], [1, ['SET', 'e', '1']], [0, ['GET', 'e']], [0, ['MULTI']], [0, ['GET', 'e']], [0, ['SET', 'e', '2']], [0, ['EXEC']],
    [0, ['LRANGE', 'l', '0', '-1']], [1, ['RPUSH', 'l', 'x']], [0, ['CLIENT', 'TRACKING', 'off']], [0, ['GET', 'z']], [1, ['SET', 'z', '1']],
  ], 'default', [3]);
});

test('NOLOOP, OPTIN and OPTOUT with CLIENT CACHING', async () => {
  await checkStreams(p(), 2, [
    [0, ['CLIENT', 'TRACKING', 'on', 'NOLOOP']], [0, ['GET', 'a']], [0, ['SET', 'a', '1']], [0, ['GET', 'a']], [1, ['SET', 'a', '2']],
    [0, ['CLIENT', 'TRACKING', 'off']], [0, ['CLIENT', 'TRACKING', 'on', 'OPTIN']], [0, ['GET', 'b']], [1, ['SET', 'b', '1']],
    [0, ['CLIENT', 'CACHING', 'yes']], [0, ['GET', 'b']], [0, ['GET', 'c']], [1, ['SET', 'b', '2']], [1, ['SET', 'c', '2']],
    [0, ['CLIENT', 'CACHING', 'yes']], [0, ['CLIENT', 'TRACKINGINFO']], [0, ['GET', 'c']], [1, ['SET', 'c', '3']],
    [0, ['CLIENT', 'CACHING', 'yes']], [0, ['MULTI']], [0, ['GET', 'd']], [0, ['GET', 'e']], [0, ['EXEC']], [1, ['MSET', 'd', '1', 'e', '1']],
    [0, ['CLIENT', 'TRACKING', 'off']], [0, ['CLIENT', 'TRACKING', 'on', 'OPTOUT']], [0, ['GET', 'f']], [0, ['CLIENT', 'CACHING', 'no']], [0, ['GET', 'g']],
    [1, ['SET', 'f', '1']], [1, ['SET', 'g', '1']],
  ], 'opt-in/out', [3]);
});

test('BCAST with prefixes: one sorted message per turn, NOLOOP filtering', async () => {
  await checkStreams(p(), 3, [
    [0, ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'job:']], [2, ['CLIENT', 'TRACKING', 'on', 'BCAST', 'NOLOOP']],
    [1, ['SET', 'user:1', 'x']], [1, ['SET', 'other', 'x']], [1, ['MSET', 'user:3', 'a', 'job:1', 'b', 'user:2', 'c']], [2, ['SET', 'user:9', 'mine']],
    [1, ['DEL', 'user:1', 'nothing']], [0, ['SET', 'job:2', 'own']], [1, ['FLUSHALL']], [0, ['CLIENT', 'TRACKING', 'off']], [1, ['SET', 'user:1', 'y']],
  ], 'bcast', [3]);
});

test('REDIRECT to a RESP2 subscriber of __redis__:invalidate; FLUSHALL; broken redirect (both servers)', async () => {
  const pair = p();
  // Client ids differ between the two servers, so each runs the script with its own ids and the
  // received bytes are checked to be the same literal on both.
  for (const server of [pair.oracle, pair.candidate]) {
    const name = server.name;
    const subscriber = await server.connect();
    const tracker = await server.connect();
    const other = await server.connect();
    try {
      const id = await subscriber.text('CLIENT', 'ID');
      await subscriber.call(['SUBSCRIBE', '__redis__:invalidate']);
      assert.is(await tracker.text('CLIENT', 'TRACKING', 'on', 'REDIRECT', id), 'OK');
      assert.is(await tracker.text('CLIENT', 'GETREDIR'), id);
      await tracker.call(['GET', 'k']);
      await other.call(['SET', 'k', '1']);
      const msg = await subscriber.read(2000);
      assert.is(msg.raw.toString('latin1'), '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n', name);
      await other.call(['FLUSHALL']);
      const flush = await subscriber.read(2000);
      assert.is(flush.raw.toString('latin1'), '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n', name);
      // The target goes away: the next invalidation finds no one and the redirect is marked broken.
      subscriber.close();
      await sleep(100);
      await tracker.call(['GET', 'k']);
      await other.call(['SET', 'k', '2']);
      await sleep(50);
      const info = await tracker.call(['CLIENT', 'TRACKINGINFO']);
      assert.match(info.raw.toString('latin1'), /broken_redirect/, name);
      const line = await tracker.text('CLIENT', 'INFO');
      assert.match(line, / flags=tR /, name);
    } finally {
      subscriber.close();
      tracker.close();
      other.close();
    }
  }
});

test('node-redis client-side cache: a cached GET is served locally, then invalidated by another SET', async () => {
  const { createClient } = await import('redis');
  const server = await startCandidate();
  try {
    const url = `redis://127.0.0.1:${server.port}`;
    const cached = createClient({ url, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0, evictPolicy: 'LRU' } });
    const writer = createClient({ url });
    await cached.connect();
    await writer.connect();
    await writer.set('cache-key', 'v1');
    assert.is(await cached.get('cache-key'), 'v1');
    const before = Number(/total_commands_processed:(\d+)/.exec(await writer.info('stats'))![1]);
    assert.is(await cached.get('cache-key'), 'v1', 'second read from the local cache');
    const after = Number(/total_commands_processed:(\d+)/.exec(await writer.info('stats'))![1]);
    assert.is(after - before, 1, 'only the INFO itself reached the server');
    await writer.set('cache-key', 'v2');
    let value: string | null = null;
    for (let i = 0; i < 50 && value !== 'v2'; i++) {
      await sleep(10);
      value = await cached.get('cache-key');
    }
    assert.is(value, 'v2', 'invalidated and read again');
    await cached.quit();
    await writer.quit();
  } finally {
    await server.stop();
  }
});

test.run();
