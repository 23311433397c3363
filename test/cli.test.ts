/**
 * rustypotato-cli in each of its modes, against RustyPotato and against redis-server:
 * batch (one command, several split by arity), --file, --pipe, each --format, RESP3 rendering,
 * exit codes, the unreachable-server message, the interactive mode through piped stdin and
 * through a pseudo-terminal (script(1)), reconnection after a server restart, and golden
 * comparisons of the rendering with redis-cli --no-raw for the same replies.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FALLBACK_ARITIES, splitByArity, splitLine } from '../ts/cli/words';
import { parseArgs } from '../ts/cli/options';
import { ReplyParser } from '../ts/cli/resp';
import { renderHuman } from '../ts/cli/render';
import { cliScript, LiveProcess, run, runCli } from './support/cli-run';
import { usePair } from './support/harness';
import { freePort, serverScript, sleep, startRedis } from './support/servers';

const pair = usePair(test);
const rp = (): string[] => ['-p', String(pair().candidate.port)];
const redis = (): string[] => ['-p', String(pair().oracle.port)];
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
/** Output captured as latin1 (byte-exact), read back as UTF-8 text. */
const utf8 = (text: string): string => Buffer.from(text, 'latin1').toString('utf8');

/** Runs the same setup commands on both servers (through redis-cli, so that the CLI under test is not its own oracle). */
async function setupBoth(commands: string[][]): Promise<void> {
  for (const server of [pair().oracle, pair().candidate]) {
    for (const command of commands) {
      const r = await run('redis-cli', ['-p', String(server.port), ...command]);
      assert.is(r.code, 0, `setup ${command.join(' ')} on ${server.name}: ${r.stderr}`);
    }
  }
}

test('ping is the health check: PONG and exit 0; an unreachable server gives exit 1 and a message', async () => {
  const up = await runCli([...rp(), 'ping']);
  assert.is(up.stdout, 'PONG\n');
  assert.is(up.code, 0);
  const port = await freePort();
  const down = await runCli(['-a', `127.0.0.1:${port}`, 'ping']);
  assert.is(down.code, 1);
  assert.is(down.stdout, '');
  assert.is(down.stderr, `Could not connect to RustyPotato at 127.0.0.1:${port}: Connection refused\n`);
});

test('batch: a single command, as in the seed README', async () => {
  const set = await runCli([...rp(), 'set', 'mykey', 'Hello, World!']);
  assert.is(set.stdout, 'OK\n');
  assert.is(set.code, 0);
  const get = await runCli(['--address', `127.0.0.1:${pair().candidate.port}`, 'get', 'mykey']);
  assert.is(get.stdout, 'Hello, World!\n');
  const human = await runCli([...rp(), '--no-raw', 'get', 'mykey']);
  assert.is(human.stdout, '"Hello, World!"\n');
});

test('batch: several commands on one line are split by each command\'s arity', async () => {
  const r = await runCli([...rp(), 'set', 'key1', 'value1', 'set', 'key2', 'value2', 'get', 'key1']);
  assert.is(r.stdout, 'OK\nOK\nvalue1\n');
  assert.is(r.code, 0);
  // A variadic command stops at the next command name only if the rest splits cleanly:
  // here GET is SET's option (one command, whose reply is the old value).
  const option = await runCli([...rp(), '--format', 'json', 'set', 'key1', 'new', 'get']);
  assert.is(option.stdout, '"value1"\n');
  const variadic = await runCli([...rp(), '--format', 'json', 'del', 'key1', 'key2', 'exists', 'key1', 'key2', 'incr', 'n', 'ttl', 'n']);
  assert.equal(lines(variadic.stdout), ['2', '0', '1', '-1']);
  // Container commands take the rest of the line: their arguments are command names.
  const container = await runCli([...rp(), '--format', 'json', 'command', 'info', 'get', 'set']);
  const info = JSON.parse(container.stdout) as unknown[][];
  assert.equal(info.map((entry) => entry[0]), ['get', 'set']);
});

