/**
 * MEMORY: USAGE (the engine sizes the key), STATS, DOCTOR, MALLOC-STATS, PURGE and HELP, with
 * Redis 7.0's replies and errors. Our allocator is the engine's own pool plus the C library's
 * malloc, so the jemalloc-specific figures of STATS are the nearest we have (see the comments).
 */
import type { TsHandler } from '../commands/types';
import { native } from '../native';
import { formatDouble } from '../protocol/reply';

const MEMORY_HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

// Redis's texts: under 5 MB it declines to diagnose; otherwise it reports what it found.
const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.";
const DOCTOR_FINE = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.";

const usage: TsHandler = (ctx, args) => {
  // SAMPLES is validated as Redis does; our sizes are exact, so the count changes nothing.
  for (let i = 3; i < args.length; i += 2) {
    if (args[i].toString('latin1').toLowerCase() !== 'samples' || i + 1 >= args.length) return void ctx.reply.error('ERR syntax error');
    if (!/^-?\d+$/.test(args[i + 1].toString('latin1')) || !Number.isSafeInteger(Number(args[i + 1].toString('latin1')))) {
      return void ctx.reply.error('ERR value is not an integer or out of range');
    }
  }
  const bytes = native.keyMemoryUsage(ctx.client.db, args[2]);
  if (bytes < 0) ctx.reply.nullBulk();
  else ctx.reply.integer(bytes);
};

const stats: TsHandler = (ctx) => {
  const server = ctx.server;
  const mem = server.memory.snapshot();
  const engine = native.info();
  const keys = engine.keyspace.reduce((n, [count]) => n + count, 0);
  let clientBuffers = 0;
  for (const c of server.clients.values()) clientBuffers += c.queryBufferLength + c.outputLength;
  const overhead = server.memory.startup + clientBuffers;
  const dataset = Math.max(0, mem.used - overhead);
  const netUsed = Math.max(1, mem.used - server.memory.startup);
  const reply = ctx.reply;
  const populated = engine.keyspace.map((row, db) => [db, row] as const).filter(([, [count]]) => count > 0);
  reply.map(27 + populated.length);
  const integer = (name: string, value: number): void => void reply.bulk(name).integer(Math.round(value));
  const double = (name: string, value: number): void => void reply.bulk(name).double(formatDouble(value));
  integer('peak.allocated', server.memory.peak);
  integer('total.allocated', mem.used);
  integer('startup.allocated', server.memory.startup);
  integer('replication.backlog', 0);
  integer('clients.slaves', 0);
  integer('clients.normal', clientBuffers);
  integer('cluster.links', 0);
  integer('aof.buffer', engine.aofPending);
  integer('lua.caches', engine.scripting.scriptsBytes);
  integer('functions.caches', engine.scripting.functionsBytes);
  for (const [db, [count, expires]] of populated) {
    // The engine's per-key table overhead: 4-byte bucket slots at load factor ≤ 1 (no per-db figure yet).
    reply.bulk(`db.${db}`).map(3);
    integer('overhead.hashtable.main', count * 4);
    integer('overhead.hashtable.expires', expires * 4);
    integer('overhead.hashtable.slot-to-keys', 0);
  }
  integer('overhead.total', overhead);
  integer('keys.count', keys);
  integer('keys.bytes-per-key', keys > 0 ? netUsed / keys : 0);
  integer('dataset.bytes', dataset);
  double('dataset.percentage', (dataset * 100) / netUsed);
  double('peak.percentage', (mem.used * 100) / Math.max(1, server.memory.peak));
  // No separate allocator layer: the engine's pool and malloc'd blocks are the allocation; RSS is
  // what the process holds.
  integer('allocator.allocated', mem.used);
  integer('allocator.active', mem.used);
  integer('allocator.resident', mem.rss);
  double('allocator-fragmentation.ratio', 1);
  integer('allocator-fragmentation.bytes', 0);
  double('allocator-rss.ratio', mem.rss / Math.max(1, mem.used));
  integer('allocator-rss.bytes', mem.rss - mem.used);
  double('rss-overhead.ratio', 1);
  integer('rss-overhead.bytes', 0);
  double('fragmentation', mem.rss / Math.max(1, mem.used));
  integer('fragmentation.bytes', mem.rss - mem.used);
};

export const memoryHandlers: Record<string, TsHandler> = {
  'memory|usage': usage,
  'memory|stats': stats,
  'memory|doctor': (ctx) => {
    // The data's size decides, as Redis's total: the JavaScript heap alone is several MB.
    const engine = ctx.server.memory.snapshot().engine;
    ctx.reply.verbatim(engine < 5 * 1024 * 1024 ? DOCTOR_EMPTY : DOCTOR_FINE);
  },
  // Redis answers this with jemalloc's report, or this line with any other allocator.
  'memory|malloc-stats': (ctx) => void ctx.reply.bulk('Stats not supported for the current allocator'),
  'memory|purge': (ctx) => void ctx.reply.simple('OK'),
  'memory|help': (ctx) => void ctx.reply.statusLines(MEMORY_HELP),
};
