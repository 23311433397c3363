/**
 * Set-family support for the differential tests: a runner that compares replies with the
 * normalisations sets need, and random command generators.
 *
 * Normalisation (applied only when the raw bytes differ):
 * - SMEMBERS / SINTER / SUNION / SDIFF / SRANDMEMBER with a count >= the set size: Redis answers in
 *   its dict's order for hashtable-encoded sets (and results), which nobody may rely on, so the two
 *   replies are compared as multisets of strings with the same reply type (RESP3 set vs array).
 *   Intset-encoded sets answer in ascending integer order; that order is checked byte for byte by
 *   the scripted tests that use the plain harness (checkScript) on intset-only data.
 * - SSCAN: cursors and batches are implementation-defined for hashtables. The runner requires a
 *   well-formed reply and, when the reply has cursor "0" on both sides (the scripts use COUNT large
 *   enough to finish in one call), the same multiset of members.
 * - SPOP / SRANDMEMBER (random): same reply type and length; for a non-negative count the members
 *   must be distinct. Membership is checked by dedicated tests; scripts compare the final state
 *   only when no random removal happened.
 * - The final state of databases 0..3 is compared: key names, TYPE, OBJECT ENCODING, and for sets
 *   the members as a multiset (other types by a type-specific read).
 */
import { Cmd, DiffSession, RunOptions } from './diff';
import { ServerPair } from './servers';
import { Reply, RespValue, elementsOf, encodeCommand, escapeBytes, formatCommand, textOf, toBuffer } from './resp';
import { reportError } from './harness';
import { Rng } from './random';
import { GLOB_PATTERNS, generate } from './generators';

const UNORDERED = new Set(['SMEMBERS', 'SINTER', 'SUNION', 'SDIFF']);

function upper(a: Cmd[number] | undefined): string {
  return a === undefined ? '' : toBuffer(a).toString('latin1').toUpperCase();
}

