/**
 * Applications built on Lua scripts, run unmodified against redis-server and RustyPotato with the
 * same code: rate-limiter-flexible's RateLimiterRedis (its consume is an EVAL/EVALSHA script)
 * must give the same sequence of allowed and limited requests, and must really have gone through
 * the scripting commands.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Redis from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { usePair } from './support/harness';
import type { ServerHandle } from './support/servers';

const p = usePair(test);

async function limiterTrace(server: ServerHandle): Promise<string[]> {
  const client = new Redis({ port: server.port, lazyConnect: true });
  await client.connect();
  try {
    await client.flushall();
    await client.config('RESETSTAT');
    const limiter = new RateLimiterRedis({ storeClient: client, points: 5, duration: 10, keyPrefix: 'rl' });
    const trace: string[] = [];
    for (const user of ['alice', 'alice', 'bob', 'alice', 'alice', 'alice', 'alice', 'bob']) {
      try {
        const r = await limiter.consume(user);
        trace.push(`${user} ok ${r.remainingPoints} ${r.consumedPoints}`);
      } catch (r) {
        const res = r as { remainingPoints?: number; consumedPoints?: number; msBeforeNext?: number };
        trace.push(`${user} limited ${res.remainingPoints} ${res.consumedPoints} ${(res.msBeforeNext ?? 0) > 0}`);
      }
    }
    const penalty = await limiter.penalty('bob', 2);
    trace.push(`bob penalty ${penalty.consumedPoints}`);
    const reward = await limiter.reward('alice', 3);
    trace.push(`alice reward ${reward.consumedPoints}`);
    trace.push(`ttl set ${(await client.pttl('rl:alice')) > 0}`);
    const stats = (await client.info('commandstats')) as string;
    trace.push(`scripts used ${/cmdstat_eval(sha)?:calls=[1-9]/.test(stats)}`);
    return trace;
  } finally {
    client.disconnect();
  }
}

test('rate-limiter-flexible (RateLimiterRedis): same decisions as on redis-server, through EVAL', async () => {
  const pair = p();
  const expected = await limiterTrace(pair.oracle);
  const actual = await limiterTrace(pair.candidate);
  assert.ok(expected.includes('scripts used true'), expected.join('\n'));
  assert.equal(actual, expected);
});

test.run();
