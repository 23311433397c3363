/**
 * Generators of random command sequences for the differential tests. The key space is small so
 * that commands collide on the same keys; arguments mix valid and invalid forms (syntax errors,
 * non-integers, integers at and past the 64-bit limits, floats with exponents, inf and nan,
 * binary bytes, CRLF inside values, empty strings).
 *
 * Everything that would make the two servers legitimately diverge is kept out: relative expiry
 * times are either far in the future (>= 100 s) or not positive (the key is deleted at once), and
 * absolute ones are far in the future or in the past — never a deadline that passes mid-test.
 */
import type { Cmd } from './diff';
import { Rng } from './random';

export const KEYS: ReadonlyArray<string | Buffer> = [
  'k0', 'k1', 'k2', 'k3', 'k4', 'k10', 'key:a', '',
  Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x7f]),
  'k\r\nx', 'ключ', '*', 'k?',
];

export const INTEGER_STRINGS: readonly string[] = [
  '0', '1', '-1', '2', '10', '42', '9999', '10000', '-9999', '-10000', '123456789', '4294967296',
  '9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807',
  '9223372036854775808', '-9223372036854775809', '18446744073709551616', '99999999999999999999',
  '007', '-0', '+1', ' 1', '1 ', '0x1A', '1e3', '12345678901234567890',
];

export const FLOAT_STRINGS: readonly string[] = [
  '0', '1.5', '-1.5', '3.0', '.5', '5.', '0.1', '-0.0', '1e3', '1E3', '1e-3', '2.5e+2', '1e308', '1e309',
  '-1e308', '4.9e-324', '1.7976931348623157e308', '1.23456789012345678', '3.14159265358979323846',
  'inf', '-inf', '+inf', 'Infinity', 'nan', 'NaN', '', ' 1.0', '1.0 ', 'abc', '0x10', '1,5',
  '5000000000000000000000', '-5000000000000000000000', '0.0000001', '100', '-100', '17', '10.5',
];

export function pickKey(rng: Rng): string | Buffer {
  // The first few keys are used most, so that commands collide often.
  return rng.bool(0.7) ? KEYS[rng.int(0, 4)] : rng.pick(KEYS);
}

export function pickValue(rng: Rng): string | Buffer {
  return rng.weighted<() => string | Buffer>([
    [4, () => rng.pick(INTEGER_STRINGS)],
    [2, () => rng.pick(FLOAT_STRINGS)],
    [4, () => rng.word(rng.int(0, 12))],
    [2, () => rng.word(rng.int(40, 50))], // around the embstr/raw boundary (44 bytes)
    [1, () => rng.word(rng.int(100, 300))],
    [2, () => rng.bytes(rng.int(0, 24))],
    [1, () => Buffer.concat([Buffer.from('a\r\nb'), rng.bytes(rng.int(0, 4)), Buffer.from('\r\n')])],
    [1, () => ''],
    [1, () => String(rng.int(-100000, 100000))],
  ])();
}

function pickIntArg(rng: Rng, lo: number, hi: number): string {
  return rng.weighted<() => string>([
    [8, () => String(rng.int(lo, hi))],
    [2, () => rng.pick(INTEGER_STRINGS)],
    [1, () => rng.pick(['abc', '', '1.5', ' 3'])],
  ])();
}

/** Seconds that never expire mid-test: far future, or not positive (immediate delete). */
function pickSeconds(rng: Rng): string {
  return rng.weighted<() => string>([
    [8, () => String(rng.int(100, 1000000))],
    [1, () => rng.pick(['0', '-1', '-100'])],
    [1, () => rng.pick(['9223372036854775807', '9223372036854775806', '-9223372036854775808', '922337203685477580', 'abc', '1.5', ''])],
  ])();
}

function pickMillis(rng: Rng): string {
  return rng.weighted<() => string>([
    [8, () => String(rng.int(100000, 1000000000))],
    [1, () => rng.pick(['0', '-1', '-100000'])],
    [1, () => rng.pick(['9223372036854775807', '9223372036854775000', '-9223372036854775808', 'abc', '1e3'])],
  ])();
}

/**
 * Absolute unix seconds: far future or past (fixed when the sequence is generated). `allowPast`
 * is false for SET: Redis stores a key whose EXAT/PXAT is already past and leaves it to the active
 * expiry cycle, so DBSIZE would then depend on timing, even between two redis-servers.
 */
