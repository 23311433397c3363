/**
 * One client connection: its state (db, protocol, name, flags) and the request path
 *   socket -> framing -> one native batch (engine-owned commands) / TS dispatch -> one socket write.
 */
import type { Socket } from 'node:net';
import {
  Control,
  CONTROL_SIZE,
  CLIENT_FLAG_DENY_BLOCKING,
  CLIENT_FLAG_MONITORED,
  CLIENT_FLAG_NO_TOUCH,
  CLIENT_FLAG_RETRY_BLOCKED,
  CLIENT_FLAG_SIGNAL_READY,
  StopReason,
  native,
} from '../native';
import type { BlockedCommand } from './blocking';
import type { CommandSpec } from '../commands/types';
import { ParseStatus, RequestParser } from './framing';
import { ReplyWriter } from '../protocol/reply';
import type { Server } from './server';
import { arityError, arityOk, dispatchTsCommand, rejectedExec, resolveCommand, subscriberModeError } from './dispatch';
import { findSubcommand } from '../commands/table';
import { ClientSubscriptions } from './pubsub';
import type { TrackingState } from './tracking';
import { getKeysOfCommandLine } from '../commands/command-command';
import { scriptCaller } from '../handlers/scripting';
import { LAST_COMMAND_NULL, READ_AOF_PENDING, READ_CLOSED, READ_DELIVERIES, READ_SLOW_COMMANDS, Slot } from './client-io';

/** Shared by every client: the engine call runs synchronously, so one control block suffices. */
const control = new Int32Array(CONTROL_SIZE);

/** Pause reading from a client whose unsent replies exceed this (it is not reading them). */
const OUTPUT_HIGH_WATER = 64 * 1024 * 1024;

/** The arguments of the command framed at `cursor`, as views into `buf`. */
function argsAt(buf: Buffer, frames: Int32Array, cursor: number): Buffer[] {
  const argc = frames[cursor];
  const args: Buffer[] = new Array(argc);
  for (let i = 0; i < argc; i++) {
    const off = frames[cursor + 1 + 2 * i];
    args[i] = buf.subarray(off, off + frames[cursor + 2 + 2 * i]);
  }
  return args;
}

export class Client {
  readonly id: number;
  readonly createdAt = Date.now();
  name: string | null = null;
  libName = '';
  libVer = '';
  db = 0;
  private protocol: 2 | 3 = 2;
  noEvict = false;
  noTouch = false;
  /** Name of the last command run ("client|list" style), for CLIENT LIST... */
  lastCommand = 'NULL';
  closing = false;
  /** The blocking command this client waits on (BLPOP ...), or null. */
  blocked: BlockedCommand | null = null;
  /** This client's script runs past busy-reply-threshold (see busy-script.ts): its input waits. */
  private awaitingScript = false;
  /** The cursor after the suspended script's record, and what runs when the script ends in EXEC. */
  private scriptNextCursor = 0;
  private afterScriptInExec: (() => void) | null = null;
  private readyKeysAfterScript = false;
  /** MULTI: the queued commands (arguments copied), or null outside a transaction. */
  multi: Buffer[][] | null = null;
  /** A command was refused while queueing (unknown, wrong arity, no-multi): EXEC answers EXECABORT. */
  multiAborted = false;
  /** EXEC is running the queue: blocking is denied, ready keys are served after it. */
  private inExec = false;
  /** Commands in the transaction EXEC is running (CLIENT LIST shows multi=N then), or -1. */
  private execCount = -1;
  /** Replies queued when a command inside EXEC asked to close: later ones are not sent. */
  private execOutLimit = -1;
  private readyKeysDuringExec = false;
  /** The engine holds WATCHes for this client (see watch/unwatchAll). */
  private watching = false;
  /** Channels, patterns and shard channels this client listens on. */
  readonly subscriptions = new ClientSubscriptions();
  /** CLIENT TRACKING settings, or null when tracking is off. */
  tracking: TrackingState | null = null;
  /** A tracked command is running on its own (see runTracked): no re-routing. */
  private runningTracked = false;
  /** Bytes of pub/sub messages queued by deliver() and not yet handed to the socket. */
  private deliveredBytes = 0;
  /** What the engine was last told (syncDelivery): it may send pub/sub messages straight to the socket. */
  private directDelivery = false;
  /** Set by QUIT (and CLIENT KILL of oneself): close once the current reply is sent. */
  closeAfterReply = false;
  readonly addr: string;
  readonly laddr: string;

  /** Created on first use: a client the engine serves alone never needs them (see parser, tsReply). */
  private parserState: RequestParser | null = null;
  private tsReplyState: ReplyWriter | null = null;
  /** Unparsed bytes carried over between reads (an incomplete command). */
  private pending: Buffer | null = null;
  private pendingLen = 0;
  private needBytes = 0;
  private out: Uint8Array[] = [];
  /** A flush waits for the AOF (see flush). */
  private flushHeld = false;
  /** The socket's fd + 1 (0 if unknown): the engine sends replies to it directly (Control.SendSocket). */
  private readonly sendSocket: number;
  /** This client's row in the engine's read-path table (client-io.ts). */
  private readonly slot: number;
  /** The engine reads this client's socket (false: it could not, and the client is closed). */
  readonly attached: boolean;

