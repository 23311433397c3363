/**
 * Engine micro-benchmarks: SET / GET / INCR through native.execute, one command per call and
 * batches of 16 (what a -P 16 pipeline delivers per read), with frames prepared up front so the
 * figures are the engine's own cost plus the N-API crossing. Run:
 *   npx tsc -p . && node dist/bench/engine-micro.js
 */
import Benchmark from 'benchmark';
import { native, Control, CONTROL_SIZE } from '../ts/native';

const COMMANDS: Array<[string, number]> = [
  ['set', -3], ['get', 2], ['incr', 2], ['del', -2], ['flushall', -1], ['debug', -2],
];
native.init(16, COMMANDS.map(([n]) => n), Int32Array.from(COMMANDS.map(([, a]) => a)));

const KEYSPACE = 100000;
const control = new Int32Array(CONTROL_SIZE);

/** A prepared batch: input bytes and frames for `count` commands built by `make(i)`. */
function prepare(count: number, make: (i: number) => string[]): { input: Buffer; frames: Int32Array } {
  const parts: string[] = [];
  const frames: number[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const args = make(i);
    frames.push(args.length);
    for (const a of args) {
      frames.push(offset, Buffer.byteLength(a));
      offset += Buffer.byteLength(a);
      parts.push(a);
    }
  }
  return { input: Buffer.from(parts.join('')), frames: Int32Array.from(frames) };
}

function exec(batch: { input: Buffer; frames: Int32Array }): void {
  control[Control.FrameCursor] = 0;
  control[Control.FrameEnd] = batch.frames.length;
  control[Control.Db] = 0;
  control[Control.Resp] = 2;
  control[Control.ClientFlags] = 0;
  native.execute(batch.input, batch.frames, control);
}

// Rotate over many prepared batches so keys vary (hash-table misses like a real workload).
function rotation(size: number, make: (i: number) => string[]): () => void {
  const batches = Array.from({ length: 256 }, (_, b) => prepare(size, (i) => make((b * size + i) % KEYSPACE)));
  let next = 0;
  return () => exec(batches[next++ & 255]);
}

exec(prepare(1, () => ['FLUSHALL']));
exec(prepare(1, () => ['DEBUG', 'POPULATE', String(KEYSPACE), 'key', '3']));
for (let i = 0; i < 100; i++) exec(prepare(1, () => ['SET', `counter:${i}`, '0']));

const suite = new Benchmark.Suite('engine');
const value = 'xxx';
for (const size of [1, 16]) {
  const set = rotation(size, (i) => ['SET', `key:${i}`, value]);
  const get = rotation(size, (i) => ['GET', `key:${i}`]);
  const incr = rotation(size, (i) => ['INCR', `counter:${i % 100}`]);
  suite.add(`SET x${size}`, set).add(`GET x${size}`, get).add(`INCR x${size}`, incr);
}

suite
  .on('cycle', (event: Benchmark.Event) => {
    const b = event.target as Benchmark.Target & { name: string };
    const hz = b.hz ?? 0;
    const per = /x(\d+)$/.exec(b.name);
    const commands = per ? Number(per[1]) : 1;
    console.log(
      `${String(b.name).padEnd(16)} ${(hz * commands).toFixed(0).padStart(10)} commands/s  ` +
        `${((1e6 / hz) / commands).toFixed(3)} µs/command  (±${(b.stats?.rme ?? 0).toFixed(1)}%)`,
    );
  })
  .run({ async: false });
