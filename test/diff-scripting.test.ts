/**
 * Lua scripting against real redis-server 7.0: EVAL/EVALSHA/EVAL_RO/EVALSHA_RO and SCRIPT, in RESP2
 * and RESP3, one command at a time and pipelined. Conversions both ways (Lua values to replies,
 * command replies to Lua values, under redis.setresp(2) and (3)), errors raised and caught
 * (redis.call, redis.pcall, pcall, error(), error tables), compile errors, sandbox violations,
 * the script cache (SCRIPT LOAD/EXISTS/FLUSH, NOSCRIPT), read-only scripts refusing writes, the
 * cjson/bit/cmsgpack/struct libraries, functions (FUNCTION LOAD/LIST/STATS/DELETE/FLUSH, FCALL, FCALL_RO);
 * then the AOF records of scripts and functions, and ioredis defineCommand.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import Redis from 'ioredis';
import { Cmd } from './support/diff';
import { checkScript, usePair } from './support/harness';
import { startCandidate } from './support/servers';
import { Rng } from './support/random';

const p = usePair(test);

const sha1 = (text: string): string => crypto.createHash('sha1').update(text).digest('hex');

const evalCmd = (script: string, keys: string[] = [], args: string[] = []): Cmd => ['EVAL', script, String(keys.length), ...keys, ...args];

test('Lua values become replies (numbers truncated, tables to the first nil, ok/err/double/map/set)', async () => {
  const scripts = [
    'return 1', 'return -7.9', 'return 3.99', 'return 0.5', "return 'str'", "return ''", 'return true', 'return false', 'return nil',
    "return {1, 2, 3.7, 'x', nil, 4}", 'return {}', "return {{1, {2, 'a'}}, {}, {false, true}}", "return {ok='fine'}",
    "return {ok='with\\r\\nnewline'}", "return {err='My Error'}", "return {err='nospace'}", "return {err=3}", "return {err='x', ok='y'}",
    'return {double=3.5}', 'return {double=1e300}', "return {double='x'}", "return {map={a=1}}", "return {set={x=true}}",
    "return {big_number='123456789012345678901234567890'}", "return {verbatim_string={format='txt', string='hello'}}",
    "return {1, {ok='inner'}, {err='ERR inner'}}", 'return {x=1, y=2}', "return {1, 2, x=3}", 'return 2^53', 'return -(2^63)',
    'return 1/0', 'return -1/0', 'return math.huge', "return redis.status_reply('STATUS')", "return redis.error_reply('ERR custom')",
    "return redis.error_reply('-WEIRD thing')", "return redis.error_reply('no code here')", 'return redis.status_reply(1)',
    'return redis.error_reply()', "return {true, false, nil}",
  ];
  const cmds: Cmd[] = scripts.map((s) => evalCmd(s));
  // Booleans and nils under RESP3 as the script chose it.
  for (const s of ['return true', 'return false', 'return nil', "return {double=2.5}", "return {map={k='v'}}", "return {set={m=true}}",
    "return {big_number='1234'}", "return {verbatim_string={format='mkd', string='# hi'}}", 'return {true, false}']) {
    cmds.push(evalCmd('redis.setresp(3); ' + s));
  }
  await checkScript(p(), cmds);
});

test('command replies become Lua values (RESP2 and redis.setresp(3))', async () => {
  const describe = `
local function show(v)
  if type(v) == 'table' then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do
      local val = v[k] ~= nil and v[k] or v[tonumber(k)]
      parts[#parts + 1] = k .. '=' .. show(val)
    end
    return '{' .. table.concat(parts, ',') .. '}'
  end
  return type(v) .. ':' .. tostring(v)
end
if ARGV[1] == '3' then redis.setresp(3) end
return show(redis.pcall(unpack(KEYS)))`;
  const cmds: Cmd[] = [
    ['SET', 's', 'v'], ['RPUSH', 'l', 'a', 'b'], ['HSET', 'h', 'f', 'v'], ['SADD', 'set', 'm'], ['ZADD', 'z', '1.5', 'a'], ['SET', 'n', '10'],
  ];
  const calls: string[][] = [
    ['get', 's'], ['get', 'missing'], ['incr', 'n'], ['lrange', 'l', '0', '-1'], ['lrange', 'missing', '0', '-1'], ['hgetall', 'h'],
    ['smembers', 'set'], ['zscore', 'z', 'a'], ['zrange', 'z', '0', '-1', 'withscores'], ['set', 'x', 'y'], ['ping'],
    ['incr', 's'], ['lpop', 'missing'], ['exists', 's'], ['type', 'h'], ['hget', 'h', 'nofield'], ['blpop', 'missing', '0'],
    ['zrandmember', 'missing'], ['object', 'encoding', 'n'], ['echo', 'e'], ['zincrby', 'z', '1', 'a'], ['hrandfield', 'missing', '1'],
    ['nosuchcommand'], ['get'], ['lpos', 'l', 'zz'], ['zmscore', 'z', 'a', 'nope'], ['set', 'k', 'v', 'get'],
  ];
  for (const resp of ['2', '3']) {
    for (const call of calls) cmds.push(['EVAL', describe, String(call.length), ...call, resp]);
  }
  await checkScript(p(), cmds);
});

test('KEYS/ARGV, numbers as arguments, data commands, SELECT inside scripts', async () => {
  const cmds: Cmd[] = [
    evalCmd("return redis.call('set', KEYS[1], ARGV[1])", ['k'], ['v']), evalCmd("return redis.call('get', KEYS[1])", ['k']),
    evalCmd('return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}', ['a', 'b'], ['c', 'd']),
    evalCmd("redis.call('set', 'num', 3.0) return redis.call('get', 'num')"),
    evalCmd("redis.call('set', 'num', 0.1) return redis.call('get', 'num')"),
    evalCmd("redis.call('set', 'num', 1e20) return redis.call('get', 'num')"),
    evalCmd("redis.call('set', 'num', -5) return redis.call('incrby', 'num', 2.0)"),
    evalCmd("for i = 1, 100 do redis.call('rpush', 'list', i) end return redis.call('llen', 'list')"),
    evalCmd("local t = redis.call('lrange', 'list', 0, 4) return t"),
    evalCmd("redis.call('select', 2) redis.call('set', 'in2', 'x') return redis.call('get', 'in2')"), ['GET', 'in2'], ['SELECT', '2'], ['GET', 'in2'],
    ['SELECT', '0'], evalCmd("return redis.call('select', 99)"), evalCmd("return redis.pcall('select', 'x')"), evalCmd("return redis.pcall('select')"),
    ['EVAL', 'return 1', 'x'], ['EVAL', 'return 1', '-1'], ['EVAL', 'return 1', '2', 'a'], ['EVAL', 'return 1'], ['EVALSHA', 'abc'],
    evalCmd("return redis.call('hset', 'h', 'a', 1, 'b', 2)"), evalCmd("return redis.call('hgetall', 'h')"),
    evalCmd("return redis.call('zadd', 'z', 1, 'one', 2.5, 'two')"), evalCmd("return redis.call('zrange', 'z', 0, -1, 'WITHSCORES')"),
    evalCmd("return redis.sha1hex('abc')"), evalCmd("return redis.sha1hex('')"), evalCmd('return redis.sha1hex()'),
    evalCmd('return redis.REDIS_VERSION'), evalCmd('return redis.REDIS_VERSION_NUM'), evalCmd('return _VERSION'),
    evalCmd('return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}'),
    evalCmd('return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}'),
    evalCmd('return redis.replicate_commands()'), evalCmd('redis.set_repl(redis.REPL_ALL) return 1'), evalCmd('return redis.set_repl(9)'),
    evalCmd('return redis.set_repl()'), evalCmd('return redis.setresp(4)'), evalCmd('return redis.setresp()'),
    evalCmd("redis.log(redis.LOG_DEBUG, 'quiet') return 1"), evalCmd("return redis.log(99, 'x')"), evalCmd("return redis.log('x', 'y')"),
    evalCmd('return redis.log(1)'), evalCmd('return redis.breakpoint()'), evalCmd("return redis.debug('x')"),
    evalCmd("math.randomseed(1) return {math.random(1000), math.random(1000), math.random(10, 20)}"),
    evalCmd("math.randomseed(7) return tostring(math.random())"), evalCmd('return math.random(0)'), evalCmd('return math.random(1, 2, 3)'),
    evalCmd("return string.format('%d-%s', 5, 'x')"), evalCmd("return table.concat({'a', 'b'}, ',')"),
    evalCmd("return string.rep('ab', 3)"), evalCmd('return tonumber("0x10")'), evalCmd('return select("#", 1, 2, 3)'),
    evalCmd("local t = {3, 1, 2} table.sort(t) return t"), evalCmd("return math.floor(7.9)"), evalCmd("return loadstring('return 41 + 1')()"),
    evalCmd("local co = coroutine.create(function() coroutine.yield(5) end) local ok, v = coroutine.resume(co) return v"),
  ];
  await checkScript(p(), cmds);
});

test('libraries: cjson, bit and cmsgpack as Redis embeds them', async () => {
  const scripts = [
    "return cjson.encode({1, 2, 3})", "return cjson.encode({a = 1})", "return cjson.encode('str\\n\"q')", "return cjson.encode(1.5)",
    "return cjson.encode(0.1)", "return cjson.encode(1e300)", "return cjson.encode(cjson.null)", "return cjson.encode({})",
    "return cjson.encode({{}, {x = {y = true}}, false})", "return cjson.encode({[1] = 1, [3] = 3})", "return cjson.encode({[1] = 1, [30] = 3})",
    "return cjson.encode(function() end)", "return cjson.encode({a = function() end})", "return cjson.encode(1/0)",
    "local t = cjson.decode('[1, 2.5, \"s\", null, true, {\"k\": [false]}]') return {t[1], t[2], t[3], tostring(t[4]), t[5], t[6].k[1]}",
    "return cjson.decode('{bad')", "return cjson.decode('')", "return cjson.decode('[1,]')", "return cjson.decode('\"\\\\u00e9\"')",
    "return cjson.decode('123456789012')", "return type(cjson.decode('null'))", "return cjson.decode('[[[[1]]]]')[1][1][1][1]",
    "return cjson.encode(cjson.decode('{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]}}'))",
    "return {bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0), bit.tobit(2^32 + 1), bit.tobit(-1)}",
    "return {bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678)}",
    "return {bit.tohex(255), bit.tohex(-1, 4), bit.tohex(255, -2), bit.tohex(0x12345678, 12), bit.tobit(3.7), bit.tobit(-3.5)}",
    "return bit.band('x')", "return bit.band()", "return bit.tobit('12')",
    "return cmsgpack.pack(1, -1, 127, 128, 255, 256, 65535, 65536, -32, -33, -128, -129, -32768, -32769, 2^32, -(2^31) - 1)",
    "return cmsgpack.pack(1.5, 0.1, -2.25, 1e300, 'a', string.rep('x', 40), string.rep('y', 300), true, false, nil)",
    "return cmsgpack.pack({1, 2, 3}, {a = 1}, {}, {[2] = 'x'}, {1, nil, 3})",
    "local t = {} for i = 1, 20 do t[i] = i end return cmsgpack.pack(t)",
    "local t = {} local c = t for i = 1, 20 do c.n = {} c = c.n end return cmsgpack.pack(t)",
    "return {cmsgpack.unpack(cmsgpack.pack(1, 'two', {3, {four = 4}}, -5.5, true))}",
    "local a, b = cmsgpack.unpack(cmsgpack.pack({x = 'y'}, {1, 2})) return {a.x, b[2]}",
    "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}", "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)}",
    "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}", "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}",
    "return cmsgpack.unpack('\\146\\1')", "return cmsgpack.unpack('\\193')", "return cmsgpack.pack()", "return cmsgpack.unpack_one('\\1', 5)",
    "return cmsgpack.unpack(string.char(0xcf, 0, 0, 0, 1, 0, 0, 0, 0))", "return cmsgpack.unpack(string.char(0xd3, 255, 255, 255, 255, 255, 255, 255, 254))",
    "return cmsgpack.unpack(string.char(0xca, 0x3f, 0xc0, 0, 0)) * 10",
  ];
  await checkScript(p(), scripts.map((s) => evalCmd(s)));
});

test('the struct library: pack, unpack and size with every option, alignment, byte order and errors', async () => {
  // unpack's results as type:value text (floats keep their digits, strings their bytes).
  const show = (call: string): string =>
    `local r = {${call}} for i = 1, #r do r[i] = type(r[i]) .. ':' .. tostring(r[i]) end return r`;
  const packs = [
    "'b', -1", "'B', 255", "'h', -2", "'H', 65535", "'>h', 258", "'<H', 258", "'l', -3", "'L', 2^40", "'T', 7", "'i', -4", "'I', 4294967295",
    "'>i3', 65538", "'<i3', -2", "'I1', 300", "'i8', -(2^53)", "'>I16', 1", "'<i16', -1", "'i5', 2^33", "'f', 1.5", "'>f', -0.1", "'d', 0.1",
    "'<d', 1e300", "'>d', -2.5", "'s', 'abc'", "'s', ''", "'c', 'xyz'", "'c3', 'abcdef'", "'c0', 'whole'", "'x'", "'xbx', 7",
    "'!bi', 1, 2", "'!2bi', 1, 2", "'!bhbd', 1, 2, 3, 4.5", "'!4bd', 1, 2", "'bi', 1, 2", "'! b i', 1, 2", "'>!4 b I2 c2 d', 9, 513, 'zz', 1",
    "'i', 3.9", "'i', -3.9", "'B', -1", "'b', 200", "'h', 70000", "'i', '12'", "'i2i', 1, 2",
    "'z'", "'!3i', 1", "'i40', 1", "'c5', 'ab'", "'i'", "'i', 'x'", "'s', 5", "'s'", "'i99999999999', 1", "''", "'d'",
  ];
  const unpacks = [
    "'b', '\\255'", "'B', '\\255'", "'>h', '\\1\\2'", "'<h', '\\1\\2'", "'>H', '\\255\\254'", "'>i3', '\\255\\255\\254'",
    "'<I3', '\\1\\2\\3'", "'l', struct.pack('l', -5)", "'L', struct.pack('L', 2^50)", "'T', struct.pack('T', 12)",
    "'i', struct.pack('i', -7)", "'I8', struct.pack('I8', 2^52)", "'f', struct.pack('f', 0.1)", "'>d', struct.pack('>d', -1e-300)",
    "'s', 'ab\\0cd\\0'", "'ss', 'ab\\0cd\\0'", "'c2', 'abcd'", "'c2c2', 'abcd'", "'Bc0', '\\3abcdef'", "'>hc0', '\\0\\2xyz'",
    "'xB', '\\1\\2'", "'!bi', struct.pack('!bi', 1, 2)", "'!4bd', struct.pack('!4bd', 3, 0.5)", "'!bhbd', struct.pack('!bhbd', 1, 2, 3, 4.5)",
    "'B', 'abc', 2", "'B', 'abc', 3", "'c1', 'abc', 4", "'B', 'abc', 4", "'B', 'abc', 0", "'i', 'ab'", "'c0', 'ab'", "'s', 'ab'",
    "'z', 'ab'", "'c3', 'ab'", "'Bc0', '\\9ab'", "'', 'x'", "'i'", "'!7b', 'a'", "'b', 'abc', 'x'",
  ];
  const sizes = ["'b'", "'bhilT'", "'!bhilT'", "'!2bd'", "'i3i'", "'!4bi3d'", "'c10'", "'x'", "'z'", "'!'", "''", "'>i<i'", "'s'", "'c0'", "'!3'", "'i40'"];
  const cmds: Cmd[] = [
    ...packs.map((a) => evalCmd(`return struct.pack(${a})`)),
    ...unpacks.map((a) => evalCmd(show(`struct.unpack(${a})`))),
    ...sizes.map((a) => evalCmd(`return struct.size(${a})`)),
    evalCmd("struct.pack = nil"),
    // Scripts run in a coroutine of ours; their own coroutines work, a yield of the script does not.
    evalCmd('coroutine.yield(1)'), evalCmd('return 1 + coroutine.yield(1)'),
    evalCmd("local co = coroutine.create(function() coroutine.yield(5) return 7 end) local a, b = coroutine.resume(co) local c, d = coroutine.resume(co) return {tostring(a), b, tostring(c), d}"),
    evalCmd('local co = coroutine.wrap(function() local i = 0 while i < 3000000 do i = i + 1 end return i end) return co()'),
    evalCmd("return {pcall(coroutine.yield, 1)}"),
    // coroutine.running/status/resume see the script's coroutines only (not the run's, nor a pcall's).
    evalCmd("return type(coroutine.running())"),
    evalCmd("return {pcall(function() return type(coroutine.running()) end)}"),
    evalCmd("local co = coroutine.create(function() return pcall(function() return coroutine.status(coroutine.running()) end) end) return {coroutine.resume(co)}"),
    evalCmd("local co co = coroutine.create(function() return pcall(function() return coroutine.resume(co) end) end) return {coroutine.resume(co)}"),
    evalCmd("local co co = coroutine.create(function() return coroutine.resume(co) end) return {coroutine.resume(co)}"),
    evalCmd("return coroutine.resume(42)"),
    evalCmd("return {pcall(coroutine.resume, 42)}"),
    evalCmd("return coroutine.status(coroutine.create(function() end))"),
    evalCmd("local co = coroutine.create(function() coroutine.yield() end) coroutine.resume(co) return coroutine.status(co)"),
    evalCmd("local co = coroutine.create(function() end) coroutine.resume(co) return {coroutine.status(co), coroutine.resume(co)}"),
    evalCmd("local co = coroutine.wrap(function() return coroutine.status(coroutine.running()) end) return co()"),
    evalCmd("local outer = coroutine.create(function() local inner = coroutine.create(function(o) return coroutine.status(o) end) return coroutine.resume(inner, coroutine.running()) end) return {coroutine.resume(outer)}"),
    evalCmd("return coroutine.status(42)"),
    evalCmd("local co = coroutine.create(function(a, b) local c = coroutine.yield(a + b) return c * 2 end) local r1 = {coroutine.resume(co, 1, 2)} local r2 = {coroutine.resume(co, 10)} return {r1[2], r2[2], coroutine.status(co)}"),
    evalCmd("local co = coroutine.create(function() error('in co') end) return {coroutine.resume(co)}"),
    evalCmd("local co = coroutine.create(function() error({err='tbl'}) end) local ok, e = coroutine.resume(co) return {tostring(ok), type(e)}"),
    evalCmd("return coroutine.running() == nil"),
    evalCmd(show("struct.unpack('>I2 c0 d', struct.pack('>I2 c0 d', 3, 'abc', 2.25))")),
  ];
  await checkScript(p(), cmds, { modes: ['pipelined'] });
});

/** Seeded: arrays with repeats, sorted by consistent, inconsistent and failing comparators. */
function sortCases(seed: number, n: number): Cmd[] {
  const rng = new Rng(seed);
  const comparators = [
    '',  // Lua's default order
    'function(a, b) return a > b end',
    'function(a, b) return a <= b end',  // not a strict order: may raise "invalid order function for sorting"
    'function(a, b) return (a * 7 + b * 3) % 5 < 2 end',
    // Depends on the call order: only the same algorithm gives the same result.
    'function(a, b) calls = calls + 1 return (a * 31 + b * 17 + calls) % 3 == 0 end',
    'function(a, b) calls = calls + 1 if calls > 20 then error("cmp " .. calls) end return a < b end',
    'function(a, b) return a % 4 < b % 4 end',
    'function(a, b) return nil end',
    'function(a, b) return 1 end',
  ];
  const cmds: Cmd[] = [];
  for (let i = 0; i < n; i++) {
    const values = Array.from({ length: rng.int(0, 40) }, () => rng.int(0, rng.pick([3, 20, 1000])));
    const cmp = rng.pick(comparators);
    const script = `local calls = 0
local t = {${values.join(', ')}}
local ok, e = pcall(table.sort, t${cmp === '' ? '' : ', ' + cmp})
return {tostring(ok), tostring(e), calls, t}`;
    cmds.push(evalCmd(script));
  }
  return cmds;
}

