/**
 * The differential runner: the same commands go to redis-server (the oracle) and to the candidate
 * over one connection each, and the replies are compared byte for byte.
 *
 * Normalisations, applied only when the raw bytes differ, each for a difference that is legitimate:
 * - KEYS: the order of keys is unspecified -> compared as sorted lists.
 * - SCAN with cursor 0: cursors and batching are implementation-defined -> the iteration is run to
 *   completion on each server and the sets of returned keys are compared (a barrier command).
 *   A SCAN with a non-zero cursor only has to have the same shape.
 * - TTL/PTTL/EXPIRETIME/PEXPIRETIME: the servers ran the command at slightly different moments ->
 *   equal within a tolerance (negative answers -1/-2 must be equal).
 * - RANDOMKEY: both nil or both a key; the candidate's key must exist there (checked right away).
 * - OBJECT IDLETIME / OBJECT FREQ: small tolerance.
 * - INFO: same reply type, same section headers; fields are checked by dedicated tests.
 * - DEBUG OBJECT: only refcount and encoding are compared (addresses, LRU clocks and serialized
 *   lengths are not behaviour).
 * - HELLO: the values of `server` and `id` are masked.
 * - CONFIG GET: several parameters come in dictionary order -> compared as sorted pairs.
 * - TIME: both must be two bulk strings of digits.
 * - CLIENT ID: both integers. CLIENT INFO/LIST: same field names; name/db/resp/flags values equal.
 */
import { Arg, Connection } from './connection';
import { ServerPair } from './servers';
import { Reply, RespValue, elementsOf, encodeCommand, escapeBytes, formatCommand, pairsOf, textOf, toBuffer } from './resp';

export type Cmd = Arg[];

export interface Tolerances {
  /** PTTL / PEXPIRETIME tolerance in milliseconds. */
  ms: number;
  /** TTL / EXPIRETIME tolerance in seconds. */
  s: number;
  /** OBJECT IDLETIME tolerance in seconds. */
  idle: number;
}

export const DEFAULT_TOLERANCES: Tolerances = { ms: 1500, s: 1, idle: 2 };

export interface Mismatch {
  index: number;
  command: Cmd;
  oracle: Buffer;
  candidate: Buffer;
  reason: string;
}

export interface RunOptions {
  mode: 'sequential' | 'pipelined';
  /** Commands per pipelined chunk. */
  chunk?: number;
  seed?: number;
  label?: string;
  tolerances?: Partial<Tolerances>;
  /** Stop collecting after this many mismatches. */
  maxMismatches?: number;
}

function upper(a: Arg | undefined): string {
  return a === undefined ? '' : toBuffer(a).toString('latin1').toUpperCase();
}

function asInt(v: RespValue): bigint | undefined {
  return v.type === 'integer' ? v.value : undefined;
}

function sameType(a: RespValue, b: RespValue): boolean {
  return a.type === b.type;
}

