/**
 * A raw test connection: writes bytes or commands, reads replies with their raw bytes, and
 * notices when the server closes the connection. Every wait is bounded by a timeout.
 */
import net from 'node:net';
import { RespReader, Reply, encodeCommand, escapeBytes, formatCommand } from './resp';

export type Arg = string | Buffer | number | bigint;

export class TimeoutError extends Error {}

interface Waiter {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Connection {
  readonly socket: net.Socket;
  private reader = new RespReader();
  private replies: Reply[] = [];
  private waiters: Waiter[] = [];
  private closeWaiters: Array<() => void> = [];
  private dataWaiters: Array<() => void> = [];
  /** Every byte received, when `recordRaw` is on (protocol tests compare whole streams). */
  private rawLog: Buffer[] = [];
  private recordRaw = false;
  private parseError: Error | null = null;
  closed = false;
  /** Bytes received so far. */
  received = 0;

  private constructor(socket: net.Socket, recordRaw: boolean) {
    this.socket = socket;
    this.recordRaw = recordRaw;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => { /* surfaces as close; ECONNRESET is expected in protocol tests */ });
    socket.on('close', () => this.onClose());
  }

  static connect(port: number, opts: { host?: string; timeoutMs?: number; recordRaw?: boolean } = {}): Promise<Connection> {
    const host = opts.host ?? '127.0.0.1';
    const timeoutMs = opts.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TimeoutError(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new Connection(socket, opts.recordRaw ?? false));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.recordRaw) this.rawLog.push(chunk);
    if (this.parseError === null) {
      this.reader.feed(chunk);
      try {
        for (const r of this.reader.takeReplies()) this.deliver(r);
      } catch (e) {
        this.parseError = e as Error;
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(this.parseError);
        }
      }
    }
    for (const d of this.dataWaiters.splice(0)) d();
  }

  private deliver(r: Reply): void {
    const w = this.waiters.shift();
    if (w) {
      clearTimeout(w.timer);
      w.resolve(r);
    } else {
      this.replies.push(r);
    }
  }

  private onClose(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error(`connection closed while waiting for a reply (pending bytes ${escapeBytes(this.reader.pendingBytes())})`));
    }
    for (const c of this.closeWaiters.splice(0)) c();
    for (const d of this.dataWaiters.splice(0)) d();
  }

  write(bytes: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Writes and resolves when the bytes have been handed to the kernel. */
  writeFlushed(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  send(...args: Arg[]): void {
    this.write(encodeCommand(args));
  }

  read(timeoutMs = 5000): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.parseError) return Promise.reject(this.parseError);
    if (this.closed) return Promise.reject(new Error('connection is closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.findIndex((w) => w.timer === timer);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new TimeoutError(`no reply within ${timeoutMs} ms (pending bytes ${escapeBytes(this.reader.pendingBytes())})`));
      }, timeoutMs);
      this.waiters.push({ resolve, reject, timer });
    });
  }

  async readN(n: number, timeoutMs = 10000): Promise<Reply[]> {
    const deadline = Date.now() + timeoutMs;
    const out: Reply[] = [];
    for (let i = 0; i < n; i++) out.push(await this.read(Math.max(1, deadline - Date.now())));
    return out;
  }

  /** Sends one command and reads its reply. */
  async call(args: Arg[], timeoutMs = 5000): Promise<Reply> {
    this.write(encodeCommand(args));
    try {
      return await this.read(timeoutMs);
    } catch (e) {
      throw new Error(`${formatCommand(args)}: ${(e as Error).message}`);
    }
  }

  /** Sends one command and returns the reply as text (bulk/simple/error/integer). */
  async text(...args: Arg[]): Promise<string> {
    const r = await this.call(args);
    const v = r.value;
    if (v.type === 'integer') return v.value.toString();
    if (v.type === 'bulk') return v.value === null ? '(nil)' : v.value.toString('latin1');
    if (v.type === 'simple' || v.type === 'error' || v.type === 'double') return v.value;
    if (v.type === 'verbatim') return v.value.toString('latin1');
    return r.raw.toString('latin1');
  }

  /** Resolves true when the server closes the connection within `timeoutMs`, else false. */
  waitClosed(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.closeWaiters.indexOf(done);
        if (i >= 0) this.closeWaiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.closeWaiters.push(done);
    });
  }

  /**
   * Waits until the server closes the connection or sends nothing for `idleMs` (bounded by
   * `maxMs`), and returns every byte received so far (requires `recordRaw`).
   */
  async collectRaw(idleMs: number, maxMs = 10000): Promise<{ bytes: Buffer; closed: boolean }> {
    const deadline = Date.now() + maxMs;
    while (!this.closed && Date.now() < deadline) {
      const before = this.received;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { cleanup(); resolve(); }, Math.min(idleMs, Math.max(1, deadline - Date.now())));
        const wake = (): void => { cleanup(); resolve(); };
        const cleanup = (): void => {
          clearTimeout(timer);
          const i = this.dataWaiters.indexOf(wake);
          if (i >= 0) this.dataWaiters.splice(i, 1);
        };
        this.dataWaiters.push(wake);
      });
      if (this.received === before && !this.closed) break;
    }
    return { bytes: Buffer.concat(this.rawLog), closed: this.closed };
  }

  /** Like collectRaw, but returns only the bytes received since the last take, and forgets them. */
  async takeRaw(idleMs: number, maxMs = 10000): Promise<{ bytes: Buffer; closed: boolean }> {
    const got = await this.collectRaw(idleMs, maxMs);
    this.rawLog = [];
    this.replies = [];
    return got;
  }

  /** Replies that arrived without being read. */
  unread(): Reply[] {
    return this.replies.slice();
  }

  close(): void {
    this.socket.destroy();
  }

  /** Sends QUIT-free shutdown of the socket and waits for it to close (bounded). */
  async end(timeoutMs = 1000): Promise<void> {
    this.socket.end();
    if (!(await this.waitClosed(timeoutMs))) this.socket.destroy();
  }
}
