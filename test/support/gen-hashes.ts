/**
 * Hash-family support for the differential tests: a runner that compares replies with the
 * normalisations hashes need, and random command generators.
 *
 * Normalisation (applied only when the raw bytes differ):
 * - HGETALL / HKEYS / HVALS of a hash whose OBJECT ENCODING on the oracle is "hashtable": Redis
 *   answers in its dict's order, which is not behaviour anyone may rely on, so the replies are
 *   compared as multisets (of field/value pairs for HGETALL, of strings for HKEYS/HVALS), with the
 *   same reply type (RESP3 map vs array). For a "listpack" hash Redis answers in insertion order and
 *   the bytes must be equal. The runner learns the encoding by sending OBJECT ENCODING of the key
 *   right after such a command (to both servers; its replies are compared too).
 * - HSCAN of a hashtable hash: cursors and batches are implementation-defined. Both replies must be
 *   well-formed ([cursor digits, array of field/value pairs]) and every pair the candidate returned
 *   must be in the candidate's hash (checked with an HGETALL probe right after). Complete
 *   iterations are compared as sets by a dedicated test. HSCAN of a listpack hash (always answered
 *   whole, cursor 0) must be byte-identical.
 * - HRANDFIELD: random. Nulls, errors and the reply type must match; array replies must have the
 *   same length and nesting (RESP3 WITHVALUES pairs), every field must be in the hash with its value
 *   (HGETALL probe) and, for a non-negative count, fields must be distinct.
 * - The final state of databases 0..3 is compared: key sets, TYPE, OBJECT ENCODING, and for hashes
 *   HGETALL under the rule above.
 */
import { Cmd, DiffSession, RunOptions } from './diff';
import { ServerPair } from './servers';
import { Reply, RespValue, elementsOf, encodeCommand, escapeBytes, formatCommand, textOf, toBuffer } from './resp';
import { reportError } from './harness';
import { Rng } from './random';
import { FLOAT_STRINGS, GLOB_PATTERNS, INTEGER_STRINGS, generate, pickKey } from './generators';

const ORDERED = new Set(['HGETALL', 'HKEYS', 'HVALS']);

function upper(a: Cmd[number] | undefined): string {
  return a === undefined ? '' : toBuffer(a).toString('latin1').toUpperCase();
}

type Probe = 'encoding' | 'contents';
interface Step {
  cmd: Cmd;
  /** Index into the user's command list (a probe carries the index of the command it follows). */
  index: number;
  probe?: Probe;
}

/** The user's commands with the probes the comparisons need. */
function expand(cmds: Cmd[]): Step[] {
  const steps: Step[] = [];
  cmds.forEach((cmd, index) => {
    steps.push({ cmd, index });
    const name = upper(cmd[0]);
    if (cmd.length < 2) return;
    if (ORDERED.has(name) || name === 'HSCAN' || name === 'HRANDFIELD') {
      steps.push({ cmd: ['OBJECT', 'ENCODING', cmd[1]], index, probe: 'encoding' });
    }
    if (name === 'HSCAN' || name === 'HRANDFIELD') steps.push({ cmd: ['HGETALL', cmd[1]], index, probe: 'contents' });
  });
  return steps;
}

/** Field/value pairs of an HGETALL reply (RESP2 flat array or RESP3 map), in reply order. */
export function pairsIn(v: RespValue): Array<[string, string]> | undefined {
  if (v.type === 'map') {
    const out: Array<[string, string]> = [];
    for (const [k, x] of v.value) {
      const a = textOf(k);
      const b = textOf(x);
      if (a === undefined || b === undefined) return undefined;
      out.push([a, b]);
    }
    return out;
  }
  const els = elementsOf(v);
  if (!els || els.length % 2 !== 0) return undefined;
  const out: Array<[string, string]> = [];
  for (let i = 0; i < els.length; i += 2) {
    const a = textOf(els[i]);
    const b = textOf(els[i + 1]);
    if (a === undefined || b === undefined) return undefined;
    out.push([a, b]);
  }
  return out;
}

function sortedJson(items: unknown[]): string {
  return JSON.stringify(items.map((x) => JSON.stringify(x)).sort());
}

