/**
 * rustypotato-check-aof against Redis 7.0's redis-check-aof (the oracle), on copies of the same
 * files: valid files, files cut at every offset, files with corrupted bytes, MULTI blocks without
 * EXEC, nested MULTI / stray EXEC, `#TS:` annotations with --truncate-to-timestamp, the parser's
 * quirks (header lines parsed like strtol, lines longer than its fgets buffers, NUL bytes), and the
 * AOF a running RustyPotato server writes. Compared: the whole printed output (the redis prompt
 * "Continue? [y/N]: " removed), the exit code, and the file's bytes after --fix / truncation.
 *
 * Our checker runs in-process (with small random read chunks, so records straddle chunk borders)
 * for the many generated cases, and as the CLI for the exit codes, the TTY question and big files.
 * Random cases are seeded; RP_SEED=<n> changes the seed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkAofFile, parseTimestampArg, type CheckOptions } from '../ts/tools/aof-check';
import { Rng } from './support/random';
import { reportError } from './support/harness';
import { repoRoot, serverScript, freePort, sleep } from './support/servers';
import { Connection } from './support/connection';

const cliScript = path.join(repoRoot, 'dist', 'ts', 'bin', 'check-aof.js');
const oracleAvailable = spawnSync('redis-check-aof', [], { stdio: 'ignore' }).status === 1;
const seed = Number(process.env.RP_SEED ?? 20240611);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-check-aof-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------- generating AOF files

type Arg = string | Buffer;

function resp(args: Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * A value for generated commands. Never contains "file" (redis-check-aof takes any file with a line
 * starting with "file" for a manifest) and never starts a file with "REDIS" (an RDB preamble).
 */
function value(rng: Rng): Buffer {
  const kind = rng.int(0, 9);
  if (kind === 0) return Buffer.alloc(0);
  if (kind === 1) return Buffer.from('a\r\nb\r\n*3\r\n$1\r\n'); // framing characters inside data
  if (kind === 2) return Buffer.from([0, 0x0d, 0x0a, 0xff, 0x80, 0x00, 0x24]);
  if (kind === 3) return Buffer.from('x'.repeat(rng.int(100, 3000)));
  if (kind === 4) return Buffer.from(String(rng.int(-1000, 1000)));
  if (kind === 5) return Buffer.from('MULTI');
  if (kind === 6) return Buffer.from('exec');
  return Buffer.from(rng.word(rng.int(1, 12)));
}

interface GenOptions {
  commands: number;
  /** Probability of a MULTI ... EXEC block instead of a single command. */
  multi?: number;
  /** Write `#TS:<t>` annotations, t increasing from this value. */
  timestamps?: number;
  /** Probability of another kind of annotation line ("#note"). */
  notes?: number;
}

function generateAof(rng: Rng, opts: GenOptions): { bytes: Buffer; timestamps: number[] } {
  const parts: Buffer[] = [];
  const timestamps: number[] = [];
  let ts = opts.timestamps ?? 0;
  let db = -1;
  const one = (): Buffer[] => {
    const out: Buffer[] = [];
    const want = rng.int(0, 3);
    if (want !== db && rng.bool(0.2)) {
      db = want;
      out.push(resp(['SELECT', String(db)]));
    }
    const key = `k:${rng.int(0, 50)}`;
    const cmd = rng.pick<() => Arg[]>([
      () => ['SET', key, value(rng)],
      () => ['set', key, value(rng), 'PXAT', String(1700000000000 + rng.int(0, 1e6))],
      () => ['RPUSH', key, value(rng), value(rng)],
      () => ['HSET', key, 'f', value(rng)],
      () => ['SADD', key, value(rng)],
      () => ['ZADD', key, String(rng.int(-5, 5)), value(rng)],
      () => ['DEL', key],
      () => ['INCRBYFLOAT', key, '1.5'],
      () => ['PEXPIREAT', key, String(1700000000000 + rng.int(0, 1e6))],
    ])();
    out.push(resp(cmd));
    return out;
  };
  for (let i = 0; i < opts.commands; i++) {
    if (opts.timestamps !== undefined && rng.bool(0.15)) {
      ts += rng.int(0, 3);
      timestamps.push(ts);
      parts.push(Buffer.from(`#TS:${ts}\r\n`));
    }
    if (opts.notes && rng.bool(opts.notes)) parts.push(Buffer.from(`#note ${rng.word(5)}\r\n`));
    if (opts.multi && rng.bool(opts.multi)) {
      parts.push(resp([rng.pick(['MULTI', 'multi', 'Multi'])]));
      for (let j = rng.int(0, 3); j > 0; j--) parts.push(...one());
      parts.push(resp([rng.pick(['EXEC', 'exec'])]));
    } else {
      parts.push(...one());
    }
  }
  return { bytes: Buffer.concat(parts), timestamps };
}

