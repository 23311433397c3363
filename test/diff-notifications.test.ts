/**
 * Keyspace notifications against real redis-server 7.0: a subscriber to every keyspace/keyevent
 * channel watches the whole stream while another connection runs commands of every family, and the
 * bytes it receives must be identical (event names, order, channels, RESP2 and RESP3). Also:
 * notify-keyspace-events parsing and canonical CONFIG GET form, class filtering, new and keymiss
 * events, expiry (lazy and active), blocked clients served by a push, and MULTI/EXEC.
 */
import { test } from 'uvu';
import type { Cmd } from './support/diff';
import { checkStreams, type StreamStep } from './support/streams';
import { usePair } from './support/harness';

// DEBUG SET-ACTIVE-EXPIRE (lazy expiry checks) is refused by default in Redis 7.0.
const p = usePair(test, [], ['--enable-debug-command', 'yes']);

/** conn 0 subscribes to every notification channel; conn 1 runs `cmds`; returns the steps. */
function watched(cmds: Cmd[], classes = 'KEA'): StreamStep[] {
  return [[1, ['CONFIG', 'SET', 'notify-keyspace-events', classes]], [0, ['PSUBSCRIBE', '__key*__:*']], ...cmds.map((c): StreamStep => [1, c])];
}

/**
 * RESP3 only: the one connection subscribes to every notification channel, so that each push lands in
 * its own reply stream where the command emits it (before SET's reply, after LPUSH's, ...).
 */
