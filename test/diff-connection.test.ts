/**
 * Differential tests of the connection and server commands against real redis-server: PING, ECHO,
 * HELLO, RESET, QUIT, AUTH, CLIENT, COMMAND, CONFIG, INFO, TIME, DEBUG, unknown commands and the
 * wrong-arity error of every command both servers know.
 *
 * CLIENT SETINFO and CLIENT NO-TOUCH arrived in Redis 7.2 (the oracle is 7.0, where they are
 * unknown subcommands); the issue asks for them because clients send them, so they are checked
 * against 7.2's documented behaviour rather than differentially.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Connection } from './support/connection';
import { Cmd, DiffSession, clientFields } from './support/diff';
import { checkScript, compareRaw, reportError, usePair } from './support/harness';
import { RespValue, elementsOf, escapeBytes, formatCommand, pairsOf, textOf } from './support/resp';

// DEBUG is refused by default in Redis 7.0; the oracle enables it so that DEBUG can be compared.
const p = usePair(test, [], ['--enable-debug-command', 'yes']);

test('PING, ECHO', async () => {
  const cmds: Cmd[] = [
    ['PING'], ['ping'], ['PING', 'hello'], ['PING', ''], ['PING', Buffer.from([0, 13, 10, 255])], ['PING', 'a', 'b'],
    ['ECHO', 'hi'], ['ECHO', ''], ['ECHO', Buffer.from([0, 13, 10, 255])], ['ECHO'], ['ECHO', 'a', 'b'], ['echo', 'x'.repeat(10000)],
  ];
  await checkScript(p(), cmds);
});

test('HELLO: versions, AUTH without a password, SETNAME, errors', async () => {
  const cmds: Cmd[] = [
    ['HELLO'], ['HELLO', '2'], ['HELLO'], ['HELLO', '3'], ['HELLO'], ['PING'], ['HELLO', '2'], ['PING'],
    ['HELLO', '1'], ['HELLO', '4'], ['HELLO', '0'], ['HELLO', '-1'], ['HELLO', 'abc'], ['HELLO', '3.0'], ['HELLO', '9223372036854775808'],
    ['HELLO', '3', 'SETNAME', 'myname'], ['CLIENT', 'GETNAME'], ['HELLO', '2', 'setname', 'other'], ['CLIENT', 'GETNAME'],
    ['HELLO', '3', 'SETNAME', 'bad name'], ['CLIENT', 'GETNAME'], ['HELLO', '3', 'SETNAME'], ['HELLO', '2', 'FOO'],
    ['HELLO', '3', 'AUTH', 'default', 'anything'], ['HELLO', '2', 'AUTH', 'default'], ['HELLO', '2', 'AUTH', 'nosuchuser', 'pw'],
    ['HELLO', '3', 'AUTH', 'default', 'pw', 'SETNAME', 'n2'], ['CLIENT', 'GETNAME'], ['HELLO', '2'],
    ['HELLO', '4', 'SETNAME', 'never'], ['CLIENT', 'GETNAME'], ['HELLO', '2'],
  ];
  await checkScript(p(), cmds);
});

test('AUTH with no password configured', async () => {
  const cmds: Cmd[] = [['AUTH', 'pw'], ['AUTH', 'default', 'pw'], ['AUTH', 'nosuchuser', 'pw'], ['AUTH'], ['AUTH', 'a', 'b', 'c'], ['PING']];
  await checkScript(p(), cmds);
});

test('RESET restores the connection defaults', async () => {
  const cmds: Cmd[] = [
    ['SELECT', '3'], ['SET', 'in3', 'v'], ['CLIENT', 'SETNAME', 'resetme'], ['HELLO', '3'], ['RESET'], ['CLIENT', 'GETNAME'], ['GET', 'in3'],
    ['PING'], ['HELLO'], ['RESET', 'x'], ['SELECT', '3'], ['DEL', 'in3'], ['SELECT', '0'],
  ];
  await checkScript(p(), cmds);
});

test('QUIT answers +OK and closes; commands after it are not answered', async () => {
  const problems: string[] = [];
  for (const [label, bytes] of [
    ['QUIT', '*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n'],
    ['inline quit', 'quit\r\nPING\r\n'],
    ['QUIT with argument', '*2\r\n$4\r\nQUIT\r\n$1\r\nx\r\nPING\r\n'],
    ['PING then QUIT', 'PING\r\n*1\r\n$4\r\nquit\r\n'],
  ] as const) {
    const diff = await compareRaw(p(), label, [bytes]);
    if (diff) problems.push(diff);
  }
  if (problems.length > 0) throw reportError(problems.join('\n'));
});

test('CLIENT: ID, SETNAME/GETNAME, INFO, NO-EVICT, unknown subcommands keep the connection', async () => {
  const cmds: Cmd[] = [
    ['CLIENT', 'ID'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'conn1'], ['CLIENT', 'GETNAME'], ['CLIENT', 'INFO'],
    ['CLIENT', 'SETNAME', ''], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'a b'], ['CLIENT', 'SETNAME', 'a\nb'],
    ['CLIENT', 'SETNAME', Buffer.from([0xff])], ['CLIENT', 'SETNAME', '~!@#$%^&*()_+'], ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME'], ['CLIENT', 'SETNAME', 'a', 'b'], ['CLIENT', 'GETNAME', 'x'], ['CLIENT', 'ID', 'x'],
    ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'NO-EVICT', 'off'], ['CLIENT', 'NO-EVICT', 'maybe'], ['CLIENT', 'NO-EVICT'],
    ['CLIENT', 'FOO'], ['PING'], ['CLIENT', 'FOO', 'bar', 'baz'], ['client', 'nosuch'], ['CLIENT'], ['PING'],
    ['CLIENT', 'KILL', '1.2.3.4:5'], ['CLIENT', 'KILL', 'ID', '999999'], ['CLIENT', 'KILL', 'ID', 'abc'],
    ['CLIENT', 'KILL', 'FOO', 'bar'], ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5'], ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'SKIPME', 'yes'],
    ['CLIENT', 'SETNAME', 'x'], ['CLIENT', 'INFO'], ['SELECT', '5'], ['CLIENT', 'INFO'], ['SELECT', '0'],
  ];
  await checkScript(p(), cmds);
});

test('CLIENT LIST and CLIENT KILL of another connection', async () => {
  const pair = p();
  for (const server of [pair.oracle, pair.candidate]) {
    const a = await server.connect();
    const b = await server.connect();
    try {
      await a.call(['CLIENT', 'SETNAME', 'killer']);
      await b.call(['CLIENT', 'SETNAME', 'victim']);
      const victimId = (await b.call(['CLIENT', 'ID'])).value;
      assert.is(victimId.type, 'integer', `${server.name}: CLIENT ID`);
      const list = await a.text('CLIENT', 'LIST');
      const lines = list.split('\n').filter((l) => l.length > 0);
      const victim = lines.map(clientFields).find((f) => f.get('name') === 'victim');
      assert.ok(victim, `${server.name}: CLIENT LIST lacks the victim: ${list}`);
      assert.is(victim.get('id'), String(victimId.type === 'integer' ? victimId.value : ''), `${server.name}: id field`);
      assert.ok(list.endsWith('\n'), `${server.name}: CLIENT LIST lines end with \\n`);
      for (const field of ['id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'multi', 'cmd', 'resp']) {
        assert.ok(victim.has(field), `${server.name}: CLIENT LIST line lacks ${field}: ${lines.join(' | ')}`);
      }
      // CLIENT LIST ID filters.
      const one = await a.text('CLIENT', 'LIST', 'ID', victim.get('id') ?? '');
      assert.is(one.split('\n').filter((l) => l.length > 0).length, 1, `${server.name}: CLIENT LIST ID`);
      // Old form: CLIENT KILL addr:port answers +OK; the victim's connection closes.
      const killed = await a.call(['CLIENT', 'KILL', victim.get('addr') ?? '']);
      assert.is(killed.raw.toString(), '+OK\r\n', `${server.name}: CLIENT KILL addr`);
      assert.ok(await b.waitClosed(2000), `${server.name}: killed client was not disconnected`);
      const c = await server.connect();
      const cid = (await c.call(['CLIENT', 'ID'])).value;
      const byId = await a.call(['CLIENT', 'KILL', 'ID', cid.type === 'integer' ? cid.value : 0]);
      assert.is(byId.raw.toString(), ':1\r\n', `${server.name}: CLIENT KILL ID`);
      assert.ok(await c.waitClosed(2000), `${server.name}: client killed by ID was not disconnected`);
      const pong = await a.call(['PING']);
      assert.is(pong.raw.toString(), '+PONG\r\n', `${server.name}: killer still works`);
    } finally {
      a.close();
      b.close();
    }
  }
});

test('CLIENT SETINFO and NO-TOUCH (Redis 7.2 behaviour)', async () => {
  if (p().candidate.kind === 'redis') return; // the 7.0 oracle lacks them (harness self-test)
  const c = await p().candidate.connect();
  try {
    const expectOk = async (args: Cmd): Promise<void> => {
      const r = await c.call(args);
      assert.is(r.raw.toString('latin1'), '+OK\r\n', `${formatCommand(args)}`);
    };
    await expectOk(['CLIENT', 'SETINFO', 'LIB-NAME', 'mylib']);
    await expectOk(['CLIENT', 'SETINFO', 'lib-ver', '1.2.3']);
    const info = clientFields(await c.text('CLIENT', 'INFO'));
    assert.is(info.get('lib-name'), 'mylib', 'CLIENT INFO lib-name');
    assert.is(info.get('lib-ver'), '1.2.3', 'CLIENT INFO lib-ver');
    const bad = await c.text('CLIENT', 'SETINFO', 'LIB-NAME', 'a b');
    assert.match(bad, /cannot contain spaces, newlines or special characters/, 'SETINFO with a space');
    const unknown = await c.text('CLIENT', 'SETINFO', 'FOO', 'x');
    assert.match(unknown, /^ERR Unrecognized option 'FOO'/i, 'SETINFO with an unknown attribute');
    const arity = await c.text('CLIENT', 'SETINFO', 'LIB-NAME');
    assert.is(arity, "ERR wrong number of arguments for 'client|setinfo' command");
    await expectOk(['CLIENT', 'NO-TOUCH', 'on']);
    await c.call(['SET', 'touchme', 'v']);
    await expectOk(['CLIENT', 'NO-TOUCH', 'OFF']);
    const wrong = await c.text('CLIENT', 'NO-TOUCH', 'maybe');
    assert.match(wrong, /^ERR/, 'NO-TOUCH with a bad argument');
    await c.call(['DEL', 'touchme']);
  } finally {
    c.close();
  }
});

test('unknown commands: exact error texts', async () => {
  const long = 'x'.repeat(300);
  const cmds: Cmd[] = [
    ['FOO'], ['foo', 'a', 'b'], ['NOSUCHCOMMAND', long], ['foo', long, long], ['foo', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'aa', 'bb', 'cc', 'dd', 'ee', 'ff'],
    ['foo', 'a\r\nb'], ['foo', Buffer.from([0, 1, 0xff])], [Buffer.from([0xff, 0x00])], [''], ['', 'a'], ['f\r\no'], ['GETT', 'k'], ['SETT', 'k', 'v'],
    [long], ['CLIENT|ID'], ['client|id'], ['get|x', 'k'], ['PING'],
  ];
  await checkScript(p(), cmds);
});

interface TableEntry {
  name: string;
  arity: number;
  flags: string[];
  subcommands: TableEntry[];
}

function parseTable(v: RespValue): Map<string, TableEntry> {
  const out = new Map<string, TableEntry>();
  const parseEntry = (e: RespValue): TableEntry | undefined => {
    const f = elementsOf(e);
    if (!f || f.length < 3) return undefined;
    const name = textOf(f[0]);
    const arity = f[1].type === 'integer' ? Number(f[1].value) : NaN;
    const flags = (elementsOf(f[2]) ?? []).map((x) => textOf(x) ?? '');
    const subs = f.length >= 10 ? (elementsOf(f[9]) ?? []).map(parseEntry).filter((x): x is TableEntry => x !== undefined) : [];
    if (!name) return undefined;
    return { name: name.toLowerCase(), arity, flags, subcommands: subs };
  };
  for (const e of elementsOf(v) ?? []) {
    const entry = parseEntry(e);
    if (entry) out.set(entry.name, entry);
  }
  return out;
}

// Never sent even with a wrong arity: if the two tables disagree on the arity, the candidate
// would execute them.
const NEVER_SEND = new Set(['shutdown', 'monitor', 'sync', 'psync', 'replicaof', 'slaveof', 'debug', 'quit', 'reset', 'failover',
  'client|pause', 'client|kill', 'subscribe', 'psubscribe', 'ssubscribe', 'multi', 'exec', 'watch', 'flushall', 'flushdb', 'swapdb',
  'save', 'bgsave', 'bgrewriteaof', 'cluster', 'readonly', 'readwrite', 'client|reply', 'hello', 'auth', 'select']);

function wrongArityCalls(entry: TableEntry, prefix: string[]): Cmd[] {
  const out: Cmd[] = [];
  const full = prefix.length > 0 ? `${prefix[0]}|${entry.name.split('|').pop()}` : entry.name;
  if (NEVER_SEND.has(full) || entry.flags.includes('blocking')) return out;
  const words = prefix.length > 0 ? [...prefix, entry.name.split('|').pop() ?? ''] : [entry.name];
  const filler = (n: number): string[] => Array.from({ length: n }, (_, i) => `arg${i}`);
  if (entry.arity > 0) {
    if (entry.arity - 1 >= words.length) out.push([...words, ...filler(entry.arity - 1 - words.length)]);
    out.push([...words, ...filler(entry.arity + 1 - words.length)]);
  } else if (entry.arity < 0) {
    const min = -entry.arity;
    if (min - 1 >= words.length) out.push([...words, ...filler(min - 1 - words.length)]);
  }
  return out;
}

test('wrong arity: every command in both tables gets the same error', async () => {
  const pair = p();
  const o = await pair.oracle.connect();
  const c = await pair.candidate.connect();
  try {
    const oracleTable = parseTable((await o.call(['COMMAND'])).value);
    const candReply = await c.call(['COMMAND']);
    assert.ok(candReply.value.type === 'array', `candidate COMMAND failed: ${escapeBytes(candReply.raw)}`);
    const candTable = parseTable(candReply.value);
    assert.ok(candTable.size >= 60, `candidate COMMAND lists only ${candTable.size} commands`);
    const cmds: Cmd[] = [];
    for (const [name, entry] of candTable) {
      const theirs = oracleTable.get(name);
      if (!theirs) continue;
      cmds.push(...wrongArityCalls(entry, []));
      for (const sub of entry.subcommands) {
        if (theirs.subcommands.some((s) => s.name === sub.name)) cmds.push(...wrongArityCalls(sub, [name]));
      }
    }
    assert.ok(cmds.length > 50, `only ${cmds.length} wrong-arity calls`);
    const fixedCount = new Map<string, number>();
    for (const [name, entry] of candTable) {
      const theirs = oracleTable.get(name);
      if (theirs && theirs.arity !== entry.arity) fixedCount.set(name, entry.arity);
    }
    const arityDiffs = [...fixedCount].map(([n, a]) => `${n}: candidate ${a}, redis ${oracleTable.get(n)?.arity}`);
    await checkScript(pair, cmds, { protocols: [2], modes: ['pipelined'] });
    assert.equal(arityDiffs, [], 'arity differs from Redis');
  } finally {
    o.close();
    c.close();
  }
});

test('container commands: unknown subcommand errors', async () => {
  const cmds: Cmd[] = [
    ['OBJECT', 'FOO'], ['OBJECT', 'foo', 'k'], ['CONFIG', 'FOO'], ['COMMAND', 'FOO'], ['CLIENT', 'FOO'], ['CONFIG'], ['OBJECT'], ['PING'],
  ];
  await checkScript(p(), cmds);
});

test('COMMAND COUNT, LIST, INFO, DOCS, GETKEYS', async () => {
  const pair = p();
  const s = await DiffSession.open(pair, 2);
  try {
    const count = await s.candidate.call(['COMMAND', 'COUNT']);
    const all = await s.candidate.call(['COMMAND']);
    const list = await s.candidate.call(['COMMAND', 'LIST']);
    assert.is(count.value.type, 'integer', 'COMMAND COUNT');
    const n = count.value.type === 'integer' ? Number(count.value.value) : -1;
    assert.is(elementsOf(all.value)?.length, n, 'COMMAND has COUNT entries');
    const names = (elementsOf(list.value) ?? []).map((x) => textOf(x));
    // COMMAND LIST also names subcommands ("client|id"); every top-level command must be there.
    const topLevel = (elementsOf(all.value) ?? []).map((e) => textOf((elementsOf(e) ?? [])[0] ?? { type: 'null' }));
    for (const t of topLevel) assert.ok(names.includes(t), `COMMAND LIST lacks ${t}, which COMMAND lists`);
    for (const want of ['get', 'set', 'ping', 'client', 'command', 'info', 'scan', 'expire', 'hello', 'lcs']) {
      assert.ok(names.includes(want), `COMMAND LIST lacks ${want}`);
    }
    const cmds: Cmd[] = [
      ['COMMAND', 'INFO', 'get'], ['COMMAND', 'INFO', 'GET', 'nosuch', 'set'], ['COMMAND', 'INFO', 'mset'], ['COMMAND', 'INFO', 'incrbyfloat'],
      ['COMMAND', 'INFO', 'ping'], ['COMMAND', 'INFO', 'expire'], ['COMMAND', 'INFO', 'scan'],
      ['COMMAND', 'GETKEYS', 'SET', 'a', 'b'], ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'], ['COMMAND', 'GETKEYS', 'GET', 'k'],
      ['COMMAND', 'GETKEYS', 'COPY', 'a', 'b'], ['COMMAND', 'GETKEYS', 'LCS', 'a', 'b'], ['COMMAND', 'GETKEYS', 'DEL', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYS', 'PING'], ['COMMAND', 'GETKEYS', 'NOSUCH', 'a'], ['COMMAND', 'GETKEYS', 'GET'], ['COMMAND', 'GETKEYS'],
      ['COMMAND', 'DOCS', 'nosuch'], ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'a', 'b'], ['COMMAND', 'GETKEYSANDFLAGS', 'COPY', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'GETEX', 'a'], ['COMMAND', 'GETKEYSANDFLAGS', 'RENAME', 'a', 'b'], ['COMMAND', 'GETKEYSANDFLAGS', 'PING'],
    ];
    const ms = await s.run(cmds, { mode: 'sequential' });
    if (ms.length > 0) throw reportError(s.report(ms, cmds, { mode: 'sequential' }));
    // COMMAND DOCS: redis-cli builds its hints from summary/since/group/arguments.
    const docs = await s.candidate.call(['COMMAND', 'DOCS', 'set']);
    const top = pairsOf(docs.value);
    assert.ok(top && top.has('set'), `COMMAND DOCS set: ${escapeBytes(docs.raw)}`);
    const setDoc = pairsOf(top.get('set') as RespValue);
    for (const field of ['summary', 'since', 'group', 'complexity', 'arguments']) {
      assert.ok(setDoc?.has(field), `COMMAND DOCS set lacks ${field}`);
    }
    // The machine-readable parts (what redis-cli's hints are built from) must be Redis's; the
    // prose (summary, complexity) is our own.
    const problems: string[] = [];
    const PROSE = new Set(['summary', 'complexity', 'doc_flags']);
    const norm = (x: RespValue): unknown => {
      const els = elementsOf(x);
      const asMap = pairsOf(x);
      // A doc entry is a map (RESP3) or a flat key/value array (RESP2) with a name/type field.
      const isDoc = asMap !== undefined && (x.type === 'map' || (els !== undefined && ['name', 'type', 'since', 'group'].some((k) => asMap.has(k))));
      if (isDoc && asMap) return [...asMap].filter(([k]) => !PROSE.has(k)).map(([k, y]) => [k, norm(y)]);
      if (els) return els.map(norm);
      return textOf(x) ?? (x.type === 'integer' ? String(x.value) : x.type);
    };
    /** Flattens one command's docs into entries: top-level fields and one entry per subcommand. */
    const entries = (v: RespValue, name: string): Map<string, string> => {
      const out = new Map<string, string>();
      const doc = pairsOf(pairsOf(v)?.get(name) ?? { type: 'null' });
      if (!doc) return out;
      for (const k of ['since', 'group', 'arguments']) if (doc.has(k)) out.set(k, JSON.stringify(norm(doc.get(k) as RespValue)));
      const subs = pairsOf(doc.get('subcommands') ?? { type: 'null' });
      for (const [sub, d] of subs ?? []) out.set(`subcommand ${sub}`, JSON.stringify(norm(d)));
      return out;
    };
    for (const name of ['get', 'set', 'expire', 'scan', 'getex', 'lcs', 'client', 'object', 'config', 'command']) {
      const [od, cd] = await s.both(['COMMAND', 'DOCS', name]);
      const a = entries(od.value, name);
      const c = entries(cd.value, name);
      if (c.size === 0) { problems.push(`COMMAND DOCS ${name}: no docs (${escapeBytes(cd.raw)})`); continue; }
      for (const [k, v] of a) {
        if (!c.has(k)) {
          if (!k.startsWith('subcommand ')) problems.push(`COMMAND DOCS ${name}: lacks ${k}`);
          continue;
        }
        if (c.get(k) !== v) problems.push(`COMMAND DOCS ${name} ${k}:\n    redis:       ${v.slice(0, 800)}\n    rustypotato: ${(c.get(k) ?? '').slice(0, 800)}`);
      }
      // CLIENT SETINFO and NO-TOUCH are Redis 7.2 subcommands that the issue asks for.
      const newerThan70 = new Set(['subcommand client|setinfo', 'subcommand client|no-touch']);
      for (const k of c.keys()) if (!a.has(k) && !newerThan70.has(k)) problems.push(`COMMAND DOCS ${name}: ${k} is not in Redis 7.0`);
    }
    if (problems.length > 0) throw reportError(problems.join('\n'));
  } finally {
    s.close();
  }
});

