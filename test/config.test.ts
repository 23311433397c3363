/**
 * Configuration: loading (defaults < TOML file < RUSTYPOTATO_* environment < flags), error messages
 * that name their source, refusal of settings whose feature does not exist yet, --help/--version,
 * and CONFIG GET/SET/RESETSTAT/HELP — the last compared byte for byte with a real redis-server.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, helpText, loadSettings, type LoadResult } from '../ts/config/load';
import { FEATURES, SETTINGS, envName, type Settings } from '../ts/config/schema';
import { RuntimeConfig } from '../ts/config/runtime';
import { configGet, configHandlers, configHelp, configResetstat, configSet } from '../ts/config/config-command';
import { globMatch } from '../ts/config/glob';
import { ReplyWriter } from '../ts/protocol/reply';
import type { CommandContext } from '../ts/commands/types';
import { redisServerAvailable, repoRoot, startRedis, type ServerHandle } from './support/servers';
import type { Connection } from './support/connection';
import { parseAll, textOf } from './support/resp';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-config-'));
let fileCount = 0;
function tomlFile(text: string, name = `c${++fileCount}.toml`): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

function run(argv: string[], env: NodeJS.ProcessEnv = {}): Settings {
  const r = loadSettings(argv, env);
  if (r.kind !== 'run') throw new Error(`expected kind run, got ${r.kind}`);
  return r.settings;
}

function failure(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    loadSettings(argv, env);
  } catch (e) {
    assert.instance(e, ConfigError);
    return (e as Error).message;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(argv)} ${JSON.stringify(env)}`);
}

// The seed's example file, verbatim.
const SEED_TOML = `[server]
port = 6379
bind_address = "0.0.0.0"
max_connections = 10000
tcp_keepalive = true
tcp_nodelay = true

[storage]
# Persistence settings
aof_enabled = true
aof_path = "/data/rustypotato.aof"
aof_fsync = "everysec"  # always, everysec, no
aof_compression = "lz4"  # none, gzip, lz4, zstd

# Memory settings
max_memory = "1GB"
eviction_policy = "lru"  # lru, lfu, random, ttl

[logging]
level = "info"  # trace, debug, info, warn, error
format = "json"  # json, pretty
file = "/var/log/rustypotato.log"
rotation = "daily"  # daily, hourly, size

[metrics]
enabled = true
port = 9090
path = "/metrics"

[security]
# Authentication (bonus feature)
auth_enabled = false
password = "your-secure-password"

# TLS (bonus feature)
tls_enabled = false
cert_file = "/path/to/cert.pem"
key_file = "/path/to/key.pem"

[clustering]
# Distributed mode (unique feature)
enabled = false
node_id = "node-1"
peers = ["node-2:6380", "node-3:6380"]
`;

// ------------------------------------------------------------------------------------------------
// Loading

test('defaults: 127.0.0.1:6379, 16 databases, 10000 connections, in memory, log level info', () => {
  const s = run([]);
  assert.is(s.server.port, 6379);
  assert.equal(s.server.bind_address, ['127.0.0.1']);
  assert.is(s.server.databases, 16);
  assert.is(s.server.max_connections, 10000);
  assert.is(s.storage.aof_enabled, false);
  assert.is(s.storage.max_memory, 0);
  assert.is(s.logging.level, 'info');
  assert.is(s.server.tcp_keepalive, 300);
  assert.is(s.server.tcp_nodelay, true);
  assert.is(s.server.proto_max_bulk_len, 512 * 1024 * 1024);
  assert.is(s.server.client_query_buffer_limit, 1024 * 1024 * 1024);
  const r = loadSettings([], {});
  assert.is(r.kind === 'run' && r.configFile, null);
});

test('precedence: defaults < file < environment < flags', () => {
  const file = tomlFile('[server]\nport = 1111\nmax_connections = 11\n[logging]\nlevel = "warn"\n');
  const env = { RUSTYPOTATO_PORT: '2222', RUSTYPOTATO_MAX_CONNECTIONS: '22' };
  let s = run(['-c', file, '--port', '3333'], env);
  assert.is(s.server.port, 3333);
  assert.is(s.server.max_connections, 22);
  assert.is(s.logging.level, 'warn');
  s = run(['-c', file], env);
  assert.is(s.server.port, 2222);
  s = run(['-c', file], {});
  assert.is(s.server.port, 1111);
  assert.is(s.server.max_connections, 11);
  s = run(['--config', file, '--max-connections', '33', '--log-level', 'error'], env);
  assert.is(s.server.max_connections, 33);
  assert.is(s.logging.level, 'error');
  // The last of a repeated flag wins.
  assert.is(run(['-p', '1', '-p', '2']).server.port, 2);
});

test('RUSTYPOTATO_CONFIG names the file; -c/--config wins over it', () => {
  const a = tomlFile('[server]\nport = 4001\n');
  const b = tomlFile('[server]\nport = 4002\n');
  assert.is(run([], { RUSTYPOTATO_CONFIG: a }).server.port, 4001);
  assert.is(run(['--config', b], { RUSTYPOTATO_CONFIG: a }).server.port, 4002);
  const r = loadSettings([`--config=${b}`], {});
  assert.is(r.kind === 'run' && r.configFile, b);
});

test('every flag, in every spelling', () => {
  const file = tomlFile('[server]\ndatabases = 4\n');
  assert.is(run(['-p', '7001']).server.port, 7001);
  assert.is(run(['--port', '7002']).server.port, 7002);
  assert.is(run(['--port=7003']).server.port, 7003);
  assert.equal(run(['-b', '0.0.0.0']).server.bind_address, ['0.0.0.0']);
  assert.equal(run(['--bind', '127.0.0.1 ::1']).server.bind_address, ['127.0.0.1', '::1']);
  assert.equal(run(['--bind=::1']).server.bind_address, ['::1']);
  assert.is(run(['-c', file]).server.databases, 4);
  assert.is(run(['--config', file]).server.databases, 4);
  assert.is(run([`--config=${file}`]).server.databases, 4);
  assert.is(run(['--max-connections', '20000']).server.max_connections, 20000);
  assert.is(run(['--max-connections=5']).server.max_connections, 5);
  assert.is(run(['--log-level', 'debug']).logging.level, 'debug');
  assert.is(run(['--log-level=trace']).logging.level, 'trace');
  // Flags of features that do not exist yet are refused, naming the flag.
  // --aof-path also turns the AOF on (the seed's usage).
  const withAof = run(['--aof-path', '/data/rustypotato.aof']);
  assert.is(withAof.storage.aof_path, '/data/rustypotato.aof');
  assert.is(withAof.storage.aof_enabled, true);
  // --metrics-port also turns the endpoint on.
  const withMetrics = run(['--metrics-port=9091']);
  assert.is(withMetrics.metrics.port, 9091);
  assert.is(withMetrics.metrics.enabled, true);
  for (const h of ['-h', '--help']) assert.equal(loadSettings([h], {}), { kind: 'help', text: helpText() });
  for (const v of ['-V', '--version']) assert.equal(loadSettings([v], {}), { kind: 'version', text: 'rustypotato-server 0.1.0' });
  // Help and version win over anything else on the line.
  assert.is(loadSettings(['--port', 'abc', '--help'], {}).kind, 'help');
  // ... but the line must be well-formed.
  assert.ok(failure(['--bogus', '-V']).startsWith('--bogus: unknown option'));
});

test('flag errors name the flag and what is expected', () => {
  assert.is(failure(['--port', 'abc']), '--port: expected an integer 0-65535, got "abc"');
  assert.is(failure(['-p', '70000']), '-p: expected an integer 0-65535, got "70000"');
  assert.is(failure(['--port=']), '--port: expected an integer 0-65535, got ""');
  assert.is(failure(['--max-connections', '0']), '--max-connections: expected an integer 1-4294967295, got "0"');
  assert.is(failure(['--log-level', 'verbose']), '--log-level: expected one of trace, debug, info, warn, error, got "verbose"');
  assert.is(failure(['-b', 'example.com']).startsWith('-b: expected one or more IP addresses'), true);
  assert.is(failure(['--port']), '--port: expected a value <PORT>');
  assert.is(failure(['-c']), '-c: expected a value <FILE>');
  assert.is(failure(['--prot', '1']), "--prot: unknown option (did you mean '--port'?); see rustypotato-server --help");
  assert.is(failure(['--verbose']), '--verbose: unknown option; see rustypotato-server --help');
  assert.is(failure(['-x']), '-x: unknown option; see rustypotato-server --help');
  assert.is(failure(['6380']), 'unexpected argument "6380"; see rustypotato-server --help');
  assert.is(failure(['--help=yes']), '--help: takes no value');
});

/** For every environment variable: a valid non-default text and the value it must produce. */
const ENV_SAMPLES: Record<string, [string, unknown]> = {
  RUSTYPOTATO_PORT: ['6380', 6380],
  RUSTYPOTATO_BIND_ADDRESS: ['0.0.0.0', ['0.0.0.0']],
  RUSTYPOTATO_MAX_CONNECTIONS: ['20000', 20000],
  RUSTYPOTATO_TCP_KEEPALIVE: ['false', 0],
  RUSTYPOTATO_TCP_NODELAY: ['false', false],
  RUSTYPOTATO_DATABASES: ['32', 32],
  RUSTYPOTATO_TIMEOUT: ['30', 30],
  RUSTYPOTATO_HZ: ['100', 100],
  RUSTYPOTATO_HASH_MAX_LISTPACK_ENTRIES: ['64', 64],
  RUSTYPOTATO_HASH_MAX_LISTPACK_VALUE: ['32', 32],
  RUSTYPOTATO_LIST_MAX_LISTPACK_SIZE: ['-3', -3],
  RUSTYPOTATO_LIST_COMPRESS_DEPTH: ['1', 1],
  RUSTYPOTATO_SET_MAX_INTSET_ENTRIES: ['1024', 1024],
  RUSTYPOTATO_ZSET_MAX_LISTPACK_ENTRIES: ['256', 256],
  RUSTYPOTATO_ZSET_MAX_LISTPACK_VALUE: ['16', 16],
  RUSTYPOTATO_PROTO_MAX_BULK_LEN: ['1GB', 1024 ** 3],
  RUSTYPOTATO_CLIENT_QUERY_BUFFER_LIMIT: ['2mb', 2 * 1024 ** 2],
  RUSTYPOTATO_NOTIFY_KEYSPACE_EVENTS: ['KEA', 'AKE'],
  RUSTYPOTATO_CLIENT_OUTPUT_BUFFER_LIMIT: [
    'pubsub 64mb 16mb 90',
    { normal: { hard: 0, soft: 0, softSeconds: 0 }, replica: { hard: 256 * 1024 ** 2, soft: 64 * 1024 ** 2, softSeconds: 60 }, pubsub: { hard: 64 * 1024 ** 2, soft: 16 * 1024 ** 2, softSeconds: 90 } },
  ],
  RUSTYPOTATO_LOG_LEVEL: ['debug', 'debug'],
  RUSTYPOTATO_AOF_ENABLED: ['true', true],
  RUSTYPOTATO_AOF_PATH: ['/data/rustypotato.aof', '/data/rustypotato.aof'],
  RUSTYPOTATO_AOF_FSYNC: ['always', 'always'],
  RUSTYPOTATO_AOF_REWRITE_PERCENTAGE: ['50', 50],
  RUSTYPOTATO_AOF_REWRITE_MIN_SIZE: ['1mb', 1024 ** 2],
  RUSTYPOTATO_AOF_LOAD_TRUNCATED: ['no', false],
  RUSTYPOTATO_AOF_TIMESTAMPS: ['true', true],
  RUSTYPOTATO_AOF_USE_RDB_PREAMBLE: ['yes', true],
  RUSTYPOTATO_AOF_COMPRESSION: ['zstd', 'zstd'],
  RUSTYPOTATO_SAVE: ['3600 1 300 100', '3600 1 300 100'],
  RUSTYPOTATO_SNAPSHOT_PATH: ['/data/dump.rdb', '/data/dump.rdb'],
  RUSTYPOTATO_STOP_WRITES_ON_BGSAVE_ERROR: ['false', false],
  RUSTYPOTATO_LOG_FORMAT: ['json', 'json'],
  RUSTYPOTATO_LOG_FILE: ['/tmp/rustypotato.log', '/tmp/rustypotato.log'],
  RUSTYPOTATO_LOG_ROTATION: ['daily', 'daily'],
  RUSTYPOTATO_LOG_MAX_SIZE: ['10MB', 10 * 1024 ** 2],
  RUSTYPOTATO_LOG_KEEP: ['3', 3],
  RUSTYPOTATO_METRICS_ENABLED: ['true', true],
  RUSTYPOTATO_METRICS_PORT: ['9091', 9091],
  RUSTYPOTATO_METRICS_PATH: ['/stats', '/stats'],
  RUSTYPOTATO_SLOWLOG_LOG_SLOWER_THAN: ['-1', -1],
  RUSTYPOTATO_BUSY_REPLY_THRESHOLD: ['250', 250],
  RUSTYPOTATO_SLOWLOG_MAX_LEN: ['16', 16],
  RUSTYPOTATO_LATENCY_MONITOR_THRESHOLD: ['100', 100],
};
/** Variables of features that do not exist yet: [the default, accepted; a non-default value, refused]. */
const ENV_UNAVAILABLE: Record<string, [string, string]> = {
  RUSTYPOTATO_MAX_MEMORY: ['0', '2GB'],
  RUSTYPOTATO_EVICTION_POLICY: ['noeviction', 'lru'],
  RUSTYPOTATO_AUTH_ENABLED: ['false', 'true'],
  RUSTYPOTATO_PASSWORD: ['', 'secret'],
  RUSTYPOTATO_TLS_ENABLED: ['false', 'true'],
  RUSTYPOTATO_CERT_FILE: ['', '/path/to/cert.pem'],
  RUSTYPOTATO_KEY_FILE: ['', '/path/to/key.pem'],
  RUSTYPOTATO_CLUSTERING_ENABLED: ['false', 'true'],
  RUSTYPOTATO_CLUSTERING_NODE_ID: ['', 'node-1'],
  RUSTYPOTATO_CLUSTERING_PEERS: ['', 'node-2:6380,node-3:6380'],
};

