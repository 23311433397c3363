/**
 * Transactions against real redis-server 7.0: MULTI/EXEC/DISCARD queueing and its errors
 * (EXECABORT, nesting, no-multi commands), run-time errors inside EXEC, blocking commands inside
 * MULTI, WATCH invalidated by this or another connection, by expiry, FLUSHALL/FLUSHDB/SWAPDB,
 * RENAME and MOVE; random sequences; and the AOF records of a transaction (MULTI ... EXEC, replayed
 * on restart). Every scripted check runs in RESP2 and RESP3 (an aborted EXEC is `*-1` / `_`), one
 * command at a time and pipelined.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Cmd, DiffSession, clientFields } from './support/diff';
import { checkScript, reportError, usePair } from './support/harness';
import { escapeBytes, formatCommand } from './support/resp';
import { Rng } from './support/random';
import { generate } from './support/generators';
import { call, dumpDataset, withConn } from './support/dataset';
import { ServerPair, sleep, startCandidate } from './support/servers';

// DEBUG SET-ACTIVE-EXPIRE (expiry tests) is refused by default in Redis 7.0.
const p = usePair(test, [], ['--enable-debug-command', 'yes']);

test('MULTI/EXEC/DISCARD: queueing, replies, errors outside MULTI', async () => {
  const cmds: Cmd[] = [
    ['EXEC'], ['DISCARD'], ['MULTI', 'x'], ['EXEC', 'x'],
    ['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['GET', 'a'], ['LPUSH', 'l', 'x', 'y'], ['LRANGE', 'l', '0', '-1'], ['PING'], ['ECHO', 'e'], ['EXEC'],
    ['GET', 'a'], ['MULTI'], ['EXEC'], ['MULTI'], ['SET', 'a', 'discarded'], ['DISCARD'], ['GET', 'a'],
    ['MULTI'], ['MULTI'], ['SET', 'n', '1'], ['EXEC'], ['GET', 'n'],
    ['MULTI'], ['WATCH', 'a'], ['SET', 'w', '1'], ['EXEC'],
    ['MULTI'], ['SELECT', '2'], ['SET', 'in2', 'v'], ['SELECT', '0'], ['EXEC'], ['GET', 'in2'], ['SELECT', '2'], ['GET', 'in2'], ['FLUSHDB'], ['SELECT', '0'],
    ['MULTI'], ['SELECT', '3'], ['SET', 'in3', 'v'], ['EXEC'], ['GET', 'in3'], ['SELECT', '0'],
    ['MULTI'], ['HSET', 'h', 'f', 'v'], ['HGETALL', 'h'], ['ZADD', 'z', '1', 'm', '2', 'n'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['SADD', 's', 'a'], ['SMEMBERS', 's'], ['EXEC'],
    ['MULTI'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'tx'], ['CLIENT', 'GETNAME'], ['EXEC'],
    ['MULTI'], ['DEBUGX'], ['DISCARD'], ['MULTI'], ['UNWATCH'], ['EXEC'], ['MULTI'], ['RESET'], ['EXEC'], ['PING'],
    ['MULTI'], ['OBJECT', 'ENCODING', 'a'], ['TYPE', 'l'], ['EXISTS', 'a', 'l', 'zz'], ['EXEC'],
  ];
  await checkScript(p(), cmds);
});

test('queue-time errors make EXEC answer EXECABORT; run-time errors are elements of the reply', async () => {
  const cmds: Cmd[] = [
    ['MULTI'], ['SET', 'a', '1'], ['NOSUCHCOMMAND', 'x'], ['SET', 'b', '2'], ['EXEC'], ['EXISTS', 'a', 'b'],
    ['MULTI'], ['GET'], ['EXEC'], ['MULTI'], ['OBJECT', 'nosuch'], ['EXEC'], ['MULTI'], ['SET', 'a'], ['INCR', 'a'], ['EXEC'],
    ['MULTI'], ['SAVE'], ['SET', 'a', '1'], ['EXEC'], ['GET', 'a'], ['MULTI'], ['SHUTDOWN'], ['DISCARD'],
    // A refused command and then DISCARD: the next transaction is clean.
    ['MULTI'], ['GET'], ['DISCARD'], ['MULTI'], ['SET', 'c', '3'], ['EXEC'], ['GET', 'c'],
    // Nested MULTI and WATCH inside MULTI do not abort the transaction.
    ['MULTI'], ['MULTI'], ['WATCH', 'x'], ['SET', 'd', '4'], ['EXEC'], ['GET', 'd'],
    // Run-time errors do not roll anything back.
    ['SET', 's', 'str'], ['MULTI'], ['INCR', 'c'], ['LPUSH', 's', 'x'], ['INCR', 's'], ['SET', 'e', '5'], ['HSET', 's', 'f', 'v'], ['INCRBY', 'c', 'notanumber'], ['EXEC'],
    ['GET', 'c'], ['GET', 'e'], ['GET', 's'],
    ['MULTI'], ['SET', 'x', '1', 'EX', '-5'], ['SET', 'y', '1'], ['EXEC'], ['EXISTS', 'x', 'y'],
  ];
  await checkScript(p(), cmds);
});

test('blocking commands inside MULTI answer as on timeout (or serve at once)', async () => {
  const cmds: Cmd[] = [
    ['MULTI'], ['BLPOP', 'l', '0'], ['BRPOP', 'l', 'l2', '0'], ['BLMOVE', 'l', 'd', 'LEFT', 'RIGHT', '0'], ['BRPOPLPUSH', 'l', 'd', '0'],
    ['BLMPOP', '0', '1', 'l', 'LEFT'], ['BZPOPMIN', 'z', '0'], ['BZPOPMAX', 'z', '0'], ['BZMPOP', '0', '1', 'z', 'MIN'], ['EXEC'],
    ['MULTI'], ['RPUSH', 'l', 'a', 'b', 'c'], ['BLPOP', 'l', '0'], ['BLMOVE', 'l', 'd', 'LEFT', 'RIGHT', '0'], ['BLMPOP', '0', '1', 'l', 'RIGHT', 'COUNT', '5'],
    ['BLPOP', 'l', '0'], ['ZADD', 'z', '1', 'a', '2', 'b'], ['BZPOPMIN', 'z', '0'], ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '3'], ['BZPOPMAX', 'z', '0'], ['EXEC'],
    ['LRANGE', 'd', '0', '-1'], ['SET', 'str', 'x'], ['MULTI'], ['BLPOP', 'str', '0'], ['BZPOPMIN', 'str', '0'], ['BLPOP', 'l', 'notatimeout'], ['BZPOPMIN', 'z', '-1'], ['EXEC'],
  ];
  await checkScript(p(), cmds);
});

test('WATCH on one connection: own modifications, UNWATCH, DISCARD, databases, whole-db operations', async () => {
  const cmds: Cmd[] = [
    ['WATCH'], ['SET', 'k', '1'], ['WATCH', 'k'], ['SET', 'k', '2'], ['MULTI'], ['GET', 'k'], ['EXEC'], ['GET', 'k'],
    ['WATCH', 'k'], ['GET', 'k'], ['MULTI'], ['INCR', 'k'], ['EXEC'], ['EXEC'],
    ['WATCH', 'k'], ['SET', 'k', '9'], ['UNWATCH'], ['MULTI'], ['INCR', 'k'], ['EXEC'],
    ['WATCH', 'k'], ['SET', 'k', '9'], ['MULTI'], ['DISCARD'], ['MULTI'], ['INCR', 'k'], ['EXEC'],
    ['WATCH', 'k'], ['MULTI'], ['SET', 'k', 'x'], ['NOSUCH'], ['EXEC'], ['GET', 'k'],
    // No-op writes do not touch: DEL of a missing key, SREM of a missing member, EXPIRE of a missing key.
    ['SADD', 's', 'a'], ['WATCH', 'missing', 's'], ['DEL', 'missing'], ['SREM', 's', 'zz'], ['EXPIRE', 'missing', '10'], ['PERSIST', 's'], ['MULTI'], ['PING'], ['EXEC'],
    // Modifications of every kind abort.
    ['WATCH', 's'], ['SADD', 's', 'b'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 's'], ['EXPIRE', 's', '100'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 's'], ['PERSIST', 's'], ['MULTI'], ['PING'], ['EXEC'],
    ['RPUSH', 'l', 'a', 'b'], ['WATCH', 'l'], ['LSET', 'l', '0', 'z'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'l'], ['LPOP', 'l', '5'], ['MULTI'], ['PING'], ['EXEC'],
    ['SET', 'src', 'v'], ['WATCH', 'dst'], ['RENAME', 'src', 'dst'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'dst'], ['RENAME', 'dst', 'src'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'cp'], ['COPY', 'src', 'cp'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'src'], ['MOVE', 'src', '1'], ['MULTI'], ['PING'], ['EXEC'],
    ['SET', 'str', 'ab'], ['WATCH', 'str'], ['APPEND', 'str', 'c'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'str'], ['SETRANGE', 'str', '0', 'Z'], ['MULTI'], ['PING'], ['EXEC'],
    ['SET', 'n', '5'], ['WATCH', 'n'], ['INCR', 'n'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'n'], ['SET', 'n', '6'], ['MULTI'], ['PING'], ['EXEC'],
    // A watched key in another database is a different key.
    ['SELECT', '1'], ['WATCH', 'n'], ['SELECT', '0'], ['SET', 'n', '7'], ['MULTI'], ['PING'], ['EXEC'],
    ['SELECT', '1'], ['WATCH', 'n'], ['SET', 'n', '1'], ['SELECT', '0'], ['MULTI'], ['PING'], ['EXEC'],
    // FLUSHDB / FLUSHALL touch watched keys that exist, not missing ones.
    ['WATCH', 'nothere'], ['FLUSHDB'], ['MULTI'], ['PING'], ['EXEC'],
    ['SET', 'f', '1'], ['WATCH', 'f'], ['FLUSHALL'], ['MULTI'], ['PING'], ['EXEC'],
    ['SET', 'f', '1'], ['WATCH', 'f'], ['SELECT', '4'], ['FLUSHDB'], ['SELECT', '0'], ['MULTI'], ['PING'], ['EXEC'],
    // SWAPDB: a watched key that exists in either database.
    ['SET', 'sw', '1'], ['WATCH', 'sw'], ['SWAPDB', '0', '5'], ['MULTI'], ['PING'], ['EXEC'], ['SWAPDB', '0', '5'],
    ['WATCH', 'sw'], ['SWAPDB', '6', '7'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'none'], ['SWAPDB', '0', '5'], ['MULTI'], ['PING'], ['EXEC'], ['SWAPDB', '0', '5'],
    ['SELECT', '5'], ['SET', 'other', '1'], ['SELECT', '0'], ['WATCH', 'other'], ['SWAPDB', '0', '5'], ['MULTI'], ['PING'], ['EXEC'], ['SWAPDB', '0', '5'],
    // Writes inside the transaction itself do not abort it.
    ['WATCH', 'k'], ['MULTI'], ['SET', 'k', 'own'], ['EXEC'], ['GET', 'k'],
    ['WATCH', 'k'], ['RESET'], ['SET', 'k', 'r'], ['MULTI'], ['PING'], ['EXEC'],
  ];
  await checkScript(p(), cmds);
});

test('WATCH: which writes count as modifications (no-ops included) follows Redis', async () => {
  // Each case: set up, WATCH the key, run the write, then an EXEC that fails or not.
  const cases: Array<[Cmd[], Cmd]> = [
    [[['SET', 'k', 'ab']], ['APPEND', 'k', '']],
    [[['SET', 'k', 'ab']], ['SETRANGE', 'k', '0', '']],
    [[['SET', 'k', 'ab']], ['SETRANGE', 'k', '0', 'ab']],
    [[['SET', 'k', 'ab']], ['SET', 'k', 'ab']],
    [[['SET', 'k', 'ab']], ['SETNX', 'k', 'x']],
    [[['SET', 'k', 'ab']], ['SET', 'k', 'x', 'NX']],
    [[['SET', 'k', 'ab']], ['SET', 'k', 'x', 'XX', 'GET']],
    [[['SET', 'k', 'ab']], ['MSETNX', 'k', 'x', 'k2', 'y']],
    [[['SET', 'k', 'ab']], ['GETEX', 'k']],
    [[['SET', 'k', 'ab']], ['GETEX', 'k', 'PERSIST']],
    [[['SET', 'k', 'ab', 'EX', '100']], ['GETEX', 'k', 'PERSIST']],
    [[['SET', 'k', 'ab']], ['GETDEL', 'k']],
    [[['SET', 'k', '1']], ['INCRBY', 'k', '0']],
    [[['SET', 'k', '1']], ['INCRBYFLOAT', 'k', '0']],
    [[['SET', 'k', 'ab']], ['EXPIRE', 'k', '100', 'XX']],
    [[['SET', 'k', 'ab', 'EX', '100']], ['EXPIRE', 'k', '100']],
    [[['SET', 'k', 'ab', 'EX', '100']], ['EXPIRE', 'k', '1000', 'LT']],
    [[['SET', 'k', 'ab']], ['PEXPIREAT', 'k', '1']],
    [[['SET', 'k', 'ab']], ['TOUCH', 'k']],
    [[['SET', 'k', 'ab']], ['RENAME', 'k', 'k']],
    [[['SET', 'k', 'ab']], ['RENAMENX', 'k', 'k']],
    [[['SET', 'k', 'ab'], ['SET', 'o', '1']], ['RENAMENX', 'k', 'o']],
    [[['SET', 'k', 'ab']], ['COPY', 'k', 'k2']],
    [[['SET', 'k', 'ab']], ['MOVE', 'k', '0']],
    [[['SET', 'k', 'ab'], ['SELECT', '1'], ['SET', 'k', 'x'], ['SELECT', '0']], ['MOVE', 'k', '1']],
    [[['RPUSH', 'k', 'a', 'b']], ['LTRIM', 'k', '0', '-1']],
    [[['RPUSH', 'k', 'a', 'b']], ['LTRIM', 'k', '5', '10']],
    [[['RPUSH', 'k', 'a', 'b']], ['LREM', 'k', '0', 'zz']],
    [[['RPUSH', 'k', 'a', 'b']], ['LSET', 'k', '0', 'a']],
    [[['RPUSH', 'k', 'a', 'b']], ['LINSERT', 'k', 'BEFORE', 'zz', 'x']],
    [[['RPUSH', 'k', 'a', 'b']], ['LPUSHX', 'nokey', 'x']],
    [[['RPUSH', 'k', 'a', 'b']], ['RPOPLPUSH', 'k', 'k']],
    [[['RPUSH', 'k', 'a', 'b']], ['LMOVE', 'k', 'k', 'LEFT', 'LEFT']],
    [[['RPUSH', 'k', 'a']], ['LPOP', 'k']],
    [[['HSET', 'k', 'f', 'v']], ['HSET', 'k', 'f', 'v']],
    [[['HSET', 'k', 'f', 'v']], ['HSETNX', 'k', 'f', 'x']],
    [[['HSET', 'k', 'f', 'v']], ['HDEL', 'k', 'zz']],
    [[['HSET', 'k', 'f', '1']], ['HINCRBY', 'k', 'f', '0']],
    [[['SADD', 'k', 'a']], ['SADD', 'k', 'a']],
    [[['SADD', 'k', 'a', 'b']], ['SMOVE', 'k', 'k', 'a']],
    [[['SADD', 'k', 'a', 'b']], ['SMOVE', 'k', 'other', 'zz']],
    [[['SADD', 'k', 'a', 'b']], ['SPOP', 'k', '0']],
    [[['SADD', 'k', 'a', 'b']], ['SINTERSTORE', 'k', 'nothing']],
    [[['SADD', 's', 'a']], ['SINTERSTORE', 'k', 'nothing']],
    [[['SADD', 's', 'a']], ['SUNIONSTORE', 'k', 's']],
    [[['SADD', 's', 'a'], ['SADD', 'k', 'a']], ['SUNIONSTORE', 'k', 's']],
    [[['ZADD', 'k', '1', 'a']], ['ZADD', 'k', '1', 'a']],
    [[['ZADD', 'k', '1', 'a']], ['ZADD', 'k', 'INCR', '0', 'a']],
    [[['ZADD', 'k', '1', 'a']], ['ZINCRBY', 'k', '0', 'a']],
    [[['ZADD', 'k', '1', 'a']], ['ZREM', 'k', 'zz']],
    [[['ZADD', 'k', '1', 'a']], ['ZREMRANGEBYSCORE', 'k', '5', '10']],
    [[['ZADD', 'k', '1', 'a']], ['ZUNIONSTORE', 'k', '1', 'nothing']],
    [[['ZADD', 'z', '1', 'a']], ['ZRANGESTORE', 'k', 'z', '5', '10']],
    [[['RPUSH', 'l', '3', '1']], ['SORT', 'l', 'STORE', 'k']],
    [[['SET', 'k', 'x']], ['SORT', 'nothing', 'STORE', 'k']],
    [[['SET', 'k', 'x']], ['DEL', 'nothing']],
    [[['SET', 'k', 'x']], ['UNLINK', 'k']],
    [[['SET', 'k', 'x']], ['PERSIST', 'k']],
    [[['SET', 'k', 'x']], ['SWAPDB', '0', '0']],
    [[['SET', 'k', 'x']], ['FLUSHDB', 'ASYNC']],
  ];
  const cmds: Cmd[] = [];
  for (const [setup, write] of cases) {
    cmds.push(['FLUSHALL'], ...setup, ['WATCH', 'k'], write, ['MULTI'], ['PING'], ['EXEC']);
  }
  await checkScript(p(), cmds, { modes: ['pipelined'] });
});

test('CLIENT INFO inside MULTI/EXEC and with a modified watched key (flags x and d, multi=N)', async () => {
  // Inside EXEC the reply is an array (not compared field by field by the harness): compare the
  // connection-state fields of the CLIENT INFO lines here.
  const fields = ['flags', 'multi', 'db', 'name'];
  for (const protocol of [2, 3] as const) {
    const s = await DiffSession.open(p(), protocol);
    try {
      for (const cmd of [['MULTI'], ['CLIENT', 'INFO'], ['SET', 'a', '1'], ['CLIENT', 'INFO']] as Cmd[]) await s.both(cmd);
      const [o, c] = await s.both(['EXEC']);
      const pick = (raw: Buffer): string =>
        (raw.toString('latin1').match(/id=[^\r]*/g) ?? []).map((line) => fields.map((f) => `${f}=${clientFields(line).get(f)}`).join(' ')).join(' | ');
      assert.is(pick(c.raw), pick(o.raw));
      assert.ok(pick(o.raw).includes('flags=x multi=3'), pick(o.raw));
    } finally {
      s.close();
    }
  }
  const cmds: Cmd[] = [
    ['CLIENT', 'INFO'], ['WATCH', 'k'], ['CLIENT', 'INFO'], ['SET', 'k', '1'], ['CLIENT', 'INFO'], ['WATCH', 'j'], ['CLIENT', 'INFO'], ['MULTI'], ['EXEC'], ['CLIENT', 'INFO'],
    ['WATCH', 'k'], ['SET', 'k', '2'], ['UNWATCH'], ['CLIENT', 'INFO'], ['CLIENT', 'NO-EVICT', 'on'], ['WATCH', 'k'], ['DEL', 'k'], ['CLIENT', 'INFO'], ['UNWATCH'], ['CLIENT', 'NO-EVICT', 'off'],
  ];
  await checkScript(p(), cmds);
});

