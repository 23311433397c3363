/**
 * The command table against real Redis 7.0: for every command and subcommand in our table, the
 * COMMAND INFO reply our handler writes must equal redis-server's byte for byte (RESP2 and RESP3),
 * and COMMAND DOCS must have the same structure and facts (only the summary wording is ours).
 * GETKEYS/GETKEYSANDFLAGS, LIST filters and HELP are compared on sample command lines.
 *
 * Two legitimate differences are normalised, nothing else:
 * - Redis keeps subcommands in a hash table seeded at random per process, so their order changes
 *   from one redis-server start to the next: subcommand lists are compared by name.
 * - CLIENT and CONFIG list only the subcommands RustyPotato implements: Redis's extra ones are
 *   dropped before comparing, and each of ours must exist in Redis (except the two newer than 7.0).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Connection } from './support/connection';
import { encodeValue, parseAll, textOf, type RespValue } from './support/resp';
import { ReplyWriter } from '../ts/protocol/reply';
import type { CommandContext, CommandSpec, TsHandler } from '../ts/commands/types';
import { allCommandSpecs } from '../ts/commands/table';
import {
  commandHandlers,
  lookupCommandByFullName,
  setCommandTable,
} from '../ts/commands/command-command';

/** Subcommands that Redis 7.0 does not have (7.2 facts); compared with nothing. */
const NEWER_THAN_7_0 = new Set(['client|setinfo', 'client|no-touch']);

const allSpecs: CommandSpec[] = allCommandSpecs();
setCommandTable(allSpecs);

const everySpec: CommandSpec[] = [];
for (const spec of allSpecs) {
  everySpec.push(spec);
  for (const sub of spec.subcommands ?? []) everySpec.push(sub);
}

// ---------------------------------------------------------------------------------------------
// redis-server lifecycle

let redis: ChildProcess | null = null;
let resp2: Connection;
let resp3: Connection;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<number> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  redis = child;
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      const probe = await Connection.connect(port, { timeoutMs: 500 });
      probe.close();
      return port;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('redis-server did not start within 10 s');
}

function stopRedis(): void {
  if (redis !== null && redis.exitCode === null) redis.kill('SIGKILL');
  redis = null;
}
process.on('exit', stopRedis);

test.before(async () => {
  const port = await startRedis();
  resp2 = await Connection.connect(port);
  resp3 = await Connection.connect(port);
  const hello = await resp3.call(['HELLO', '3']);
  assert.is(hello.value.type, 'map', 'HELLO 3 answers a map');
});

test.after(() => {
  resp2?.close();
  resp3?.close();
  stopRedis();
});

// ---------------------------------------------------------------------------------------------
// Running our handlers outside a server

/** Runs one of our COMMAND handlers and returns the bytes it wrote. */
function ours(resp: 2 | 3, ...args: string[]): Buffer {
  const reply = new ReplyWriter(resp);
  // The COMMAND handlers only touch ctx.reply.
  const ctx = { reply } as unknown as CommandContext;
  const argv = args.map((a) => Buffer.from(a));
  let name = 'command';
  if (argv.length > 1) name = 'command|' + args[1].toLowerCase();
  const handler: TsHandler | undefined = commandHandlers[name];
  if (handler === undefined) throw new Error(`no handler ${name}`);
  handler(ctx, argv);
  return reply.take();
}

function parseOne(bytes: Buffer): RespValue {
  const replies = parseAll(bytes);
  assert.is(replies.length, 1, 'exactly one reply');
  return replies[0].value;
}

// ---------------------------------------------------------------------------------------------
// Normalisation helpers (see the header for what is normalised and why)

/** Key/value pairs of a map (RESP3) or of a flattened map (RESP2). */
function pairsOf(v: RespValue): Array<[RespValue, RespValue]> {
  if (v.type === 'map') return v.value;
  if (v.type === 'array' && v.value !== null) {
    const out: Array<[RespValue, RespValue]> = [];
    for (let i = 0; i + 1 < v.value.length; i += 2) out.push([v.value[i], v.value[i + 1]]);
    return out;
  }
  throw new Error(`not a map: ${encodeValue(v).toString('latin1').slice(0, 200)}`);
}

function withPairs(like: RespValue, pairs: Array<[RespValue, RespValue]>): RespValue {
  if (like.type === 'map') return { type: 'map', value: pairs };
  return { type: 'array', value: pairs.flat() };
}