  constructor(
    readonly server: Server,
    readonly socket: Socket,
  ) {
    this.id = server.nextClientId();
    this.addr = `${socket.remoteAddress}:${socket.remotePort}`;
    this.laddr = `${socket.localAddress}:${socket.localPort}`;
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    this.sendSocket = typeof fd === 'number' && fd >= 0 ? fd + 1 : 0;
    this.slot = server.io.allocate();
    this.attached = typeof fd === 'number' && fd >= 0 && native.ioAttach(this.id, fd, this.slot);
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    socket.on('drain', () => {
      if (this.closing) return;
      native.ioReading(this.id, true);
      this.updateNativeRead();
    });
    this.updateNativeRead();
  }

  /** The request framer, made when this client first has input for TypeScript. */
  private get parser(): RequestParser {
    if (this.parserState === null) this.parserState = new RequestParser(this.server.protoMaxBulkLen());
    return this.parserState;
  }

  /** The writer of TypeScript-produced replies, made on first use. */
  private get tsReply(): ReplyWriter {
    if (this.tsReplyState === null) {
      const writer = new ReplyWriter(2, 1024);
      writer.onError = (message) => this.server.ops.commands.recordError(message);
      this.tsReplyState = writer;
    }
    return this.tsReplyState;
  }

  /** When the last read happened (CLIENT LIST idle=, timeout); the engine stamps its reads. */
  get lastInteraction(): number {
    return this.server.io.get(this.slot, Slot.LastInteraction);
  }

  /** The native id of the last command when it ran in the engine, else -1 (see commandName). */
  get lastEngineCommand(): number {
    return this.server.io.get(this.slot, Slot.LastCommand);
  }
  set lastEngineCommand(id: number) {
    this.server.io.set(this.slot, Slot.LastCommand, id);
  }

  /**
   * The engine's read path may run this client's commands itself while nothing about it needs
   * TypeScript: no partial input, transaction, subscription, tracking, blocked or suspended
   * command, nothing queued for its socket. Refreshed after each of its TypeScript turns (flush).
   */
  private updateNativeRead(): void {
    const io = this.server.io;
    const fast =
      this.pending === null &&
      this.blocked === null &&
      !this.awaitingScript &&
      this.multi === null &&
      !this.subscriptions.active &&
      this.tracking === null &&
      this.out.length === 0 &&
      !this.flushHeld &&
      !this.closing &&
      !this.closeAfterReply &&
      this.socket.writableLength === 0;
    io.set(this.slot, Slot.Fast, fast ? 1 : 0);
    if (!fast) return;
    io.set(this.slot, Slot.Db, this.db);
    io.set(this.slot, Slot.Resp, this.protocol);
    io.set(this.slot, Slot.Flags, this.noTouch ? CLIENT_FLAG_NO_TOUCH : 0);
  }

  /**
   * The engine read from this client's socket: what it ran already needs `flags` done, `unsent`
   * replies go first, and the first `restLength` bytes of the shared read buffer are for onRead.
   */
  onNativeRead(restLength: number, flags: number, unsent: Uint8Array | null): void {
    if (flags & READ_CLOSED) {
      // The peer is gone (or half-closed): what is queued still goes out, as Node's own end did.
      this.closeAfterFlush();
      return;
    }
    this.server.io.set(this.slot, Slot.Fast, 0);
    if (unsent !== null) this.out.push(unsent);
    if (flags & READ_DELIVERIES) this.server.pubsub.takeDeliveries();
    if (flags & READ_AOF_PENDING) this.server.aof?.scheduleFlush();
    if (flags & READ_SLOW_COMMANDS) this.server.ops.drainSlowCommands(this);
    if (restLength > 0) {
      this.onRead(this.server.io.readBuffer, restLength);
    } else {
      this.server.flushPending();
      this.flush();
    }
  }

  get resp(): 2 | 3 {
    return this.protocol;
  }

  set resp(version: 2 | 3) {
    this.protocol = version;
    // The engine encodes this subscriber's messages for its protocol.
    if (this.subscriptions.active) this.syncDelivery(true);
  }

  get queryBufferLength(): number {
    return this.pendingLen;
  }

  /** Free bytes of the query buffer (CLIENT LIST qbuf-free). */
  get queryBufferFree(): number {
    return this.pending === null ? 0 : this.pending.length - this.pendingLen;
  }

  /** Replies waiting in TypeScript before reaching the socket (CLIENT LIST oll). */
  get queuedReplies(): number {
    return this.out.length;
  }

