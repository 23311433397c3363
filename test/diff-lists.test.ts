/**
 * Differential tests of the list commands against real redis-server: scripted cases for every
 * command, option and error, OBJECT ENCODING and the generic commands on lists, seeded random
 * sequences, and blocking scenarios with several clients (wake-ups, fairness, timeouts,
 * disconnects, pushes inside a pipeline, BLMOVE chains, BLMPOP). RESP2 and RESP3.
 */
import { test } from 'uvu';
import { Cmd } from './support/diff';
import { Connection } from './support/connection';
import { encodeCommand, escapeBytes } from './support/resp';
import { checkScript, reportError, usePair, withEncoding } from './support/harness';
import { ServerHandle, sleep } from './support/servers';
import { listContents, randomListSequence } from './support/gen-lists';
import { Rng, randomScale, seedsFromEnv } from './support/random';

const p = usePair(test);

test('LPUSH RPUSH LPUSHX RPUSHX LLEN LRANGE: elements, encodings, errors', async () => {
  const big = 'x'.repeat(9000);
  const cmds: Cmd[] = [
    ['LPUSH', 'l', 'a'], ['LPUSH', 'l', 'b', 'c', 'd'], ['RPUSH', 'l', '1', '2', '300', '-5', '70000', '9999999999'],
    ['RPUSH', 'l', '-9223372036854775808', '9223372036854775807', '9223372036854775808', '007', '-0', '+1', '', '1.5'],
    ['RPUSH', 'l', Buffer.from([0, 13, 10, 255]), big, 'y'.repeat(64), 'z'.repeat(63), 'w'.repeat(8191), 'v'.repeat(8192)],
    ['LLEN', 'l'], ['LRANGE', 'l', '0', '-1'], ['LRANGE', 'l', '2', '5'], ['LRANGE', 'l', '-3', '-1'],
    ['LRANGE', 'l', '-100', '100'], ['LRANGE', 'l', '5', '2'], ['LRANGE', 'l', '100', '200'], ['LRANGE', 'l', '-1', '-2'],
    ['LRANGE', 'l', '0', '0'], ['LRANGE', 'l', '-9223372036854775808', '9223372036854775807'],
    ['LRANGE', 'l', 'x', '1'], ['LRANGE', 'l', '0', 'x'], ['LRANGE', 'l', '0'], ['LRANGE', 'missing', '0', '-1'],
    ['LPUSHX', 'missing', 'a'], ['RPUSHX', 'missing', 'a', 'b'], ['EXISTS', 'missing'],
    ['LPUSHX', 'l', 'h1', 'h2'], ['RPUSHX', 'l', 't1'], ['LRANGE', 'l', '0', '2'], ['LRANGE', 'l', '-1', '-1'],
    ['LPUSH', 'l'], ['RPUSH'], ['LPUSHX', 'l'], ['LLEN'], ['LLEN', 'a', 'b'], ['LLEN', 'missing'],
    ['SET', 's', 'str'], ['LPUSH', 's', 'a'], ['RPUSH', 's', 'a'], ['LPUSHX', 's', 'a'], ['RPUSHX', 's', 'a'],
    ['LLEN', 's'], ['LRANGE', 's', '0', '-1'], ['GET', 'l'], ['INCR', 'l'], ['TYPE', 'l'],
    ['RPUSH', Buffer.from([0xff, 0]), 'bin'], ['LRANGE', Buffer.from([0xff, 0]), '0', '-1'],
  ];
  await checkScript(p(), withEncoding(cmds));
});

test('LPOP RPOP with and without count, RESP3 nulls', async () => {
  const cmds: Cmd[] = [
    ['LPOP', 'missing'], ['RPOP', 'missing'], ['LPOP', 'missing', '0'], ['LPOP', 'missing', '2'], ['RPOP', 'missing', '1'],
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', '1', '2', '3'],
    ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', '0'], ['RPOP', 'l', '0'], ['LPOP', 'l', '2'], ['RPOP', 'l', '2'],
    ['LPOP', 'l', '-1'], ['LPOP', 'l', 'x'], ['LPOP', 'l', '1.5'], ['LPOP', 'l', '9223372036854775808'], ['LPOP', 'l', ''],
    ['LPOP', 'l', '1', '2'], ['RPOP', 'l', '1', '2'], ['LPOP'], ['LRANGE', 'l', '0', '-1'],
    ['LPOP', 'l', '100'], ['EXISTS', 'l'], ['LPOP', 'l'], ['LPOP', 'l', '0'],
    ['RPUSH', 'l', 'x', 'y', 'z'], ['RPOP', 'l', '9223372036854775807'], ['EXISTS', 'l'],
    ['RPUSH', 'l', 'only'], ['RPOP', 'l'], ['EXISTS', 'l'],
    ['SET', 's', 'v'], ['LPOP', 's'], ['RPOP', 's', '1'], ['LPOP', 's', '-1'], ['LPOP', 's', '0'],
  ];
  await checkScript(p(), withEncoding(cmds));
});

