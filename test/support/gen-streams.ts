/**
 * Random stream commands for the differential tests: deterministic commands only (no `*` IDs, no
 * idle times: XPENDING's extended form, XINFO CONSUMERS and XINFO STREAM FULL with groups report
 * milliseconds since delivery), over a few keys, with IDs drawn from a small range so that adds,
 * deletes, trims and ranges meet each other, values of mixed sizes (some nodes fill by bytes, some
 * by count) and numeric values (Redis stores those as integers in its listpacks, which moves node
 * boundaries), and now and then a wrong type or a bad argument.
 */
import type { Cmd } from './diff';
import type { Rng } from './random';

const SKEYS = ['s1', 's2', 's3', 'str'] as const;
const FIELDS = ['f', 'g', 'name', '', 'x'.repeat(40), '12'] as const;
const GROUPS = ['g1', 'g2'] as const;
const CONSUMERS = ['c1', 'c2', 'c3'] as const;

function id(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => `${rng.int(1, 600)}-${rng.int(0, 3)}`],
    [2, () => `${rng.int(1, 600)}`],
    [1, () => rng.pick(['-', '+', '0', '0-0', 'x', '18446744073709551615-18446744073709551615', '(5', '(0-0'])],
  ])();
}

function value(rng: Rng): string {
  return rng.weighted<() => string>([
    [5, () => rng.word(rng.int(0, 8))],
    [2, () => String(rng.int(-100000, 100000))],
    [2, () => rng.word(rng.int(60, 400))],
  ])();
}

function fieldValues(rng: Rng): string[] {
  const out: string[] = [];
  const n = rng.weighted([[6, 1], [3, 2], [1, 3]] as const);
  // Mostly the same fields (Redis's same-fields compression), sometimes others.
  for (let i = 0; i < n; i++) out.push(rng.bool(0.7) ? ['f', 'g', 'h'][i] : rng.pick(FIELDS), value(rng));
  return out;
}

function trimOption(rng: Rng): string[] {
  return rng.weighted<() => string[]>([
    [3, () => ['MAXLEN', String(rng.int(0, 300))]],
    [3, () => ['MAXLEN', '~', String(rng.int(0, 300))]],
    [1, () => ['MAXLEN', '=', String(rng.int(0, 300))]],
    [2, () => ['MINID', id(rng)]],
    [2, () => ['MINID', '~', id(rng)]],
    [1, () => ['MAXLEN', '~', String(rng.int(0, 300)), 'LIMIT', String(rng.pick([0, 1, 50, 100, 250]))]],
    [1, () => ['MAXLEN', String(rng.int(0, 50)), 'LIMIT', '10']],
  ])();
}

/**
 * A generator of one random sequence: appends mostly move a clock forward (so streams grow past
 * the 100-entry node size) and sometimes reuse an older time, which Redis refuses.
 */
export function streamCommandGenerator(): (rng: Rng) => Cmd {
  let clock = 1;
  const nextMs = (rng: Rng): number => (rng.bool(0.85) ? (clock += rng.int(0, 2)) : rng.int(1, clock));
  return (rng: Rng): Cmd => randomStreamCommand(rng, nextMs);
}

function randomStreamCommand(rng: Rng, nextMs: (rng: Rng) => number): Cmd {
  const key = (): string => rng.pick(SKEYS);
  return rng.weighted<() => Cmd>([
    [30, () => ['XADD', key(), `${nextMs(rng)}-${rng.int(0, 3)}`, ...fieldValues(rng)]],
    [8, () => ['XADD', key(), `${nextMs(rng)}-*`, ...fieldValues(rng)]],
    [6, () => ['XADD', key(), ...trimOption(rng), `${nextMs(rng)}-*`, ...fieldValues(rng)]],
    [1, () => ['XADD', key(), 'NOMKSTREAM', `${nextMs(rng)}-*`, ...fieldValues(rng)]],
    [4, () => ['XLEN', key()]],
    [5, () => ['XRANGE', key(), id(rng), id(rng), ...(rng.bool(0.5) ? ['COUNT', String(rng.int(-1, 20))] : [])]],
    [4, () => ['XREVRANGE', key(), id(rng), id(rng), ...(rng.bool(0.5) ? ['COUNT', String(rng.int(-1, 20))] : [])]],
    [5, () => ['XDEL', key(), id(rng), id(rng)]],
    [4, () => ['XTRIM', key(), ...trimOption(rng)]],
    [1, () => ['XSETID', key(), id(rng)]],
    [4, () => ['XINFO', 'STREAM', key()]],
    [2, () => ['XREAD', 'COUNT', String(rng.int(0, 5)), 'STREAMS', key(), key(), id(rng), id(rng)]],
    [2, () => ['XGROUP', 'CREATE', key(), rng.pick(GROUPS), rng.pick(['$', '0', id(rng)]), ...(rng.bool(0.3) ? ['MKSTREAM'] : [])]],
    [1, () => ['XGROUP', 'SETID', key(), rng.pick(GROUPS), rng.pick(['$', '0', id(rng)])]],
    [1, () => ['XGROUP', 'DESTROY', key(), rng.pick(GROUPS)]],
    [1, () => ['XGROUP', 'DELCONSUMER', key(), rng.pick(GROUPS), rng.pick(CONSUMERS)]],
    [4, () => ['XREADGROUP', 'GROUP', rng.pick(GROUPS), rng.pick(CONSUMERS), 'COUNT', String(rng.int(1, 4)), ...(rng.bool(0.2) ? ['NOACK'] : []), 'STREAMS', key(), rng.pick(['>', '>', '0'])]],
    [2, () => ['XACK', key(), rng.pick(GROUPS), id(rng), id(rng)]],
    [2, () => ['XPENDING', key(), rng.pick(GROUPS)]],
    [1, () => ['XCLAIM', key(), rng.pick(GROUPS), rng.pick(CONSUMERS), '0', id(rng), id(rng), 'JUSTID']],
    [1, () => ['XAUTOCLAIM', key(), rng.pick(GROUPS), rng.pick(CONSUMERS), '0', id(rng), 'COUNT', String(rng.int(1, 5)), 'JUSTID']],
    [2, () => ['XINFO', 'GROUPS', key()]],
    [1, () => ['DEL', key()]],
    [1, () => ['SET', 'str', 'v']],
  ])();
}