test('environment: the seed names, and one rule for the rest', () => {
  const names = SETTINGS.flatMap((s) => (s.env ? [s.env] : []));
  for (const seedName of ['PORT', 'BIND_ADDRESS', 'AOF_PATH', 'LOG_LEVEL', 'MAX_MEMORY', 'METRICS_ENABLED', 'CLUSTERING_ENABLED']) {
    assert.ok(names.includes('RUSTYPOTATO_' + seedName), seedName);
  }
  assert.is(new Set(names).size, names.length, 'environment names are unique');
  for (const s of SETTINGS) if (s.env) assert.is(s.env, envName(s.section, s.key));
  // The samples below cover every variable, so a new setting cannot go untested.
  assert.equal([...Object.keys(ENV_SAMPLES), ...Object.keys(ENV_UNAVAILABLE)].sort(), names.slice().sort());
});

test('environment: every variable is read', () => {
  for (const [name, [text, expected]] of Object.entries(ENV_SAMPLES)) {
    const spec = SETTINGS.find((s) => s.env === name)!;
    const s = run([], { [name]: text }) as unknown as Record<string, Record<string, unknown>>;
    assert.equal(s[spec.section]![spec.key], expected, name);
  }
  for (const [name, [off, on]] of Object.entries(ENV_UNAVAILABLE)) {
    const spec = SETTINGS.find((s) => s.env === name)!;
    const s = run([], { [name]: off }) as unknown as Record<string, Record<string, unknown>>;
    assert.equal(s[spec.section]![spec.key], spec.default, name);
    const message = failure([], { [name]: on });
    assert.ok(message.startsWith(`${name}: `) && message.includes('is not available in this version'), message);
  }
  assert.is(run([], { RUSTYPOTATO_TCP_KEEPALIVE: '60' }).server.tcp_keepalive, 60);
  assert.is(run([], { RUSTYPOTATO_TCP_KEEPALIVE: 'true' }).server.tcp_keepalive, 300);
  assert.is(run([], { RUSTYPOTATO_TCP_NODELAY: 'no' }).server.tcp_nodelay, false);
  assert.equal(run([], { RUSTYPOTATO_BIND_ADDRESS: '127.0.0.1, ::1' }).server.bind_address, ['127.0.0.1', '::1']);
  // Unrelated variables are ignored.
  assert.is(run([], { HOME: '/root', RUSTY: 'x', PORT: 'x' }).server.port, 6379);
});

