/**
 * Long-running scripts against real redis-server 7.0, both with busy-reply-threshold at 100 ms:
 * a script past the threshold makes other clients (new connections too) get BUSY, in order with
 * their pipelined commands, while SCRIPT KILL / FUNCTION KILL / FUNCTION STATS / MULTI bookkeeping
 * are served; a killed script's caller gets the kill error, a script that wrote is UNKILLABLE,
 * SHUTDOWN without NOSAVE is refused and SHUTDOWN NOSAVE stops the server — wherever the script
 * loops: in pcall, a sort comparator, a gsub function, a metamethod, an xpcall message handler, a
 * coroutine of its own. Each scenario runs on both servers and the transcripts of raw replies are
 * compared.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from './support/connection';
import { ServerHandle, sleep, startCandidate, startRedis } from './support/servers';

const THRESHOLD_MS = 100;
/** How long a scenario waits for a script to pass the threshold (room for a loaded machine). */
const SETTLE_MS = 400;

const SPIN = 'local i = 0 while true do i = i + 1 end';
const SPIN_AFTER_WRITE = "redis.call('set', 'written', '1') local i = 0 while true do i = i + 1 end";
/** Busy for `ms` by the server's clock (TIME is allowed in scripts since 7.0), then runs `tail`. */
const busyFor = (ms: number, tail: string): string => `
local t = redis.call('time')
local start = t[1] * 1000 + math.floor(t[2] / 1000)
repeat
  for i = 1, 10000 do end
  t = redis.call('time')
until t[1] * 1000 + math.floor(t[2] / 1000) - start >= ${ms}
${tail}`;
const LIBRARY = `#!lua name=busylib
redis.register_function('spin', function(keys, args) local i = 0 while true do i = i + 1 end end)
redis.register_function{function_name='spin_ro', callback=function(keys, args) local i = 0 while true do i = i + 1 end end, flags={'no-writes'}}`;

type Scenario = (server: ServerHandle, log: string[]) => Promise<void>;

/** `caller` sends `cmd`; once that is past the threshold, `other` sends `during`; all replies are logged. */
async function duringBusy(caller: Connection, other: Connection, log: string[], label: string, cmd: string[], during: string[][]): Promise<void> {
  caller.send(...cmd);
  await sleep(SETTLE_MS);
  for (const c of during) other.send(...c);
  await read(other, label, log, during.length);
  await read(caller, `${label} caller`, log);
}

/** Raw reply bytes, printable; FUNCTION STATS' duration_ms (a time) is masked. */
function show(raw: Buffer): string {
  return raw
    .toString('latin1')
    .replace(/(duration_ms\r\n:)\d+/, '$1<ms>')
    .replace(/\r\n/g, '\\r\\n');
}

async function read(c: Connection, label: string, log: string[], n = 1): Promise<void> {
  for (let i = 0; i < n; i++) log.push(`${label}: ${show((await c.read(10000)).raw)}`);
}

/** `caller` runs `script`, which passes the threshold and ends by itself; `other` pings meanwhile and reads k after. */
async function runToTheEnd(caller: Connection, other: Connection, log: string[], script: string): Promise<void> {
  caller.send('EVAL', script, '0');
  await sleep(SETTLE_MS);
  log.push('during: ' + show((await other.call(['PING'])).raw));
  await read(caller, 'caller', log);
  log.push('after: ' + show((await other.call(['GET', 'k'])).raw));
  caller.close();
  other.close();
}

/** `killer` sends SHUTDOWN NOSAVE while `caller`'s script is busy: the connections close, the server exits. */
async function shutdownNoSave(server: ServerHandle, caller: Connection, killer: Connection, log: string[], logKiller = false): Promise<void> {
  killer.send('SHUTDOWN', 'NOSAVE');
  log.push(`caller closed: ${await caller.waitClosed(5000)}`);
  if (logKiller) log.push(`killer closed: ${await killer.waitClosed(5000)}`);
  for (let i = 0; i < 50 && !server.exited(); i++) await sleep(100);
  log.push(`exited: ${server.exited()}`);
}

async function connectSet(server: ServerHandle): Promise<Connection> {
  const c = await server.connect();
  const r = await c.call(['CONFIG', 'SET', 'busy-reply-threshold', String(THRESHOLD_MS)]);
  assert.is(show(r.raw), '+OK\\r\\n');
  return c;
}