function kind(v: RespValue): string {
  return v.type === 'bulk' && v.value === null ? 'null' : v.type;
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

function sameMultiset(a: string[], b: string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/** Compares one reply pair; null when they agree under the rules above. */
export function compareSetReply(cmd: Cmd, o: Reply, c: Reply): string | null {
  if (o.raw.equals(c.raw)) return null;
  const name = upper(cmd[0]);
  if (kind(o.value) !== kind(c.value)) return 'different reply types';
  if (o.value.type === 'error') return 'different errors';
  if (UNORDERED.has(name) || (name === 'SRANDMEMBER' && cmd.length === 3)) {
    const a = texts(o.value);
    const b = texts(c.value);
    if (!a || !b) return 'not a list of members';
    if (name === 'SRANDMEMBER') {
      if (a.length !== b.length) return 'different lengths';
      const count = Number(toBuffer(cmd[2]).toString());
      if (count >= 0 && new Set(b).size !== b.length) return 'repeated members for a positive count';
      // Fewer members than asked for: the whole set was returned.
      if (count > a.length) return sameMultiset(a, b) ? null : 'different members';
      return null;
    }
    return sameMultiset(a, b) ? null : 'different members';
  }
  if (name === 'SRANDMEMBER') return null; // one random member (types compared above)
  if (name === 'SPOP') {
    if (cmd.length === 2) return kind(c.value) === 'bulk' ? null : 'different replies';
    const a = texts(o.value);
    const b = texts(c.value);
    if (!a || !b) return 'not a list of members';
    if (a.length !== b.length) return 'different lengths';
    return new Set(b).size === b.length ? null : 'repeated members';
  }
  if (name === 'SSCAN' || name === 'SCAN') {
    const oe = elementsOf(o.value);
    const ce = elementsOf(c.value);
    if (!oe || !ce || oe.length !== 2 || ce.length !== 2) return 'malformed SSCAN reply';
    const oc = textOf(oe[0]);
    const cc = textOf(ce[0]);
    const a = texts(oe[1]);
    const b = texts(ce[1]);
    if (oc === undefined || cc === undefined || !/^\d+$/.test(cc) || !a || !b) return 'malformed SSCAN reply';
    if (oc === '0' && cc === '0') return sameMultiset(a, b) ? null : 'different members';
    return null;
  }
  return 'bytes differ';
}

function describe(i: number, cmd: Cmd, o: Reply, c: Reply, reason: string, label: string, history: Cmd[]): string {
  let s = `[${label}, #${i}] ${formatCommand(cmd)}\n`;
  s += `    redis        ${escapeBytes(o.raw, 400)}\n`;
  s += `    rustypotato  ${escapeBytes(c.raw, 400)}\n`;
  s += `    reason: ${reason}\n`;
  const before = history.slice(Math.max(0, i - 6), i);
  if (before.length > 0) s += `    preceded by: ${before.map((h) => formatCommand(h)).join(' ; ')}\n`;
  return s;
}

async function exchange(s: DiffSession, cmds: Cmd[], chunk: number): Promise<{ o: Reply[]; c: Reply[] }> {
  const o: Reply[] = [];
  const c: Reply[] = [];
  for (let i = 0; i < cmds.length; i += chunk) {
    const part = cmds.slice(i, i + chunk);
    const bytes = Buffer.concat(part.map((x) => encodeCommand(x)));
    s.oracle.write(bytes);
    s.candidate.write(bytes);
    const [ro, rc] = await Promise.all([s.oracle.readN(part.length, 20000), s.candidate.readN(part.length, 20000)]);
    o.push(...ro);
    c.push(...rc);
  }
  return { o, c };
}

async function keysOf(conn: DiffSession['oracle']): Promise<string[]> {
  const r = await conn.call(['KEYS', '*']);
  return (texts(r.value) ?? []).sort();
}

/** Compares the contents of databases `dbs` (then selects db 0 again). */
export async function compareSetState(s: DiffSession, dbs: number[]): Promise<string[]> {
  const problems: string[] = [];
  for (const db of dbs) {
    await s.both(['SELECT', db]);
    const [a, b] = await Promise.all([keysOf(s.oracle), keysOf(s.candidate)]);
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      problems.push(`db ${db}: keys differ: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      continue;
    }
    for (const k of a) {
      const key = Buffer.from(k, 'latin1');
      const [to, tc] = await s.both(['TYPE', key]);
      const type = textOf(to.value) ?? '';
      if (!to.raw.equals(tc.raw)) {
        problems.push(`db ${db} key ${escapeBytes(key)}: TYPE ${type} vs ${textOf(tc.value)}`);
        continue;
      }
      const [eo, ec] = await s.both(['OBJECT', 'ENCODING', key]);
      if (!eo.raw.equals(ec.raw)) problems.push(`db ${db} key ${escapeBytes(key)}: encoding ${textOf(eo.value)} vs ${textOf(ec.value)}`);
      const read: Cmd | undefined =
        type === 'set' ? ['SMEMBERS', key] : type === 'string' ? ['GET', key] : type === 'list' ? ['LRANGE', key, 0, -1] : undefined;
      if (!read) continue;
      const [ro, rc] = await s.both(read);
      const reason = compareSetReply(read, ro, rc);
      if (reason) problems.push(`db ${db} key ${escapeBytes(key)}: ${formatCommand(read)}: ${reason}\n    redis ${escapeBytes(ro.raw, 300)}\n    ours  ${escapeBytes(rc.raw, 300)}`);
    }
  }
  await s.both(['SELECT', 0]);
  return problems;
}

export interface SetScriptOptions {
  protocols?: Array<2 | 3>;
  modes?: Array<RunOptions['mode']>;
  chunk?: number;
  seed?: number;
  compareStateOf?: number[];
}

/** Runs `cmds` on both servers in every protocol × mode, from an empty keyspace; throws a report. */
export async function checkSetScript(pair: ServerPair, cmds: Cmd[], opts: SetScriptOptions = {}): Promise<void> {
  const reports: string[] = [];
  for (const protocol of opts.protocols ?? [2, 3]) {
    for (const mode of opts.modes ?? ['sequential', 'pipelined']) {
      const label = `RESP${protocol}, ${mode}${opts.seed !== undefined ? `, seed ${opts.seed}` : ''}`;
      const s = await DiffSession.open(pair, protocol);
      try {
        reports.push(...s.openMismatches);
        await s.both(['FLUSHALL']);
        await s.both(['CONFIG', 'SET', 'set-max-intset-entries', '512']);
        const { o, c } = await exchange(s, cmds, mode === 'sequential' ? 1 : opts.chunk ?? 64);
        const found: string[] = [];
        for (let i = 0; i < cmds.length && found.length < 20; i++) {
          const reason = compareSetReply(cmds[i], o[i], c[i]);
          if (reason) found.push(describe(i, cmds[i], o[i], c[i], reason, label, cmds));
        }
        if (found.length > 0) reports.push(`${found.length} mismatch(es) (${label}):\n` + found.join('\n'));
        if (opts.compareStateOf) {
          const problems = await compareSetState(s, opts.compareStateOf);
          if (problems.length > 0) reports.push(`final state differs (${label}):\n` + problems.join('\n'));
        }
        await s.both(['CONFIG', 'SET', 'set-max-intset-entries', '512']);
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
export async function checkSetRandom(pair: ServerPair, seeds: number[], n: number, gen: (rng: Rng) => Cmd, opts: SetScriptOptions = {}): Promise<void> {
  const reports: string[] = [];
  for (const seed of seeds) {
    // The shared generator mutates some commands (drops the last argument...): a bare SPOP would
    // remove a random member and make the keyspaces diverge, so it becomes SCARD.
    const cmds = generate(new Rng(seed), n, (rng) => gen(rng)).map((c): Cmd => (upper(c[0]) === 'SPOP' && c.length < 3 ? ['SCARD', ...c.slice(1)] : c));
    try {
      await checkSetScript(pair, cmds, { compareStateOf: [0, 1, 2, 3], ...opts, seed });
    } catch (e) {
      reports.push((e as Error).message);
    }
  }
  if (reports.length > 0) throw reportError(`random sequences failed (seeds ${seeds.join(',')}):\n` + reports.join('\n'));
}

// ---- generators ----------------------------------------------------------------------------------

export const SET_KEYS = ['s0', 's1', 's2', 's3', 'str'];

function pickSetKey(rng: Rng): string {
  return rng.bool(0.9) ? rng.pick(SET_KEYS.slice(0, 4)) : 'str';
}

/** Members: mostly small integers (intsets), some integer edge texts, some words. */
export function pickMember(rng: Rng): string | Buffer {
  return rng.weighted<() => string | Buffer>([
    [8, () => String(rng.int(-20, 40))],
    [2, () => rng.pick(['0', '-1', '32767', '32768', '-32769', '2147483648', '-2147483649', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '007', '-0', '+1', ' 1', '1.5'])],
    [3, () => rng.pick(['a', 'b', 'c', 'd', 'e', 'member:1', ''])],
    [1, () => rng.word(rng.int(1, 8))],
    [1, () => rng.bytes(rng.int(0, 6))],
  ])();
}

function members(rng: Rng, lo: number, hi: number): Array<string | Buffer> {
  const out: Array<string | Buffer> = [];
  const n = rng.int(lo, hi);
  for (let i = 0; i < n; i++) out.push(pickMember(rng));
  return out;
}

function keys(rng: Rng, lo: number, hi: number): string[] {
  const out: string[] = [];
  const n = rng.int(lo, hi);
  for (let i = 0; i < n; i++) out.push(pickSetKey(rng));
  return out;
}

/**
 * One random set command (plus a few generic ones). Random removals (SPOP without a count that
 * covers the whole set) are left out so that the two keyspaces stay comparable.
 */
export function randomSetCommand(rng: Rng): Cmd {
  return rng.weighted<() => Cmd>([
    [12, () => ['SADD', pickSetKey(rng), ...members(rng, 1, 6)]],
    [2, () => ['SADD', pickSetKey(rng), ...Array.from({ length: rng.int(10, 40) }, () => String(rng.int(-1000, 1000)))]],
    [5, () => ['SREM', pickSetKey(rng), ...members(rng, 1, 4)]],
    [3, () => ['SISMEMBER', pickSetKey(rng), pickMember(rng)]],
    [2, () => ['SMISMEMBER', pickSetKey(rng), ...members(rng, 1, 4)]],
    [3, () => ['SMEMBERS', pickSetKey(rng)]],
    [3, () => ['SCARD', pickSetKey(rng)]],
    [1, () => ['SPOP', pickSetKey(rng), '100000']],
    [2, () => ['SRANDMEMBER', pickSetKey(rng), String(rng.pick([0, 100000, -3, 2]))]],
    [3, () => ['SMOVE', pickSetKey(rng), pickSetKey(rng), pickMember(rng)]],
    [3, () => ['SINTER', ...keys(rng, 1, 3)]],
    [2, () => ['SINTERCARD', '2', pickSetKey(rng), pickSetKey(rng), ...(rng.bool(0.5) ? ['LIMIT', String(rng.int(0, 5))] : [])]],
    [3, () => ['SUNION', ...keys(rng, 1, 3)]],
    [3, () => ['SDIFF', ...keys(rng, 1, 3)]],
    [2, () => ['SINTERSTORE', pickSetKey(rng), ...keys(rng, 1, 3)]],
    [2, () => ['SUNIONSTORE', pickSetKey(rng), ...keys(rng, 1, 3)]],
    [2, () => ['SDIFFSTORE', pickSetKey(rng), ...keys(rng, 1, 3)]],
    [2, () => ['SSCAN', pickSetKey(rng), '0', 'COUNT', '100000', ...(rng.bool(0.5) ? ['MATCH', rng.pick(GLOB_PATTERNS)] : [])]],
    [1, () => ['OBJECT', 'ENCODING', pickSetKey(rng)]],
    [1, () => ['TYPE', pickSetKey(rng)]],
    [1, () => ['SET', 'str', 'v']],
    [1, () => ['DEL', pickSetKey(rng)]],
    [1, () => ['COPY', pickSetKey(rng), pickSetKey(rng), ...(rng.bool(0.5) ? ['REPLACE'] : [])]],
    [1, () => ['RENAME', pickSetKey(rng), pickSetKey(rng)]],
    [1, () => ['MOVE', pickSetKey(rng), '1']],
    [1, () => ['CONFIG', 'SET', 'set-max-intset-entries', String(rng.pick([0, 1, 4, 16, 512]))]],
  ])();
}
