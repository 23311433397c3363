/**
 * TypeScript-owned server commands: INFO (assembled from engine and server figures), SLOWLOG,
 * LATENCY, MONITOR, TIME, SHUTDOWN and the persistence commands.
 */
import os from 'node:os';
import type { TsHandler } from '../commands/types';
import type { Server } from '../server/server';
import { native, type EngineInfo } from '../native';
import type { ShutdownSave } from '../persistence';
import { REDIS_VERSION, VERSION } from '../version';
import { LATENCY_PERCENTILES } from '../metrics/command-stats';

const RUN_ID = Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

export function human(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes}B` : `${v.toFixed(2)}${units[u]}`;
}

/**
 * INFO memory's scripting fields (Redis 7.0's names and order). EVAL scripts and functions have a
 * Lua state each, as in Redis: the eval VM and the functions VM.
 */
function scriptingMemory(lua: EngineInfo['scripting']): Array<[string, string | number]> {
  const scripts = lua.scriptsBytes + lua.functionsBytes;
  const vms = lua.luaBytes + lua.functionsLuaBytes;
  return [
    ['used_memory_lua', lua.luaBytes],
    ['used_memory_vm_eval', lua.luaBytes],
    ['used_memory_lua_human', human(lua.luaBytes)],
    ['used_memory_scripts_eval', lua.scriptsBytes],
    ['number_of_cached_scripts', lua.cachedScripts],
    ['number_of_functions', lua.functions],
    ['number_of_libraries', lua.libraries],
    ['used_memory_vm_functions', lua.functionsLuaBytes],
    ['used_memory_vm_total', vms],
    ['used_memory_vm_total_human', human(vms)],
    ['used_memory_functions', lua.functionsBytes],
    ['used_memory_scripts', scripts],
    ['used_memory_scripts_human', human(scripts)],
  ];
}

type Section = (server: Server) => Array<[string, string | number]>;

const sections: Record<string, Section> = {
  server: (server) => {
    const now = Date.now();
    const uptime = Math.floor((now - server.startTime) / 1000);
    return [
      ['redis_version', REDIS_VERSION],
      ['rustypotato_version', VERSION],
      ['redis_git_sha1', '00000000'],
      ['redis_git_dirty', 0],
      ['redis_mode', 'standalone'],
      ['os', `${os.type()} ${os.release()} ${os.arch()}`],
      ['arch_bits', 64],
      ['multiplexing_api', 'libuv'],
      ['node_version', process.versions.node],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', RUN_ID],
      ['tcp_port', server.opts.port],
      ['server_time_usec', now * 1000],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
      ['hz', server.opts.hz],
      ['configured_hz', server.opts.hz],
      ['lru_clock', Math.floor(now / 1000) & 0xffffff],
      ['executable', process.argv[1] ?? ''],
      ['config_file', server.configFile ?? ''],
      ['io_threads_active', 0],
    ];
  },
  clients: (server) => [
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.opts.maxClients],
    ['client_recent_max_input_buffer', Math.max(0, ...[...server.clients.values()].map((c) => c.queryBufferLength))],
    ['client_recent_max_output_buffer', Math.max(0, ...[...server.clients.values()].map((c) => c.outputLength))],
    ['blocked_clients', server.blocking.count],
    ['tracking_clients', server.tracking.clientCount],
    ['clients_in_timeout_table', 0],
  ],
  memory: (server) => {
    const mem = server.memory.snapshot();
    const used = mem.used;
    return [
      ['used_memory', used],
      ['used_memory_human', human(used)],
      ['used_memory_rss', mem.rss],
      ['used_memory_rss_human', human(mem.rss)],
      ['used_memory_peak', server.memory.peak],
      ['used_memory_peak_human', human(server.memory.peak)],
      ['used_memory_startup', server.memory.startup],
      ['used_memory_dataset', mem.engine],
      ['used_memory_engine', mem.engine],
      ['used_memory_js_heap', mem.jsHeap],
      ['total_system_memory', os.totalmem()],
      ['total_system_memory_human', human(os.totalmem())],
      ...scriptingMemory(native.info().scripting),
      ['maxmemory', 0],
      ['maxmemory_human', '0B'],
      ['maxmemory_policy', 'noeviction'],
      ['mem_fragmentation_ratio', (mem.rss / Math.max(1, used)).toFixed(2)],
      ['mem_allocator', 'rustypotato-pool'],
      ['lazyfree_pending_objects', 0],
    ];
  },
  persistence: (server) =>
    server.persistence?.infoFields() ?? [
      ['loading', 0],
      ['rdb_changes_since_last_save', server.stats.dirty],
      ['rdb_bgsave_in_progress', 0],
      ['aof_enabled', 0],
    ],
  stats: (server) => {
    const engine = native.info();
    const s = server.stats;
    return [
      ['total_connections_received', s.connectionsReceived],
      ['total_commands_processed', s.commandsProcessed],
      ['instantaneous_ops_per_sec', Math.round(server.opsMeter.rate)],
      ['total_net_input_bytes', s.netInputBytes],
      ['total_net_output_bytes', s.netOutputBytes],
      ['instantaneous_input_kbps', (server.inputMeter.rate / 1024).toFixed(2)],
      ['instantaneous_output_kbps', (server.outputMeter.rate / 1024).toFixed(2)],
      ['rejected_connections', s.rejectedConnections],
      ['expired_keys', engine.expiredKeys],
      ['evicted_keys', engine.evictedKeys],
      ['keyspace_hits', engine.keyspaceHits],
      ['keyspace_misses', engine.keyspaceMisses],
      ['pubsub_channels', server.pubsub.channelCount],
      ['pubsub_patterns', server.pubsub.patternCount],
      ['pubsubshard_channels', server.pubsub.shardChannelCount],
      // Background saves and rewrites never fork (native/persistence/live_snapshot.h).
      ['latest_fork_usec', 0],
      ['total_forks', 0],
      ['tracking_total_keys', server.tracking.totalKeys],
      ['tracking_total_items', server.tracking.totalItems],
      ['tracking_total_prefixes', server.tracking.totalPrefixes],
      ['unexpected_error_replies', 0],
      ['total_error_replies', server.ops.commands.totalErrors()],
      ['io_threaded_reads_processed', 0],
      ['io_threaded_writes_processed', 0],
    ];
  },
  replication: () => [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_repl_offset', 0],
  ],
  cpu: () => {
    const usage = process.resourceUsage();
    return [
      ['used_cpu_sys', (usage.systemCPUTime / 1e6).toFixed(6)],
      ['used_cpu_user', (usage.userCPUTime / 1e6).toFixed(6)],
      ['used_cpu_sys_children', '0.000000'],
      ['used_cpu_user_children', '0.000000'],
    ];
  },
  modules: () => [],
  commandstats: (server) =>
    sortedRows(server).map((r) => [
      `cmdstat_${r.name}`,
      `calls=${r.calls},usec=${r.usec},usec_per_call=${(r.calls > 0 ? r.usec / r.calls : 0).toFixed(2)},rejected_calls=${r.rejected},failed_calls=${r.failed}`,
    ]),
  errorstats: (server) => server.ops.commands.errors().map(([code, count]) => [`errorstat_${code}`, `count=${count}`]),
  latencystats: (server) =>
    sortedRows(server)
      .filter((r) => r.calls > 0)
      .map((r) => [
        `latency_percentiles_usec_${r.name}`,
        LATENCY_PERCENTILES.map((p, i) => `p${p}=${r.latencyUsec[i].toFixed(3)}`).join(','),
      ]),
  cluster: () => [['cluster_enabled', 0]],
  keyspace: () => {
    const rows: Array<[string, string]> = [];
    native.info().keyspace.forEach(([keys, expires, avgTtl], db) => {
      if (keys > 0) rows.push([`db${db}`, `keys=${keys},expires=${expires},avg_ttl=${avgTtl}`]);
    });
    return rows;
  },
};

/** The command statistics rows by name (Redis lists them in its hash table's order). */
function sortedRows(server: Server): ReturnType<Server['ops']['commands']['rows']> {
  return server.ops.commands.rows().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every section in Redis 7.0's order; `all` and `everything` give them all. */
const ALL_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace'];
/** INFO without arguments, or `default`: all but the per-command ones. */
const DEFAULT_SECTIONS = ALL_SECTIONS.filter((n) => n !== 'commandstats' && n !== 'latencystats');

/** The fields of one INFO section (also read by the metrics endpoint: one source of figures). */
export function infoSection(server: Server, name: string): Array<[string, string | number]> {
  return sections[name]?.(server) ?? [];
}

/** INFO text: "# Section" headers, CRLF line endings, sections separated by an empty line. */
export function infoText(server: Server, requested: string[]): string {
  const wanted = new Set<string>();
  for (const r of requested.length === 0 ? ['default'] : requested) {
    if (r === 'all' || r === 'everything') ALL_SECTIONS.forEach((n) => wanted.add(n));
    else if (r === 'default') DEFAULT_SECTIONS.forEach((n) => wanted.add(n));
    else wanted.add(r);
  }
  const names = ALL_SECTIONS.filter((n) => wanted.has(n));
  return names
    .map((name) => {
      const title = name === 'cpu' ? 'CPU' : name[0].toUpperCase() + name.slice(1);
      const lines = sections[name](server).map(([k, v]) => `${k}:${v}\r\n`);
      return `# ${title}\r\n${lines.join('')}`;
    })
    .join('\r\n');
}