test('a large transaction (3000 queued commands, binary arguments)', async () => {
  const cmds: Cmd[] = [['MULTI']];
  for (let i = 0; i < 3000; i++) {
    const key = Buffer.from([i & 0xff, 0, 13, 10, (i >> 8) & 0xff]);
    cmds.push(i % 3 === 0 ? ['SET', key, Buffer.alloc(i % 50, i & 0xff)] : i % 3 === 1 ? ['RPUSH', 'list', key] : ['INCR', 'counter']);
  }
  cmds.push(['EXEC'], ['DBSIZE'], ['LLEN', 'list'], ['GET', 'counter']);
  await checkScript(p(), cmds, { modes: ['pipelined'], chunk: 500, compareStateOf: [0] });
});

test('CLIENT KILL of oneself inside EXEC: the transaction completes, its later replies are not sent, the connection closes', async () => {
  const pair = p();
  const outcomes: string[] = [];
  for (const server of [pair.oracle, pair.candidate]) {
    const c = await server.connect({ recordRaw: true });
    try {
      const id = (await c.call(['CLIENT', 'ID'])).raw.toString('latin1').trim().slice(1);
      await c.call(['DEL', 'killed-tx']);
      c.send('MULTI');
      c.send('CLIENT', 'KILL', 'ID', id, 'SKIPME', 'no');
      c.send('SET', 'killed-tx', '1');
      c.send('GET', 'killed-tx');
      c.send('EXEC');
      c.send('PING');
      const out = await c.collectRaw(300, 5000);
      const after = await withConn(server, (other) => call(other, 'GET', 'killed-tx'));
      outcomes.push(JSON.stringify({ bytes: out.bytes.toString('latin1').replace(/^:\d+\r\n/, ''), closed: out.closed, after }));
    } finally {
      c.close();
    }
  }
  assert.is(outcomes[1], outcomes[0]);
  assert.ok(outcomes[0].includes('closed":true'), outcomes[0]);
});