test('environment errors name the variable and what is expected', () => {
  assert.is(failure([], { RUSTYPOTATO_PORT: 'abc' }), 'RUSTYPOTATO_PORT: expected an integer 0-65535, got "abc"');
  assert.is(failure([], { RUSTYPOTATO_PORT: ' 6380' }), 'RUSTYPOTATO_PORT: expected an integer 0-65535, got " 6380"');
  assert.is(failure([], { RUSTYPOTATO_METRICS_ENABLED: 'maybe' }), 'RUSTYPOTATO_METRICS_ENABLED: expected true or false, got "maybe"');
  assert.is(
    failure([], { RUSTYPOTATO_MAX_MEMORY: '2GB' }),
    'RUSTYPOTATO_MAX_MEMORY: memory limiting (max_memory, eviction) is not available in this version; only the default, 0, is accepted',
  );
  assert.is(
    failure([], { RUSTYPOTATO_PROT: '1' }),
    "RUSTYPOTATO_PROT: unknown environment variable (did you mean 'RUSTYPOTATO_PORT'?); see rustypotato-server --help for the list",
  );
  assert.ok(failure([], { RUSTYPOTATO_NONSENSE_SETTING: '1' }).startsWith('RUSTYPOTATO_NONSENSE_SETTING: unknown environment variable'));
});

