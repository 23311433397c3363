/**
 * The native read path (native/net/client_io.h, ts/server/client-io.ts): the engine reads the
 * sockets and runs a plain client's complete commands itself, handing TypeScript the rest of a read
 * (incomplete commands, inline commands, TypeScript-owned commands, blocking). These tests feed
 * both servers the same bytes cut at random places, so that every hand-over point is crossed, and
 * compare the raw replies; they also check what the engine must report back (statistics, CLIENT
 * LIST), half-closed connections and a client that does not read its replies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareRaw, usePair } from './support/harness';
import { Rng } from './support/random';
import { sleep } from './support/servers';

const p = usePair(test);

function resp(...args: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A random pipeline mixing engine commands, TypeScript-owned ones, inline commands and large values. */
function randomPipeline(rng: Rng, commands: number): Buffer {
  const parts: Buffer[] = [];
  const key = (): Buffer => (rng.bool(0.2) ? Buffer.from([rng.int(0, 255), 0, 13, 10, rng.int(0, 255)]) : Buffer.from(`k${rng.int(0, 20)}`));
  for (let i = 0; i < commands; i++) {
    const kind = rng.int(0, 13);
    switch (kind) {
      case 0:
        parts.push(resp('SET', key(), rng.bool(0.05) ? Buffer.alloc(rng.int(60000, 140000), rng.int(97, 122)) : `v${rng.int(0, 1e6)}`));
        break;
      case 1:
        parts.push(resp('GET', key()));
        break;
      case 2:
        parts.push(resp('INCR', `n${rng.int(0, 3)}`));
        break;
      case 3:
        parts.push(resp('RPUSH', `l${rng.int(0, 3)}`, `${rng.int(0, 100)}`, ''));
        break;
      case 4:
        parts.push(resp('LRANGE', `l${rng.int(0, 3)}`, '0', '-1'));
        break;
      case 5:
        parts.push(resp('SELECT', `${rng.int(0, 2)}`));
        break;
      case 6:
        parts.push(
          Buffer.from(
            rng.pick([
              'PING\r\n', 'ECHO "a b"\r\n', 'SET inl "x y"\r\n', 'GET inl\r\n', '\r\n', 'SET inl2 plain\r\n', 'GET  inl2 \r\n',
              'DEL inl2\n', '  INCR n1\r\n', 'get\tinl\r\n', 'LPUSH l1 a b c\r\n',
            ]),
          ),
        );
        break;
      case 7:
        parts.push(resp('CLIENT', 'SETNAME', `c${rng.int(0, 9)}`), resp('CLIENT', 'GETNAME'));
        break;
      case 8:
        parts.push(resp('GET'));
        break;
      case 9:
        parts.push(resp('NOSUCHCOMMAND', 'x'));
        break;
      case 10:
        parts.push(resp('DBSIZE'), resp('TYPE', key()));
        break;
      case 11:
        parts.push(resp('DEL', key(), key()));
        break;
      case 12:
        parts.push(resp('EVAL', 'return redis.call("incr", KEYS[1])', '1', `n${rng.int(0, 3)}`));
        break;
      default:
        parts.push(resp('MSET', key(), 'a', key(), 'b'), resp('MGET', key(), key()));
    }
  }
  // Unbalanced quotes close the connection after an error. Only as the last command: bytes sent after
  // the close would make the kernel answer with a reset, and the client would drop replies it had
  // not read yet (on either server, depending on timing).
  if (rng.bool(0.5)) parts.push(Buffer.from("ECHO it's\r\n"));
  return Buffer.concat(parts);
}

/** Cuts `bytes` at random places (from single bytes to several reads' worth). */
function cut(rng: Rng, bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let off = 0; off < bytes.length; ) {
    const size = rng.weighted([[3, rng.int(1, 8)], [4, rng.int(9, 400)], [2, rng.int(401, 9000)], [1, rng.int(9001, 150000)]] as const);
    parts.push(bytes.subarray(off, off + size));
    off += size;
  }
  return parts;
}

test('random pipelines cut at random places: the same bytes as Redis (seeded)', async () => {
  const pair = p();
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    const rng = new Rng(seed);
    const stream = Buffer.concat([resp('FLUSHALL'), randomPipeline(rng, 300)]);
    const diff = await compareRaw(pair, `seed ${seed}`, cut(rng, stream), 300, 1);
    assert.is(diff, null, diff ?? '');
  }
});

test('RESP3: a pipeline after HELLO 3, cut at random places', async () => {
  const pair = p();
  for (const seed of [11, 12, 13]) {
    const rng = new Rng(seed);
    const stream = Buffer.concat([resp('FLUSHALL'), randomPipeline(rng, 200)]);
    const outcomes = [];
    for (const server of [pair.oracle, pair.candidate]) {
      const c = await server.connect({ recordRaw: true });
      await c.call(['HELLO', '3']);
      await c.takeRaw(50);
      for (const part of cut(new Rng(seed), stream)) await c.writeFlushed(part);
      outcomes.push((await c.collectRaw(300, 20000)).bytes);
      c.close();
    }
    assert.ok(outcomes[0].equals(outcomes[1]), `seed ${seed}: RESP3 replies differ (${outcomes[0].length} vs ${outcomes[1].length} bytes)`);
  }
});