test('LINDEX LSET LINSERT', async () => {
  const cmds: Cmd[] = [
    ['LINDEX', 'missing', '0'], ['LINDEX', 'missing', 'x'], ['LSET', 'missing', '0', 'v'], ['LSET', 'missing', 'x', 'v'],
    ['RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3'],
    ['LINDEX', 'l', '0'], ['LINDEX', 'l', '-1'], ['LINDEX', 'l', '5'], ['LINDEX', 'l', '6'], ['LINDEX', 'l', '-6'], ['LINDEX', 'l', '-7'],
    ['LINDEX', 'l', 'x'], ['LINDEX', 'l', '9223372036854775807'], ['LINDEX', 'l', '-9223372036854775808'], ['LINDEX', 'l'],
    ['LSET', 'l', '0', 'A'], ['LSET', 'l', '-1', '33'], ['LSET', 'l', '2', 'x'.repeat(100)], ['LSET', 'l', '3', ''],
    ['LSET', 'l', '6', 'v'], ['LSET', 'l', '-7', 'v'], ['LSET', 'l', 'x', 'v'], ['LSET', 'l', '1'], ['LSET', 'l', '1', 'v', 'w'],
    ['LSET', 'l', '4', '12345678901'], ['LRANGE', 'l', '0', '-1'],
    ['LINSERT', 'l', 'BEFORE', 'A', 'first'], ['LINSERT', 'l', 'AFTER', '33', 'last'], ['LINSERT', 'l', 'after', 'b', 'mid'],
    ['LINSERT', 'l', 'before', 'nope', 'v'], ['LINSERT', 'l', 'middle', 'A', 'v'], ['LINSERT', 'missing', 'BEFORE', 'a', 'v'],
    ['LINSERT', 'missing', 'middle', 'a', 'v'], ['LINSERT', 'l', 'BEFORE', 'A'], ['EXISTS', 'missing'],
    ['LINSERT', 'l', 'AFTER', '12345678901', '-7'], ['LRANGE', 'l', '0', '-1'],
    ['SET', 's', 'v'], ['LINDEX', 's', '0'], ['LSET', 's', '0', 'v'], ['LINSERT', 's', 'BEFORE', 'a', 'b'], ['LINSERT', 's', 'middle', 'a', 'b'],
    ['LSET', 's', 'x', 'v'],
  ];
  await checkScript(p(), withEncoding(cmds));
});

test('LREM LTRIM', async () => {
  const cmds: Cmd[] = [
    ['LREM', 'missing', '0', 'a'], ['LREM', 'missing', 'x', 'a'], ['LTRIM', 'missing', '0', '1'], ['LTRIM', 'missing', 'x', '1'],
    ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', '1', 'a', '1', 'b'],
    ['LREM', 'l', '1', 'a'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '-1', 'a'], ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '0', '1'], ['LREM', 'l', '0', 'zz'], ['LREM', 'l', '5', 'b'], ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', 'x', 'a'], ['LREM', 'l', '1.5', 'a'], ['LREM', 'l', '1'],
    ['LREM', 'l', '-9223372036854775808', 'a'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '0', 'c'], ['EXISTS', 'l'],
    ['RPUSH', 'l', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    ['LTRIM', 'l', '1', '-2'], ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '-3', '100'], ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', 'x', '1'], ['LTRIM', 'l', '0', 'y'], ['LTRIM', 'l', '0'],
    ['LTRIM', 'l', '-100', '-2'], ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '5', '1'], ['EXISTS', 'l'],
    ['RPUSH', 'l', 'a', 'b'], ['LTRIM', 'l', '2', '3'], ['EXISTS', 'l'],
    ['RPUSH', 'l', 'a', 'b'], ['LTRIM', 'l', '0', '-1'], ['LTRIM', 'l', '-9223372036854775808', '9223372036854775807'], ['LRANGE', 'l', '0', '-1'],
    ['SET', 's', 'v'], ['LREM', 's', '0', 'a'], ['LTRIM', 's', '0', '1'], ['LREM', 's', 'x', 'a'], ['LTRIM', 's', 'x', '1'],
  ];
  await checkScript(p(), withEncoding(cmds));
});

test('LPOS with RANK COUNT MAXLEN', async () => {
  const cmds: Cmd[] = [
    ['LPOS', 'missing', 'a'], ['LPOS', 'missing', 'a', 'COUNT', '0'], ['LPOS', 'missing', 'a', 'RANK', '0'],
    ['RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c', '1', 'a'],
    ['LPOS', 'l', 'a'], ['LPOS', 'l', 'c'], ['LPOS', 'l', '1'], ['LPOS', 'l', 'zz'], ['LPOS', 'l', 'c', 'RANK', '2'],
    ['LPOS', 'l', 'c', 'RANK', '-1'], ['LPOS', 'l', 'c', 'RANK', '-3'], ['LPOS', 'l', 'c', 'RANK', '4'],
    ['LPOS', 'l', 'c', 'COUNT', '0'], ['LPOS', 'l', 'c', 'COUNT', '2'], ['LPOS', 'l', 'c', 'COUNT', '2', 'RANK', '-1'],
    ['LPOS', 'l', 'c', 'COUNT', '0', 'RANK', '2'], ['LPOS', 'l', 'zz', 'COUNT', '1'], ['LPOS', 'l', 'c', 'MAXLEN', '3'],
    ['LPOS', 'l', 'c', 'MAXLEN', '2'], ['LPOS', 'l', 'c', 'COUNT', '0', 'MAXLEN', '7'], ['LPOS', 'l', 'a', 'RANK', '-1', 'MAXLEN', '1'],
    ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808'], ['LPOS', 'l', 'a', 'RANK', '9223372036854775807'],
    ['LPOS', 'l', 'c', 'rank', '1', 'count', '1', 'maxlen', '0'], ['LPOS', 'l', 'c', 'RANK', '1', 'RANK', '2'],
    ['LPOS', 'l', 'a', 'RANK', '0'], ['LPOS', 'l', 'a', 'RANK', 'x'], ['LPOS', 'l', 'a', 'COUNT', '-1'], ['LPOS', 'l', 'a', 'COUNT', 'x'],
    ['LPOS', 'l', 'a', 'MAXLEN', '-1'], ['LPOS', 'l', 'a', 'MAXLEN', 'x'], ['LPOS', 'l', 'a', 'FOO'], ['LPOS', 'l', 'a', 'RANK'],
    ['LPOS', 'l', 'a', 'COUNT'], ['LPOS', 'l'], ['LPOS', 'l', 'a', 'RANK', '0', 'COUNT', '-1'],
    ['SET', 's', 'v'], ['LPOS', 's', 'a'], ['LPOS', 's', 'a', 'RANK', '0'], ['LPOS', 's', 'a', 'COUNT', '1'],
  ];
  await checkScript(p(), cmds);
});

