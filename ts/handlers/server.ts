/** TypeScript-owned server commands: INFO (assembled from engine and server figures), TIME, SHUTDOWN. */
import os from 'node:os';
import type { TsHandler } from '../commands/types';
import type { Server } from '../server/server';
import { native } from '../native';
import type { ShutdownSave } from '../persistence';
import { REDIS_VERSION, VERSION } from '../version';

const RUN_ID = Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

function human(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes}B` : `${v.toFixed(2)}${units[u]}`;
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
  memory: () => {
    const engine = native.info();
    const mem = process.memoryUsage();
    const used = engine.usedMemory + mem.heapUsed;
    return [
      ['used_memory', used],
      ['used_memory_human', human(used)],
      ['used_memory_rss', mem.rss],
      ['used_memory_rss_human', human(mem.rss)],
      ['used_memory_dataset', engine.usedMemory],
      ['used_memory_engine', engine.usedMemory],
      ['used_memory_js_heap', mem.heapUsed],
      ['total_system_memory', os.totalmem()],
      ['total_system_memory_human', human(os.totalmem())],
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
      ['tracking_total_keys', server.tracking.totalKeys],
      ['tracking_total_items', server.tracking.totalItems],
      ['tracking_total_prefixes', server.tracking.totalPrefixes],
      ['total_error_replies', 0],
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
  errorstats: () => [],
  cluster: () => [['cluster_enabled', 0]],
  keyspace: () => {
    const rows: Array<[string, string]> = [];
    native.info().keyspace.forEach(([keys, expires, avgTtl], db) => {
      if (keys > 0) rows.push([`db${db}`, `keys=${keys},expires=${expires},avg_ttl=${avgTtl}`]);
    });
    return rows;
  },
};

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];

/** INFO text: "# Section" headers, CRLF line endings, sections separated by an empty line. */
export function infoText(server: Server, requested: string[]): string {
  let names: string[];
  if (requested.length === 0 || requested.some((r) => r === 'default' || r === 'all' || r === 'everything')) {
    names = DEFAULT_SECTIONS;
  } else {
    names = DEFAULT_SECTIONS.filter((n) => requested.includes(n));
  }
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

export const serverHandlers: Record<string, TsHandler> = { info, time, shutdown, bgrewriteaof, bgsave, save, lastsave };