const info: TsHandler = (ctx, args) => {
  const requested = args.slice(1).map((a) => a.toString('latin1').toLowerCase());
  ctx.reply.verbatim(infoText(ctx.server, requested));
};

const time: TsHandler = (ctx) => {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  ctx.reply.array(2);
  ctx.reply.bulk(Math.floor(micros / 1e6).toString());
  ctx.reply.bulk((micros % 1e6).toString());
};

const shutdown: TsHandler = (ctx, args) => {
  let mode: ShutdownSave = 'default';
  for (const a of args.slice(1)) {
    const opt = a.toString('latin1').toLowerCase();
    if (!['nosave', 'save', 'now', 'force', 'abort'].includes(opt)) return void ctx.reply.error('ERR syntax error');
    if (opt === 'abort') return void ctx.reply.error('ERR No shutdown in progress.');
    if (opt === 'nosave' || opt === 'save') {
      if (mode !== 'default' && mode !== opt) return void ctx.reply.error('ERR syntax error');
      mode = opt;
    }
  }
  // During a busy script only SHUTDOWN NOSAVE goes through (it may not save a half-run script).
  if (ctx.server.busyScript.active && mode !== 'nosave') return void ctx.reply.error(ctx.server.busyScript.error);
  // A failed save keeps the server up, with an error, as Redis does.
  const error = ctx.server.persistence?.prepareShutdown(mode) ?? null;
  if (error !== null) return void ctx.reply.error(error);
  // No reply on success: the connection closes, as with Redis.
  ctx.server.shutdown(0);
};