test('LMOVE RPOPLPUSH LMPOP', async () => {
  const cmds: Cmd[] = [
    ['LMOVE', 'missing', 'dst', 'LEFT', 'RIGHT'], ['RPOPLPUSH', 'missing', 'dst'], ['EXISTS', 'dst'],
    ['RPUSH', 'src', 'a', 'b', 'c', '1'],
    ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'], ['LMOVE', 'src', 'dst', 'right', 'left'], ['LMOVE', 'src', 'dst', 'LEFT', 'LEFT'],
    ['LRANGE', 'src', '0', '-1'], ['LRANGE', 'dst', '0', '-1'], ['RPOPLPUSH', 'src', 'dst'], ['EXISTS', 'src'],
    ['LRANGE', 'dst', '0', '-1'], ['LMOVE', 'dst', 'dst', 'LEFT', 'RIGHT'], ['LRANGE', 'dst', '0', '-1'],
    ['RPOPLPUSH', 'dst', 'dst'], ['LRANGE', 'dst', '0', '-1'],
    ['RPUSH', 'one', 'x'], ['LMOVE', 'one', 'one', 'LEFT', 'LEFT'], ['LRANGE', 'one', '0', '-1'],
    ['LMOVE', 'dst', 'src', 'UP', 'LEFT'], ['LMOVE', 'dst', 'src', 'LEFT', 'DOWN'], ['LMOVE', 'missing', 'src', 'UP', 'LEFT'],
    ['LMOVE', 'dst', 'src', 'LEFT'], ['RPOPLPUSH', 'dst'],
    ['SET', 's', 'v'], ['LMOVE', 's', 'dst', 'LEFT', 'LEFT'], ['LMOVE', 'dst', 's', 'LEFT', 'LEFT'], ['LMOVE', 'missing', 's', 'LEFT', 'LEFT'],
    ['RPOPLPUSH', 's', 'dst'], ['RPOPLPUSH', 'dst', 's'], ['LRANGE', 'dst', '0', '-1'],
    ['LMPOP', '1', 'missing', 'LEFT'], ['LMPOP', '2', 'missing', 'dst', 'LEFT'], ['LMPOP', '2', 'missing', 'dst', 'RIGHT', 'COUNT', '2'],
    ['LMPOP', '1', 'dst', 'left', 'count', '100'], ['EXISTS', 'dst'],
    ['RPUSH', 'a', '1', '2', '3'], ['RPUSH', 'b', '4', '5'],
    ['LMPOP', '2', 'b', 'a', 'LEFT', 'COUNT', '1'], ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '5'],
    ['LMPOP', '2', 's', 'b', 'LEFT'], ['LMPOP', '2', 'b', 's', 'LEFT'], ['LMPOP', '2', 'missing', 's', 'LEFT'],
    ['LMPOP', '0', 'a', 'LEFT'], ['LMPOP', '-1', 'a', 'LEFT'], ['LMPOP', 'x', 'a', 'LEFT'], ['LMPOP', '3', 'a', 'LEFT'],
    ['LMPOP', '9223372036854775807', 'a', 'LEFT'], ['LMPOP', '1', 'a', 'MIDDLE'], ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'], ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'], ['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'x'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '2'], ['LMPOP', '1', 'a', 'LEFT', 'FOO'], ['LMPOP', '1', 'a'], ['LMPOP', '1'],
    ['LMPOP', '2', 'a', 'LEFT'],
  ];
  await checkScript(p(), withEncoding(cmds));
});

