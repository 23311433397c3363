/**
 * The server: listeners, the client registry, the cron (active expiry, idle timeouts), statistics
 * and clean shutdown. Requests flow through Client (ts/server/client.ts).
 */
import { MemoryTracker } from '../metrics/memory';
import net from 'node:net';
import type { AofManager } from '../persistence/aof';
import type { Persistence } from '../persistence';
import type { Logger } from 'pino';
import { native } from '../native';
import { installScriptCallback } from '../handlers/scripting';
import type { CommandTable } from '../commands/table';
import { BusyScript } from './busy-script';
import { Client } from './client';
import { BlockingRegistry } from './blocking';
import { Observability } from '../metrics';
import { PubSubRegistry } from './pubsub';
import { TrackingTable } from './tracking';
import { ClientIoTable, IoCounter } from './client-io';

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

/**
 * The server's counters. Four of them are also added to by the engine's read path (client-io.ts):
 * each is what TypeScript added plus the engine's total, so `+=` and a reset work on the sum.
 */
class Counters implements ServerStats {
  startTime = Date.now();
  connectionsReceived = 0;
  rejectedConnections = 0;
  private readonly own = new Float64Array(4);

  constructor(private readonly engine: Float64Array) {
    for (let i = 0; i < 4; i++) this.own[i] = -engine[i];
  }

  get commandsProcessed(): number {
    return this.total(IoCounter.Commands);
  }
  set commandsProcessed(value: number) {
    this.setTotal(IoCounter.Commands, value);
  }
  get netInputBytes(): number {
    return this.total(IoCounter.InputBytes);
  }
  set netInputBytes(value: number) {
    this.setTotal(IoCounter.InputBytes, value);
  }
  get netOutputBytes(): number {
    return this.total(IoCounter.OutputBytes);
  }
  set netOutputBytes(value: number) {
    this.setTotal(IoCounter.OutputBytes, value);
  }
  get dirty(): number {
    return this.total(IoCounter.Dirty);
  }
  set dirty(value: number) {
    this.setTotal(IoCounter.Dirty, value);
  }

  private total(counter: IoCounter): number {
    return this.own[counter] + this.engine[counter];
  }
  private setTotal(counter: IoCounter, value: number): void {
    this.own[counter] = value - this.engine[counter];
  }
}

/** Redis's instantaneous metrics: a rate sampled every 100 ms, averaged over the last 16 samples. */
class RateMeter {
  private readonly samples = new Float64Array(16);
  private index = 0;
  private lastTime = 0;
  private lastValue = 0;

  sample(now: number, value: number): void {
    if (this.lastTime !== 0 && now > this.lastTime) {
      this.samples[this.index] = ((value - this.lastValue) * 1000) / (now - this.lastTime);
      this.index = (this.index + 1) % this.samples.length;
    }
    this.lastTime = now;
    this.lastValue = value;
  }

  /** Per second, averaged over the samples taken. */
  get rate(): number {
    let sum = 0;
    for (const v of this.samples) sum += v;
    return sum / this.samples.length;
  }
}

export class Server {
  readonly opsMeter = new RateMeter();
  readonly inputMeter = new RateMeter();
  readonly outputMeter = new RateMeter();
  private lastMetricsSample = 0;
  readonly clients = new Map<number, Client>();
  readonly blocking = new BlockingRegistry();
  readonly pubsub = new PubSubRegistry((id) => this.clients.get(id));
  readonly tracking = new TrackingTable((id) => this.clients.get(id));
  /** The client whose commands the engine runs (execute, resumeScript), else null (cron, loading). */
  executing: Client | null = null;
  /** A script running past busy-reply-threshold: most commands are answered BUSY meanwhile. */
  readonly busyScript = new BusyScript();
  /** Clients with pub/sub messages queued this tick; flushed together once I/O callbacks are done. */
  private readonly pendingFlush = new Set<Client>();
  stats: ServerStats;
  /** The engine reads the sockets; its shared per-client rows and counters. */
  readonly io: ClientIoTable;
  /** What ioAllowed was last told. */
  private nativeReadAllowed = false;
  readonly startTime = Date.now();
  /** Memory figures for INFO and MEMORY STATS (peak sampled by the cron). */
  readonly memory = new MemoryTracker();
  /** The TOML file the settings came from, for INFO's config_file. */
  configFile: string | null = null;
  private clientIds = 0;
  private listeners: net.Server[] = [];
  private cronTimer: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  /** Called before the process exits (flush logs, later: persistence). */
  onShutdown: Array<() => void> = [];
  /** The append-only file (set by startServer; a server without one never holds replies). */
  aof: AofManager | null = null;
  persistence: Persistence | null = null;
  /** Command statistics, SLOWLOG, LATENCY, MONITOR. */
  readonly ops: Observability;

