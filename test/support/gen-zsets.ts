/**
 * Random sorted-set commands for the differential tests: deterministic commands only (ZRANDMEMBER
 * and ZSCAN are checked separately, the blocking forms by scenario tests), over a few keys so
 * that commands meet each other's data, with scores drawn from integers, fractions, infinities
 * and exponent forms, and now and then a wrong type or a bad argument.
 */
import type { Cmd } from './diff';
import type { Rng } from './random';

const ZKEYS = ['z1', 'z2', 'z3', 'str'] as const;
const MEMBERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'aa', 'ab', 'b1', '', 'x'.repeat(70)] as const;
const SCORES = ['0', '1', '-1', '2', '2.5', '-3.75', '10', '1e3', '1.5e-3', 'inf', '-inf', '+inf', '7', '100', '0.1', '-0'] as const;
const BOUNDS = ['-inf', '+inf', '0', '1', '(1', '2.5', '(2.5', '10', '(10', '-1', 'x', '('] as const;
const LEX = ['-', '+', '[a', '(a', '[b', '(b1', '[c', '[', '(', 'a', '[zz'] as const;
const RANKS = ['0', '1', '-1', '2', '-2', '5', '-100', '100', 'x'] as const;

function member(rng: Rng): string {
  return rng.pick(MEMBERS);
}

function pairs(rng: Rng, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(SCORES), member(rng));
  return out;
}

export function randomZsetCommand(rng: Rng): Cmd {
  const key = (): string => rng.pick(ZKEYS);
  return rng.weighted<() => Cmd>([
    [10, () => ['ZADD', key(), ...pairs(rng, rng.int(1, 4))]],
    [4, () => ['ZADD', key(), rng.pick(['NX', 'XX', 'GT', 'LT', 'CH', 'GT CH', 'XX CH', 'NX INCR', 'INCR']).split(' '), ...pairs(rng, 1)].flat()],
    [3, () => ['ZINCRBY', key(), rng.pick(SCORES), member(rng)]],
    [3, () => ['ZREM', key(), member(rng), member(rng)]],
    [2, () => ['ZCARD', key()]],
    [2, () => ['ZCOUNT', key(), rng.pick(BOUNDS), rng.pick(BOUNDS)]],
    // Lex ranges on a key whose members all have score 0 (with mixed scores Redis's answer depends
    // on its skip list's random levels).
    [3, () => ['ZADD', 'zl', ...rng.pick([['0', member(rng)], ['0', member(rng), '0', member(rng)]])]],
    [2, () => ['ZLEXCOUNT', 'zl', rng.pick(LEX), rng.pick(LEX)]],
    [2, () => ['ZSCORE', key(), member(rng)]],
    [1, () => ['ZMSCORE', key(), member(rng), member(rng)]],
    [2, () => [rng.pick(['ZRANK', 'ZREVRANK']), key(), member(rng)]],
    [3, () => ['ZRANGE', key(), rng.pick(RANKS), rng.pick(RANKS), ...(rng.bool() ? ['WITHSCORES'] : [])]],
    [2, () => ['ZRANGE', key(), rng.pick(BOUNDS), rng.pick(BOUNDS), 'BYSCORE', ...(rng.bool() ? ['REV'] : []), ...(rng.bool() ? ['LIMIT', rng.pick(RANKS), rng.pick(RANKS)] : [])]],
    [2, () => ['ZRANGE', 'zl', rng.pick(LEX), rng.pick(LEX), 'BYLEX', ...(rng.bool() ? ['REV'] : []), ...(rng.bool() ? ['LIMIT', rng.pick(RANKS), rng.pick(RANKS)] : [])]],
    [2, () => ['ZREVRANGE', key(), rng.pick(RANKS), rng.pick(RANKS), ...(rng.bool() ? ['WITHSCORES'] : [])]],
    [2, () => [rng.pick(['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), key(), rng.pick(BOUNDS), rng.pick(BOUNDS), ...(rng.bool() ? ['WITHSCORES'] : []), ...(rng.bool() ? ['LIMIT', rng.pick(RANKS), rng.pick(RANKS)] : [])]],
    [2, () => [rng.pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), 'zl', rng.pick(LEX), rng.pick(LEX), ...(rng.bool() ? ['LIMIT', rng.pick(RANKS), rng.pick(RANKS)] : [])]],
    [2, () => ['ZRANGESTORE', key(), key(), rng.pick(RANKS), rng.pick(RANKS)]],
    [1, () => ['ZREMRANGEBYRANK', key(), rng.pick(RANKS), rng.pick(RANKS)]],
    [1, () => ['ZREMRANGEBYSCORE', key(), rng.pick(BOUNDS), rng.pick(BOUNDS)]],
    [1, () => ['ZREMRANGEBYLEX', 'zl', rng.pick(LEX), rng.pick(LEX)]],
    [2, () => [rng.pick(['ZPOPMIN', 'ZPOPMAX']), key(), ...(rng.bool() ? [rng.pick(['0', '1', '2', '5', '-1'])] : [])]],
    [2, () => ['ZMPOP', '2', key(), key(), rng.pick(['MIN', 'MAX']), ...(rng.bool() ? ['COUNT', rng.pick(['1', '3', '0'])] : [])]],
    [3, () => [rng.pick(['ZUNION', 'ZINTER', 'ZDIFF']), '2', key(), key(), ...(rng.bool() ? ['WITHSCORES'] : [])]],
    [2, () => [rng.pick(['ZUNIONSTORE', 'ZINTERSTORE']), key(), '2', key(), key(), 'WEIGHTS', rng.pick(SCORES), rng.pick(SCORES), 'AGGREGATE', rng.pick(['SUM', 'MIN', 'MAX'])]],
    [1, () => ['ZDIFFSTORE', key(), '2', key(), key()]],
    [1, () => ['ZINTERCARD', '2', key(), key(), ...(rng.bool() ? ['LIMIT', rng.pick(['0', '1', '2'])] : [])]],
    [1, () => ['OBJECT', 'ENCODING', key()]],
    [1, () => ['SET', 'str', 'v']],
    [1, () => ['DEL', key()]],
  ])();
}
