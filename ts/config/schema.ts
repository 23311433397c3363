/**
 * The settings schema: one declarative table that drives loading (TOML file, environment, flags),
 * validation, --help and Redis's CONFIG GET/SET.
 *
 * Each row names a setting by its TOML section and key ("server.port"), which is also where it
 * lives in the typed `Settings` object. A row may add a command-line flag, a Redis CONFIG name,
 * and the feature it belongs to.
 *
 * Environment variables are derived from section and key by one rule, matching the seed's
 * examples (RUSTYPOTATO_PORT, RUSTYPOTATO_BIND_ADDRESS, RUSTYPOTATO_AOF_PATH, RUSTYPOTATO_MAX_MEMORY,
 * RUSTYPOTATO_LOG_LEVEL, RUSTYPOTATO_METRICS_ENABLED, RUSTYPOTATO_CLUSTERING_ENABLED):
 *   RUSTYPOTATO_ + <section prefix> + KEY in upper case, where the section prefix is
 *   nothing for [server], [storage] and [security] (their keys already say what they are:
 *   port, aof_path, tls_enabled), "LOG_" for [logging] and "METRICS_" / "CLUSTERING_" for
 *   [metrics] / [clustering] (whose keys — enabled, port, path — would otherwise collide).
 * RUSTYPOTATO_CONFIG names the TOML file when -c/--config is not given.
 *
 * Features that do not exist yet are listed in FEATURES with `available: false`. A setting that
 * belongs to such a feature accepts only its default ("off") value from every source; anything else
 * is refused with a message naming the setting. When a feature lands, flip its flag.
 */
import path from 'node:path';
import {
  DEFAULT_OUTPUT_BUFFER_LIMITS,
  bindAddresses,
  boolean,
  choice,
  integer,
  keepAlive,
  memory,
  keyspaceEventClasses,
  outputBufferLimits,
  text,
  wordList,
  type OutputBufferLimits,
  type ValueKind,
} from './values';

export const FEATURES = {
  aof: { name: 'AOF persistence', available: true },
  aofCompression: { name: 'AOF compression', available: true },
  snapshots: { name: 'RDB snapshots', available: true },
  memoryLimit: { name: 'memory limiting (max_memory, eviction)', available: false },
  metrics: { name: 'the metrics endpoint', available: true },
  auth: { name: 'authentication', available: false },
  tls: { name: 'TLS', available: false },
  clustering: { name: 'clustering', available: false },
  logRotation: { name: 'log rotation', available: true },
} satisfies Record<string, { name: string; available: boolean }>;

export type FeatureId = keyof typeof FEATURES;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'pretty';
export type LogRotation = 'never' | 'daily' | 'hourly' | 'size';
export type FsyncPolicy = 'always' | 'everysec' | 'no';
export type AofCompression = 'none' | 'gzip' | 'lz4' | 'zstd';
export type EvictionPolicy =
  | 'noeviction'
  | 'allkeys-lru'
  | 'allkeys-lfu'
  | 'allkeys-random'
  | 'volatile-lru'
  | 'volatile-lfu'
  | 'volatile-random'
  | 'volatile-ttl';