  /** The last command's table name (CLIENT LIST cmd=). */
  get commandName(): string {
    const id = this.lastEngineCommand;
    if (id === LAST_COMMAND_NULL) return 'NULL';
    return id >= 0 ? this.server.ops.nativeCommandName(id) : this.lastCommand;
  }

  get outputLength(): number {
    return this.socket.writableLength + this.deliveredBytes;
  }

  /**
   * RESP2 subscriber mode: a client with subscriptions may only (un)subscribe, PING, QUIT and RESET,
   * so each of its commands is checked on its own (RESP3 clients run anything while subscribed).
   */
  private get subscriberMode(): boolean {
    return this.resp === 2 && this.subscriptions.active;
  }

  /** A pub/sub message (or invalidation) for this client: sent after the current tick's replies. */
  deliver(message: Buffer): void {
    // Queued ahead of anything the engine could send itself: TypeScript reads on until flushed.
    this.server.io.set(this.slot, Slot.Fast, 0);
    this.out.push(message);
    this.deliveredBytes += message.length;
    this.syncDelivery();
    this.server.scheduleFlush(this);
  }

  /** Messages the engine could not send to the socket; it stopped sending directly when it gave them. */
  deliverFromEngine(messages: Buffer): void {
    this.directDelivery = false;
    this.deliver(messages);
  }

  /** PubSubRegistry: the client made its first subscription or dropped its last (mirrored in the engine). */
  engineSubscriberChanged(): void {
    this.directDelivery = false;
    this.syncDelivery(true);
  }

  /**
   * Tells the engine whether it may send this subscriber's messages straight to the socket: only
   * while nothing waits on this side (queued replies or messages, bytes buffered in the stream, an
   * AOF hold), which they would overtake. The client's own batch is safe meanwhile: a message it
   * publishes to itself joins its replies (Control.ClientSocket).
   */
  private syncDelivery(force = false): void {
    if (!this.subscriptions.active) return;
    const direct = this.out.length === 0 && this.socket.writableLength === 0 && !this.flushHeld && !this.closing;
    if (direct === this.directDelivery && !force) return;
    this.directDelivery = direct;
    native.pubsubClient(this.id, this.sendSocket, this.protocol, direct);
  }

  /**
   * Bytes read from the socket: chunk[0, length). The chunk is the server's shared read buffer
   * (client-io.ts), overwritten by the next read of any client, so everything
   * that must outlive this call (an incomplete command, a blocked client's input) is copied.
   */
  onRead(chunk: Buffer, length: number): void {
    if (this.closing) return;
    let buf: Buffer;
    let end: number;
    if (this.pending === null && this.blocked === null && !this.awaitingScript) {
      buf = chunk;
      end = length;
    } else {
      if (length < chunk.length) chunk = chunk.subarray(0, length);
      if (this.pending === null) {
        this.pending = Buffer.allocUnsafe(Math.max(chunk.length, 16 * 1024));
        this.pendingLen = 0;
      }
      this.appendPending(chunk);
      if (this.pendingLen > this.server.queryBufferLimit()) {
        this.server.log.warn({ client: this.id, addr: this.addr }, 'closing client that reached max query buffer length');
        this.close();
        return;
      }
      if (this.pendingLen < this.needBytes || this.blocked !== null || this.awaitingScript) return;
      buf = this.pending;
      end = this.pendingLen;
      this.pending = null;
      this.pendingLen = 0;
    }
    this.parser.maxBulkLen = this.server.opts.protoMaxBulkLen;
    this.process(buf, end);
    this.server.flushPending();
    this.flush();
  }

  /** Appends to the carry-over buffer, growing it geometrically (or straight to the known need). */
  private appendPending(chunk: Buffer): void {
    const pending = this.pending as Buffer;
    const want = this.pendingLen + chunk.length;
    if (want > pending.length) {
      const size = Math.max(want, Math.min(Math.max(this.needBytes, pending.length * 2), this.server.queryBufferLimit() + 1));
      const grown = Buffer.allocUnsafe(Math.max(size, want));
      pending.copy(grown, 0, 0, this.pendingLen);
      this.pending = grown;
    }
    chunk.copy(this.pending as Buffer, this.pendingLen);
    this.pendingLen = want;
  }

