/**
 * Applications built on Lua scripts, run unmodified against redis-server and RustyPotato with the
 * same code: rate-limiter-flexible's RateLimiterRedis (its consume is an EVAL/EVALSHA script)
 * must give the same sequence of allowed and limited requests, and redlock's contenders the same
 * outcomes (mutual exclusion, expiry, extension); both must really have gone through the scripting
 * commands. (redlock 5.0.0-beta.2: the 4.x line does not work with ioredis 6 even against
 * redis-server; the 5 beta calls evalsha/eval through ioredis's promise API and does.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Redis from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import Redlock, { ExecutionError } from 'redlock';
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How an acquisition attempt ended: 'locked' or the error's class. */
async function attempt(redlock: Redlock, resources: string[], ms: number): Promise<string> {
  try {
    const lock = await redlock.acquire(resources, ms);
    await lock.release();
    return 'locked';
  } catch (e) {
    return e instanceof ExecutionError ? 'refused' : `error ${(e as Error).message}`;
  }
}

async function redlockTrace(server: ServerHandle): Promise<string[]> {
  const clients = Array.from({ length: 5 }, () => new Redis({ port: server.port, lazyConnect: true }));
  await Promise.all(clients.map((c) => c.connect()));
  try {
    await clients[0].flushall();
    await clients[0].config('RESETSTAT');
    const trace: string[] = [];
    // Five contenders, ten rounds each, over one resource: the critical section reads, waits and
    // writes a counter (a lost update would show a broken lock) and checks nobody else is inside.
    const patient = { retryCount: 400, retryDelay: 5, retryJitter: 5 };
    let inside = 0;
    let overlaps = 0;
    let acquired = 0;
    await Promise.all(
      clients.map(async (client) => {
        const redlock = new Redlock([client], patient);
        for (let round = 0; round < 10; round++) {
          const lock = await redlock.acquire(['shared'], 2000);
          if (inside++ !== 0) overlaps++;
          acquired++;
          const value = Number((await client.get('counter')) ?? '0');
          await sleep(1);
          await client.set('counter', String(value + 1));
          inside--;
          await lock.release();
        }
      }),
    );
    trace.push(`acquired ${acquired} overlaps ${overlaps} counter ${await clients[0].get('counter')}`);

    const [a, b, c] = clients.map((client) => new Redlock([client], { retryCount: 0 }));
    // A lock that is not released expires: refused before, granted after.
    await a.acquire(['expiring'], 200);
    trace.push(`while held: ${await attempt(b, ['expiring'], 200)}`);
    await sleep(350);
    trace.push(`after expiry: ${await attempt(b, ['expiring'], 200)}`);
    // Extending keeps it past the first duration.
    const held = await a.acquire(['extended'], 300);
    const extended = await held.extend(1500);
    trace.push(`extended later: ${extended.expiration > held.expiration}`);
    await sleep(500);
    trace.push(`past the first duration: ${await attempt(b, ['extended'], 200)}`);
    await extended.release();
    trace.push(`after release: ${await attempt(b, ['extended'], 200)}`);
    // Several resources at once: all or none.
    const pair = await a.acquire(['r1', 'r2'], 1000);
    trace.push(`overlapping set: ${await attempt(b, ['r2', 'r3'], 200)}`);
    trace.push(`disjoint set: ${await attempt(c, ['r3'], 200)}`);
    trace.push(`r3 free again: ${await attempt(b, ['r3'], 200)}`);
    await pair.release();
    trace.push(`after pair release: ${await attempt(b, ['r2', 'r3'], 200)}`);
    // A stale lock (its value no longer matches) cannot be released or extended by its old holder.
    const stale = await a.acquire(['stale'], 150);
    await sleep(250);
    await b.acquire(['stale'], 2000);
    trace.push(`stale extend: ${await stale.extend(1000).then(() => 'extended', (e) => (e instanceof ExecutionError ? 'refused' : 'error'))}`);
    trace.push(`other holder kept it: ${await attempt(c, ['stale'], 200)}`);
    const stats = (await clients[0].info('commandstats')) as string;
    trace.push(`scripts used ${/cmdstat_eval(sha)?:calls=[1-9]/.test(stats)}`);
    return trace;
  } finally {
    for (const client of clients) client.disconnect();
  }
}

test('redlock: contenders exclude each other, locks expire, extend works, as on redis-server', async () => {
  const pair = p();
  const expected = await redlockTrace(pair.oracle);
  const actual = await redlockTrace(pair.candidate);
  assert.ok(expected.includes('scripts used true'), expected.join('\n'));
  assert.ok(expected[0] === 'acquired 50 overlaps 0 counter 50', expected.join('\n'));
  assert.equal(actual, expected);
});

test.run();