test('splitting by arity: the algorithm, and the fallback table when the server cannot tell', () => {
  const lookup = (name: string): { arity: number; subcommands: Map<string, number> } | undefined => {
    const arity = FALLBACK_ARITIES.get(name);
    return arity === undefined ? undefined : { arity, subcommands: new Map() };
  };
  assert.equal(splitByArity('set k1 v1 set k2 v2 get k1'.split(' '), lookup), [['set', 'k1', 'v1'], ['set', 'k2', 'v2'], ['get', 'k1']]);
  assert.equal(splitByArity('set k v get'.split(' '), lookup), [['set', 'k', 'v', 'get']]);
  assert.equal(splitByArity('del a b c get a'.split(' '), lookup), [['del', 'a', 'b', 'c'], ['get', 'a']]);
  assert.equal(splitByArity('del get x'.split(' '), lookup), [['del', 'get', 'x']]);
  assert.equal(splitByArity('hset h f v get h'.split(' '), lookup), [['hset', 'h', 'f', 'v', 'get', 'h']]);
  assert.equal(splitByArity('get a b'.split(' '), lookup), [['get', 'a', 'b']]);
});

test('redis-cli quoting rules for typed lines and files', () => {
  const words = splitLine(String.raw`set "a b\n\x41\"" 'it\'s' plain`).map((w) => w.toString('latin1'));
  assert.equal(words, ['set', 'a b\nA"', "it's", 'plain']);
  assert.throws(() => splitLine('set "open'));
  assert.throws(() => splitLine('set "a"b'));
});

test('exit codes: an error reply gives exit 1 with the error on stderr; other replies still print', async () => {
  const human = await runCli([...rp(), '--no-raw', 'set', 'notnum', 'x', 'incr', 'notnum', 'get', 'notnum']);
  assert.is(human.code, 1);
  assert.is(human.stdout, 'OK\n"x"\n');
  assert.is(human.stderr, '(error) ERR value is not an integer or out of range\n');
  const raw = await runCli([...rp(), 'nosuchcommand', 'a']);
  assert.is(raw.code, 1);
  assert.is(raw.stdout, '');
  assert.match(raw.stderr, /^ERR unknown command 'nosuchcommand'/);
  const usage = await runCli(['--format', 'xml', 'ping']);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /Invalid format 'xml'/);
});