test('file: every key of the seed example is recognised; features not in this version are refused', () => {
  const refused: string[] = [];
  let section = '';
  let recognised = 0;
  for (const line of SEED_TOML.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1]!;
    const key = /^(\w+) =/.exec(line)?.[1];
    if (!key) continue;
    recognised++;
    const file = tomlFile(`[${section}]\n${line}\n`);
    try {
      run(['-c', file]);
    } catch (e) {
      const message = (e as Error).message;
      assert.ok(message.startsWith(`${file}:2: [${section}] ${key}: `), message);
      assert.match(message, / is not available in this version; only the default, .*, is accepted$/);
      refused.push(`${section}.${key}`);
    }
  }
  assert.is(recognised, 26);
  assert.equal(refused, [
    'storage.max_memory',
    'storage.eviction_policy',
    'security.password',
    'security.cert_file',
    'security.key_file',
    'clustering.node_id',
    'clustering.peers',
  ]);
  // The whole example stops at its first such key, naming the line.
  const seed = tomlFile(SEED_TOML, 'rustypotato.toml');
  assert.is(
    failure(['-c', seed]),
    `${seed}:16: [storage] max_memory: memory limiting (max_memory, eviction) is not available in this version; only the default, 0, is accepted`,
  );
});

test('file: the seed example with its missing features left off loads', () => {
  const off = SEED_TOML.replace('aof_enabled = true', 'aof_enabled = false')
    .replace(/^(aof_path|aof_compression|max_memory|eviction_policy|rotation|password|cert_file|key_file|node_id|peers) = .*$/gm, '')
    .replace('[metrics]\nenabled = true', '[metrics]\nenabled = false');
  const s = run(['-c', tomlFile(off)]);
  assert.equal(s.server.bind_address, ['0.0.0.0']);
  assert.is(s.server.tcp_keepalive, 300);
  assert.is(s.server.tcp_nodelay, true);
  assert.is(s.storage.aof_fsync, 'everysec');
  assert.is(s.logging.format, 'json');
  assert.is(s.logging.file, '/var/log/rustypotato.log');
  assert.is(s.metrics.port, 9090);
  assert.is(s.clustering.enabled, false);
  // The README's performance-tuning example, minus its AOF/memory lines.
  const tuning = run(['-c', tomlFile('[server]\nmax_connections = 50000\ntcp_keepalive = true\ntcp_nodelay = true\n[storage]\naof_fsync = "everysec"\n')]);
  assert.is(tuning.server.max_connections, 50000);
});

test('file: values of every kind', () => {
  const s = run([
    '-c',
    tomlFile(`[server]
bind_address = ["127.0.0.1", "::1"]
tcp_keepalive = 45
databases = 2
timeout = 60
hz = 50
proto_max_bulk_len = "1MB"
client_query_buffer_limit = 2097152
[storage]
max_memory = "0"
eviction_policy = "noeviction"
[logging]
level = "WARN"
`),
  ]);
  assert.equal(s.server.bind_address, ['127.0.0.1', '::1']);
  assert.is(s.server.tcp_keepalive, 45);
  assert.is(s.server.databases, 2);
  assert.is(s.server.timeout, 60);
  assert.is(s.server.hz, 50);
  assert.is(s.server.proto_max_bulk_len, 1024 * 1024);
  assert.is(s.server.client_query_buffer_limit, 2 * 1024 * 1024);
  assert.is(s.logging.level, 'warn');
  assert.is(run(['-c', tomlFile('[server]\ntcp_keepalive = false\n')]).server.tcp_keepalive, 0);
  assert.is(run(['-c', tomlFile('[server]\nproto_max_bulk_len = "2 gb"\n')]).server.proto_max_bulk_len, 2 * 1024 ** 3);
  assert.is(run(['-c', tomlFile('server.port = 5555\n')]).server.port, 5555);
  assert.is(run(['-c', tomlFile('[server]\n')]).server.port, 6379);
});