test('blocking commands that do not wait: serve at once, validate arguments', async () => {
  const cmds: Cmd[] = [
    ['RPUSH', 'l', 'a', 'b', 'c'], ['RPUSH', 'm', 'x'],
    ['BLPOP', 'l', '0'], ['BRPOP', 'l', '0'], ['BLPOP', 'missing', 'l', '1'], ['BLPOP', 'm', 'l', '0'], ['EXISTS', 'm', 'l'],
    ['RPUSH', 'l', '1', '2', '3', '4'],
    ['BLPOP', 'l', 'x'], ['BLPOP', 'l', '-1'], ['BLPOP', 'l', '-0.0001'], ['BLPOP', 'l', 'inf'], ['BLPOP', 'l', '1e300'],
    ['BLPOP', 'l', ''], ['BLPOP', 'l', ' 1'], ['BLPOP', 'l', 'nan'], ['BLPOP', 'l', '1e5000'], ['BLPOP', 'l', '0x10'],
    ['BLPOP', 'l', '1.5'], ['BLPOP', 'l', '.5'], ['BLPOP', 'l'], ['BRPOP', 'l'],
    ['RPUSH', 'l', '5', '6', '7', '8'],
    ['BLMOVE', 'l', 'dst', 'LEFT', 'RIGHT', '0'], ['BLMOVE', 'l', 'dst', 'RIGHT', 'LEFT', '0.01'], ['LRANGE', 'dst', '0', '-1'],
    ['BLMOVE', 'l', 'dst', 'UP', 'LEFT', '0'], ['BLMOVE', 'l', 'dst', 'LEFT', 'UP', '0'], ['BLMOVE', 'l', 'dst', 'LEFT', 'LEFT', 'x'],
    ['BLMOVE', 'l', 'dst', 'LEFT', 'LEFT', '-1'], ['BLMOVE', 'l', 'dst', 'LEFT', 'LEFT'],
    ['BRPOPLPUSH', 'l', 'dst', '0'], ['BRPOPLPUSH', 'l', 'dst', 'x'], ['BRPOPLPUSH', 'l', 'dst', '-2'], ['BRPOPLPUSH', 'l', 'dst'],
    ['RPUSH', 'l', 'p', 'q', 'r'],
    ['BLMPOP', '0', '1', 'l', 'LEFT'], ['BLMPOP', '0', '2', 'missing', 'l', 'RIGHT', 'COUNT', '5'], ['EXISTS', 'l'],
    ['RPUSH', 'l', 'p', 'q', 'r'],
    ['BLMPOP', 'x', '1', 'l', 'LEFT'], ['BLMPOP', '-1', '1', 'l', 'LEFT'], ['BLMPOP', '0', '0', 'l', 'LEFT'], ['BLMPOP', 'x', '0', 'l', 'LEFT'],
    ['BLMPOP', '0', '1', 'l', 'MIDDLE'], ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '0'], ['BLMPOP', '0', '2', 'l'],
    ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT'], ['BLMPOP', '0', '5', 'l', 'LEFT'],
    ['SET', 's', 'v'], ['BLPOP', 's', '0'], ['BLPOP', 'missing', 's', '0'], ['BRPOP', 's', 'l', '0'], ['BLPOP', 'l', 's', '0'],
    ['BLMOVE', 's', 'dst', 'LEFT', 'LEFT', '0'], ['BLMOVE', 'l', 's', 'LEFT', 'LEFT', '0'], ['BRPOPLPUSH', 's', 'l', '0'],
    ['BLMPOP', '0', '2', 'missing', 's', 'LEFT'], ['BLMPOP', '0', '2', 'l', 's', 'LEFT'], ['LRANGE', 'l', '0', '-1'],
  ];
  await checkScript(p(), withEncoding(cmds));
});

test('generic commands on lists: TYPE SCAN TYPE COPY RENAME MOVE DEL EXISTS OBJECT', async () => {
  const cmds: Cmd[] = [
    ['RPUSH', 'l', 'a', 'b', '1'], ['SET', 's', 'v'], ['TYPE', 'l'], ['OBJECT', 'ENCODING', 'l'],
    ['SCAN', '0', 'TYPE', 'list'], ['SCAN', '0', 'TYPE', 'string'],
    ['COPY', 'l', 'l2'], ['LRANGE', 'l2', '0', '-1'], ['RPUSH', 'l2', 'more'], ['LRANGE', 'l', '0', '-1'], ['LRANGE', 'l2', '0', '-1'],
    ['COPY', 'l', 's'], ['COPY', 'l', 's', 'REPLACE'], ['TYPE', 's'], ['LRANGE', 's', '0', '-1'],
    ['RENAME', 'l2', 'l3'], ['LRANGE', 'l3', '0', '-1'], ['EXISTS', 'l2', 'l3'],
    ['MOVE', 'l3', '1'], ['EXISTS', 'l3'], ['SELECT', '1'], ['LRANGE', 'l3', '0', '-1'], ['TYPE', 'l3'], ['SELECT', '0'],
    ['EXPIRE', 'l', '100'], ['TTL', 'l'], ['RPUSH', 'l', 'x'], ['TTL', 'l'], ['LPOP', 'l', '10'], ['EXISTS', 'l'], ['TTL', 'l'],
    ['RPUSH', 'l', 'x'], ['DEL', 'l'], ['EXISTS', 'l'], ['RPUSH', 'l', 'x'], ['UNLINK', 'l'], ['DBSIZE'],
    ['RPUSH', 'l', 'x'], ['SET', 'l', 'str'], ['TYPE', 'l'], ['OBJECT', 'ENCODING', 'l'],
  ];
  await checkScript(p(), cmds, { modes: ['sequential'] });
});

