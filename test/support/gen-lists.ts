/**
 * Random list-command sequences for test/diff-lists.test.ts. Few keys (so that commands collide),
 * elements that mix small integers (stored int-encoded), long and binary strings and repeats (so
 * that LREM/LPOS/LINSERT find matches), indexes around the list ends and past them, and the
 * argument errors of every command. Blocking commands appear only with something to serve or on
 * keys of another type (an error), never in a way that would wait.
 */
import type { Cmd } from './diff';
import { Rng } from './random';

export const LIST_KEYS: readonly string[] = ['l0', 'l1', 'l2', 'str'];

function key(rng: Rng): string {
  return rng.weighted<string>([
    [5, 'l0'],
    [3, 'l1'],
    [1, 'l2'],
    [1, 'str'],
  ]);
}

function element(rng: Rng): string | Buffer {
  return rng.weighted<() => string | Buffer>([
    [6, () => rng.pick(['a', 'b', 'c', 'x'])],
    [3, () => String(rng.int(-3, 130))],
    [2, () => rng.pick(['32767', '32768', '-32769', '8388608', '2147483648', '-9223372036854775808', '9223372036854775807', '007', '-0', '1.5', ''])],
    [1, () => rng.word(rng.int(60, 70))],
    [1, () => rng.word(rng.int(200, 9000))],
    [1, () => rng.bytes(rng.int(1, 10))],
  ])();
}

function index(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => String(rng.int(-4, 4))],
    [3, () => String(rng.int(-60, 60))],
    [1, () => rng.pick(['9223372036854775807', '-9223372036854775808', 'x', '1.5', ''])],
  ])();
}

function count(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => String(rng.int(0, 5))],
    [2, () => String(rng.int(6, 40))],
    [1, () => rng.pick(['-1', 'x', '9223372036854775807'])],
  ])();
}

const where = (rng: Rng): string => rng.pick(['LEFT', 'RIGHT', 'left', 'Right']);

export function randomListCommand(rng: Rng): Cmd {
  const k = key(rng);
  const elements = (n: number): Array<string | Buffer> => Array.from({ length: n }, () => element(rng));
  return rng.weighted<() => Cmd>([
    [8, () => ['RPUSH', k, ...elements(rng.int(1, 6))]],
    [1, () => [rng.pick(['RPUSH', 'LPUSH']), k, ...elements(rng.int(10, 40))]],
    [6, () => ['LPUSH', k, ...elements(rng.int(1, 6))]],
    [2, () => [rng.pick(['LPUSHX', 'RPUSHX']), k, ...elements(rng.int(1, 3))]],
    [4, () => [rng.pick(['LPOP', 'RPOP']), k]],
    [3, () => [rng.pick(['LPOP', 'RPOP']), k, count(rng)]],
    [3, () => ['LLEN', k]],
    [5, () => ['LRANGE', k, index(rng), index(rng)]],
    [4, () => ['LINDEX', k, index(rng)]],
    [3, () => ['LSET', k, index(rng), element(rng)]],
    [3, () => ['LINSERT', k, rng.pick(['BEFORE', 'AFTER', 'after', 'middle']), element(rng), element(rng)]],
    [3, () => ['LREM', k, rng.pick(['0', '1', '2', '-1', '-2', 'x']), element(rng)]],
    [2, () => ['LTRIM', k, index(rng), index(rng)]],
    [4, () => {
      const cmd: Cmd = ['LPOS', k, element(rng)];
      if (rng.bool(0.5)) cmd.push('RANK', rng.pick(['1', '2', '-1', '-2', '0', 'x']));
      if (rng.bool(0.5)) cmd.push('COUNT', rng.pick(['0', '1', '2', '-1']));
      if (rng.bool(0.3)) cmd.push('MAXLEN', rng.pick(['0', '1', '3', '-1']));
      return cmd;
    }],
    [3, () => ['LMOVE', k, key(rng), where(rng), where(rng)]],
    [2, () => ['RPOPLPUSH', k, key(rng)]],
    [3, () => {
      const n = rng.int(1, 3);
      const cmd: Cmd = ['LMPOP', String(n), ...Array.from({ length: n }, () => key(rng)), where(rng)];
      if (rng.bool(0.5)) cmd.push('COUNT', rng.pick(['1', '2', '10', '0']));
      return cmd;
    }],
    // Blocking forms (randomListSequence puts a push before each one, so none of them waits).
    [2, () => [rng.pick(['BLPOP', 'BRPOP']), k, key(rng), rng.pick(['0', '0.5', '10', '-1', 'x'])]],
    [1, () => ['BLMOVE', k, key(rng), where(rng), where(rng), rng.pick(['0', '1', '-1'])]],
    [1, () => ['BRPOPLPUSH', k, key(rng), rng.pick(['0', '1'])]],
    [1, () => ['BLMPOP', rng.pick(['0', '1', 'x']), '2', k, key(rng), where(rng), 'COUNT', rng.pick(['1', '3'])]],
    [1, () => ['SET', 'str', 'text']],
    [1, () => ['DEL', k]],
  ])();
}

const BLOCKING = new Set(['BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP']);

/**
 * n random commands; each blocking command is preceded by an RPUSH to the key it would pop from
 * (an error then comes from the push or from the blocking command, and nothing ever waits).
 */
export function randomListSequence(rng: Rng, n: number): Cmd[] {
  const out: Cmd[] = [];
  while (out.length < n) {
    const cmd = randomListCommand(rng);
    const name = String(cmd[0]);
    if (BLOCKING.has(name)) out.push(['RPUSH', cmd[name === 'BLMPOP' ? 3 : 1], 'w']);
    out.push(cmd);
  }
  return out;
}

/** After a random sequence: the contents of every key (the harness compares TYPE/ENCODING only). */
export function listContents(): Cmd[] {
  return LIST_KEYS.map((k) => ['LRANGE', k, '0', '-1']);
}
