/**
 * redis-benchmark's default suite: the same titles, commands and key names (Redis 7.0), so numbers
 * from both tools line up test by test. `-t` names select tests as redis-benchmark's do: `ping`
 * selects both PING tests and `lrange` all four LRANGE tests; any LRANGE test first fills the
 * list with "LPUSH (needed to benchmark LRANGE)". Tests always run in suite order.
 */
import { RANDOM_PLACEHOLDER, encodeCommand } from './command-template';

export interface BenchmarkTest {
  /** The title printed in every output format (redis-benchmark's). */
  readonly title: string;
  /** The request bytes of one command. */
  readonly command: Buffer;
}

const KEY = `key:${RANDOM_PLACEHOLDER}`;
const ELEMENT = `element:${RANDOM_PLACEHOLDER}`;
const LRANGE_SIZES = [100, 300, 500, 600] as const;

interface SuiteEntry {
  title: string;
  /** Selected when any of these -t names is given. */
  names: string[];
  /** The command's arguments, given the value of -d bytes and whether keys are random. */
  args(data: string, randomKeys: boolean): string[] | 'inline-ping';
}

const SUITE: SuiteEntry[] = [
  { title: 'PING_INLINE', names: ['ping_inline', 'ping'], args: () => 'inline-ping' },
  { title: 'PING_MBULK', names: ['ping_mbulk', 'ping'], args: () => ['PING'] },
  { title: 'SET', names: ['set'], args: (data) => ['SET', KEY, data] },
  { title: 'GET', names: ['get'], args: () => ['GET', KEY] },
  { title: 'INCR', names: ['incr'], args: () => ['INCR', `counter:${RANDOM_PLACEHOLDER}`] },
  { title: 'LPUSH', names: ['lpush'], args: (data) => ['LPUSH', 'mylist', data] },
  { title: 'RPUSH', names: ['rpush'], args: (data) => ['RPUSH', 'mylist', data] },
  { title: 'LPOP', names: ['lpop'], args: () => ['LPOP', 'mylist'] },
  { title: 'RPOP', names: ['rpop'], args: () => ['RPOP', 'mylist'] },
  { title: 'SADD', names: ['sadd'], args: () => ['SADD', 'myset', ELEMENT] },
  { title: 'HSET', names: ['hset'], args: (data) => ['HSET', 'myhash', ELEMENT, data] },
  { title: 'SPOP', names: ['spop'], args: () => ['SPOP', 'myset'] },
  // The score is random too when keys are (redis-benchmark's -r help says so).
  { title: 'ZADD', names: ['zadd'], args: (_data, randomKeys) => ['ZADD', 'myzset', randomKeys ? RANDOM_PLACEHOLDER : '0', ELEMENT] },
  { title: 'ZPOPMIN', names: ['zpopmin'], args: () => ['ZPOPMIN', 'myzset'] },
  {
    title: 'LPUSH (needed to benchmark LRANGE)',
    names: ['lrange', ...LRANGE_SIZES.map((n) => `lrange_${n}`)],
    args: (data) => ['LPUSH', 'mylist', data],
  },
  ...LRANGE_SIZES.map((n) => ({
    title: `LRANGE_${n} (first ${n} elements)`,
    names: ['lrange', `lrange_${n}`],
    args: () => ['LRANGE', 'mylist', '0', String(n - 1)],
  })),
  {
    title: 'MSET (10 keys)',
    names: ['mset'],
    args: (data) => ['MSET', ...Array.from({ length: 10 }, () => [KEY, data]).flat()],
  },
];

/** Every name -t accepts. */
export const TEST_NAMES: readonly string[] = [...new Set(SUITE.flatMap((entry) => entry.names))];

/** Throws on a -t name that selects nothing (redis-benchmark silently runs nothing). */
export function checkTestNames(names: readonly string[]): void {
  const unknown = names.filter((name) => !TEST_NAMES.includes(name));
  if (unknown.length > 0) throw new Error(`unknown test${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${TEST_NAMES.join(', ')})`);
}

/** The tests to run: the whole suite when `names` is null. */
export function selectTests(names: readonly string[] | null, data: string, randomKeys: boolean): BenchmarkTest[] {
  return SUITE.filter((entry) => names === null || entry.names.some((name) => names.includes(name))).map((entry) => {
    const args = entry.args(data, randomKeys);
    return { title: entry.title, command: args === 'inline-ping' ? Buffer.from('PING\r\n', 'latin1') : encodeCommand(args) };
  });
}

/** A command given on the command line; its title is its arguments joined by spaces. */
export function customTest(args: readonly string[]): BenchmarkTest {
  return { title: args.join(' '), command: encodeCommand(args) };
}

/** The -d value: random capital letters, as redis-benchmark 7 sends. */
export function randomData(size: number): string {
  let data = '';
  for (let i = 0; i < size; i++) data += String.fromCharCode(0x41 + Math.floor(Math.random() * 26));
  return data;
}
