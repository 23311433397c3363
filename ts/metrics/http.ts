/**
 * The metrics endpoint: Prometheus text format (prom-client's registry and renderer) on
 * `[metrics] path`, plus `/health` (liveness) and `/ready` (readiness) as JSON.
 *
 * Every figure is read when scraped, from the same counters INFO reports (infoSection), so nothing
 * is counted twice and the request path never calls into prom-client. Names follow redis_exporter's
 * where the meaning matches, so its dashboards work unchanged.
 */
import http from 'node:http';
import { Registry, type Metric } from 'prom-client';
import type { Server } from '../server/server';
import { infoSection } from '../handlers/server';
import { LATENCY_PERCENTILES } from './command-stats';
import { VERSION, REDIS_VERSION } from '../version';

type Labels = Record<string, string | number>;
interface Sample {
  value: number;
  labels?: Labels;
  metricName?: string;
}
type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** A metric whose samples are computed at scrape time (prom-client renders any object with get()). */
function scraped(name: string, help: string, type: MetricType, collect: () => Sample[]): Metric {
  const metric = {
    name,
    help,
    type,
    get: async () => ({ name, help, type, aggregator: 'sum', values: collect() }),
    reset: () => undefined,
  };
  return metric as unknown as Metric;
}

/** Latency histogram bounds in µs: 1, 2, 4, ... ~1 s (Redis's LATENCY HISTOGRAM buckets). */
const LATENCY_BOUNDS_USEC = Array.from({ length: 21 }, (_, k) => 2 ** k);