/** Steps for several connections: [connection index, command], or a pause in ms. */
type Step = [number, Cmd] | number;

/**
 * Runs `steps` over `n` connections to each server (connection i of the oracle mirrors connection i
 * of the candidate), comparing every reply byte for byte, in RESP2 and RESP3.
 */
async function checkConnections(pair: ServerPair, n: number, steps: Step[], label: string): Promise<void> {
  const problems: string[] = [];
  for (const protocol of [2, 3] as const) {
    const sessions: DiffSession[] = [];
    for (let i = 0; i < n; i++) sessions.push(await DiffSession.open(pair, protocol));
    try {
      await sessions[0].both(['FLUSHALL']);
      for (let k = 0; k < steps.length; k++) {
        const step = steps[k];
        if (typeof step === 'number') {
          await sleep(step);
          continue;
        }
        const [conn, cmd] = step;
        const [o, c] = await sessions[conn].both(cmd);
        if (!o.raw.equals(c.raw)) {
          problems.push(`[${label}, RESP${protocol}, #${k}] conn ${conn}: ${formatCommand(cmd)}\n    redis        ${escapeBytes(o.raw, 300)}\n    candidate    ${escapeBytes(c.raw, 300)}`);
        }
      }
    } finally {
      for (const s of sessions) s.close();
    }
  }
  if (problems.length > 0) throw reportError(problems.join('\n'));
}

