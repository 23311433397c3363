/**
 * rustypotato-cli's command line. The seed README's options (-a/--address, -f/--file, -p/--pipe,
 * --timeout, --format, -h/--help, -V/--version) and redis-cli's habits (-h host, -p port, -u URL,
 * -n db, --user, --pass, -3, --raw, --no-raw) share some letters; they are told apart by what
 * follows: `-p 6380` is a port and a bare `-p` is --pipe; `-h localhost` is a host and a bare `-h`
 * is --help. Options stop at the first word that is not one: the command.
 */
import { OUTPUT_FORMATS, OutputFormat } from './render';
import { Credentials } from './session';

export const USAGE = `USAGE:
    rustypotato-cli [OPTIONS] [COMMAND [ARG...]]...

OPTIONS:
    -a, --address <HOST:PORT>  Server address [default: 127.0.0.1:6379]
    -h <HOST>                  Server host (like redis-cli)
    -p <PORT>                  Server port (like redis-cli)
    -u <URL>                   Server URL: redis://[[user]:password@]host[:port][/db]
    -n <DB>                    Database number
        --user <USER>          ACL user (AUTH user password)
        --pass <PASSWORD>      Password (AUTH); also read from RUSTYPOTATO_CLI_AUTH
    -3                         Talk RESP3 (HELLO 3)
    -2                         Talk RESP2 [default]
    -f, --file <FILE>          Execute the commands in FILE, one per line
    -p, --pipe                 Send the commands read from stdin, pipelined (mass insertion);
                               stdin may also be raw RESP
        --timeout <SECONDS>    Connection timeout [default: 30]
        --format <FORMAT>      Output format: human, raw, json, table
                               [default: human on a terminal, raw otherwise]
        --raw                  Same as --format raw
        --no-raw               Same as --format human
        --no-color             No colours (also NO_COLOR=1); colours are only used on a terminal
    -h, --help                 Print help information
    -V, --version              Print version information

Several commands can be given on one line; they are split by each command's arity
(asked from the server): rustypotato-cli set k1 v1 set k2 v2 get k1

Without a command, starts the interactive mode (history in ~/.rustypotato_history, or
RUSTYPOTATO_CLI_HISTFILE; "help" inside it lists what it can do).

Exit status: 0 on success; 1 when a command returned an error or the server could not be reached;
2 on a usage error.
`;

export interface CliOptions {
  host: string;
  port: number;
  db: number;
  credentials?: Credentials;
  protocol: 2 | 3;
  timeoutMs: number;
  /** null: human on a terminal, raw otherwise (redis-cli's rule). */
  format: OutputFormat | null;
  colour: boolean;
  file: string | null;
  pipe: boolean;
  help: boolean;
  version: boolean;
  command: string[];
}

export class UsageError extends Error {}

export const DEFAULT_PORT = 6379;

/** Parses `host:port`, `[v6addr]:port`, `host` or `:port`. */
export function parseAddress(text: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1], port: parsePort(bracketed[2] ?? String(DEFAULT_PORT)) };
  const colon = text.lastIndexOf(':');
  if (colon < 0 || text.indexOf(':') !== colon) return { host: text || '127.0.0.1', port: DEFAULT_PORT };
  return { host: text.slice(0, colon) || '127.0.0.1', port: parsePort(text.slice(colon + 1)) };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new UsageError(`Invalid port '${text}'`);
  return port;
}

function parseDb(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`Invalid database number '${text}'`);
  return Number(text);
}

