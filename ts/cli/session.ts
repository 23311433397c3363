/**
 * A CLI session: the server address and credentials, and the connection state that must survive a
 * reconnect (selected db, protocol, AUTH credentials), kept up to date from the commands the user
 * runs. Reconnecting replays AUTH, HELLO and SELECT, like redis-cli.
 */
import { ConnectionError, RespClient } from './client';
import { Arg, argText, Reply } from './resp';

export interface Credentials {
  user?: string;
  password: string;
}

export interface SessionOptions {
  host: string;
  port: number;
  timeoutMs: number;
  credentials?: Credentials;
  db: number;
  protocol: 2 | 3;
}

/** The server could not be used (refused, timed out, AUTH/HELLO/SELECT failed): the message is final. */
export class ConnectFailure extends ConnectionError {}

/** Commands whose replies keep arriving after the first (handled by streaming them). */
export const STREAMING_COMMANDS: ReadonlySet<string> = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'monitor']);

export class Session {
  client: RespClient | null = null;
  db: number;
  protocol: 2 | 3;
  inTransaction = false;
  private credentials: Credentials | undefined;

  constructor(private options: SessionOptions) {
    this.db = options.db;
    this.protocol = options.protocol;
    this.credentials = options.credentials;
  }

  get address(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `${host}:${this.options.port}`;
  }

  /** `connect <host> <port>` in the REPL: a new server, starting from db 0. */
  retarget(host: string, port: number): void {
    this.client?.close();
    this.client = null;
    this.options = { ...this.options, host, port };
    this.db = 0;
  }

  get connected(): boolean {
    return this.client !== null && !this.client.closed;
  }

  /** The message printed when the server cannot be reached. */
  connectFailure(reason: string): string {
    return `Could not connect to RustyPotato at ${this.address}: ${reason}`;
  }

  /** Connects (again) and restores the session: AUTH, HELLO 3, SELECT. Throws ConnectFailure. */
  async connect(): Promise<RespClient> {
    this.client?.close();
    this.client = null;
    this.inTransaction = false;
    let client: RespClient;
    try {
      client = await RespClient.open(this.options.host, this.options.port, this.options.timeoutMs);
    } catch (e) {
      throw new ConnectFailure(this.connectFailure((e as Error).message));
    }
    const handshake = async (args: string[], what: string): Promise<void> => {
      const reply = await withTimeout(client.call(args), this.options.timeoutMs, `${what} timed out`);
      if (reply.kind === 'error') throw new ConnectFailure(`${what} failed: ${reply.text}`);
    };
    try {
      if (this.credentials !== undefined) {
        const { user, password } = this.credentials;
        await handshake(user === undefined ? ['AUTH', password] : ['AUTH', user, password], 'AUTH');
      }
      if (this.protocol === 3) await handshake(['HELLO', '3'], 'HELLO 3');
      if (this.db !== 0) await handshake(['SELECT', String(this.db)], `SELECT ${this.db}`);
    } catch (e) {
      client.close();
      if (e instanceof ConnectFailure || !(e instanceof ConnectionError)) throw e;
      throw new ConnectFailure(this.connectFailure(e.message));
    }
    this.client = client;
    return client;
  }

  /** The live connection, reconnecting first when the previous one was closed. */
  async ensureConnected(): Promise<RespClient> {
    if (this.client !== null && !this.client.closed) return this.client;
    return this.connect();
  }

  /** Runs one command, then records what it changed in the session. */
  async execute(args: readonly Arg[]): Promise<Reply> {
    const client = await this.ensureConnected();
    const reply = await client.call(args);
    this.observe(args, reply);
    return reply;
  }

  /** Updates db / protocol / credentials / transaction state from a command and its reply. */
  observe(command: readonly Arg[], reply: Reply): void {
    const args = command.map(argText);
    const name = (args[0] ?? '').toLowerCase();
    const ok = reply.kind !== 'error';
    switch (name) {
      case 'select':
        if (ok && !this.inTransaction) this.db = Number(args[1]);
        break;
      case 'hello':
        if (ok) {
          if (args[1] === '2' || args[1] === '3') this.protocol = args[1] === '3' ? 3 : 2;
          const auth = args.findIndex((a, i) => i > 1 && a.toLowerCase() === 'auth');
          if (auth > 0 && args.length > auth + 2) this.credentials = { user: args[auth + 1], password: args[auth + 2] };
        }
        break;
      case 'auth':
        if (ok) this.credentials = args.length > 2 ? { user: args[1], password: args[2] } : { password: args[1] };
        break;
      case 'multi':
        if (ok) this.inTransaction = true;
        break;
      case 'exec':
      case 'discard':
        this.inTransaction = false;
        break;
      case 'reset':
        if (ok) {
          this.db = 0;
          this.protocol = 2;
          this.inTransaction = false;
          this.credentials = undefined;
        }
        break;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new ConnectFailure(message)), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error: unknown) => { clearTimeout(timer); reject(error); },
    );
  });
}