test('WATCH: modifications by another connection abort EXEC; reads and other keys do not', async () => {
  await checkConnections(p(), 3, [
    [0, ['SET', 'k', '1']], [0, ['WATCH', 'k']], [1, ['SET', 'k', '2']], [0, ['MULTI']], [0, ['INCR', 'k']], [0, ['EXEC']], [0, ['GET', 'k']],
    [0, ['WATCH', 'k', 'j']], [1, ['GET', 'k']], [1, ['SET', 'other', '1']], [1, ['EXISTS', 'j']], [0, ['MULTI']], [0, ['INCR', 'k']], [0, ['EXEC']],
    // Two watchers of one key: both fail; a third that watches another key succeeds.
    [0, ['WATCH', 'k']], [2, ['WATCH', 'k']], [1, ['WATCH', 'z']], [1, ['DEL', 'k']],
    [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']], [2, ['MULTI']], [2, ['PING']], [2, ['EXEC']], [1, ['MULTI']], [1, ['PING']], [1, ['EXEC']],
    // Touched while queued.
    [0, ['WATCH', 'q']], [0, ['MULTI']], [0, ['SET', 'q', 'mine']], [1, ['LPUSH', 'q', 'x']], [0, ['EXEC']], [0, ['TYPE', 'q']],
    // Another connection's transaction touches the key.
    [0, ['WATCH', 't']], [1, ['MULTI']], [1, ['SET', 't', '1']], [1, ['EXEC']], [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']],
    // Another connection's FLUSHALL / SWAPDB.
    [0, ['SET', 'f', '1']], [0, ['WATCH', 'f']], [1, ['FLUSHALL']], [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']],
    [1, ['SELECT', '3']], [1, ['SET', 'g', '1']], [0, ['WATCH', 'g']], [1, ['SWAPDB', '3', '0']], [0, ['MULTI']], [0, ['GET', 'g']], [0, ['EXEC']],
    // A closed connection's watches are gone; a new one starts clean.
    [2, ['WATCH', 'c']], [2, ['UNWATCH']], [1, ['SET', 'c', '1']], [2, ['MULTI']], [2, ['GET', 'c']], [2, ['EXEC']],
  ], 'two connections');
});

test('WATCH: a watched key that expires aborts EXEC; one already expired when watched does not', async () => {
  await checkConnections(p(), 2, [
    [0, ['SET', 'e', '1', 'PX', '30']], [0, ['WATCH', 'e']], 60, [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']],
    // Deleted by a lookup after expiring.
    [0, ['SET', 'e', '1', 'PX', '30']], [0, ['WATCH', 'e']], 60, [1, ['GET', 'e']], [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']],
    // Already expired (but not yet deleted) when watched: its deletion is no change.
    [0, ['DEBUG', 'SET-ACTIVE-EXPIRE', '0']],
    [0, ['SET', 'x', '1', 'PX', '20']], 50, [0, ['WATCH', 'x']], [1, ['GET', 'x']], [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']],
    [0, ['SET', 'x', '1', 'PX', '20']], 50, [0, ['WATCH', 'x']], [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']],
    [0, ['SET', 'x', '1', 'PX', '20']], 50, [0, ['WATCH', 'x']], [1, ['GET', 'x']], [1, ['SET', 'x', 'new']], [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']],
    [0, ['SET', 'x', '1', 'PX', '20']], 50, [0, ['WATCH', 'x']], [1, ['FLUSHALL']], [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']],
    [0, ['DEBUG', 'SET-ACTIVE-EXPIRE', '1']],
  ], 'expiry');
});

test('EXEC serves clients blocked on keys after the transaction, not in the middle', async () => {
  const pair = p();
  const outcomes: string[] = [];
  for (const server of [pair.oracle, pair.candidate]) {
    const waiter = await server.connect();
    const writer = await server.connect();
    try {
      await writer.call(['FLUSHALL']);
      waiter.send('BLPOP', 'bl', '5');
      await sleep(50);
      const exec = await (async () => {
        writer.send('MULTI');
        writer.send('RPUSH', 'bl', 'a', 'b');
        writer.send('LPOP', 'bl');
        writer.send('LLEN', 'bl');
        writer.send('EXEC');
        const r = await writer.readN(5);
        return r.map((x) => x.raw.toString('latin1')).join('');
      })();
      const served = (await waiter.read(5000)).raw.toString('latin1');
      const left = (await writer.call(['LRANGE', 'bl', '0', '-1'])).raw.toString('latin1');
      outcomes.push(JSON.stringify({ exec, served, left }));
    } finally {
      waiter.close();
      writer.close();
    }
  }
  assert.is(outcomes[1], outcomes[0]);
});

const keys = ['a', 'b', 'c', 'l', 's'];
function randomTransactionCommand(rng: Rng): Cmd {
  const k = rng.pick(keys);
  return rng.weighted<Cmd>([
    [6, ['MULTI']],
    [6, ['EXEC']],
    [2, ['DISCARD']],
    [4, ['WATCH', k, ...(rng.bool(0.3) ? [rng.pick(keys)] : [])]],
    [2, ['UNWATCH']],
    [8, ['SET', k, String(rng.int(0, 9))]],
    [6, ['INCR', k]],
    [5, ['GET', k]],
    [5, ['LPUSH', k, rng.word(2)]],
    [3, ['LPOP', k]],
    [4, ['SADD', k, rng.word(1)]],
    [3, ['SREM', k, rng.word(1)]],
    [3, ['DEL', k]],
    [2, ['EXPIRE', k, '1000']],
    [2, ['PERSIST', k]],
    [2, ['SELECT', String(rng.int(0, 2))]],
    [1, ['FLUSHDB']],
    [1, ['SWAPDB', String(rng.int(0, 2)), String(rng.int(0, 2))]],
    [2, ['RENAME', k, rng.pick(keys)]],
    [1, ['NOSUCH', k]],
    [1, ['GET']],
    [1, ['BLPOP', k, '0']],
    [1, ['SAVE']],
  ]);
}

test('random transaction sequences (one connection)', async () => {
  const reports: string[] = [];
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    const rng = new Rng(seed);
    // SAVE only inside MULTI (where it is refused): outside it would write dump files.
    let inMulti = false;
    const cmds: Cmd[] = [];
    for (const cmd of generate(rng, 300, (r) => randomTransactionCommand(r))) {
      const name = String(cmd[0]).toUpperCase();
      if (name === 'SAVE' && !inMulti) continue;
      if (name === 'BLPOP' && !inMulti) continue;
      cmds.push(cmd);
      if (name === 'MULTI' && cmd.length === 1) inMulti = true;
      if ((name === 'EXEC' || name === 'DISCARD') && cmd.length === 1) inMulti = false;
    }
    cmds.push(['DISCARD'], ['UNWATCH'], ['SELECT', '0']);
    try {
      await checkScript(p(), cmds, { seed, compareStateOf: [0, 1, 2] });
    } catch (e) {
      reports.push((e as Error).message);
    }
  }
  if (reports.length > 0) throw reportError(reports.join('\n'));
});

test('random interleavings of two connections with WATCH', async () => {
  const rng = new Rng(7);
  const steps: Step[] = [];
  const inMulti = [false, false];
  for (let i = 0; i < 400; i++) {
    const conn = rng.int(0, 1);
    let cmd = randomTransactionCommand(rng);
    const name = String(cmd[0]).toUpperCase();
    if ((name === 'SAVE' || name === 'BLPOP') && !inMulti[conn]) cmd = ['GET', 'a'];
    if (name === 'MULTI') inMulti[conn] = true;
    if (name === 'EXEC' || name === 'DISCARD') inMulti[conn] = false;
    steps.push([conn, cmd]);
  }
  steps.push([0, ['DISCARD']], [1, ['DISCARD']]);
  await checkConnections(p(), 2, steps, 'random two connections');
});

test('AOF: a transaction is recorded as MULTI ... EXEC and replays', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-tx-aof-'));
  const aof = path.join(tmp, 'tx.aof');
  try {
    const s = await startCandidate(['--aof-path', aof]);
    let before = '';
    try {
      before = await withConn(s, async (c) => {
        await call(c, 'SET', 'pre', '1');
        await call(c, 'MULTI');
        await call(c, 'SET', 'a', '1');
        await call(c, 'INCR', 'a');
        await call(c, 'GET', 'a');
        await call(c, 'SELECT', '2');
        await call(c, 'RPUSH', 'l', 'x', 'y');
        await call(c, 'EXEC');
        await call(c, 'SELECT', '0');
        // One write: no MULTI/EXEC around it (Redis 7.0 does the same); reads only: no record.
        await call(c, 'MULTI');
        await call(c, 'SET', 'single', 'v');
        await call(c, 'GET', 'a');
        await call(c, 'EXEC');
        await call(c, 'MULTI');
        await call(c, 'GET', 'a');
        await call(c, 'EXEC');
        return dumpDataset(c, 4);
      });
    } finally {
      await s.stop();
    }
    const text = fs.readFileSync(aof, 'latin1');
    const multi = '*1\r\n$5\r\nMULTI\r\n';
    const exec = '*1\r\n$4\r\nEXEC\r\n';
    assert.is(text.split(multi).length - 1, 1, 'one MULTI record');
    assert.is(text.split(exec).length - 1, 1, 'one EXEC record');
    const body = text.slice(text.indexOf(multi), text.indexOf(exec) + exec.length);
    assert.ok(body.includes('$3\r\nSET\r\n$1\r\na\r\n') && body.includes('INCR') && body.includes('RPUSH') && body.includes('SELECT'), body);
    assert.ok(text.indexOf('single') > text.indexOf(exec), 'the single write follows, unwrapped');
    const check = spawnSync('redis-check-aof', [aof], { encoding: 'utf8' });
    assert.ok(check.status === 0 && /is valid/.test(check.stdout), check.stdout + check.stderr);

    const again = await startCandidate(['--aof-path', aof]);
    try {
      const after = await withConn(again, (c) => dumpDataset(c, 4));
      assert.fixture(after, before);
    } finally {
      await again.stop();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('AOF: BGREWRITEAOF queued inside a transaction does not record the earlier writes twice', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-tx-aof-'));
  const aof = path.join(tmp, 'tx.aof');
  try {
    const s = await startCandidate(['--aof-path', aof]);
    try {
      await withConn(s, async (c) => {
        await call(c, 'SET', 'n', '10');
        await call(c, 'MULTI');
        await call(c, 'INCR', 'n');
        await call(c, 'RPUSH', 'l', 'a');
        await call(c, 'BGREWRITEAOF');
        await call(c, 'INCR', 'n');
        await call(c, 'RPUSH', 'l', 'b');
        const replies = await call(c, 'EXEC');
        assert.equal((replies as unknown[]).length, 5);
        for (let i = 0; i < 200; i++) {
          const info = String(await call(c, 'INFO', 'persistence'));
          if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrites:1')) break;
          await sleep(20);
        }
        await call(c, 'INCR', 'n');
      });
    } finally {
      await s.stop();
    }
    const again = await startCandidate(['--aof-path', aof]);
    try {
      await withConn(again, async (c) => {
        assert.is(await call(c, 'GET', 'n'), '13');
        assert.equal(await call(c, 'LRANGE', 'l', '0', '-1'), ['a', 'b']);
      });
    } finally {
      await again.stop();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