test('table.sort: orders, comparator errors and calls of Lua 5.1 (seeded arrays and comparators)', async () => {
  const cmds: Cmd[] = [...sortCases(7001, 40), ...sortCases(7002, 40)];
  cmds.push(
    evalCmd("local t = {'b', 'a', 'c', 'B'} table.sort(t) return t"),
    evalCmd("local t = {3, 'a', 1} table.sort(t) return t"),
    evalCmd("local t = {3, 1, 2} table.sort(t, function(a, b) return a.x < b end) return t"),
    evalCmd("local t = {{v=2}, {v=1}} table.sort(t) return 1"),
    evalCmd("local t = {3, 1, 2} table.sort(t, 5) return t"),
    evalCmd('return table.sort()'),
    evalCmd('local t = {} for i = 1, 20 do t[i] = 5 end table.sort(t, function(a, b) return a <= b end) return t'),
    evalCmd("local t = {3, 1, 2} table.sort(t, function(a, b) return redis.call('incr', 'k') % 2 == 0 end) return t"),
    evalCmd("local t = {5, 1, 4} table.sort(t, function(a, b) error({err='ERR from comparator'}) end) return t"),
    evalCmd("local t = {5, 1, 4} table.sort(t, function(a, b) local x = nil return x.y end) return t"),
  );
  await checkScript(p(), cmds, { modes: ['pipelined'], protocols: [2] });
});