// ---------------------------------------------------------------- running both checkers

interface Outcome {
  code: number;
  out: string;
  /** The file after the run. */
  bytes: Buffer;
}

let fileCounter = 0;

/** Runs redis-check-aof on a copy of `bytes` (answering "y" to its question). */
function runOracle(bytes: Buffer, args: string[]): Promise<Outcome> {
  const dir = path.join(work, `o${fileCounter++}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'x.aof'), bytes);
  return new Promise((resolve, reject) => {
    const child = spawn('redis-check-aof', [...args, 'x.aof'], { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const result: Outcome = {
        code: code ?? -1,
        out: Buffer.concat(out).toString('latin1').replace('Continue? [y/N]: ', ''),
        bytes: fs.readFileSync(path.join(dir, 'x.aof')),
      };
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
    child.stdin.on('error', () => undefined); // it may exit without reading its answer (EPIPE)
    child.stdin.end('y\n');
  });
}

/** Runs our checker in-process on a copy of `bytes`, reading it in chunks of a random size. */
function runOurs(bytes: Buffer, args: string[], rng: Rng): Outcome {
  const dir = path.join(work, `c${fileCounter++}`);
  fs.mkdirSync(dir);
  try {
    const file = path.join(dir, 'x.aof');
    fs.writeFileSync(file, bytes);
    const chunks: Buffer[] = [];
    const tIndex = args.indexOf('--truncate-to-timestamp');
    const opts: CheckOptions = {
      fix: args.includes('--fix'),
      truncateToTimestamp: tIndex >= 0 ? (parseTimestampArg(args[tIndex + 1]) ?? 0n) : 0,
      write: (t) => chunks.push(typeof t === 'string' ? Buffer.from(t) : t, Buffer.from('\n')),
      chunkSize: rng.int(1, 6000),
    };
    const res = checkAofFile(file, opts);
    return {
      code: res.exitCode,
      out: Buffer.concat(chunks).toString('latin1').split(file).join('x.aof'),
      bytes: fs.readFileSync(file),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function show(b: Buffer, max = 160): string {
  const s = JSON.stringify(b.subarray(0, max).toString('latin1'));
  return b.length > max ? `${s}... (${b.length} bytes)` : s;
}

/**
 * "Expected \\r\\n, got: 00xx" where 00 is the end of the bytes read: redis-check-aof prints the
 * stale byte that follows in its stack buffer (undefined data); only the first byte is compared.
 */
function maskStale(out: string): string {
  return out.replace(/got: 00[0-9a-f]{2}\n/, 'got: 00??\n');
}

/**
 * Compares both checkers on each queued case (a few redis-check-aof processes at a time); done()
 * throws one report listing the first mismatches.
 */
class Comparison {
  private problems: string[] = [];
  private queue: Array<() => Promise<void>> = [];
  count = 0;
  readonly verdicts: Record<string, number> = {};

  check(label: string, bytes: Buffer, args: string[], rng: Rng): void {
    const ours = runOurs(bytes, args, rng);
    this.queue.push(async () => {
      const oracle = await runOracle(bytes, args);
      this.count++;
      const verdict = /is valid|is empty/.test(oracle.out) ? 'valid' : /Successfully truncated/.test(oracle.out) ? 'truncated' : 'invalid';
      this.verdicts[verdict] = (this.verdicts[verdict] ?? 0) + 1;
      const diffs: string[] = [];
      if (oracle.code !== ours.code) diffs.push(`exit code: redis-check-aof ${oracle.code}, ours ${ours.code}`);
      if (maskStale(oracle.out) !== maskStale(ours.out)) diffs.push(`output:\n    redis-check-aof: ${JSON.stringify(oracle.out)}\n    ours:            ${JSON.stringify(ours.out)}`);
      if (!oracle.bytes.equals(ours.bytes)) diffs.push(`file after the run: redis-check-aof ${oracle.bytes.length} bytes, ours ${ours.bytes.length} bytes`);
      if (diffs.length > 0 && this.problems.length < 8) {
        this.problems.push(`${label} [${args.join(' ')}] file ${show(bytes)}:\n  ${diffs.join('\n  ')}`);
      }
    });
  }

  async done(): Promise<void> {
    const queue = this.queue;
    this.queue = [];
    const worker = async (): Promise<void> => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    };
    await Promise.all([worker(), worker(), worker()]);
    if (this.problems.length > 0) throw reportError(`${this.problems.length}+ mismatches in ${this.count} cases (seed ${seed}):\n${this.problems.join('\n')}`);
  }
}

function skipWithoutOracle(): boolean {
  if (!oracleAvailable) console.log('  (redis-check-aof is not installed: skipped)');
  return !oracleAvailable;
}

// ---------------------------------------------------------------- cases

test('valid files: same output (AOF analyzed ... ok_up_to_line, is valid) and exit code 0', async () => {
  if (skipWithoutOracle()) return;
  const cmp = new Comparison();
  const rng = new Rng(seed);
  for (let i = 0; i < 30; i++) {
    const { bytes } = generateAof(rng, { commands: rng.int(1, 60), multi: 0.2, notes: 0.05, timestamps: rng.bool() ? 1700000000 : undefined });
    cmp.check(`valid #${i}`, bytes, [], rng);
    cmp.check(`valid #${i} --fix`, bytes, ['--fix'], rng);
  }
  cmp.check('empty file', Buffer.alloc(0), [], rng);
  cmp.check('empty file --fix', Buffer.alloc(0), ['--fix'], rng);
  await cmp.done();
  assert.is(cmp.verdicts.invalid ?? 0, 0);
});