/** Applies a redis:// URL: redis://[[user]:password@]host[:port][/db]. */
function applyUrl(options: CliOptions, text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`Invalid URL '${text}'`);
  }
  if (url.protocol === 'rediss:') throw new UsageError('TLS (rediss://) is not supported');
  if (url.protocol !== 'redis:') throw new UsageError(`Invalid URL scheme in '${text}': expected redis://`);
  if (url.hostname !== '') options.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.port !== '') options.port = parsePort(url.port);
  if (url.password !== '') {
    const user = decodeURIComponent(url.username);
    options.credentials = { user: user === '' ? undefined : user, password: decodeURIComponent(url.password) };
  } else if (url.username !== '') {
    // redis://password@host is accepted by redis-cli as a password alone.
    options.credentials = { password: decodeURIComponent(url.username) };
  }
  const path = url.pathname.replace(/^\//, '');
  if (path !== '') options.db = parseDb(path);
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const options: CliOptions = {
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    db: 0,
    protocol: 2,
    timeoutMs: 30000,
    format: null,
    colour: env.NO_COLOR === undefined || env.NO_COLOR === '',
    file: null,
    pipe: false,
    help: false,
    version: false,
    command: [],
  };
  let user: string | undefined;
  let password: string | undefined;
  let i = 0;
  const value = (name: string): string => {
    if (i + 1 >= argv.length) throw new UsageError(`Option ${name} needs a value`);
    return argv[++i];
  };
  const nextIsValue = (): boolean => i + 1 < argv.length && !argv[i + 1].startsWith('-');
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : null;
    const take = (): string => inline ?? value(name);
    switch (name) {
      case '-a':
      case '--address': {
        const address = parseAddress(take());
        options.host = address.host;
        options.port = address.port;
        break;
      }
      case '--host':
        options.host = take();
        break;
      case '--port':
        options.port = parsePort(take());
        break;
      case '-h':
        if (nextIsValue()) options.host = value(name);
        else options.help = true;
        break;
      case '-p':
        if (i + 1 < argv.length && /^\d+$/.test(argv[i + 1])) options.port = parsePort(value(name));
        else options.pipe = true;
        break;
      case '--pipe':
        options.pipe = true;
        break;
      case '-u':
      case '--url':
        applyUrl(options, take());
        break;
      case '-n':
      case '--db':
        options.db = parseDb(take());
        break;
      case '--user':
        user = take();
        break;
      case '--pass':
      case '--password':
        password = take();
        break;
      case '-2':
        options.protocol = 2;
        break;
      case '-3':
        options.protocol = 3;
        break;
      case '-f':
      case '--file':
        options.file = take();
        break;
      case '--timeout': {
        const text = take();
        const seconds = Number(text);
        if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`Invalid timeout '${text}'`);
        options.timeoutMs = Math.round(seconds * 1000);
        break;
      }
      case '--format': {
        const format = take().toLowerCase();
        if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
          throw new UsageError(`Invalid format '${format}': expected one of ${OUTPUT_FORMATS.join(', ')}`);
        }
        options.format = format as OutputFormat;
        break;
      }
      case '--raw':
        options.format = 'raw';
        break;
      case '--no-raw':
        options.format = 'human';
        break;
      case '--no-color':
      case '--no-colour':
        options.colour = false;
        break;
      case '--help':
        options.help = true;
        break;
      case '-V':
      case '-v':
      case '--version':
        options.version = true;
        break;
      default:
        throw new UsageError(`Unrecognized option '${arg}'`);
    }
  }
  options.command = argv.slice(i);
  // --pass wins over a URL's password, which wins over the environment.
  password ??= options.credentials === undefined ? env.RUSTYPOTATO_CLI_AUTH || undefined : undefined;
  if (password !== undefined) options.credentials = { user: user ?? options.credentials?.user, password };
  else if (user !== undefined && options.credentials !== undefined) options.credentials = { ...options.credentials, user };
  else if (user !== undefined) throw new UsageError('--user needs --pass (or RUSTYPOTATO_CLI_AUTH)');
  if (options.pipe && options.file !== null) throw new UsageError('--pipe and --file cannot be used together');
  if ((options.pipe || options.file !== null) && options.command.length > 0) {
    throw new UsageError(`Unexpected command words with ${options.pipe ? '--pipe' : '--file'}: ${options.command.join(' ')}`);
  }
  return options;
}