test('file errors name file:line, the key and what is expected', () => {
  const bad = tomlFile('# RustyPotato\n[server]\nbind_address = "0.0.0.0"\n\nmax_connections = 100\n# the port\nport = "abc"\n', 'rustypotato.toml');
  assert.is(failure(['-c', bad]), `${bad}:7: [server] port: expected an integer 0-65535, got "abc"`);
  const f = (text: string): [string, string] => {
    const file = tomlFile(text);
    return [file, failure(['-c', file])];
  };
  let [file, message] = f('[server]\nport = 70000\n');
  assert.is(message, `${file}:2: [server] port: expected an integer 0-65535, got 70000`);
  [file, message] = f('[server]\nport = 6379.5\n');
  assert.is(message, `${file}:2: [server] port: expected an integer 0-65535, got 6379.5`);
  [file, message] = f('[server]\ntcp_nodelay = "yes"\n');
  assert.is(message, `${file}:2: [server] tcp_nodelay: expected true or false, got "yes"`);
  [file, message] = f('[server]\nproto_max_bulk_len = "10"\n');
  assert.match(message, `${file}:2: [server] proto_max_bulk_len: expected a size in bytes of at least "1MB"`);
  [file, message] = f('[server]\nbind_address = ["127.0.0.1", 5]\n');
  assert.match(message, `${file}:2: [server] bind_address: expected one or more IP addresses`);
  [file, message] = f('[logging]\nlevel = "loud"\n');
  assert.is(message, `${file}:2: [logging] level: expected one of trace, debug, info, warn, error, got "loud"`);
  [file, message] = f('\n[server]\nprot = 1\n');
  assert.is(message.startsWith(`${file}:3: [server] prot: unknown key (did you mean 'port'?); [server] accepts port, bind_address,`), true, message);
  [file, message] = f('[srever]\nport = 1\n');
  assert.is(
    message,
    `${file}:1: unknown section [srever] (did you mean 'server'?); expected one of [server], [storage], [logging], [metrics], [security], [clustering]`,
  );
  [file, message] = f('port = 1\n');
  assert.is(message, `${file}:1: port: not in a section; it belongs in [server]`);
  [file, message] = f('[server]\nport = = 1\n');
  assert.ok(message.startsWith(`${file}:2:`) && message.includes('invalid TOML'), message);
  [file, message] = f('[server]\nport = 1\nport = 2\n');
  assert.ok(message.startsWith(`${file}:3:`) && message.includes('invalid TOML'), message);
  // Keys that CONFIG knows but the file does not are unknown in the file.
  [file, message] = f('[storage]\nrestore_to = "2026-01-01"\n');
  assert.ok(message.startsWith(`${file}:2: [storage] restore_to: unknown key`), message);
  const missing = path.join(tmp, 'missing.toml');
  assert.ok(failure(['-c', missing]).startsWith(`${missing}: cannot read the configuration file given by --config: ENOENT`));
  assert.ok(failure([], { RUSTYPOTATO_CONFIG: missing }).includes('given by RUSTYPOTATO_CONFIG'));
});

test('an unavailable feature is refused from the file even when a later source would not mention it', () => {
  const file = tomlFile('[security]\nauth_enabled = true\n');
  assert.is(failure(['-c', file, '-p', '1']), `${file}:2: [security] auth_enabled: authentication is not available in this version; only the default, false, is accepted`);
  // Off values are fine.
  assert.is(run(['-c', tomlFile('[metrics]\nenabled = false\nport = 9090\n[security]\nauth_enabled = false\ntls_enabled = false\n')]).metrics.enabled, false);
});

test('feature flags drive refusal: flipping one makes its settings load', () => {
  const feature = FEATURES.memoryLimit as { available: boolean };
  feature.available = true;
  try {
    const s = run(['-c', tomlFile('[storage]\nmax_memory = "1GB"\neviction_policy = "lru"\n')]);
    assert.is(s.storage.max_memory, 1024 ** 3);
    assert.is(s.storage.eviction_policy, 'allkeys-lru');
  } finally {
    feature.available = false;
  }
  assert.ok(failure([], { RUSTYPOTATO_EVICTION_POLICY: 'lru' }).includes('not available'));
});

test('help lists every flag and every file key with its variable; version comes from package.json', () => {
  const help = helpText();
  for (const flag of ['-p, --port', '-b, --bind', '-c, --config', '--aof-path', '--max-connections', '--metrics-port', '--log-level', '-h, --help', '-V, --version']) {
    assert.ok(help.includes(flag), flag);
  }
  for (const s of SETTINGS) {
    if (!s.env) continue;
    assert.ok(help.includes(s.env), s.env);
    assert.ok(help.includes(`  ${s.key} = `), s.key);
  }
  assert.ok(help.includes('[default: 6379]'));
  assert.ok(help.includes('--aof-path <PATH>        Append-only file path [default: rustypotato.aof]'));
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const v: LoadResult = loadSettings(['-V'], {});
  assert.equal(v, { kind: 'version', text: `rustypotato-server ${pkg.version}` });
});

// ------------------------------------------------------------------------------------------------
// Redis glob matching

test('glob: Redis rules', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', '', true],
    ['*', 'anything', true],
    ['a*b', 'ab', true],
    ['a*b', 'axxb', true],
    ['a*b', 'axxc', false],
    ['a**b', 'ab', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['h[\\]]llo', 'h]llo', true],
    ['h[ab', 'ha', true],
    ['abc', 'abcd', false],
    ['ab\\', 'ab\\', true],
  ];
  for (const [pattern, subject, expected] of cases) assert.is(globMatch(pattern, subject), expected, `${pattern} ~ ${subject}`);
  assert.is(globMatch('PORT', 'port', true), true);
  assert.is(globMatch('PORT', 'port'), false);
  assert.is(globMatch('[A-C]x', 'bx', true), true);
});

// ------------------------------------------------------------------------------------------------
// RuntimeConfig

function runtime(argv: string[] = []): RuntimeConfig {
  return new RuntimeConfig(run(argv));
}

test('CONFIG GET: exact names echo the spelling, globs give canonical names, each parameter once', () => {
  const c = runtime();
  assert.equal(c.get(['port']), [['port', '6379']]);
  assert.equal(c.get(['PORT']), [['PORT', '6379']]);
  assert.equal(c.get(['PORT', 'port']), [['PORT', '6379']]);
  assert.equal(c.get(['p?rt', 'PORT']), [['port', '6379']]);
  assert.equal(c.get(['nosuch']), []);
  assert.equal(c.get(['bind', 'maxclients']), [
    ['bind', '127.0.0.1'],
    ['maxclients', '10000'],
  ]);
  const maxes = c.get(['*MAX*']).map(([n]) => n);
  assert.equal(maxes.sort(), [
    'hash-max-listpack-entries', 'hash-max-listpack-value', 'hash-max-ziplist-entries', 'hash-max-ziplist-value',
    'list-max-listpack-size', 'list-max-ziplist-size', 'maxclients', 'maxmemory', 'maxmemory-policy', 'proto-max-bulk-len',
    'set-max-intset-entries', 'slowlog-max-len', 'zset-max-listpack-entries', 'zset-max-listpack-value', 'zset-max-ziplist-entries', 'zset-max-ziplist-value',
  ]);
  // Redis's pre-7.0 names reach the same setting.
  assert.equal(c.get(['hash-max-ziplist-entries']), [['hash-max-ziplist-entries', '512']]);
  assert.is(c.get(['*']).length, RuntimeConfig.parameterNames().length);
  assert.equal(c.get(['save', 'appendonly', 'loglevel', 'proto-max-bulk-len', 'dir']), [
    ['save', ''],
    ['appendonly', 'no'],
    ['loglevel', 'notice'],
    ['proto-max-bulk-len', '536870912'],
    ['dir', process.cwd()],
  ]);
  assert.equal(runtime(['--bind', '127.0.0.1 ::1']).get(['bind']), [['bind', '127.0.0.1 ::1']]);
});