function pickUnixSeconds(rng: Rng, nowS: number, allowPast = true): string {
  return rng.weighted<() => string>([
    [6, () => String(nowS + rng.int(1000, 10000000))],
    [allowPast ? 2 : 0, () => String(rng.int(1, nowS - 1000))],
    [1, () => rng.pick(['0', '-1', '9223372036854775807', '9223372036854775', 'abc'])],
  ])();
}

function pickUnixMillis(rng: Rng, nowS: number, allowPast = true): string {
  return rng.weighted<() => string>([
    [6, () => String(nowS * 1000 + rng.int(1000000, 1000000000))],
    [allowPast ? 2 : 0, () => String(rng.int(1, (nowS - 1000) * 1000))],
    [1, () => rng.pick(['0', '-1', '9223372036854775807', '-9223372036854775808', 'abc'])],
  ])();
}

function casing(rng: Rng, token: string): string {
  return rng.bool(0.15) ? token.toLowerCase() : token;
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function setCommand(rng: Rng, nowS: number): Cmd {
  const opts: Array<Array<string>> = [];
  const exp = rng.weighted<() => string[] | null>([
    [5, () => null],
    [2, () => ['EX', pickSeconds(rng)]],
    [2, () => ['PX', pickMillis(rng)]],
    [1, () => ['EXAT', pickUnixSeconds(rng, nowS, false)]],
    [1, () => ['PXAT', pickUnixMillis(rng, nowS, false)]],
    [2, () => ['KEEPTTL']],
  ])();
  if (exp) opts.push(exp);
  const cond = rng.weighted<string | null>([[6, null], [2, 'NX'], [2, 'XX']]);
  if (cond) opts.push([cond]);
  if (rng.bool(0.25)) opts.push(['GET']);
  // Invalid combinations and stray tokens.
  if (rng.bool(0.05)) opts.push([rng.pick(['NX', 'XX', 'KEEPTTL', 'EX', 'PX', 'GET', 'FOO'])]);
  if (rng.bool(0.03)) opts.push(['EX', pickSeconds(rng)]);
  const flat = shuffle(rng, opts).flat().map((t) => (/^[A-Z]+$/.test(t) ? casing(rng, t) : t));
  return ['SET', pickKey(rng), pickValue(rng), ...flat];
}

function getexCommand(rng: Rng, nowS: number): Cmd {
  const opt = rng.weighted<() => string[]>([
    [3, () => []],
    [2, () => ['EX', pickSeconds(rng)]],
    [2, () => ['PX', pickMillis(rng)]],
    [1, () => ['EXAT', pickUnixSeconds(rng, nowS)]],
    [1, () => ['PXAT', pickUnixMillis(rng, nowS)]],
    [2, () => ['PERSIST']],
    [1, () => ['EX', pickSeconds(rng), 'PERSIST']],
    [1, () => ['KEEPTTL']],
    [1, () => ['EX']],
  ])();
  return ['GETEX', pickKey(rng), ...opt.map((t) => (/^[A-Z]+$/.test(t) ? casing(rng, t) : t))];
}

function keysList(rng: Rng, lo: number, hi: number): Array<string | Buffer> {
  const n = rng.int(lo, hi);
  const out: Array<string | Buffer> = [];
  for (let i = 0; i < n; i++) out.push(pickKey(rng));
  return out;
}

function lcsCommand(rng: Rng): Cmd {
  const opts: string[] = [];
  if (rng.bool(0.3)) opts.push('LEN');
  if (rng.bool(0.3)) opts.push('IDX');
  if (rng.bool(0.3)) opts.push('MINMATCHLEN', pickIntArg(rng, -1, 5));
  if (rng.bool(0.3)) opts.push('WITHMATCHLEN');
  if (rng.bool(0.03)) opts.push('FOO');
  return ['LCS', pickKey(rng), pickKey(rng), ...opts];
}

/** One random string-family command. */
export function randomStringCommand(rng: Rng, nowS: number): Cmd {
  return rng.weighted<() => Cmd>([
    [14, () => setCommand(rng, nowS)],
    [8, () => ['GET', pickKey(rng)]],
    [2, () => ['GETSET', pickKey(rng), pickValue(rng)]],
    [2, () => ['GETDEL', pickKey(rng)]],
    [3, () => getexCommand(rng, nowS)],
    [2, () => ['MGET', ...keysList(rng, 1, 5)]],
    [2, () => {
      const n = rng.int(1, 3);
      const args: Array<string | Buffer> = [];
      for (let i = 0; i < n; i++) args.push(pickKey(rng), pickValue(rng));
      if (rng.bool(0.1)) args.pop();
      return [rng.bool(0.7) ? 'MSET' : 'MSETNX', ...args];
    }],
    [2, () => ['SETNX', pickKey(rng), pickValue(rng)]],
    [2, () => ['SETEX', pickKey(rng), pickSeconds(rng), pickValue(rng)]],
    [2, () => ['PSETEX', pickKey(rng), pickMillis(rng), pickValue(rng)]],
    [4, () => ['APPEND', pickKey(rng), rng.bool(0.5) ? rng.pick(INTEGER_STRINGS) : pickValue(rng)]],
    [2, () => ['STRLEN', pickKey(rng)]],
    [3, () => [rng.bool(0.8) ? 'GETRANGE' : 'SUBSTR', pickKey(rng), pickIntArg(rng, -60, 60), pickIntArg(rng, -60, 60)]],
    // Offsets stay small (a valid offset of 10^8 would build a 100 MB string) or are invalid.
    [3, () => ['SETRANGE', pickKey(rng), rng.bool(0.9) ? String(rng.int(0, 120)) : rng.pick(['-1', '536870912', '4294967296', '9223372036854775807', 'abc', '']), rng.bool(0.15) ? '' : pickValue(rng)]],
    [4, () => [rng.pick(['INCR', 'DECR']), pickKey(rng)]],
    [4, () => [rng.pick(['INCRBY', 'DECRBY']), pickKey(rng), rng.bool(0.6) ? String(rng.int(-1000, 1000)) : rng.pick(INTEGER_STRINGS)]],
    [4, () => ['INCRBYFLOAT', pickKey(rng), rng.pick(FLOAT_STRINGS)]],
    [2, () => lcsCommand(rng)],
    [4, () => ['OBJECT', 'ENCODING', pickKey(rng)]],
    [1, () => ['OBJECT', 'REFCOUNT', pickKey(rng)]],
    [2, () => ['TTL', pickKey(rng)]],
    [2, () => ['PTTL', pickKey(rng)]],
    [1, () => ['EXISTS', ...keysList(rng, 1, 3)]],
    [1, () => ['TYPE', pickKey(rng)]],
    [1, () => ['DEL', ...keysList(rng, 1, 2)]],
    [1, () => ['DBSIZE']],
  ])();
}

export const GLOB_PATTERNS: readonly string[] = [
  '*', 'k*', 'k?', 'k[0-2]', 'k[^0]', 'k[!0]', '[a-z]*', 'k\\*', '\\*', '*\\', '[', 'k[', '[]', 'k[0-',
  '?', '', '\\', 'k[a\\-z]', '*0*', 'k[2-0]', 'k[]]', '*:*', '**', 'k1*', '?*?', '[^k]*', 'k\\?',
  '*\r\n*', '\xff*', 'k[\\]]', 'K*', 'k[0-9][0-9]', '*[', 'k[-]', '[k-k]0',
];

function expireCommand(rng: Rng, nowS: number): Cmd {
  const kind = rng.pick(['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']);
  const value = kind === 'EXPIRE' ? pickSeconds(rng) : kind === 'PEXPIRE' ? pickMillis(rng) : kind === 'EXPIREAT' ? pickUnixSeconds(rng, nowS) : pickUnixMillis(rng, nowS);
  const flags: string[] = [];
  const n = rng.weighted<number>([[5, 0], [4, 1], [1, 2]]);
  for (let i = 0; i < n; i++) flags.push(casing(rng, rng.pick(['NX', 'XX', 'GT', 'LT', 'XX', 'GT', 'FOO'])));
  return [casing(rng, kind), pickKey(rng), value, ...flags];
}

function scanCommand(rng: Rng): Cmd {
  const args: string[] = [];
  if (rng.bool(0.5)) args.push(casing(rng, 'MATCH'), rng.pick(GLOB_PATTERNS));
  if (rng.bool(0.4)) args.push(casing(rng, 'COUNT'), rng.pick(['1', '2', '5', '10', '1000']));
  if (rng.bool(0.3)) args.push(casing(rng, 'TYPE'), rng.pick(['string', 'STRING', 'list', 'none', 'hash', 'foo']));
  if (rng.bool(0.03)) args.push(rng.pick(['COUNT', 'MATCH', 'COUNT 0', 'FOO']));
  const cursor = rng.weighted<string>([[20, '0'], [1, 'abc'], [1, '-1'], [1, '18446744073709551616']]);
  return ['SCAN', cursor, ...args];
}

/** One random keyspace/TTL/database command (plus some string writes to populate keys). */
export function randomKeyCommand(rng: Rng, nowS: number): Cmd {
  const db = (): string => rng.weighted<() => string>([[10, () => String(rng.int(0, 3))], [1, () => rng.pick(['16', '-1', 'abc', '15'])]])();
  return rng.weighted<() => Cmd>([
    [12, () => ['SET', pickKey(rng), pickValue(rng), ...(rng.bool(0.3) ? ['EX', String(rng.int(100, 100000))] : [])]],
    [3, () => ['MSET', pickKey(rng), pickValue(rng), pickKey(rng), pickValue(rng)]],
    [3, () => [rng.pick(['DEL', 'UNLINK']), ...keysList(rng, 1, 4)]],
    [3, () => ['EXISTS', ...keysList(rng, 1, 4)]],
    [2, () => ['TYPE', pickKey(rng)]],
    [4, () => ['KEYS', rng.pick(GLOB_PATTERNS)]],
    [3, () => scanCommand(rng)],
    [2, () => ['RANDOMKEY']],
    [3, () => [rng.pick(['RENAME', 'RENAMENX']), pickKey(rng), pickKey(rng)]],
    [3, () => {
      const extra: string[] = [];
      if (rng.bool(0.4)) extra.push('DB', db());
      if (rng.bool(0.4)) extra.push(casing(rng, 'REPLACE'));
      if (rng.bool(0.03)) extra.push('FOO');
      return ['COPY', pickKey(rng), pickKey(rng), ...extra];
    }],
    [2, () => ['MOVE', pickKey(rng), db()]],
    [2, () => ['TOUCH', ...keysList(rng, 1, 3)]],
    // No OBJECT IDLETIME here: Redis shares the objects of small integers (0..9999) between keys,
    // and with them their LRU clock, so a key's idle time depends on other keys' accesses.
    // test/diff-keys.test.ts checks IDLETIME with values that are not shared.
    [3, () => ['OBJECT', rng.pick(['ENCODING', 'REFCOUNT', 'FREQ', 'encoding', 'NOSUCH']), pickKey(rng)]],
    [8, () => expireCommand(rng, nowS)],
    [4, () => [rng.pick(['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']), pickKey(rng)]],
    [2, () => ['PERSIST', pickKey(rng)]],
    [2, () => ['SELECT', db()]],
    [1, () => ['SWAPDB', db(), db()]],
    [2, () => ['DBSIZE']],
    [0.3, () => ['FLUSHDB', ...(rng.bool(0.3) ? [rng.pick(['ASYNC', 'SYNC', 'FOO'])] : [])]],
    [2, () => ['GET', pickKey(rng)]],
  ])();
}

/**
 * Mutations applied to a few generated commands: a lowercase or mixed-case name, a dropped last
 * argument, or an extra one (arity and syntax checks), so that error paths are compared too.
 */
function mutate(rng: Rng, cmd: Cmd): Cmd {
  const r = rng.next();
  const name = String(cmd[0]);
  if (r < 0.08) return [name.toLowerCase(), ...cmd.slice(1)];
  if (r < 0.1) return [name.split('').map((ch, i) => (i % 2 ? ch.toLowerCase() : ch)).join(''), ...cmd.slice(1)];
  if (r < 0.12 && cmd.length > 1) return cmd.slice(0, -1);
  if (r < 0.14) return [...cmd, rng.pick(['x', '1', '', 'EX', 'NX'])];
  return cmd;
}

export function generate(rng: Rng, n: number, one: (rng: Rng, nowS: number) => Cmd): Cmd[] {
  const nowS = Math.floor(Date.now() / 1000);
  const out: Cmd[] = [];
  for (let i = 0; i < n; i++) out.push(mutate(rng, one(rng, nowS)));
  return out;
}

/** Strings and keyspace commands interleaved. */
export function randomMixedCommand(rng: Rng, nowS: number): Cmd {
  return rng.bool(0.5) ? randomStringCommand(rng, nowS) : randomKeyCommand(rng, nowS);
}