test('string.gsub with functions, tables and strings: anchors, empty matches, %-escapes, max n, errors', async () => {
  const cases = [
    "'hello world', '%w+', function(w) return w:upper() end", "'hello world', '(%w+)', function(w) return nil end",
    "'hello world', '%w+', function(w) return false end", "'hello', '', function() return '-' end", "'hello', '', '-'",
    "'hello', '^h', function(c) return 'J' end", "'hello', '^', function() return '>' end", "'hello', '$', function() return '<' end",
    "'hello', 'l*', function(m) return '[' .. m .. ']' end", "'hello', 'x*', '%0%0'", "'abc', '%w', '%%%0'",
    "'abc', '(a)(b)', '%2%1'", "'abc', '()b()', function(p, q) return p .. ':' .. q end", "'abc', '%w', function(c) return 42 end",
    "'abc', '%w', function(c) return {} end", "'abc', '%w', function(c) return 1.5 end", "'abc abc', 'b', 'X', 1",
    "'abc abc', 'b', function() return 'Y' end, 1", "'abc', '%w', 'x', 0", "'abc', '%w', 'x', -1", "'abc', '%w', {a='1', b=true}",
    "'abc', '%w', {a=false}", "'abc', '(%w)(%w)', {ab='no', a='yes'}", "'abc', '%w', '%2'", "'abc', '%w', '%'", "'abc', '[a', 'x'",
    "'abc', '%w', 5", "'abc', '%w'", "'abc', '%w', function(c) error('in repl') end", "'a.b.c', '%.', function() return '/' end",
    "'key=val; k2=v2', '(%w+)=(%w+)', function(k, v) return v .. '=' .. k end", "'aaa', 'a-', function(m) return '<' .. m .. '>' end",
    "'', '', function() return 'e' end", "'abc', '.', function(c) return c:byte() end", "'x^y', '%^', '\\'",
  ];
  const cmds: Cmd[] = cases.map((args) => evalCmd(`local ok, r, n = pcall(string.gsub, ${args}) return {tostring(ok), tostring(r), tostring(n)}`));
  cmds.push(evalCmd("return string.gsub('abc', '%w', function(c) return redis.call('incr', 'n') end)"));
  cmds.push(evalCmd("return ('abc'):gsub('b', function() error({err='ERR gsub table'}) end)"));
  await checkScript(p(), cmds, { modes: ['pipelined'] });
});