async function both(name: string, scenario: Scenario, opts: { stops?: boolean } = {}): Promise<void> {
  const logs: string[][] = [];
  for (const start of [() => startRedis([]), () => startCandidate([])]) {
    const server = await start();
    const log: string[] = [];
    try {
      await scenario(server, log);
      if (!opts.stops) assert.not.ok(server.exited(), `${server.name} exited`);
    } catch (e) {
      throw new Error(`${name} on ${server.name}: ${(e as Error).message}\n${log.join('\n')}\nOutput tail:\n${server.output().slice(-2000)}`);
    } finally {
      await server.stop();
    }
    logs.push(log);
  }
  assert.equal(logs[1], logs[0], `${name}: rustypotato (2nd) differs from redis (1st)`);
}

test('EVAL past the threshold: BUSY for others (pipelined, new connections), SCRIPT KILL, kill error for the caller', async () => {
  await both('kill', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    for (const name of ['busy-reply-threshold', 'lua-time-limit']) log.push('config: ' + show((await b.call(['CONFIG', 'GET', name])).raw));
    b.send('SCRIPT', 'KILL');
    await read(b, 'kill before', log);
    a.send('EVAL', SPIN, '0');
    a.send('PING');
    a.send('SET', 'after', 'x');
    await sleep(SETTLE_MS);
    // Pipelined: the refusals and the allowed commands answer in order.
    for (const cmd of [['PING'], ['GET', 'k'], ['SET', 'k', 'v'], ['EVAL', 'return 1', '0'], ['FUNCTION', 'STATS'], ['FUNCTION', 'KILL'],
      ['SHUTDOWN'], ['NOSUCH'], ['GET'], ['MULTI'], ['SET', 'k', 'v'], ['EXEC'], ['DISCARD'], ['WATCH', 'k'], ['UNWATCH']]) b.send(...cmd);
    await read(b, 'busy', log, 15);
    const c = await server.connect();
    log.push('new connection: ' + show((await c.call(['PING'])).raw));
    log.push('hello: ' + show((await c.call(['HELLO', '3'])).raw).replace(/:\d+\\r\\n\$\d+\\r\\nmode/, ':<id>\\r\\n$4\\r\\nmode').replace(/server\\r\\n\$\d+\\r\\n\w+/, 'server<name>').replace(/version\\r\\n\$\d+\\r\\n[\d.]+/, 'version<v>'));
    log.push('resp3 refused: ' + show((await c.call(['GET', 'k'])).raw));
    log.push('kill: ' + show((await b.call(['SCRIPT', 'KILL'])).raw));
    await read(a, 'caller', log, 3);
    log.push('after: ' + show((await b.call(['GET', 'after'])).raw));
    log.push('kill again: ' + show((await b.call(['SCRIPT', 'KILL'])).raw));
    log.push('function kill: ' + show((await b.call(['FUNCTION', 'KILL'])).raw));
    for (const conn of [a, b, c]) conn.close();
  });
});

test('a script that wrote is UNKILLABLE; SHUTDOWN is refused, SHUTDOWN NOSAVE stops the server', async () => {
  await both('unkillable', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    a.send('EVAL', SPIN_AFTER_WRITE, '0');
    await sleep(SETTLE_MS);
    log.push('script kill: ' + show((await b.call(['SCRIPT', 'KILL'])).raw));
    log.push('function kill: ' + show((await b.call(['FUNCTION', 'KILL'])).raw));
    log.push('shutdown: ' + show((await b.call(['SHUTDOWN'])).raw));
    log.push('shutdown save: ' + show((await b.call(['SHUTDOWN', 'SAVE'])).raw));
    await shutdownNoSave(server, a, b, log, true);
  }, { stops: true });
});

test('FCALL past the threshold: the function texts of BUSY, FUNCTION STATS, FUNCTION KILL', async () => {
  await both('function', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    log.push('load: ' + show((await a.call(['FUNCTION', 'LOAD', LIBRARY])).raw));
    for (const fn of ['spin', 'spin_ro']) {
      const during = [['PING'], ['FUNCTION', 'STATS'], ['SCRIPT', 'KILL'], ['SHUTDOWN'], ['FCALL', fn, '0'], ['FUNCTION', 'KILL']];
      await duringBusy(a, b, log, fn, [fn === 'spin' ? 'FCALL' : 'FCALL_RO', fn, '1', 'key', 'arg'], during);
    }
    log.push('stats after: ' + show((await b.call(['FUNCTION', 'STATS'])).raw));
    a.close();
    b.close();
  });
});