  constructor(
    readonly opts: ServerOptions,
    readonly table: CommandTable,
    readonly log: Logger,
    /** The CONFIG layer; typed loosely here so that the server does not depend on its internals. */
    readonly config: import('../config/runtime').RuntimeConfig,
  ) {
    const missing = native.init(opts.databases, table.nativeNames, table.nativeArities, table.nativeFlags);
    if (missing.length > 0) throw new Error(`the engine has no handler for: ${missing.join(', ')}`);
    this.ops = new Observability(table, log);
    this.io = new ClientIoTable((id, restLength, flags, unsent) => this.clients.get(id)?.onNativeRead(restLength, flags, unsent));
    this.stats = new Counters(this.io.counters);
    this.tracking.allClients = () => this.clients.values();
    this.tracking.onActivity = (on) => native.setConfig('tracking', on ? 'yes' : 'no');
    // Inside a command, before a message is published after keys changed: the messages handed over
    // first, then the invalidations (the running client's own wait for its reply, as in Redis).
    native.setInvalidationHandler(() => {
      try {
        this.pubsub.takeDeliveries();
        this.tracking.drain(this.executing, true);
      } catch (err) {
        this.log.error({ err }, 'sending invalidations failed');
      }
    });
    installScriptCallback(this);
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
    this.stats = new Counters(this.io.counters);
    this.stats.startTime = kept;
    this.ops.reset();
  }