test('OBJECT ENCODING stays quicklist at every list-max-listpack-size', async () => {
  const many = Array.from({ length: 300 }, (_, i) => `element-${i}`);
  const cmds: Cmd[] = [];
  for (const size of ['-2', '1', '4', '128', '-1', '-5', '0']) {
    cmds.push(['CONFIG', 'SET', 'list-max-listpack-size', size], ['DEL', 'l'], ['RPUSH', 'l', ...many], ['LPUSH', 'l', ...many.slice(0, 50)],
      ['OBJECT', 'ENCODING', 'l'], ['LLEN', 'l'], ['LINDEX', 'l', '170'], ['LSET', 'l', '171', 'x'.repeat(5000)], ['LINSERT', 'l', 'BEFORE', 'element-7', 'ins'],
      ['LREM', 'l', '0', 'element-9'], ['LTRIM', 'l', '3', '-4'], ['LRANGE', 'l', '160', '175'], ['LPOS', 'l', 'ins'], ['RPOP', 'l', '7']);
  }
  cmds.push(['CONFIG', 'SET', 'list-max-listpack-size', '-2'], ['CONFIG', 'SET', 'list-compress-depth', '1'], ['DEL', 'l'], ['RPUSH', 'l', ...many],
    ['LRANGE', 'l', '0', '-1'], ['OBJECT', 'ENCODING', 'l'], ['CONFIG', 'SET', 'list-compress-depth', '0']);
  await checkScript(p(), cmds, { modes: ['sequential'], protocols: [2] });
});

test('random list sequences, at several node sizes', async () => {
  const n = Math.round(400 * randomScale());
  const seeds = seedsFromEnv([1, 2, 3, 4, 5, 6]);
  const reports: string[] = [];
  // Small nodes make splits, merges at node edges and cross-node cursors happen often.
  const sizes = ['-2', '3', '1', '-1'];
  for (const [i, seed] of seeds.entries()) {
    const size = sizes[i % sizes.length];
    const cmds: Cmd[] = [['CONFIG', 'SET', 'list-max-listpack-size', size], ...randomListSequence(new Rng(seed), n), ...listContents()];
    try {
      await checkScript(p(), cmds, { seed, label: `list-max-listpack-size ${size}`, compareStateOf: [0] });
    } catch (e) {
      reports.push((e as Error).message);
    }
  }
  const reset = p();
  for (const server of [reset.oracle, reset.candidate]) {
    const conn = await server.connect();
    await conn.call(['CONFIG', 'SET', 'list-max-listpack-size', '-2']);
    conn.close();
  }
  if (reports.length > 0) throw reportError(reports.join('\n'));
});

/** Long lists of short, repetitive elements: their interior nodes compress (≥ 48 bytes, LZF gains). */
function compressibleFill(count: number, offset: number): string[] {
  const words = ['a', 'b', 'c', 'x', '17', 'element', 'element-element'];
  return Array.from({ length: count }, (_, i) => words[(i + offset) % words.length]);
}

async function setOnBoth(pair: ReturnType<typeof p>, settings: Array<[string, string]>): Promise<void> {
  for (const server of [pair.oracle, pair.candidate]) {
    const conn = await server.connect();
    for (const [name, value] of settings) await conn.call(['CONFIG', 'SET', name, value]);
    conn.close();
  }
}

test('list-compress-depth: random sequences over long lists whose interior nodes are compressed', async () => {
  const n = Math.round(400 * randomScale());
  const seeds = seedsFromEnv([11, 12, 13, 14, 15]);
  const reports: string[] = [];
  // (list-max-listpack-size, list-compress-depth): small nodes give many compressed nodes and
  // edits that cross them; depth 2 and 3 keep several raw nodes at each end.
  const settings: Array<[string, string]> = [['16', '1'], ['8', '2'], ['-1', '1'], ['32', '3'], ['4', '1']];
  for (const [i, seed] of seeds.entries()) {
    const [size, depth] = settings[i % settings.length];
    const cmds: Cmd[] = [
      ['CONFIG', 'SET', 'list-max-listpack-size', size],
      ['CONFIG', 'SET', 'list-compress-depth', depth],
      ['RPUSH', 'l0', ...compressibleFill(900, 0)],
      ['LPUSH', 'l1', ...compressibleFill(500, 3)],
      ['RPUSH', 'l2', ...compressibleFill(60, 5)],
      ...randomListSequence(new Rng(seed), n),
      // Interior reads and edits: the middle of the long lists.
      ['LINDEX', 'l0', '450'], ['LSET', 'l0', '400', 'middle'], ['LINSERT', 'l0', 'AFTER', 'middle', 'after-middle'],
      ['LRANGE', 'l0', '300', '320'], ['LPOS', 'l0', 'after-middle'], ['LREM', 'l1', '-40', 'element'], ['LREM', 'l0', '0', 'b'],
      ['LTRIM', 'l1', '100', '-100'], ['LRANGE', 'l1', '0', '-1'],
      ...listContents(),
    ];
    try {
      await checkScript(p(), cmds, { seed, label: `list-max-listpack-size ${size}, list-compress-depth ${depth}`, compareStateOf: [0] });
    } catch (e) {
      reports.push((e as Error).message);
    }
  }
  await setOnBoth(p(), [['list-max-listpack-size', '-2'], ['list-compress-depth', '0']]);
  if (reports.length > 0) throw reportError(reports.join('\n'));
});