test('metamethods, xpcall message handlers and coroutines: results and errors', async () => {
  const mt = `local log = {}
local mt = {}
mt.__index = function(t, k) log[#log + 1] = 'index ' .. tostring(k) return k .. '!' end
mt.__newindex = function(t, k, v) log[#log + 1] = 'newindex ' .. tostring(k) rawset(t, k, v * 2) end
mt.__add = function(a, b) return 'add' end
mt.__sub = function(a, b) return 7 end
mt.__mul = function(a, b) error('no mul') end
mt.__unm = function(a) return 'unm' end
mt.__eq = function(a, b) log[#log + 1] = 'eq' return true end
mt.__lt = function(a, b) log[#log + 1] = 'lt' return 1 end
mt.__le = function(a, b) log[#log + 1] = 'le' return nil end
mt.__concat = function(a, b) return 'cat' end
mt.__call = function(self, x, y) return x + y, 'called' end
local a, b = setmetatable({}, mt), setmetatable({}, mt)
`;
  const scripts = [
    'return {a.foo, a[1], log[1], log[2]}', 'a.x = 21 return {rawget(a, "x"), log[1]}', 'return {a + 1, 1 + a, a - b, -a}',
    'return a * 2', 'return {tostring(a == b), tostring(a ~= b), tostring(a < b), tostring(a <= b), tostring(a > b), #log}',
    "return {a .. 'x', 'x' .. a, a .. b}", 'return {a(1, 2)}', 'return {pcall(a, 1, {})}', 'return {pcall(function() return a * 1 end)}',
    "local t = setmetatable({}, {__index = function(t, k) return redis.call('incr', 'mm') end}) return {t.x, t.y}",
    "local t = setmetatable({}, {__index = function(t, k) error({err='ERR from index'}) end}) return t.x",
    "local t = setmetatable({}, {__index = function(t, k) return t[k .. 'x'] end}) return t.a",
    "local t = setmetatable({}, {__index = setmetatable({}, {__index = function(t, k) return 'deep ' .. k end})}) return t.q",
    "local t = setmetatable({}, {__len = function() return 5 end}) return #t",
    "local t = setmetatable({}, {__tostring = function() return 'T!' end}) return tostring(t)",
  ].map((body) => evalCmd(mt + body));
  const handlers = [
    "return {xpcall(function() error('boom') end, function(e) return 'handled: ' .. e end)}",
    "return {xpcall(function() error({err='ERR t'}) end, function(e) return type(e) end)}",
    "return {xpcall(function() error('boom') end, function(e) error('again') end)}",
    "return {xpcall(function() return 1, 2 end, function(e) return e end)}",
    "return {xpcall(function() local x = nil return x.y end, function(e) return redis.call('incr', 'h') end)}",
    "return {xpcall(function() error('boom') end, 42)}",
    "return {xpcall(function() error('boom') end)}",
    "return {xpcall(42, function(e) return 'h: ' .. e end)}",
    "local depth = 0 local function f() depth = depth + 1 return xpcall(f, function(e) return e end) end local r = {f()} return {tostring(r[1]), r[2], depth}",
    "local depth = 0 local function f() depth = depth + 1 return pcall(f) end local r = {f()} return {tostring(r[1]), r[2], depth}",
  ].map((s) => evalCmd(s));
  const coroutines = [
    "local co = coroutine.wrap(function() error('in wrap') end) return co()",
    "local co = coroutine.wrap(function() error({err='ERR wrap table'}) end) return co()",
    "local co = coroutine.wrap(function() return pcall(coroutine.yield, 1) end) local a, b = co() return {tostring(a), b, co('x')}",
    "local co = coroutine.wrap(function(...) local n = select('#', ...) while true do n = n + select('#', coroutine.yield(n)) end end) return {co(1, 2), co(), co(1, 2, 3)}",
    "local co = coroutine.create(function() return redis.call('incr', 'c') end) return {coroutine.resume(co)}",
    "local co = coroutine.create(function() local t = {3, 1, 2} table.sort(t, function(a, b) coroutine.yield() return a < b end) end) return {coroutine.resume(co)}",
    "local co = coroutine.create(function() return string.gsub('ab', '%w', function(c) return coroutine.yield(c) end) end) return {coroutine.resume(co)}",
    "local co = coroutine.create(function() return setmetatable({}, {__index = function() return coroutine.yield(1) end}).x end) return {coroutine.resume(co)}",
    "local co = coroutine.wrap(function() return coroutine.wrap(function() return coroutine.yield(5) end)() end) return co()",
    "local co = coroutine.wrap(function() end) co() return co()",
  ].map((s) => evalCmd(s));
  await checkScript(p(), [...scripts, ...handlers, ...coroutines], { modes: ['pipelined'] });
});

/** INFO lines of `section` on a server, with timings (usec, usec_per_call) masked. */
async function infoLines(port: number, section: string): Promise<string[]> {
  // (No CLIENT SETINFO on connect: redis-server 7.0 answers it with an error, which would count.)
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, disableClientInfo: true });
  await client.connect();
  try {
    const text = (await client.info(section)) as string;
    return text.split('\r\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+/, 'usec=*'));
  } finally {
    client.disconnect();
  }
}

test('statistics: commands called by scripts count in commandstats, errorstats and total_commands_processed as in Redis', async () => {
  const pair = p();
  const scripts: Cmd[] = [
    ['CONFIG', 'RESETSTAT'], ['SET', 'str', 'v'],
    evalCmd("for i = 1, 10 do redis.call('set', 'k' .. i, i) end redis.call('get', 'k1') return 1"),
    evalCmd("return redis.call('incr', 'x', 'y')"), evalCmd("return redis.call('lpush', 'str', 'x')"), evalCmd("return redis.pcall('lpush', 'str', 'x')"),
    evalCmd("redis.pcall('lpush', 'str', 'x') return 'caught'"), evalCmd("error('boom')"), evalCmd("return redis.call('nosuch')"),
    evalCmd("return redis.call('flushall', 'x', 'y')"), ['EVAL_RO', "return redis.call('set', 'a', 'b')", '0'], evalCmd("return redis.call('shutdown')"),
    evalCmd("return redis.call('object', 'nosuch')"), evalCmd("return redis.call('publish', 'ch', 'm')"), evalCmd("return redis.call('echo')"),
    evalCmd("return redis.error_reply('MY own')"), evalCmd("return {err='ERR table'}"),
  ];
  const expected: string[][] = [];
  for (const server of [pair.oracle, pair.candidate]) {
    const client = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 1, disableClientInfo: true });
    await client.connect();
    try {
      await client.flushall();
      for (const cmd of scripts) await client.call(String(cmd[0]), ...cmd.slice(1).map(String)).catch(() => undefined);
    } finally {
      client.disconnect();
    }
    const stats = (await infoLines(server.port, 'stats')).filter((l) => /^(total_commands_processed|total_error_replies):/.test(l));
    expected.push([...stats, ...(await infoLines(server.port, 'commandstats')).filter((l) => !/^cmdstat_(info|config\|resetstat|flushall):/.test(l)).sort(), ...(await infoLines(server.port, 'errorstats')).sort()]);
  }
  assert.equal(expected[1], expected[0]);
});