test('a file cut at every offset: same verdict, ok_up_to, error text, and --fix result', async () => {
  if (skipWithoutOracle()) return;
  const cmp = new Comparison();
  const rng = new Rng(seed + 1);
  const { bytes } = generateAof(rng, { commands: 10, multi: 0.3, notes: 0.1, timestamps: 1700000000 });
  for (let cut = 0; cut <= bytes.length; cut++) {
    const part = bytes.subarray(0, cut);
    cmp.check(`cut at ${cut}/${bytes.length}`, part, [], rng);
    if (cut % 4 === 0) cmp.check(`cut at ${cut}/${bytes.length}`, part, ['--fix'], rng);
  }
  await cmp.done();
  assert.ok((cmp.verdicts.invalid ?? 0) > 0 && (cmp.verdicts.truncated ?? 0) > 0, JSON.stringify(cmp.verdicts));
});

test('corrupted bytes (replaced, inserted, deleted): same verdict, offsets, errors and --fix result', async () => {
  if (skipWithoutOracle()) return;
  const cmp = new Comparison();
  const rng = new Rng(seed + 2);
  const special = [0x0d, 0x0a, 0x2a, 0x24, 0x23, 0x30, 0x31, 0x39, 0x2d, 0x2b, 0x20, 0x00, 0xff, 0x80, 0x78];
  for (let i = 0; i < 160; i++) {
    const { bytes } = generateAof(rng, { commands: rng.int(1, 20), multi: 0.2, notes: 0.05 });
    let b = Buffer.from(bytes);
    for (let m = rng.int(1, 3); m > 0; m--) {
      const at = rng.int(0, Math.max(0, b.length - 1));
      const byte = rng.bool(0.7) ? rng.pick(special) : rng.int(0, 255);
      const op = rng.int(0, 2);
      if (op === 0 && b.length > 0) b[at] = byte;
      else if (op === 1) b = Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at)]);
      else b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    }
    // A corrupted file that starts with the manifest's "file" or an RDB "REDIS" is another format.
    if (/^(file|REDIS)/.test(b.toString('latin1')) || b.includes('file')) continue;
    cmp.check(`corruption #${i}`, b, [], rng);
    if (i % 2 === 0) cmp.check(`corruption #${i}`, b, ['--fix'], rng);
  }
  await cmp.done();
  assert.ok((cmp.verdicts.invalid ?? 0) > 40, JSON.stringify(cmp.verdicts));
});