test('list-compress-depth: interior nodes really are compressed, and every byte is given back', async () => {
  const pair = p();
  const conn = await pair.candidate.connect();
  try {
    const used = async (): Promise<number> => Number(/used_memory_engine:(\d+)/.exec(await conn.text('INFO', 'memory'))?.[1] ?? 'NaN');
    await conn.call(['FLUSHALL']);
    await conn.call(['CONFIG', 'SET', 'list-max-listpack-size', '64']);
    const elements = compressibleFill(20000, 0);
    const sizeWith = async (depth: string, key: string): Promise<number> => {
      await conn.call(['CONFIG', 'SET', 'list-compress-depth', depth]);
      const before = await used();
      for (let i = 0; i < elements.length; i += 1000) await conn.call(['RPUSH', key, ...elements.slice(i, i + 1000)]);
      return (await used()) - before;
    };
    // A first round grows some engine structures once (the reply buffer for a long LRANGE, the
    // background free queue): not part of the lists' memory.
    for (const key of ['plain', 'packed', 'copy']) {
      await conn.call(['RPUSH', key, ...elements]);
      await conn.call(['LRANGE', key, '0', '-1']);
    }
    await conn.call(['DEL', 'plain', 'packed', 'copy']);
    await sleep(200);
    const baseline = await used();
    const plain = await sizeWith('0', 'plain');
    const packed = await sizeWith('1', 'packed');
    if (!(packed < plain / 2)) throw reportError(`used_memory_engine grew by ${packed} bytes with list-compress-depth 1, by ${plain} without`);
    // Edits in the middle, pops at the ends, a copy: contents equal, then everything freed.
    for (const key of ['plain', 'packed']) {
      await conn.call(['LSET', key, '10000', 'changed']);
      await conn.call(['LINSERT', key, 'BEFORE', 'changed', 'inserted']);
      await conn.call(['LREM', key, '500', 'element']);
      await conn.call(['LPOP', key, '3000']);
      await conn.call(['RPOP', key, '3000']);
    }
    await conn.call(['COPY', 'packed', 'copy']);
    const a = await conn.call(['LRANGE', 'plain', '0', '-1']);
    const b = await conn.call(['LRANGE', 'packed', '0', '-1']);
    const c = await conn.call(['LRANGE', 'copy', '0', '-1']);
    if (JSON.stringify(a) !== JSON.stringify(b) || JSON.stringify(b) !== JSON.stringify(c)) throw reportError('compressed and plain lists differ after the same edits');
    await conn.call(['DEL', 'plain', 'packed', 'copy']);
    // Big values are freed on a background thread: give it a moment.
    let after = await used();
    for (let i = 0; i < 100 && after !== baseline; i++) {
      await sleep(20);
      after = await used();
    }
    if (after !== baseline) throw reportError(`used_memory_engine is ${after} after deleting the lists, baseline ${baseline}`);
  } finally {
    await conn.call(['CONFIG', 'SET', 'list-compress-depth', '0']);
    await conn.call(['CONFIG', 'SET', 'list-max-listpack-size', '-2']);
    conn.close();
  }
});

test('memory accounting: used_memory_engine returns to its baseline after the lists are deleted', async () => {
  const conn = await p().candidate.connect();
  try {
    const used = async (): Promise<number> => Number(/used_memory_engine:(\d+)/.exec(await conn.text('INFO', 'memory'))?.[1] ?? 'NaN');
    await conn.call(['FLUSHALL']);
    // The same keys once as strings first, so the key table's own growth is in the baseline.
    for (const k of ['m0', 'm1', 'm2', 'm3', 'm4']) await conn.call(['SET', k, 'v']);
    await conn.call(['DEL', 'm0', 'm1', 'm2', 'm3', 'm4']);
    const baseline = await used();
    const elements = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? String(i) : `element-${i}`));
    for (const k of ['m0', 'm1', 'm2']) {
      await conn.call(['RPUSH', k, ...elements]);
      await conn.call(['LPUSH', k, ...elements.slice(0, 500)]);
    }
    const grown = await used();
    if (!(grown - baseline > 3 * 2500 * 8)) throw reportError(`used_memory_engine grew by only ${grown - baseline} bytes for 7500 elements`);
    await conn.call(['LSET', 'm0', '100', 'x'.repeat(3000)]);
    await conn.call(['LINSERT', 'm0', 'BEFORE', 'element-1000', 'y'.repeat(500)]);
    await conn.call(['LREM', 'm0', '0', 'element-5']);
    await conn.call(['LTRIM', 'm1', '100', '-100']);
    await conn.call(['LPOP', 'm1', '300']);
    await conn.call(['RPOP', 'm1']);
    for (let i = 0; i < 50; i++) await conn.call(['LMOVE', 'm1', 'm3', 'LEFT', 'RIGHT']);
    await conn.call(['COPY', 'm2', 'm4']);
    await conn.call(['DEL', 'm0', 'm1', 'm2', 'm3', 'm4']);
    const after = await used();
    if (after !== baseline) throw reportError(`used_memory_engine is ${after} after deleting every list, baseline ${baseline}`);
  } finally {
    conn.close();
  }
});

// ---- blocking scenarios ------------------------------------------------------------------------

/** One step of a multi-client scenario, run the same way against both servers. */
type Step =
  | { c: number; send: Cmd[] }    // client c writes these commands (one write: a pipeline)
  | { c: number; read: number }   // client c reads this many replies (recorded)
  | { c: number; none: number }   // client c must get no reply within this many ms (recorded)
  | { c: number; close: true }
  | { sleep: number };

