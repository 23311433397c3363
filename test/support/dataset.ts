/**
 * Data sets for persistence tests: populate every type (small and large encodings, binary keys,
 * expiries, several databases) through a connection, and dump a server's whole keyspace in a
 * canonical text form so that two servers (or one before and after a restart) can be compared.
 */
import type { Connection } from './connection';
import { toPlain, type Plain } from './resp';
import { Rng } from './random';

type Value = Plain;

function text(v: Value): string {
  return String(v);
}

function list(v: Value): Value[] {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${String(v)}`);
  return v as Value[];
}

/** Runs fn over a new connection to `server`, closed afterwards. */
export async function withConn<T>(server: { connect(): Promise<Connection> }, fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await server.connect();
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** One command's reply as a plain value (strings latin1, integers as bigint). */
export async function call(c: Connection, ...args: Array<string | Buffer | number>): Promise<Value> {
  const r = await c.call(args, 10000);
  return toPlain(r.value);
}

/** A field of INFO `section` ('' when absent). */
export async function infoField(c: Connection, field: string, section = 'persistence'): Promise<string> {
  const text = String(await call(c, 'INFO', section));
  const m = new RegExp(`^${field}:(.*)\r?$`, 'm').exec(text);
  return m ? m[1].trim() : '';
}

/** Writes a mixed data set into databases 0..dbs-1; returns the number of keys written. */
export async function populateEveryType(c: Connection, seed: number, opts: { dbs?: number; scale?: number } = {}): Promise<number> {
  const rng = new Rng(seed);
  const dbs = opts.dbs ?? 3;
  const scale = opts.scale ?? 1;
  let keys = 0;
  for (let db = 0; db < dbs; db++) {
    await call(c, 'SELECT', db);
    const pipeline: Array<Array<string | Buffer | number>> = [];
    for (let i = 0; i < 20 * scale; i++) {
      pipeline.push(['SET', `str:${db}:${i}`, rng.pick(['', 'x', String(rng.int(-1000, 1000000)), 'v'.repeat(rng.int(1, 300)), rng.bytes(rng.int(1, 40)).toString('latin1')])]);
    }
    pipeline.push(['SET', Buffer.from([0, 255, 13, 10, db]), Buffer.from([1, 2, 0, 3])]);
    pipeline.push(['SET', `ttl:${db}`, 'expiring', 'PX', 3600000 + db]);
    pipeline.push(['SET', `int:${db}`, '12345']);
    pipeline.push(['INCRBYFLOAT', `float:${db}`, '3.25']);
    for (let i = 0; i < 5 * scale; i++) {
      const small = rng.int(1, 8);
      pipeline.push(['RPUSH', `list:${db}:${i}`, ...Array.from({ length: small }, () => `e${rng.int(0, 50)}`)]);
      pipeline.push(['HSET', `hash:${db}:${i}`, ...Array.from({ length: small }, (_, j) => [`f${j}`, `v${rng.int(0, 99)}`]).flat()]);
      pipeline.push(['SADD', `iset:${db}:${i}`, ...Array.from({ length: small }, () => String(rng.int(-500, 500)))]);
      pipeline.push(['SADD', `set:${db}:${i}`, ...Array.from({ length: small }, () => `m${rng.int(0, 99)}`)]);
      pipeline.push(['ZADD', `zset:${db}:${i}`, ...Array.from({ length: small }, (_, j) => [String(rng.int(-100, 100) / 4), `z${j}`]).flat()]);
    }
    // Large ones: past the compact encodings' thresholds.
    const big = 700 * scale;
    for (let i = 0; i < big; i += 100) {
      const n = Math.min(100, big - i);
      pipeline.push(['RPUSH', `biglist:${db}`, ...Array.from({ length: n }, (_, j) => `item-${i + j}`)]);
      pipeline.push(['HSET', `bighash:${db}`, ...Array.from({ length: n }, (_, j) => [`field-${i + j}`, `value-${rng.int(0, 1e6)}`]).flat()]);
      pipeline.push(['SADD', `bigset:${db}`, ...Array.from({ length: n }, (_, j) => `member-${i + j}`)]);
      pipeline.push(['SADD', `bigiset:${db}`, ...Array.from({ length: n }, (_, j) => String(i + j))]);
      pipeline.push(['ZADD', `bigzset:${db}`, ...Array.from({ length: n }, (_, j) => [String(rng.int(-1e6, 1e6) / 7), `zm-${i + j}`]).flat()]);
    }
    pipeline.push(['EXPIRE', `biglist:${db}`, 7200]);
    pipeline.push(['PEXPIRE', `zset:${db}:0`, 9000000]);
    for (const cmd of pipeline) c.send(...cmd);
    await c.readN(pipeline.length, 20000);
    keys += Number(await call(c, 'DBSIZE'));
  }
  await call(c, 'SELECT', 0);
  return keys;
}

/**
 * Every key of databases 0..dbs-1 with its type, value (sorted where order is not part of the
 * type) and whether it has a TTL (and the TTL rounded to ten minutes, so that restarts compare).
 * Pipelined per SCAN batch: TYPE of each key, then its value and PTTL.
 */
export async function dumpDataset(c: Connection, dbs = 16): Promise<string> {
  const lines: string[] = [];
  const valueCommand: Record<string, (k: Buffer) => Array<string | Buffer | number>> = {
    string: (k) => ['GET', k],
    list: (k) => ['LRANGE', k, 0, -1],
    set: (k) => ['SMEMBERS', k],
    hash: (k) => ['HGETALL', k],
    zset: (k) => ['ZRANGE', k, 0, -1, 'WITHSCORES'],
  };
  const render = (type: string, v: Value): string => {
    switch (type) {
      case 'string':
        return JSON.stringify(text(v));
      case 'list':
      case 'zset':
        return JSON.stringify(list(v).map(text));
      case 'set':
        return JSON.stringify(list(v).map(text).sort());
      case 'hash': {
        const flat = list(v).map(text);
        const pairs: string[] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
        return JSON.stringify(pairs.sort());
      }
      default:
        return '?';
    }
  };
  for (let db = 0; db < dbs; db++) {
    await call(c, 'SELECT', db);
    const keys: string[] = [];
    let cursor = '0';
    for (let guard = 0; guard < 100000; guard++) {
      const [next, batch] = list(await call(c, 'SCAN', cursor, 'COUNT', 1000));
      for (const k of list(batch)) keys.push(text(k));
      cursor = text(next);
      if (cursor === '0') break;
    }
    keys.sort();
    for (let start = 0; start < keys.length; start += 500) {
      const batch = keys.slice(start, start + 500).map((key) => Buffer.from(key, 'latin1'));
      for (const k of batch) c.send('TYPE', k);
      const types = (await c.readN(batch.length, 20000)).map((r) => text(toPlain(r.value)));
      batch.forEach((k, i) => {
        const command = valueCommand[types[i]];
        c.send(...(command ? command(k) : ['PING']));
        c.send('PTTL', k);
      });
      const replies = await c.readN(batch.length * 2, 20000);
      batch.forEach((k, i) => {
        if (types[i] === 'none') return; // expired or deleted since SCAN returned it
        const pttl = Number(toPlain(replies[2 * i + 1].value));
        // Ten-minute steps: a run may take a minute or two between the dumps it compares.
        const ttl = pttl < 0 ? String(pttl) : `~${Math.round(pttl / 600000) * 10}m`;
        lines.push(`${db} ${JSON.stringify(k.toString('latin1'))} ${types[i]} ttl=${ttl} ${render(types[i], toPlain(replies[2 * i].value))}`);
      });
    }
  }
  await call(c, 'SELECT', 0);
  return lines.join('\n');
}