test('MULTI without EXEC, nested MULTI, EXEC without MULTI', async () => {
  if (skipWithoutOracle()) return;
  const cmp = new Comparison();
  const rng = new Rng(seed + 3);
  const set = (k: string): Buffer => resp(['SET', k, 'v']);
  const cases: Array<[string, Buffer]> = [
    ['MULTI at the end', Buffer.concat([set('a'), resp(['MULTI'])])],
    ['MULTI + commands, no EXEC', Buffer.concat([set('a'), resp(['MULTI']), set('b'), set('c')])],
    ['MULTI + commands + cut EXEC', Buffer.concat([set('a'), resp(['MULTI']), set('b'), resp(['EXEC']).subarray(0, 9)])],
    ['only MULTI', resp(['multi'])],
    ['complete block', Buffer.concat([resp(['MULTI']), set('b'), resp(['EXEC']), set('c')])],
    ['nested MULTI', Buffer.concat([set('a'), resp(['MULTI']), set('b'), resp(['MULTI']), set('c'), resp(['EXEC'])])],
    ['EXEC without MULTI', Buffer.concat([set('a'), resp(['EXEC']), set('b')])],
    ['EXEC with args', Buffer.concat([resp(['MULTI']), resp(['EXEC', 'x'])])],
    ['MULTI followed by garbage', Buffer.concat([set('a'), resp(['MULTI']), set('b'), Buffer.from('garbage\r\n')])],
    ['MULTI, annotation, no EXEC', Buffer.concat([set('a'), resp(['MULTI']), Buffer.from('#TS:5\r\n'), set('b')])],
    ['MULTI with NUL after the word', Buffer.concat([set('a'), resp([Buffer.from('MULTI\0x')]), set('b')])],
    ['MULTIX is no MULTI', Buffer.concat([set('a'), resp(['MULTIX']), set('b')])],
    ['two blocks, second open', Buffer.concat([resp(['MULTI']), set('a'), resp(['EXEC']), resp(['MULTI']), set('b')])],
  ];
  for (const [label, bytes] of cases) {
    cmp.check(label, bytes, [], rng);
    cmp.check(label, bytes, ['--fix'], rng);
  }
  await cmp.done();
});

test('parser quirks: header lines as strtol, long lines, odd lengths, annotations, NUL bytes', async () => {
  if (skipWithoutOracle()) return;
  const cmp = new Comparison();
  const rng = new Rng(seed + 4);
  const set = resp(['SET', 'a', 'b']);
  const raw = (s: string): Buffer => Buffer.from(s, 'latin1');
  const cases: Array<[string, Buffer]> = [
    ['*0', raw('*0\r\n')],
    ['*-1', Buffer.concat([raw('*-1\r\n'), set])],
    ['* 3 with space', raw('* 3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n')],
    ['*+3', raw('*+3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n')],
    ['*\\r\\n (no number)', Buffer.concat([raw('*\r\n'), set])],
    ['*3x', raw('*3x\r\n')],
    ['*3\\n only', raw('*3\n$3\r\nSET\r\n')],
    ['$-1', raw('*1\r\n$-1\r\n')],
    ['$ huge', raw('*1\r\n$9223372036854775807\r\n')],
    ['$ overflow', raw('*1\r\n$99999999999999999999999\r\n')],
    ['$ large', raw('*1\r\n$100000000\r\nabc\r\n')],
    ['$ with +', raw('*1\r\n$+3\r\nabc\r\n')],
    ['length too short', raw('*1\r\n$2\r\nabc\r\n')],
    ['length too long', Buffer.concat([raw('*1\r\n$4\r\nabc\r\n'), set])],
    ['wrong prefix', raw('*1\r\n:3\r\nabc\r\n')],
    ['NUL prefix', raw('*1\r\n\0\r\nabc\r\n')],
    ['high-byte prefix', raw('*1\r\n\xff3\r\nabc\r\n')],
    ['bad terminator with high byte', raw('*1\r\n$3\r\nabc\xff\xfe')],
    ['header longer than 127 bytes', raw(`*1\r\n$${'0'.repeat(150)}3\r\nabc\r\n`)],
    ['header of exactly 127 bytes', raw(`*1\r\n$${'0'.repeat(122)}3\r\nabc\r\n`)],
    ['header of 126 bytes', raw(`*1\r\n$${'0'.repeat(121)}3\r\nabc\r\n`)],
    ['garbage first', raw('hello\r\n')],
    ['garbage after commands', Buffer.concat([set, raw('+OK\r\n'), set])],
    ['blank line', Buffer.concat([set, raw('\r\n'), set])],
    ['annotation', Buffer.concat([raw('#hello\r\n'), set, raw('#TS:1\r\n'), set])],
    ['annotation without newline at the end', Buffer.concat([set, raw('#TS:12')])],
    ['annotation with \\n only', Buffer.concat([set, raw('#x\n'), set])],
    ['annotation longer than 1023 bytes', Buffer.concat([set, raw(`#${'y'.repeat(1100)}\r\n`), set])],
    ['annotation of 1023 bytes + CRLF', Buffer.concat([set, raw(`#${'y'.repeat(1020)}\r\n`), set])],
    ['annotation whose tail starts a command', Buffer.concat([set, raw(`#${'y'.repeat(1022)}`), set])],
    ['NUL bytes in values', resp(['SET', Buffer.from([0, 0, 0]), Buffer.from([0x0d, 0, 0x0a])])],
    ['only a star', raw('*')],
    ['star and CR', raw('*1\r')],
  ];
  for (const [label, bytes] of cases) {
    cmp.check(label, bytes, [], rng);
    cmp.check(label, bytes, ['--fix'], rng);
  }
  await cmp.done();
});