test('commands that Redis rejects as malformed close the connection after the same error', async () => {
  const pair = p();
  const cases = ['*03\r\n$3\r\nGET\r\n', '*1\r\n$03\r\nGET\r\n', '*1\r\n$3\r\nGETxx', '*1\r\n+GET\r\n', '*-5\r\nPING\r\n', '*1\r\n$-1\r\n', '*2\r\n$3\r\nGET\r\n$1\r\nk'];
  for (const c of cases) {
    // The malformed command and the one after it go in one write: the server reads both before it
    // closes, so it closes with nothing unread (unread bytes would turn the close into a reset, which
    // can make the client drop the error reply).
    const diff = await compareRaw(pair, JSON.stringify(c), [resp('SET', 'k', 'v'), Buffer.concat([Buffer.from(c, 'latin1'), resp('GET', 'k')])], 200);
    assert.is(diff, null, diff ?? '');
  }
});

test('RESP-like garbage (seeded): the same replies and the same closing as Redis, and the server lives', async () => {
  const pair = p();
  const tokens = ['*', '$', '*1\r\n', '*2\r\n', '$3\r\n', '$4\r\nPING\r\n', 'GET', 'SET k v', '\r\n', '\r', '\n', '-1', '0', '00', '99999999999', '2147483648', ' ', '"', "'", 'x', '\x00', 'PING', '\xff'];
  // Seed 439 quotes a non-ASCII byte in its error ("expected '$', got '\xff'"): raw, as Redis writes it.
  const seeds = [...Array.from({ length: 40 }, (_, i) => 100 + i), 439];
  for (const seed of seeds) {
    const rng = new Rng(seed);
    const parts: string[] = [];
    for (let i = rng.int(1, 12); i > 0; i--) parts.push(rng.pick(tokens));
    const bytes = Buffer.from(parts.join(''), 'latin1');
    const diff = await compareRaw(pair, `seed ${seed}`, [Buffer.concat([bytes, resp('PING')])], 150); // one write: see above
    assert.is(diff, null, diff ?? '');
  }
  const c = await pair.candidate.connect();
  assert.is(await c.text('PING'), 'PONG');
  c.close();
});

test('a half-closed connection gets its replies, then is closed', async () => {
  const pair = p();
  for (const server of [pair.oracle, pair.candidate]) {
    const c = await server.connect({ recordRaw: true });
    c.write(Buffer.concat([resp('SET', 'hc', 'v'), resp('GET', 'hc'), resp('PING')]));
    c.socket.end();
    const got = await c.collectRaw(1000, 5000);
    assert.is(got.bytes.toString('latin1'), '+OK\r\n$1\r\nv\r\n+PONG\r\n', server.name);
    assert.ok(await c.waitClosed(3000), `${server.name} closes the connection`);
  }
});

test('statistics and CLIENT LIST see the commands the engine ran by itself', async () => {
  const server = p().candidate;
  const admin = await server.connect();
  const info = async (field: string): Promise<number> => {
    const text = await admin.text('INFO', 'stats');
    const m = new RegExp(`${field}:(\\d+)`).exec(text);
    return m ? Number(m[1]) : NaN;
  };
  const before = await info('total_commands_processed');
  const inputBefore = await info('total_net_input_bytes');
  const outputBefore = await info('total_net_output_bytes');
  const worker = await server.connect({ recordRaw: true });
  await worker.text('CLIENT', 'SETNAME', 'worker');
  const batch = Buffer.concat(Array.from({ length: 100 }, (_, i) => resp('SET', `s${i}`, 'x')));
  await worker.writeFlushed(batch);
  const got = await worker.collectRaw(200, 5000);
  assert.ok(got.bytes.toString().endsWith('+OK\r\n'.repeat(100)));
  // INFO itself counts as well (as in Redis, the command being run is counted after it).
  const after = await info('total_commands_processed');
  assert.ok(after - before >= 100 + 1 + 2, `total_commands_processed grew by ${after - before}`);
  assert.ok((await info('total_net_input_bytes')) - inputBefore >= batch.length, 'input bytes counted');
  assert.ok((await info('total_net_output_bytes')) - outputBefore >= 500, 'output bytes counted');
  const list = await admin.text('CLIENT', 'LIST');
  const line = list.split('\n').find((l) => l.includes('name=worker')) ?? '';
  assert.match(line, /cmd=set /, line);
  assert.match(line, /idle=0 /, line);
  const dirty = await admin.text('INFO', 'persistence');
  assert.match(dirty, /rdb_changes_since_last_save:[1-9]/);
  worker.close();
  admin.close();
});

test('a client that does not read its replies: the server stays responsive and every byte arrives', async () => {
  const server = p().candidate;
  const setup = await server.connect();
  const value = Buffer.alloc(256 * 1024, 'z');
  assert.is(await setup.text('SET', 'big', value), 'OK');
  const lazy = await server.connect({ recordRaw: true });
  lazy.socket.pause();
  const gets = 60;
  lazy.write(Buffer.concat(Array.from({ length: gets }, () => resp('GET', 'big'))));
  await sleep(200);
  // Another client is served while megabytes wait for the lazy one.
  assert.is(await setup.text('PING'), 'PONG');
  lazy.socket.resume();
  const got = await lazy.collectRaw(500, 20000);
  const one = `$${value.length}\r\n`.length + value.length + 2;
  assert.is(got.bytes.length, gets * one);
  lazy.write(resp('PING'));
  const more = await lazy.takeRaw(200);
  assert.ok(more.bytes.toString().endsWith('+PONG\r\n'));
  lazy.close();
  setup.close();
});

test.run();