test('a long script inside MULTI/EXEC, and one that publishes: order kept, effects whole', async () => {
  await both('exec', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    const sub = await server.connect();
    log.push('subscribe: ' + show((await sub.call(['SUBSCRIBE', 'news'])).raw));
    for (const cmd of [['MULTI'], ['SET', 'k', '1'], ['EVAL', busyFor(400, "redis.call('incr', 'k') return redis.call('get', 'k')"), '0'], ['INCR', 'k'], ['EXEC'], ['GET', 'k']]) {
      a.send(...cmd);
    }
    // (Redis sends the +QUEUED replies only once EXEC is done: they are read after.)
    await sleep(SETTLE_MS - 150);
    b.send('GET', 'k');
    sub.send('PING');
    await read(b, 'during exec', log);
    await read(sub, 'subscriber during exec', log);
    await read(a, 'exec', log, 6);
    a.send('EVAL', busyFor(400, "redis.call('publish', 'news', 'hello') return 'done'"), '0');
    a.send('PING');
    await sleep(SETTLE_MS - 150);
    log.push('during publish: ' + show((await b.call(['PUBLISH', 'news', 'other'])).raw));
    await read(a, 'publisher', log, 2);
    await read(sub, 'subscriber', log);
    log.push('after: ' + show((await b.call(['PUBLISH', 'news', 'later'])).raw));
    await read(sub, 'subscriber', log);
    for (const conn of [a, b, sub]) conn.close();
  });
});

test('a client blocked on a key the busy script pushed to is served after the script, not refused', async () => {
  await both('blocked', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    const waiter = await server.connect();
    waiter.send('BLPOP', 'list', '5');
    await sleep(100);
    a.send('EVAL', `redis.call('lpush', 'list', 'x') ${busyFor(500, "return 'pushed'")}`, '0');
    await sleep(SETTLE_MS - 100);
    // Commands served while busy run in the engine, which notices the ready key meanwhile.
    for (const cmd of [['SCRIPT', 'KILL'], ['FUNCTION', 'STATS'], ['LLEN', 'list']]) b.send(...cmd);
    await read(b, 'during', log, 3);
    await read(a, 'caller', log);
    await read(waiter, 'waiter', log);
    for (const conn of [a, b, waiter]) conn.close();
  });
});

test('scripts under the threshold are not affected; CONFIG SET lua-time-limit sets the same value', async () => {
  await both('fast', async (server, log) => {
    const a = await server.connect();
    log.push('set alias: ' + show((await a.call(['CONFIG', 'SET', 'lua-time-limit', '1000'])).raw));
    log.push('get: ' + show((await a.call(['CONFIG', 'GET', 'busy-reply-threshold'])).raw));
    log.push('bad: ' + show((await a.call(['CONFIG', 'SET', 'busy-reply-threshold', '-1'])).raw));
    const b = await server.connect();
    a.send('EVAL', busyFor(300, "return 'finished'"), '0');
    await sleep(150);
    log.push('not busy: ' + show((await b.call(['PING'])).raw));
    await read(a, 'caller', log);
    a.close();
    b.close();
  });
});

test('inside pcall/xpcall (nested too) a script still turns busy; SCRIPT KILL stops it and pcall cannot swallow the kill', async () => {
  await both('pcall', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    const scripts = [
      `local ok, e = pcall(function() ${SPIN} end)\nreturn {tostring(ok), e}`,
      `local ok, e = pcall(function()\n  return pcall(function() ${SPIN} end)\nend)\nreturn 'after'`,
      `local r = {xpcall(function() ${SPIN} end, function(e) return 'handled: ' .. e end)}\nreturn r`,
      // On one line: the kill is caught and no new line comes to raise it again (as in Redis).
      `local ok, e = pcall(function() ${SPIN} end) return 'swallowed'`,
      `local co = coroutine.wrap(function() return pcall(function() ${busyFor(300, "return 'in coroutine'")} end) end)\nreturn {co()}`,
    ];
    for (const script of scripts) await duringBusy(a, b, log, 'during', ['EVAL', script, '0'], [['PING'], ['GET', 'k'], ['SCRIPT', 'KILL']]);
    a.close();
    b.close();
  });
});