/** Every setting, grouped as in rustypotato.toml. Property names are the TOML keys. */
export interface Settings {
  server: {
    port: number;
    bind_address: string[];
    max_connections: number;
    /** Seconds between TCP keep-alive probes; 0 = off (`true` in the file means 300, as Redis). */
    tcp_keepalive: number;
    tcp_nodelay: boolean;
    databases: number;
    /** Close clients idle for this many seconds; 0 = never (Redis's `timeout`). */
    timeout: number;
    hz: number;
    proto_max_bulk_len: number;
    client_query_buffer_limit: number;
    /** SLOWLOG: commands taking at least this many µs are logged (-1 never, 0 all). */
    slowlog_log_slower_than: number;
    /** A script running longer than this many ms makes the server busy (Redis's busy-reply-threshold). */
    busy_reply_threshold: number;
    slowlog_max_len: number;
    /** LATENCY: spikes of at least this many ms are recorded (0 = off). */
    latency_monitor_threshold: number;
    /** Redis's notify-keyspace-events, in its canonical form ("AKE"); "" = off. */
    notify_keyspace_events: string;
    /** Redis's client-output-buffer-limit (the pubsub class disconnects slow subscribers). */
    client_output_buffer_limit: OutputBufferLimits;
  };
  storage: {
    aof_enabled: boolean;
    aof_path: string;
    aof_fsync: FsyncPolicy;
    aof_compression: AofCompression;
    /** Automatic rewrite when the AOF grew by this percentage over its size after the last rewrite (0 = never). */
    aof_rewrite_percentage: number;
    /** ... and is at least this many bytes. */
    aof_rewrite_min_size: number;
    /** Start with an AOF whose last record is cut short (a crash mid-write) by dropping that record. */
    aof_load_truncated: boolean;
    /** Bytes; 0 = no limit. */
    max_memory: number;
    eviction_policy: EvictionPolicy;
    /** Redis's `save` schedule: "<seconds> <changes> ..." pairs; empty = no automatic snapshots. */
    save: string;
    /** Where SAVE/BGSAVE write the RDB snapshot and start-up reads it (Redis's dir + dbfilename). */
    snapshot_path: string;
    /** Refuse writes while the last background save failed (Redis's stop-writes-on-bgsave-error). */
    stop_writes_on_bgsave_error: boolean;
    /** Add "#TS:<unix seconds>" annotations to the AOF (point-in-time recovery). */
    aof_timestamps: boolean;
    aof_use_rdb_preamble: boolean;
    /** Start-up only: replay the AOF up to this time (unix seconds or an ISO date); '' = all of it. */
    restore_to: string;
    /** Thresholds of the compact collection encodings (Redis's names with '_' for '-'). */
    hash_max_listpack_entries: number;
    hash_max_listpack_value: number;
    list_max_listpack_size: number;
    list_compress_depth: number;
    set_max_intset_entries: number;
    zset_max_listpack_entries: number;
    zset_max_listpack_value: number;
  };
  logging: {
    level: LogLevel;
    format: LogFormat;
    /** Log file path; "" = standard output. */
    file: string;
    rotation: LogRotation;
    /** rotation = "size": rotate before the file exceeds this many bytes. */
    max_size: number;
    /** Rotated files kept; older ones are deleted. */
    keep: number;
  };
  metrics: { enabled: boolean; port: number; path: string };
  security: { auth_enabled: boolean; password: string; tls_enabled: boolean; cert_file: string; key_file: string };
  clustering: { enabled: boolean; node_id: string; peers: string[] };
}

export type SectionName = keyof Settings;
export const SECTIONS: readonly SectionName[] = ['server', 'storage', 'logging', 'metrics', 'security', 'clustering'];

/** "server.port", "storage.aof_enabled", ... */
export type SettingPath = { [S in SectionName]: `${S}.${keyof Settings[S] & string}` }[SectionName];
export type ValueAt<P extends SettingPath> = P extends `${infer S}.${infer K}`
  ? S extends SectionName
    ? K extends keyof Settings[S]
      ? Settings[S][K]
      : never
    : never
  : never;

/**
 * How CONFIG SET treats a Redis parameter: `runtime` can be changed; `immutable` and `protected`
 * are refused with Redis's own texts ("can't set immutable config" / "can't set protected config").
 */
export type RedisAccess = 'runtime' | 'immutable' | 'protected';

export interface RedisParameter<T> {
  name: string;
  /** Other names CONFIG GET/SET accept and list for the same parameter (Redis's renamed configs). */
  aliases?: readonly string[];
  access: RedisAccess;
  /** Overrides the kind's rendering (e.g. appendfilename shows the base name of aof_path). */
  render?(value: T): string;
}

