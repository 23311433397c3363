/**
 * Glue for differential test files: run scripted or random command lists against both servers,
 * in RESP2 and RESP3, one by one and pipelined, each from an empty keyspace, and fail with one
 * readable report of every mismatch.
 */
import { DiffSession, Cmd, RunOptions, Tolerances } from './diff';
import { ServerHandle, ServerPair, sleep, startPair } from './servers';
import { escapeBytes } from './resp';
import { Rng } from './random';
import { generate } from './generators';
import * as assert from 'uvu/assert';

export interface ScriptOptions {
  protocols?: Array<2 | 3>;
  modes?: Array<RunOptions['mode']>;
  chunk?: number;
  seed?: number;
  label?: string;
  tolerances?: Partial<Tolerances>;
  /** Compare the final keyspace of these databases too. */
  compareStateOf?: number[];
  /** FLUSHALL before each run (default true). */
  flush?: boolean;
}

/**
 * An Error for a multi-line report. uvu prints `message` and then the stack from its first
 * newline on (with backslashes turned into slashes), which would repeat the report mangled; the
 * stack is therefore cut to the first line.
 */
export function reportError(message: string): Error {
  const e = new Error(message);
  e.stack = `Error: ${message.split('\n')[0]}`;
  return e;
}

/** Runs `cmds` in every protocol × mode combination; throws one report of every mismatch. */
export async function checkScript(pair: ServerPair, cmds: Cmd[], opts: ScriptOptions = {}): Promise<void> {
  const reports: string[] = [];
  for (const protocol of opts.protocols ?? [2, 3]) {
    for (const mode of opts.modes ?? ['sequential', 'pipelined']) {
      const s = await DiffSession.open(pair, protocol);
      try {
        if (opts.flush ?? true) await s.both(['FLUSHALL']);
        const runOpts: RunOptions = { mode, chunk: opts.chunk, seed: opts.seed, label: opts.label, tolerances: opts.tolerances };
        const mismatches = await s.run(cmds, runOpts);
        if (mismatches.length > 0 || s.openMismatches.length > 0) reports.push(s.report(mismatches, cmds, runOpts));
        if (opts.compareStateOf) {
          const problems = await s.compareState(opts.compareStateOf, { seed: opts.seed, label: opts.label });
          if (problems.length > 0) reports.push(`final state differs (RESP${protocol}, ${mode}${opts.seed !== undefined ? `, seed ${opts.seed}` : ''}):\n` + problems.join('\n'));
        }
      } finally {
        s.close();
      }
      if (pair.candidate.exited()) {
        reports.push(`${pair.candidate.name} exited! Output tail:\n${pair.candidate.output().slice(-3000)}`);
        throw reportError(reports.join('\n'));
      }
    }
  }
  if (reports.length > 0) throw reportError(reports.join('\n'));
}

/** Random sequences of `n` commands per seed, checked like a script (and the final state). */
export async function checkRandom(
  pair: ServerPair,
  seeds: number[],
  n: number,
  gen: (rng: Rng, nowS: number) => Cmd,
  opts: ScriptOptions = {},
): Promise<void> {
  const reports: string[] = [];
  for (const seed of seeds) {
    const rng = new Rng(seed);
    const cmds = generate(rng, n, gen);
    try {
      await checkScript(pair, cmds, { compareStateOf: [0, 1, 2, 3], ...opts, seed });
    } catch (e) {
      reports.push((e as Error).message);
    }
  }
  if (reports.length > 0) throw reportError(`random sequences failed (seeds ${seeds.join(',')}):\n` + reports.join('\n'));
}

/** Appends OBJECT ENCODING (and optionally TTL) of the command's key after each command. */
export function withEncoding(cmds: Cmd[], keyIndex = 1): Cmd[] {
  const out: Cmd[] = [];
  for (const c of cmds) {
    out.push(c);
    if (c.length > keyIndex) out.push(['OBJECT', 'ENCODING', c[keyIndex]]);
  }
  return out;
}

interface HookableTest {
  before(fn: () => Promise<void>): void;
  after(fn: () => Promise<void>): void;
}

/**
 * Starts redis-server and the candidate before a test file's tests and stops them after. A start
 * failure is not thrown from the hook (uvu would then skip every test silently): each test fails
 * with it instead. Returns a getter for the pair.
 */
export function usePair(t: HookableTest, candidateArgs: string[] = [], oracleArgs: string[] = []): () => ServerPair {
  let pair: ServerPair | undefined;
  let startError: Error | undefined;
  t.before(async () => {
    try {
      pair = await startPair(candidateArgs, oracleArgs);
    } catch (e) {
      startError = e as Error;
      process.stderr.write(`could not start the servers: ${startError.message}\n`);
    }
  });
  t.after(async () => {
    await pair?.stop();
  });
  return () => {
    if (!pair) throw reportError(`servers did not start: ${startError?.message ?? 'unknown'}`);
    if (pair.candidate.exited()) throw reportError(`${pair.candidate.name} has exited. Output tail:\n${pair.candidate.output().slice(-3000)}`);
    return pair;
  };
}

export interface RawOutcome {
  bytes: Buffer;
  closed: boolean;
}

/**
 * Sends `parts` (with `gapMs` between them) on a fresh connection to a server and returns
 * everything it answered, and whether it closed the connection, once it has been quiet for
 * `idleMs` or closed.
 */
export async function rawExchange(server: ServerHandle, parts: Array<Buffer | string>, idleMs = 250, gapMs = 0): Promise<RawOutcome> {
  const c = await server.connect({ recordRaw: true });
  try {
    for (const part of parts) {
      if (c.closed) break;
      await c.writeFlushed(part);
      if (gapMs > 0) await sleep(gapMs);
    }
    return await c.collectRaw(idleMs, 20000);
  } finally {
    c.close();
  }
}

/** Runs rawExchange on both servers and describes any difference (null when identical). */
export async function compareRaw(pair: ServerPair, label: string, parts: Array<Buffer | string>, idleMs = 250, gapMs = 0): Promise<string | null> {
  const [o, c] = await Promise.all([rawExchange(pair.oracle, parts, idleMs, gapMs), rawExchange(pair.candidate, parts, idleMs, gapMs)]);
  if (o.bytes.equals(c.bytes) && o.closed === c.closed) return null;
  const sent = escapeBytes(Buffer.concat(parts.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(x, 'latin1')))), 200);
  return `${label}: sent ${sent}\n    ${pair.oracle.name.padEnd(12)} ${escapeBytes(o.bytes, 400)}${o.closed ? ' [closed]' : ' [open]'}\n    ${pair.candidate.name.padEnd(12)} ${escapeBytes(c.bytes, 400)}${c.closed ? ' [closed]' : ' [open]'}`;
}

/**
 * Runs a multi-client scenario against both servers in RESP2 and in RESP3 and asserts that it gives
 * the candidate the oracle's outcome (the scenario returns what it observed, in order).
 */
export async function assertSameScenario<T>(pair: ServerPair, scenario: (server: ServerHandle, protocol: 2 | 3) => Promise<T>): Promise<void> {
  for (const protocol of [2, 3] as const) {
    const expected = await scenario(pair.oracle, protocol);
    const actual = await scenario(pair.candidate, protocol);
    assert.equal(actual, expected, `RESP${protocol}`);
  }
}