test('suspended inside pcall/xpcall: results, errors and error tables come back as they would unsuspended', async () => {
  await both('pcall results', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    const script = `
local out = {}
local function slow(tail) return function(...) ${busyFor(150, 'return tail(...)')} end end
local r = {pcall(slow(function(x, y) return x + y, 'two' end), 1, 2)}
out[#out + 1] = tostring(r[1]) .. ' ' .. tostring(r[2]) .. ' ' .. tostring(r[3])
r = {pcall(slow(function() error('plain') end))}
out[#out + 1] = tostring(r[1]) .. ' ' .. r[2]
r = {pcall(slow(function() error({err = 'ERR table'}) end))}
out[#out + 1] = tostring(r[1]) .. ' ' .. r[2]
r = {pcall(slow(function() return redis.call('incr', 'str') end))}
out[#out + 1] = tostring(r[1]) .. ' ' .. r[2]
r = {pcall(slow(function() return pcall(slow(function() error(redis.error_reply('ERR nested')) end)) end))}
out[#out + 1] = tostring(r[1]) .. ' ' .. tostring(r[2]) .. ' ' .. r[3]
r = {xpcall(slow(function() error({err = 'ERR xp'}) end), function(e) return type(e) .. ' ' .. e.err end)}
out[#out + 1] = tostring(r[1]) .. ' ' .. r[2]
r = {xpcall(slow(function() local t = nil return t.x end), function(e) return 'handled ' .. e end)}
out[#out + 1] = tostring(r[1]) .. ' ' .. r[2]
local ok, e = pcall(slow(function() coroutine.yield(1) end))
out[#out + 1] = tostring(ok) .. ' ' .. e
redis.call('set', 'k', 'v')
return out`;
    log.push('set: ' + show((await a.call(['SET', 'str', 'text'])).raw));
    await runToTheEnd(a, b, log, script);
  });
});

test('a script that wrote, then loops inside pcall, is UNKILLABLE', async () => {
  await both('pcall unkillable', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    a.send('EVAL', `redis.call('set', 'written', '1') pcall(function() ${SPIN} end)`, '0');
    await sleep(SETTLE_MS);
    log.push('ping: ' + show((await b.call(['PING'])).raw));
    log.push('script kill: ' + show((await b.call(['SCRIPT', 'KILL'])).raw));
    await shutdownNoSave(server, a, b, log);
  }, { stops: true });
});

test('FCALL: a function looping inside pcall gets FUNCTION KILL', async () => {
  await both('function pcall', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    const library = `#!lua name=pcalllib
redis.register_function{function_name='spin_in_pcall', callback=function(keys, args)
  local ok, e = pcall(function() ${SPIN} end)
  return e
end, flags={'no-writes'}}`;
    log.push('load: ' + show((await a.call(['FUNCTION', 'LOAD', library])).raw));
    await duringBusy(a, b, log, 'during', ['FCALL', 'spin_in_pcall', '0'], [['PING'], ['SCRIPT', 'KILL'], ['FUNCTION', 'KILL']]);
    a.close();
    b.close();
  });
});

/** Scripts that loop inside a Lua function called by C: Lua 5.1 cannot yield across those calls. */
const C_CALL_SPINS = [
  `local t = {3, 1, 2}\ntable.sort(t, function(a, b) ${SPIN} end)\nreturn t`,
  `return string.gsub('abc', '%w', function(c) ${SPIN} end)`,
  `local co = coroutine.create(function() ${SPIN} end)\nreturn {coroutine.resume(co)}`,
  `local co = coroutine.wrap(function() ${SPIN} end)\nreturn co()`,
  `local co = coroutine.wrap(function() return pcall(function() ${SPIN} end) end)\nreturn {co()}`,
  `local t = setmetatable({}, {__index = function(t, k) ${SPIN} end})\nreturn t.x`,
  `local t = setmetatable({}, {__newindex = function(t, k, v) ${SPIN} end})\nt.x = 1\nreturn 1`,
  `local mt = {__add = function(a, b) ${SPIN} end}\nreturn setmetatable({}, mt) + 1`,
  `local mt = {__eq = function(a, b) ${SPIN} end}\nreturn tostring(setmetatable({}, mt) == setmetatable({}, mt))`,
  `local mt = {__lt = function(a, b) ${SPIN} end}\nreturn tostring(setmetatable({}, mt) < setmetatable({}, mt))`,
  `local mt = {__le = function(a, b) ${SPIN} end}\nreturn tostring(setmetatable({}, mt) <= setmetatable({}, mt))`,
  `local mt = {__concat = function(a, b) ${SPIN} end}\nreturn setmetatable({}, mt) .. 'x'`,
  `local mt = {__call = function(self) ${SPIN} end}\nreturn setmetatable({}, mt)()`,
  `local mt = {__unm = function(a) ${SPIN} end}\nreturn -setmetatable({}, mt)`,
  `local t = setmetatable({}, {__tostring = function() ${SPIN} end})\nreturn tostring(t)`,
  // Killed in xpcall's function: the message handler gets the kill error (with no hook, as in Redis).
  `return {xpcall(function() ${SPIN} end, function(e) return type(e) .. ' ' .. e.err end)}`,
  `local ok, e = pcall(table.sort, {2, 1}, function(a, b) ${SPIN} end)\nreturn {tostring(ok), e}`,
];