test('CONFIG GET renders log levels and keep-alive the way Redis names them', () => {
  const levels: Array<[string, string]> = [
    ['trace', 'debug'],
    ['debug', 'verbose'],
    ['info', 'notice'],
    ['warn', 'warning'],
    ['error', 'warning'],
  ];
  for (const [ours, redis] of levels) assert.equal(runtime(['--log-level', ours]).get(['loglevel']), [['loglevel', redis]]);
  const c = runtime();
  for (const redis of ['debug', 'verbose', 'notice', 'warning']) {
    assert.is(c.set([['loglevel', redis.toUpperCase()]]), null);
    assert.equal(c.get(['loglevel']), [['loglevel', redis]]);
  }
  assert.is(c.settings.logging.level, 'warn');
  assert.equal(runtime().get(['tcp-keepalive', 'appendfilename']), [
    ['tcp-keepalive', '300'],
    ['appendfilename', 'rustypotato.aof'],
  ]);
});

test('CONFIG SET: Redis checks, in Redis order, and all-or-nothing', () => {
  const c = runtime();
  const fail = (name: string, why: string): string => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
  assert.is(c.set([['foo', 'bar']]), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  assert.is(c.set([['databases', '1']]), fail('databases', "can't set immutable config"));
  assert.is(c.set([['dir', '/tmp']]), fail('dir', "can't set protected config"));
  assert.is(c.set([['hz', '1'], ['HZ', '2']]), fail('HZ', 'duplicate parameter'));
  assert.is(c.set([['hz', 'abc'], ['foo', '1']]), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  assert.is(c.set([['port', 'abc']]), fail('port', "argument couldn't be parsed into an integer"));
  assert.is(c.set([['port', '65536']]), fail('port', 'argument must be between 0 and 65535 inclusive'));
  assert.is(c.set([['maxmemory', '1gb']]), fail('maxmemory', 'memory limiting (max_memory, eviction) is not available in this version'));
  assert.is(c.set([['notify-keyspace-events', 'KEA']]), null);
  assert.is(c.settings.server.notify_keyspace_events, 'AKE');
  assert.is(c.set([['notify-keyspace-events', 'KEQ']]), fail('notify-keyspace-events', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
  assert.is(c.set([['client-output-buffer-limit', 'pubsub 1mb 512kb 30']]), null);
  assert.equal(c.settings.server.client_output_buffer_limit.pubsub, { hard: 1024 * 1024, soft: 512 * 1024, softSeconds: 30 });
  assert.equal(c.settings.server.client_output_buffer_limit.normal, { hard: 0, soft: 0, softSeconds: 0 });
  assert.is(c.set([['client-output-buffer-limit', 'pubsub 1mb 512kb']]), fail('client-output-buffer-limit', 'Wrong number of arguments in buffer limit configuration.'));
  assert.is(c.set([['client-output-buffer-limit', 'other 1 1 1']]), fail('client-output-buffer-limit', 'Invalid client class specified in buffer limit configuration.'));
  assert.is(c.set([['requirepass', 'secret']]), fail('requirepass', 'authentication is not available in this version'));
  assert.is(c.set([['maxmemory', '0'], ['appendonly', 'no'], ['save', ''], ['requirepass', '']]), null);
  // The second pair is bad: the first is not applied either.
  assert.is(c.set([['hz', '20'], ['maxclients', 'abc']]), fail('maxclients', "argument couldn't be parsed into an integer"));
  assert.is(c.settings.server.hz, 10);
  assert.is(c.set([['hz', '20'], ['maxclients', '50'], ['timeout', '7']]), null);
  assert.is(c.settings.server.hz, 20);
  assert.is(c.settings.server.max_connections, 50);
  assert.is(c.settings.server.timeout, 7);
  assert.is(c.set([['hz', '0']]), null);
  assert.is(c.settings.server.hz, 1);
  assert.is(c.set([['hz', '100000']]), null);
  assert.is(c.settings.server.hz, 500);
  assert.is(c.set([['proto-max-bulk-len', '2mb']]), null);
  assert.is(c.settings.server.proto_max_bulk_len, 2 * 1024 * 1024);
  assert.is(c.set([['bind', '127.0.0.1 ::1']]), null);
  assert.equal(c.settings.server.bind_address, ['127.0.0.1', '::1']);
  assert.is(c.set([['bind', 'nonsense']]), fail('bind', 'Failed to bind to specified addresses.'));
  // The loaded settings object is not changed behind the caller's back.
  const loaded = run([]);
  const d = new RuntimeConfig(loaded);
  d.set([['hz', '42']]);
  assert.is(loaded.server.hz, 10);
});

test('CONFIG SET: listeners hear changes; a refusal rolls the whole change back', () => {
  const c = runtime();
  const heard: string[] = [];
  c.onChange('server.hz', (value, previous) => void heard.push(`hz ${previous}->${value}`));
  c.onChange('server.port', (value) => (value === 1234 ? 'port 1234 is taken' : undefined));
  c.onChange('logging.level', (value) => void heard.push(`level ${value}`));
  assert.is(c.set([['hz', '20'], ['port', '1234']]), "ERR CONFIG SET failed (possibly related to argument 'port') - port 1234 is taken");
  assert.equal(heard, ['hz 10->20', 'hz 20->10']);
  assert.is(c.settings.server.hz, 10);
  assert.is(c.settings.server.port, 6379);
  heard.length = 0;
  assert.is(c.set([['hz', '10'], ['loglevel', 'warning'], ['port', '1235']]), null);
  assert.equal(heard, ['level warn'], 'unchanged values are not announced');
  assert.is(c.settings.server.port, 1235);
});

// ------------------------------------------------------------------------------------------------
// The handlers, byte for byte against redis-server

interface FakeServer {
  config: RuntimeConfig;
  resets: number;
  resetStats(): void;
  table: { byName: Map<string, { subcommands: Array<{ name: string }> }> };
}

function context(config: RuntimeConfig, resp: 2 | 3, withRewrite = true): { ctx: CommandContext; server: FakeServer } {
  const subs = ['config|get', 'config|set', 'config|resetstat', 'config|help', ...(withRewrite ? ['config|rewrite'] : [])];
  const server: FakeServer = {
    config,
    resets: 0,
    resetStats() {
      this.resets++;
    },
    table: { byName: new Map([['config', { subcommands: subs.map((name) => ({ name })) }]]) },
  };
  const ctx = { reply: new ReplyWriter(resp), client: {}, server } as unknown as CommandContext;
  return { ctx, server };
}

function ours(config: RuntimeConfig, args: string[], resp: 2 | 3 = 2): string {
  const { ctx } = context(config, resp);
  const handler = configHandlers[`config|${args[1]!.toLowerCase()}`]!;
  handler(ctx, args.map((a) => Buffer.from(a)));
  return ctx.reply.take().toString('latin1');
}

test('handlers: replies in RESP2 and RESP3', () => {
  const c = runtime();
  assert.is(ours(c, ['CONFIG', 'GET', 'port']), '*2\r\n$4\r\nport\r\n$4\r\n6379\r\n');
  assert.is(ours(c, ['CONFIG', 'GET', 'port'], 3), '%1\r\n$4\r\nport\r\n$4\r\n6379\r\n');
  assert.is(ours(c, ['CONFIG', 'GET', 'nosuch'], 3), '%0\r\n');
  assert.is(ours(c, ['CONFIG', 'SET', 'hz', '11']), '+OK\r\n');
  assert.is(ours(c, ['CONFIG', 'SET', 'hz', '11', 'maxclients']), '-ERR syntax error\r\n');
  assert.is(c.settings.server.hz, 11);
  const { ctx, server } = context(c, 2);
  configResetstat(ctx, [Buffer.from('CONFIG'), Buffer.from('RESETSTAT')]);
  assert.is(server.resets, 1);
  assert.is(ctx.reply.take().toString(), '+OK\r\n');
  const without = context(c, 2, false).ctx;
  configHelp(without, [Buffer.from('CONFIG'), Buffer.from('HELP')]);
  assert.not.ok(without.reply.take().toString().includes('REWRITE'));
  assert.equal(Object.keys(configHandlers).sort(), ['config|get', 'config|help', 'config|resetstat', 'config|set']);
  assert.is(configHandlers['config|get'], configGet);
  assert.is(configHandlers['config|set'], configSet);
});

let redis: ServerHandle | null = null;
let conn2: Connection | null = null;
let conn3: Connection | null = null;

/** Parameters whose value here differs from redis-server's by design, with the reason. */
const NOT_COMPARED: Record<string, string> = {
  appendfilename: "ours is the base name of [storage] aof_path, default rustypotato.aof; Redis's is appendonly.aof",
  'aof-use-rdb-preamble':
    "ours defaults to no (plain commands: every tool, rustypotato-check-aof included, reads them); Redis 7.0's to yes. Both values work, and both servers load both kinds of file",
};

/** The name/value pairs of a CONFIG GET reply (a flat array in RESP2, a map in RESP3), sorted. */
function pairsOf(raw: Buffer): string[] {
  const [reply] = parseAll(raw);
  const v = reply!.value;
  const items = v.type === 'map' ? v.value.flat() : v.type === 'array' ? v.value ?? [] : [];
  const texts = items.map((i) => textOf(i) ?? '?');
  const pairs: string[] = [];
  for (let i = 0; i < texts.length; i += 2) pairs.push(`${texts[i]}=${texts[i + 1]}`);
  return pairs.sort();
}

/**
 * Sends `args` to redis-server in RESP2 and RESP3 and runs our handler: the bytes must be equal,
 * except that a CONFIG GET with several parameters is compared as a set of pairs (Redis lists them
 * in hash-table order).
 */
async function compare(config: RuntimeConfig, args: string[]): Promise<void> {
  for (const [resp, conn] of [
    [2, conn2!],
    [3, conn3!],
  ] as const) {
    const expected = (await conn.call(args)).raw;
    const actual = ours(config, args, resp);
    if (args[1] === 'GET' && args.length > 3) {
      assert.is(actual.slice(0, 3), expected.toString('latin1').slice(0, 3), `RESP${resp} ${args.join(' ')}`);
      assert.equal(pairsOf(Buffer.from(actual, 'latin1')), pairsOf(expected), `RESP${resp} ${args.join(' ')}`);
    } else {
      assert.is(actual, expected.toString('latin1'), `RESP${resp} ${args.join(' ')}`);
    }
  }
}

test('against redis-server: CONFIG GET of every shared parameter, with defaults', async () => {
  if (!redisServerAvailable()) throw new Error('redis-server is not installed (apt-get install redis-server)');
  // redis-server runs in the repository root and reports it as `dir`; so do we.
  process.chdir(repoRoot);
  redis = await startRedis();
  conn2 = await redis.connect();
  conn3 = await redis.connect();
  await conn3.call(['HELLO', '3']);
  const c = new RuntimeConfig(run(['--port', String(redis.port)]));
  const names = RuntimeConfig.parameterNames().filter((n) => !(n in NOT_COMPARED));
  assert.ok(names.length >= 20);
  for (const name of names) await compare(c, ['CONFIG', 'GET', name]);
  await compare(c, ['CONFIG', 'GET', 'PORT', 'port']);
  await compare(c, ['CONFIG', 'GET', 'port', 'PORT']);
  await compare(c, ['CONFIG', 'GET', 'nosuch']);
  await compare(c, ['CONFIG', 'GET', 'hz', 'nosuch', 'timeout']);
});

test('against redis-server: glob patterns select the same parameters', async () => {
  const c = new RuntimeConfig(run(['--port', String(redis!.port)]));
  const ourNames = new Set(RuntimeConfig.parameterNames());
  const patterns = ['*', 'max*', '*MAX*', 'p?rt', '[pb]*', '[^m]*', '*-*-*', 'maxmemory*', 'a[p-q]pend*', 'tls-*-file', '[z-a]*', 'd[bi]*', '*\\-len', 'h[z'];
  for (const pattern of patterns) {
    const reply = await conn2!.call(['CONFIG', 'GET', pattern]);
    assert.is(reply.value.type, 'array');
    const items = reply.value.type === 'array' ? reply.value.value ?? [] : [];
    const theirs = items
      .filter((_, i) => i % 2 === 0)
      .map((v) => (v.type === 'bulk' && v.value ? v.value.toString() : ''))
      .filter((n) => ourNames.has(n))
      .sort();
    assert.equal(c.get([pattern]).map(([n]) => n).sort(), theirs, pattern);
  }
});

test('against redis-server: CONFIG SET errors and effects, byte for byte', async () => {
  const c = new RuntimeConfig(run(['--port', String(redis!.port)]));
  const tooManyAddresses = Array.from({ length: 17 }, (_, i) => `127.0.0.${i + 1}`).join(' ');
  // Never a successful port/bind change: that would move the oracle.
  const commands: string[][] = [
    ['foo', 'bar'],
    ['', '1'],
    ['port', 'abc'],
    ['port', '70000'],
    ['port', '-1'],
    ['bind', tooManyAddresses],
    ['maxclients', 'abc'],
    ['maxclients', '0'],
    ['maxclients', '5000000000'],
    ['maxclients', ' 10'],
    ['maxclients', '5000'],
    ['databases', '10'],
    ['timeout', '-1'],
    ['timeout', '1.5'],
    ['timeout', '05'],
    ['timeout', '+5'],
    ['timeout', '99999999999'],
    ['timeout', '30'],
    ['tcp-keepalive', '-1'],
    ['tcp-keepalive', '60'],
    ['loglevel', 'foo'],
    ['loglevel', 'WARNING'],
    ['loglevel', 'verbose'],
    ['hz', '-5'],
    ['hz', '0'],
    ['hz', '1000'],
    ['hz', '10'],
    ['proto-max-bulk-len', '10'],
    ['proto-max-bulk-len', 'abc'],
    ['proto-max-bulk-len', '1.5gb'],
    ['proto-max-bulk-len', '1mb'],
    ['client-query-buffer-limit', '10'],
    ['client-query-buffer-limit', '2MB'],
    ['maxmemory', 'abc'],
    ['maxmemory', '-1'],
    ['maxmemory', '1 gb'],
    ['maxmemory', '0'],
    ['maxmemory', ''],
    ['maxmemory-policy', 'foo'],
    ['maxmemory-policy', 'NOEVICTION'],
    ['appendonly', 'maybe'],
    ['appendonly', 'NO'],
    ['appendfsync', 'foo'],
    ['appendfsync', 'everysec'],
    ['appendfilename', 'x.aof'],
    ['save', '1 x'],
    ['save', '100'],
    ['save', ''],
    ['notify-keyspace-events', 'Q'],
    ['notify-keyspace-events', ''],
    ['requirepass', ''],
    ['dir', '/tmp'],
    ['dbfilename', 'x.rdb'],
    ['logfile', 'x.log'],
    ['cluster-enabled', 'yes'],
    ['tls-cert-file', ''],
    ['hz', '1', 'hz', '2'],
    ['hz', '12', 'HZ', '13'],
    ['databases', '1', 'foo', '1'],
    ['foo', '1', 'databases', '1'],
    ['hz', 'abc', 'foo', '1'],
    ['hz', '20', 'maxclients', 'abc'],
    ['hz', '20', 'maxclients', '6000', 'timeout', '0'],
    ['maxclients', '10', 'hz'],
    ['hz', '10', 'maxclients', '10000', 'loglevel', 'notice', 'tcp-keepalive', '300', 'proto-max-bulk-len', '512mb', 'client-query-buffer-limit', '1gb'],
  ];
  for (const pairs of commands) {
    await compare(c, ['CONFIG', 'SET', ...pairs]);
    await compare(c, ['CONFIG', 'GET', 'hz', 'maxclients', 'timeout', 'loglevel', 'tcp-keepalive', 'proto-max-bulk-len', 'client-query-buffer-limit']);
  }
  for (const name of RuntimeConfig.parameterNames().filter((n) => !(n in NOT_COMPARED))) await compare(c, ['CONFIG', 'GET', name]);
});

test('against redis-server: CONFIG HELP and RESETSTAT', async () => {
  const c = new RuntimeConfig(run([]));
  await compare(c, ['CONFIG', 'HELP']);
  await compare(c, ['CONFIG', 'RESETSTAT']);
});

test.after(async () => {
  conn2?.close();
  conn3?.close();
  await redis?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test.run();
