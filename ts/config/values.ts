/**
 * Value kinds: how one setting's value is read from each source and written back.
 *
 * A setting reaches us in three shapes: a TOML value (typed by the TOML parser), text (an
 * environment variable or a command-line flag) and a CONFIG SET argument (Redis syntax). The first
 * two are ours and report problems as "expected <what>"; the third follows redis-server 7.0 to the
 * letter, error texts included, because clients and tests compare them.
 */
import net from 'node:net';

/** A CONFIG SET parse result: the value, or the text Redis puts after "... - ". */
export type RedisParse<T> = { value: T } | { error: string };

export interface ValueKind<T> {
  /** What a valid value looks like, e.g. "an integer 0-65535"; completes "expected ...". */
  readonly expected: string;
  /** Converts a TOML value, or returns undefined when it does not fit. */
  fromToml(value: unknown): T | undefined;
  /** Converts the text of an environment variable or a flag, or returns undefined. */
  fromText(text: string): T | undefined;
  /** Parses a CONFIG SET argument the way redis-server does (`current`: for partial updates). */
  fromRedis(text: string, current: T): RedisParse<T>;
  /** Renders the value as CONFIG GET shows it. */
  toRedis(value: T): string;
  /** Renders the value for --help and messages, in our own (TOML-like) syntax. */
  show(value: T): string;
  equals(a: T, b: T): boolean;
}

import { formatKeyspaceEvents, parseKeyspaceEvents } from './keyspace-events';

const INT32_MAX = 2147483647;
const INT64_MAX = 9223372036854775807n;

/** Redis's string2ll: optional '-', no leading zeros, no '+', no spaces. */
const STRICT_INTEGER = /^(0|-?[1-9][0-9]*)$/;

function redisRangeError(min: bigint, max: bigint): string {
  return `argument must be between ${min} and ${max} inclusive`;
}

/** Parses an integer with Redis's rules and checks it against [min, max]. */
function parseRedisInteger(text: string, min: bigint, max: bigint): RedisParse<number> {
  if (!STRICT_INTEGER.test(text)) return { error: "argument couldn't be parsed into an integer" };
  const n = BigInt(text);
  if (n < -INT64_MAX - 1n || n > INT64_MAX) return { error: "argument couldn't be parsed into an integer" };
  if (n < min || n > max) return { error: redisRangeError(min, max) };
  return { value: Number(n) };
}

function sameValue<T>(a: T, b: T): boolean {
  return a === b;
}

export interface IntegerOptions {
  /** Bounds CONFIG SET checks, when Redis's differ from ours (e.g. hz: 0..INT_MAX, then clamped). */
  redisMin?: number;
  redisMax?: number | bigint;
  /** Applied after Redis's range check, as Redis clamps hz into 1..500. */
  redisClamp?: boolean;
}

