/**
 * Operations commands against real redis-server 7.0: SLOWLOG entries (shape, argument cutting,
 * client names; ids, timestamps, durations and ports ignored), INFO commandstats / errorstats after
 * a scripted sequence (calls, rejected_calls, failed_calls and error counts must be equal), MONITOR
 * output for a command sequence (timestamps and ports normalised), CLIENT LIST of a monitor, and
 * the INFO section selection rules.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Cmd } from './support/diff';
import { usePair } from './support/harness';
import { Connection } from './support/connection';
import type { RespValue } from './support/resp';
import { sleep, type ServerHandle } from './support/servers';

// DEBUG SLEEP (latency tests) is refused by default in Redis 7.0.
const p = usePair(test, [], ['--enable-debug-command', 'yes']);

/** Runs `cmds` one at a time on a fresh connection; returns the connection. */
async function runAll(server: ServerHandle, cmds: Cmd[], conn?: Connection): Promise<Connection> {
  const c = conn ?? (await server.connect());
  for (const cmd of cmds) await c.call(cmd);
  return c;
}

function text(v: RespValue): string {
  if (v.type === 'bulk') return v.value === null ? '(nil)' : v.value.toString('latin1');
  if (v.type === 'verbatim') return v.value.toString('latin1');
  if (v.type === 'simple' || v.type === 'error') return v.value;
  if (v.type === 'integer') return v.value.toString();
  throw new Error(`not a text reply: ${v.type}`);
}

/** SLOWLOG GET entries without what differs between servers: [args, name] and field kinds. */
function slowlogShape(v: RespValue): Array<{ args: string[]; name: string; kinds: string }> {
  assert.is(v.type, 'array');
  const entries = (v as { value: RespValue[] }).value;
  return entries.map((e) => {
    assert.is(e.type, 'array');
    const fields = (e as { value: RespValue[] }).value;
    const args = (fields[3] as { value: RespValue[] }).value.map(text);
    return { args, name: text(fields[5]), kinds: fields.map((f) => f.type).join(',') };
  });
}

const LONG = 'x'.repeat(200);
const MANY = Array.from({ length: 40 }, (_, i) => `m${i}`);

// The commands both SLOWLOG and commandstats tests run: successes, refused and failing calls of
// engine and TypeScript commands, a transaction with a run-time error and an aborted one.
const SCRIPT: Cmd[] = [
  ['SET', 'k', 'v'],
  ['GET', 'k'],
  ['GET'],
  ['INCR', 'k'],
  ['LPUSH', 'k', 'x'],
  ['SET', 'big', LONG],
  ['SADD', 's', ...MANY],
  ['RPUSH', 'l', 'a', 'b'],
  ['LRANGE', 'l', '0', '-1'],
  ['HSET', 'h', 'f', '1'],
  ['HINCRBY', 'h', 'f', 'notanumber'],
  ['OBJECT', 'ENCODING', 'l'],
  ['OBJECT', 'NOSUCH', 'l'],
  ['OBJECT'],
  ['PING'],
  ['ECHO', 'hi'],
  ['ECHO'],
  ['CLIENT', 'SETNAME', 'ops-test'],
  ['CLIENT', 'SETNAME', 'bad name'],
  ['NOSUCHCOMMAND', 'a'],
  ['SELECT', '99'],
  ['MULTI'],
  ['INCR', 'k'],
  ['SET', 'n', '1'],
  ['EXEC'],
  ['MULTI'],
  ['GET'],
  ['EXEC'],
  ['ZADD', 'z', 'nan', 'm'],
  ['EXPIRE', 'k', 'abc'],
  ['DEL', 'k', 'big', 's', 'l', 'h', 'n', 'z'],
];