function bulkTexts(v: RespValue): string[] | undefined {
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

type Comparator = (cmd: Cmd, o: Reply, c: Reply, tol: Tolerances) => string | null;

function tolerantInteger(limit: (tol: Tolerances) => number, what: string): Comparator {
  return (_cmd, o, c, tol) => {
    const a = asInt(o.value);
    const b = asInt(c.value);
    if (a === undefined || b === undefined) return 'different reply types';
    if (a < 0n || b < 0n) return a === b ? null : `${what}: negative answers differ`;
    const d = a > b ? a - b : b - a;
    return d <= BigInt(limit(tol)) ? null : `${what} differs by ${d} (> tolerance ${limit(tol)})`;
  };
}

function sectionHeaders(text: string): string[] {
  return text.split('\r\n').filter((l) => l.startsWith('# ')).map((l) => l.slice(2));
}

/** Masks given keys' values in a HELLO reply (RESP2 flat array or RESP3 map). */
export function maskHello(v: RespValue, keys: string[] = ['server', 'id']): string {
  const pairs: Array<[string, string]> = [];
  const show = (x: RespValue): string => (x.type === 'integer' ? `:${x.value}` : x.type === 'array' || x.type === 'set' ? JSON.stringify((bulkTexts(x) ?? []).sort()) : `${x.type}:${textOf(x) ?? ''}`);
  if (v.type === 'map') {
    for (const [k, val] of v.value) pairs.push([textOf(k) ?? '?', show(val)]);
  } else if (v.type === 'array' && v.value) {
    for (let i = 0; i + 1 < v.value.length; i += 2) pairs.push([textOf(v.value[i]) ?? '?', show(v.value[i + 1])]);
  } else {
    return `${v.type}:${textOf(v) ?? ''}`;
  }
  return `${v.type}{` + pairs.map(([k, val]) => `${k}=${keys.includes(k) ? '*' : val}`).join(',') + '}';
}

/** Parses CLIENT INFO / one CLIENT LIST line into fields. */
export function clientFields(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of line.trim().split(' ')) {
    const eq = part.indexOf('=');
    if (eq > 0) m.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return m;
}

const CLIENT_COMPARED_FIELDS = ['name', 'db', 'resp', 'flags', 'sub', 'psub', 'multi', 'lib-name', 'lib-ver'];

function compareClientText(o: string, c: string): string | null {
  const ol = o.split('\n').filter((l) => l.length > 0);
  const cl = c.split('\n').filter((l) => l.length > 0);
  if (ol.length !== cl.length) return `different number of client lines (${ol.length} vs ${cl.length})`;
  for (let i = 0; i < ol.length; i++) {
    const of = clientFields(ol[i]);
    const cf = clientFields(cl[i]);
    const missing = [...of.keys()].filter((k) => !cf.has(k));
    if (missing.length > 0) return `candidate lacks client fields: ${missing.join(', ')}`;
    for (const k of CLIENT_COMPARED_FIELDS) {
      // lib-name/lib-ver are Redis 7.2 fields (CLIENT SETINFO); the 7.0 oracle has no such field.
      if (!of.has(k) && (k === 'lib-name' || k === 'lib-ver')) continue;
      if (of.get(k) !== cf.get(k)) return `client field ${k}: ${of.get(k)} vs ${cf.get(k)}`;
    }
  }
  return null;
}

function comparatorFor(cmd: Cmd): Comparator | undefined {
  const name = upper(cmd[0]);
  const sub = upper(cmd[1]);
  switch (name) {
    case 'TTL':
    case 'EXPIRETIME':
      return tolerantInteger((t) => t.s, name);
    case 'PTTL':
    case 'PEXPIRETIME':
      return tolerantInteger((t) => t.ms, name);
    case 'KEYS':
      return (_cmd, o, c) => {
        if (!sameType(o.value, c.value)) return 'different reply types';
        const a = bulkTexts(o.value);
        const b = bulkTexts(c.value);
        if (!a || !b) return 'not a list of keys';
        return JSON.stringify(a.sort()) === JSON.stringify(b.sort()) ? null : 'different sets of keys';
      };
    case 'RANDOMKEY':
      return (_cmd, o, c) => {
        const on = o.value.type === 'null' || (o.value.type === 'bulk' && o.value.value === null);
        const cn = c.value.type === 'null' || (c.value.type === 'bulk' && c.value.value === null);
        if (on !== cn) return 'one server returned nil';
        if (!on && !(o.value.type === 'bulk' && c.value.type === 'bulk')) return 'different reply types';
        return null;
      };
    case 'OBJECT':
      if (sub === 'IDLETIME') return tolerantInteger((t) => t.idle, 'OBJECT IDLETIME');
      if (sub === 'FREQ') return tolerantInteger(() => 1, 'OBJECT FREQ');
      return undefined;
    case 'INFO':
      return (_cmd, o, c) => {
        if (!sameType(o.value, c.value)) return 'different reply types';
        const a = textOf(o.value);
        const b = textOf(c.value);
        if (a === undefined || b === undefined) return 'INFO is not text';
        const ha = sectionHeaders(a).join(',');
        const hb = sectionHeaders(b).join(',');
        return ha === hb ? null : `INFO sections differ: [${ha}] vs [${hb}]`;
      };
    case 'DEBUG':
      if (sub !== 'OBJECT') return undefined;
      return (_cmd, o, c) => {
        if (!sameType(o.value, c.value)) return 'different reply types';
        if (o.value.type !== 'simple' || c.value.type !== 'simple') return 'different replies';
        const pick = (s: string): string => (s.match(/(refcount|encoding):\S+/g) ?? []).join(' ');
        if (!c.value.value.startsWith('Value at:')) return 'candidate reply does not start with "Value at:"';
        return pick(o.value.value) === pick(c.value.value) ? null : 'refcount/encoding differ';
      };
    case 'CONFIG':
      if (sub !== 'GET') return undefined;
      // Several parameters come back in the server's dictionary order: compare as sorted pairs.
      return (_cmd, o, c) => {
        if (!sameType(o.value, c.value)) return 'different reply types';
        const pairs = (v: RespValue): string | undefined => {
          const m = pairsOf(v);
          return m ? JSON.stringify([...m].map(([k, x]) => [k, textOf(x) ?? x.type]).sort()) : undefined;
        };
        const a = pairs(o.value);
        return a !== undefined && a === pairs(c.value) ? null : 'different parameters or values';
      };
    case 'HELLO':
      return (_cmd, o, c) => (maskHello(o.value) === maskHello(c.value) ? null : `HELLO differs: ${maskHello(o.value)} vs ${maskHello(c.value)}`);
    case 'TIME':
      return (_cmd, o, c) => {
        if (!sameType(o.value, c.value)) return 'different reply types';
        const b = bulkTexts(c.value);
        if (!b || b.length !== 2 || !b.every((x) => /^\d+$/.test(x))) return 'TIME is not two digit strings';
        const secs = Number(b[0]);
        if (Math.abs(secs - Date.now() / 1000) > 5) return 'TIME is far from the wall clock';
        return Number(b[1]) < 1000000 ? null : 'TIME microseconds out of range';
      };
    case 'CLIENT':
      if (sub === 'ID') return (_cmd, o, c) => (asInt(o.value) !== undefined && asInt(c.value) !== undefined ? null : 'CLIENT ID not an integer');
      if (sub === 'INFO' || sub === 'LIST') {
        return (_cmd, o, c) => {
          if (!sameType(o.value, c.value)) return 'different reply types';
          const a = textOf(o.value);
          const b = textOf(c.value);
          if (a === undefined || b === undefined) return 'different replies';
          return compareClientText(a, b);
        };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Commands that run outside a pipeline because comparing them needs more commands. */
function isBarrier(cmd: Cmd): boolean {
  const name = upper(cmd[0]);
  return name === 'SCAN' || name === 'RANDOMKEY';
}

function isNullReply(v: RespValue): boolean {
  return v.type === 'null' || (v.type === 'bulk' && v.value === null);
}

export function describeMismatch(m: Mismatch, ctx: { seed?: number; label?: string; protocol: number; mode: string; oracleName: string; candidateName: string; history?: Cmd[] }): string {
  const head = [`RESP${ctx.protocol}`, ctx.mode, ctx.label, ctx.seed !== undefined ? `seed ${ctx.seed}` : undefined, `#${m.index}`].filter((x) => x !== undefined).join(', ');
  let s = `[${head}] ${formatCommand(m.command)}\n`;
  s += `    ${ctx.oracleName.padEnd(12)} ${escapeBytes(m.oracle, 400)}\n`;
  s += `    ${ctx.candidateName.padEnd(12)} ${escapeBytes(m.candidate, 400)}\n`;
  s += `    reason: ${m.reason}\n`;
  if (ctx.history && ctx.history.length > 0) {
    s += `    preceded by: ${ctx.history.map((h) => formatCommand(h)).join(' ; ')}\n`;
  }
  return s;
}

export class DiffSession {
  readonly oracle: Connection;
  readonly candidate: Connection;
  readonly protocol: 2 | 3;
  readonly oracleName: string;
  readonly candidateName: string;
  /** Mismatches found while opening (the HELLO reply). */
  readonly openMismatches: string[] = [];

  private constructor(oracle: Connection, candidate: Connection, protocol: 2 | 3, oracleName: string, candidateName: string) {
    this.oracle = oracle;
    this.candidate = candidate;
    this.protocol = protocol;
    this.oracleName = oracleName;
    this.candidateName = candidateName;
  }

  /** Connects to both servers; for RESP3 sends HELLO 3 first and compares its reply (masked). */
  static async open(pair: ServerPair, protocol: 2 | 3): Promise<DiffSession> {
    const o = await pair.oracle.connect();
    const c = await pair.candidate.connect();
    const s = new DiffSession(o, c, protocol, pair.oracle.name, pair.candidate.name);
    if (protocol === 3) {
      const [ro, rc] = await Promise.all([o.call(['HELLO', '3']), c.call(['HELLO', '3'])]);
      if (maskHello(ro.value) !== maskHello(rc.value)) {
        s.openMismatches.push(`HELLO 3 differs:\n    ${s.oracleName}: ${maskHello(ro.value)}\n    ${s.candidateName}: ${maskHello(rc.value)}`);
      }
    }
    return s;
  }

  close(): void {
    this.oracle.close();
    this.candidate.close();
  }

  /** Sends one command to both and returns both replies. */
  async both(cmd: Cmd, timeoutMs = 10000): Promise<[Reply, Reply]> {
    const [a, b] = await Promise.all([this.oracle.call(cmd, timeoutMs), this.candidate.call(cmd, timeoutMs)]);
    return [a, b];
  }

  private compare(cmd: Cmd, o: Reply, c: Reply, tol: Tolerances): string | null {
    if (o.raw.equals(c.raw)) return null;
    const cmp = comparatorFor(cmd);
    if (!cmp) return 'bytes differ';
    return cmp(cmd, o, c, tol);
  }

  /** Runs a barrier command (SCAN from cursor 0, RANDOMKEY) and compares it on its own. */
  private async runBarrier(cmd: Cmd, tol: Tolerances): Promise<{ o: Reply; c: Reply; reason: string | null }> {
    const name = upper(cmd[0]);
    const [o, c] = await this.both(cmd);
    if (name === 'RANDOMKEY') {
      const reason = this.compare(cmd, o, c, tol);
      if (reason === null && c.value.type === 'bulk' && c.value.value !== null) {
        // Membership through KEYS with the key as an escaped glob: unlike EXISTS it does not
        // touch the key, so OBJECT IDLETIME stays comparable with the oracle.
        const key = c.value.value;
        const escaped: number[] = [];
        for (const byte of key) {
          if (byte === 0x2a || byte === 0x3f || byte === 0x5b || byte === 0x5d || byte === 0x5c) escaped.push(0x5c);
          escaped.push(byte);
        }
        const found = await this.candidate.call(['KEYS', Buffer.from(escaped)]);
        const list = elementsOf(found.value) ?? [];
        if (!(list.length === 1 && list[0].type === 'bulk' && list[0].value !== null && list[0].value.equals(key))) {
          return { o, c, reason: `RANDOMKEY returned ${escapeBytes(c.value.value)}, which does not exist` };
        }
      }
      return { o, c, reason };
    }
    // SCAN
    const shape = (r: Reply): { cursor: string; keys: string[] } | undefined => {
      const els = elementsOf(r.value);
      if (!els || els.length !== 2) return undefined;
      const cursor = textOf(els[0]);
      const keys = bulkTexts(els[1]);
      if (cursor === undefined || !/^\d+$/.test(cursor) || keys === undefined || els[0].type !== 'bulk') return undefined;
      return { cursor, keys };
    };
    const so = shape(o);
    const sc = shape(c);
    if (!so || !sc) return { o, c, reason: o.raw.equals(c.raw) ? null : 'SCAN replies differ (not both well-formed)' };
    if (toBuffer(cmd[1] ?? '').toString('latin1') !== '0') return { o, c, reason: null };
    const iterate = async (conn: Connection, first: { cursor: string; keys: string[] }): Promise<string[] | string> => {
      const keys = new Set(first.keys);
      let cursor = first.cursor;
      for (let i = 0; cursor !== '0'; i++) {
        if (i > 100000) return 'SCAN did not finish within 100000 calls';
        const r = await conn.call(['SCAN', cursor, ...cmd.slice(2)]);
        const s = shape(r);
        if (!s) return `malformed SCAN reply ${escapeBytes(r.raw)}`;
        s.keys.forEach((k) => keys.add(k));
        cursor = s.cursor;
      }
      return [...keys].sort();
    };
    const [ko, kc] = await Promise.all([iterate(this.oracle, so), iterate(this.candidate, sc)]);
    if (typeof kc === 'string') return { o, c, reason: kc };
    if (typeof ko === 'string') return { o, c, reason: `oracle: ${ko}` };
    const reason = JSON.stringify(ko) === JSON.stringify(kc) ? null : `full SCAN iteration returned different keys: ${JSON.stringify(ko)} vs ${JSON.stringify(kc)}`;
    return { o, c, reason };
  }

  /** Runs `cmds` on both servers and returns the mismatches. */
  async run(cmds: Cmd[], opts: RunOptions): Promise<Mismatch[]> {
    const tol: Tolerances = { ...DEFAULT_TOLERANCES, ...(opts.tolerances ?? {}) };
    const max = opts.maxMismatches ?? 20;
    const chunk = opts.mode === 'sequential' ? 1 : Math.max(1, opts.chunk ?? 64);
    const out: Mismatch[] = [];
    let i = 0;
    while (i < cmds.length && out.length < max) {
      if (isBarrier(cmds[i])) {
        const { o, c, reason } = await this.runBarrier(cmds[i], tol);
        if (reason !== null) out.push({ index: i, command: cmds[i], oracle: o.raw, candidate: c.raw, reason });
        i++;
        continue;
      }
      let end = i;
      while (end < cmds.length && end - i < chunk && !isBarrier(cmds[end])) end++;
      const batch = cmds.slice(i, end);
      const bytes = Buffer.concat(batch.map((c) => encodeCommand(c)));
      this.oracle.write(bytes);
      this.candidate.write(bytes);
      const timeout = 10000 + batch.length * 20;
      const [ro, rc] = await Promise.all([
        this.oracle.readN(batch.length, timeout).catch((e: Error) => e),
        this.candidate.readN(batch.length, timeout).catch((e: Error) => e),
      ]);
      if (ro instanceof Error) throw new Error(`oracle failed on batch starting at #${i} (${formatCommand(batch[0])}): ${ro.message}`);
      if (rc instanceof Error) {
        out.push({ index: i, command: batch[0], oracle: Buffer.alloc(0), candidate: Buffer.alloc(0), reason: `candidate failed to answer the batch #${i}..#${end - 1}: ${rc.message}` });
        break;
      }
      for (let k = 0; k < batch.length; k++) {
        const reason = this.compare(batch[k], ro[k], rc[k], tol);
        if (reason !== null) {
          out.push({ index: i + k, command: batch[k], oracle: ro[k].raw, candidate: rc[k].raw, reason });
          if (out.length >= max) break;
        }
      }
      i = end;
    }
    return out;
  }

  /** Runs `cmds` and throws a readable report if anything differs. */
  async check(cmds: Cmd[], opts: RunOptions): Promise<void> {
    const mismatches = await this.run(cmds, opts);
    if (this.openMismatches.length > 0 || mismatches.length > 0) {
      throw new Error(this.report(mismatches, cmds, opts));
    }
  }

  report(mismatches: Mismatch[], cmds: Cmd[], opts: RunOptions): string {
    const lines: string[] = [...this.openMismatches];
    for (const m of mismatches) {
      lines.push(describeMismatch(m, {
        seed: opts.seed,
        label: opts.label,
        protocol: this.protocol,
        mode: opts.mode,
        oracleName: this.oracleName,
        candidateName: this.candidateName,
        history: cmds.slice(Math.max(0, m.index - 3), m.index),
      }));
    }
    const seedHint = opts.seed !== undefined ? ` (reproduce with RP_SEED=${opts.seed})` : '';
    return `${mismatches.length + this.openMismatches.length} mismatch(es)${seedHint}:\n` + lines.join('\n');
  }

  /**
   * Compares the whole visible state of the given databases: the key sets and, per key, TYPE,
   * the value (GET for strings), OBJECT ENCODING and PTTL (within tolerance).
   */
  async compareState(dbs: number[], opts: { seed?: number; label?: string } = {}): Promise<string[]> {
    const problems: string[] = [];
    for (const db of dbs) {
      await this.both(['SELECT', db]);
      const [ko, kc] = await this.both(['KEYS', '*']);
      const a = (bulkTexts(ko.value) ?? []).sort();
      const b = (bulkTexts(kc.value) ?? []).sort();
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        problems.push(`db ${db}: different keys: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        continue;
      }
      const cmds: Cmd[] = [];
      for (const k of a) {
        const key = Buffer.from(k, 'latin1');
        cmds.push(['TYPE', key], ['GET', key], ['OBJECT', 'ENCODING', key], ['PTTL', key], ['STRLEN', key]);
      }
      const ms = await this.run(cmds, { mode: 'pipelined', chunk: 200, ...opts, label: `state of db ${db}` });
      for (const m of ms) problems.push(describeMismatch(m, { ...opts, protocol: this.protocol, mode: 'state', oracleName: this.oracleName, candidateName: this.candidateName }));
    }
    await this.both(['SELECT', 0]);
    return problems;
  }
}

export { isNullReply };
