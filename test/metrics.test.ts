/**
 * The metrics endpoint of a running server: Prometheus text on the configured path whose values
 * move as commands run (per-command calls and results, latency histograms, keys per db, hits and
 * misses, network bytes, errors), /health and /ready JSON, 404 for other paths.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import { freePort, sleep, startCandidate, type ServerHandle } from './support/servers';

let server: ServerHandle | null = null;
let metricsPort = 0;

test.before(async () => {
  metricsPort = await freePort();
  server = await startCandidate(['--metrics-port', String(metricsPort)]);
});

test.after(async () => {
  await server?.stop();
});

function get(path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: metricsPort, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('timeout', () => req.destroy(new Error('metrics request timed out')));
    req.on('error', reject);
  });
}

/** Parses the exposition text into "name{labels}" -> value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await get('/metrics');
  assert.is(res.status, 200);
  assert.match(res.type, /^text\/plain; version=0\.0\.4/);
  const values = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

function value(m: Map<string, number>, key: string): number {
  const v = m.get(key);
  if (v === undefined) throw new Error(`no sample ${key}; have: ${[...m.keys()].filter((k) => k.startsWith(key.split('{')[0])).join(', ')}`);
  return v;
}

test('the exposition has HELP and TYPE lines and redis_exporter names', async () => {
  const res = await get('/metrics');
  for (const [name, type] of [
    ['redis_commands_processed_total', 'counter'],
    ['redis_commands_total', 'counter'],
    ['redis_commands_duration_seconds_total', 'counter'],
    ['redis_connected_clients', 'gauge'],
    ['redis_blocked_clients', 'gauge'],
    ['redis_db_keys', 'gauge'],
    ['redis_db_keys_expiring', 'gauge'],
    ['redis_memory_used_bytes', 'gauge'],
    ['redis_expired_keys_total', 'counter'],
    ['redis_evicted_keys_total', 'counter'],
    ['redis_keyspace_hits_total', 'counter'],
    ['redis_keyspace_misses_total', 'counter'],
    ['redis_net_input_bytes_total', 'counter'],
    ['redis_net_output_bytes_total', 'counter'],
    ['redis_rdb_last_save_timestamp_seconds', 'gauge'],
    ['redis_aof_rewrite_in_progress', 'gauge'],
    ['redis_aof_current_size_bytes', 'gauge'],
    ['redis_uptime_in_seconds', 'gauge'],
    ['redis_commands_latencies_usec', 'histogram'],
    ['redis_errors_total', 'counter'],
  ]) {
    assert.match(res.body, new RegExp(`^# HELP ${name} .+$`, 'm'), `${name} has help`);
    assert.match(res.body, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), `${name} is a ${type}`);
  }
});

test('values move as commands run', async () => {
  const before = await scrape();
  const c = await server!.connect();
  for (let i = 0; i < 20; i++) await c.call(['SET', `k${i}`, 'v']);
  await c.call(['SET', 'ttl', 'v', 'EX', '100']);
  for (let i = 0; i < 5; i++) await c.call(['GET', `k${i}`]);
  await c.call(['GET', 'missing']);
  await c.call(['LPUSH', 'k0', 'x']); // WRONGTYPE: a failed call
  await c.call(['GET']); // arity: a rejected call
  await c.call(['SELECT', '3']);
  await c.call(['SET', 'in3', 'v']);
  const during = await scrape();
  c.close();

  const moved = (key: string): number => value(during, key) - (before.get(key) ?? 0);
  assert.is(moved('redis_commands_total{cmd="set"}'), 22);
  assert.is(moved('redis_commands_total{cmd="get"}'), 6);
  assert.is(moved('redis_commands_rejected_calls_total{cmd="get"}'), 1);
  assert.is(moved('redis_commands_failed_calls_total{cmd="lpush"}'), 1);
  assert.is(moved('rustypotato_commands_results_total{cmd="lpush",result="error"}'), 1);
  assert.is(moved('rustypotato_commands_results_total{cmd="set",result="ok"}'), 22);
  assert.is(moved('redis_errors_total{err="WRONGTYPE"}'), 1);
  assert.ok(moved('redis_commands_processed_total') >= 30);
  assert.is(value(during, 'redis_db_keys{db="db0"}'), 21);
  assert.is(value(during, 'redis_db_keys_expiring{db="db0"}'), 1);
  assert.is(value(during, 'redis_db_keys{db="db3"}'), 1);
  assert.is(moved('redis_keyspace_hits_total'), 5); // GETs that found (writes' lookups do not count, as in Redis)
  assert.is(moved('redis_keyspace_misses_total'), 1);
  assert.ok(moved('redis_net_input_bytes_total') > 500);
  assert.ok(moved('redis_net_output_bytes_total') > 100);
  assert.is(value(during, 'redis_connected_clients'), 1);
  assert.ok(value(during, 'redis_memory_used_bytes') > 0);
  assert.ok(moved('redis_commands_duration_seconds_total{cmd="set"}') > 0);
  // Histogram: cumulative buckets ending at the call count.
  const inf = value(during, 'redis_commands_latencies_usec_bucket{cmd="set",le="+Inf"}');
  assert.is(inf, value(during, 'redis_commands_latencies_usec_count{cmd="set"}'));
  let previous = 0;
  for (let k = 0; k <= 20; k++) {
    const b = value(during, `redis_commands_latencies_usec_bucket{cmd="set",le="${2 ** k}"}`);
    assert.ok(b >= previous && b <= inf, 'buckets are cumulative');
    previous = b;
  }
  assert.ok(value(during, 'redis_latency_percentiles_usec{cmd="set",quantile="0.99"}') > 0);

  // The close reaches the server a moment later.
  let connected = -1;
  for (let i = 0; i < 40 && connected !== 0; i++) {
    await sleep(50);
    connected = value(await scrape(), 'redis_connected_clients');
  }
  assert.is(connected, 0);
});

test('/health and /ready answer JSON; other paths 404', async () => {
  const health = await get('/health');
  assert.is(health.status, 200);
  assert.match(health.type, /application\/json/);
  const h = JSON.parse(health.body) as { status: string; uptime_seconds: number; version: string };
  assert.is(h.status, 'ok');
  assert.type(h.uptime_seconds, 'number');
  assert.type(h.version, 'string');

  const ready = await get('/ready');
  assert.is(ready.status, 200);
  const r = JSON.parse(ready.body) as { ready: boolean; loading: boolean; persistence: Record<string, string> };
  assert.equal(r, { ready: true, loading: false, persistence: { rdb_last_bgsave_status: 'ok' } });

  const missing = await get('/nope');
  assert.is(missing.status, 404);
  assert.is((JSON.parse(missing.body) as { error: string }).error, 'not found');
});

test('/ready answers 503 while the last background save failed', async () => {
  const port = await freePort();
  const failing = await startCandidate(['--metrics-port', String(port), '--snapshot-path', '/nonexistent-dir/rp/dump.rdb']);
  try {
    const c = await failing.connect();
    await c.call(['SET', 'k', 'v']);
    await c.call(['BGSAVE']);
    let status = '';
    for (let i = 0; i < 100 && status !== 'err'; i++) {
      await sleep(50);
      const info = (await c.call(['INFO', 'persistence'])).raw.toString('latin1');
      status = /rdb_last_bgsave_status:(\w+)/.exec(info)?.[1] ?? '';
    }
    c.close();
    assert.is(status, 'err');
    const saved = metricsPort;
    metricsPort = port;
    try {
      const ready = await get('/ready');
      assert.is(ready.status, 503);
      assert.equal(JSON.parse(ready.body), { ready: false, loading: false, persistence: { rdb_last_bgsave_status: 'err' } });
      assert.is(value(await scrape(), 'redis_rdb_last_bgsave_status'), 0);
      assert.is((await get('/health')).status, 200);
    } finally {
      metricsPort = saved;
    }
  } finally {
    await failing.stop();
  }
});

test.run();