function texts(v: RespValue): string[] | undefined {
  const els = elementsOf(v);
  if (!els) return undefined;
  const out: string[] = [];
  for (const e of els) {
    const t = textOf(e);
    if (t === undefined) return undefined;
    out.push(t);
  }
  return out;
}

/** Compares an order-sensitive reply of a hashtable hash as a multiset. */
function compareUnordered(name: string, o: RespValue, c: RespValue): string | null {
  if (o.type !== c.type) return 'different reply types';
  if (name === 'HGETALL') {
    const a = pairsIn(o);
    const b = pairsIn(c);
    if (!a || !b) return 'HGETALL reply is not field/value pairs';
    return sortedJson(a) === sortedJson(b) ? null : 'different field/value pairs';
  }
  const a = texts(o);
  const b = texts(c);
  if (!a || !b) return `${name} reply is not a list of strings`;
  return sortedJson(a) === sortedJson(b) ? null : `different ${name === 'HKEYS' ? 'fields' : 'values'}`;
}

/** HSCAN reply shape: [cursor, pairs]. */
function scanShape(v: RespValue): { cursor: string; pairs: Array<[string, string]> } | undefined {
  const els = elementsOf(v);
  if (!els || els.length !== 2 || els[0].type !== 'bulk') return undefined;
  const cursor = textOf(els[0]);
  if (cursor === undefined || !/^\d+$/.test(cursor) || els[1].type !== 'array') return undefined;
  const pairs = pairsIn(els[1]);
  return pairs ? { cursor, pairs } : undefined;
}

/** Checks one HRANDFIELD reply against the hash it was drawn from. */
function validRandfield(cmd: Cmd, v: RespValue, contents: Map<string, string>, resp: 2 | 3): string | null {
  if (v.type === 'error') return null;
  const hasCount = cmd.length >= 3;
  if (!hasCount) {
    if (v.type === 'null' || (v.type === 'bulk' && v.value === null)) return contents.size === 0 ? null : 'nil for a non-empty hash';
    const f = textOf(v);
    return f !== undefined && contents.has(f) ? null : `field ${f} is not in the hash`;
  }
  const count = BigInt(toBuffer(cmd[2]).toString('latin1'));
  const withValues = cmd.length >= 4;
  const els = elementsOf(v);
  if (!els) return 'not an array';
  const picks: Array<[string, string | undefined]> = [];
  if (withValues && resp === 3) {
    for (const e of els) {
      const pair = elementsOf(e);
      if (!pair || pair.length !== 2 || e.type !== 'array') return 'RESP3 WITHVALUES element is not a 2-element array';
      picks.push([textOf(pair[0]) ?? '\0?', textOf(pair[1])]);
    }
  } else if (withValues) {
    if (els.length % 2 !== 0) return 'odd WITHVALUES reply';
    for (let i = 0; i < els.length; i += 2) picks.push([textOf(els[i]) ?? '\0?', textOf(els[i + 1])]);
  } else {
    for (const e of els) picks.push([textOf(e) ?? '\0?', undefined]);
  }
  const expected = count >= 0n ? (count < BigInt(contents.size) ? Number(count) : contents.size) : Number(-count);
  if (contents.size === 0 && picks.length !== 0) return 'elements from an empty hash';
  if (contents.size > 0 && picks.length !== expected) return `${picks.length} elements, expected ${expected}`;
  const seen = new Set<string>();
  for (const [f, val] of picks) {
    if (!contents.has(f)) return `field ${JSON.stringify(f)} is not in the hash`;
    if (withValues && contents.get(f) !== val) return `field ${JSON.stringify(f)} came with a wrong value`;
    if (count > 0n) {
      if (seen.has(f)) return `field ${JSON.stringify(f)} repeated for a positive count`;
      seen.add(f);
    }
  }
  return null;
}

function shapeOf(v: RespValue): string {
  const els = elementsOf(v);
  if (!els) return v.type === 'bulk' ? (v.value === null ? 'nil' : 'bulk') : v.type === 'error' ? `error:${v.value}` : v.type;
  return `${v.type}[${els.length}${els.length > 0 ? ':' + elementsOf(els[0])?.length : ''}]`;
}