function selfWatched(cmds: readonly Cmd[]): StreamStep[] {
  return [[0, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']], [0, ['PSUBSCRIBE', '__key*__:*']], ...cmds.map((c): StreamStep => [0, c])];
}

const STRINGS_AND_GENERIC: Cmd[] = [
  ['SET', 'k', 'v'], ['SET', 'k', 'v2', 'EX', '100'], ['SET', 'k', 'v3', 'KEEPTTL'], ['SET', 'k', 'x', 'NX'], ['SET', 'nx', 'x', 'XX'],
  ['SET', 'k', 'v', 'GET'], ['SETNX', 'k', 'z'], ['SETNX', 'k2', 'z'], ['SETEX', 'se', '100', 'v'], ['PSETEX', 'pse', '100000', 'v'],
  ['GETSET', 'k', 'new'], ['GETDEL', 'k2'], ['GETDEL', 'k2'], ['GETEX', 'k', 'EX', '50'], ['GETEX', 'k', 'PERSIST'], ['GETEX', 'k', 'PERSIST'],
  ['GETEX', 'k', 'PXAT', '1'], ['MSET', 'a', '1', 'b', '2'], ['MSETNX', 'c', '3', 'd', '4'], ['MSETNX', 'c', '3', 'e', '5'],
  ['APPEND', 'a', 'x'], ['APPEND', 'fresh', 'y'], ['APPEND', 'a', ''], ['SETRANGE', 'a', '5', 'zz'], ['SETRANGE', 'a', '0', ''], ['SETRANGE', 'nope', '0', ''],
  ['INCR', 'n'], ['DECR', 'n'], ['INCRBY', 'n', '5'], ['DECRBY', 'n', '2'], ['INCRBYFLOAT', 'n', '1.5'], ['INCR', 'a'],
  ['DEL', 'a', 'b', 'missing'], ['UNLINK', 'c'], ['EXISTS', 'd'], ['GET', 'missing'],
  ['EXPIRE', 'd', '100'], ['PEXPIRE', 'd', '100000', 'NX'], ['EXPIRE', 'd', '200', 'GT'], ['EXPIREAT', 'd', '4000000000'], ['PEXPIREAT', 'd', '1'],
  ['SET', 'p', '1', 'EX', '100'], ['PERSIST', 'p'], ['PERSIST', 'p'], ['EXPIRE', 'missing', '1'],
  ['RENAME', 'p', 'q'], ['SET', 'r', '1'], ['RENAME', 'q', 'r'], ['RENAMENX', 'r', 'q'], ['SET', 'q', '2'], ['RENAMENX', 'r', 'q'], ['RENAME', 'r', 'r'],
  ['MOVE', 'q', '3'], ['MOVE', 'r', '3'], ['SELECT', '3'], ['COPY', 'q', 'q2'], ['COPY', 'q', 'q2'], ['COPY', 'q', 'q2', 'REPLACE'], ['COPY', 'q', 'q', 'DB', '0'],
  ['SELECT', '0'], ['TOUCH', 'q'], ['FLUSHDB'], ['SET', 'x', '1'], ['FLUSHALL'], ['SWAPDB', '0', '1'],
];

const LISTS: Cmd[] = [
  ['LPUSH', 'l', 'a', 'b'], ['RPUSH', 'l', 'c'], ['LPUSHX', 'nol', 'x'], ['RPUSHX', 'l', 'd'], ['LINSERT', 'l', 'BEFORE', 'a', 'z'], ['LINSERT', 'l', 'BEFORE', 'none', 'z'],
  ['LSET', 'l', '0', 'y'], ['LREM', 'l', '0', 'nothing'], ['LREM', 'l', '1', 'y'], ['LTRIM', 'l', '0', '-1'], ['LTRIM', 'l', '1', '2'], ['LPOP', 'l'], ['RPOP', 'l', '5'],
  ['RPUSH', 'src', '1', '2'], ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'], ['RPOPLPUSH', 'src', 'dst'], ['LMOVE', 'dst', 'dst', 'LEFT', 'LEFT'],
  ['LMPOP', '2', 'none', 'dst', 'RIGHT', 'COUNT', '1'], ['RPUSH', 'l', 'a', 'b', 'c'], ['LTRIM', 'l', '5', '6'], ['RPUSH', 'l', 'a'], ['LPOP', 'l', '0'],
  ['SORT', 'l', 'ALPHA', 'STORE', 'sorted'], ['SORT', 'nothing', 'STORE', 'sorted'], ['BLPOP', 'l', '0'],
];

const COLLECTIONS: Cmd[] = [
  ['HSET', 'h', 'a', '1', 'b', '2'], ['HSET', 'h', 'a', '1'], ['HMSET', 'h', 'c', '3'], ['HSETNX', 'h', 'a', 'x'], ['HSETNX', 'h', 'd', '4'], ['HINCRBY', 'h', 'n', '5'],
  ['HINCRBYFLOAT', 'h', 'f', '1.5'], ['HDEL', 'h', 'zz'], ['HDEL', 'h', 'a', 'b'], ['HDEL', 'h', 'c', 'd', 'n', 'f'],
  ['SADD', 's', 'a', 'b', 'c'], ['SADD', 's', 'a'], ['SREM', 's', 'zz'], ['SREM', 's', 'a'], ['SMOVE', 's', 't', 'b'], ['SMOVE', 's', 't', 'zz'], ['SADD', 't', 'c'],
  ['SMOVE', 's', 't', 'c'], ['SADD', 'u', '1'], ['SMOVE', 'u', 'u', '1'], ['SPOP', 'u'], ['SADD', 'u', '1', '2', '3'], ['SPOP', 'u', '0'], ['SPOP', 'u', '5'], ['SPOP', 'nothing', '2'],
  ['SADD', 'v', '1', '2'], ['SADD', 'w', '2', '3'], ['SINTERSTORE', 'x', 'v', 'w'], ['SUNIONSTORE', 'x', 'v', 'w'], ['SDIFFSTORE', 'x', 'v', 'v'], ['SINTERSTORE', 'x', 'v', 'missing'],
  ['SDIFFSTORE', 'y', 'v', 'w'], ['SINTERSTORE', 'y', 'v', 'missing'],
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['ZADD', 'z', '1', 'a'], ['ZADD', 'z', 'XX', 'CH', '5', 'a'], ['ZADD', 'z', 'INCR', '1', 'a'], ['ZINCRBY', 'z', '1', 'new'],
  ['ZADD', 'z', 'NX', '1', 'a'], ['ZADD', 'nz', 'XX', '1', 'a'], ['ZREM', 'z', 'zz'], ['ZREM', 'z', 'new'], ['ZREMRANGEBYRANK', 'z', '0', '0'], ['ZREMRANGEBYSCORE', 'z', '10', '20'],
  ['ZADD', 'z', '0', 'x', '0', 'y'], ['ZREMRANGEBYLEX', 'z', '[x', '[x'], ['ZRANGESTORE', 'zs', 'z', '0', '-1'], ['ZRANGESTORE', 'zs', 'z', '5', '6'],
  ['ZUNIONSTORE', 'zu', '2', 'z', 'missing'], ['ZINTERSTORE', 'zi', '2', 'z', 'missing'], ['ZDIFFSTORE', 'zd', '1', 'z'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', '2'], ['ZPOPMIN', 'z', '5'],
  ['ZADD', 'z', '1', 'a'], ['ZMPOP', '1', 'z', 'MAX'], ['ZPOPMIN', 'nothing'],
];

test('CONFIG SET/GET notify-keyspace-events: canonical form and errors', async () => {
  const steps: StreamStep[] = [];
  for (const v of ['KEA', 'AKE', 'AnKEm', 'g$nK', 'Ad', 'Elshzxetdgm$', 'E', '', 'KEA', 'Q', 'KEAx!', 'n']) {
    steps.push([0, ['CONFIG', 'SET', 'notify-keyspace-events', v]], [0, ['CONFIG', 'GET', 'notify-keyspace-events']]);
  }
  await checkStreams(p(), 1, steps, 'config');
});

test('strings and generic commands', async () => {
  await checkStreams(p(), 2, watched(STRINGS_AND_GENERIC), 'strings');
});

test('lists, including blocking pops served by a push and LMOVE', async () => {
  await checkStreams(p(), 3, [
    ...watched(LISTS),
    [2, ['BLPOP', 'wait', '0']], [1, ['RPUSH', 'wait', 'w1']], [2, ['BRPOPLPUSH', 'wait', 'moved', '0']], [1, ['LPUSH', 'wait', 'w2', 'w3']], [1, ['LLEN', 'wait']],
    [2, ['BLMOVE', 'wait2', 'moved', 'RIGHT', 'LEFT', '0']], [1, ['MULTI']], [1, ['LPUSH', 'wait2', 'm']], [1, ['LPUSH', 'wait2', 'n']], [1, ['EXEC']],
  ], 'lists');
});

test('hashes, sets, sorted sets', async () => {
  await checkStreams(p(), 3, [
    ...watched(COLLECTIONS),
    [2, ['BZPOPMIN', 'bz', '0']], [1, ['ZADD', 'bz', '1', 'a', '2', 'b']], [2, ['BZMPOP', '0', '1', 'bz', 'MAX', 'COUNT', '5']], [1, ['ZCARD', 'bz']],
  ], 'collections');
});

const STREAMS: Cmd[] = [
  ['XADD', 'x', '1-1', 'f', 'v'], ['XADD', 'x', 'MAXLEN', '1', '2-1', 'f', 'v'], ['XADD', 'x', '3-1', 'f', 'v'], ['XDEL', 'x', '1-1', '3-1'], ['XDEL', 'x', '9-9'],
  ['XTRIM', 'x', 'MAXLEN', '0'], ['XSETID', 'x', '10-1'], ['XGROUP', 'CREATE', 'x', 'g', '$'], ['XGROUP', 'CREATE', 'y', 'g', '$', 'MKSTREAM'],
  ['XGROUP', 'CREATECONSUMER', 'x', 'g', 'c'], ['XGROUP', 'SETID', 'x', 'g', '0'], ['XADD', 'x', '11-1', 'f', 'v'], ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 'x', '>'],
  ['XGROUP', 'DELCONSUMER', 'x', 'g', 'c'], ['XGROUP', 'DESTROY', 'x', 'g'], ['DEL', 'x', 'y'],
];

// A RESP3 client subscribed to its own changes: pushes where Redis writes them around its replies.
for (const [family, cmds] of [['strings', STRINGS_AND_GENERIC], ['lists', LISTS.slice(0, -1)], ['collections', COLLECTIONS], ['streams', STREAMS]] as const) {
  test(`own changes seen in the reply stream (RESP3): ${family}`, async () => {
    await checkStreams(p(), 1, selfWatched(cmds), `own ${family}`, [3]);
  });
}

test('class filtering, keyspace-only and keyevent-only, new and keymiss', async () => {
  await checkStreams(p(), 2, [
    ...watched([['SET', 'a', '1'], ['LPUSH', 'l', 'x'], ['DEL', 'a'], ['HSET', 'h', 'f', 'v'], ['GET', 'nothing']], 'K$'),
    [1, ['CONFIG', 'SET', 'notify-keyspace-events', 'Elg']], [1, ['SET', 'a', '1']], [1, ['RPUSH', 'l', 'y']], [1, ['DEL', 'a', 'l']],
    [1, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEn']], [1, ['SET', 'b', '1']], [1, ['SET', 'b', '2']], [1, ['RPUSH', 'l2', 'y']], [1, ['COPY', 'b', 'c']], [1, ['RENAME', 'c', 'd']],
    [1, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEm']], [1, ['GET', 'missing']], [1, ['EXISTS', 'missing']], [1, ['TTL', 'missing']], [1, ['OBJECT', 'ENCODING', 'missing']],
    [1, ['MGET', 'b', 'missing', 'x']], [1, ['LRANGE', 'nolist', '0', '-1']], [1, ['SET', 'w', 'x']], [1, ['SET', 'missing2', 'x', 'GET']], [1, ['TYPE', 'nothing']],
    [1, ['CONFIG', 'SET', 'notify-keyspace-events', 'gl']], [1, ['SET', 'silent', '1']], [1, ['DEL', 'silent']],
    [1, ['CONFIG', 'SET', 'notify-keyspace-events', '']], [1, ['SET', 'silent', '1']],
  ], 'classes');
});

test('expired events: lazy access and the active cycle', async () => {
  await checkStreams(p(), 2, watched([
    ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ['SET', 'e1', 'v', 'PX', '20'], ['SET', 'e2', 'v', 'PX', '20'], ['HSET', 'e3', 'f', 'v'], ['PEXPIRE', 'e3', '20'],
  ]).concat([80, [1, ['GET', 'e1']], [1, ['EXISTS', 'e2']], [1, ['HGET', 'e3', 'f']], [1, ['DEBUG', 'SET-ACTIVE-EXPIRE', '1']],
    [1, ['SET', 'e4', 'v', 'PX', '30']], 600, [1, ['PING']]]), 'expiry');
});

test('notifications go to every subscriber, in both protocols, with sharded channels apart', async () => {
  await checkStreams(p(), 3, [
    [1, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']], [0, ['SUBSCRIBE', '__keyspace@0__:k']], [2, ['SUBSCRIBE', '__keyevent@0__:set', '__keyevent@0__:del']],
    [1, ['SET', 'k', '1']], [1, ['SET', 'other', '1']], [1, ['DEL', 'k', 'other']], [1, ['SELECT', '5']], [1, ['SET', 'k', '1']], [1, ['PUBSUB', 'NUMSUB', '__keyspace@0__:k']],
  ], 'subscribers');
});

test.run();