function subcommandFilter(container: string): (name: string) => boolean {
  const spec = lookupCommandByFullName(container);
  const known = new Set((spec?.subcommands ?? []).map((s) => s.name));
  return (name) => known.has(name) && !NEWER_THAN_7_0.has(name);
}

/** COMMAND INFO entry with its subcommand list sorted by name and cut to our subcommands. */
function normaliseInfo(entry: RespValue): RespValue {
  if (entry.type !== 'array' || entry.value === null || entry.value.length !== 10) return entry;
  const subs = entry.value[9];
  if (subs.type !== 'array' || subs.value === null) return entry;
  const keep = subcommandFilter(textOf(entry.value[0]) ?? '');
  const nameOf = (e: RespValue): string => (e.type === 'array' && e.value ? textOf(e.value[0]) ?? '' : '');
  const sorted = subs.value
    .filter((e) => keep(nameOf(e)))
    .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  return { type: 'array', value: [...entry.value.slice(0, 9), { type: 'array', value: sorted }] };
}

/** COMMAND DOCS value with summaries checked and blanked, subcommands sorted and cut to ours. */
function normaliseDocs(docs: RespValue, command: string): RespValue {
  const pairs = pairsOf(docs).map(([k, v]): [RespValue, RespValue] => {
    const key = textOf(k);
    if (key === 'summary') {
      const text = textOf(v) ?? '';
      assert.ok(text.trim().length > 0, `${command}: summary must be non-empty`);
      return [k, { type: 'bulk', value: Buffer.from('<summary>') }];
    }
    if (key === 'subcommands') {
      const keep = subcommandFilter(command);
      const subs = pairsOf(v)
        .filter(([name]) => keep(textOf(name) ?? ''))
        .map(([name, sub]): [RespValue, RespValue] => [name, normaliseDocs(sub, textOf(name) ?? '')])
        .sort((a, b) => (textOf(a[0]) ?? '').localeCompare(textOf(b[0]) ?? ''));
      return [k, withPairs(v, subs)];
    }
    return [k, v];
  });
  return withPairs(docs, pairs);
}