test('INFO memory shows the scripting fields with figures that follow the cache and the libraries', async () => {
  const fields = ['used_memory_lua', 'used_memory_vm_eval', 'used_memory_lua_human', 'used_memory_scripts_eval', 'number_of_cached_scripts',
    'number_of_functions', 'number_of_libraries', 'used_memory_vm_functions', 'used_memory_vm_total', 'used_memory_vm_total_human',
    'used_memory_functions', 'used_memory_scripts', 'used_memory_scripts_human'];
  const read = async (port: number): Promise<Map<string, string>> =>
    new Map((await infoLines(port, 'memory')).map((l) => l.split(':') as [string, string]).filter(([k]) => fields.includes(k)));
  const port = p().candidate.port;
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    await client.script('FLUSH');
    await client.function('FLUSH');
    const before = await read(port);
    assert.equal([...before.keys()], fields, 'the fields, in Redis 7.0\'s order');
    assert.is(before.get('number_of_cached_scripts'), '0');
    for (let i = 0; i < 20; i++) await client.script('LOAD', `return ${i} .. string.rep('x', 100)`);
    await client.function('LOAD', "#!lua name=memlib\nredis.register_function('f1', function() return 1 end)\nredis.register_function('f2', function() return 2 end)");
    const after = await read(port);
    assert.is(after.get('number_of_cached_scripts'), '20');
    assert.is(after.get('number_of_functions'), '2');
    assert.is(after.get('number_of_libraries'), '1');
    for (const grown of ['used_memory_lua', 'used_memory_scripts_eval', 'used_memory_functions', 'used_memory_scripts']) {
      assert.ok(Number(after.get(grown)) > Number(before.get(grown)), `${grown}: ${before.get(grown)} -> ${after.get(grown)}`);
    }
    assert.is(Number(after.get('used_memory_scripts')), Number(after.get('used_memory_scripts_eval')) + Number(after.get('used_memory_functions')));
    assert.is(after.get('used_memory_vm_total'), String(Number(after.get('used_memory_vm_eval')) + Number(after.get('used_memory_vm_functions'))));
    // The functions have a Lua state of their own (as in Redis): a library that holds data makes it
    // grow, FUNCTION FLUSH gives that back, SCRIPT FLUSH leaves it alone.
    const vmFunctions = async (): Promise<number> => Number((await read(port)).get('used_memory_vm_functions'));
    const empty = await vmFunctions();
    assert.ok(empty > 10000, `an empty functions state still has Lua's libraries: ${empty}`);
    await client.function('LOAD', "#!lua name=biglib\nlocal t = {} for i = 1, 2000 do t[i] = 'value ' .. i end\nredis.register_function('count', function() return #t end)");
    assert.is(await client.fcall('count', 0), 2000);
    const loaded = await vmFunctions();
    assert.ok(loaded > empty + 50000, `used_memory_vm_functions grows with a library's data: ${empty} -> ${loaded}`);
    const evalBefore = Number((await read(port)).get('used_memory_vm_eval'));
    await client.script('FLUSH');
    assert.ok(await vmFunctions() >= loaded, 'SCRIPT FLUSH keeps the functions');
    assert.ok(Number((await read(port)).get('used_memory_vm_eval')) < evalBefore, 'SCRIPT FLUSH resets the scripts\' state');
    assert.is(await client.fcall('count', 0), 2000);
    await client.function('FLUSH');
    const flushed = await vmFunctions();
    assert.ok(flushed < loaded - 50000, `FUNCTION FLUSH gives the library's memory back: ${loaded} -> ${flushed}`);
  } finally {
    client.disconnect();
  }
});

test('commands TypeScript owns, called from scripts', async () => {
  const cmds: Cmd[] = [
    evalCmd("return #redis.call('time')"), evalCmd("return type(redis.call('lastsave'))"), evalCmd("return redis.pcall('config', 'get', 'maxmemory')"),
    evalCmd("return redis.pcall('save')"), evalCmd("return redis.pcall('bgsave')"), evalCmd("return redis.pcall('shutdown')"),
    evalCmd("return redis.pcall('client', 'nosuch')"), evalCmd("return redis.pcall('client')"), evalCmd("return type(redis.call('info', 'server'))"),
    evalCmd("return redis.call('command', 'info', 'get')"), evalCmd("return redis.pcall('command', 'info', 'get', 'x')"),
    evalCmd("return redis.pcall('hello', '3')"), evalCmd("return redis.pcall('auth', 'x')"), evalCmd("return redis.pcall('quit')"),
    evalCmd("return redis.pcall('reset')"), evalCmd("return redis.pcall('debug', 'sleep', '0')"),
    // (Under redis.setresp(3) COMMAND INFO's sets become Lua tables, whose order redis-server
    // itself varies from one process to the next: not compared.)
    ['PING'],
  ];
  await checkScript(p(), cmds);
});

