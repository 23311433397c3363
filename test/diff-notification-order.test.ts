/**
 * The order in which keyspace notifications, pub/sub messages, invalidations and replies reach
 * each connection, against real redis-server 7.0, in RESP2 and RESP3: a notification is published
 * the moment the command emits it, so it comes before a message published after it (in a script,
 * in MULTI/EXEC, in a pipeline), and a RESP3 client that listens to the keys it changes gets the
 * push in its reply stream where Redis writes it (before SET's reply, after LPUSH's).
 */
import { test } from 'uvu';
import type { Cmd } from './support/diff';
import { checkStreams, type StreamStep } from './support/streams';
import { usePair } from './support/harness';

const p = usePair(test, [], ['--enable-debug-command', 'yes']);

const SET_THEN_PUBLISH = "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('PUBLISH', 'ch', ARGV[1])";
const PUBLISH_THEN_SET = "redis.call('PUBLISH', 'ch', ARGV[1]); return redis.call('SET', KEYS[1], ARGV[1])";

const config = (classes: string): StreamStep => [1, ['CONFIG', 'SET', 'notify-keyspace-events', classes]];

test('a script: SET then PUBLISH reaches a subscriber of both in command order', async () => {
  await checkStreams(p(), 3, [
    config('KEA'),
    [0, ['SUBSCRIBE', '__keyspace@0__:k', 'ch']],
    [2, ['PSUBSCRIBE', '__keyevent@0__:*', 'c*']],
    [1, ['EVAL', SET_THEN_PUBLISH, '1', 'k', 'v1']],
    [1, ['EVAL', PUBLISH_THEN_SET, '1', 'k', 'v2']],
    [1, ['EVAL', "redis.call('LPUSH', KEYS[1], 'a'); redis.call('PUBLISH', 'ch', 'x'); redis.call('DEL', KEYS[1]); return 1", '1', 'l']],
    [1, ['EVAL', "redis.call('SET', KEYS[1], 'x'); redis.call('SPUBLISH', 'ch', 'y'); return redis.call('PUBLISH', 'ch', 'z')", '1', 'k']],
  ], 'script');
});

test('a script past busy-reply-threshold: its notification and message still in command order', async () => {
  // Busy for ~200 ms (the server runs it in slices meanwhile), then SET and PUBLISH.
  const busy =
    "local t = redis.call('TIME'); local start = t[1] * 1000000 + t[2]; repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start > 200000; " +
    SET_THEN_PUBLISH;
  await checkStreams(p(), 2, [
    config('KEA'),
    [1, ['CONFIG', 'SET', 'busy-reply-threshold', '50']],
    [0, ['SUBSCRIBE', '__keyspace@0__:k', 'ch']],
    [1, ['EVAL', busy, '1', 'k', 'slow']],
    [1, ['CONFIG', 'SET', 'busy-reply-threshold', '5000']],
  ], 'busy');
});

test('MULTI/EXEC and pipelines mixing SET and PUBLISH', async () => {
  await checkStreams(p(), 3, [
    config('KEA'),
    [0, ['SUBSCRIBE', '__keyspace@0__:k', 'ch', '__keyevent@0__:set']],
    [2, ['PSUBSCRIBE', '*']],
    [1, [['MULTI'], ['SET', 'k', '1'], ['PUBLISH', 'ch', 'a'], ['SET', 'k', '2'], ['PUBLISH', 'ch', 'b'], ['EXEC']]],
    [1, [['SET', 'k', '3'], ['PUBLISH', 'ch', 'c'], ['INCR', 'k'], ['PUBLISH', 'ch', 'd'], ['SET', 'k', '5'], ['DEL', 'k'], ['PUBLISH', 'ch', 'e']]],
    [1, [['PUBLISH', 'ch', 'f'], ['SET', 'k', '6'], ['SET', 'k', '7'], ['PUBLISH', 'ch', 'g']]],
  ], 'multi-pipeline');
});

