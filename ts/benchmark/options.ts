/**
 * Command-line options: the seed README's (--address, --clients, --requests, --pipeline) and
 * redis-benchmark's (-h -p -s -a --user --dbnum -c -n -d -r -P -t -q --csv --precision
 * --threads), plus --json, --compare and --rounds. As with redis-benchmark, the first argument
 * that is not an option starts a command to benchmark instead of the suite.
 */
import type { Endpoint } from './load';
import { checkTestNames, TEST_NAMES } from './suite';

export interface BenchmarkOptions {
  endpoint: Endpoint;
  password: string | null;
  user: string | null;
  dbnum: number;
  clients: number;
  requests: number;
  pipeline: number;
  dataSize: number;
  /** -r: random keys in [0, keyspace); 0 = the literal `__rand_int__` key. */
  keyspace: number;
  /** -t names (lower case); null = the whole suite. */
  tests: string[] | null;
  /** A command given after the options; null = the suite. */
  command: string[] | null;
  threads: number;
  output: 'table' | 'quiet' | 'csv' | 'json';
  /** Decimal places of latencies in the table, quiet and CSV outputs. */
  precision: number;
  compare: Endpoint | null;
  rounds: number;
  progress: boolean;
}

export const USAGE = `Usage: rustypotato-benchmark [OPTIONS] [COMMAND ARGS...]

Connection:
  --address <host:port>  Server address (default 127.0.0.1:6379)
  -h <hostname>          Server hostname (default 127.0.0.1)
  -p <port>              Server port (default 6379)
  -s <socket>            Server unix socket (overrides host and port)
  -a <password>          Password for AUTH
  --user <username>      ACL user for AUTH (needs -a)
  --dbnum <db>           SELECT this database first (default 0)

Load:
  -c, --clients <n>      Parallel connections (default 50)
  -n, --requests <n>     Total requests per test (default 100000)
  -P, --pipeline <n>     Requests per batch written at once (default 1)
  -d <size>              Value size of SET/GET/... in bytes (default 3)
  -r <keyspacelen>       Replace __rand_int__ in keys, members and ZADD scores by a random
                         12-digit number below <keyspacelen> for every request
  -t <tests>             Comma-separated tests: ${TEST_NAMES.join(', ')}
  --threads <n>          Load-generating threads (default 1)

Output:
  -q, --quiet            One line per test (requests per second and p50)
  --csv                  CSV (redis-benchmark's columns, then p999_latency_ms and errors)
  --json                 JSON document with every figure
  --precision <digits>   Decimal places of latencies in ms (default 3)
  --no-progress          No progress bar (it is shown only when stderr is a terminal)

Comparison:
  --compare <host:port>  Also run every test against this server, in alternating rounds, and
                         print the ratios (this server's figures / the compared server's)
  --rounds <n>           Rounds per server and test with --compare (default 3)

  --help                 This help

Examples:
  rustypotato-benchmark --address 127.0.0.1:6379 --clients 100 --requests 100000 --pipeline 10
  rustypotato-benchmark -t set,get -n 200000 -P 16 -q
  rustypotato-benchmark -p 6379 --compare 127.0.0.1:6380 -t set,get,incr
  rustypotato-benchmark -c 1 -n 20 DEBUG SLEEP 0.02
`;

export class UsageError extends Error {}

/** "host:port", "[v6addr]:port" or "port". */
export function parseAddress(text: string): Endpoint {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? (/^\d+$/.test(text) ? [text, undefined, '127.0.0.1', text] : null);
  if (match === null) throw new UsageError(`invalid address '${text}' (expected host:port)`);
  const port = Number(match[3]);
  if (port < 1 || port > 65535) throw new UsageError(`invalid port in '${text}'`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port, socketPath: null };
}

function integer(option: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined) throw new UsageError(`option ${option} needs a value`);
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`option ${option}: '${text}' is not an integer from ${min} to ${max}`);
  }
  return value;
}

/** The largest -n: the shared request counter is a 32-bit integer that may overshoot by clients × pipeline. */
const MAX_REQUESTS = 1_000_000_000;

export function parseOptions(argv: readonly string[]): BenchmarkOptions | 'help' {
  let host = '127.0.0.1';
  let port = 6379;
  let socketPath: string | null = null;
  let address: Endpoint | null = null;
  const o: Omit<BenchmarkOptions, 'endpoint'> = {
    password: null,
    user: null,
    dbnum: 0,
    clients: 50,
    requests: 100000,
    pipeline: 1,
    dataSize: 3,
    keyspace: 0,
    tests: null,
    command: null,
    threads: 1,
    output: 'table',
    precision: 3,
    compare: null,
    rounds: 3,
    progress: true,
  };
  const outputs = new Set<BenchmarkOptions['output']>();
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inlineValue: string | undefined;
    if (arg.startsWith('--') && arg.includes('=')) {
      inlineValue = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    const value = (): string | undefined => inlineValue ?? argv[++i];
    const text = (): string => {
      const v = value();
      if (v === undefined) throw new UsageError(`option ${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--help': return 'help';
      case '--address': address = parseAddress(text()); break;
      case '-h': host = text(); break;
      case '-p': port = integer(arg, value(), 1, 65535); break;
      case '-s': socketPath = text(); break;
      case '-a': o.password = text(); break;
      case '--user': o.user = text(); break;
      case '--dbnum': o.dbnum = integer(arg, value(), 0, 1 << 30); break;
      case '-c': case '--clients': o.clients = integer(arg, value(), 1, 100000); break;
      case '-n': case '--requests': o.requests = integer(arg, value(), 1, MAX_REQUESTS); break;
      case '-P': case '--pipeline': o.pipeline = integer(arg, value(), 1, 100000); break;
      case '-d': o.dataSize = integer(arg, value(), 1, 1 << 30); break;
      case '-r': o.keyspace = integer(arg, value(), 0, 2 ** 31 - 1); break;
      case '-t': o.tests = text().toLowerCase().split(',').map((name) => name.trim()).filter((name) => name.length > 0); break;
      case '--threads': o.threads = integer(arg, value(), 1, 256); break;
      case '-q': case '--quiet': outputs.add('quiet'); break;
      case '--csv': outputs.add('csv'); break;
      case '--json': outputs.add('json'); break;
      case '--precision': o.precision = integer(arg, value(), 0, 6); break;
      case '--compare': o.compare = parseAddress(text()); break;
      case '--rounds': o.rounds = integer(arg, value(), 1, 1000); break;
      case '--no-progress': o.progress = false; break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        o.command = argv.slice(i);
        i = argv.length;
    }
  }
  if (outputs.size > 1) throw new UsageError(`choose one of -q, --csv and --json (got ${[...outputs].join(', ')})`);
  o.output = outputs.size === 1 ? [...outputs][0] : 'table';
  if (o.user !== null && o.password === null) throw new UsageError('--user needs -a <password>');
  if (o.tests !== null) {
    if (o.tests.length === 0) throw new UsageError('-t needs at least one test name');
    try {
      checkTestNames(o.tests);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (o.requests + o.clients * o.pipeline > 2 ** 31 - 1) throw new UsageError('-n + clients × pipeline must stay below 2^31');
  // More threads than connections would leave threads idle.
  o.threads = Math.min(o.threads, o.clients);
  const endpoint: Endpoint = socketPath !== null ? { host, port, socketPath } : address ?? { host, port, socketPath: null };
  return { endpoint, ...o };
}