test('TIME, DBSIZE, DEBUG SLEEP/OBJECT', async () => {
  const cmds: Cmd[] = [
    ['TIME'], ['TIME', 'x'], ['SET', 'k', 'hello'], ['SET', 'n', '123'], ['SET', 'r', 'x'.repeat(100)],
    ['DEBUG', 'OBJECT', 'k'], ['DEBUG', 'OBJECT', 'n'], ['DEBUG', 'OBJECT', 'r'], ['DEBUG', 'OBJECT', 'missing'], ['DEBUG', 'SLEEP', '0'], ['DEBUG', 'SLEEP', '0.01'],
  ];
  await checkScript(p(), cmds);
});

const CONFIG_PARAMS = ['port', 'bind', 'databases', 'maxclients', 'timeout', 'tcp-keepalive', 'appendonly', 'save', 'maxmemory',
  'maxmemory-policy', 'proto-max-bulk-len', 'client-query-buffer-limit', 'hz', 'requirepass', 'loglevel'];

test('CONFIG GET of common parameters, CONFIG SET, RESETSTAT', async () => {
  const pair = p();
  const problems: string[] = [];
  for (const protocol of [2, 3] as const) {
    const s = await DiffSession.open(pair, protocol);
    try {
      for (const param of CONFIG_PARAMS) {
        const [o, c] = await s.both(['CONFIG', 'GET', param]);
        const om = pairsOf(o.value);
        const cm = pairsOf(c.value);
        if (!cm || !om) { problems.push(`CONFIG GET ${param}: ${escapeBytes(c.raw)} vs ${escapeBytes(o.raw)}`); continue; }
        if (o.value.type !== c.value.type) problems.push(`CONFIG GET ${param} (RESP${protocol}): reply type ${c.value.type}, redis ${o.value.type}`);
        const ov = textOf(om.get(param) ?? { type: 'null' });
        const cv = textOf(cm.get(param) ?? { type: 'null' });
        if (param === 'port') {
          if (cv !== String(pair.candidate.port)) problems.push(`CONFIG GET port: ${cv}, listening on ${pair.candidate.port}`);
        } else if (cv !== ov) {
          problems.push(`CONFIG GET ${param} (RESP${protocol}): ${JSON.stringify(cv)}, redis ${JSON.stringify(ov)}`);
        }
      }
      const cmds: Cmd[] = [
        ['CONFIG', 'GET', 'nosuchparam'], ['CONFIG', 'GET', 'timeout', 'databases'], ['CONFIG', 'SET', 'timeout', '100'], ['CONFIG', 'GET', 'timeout'],
        ['CONFIG', 'SET', 'timeout', '0'], ['CONFIG', 'SET', 'timeout', 'abc'], ['CONFIG', 'SET', 'nosuchparam', '1'], ['CONFIG', 'SET', 'timeout'],
        ['CONFIG', 'SET', 'databases', '4'], ['CONFIG', 'RESETSTAT'], ['CONFIG', 'RESETSTAT', 'x'], ['CONFIG', 'GET'],
      ];
      const ms = await s.run(cmds, { mode: 'sequential' });
      if (ms.length > 0) problems.push(s.report(ms, cmds, { mode: 'sequential' }));
    } finally {
      s.close();
    }
  }
  if (problems.length > 0) throw reportError(problems.join('\n'));
});