/** An integer in [min, max]. TOML integers only; text with Redis's strict integer syntax. */
export function integer(min: number, max: number, opts: IntegerOptions = {}): ValueKind<number> {
  const inRange = (n: number): number | undefined => (Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined);
  const redisMin = BigInt(opts.redisMin ?? min);
  const redisMax = BigInt(opts.redisMax ?? max);
  return {
    expected: `an integer ${min}-${max}`,
    fromToml: (v) => (typeof v === 'number' && Number.isInteger(v) ? inRange(v) : undefined),
    fromText: (t) => (STRICT_INTEGER.test(t) ? inRange(Number(t)) : undefined),
    fromRedis(t) {
      const parsed = parseRedisInteger(t, redisMin, redisMax);
      if ('error' in parsed || !opts.redisClamp) return parsed;
      return { value: Math.min(max, Math.max(min, parsed.value)) };
    },
    toRedis: String,
    show: String,
    equals: sameValue,
  };
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

function textToBoolean(t: string): boolean | undefined {
  const word = t.toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

export const boolean: ValueKind<boolean> = {
  expected: 'true or false',
  fromToml: (v) => (typeof v === 'boolean' ? v : undefined),
  fromText: textToBoolean,
  fromRedis(t) {
    const word = t.toLowerCase();
    if (word === 'yes') return { value: true };
    if (word === 'no') return { value: false };
    return { error: "argument must be 'yes' or 'no'" };
  },
  toRedis: (v) => (v ? 'yes' : 'no'),
  show: String,
  equals: sameValue,
};

/** Seconds between keep-alive probes, 0 = off. The seed writes `tcp_keepalive = true`; Redis counts seconds. */
export function keepAlive(secondsWhenTrue: number): ValueKind<number> {
  const seconds = integer(0, INT32_MAX);
  return {
    expected: `true, false or a number of seconds 0-${INT32_MAX}`,
    fromToml: (v) => (typeof v === 'boolean' ? (v ? secondsWhenTrue : 0) : seconds.fromToml(v)),
    fromText(t) {
      const flag = STRICT_INTEGER.test(t) ? undefined : textToBoolean(t);
      return flag === undefined ? seconds.fromText(t) : flag ? secondsWhenTrue : 0;
    },
    fromRedis: (t, current) => seconds.fromRedis(t, current),
    toRedis: String,
    show: String,
    equals: sameValue,
  };
}

export interface ChoiceOptions<T extends string> {
  /** Other spellings accepted from TOML, env and flags (e.g. the seed's "lru" for "allkeys-lru"). */
  aliases?: Record<string, T>;
  /** When Redis names the values differently: Redis name -> our value, in Redis's listing order. */
  redisNames?: Array<[string, T]>;
  /** Our value -> the Redis name CONFIG GET shows (needed with redisNames when the map is not 1:1). */
  redisShows?: Record<T, string>;
}

/** One of a fixed set of words, case-insensitive. */
export function choice<T extends string>(values: readonly T[], opts: ChoiceOptions<T> = {}): ValueKind<T> {
  const lookup = new Map<string, T>();
  for (const v of values) lookup.set(v.toLowerCase(), v);
  for (const [alias, v] of Object.entries(opts.aliases ?? {})) lookup.set(alias.toLowerCase(), v as T);
  const fromText = (t: string): T | undefined => lookup.get(t.toLowerCase());
  const redisNames = opts.redisNames ?? values.map((v): [string, T] => [v, v]);
  const redisLookup = new Map(redisNames.map(([name, v]) => [name.toLowerCase(), v]));
  const redisError = `argument(s) must be one of the following: ${redisNames.map(([name]) => name).join(', ')}`;
  return {
    expected: `one of ${values.join(', ')}`,
    fromToml: (v) => (typeof v === 'string' ? fromText(v) : undefined),
    fromText,
    fromRedis(t) {
      const v = redisLookup.get(t.toLowerCase());
      return v === undefined ? { error: redisError } : { value: v };
    },
    toRedis: (v) => opts.redisShows?.[v] ?? redisNames.find(([, value]) => value === v)?.[0] ?? v,
    show: (v) => JSON.stringify(v),
    equals: sameValue,
  };
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 ** 2,
  mb: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1024 ** 3,
};

/** Redis's memtoull grammar: digits and an optional unit (k=1000, kb=1024, ...); "" means 0. */
function parseMemory(text: string, allowSpace: boolean): bigint | undefined {
  if (text === '') return 0n;
  const m = (allowSpace ? /^([0-9]+)\s*([a-z]*)$/i : /^([0-9]+)([a-z]*)$/i).exec(text);
  if (!m) return undefined;
  const unit = MEMORY_UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : BigInt(m[1]!) * BigInt(unit);
}

function showBytes(n: number): string {
  for (const [unit, size] of [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ] as const) {
    if (n >= size && n % size === 0) return `"${n / size}${unit}"`;
  }
  return String(n);
}

/** A size in bytes, written as a number or "512MB" / "1GB" (k/m/g = 1000s, kb/mb/gb = 1024s). */
export function memory(min: number, redisMax: bigint = INT64_MAX): ValueKind<number> {
  const minText = min === 0 ? '' : ` of at least ${showBytes(min)}`;
  const fits = (n: bigint | undefined): number | undefined =>
    n !== undefined && n >= BigInt(min) && n <= redisMax ? Number(n) : undefined;
  return {
    expected: `a size in bytes${minText} (a number, or a string such as "512MB" or "1GB")`,
    fromToml: (v) =>
      typeof v === 'number' && Number.isInteger(v) ? fits(BigInt(v)) : typeof v === 'string' ? fits(parseMemory(v, true)) : undefined,
    fromText: (t) => fits(parseMemory(t, true)),
    fromRedis(t) {
      const n = parseMemory(t, false);
      if (n === undefined) return { error: 'argument must be a memory value' };
      if (n < BigInt(min) || n > redisMax) return { error: redisRangeError(BigInt(min), redisMax) };
      return { value: Number(n) };
    },
    toRedis: String,
    show: showBytes,
    equals: sameValue,
  };
}

export interface TextOptions {
  /** Accepts or rejects the text; `expected` then says what is acceptable. */
  check?: (text: string) => boolean;
  /** The Redis error tail for a value that fails `check`. */
  redisError?: string;
  expected?: string;
}

/** Free text (paths, passwords, names), optionally checked. */
export function text(opts: TextOptions = {}): ValueKind<string> {
  const ok = (t: string): string | undefined => (opts.check && !opts.check(t) ? undefined : t);
  return {
    expected: opts.expected ?? 'a string',
    fromToml: (v) => (typeof v === 'string' ? ok(v) : undefined),
    fromText: ok,
    fromRedis: (t) => (ok(t) === undefined ? { error: opts.redisError ?? 'invalid value' } : { value: t }),
    toRedis: (v) => v,
    show: (v) => JSON.stringify(v),
    equals: sameValue,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A list of words: a TOML array of strings, or text separated by spaces or commas. */
export function wordList(opts: { items: string; check?: (word: string) => boolean; min?: number; max?: number }): ValueKind<string[]> {
  const min = opts.min ?? 0;
  const max = opts.max ?? Infinity;
  const ok = (words: string[]): string[] | undefined =>
    words.length >= min && words.length <= max && words.every((w) => w !== '' && (!opts.check || opts.check(w))) ? words : undefined;
  const split = (t: string): string[] => t.split(/[\s,]+/).filter((w) => w !== '');
  return {
    expected:
      min > 0
        ? `one or more ${opts.items} (an array, or a string separated by spaces)`
        : `a list of ${opts.items} (an array of strings)`,
    fromToml(v) {
      if (typeof v === 'string') return ok(split(v));
      if (Array.isArray(v) && v.every((w): w is string => typeof w === 'string')) return ok(v.slice());
      return undefined;
    },
    fromText: (t) => ok(split(t)),
    fromRedis(t) {
      const words = split(t);
      if (words.length > max) return { error: 'too many values' };
      return ok(words) === undefined ? { error: 'invalid value' } : { value: words };
    },
    toRedis: (v) => v.join(' '),
    show: (v) => JSON.stringify(v),
    equals: sameList,
  };
}

/** Addresses the server can listen on: IPv4/IPv6 literals and "localhost". Redis caps bind at 16. */
export const MAX_BIND_ADDRESSES = 16;

export function bindAddresses(): ValueKind<string[]> {
  const isAddress = (w: string): boolean => net.isIP(w) !== 0 || w === 'localhost';
  const list = wordList({ items: 'IP addresses', check: isAddress, min: 1, max: MAX_BIND_ADDRESSES });
  return {
    ...list,
    fromRedis(t) {
      const words = t.split(' ').filter((w) => w !== '');
      if (words.length > MAX_BIND_ADDRESSES) return { error: 'Too many bind addresses specified.' };
      // Redis tries the bind and reports this; an address we cannot parse would fail the same way.
      if (words.length === 0 || !words.every(isAddress)) return { error: 'Failed to bind to specified addresses.' };
      return { value: words };
    },
  };
}

/** One client class's output buffer limits: hard bytes, soft bytes, soft seconds (0 = none). */
export interface OutputBufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}
export type OutputBufferClass = 'normal' | 'replica' | 'pubsub';
export type OutputBufferLimits = Record<OutputBufferClass, OutputBufferLimit>;

/**
 * Redis's client-output-buffer-limit: "<class> <hard> <soft> <soft seconds>" groups (class normal,
 * replica/slave or pubsub; sizes with units). CONFIG SET changes only the classes it names.
 */
export function outputBufferLimits(): ValueKind<OutputBufferLimits> {
  const parse = (t: string, base: OutputBufferLimits): OutputBufferLimits | string => {
    const words = t.split(/\s+/).filter((w) => w !== '');
    if (words.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
    const next: OutputBufferLimits = { normal: { ...base.normal }, replica: { ...base.replica }, pubsub: { ...base.pubsub } };
    for (let i = 0; i < words.length; i += 4) {
      const name = words[i]!.toLowerCase();
      const cls: OutputBufferClass | null = name === 'normal' ? 'normal' : name === 'replica' || name === 'slave' ? 'replica' : name === 'pubsub' ? 'pubsub' : null;
      if (cls === null) return 'Invalid client class specified in buffer limit configuration.';
      const hard = parseMemory(words[i + 1]!, false);
      const soft = parseMemory(words[i + 2]!, false);
      const seconds = STRICT_INTEGER.test(words[i + 3]!) ? BigInt(words[i + 3]!) : undefined;
      if (hard === undefined || soft === undefined || seconds === undefined || seconds < 0n || seconds > BigInt(INT32_MAX)) {
        return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
      }
      next[cls] = { hard: Number(hard), soft: Number(soft), softSeconds: Number(seconds) };
    }
    return next;
  };
  const render = (v: OutputBufferLimits): string =>
    (['normal', 'replica', 'pubsub'] as const)
      .map((c) => `${c === 'replica' ? 'slave' : c} ${v[c].hard} ${v[c].soft} ${v[c].softSeconds}`)
      .join(' ');
  const fromText = (t: string): OutputBufferLimits | undefined => {
    const v = parse(t, DEFAULT_OUTPUT_BUFFER_LIMITS);
    return typeof v === 'string' ? undefined : v;
  };
  return {
    expected: 'groups of "<normal|replica|pubsub> <hard> <soft> <seconds>"',
    fromToml: (v) => (typeof v === 'string' ? fromText(v) : undefined),
    fromText,
    fromRedis(t, current) {
      const v = parse(t, current);
      return typeof v === 'string' ? { error: v } : { value: v };
    },
    toRedis: render,
    show: (v) => JSON.stringify(render(v)),
    equals: (a, b) => render(a) === render(b),
  };
}

export const DEFAULT_OUTPUT_BUFFER_LIMITS: OutputBufferLimits = {
  normal: { hard: 0, soft: 0, softSeconds: 0 },
  replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
  pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
};

/**
 * notify-keyspace-events: Redis's class letters, kept in the canonical form CONFIG GET shows
 * ("AKE" for "KEA", "g$nK"...).
 */
export function keyspaceEventClasses(): ValueKind<string> {
  const canonical = (t: string): string | undefined => {
    const flags = parseKeyspaceEvents(t);
    return flags === null ? undefined : formatKeyspaceEvents(flags);
  };
  return {
    expected: "characters from 'Ag$lshzxeKEtmdn'",
    fromToml: (v) => (typeof v === 'string' ? canonical(v) : undefined),
    fromText: canonical,
    fromRedis(t) {
      const v = canonical(t);
      return v === undefined ? { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." } : { value: v };
    },
    toRedis: (v) => v,
    show: (v) => JSON.stringify(v),
    equals: sameValue,
  };
}
