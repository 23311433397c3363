/**
 * The server: listeners, the client registry, the cron (active expiry, idle timeouts), statistics
 * and clean shutdown. Requests flow through Client (ts/server/client.ts).
 */
import net from 'node:net';
import type { Logger } from 'pino';
import { native } from '../native';
import type { CommandTable } from '../commands/table';
import { Client } from './client';

/** The settings the running server reads; kept current by the config layer (CONFIG SET). */
export interface ServerOptions {
  port: number;
  bind: string[];
  maxClients: number;
  /** Close clients idle for this many seconds (0 = never), Redis's `timeout`. */
  idleTimeoutSeconds: number;
  /** Keep-alive probe interval in seconds (0 = off), Redis's `tcp-keepalive`. */
  tcpKeepAliveSeconds: number;
  tcpNoDelay: boolean;
  databases: number;
  hz: number;
  protoMaxBulkLen: number;
  queryBufferLimit: number;
}

export interface ServerStats {
  startTime: number;
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Keyspace changes since start (Redis's `dirty`, reported as rdb_changes_since_last_save). */
  dirty: number;
}

function freshStats(): ServerStats {
  return {
    startTime: Date.now(),
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    dirty: 0,
  };
}

export class Server {
  readonly clients = new Map<number, Client>();
  stats: ServerStats = freshStats();
  readonly startTime = Date.now();
  /** The TOML file the settings came from, for INFO's config_file. */
  configFile: string | null = null;
  private clientIds = 0;
  private listeners: net.Server[] = [];
  private cronTimer: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  /** Called before the process exits (flush logs, later: persistence). */
  onShutdown: Array<() => void> = [];

  constructor(
    readonly opts: ServerOptions,
    readonly table: CommandTable,
    readonly log: Logger,
    /** The CONFIG layer; typed loosely here so that the server does not depend on its internals. */
    readonly config: import('../config/runtime').RuntimeConfig,
  ) {
    const missing = native.init(opts.databases, table.nativeNames, table.nativeArities);
    if (missing.length > 0) throw new Error(`the engine has no handler for: ${missing.join(', ')}`);
  }

  nextClientId(): number {
    return ++this.clientIds;
  }

  protoMaxBulkLen(): number {
    return this.opts.protoMaxBulkLen;
  }

  queryBufferLimit(): number {
    return this.opts.queryBufferLimit;
  }

  resetStats(): void {
    const kept = this.stats.startTime;
    this.stats = freshStats();
    this.stats.startTime = kept;
  }

  async listen(): Promise<void> {
    for (const address of this.opts.bind) {
      const listener = net.createServer({ noDelay: this.opts.tcpNoDelay, pauseOnConnect: false }, (socket) =>
        this.accept(socket),
      );
      listener.maxConnections = Number.MAX_SAFE_INTEGER;
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen({ port: this.opts.port, host: address, backlog: 511 }, () => {
          listener.off('error', reject);
          resolve();
        });
      });
      this.listeners.push(listener);
    }
    const period = Math.max(1, Math.floor(1000 / this.opts.hz));
    this.cronTimer = setInterval(() => this.cron(), period);
    this.log.info(
      { port: this.opts.port, bind: this.opts.bind, pid: process.pid },
      `Ready to accept connections tcp on ${this.opts.bind.join(' ')}:${this.opts.port}`,
    );
  }

  /** The port actually bound (useful when configured with port 0). */
  boundPort(): number {
    const address = this.listeners[0]?.address();
    return typeof address === 'object' && address !== null ? address.port : this.opts.port;
  }

  private accept(socket: net.Socket): void {
    this.stats.connectionsReceived++;
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    if (this.clients.size >= this.opts.maxClients) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    socket.setNoDelay(this.opts.tcpNoDelay);
    if (this.opts.tcpKeepAliveSeconds > 0) socket.setKeepAlive(true, this.opts.tcpKeepAliveSeconds * 1000);
    const client = new Client(this, socket);
    this.clients.set(client.id, client);
  }

  removeClient(client: Client): void {
    this.clients.delete(client.id);
  }

  private cron(): void {
    // Active expiry gets 25% of each cron period, as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC.
    const budgetMicros = Math.floor((1e6 / this.opts.hz) * 0.25);
    native.cron(budgetMicros);
    const timeout = this.opts.idleTimeoutSeconds;
    if (timeout > 0) {
      const now = Date.now();
      for (const client of this.clients.values()) {
        if (now - client.lastInteraction > timeout * 1000) client.close();
      }
    }
  }

  /** Stops accepting, answers what is in flight, closes clients, then exits with `code`. */
  shutdown(code = 0): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.log.info('User requested shutdown...');
    if (this.cronTimer) clearInterval(this.cronTimer);
    for (const listener of this.listeners) listener.close();
    for (const client of this.clients.values()) client.closeAfterFlush();
    for (const hook of this.onShutdown) hook();
    this.log.info('RustyPotato is now ready to exit, bye bye...');
    // Give sockets a moment to hand their last bytes to the kernel.
    setImmediate(() => process.exit(code));
  }
}