  private process(buf: Buffer, end: number): void {
    let pos = 0;
    const parser = this.parser;
    while (!this.closing) {
      const status = parser.parse(buf, pos, end);
      if (parser.commands > 0) {
        // Inline commands were unescaped into the parser's scratch bytes; frames point there.
        const input = parser.inlineBatch ? parser.scratch.buf : buf;
        const blockedAt = this.runFramed(input, parser.frames, parser.framesEnd);
        if (blockedAt >= 0) return this.keepRest(buf, parser.commandEnds[blockedAt], end);
      }
      pos = parser.pos;
      if (this.closing) return;
      if (status === ParseStatus.BatchFull) continue;
      if (status === ParseStatus.Error) {
        // latin1: the message may quote a client byte (expected '$', got '<byte>').
        this.replyTs((r) => r.errorBytes('ERR ' + parser.error));
        this.server.log.debug({ client: this.id, addr: this.addr, error: parser.error }, 'protocol error');
        this.closeAfterFlush();
        return;
      }
      // NeedMore: keep the incomplete tail.
      if (pos < end) {
        const rest = end - pos;
        if (rest > this.server.queryBufferLimit()) {
          this.close();
          return;
        }
        this.needBytes = parser.needBytes;
        const capacity = Math.max(rest * 2, 16 * 1024, Math.min(this.needBytes, this.server.queryBufferLimit() + 1));
        const keep = Buffer.allocUnsafe(capacity);
        buf.copy(keep, 0, pos, end);
        this.pending = keep;
        this.pendingLen = rest;
      }
      return;
    }
  }

  /** Keeps the unrun input buf[start, end) of a client that just blocked, for when it resumes. */
  private keepRest(buf: Buffer, start: number, end: number): void {
    const rest = end - start;
    const keep = Buffer.allocUnsafe(Math.max(rest, 16 * 1024));
    buf.copy(keep, 0, start, end);
    this.pending = keep;
    this.pendingLen = rest;
    this.needBytes = 0;
  }

  /**
   * Runs a framed batch: engine-owned commands in one native call, others here, in order.
   * Returns the batch index of the command the client blocked on, or -1.
   */
  private runFramed(buf: Buffer, frames: Int32Array, framesEnd: number, start = 0): number {
    const blocking = this.server.blocking;
    let index = 0;
    control[Control.FrameCursor] = start;
    control[Control.FrameEnd] = framesEnd;
    for (;;) {
      // Busy: each command is checked on its own, and at most one runs per engine call.
      const busy = this.server.busyScript.active;
      if (busy && this.refusedWhileBusy(argsAt(buf, frames, control[Control.FrameCursor]))) {
        const cursor = control[Control.FrameCursor];
        index++;
        const next = cursor + 1 + 2 * frames[cursor];
        if (this.closing || next >= framesEnd) return -1;
        control[Control.FrameCursor] = next;
        control[Control.FrameEnd] = framesEnd;
        continue;
      }
      if (this.multi !== null || this.subscriberMode || this.tracksReads) {
        // In MULTI every command goes through the queue (which runs EXEC, DISCARD, ... itself);
        // in subscriber mode each command is checked before it runs; a tracking client's reads
        // are remembered command by command.
        const cursor = control[Control.FrameCursor];
        const argc = frames[cursor];
        const args = argsAt(buf, frames, cursor);
        if (this.multi !== null) this.queueCommand(args);
        else if (this.subscriberMode) this.runInSubscriberMode(args);
        else if (this.runTracked(args)) return index;
        // EXEC whose script was suspended: the commands after it wait for the script.
        if (this.awaitingScript) return index;
        index++;
        const next = cursor + 1 + 2 * argc;
        if (this.closing || next >= framesEnd) return -1;
        control[Control.FrameCursor] = next;
        control[Control.FrameEnd] = framesEnd;
        continue;
      }
      const cursorNow = control[Control.FrameCursor];
      const tsSpec = this.tsOwnedAt(buf, frames, cursorNow);
      if (tsSpec !== null) {
        // A TypeScript-owned command (a PUBLISH pipeline, say) runs without a native call that
        // would only stop at it.
        const argc = frames[cursorNow];
        const args = argsAt(buf, frames, cursorNow);
        this.runTs(args, tsSpec);
        if (this.awaitingScript) return index;
        index++;
        const next = cursorNow + 1 + 2 * argc;
        if (this.closing || next >= framesEnd) return -1;
        control[Control.FrameCursor] = next;
        control[Control.FrameEnd] = framesEnd;
        continue;
      }
      const ops = this.server.ops;
      const monitoring = ops.monitors.active;
      control[Control.Db] = this.db;
      control[Control.Resp] = this.resp;
      control[Control.ClientFlags] =
        (this.noTouch ? CLIENT_FLAG_NO_TOUCH : 0) |
        (blocking.active ? CLIENT_FLAG_SIGNAL_READY : 0) |
        (this.inExec ? CLIENT_FLAG_DENY_BLOCKING : 0) |
        // A parked client runs only to retry its blocking command.
        (this.blocked !== null ? CLIENT_FLAG_RETRY_BLOCKED : 0) |
        (monitoring ? CLIENT_FLAG_MONITORED : 0);
      // The engine may send straight to the socket only when nothing is queued ahead of its replies
      // (it writes pending AOF records first, and keeps the replies back under appendfsync always).
      control[Control.SendSocket] = this.out.length === 0 && this.socket.writableLength === 0 ? this.sendSocket : 0;
      control[Control.ClientSocket] = this.sendSocket;
      scriptCaller.client = this;
      // MONITOR: while a client monitors, the engine runs one command per call so that each one
      // can be shown after it ran (Redis's order); without monitors this costs one property read.
      // A parked client's retry is not shown again. A script call is shown before it runs, then
      // the commands its script ran.
      const monitoredAt = monitoring && this.blocked === null ? control[Control.FrameCursor] : -1;
      let shownBefore = false;
      if (monitoredAt >= 0) {
        control[Control.FrameEnd] = Math.min(framesEnd, monitoredAt + 1 + 2 * frames[monitoredAt]);
        shownBefore = ops.feedMonitorsBeforeRunning(this, argsAt(buf, frames, monitoredAt));
      }
      if (busy) control[Control.FrameEnd] = Math.min(control[Control.FrameEnd], cursorNow + 1 + 2 * frames[cursorNow]);
      this.server.executing = this;
      const replies = native.execute(buf, frames, control);
      this.server.executing = null;
      const executed = this.takeEngineResults(replies);
      if (monitoring) ops.feedScriptCommands(this);
      if (executed > 0 && monitoredAt >= 0 && !shownBefore) ops.feedMonitors(this, argsAt(buf, frames, monitoredAt));
      index += executed;
      const stopped = control[Control.Stopped];
      const cursor = control[Control.FrameCursor];
      if (stopped === StopReason.RanAll) {
        if ((monitoredAt < 0 && !busy) || this.closing || cursor >= framesEnd) return -1;
        control[Control.FrameEnd] = framesEnd;
        continue;
      }
      if (stopped === StopReason.KeysReady) {
        // Waiters are served before this client's next command (after the whole EXEC inside one);
        // serving reuses the control block.
        // While a script is busy the waiters could only be refused: its caller serves them after it.
        if (this.inExec) this.readyKeysDuringExec = true;
        else if (!this.server.busyScript.active) blocking.serveReadyKeys();
        if (this.closing || cursor >= framesEnd) return -1;
        control[Control.FrameCursor] = cursor;
        control[Control.FrameEnd] = framesEnd;
        continue;
      }
      const argc = frames[cursor];
      const args = argsAt(buf, frames, cursor);
      if (stopped === StopReason.ScriptBusy) {
        this.awaitingScript = true;
        this.scriptNextCursor = cursor + 1 + 2 * argc;
        this.server.busyScript.begin(this, (args[0][0] | 0x20) === 0x66 /* f: FCALL, FCALL_RO */);
        return index;
      }
      if (stopped === StopReason.Blocked) {
        if (this.blocked === null) {
          // Redis shows a blocking command when it is first called, not when it is served.
          if (monitoredAt >= 0) ops.feedMonitors(this, args);
          blocking.block(this, args, control[Control.BlockTimeoutMs]);
        }
        return index;
      }
      this.runTs(args);
      if (this.awaitingScript) return index;
      index++;
      const next = cursor + 1 + 2 * argc;
      if (this.closing || next >= framesEnd) return -1;
      control[Control.FrameCursor] = next;
      control[Control.FrameEnd] = framesEnd;
    }
  }