/** Writes [ok, text] as +text or -text. */
function statusOrError(ctx: Parameters<TsHandler>[0], [ok, text]: [boolean, string]): void {
  if (ok) ctx.reply.simple(text);
  else ctx.reply.error(text);
}

const bgrewriteaof: TsHandler = (ctx) => {
  const p = ctx.server.persistence;
  if (p === null) return void ctx.reply.error('ERR persistence is not available');
  statusOrError(ctx, p.bgrewriteaof());
};

const bgsave: TsHandler = (ctx, args) => {
  const p = ctx.server.persistence;
  if (p === null) return void ctx.reply.error('ERR persistence is not available');
  if (args.length > 2 || (args.length === 2 && args[1].toString('latin1').toLowerCase() !== 'schedule')) {
    return void ctx.reply.error('ERR syntax error');
  }
  statusOrError(ctx, p.bgsave(args.length === 2));
};

const save: TsHandler = (ctx) => {
  const p = ctx.server.persistence;
  if (p === null) return void ctx.reply.error('ERR persistence is not available');
  statusOrError(ctx, p.save());
};

const lastsave: TsHandler = (ctx) => {
  const at = ctx.server.persistence?.snapshots.lastSave ?? ctx.server.startTime;
  ctx.reply.integer(Math.floor(at / 1000));
};

// ---- SLOWLOG ----

const SLOWLOG_HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
];

const LATENCY_HELP = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
  'HELP',
  '    Prints this help.',
];

function helpReply(lines: readonly string[]): TsHandler {
  return (ctx) => {
    ctx.reply.array(lines.length);
    for (const line of lines) ctx.reply.simple(line);
  };
}