export interface FlagSpec {
  long: string;
  short?: string;
  /** Placeholder shown in --help, e.g. "<PORT>". */
  arg: string;
  /** Giving the flag also turns this on (the seed: --aof-path enables AOF, --metrics-port metrics). */
  implies?: SettingPath;
}

export interface SettingSpec<T> {
  path: SettingPath;
  section: SectionName;
  key: string;
  kind: ValueKind<T>;
  default: T;
  summary: string;
  /** Read from the TOML file and the environment (false for Redis-only parameters). */
  inFile: boolean;
  env: string | null;
  flag?: FlagSpec;
  redis?: RedisParameter<T>;
  /** The feature this setting configures; absent = part of this version. */
  feature?: FeatureId;
}

export const ENV_PREFIX = 'RUSTYPOTATO_';
export const CONFIG_FILE_ENV = 'RUSTYPOTATO_CONFIG';
const ENV_SECTION_PREFIX: Record<SectionName, string> = {
  server: '',
  storage: '',
  security: '',
  logging: 'LOG_',
  metrics: 'METRICS_',
  clustering: 'CLUSTERING_',
};

export function envName(section: SectionName, key: string): string {
  return ENV_PREFIX + ENV_SECTION_PREFIX[section] + key.toUpperCase();
}

type RowOptions<T> = {
  kind: ValueKind<T>;
  default: T;
  summary: string;
  inFile?: boolean;
  flag?: FlagSpec;
  redis?: RedisParameter<T>;
  feature?: FeatureId;
};