interface Mismatch {
  index: number;
  cmd: Cmd;
  oracle: Buffer;
  candidate: Buffer;
  reason: string;
}

async function exchange(s: DiffSession, steps: Step[], chunk: number): Promise<{ o: Reply[]; c: Reply[] }> {
  const o: Reply[] = [];
  const c: Reply[] = [];
  for (let i = 0; i < steps.length; i += chunk) {
    const batch = steps.slice(i, i + chunk);
    const bytes = Buffer.concat(batch.map((x) => encodeCommand(x.cmd)));
    s.oracle.write(bytes);
    s.candidate.write(bytes);
    const timeout = 10000 + batch.length * 20;
    const [ro, rc] = await Promise.all([s.oracle.readN(batch.length, timeout), s.candidate.readN(batch.length, timeout)]);
    o.push(...ro);
    c.push(...rc);
  }
  return { o, c };
}

function compareSteps(steps: Step[], o: Reply[], c: Reply[], resp: 2 | 3): Mismatch[] {
  const out: Mismatch[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const name = upper(step.cmd[0]);
    const add = (reason: string): void => {
      out.push({ index: step.index, cmd: step.cmd, oracle: o[i].raw, candidate: c[i].raw, reason: step.probe ? `(probe after the command) ${reason}` : reason });
    };
    // The probes that follow a command: [encoding, contents?].
    const encodingReply = steps[i + 1]?.probe === 'encoding' ? o[i + 1] : undefined;
    const oracleIsTable = encodingReply !== undefined && textOf(encodingReply.value) === 'hashtable';
    const contentsIndex = steps[i + 2]?.probe === 'contents' ? i + 2 : -1;
    if (step.probe === 'contents') {
      // Probe HGETALL: order only matters for listpack hashes (the encoding probe precedes it).
      if (o[i].raw.equals(c[i].raw)) continue;
      const enc = textOf(o[i - 1].value);
      if (enc === 'hashtable') {
        const r = compareUnordered('HGETALL', o[i].value, c[i].value);
        if (r) add(r);
      } else {
        add('HGETALL of a listpack hash differs');
      }
      continue;
    }
    if (name === 'HRANDFIELD' && step.cmd.length >= 2 && contentsIndex >= 0) {
      const ov = o[i].value;
      const cv = c[i].value;
      if (o[i].raw.equals(c[i].raw)) continue;
      if (ov.type === 'error' || cv.type === 'error') {
        add('bytes differ');
        continue;
      }
      if (shapeOf(ov) !== shapeOf(cv)) {
        add(`different shapes: ${shapeOf(ov)} vs ${shapeOf(cv)}`);
        continue;
      }
      const oc = pairsIn(o[contentsIndex].value);
      const cc = pairsIn(c[contentsIndex].value);
      const r1 = oc ? validRandfield(step.cmd, ov, new Map(oc), resp) : 'no contents';
      const r2 = cc ? validRandfield(step.cmd, cv, new Map(cc), resp) : 'no contents';
      if (r1) add(`oracle reply invalid?! ${r1}`);
      else if (r2) add(r2);
      continue;
    }
    if (o[i].raw.equals(c[i].raw)) continue;
    if (ORDERED.has(name) && oracleIsTable) {
      const r = compareUnordered(name, o[i].value, c[i].value);
      if (r) add(r);
      continue;
    }
    if (name === 'HSCAN' && oracleIsTable && contentsIndex >= 0) {
      const so = scanShape(o[i].value);
      const sc = scanShape(c[i].value);
      if (!so || !sc) {
        add('HSCAN replies differ (not both well-formed)');
        continue;
      }
      const cc = new Map(pairsIn(c[contentsIndex].value) ?? []);
      const stray = sc.pairs.find(([f, v]) => cc.get(f) !== v);
      if (stray) add(`HSCAN returned ${JSON.stringify(stray)}, which is not in the hash`);
      continue;
    }
    add('bytes differ');
  }
  return out;
}