test('SLOWLOG GET with slowlog-log-slower-than 0: the same entries as Redis', async () => {
  const pair = p();
  const shapes = [];
  for (const server of [pair.oracle, pair.candidate]) {
    const c = await server.connect();
    await c.call(['CONFIG', 'SET', 'slowlog-log-slower-than', '0']);
    await c.call(['SLOWLOG', 'RESET']);
    await runAll(server, SCRIPT, c);
    const len = await c.call(['SLOWLOG', 'LEN']);
    const all = await c.call(['SLOWLOG', 'GET', '-1']);
    const two = await c.call(['SLOWLOG', 'GET', '2']);
    const dflt = await c.call(['SLOWLOG', 'GET']);
    const bad = await c.call(['SLOWLOG', 'GET', '-2']);
    const help = await c.call(['SLOWLOG', 'HELP']);
    await c.call(['CONFIG', 'SET', 'slowlog-max-len', '3']);
    await c.call(['PING']);
    const trimmed = await c.call(['SLOWLOG', 'LEN']);
    await c.call(['CONFIG', 'SET', 'slowlog-log-slower-than', '-1']);
    await c.call(['SLOWLOG', 'RESET']);
    await c.call(['PING']);
    const disabled = await c.call(['SLOWLOG', 'LEN']);
    await c.call(['CONFIG', 'SET', 'slowlog-log-slower-than', '10000']);
    await c.call(['CONFIG', 'SET', 'slowlog-max-len', '128']);
    c.close();
    const ids = (all.value as { value: RespValue[] }).value.map((e) => Number(((e as { value: RespValue[] }).value[0] as { value: bigint }).value));
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] > ids[i], `${server.name}: ids decrease, newest first`);
    shapes.push({
      len: text(len.value),
      all: slowlogShape(all.value),
      two: slowlogShape(two.value).length,
      dflt: slowlogShape(dflt.value).length,
      bad: text(bad.value),
      help: help.raw.toString('latin1'),
      trimmed: text(trimmed.value),
      disabled: text(disabled.value),
    });
  }
  const [redis, ours] = shapes;
  assert.equal(ours.all, redis.all);
  assert.equal(ours, redis);
  // The cuts were exercised: a long string and a long argument list.
  assert.ok(redis.all.some((e) => e.args.includes('x'.repeat(128) + '... (72 more bytes)')));
  assert.ok(redis.all.some((e) => e.args[31] === '... (11 more arguments)'));
});

/** INFO commandstats as name -> "calls,rejected,failed" (usec differs), plus errorstats lines. */
async function statsAfter(server: ServerHandle, cmds: Cmd[]): Promise<{ commands: Map<string, string>; errors: string[]; total: string }> {
  const c = await server.connect();
  await c.call(['CONFIG', 'RESETSTAT']);
  await runAll(server, cmds, c);
  const info = text((await c.call(['INFO', 'commandstats', 'errorstats', 'stats'])).value);
  c.close();
  const commands = new Map<string, string>();
  const errors: string[] = [];
  let total = '';
  for (const line of info.split('\r\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=\d+,usec_per_call=[\d.]+,rejected_calls=(\d+),failed_calls=(\d+)$/.exec(line);
    if (m) commands.set(m[1], `calls=${m[2]},rejected=${m[3]},failed=${m[4]}`);
    if (line.startsWith('errorstat_')) errors.push(line);
    if (line.startsWith('total_error_replies:')) total = line;
  }
  return { commands, errors, total };
}

test('INFO commandstats / errorstats after a scripted sequence: the counts Redis reports', async () => {
  const pair = p();
  const redis = await statsAfter(pair.oracle, SCRIPT);
  const ours = await statsAfter(pair.candidate, SCRIPT);
  assert.equal(Object.fromEntries(ours.commands), Object.fromEntries(redis.commands));
  assert.equal(ours.errors, redis.errors);
  assert.is(ours.total, redis.total);
  assert.ok(redis.commands.size > 10, 'the script produced statistics');
});

test('a blocking command counts once: when served or when its timeout answers', async () => {
  const pair = p();
  const results = [];
  for (const server of [pair.oracle, pair.candidate]) {
    const c = await server.connect();
    await c.call(['CONFIG', 'RESETSTAT']);
    await c.call(['BLPOP', 'nothing', '0.1']);
    const waiter = await server.connect();
    waiter.send('BRPOP', 'q', '5');
    await sleep(100);
    await c.call(['LPUSH', 'q', 'x']);
    await waiter.read();
    waiter.close();
    const info = text((await c.call(['INFO', 'commandstats'])).value);
    c.close();
    results.push(info.split('\r\n').filter((l) => /^cmdstat_(blpop|brpop|lpush)/.test(l)).map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, '')).sort());
  }
  assert.equal(results[1], results[0]);
  assert.is(results[0].length, 3);
});