test('errors: raised, caught by pcall/redis.pcall, compile errors, error tables', async () => {
  const cmds: Cmd[] = [
    ['SET', 'str', 'text'],
    evalCmd("return redis.call('incr', 'str')"), evalCmd("return redis.pcall('incr', 'str')"), evalCmd("return {pcall(redis.call, 'incr', 'str')}"),
    evalCmd("local ok, err = pcall(redis.call, 'incr', 'str') return err"), evalCmd("local r = redis.pcall('incr', 'str') return r.err"),
    evalCmd("return redis.call('nosuch')"), evalCmd("return redis.pcall('nosuch', 'a')"), evalCmd("return redis.call('get')"),
    evalCmd("return redis.call('set', 'k')"), evalCmd('return redis.call()'), evalCmd('return redis.pcall()'), evalCmd('return redis.call({})'),
    evalCmd('return redis.call(nil)'), evalCmd("return redis.call('get', {})"), evalCmd("return redis.call('object', 'nosuch', 'x')"),
    evalCmd("return redis.call('multi')"), evalCmd("return redis.call('exec')"), evalCmd("return redis.call('eval', 'return 1', 0)"),
    evalCmd("return redis.call('script', 'load', 'return 1')"), evalCmd("return redis.pcall('watch', 'x')"),
    evalCmd("error('boom')"), evalCmd("error('boom', 0)"), evalCmd("error({err='X boom'})"), evalCmd('error()'), evalCmd('error(nil)'),
    evalCmd("error(42)"), evalCmd("error({err='ERR with\\nnewline'})"), evalCmd("local x = nil; return x.field"), evalCmd("return 1 + {}"),
    evalCmd("return #nil"), evalCmd("local t = setmetatable({}, {__index = function() error('deep') end}) return t.x"),
    evalCmd("\n\nerror('third line')"), evalCmd("local function f() error('in f') end\nf()"),
    evalCmd("local function f() redis.call('incr', 'str') end\n\nf()"), evalCmd("return pcall(error, 'caught')"),
    evalCmd("return {pcall(error, {err='tbl'})}"), evalCmd("return {pcall(error, {x=1})}"), evalCmd("return {xpcall(function() error('xp') end, function(e) return 'handled: ' .. e end)}"),
    evalCmd("return redis.error_reply('ERR from error_reply')"), evalCmd("return redis.pcall('incr', 'str', 'extra')"),
    // pcall/xpcall of Lua functions (run in coroutines of ours so that a long one can be suspended).
    evalCmd('return {pcall()}'), evalCmd('return {pcall(42)}'), evalCmd("return {pcall(function(a, b) return a + b, 'x' end, 1, 2)}"),
    evalCmd("return {pcall(function() error('boom') end)}"), evalCmd("return {pcall(function() error({err='ERR tbl'}) end)}"),
    evalCmd("return {pcall(function() return redis.call('incr', 'x', 'y') end)}"), evalCmd("return {pcall(function() error('lvl2', 2) end)}"),
    evalCmd("return {xpcall(function() error({err='E t'}) end, function(e) return type(e) end)}"),
    evalCmd("return {xpcall(function() error('x') end, function(e) error('again') end)}"), evalCmd("return {xpcall(function() error('x') end, 42)}"),
    evalCmd('return {xpcall(function() return 1 end)}'), evalCmd('return xpcall(function() return 1 end)'),
    evalCmd("local function f(n) local ok, r = pcall(f, n + 1) if ok then return r end return n .. ':' .. tostring(r) end return f(0)"),
    evalCmd("local function f(n) local ok, r = xpcall(function() return f(n + 1) end, function(e) return e end) if ok then return r end return n .. ':' .. tostring(r) end return f(0)"),
    evalCmd("return {pcall(function() coroutine.yield(1) end)}"),
    evalCmd("return {coroutine.resume(coroutine.create(function() return pcall(function() coroutine.yield(1) end) end))}"),
    evalCmd("local co = coroutine.wrap(function() local ok, v = pcall(function() return 7 end) coroutine.yield(v) return 9 end) return {co(), co()}"),
    evalCmd("return {pcall(pcall, error, 'x')}"), evalCmd("return {pcall(function(...) return select('#', ...) end, nil, nil)}"),
    evalCmd("return {pcall(function() return pcall(function() error({err='inner'}) end) end)}"),
    evalCmd("return pcall(setmetatable({}, {__call=function(self, a) return a end}), 5)"),
    evalCmd("local n = 0 for i = 1, 10000 do pcall(function() n = n + 1 end) end return n"),
    evalCmd("local r = {xpcall(function()\n error('x') end, __redis__err__handler)} return {r[1], r[2].err, r[2].source, r[2].line}"),
    evalCmd("local r = {xpcall(function()\n redis.call('incr', 'x', 'y') end, __redis__err__handler)} return {r[1], r[2].err, r[2].source, r[2].line}"),
    evalCmd("return {pcall(function() return xpcall(function() error({err='deep'}) end, function(e) return e.err .. '!' end) end)}"),
    evalCmd("local t = setmetatable({}, {__index = function(t, k) local ok, v = pcall(function() return k .. '!' end) return v end}) return t.x"),
    evalCmd('syntax error here'), evalCmd('return ('), evalCmd("return 'unfinished"), evalCmd('\n\nlocal = 1'), evalCmd('end'),
    ['SCRIPT', 'LOAD', 'bad syntax !'], evalCmd("redis.call('set', 'before', '1') error('after write')"), ['GET', 'before'],
    evalCmd("assert(false)"), evalCmd("assert(false, 'assertion text')"), evalCmd("return string.rep('x', -1)"),
    evalCmd("return tostring(nil) .. tostring(true)"), evalCmd("local s = 'x' return s:upper()"),
  ];
  await checkScript(p(), cmds);
});

test('sandbox: no os/io/loadfile/dofile/print, globals and libraries read-only; EVAL shebang flags', async () => {
  const cmds: Cmd[] = [
    evalCmd('return os'), evalCmd('return io'), evalCmd('return loadfile'), evalCmd('return dofile'), evalCmd('return print'),
    evalCmd('return require'), evalCmd('return module'), evalCmd('return package'), evalCmd('return debug'), evalCmd('return getfenv'),
    evalCmd('return setfenv'), evalCmd('return newproxy'), evalCmd('x = 1'), evalCmd('function f() end'), evalCmd('return undefined_global'),
    evalCmd('local t = {} t.x = 1 return t.x'), evalCmd('return type(_G)'), evalCmd('return _G.redis ~= nil'),
    evalCmd("return type(string.format)"),
    evalCmd("return type(__redis__err__handler)"), evalCmd('local x = 1 return x'), evalCmd('return KEYS[1]', ['after']),
    // Libraries and the redis table are read-only too, for raw access and metatables as well.
    evalCmd('string.x = 1'), evalCmd("redis.call = function() return 'hijacked' end"), evalCmd("math.random = nil"),
    evalCmd("rawset(_G, 'zz', 1)"), evalCmd("rawset(string, 'zz', 1)"), evalCmd('setmetatable(_G, {})'), evalCmd("table.insert(redis, 1)"),
    evalCmd("cjson.encode = nil"), evalCmd("_G.x = 1"), evalCmd("local t = {} t[1] = 1 table.insert(t, 2) return t"),
    evalCmd("KEYS[1] = 'changed' return KEYS", ['k']), evalCmd("return redis.call('ping')"),
    // EVAL's optional "#!lua flags=..." line.
    evalCmd("#!lua flags=no-writes\nreturn redis.call('set', 'a', 'b')"), evalCmd("#!lua\nerror('line two')"),
    evalCmd("#!lua flags=bogus\nreturn 1"), evalCmd("#!py\nreturn 1"), evalCmd("#!lua foo=bar\nreturn 1"), evalCmd("#!\nreturn 1"),
    evalCmd("#!lua flags=no-writes,allow-oom\nreturn redis.call('get', 'a')"), evalCmd("#!lua name=x\nreturn 1"), evalCmd("#!lua\nreturn 1"),
    ['EVAL_RO', "#!lua\nreturn redis.call('get', 'a')", '0'], ['EVAL_RO', "#!lua flags=no-writes\nreturn redis.call('get', 'a')", '0'],
    evalCmd("#!lua flags=\nreturn 2"), evalCmd('#!lua'), ['SCRIPT', 'LOAD', '#!lua flags=bogus\nreturn 1'],
  ];
  await checkScript(p(), cmds);
});

test('script cache: SCRIPT LOAD/EXISTS/FLUSH, EVALSHA, NOSCRIPT, EVAL_RO and EVALSHA_RO', async () => {
  const body = "return {KEYS[1], ARGV[1], redis.call('get', KEYS[1])}";
  const write = "return redis.call('set', KEYS[1], 'w')";
  const sha = sha1(body);
  const cmds: Cmd[] = [
    ['SCRIPT', 'FLUSH'], ['SET', 'k', 'v'], ['SCRIPT', 'LOAD', body], ['SCRIPT', 'EXISTS', 'ffffffffffffffffffffffffffffffffffffffff'],
    ['SCRIPT', 'LOAD', write], ['EVAL', 'return 42', '0'], ['SCRIPT', 'EXISTS', sha1('return 42'), sha1(write), 'nope', sha.toUpperCase()],
    ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'], ['EVALSHA', 'short', '0'], ['EVALSHA_RO', 'short', '0'],
    ['EVAL_RO', "return redis.call('get', KEYS[1])", '1', 'k'], ['EVAL_RO', write, '1', 'k'], ['EVAL_RO', "return redis.pcall('set', 'a', 'b')", '0'],
    ['EVAL_RO', "return redis.call('del', 'k')", '0'], ['EVAL_RO', "return redis.call('ping')", '0'], ['GET', 'k'],
    ['SCRIPT', 'FLUSH', 'ASYNC'], ['SCRIPT', 'FLUSH', 'SYNC'], ['SCRIPT', 'FLUSH', 'bad'], ['SCRIPT', 'FLUSH', 'sync', 'x'],
    ['SCRIPT', 'EXISTS', sha], ['EVALSHA', sha, '1', 'k', 'a'], ['SCRIPT', 'KILL'], ['SCRIPT', 'NOSUCH'], ['SCRIPT'], ['SCRIPT', 'LOAD'],
    ['SCRIPT', 'EXISTS'], ['EVAL'], ['EVALSHA_RO', sha, '0'],
  ];
  // The SHA of `body`, EVALSHA in upper case, and EVALSHA_RO of a writing script.
  const loaded: Cmd[] = [
    ['SCRIPT', 'LOAD', body], ['EVALSHA', sha.toUpperCase(), '1', 'k', 'arg'], ['EVALSHA_RO', sha1(write), '1', 'k'], ['EVALSHA_RO', sha, '1', 'k', 'ro'],
    ['SCRIPT', 'LOAD', write], ['SET', 'k', 'v2'],
  ];
  await checkScript(p(), [...cmds, ...loaded]);
});