function describe(m: Mismatch, label: string, cmds: Cmd[]): string {
  const before = m.index > 0 ? cmds.slice(Math.max(0, m.index - 3), m.index).map((x) => formatCommand(x)).join(' ; ') : '';
  return `[${label}, #${m.index}] ${formatCommand(m.cmd)}\n    oracle    ${escapeBytes(m.oracle, 400)}\n    candidate ${escapeBytes(m.candidate, 400)}\n    reason: ${m.reason}\n` +
    (before ? `    preceded by: ${before}\n` : '');
}

/** Compares the final state of the databases (keys, TYPE, OBJECT ENCODING, hash contents). */
async function compareHashState(s: DiffSession, dbs: number[], resp: 2 | 3): Promise<string[]> {
  const problems: string[] = [];
  for (const db of dbs) {
    await s.both(['SELECT', db]);
    const [ko, kc] = await s.both(['KEYS', '*']);
    const a = (texts(ko.value) ?? []).sort();
    const b = (texts(kc.value) ?? []).sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      problems.push(`db ${db}: different keys: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      continue;
    }
    const steps: Step[] = [];
    a.forEach((k, index) => {
      const key = Buffer.from(k, 'latin1');
      steps.push({ cmd: ['TYPE', key], index }, { cmd: ['HGETALL', key], index }, { cmd: ['OBJECT', 'ENCODING', key], index, probe: 'encoding' });
    });
    const { o, c } = await exchange(s, steps, 200);
    for (const m of compareSteps(steps, o, c, resp)) problems.push(describe(m, `state of db ${db}`, []));
  }
  await s.both(['SELECT', 0]);
  return problems;
}

export interface HashScriptOptions {
  protocols?: Array<2 | 3>;
  modes?: Array<RunOptions['mode']>;
  chunk?: number;
  seed?: number;
  compareStateOf?: number[];
}

/** Runs `cmds` on both servers in every protocol × mode, from an empty keyspace; throws a report. */
export async function checkHashScript(pair: ServerPair, cmds: Cmd[], opts: HashScriptOptions = {}): Promise<void> {
  const reports: string[] = [];
  const steps = expand(cmds);
  for (const protocol of opts.protocols ?? [2, 3]) {
    for (const mode of opts.modes ?? ['sequential', 'pipelined']) {
      const label = `RESP${protocol}, ${mode}${opts.seed !== undefined ? `, seed ${opts.seed}` : ''}`;
      const s = await DiffSession.open(pair, protocol);
      try {
        reports.push(...s.openMismatches);
        await s.both(['FLUSHALL']);
        const { o, c } = await exchange(s, steps, mode === 'sequential' ? 1 : opts.chunk ?? 64);
        const ms = compareSteps(steps, o, c, protocol).slice(0, 20);
        if (ms.length > 0) reports.push(`${ms.length} mismatch(es) (${label}):\n` + ms.map((m) => describe(m, label, cmds)).join('\n'));
        if (opts.compareStateOf) {
          const problems = await compareHashState(s, opts.compareStateOf, protocol);
          if (problems.length > 0) reports.push(`final state differs (${label}):\n` + problems.join('\n'));
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

/** Seeded random sequences, checked like a script plus the final state of databases 0..3. */
export async function checkHashRandom(pair: ServerPair, seeds: number[], n: number, gen: (rng: Rng) => Cmd, opts: HashScriptOptions = {}): Promise<void> {
  const reports: string[] = [];
  for (const seed of seeds) {
    const cmds = generate(new Rng(seed), n, (rng) => gen(rng));
    try {
      await checkHashScript(pair, cmds, { compareStateOf: [0, 1, 2, 3], ...opts, seed });
    } catch (e) {
      reports.push((e as Error).message);
    }
  }
  if (reports.length > 0) throw reportError(`random sequences failed (seeds ${seeds.join(',')}):\n` + reports.join('\n'));
}

// ---- generators ----------------------------------------------------------------------------------

const HASH_KEYS = ['h0', 'h1', 'h2', 'h3', 's0'];
const FIELDS = ['a', 'b', 'c', 'd', 'e', 'f', '', 'field:1', 'x'.repeat(64), 'y'.repeat(65), '1', '-1', '007'];

function pickHashKey(rng: Rng): string | Buffer {
  return rng.bool(0.85) ? rng.pick(HASH_KEYS.slice(0, 3)) : rng.bool(0.5) ? rng.pick(HASH_KEYS) : pickKey(rng);
}

function pickField(rng: Rng): string | Buffer {
  return rng.weighted<() => string | Buffer>([
    [10, () => rng.pick(FIELDS.slice(0, 6))],
    [3, () => rng.pick(FIELDS)],
    [3, () => `f${rng.int(0, 40)}`],
    [1, () => rng.bytes(rng.int(0, 6))],
  ])();
}

function pickHashValue(rng: Rng): string | Buffer {
  return rng.weighted<() => string | Buffer>([
    [4, () => String(rng.int(-100, 100))],
    [2, () => rng.pick(INTEGER_STRINGS)],
    [2, () => rng.pick(FLOAT_STRINGS)],
    [4, () => rng.word(rng.int(0, 10))],
    [1, () => rng.word(rng.int(60, 70))], // around hash-max-listpack-value (64)
    [1, () => rng.bytes(rng.int(0, 8))],
    [1, () => 'a\r\nb'],
  ])();
}

function pairs(rng: Rng, lo: number, hi: number): Array<string | Buffer> {
  const out: Array<string | Buffer> = [];
  const n = rng.int(lo, hi);
  for (let i = 0; i < n; i++) out.push(pickField(rng), pickHashValue(rng));
  return out;
}

/** One random hash command (plus a few generic ones that interact with hashes). */
export function randomHashCommand(rng: Rng): Cmd {
  const key = pickHashKey(rng);
  return rng.weighted<() => Cmd>([
    [14, () => ['HSET', key, ...pairs(rng, 1, 4)]],
    [2, () => ['HMSET', key, ...pairs(rng, 1, 3)]],
    [3, () => ['HSETNX', key, pickField(rng), pickHashValue(rng)]],
    [6, () => ['HGET', key, pickField(rng)]],
    [3, () => ['HMGET', key, pickField(rng), pickField(rng), pickField(rng)]],
    [6, () => ['HDEL', key, pickField(rng), ...(rng.bool(0.4) ? [pickField(rng), pickField(rng)] : [])]],
    [2, () => ['HEXISTS', key, pickField(rng)]],
    [2, () => ['HLEN', key]],
    [2, () => ['HSTRLEN', key, pickField(rng)]],
    [2, () => ['HKEYS', key]],
    [2, () => ['HVALS', key]],
    [3, () => ['HGETALL', key]],
    [5, () => ['HINCRBY', key, pickField(rng), rng.bool(0.7) ? String(rng.int(-50, 50)) : rng.pick(INTEGER_STRINGS)]],
    [4, () => ['HINCRBYFLOAT', key, pickField(rng), rng.pick(FLOAT_STRINGS)]],
    [3, () => {
      const r = rng.next();
      if (r < 0.2) return ['HRANDFIELD', key];
      const count = rng.weighted<() => string>([[6, () => String(rng.int(-8, 8))], [1, () => rng.pick(['0', '100', '-100', 'x', '-9223372036854775808'])]])();
      return ['HRANDFIELD', key, count, ...(rng.bool(0.4) ? [rng.pick(['WITHVALUES', 'withvalues', 'FOO'])] : [])];
    }],
    [3, () => {
      const args: string[] = [];
      if (rng.bool(0.5)) args.push('MATCH', rng.pick([...GLOB_PATTERNS.slice(0, 12), 'f*', 'f1?', '[a-c]']));
      if (rng.bool(0.3)) args.push('COUNT', rng.pick(['1', '5', '100', '0', 'x']));
      return ['HSCAN', key, rng.weighted<string>([[10, '0'], [1, 'abc'], [1, '7']]), ...args];
    }],
    [1, () => ['SET', rng.pick(['s0', 'h2']), 'string']],
    [1, () => ['DEL', key]],
    [1, () => ['TYPE', key]],
    [1, () => ['EXISTS', key]],
    [1, () => ['OBJECT', 'ENCODING', key]],
    [1, () => ['COPY', key, pickHashKey(rng), ...(rng.bool(0.5) ? ['REPLACE'] : [])]],
    [1, () => ['RENAME', key, pickHashKey(rng)]],
    [0.5, () => ['MOVE', key, String(rng.int(1, 2))]],
  ])();
}