test('CONFIG RESETSTAT clears commandstats, errorstats and latencystats', async () => {
  const pair = p();
  for (const server of [pair.oracle, pair.candidate]) {
    const c = await runAll(server, [['GET'], ['SET', 'a', '1'], ['CONFIG', 'RESETSTAT']]);
    const info = text((await c.call(['INFO', 'commandstats', 'errorstats', 'latencystats'])).value);
    c.close();
    // Only CONFIG RESETSTAT itself, counted after it ran.
    const lines = info.split('\r\n').filter((l) => l !== '').map((l) => l.split(':')[0]);
    assert.equal(lines, ['# Commandstats', 'cmdstat_config|resetstat', '# Errorstats', '# Latencystats', 'latency_percentiles_usec_config|resetstat'], server.name);
  }
});

test('INFO latencystats: p50/p99/p99.9 per command that ran', async () => {
  const pair = p();
  const c = await runAll(pair.candidate, [['SET', 'a', '1'], ['GET', 'a'], ['PING']]);
  const info = text((await c.call(['INFO', 'latencystats'])).value);
  c.close();
  for (const cmd of ['set', 'get', 'ping']) {
    assert.match(info, new RegExp(`^latency_percentiles_usec_${cmd}:p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}\\r$`, 'm'));
  }
});

test('INFO section selection: default, all, everything, several at once, unknown', async () => {
  const pair = p();
  const headers = async (server: ServerHandle, args: string[]): Promise<string> => {
    const c = await server.connect();
    const t = text((await c.call(['INFO', ...args])).value);
    c.close();
    return t
      .split('\r\n')
      .filter((l) => l.startsWith('#'))
      .join(' ');
  };
  for (const args of [[], ['default'], ['all'], ['everything'], ['keyspace', 'server'], ['CPU', 'clients'], ['nosuch'], ['commandstats', 'default']]) {
    assert.is(await headers(pair.candidate, args), await headers(pair.oracle, args), `INFO ${args.join(' ')}`);
  }
});

/** MONITOR lines with the timestamp and the client's port replaced. */
function normaliseMonitor(bytes: Buffer): string[] {
  return bytes
    .toString('latin1')
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/, '+TIME [$1 ADDR]').replace(/^\+\d+\.\d{6} \[(\d+) lua\]/, '+TIME [$1 lua]'));
}

const MONITORED: Cmd[] = [
  ['SET', 'k', 'v a"l\\ue'],
  ['SET', 'bin', Buffer.from([0, 1, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x09, 0x07, 0x08, 0x41])],
  ['GET', 'k'],
  ['GET'],
  ['NOSUCH', 'x'],
  ['CONFIG', 'GET', 'maxmemory'],
  ['CLIENT', 'SETNAME', 'watched'],
  ['CLIENT', 'LIST'],
  ['SELECT', '2'],
  ['SET', 'in2', '1'],
  ['SELECT', '0'],
  ['MULTI'],
  ['INCR', 'n'],
  ['LPUSH', 'l', 'a'],
  ['EXEC'],
  ['PING'],
  ['INFO', 'server'],
  ['DEL', 'k', 'bin', 'n', 'l'],
];

/** What a monitor of each server (Redis first) received while `cmds` ran, raw and normalised. */
async function monitorBoth(cmds: Cmd[]): Promise<Array<{ name: string; raw: string[]; lines: string[] }>> {
  const pair = p();
  const outputs: Array<{ name: string; raw: string[]; lines: string[] }> = [];
  for (const server of [pair.oracle, pair.candidate]) {
    const monitor = await server.connect({ recordRaw: true });
    assert.is(text((await monitor.call(['MONITOR'])).value), 'OK');
    const worker = await runAll(server, cmds);
    worker.close();
    const { bytes } = await monitor.collectRaw(300, 5000);
    monitor.close();
    const raw = bytes.toString('latin1').split('\r\n').filter((l) => l !== '').slice(1);
    outputs.push({ name: server.name, raw, lines: normaliseMonitor(bytes).slice(1) });
  }
  return outputs;
}

test('MONITOR streams every command as Redis formats it', async () => {
  const [redis, ours] = (await monitorBoth(MONITORED)).map((o) => o.lines);
  assert.equal(ours, redis);
  assert.ok(redis.length > 10, 'lines were produced');
});

const LIBRARY = `#!lua name=monlib
redis.register_function('setget', function(keys, args) redis.call('set', keys[1], args[1]) redis.pcall('config', 'get', 'maxmemory') return redis.call('get', keys[1]) end)`;

