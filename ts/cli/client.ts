/**
 * One TCP connection to a RESP server: commands are written as they are issued (pipelined) and
 * replies are matched to them in order. Replies that answer no command (RESP3 push messages,
 * anything after SUBSCRIBE or MONITOR) go to a listener instead.
 */
import net from 'node:net';
import { Arg, ReplyParser, Reply, encodeCommand } from './resp';

/** Why a server could not be used: the message is what the CLI prints. */
export class ConnectionError extends Error {}

interface Waiter {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

/** A readable reason for a socket error ("Connection refused" rather than "connect ECONNREFUSED ..."). */
export function describeSocketError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED': return 'Connection refused';
    case 'ECONNRESET': return 'Connection reset by peer';
    case 'ETIMEDOUT': return 'Connection timed out';
    case 'EHOSTUNREACH': return 'No route to host';
    case 'ENETUNREACH': return 'Network is unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Name or service not known';
    case 'EPIPE': return 'Broken pipe';
    default: return error.message;
  }
}

export class RespClient {
  private readonly parser = new ReplyParser();
  private readonly waiters: Waiter[] = [];
  private closeListeners: Array<(reason: string) => void> = [];
  /** Receives replies that answer no pending command. */
  unsolicited: ((reply: Reply) => void) | null = null;
  closed = false;
  closeReason = '';

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 15000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => this.onClose(describeSocketError(e)));
    socket.on('close', () => this.onClose('Server closed the connection'));
  }

  /** Connects, failing with a ConnectionError after `timeoutMs`. */
  static open(host: string, port: number, timeoutMs: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const fail = (reason: string): void => {
        socket.destroy();
        reject(new ConnectionError(reason));
      };
      const timer = setTimeout(() => fail('Connection timed out'), timeoutMs);
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        fail(describeSocketError(e));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RespClient(socket));
      });
    });
  }

  /** Sends one command; resolves with its reply. */
  call(args: readonly Arg[]): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new ConnectionError(this.closeReason));
        return;
      }
      this.waiters.push({ resolve, reject });
      this.socket.write(encodeCommand(args));
    });
  }

  /** Sends one command whose replies arrive through `unsolicited` (SUBSCRIBE, MONITOR). */
  send(args: readonly Arg[]): void {
    if (!this.closed) this.socket.write(encodeCommand(args));
  }

  /** Writes bytes as they are (mass insertion); resolves once the socket can take more. */
  writeRaw(bytes: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new ConnectionError(this.closeReason));
    if (this.socket.write(bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = (): void => { this.socket.off('close', onClosed); resolve(); };
      const onClosed = (): void => { this.socket.off('drain', onDrain); reject(new ConnectionError(this.closeReason)); };
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClosed);
    });
  }

  get pendingReplies(): number {
    return this.waiters.length;
  }

  onClosed(listener: (reason: string) => void): void {
    if (this.closed) listener(this.closeReason);
    else this.closeListeners.push(listener);
  }

  close(reason = 'Connection closed'): void {
    this.socket.destroy();
    this.onClose(reason);
  }

  private onData(chunk: Buffer): void {
    let replies: Reply[];
    try {
      replies = this.parser.feed(chunk);
    } catch (e) {
      this.socket.destroy();
      this.onClose(`Protocol error: ${(e as Error).message}`);
      return;
    }
    for (const reply of replies) {
      // RESP3 push messages never answer a command; neither does anything once nothing waits.
      const waiter = reply.kind === 'push' ? undefined : this.waiters.shift();
      if (waiter !== undefined) waiter.resolve(reply);
      else this.unsolicited?.(reply);
    }
  }

  private onClose(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    const error = new ConnectionError(reason);
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }
}