  /** After an engine call (execute, resumeScript): its replies, events, AOF records and counters. */
  private takeEngineResults(replies: Uint8Array | null): number {
    if (replies !== null) this.out.push(replies);
    if (control[Control.Deliveries] !== 0) this.server.pubsub.takeDeliveries();
    if (this.server.tracking.active) this.server.tracking.drain(this);
    if (control[Control.AofPending] !== 0) this.server.aof?.scheduleFlush();
    const executed = control[Control.Executed];
    if (executed > 0) {
      const ops = this.server.ops;
      const signal = ops.engineSignal;
      // Inside EXEC, CLIENT LIST keeps showing exec (Redis's lastcmd).
      if (!this.inExec) {
        const id = signal[1];
        this.lastEngineCommand = id;
        if (id < 0) this.lastCommand = 'NULL';
      }
      if (signal[0] !== 0) ops.drainSlowCommands(this);
    }
    const stats = this.server.stats;
    const engineSignal = this.server.ops.engineSignal;
    if (engineSignal[2] !== 0) {
      // Commands the scripts of this call ran count too (Redis counts them in call()).
      stats.commandsProcessed += engineSignal[2];
      engineSignal[2] = 0;
    }
    stats.netOutputBytes += control[Control.SentBytes];
    stats.commandsProcessed += executed;
    stats.dirty += control[Control.Dirty];
    return executed;
  }