test('SCRIPT EXISTS after FLUSH, EVALSHA of every loaded script, MULTI with EVAL inside', async () => {
  const scripts = ['return 1', "return redis.call('incr', 'c')", 'return ARGV[1]', "return redis.call('lpush', KEYS[1], ARGV[1])"];
  const cmds: Cmd[] = [];
  for (const s of scripts) cmds.push(['SCRIPT', 'LOAD', s]);
  cmds.push(['MULTI'], evalCmd("return redis.call('incr', 'c')"), ['INCR', 'c'], evalCmd("return redis.call('get', 'c')"), ['EXEC']);
  cmds.push(['MULTI'], ['EVAL', 'return 1'], ['EXEC']);
  cmds.push(['SCRIPT', 'EXISTS', ...scripts.map(sha1)]);
  for (const s of scripts) cmds.push(['EVALSHA', sha1(s), '1', 'key', 'arg']);
  cmds.push(['SCRIPT', 'FLUSH'], ['SCRIPT', 'EXISTS', ...scripts.map(sha1)], ['EVALSHA', sha1(scripts[0]), '0']);
  await checkScript(p(), cmds);
});

test('functions: FUNCTION LOAD/LIST/STATS/DELETE/FLUSH, FCALL and FCALL_RO', async () => {
  const lib = (name: string, body: string): string => `#!lua name=${name}\n${body}`;
  const mylib = lib('mylib', [
    "redis.register_function('echo_all', function(keys, args) return {keys[1], args[1], #keys, #args} end)",
    "redis.register_function{function_name='getter', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads a key'}",
    "redis.register_function('setter', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
    "redis.register_function('fails', function() error('in func') end)",
    "redis.register_function('raises', function() return redis.call('incr', 'str') end)",
    "redis.register_function{function_name='ro_writer', callback=function() return redis.call('set', 'x', '1') end, flags={'no-writes', 'allow-stale'}}",
  ].join('\n'));
  const cmds: Cmd[] = [
    ['FUNCTION', 'FLUSH'], ['FUNCTION', 'LOAD', mylib], ['FUNCTION', 'LOAD', mylib], ['SET', 'str', 'text'],
    ['FCALL', 'echo_all', '1', 'k', 'a'], ['FCALL', 'echo_all', '0'], ['FCALL', 'setter', '1', 'k', 'v'], ['FCALL', 'getter', '1', 'k'],
    ['FCALL_RO', 'getter', '1', 'k'], ['FCALL_RO', 'setter', '1', 'k', 'v'], ['FCALL', 'ro_writer', '0'], ['FCALL', 'fails', '0'],
    ['FCALL', 'raises', '0'], ['FCALL', 'nosuch', '0'], ['FCALL', 'echo_all', 'x'], ['FCALL', 'echo_all', '3', 'a'], ['FCALL', 'echo_all', '-1'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'zz*'], ['FUNCTION', 'LIST', 'LIBRARYNAME'], ['FUNCTION', 'LIST', 'bogus'], ['FUNCTION', 'STATS'],
    ['FUNCTION', 'LOAD', 'REPLACE', lib('mylib', "redis.register_function('echo_all', function() return 'replaced' end)")],
    ['FCALL', 'echo_all', '0'], ['FCALL', 'getter', '1', 'k'], ['FUNCTION', 'STATS'],
    ['FUNCTION', 'LOAD', lib('other', "redis.register_function('echo_all', function() return 1 end)")],
    ['FUNCTION', 'LOAD', lib('other', "redis.register_function('f2', function() return 2 end)")], ['FCALL', 'f2', '0'],
    ['FUNCTION', 'LOAD', 'no header'], ['FUNCTION', 'LOAD', '#!lua\nx'], ['FUNCTION', 'LOAD', '#!py name=p\nx'],
    ['FUNCTION', 'LOAD', '#!lua name=m foo=bar\nx'], ['FUNCTION', 'LOAD', '#!lua name=bad-name\nx'], ['FUNCTION', 'LOAD', lib('e1', "error('boom')")],
    ['FUNCTION', 'LOAD', lib('e2', 'local x = 1')], ['FUNCTION', 'LOAD', lib('e3', 'x = 1')], ['FUNCTION', 'LOAD', lib('e4', '(')],
    ['FUNCTION', 'LOAD', lib('e5', "redis.call('set', 'a', 'b')")], ['FUNCTION', 'LOAD', lib('e6', "redis.register_function('f', 5)")],
    ['FUNCTION', 'LOAD', lib('e7', 'redis.register_function(5, function() end)')], ['FUNCTION', 'LOAD', lib('e8', 'redis.register_function()')],
    ['FUNCTION', 'LOAD', lib('e9', "redis.register_function{function_name='f'}")], ['FUNCTION', 'LOAD', lib('e10', "redis.register_function{callback=function() end}")],
    ['FUNCTION', 'LOAD', lib('e11', "redis.register_function{function_name='f', callback=function() end, flags={'bogus'}}")],
    ['FUNCTION', 'LOAD', lib('e12', "redis.register_function{function_name='f', callback=function() end, other=1}")],
    ['FUNCTION', 'LOAD', lib('e13', "redis.register_function('bad name', function() end)")],
    ['FUNCTION', 'LOAD', lib('e14', "redis.register_function('d', function() end) redis.register_function('d', function() end)")],
    ['FUNCTION', 'LOAD', lib('e15', "local v = string")], ['FUNCTION', 'LOAD', lib('e16', "redis.log(redis.LOG_DEBUG, 'x') redis.register_function('logged', function() return redis.REDIS_VERSION end)")],
    ['FCALL', 'logged', '0'], ['FUNCTION', 'LOAD', 'REPLACE'], ['FUNCTION', 'LOAD', 'bla', lib('x', '')], ['FUNCTION', 'DELETE', 'nosuch'],
    ['FUNCTION', 'DELETE', 'other'], ['FCALL', 'f2', '0'], ['FUNCTION', 'KILL'], ['FUNCTION', 'FLUSH', 'bad'], ['FUNCTION', 'FLUSH', 'ASYNC'],
    ['FUNCTION', 'STATS'], ['FUNCTION', 'LIST'], ['FCALL', 'echo_all', '0'], ['FUNCTION', 'NOSUCH'],
    // FUNCTION LIST of one library with one function (Redis lists several in hash-table order).
    ['FUNCTION', 'LOAD', lib('single', "redis.register_function{function_name='only', callback=function() return 1 end, flags={'allow-oom', 'no-writes'}, description='the one'}")],
    ['FUNCTION', 'LIST'], ['FUNCTION', 'LIST', 'WITHCODE'], ['FUNCTION', 'LIST', 'LIBRARYNAME', 'sin*', 'WITHCODE'], ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'x*'],
    ['FUNCTION', 'LOAD', 'REPLACE', lib('single', "redis.register_function('only', function() return 2 end)")], ['FUNCTION', 'LIST'], ['FCALL_RO', 'only', '0'],
    // SCRIPT FLUSH empties the script cache only: functions stay callable.
    ['SCRIPT', 'FLUSH'], ['FCALL', 'only', '0'], ['FUNCTION', 'STATS'],
    ['EVAL', "return redis.call('function', 'list')", '0'], ['EVAL', "return redis.call('fcall', 'x', '0')", '0'],
  ];
  await checkScript(p(), cmds);
});