function infoFields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

test('INFO: sections, CRLF lines, redis_version, real figures', async () => {
  const pair = p();
  // Every check records its problem, so that one run lists all of them.
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => { if (!ok) problems.push(what); };
  const c = await pair.candidate.connect();
  const o = await pair.oracle.connect();
  try {
    await c.call(['FLUSHALL']);
    const info = await c.text('INFO');
    check(!/[^\r]\n/.test(info), 'every line of INFO ends with CRLF');
    const headers = info.split('\r\n').filter((l) => l.startsWith('# ')).map((l) => l.slice(2));
    for (const section of ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'CPU', 'Keyspace']) {
      check(headers.includes(section), `INFO lacks section ${section} (has ${headers.join(', ')})`);
    }
    const f = infoFields(info);
    const missing: string[] = [];
    for (const field of ['redis_version', 'redis_mode', 'arch_bits', 'process_id', 'tcp_port', 'uptime_in_seconds', 'connected_clients', 'used_memory',
      'used_memory_human', 'maxmemory', 'total_connections_received', 'total_commands_processed', 'instantaneous_ops_per_sec', 'keyspace_hits',
      'keyspace_misses', 'expired_keys', 'evicted_keys', 'used_cpu_sys', 'used_cpu_user', 'loading', 'rdb_changes_since_last_save', 'aof_enabled',
      ...(pair.candidate.kind === 'redis' ? [] : ['rustypotato_version'])]) {
      if (!f.has(field)) missing.push(field);
    }
    check(missing.length === 0, `INFO lacks fields: ${missing.join(', ')}`);
    check(f.get('redis_version') === '7.0.15', `redis_version:${f.get('redis_version')}`);
    check(f.get('tcp_port') === String(pair.candidate.port), `tcp_port:${f.get('tcp_port')}, listening on ${pair.candidate.port}`);
    check(f.get('process_id') === String(pair.candidate.pid), `process_id:${f.get('process_id')}, pid ${pair.candidate.pid}`);
    check(Number(f.get('used_memory')) > 0, `used_memory:${f.get('used_memory')}`);
    check(Number(f.get('connected_clients')) >= 1, `connected_clients:${f.get('connected_clients')}`);

    // The same work moves the same counters on both servers.
    const work: Cmd[] = [['SET', 'a', '1'], ['SET', 'b', '2', 'EX', '1000'], ['GET', 'a'], ['GET', 'nope'], ['GET', 'nope2'], ['EXISTS', 'a']];
    const before = await Promise.all([o.text('INFO', 'stats'), c.text('INFO', 'stats')]);
    for (const conn of [o, c]) {
      await conn.call(['FLUSHALL']);
      for (const w of work) await conn.call(w);
    }
    const after = await Promise.all([o.text('INFO', 'stats'), c.text('INFO', 'stats')]);
    for (const field of ['keyspace_hits', 'keyspace_misses']) {
      const dO = Number(infoFields(after[0]).get(field)) - Number(infoFields(before[0]).get(field));
      const dC = Number(infoFields(after[1]).get(field)) - Number(infoFields(before[1]).get(field));
      check(dC === dO, `${field} moved by ${dC}, redis's by ${dO}`);
    }
    const ks = await Promise.all([o.text('INFO', 'keyspace'), c.text('INFO', 'keyspace')]);
    const db0 = (s: string): string => (infoFields(s).get('db0') ?? '').split(',').filter((x) => !x.startsWith('avg_ttl')).join(',');
    check(db0(ks[1]) === db0(ks[0]), `INFO keyspace db0: ${db0(ks[1])}, redis ${db0(ks[0])}`);
    // A single section, several sections, and unknown sections.
    for (const args of [['server'], ['SERVER'], ['clients', 'memory'], ['nosuch'], ['default'], ['all'], ['everything']]) {
      const [a, b] = await Promise.all([o.text('INFO', ...args), c.text('INFO', ...args)]);
      const ha = a.split('\r\n').filter((l) => l.startsWith('# '));
      const hb = b.split('\r\n').filter((l) => l.startsWith('# '));
      const comparable = args[0] === 'all' || args[0] === 'everything' ? ha.filter((h) => ['# Server', '# Clients', '# Memory', '# Stats', '# Keyspace'].includes(h)).every((h) => hb.includes(h)) : JSON.stringify(ha) === JSON.stringify(hb);
      check(comparable, `INFO ${args.join(' ')} sections: ${hb.join(',')} vs redis ${ha.join(',')}`);
    }
    // RESP3: INFO is a verbatim string, as in Redis.
    const [o3, c3] = [await Connection.connect(pair.oracle.port), await Connection.connect(pair.candidate.port)];
    try {
      await o3.call(['HELLO', '3']);
      await c3.call(['HELLO', '3']);
      const [ri, ci] = await Promise.all([o3.call(['INFO', 'server']), c3.call(['INFO', 'server'])]);
      check(ci.value.type === ri.value.type, `RESP3 INFO reply type ${ci.value.type}, redis ${ri.value.type}`);
    } finally {
      o3.close();
      c3.close();
    }
    await c.call(['FLUSHALL']);
    await o.call(['FLUSHALL']);
  } finally {
    c.close();
    o.close();
  }
  if (problems.length > 0) throw reportError(problems.join('\n'));
});

test('SELECT and DBSIZE per connection; SWAPDB seen by other connections', async () => {
  const cmds: Cmd[] = [['SELECT', '1'], ['SET', 'x', '1'], ['DBSIZE'], ['SELECT', '0'], ['DBSIZE'], ['SWAPDB', '0', '1'], ['DBSIZE'], ['GET', 'x'], ['FLUSHALL']];
  await checkScript(p(), cmds);
});

test.run();