  /**
   * While a script runs past busy-reply-threshold only commands flagged allow_busy run; the others
   * are answered BUSY, after the checks Redis makes first (unknown command, arity, subscriber mode),
   * which the ordinary path answers. True when the command was answered here.
   */
  private refusedWhileBusy(args: Buffer[]): boolean {
    const top = this.server.table.byName.get(args[0].toString('latin1').toLowerCase());
    if (top === undefined || !arityOk(top, args.length)) return false;
    let spec = top;
    if (top.subcommands !== undefined && args.length > 1) {
      const sub = findSubcommand(top, args[1].toString('latin1'));
      if (sub === undefined || !arityOk(sub, args.length)) return false;
      spec = sub;
    }
    if (spec.flags.includes('allow_busy') || (this.subscriberMode && subscriberModeError(spec) !== null)) return false;
    this.server.ops.commands.recordRejected(spec.name);
    const busy = this.server.busyScript;
    if (spec.name === 'exec') {
      // A refused EXEC discards the transaction (Redis's execCommandAbort).
      this.discardTransaction();
      this.replyTs((r) => r.error(`EXECABORT Transaction discarded because of: ${busy.error}`));
      return true;
    }
    // Inside MULTI the refusal makes EXEC fail, as any rejected command does.
    if (this.multi !== null) this.multiAborted = true;
    this.replyTs((r) => r.error(busy.error));
    return true;
  }

  /** Runs this client's suspended script one slice further; false once it ended (reply queued). */
  continueScript(sliceMs: number): boolean {
    scriptCaller.client = this;
    const ops = this.server.ops;
    control[Control.ClientFlags] = (this.server.blocking.active ? CLIENT_FLAG_SIGNAL_READY : 0) | (ops.monitors.active ? CLIENT_FLAG_MONITORED : 0);
    // Messages the script publishes to its own client join its reply stream.
    control[Control.ClientSocket] = this.sendSocket;
    this.server.executing = this;
    const replies = native.resumeScript(control, sliceMs);
    this.server.executing = null;
    if (ops.monitors.active) ops.feedScriptCommands(this);
    if (control[Control.Stopped] === StopReason.ScriptBusy) return true;
    this.awaitingScript = false;
    this.takeEngineResults(replies);
    if (control[Control.Stopped] === StopReason.KeysReady) this.readyKeysAfterScript = true;
    return false;
  }

  /** Once the server is no longer busy: waiters served, then the rest of EXEC or the waiting input. */
  afterScript(): void {
    if (this.readyKeysAfterScript) {
      this.readyKeysAfterScript = false;
      if (this.inExec) this.readyKeysDuringExec = true;
      else this.server.blocking.serveReadyKeys();
    }
    const restOfExec = this.afterScriptInExec;
    this.afterScriptInExec = null;
    if (restOfExec !== null) restOfExec();
    if (!this.awaitingScript) this.resume();
  }

  /**
   * A command sent while in MULTI: EXEC, DISCARD, MULTI, WATCH, QUIT and RESET run; others are
   * queued (+QUEUED) or refused, which makes EXEC fail (Redis's flagTransaction).
   */
  private queueCommand(args: Buffer[]): void {
    const writer = this.tsReply;
    writer.resp = this.resp;
    if (rejectedExec(this, writer, args)) {
      this.out.push(writer.take());
      return;
    }
    const spec = resolveCommand(this, writer, args);
    const refusal = spec !== null && this.subscriberMode ? subscriberModeError(spec) : null;
    if (spec === null || refusal !== null) {
      if (refusal !== null) writer.error(refusal);
      this.multiAborted = true;
    } else {
      const name = spec.name;
      if (name === 'exec' || name === 'discard' || name === 'multi' || name === 'watch' || name === 'quit' || name === 'reset') {
        this.runTs(args);
        return;
      }
      if (spec.flags.includes('no_multi')) {
        writer.error('ERR Command not allowed inside a transaction');
        this.multiAborted = true;
      } else {
        (this.multi as Buffer[][]).push(args.map((a) => Buffer.from(a)));
        writer.simple('QUEUED');
      }
    }
    this.out.push(writer.take());
  }

  /** The spec of the command framed at `cursor` when TypeScript owns it, else null (by name bytes). */
  private tsOwnedAt(buf: Buffer, frames: Int32Array, cursor: number): CommandSpec | null {
    const off = frames[cursor + 1];
    const len = frames[cursor + 2];
    if (len > 16 || len === 0) return null;
    const spec = this.server.table.byName.get(buf.toString('latin1', off, off + len).toLowerCase());
    return spec !== undefined && spec.owner === 'ts' ? spec : null;
  }

  /** Tracking without BCAST: the keys of each read-only command are remembered for invalidation. */
  private get tracksReads(): boolean {
    return this.tracking !== null && !this.tracking.bcast && !this.runningTracked;
  }