test('--truncate-to-timestamp: cut at the first #TS later than T, like redis-check-aof', async () => {
  if (skipWithoutOracle()) return;
  const cmp = new Comparison();
  const rng = new Rng(seed + 5);
  for (let i = 0; i < 10; i++) {
    const start = 1700000000;
    const { bytes, timestamps } = generateAof(rng, { commands: rng.int(5, 40), multi: 0.2, timestamps: start });
    const ts = [start - 1, start, ...timestamps, ...timestamps.map((t) => t - 1), (timestamps.at(-1) ?? start) + 1];
    for (const t of [...new Set(ts)].slice(0, 12)) {
      cmp.check(`timestamps ${timestamps.join(',')}`, bytes, ['--truncate-to-timestamp', String(t)], rng);
    }
    // With a cut tail too: the timestamp cut happens before the end, or the file stays invalid.
    const cut = bytes.subarray(0, rng.int(1, bytes.length));
    cmp.check(`cut timestamps ${timestamps.join(',')}`, cut, ['--truncate-to-timestamp', String(rng.pick(ts))], rng);
  }
  const raw = (s: string): Buffer => Buffer.from(s, 'latin1');
  const set = resp(['SET', 'a', 'b']);
  const special: Array<[string, Buffer, string]> = [
    ['#TS first and later than T', Buffer.concat([raw('#TS:100\r\n'), set]), '50'],
    ['#TS without digits', Buffer.concat([set, raw('#TS:\r\n'), set]), '50'],
    ['#TS with letters', Buffer.concat([set, raw('#TS:12ab\r\n'), set]), '50'],
    ['#TS with \\n only', Buffer.concat([set, raw('#TS:100\n'), set]), '50'],
    ['#TS with a space', Buffer.concat([set, raw('#TS: 100\r\n'), set]), '50'],
    ['#TS inside MULTI', Buffer.concat([set, resp(['MULTI']), raw('#TS:100\r\n'), set, resp(['EXEC'])]), '50'],
    ['no #TS', Buffer.concat([set, set]), '50'],
    ['T = 0 (off)', Buffer.concat([set, raw('#TS:100\r\n'), set]), '0'],
    ['negative T', Buffer.concat([set, raw('#TS:100\r\n'), set]), '-5'],
    ['other annotation', Buffer.concat([set, raw('#XS:100\r\n'), set]), '50'],
  ];
  for (const [label, bytes, t] of special) cmp.check(label, bytes, ['--truncate-to-timestamp', t], rng);
  await cmp.done();
});

// ---------------------------------------------------------------- the CLI

function cli(args: string[], opts: { input?: string; cwd?: string } = {}): { code: number; out: string } {
  const r = spawnSync(process.execPath, [cliScript, ...args], { cwd: opts.cwd ?? work, input: opts.input ?? '', timeout: 60000 });
  return { code: r.status ?? -1, out: r.stdout.toString('latin1') + r.stderr.toString('latin1') };
}

function redisCli(args: string[], opts: { input?: string; cwd?: string } = {}): { code: number; out: string } {
  const r = spawnSync('redis-check-aof', args, { cwd: opts.cwd ?? work, input: opts.input ?? '', timeout: 60000 });
  return { code: r.status ?? -1, out: r.stdout.toString('latin1') };
}