const slowlogGet: TsHandler = (ctx, args) => {
  let count = 10;
  if (args.length > 3) return void ctx.reply.error('ERR syntax error');
  if (args.length === 3) {
    const text = args[2].toString('latin1');
    const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < -1) return void ctx.reply.error('ERR count should be greater than or equal to -1');
    count = n;
  }
  const entries = ctx.server.ops.slowlog.get(count);
  const r = ctx.reply;
  r.array(entries.length);
  for (const e of entries) {
    r.array(6).integer(e.id).integer(e.time).integer(e.durationUsec);
    r.array(e.args.length);
    for (const a of e.args) r.bulk(a);
    r.bulk(e.peer).bulk(Buffer.from(e.name, 'latin1'));
  }
};

const slowlogLen: TsHandler = (ctx) => void ctx.reply.integer(ctx.server.ops.slowlog.length);

const slowlogReset: TsHandler = (ctx) => {
  ctx.server.ops.slowlog.reset();
  ctx.reply.simple('OK');
};

// ---- LATENCY ----

const latencyLatest: TsHandler = (ctx) => {
  const events = ctx.server.ops.latency.events;
  ctx.reply.array(events.size);
  for (const [name, e] of events) {
    ctx.reply.array(4).bulk(name).integer(e.latest.time).integer(e.latest.latencyMs).integer(e.max);
  }
};

const latencyHistory: TsHandler = (ctx, args) => {
  const e = ctx.server.ops.latency.events.get(args[2].toString('latin1'));
  const samples = e?.samples ?? [];
  ctx.reply.array(samples.length);
  for (const s of samples) ctx.reply.array(2).integer(s.time).integer(s.latencyMs);
};

const latencyReset: TsHandler = (ctx, args) => {
  ctx.reply.integer(ctx.server.ops.latency.reset(args.slice(2).map((a) => a.toString('latin1'))));
};

const latencyGraph: TsHandler = (ctx, args) => {
  const event = args[2].toString('latin1');
  const graph = ctx.server.ops.latency.graph(event);
  if (graph === null) ctx.reply.error(`ERR No samples available for event '${event}'`);
  else ctx.reply.verbatim(graph);
};

const latencyDoctor: TsHandler = (ctx) => void ctx.reply.verbatim(ctx.server.ops.latency.doctor());

/** Redis's hdr log iteration: buckets from 1024 ns doubling, shown in µs (1, 2, 4, 8, 16, 32, 65, ...). */
const HISTOGRAM_BOUNDS_SECONDS = Array.from({ length: 31 }, (_, k) => (1024 * 2 ** k - 1) / 1e9);

const latencyHistogram: TsHandler = (ctx, args) => {
  const rows = ctx.server.ops.commands.rows([], HISTOGRAM_BOUNDS_SECONDS).filter((r) => r.calls > 0);
  const wanted = args.slice(2).map((a) => a.toString('latin1').toLowerCase());
  const selected = wanted.length === 0 ? rows : rows.filter((r) => wanted.includes(r.name));
  const r = ctx.reply;
  r.map(selected.length);
  for (const row of selected) {
    r.bulk(row.name).map(2).bulk('calls').integer(row.calls).bulk('histogram_usec');
    const points: Array<[number, number]> = [];
    let previous = 0;
    row.buckets.forEach((cumulative, k) => {
      if (cumulative > previous) points.push([Math.floor(HISTOGRAM_BOUNDS_SECONDS[k] * 1e6), cumulative]);
      previous = cumulative;
    });
    r.map(points.length);
    for (const [usec, cumulative] of points) r.integer(usec).integer(cumulative);
  }
};

// ---- MONITOR ----

const monitor: TsHandler = (ctx) => {
  const monitors = ctx.server.ops.monitors;
  // Like Redis: a client already monitoring gets no reply at all.
  if (monitors.clients.has(ctx.client)) return;
  monitors.clients.add(ctx.client);
  ctx.reply.simple('OK');
};

export const serverHandlers: Record<string, TsHandler> = {
  info,
  time,
  shutdown,
  bgrewriteaof,
  bgsave,
  save,
  lastsave,
  'slowlog|get': slowlogGet,
  'slowlog|len': slowlogLen,
  'slowlog|reset': slowlogReset,
  'slowlog|help': helpReply(SLOWLOG_HELP),
  'latency|latest': latencyLatest,
  'latency|history': latencyHistory,
  'latency|reset': latencyReset,
  'latency|doctor': latencyDoctor,
  'latency|graph': latencyGraph,
  'latency|histogram': latencyHistogram,
  'latency|help': helpReply(LATENCY_HELP),
  monitor,
};