test('FUNCTION DUMP/RESTORE: payloads round-trip between redis-server and RustyPotato', async () => {
  const pair = p();
  const oracle = await pair.oracle.connect();
  const candidate = await pair.candidate.connect();
  const short = "#!lua name=short\nredis.register_function('s', function() return 'short' end)";
  const long = `#!lua name=long\n${"redis.register_function('l', function(keys, args) return {'long', #args} end)\n"}${'-- filler filler filler filler\n'.repeat(20)}`;
  const bulkOf = (r: { value: { type: string; value?: unknown } }): Buffer => {
    assert.is(r.value.type, 'bulk');
    return r.value.value as Buffer;
  };
  try {
    for (const [from, to] of [[oracle, candidate], [candidate, oracle]] as const) {
      await from.call(['FUNCTION', 'FLUSH']);
      await to.call(['FUNCTION', 'FLUSH']);
      await from.call(['FUNCTION', 'LOAD', short]);
      await from.call(['FUNCTION', 'LOAD', long]);
      const payload = bulkOf(await from.call(['FUNCTION', 'DUMP']));
      assert.is((await to.call(['FUNCTION', 'RESTORE', payload])).raw.toString(), '+OK\r\n');
      assert.is((await to.call(['FCALL', 's', '0'])).raw.toString(), '$5\r\nshort\r\n');
      assert.is((await to.call(['FCALL', 'l', '0', 'a', 'b'])).raw.toString(), '*2\r\n$4\r\nlong\r\n:2\r\n');
      assert.is((await to.call(['FUNCTION', 'LIST', 'LIBRARYNAME', 'long', 'WITHCODE'])).raw.toString(),
        (await from.call(['FUNCTION', 'LIST', 'LIBRARYNAME', 'long', 'WITHCODE'])).raw.toString());
      // Restoring the same payload again: APPEND collides (on whichever library comes first: Redis
      // keeps them in a hash table), REPLACE and FLUSH succeed.
      for (const args of [[], ['append']]) {
        for (const server of [to, from]) {
          const reply = (await server.call(['FUNCTION', 'RESTORE', payload, ...args])).raw.toString();
          assert.match(reply, /^-ERR Library (short|long) already exists\r\n$/);
        }
      }
      for (const policy of ['REPLACE', 'FLUSH', 'bogus']) {
        assert.is((await to.call(['FUNCTION', 'RESTORE', payload, policy])).raw.toString(), (await from.call(['FUNCTION', 'RESTORE', payload, policy])).raw.toString(), policy);
      }
      const corrupt = Buffer.from(payload);
      corrupt[3] ^= 0xff;
      assert.is((await to.call(['FUNCTION', 'RESTORE', corrupt])).raw.toString(), '-ERR DUMP payload version or checksum are wrong\r\n');
    }
  } finally {
    oracle.close();
    candidate.close();
  }
  const cmds: Cmd[] = [
    ['FUNCTION', 'FLUSH'], ['FUNCTION', 'DUMP'], ['FUNCTION', 'RESTORE', 'x'], ['FUNCTION', 'RESTORE', 'x', 'bogus'], ['FUNCTION', 'RESTORE', 'x', 'flush', 'more'],
    // (A non-empty DUMP is compared by what it restores, above: its LZF bytes may differ.)
    ['FUNCTION', 'LOAD', short], ['FUNCTION', 'RESTORE', '0123456789'], ['FUNCTION', 'HELP'],
  ];
  await checkScript(pair, cmds);
});

test('the AOF records a script\'s writes as MULTI/EXEC and FUNCTION LOAD as itself; both replay on restart, and a rewrite keeps the libraries', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-lua-aof-'));
  const aofPath = path.join(dir, 'scripts.aof');
  let server = await startCandidate(['--aof-path', aofPath]);
  try {
    const c = await server.connect();
    await c.call(['EVAL', "redis.call('set', 'a', '1') redis.call('incr', 'a') redis.call('rpush', 'l', 'x') return 1", '0']);
    await c.call(['EVAL', "redis.call('set', 'single', 'one') return 1", '0']);
    await c.call(['EVAL', "return redis.call('get', 'a')", '0']);
    await c.call(['EVAL', "redis.set_repl(redis.REPL_NONE) redis.call('set', 'unlogged', 'x') return 1", '0']);
    await c.call(['FUNCTION', 'LOAD', "#!lua name=kept\nredis.register_function('bump', function(keys) return redis.call('incr', keys[1]) end)"]);
    await c.call(['FCALL', 'bump', '1', 'counter']);
    c.close();
    await server.stop();
    const body = fs.readFileSync(aofPath, 'latin1').replace(/\r\n/g, ' ');
    assert.ok(/\*1 \$5 MULTI (\*2 \$6 SELECT \$1 0 )?\*3 \$3 set \$1 a \$1 1 \*2 \$4 incr \$1 a \*3 \$5 rpush \$1 l \$1 x \*1 \$4 EXEC/.test(body), body);
    assert.ok(body.includes('*3 $3 set $6 single $3 one'), body);
    assert.not.ok(/EVAL/i.test(body), 'EVAL itself is not logged');
    assert.not.ok(body.includes('unlogged'), 'REPL_NONE writes are not logged');
    server = await startCandidate(['--aof-path', aofPath]);
    const d = await server.connect();
    const [a, l] = [await d.call(['GET', 'a']), await d.call(['LRANGE', 'l', '0', '-1'])];
    assert.is(a.raw.toString(), '$1\r\n2\r\n');
    assert.is(l.raw.toString(), '*1\r\n$1\r\nx\r\n');
    // FUNCTION LOAD is logged as itself, FCALL by its effects: the library is back after the replay.
    assert.is((await d.call(['GET', 'counter'])).raw.toString(), '$1\r\n1\r\n');
    assert.is((await d.call(['FCALL', 'bump', '1', 'counter'])).raw.toString(), ':2\r\n');
    // An AOF rewrite keeps the library (FUNCTION LOAD at the head of the new base).
    assert.is((await d.call(['BGREWRITEAOF'])).raw.toString(), '+Background append only file rewriting started\r\n');
    for (let i = 0; i < 250; i++) {
      const info = (await d.call(['INFO', 'persistence'])).raw.toString();
      if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrites:1')) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    d.close();
    await server.stop();
    assert.ok(fs.readFileSync(aofPath, 'latin1').includes('$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n'), 'the rewritten AOF loads the library');
    server = await startCandidate(['--aof-path', aofPath]);
    const e = await server.connect();
    assert.is((await e.call(['FCALL', 'bump', '1', 'counter'])).raw.toString(), ':3\r\n');
    e.close();
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ioredis defineCommand: EVALSHA with the NOSCRIPT fallback to EVAL', async () => {
  const client = new Redis({ host: '127.0.0.1', port: p().candidate.port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    await client.script('FLUSH');
    client.defineCommand('incrBoth', {
      numberOfKeys: 2,
      lua: "local a = redis.call('incrby', KEYS[1], ARGV[1]) local b = redis.call('incrby', KEYS[2], ARGV[1]) return {a, b}",
    });
    const typed = client as unknown as { incrBoth(k1: string, k2: string, by: number): Promise<number[]> };
    assert.equal(await typed.incrBoth('x', 'y', 5), [5, 5]);
    assert.equal(await typed.incrBoth('x', 'y', 2), [7, 7]);
    await client.script('FLUSH');
    assert.equal(await typed.incrBoth('x', 'y', 1), [8, 8]);
    const pipeline = client.pipeline();
    (pipeline as unknown as { incrBoth(a: string, b: string, n: number): void }).incrBoth('x', 'y', 10);
    const results = await pipeline.exec();
    assert.equal(results?.[0], [null, [18, 18]]);
  } finally {
    client.disconnect();
  }
});

test.run();