test('CLI: exit codes and output as redis-check-aof; usage errors; a missing file', () => {
  if (skipWithoutOracle()) return;
  const set = resp(['SET', 'a', 'b']);
  fs.writeFileSync(path.join(work, 'ok.aof'), Buffer.concat([set, set]));
  fs.writeFileSync(path.join(work, 'bad.aof'), Buffer.concat([set, set.subarray(0, 10)]));
  fs.writeFileSync(path.join(work, 'empty.aof'), '');
  fs.writeFileSync(path.join(work, 'ts.aof'), Buffer.concat([set, Buffer.from('#TS:100\r\n'), set]));
  for (const args of [['ok.aof'], ['bad.aof'], ['empty.aof'], ['missing.aof'], ['--truncate-to-timestamp', '200', 'ts.aof'], ['--truncate-to-timestamp', '1x', 'ts.aof']]) {
    const ours = cli(args);
    const theirs = redisCli(args);
    assert.is(ours.code, theirs.code, `exit code for ${args.join(' ')}`);
    assert.is(ours.out, theirs.out, `output for ${args.join(' ')}`);
  }
  for (const args of [[], ['--fix'], ['a.aof', 'b.aof'], ['--truncate-to-timestamp']]) {
    const r = cli(args);
    assert.is(r.code, 1, `exit code for [${args.join(' ')}]`);
    assert.match(r.out, /^Usage: rustypotato-check-aof \[--fix\] \[--truncate-to-timestamp <unix-seconds>\] <file\.aof>/);
  }
  // Both options at once (redis-check-aof accepts only one): the timestamp cut, then the check.
  fs.writeFileSync(path.join(work, 'both.aof'), Buffer.concat([set, Buffer.from('#TS:100\r\n'), set]));
  const both = cli(['--fix', '--truncate-to-timestamp', '50', 'both.aof']);
  assert.is(both.code, 0, both.out);
  assert.is(fs.readFileSync(path.join(work, 'both.aof')).length, set.length);
});