  /**
   * One command of a tracking client, run on its own so that its keys can be remembered after it
   * (Redis's trackingRememberKeys in call()). True when the client blocked on it.
   */
  private runTracked(args: Buffer[]): boolean {
    this.runningTracked = true;
    let blocked: boolean;
    try {
      blocked = this.runArgs(args) >= 0;
    } finally {
      this.runningTracked = false;
    }
    const state = this.tracking;
    if (state === null || blocked) return blocked;
    const spec = this.server.table.byName.get(args[0].toString('latin1').toLowerCase());
    if (spec !== undefined && spec.flags.includes('readonly')) {
      const keys = getKeysOfCommandLine(args);
      if (Array.isArray(keys)) this.server.tracking.remember(this, keys.map((k) => args[k.pos]));
    }
    // CLIENT CACHING applies to the next command (the whole transaction inside EXEC); CLIENT
    // subcommands do not consume it.
    if (!this.inExec && this.multi === null && spec?.name !== 'client') state.caching = false;
    return false;
  }

  /** One command of a RESP2 client in subscriber mode: PING answers ["pong", msg] there. */
  private runInSubscriberMode(args: Buffer[]): void {
    const writer = this.tsReply;
    writer.resp = this.resp;
    const spec = resolveCommand(this, writer, args);
    if (spec !== null) {
      const refusal = subscriberModeError(spec);
      if (refusal !== null && spec.name === 'exec') {
        // A refused EXEC discards the transaction (Redis's execCommandAbort).
        this.discardTransaction();
        writer.error(`EXECABORT Transaction discarded because of: ${refusal.slice(4)}`);
      } else if (refusal !== null) {
        writer.error(refusal);
      } else if (spec.name === 'ping') {
        this.server.stats.commandsProcessed++;
        this.lastCommand = 'ping';
        if (args.length > 2) writer.error(arityError('ping'));
        else writer.array(2).bulk('pong').bulk(args.length > 1 ? args[1] : '');
      } else {
        this.runTs(args);
        return;
      }
    }
    this.out.push(writer.take());
  }

  /**
   * EXEC: runs the queued commands in one go through the ordinary path (nothing else runs
   * meanwhile: it is synchronous) and answers the array of their replies. Blocking commands answer
   * as on timeout; clients blocked on keys the transaction fed are served after it.
   */
  execTransaction(queued: Buffer[][], reply: ReplyWriter): void {
    reply.array(queued.length);
    this.out.push(reply.take());
    if (queued.length === 0) return;
    let bytes = 0;
    let slots = 0;
    for (const args of queued) {
      slots += 1 + 2 * args.length;
      for (const a of args) bytes += a.length;
    }
    const joined = Buffer.allocUnsafe(bytes);
    const frames = new Int32Array(slots);
    let off = 0;
    let f = 0;
    for (const args of queued) {
      frames[f++] = args.length;
      for (const a of args) {
        a.copy(joined, off);
        frames[f++] = off;
        frames[f++] = a.length;
        off += a.length;
      }
    }
    this.inExec = true;
    this.execCount = queued.length;
    this.readyKeysDuringExec = false;
    native.transaction(true);
    this.runTransaction(joined, frames, 0);
  }

  /**
   * Runs the transaction's commands from `cursor`. A script among them that runs past
   * busy-reply-threshold suspends the transaction: the rest runs when the script ends.
   */
  private runTransaction(joined: Buffer, frames: Int32Array, cursor: number): void {
    let suspended = false;
    try {
      suspended = this.runFramed(joined, frames, frames.length, cursor) >= 0 && this.awaitingScript;
    } finally {
      if (suspended) {
        const next = this.scriptNextCursor;
        this.afterScriptInExec = next < frames.length ? () => this.runTransaction(joined, frames, next) : () => this.endTransaction();
      } else {
        this.endTransaction();
      }
    }
  }

  private endTransaction(): void {
    let aofPending = false;
    try {
      aofPending = native.transaction(false);
    } finally {
      this.inExec = false;
      this.execCount = -1;
      if (this.tracking !== null) this.tracking.caching = false;
    }
    if (this.execOutLimit >= 0) {
      this.out.length = this.execOutLimit;
      this.execOutLimit = -1;
    }
    if (aofPending) this.server.aof?.scheduleFlush();
    if (this.readyKeysDuringExec) {
      this.readyKeysDuringExec = false;
      this.server.blocking.serveReadyKeys();
    }
  }

  /** DISCARD (and RESET, EXEC refused, disconnect): leaves MULTI and forgets the watches. */
  discardTransaction(): void {
    this.multi = null;
    this.multiAborted = false;
    this.unwatchAll();
  }

  /** WATCH key...: in the selected database. */
  watch(keys: Buffer[]): void {
    native.watch(this.id, this.db, keys);
    this.watching = true;
  }

  /** CLIENT LIST: multi=N while queueing or running EXEC (flag x), else -1. */
  get multiCount(): number {
    return this.multi !== null ? this.multi.length : this.execCount;
  }

  /** CLIENT LIST flag d: a watched key was modified. */
  get watchDirty(): boolean {
    return this.watching && native.watchDirty(this.id);
  }

  /** Forgets this client's watches; true when one was violated (EXEC must fail). */
  unwatchAll(): boolean {
    if (!this.watching) return false;
    this.watching = false;
    return native.unwatch(this.id);
  }