function row<P extends SettingPath>(p: P, opts: RowOptions<ValueAt<P>>): SettingSpec<ValueAt<P>> & { path: P } {
  const [section, key] = p.split('.') as [SectionName, string];
  const inFile = opts.inFile ?? true;
  return { path: p, section, key, ...opts, inFile, env: inFile ? envName(section, key) : null };
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const LONG_MAX = Number.MAX_SAFE_INTEGER;
const PATH_TEXT = text({ check: (t) => t !== '' && !t.includes('\0'), expected: 'a non-empty path' });
const OPTIONAL_PATH = text({ check: (t) => !t.includes('\0'), expected: 'a path, or "" for none' });

const TABLE = [
  // [server]
  row('server.port', {
    kind: integer(0, 65535),
    default: 6379,
    summary: 'TCP port to listen on (0 = any free port)',
    flag: { long: 'port', short: 'p', arg: '<PORT>' },
    redis: { name: 'port', access: 'runtime' },
  }),
  row('server.bind_address', {
    kind: bindAddresses(),
    default: ['127.0.0.1'],
    summary: 'addresses to listen on',
    flag: { long: 'bind', short: 'b', arg: '<ADDRESS>' },
    redis: { name: 'bind', access: 'runtime' },
  }),
  row('server.max_connections', {
    kind: integer(1, 4294967295),
    default: 10000,
    summary: 'maximum concurrent client connections',
    flag: { long: 'max-connections', arg: '<NUM>' },
    redis: { name: 'maxclients', access: 'runtime' },
  }),
  row('server.tcp_keepalive', {
    kind: keepAlive(300),
    default: 300,
    summary: 'TCP keep-alive probe interval in seconds (true = 300, false = 0 = off)',
    redis: { name: 'tcp-keepalive', access: 'runtime' },
  }),
  row('server.tcp_nodelay', { kind: boolean, default: true, summary: 'disable Nagle\'s algorithm on client sockets' }),
  row('server.databases', {
    kind: integer(1, 65536),
    default: 16,
    summary: 'number of databases (SELECT 0..n-1)',
    redis: { name: 'databases', access: 'immutable' },
  }),
  row('server.timeout', {
    kind: integer(0, INT32_MAX),
    default: 0,
    summary: 'close clients idle for this many seconds (0 = never)',
    redis: { name: 'timeout', access: 'runtime' },
  }),
  row('server.hz', {
    kind: integer(1, 500, { redisMin: 0, redisMax: INT32_MAX, redisClamp: true }),
    default: 10,
    summary: 'background task frequency (active expiry, idle timeouts) per second',
    redis: { name: 'hz', access: 'runtime' },
  }),
  row('server.proto_max_bulk_len', {
    kind: memory(1024 * 1024),
    default: 512 * 1024 * 1024,
    summary: 'largest bulk string a client may send',
    redis: { name: 'proto-max-bulk-len', access: 'runtime' },
  }),
  row('server.client_query_buffer_limit', {
    kind: memory(1024 * 1024),
    default: 1024 * 1024 * 1024,
    summary: 'largest unprocessed input a client may accumulate',
    redis: { name: 'client-query-buffer-limit', access: 'runtime' },
  }),
  row('server.busy_reply_threshold', {
    // Redis's range is 0..LLONG_MAX; larger values than ours are clamped (both mean "never").
    kind: integer(0, LONG_MAX, { redisMax: 9223372036854775807n, redisClamp: true }),
    default: 5000,
    summary: 'ms a script may run before other clients get BUSY and SCRIPT/FUNCTION KILL may stop it',
    // Redis 7 still answers to the pre-7.0 name.
    redis: { name: 'busy-reply-threshold', access: 'runtime', aliases: ['lua-time-limit'] },
  }),
  row('server.slowlog_log_slower_than', {
    kind: integer(-1, LONG_MAX),
    default: 10000,
    summary: 'SLOWLOG: log commands taking at least this many microseconds (-1 = never, 0 = every command)',
    redis: { name: 'slowlog-log-slower-than', access: 'runtime' },
  }),
  row('server.slowlog_max_len', {
    kind: integer(0, LONG_MAX),
    default: 128,
    summary: 'SLOWLOG: entries kept',
    redis: { name: 'slowlog-max-len', access: 'runtime' },
  }),
  row('server.latency_monitor_threshold', {
    kind: integer(0, LONG_MAX),
    default: 0,
    summary: 'LATENCY: record events taking at least this many milliseconds (0 = off)',
    redis: { name: 'latency-monitor-threshold', access: 'runtime' },
  }),
  row('server.client_output_buffer_limit', {
    kind: outputBufferLimits(),
    default: DEFAULT_OUTPUT_BUFFER_LIMITS,
    summary: 'output buffer limits per client class: "<class> <hard> <soft> <seconds>" groups',
    redis: { name: 'client-output-buffer-limit', access: 'runtime' },
  }),
  row('server.notify_keyspace_events', {
    kind: keyspaceEventClasses(),
    default: '',
    summary: 'keyspace notification classes (Redis\'s notify-keyspace-events letters, e.g. "KEA")',
    redis: { name: 'notify-keyspace-events', access: 'runtime' },
  }),

  // [storage]
  row('storage.aof_enabled', {
    kind: boolean,
    default: false,
    summary: 'log every write to an append-only file',
    redis: { name: 'appendonly', access: 'runtime' },
    feature: 'aof',
  }),
  row('storage.aof_path', {
    kind: PATH_TEXT,
    default: 'rustypotato.aof',
    summary: 'append-only file path',
    flag: { long: 'aof-path', arg: '<PATH>', implies: 'storage.aof_enabled' },
    redis: { name: 'appendfilename', access: 'immutable', render: (v) => path.basename(v) },
    feature: 'aof',
  }),
  row('storage.aof_fsync', {
    kind: choice<FsyncPolicy>(['always', 'everysec', 'no'], {
      redisNames: [
        ['everysec', 'everysec'],
        ['always', 'always'],
        ['no', 'no'],
      ],
    }),
    default: 'everysec',
    summary: 'when the append-only file is flushed to disk',
    redis: { name: 'appendfsync', access: 'runtime' },
    feature: 'aof',
  }),
  row('storage.aof_rewrite_percentage', {
    kind: integer(0, INT32_MAX),
    default: 100,
    summary: 'rewrite the AOF automatically when it grew by this % since the last rewrite (0 = never)',
    redis: { name: 'auto-aof-rewrite-percentage', access: 'runtime' },
    feature: 'aof',
  }),
  row('storage.aof_rewrite_min_size', {
    kind: memory(0),
    default: 64 * 1024 * 1024,
    summary: 'smallest AOF size for an automatic rewrite',
    redis: { name: 'auto-aof-rewrite-min-size', access: 'runtime' },
    feature: 'aof',
  }),
  row('storage.aof_load_truncated', {
    kind: boolean,
    default: true,
    summary: 'load an AOF whose last record was cut short by a crash (the tail is dropped)',
    redis: { name: 'aof-load-truncated', access: 'runtime' },
    feature: 'aof',
  }),
  row('storage.aof_compression', {
    kind: choice<AofCompression>(['none', 'gzip', 'lz4', 'zstd']),
    default: 'none',
    summary: 'compression of snapshots and of the AOF rewrite base (none keeps Redis\'s tools working)',
    feature: 'aofCompression',
  }),
  ...(
    [
      ['hash_max_listpack_entries', 512, 0, LONG_MAX, 'hash entries kept in the compact listpack encoding'],
      ['hash_max_listpack_value', 64, 0, LONG_MAX, 'longest hash field or value kept in a listpack'],
      ['list_max_listpack_size', -2, INT32_MIN, INT32_MAX, 'list node size: entries (>0) or -1..-5 for 4..64 KB'],
      ['list_compress_depth', 0, 0, INT32_MAX, 'list nodes at each end left uncompressed (0 = none compressed)'],
      ['set_max_intset_entries', 512, 0, LONG_MAX, 'integer set members kept in the compact intset encoding'],
      ['zset_max_listpack_entries', 128, 0, LONG_MAX, 'sorted set members kept in a listpack'],
      ['zset_max_listpack_value', 64, 0, LONG_MAX, 'longest sorted set member kept in a listpack'],
    ] as const
  ).map(([key, def, min, max, summary]) =>
    row(`storage.${key}`, {
      kind: integer(min, max),
      default: def,
      summary,
      // Redis 7 still answers to the pre-7.0 "ziplist" names of these parameters.
      redis: { name: key.replace(/_/g, '-'), access: 'runtime', aliases: key.includes('listpack') ? [key.replace(/_/g, '-').replace('listpack', 'ziplist')] : [] },
    }),
  ),
  row('storage.max_memory', {
    kind: memory(0, 18446744073709551615n),
    default: 0,
    summary: 'memory limit in bytes (0 = none)',
    redis: { name: 'maxmemory', access: 'runtime' },
    feature: 'memoryLimit',
  }),
  row('storage.eviction_policy', {
    kind: choice<EvictionPolicy>(
      ['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'],
      {
        // The seed's short names.
        aliases: { lru: 'allkeys-lru', lfu: 'allkeys-lfu', random: 'allkeys-random', ttl: 'volatile-ttl' },
        redisNames: (
          ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] as const
        ).map((p): [string, EvictionPolicy] => [p, p]),
      },
    ),
    default: 'noeviction',
    summary: 'what to evict at the memory limit (lru, lfu, random, ttl or a Redis policy name)',
    redis: { name: 'maxmemory-policy', access: 'runtime' },
    feature: 'memoryLimit',
  }),
  row('storage.save', {
    kind: text({ check: (t) => /^\s*$|^\s*(\d+\s+\d+\s*)+$/.test(t), redisError: 'Invalid save parameters', expected: '"<seconds> <changes> ..."' }),
    default: '',
    summary: 'snapshot schedule',
    redis: { name: 'save', access: 'runtime', render: (v) => v.trim().split(/\s+/).filter((w) => w !== '').join(' ') },
    feature: 'snapshots',
  }),
  row('storage.snapshot_path', {
    kind: PATH_TEXT,
    default: 'dump.rdb',
    summary: 'RDB snapshot file (SAVE, BGSAVE, save points, loaded at start when there is no AOF)',
    flag: { long: 'snapshot-path', arg: '<PATH>' },
    redis: { name: 'dbfilename', access: 'protected', render: (v) => path.basename(v) },
    feature: 'snapshots',
  }),
  row('storage.stop_writes_on_bgsave_error', {
    kind: boolean,
    default: true,
    summary: 'refuse writes (MISCONF) while the last background snapshot failed',
    redis: { name: 'stop-writes-on-bgsave-error', access: 'runtime' },
    feature: 'snapshots',
  }),
  row('storage.restore_to', {
    kind: text({ check: (t) => t === '' || parseRestoreTime(t) !== null, expected: 'unix seconds or an ISO 8601 date' }),
    default: '',
    summary: 'point-in-time recovery: replay the AOF only up to this time (the file is cut there; a copy is kept)',
    flag: { long: 'restore-to', arg: '<TIME>' },
    inFile: false,
    feature: 'aof',
  }),
  row('storage.aof_use_rdb_preamble', {
    kind: boolean,
    // Redis 7.0 defaults to yes. Plain commands stay our default: every tool and Redis version reads
    // them, rustypotato-check-aof included, and the compressed base is ours either way.
    default: false,
    summary: "BGREWRITEAOF writes the new AOF's base as an RDB image (smaller, loads faster), then commands",
    redis: { name: 'aof-use-rdb-preamble', access: 'runtime' },
    feature: 'aof',
  }),
  row('storage.aof_timestamps', {
    kind: boolean,
    default: false,
    summary: 'write "#TS:<unix seconds>" annotations into the AOF for point-in-time recovery',
    redis: { name: 'aof-timestamp-enabled', access: 'runtime' },
    feature: 'aof',
  }),

  // [logging]
  row('logging.level', {
    kind: choice<LogLevel>(['trace', 'debug', 'info', 'warn', 'error'], {
      // Redis has four levels; ours map onto them by verbosity, so CONFIG SET/GET round-trip.
      redisNames: [
        ['debug', 'trace'],
        ['verbose', 'debug'],
        ['notice', 'info'],
        ['warning', 'warn'],
      ],
      redisShows: { trace: 'debug', debug: 'verbose', info: 'notice', warn: 'warning', error: 'warning' },
    }),
    default: 'info',
    summary: 'log level',
    flag: { long: 'log-level', arg: '<LEVEL>' },
    redis: { name: 'loglevel', access: 'runtime' },
  }),
  row('logging.format', { kind: choice<LogFormat>(['json', 'pretty']), default: 'pretty', summary: 'log line format' }),
  row('logging.file', {
    kind: OPTIONAL_PATH,
    default: '',
    summary: 'log file ("" = standard output)',
    redis: { name: 'logfile', access: 'immutable' },
  }),
  row('logging.rotation', {
    kind: choice<LogRotation>(['never', 'daily', 'hourly', 'size']),
    default: 'never',
    summary: 'log file rotation (never, daily, hourly, or size: see max_size)',
    feature: 'logRotation',
  }),
  row('logging.max_size', {
    kind: memory(1024),
    default: 100 * 1024 * 1024,
    summary: 'with rotation = "size": largest log file before it is rotated',
    feature: 'logRotation',
  }),
  row('logging.keep', { kind: integer(1, 10000), default: 10, summary: 'rotated log files kept', feature: 'logRotation' }),

  // [metrics]
  row('metrics.enabled', { kind: boolean, default: false, summary: 'serve Prometheus metrics over HTTP', feature: 'metrics' }),
  row('metrics.port', {
    kind: integer(1, 65535),
    default: 9090,
    summary: 'metrics HTTP port',
    flag: { long: 'metrics-port', arg: '<PORT>', implies: 'metrics.enabled' },
    feature: 'metrics',
  }),
  row('metrics.path', {
    kind: text({ check: (t) => t.startsWith('/'), expected: 'a URL path starting with "/"' }),
    default: '/metrics',
    summary: 'metrics HTTP path',
    feature: 'metrics',
  }),

  // [security]
  row('security.auth_enabled', { kind: boolean, default: false, summary: 'require AUTH with a password', feature: 'auth' }),
  row('security.password', {
    kind: text(),
    default: '',
    summary: 'the password AUTH expects',
    redis: { name: 'requirepass', access: 'runtime' },
    feature: 'auth',
  }),
  row('security.tls_enabled', { kind: boolean, default: false, summary: 'accept TLS connections', feature: 'tls' }),
  row('security.cert_file', {
    kind: OPTIONAL_PATH,
    default: '',
    summary: 'TLS certificate file',
    redis: { name: 'tls-cert-file', access: 'runtime' },
    feature: 'tls',
  }),
  row('security.key_file', {
    kind: OPTIONAL_PATH,
    default: '',
    summary: 'TLS private key file',
    redis: { name: 'tls-key-file', access: 'runtime' },
    feature: 'tls',
  }),

  // [clustering]
  row('clustering.enabled', {
    kind: boolean,
    default: false,
    summary: 'run as a cluster node',
    redis: { name: 'cluster-enabled', access: 'immutable' },
    feature: 'clustering',
  }),
  row('clustering.node_id', { kind: text(), default: '', summary: 'this node\'s id', feature: 'clustering' }),
  row('clustering.peers', {
    kind: wordList({ items: '"host:port" strings' }),
    default: [],
    summary: 'other nodes, "host:port"',
    feature: 'clustering',
  }),
] as const;

