/**
 * Real clients on pub/sub, keyspace notifications and transactions, each scenario run against
 * redis-server and against RustyPotato with the same client code; the traces (what the application
 * sees) must be equal: ioredis (RESP3 by default) and node-redis in RESP2 and RESP3 subscribing to
 * channels, patterns and shard channels; keyspace events through node-redis; MULTI/EXEC and WATCH
 * through ioredis and node-redis (a conflicting write makes EXEC fail).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { usePair } from './support/harness';
import { sleep, type ServerHandle } from './support/servers';

const p = usePair(test);

/** Runs the scenario on both servers and compares the traces it returns. */
async function sameOnBoth(scenario: (server: ServerHandle) => Promise<string[]>): Promise<void> {
  // Scenarios keep what each connection sees in its own list: the order between two connections
  // (a subscriber's message vs. the publisher's reply) depends on the client's event loop.
  const pair = p();
  const expected = await scenario(pair.oracle);
  const actual = await scenario(pair.candidate);
  assert.ok(expected.length > 0, 'the scenario traced something');
  assert.equal(actual, expected);
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await sleep(5);
}

test('ioredis: subscribe, psubscribe, ssubscribe, publish, unsubscribe', async () => {
  await sameOnBoth(async (server) => {
    const trace: string[] = [];
    const seen: string[] = [];
    const sub = new Redis({ port: server.port, lazyConnect: true });
    const pub = new Redis({ port: server.port, lazyConnect: true });
    await sub.connect();
    await pub.connect();
    try {
      sub.on('message', (ch: string, msg: string) => seen.push(`message ${ch} ${msg}`));
      sub.on('pmessage', (pat: string, ch: string, msg: string) => seen.push(`pmessage ${pat} ${ch} ${msg}`));
      sub.on('smessage', (ch: string, msg: string) => seen.push(`smessage ${ch} ${msg}`));
      trace.push(`subscribe ${await sub.subscribe('news', 'sport')}`);
      trace.push(`psubscribe ${await sub.psubscribe('n*')}`);
      trace.push(`ssubscribe ${await sub.ssubscribe('shard')}`);
      for (const [ch, msg] of [['news', 'a'], ['sport', 'b'], ['nope', 'c']]) trace.push(`publish ${ch} ${await pub.publish(ch, msg)}`);
      trace.push(`spublish ${await pub.spublish('shard', 'd')}`);
      trace.push(`numsub ${JSON.stringify(await pub.pubsub('NUMSUB', 'news', 'sport'))}`);
      await waitFor(() => seen.length >= 5);
      trace.push(`unsubscribe ${await sub.unsubscribe('news')}`);
      trace.push(`publish news ${await pub.publish('news', 'e')}`);
      await waitFor(() => seen.length >= 6);
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
    return [...trace, '-- subscriber saw:', ...seen];
  });
});

for (const RESP of [2, 3] as const) {
  test(`node-redis RESP${RESP}: channel, pattern and shard subscriptions; keyspace notifications`, async () => {
    await sameOnBoth(async (server) => {
      const trace: string[] = [];
      const seen: string[] = [];
      const client = createClient({ url: `redis://127.0.0.1:${server.port}`, RESP });
      const sub = client.duplicate();
      await client.connect();
      await sub.connect();
      try {
        await sub.subscribe('jobs', (msg, ch) => void seen.push(`message ${ch} ${msg}`));
        await sub.pSubscribe('job*', (msg, ch) => void seen.push(`pmessage ${ch} ${msg}`));
        await sub.sSubscribe('orders', (msg, ch) => void seen.push(`smessage ${ch} ${msg}`));
        trace.push(`publish ${await client.publish('jobs', 'j1')}`);
        trace.push(`spublish ${await client.sPublish('orders', 'o1')}`);
        await waitFor(() => seen.length >= 3);
        await client.configSet('notify-keyspace-events', 'KEA');
        await sub.subscribe('__keyevent@0__:set', (key, ch) => void seen.push(`event ${ch} ${key}`));
        await sub.pSubscribe('__keyspace@0__:user*', (event, ch) => void seen.push(`keyspace ${ch} ${event}`));
        await client.set('user:1', 'x');
        await client.hSet('user:2', 'f', 'v');
        await client.del('user:1');
        await waitFor(() => seen.length >= 7);
        await sub.unsubscribe(['jobs', '__keyevent@0__:set']);
        await sub.pUnsubscribe(['job*', '__keyspace@0__:user*']);
        await sub.sUnsubscribe('orders');
        trace.push(`after ${await client.publish('jobs', 'j2')}`);
        await client.configSet('notify-keyspace-events', '');
      } finally {
        await sub.quit();
        await client.quit();
      }
      return [...trace, '-- subscriber saw:', ...seen];
    });
  });
}

test('transactions: ioredis multi/exec and watch; node-redis multi/exec and WatchError', async () => {
  await sameOnBoth(async (server) => {
    const trace: string[] = [];
    const io = new Redis({ port: server.port, lazyConnect: true });
    const other = new Redis({ port: server.port, lazyConnect: true });
    await io.connect();
    await other.connect();
    const nr = createClient({ url: `redis://127.0.0.1:${server.port}` });
    await nr.connect();
    try {
      await io.flushall();
      trace.push(JSON.stringify(await io.multi().set('a', '1').incr('a').get('a').lpush('l', 'x').exec()));
      trace.push(JSON.stringify(await io.multi().set('s', 'str').incr('s').set('b', '2').exec()));
      await io.watch('a');
      await other.set('a', 'changed');
      trace.push(`watched ${JSON.stringify(await io.multi().set('a', 'mine').exec())} ${await io.get('a')}`);
      await io.watch('a');
      trace.push(`unchanged ${JSON.stringify(await io.multi().set('a', 'mine').exec())}`);
      trace.push(JSON.stringify(await nr.multi().set('n', '1').incrBy('n', 4).get('n').exec()));
      const watcher = nr.duplicate();
      await watcher.connect();
      // A dedicated connection holds the WATCH (node-redis v5 has no executeIsolated).
      await watcher.watch('w');
      await nr.set('w', 'other');
      try {
        await watcher.multi().set('w', 'mine').exec();
        trace.push('exec succeeded');
      } catch (err) {
        trace.push(`exec failed: ${(err as Error).constructor.name}`);
      }
      trace.push(`w=${await nr.get('w')}`);
      await watcher.quit();
    } finally {
      io.disconnect();
      other.disconnect();
      await nr.quit();
    }
    return trace;
  });
});

test.run();