test('looping inside a sort comparator, a gsub function, its own coroutine, a metamethod or an xpcall handler: BUSY, SCRIPT KILL', async () => {
  await both('c calls', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    for (const script of C_CALL_SPINS) await duringBusy(a, b, log, 'during', ['EVAL', script, '0'], [['PING'], ['GET', 'k'], ['SCRIPT', 'KILL']]);
    log.push('after: ' + show((await b.call(['PING'])).raw));
    a.close();
    b.close();
  });
});

test('suspended inside C calls: the results are those of an unsuspended run', async () => {
  await both('c call results', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    // Each construct is busy for 150 ms once (well past the threshold), then finishes normally.
    const script = `
local waited = {}
local function once(name) if not waited[name] then waited[name] = true ${busyFor(150, '')} end end
local out = {}
local calls = 0
local t = {5, 3, 3, 9, 1, 0, 2, 7, 7, 4, 8, 6, 1}
local ok, e = pcall(table.sort, t, function(x, y) once('sort') calls = calls + 1 return ((x or -1) * 31 + (y or -1) * 17 + calls) % 3 == 0 end)
out[#out + 1] = table.concat(t, ',') .. ' ' .. calls .. ' ' .. tostring(ok) .. ' ' .. tostring(e)
out[#out + 1] = table.concat({string.gsub('hello world', '(%w+)', function(w) once('gsub') return w:upper() end)}, ' ')
local co = coroutine.create(function(x) once('co') local y = coroutine.yield(x + 1) return y * 2 end)
local r1 = {coroutine.resume(co, 1)}
local r2 = {coroutine.resume(co, 10)}
out[#out + 1] = tostring(r1[2]) .. ' ' .. tostring(r2[2]) .. ' ' .. coroutine.status(co)
local mt = {__index = function(tb, k) once('index') return k .. '!' end, __add = function(x, y) once('add') return 42 end,
  __lt = function(x, y) once('lt') return true end, __concat = function(x, y) once('concat') return 'cat' end}
local m = setmetatable({}, mt)
out[#out + 1] = m.key .. ' ' .. (m + 1) .. ' ' .. tostring(m < setmetatable({}, mt)) .. ' ' .. (m .. 'x')
local xr = {xpcall(function() error('fail') end, function(err) once('handler') return 'handled ' .. err end)}
out[#out + 1] = tostring(xr[1]) .. ' ' .. xr[2]
ok, e = pcall(table.sort, {3, 2, 1}, function(x, y) once('sort error') error('cmp failed') end)
out[#out + 1] = tostring(ok) .. ' ' .. e
-- Commands that TypeScript runs, called from a comparator after a suspension.
local infos = 0
table.sort({3, 1, 2, 5, 4}, function(x, y) once('info') infos = infos + #redis.call('command', 'info', 'get') + (redis.call('info', 'server'):find('redis_version') and 1 or 0) return x < y end)
out[#out + 1] = 'info ' .. infos
redis.call('set', 'k', 'v')
return out`;
    await runToTheEnd(a, b, log, script);
  });
});