/** One INFO field as a number (status fields: ok = 1, anything else 0). */
function numeric(value: string | number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (value === 'ok') return 1;
  if (value === 'err') return 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** INFO fields exported as they are: [section, field, metric name, type, help]. */
const INFO_FIELDS: Array<[string, string, string, MetricType, string]> = [
  ['server', 'uptime_in_seconds', 'redis_uptime_in_seconds', 'gauge', 'Seconds since the server started'],
  ['clients', 'connected_clients', 'redis_connected_clients', 'gauge', 'Client connections'],
  ['clients', 'blocked_clients', 'redis_blocked_clients', 'gauge', 'Clients blocked on a blocking command'],
  ['clients', 'maxclients', 'redis_config_maxclients', 'gauge', 'The maxclients setting'],
  ['memory', 'used_memory', 'redis_memory_used_bytes', 'gauge', 'Bytes in use (engine data and JavaScript heap)'],
  ['memory', 'used_memory_rss', 'redis_memory_used_rss_bytes', 'gauge', 'Resident set size of the process'],
  ['memory', 'used_memory_dataset', 'redis_memory_used_dataset_bytes', 'gauge', 'Bytes the engine holds for the data'],
  ['memory', 'maxmemory', 'redis_memory_max_bytes', 'gauge', 'The maxmemory setting'],
  ['persistence', 'loading', 'redis_loading_dump_file', 'gauge', '1 while the data is being loaded'],
  ['persistence', 'rdb_changes_since_last_save', 'redis_rdb_changes_since_last_save', 'gauge', 'Changes since the last snapshot'],
  ['persistence', 'rdb_bgsave_in_progress', 'redis_rdb_bgsave_in_progress', 'gauge', '1 while a background snapshot runs'],
  ['persistence', 'rdb_last_save_time', 'redis_rdb_last_save_timestamp_seconds', 'gauge', 'Unix time of the last successful snapshot'],
  ['persistence', 'rdb_last_bgsave_status', 'redis_rdb_last_bgsave_status', 'gauge', '1 when the last background snapshot succeeded'],
  ['persistence', 'rdb_last_bgsave_time_sec', 'redis_rdb_last_bgsave_duration_sec', 'gauge', 'Duration of the last background snapshot'],
  ['persistence', 'aof_enabled', 'redis_aof_enabled', 'gauge', '1 when the append-only file is on'],
  ['persistence', 'aof_rewrite_in_progress', 'redis_aof_rewrite_in_progress', 'gauge', '1 while the AOF is being rewritten'],
  ['persistence', 'aof_rewrite_scheduled', 'redis_aof_rewrite_scheduled', 'gauge', '1 when a rewrite waits to start'],
  ['persistence', 'aof_last_bgrewrite_status', 'redis_aof_last_bgrewrite_status', 'gauge', '1 when the last AOF rewrite succeeded'],
  ['persistence', 'aof_last_write_status', 'redis_aof_last_write_status', 'gauge', '1 when the last AOF write succeeded'],
  ['persistence', 'aof_current_size', 'redis_aof_current_size_bytes', 'gauge', 'Size of the append-only file'],
  ['persistence', 'aof_base_size', 'redis_aof_base_size_bytes', 'gauge', 'Size of the AOF after the last rewrite'],
  ['stats', 'total_connections_received', 'redis_connections_received_total', 'counter', 'Connections accepted'],
  ['stats', 'total_commands_processed', 'redis_commands_processed_total', 'counter', 'Commands processed'],
  ['stats', 'total_net_input_bytes', 'redis_net_input_bytes_total', 'counter', 'Bytes read from clients'],
  ['stats', 'total_net_output_bytes', 'redis_net_output_bytes_total', 'counter', 'Bytes written to clients'],
  ['stats', 'rejected_connections', 'redis_rejected_connections_total', 'counter', 'Connections refused (maxclients)'],
  ['stats', 'expired_keys', 'redis_expired_keys_total', 'counter', 'Keys removed because their TTL passed'],
  ['stats', 'evicted_keys', 'redis_evicted_keys_total', 'counter', 'Keys evicted at the memory limit'],
  ['stats', 'keyspace_hits', 'redis_keyspace_hits_total', 'counter', 'Key lookups that found the key'],
  ['stats', 'keyspace_misses', 'redis_keyspace_misses_total', 'counter', 'Key lookups that did not find the key'],
  ['stats', 'total_error_replies', 'redis_total_error_replies_total', 'counter', 'Error replies sent'],
  ['cpu', 'used_cpu_sys', 'redis_cpu_sys_seconds_total', 'counter', 'System CPU time of the process'],
  ['cpu', 'used_cpu_user', 'redis_cpu_user_seconds_total', 'counter', 'User CPU time of the process'],
];

/** Builds the registry for `server`; each scrape reads fresh figures. */
export function metricsRegistry(server: Server): Registry {
  const registry = new Registry();
  const add = (m: Metric): void => registry.registerMetric(m);

  // INFO sections are computed once per scrape (some call into the engine).
  let cache: Map<string, Map<string, string | number>> | null = null;
  const field = (section: string, name: string): string | number | undefined => {
    if (cache === null) {
      cache = new Map();
      setImmediate(() => void (cache = null));
    }
    let fields = cache.get(section);
    if (fields === undefined) {
      fields = new Map(infoSection(server, section));
      cache.set(section, fields);
    }
    return fields.get(name);
  };
  let rowsCache: ReturnType<Server['ops']['commands']['rows']> | null = null;
  const boundsSeconds = LATENCY_BOUNDS_USEC.map((us) => us / 1e6);
  const rows = (): NonNullable<typeof rowsCache> => {
    if (rowsCache === null) {
      rowsCache = server.ops.commands.rows(LATENCY_PERCENTILES, boundsSeconds);
      setImmediate(() => void (rowsCache = null));
    }
    return rowsCache;
  };

  add(scraped('redis_up', 'Whether the server answers (always 1 when this endpoint does)', 'gauge', () => [{ value: 1 }]));
  add(
    scraped('redis_instance_info', 'Facts about the instance, as labels', 'gauge', () => [
      {
        value: 1,
        labels: {
          redis_version: REDIS_VERSION,
          rustypotato_version: VERSION,
          redis_mode: 'standalone',
          role: 'master',
          tcp_port: server.boundPort(),
          process_id: process.pid,
        },
      },
    ]),
  );
  add(scraped('redis_start_time_seconds', 'Unix time the server started', 'gauge', () => [{ value: Math.floor(server.startTime / 1000) }]));
  for (const [section, name, metric, type, help] of INFO_FIELDS) {
    add(scraped(metric, help, type, () => [{ value: numeric(field(section, name)) }]));
  }

  const keyspace = (): Array<{ db: string; keys: number; expires: number; avgTtl: number }> =>
    infoSection(server, 'keyspace').map(([db, text]) => {
      const parts = Object.fromEntries(String(text).split(',').map((p) => p.split('=') as [string, string]));
      return { db, keys: Number(parts.keys), expires: Number(parts.expires), avgTtl: Number(parts.avg_ttl) };
    });
  add(scraped('redis_db_keys', 'Keys per database', 'gauge', () => keyspace().map((d) => ({ value: d.keys, labels: { db: d.db } }))));
  add(scraped('redis_db_keys_expiring', 'Keys with a TTL per database', 'gauge', () => keyspace().map((d) => ({ value: d.expires, labels: { db: d.db } }))));
  add(scraped('redis_db_avg_ttl_seconds', 'Average TTL of the keys that have one', 'gauge', () => keyspace().map((d) => ({ value: d.avgTtl / 1000, labels: { db: d.db } }))));

  const perCommand = (metric: string, help: string, type: MetricType, value: (r: ReturnType<typeof rows>[number]) => number): void =>
    add(scraped(metric, help, type, () => rows().map((r) => ({ value: value(r), labels: { cmd: r.name } }))));
  perCommand('redis_commands_total', 'Calls per command', 'counter', (r) => r.calls);
  perCommand('redis_commands_duration_seconds_total', 'Time spent per command', 'counter', (r) => r.usec / 1e6);
  perCommand('redis_commands_rejected_calls_total', 'Calls refused before running (arity, MISCONF...)', 'counter', (r) => r.rejected);
  perCommand('redis_commands_failed_calls_total', 'Calls that answered an error', 'counter', (r) => r.failed);
  add(
    scraped('rustypotato_commands_results_total', 'Commands per command and result (ok, or error: failed or rejected)', 'counter', () =>
      rows().flatMap((r) => [
        { value: r.calls - r.failed, labels: { cmd: r.name, result: 'ok' } },
        { value: r.failed + r.rejected, labels: { cmd: r.name, result: 'error' } },
      ]),
    ),
  );
  add(
    scraped('redis_commands_latencies_usec', 'Latency of each command in microseconds', 'histogram', () =>
      rows()
        .filter((r) => r.calls > 0)
        .flatMap((r): Sample[] => [
          ...LATENCY_BOUNDS_USEC.map((le, i) => ({ metricName: 'redis_commands_latencies_usec_bucket', value: r.buckets[i], labels: { cmd: r.name, le } })),
          { metricName: 'redis_commands_latencies_usec_bucket', value: r.calls, labels: { cmd: r.name, le: '+Inf' } },
          { metricName: 'redis_commands_latencies_usec_sum', value: r.usec, labels: { cmd: r.name } },
          { metricName: 'redis_commands_latencies_usec_count', value: r.calls, labels: { cmd: r.name } },
        ]),
    ),
  );
  add(
    scraped('redis_latency_percentiles_usec', 'Latency percentiles of each command in microseconds', 'summary', () =>
      rows()
        .filter((r) => r.calls > 0)
        .flatMap((r): Sample[] => [
          ...LATENCY_PERCENTILES.map((p, i) => ({ value: r.latencyUsec[i], labels: { cmd: r.name, quantile: p / 100 } })),
          { metricName: 'redis_latency_percentiles_usec_sum', value: r.usec, labels: { cmd: r.name } },
          { metricName: 'redis_latency_percentiles_usec_count', value: r.calls, labels: { cmd: r.name } },
        ]),
    ),
  );
  add(
    scraped('redis_errors_total', 'Error replies by error code', 'counter', () =>
      server.ops.commands.errors().map(([err, count]) => ({ value: count, labels: { err } })),
    ),
  );
  add(scraped('redis_slowlog_length', 'Entries in the slow log', 'gauge', () => [{ value: server.ops.slowlog.length }]));
  return registry;
}

/** /ready: the data is loaded and persistence is healthy. */
export function readiness(server: Server): { ready: boolean; loading: boolean; persistence: Record<string, string> } {
  const p = new Map(infoSection(server, 'persistence'));
  const loading = numeric(p.get('loading')) === 1;
  const persistence: Record<string, string> = { rdb_last_bgsave_status: String(p.get('rdb_last_bgsave_status') ?? 'ok') };
  if (numeric(p.get('aof_enabled')) === 1) {
    persistence.aof_last_write_status = String(p.get('aof_last_write_status') ?? 'ok');
    persistence.aof_last_bgrewrite_status = String(p.get('aof_last_bgrewrite_status') ?? 'ok');
  }
  const healthy = Object.values(persistence).every((s) => s === 'ok');
  return { ready: !loading && healthy, loading, persistence };
}

export interface MetricsOptions {
  port: number;
  path: string;
  bind: string[];
}

/** The HTTP listener(s): one per bind address, like the Redis port. */
export class MetricsEndpoint {
  private readonly servers: http.Server[] = [];
  private readonly registry: Registry;

  constructor(
    private readonly server: Server,
    private readonly opts: MetricsOptions,
  ) {
    this.registry = metricsRegistry(server);
  }

  async listen(): Promise<void> {
    for (const host of this.opts.bind) {
      const listener = http.createServer((req, res) => void this.handle(req, res));
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen({ port: this.opts.port, host }, () => {
          listener.off('error', reject);
          resolve();
        });
      });
      this.servers.push(listener);
    }
    this.server.log.info({ port: this.boundPort(), path: this.opts.path, bind: this.opts.bind }, `Metrics on http://${this.opts.bind[0]}:${this.boundPort()}${this.opts.path}`);
  }

  boundPort(): number {
    const address = this.servers[0]?.address();
    return typeof address === 'object' && address !== null ? address.port : this.opts.port;
  }

  close(): void {
    for (const s of this.servers) s.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'method not allowed' });
    try {
      if (url === this.opts.path) {
        const text = await this.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.registry.contentType });
        res.end(text);
        return;
      }
      if (url === '/health') {
        return json(200, { status: 'ok', uptime_seconds: Math.floor((Date.now() - this.server.startTime) / 1000), version: VERSION });
      }
      if (url === '/ready') {
        const r = readiness(this.server);
        return json(r.ready ? 200 : 503, r);
      }
      json(404, { error: 'not found', paths: [this.opts.path, '/health', '/ready'] });
    } catch (err) {
      this.server.log.error({ err, url }, 'metrics request failed');
      json(500, { error: 'internal error' });
    }
  }
}
