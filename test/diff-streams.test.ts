/**
 * Differential tests of the stream commands against real redis-server: scripted cases for every
 * command, option and error (IDs at the edges of the 128-bit space, binary and empty keys and
 * fields, wrong types, arity), consumer groups, the generic commands on streams, scripts calling
 * stream commands, seeded random sequences, and blocking XREAD/XREADGROUP scenarios with several
 * clients. RESP2 and RESP3.
 *
 * Time-dependent replies are kept out of byte comparisons: `*` IDs (compared by shape), and the
 * idle/delivery times of XPENDING's extended form, XINFO CONSUMERS and XINFO STREAM FULL with
 * groups (milliseconds since an event, which the two servers see at different instants): those
 * are compared after replacing just those integers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cmd } from './support/diff';
import { checkRandom, checkScript, usePair, assertSameScenario } from './support/harness';
import { streamCommandGenerator } from './support/gen-streams';
import { randomScale, seedsFromEnv } from './support/random';
import { Connection } from './support/connection';
import { toPlain, Plain } from './support/resp';
import { ServerHandle, sleep } from './support/servers';
import { checkStreams, type StreamStep } from './support/streams';

const p = usePair(test);
const MAX = '18446744073709551615';

test('XADD: IDs, options, trimming, errors', async () => {
  const cmds: Cmd[] = [
    ['XADD', 's', '1-1', 'a', '1'], ['XADD', 's', '1-1', 'a', '1'], ['XADD', 's', '1-0', 'a', '1'], ['XADD', 's', '0-0', 'a', '1'],
    ['XADD', 'new', '0-0', 'a', '1'], ['EXISTS', 'new'], ['XADD', 'new', '0-*', 'a', '1'], ['XADD', 'new', '0-*', 'a', '1'],
    ['XADD', 's', '1-*', 'b', '2'], ['XADD', 's', '2-*', 'b', '2', 'c', '3'], ['XADD', 's', '2', 'x', 'y'], ['XADD', 's', '3', 'x', 'y'],
    ['XADD', 's', '5-5', 'a'], ['XADD', 's', '5-5', 'a', 'b', 'c'], ['XADD', 's', '5-5'], ['XADD', 's'],
    ['XADD', 's', 'abc', 'a', 'b'], ['XADD', 's', '1-2-3', 'a', 'b'], ['XADD', 's', '-1', 'a', 'b'], ['XADD', 's', '+', 'a', 'b'],
    ['XADD', 's', '-', 'a', 'b'], ['XADD', 's', '10-x', 'a', 'b'], ['XADD', 's', `${MAX}0-1`, 'a', 'b'], ['XADD', 's', '10-*x', 'a', 'b'],
    ['XADD', 's', ' 11', 'a', 'b'], ['XADD', 's', '+12', 'a', 'b'], ['XADD', 's', '013-1', 'a', 'b'], ['XADD', 's', '20-', 'a', 'b'],
    ['XADD', 's', '**', 'a', 'b'], ['XADD', 's', 'x'.repeat(200), 'a', 'b'],
    ['XADD', 'edge', `${MAX}-${MAX}`, 'a', 'b'], ['XADD', 'edge', `${MAX}-*`, 'a', 'b'], ['XADD', 'edge', '1-1', 'a', 'b'],
    ['XADD', 'edge2', `${MAX}-*`, 'a', 'b'], ['XADD', 'edge2', `${MAX}-*`, 'a', 'b'], ['XADD', 'edge3', `${MAX}-${MAX}`, 'a', 'b'],
    ['XADD', 'edge3', `${MAX}-*`, 'a', 'b'], ['XINFO', 'STREAM', 'edge2'],
    ['XADD', 'nm', 'NOMKSTREAM', '1-1', 'a', 'b'], ['EXISTS', 'nm'], ['XADD', 's', 'NOMKSTREAM', '30-1', 'a', 'b'],
    ['XADD', 's', 'nomkstream', 'maxlen', '2', '31-1', 'a', 'b'], ['XLEN', 's'], ['XRANGE', 's', '-', '+'],
    ['XADD', 's', 'MAXLEN', '-1', '40-1', 'a', 'b'], ['XADD', 's', 'MAXLEN', 'x', '40-1', 'a', 'b'],
    ['XADD', 's', 'MAXLEN', '1', 'MINID', '1', '40-1', 'a', 'b'], ['XADD', 's', 'MINID', '1', 'MAXLEN', '1', '40-1', 'a', 'b'],
    ['XADD', 's', 'LIMIT', '5', '40-1', 'a', 'b'], ['XADD', 's', 'MAXLEN', '5', 'LIMIT', '5', '40-1', 'a', 'b'],
    ['XADD', 's', 'MAXLEN', '~', '5', 'LIMIT', '-1', '40-1', 'a', 'b'], ['XADD', 's', 'MAXLEN', '~', '5', 'LIMIT', 'x', '40-1', 'a', 'b'],
    ['XADD', 's', 'MINID', 'x', '40-1', 'a', 'b'], ['XADD', 's', 'MINID', '-', '40-1', 'a', 'b'], ['XADD', 's', 'MAXLEN', '~', '0', '40-1', 'a', 'b'],
    ['XLEN', 's'], ['XADD', 's', 'MAXLEN', '0', '41-1', 'a', 'b'], ['XLEN', 's'], ['XINFO', 'STREAM', 's'],
    ['XADD', 's', 'MINID', '=', '50', '50-1', 'a', 'b'], ['XADD', 's', 'MINID', '~', '50', 'LIMIT', '0', '51-1', 'a', 'b'],
    ['XADD', 's', 'MAXLEN'], ['XADD', 's', 'MAXLEN', '~'], ['XADD', 's', 'MAXLEN', '1'], ['XADD', 's', 'maxlen', '=', '1', '60', 'f', 'v'],
    ['XRANGE', 's', '-', '+'],
    ['XADD', Buffer.from([0, 1, 255]), '1-1', '', '', Buffer.from([0, 13, 10]), Buffer.from([255, 0])], ['XRANGE', Buffer.from([0, 1, 255]), '-', '+'],
    ['XADD', '', '1-1', 'f', 'v'], ['XRANGE', '', '-', '+'],
    ['SET', 'str', 'v'], ['XADD', 'str', '1-1', 'a', 'b'], ['XADD', 'str', 'x', 'a', 'b'], ['XADD', 'str', 'NOMKSTREAM', '1-1', 'a', 'b'],
    ['TYPE', 's'], ['OBJECT', 'ENCODING', 's'],
  ];
  await checkScript(p(), cmds);
});

test('XADD with *: generated IDs (compared by shape), XLEN, XRANGE by count', async () => {
  for (const server of [p().oracle, p().candidate]) {
    const c = await server.connect();
    try {
      await c.call(['DEL', 'auto']);
      const before = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(String(toPlain((await c.call(['XADD', 'auto', '*', 'i', String(i)])).value)));
      for (const id of ids) assert.match(id, /^\d+-\d+$/, server.name);
      const ms = Number(ids[0].split('-')[0]);
      assert.ok(ms >= before - 1000 && ms <= Date.now() + 1000, `${server.name}: ${ids[0]} near now`);
      const sorted = [...ids].sort((a, b) => (BigInt(a.split('-')[0]) - BigInt(b.split('-')[0]) || Number(a.split('-')[1]) - Number(b.split('-')[1])) > 0 ? 1 : -1);
      assert.equal(ids, sorted, `${server.name}: increasing`);
      assert.equal(toPlain((await c.call(['XLEN', 'auto'])).value), 5n);
      const tooBig = toPlain((await c.call(['XADD', 'auto', ids[4], 'a', 'b'])).value) as { error: string };
      assert.equal(tooBig.error, 'ERR The ID specified in XADD is equal or smaller than the target stream top item');
    } finally {
      c.close();
    }
  }
});

test('XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID', async () => {
  const cmds: Cmd[] = [];
  for (let i = 1; i <= 250; i++) cmds.push(['XADD', 's', `${i}-${i % 3}`, 'f', String(i), 'g', 'x'.repeat(i % 7)]);
  cmds.push(
    ['XLEN', 's'], ['XLEN', 'missing'], ['XRANGE', 's', '-', '+', 'COUNT', '3'], ['XREVRANGE', 's', '+', '-', 'COUNT', '3'],
    ['XRANGE', 's', '(1-1', '(5-2'], ['XRANGE', 's', '10', '12'], ['XRANGE', 's', '10-1', '12-0'], ['XREVRANGE', 's', '12', '10'],
    ['XREVRANGE', 's', '(12-0', '(10-1'], ['XRANGE', 's', `(${MAX}-${MAX}`, '+'], ['XRANGE', 's', '-', '(0-0'], ['XRANGE', 's', '(', '+'],
    ['XRANGE', 's', '(-', '+'], ['XRANGE', 's', '(+', '+'], ['XRANGE', 's', '-', '(-'], ['XRANGE', 's', '5', '1'], ['XRANGE', 's', '-', '+', 'COUNT', '0'],
    ['XRANGE', 's', '-', '+', 'COUNT', '-5'], ['XRANGE', 's', '-', '+', 'COUNT'], ['XRANGE', 's', '-', '+', 'COUNT', 'x'], ['XRANGE', 's', '-', '+', 'FOO', '1'],
    ['XRANGE', 's', '-', '+', 'COUNT', '1', 'COUNT', '2'], ['XRANGE', 's', 'x', '+'], ['XRANGE', 's', '-', 'x'], ['XRANGE', 'missing', '-', '+'],
    ['XRANGE', 'missing', '-', '+', 'COUNT', '0'], ['XRANGE', 's', '-', '+', 'COUNT', '9223372036854775807'], ['XRANGE', 's', `${MAX}0`, '+'],
    ['XRANGE', 's', '-01', '+'], ['XRANGE', 's', ' 200', '+'], ['XRANGE', 's', '200-18446744073709551616', '+'],
    ['XDEL', 's', '1-1', '2-2', '2-2', '999-0'], ['XDEL', 's', '3-0', 'x'], ['XDEL', 's', '-'], ['XDEL', 'missing', '1-1'], ['XDEL', 'missing', 'x'],
    ['XINFO', 'STREAM', 's'], ['XRANGE', 's', '-', '+', 'COUNT', '2'],
    ['XTRIM', 's', 'MAXLEN', '~', '230'], ['XINFO', 'STREAM', 's'], ['XTRIM', 's', 'MAXLEN', '~', '120', 'LIMIT', '50'], ['XTRIM', 's', 'MAXLEN', '~', '120', 'LIMIT', '150'],
    ['XTRIM', 's', 'MAXLEN', '=', '200'], ['XINFO', 'STREAM', 's'], ['XTRIM', 's', 'MINID', '~', '160'], ['XTRIM', 's', 'MINID', '170'],
    ['XTRIM', 's', 'MINID', '170'], ['XINFO', 'STREAM', 's'], ['XTRIM', 's', 'MAXLEN', '10', 'LIMIT', '5'], ['XTRIM', 's'], ['XTRIM', 's', 'FOO', '1'],
    ['XTRIM', 's', 'MAXLEN'], ['XTRIM', 's', 'MAXLEN', '-1'], ['XTRIM', 's', 'LIMIT', '1'], ['XTRIM', 'missing', 'MAXLEN', '1'],
    ['XTRIM', 's', 'MAXLEN', '0'], ['XINFO', 'STREAM', 's'], ['XLEN', 's'], ['EXISTS', 's'],
    ['XSETID', 's', '1-1'], ['XSETID', 's', '300-0'], ['XSETID', 's', '300-0', 'ENTRIESADDED', '5', 'MAXDELETEDID', '10-0'], ['XINFO', 'STREAM', 's'],
    ['XSETID', 's', '300-0', 'ENTRIESADDED', '-1'], ['XSETID', 's', '300-0', 'MAXDELETEDID', '400-0'], ['XSETID', 's', '300-0', 'FOO'],
    ['XSETID', 's', 'x'], ['XSETID', 's', '-'], ['XSETID', 'missing', '1-1'],
    ['XADD', 's2', '5-0', 'a', 'b'], ['XADD', 's2', '6-0', 'a', 'b'], ['XSETID', 's2', '5-5'], ['XSETID', 's2', '7-0', 'ENTRIESADDED', '1'],
    ['XSETID', 's2', '7-0', 'ENTRIESADDED', '2'], ['XDEL', 's2', '6-0'], ['XSETID', 's2', '5-5'], ['XINFO', 'STREAM', 's2'],
    ['SET', 'str', 'v'], ['XLEN', 'str'], ['XRANGE', 'str', '-', '+'], ['XREVRANGE', 'str', '+', '-'], ['XDEL', 'str', '1-1'], ['XTRIM', 'str', 'MAXLEN', '1'],
    ['XSETID', 'str', '1-1'], ['XINFO', 'STREAM', 'str'], ['XINFO', 'STREAM', 'str', '1'], ['XINFO', 'STREAM', 'missing', 'FULLX'],
  );
  await checkScript(p(), cmds, { modes: ['pipelined'] });
});

test('node boundaries by bytes: big values, numeric values (XINFO radix-tree counts)', async () => {
  const cmds: Cmd[] = [];
  for (let i = 1; i <= 120; i++) cmds.push(['XADD', 'big', `${i}`, 'f', 'v'.repeat((i * 37) % 900), 'n', String(i * 1000)]);
  cmds.push(['XINFO', 'STREAM', 'big'], ['XTRIM', 'big', 'MAXLEN', '~', '60'], ['XINFO', 'STREAM', 'big']);
  for (let i = 1; i <= 300; i++) cmds.push(['XADD', 'num', `${i * 1000}-${i}`, String(i), String(-i * 7777)]);
  cmds.push(['XINFO', 'STREAM', 'num'], ['XDEL', 'num', '1000-1', '2000-2'], ['XINFO', 'STREAM', 'num'], ['XTRIM', 'num', 'MINID', '~', '150000'], ['XINFO', 'STREAM', 'num']);
  await checkScript(p(), cmds, { modes: ['pipelined'] });
});

test('XREAD (non-blocking), XREADGROUP, XGROUP, XACK, XPENDING summary, XCLAIM/XAUTOCLAIM JUSTID, XINFO GROUPS', async () => {
  const cmds: Cmd[] = [
    ['XADD', 's', '1-1', 'a', '1'], ['XADD', 's', '2-0', 'b', '2'], ['XADD', 's', '3-0', 'c', '3'], ['XADD', 't', '1-0', 'x', 'y'],
    ['XREAD', 'STREAMS', 's', '0'], ['XREAD', 'COUNT', '1', 'STREAMS', 's', 't', '0', '0'], ['XREAD', 'STREAMS', 's', 't', '2', '$'],
    ['XREAD', 'STREAMS', 's', '$'], ['XREAD', 'STREAMS', 'missing', '0'], ['XREAD', 'STREAMS', 's'], ['XREAD', 'STREAMS'], ['XREAD', 'COUNT', 'x', 'STREAMS', 's', '0'],
    ['XREAD', 'COUNT', '-1', 'STREAMS', 's', '0'], ['XREAD', 'FOO', 'STREAMS', 's', '0'], ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'],
    ['XREAD', 'NOACK', 'STREAMS', 's', '0'], ['XREAD', 'STREAMS', 's', '>'], ['XREAD', 'STREAMS', 's', 'x'], ['XREAD', 'BLOCK', '-1', 'STREAMS', 's', '$'],
    ['XREAD', 'BLOCK', 'x', 'STREAMS', 's', '$'], ['XREAD', 'COUNT', '1'], ['XREAD', 'STREAMS', 's', 's', '0', '1'],
    ['XREADGROUP', 'STREAMS', 's', '0'], ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'], ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'missing', '>'],
    ['XGROUP', 'CREATE', 's', 'g', '0'], ['XGROUP', 'CREATE', 's', 'g', '0'], ['XGROUP', 'CREATE', 'missing', 'g', '$'],
    ['XGROUP', 'CREATE', 'made', 'g', '$', 'MKSTREAM'], ['XINFO', 'STREAM', 'made'], ['XGROUP', 'CREATE', 's', 'g2', '$', 'ENTRIESREAD', '2'],
    ['XGROUP', 'CREATE', 's', 'g3', '0', 'ENTRIESREAD', '-2'], ['XGROUP', 'CREATE', 's', 'g3', '0', 'FOO'], ['XGROUP', 'CREATE', 's', 'g3', 'x'],
    ['XGROUP', 'CREATE', 's'], ['XGROUP', 'CREATE', 's', 'g4', '-'], ['XGROUP', 'FOO'], ['XGROUP', 'HELP'], ['XINFO', 'HELP'], ['XINFO', 'FOO'],
    ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '$'], ['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '1', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'c1', 'STREAMS', 's', '>'], ['XREADGROUP', 'GROUP', 'g', 'c1', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'c1', 'STREAMS', 's', '0'], ['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '1', 'STREAMS', 's', '(1-1'],
    ['XREADGROUP', 'GROUP', 'g', 'c1', 'STREAMS', 's', '1-1'], ['XINFO', 'GROUPS', 's'], ['XPENDING', 's', 'g'],
    ['XACK', 's', 'g', '1-1', '9-9'], ['XACK', 's', 'g', 'x'], ['XACK', 's', 'nog', '1-1'], ['XACK', 'missing', 'g', '1-1'], ['XPENDING', 's', 'g'],
    ['XPENDING', 's', 'nog'], ['XPENDING', 'missing', 'g'], ['XPENDING', 's', 'g', '-', '+'], ['XPENDING', 's', 'g', '-', '+', 'x'],
    ['XPENDING', 's', 'g', 'IDLE', 'x', '-', '+', '1'], ['XPENDING', 's', 'g', 'IDLE', '1'], ['XPENDING', 's', 'g', '-', '+', '0'],
    ['XPENDING', 's', 'g', 'x', '+', '1'], ['XPENDING', 's', 'g', '-', '+', '10', 'nobody'],
    ['XDEL', 's', '2-0'], ['XREADGROUP', 'GROUP', 'g', 'c1', 'STREAMS', 's', '0'], ['XINFO', 'GROUPS', 's'],
    ['XCLAIM', 's', 'g', 'c2', '0', '2-0', '3-0', 'JUSTID'], ['XPENDING', 's', 'g'], ['XCLAIM', 's', 'g', 'c2', 'x', '1-1'],
    ['XCLAIM', 's', 'g', 'c2', '0', '3-0', 'FOO'], ['XCLAIM', 's', 'g', 'c2', '0', '3-0', 'IDLE', 'x'], ['XCLAIM', 's', 'g', 'c2', '0', '3-0', 'RETRYCOUNT', 'x'],
    ['XCLAIM', 's', 'g', 'c2', '0', '3-0', 'LASTID', 'x'], ['XCLAIM', 's', 'nog', 'c2', '0', '3-0'], ['XCLAIM', 's', 'g', 'c3', '0', '1-1', 'FORCE', 'JUSTID'],
    ['XCLAIM', 's', 'g', 'c3', '0', '1-1', 'JUSTID', 'LASTID', '50-0'], ['XINFO', 'GROUPS', 's'], ['XPENDING', 's', 'g'],
    ['XAUTOCLAIM', 's', 'g', 'c4', '0', '0', 'JUSTID'], ['XAUTOCLAIM', 's', 'g', 'c4', '0', '0', 'COUNT', '1', 'JUSTID'],
    ['XAUTOCLAIM', 's', 'g', 'c4', '0', '0', 'COUNT', '0'], ['XAUTOCLAIM', 's', 'g', 'c4', 'x', '0'], ['XAUTOCLAIM', 's', 'g', 'c4', '0', 'x'],
    ['XAUTOCLAIM', 's', 'g', 'c4', '0', '0', 'FOO'], ['XAUTOCLAIM', 's', 'nog', 'c4', '0', '0'], ['XAUTOCLAIM', 'missing', 'g', 'c4', '0', '0'],
    ['XADD', 's', '4-0', 'd', '4'], ['XREADGROUP', 'GROUP', 'g', 'c5', 'NOACK', 'STREAMS', 's', '>'], ['XPENDING', 's', 'g'],
    ['XGROUP', 'SETID', 's', 'g', '0'], ['XGROUP', 'SETID', 's', 'g', '$', 'ENTRIESREAD', '3'], ['XGROUP', 'SETID', 's', 'nog', '0'],
    ['XGROUP', 'SETID', 's', 'g', 'x'], ['XGROUP', 'SETID', 's', 'g', '0', 'ENTRIESREAD', 'x'], ['XGROUP', 'SETID', 's', 'g', '0', 'FOO', '1'],
    ['XGROUP', 'SETID', 'missing', 'g', '0'], ['XINFO', 'GROUPS', 's'], ['XGROUP', 'SETID', 'missing', 'g', '0', 'EX'],
    ['XGROUP', 'CREATE', 'missing', 'g', '0', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM'], ['XGROUP', 'CREATE', 'missing', 'g', '0', 'foo'],
    ['XGROUP', 'CREATECONSUMER', 's', 'g', 'new'], ['XGROUP', 'CREATECONSUMER', 's', 'g', 'new'], ['XGROUP', 'CREATECONSUMER', 's', 'nog', 'new'],
    ['XGROUP', 'DELCONSUMER', 's', 'g', 'c3'], ['XGROUP', 'DELCONSUMER', 's', 'g', 'c3'], ['XGROUP', 'DELCONSUMER', 's', 'nog', 'c3'],
    ['XGROUP', 'DESTROY', 's', 'g2'], ['XGROUP', 'DESTROY', 's', 'g2'], ['XGROUP', 'DESTROY', 'missing', 'g2'], ['XINFO', 'GROUPS', 's'],
    ['XINFO', 'GROUPS', 'missing'], ['XINFO', 'CONSUMERS', 's', 'nog'], ['XINFO', 'CONSUMERS', 'missing', 'g'], ['XINFO', 'STREAM', 's', 'FULLX'],
    ['XINFO', 'STREAM', 's', 'FULL', 'COUNT'], ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', 'x'], ['XINFO', 'STREAM', 's', 'FULL', 'FOO', '1'],
    ['SET', 'str', 'v'], ['XGROUP', 'SETID', 'str', 'g', '0', 'EX'], ['XGROUP', 'SETID', 'str', 'g', '0'], ['XGROUP', 'DESTROY', 'str', 'g'],
    ['XGROUP', 'CREATE', 'str', 'g', '0', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM'], ['XREAD', 'STREAMS', 'str', '0'], ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'str', '>'], ['XGROUP', 'CREATE', 'str', 'g', '0'],
    ['XACK', 'str', 'g', '1-1'], ['XPENDING', 'str', 'g'], ['XCLAIM', 'str', 'g', 'c', '0', '1-1'], ['XAUTOCLAIM', 'str', 'g', 'c', '0', '0'],
    ['XINFO', 'GROUPS', 'str'], ['XINFO', 'CONSUMERS', 'str', 'g'],
    // Generic commands on streams.
    ['TYPE', 's'], ['OBJECT', 'ENCODING', 's'], ['EXISTS', 's'], ['COPY', 's', 'copy'], ['XINFO', 'GROUPS', 'copy'], ['XRANGE', 'copy', '-', '+'],
    ['RENAME', 'copy', 'renamed'], ['XLEN', 'renamed'], ['SCAN', '0', 'TYPE', 'stream', 'COUNT', '100'], ['MOVE', 'renamed', '1'], ['SELECT', '1'],
    ['XLEN', 'renamed'], ['SELECT', '0'], ['UNLINK', 's'], ['DEL', 't'], ['EXISTS', 's', 't'],
    // Wrong arity.
    ['XADD', 's', '1-1'], ['XLEN'], ['XRANGE', 's', '-'], ['XDEL', 's'], ['XTRIM', 's'], ['XSETID', 's'], ['XREAD'], ['XREADGROUP', 'GROUP'],
    ['XACK', 's', 'g'], ['XPENDING', 's'], ['XCLAIM', 's', 'g', 'c', '0'], ['XAUTOCLAIM', 's', 'g', 'c', '0'], ['XGROUP', 'CREATE', 's', 'g'],
    ['XGROUP', 'DESTROY', 's'], ['XINFO', 'STREAM'], ['XINFO', 'GROUPS'], ['XINFO', 'CONSUMERS', 's'],
  ];
  await checkScript(p(), cmds);
});

/** Replaces the integers that count milliseconds since an event (see the header). */
function maskTimes(v: Plain, parentKey = ''): Plain {
  if (Array.isArray(v)) {
    // XPENDING extended rows: [id, consumer, idle, deliveries]; FULL pending rows: [id, consumer?, time, count].
    const out: Plain[] = [];
    for (let i = 0; i < v.length; i++) {
      const prev = i > 0 ? v[i - 1] : null;
      if (typeof prev === 'string' && (prev === 'idle' || prev === 'seen-time')) out.push('<time>');
      else out.push(maskTimes(v[i], typeof prev === 'string' ? prev : parentKey));
    }
    if (parentKey === 'pending' && v.length >= 3 && typeof v[0] === 'string' && /^\d+-\d+$/.test(v[0])) out[v.length - 2] = '<time>';
    if (parentKey === 'xpending' && v.length === 4 && typeof v[2] === 'bigint') out[2] = '<time>';
    return out;
  }
  if (v instanceof Map) {
    const out = new Map<string, Plain>();
    for (const [k, x] of v) out.set(k, k === 'idle' || k === 'seen-time' ? '<time>' : maskTimes(x, k));
    return out;
  }
  return v;
}