test('--file: one command per line, quotes and comments, replies in order, pipelined', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-cli-'));
  try {
    const file = path.join(dir, 'commands.txt');
    fs.writeFileSync(file, '# a comment\nset greeting "hello world"\n\nget greeting\nrpush flist a "b c"\nlrange flist 0 -1\n');
    const r = await runCli([...rp(), '--file', file]);
    assert.is(r.stdout, 'OK\nhello world\n2\na\nb c\n');
    assert.is(r.code, 0);
    // Thousands of lines: all executed in order (the last INCR sees every earlier one).
    const many = path.join(dir, 'many.txt');
    fs.writeFileSync(many, 'del fcounter\n' + 'incr fcounter\n'.repeat(3000));
    const m = await runCli([...rp(), '-f', many]);
    const out = lines(m.stdout);
    assert.is(out.length, 3001);
    assert.is(out[3000], '3000');
    const missing = await runCli([...rp(), '-f', path.join(dir, 'nope.txt')]);
    assert.is(missing.code, 1);
    assert.match(missing.stderr, /Cannot read .*nope\.txt/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--pipe: hundreds of lines pipelined, counted like redis-cli --pipe', async () => {
  const input = Array.from({ length: 800 }, (_, i) => `SET pipe:${i} "value ${i}"`).join('\n') + '\n';
  const r = await runCli([...rp(), '--pipe'], { input });
  assert.is(r.stdout, 'All data transferred. Waiting for the last reply...\nLast reply received from server.\nerrors: 0, replies: 800\n');
  assert.is(r.code, 0);
  const check = await runCli([...rp(), 'get', 'pipe:799']);
  assert.is(check.stdout, 'value 799\n');
  // Errors are counted, printed on stderr, and make the exit status 1 (as with redis-cli --pipe).
  const mixed = await runCli([...rp(), '-p'], { input: 'SET a 1\nFOO\nGET a\nINCR a\n' });
  assert.is(mixed.stdout.split('\n')[2], 'errors: 1, replies: 4');
  assert.match(mixed.stderr, /^ERR unknown command 'FOO'/);
  assert.is(mixed.code, 1);
  // Quotes as in redis-cli, CRLF line ends, and a line with unbalanced quotes reported by number.
  const quoted = await runCli([...rp(), '--pipe'], { input: 'SET q "two words\\n"\r\nGET q\r\nSET "open\r\nAPPEND q \'!\'\r\n' });
  assert.match(quoted.stdout, /errors: 0, replies: 3\n$/);
  assert.is(quoted.stderr, 'stdin:3: Invalid argument(s): unbalanced quotes\n');
  assert.is(quoted.code, 1);
  assert.is((await runCli([...rp(), 'get', 'q'])).stdout, 'two words\n!\n');
  // Raw RESP on stdin passes through (mass insertion files).
  const resp = '*3\r\n$3\r\nSET\r\n$3\r\nraw\r\n$5\r\nbytes\r\n*2\r\n$3\r\nGET\r\n$3\r\nraw\r\n';
  const raw = await runCli([...rp(), '--pipe'], { input: resp });
  assert.match(raw.stdout, /errors: 0, replies: 2\n$/);
  // The same input gives the same report as redis-cli --pipe against redis-server.
  const oursOnRedis = await runCli([...redis(), '--pipe'], { input });
  const theirs = await run('redis-cli', [...redis(), '--pipe'], { input });
  assert.is(oursOnRedis.stdout, theirs.stdout);
});

test('--format raw | human | json | table, RESP2 and RESP3', async () => {
  await setupBoth([['del', 'fh'], ['hset', 'fh', 'name', 'potato', 'kind', 'tuber']]);
  const raw = await runCli([...rp(), '--format', 'raw', 'hgetall', 'fh']);
  assert.is(raw.stdout, 'name\npotato\nkind\ntuber\n');
  const human = await runCli([...rp(), '--format', 'human', 'hgetall', 'fh']);
  assert.is(human.stdout, '1) "name"\n2) "potato"\n3) "kind"\n4) "tuber"\n');
  const human3 = await runCli([...rp(), '-3', '--format', 'human', 'hgetall', 'fh']);
  assert.is(human3.stdout, '1# "name" => "potato"\n2# "kind" => "tuber"\n');
  const json = await runCli([...rp(), '-3', '--format', 'json', 'hgetall', 'fh', 'get', 'missing', 'hlen', 'fh', 'incr', 'fh']);
  assert.equal(lines(json.stdout).map((l) => JSON.parse(l) as unknown), [
    { name: 'potato', kind: 'tuber' },
    null,
    2,
    { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' },
  ]);
  assert.is(json.code, 1);
  const table = await runCli([...rp(), '-3', '--format', 'table', 'hgetall', 'fh']);
  assert.equal(lines(utf8(table.stdout)), [
    '┌──────┬────────┐',
    '│ key  │ value  │',
    '├──────┼────────┤',
    '│ name │ potato │',
    '│ kind │ tuber  │',
    '└──────┴────────┘',
  ]);
  const scalars = await runCli([...rp(), '--format', 'table', 'hlen', 'fh', 'hget', 'fh', 'name']);
  assert.equal(lines(utf8(scalars.stdout)), [
    '┌──────────────┬────────┐',
    '│ command      │ reply  │',
    '├──────────────┼────────┤',
    '│ hlen fh      │ 2      │',
    '│ hget fh name │ potato │',
    '└──────────────┴────────┘',
  ]);
  assert.not.match(table.stdout + scalars.stdout, /\x1b\[/, 'no colours when stdout is not a terminal');
});

/**
 * Golden comparison: redis-cli --no-raw is what redis-cli prints on a terminal. For each command,
 * our human rendering must be byte-identical to redis-cli's: against redis-server for every reply
 * shape (EVAL builds the RESP3 ones), and against RustyPotato for the data-type replies.
 */
const GOLDEN_SETUP = [
  ['del', 'g:s', 'g:l', 'g:h', 'g:set', 'g:z'],
  ['set', 'g:s', 'tab\there "quoted" back\\slash\nnewline \x01 caf\u00e9'],
  ['rpush', 'g:l', 'a', '', 'c'],
  ['hset', 'g:h', 'f1', 'v1', 'f2', '2'],
  ['sadd', 'g:set', 'only'],
  ['zadd', 'g:z', '1.5', 'm1', '2', 'm2'],
];
const GOLDEN_COMMON: string[][] = [
  ['strlen', 'g:s'],
  ['get', 'g:missing'],
  ['get', 'g:s'],
  ['lrange', 'g:l', '0', '-1'],
  ['lrange', 'g:missing', '0', '-1'],
  ['hgetall', 'g:h'],
  ['smembers', 'g:set'],
  ['zrange', 'g:z', '0', '-1', 'withscores'],
  ['zscore', 'g:z', 'm1'],
  ['incr', 'g:s'],
  ['type', 'g:h'],
  ['ping'],
  ['exists', 'g:s', 'g:l', 'g:none'],
  ['command', 'docs', 'get'],
];
const GOLDEN_EVAL: string[][] = [
  ['eval', "return {1, {2, {3, 'x'}}, {}, 'y', {1,2,3,4,5,6,7,8,9,10,{11}}}", '0'],
  ['eval', "redis.setresp(3); return {map={a={1,2}, b={double=3.25}, c=true, d={3}, e={map={}}}}", '0'],
  ['eval', "redis.setresp(3); return {false, {double=-0.5}, {set={'x'}}}", '0'],
  ['eval', "return redis.error_reply('MYERR custom failure')", '0'],
];

async function goldenCompare(port: number, commands: string[][], protocol: string[]): Promise<string[]> {
  const diffs: string[] = [];
  for (const command of commands) {
    const args = ['-p', String(port), ...protocol, '--no-raw', ...command];
    const theirs = await run('redis-cli', args);
    const ours = await runCli(args);
    // redis-cli 7.0 prints error replies on stdout and exits 0; we use stderr and exit 1.
    const ourText = ours.stdout + ours.stderr;
    if (ourText !== theirs.stdout) diffs.push(`${protocol.join(' ')} ${command.join(' ')}:\n  redis-cli: ${JSON.stringify(theirs.stdout)}\n  ours:      ${JSON.stringify(ourText)}`);
  }
  return diffs;
}

test('golden: human rendering equals redis-cli --no-raw (RESP2 and RESP3, redis-server and RustyPotato)', async () => {
  await setupBoth(GOLDEN_SETUP);
  const diffs: string[] = [];
  for (const protocol of [[], ['-3']]) {
    diffs.push(...await goldenCompare(pair().oracle.port, [...GOLDEN_COMMON, ...GOLDEN_EVAL], protocol));
    // Same command, our CLI against RustyPotato vs redis-cli against redis-server.
    for (const command of GOLDEN_COMMON) {
      const theirs = await run('redis-cli', [...redis(), ...protocol, '--no-raw', ...command]);
      const ours = await runCli([...rp(), ...protocol, '--no-raw', ...command]);
      const summaryDiffers = command[0] === 'command'; // our docs have our own summaries
      if (!summaryDiffers && ours.stdout + ours.stderr !== theirs.stdout) {
        diffs.push(`RustyPotato ${protocol.join(' ')} ${command.join(' ')}:\n  redis-cli/redis: ${JSON.stringify(theirs.stdout)}\n  ours/rustypotato: ${JSON.stringify(ours.stdout + ours.stderr)}`);
      }
    }
  }
  assert.is(diffs.length, 0, diffs.join('\n'));
});

test('golden: raw rendering (piped default) equals redis-cli for non-error replies', async () => {
  await setupBoth(GOLDEN_SETUP);
  const diffs: string[] = [];
  for (const protocol of [[], ['-3']]) {
    for (const command of [...GOLDEN_COMMON, ...GOLDEN_EVAL.slice(0, 3)].filter((c) => c[0] !== 'incr')) {
      const args = [...redis(), ...protocol, ...command];
      const theirs = await run('redis-cli', args);
      const ours = await runCli(args);
      if (ours.stdout !== theirs.stdout) diffs.push(`${protocol.join(' ')} ${command.join(' ')}: ${JSON.stringify(theirs.stdout)} vs ${JSON.stringify(ours.stdout)}`);
    }
  }
  assert.is(diffs.length, 0, diffs.join('\n'));
});

test('the reply parser is streaming: any split of the bytes gives the same replies', () => {
  const bytes = Buffer.from('*3\r\n$5\r\nhello\r\n%1\r\n+k\r\n,1.5\r\n~2\r\n#t\r\n_\r\n:42\r\n|1\r\n+ttl\r\n:3\r\n$-1\r\n=8\r\ntxt:text\r\n(12345678901234567890\r\n');
  const whole = new ReplyParser().feed(bytes).map((r) => renderHuman(r));
  assert.is(whole.length, 5);
  assert.is(whole[0], '1) "hello"\n2) 1# k => (double) 1.5\n3) 1~ (true)\n   2~ (nil)\n');
  assert.equal(whole.slice(1), ['(integer) 42\n', '(nil)\n', 'text\n', '(big number) 12345678901234567890\n']);
  for (let cut = 1; cut < bytes.length; cut++) {
    const parser = new ReplyParser();
    const replies = [...parser.feed(bytes.subarray(0, cut)), ...parser.feed(bytes.subarray(cut))];
    assert.equal(replies.map((r) => renderHuman(r)), whole, `split at ${cut}`);
  }
  const byteByByte = new ReplyParser();
  const replies = [...bytes].flatMap((b) => byteByByte.feed(Buffer.from([b])));
  assert.equal(replies.map((r) => renderHuman(r)), whole);
});

test('-u URL, -n db, --user/--pass: AUTH and SELECT on connect; a wrong password is a clear failure', async () => {
  const secured = await startRedis(['--requirepass', 'sesame', '--user', 'alice', 'on', '>wonder', '~*', '+@all']);
  try {
    const url = await runCli(['-u', `redis://:sesame@127.0.0.1:${secured.port}/3`, 'client', 'info']);
    assert.is(url.code, 0, url.stderr);
    assert.match(url.stdout, / db=3 /);
    const user = await runCli(['-p', String(secured.port), '--user', 'alice', '--pass', 'wonder', '-n', '2', 'acl', 'whoami', 'client', 'info']);
    assert.match(user.stdout, /^alice\n.* db=2 /);
    const wrong = await runCli(['-p', String(secured.port), '--pass', 'nope', 'ping']);
    assert.is(wrong.code, 1);
    assert.match(wrong.stderr, /^AUTH failed: WRONGPASS/);
    const env = await runCli(['-p', String(secured.port), 'ping'], { env: { RUSTYPOTATO_CLI_AUTH: 'sesame' } });
    assert.is(env.stdout, 'PONG\n');
  } finally {
    await secured.stop();
  }
});

test('--timeout bounds the connection set-up against a server that never answers', async () => {
  const silent = net.createServer(() => { /* accept, never answer */ });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  try {
    const started = Date.now();
    const r = await runCli(['-p', String(port), '-3', '--timeout', '0.5', 'ping']);
    assert.is(r.code, 1);
    assert.match(r.stderr, /HELLO 3 timed out/);
    assert.ok(Date.now() - started < 5000);
  } finally {
    silent.close();
  }
});

test('--version, --help and option parsing (seed letters vs redis-cli letters)', async () => {
  const version = await runCli(['--version']);
  assert.match(version.stdout, /^rustypotato-cli \d+\.\d+\.\d+\n$/);
  const help = await runCli(['--help']);
  assert.match(help.stdout, /-a, --address <HOST:PORT>/);
  assert.match(help.stdout, /--format <FORMAT>/);
  const bareH = await runCli(['-h']);
  assert.match(bareH.stdout, /USAGE:/);
  // `help <command>` works outside the REPL too, from the server's COMMAND DOCS.
  const commandHelp = await runCli([...rp(), 'help', 'incr']);
  assert.match(commandHelp.stdout, /^\n {2}INCR key\n {2}summary: .+\n {2}since: 1\.0\.0\n {2}group: string\n\n$/);
  const env = {};
  assert.is(parseArgs(['-p', '6380', 'ping'], env).port, 6380);
  assert.is(parseArgs(['-p'], env).pipe, true);
  assert.is(parseArgs(['-h', 'example.org', 'ping'], env).host, 'example.org');
  assert.equal(parseArgs(['-a', '[::1]:7000'], env).port, 7000);
  const url = parseArgs(['-u', 'redis://bob:s%40cret@db.local:7001/4'], env);
  assert.equal([url.host, url.port, url.db, url.credentials?.user, url.credentials?.password], ['db.local', 7001, 4, 'bob', 's@cret']);
});

test('streaming: SUBSCRIBE prints messages until Ctrl-C (exit 0)', async () => {
  const sub = new LiveProcess(process.execPath, [cliScript, ...redis(), 'subscribe', 'news']);
  try {
    await sub.waitFor('news\n1\n');
    await run('redis-cli', [...redis(), 'publish', 'news', 'fresh potatoes']);
    await sub.waitFor('message\nnews\nfresh potatoes\n');
    sub.signal('SIGINT');
    assert.is(await sub.finish(), 0);
  } finally {
    sub.kill();
  }
});

test('interactive (piped stdin): prompt with host:port, [db] and (TX), help from COMMAND DOCS, replies', async () => {
  const port = pair().candidate.port;
  const input = [
    'set ikey "two words"', 'get ikey', 'select 2', 'incr icount', 'multi', 'incr icount', 'exec',
    'help get', 'help', 'nosuch', '2 incr icount', 'select 0', 'quit',
  ].join('\n') + '\n';
  const r = await runCli(['-p', String(port)], { input });
  assert.is(r.code, 0, r.stderr);
  const p = `rustypotato 127.0.0.1:${port}`;
  const expected = [
    `${p}> set ikey "two words"`, 'OK',
    `${p}> get ikey`, '"two words"',
    `${p}> select 2`, 'OK',
    `${p}[2]> incr icount`, '(integer) 1',
    `${p}[2]> multi`, 'OK',
    `${p}[2](TX)> incr icount`, 'QUEUED',
    `${p}[2](TX)> exec`, '1) (integer) 2',
    `${p}[2]> help get`, '', '  GET key',
  ];
  assert.equal(r.stdout.split('\n').slice(0, expected.length), expected);
  assert.match(r.stdout, /\n {2}summary: .+\n {2}since: 1\.0\.0\n {2}group: string\n/);
  assert.match(r.stdout, /"help <command>" for help on <command>/);
  assert.match(r.stdout, /Groups: .*@string/);
  assert.match(r.stdout, new RegExp(`\\[2\\]> nosuch\\n\\(error\\) ERR unknown command 'nosuch'`));
  assert.match(r.stdout, /\[2\]> 2 incr icount\n\(integer\) 3\n\(integer\) 4\n/);
  assert.match(r.stdout, new RegExp(`${p}> quit\\n$`));
});

test('interactive: reconnects when the server restarts, restoring the selected db', async () => {
  const port = await freePort();
  const startServer = async (): Promise<ReturnType<typeof spawn>> => {
    const child = spawn(process.execPath, [serverScript, '--port', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      });
      if (ok) return child;
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error('server did not start');
  };
  let server = await startServer();
  const cli = new LiveProcess(process.execPath, [cliScript, '-p', String(port)]);
  try {
    await cli.waitFor(`${port}> `);
    cli.write('select 5\n');
    await cli.waitFor(`${port}[5]> `);
    cli.write('set where before\n');
    await cli.waitFor('set where before\nOK\n');
    server.kill('SIGKILL');
    await new Promise((resolve) => server.once('exit', resolve));
    // The first command may still go out on the dead socket (as with redis-cli, it then fails
    // with the socket's error); either way the prompt says so, and the next one tries to reconnect.
    cli.write('ping\n');
    await cli.waitFor('rustypotato not connected> ');
    cli.write('ping\n');
    await cli.waitFor(`Could not connect to RustyPotato at 127.0.0.1:${port}: Connection refused`, 10000, 'stderr');
    await cli.waitFor(/not connected> ping\nrustypotato not connected> $/);
    server = await startServer();
    cli.write('client info\n');
    await cli.waitFor(/ db=5 /);
    cli.write('incr restarted\n');
    await cli.waitFor(`${port}[5]> incr restarted\n(integer) 1\n`);
    cli.endInput();
    assert.is(await cli.finish(), 0);
  } finally {
    cli.kill();
    server.kill('SIGKILL');
  }
});

const scriptAvailable = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

test('interactive on a pseudo-terminal: colours, tab completion, hints, persistent history without secrets', async () => {
  if (!scriptAvailable) {
    assert.unreachable('script(1) from util-linux is needed for this test');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-cli-tty-'));
  const histfile = path.join(dir, 'history');
  fs.writeFileSync(histfile, 'get fromlastsession\n');
  const port = pair().candidate.port;
  const command = `stty cols 200 rows 50; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliScript)} -p ${port}`;
  const tty = new LiveProcess('script', ['-qfec', command, '/dev/null'], { TERM: 'xterm', RUSTYPOTATO_CLI_HISTFILE: histfile });
  try {
    await tty.waitFor(`rustypotato 127.0.0.1:${port}>`);
    assert.match(tty.stdout, /\x1b\[1;32mrustypotato 127\.0\.0\.1:\d+>\x1b\[0m/, 'coloured prompt');
    tty.write('set ttykey 1\r');
    await tty.waitFor(/\r\nOK\r\n/);
    tty.write('PIN\t');
    // Completed to PING (readline echoes each letter), followed by PING's argument hint.
    await tty.waitFor('G\x1b[K\x1b[90m [message]\x1b[0m');
    tty.write('\r');
    await tty.waitFor('PONG');
    tty.write('lpush ');
    await tty.waitFor('\x1b[90mkey element [element ...]\x1b[0m');
    tty.write('\x15auth secretpassword\r');
    await tty.waitFor(/\(error\) ERR AUTH/);
    assert.match(tty.stdout, /\x1b\[31m\(error\) ERR AUTH/, 'errors in red');
    tty.write('incr nothere notenough extra\r');
    await tty.waitFor(/ERR wrong number of arguments/);
    tty.write('\x1b[A'); // arrow up: the previous line from history
    await tty.waitFor(/>\x1b\[0m incr nothere notenough extra\x1b\[\d+G/);
    tty.write('\x1b[A'); // and the one before it: PING, the AUTH line was never kept
    await tty.waitFor(/>\x1b\[0m PING\x1b\[\d+G/);
    tty.write('\x15quit\r');
    assert.is(await tty.finish(), 0);
    const history = fs.readFileSync(histfile, 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(history, ['get fromlastsession', 'set ttykey 1', 'PING', 'incr nothere notenough extra', 'quit']);
  } finally {
    tty.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('interactive on a pseudo-terminal: Ctrl-C abandons BLPOP 0, ends a SUBSCRIBE stream (back to the prompt), quits on an empty line', async () => {
  if (!scriptAvailable) {
    assert.unreachable('script(1) from util-linux is needed for this test');
    return;
  }
  const port = pair().oracle.port;
  const command = `stty cols 200 rows 50; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliScript)} -p ${port}`;
  const tty = new LiveProcess('script', ['-qfec', command, '/dev/null'], { TERM: 'xterm', RUSTYPOTATO_CLI_HISTFILE: '/dev/null' });
  try {
    await tty.waitFor(`rustypotato 127.0.0.1:${port}>`);
    // Ctrl-C abandons a command that blocks forever.
    tty.write('blpop cli:nolist 0\r');
    await sleep(300);
    tty.write('\x03');
    await tty.waitFor('Error: Interrupted (the next command reconnects)');
    tty.write('subscribe tv\r');
    await tty.waitFor(/Reading messages\.\.\. \(press Ctrl-C to quit\)\r\n1\) "subscribe"\r\n2\) "tv"\r\n3\) \S*\(integer\)\S* 1\r\n/);
    await run('redis-cli', ['-p', String(port), 'publish', 'tv', 'news at ten']);
    await tty.waitFor('3) "news at ten"');
    tty.write('\x03');
    await sleep(300);
    tty.write('ping\r');
    await tty.waitFor('\r\nPONG\r\n');
    tty.write('\x03');
    assert.is(await tty.finish(), 0);
  } finally {
    tty.kill();
  }
});

test.run();
