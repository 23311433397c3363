/** Programmatic entry: build the command table, create the engine and the server, listen. */
import type { Settings } from './config/schema';
import { RuntimeConfig } from './config/runtime';
import { buildCommandTable } from './commands/table';
import { setCommandTable } from './commands/command-command';
import { tsHandlers } from './handlers';
import { createLogger, logSettings } from './log';
import { settingSources } from './config/load';
import { startObservability } from './metrics';
import { native } from './native';
import { Persistence, aofSettingsOf } from './persistence';
import { parseRestoreTime } from './config/schema';
import { Server, type ServerOptions } from './server/server';
import { configureKeyspaceEvents } from './server/notifications';
import { VERSION } from './version';

export { Server } from './server/server';

/** Collection encoding thresholds the engine reads (storage.* settings, Redis names with '-'). */
const ENCODING_LIMITS = [
  'hash_max_listpack_entries',
  'hash_max_listpack_value',
  'list_max_listpack_size',
  'list_compress_depth',
  'set_max_intset_entries',
  'zset_max_listpack_entries',
  'zset_max_listpack_value',
] as const;

/** The running server's view of the settings (CONFIG SET updates it through the config layer). */
export function serverOptions(settings: Settings): ServerOptions {
  const s = settings.server;
  return {
    port: s.port,
    bind: s.bind_address,
    maxClients: s.max_connections,
    idleTimeoutSeconds: s.timeout,
    tcpKeepAliveSeconds: s.tcp_keepalive,
    tcpNoDelay: s.tcp_nodelay,
    databases: s.databases,
    hz: s.hz,
    protoMaxBulkLen: s.proto_max_bulk_len,
    queryBufferLimit: s.client_query_buffer_limit,
  };
}

export async function startServer(settings: Settings, configFile: string | null = null): Promise<Server> {
  const l = settings.logging;
  const log = createLogger({ level: l.level, format: l.format, file: l.file || null, rotation: l.rotation, maxSize: l.max_size, keep: l.keep });
  log.info({ version: VERSION, pid: process.pid, configFile }, `RustyPotato ${VERSION} starting`);
  logSettings(log, settings, settingSources(settings));
  const table = buildCommandTable(tsHandlers);
  setCommandTable(table.all);
  const config = new RuntimeConfig(settings, configFile);
  const server = new Server(serverOptions(settings), table, log, config);
  server.configFile = configFile;
  // Engine-owned parameters, pushed at start and whenever CONFIG SET changes them.
  const pushEngineConfig = (): void => {
    const st = config.settings.storage;
    native.setConfig('proto-max-bulk-len', String(config.settings.server.proto_max_bulk_len));
    native.setConfig('busy-reply-threshold', String(config.settings.server.busy_reply_threshold));
    native.setConfig('maxmemory', String(st.max_memory));
    native.setConfig('maxmemory-policy', st.eviction_policy);
    for (const key of ENCODING_LIMITS) native.setConfig(key.replace(/_/g, '-'), String(st[key]));
  };
  pushEngineConfig();
  for (const path of ['server.proto_max_bulk_len', 'server.busy_reply_threshold', 'storage.max_memory', 'storage.eviction_policy'] as const) {
    config.onChange(path, pushEngineConfig);
  }
  for (const key of ENCODING_LIMITS) config.onChange(`storage.${key}`, pushEngineConfig);
  const refresh = (): void => void Object.assign(server.opts, serverOptions(config.settings));
  for (const path of ['server.max_connections', 'server.timeout', 'server.tcp_keepalive', 'server.tcp_nodelay', 'server.hz', 'server.proto_max_bulk_len', 'server.client_query_buffer_limit'] as const) {
    config.onChange(path, refresh);
  }
  // Redis rebinds at once; here the bind completes asynchronously, so on failure the old listeners
  // stay and the settings are put back (the failure is logged).
  let reverting = false;
  const rebind = (): void => {
    if (reverting) return;
    const previous = { port: server.opts.port, bind: server.opts.bind };
    refresh();
    void server.rebind(server.opts.port, server.opts.bind).then((error) => {
      if (error === null) return;
      reverting = true;
      config.set([
        ['port', String(previous.port)],
        ['bind', previous.bind.join(' ')],
      ]);
      reverting = false;
      refresh();
    });
  };
  config.onChange('server.port', rebind);
  config.onChange('server.bind_address', rebind);
  const applyOutputLimits = (): void => void (server.pubsub.outputLimit = { ...config.settings.server.client_output_buffer_limit.pubsub });
  applyOutputLimits();
  config.onChange('server.client_output_buffer_limit', applyOutputLimits);
  config.onChange('logging.level', (level) => void (log.level = level));
  // Persistence: the data is loaded before the first client is accepted.
  const persistence = new Persistence(config.settings, log, () => server.stats.dirty);
  persistence.start(parseRestoreTime(settings.storage.restore_to) ?? 0);
  server.persistence = persistence;
  server.aof = persistence.aof;
  config.onChange('storage.aof_enabled', (on) => {
    if (!on) return void persistence.aof.disable();
    const error = persistence.aof.enable(aofSettingsOf(config.settings));
    return error === null ? undefined : error;
  });
  config.onChange('storage.aof_fsync', (policy) => void persistence.aof.setPolicy(policy));
  for (const path of ['storage.aof_rewrite_percentage', 'storage.aof_rewrite_min_size', 'storage.aof_timestamps', 'storage.aof_use_rdb_preamble', 'storage.aof_compression', 'storage.save', 'storage.stop_writes_on_bgsave_error'] as const) {
    config.onChange(path, () => void setImmediate(() => persistence.update(config.settings)));
  }
  // After loading: replaying the files publishes nothing (nobody can be subscribed yet).
  configureKeyspaceEvents(config.settings.server.notify_keyspace_events);
  config.onChange('server.notify_keyspace_events', (text) => void configureKeyspaceEvents(text));
  await startObservability(server, config);
  await server.listen();
  return server;
}