const SCRIPTED: Cmd[] = [
  ['SET', 'str', 'text'],
  ['EVAL', "redis.call('set', 'k', 'v') redis.call('select', 2) redis.call('get', 'k') redis.pcall('incr', 'k', 'x') redis.pcall('nosuch') redis.call('ping') redis.call('publish', 'c', 'm') redis.pcall('config', 'get', 'maxmemory') redis.call('select', 0) redis.pcall('lpush', 'str', 1) redis.call('incrby', 'n', 2.5e1) return redis.call('get', 'k')", '0'],
  ['SELECT', '3'],
  ['EVAL', "return redis.call('get', KEYS[1])", '1', 'kk'],
  ['SELECT', '0'],
  ['EVALSHA', '0000000000000000000000000000000000000000', '0'],
  ['EVAL', 'return (', '0'],
  ['EVAL', 'return 1'],
  ['EVAL_RO', "return redis.pcall('set', 'a', 'b')", '0'],
  ['EVAL', "redis.call('select', 99)", '0'],
  ['EVAL', "local ok = pcall(function() redis.call('set', 'in', 'pcall') error('x') end) redis.call('del', 'in')", '0'],
  ['FUNCTION', 'LOAD', LIBRARY],
  ['FCALL', 'setget', '1', 'fk', 'fv'],
  ['FCALL_RO', 'setget', '1', 'fk', 'fv'],
  ['MULTI'],
  ['EVAL', "return redis.call('incr', 'n')", '0'],
  ['SET', 'x', '1'],
  ['EXEC'],
  ['CONFIG', 'SET', 'busy-reply-threshold', '100'],
  // Past the threshold: the script runs in slices; its commands are shown all the same, in order.
  ['EVAL', "redis.call('set', 'a', '1') local i = 0 while i < 4e7 do i = i + 1 end redis.call('set', 'b', '2') return i", '0'],
  ['GET', 'b'],
];

test('MONITOR shows the commands scripts and functions run, after their EVAL/FCALL line, as the "lua" client', async () => {
  const outputs = await monitorBoth(SCRIPTED);
  for (const { name, raw } of outputs) {
    const times = raw.map((l) => Number(l.slice(1, l.indexOf(' '))));
    assert.ok(times.every((t, i) => i === 0 || t >= times[i - 1]), `${name}: times in order`);
  }
  const [redis, ours] = outputs.map((o) => o.lines);
  assert.equal(ours, redis);
  assert.ok(redis.filter((l) => l.includes(' lua]')).length >= 10, 'script lines were produced');
});

test('MONITOR shows a blocking command once, when it is called, not when it is served', async () => {
  const pair = p();
  const outputs: string[][] = [];
  for (const server of [pair.oracle, pair.candidate]) {
    const monitor = await server.connect({ recordRaw: true });
    await monitor.call(['MONITOR']);
    const waiter = await server.connect();
    waiter.send('BLPOP', 'queue', '5');
    await sleep(100);
    const pusher = await runAll(server, [['RPUSH', 'queue', 'job']]);
    assert.is((await waiter.read()).value.type, 'array');
    await runAll(server, [['PING']], pusher);
    pusher.close();
    waiter.close();
    const { bytes } = await monitor.collectRaw(300, 5000);
    monitor.close();
    outputs.push(normaliseMonitor(bytes).slice(1));
  }
  assert.equal(outputs[1], outputs[0]);
  assert.equal(outputs[0], ['+TIME [0 ADDR] "BLPOP" "queue" "5"', '+TIME [0 ADDR] "RPUSH" "queue" "job"', '+TIME [0 ADDR] "PING"']);
});

test('MONITOR: the monitor shows as flag O in CLIENT LIST; RESET leaves monitor mode', async () => {
  const pair = p();
  for (const server of [pair.oracle, pair.candidate]) {
    const monitor = await server.connect();
    await monitor.call(['CLIENT', 'SETNAME', 'mon']);
    await monitor.call(['MONITOR']);
    const other = await server.connect();
    const list = text((await other.call(['CLIENT', 'LIST'])).value);
    assert.match(list, /name=mon .*flags=O /, server.name);
    monitor.send('RESET');
    await sleep(100);
    const after = text((await other.call(['CLIENT', 'LIST'])).value);
    assert.match(after, /name= .*flags=N .*cmd=reset/, `${server.name}: ${after}`);
    monitor.close();
    other.close();
  }
});