async function runScenario(server: ServerHandle, clients: number, protocol: 2 | 3, steps: Step[]): Promise<string[]> {
  const conns: Connection[] = [];
  const log: string[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      const conn = await server.connect();
      if (protocol === 3) await conn.call(['HELLO', '3']);
      conns.push(conn);
    }
    await conns[0].call(['FLUSHALL']);
    for (const step of steps) {
      if ('sleep' in step) {
        await sleep(step.sleep);
      } else if ('send' in step) {
        conns[step.c].write(Buffer.concat(step.send.map((cmd) => encodeCommand(cmd))));
      } else if ('read' in step) {
        for (let i = 0; i < step.read; i++) {
          try {
            const r = await conns[step.c].read(3000);
            log.push(`client ${step.c}: ${escapeBytes(r.raw)}`);
          } catch (e) {
            log.push(`client ${step.c}: no reply (${(e as Error).message.split(' (')[0]})`);
          }
        }
      } else if ('none' in step) {
        try {
          const r = await conns[step.c].read(step.none);
          log.push(`client ${step.c}: unexpected reply ${escapeBytes(r.raw)}`);
        } catch {
          log.push(`client ${step.c}: waits`);
        }
      } else {
        conns[step.c].close();
        await sleep(50);
      }
    }
  } finally {
    for (const c of conns) c.close();
  }
  return log;
}

async function checkScenario(label: string, clients: number, steps: Step[]): Promise<void> {
  const pair = p();
  const problems: string[] = [];
  for (const protocol of [2, 3] as const) {
    const oracle = await runScenario(pair.oracle, clients, protocol, steps);
    const candidate = await runScenario(pair.candidate, clients, protocol, steps);
    if (oracle.join('\n') !== candidate.join('\n')) {
      problems.push(`${label} (RESP${protocol}) differs:\n  redis:     ${oracle.join('\n             ')}\n  candidate: ${candidate.join('\n             ')}`);
    }
  }
  if (problems.length > 0) throw reportError(problems.join('\n'));
}

test('blocking: BLPOP on two keys is woken by a push to the second', async () => {
  await checkScenario('two keys', 2, [
    { c: 0, send: [['BLPOP', 'k1', 'k2', '0']] }, { c: 0, none: 150 },
    { c: 1, send: [['RPUSH', 'k2', 'a', 'b']] }, { c: 1, read: 1 }, { c: 0, read: 1 },
    { c: 1, send: [['LRANGE', 'k2', '0', '-1']] }, { c: 1, read: 1 },
    { c: 0, send: [['BRPOP', 'k1', 'k2', '0']] }, { c: 0, read: 1 }, { c: 1, send: [['EXISTS', 'k2']] }, { c: 1, read: 1 },
  ]);
});

test('blocking: first blocked, first served; one push of several elements serves several waiters', async () => {
  await checkScenario('fairness', 4, [
    { c: 0, send: [['BLPOP', 'q', '0']] }, { sleep: 50 }, { c: 1, send: [['BLPOP', 'q', '0']] }, { sleep: 50 },
    { c: 2, send: [['BRPOP', 'q', '0']] }, { sleep: 50 },
    { c: 3, send: [['RPUSH', 'q', 'first']] }, { c: 3, read: 1 }, { c: 0, read: 1 }, { c: 1, none: 100 },
    { c: 3, send: [['RPUSH', 'q', 'second']] }, { c: 3, read: 1 }, { c: 1, read: 1 }, { c: 2, none: 100 },
    { c: 0, send: [['BLPOP', 'q', '0']] }, { sleep: 50 }, { c: 1, send: [['BLPOP', 'q', '0']] }, { sleep: 50 },
    { c: 3, send: [['RPUSH', 'q', 'x', 'y', 'z', 'w']] }, { c: 3, read: 1 },
    { c: 2, read: 1 }, { c: 0, read: 1 }, { c: 1, read: 1 },
    { c: 3, send: [['LRANGE', 'q', '0', '-1']] }, { c: 3, read: 1 },
  ]);
});

test('blocking: SWAPDB serves clients blocked on keys that the swap filled', async () => {
  await checkScenario('swapdb', 3, [
    { c: 0, send: [['SELECT', '1'], ['BLPOP', 'k', 'other', '0']] }, { c: 0, read: 1 }, { c: 0, none: 100 },
    { c: 2, send: [['SELECT', '1'], ['BZPOPMIN', 'z', '0']] }, { c: 2, read: 1 }, { c: 2, none: 100 },
    { c: 1, send: [['RPUSH', 'k', 'a', 'b'], ['ZADD', 'z', '1', 'm']] }, { c: 1, read: 2 },
    { c: 1, send: [['SWAPDB', '0', '1']] }, { c: 1, read: 1 }, { c: 0, read: 1 }, { c: 2, read: 1 },
    { c: 1, send: [['SELECT', '1'], ['LRANGE', 'k', '0', '-1'], ['SELECT', '0'], ['DBSIZE']] }, { c: 1, read: 4 },
  ]);
});

test('blocking: timeouts answer a null array', async () => {
  await checkScenario('timeouts', 2, [
    { c: 0, send: [['BLPOP', 'none', '0.1']] }, { c: 0, read: 1 },
    { c: 0, send: [['BRPOP', 'none', 'other', '0.1']] }, { c: 0, read: 1 },
    { c: 0, send: [['BLMOVE', 'none', 'dst', 'LEFT', 'RIGHT', '0.1']] }, { c: 0, read: 1 },
    { c: 0, send: [['BRPOPLPUSH', 'none', 'dst', '0.1']] }, { c: 0, read: 1 },
    { c: 0, send: [['BLMPOP', '0.1', '2', 'none', 'other', 'LEFT', 'COUNT', '2']] }, { c: 0, read: 1 },
    { c: 1, send: [['EXISTS', 'dst']] }, { c: 1, read: 1 },
    // A timeout that has not passed yet: still waiting, then served.
    { c: 0, send: [['BLPOP', 'k', '5']] }, { c: 0, none: 200 }, { c: 1, send: [['LPUSH', 'k', 'v']] }, { c: 1, read: 1 }, { c: 0, read: 1 },
  ]);
});

