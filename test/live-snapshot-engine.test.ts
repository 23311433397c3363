/**
 * Live snapshots in-process (native/persistence/live_snapshot.h), where the slices are ours to
 * drive: a slice of 1 µs starts a large value and pauses inside it, so the test knows that a value
 * is half-encoded when it sends SWAPDB or a write. Then the image must still be the data set of
 * the moment the snapshot started: loaded back, every value as it was, in its database of then.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { native } from '../ts/native';
import { executeBatch, type EngineArg } from './support/engine-batch';

const COMMANDS: Array<[string, number]> = [
  ['hset', -4], ['hget', 3], ['hlen', 2], ['zadd', -4], ['zincrby', 4], ['zscore', 3], ['zcard', 2],
  ['swapdb', 3], ['dbsize', 1], ['flushall', -1], ['set', -3], ['get', 2], ['del', -2],
];
native.init(16, COMMANDS.map(([n]) => n), Int32Array.from(COMMANDS.map(([, a]) => a)));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-live-engine-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(batch: EngineArg[][], db = 0): string {
  const { replies, stopped } = executeBatch(batch, db);
  assert.is(stopped, 0, 'the engine ran the whole batch');
  return replies.toString('latin1');
}

const SIZE = 200000;
const LARGE = ['lh', 'lz'];

function populate(smallKeys = 100): void {
  run([['flushall']]);
  for (const db of [0, 1]) {
    for (let i = 0; i < SIZE; i += 1000) {
      const n = Array.from({ length: 1000 }, (_, j) => i + j);
      run([['hset', `lh:${db}`, ...n.flatMap((j) => [`f${j}`, `v${j}`])], ['zadd', `lz:${db}`, ...n.flatMap((j) => [String(j), `m${j}`])]], db);
    }
    for (let i = 0; i < smallKeys; i++) run([['set', `small:${db}:${i}`, `s${i}`]], db);
  }
}

/** The data set as populate() made it, as seen now (after a load of the image). */
function assertAsPopulated(smallKeys = 100): void {
  for (const db of [0, 1]) {
    assert.is(run([['dbsize']], db), `:${2 + smallKeys}\r\n`, `db ${db} size`);
    assert.is(run([['hlen', `lh:${db}`]], db), `:${SIZE}\r\n`);
    assert.is(run([['zcard', `lz:${db}`]], db), `:${SIZE}\r\n`);
    for (const j of [0, 1, 2, 3, 7, 99999, SIZE - 1]) {
      assert.is(run([['hget', `lh:${db}`, `f${j}`]], db), `$${`v${j}`.length}\r\nv${j}\r\n`, `lh:${db} f${j}`);
      assert.is(run([['zscore', `lz:${db}`, `m${j}`]], db), `$${String(j).length}\r\n${j}\r\n`, `lz:${db} m${j}`);
    }
    if (smallKeys > 5) assert.is(run([['get', `small:${db}:5`]], db), '$2\r\ns5\r\n');
  }
}

/** Steps until the job ends; returns its result. */
function finish(budgetMicros: number): [boolean, number, string] {
  for (let i = 0; i < 1_000_000; i++) {
    const phase = native.persistStep(budgetMicros);
    if (phase !== 0 && phase !== 4) break;
  }
  for (let i = 0; i < 10_000; i++) {
    const result = native.persistPoll();
    if (result !== null) return result;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
  }
  throw new Error('the job did not end');
}

function loadImage(file: string): void {
  run([['flushall']]);
  const loaded = native.loadSnapshot(file);
  assert.type(loaded, 'object', String(loaded));
}

test('SWAPDB while a large value is half-encoded, then writes to every value: the image is the start', () => {
  // Only the four large values: the first slice scans every database (small tables finish before
  // the slice looks at the clock) and defers them; the second starts one and pauses inside it.
  populate(0);
  const file = path.join(tmp, 'swap.rdb');
  assert.is(native.persistStart('snapshot', file), null);
  assert.is(native.persistStep(1), 0, 'the scan deferred the large values');
  assert.is(native.persistStep(1), 0, 'a large value was started and paused');
  run([['swapdb', 0, 1]]); // finishes it first
  assert.is(native.persistStep(1), 0, 'the next large value was started and paused');
  // One of these is half-encoded (finished before the change), the others pending (encoded
  // beside the one in progress, or at once). SWAPDB moved the values of database 0 to 1.
  for (const db of [0, 1]) {
    const now = 1 - db;
    for (const key of LARGE) {
      run([key === 'lh' ? ['hset', `lh:${db}`, 'f3', 'changed'] : ['zincrby', `lz:${db}`, 100, 'm3']], now);
    }
    run([['hset', `lh:${db}`, 'f7', 'changed again']], now);
  }
  for (const db of [0, 1]) assert.is(run([['dbsize']], db), ':2\r\n', 'the writes reached the moved values');
  const [ok, copied, error] = finish(1);
  assert.ok(ok, error);
  // All four were encoded because of SWAPDB or a write: none by a slice alone.
  assert.ok(copied > 4 * 5_000_000, `large values were encoded before they changed (${copied} bytes)`);
  loadImage(file);
  assertAsPopulated(0);
});

test('writes between slices, and FLUSHALL while a large value is half-encoded: the image is the start', () => {
  populate();
  const file = path.join(tmp, 'flush.rdb');
  assert.is(native.persistStart('snapshot', file), null);
  for (let i = 0; i < 5; i++) {
    assert.is(native.persistStep(50), 0);
    run([['set', `new:${i}`, 'x'], ['hset', 'lh:1', `f${i}`, `w${i}`]], 1);
  }
  run([['flushall']]);
  run([['set', 'after', 'flush']]);
  const [ok, , error] = finish(50);
  assert.ok(ok, error);
  loadImage(file);
  assertAsPopulated();
});

test('a rewrite base in RDB form paused inside large values loads back to the start', () => {
  populate();
  native.setConfig('aof-use-rdb-preamble', 'yes');
  const file = path.join(tmp, 'base.aof');
  assert.is(native.persistStart('rewrite', file), null);
  assert.is(native.persistStep(1), 0);
  run([['hset', 'lh:0', 'f3', 'changed'], ['zincrby', 'lz:0', 1, 'm3']]);
  const [ok, , error] = finish(1);
  assert.ok(ok, error);
  native.aofRewriteDone(false, file + '.unused', file + '.unused'); // drops the rewrite buffer
  loadImage(file);
  assertAsPopulated();
  native.setConfig('aof-use-rdb-preamble', 'no');
});

test('a job stopped while a large value is half-encoded: its file is removed, the next job works', () => {
  populate(0);
  const file = path.join(tmp, 'aborted.rdb');
  assert.is(native.persistStart('snapshot', file), null);
  assert.is(native.persistStep(1), 0);
  assert.is(native.persistStep(1), 0, 'a large value was started and paused');
  native.persistAbort();
  assert.is(native.persistPoll(), null, 'no job left');
  assert.equal(fs.readdirSync(tmp).filter((f) => f.startsWith('aborted.rdb')), [], 'no file left');
  run([['hset', 'lh:0', 'f3', 'after the abort']]);
  assert.is(native.persistStart('snapshot', file), null);
  const [ok, , error] = finish(1);
  assert.ok(ok, error);
  loadImage(file);
  assert.is(run([['hget', 'lh:0', 'f3']]), '$15\r\nafter the abort\r\n');
  assert.is(run([['hlen', 'lh:1']], 1), `:${SIZE}\r\n`);
});

test.run();