test('CLIENT LIST: cmd= names the last command, engine-run ones included; MULTI shows multi-mem', async () => {
  const pair = p();
  const seen: string[][] = [];
  for (const server of [pair.oracle, pair.candidate]) {
    const watched = await server.connect();
    await watched.call(['CLIENT', 'SETNAME', 'watched']);
    const observer = await server.connect();
    const fieldsOf = async (): Promise<Map<string, string>> => {
      const list = text((await observer.call(['CLIENT', 'LIST'])).value);
      const line = list.split('\n').find((l) => l.includes(' name=watched '))!;
      return new Map(line.split(' ').map((kv) => kv.split('=', 2) as [string, string]));
    };
    const cmds: string[] = [];
    for (const cmd of [['SET', 'k', 'v'], ['GET', 'k'], ['OBJECT', 'ENCODING', 'k'], ['PING'], ['GET'], ['NOSUCH'], ['OBJECT', 'NOSUCH'], ['CONFIG', 'NOSUCH'], ['ECHO'], ['INCR', 'k']]) {
      await watched.call(cmd);
      cmds.push((await fieldsOf()).get('cmd')!);
    }
    await watched.call(['MULTI']);
    await watched.call(['SET', 'a', 'x'.repeat(100)]);
    const inMulti = await fieldsOf();
    cmds.push(`multi=${inMulti.get('multi')} flags=${inMulti.get('flags')} multi-mem>0=${Number(inMulti.get('multi-mem')) > 0}`);
    await watched.call(['INCR', 'n']);
    cmds.push(`queued: ${(await fieldsOf()).get('cmd')}`);
    await watched.call(['EXEC']);
    cmds.push(`after exec: ${(await fieldsOf()).get('cmd')}`);
    watched.close();
    observer.close();
    seen.push(cmds);
  }
  assert.equal(seen[1], seen[0]);
});

test('LATENCY: spikes over latency-monitor-threshold are recorded, reset and reported', async () => {
  const pair = p();
  const c = await pair.candidate.connect();
  assert.is(text((await c.call(['LATENCY', 'RESET'])).value), '0');
  assert.match(text((await c.call(['LATENCY', 'DOCTOR'])).value), /disabled/);
  await c.call(['CONFIG', 'SET', 'latency-monitor-threshold', '5']);
  await c.call(['DEBUG', 'SLEEP', '0.02']);
  const latest = (await c.call(['LATENCY', 'LATEST'])).value as { value: RespValue[] };
  assert.is(latest.value.length, 1);
  const [event, , last, max] = (latest.value[0] as { value: RespValue[] }).value;
  assert.is(text(event), 'command');
  assert.ok(Number(text(last)) >= 20 && Number(text(max)) >= 20, 'DEBUG SLEEP 0.02 took at least 20 ms');
  const history = (await c.call(['LATENCY', 'HISTORY', 'command'])).value as { value: RespValue[] };
  assert.is(history.value.length, 1);
  assert.match(text((await c.call(['LATENCY', 'DOCTOR'])).value), /command: 1 latency spikes/);
  const histogram = (await c.call(['LATENCY', 'HISTOGRAM', 'debug'])).raw.toString('latin1');
  assert.match(histogram, /debug.*calls.*histogram_usec/s);
  assert.is(text((await c.call(['LATENCY', 'RESET', 'command', 'nosuch'])).value), '1');
  assert.is(((await c.call(['LATENCY', 'LATEST'])).value as { value: RespValue[] }).value.length, 0);
  await c.call(['CONFIG', 'SET', 'latency-monitor-threshold', '0']);
  c.close();
});

test('LATENCY GRAPH draws what Redis draws (digits normalised); unknown events are an error', async () => {
  const pair = p();
  const graphs: string[] = [];
  const helps: string[] = [];
  for (const server of [pair.oracle, pair.candidate]) {
    const c = await server.connect();
    await c.call(['LATENCY', 'RESET']);
    helps.push((await c.call(['LATENCY', 'HELP'])).raw.toString('latin1'));
    const missing = text((await c.call(['LATENCY', 'GRAPH', 'command'])).value);
    assert.is(missing, "ERR No samples available for event 'command'", server.name);
    await c.call(['CONFIG', 'SET', 'latency-monitor-threshold', '10']);
    await c.call(['DEBUG', 'SLEEP', '0.05']);
    graphs.push(text((await c.call(['LATENCY', 'GRAPH', 'command'])).value).replace(/\d+/g, 'N'));
    await c.call(['CONFIG', 'SET', 'latency-monitor-threshold', '0']);
    await c.call(['LATENCY', 'RESET']);
    c.close();
  }
  assert.is(graphs[1], graphs[0]);
  assert.is(helps[1], helps[0]);
  assert.match(graphs[0], /^command - high N ms, low N ms \(all time high N ms\)\n-{80}\n/);
});

