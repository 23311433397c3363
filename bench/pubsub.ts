/**
 * Pub/sub fan-out benchmark, side by side with redis-server (servers started as
 * bench/side-by-side.ts does: pinned to CPU 0 when taskset exists, the load on the other core).
 *
 * For 1, 10 and 100 subscribers of one channel: a publisher keeps a window of PUBLISH commands in
 * flight until `messages` messages are published; every subscriber must receive all of them
 * (counted in bytes: each message has a known encoded size). Reported per server: messages
 * delivered per second (publishes x subscribers / wall time) and server CPU time per delivered
 * message (from /proc schedstat); the ratio is Redis's CPU per message over ours (> 1: we use less
 * CPU). Rounds alternate between the servers; the median is shown.
 *
 *   node dist/bench/pubsub.js [--messages N] [--rounds N] [--payload BYTES] [--window N]
 */
import net from 'node:net';
import { fmt, median, parseBenchOptions, processCpuNs, serverPid, startTarget, type Target } from './side-by-side';

type Options = {
  messages: number;
  rounds: number;
  payload: number;
  window: number;
  subscribers: string[];
};

function parseOptions(argv: string[]): Options {
  return parseBenchOptions<Options>(argv, { messages: 200000, rounds: 3, payload: 32, window: 64, subscribers: ['1', '10', '100'] });
}

const CHANNEL = 'bench:fanout';

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** Opens `n` subscribers; resolves once each has its confirmation, with a counter of bytes after it. */
async function subscribe(port: number, n: number): Promise<{ sockets: net.Socket[]; received: number[] }> {
  const confirm = Buffer.from(`*3\r\n$9\r\nsubscribe\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n:1\r\n`);
  const sockets: net.Socket[] = [];
  const received: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = await connect(port);
    const index = i;
    received.push(-confirm.length);
    s.on('data', (chunk: Buffer) => void (received[index] += chunk.length));
    s.write(`SUBSCRIBE ${CHANNEL}\r\n`);
    sockets.push(s);
  }
  const deadline = Date.now() + 10000;
  while (received.some((r) => r < 0)) {
    if (Date.now() > deadline) throw new Error('subscribers were not confirmed');
    await new Promise((r) => setTimeout(r, 5));
  }
  return { sockets, received };
}

/** Publishes `messages` messages with at most `window` unanswered; resolves when all are answered. */
function publishAll(socket: net.Socket, messages: number, payload: Buffer, window: number): Promise<void> {
  const command = Buffer.concat([Buffer.from(`*3\r\n$7\r\nPUBLISH\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n$${payload.length}\r\n`), payload, Buffer.from('\r\n')]);
  const batch = Buffer.concat(new Array(window).fill(command));
  return new Promise((resolve) => {
    let sent = 0;
    let answered = 0;
    const send = (): void => {
      const n = Math.min(window, messages - sent);
      if (n <= 0) return;
      socket.write(n === window ? batch : batch.subarray(0, command.length * n));
      sent += n;
    };
    socket.on('data', (chunk: Buffer) => {
      // Integer replies ":N\r\n": one '\n' each.
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) answered++;
      if (answered === messages) resolve();
      else if (sent - answered < window / 2) send();
    });
    send();
  });
}

interface Result {
  deliveredPerSec: number;
  cpuNsPerDelivered: number;
}

async function runOnce(t: Target, subscribers: number, opts: Options): Promise<Result> {
  const payload = Buffer.alloc(opts.payload, 0x78);
  const messageBytes = Buffer.byteLength(`*3\r\n$7\r\nmessage\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n$${payload.length}\r\n`) + payload.length + 2;
  const { sockets, received } = await subscribe(t.port, subscribers);
  const publisher = await connect(t.port);
  const pid = serverPid(t);
  const cpuBefore = processCpuNs(pid);
  const start = process.hrtime.bigint();
  await publishAll(publisher, opts.messages, payload, opts.window);
  const expected = opts.messages * messageBytes;
  const deadline = Date.now() + 120000;
  while (received.some((r) => r < expected)) {
    if (Date.now() > deadline) throw new Error(`${t.name}: subscribers did not receive every message`);
    await new Promise((r) => setImmediate(r));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = processCpuNs(pid) - cpuBefore;
  for (const s of [...sockets, publisher]) s.destroy();
  const delivered = opts.messages * subscribers;
  return { deliveredPerSec: delivered / seconds, cpuNsPerDelivered: cpu / delivered };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const targets = [await startTarget('redis'), await startTarget('rustypotato')];
  try {
    console.log(`pub/sub fan-out: ${opts.messages} messages of ${opts.payload} bytes, window ${opts.window}, ${opts.rounds} rounds (median)`);
    console.log('subscribers  server        delivered msg/s   server CPU ns/msg   CPU efficiency (redis/ours)');
    for (const n of opts.subscribers.map(Number)) {
      const results: Record<string, Result[]> = { redis: [], rustypotato: [] };
      // Fewer messages for many subscribers keeps each round short; the per-message figures compare.
      const scaled = { ...opts, messages: Math.max(10000, Math.floor(opts.messages / Math.sqrt(n))) };
      for (let round = 0; round < opts.rounds; round++) {
        for (const t of round % 2 === 0 ? targets : [...targets].reverse()) results[t.name].push(await runOnce(t, n, scaled));
      }
      const summary = (name: string): Result => ({
        deliveredPerSec: median(results[name].map((r) => r.deliveredPerSec)),
        cpuNsPerDelivered: median(results[name].map((r) => r.cpuNsPerDelivered)),
      });
      const redis = summary('redis');
      const ours = summary('rustypotato');
      console.log(`${String(n).padStart(11)}  redis         ${fmt(redis.deliveredPerSec, 0).padStart(15)}   ${fmt(redis.cpuNsPerDelivered, 0).padStart(17)}`);
      console.log(
        `${''.padStart(11)}  rustypotato   ${fmt(ours.deliveredPerSec, 0).padStart(15)}   ${fmt(ours.cpuNsPerDelivered, 0).padStart(17)}   ${fmt(redis.cpuNsPerDelivered / ours.cpuNsPerDelivered)}`,
      );
    }
  } finally {
    for (const t of targets) t.proc.kill('SIGKILL');
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