function show(v: RespValue | Buffer): string {
  const b = Buffer.isBuffer(v) ? v : encodeValue(v);
  return b.toString('latin1').replace(/\r\n/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// COMMAND INFO, every command and subcommand, both protocols

for (const spec of everySpec) {
  if (NEWER_THAN_7_0.has(spec.name)) {
    test(`COMMAND INFO ${spec.name}: skipped, newer than Redis 7.0 (carries 7.2 facts)`, () => {
      const bytes = ours(3, 'COMMAND', 'INFO', spec.name);
      assert.ok(bytes.length > 0);
    });
    continue;
  }
  test(`COMMAND INFO ${spec.name} equals Redis 7.0 (RESP2 and RESP3)`, async () => {
    for (const [resp, conn] of [[2, resp2], [3, resp3]] as const) {
      const theirs = await conn.call(['COMMAND', 'INFO', spec.name]);
      const mine = ours(resp, 'COMMAND', 'INFO', spec.name);
      const theirValue = theirs.value;
      assert.is(theirValue.type, 'array');
      const theirEntry = theirValue.type === 'array' && theirValue.value ? theirValue.value[0] : undefined;
      assert.ok(theirEntry !== undefined && theirEntry.type === 'array' && theirEntry.value !== null,
        `redis-server knows ${spec.name}`);
      if (spec.subcommands === undefined) {
        // No ordering freedom at all: the bytes must be identical.
        assert.is(show(mine), show(theirs.raw), `RESP${resp} bytes of COMMAND INFO ${spec.name}`);
      } else {
        const mineValue = parseOne(mine);
        const a = mineValue.type === 'array' && mineValue.value ? mineValue.value[0] : mineValue;
        assert.is(show(normaliseInfo(a)), show(normaliseInfo(theirEntry)), `RESP${resp} COMMAND INFO ${spec.name}`);
        // Every subcommand of ours exists in Redis (apart from the newer ones).
        const theirSubs = theirEntry.type === 'array' && theirEntry.value ? theirEntry.value[9] : undefined;
        const theirNames = new Set(
          (theirSubs?.type === 'array' && theirSubs.value ? theirSubs.value : []).map((e) =>
            e.type === 'array' && e.value ? textOf(e.value[0]) : '',
          ),
        );
        for (const sub of spec.subcommands) {
          if (!NEWER_THAN_7_0.has(sub.name)) assert.ok(theirNames.has(sub.name), `redis-server has ${sub.name}`);
        }
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// COMMAND DOCS, every command and subcommand, both protocols

for (const spec of everySpec) {
  if (NEWER_THAN_7_0.has(spec.name)) {
    test(`COMMAND DOCS ${spec.name}: skipped, newer than Redis 7.0 (carries 7.2 facts)`, () => {
      const v = parseOne(ours(3, 'COMMAND', 'DOCS', spec.name));
      assert.is(v.type, 'map');
    });
    continue;
  }
  test(`COMMAND DOCS ${spec.name} has Redis 7.0's structure (RESP2 and RESP3)`, async () => {
    for (const [resp, conn] of [[2, resp2], [3, resp3]] as const) {
      const theirs = (await conn.call(['COMMAND', 'DOCS', spec.name])).value;
      const mine = parseOne(ours(resp, 'COMMAND', 'DOCS', spec.name));
      const [theirPair] = pairsOf(theirs);
      const [minePair] = pairsOf(mine);
      assert.ok(theirPair !== undefined, `redis-server documents ${spec.name}`);
      assert.is(textOf(minePair[0]), textOf(theirPair[0]), 'documented name');
      assert.is(
        show(normaliseDocs(minePair[1], spec.name)),
        show(normaliseDocs(theirPair[1], spec.name)),
        `RESP${resp} COMMAND DOCS ${spec.name}`,
      );
    }
  });
}

test('our summaries are our own wording (none equals Redis 7.0)', async () => {
  for (const spec of everySpec) {
    if (NEWER_THAN_7_0.has(spec.name)) continue;
    const [[, docs]] = pairsOf((await resp3.call(['COMMAND', 'DOCS', spec.name])).value);
    const summary = pairsOf(docs).find(([k]) => textOf(k) === 'summary');
    assert.is.not(textOf(summary?.[1] ?? { type: 'null' }), spec.summary, `${spec.name} summary`);
  }
});

// ---------------------------------------------------------------------------------------------
// Whole replies with several names, unknown names, and the other subcommands

async function sameBytes(...args: string[]): Promise<void> {
  for (const [resp, conn] of [[2, resp2], [3, resp3]] as const) {
    const theirs = await conn.call(args);
    assert.is(show(ours(resp, ...args)), show(theirs.raw), `RESP${resp} ${args.join(' ')}`);
  }
}

test('COMMAND INFO with several names, case-insensitive, unknown ones null', async () => {
  await sameBytes('COMMAND', 'INFO', 'get', 'NoSuchCommand', 'SET', 'Client|List', 'get|x', 'object|nosuch');
  await sameBytes('COMMAND', 'INFO', 'object|ENCODING', 'a|b|c', '');
});

test('COMMAND DOCS skips unknown names', async () => {
  await sameBytes('COMMAND', 'DOCS', 'nosuch');
  await sameBytes('COMMAND', 'DOCS', 'nosuch', 'get|x', 'a|b|c');
  const args = ['COMMAND', 'DOCS', 'nosuch', 'get', 'GETSET', 'object|freq', 'Client|Kill'];
  for (const [resp, conn] of [[2, resp2], [3, resp3]] as const) {
    const theirs = pairsOf((await conn.call(args)).value);
    const mine = pairsOf(parseOne(ours(resp, ...args)));
    assert.equal(mine.map(([k]) => textOf(k)), theirs.map(([k]) => textOf(k)), 'documented names');
    for (let i = 0; i < mine.length; i++) {
      const name = textOf(mine[i][0]) ?? '';
      assert.is(show(normaliseDocs(mine[i][1], name)), show(normaliseDocs(theirs[i][1], name)), `RESP${resp} ${name}`);
    }
  }
});

test('COMMAND HELP', async () => {
  await sameBytes('COMMAND', 'HELP');
  await sameBytes('command', 'help');
});

test('COMMAND GETKEYS and GETKEYSANDFLAGS on sample command lines', async () => {
  const lines: string[][] = [
    ['get', 'k'],
    ['GET', 'k'],
    ['set', 'k', 'v'],
    ['set', 'k', 'v', 'EX', '10', 'get'],
    ['set', 'k', 'v', 'GETX'],
    ['mset', 'a', '1', 'b', '2', 'c'],
    ['mget', 'a', 'b', 'c'],
    ['msetnx', 'a', '1'],
    ['del', 'a', 'b'],
    ['rename', 'a', 'b'],
    ['renamenx', 'a', 'b'],
    ['copy', 'a', 'b', 'DB', '1', 'REPLACE'],
    ['lcs', 'a', 'b', 'LEN'],
    ['object', 'encoding', 'k'],
    ['OBJECT', 'FREQ', 'k'],
    ['expire', 'k', '10', 'NX'],
    ['getex', 'k', 'PERSIST'],
    ['touch', 'a'],
    // Errors: no key arguments, unknown command, unknown subcommand, arity. (Lines shorter than
    // two words fail COMMAND GETKEYS's own arity check, which the dispatcher answers.)
    ['ping', 'x'],
    ['client', 'list'],
    ['command', 'info'],
    ['nosuchcommand', 'a'],
    ['object', 'nosuch', 'k'],
    ['object', 'help'],
    ['get', 'a', 'b'],
    ['mset', 'a'],
    ['mset', 'a', 'b', 'c', 'd', 'e'],
    ['object', 'encoding'],
    ['expire', 'k'],
  ];
  for (const line of lines) {
    await sameBytes('COMMAND', 'GETKEYS', ...line);
    await sameBytes('COMMAND', 'GETKEYSANDFLAGS', ...line);
  }
});

test('COMMAND LIST filters and syntax errors', async () => {
  await sameBytes('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x');
  await sameBytes('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuchcategory');
  await sameBytes('COMMAND', 'LIST', 'FILTERBY', 'xx', 'y');
  await sameBytes('COMMAND', 'LIST', 'FOO');
  await sameBytes('COMMAND', 'LIST', 'FILTERBY', 'PATTERN');
  const ourNames = new Set(everySpec.map((s) => s.name).filter((n) => !NEWER_THAN_7_0.has(n)));
  const filters: string[][] = [
    [],
    ['FILTERBY', 'PATTERN', 'get*'],
    ['FILTERBY', 'PATTERN', '*|*'],
    ['FILTERBY', 'PATTERN', 'CLIENT|[g-i]*'],
    ['FILTERBY', 'PATTERN', '[^a-r]???'],
    ['FILTERBY', 'PATTERN', 'p\\*ttl'],
    ['FILTERBY', 'ACLCAT', 'connection'],
    ['FILTERBY', 'ACLCAT', 'STRING'],
    ['FILTERBY', 'ACLCAT', 'dangerous'],
  ];
  for (const f of filters) {
    for (const [resp, conn] of [[2, resp2], [3, resp3]] as const) {
      const theirs = (await conn.call(['COMMAND', 'LIST', ...f])).value;
      const mine = parseOne(ours(resp, 'COMMAND', 'LIST', ...f));
      const names = (v: RespValue): string[] =>
        (v.type === 'array' && v.value ? v.value : []).map((e) => textOf(e) ?? '').sort();
      // Redis has more commands than we do: compare with its answer restricted to ours.
      const expected = names(theirs).filter((n) => ourNames.has(n));
      assert.equal(names(mine).filter((n) => !NEWER_THAN_7_0.has(n)), expected, `COMMAND LIST ${f.join(' ')}`);
    }
  }
});

test('bare COMMAND and COMMAND INFO without names describe every top-level command', () => {
  for (const resp of [2, 3] as const) {
    const all = parseOne(ours(resp, 'COMMAND'));
    assert.is(all.type, 'array');
    const names = (all.type === 'array' && all.value ? all.value : []).map((e) =>
      e.type === 'array' && e.value ? textOf(e.value[0]) : '',
    );
    assert.equal(names, allSpecs.map((s) => s.name));
    assert.is(show(ours(resp, 'COMMAND', 'INFO')), show(ours(resp, 'COMMAND')));
    const count = parseOne(ours(resp, 'COMMAND', 'COUNT'));
    assert.equal(count, { type: 'integer', value: BigInt(allSpecs.length) });
    const docs = parseOne(ours(resp, 'COMMAND', 'DOCS'));
    assert.is(pairsOf(docs).length, allSpecs.length);
  }
});

test('setCommandTable rejects names Redis does not know', () => {
  const bad: CommandSpec = { ...allSpecs[0], name: 'bad', acl: ['strings'] };
  assert.throws(() => setCommandTable([bad]), /unknown ACL category 'strings'/);
  const badFlag: CommandSpec = { ...allSpecs[0], name: 'bad', keySpecs: [{ ...allSpecs[0].keySpecs![0], flags: ['RX'] }] };
  assert.throws(() => setCommandTable([badFlag]), /unknown key-spec flag 'RX'/);
  setCommandTable(allSpecs);
});

test.run();