  /** Opens one listener per bind address; closes the ones already opened if any fails. */
  private async openListeners(port: number, bind: string[]): Promise<net.Server[]> {
    const opened: net.Server[] = [];
    try {
      for (const address of bind) {
        // Paused for good: Node never reads the sockets, the engine does (client-io.ts).
        const listener = net.createServer({ noDelay: this.opts.tcpNoDelay, pauseOnConnect: true }, (socket) =>
          this.accept(socket),
        );
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen({ port, host: address, backlog: 511 }, () => {
            listener.off('error', reject);
            resolve();
          });
        });
        opened.push(listener);
      }
    } catch (err) {
      for (const l of opened) l.close();
      throw err;
    }
    return opened;
  }

  /**
   * CONFIG SET port/bind: listen on the new addresses first and close the old listeners only when
   * that worked (connected clients stay). Returns an error text on failure.
   */
  async rebind(port: number, bind: string[]): Promise<string | null> {
    try {
      const next = await this.openListeners(port, bind);
      for (const l of this.listeners) l.close();
      this.listeners = next;
      this.log.info({ port, bind }, `Listening on ${bind.join(' ')}:${port}`);
      return null;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error({ port, bind, err: message }, 'could not listen on the new address; keeping the old one');
      return message;
    }
  }

  async listen(): Promise<void> {
    this.listeners = await this.openListeners(this.opts.port, this.opts.bind);
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
      this.log.warn({ addr: `${socket.remoteAddress}:${socket.remotePort}`, maxClients: this.opts.maxClients }, 'connection refused: max number of clients reached');
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    socket.setNoDelay(this.opts.tcpNoDelay);
    if (this.opts.tcpKeepAliveSeconds > 0) socket.setKeepAlive(true, this.opts.tcpKeepAliveSeconds * 1000);
    // The socket stays paused (pauseOnConnect): the engine reads it (client-io.ts).
    const client = new Client(this, socket);
    if (!client.attached) {
      this.log.warn({ addr: `${socket.remoteAddress}:${socket.remotePort}` }, 'closing a connection the engine could not read (no descriptor left?)');
      client.close();
      return;
    }
    this.clients.set(client.id, client);
    if (this.log.isLevelEnabled('debug')) this.log.debug({ client: client.id, addr: client.addr, laddr: client.laddr }, 'Accepted connection');
  }

  /**
   * Tells the engine whether fast clients' commands may run without TypeScript: not while
   * something server-wide must see each command (MONITOR, a busy script, client-side caching,
   * clients blocked on keys) or the server is stopping. Keyspace notifications need nothing from
   * TypeScript: the engine publishes them. Called after every client's
   * TypeScript turn (Client.flush) and by the cron.
   */
  syncNativeRead(): void {
    const allowed =
      !this.shuttingDown && !this.ops.monitors.active && !this.busyScript.active && !this.tracking.active && !this.blocking.active;
    if (allowed === this.nativeReadAllowed) return;
    this.nativeReadAllowed = allowed;
    native.ioAllowed(allowed);
  }

  /** Flushes `client` after the current I/O callbacks (Redis's beforeSleep write of pending clients). */
  scheduleFlush(client: Client): void {
    if (this.pendingFlush.size === 0) setImmediate(() => this.flushPending());
    this.pendingFlush.add(client);
  }

  /**
   * Writes the pub/sub messages queued for other clients; called before a client's own replies
   * leave, so that subscribers see a message before its publisher sees PUBLISH's reply (as with
   * Redis, which writes the subscribers it queued first).
   */
  flushPending(): void {
    if (this.pendingFlush.size === 0) return;
    const clients = [...this.pendingFlush];
    this.pendingFlush.clear();
    for (const client of clients) client.flush();
  }

  removeClient(client: Client): void {
    if (this.clients.delete(client.id) && this.log.isLevelEnabled('debug')) {
      this.log.debug({ client: client.id, addr: client.addr, name: client.name }, 'Client closed connection');
    }
    this.ops.monitors.clients.delete(client);
  }

  private cron(): void {
    // Redis runs no timers while a script is busy: no expiry, persistence or timeouts meanwhile.
    if (this.busyScript.active) return;
    const now = Date.now();
    this.syncNativeRead();
    if (now - this.lastMetricsSample >= 100) {
      this.lastMetricsSample = now;
      this.opsMeter.sample(now, this.stats.commandsProcessed);
      this.inputMeter.sample(now, this.stats.netInputBytes);
      this.outputMeter.sample(now, this.stats.netOutputBytes);
      this.memory.snapshot();
    }
    // Active expiry gets 25% of each cron period, as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC.
    const budgetMicros = Math.floor((1e6 / this.opts.hz) * 0.25);
    native.cron(budgetMicros);
    // The active cycle's "expired" notifications were sent; what a socket could not take is queued.
    this.pubsub.takeDeliveries();
    if (this.tracking.active) this.tracking.drain(null);
    this.persistence?.cron();
    const timeout = this.opts.idleTimeoutSeconds;
    if (timeout > 0) {
      for (const client of this.clients.values()) {
        // Blocked clients wait for their own timeout, as in Redis.
        if (client.blocked === null && now - client.lastInteraction > timeout * 1000) client.close();
      }
    }
  }

  /** Stops accepting, answers what is in flight, closes clients, then exits with `code`. */
  shutdown(code = 0): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.syncNativeRead();
    this.log.info('User requested shutdown...');
    if (this.cronTimer) clearInterval(this.cronTimer);
    for (const listener of this.listeners) listener.close();
    for (const client of this.clients.values()) client.closeAfterFlush();
    for (const hook of this.onShutdown) hook();
    // After the last replies were queued: every record on disk and fsynced, whatever the policy.
    this.aof?.shutdown();
    this.log.info('RustyPotato is now ready to exit, bye bye...');
    // Give sockets a moment to hand their last bytes to the kernel.
    setImmediate(() => process.exit(code));
  }
}