test('SLOWLOG captures a slow engine command by itself (DEBUG SLEEP over the threshold)', async () => {
  const pair = p();
  const c = await pair.candidate.connect();
  await c.call(['SLOWLOG', 'RESET']);
  await c.call(['CONFIG', 'SET', 'slowlog-log-slower-than', '15000']);
  await c.call(['SET', 'fast', '1']);
  await c.call(['DEBUG', 'SLEEP', '0.03']);
  const entries = (await c.call(['SLOWLOG', 'GET'])).value as { value: RespValue[] };
  await c.call(['CONFIG', 'SET', 'slowlog-log-slower-than', '10000']);
  c.close();
  assert.is(entries.value.length, 1);
  const fields = (entries.value[0] as { value: RespValue[] }).value;
  assert.ok(Number(text(fields[2])) >= 30000, 'duration in microseconds');
  assert.equal((fields[3] as { value: RespValue[] }).value.map(text), ['DEBUG', 'SLEEP', '0.03']);
});

/** A reply's shape: RESP types, with map keys and status/error texts kept (figures differ by design). */
function shape(v: RespValue): unknown {
  if (v.type === 'array' || v.type === 'set' || v.type === 'push') return (v as { value: RespValue[] }).value.map(shape);
  if (v.type === 'map') return (v as { value: Array<[RespValue, RespValue]> }).value.map(([k, val]) => [text(k), shape(val)]);
  if (v.type === 'simple' || v.type === 'error') return `${v.type}:${v.value}`;
  if (v.type === 'bulk' && v.value === null) return 'nil';
  return v.type;
}

test('MEMORY: USAGE sizes keys of every type; errors, HELP, PURGE, DOCTOR and the STATS layout as Redis', async () => {
  const pair = p();
  const big = 'v'.repeat(5000);
  const setup: Cmd[] = [
    ['FLUSHALL'], ['SET', 'str', 'value'], ['SET', 'int', '12345'], ['SET', 'big', big], ['RPUSH', 'list', 'a', 'b', 'c'],
    ['HSET', 'hash', 'f', 'v'], ['SADD', 'set', '1', '2'], ['ZADD', 'zset', '1', 'm'], ['XADD', 'stream', '1-1', 'f', 'v'],
  ];
  for (const protocol of [2, 3] as const) {
    const replies: Record<string, unknown[]> = {};
    for (const server of [pair.oracle, pair.candidate]) {
      const conn = await server.connect();
      try {
        if (protocol === 3) await conn.call(['HELLO', '3']);
        await runAll(server, setup, conn);
        const out: unknown[] = [];
        for (const cmd of [
          ['MEMORY', 'HELP'], ['MEMORY', 'USAGE', 'nokey'], ['MEMORY', 'USAGE', 'str', 'SAMPLES', 'x'], ['MEMORY', 'USAGE', 'str', 'foo'],
          ['MEMORY', 'USAGE', 'str', 'SAMPLES', '5', 'extra'], ['MEMORY', 'USAGE', 'str', 'SAMPLES', '0'], ['MEMORY', 'USAGE'],
          ['MEMORY', 'PURGE'], ['MEMORY', 'DOCTOR'], ['MEMORY', 'DOCTOR', 'x'], ['MEMORY', 'NOSUCH'], ['MEMORY'], ['MEMORY', 'STATS'],
          ['MEMORY', 'MALLOC-STATS', 'x'],
        ] as Cmd[]) {
          out.push(shape((await conn.call(cmd)).value));
        }
        // Sizes: every key has one, and a bigger value of the same type is bigger.
        for (const key of ['str', 'int', 'big', 'list', 'hash', 'set', 'zset', 'stream']) {
          const r = (await conn.call(['MEMORY', 'USAGE', key])).value;
          out.push(`${key}:${r.type}:${r.type === 'integer' && Number(text(r)) > 0}`);
        }
        const small = Number(text((await conn.call(['MEMORY', 'USAGE', 'str'])).value));
        const large = Number(text((await conn.call(['MEMORY', 'USAGE', 'big'])).value));
        out.push(`big > 5000: ${large > 5000}, str < 100: ${small < 100}`);
        replies[server.name] = out;
      } finally {
        conn.close();
      }
    }
    assert.equal(replies[pair.candidate.name], replies[pair.oracle.name], `RESP${protocol}`);
  }
});

test.run();