test("a client subscribed to its own keys' notifications (RESP3: pushes around its replies)", async () => {
  const own: Cmd[] = [
    ['SET', 'k', 'v'], ['LPUSH', 'l', 'a', 'b'], ['RPOP', 'l'], ['INCR', 'n'], ['DEL', 'k', 'n'], ['HSET', 'h', 'f', 'v'], ['SADD', 's', 'x'],
    ['ZADD', 'z', '1', 'm'], ['EXPIRE', 'h', '100'], ['RENAME', 'h', 'h2'], ['XADD', 'x', '1-1', 'f', 'v'], ['GETDEL', 'z'], ['GET', 'missing'],
    ['EVAL', SET_THEN_PUBLISH, '1', 'k', 'v'], ['PUBLISH', 'ch', 'direct'],
  ];
  await checkStreams(p(), 2, [
    config('KEA'),
    [0, ['PSUBSCRIBE', '__key*__:*']],
    [0, ['SUBSCRIBE', 'ch']],
    ...own.map((c): StreamStep => [0, c]),
    [0, own],
    [0, [['MULTI'], ['SET', 'k', '1'], ['PUBLISH', 'ch', 'm'], ['LPUSH', 'l', 'x'], ['EXEC']]],
    [1, [['SET', 'k', 'other'], ['PUBLISH', 'ch', 'other']]],
    config('KEAm'),
    [0, [['GET', 'nothing'], ['SET', 'k', 'v']]],
  ], 'own-keys');
});

test('a blocked client subscribed to its own keys, served by another client', async () => {
  await checkStreams(p(), 2, [
    config('KEA'),
    [0, ['PSUBSCRIBE', '__key*__:*']],
    [0, ['BLPOP', 'wait', '0']],
    [1, ['RPUSH', 'wait', 'a', 'b']],
    [0, ['BLMOVE', 'wait2', 'dst', 'LEFT', 'RIGHT', '0']],
    [1, [['MULTI'], ['LPUSH', 'wait2', 'x'], ['PUBLISH', '__keyspace@0__:wait2', 'hi'], ['EXEC']]],
    [0, ['BZPOPMIN', 'z', '0']],
    [1, ['ZADD', 'z', '1', 'm']],
  ], 'blocked', [3]);
});

test('expiry by the active cycle and by access, seen by a RESP3 accessor', async () => {
  await checkStreams(p(), 2, [
    config('KEA'),
    [0, ['PSUBSCRIBE', '__key*__:*']],
    [1, ['DEBUG', 'SET-ACTIVE-EXPIRE', '0']],
    [0, ['SET', 'e1', 'v', 'PX', '20']],
    60,
    [0, ['GET', 'e1']],
    [1, ['DEBUG', 'SET-ACTIVE-EXPIRE', '1']],
    // Long enough not to expire within this step's window on either server (both run the active
    // cycle at hz 10); the pause lets it.
    [1, ['SET', 'e2', 'v', 'PX', '150']],
    600,
    [0, ['PING']],
  ], 'expiry');
});

// Redis sends an invalidation when the key changes (before the command's notification), but defers
// the one for the running client's own write until after its reply (7.0.15).
test('tracking invalidations next to notifications and messages (RESP3)', async () => {
  await checkStreams(p(), 2, [
    config('KEA'),
    [0, ['CLIENT', 'TRACKING', 'on']],
    [0, ['SUBSCRIBE', '__keyspace@0__:a']],
    [0, ['GET', 'a']],
    [0, ['SET', 'a', '1']],
    [0, ['GET', 'a']],
    [0, [['SET', 'a', '2'], ['GET', 'a'], ['SET', 'a', '3']]],
    [0, ['GET', 'a']],
    [0, ['EVAL', "redis.call('SET', KEYS[1], 'x'); return redis.call('PUBLISH', '__keyspace@0__:a', 'hi')", '1', 'a']],
    [0, ['GET', 'a']],
    [1, ['SET', 'a', 'other']],
    [0, ['SUBSCRIBE', 'ch', '__keyspace@0__:b']],
    [0, ['MGET', 'a', 'b']],
    [1, ['MSET', 'b', '1', 'a', '1']],
    [0, ['MGET', 'a', 'b']],
    [1, [['SET', 'a', '2'], ['PUBLISH', 'ch', 'after-a'], ['SET', 'b', '2']]],
    [0, ['MGET', 'a', 'b']],
    [1, ['EVAL', "redis.call('SET', 'b', 'x'); redis.call('PUBLISH', 'ch', 'mid'); return redis.call('DEL', 'a')", '0']],
    [0, ['GET', 'a']],
    [1, [['MULTI'], ['PUBLISH', 'ch', 'first'], ['SET', 'a', '3'], ['PUBLISH', 'ch', 'then'], ['EXEC']]],
    [0, ['GET', 'b']],
    [0, [['SET', 'b', 'mine'], ['PUBLISH', 'ch', 'own']]],
    [0, ['MGET', 'a', 'b']],
    [1, ['FLUSHALL']],
    [0, ['CLIENT', 'TRACKING', 'off']],
    [1, ['SET', 'b', 'untracked']],
  ], 'tracking', [3]);
});

test.run();