test('FCALL looping in a sort comparator gets FUNCTION KILL; a script that wrote, then loops in a metamethod, is UNKILLABLE until SHUTDOWN NOSAVE', async () => {
  await both('c calls function', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    const library = `#!lua name=sortlib
redis.register_function{function_name='spin_in_sort', callback=function(keys, args)
  local t = {2, 1}
  table.sort(t, function(x, y) ${SPIN} end)
  return t
end, flags={'no-writes'}}`;
    log.push('load: ' + show((await a.call(['FUNCTION', 'LOAD', library])).raw));
    await duringBusy(a, b, log, 'during', ['FCALL', 'spin_in_sort', '0'], [['PING'], ['FUNCTION', 'STATS'], ['SCRIPT', 'KILL'], ['FUNCTION', 'KILL']]);
    a.send('EVAL', `redis.call('set', 'written', '1') local t = setmetatable({}, {__index = function() ${SPIN} end}) return t.x`, '0');
    await sleep(SETTLE_MS);
    log.push('ping: ' + show((await b.call(['PING'])).raw));
    log.push('script kill: ' + show((await b.call(['SCRIPT', 'KILL'])).raw));
    await shutdownNoSave(server, a, b, log);
  }, { stops: true });
});

test('looping inside an xpcall message handler: BUSY, SHUTDOWN NOSAVE', async () => {
  await both('message handler', async (server, log) => {
    const a = await connectSet(server);
    const b = await server.connect();
    a.send('EVAL', `return {xpcall(function() error('fail') end, function(e) ${SPIN} end)}`, '0');
    await sleep(SETTLE_MS);
    for (const cmd of [['PING'], ['GET', 'k'], ['SHUTDOWN']]) log.push('during: ' + show((await b.call(cmd)).raw));
    await shutdownNoSave(server, a, b, log);
  }, { stops: true });
});

// Redis 7.0 hangs for good when SCRIPT KILL stops a looping message handler: Lua calls the handler
// again with the kill error while hooks are off (the error left the hook), and nothing stops it.
// Here the handler gets the kill error in turn until Lua gives up, and the script goes on.
test('SCRIPT KILL of a looping xpcall message handler: the handler fails, the script is killed at its next line', async () => {
  const server = await startCandidate([]);
  try {
    const a = await connectSet(server);
    const b = await server.connect();
    const scripts: Array<[string, RegExp]> = [
      [`return {xpcall(function() error('fail') end, function(e) ${SPIN} end)}`, /^\*2\\r\\n\$-1\\r\\n\$23\\r\\nerror in error handling\\r\\n$/],
      [`local r = {xpcall(function() error('fail') end, function(e) ${SPIN} end)}\nreturn r`, /^-ERR Script killed by user with SCRIPT KILL\.\.\. script: \w+, on @user_script:2\.\\r\\n$/],
    ];
    for (const [script, expected] of scripts) {
      a.send('EVAL', script, '0');
      await sleep(SETTLE_MS);
      assert.match(show((await b.call(['GET', 'k'])).raw), /^-BUSY /);
      assert.is(show((await b.call(['SCRIPT', 'KILL'])).raw), '+OK\\r\\n');
      assert.match(show((await a.read(5000)).raw), expected);
      assert.is(show((await b.call(['PING'])).raw), '+PONG\\r\\n');
    }
    a.close();
    b.close();
  } finally {
    await server.stop();
  }
});

test('AOF: a killed read-only script writes nothing; a finished long script writes its effects once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'script-busy-aof-'));
  const aof = path.join(dir, 'appendonly.aof');
  const server = await startCandidate(['--aof-path', aof]);
  try {
    const a = await connectSet(server);
    const b = await server.connect();
    a.send('EVAL', `redis.call('get', 'x') ${SPIN}`, '0');
    await sleep(SETTLE_MS);
    assert.is(show((await b.call(['SCRIPT', 'KILL'])).raw), '+OK\\r\\n');
    assert.match(show((await a.read(5000)).raw), /^-ERR Script killed by user with SCRIPT KILL/);
    assert.is(show((await a.call(['EVAL', busyFor(300, "redis.call('set', 'y', '2') return 1"), '0'], 10000)).raw), ':1\\r\\n');
    await b.call(['SET', 'z', '3']);
    const text = fs.readFileSync(aof, 'latin1');
    const written = [...text.matchAll(/\*\d+\r\n\$\d+\r\n(\w+)\r\n/g)].map((m) => m[1].toUpperCase());
    assert.equal(written.filter((w) => w !== 'SELECT'), ['SET', 'SET'], text);
    assert.ok(text.includes('$1\r\ny\r\n$1\r\n2') && text.includes('$1\r\nz\r\n$1\r\n3'), text);
    a.close();
    b.close();
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