// Compile-time check that the table covers every key of Settings.
type MissingFromTable = Exclude<SettingPath, (typeof TABLE)[number]['path']>;
const tableIsComplete: [MissingFromTable] extends [never] ? true : MissingFromTable = true;
void tableIsComplete;

/** The schema, in the order --help and CONFIG GET list it. */
export const SETTINGS: readonly SettingSpec<unknown>[] = TABLE;

/** Redis parameters that are facts about the process rather than settings; CONFIG SET refuses them. */
export const REDIS_FACTS: ReadonlyArray<{ name: string; value: () => string; access: 'immutable' | 'protected' }> = [
  // Redis reports its working directory, where it would write snapshots and AOF files.
  { name: 'dir', value: () => process.cwd(), access: 'protected' },
];

export function featureOf(spec: SettingSpec<unknown>): { name: string; available: boolean } | undefined {
  return spec.feature ? FEATURES[spec.feature] : undefined;
}

/** Reads one setting from a Settings object. */
export function valueOf(settings: Settings, spec: SettingSpec<unknown>): unknown {
  return (settings[spec.section] as Record<string, unknown>)[spec.key];
}

/** Writes one setting into a Settings object. */
export function assignValue(settings: Settings, spec: SettingSpec<unknown>, value: unknown): void {
  (settings[spec.section] as Record<string, unknown>)[spec.key] = value;
}

/** A fresh Settings object holding every default (lists copied, so callers may mutate). */
export function defaultSettings(): Settings {
  const out: Record<string, Record<string, unknown>> = {};
  for (const section of SECTIONS) out[section] = {};
  for (const spec of SETTINGS) out[spec.section]![spec.key] = Array.isArray(spec.default) ? spec.default.slice() : spec.default;
  return out as unknown as Settings;
}

export function settingByPath(p: SettingPath): SettingSpec<unknown> {
  const spec = SETTINGS.find((s) => s.path === p);
  if (!spec) throw new Error(`no setting ${p}`);
  return spec;
}

/** --restore-to: unix seconds, or a date Date.parse understands (ISO 8601); null when neither. */
export function parseRestoreTime(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