  /** Runs the command this client is blocked on again; true when it was served this time. */
  retryBlocked(args: Buffer[]): boolean {
    return this.runArgs(args) < 0;
  }

  /** After being served or timing out: send the reply, then go on with the input that waited. */
  resume(): void {
    this.flush();
    if (this.pending !== null && !this.closing) {
      setImmediate(() => {
        if (this.closing || this.blocked !== null || this.awaitingScript || this.pending === null) return;
        const buf = this.pending;
        const end = this.pendingLen;
        this.pending = null;
        this.pendingLen = 0;
        this.process(buf, end);
        this.flush();
      });
    }
  }

  /**
   * Runs one command given as separate arguments (a blocked client's retry, and later MULTI queues
   * and scripts): the engine path is taken through a synthesized frame over one joined buffer.
   */
  runArgs(args: Buffer[]): number {
    if (args.length === 0) return -1;
    const joined = Buffer.concat(args);
    const frames = new Int32Array(1 + 2 * args.length);
    frames[0] = args.length;
    let off = 0;
    for (let i = 0; i < args.length; i++) {
      frames[1 + 2 * i] = off;
      frames[2 + 2 * i] = args[i].length;
      off += args[i].length;
    }
    return this.runFramed(joined, frames, frames.length);
  }

  /** `spec`: the top-level spec already looked up by name, if any (saves a second lookup). */
  private runTs(args: Buffer[], spec?: CommandSpec): void {
    this.server.stats.commandsProcessed++;
    const writer = this.tsReply;
    writer.resp = this.resp;
    dispatchTsCommand(this, writer, args, spec);
    if (writer.length > 0) this.out.push(writer.take());
    if (this.closeAfterReply) {
      // Inside EXEC (CLIENT KILL of oneself) the rest of the transaction still runs but, as in
      // Redis, nothing more is sent; EXEC's own runTs then closes.
      if (!this.inExec) this.closeAfterFlush();
      else if (this.execOutLimit < 0) this.execOutLimit = this.out.length;
    }
  }

  /** Writes a TypeScript-produced reply in order with the engine's. */
  replyTs(write: (r: ReplyWriter) => void): void {
    const writer = this.tsReply;
    writer.resp = this.resp;
    write(writer);
    this.server.io.set(this.slot, Slot.Fast, 0);
    this.out.push(writer.take());
    // Outside the client's own batch (a timeout, a monitor line) this now waits here.
    this.syncDelivery();
  }

  flush(): void {
    this.writeOut();
    this.syncDelivery();
    this.updateNativeRead();
    this.server.syncNativeRead();
  }

  private writeOut(): void {
    const out = this.out;
    if (out.length === 0 || this.socket.destroyed) {
      out.length = 0;
      this.deliveredBytes = 0;
      return;
    }
    const aof = this.server.aof;
    if (aof !== null && aof.holdsReplies()) {
      // Replies leave only after the records of this tick were written (and fsynced under always).
      if (!this.flushHeld) {
        this.flushHeld = true;
        aof.hold(() => {
          this.flushHeld = false;
          this.flush();
        });
      }
      return;
    }
    const data = out.length === 1 ? out[0] : Buffer.concat(out);
    const bytes = data.length;
    // Straight to the socket when nothing waits in its stream (Node's write path costs more than
    // the send itself); what the socket does not take goes through the stream.
    const sent = this.sendSocket > 0 && this.socket.writableLength === 0 ? native.ioSend(this.sendSocket - 1, data) : 0;
    if (sent < bytes) this.socket.write(sent === 0 ? data : data.subarray(sent));
    out.length = 0;
    this.deliveredBytes = 0;
    this.server.stats.netOutputBytes += bytes;
    if (this.socket.writableLength > OUTPUT_HIGH_WATER) native.ioReading(this.id, false);
  }

  /** Sends what is queued, then closes (QUIT, protocol errors, CLIENT KILL of self). */
  closeAfterFlush(): void {
    if (this.closing) return;
    this.flush();
    this.closing = true;
    this.server.blocking.release(this);
    this.server.pubsub.dropClient(this);
    this.server.tracking.disable(this);
    this.discardTransaction();
    this.detach();
    // Node never reads this socket, so it would not see the peer's end: close once sent.
    this.socket.once('finish', () => this.socket.destroy());
    this.socket.end();
    this.server.removeClient(this);
  }

  /** Stops the engine reading this socket and frees the client's row. */
  private detach(): void {
    native.ioDetach(this.id);
    this.server.io.release(this.slot);
  }

  close(): void {
    if (!this.socket.destroyed) this.socket.destroy();
    if (this.closing) return;
    this.closing = true;
    this.pending = null;
    this.server.blocking.release(this);
    this.server.pubsub.dropClient(this);
    this.server.tracking.disable(this);
    this.discardTransaction();
    this.detach();
    this.server.removeClient(this);
  }
}