test('blocking: a waiter that disconnects consumes nothing', async () => {
  await checkScenario('disconnect', 3, [
    { c: 0, send: [['BLPOP', 'k', '0']] }, { sleep: 50 }, { c: 1, send: [['BLPOP', 'k', '0']] }, { sleep: 50 },
    { c: 0, close: true },
    { c: 2, send: [['RPUSH', 'k', 'a', 'b']] }, { c: 2, read: 1 }, { c: 1, read: 1 },
    { c: 2, send: [['LRANGE', 'k', '0', '-1']] }, { c: 2, read: 1 },
  ]);
});

test('blocking: a push inside a pipeline serves the waiter before the next command', async () => {
  await checkScenario('pipeline', 3, [
    { c: 0, send: [['BLPOP', 'k', '0']] }, { sleep: 50 },
    { c: 1, send: [['LPUSH', 'k', 'a'], ['LLEN', 'k'], ['LPUSH', 'k', 'b', 'c'], ['LLEN', 'k']] }, { c: 1, read: 4 }, { c: 0, read: 1 },
    { c: 0, send: [['BLPOP', 'k2', '0']] }, { sleep: 50 }, { c: 2, send: [['BLPOP', 'k2', '0']] }, { sleep: 50 },
    { c: 1, send: [['RPUSH', 'k2', 'x'], ['RPUSH', 'k2', 'y'], ['LRANGE', 'k2', '0', '-1'], ['RPUSH', 'k2', 'z'], ['LLEN', 'k2']] },
    { c: 1, read: 5 }, { c: 0, read: 1 }, { c: 2, read: 1 },
  ]);
});

test('blocking: the blocked client pipelined commands run after it is served', async () => {
  await checkScenario('blocked pipeline', 2, [
    { c: 0, send: [['BLPOP', 'k', '0'], ['LLEN', 'k'], ['RPUSH', 'mine', 'm'], ['LRANGE', 'mine', '0', '-1']] }, { c: 0, none: 150 },
    { c: 1, send: [['EXISTS', 'mine']] }, { c: 1, read: 1 },
    { c: 1, send: [['RPUSH', 'k', 'a', 'b']] }, { c: 1, read: 1 }, { c: 0, read: 4 },
    { c: 0, send: [['BLPOP', 'k', '0'], ['BLPOP', 'k', '0'], ['PING']] }, { c: 0, read: 1 }, { c: 0, none: 150 },
    { c: 1, send: [['RPUSH', 'k', 'c']] }, { c: 1, read: 1 }, { c: 0, read: 2 },
  ]);
});

test('blocking: BLMOVE into a list another client waits on; BRPOPLPUSH; BLMPOP', async () => {
  await checkScenario('chain', 4, [
    { c: 0, send: [['BLMOVE', 'src', 'mid', 'LEFT', 'RIGHT', '0']] }, { sleep: 50 },
    { c: 1, send: [['BRPOPLPUSH', 'mid', 'end', '0']] }, { sleep: 50 },
    { c: 2, send: [['BLMPOP', '0', '2', 'other', 'end', 'LEFT', 'COUNT', '3']] }, { sleep: 50 },
    { c: 3, send: [['RPUSH', 'src', 'a', 'b']] }, { c: 3, read: 1 }, { c: 0, read: 1 }, { c: 1, read: 1 }, { c: 2, read: 1 },
    { c: 3, send: [['LRANGE', 'src', '0', '-1'], ['EXISTS', 'mid', 'end']] }, { c: 3, read: 2 },
    { c: 2, send: [['BLMPOP', '0', '2', 'e1', 'e2', 'RIGHT', 'COUNT', '2']] }, { sleep: 50 },
    { c: 3, send: [['RPUSH', 'e2', '1', '2', '3']] }, { c: 3, read: 1 }, { c: 2, read: 1 },
    { c: 3, send: [['LRANGE', 'e2', '0', '-1']] }, { c: 3, read: 1 },
    // A waiter on the destination of an LMOVE issued by another client.
    { c: 0, send: [['BLPOP', 'dst', '0']] }, { sleep: 50 },
    { c: 3, send: [['LMOVE', 'e2', 'dst', 'LEFT', 'LEFT'], ['LLEN', 'dst']] }, { c: 3, read: 2 }, { c: 0, read: 1 },
  ]);
});

test('blocking: a key of another type does not serve a list waiter; LPUSHX/LINSERT on missing keys', async () => {
  await checkScenario('types', 2, [
    { c: 0, send: [['BLPOP', 'k', '0.5']] }, { sleep: 50 },
    { c: 1, send: [['SET', 'k', 'str'], ['LPUSHX', 'k2', 'a'], ['DEL', 'k']] }, { c: 1, read: 3 }, { c: 0, read: 1 },
  ]);
});

test('blocking: a sorted set appearing under the key leaves a BLPOP waiter waiting; a later list serves it', async () => {
  await checkScenario('retry on another type', 2, [
    { c: 0, send: [['BLPOP', 'k', '0']] }, { sleep: 50 },
    { c: 1, send: [['ZADD', 'k', '1', 'a']] }, { c: 1, read: 1 }, { c: 0, none: 150 },
    { c: 1, send: [['DEL', 'k'], ['RPUSH', 'k', 'x']] }, { c: 1, read: 2 }, { c: 0, read: 1 },
  ]);
});

test.run();