test('CLI --fix: no question when stdin is not a terminal; "Continue? [y/N]" on a terminal', () => {
  const set = resp(['SET', 'a', 'b']);
  const bad = Buffer.concat([set, resp(['MULTI']), set]);
  const file = path.join(work, 'fix.aof');
  fs.writeFileSync(file, bad);
  const piped = cli(['--fix', 'fix.aof']);
  assert.is(piped.code, 0, piped.out);
  assert.not.match(piped.out, /Continue\?/);
  assert.ok(piped.out.includes(`This will shrink the AOF fix.aof from ${bad.length} bytes, with ${bad.length - set.length} bytes, to ${set.length} bytes`), piped.out);
  assert.match(piped.out, /Successfully truncated AOF fix\.aof/);
  assert.ok(fs.readFileSync(file).equals(set), 'cut after the last command before MULTI');

  // A terminal through script(1): "n" keeps the file, "y" cuts it.
  if (spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.log('  (script(1) is not installed: terminal part skipped)');
    return;
  }
  for (const [answer, code, size] of [['n', 1, bad.length], ['y', 0, set.length]] as const) {
    fs.writeFileSync(file, bad);
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliScript)} --fix fix.aof`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: work, input: `${answer}\n`, timeout: 30000 });
    const out = r.stdout.toString('latin1');
    assert.match(out, /Continue\? \[y\/N\]: /, out);
    assert.is(r.status, code, out);
    if (answer === 'n') assert.match(out, /Aborting\.\.\./);
    assert.is(fs.readFileSync(file).length, size, `file size after answering ${answer}`);
  }
});

test('CLI streams big files: 200 MB with a 32 MB value, bounded memory, same result as redis-check-aof', () => {
  const file = path.join(work, 'big.aof');
  const fd = fs.openSync(file, 'w');
  try {
    const rng = new Rng(seed + 6);
    const block = generateAof(rng, { commands: 2000, multi: 0.1, timestamps: 1700000000 }).bytes;
    let size = 0;
    let wroteHuge = false;
    while (size < 200 << 20) {
      if (!wroteHuge && size > 100 << 20) {
        const huge = resp(['SET', 'huge', Buffer.alloc(32 << 20, 0x61)]);
        fs.writeSync(fd, huge);
        size += huge.length;
        wroteHuge = true;
      }
      fs.writeSync(fd, block);
      size += block.length;
    }
    fs.writeSync(fd, Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$5\r\nab')); // cut last record
  } finally {
    fs.closeSync(fd);
  }
  // Our checker in a child that reports its peak RSS (VmHWM: getrusage's maxRSS of a child keeps
  // the peak of the parent it was forked from).
  const probe = `const {checkAofFile}=require(${JSON.stringify(path.join(repoRoot, 'dist', 'ts', 'tools', 'aof-check.js'))});
    const lines=[];const r=checkAofFile(${JSON.stringify(file)},{fix:false,truncateToTimestamp:0,write:(t)=>lines.push(String(t))});
    const hwm=/VmHWM:\\s+(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/status','utf8'));
    console.log(JSON.stringify({lines,maxRssKb:hwm?Number(hwm[1]):process.resourceUsage().maxRSS,code:r.exitCode}));`;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 300000 });
  const ms = Date.now() - started;
  assert.is(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout) as { lines: string[]; maxRssKb: number; code: number };
  const mb = fs.statSync(file).size / (1 << 20);
  console.log(`  ${mb.toFixed(0)} MB checked in ${ms} ms (${(mb / (ms / 1000)).toFixed(0)} MB/s), peak RSS ${(res.maxRssKb / 1024).toFixed(0)} MB`);
  assert.ok(res.maxRssKb < 100 * 1024, `peak RSS ${res.maxRssKb} kB`);
  assert.is(res.code, 1);
  if (!oracleAvailable) return;
  const theirs = redisCli([file]);
  assert.is(res.lines.join('\n') + '\n', theirs.out);
  fs.rmSync(file);
});

// ---------------------------------------------------------------- a real server's AOF

async function startServer(aofPath: string): Promise<{ port: number; proc: ReturnType<typeof spawn>; out: () => string; exit: Promise<number | null> }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [serverScript, '--port', String(port), '--bind', '127.0.0.1', '--aof-path', aofPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUSTYPOTATO_AOF_FSYNC: 'always' },
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  process.on('exit', () => proc.kill('SIGKILL'));
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      const c = await Connection.connect(port, { timeoutMs: 500 });
      c.close();
      break;
    } catch {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`server did not start: ${out}`);
      await sleep(50);
    }
  }
  return { port, proc, out: () => out, exit };
}

/** Commands of every type, in several databases, with expiries (the server has no MULTI yet). */
const SERVER_SCRIPT: Arg[][] = [
  ['SET', 'str', 'hello'], ['APPEND', 'str', ' world'], ['SET', 'bin', Buffer.from([0, 13, 10, 255])],
  ['SET', 'n', '10'], ['INCR', 'n'], ['INCRBY', 'n', '5'], ['DECR', 'n'], ['INCRBYFLOAT', 'f', '1.25'],
  ['SETEX', 'ttl1', '1000', 'v'], ['SET', 'ttl2', 'v', 'PX', '500000'], ['EXPIRE', 'str', '3000'], ['PERSIST', 'str'],
  ['MSET', 'm1', 'a', 'm2', 'b'], ['SETNX', 'm3', 'c'], ['GETSET', 'm1', 'z'], ['SETRANGE', 'm2', '3', 'xyz'],
  ['RPUSH', 'list', 'a', 'b', 'c', 'd'], ['LPUSH', 'list', 'z'], ['LPOP', 'list'], ['RPOP', 'list'],
  ['LSET', 'list', '0', 'A'], ['LINSERT', 'list', 'BEFORE', 'b', 'ab'], ['LREM', 'list', '1', 'c'], ['LTRIM', 'list', '0', '10'],
  ['HSET', 'hash', 'f1', 'v1', 'f2', 'v2', 'n', '1'], ['HINCRBY', 'hash', 'n', '2'], ['HINCRBYFLOAT', 'hash', 'x', '0.5'], ['HDEL', 'hash', 'f2'], ['HSETNX', 'hash', 'f3', 'v3'],
  ['SADD', 'set', 'a', 'b', 'c', '1', '2'], ['SREM', 'set', 'b'], ['SPOP', 'set'], ['SMOVE', 'set', 'set2', 'a'],
  ['SADD', 'iset', '1', '2', '3'], ['SINTERSTORE', 'inter', 'set', 'iset'],
  ['ZADD', 'zset', '1', 'a', '2', 'b', '3.5', 'c'], ['ZINCRBY', 'zset', '2', 'a'], ['ZREM', 'zset', 'b'], ['ZPOPMIN', 'zset'],
  ['SELECT', '3'], ['SET', 'db3', 'x'], ['HSET', 'h3', 'a', 'b'], ['SELECT', '0'],
  ['RENAME', 'm3', 'm4'], ['DEL', 'm2'], ['UNLINK', 'bin'], ['SET', 'gone', 'x', 'PX', '1'],
  ['SELECT', '1'], ['SET', 'db1', 'v'], ['FLUSHDB'], ['SET', 'db1b', 'w'],
];

test('the AOF a RustyPotato server writes is valid for both tools, before and after BGREWRITEAOF', async () => {
  const dir = fs.mkdtempSync(path.join(work, 'server-'));
  const aof = path.join(dir, 'appendonly.aof');
  const server = await startServer(aof);
  const errors: string[] = [];
  try {
    const c = await Connection.connect(server.port);
    for (const cmd of SERVER_SCRIPT) {
      const reply = await c.call(cmd);
      if (reply.value.type === 'error') errors.push(`${cmd.map(String).join(' ')} -> ${reply.value.value}`);
    }
    // Let "gone" expire and read it (in its database), so that its DEL is logged now, not by the
    // active expiry while a checker reads the file.
    await sleep(20);
    await c.call(['SELECT', '0']);
    assert.is(await c.text('GET', 'gone'), '(nil)');
    c.close();
    const check = (label: string): void => {
      const theirs = redisCli([aof]);
      const ours = cli([aof]);
      assert.is(theirs.code, 0, `${label}: redis-check-aof accepts it:\n${theirs.out}`);
      assert.is(ours.code, 0, `${label}: rustypotato-check-aof accepts it:\n${ours.out}`);
      if (oracleAvailable) assert.is(ours.out, theirs.out, `${label}: same output`);
    };
    check('while running');
    const c2 = await Connection.connect(server.port);
    await c2.call(['BGREWRITEAOF']);
    for (let i = 0; i < 200; i++) {
      const info = await c2.text('INFO', 'persistence');
      if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrites:1/.test(info)) break;
      await sleep(25);
    }
    await c2.call(['SET', 'after-rewrite', '1']);
    await c2.call(['SHUTDOWN']).catch(() => undefined);
    c2.close();
    await Promise.race([server.exit, sleep(10000)]);
    check('after BGREWRITEAOF and SHUTDOWN');
    assert.ok(fs.readFileSync(aof, 'latin1').includes('after-rewrite'));
  } finally {
    server.proc.kill('SIGKILL');
  }
  assert.equal(errors, [], `commands the server refused:\n${errors.join('\n')}`);
});

test('a server AOF with a cut tail: both tools fix it the same way, and the server loads the fixed file', async () => {
  if (skipWithoutOracle()) return;
  const dir = fs.mkdtempSync(path.join(work, 'server-'));
  const aof = path.join(dir, 'appendonly.aof');
  let server = await startServer(aof);
  let c = await Connection.connect(server.port);
  for (const cmd of SERVER_SCRIPT) await c.call(cmd);
  await c.call(['SHUTDOWN']).catch(() => undefined);
  c.close();
  await Promise.race([server.exit, sleep(10000)]);
  server.proc.kill('SIGKILL');
  const full = fs.readFileSync(aof);
  // Cut inside the last record, and at points all over the file.
  const rng = new Rng(seed + 7);
  const cmp = new Comparison();
  for (const cut of [full.length - 3, ...Array.from({ length: 20 }, () => rng.int(1, full.length - 1))]) {
    cmp.check(`server file cut at ${cut}`, full.subarray(0, cut), ['--fix'], rng);
  }
  await cmp.done();
  // The server starts on a fixed file and has the keys before the cut.
  fs.writeFileSync(aof, full.subarray(0, full.length - 3));
  const fixed = cli(['--fix', aof]);
  assert.is(fixed.code, 0, fixed.out);
  server = await startServer(aof);
  try {
    c = await Connection.connect(server.port);
    assert.is(await c.text('GET', 'str'), 'hello world');
    c.close();
  } finally {
    server.proc.kill('SIGKILL');
  }
});

test.run();