async function timedScenario(server: ServerHandle, protocol: 2 | 3): Promise<Plain[]> {
  const c = await server.connect();
  try {
    if (protocol === 3) await c.call(['HELLO', '3']);
    await c.call(['FLUSHALL']);
    const out: Plain[] = [];
    const run = async (cmd: Cmd, tag = ''): Promise<void> => {
      out.push(maskTimes(toPlain((await c.call(cmd)).value), tag));
    };
    for (let i = 1; i <= 5; i++) await run(['XADD', 's', `${i}-0`, 'f', String(i)]);
    await run(['XGROUP', 'CREATE', 's', 'g', '0']);
    await run(['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>']);
    await run(['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>']);
    for (const cmd of [['XPENDING', 's', 'g', '-', '+', '10'], ['XPENDING', 's', 'g', '-', '+', '10', 'bob'], ['XPENDING', 's', 'g', 'IDLE', '0', '(1-0', '+', '2']] as Cmd[]) {
      const rows = toPlain((await c.call(cmd)).value) as Plain[];
      out.push(rows.map((r) => maskTimes(r, 'xpending')));
    }
    await run(['XPENDING', 's', 'g', 'IDLE', '100000', '-', '+', '10']);
    await run(['XCLAIM', 's', 'g', 'carol', '0', '1-0', '2-0', 'RETRYCOUNT', '7']);
    await run(['XCLAIM', 's', 'g', 'carol', '100000', '3-0']);
    await run(['XAUTOCLAIM', 's', 'g', 'dave', '0', '0', 'COUNT', '2']);
    await run(['XINFO', 'CONSUMERS', 's', 'g']);
    await run(['XINFO', 'STREAM', 's', 'FULL']);
    await run(['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '1']);
    return out;
  } finally {
    c.close();
  }
}

test('time-dependent replies: XPENDING extended, XCLAIM, XAUTOCLAIM, XINFO CONSUMERS, XINFO STREAM FULL', async () => {
  const pair = p();
  await assertSameScenario(pair, timedScenario);
});

test('streams from scripts: EVAL reaches the stream commands; BLOCK is refused there', async () => {
  const cmds: Cmd[] = [
    ['EVAL', "redis.call('XADD', KEYS[1], 'MAXLEN', '~', '10', '5-1', 'f', 'v'); return redis.call('XRANGE', KEYS[1], '-', '+')", '1', 'ls'],
    ['EVAL', "return redis.call('XADD', KEYS[1], '1-1', 'f', 'v')", '1', 'ls'],
    ['EVAL', "return redis.pcall('XADD', KEYS[1], '1-1', 'f', 'v')", '1', 'ls'],
    ['EVAL', "return {redis.call('XLEN', KEYS[1]), redis.call('XTRIM', KEYS[1], 'MAXLEN', '0'), redis.call('XDEL', KEYS[1], '5-1')}", '1', 'ls'],
    ['EVAL', "return redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)", '1', 'ls'],
    ['EVAL', "return redis.call('XREAD', 'STREAMS', KEYS[1], '0')", '1', 'ls'],
    ['EVAL', "return redis.pcall('XREAD', 'BLOCK', '0', 'STREAMS', KEYS[1], '$')", '1', 'ls'],
    ['EVAL', "return redis.pcall('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '10', 'STREAMS', KEYS[1], '>')", '1', 'ls'],
    ['MULTI'], ['XREAD', 'BLOCK', '0', 'STREAMS', 'ls', '$'], ['XADD', 'ls', '9-9', 'a', 'b'], ['EXEC'],
  ];
  await checkScript(p(), cmds);
});

test('random sequences (RESP2 and RESP3)', async () => {
  const scale = randomScale();
  for (const seed of seedsFromEnv([11, 12, 13])) {
    await checkRandom(p(), [seed], Math.round(400 * scale), streamCommandGenerator(), { modes: ['pipelined'], compareStateOf: [0] });
  }
});

test('keyspace notifications (class t), WATCH, CLIENT TRACKING invalidations', async () => {
  const steps: StreamStep[] = [
    [1, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']], [0, ['PSUBSCRIBE', '__key*__:*']],
    ...([
      ['XADD', 's', '1-1', 'a', '1'], ['XADD', 's', 'MAXLEN', '1', '2-0', 'b', '2'], ['XADD', 's', '2-0', 'b', '2'], ['XADD', 'n', 'NOMKSTREAM', '1-1', 'a', 'b'],
      ['XDEL', 's', '9-9'], ['XDEL', 's', '2-0'], ['XADD', 's', '3-0', 'c', '3'], ['XTRIM', 's', 'MAXLEN', '5'], ['XTRIM', 's', 'MAXLEN', '0'],
      ['XSETID', 's', '10-0'], ['XGROUP', 'CREATE', 's', 'g', '0'], ['XGROUP', 'CREATE', 'm', 'g', '$', 'MKSTREAM'], ['XGROUP', 'SETID', 's', 'g', '$'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'], ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'], ['XADD', 's', '11-0', 'd', '4'],
      ['XGROUP', 'SETID', 's', 'g', '0'], ['XREADGROUP', 'GROUP', 'g', 'fresh', 'STREAMS', 's', '>'], ['XACK', 's', 'g', '11-0'],
      ['XCLAIM', 's', 'g', 'other', '0', '11-0', 'FORCE', 'JUSTID'], ['XAUTOCLAIM', 's', 'g', 'third', '0', '0', 'JUSTID'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'c'], ['XGROUP', 'DELCONSUMER', 's', 'g', 'nobody'], ['XGROUP', 'DESTROY', 's', 'g'], ['XGROUP', 'DESTROY', 's', 'g'],
      ['XREAD', 'STREAMS', 'missing', '0'], ['XRANGE', 'missing', '-', '+'], ['RENAME', 's', 's2'], ['DEL', 's2', 'm'],
    ] as Cmd[]).map((c): StreamStep => [1, c]),
  ];
  await checkStreams(p(), 2, steps, 'stream notifications');
  // WATCH: every stream write invalidates, a read does not; tracking sends invalidations for a
  // stream that was read and then written.
  const watchSteps: StreamStep[] = [];
  const writes: Cmd[] = [
    ['XADD', 'w', '5-0', 'f', 'v'], ['XDEL', 'w', '1-0'], ['XTRIM', 'w', 'MAXLEN', '0'], ['XSETID', 'w', '9-0'], ['XGROUP', 'CREATE', 'w', 'g', '0'],
    ['XGROUP', 'SETID', 'w', 'g', '0'], ['XGROUP', 'CREATECONSUMER', 'w', 'g', 'c'], ['XACK', 'w', 'g', '1-0'], ['XLEN', 'w'], ['XINFO', 'STREAM', 'w'],
  ];
  watchSteps.push([0, ['XADD', 'w', '1-0', 'f', 'v']]);
  for (const w of writes) watchSteps.push([0, ['WATCH', 'w']], [1, w], [0, ['MULTI']], [0, ['PING']], [0, ['EXEC']]);
  watchSteps.push([1, ['CLIENT', 'TRACKING', 'ON']], [1, ['XRANGE', 'w', '-', '+']], [0, ['XADD', 'w', '20-0', 'a', 'b']],
    [1, ['XLEN', 'w']], [0, ['XTRIM', 'w', 'MAXLEN', '0']], [1, ['XREAD', 'STREAMS', 'w', '0']], [0, ['XSETID', 'w', '30-0']]);
  await checkStreams(p(), 2, watchSteps, 'stream watch/tracking');
});

// ---- blocking ------------------------------------------------------------------------------------

async function blockingScenario(server: ServerHandle, protocol: 2 | 3): Promise<Plain[]> {
  const conns: Connection[] = [];
  const open = async (): Promise<Connection> => {
    const c = await server.connect();
    if (protocol === 3) await c.call(['HELLO', '3']);
    conns.push(c);
    return c;
  };
  try {
    const out: Plain[] = [];
    const ctl = await open();
    await ctl.call(['FLUSHALL']);
    const w1 = await open();
    const w2 = await open();
    const w3 = await open();
    const read = async (c: Connection): Promise<void> => {
      out.push(toPlain((await c.read(3000)).value));
    };
    // Two readers of `$` on one key, forever: one XADD serves both with that entry only.
    w1.send('XREAD', 'BLOCK', '0', 'STREAMS', 'q', '$');
    await sleep(50);
    w2.send('XREAD', 'COUNT', '5', 'BLOCK', '0', 'STREAMS', 'other', 'q', '$', '$');
    await sleep(50);
    out.push(toPlain((await ctl.call(['XADD', 'q', '1-1', 'a', '1'])).value));
    await read(w1);
    await read(w2);
    // `$` means the last ID when the reader blocked, even if more entries arrive before serving.
    await ctl.call(['XADD', 'q', '2-0', 'b', '2']);
    w1.send('XREAD', 'BLOCK', '0', 'STREAMS', 'q', '$');
    await sleep(50);
    ctl.send('XADD', 'q', '3-0', 'c', '3');
    ctl.send('XADD', 'q', '4-0', 'd', '4');
    out.push(toPlain((await ctl.read()).value), toPlain((await ctl.read()).value));
    await read(w1);
    // An explicit ID below the top serves at once; above it waits.
    out.push(toPlain((await w3.call(['XREAD', 'BLOCK', '0', 'STREAMS', 'q', '2-0'])).value));
    w3.send('XREAD', 'BLOCK', '0', 'STREAMS', 'q', '10-0');
    await sleep(50);
    out.push(toPlain((await ctl.call(['XADD', 'q', '5-0', 'e', '5'])).value));
    out.push(toPlain((await ctl.call(['XADD', 'q', '11-0', 'f', '6'])).value));
    await read(w3);
    // Timeouts (milliseconds) answer a null array.
    w2.send('XREAD', 'BLOCK', '100', 'STREAMS', 'never', '$');
    await read(w2);
    w2.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '100', 'STREAMS', 'q', '>');
    await read(w2);
    // A stream created by XADD on a missing key serves a reader of `$`.
    w1.send('XREAD', 'BLOCK', '0', 'STREAMS', 'made', '$');
    await sleep(50);
    out.push(toPlain((await ctl.call(['XADD', 'made', '1-0', 'x', 'y'])).value));
    await read(w1);
    // Consumer groups: two consumers wait for new entries; each XADD serves one, in order.
    out.push(toPlain((await ctl.call(['XGROUP', 'CREATE', 'q', 'g', '$'])).value));
    w1.send('XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 'q', '>');
    await sleep(50);
    w2.send('XREADGROUP', 'GROUP', 'g', 'c2', 'COUNT', '10', 'BLOCK', '0', 'STREAMS', 'q', '>');
    await sleep(50);
    out.push(toPlain((await ctl.call(['XADD', 'q', '12-0', 'g', '7'])).value));
    await read(w1);
    out.push(toPlain((await ctl.call(['XADD', 'q', '13-0', 'h', '8'])).value));
    await read(w2);
    out.push(toPlain((await ctl.call(['XPENDING', 'q', 'g'])).value));
    out.push(toPlain((await ctl.call(['XINFO', 'GROUPS', 'q'])).value));
    // A group destroyed under a blocked reader: it is told at once.
    w1.send('XREADGROUP', 'GROUP', 'g', 'c9', 'BLOCK', '0', 'STREAMS', 'q', '>');
    await sleep(50);
    out.push(toPlain((await ctl.call(['XGROUP', 'DESTROY', 'q', 'g'])).value));
    await read(w1);
    // A key waited on that becomes a list serves nobody: the reader times out.
    w2.send('XREAD', 'BLOCK', '300', 'STREAMS', 'becomes', '$');
    await sleep(50);
    out.push(toPlain((await ctl.call(['RPUSH', 'becomes', 'x'])).value));
    await read(w2);
    // A reader on a key of another type gets WRONGTYPE at once.
    await ctl.call(['SET', 'str', 'v']);
    out.push(toPlain((await w3.call(['XREAD', 'BLOCK', '0', 'STREAMS', 'str', '$'])).value));
    return out;
  } finally {
    for (const c of conns) c.close();
  }
}

test('blocking: XREAD/XREADGROUP with several clients, $, timeouts, groups', async () => {
  const pair = p();
  await assertSameScenario(pair, blockingScenario);
});

test.run();
