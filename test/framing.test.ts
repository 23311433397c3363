/** Unit tests of the request framer (ts/server/framing.ts): offsets, splits at every byte, errors. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ParseStatus, RequestParser, parseStrictInt, splitInlineArgs } from '../ts/server/framing';

function resp(...args: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Feeds `input` in pieces the way Client does and returns every command's arguments (as strings). */
function frameAll(input: Buffer, cuts: number[]): { commands: string[][]; status: ParseStatus; error: string } {
  const parser = new RequestParser();
  const commands: string[][] = [];
  let pending = Buffer.alloc(0);
  let status = ParseStatus.NeedMore;
  const points = [...cuts, input.length];
  let prev = 0;
  for (const cut of points) {
    pending = Buffer.concat([pending, input.subarray(prev, cut)]);
    prev = cut;
    let pos = 0;
    for (;;) {
      status = parser.parse(pending, pos, pending.length);
      const input = parser.inlineBatch ? parser.scratch.buf : pending;
      for (let f = 0, n = 0; n < parser.commands; n++) {
        const argc = parser.frames[f];
        const args: string[] = [];
        for (let i = 0; i < argc; i++) {
          const off = parser.frames[f + 1 + 2 * i];
          args.push(input.toString('latin1', off, off + parser.frames[f + 2 + 2 * i]));
        }
        commands.push(args);
        f += 1 + 2 * argc;
      }
      pos = parser.pos;
      if (status === ParseStatus.BatchFull) continue;
      break;
    }
    if (status === ParseStatus.Error) return { commands, status, error: parser.error };
    pending = pending.subarray(pos);
  }
  return { commands, status, error: '' };
}

const pipeline = Buffer.concat([
  resp('SET', 'key', 'value'),
  resp('GET', 'key'),
  Buffer.from('PING "a b" \'c\'\r\n'),
  resp('ECHO', Buffer.from([0, 13, 10, 255])),
  resp(''),
  Buffer.from('\r\n'),
  Buffer.from('*0\r\n*-1\r\n'),
  resp('MSET', 'a', '1', 'b', '2'),
]);
const expected = [
  ['SET', 'key', 'value'],
  ['GET', 'key'],
  ['PING', 'a b', 'c'],
  ['ECHO', '\x00\r\n\xff'],
  [''],
  ['MSET', 'a', '1', 'b', '2'],
];

test('a pipeline frames into the expected commands in one piece', () => {
  const r = frameAll(pipeline, []);
  assert.equal(r.commands, expected);
  assert.is(r.status, ParseStatus.NeedMore);
});

test('the same pipeline split at every single byte boundary frames the same', () => {
  for (let cut = 1; cut < pipeline.length; cut++) {
    assert.equal(frameAll(pipeline, [cut]).commands, expected, `split at ${cut}`);
  }
});

test('fed one byte at a time it frames the same', () => {
  const cuts = Array.from({ length: pipeline.length - 1 }, (_, i) => i + 1);
  assert.equal(frameAll(pipeline, cuts).commands, expected);
});

test('a large declared bulk reports exactly how many bytes are needed', () => {
  const parser = new RequestParser();
  const head = Buffer.from('*2\r\n$3\r\nSET\r\n$100000\r\nabc');
  assert.is(parser.parse(head, 0, head.length), ParseStatus.NeedMore);
  assert.is(parser.pos, 0);
  // "*2\r\n" + "$3\r\n" + "SET\r\n" + "$100000\r\n" + payload + "\r\n"
  assert.is(parser.needBytes, 4 + 4 + 5 + 9 + 100000 + 2);
});

const errors: Array<[string, string]> = [
  ['*abc\r\n', 'Protocol error: invalid multibulk length'],
  ['*03\r\n', 'Protocol error: invalid multibulk length'],
  ['*3000000000\r\n', 'Protocol error: invalid multibulk length'],
  ['*1\r\n+foo\r\n', "Protocol error: expected '$', got '+'"],
  ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length'],
  ['*1\r\n$x\r\n', 'Protocol error: invalid bulk length'],
  ['*1\r\n$600000000\r\n', 'Protocol error: invalid bulk length'],
  ['SET "a\r\n', 'Protocol error: unbalanced quotes in request'],
  ['SET "a"b\r\n', 'Protocol error: unbalanced quotes in request'],
  ["GET 'x\r\n", 'Protocol error: unbalanced quotes in request'],
];

for (const [input, message] of errors) {
  test(`malformed ${JSON.stringify(input)} -> ${message}`, () => {
    const r = frameAll(Buffer.from(input), []);
    assert.is(r.status, ParseStatus.Error);
    assert.is(r.error, message);
  });
}

test('oversized headers and inline lines are refused without waiting for the end', () => {
  const big = Buffer.alloc(70 * 1024, 'a');
  assert.is(frameAll(big, []).error, 'Protocol error: too big inline request');
  assert.is(frameAll(Buffer.concat([Buffer.from('*1'), Buffer.alloc(70 * 1024, '1')]), []).error, 'Protocol error: too big mbulk count string');
  assert.is(frameAll(Buffer.concat([Buffer.from('*1\r\n$1'), Buffer.alloc(70 * 1024, '1')]), []).error, 'Protocol error: too big bulk count string');
});

test('consecutive inline commands form one batch over the scratch bytes', () => {
  const parser = new RequestParser();
  const input = Buffer.from('PING\r\nECHO "a\\x41"\r\nPING\r\n*1\r\n$4\r\nPING\r\n');
  assert.is(parser.parse(input, 0, input.length), ParseStatus.BatchFull);
  assert.ok(parser.inlineBatch);
  assert.is(parser.commands, 3);
  assert.is(parser.scratch.buf.toString('latin1', parser.frames[6], parser.frames[6] + parser.frames[7]), 'aA');
  assert.is(parser.parse(input, parser.pos, input.length), ParseStatus.NeedMore);
  assert.not.ok(parser.inlineBatch);
  assert.is(parser.commands, 1);
});

test('commands before a protocol error are still framed', () => {
  const r = frameAll(Buffer.concat([resp('PING'), Buffer.from('*1\r\n$x\r\n')]), []);
  assert.equal(r.commands, [['PING']]);
  assert.is(r.status, ParseStatus.Error);
});

test('strict integers follow string2ll', () => {
  const p = (s: string): number | null => parseStrictInt(Buffer.from(s), 0, s.length);
  assert.is(p('0'), 0);
  assert.is(p('-12'), -12);
  assert.is(p('007'), null);
  assert.is(p('+1'), null);
  assert.is(p('-'), null);
  assert.is(p(''), null);
  assert.is(p('1 '), null);
  assert.is(p('99999999999999999999'), null);
});

test('inline splitting handles quotes and escapes like sdssplitargs', () => {
  const s = (line: string): string[] | null => {
    const r = splitInlineArgs(Buffer.from(line, 'latin1'), 0, Buffer.byteLength(line, 'latin1'));
    return r === null ? null : r.map((b) => b.toString('latin1'));
  };
  assert.equal(s('  set  a   b '), ['set', 'a', 'b']);
  assert.equal(s('set "a\\x41\\n" \'it\\\'s\''), ['set', 'aA\n', "it's"]);
  assert.equal(s('echo ""'), ['echo', '']);
  assert.equal(s('a"b c"'), ['ab c']);
  assert.is(s('"unterminated'), null);
});

test.run();
