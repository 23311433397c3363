/**
 * Load generation for one test on one thread: `clients` connections, each sending a batch of
 * `pipeline` pre-encoded commands with one write, waiting for all of its replies, then sending
 * the next, until the requests shared by every client (across threads too) are used up.
 *
 * Speed matters more than anywhere else here, because the tool must not be what limits the
 * figures: each connection reads into one reusable buffer (net's `onread`, no Buffer per read),
 * replies are only counted (ReplyScanner), and a read that completes replies costs one clock
 * read and one histogram update however many replies it holds.
 *
 * Latency is redis-benchmark's: from the write of a request's batch to the read that completes
 * its reply, in microseconds.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Histogram } from 'hdr-histogram-js';
import { BatchTemplate } from './command-template';
import { ReplyScanner } from './reply-scanner';
import { newLatencyHistogram } from './stats';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** A unix socket path; when set, host and port are not used. */
  readonly socketPath: string | null;
}

export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.socketPath ?? `${endpoint.host}:${endpoint.port}`;
}

/** Indexes into the counters every thread running a test shares. */
export const ISSUED = 0;
export const COMPLETED = 1;

/** Counters shared by the threads of one test run: requests claimed and replies received. */
export function newSharedCounters(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

/** One thread's part of a test. */
export interface ShareSpec {
  readonly endpoint: Endpoint;
  /** One command's request bytes. */
  readonly command: Uint8Array;
  readonly pipeline: number;
  /** Random numbers for `__rand_int__` are drawn from [0, keyspace); 0 leaves it literal. */
  readonly keyspace: number;
  /** Connections this thread opens. */
  readonly clients: number;
  /** The requests of the whole test (all threads). */
  readonly requests: number;
  /** Commands sent once on each connection before the test (AUTH, SELECT); any error fails it. */
  readonly setup: readonly Uint8Array[];
}

export interface ShareResult {
  /** Replies received. */
  requests: number;
  errors: number;
  firstError: string | null;
  /** Wall-clock milliseconds (fractional) when the first batch went out and the last reply came. */
  startedAt: number;
  finishedAt: number;
  histogram: Histogram;
}

const READ_BUFFER_BYTES = 64 * 1024;

const wallClock = (): number => performance.timeOrigin + performance.now();

/** One connection of the load. */
class LoadClient {
  readonly socket: net.Socket;
  /** Replies still expected for the batch in flight (or for the setup commands). */
  private inFlight = 0;
  private sentAt = 0;
  private scanner = new ReplyScanner();
  private setupDone: ((error: Error | null) => void) | null = null;
  private connected = false;
  finished = false;

  constructor(private readonly run: ShareRun, private readonly template: BatchTemplate) {
    const endpoint = run.spec.endpoint;
    const onread = { buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES), callback: (bytes: number, buffer: Uint8Array): boolean => this.onRead(bytes, buffer) };
    this.socket = endpoint.socketPath !== null
      ? net.connect({ path: endpoint.socketPath, onread })
      : net.connect({ host: endpoint.host, port: endpoint.port, onread });
    this.socket.setNoDelay(true);
    this.socket.on('error', (error) => {
      const where = formatEndpoint(endpoint);
      run.fail(new Error(this.connected ? `connection to ${where} failed: ${error.message}` : `Could not connect to ${where}: ${error.message}`));
    });
    this.socket.on('close', () => {
      if (!this.finished) run.fail(new Error(`the server at ${formatEndpoint(endpoint)} closed a connection before the test ended`));
    });
  }

  /** Resolves once connected and the setup commands are answered. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => {
        this.connected = true;
        const setup = this.run.spec.setup;
        if (setup.length === 0) {
          resolve();
          return;
        }
        this.setupDone = (error) => (error ? reject(error) : resolve());
        this.inFlight = setup.length;
        this.socket.write(Buffer.concat(setup));
      });
    });
  }

  /** Claims up to `pipeline` requests and sends them; with none left, this client is done. */
  sendNext(): void {
    const run = this.run;
    const pipeline = this.template.pipeline;
    const first = Atomics.add(run.counters, ISSUED, pipeline);
    if (first >= run.spec.requests) {
      this.finished = true;
      run.clientFinished();
      return;
    }
    const count = Math.min(pipeline, run.spec.requests - first);
    this.inFlight = count;
    const bytes = this.template.batch(count);
    this.sentAt = performance.now();
    this.socket.write(bytes);
  }

  /** net's onread callback: true keeps reading (false only after a protocol error, when the run is over). */
  private onRead(bytes: number, buffer: Uint8Array): boolean {
    let done: number;
    try {
      done = this.scanner.scan(buffer, 0, bytes);
    } catch (error) {
      this.run.fail(new Error(`${formatEndpoint(this.run.spec.endpoint)}: ${(error as Error).message}`));
      return false;
    }
    if (done === 0) return true;
    this.inFlight -= done;
    if (this.setupDone !== null) {
      this.finishSetup();
      return true;
    }
    const run = this.run;
    if (this.inFlight < 0) {
      run.fail(new Error(`${formatEndpoint(run.spec.endpoint)} sent more replies than requests`));
      return true;
    }
    run.recordReplies(Math.round((performance.now() - this.sentAt) * 1000), done);
    if (this.inFlight === 0) this.sendNext();
    return true;
  }

  private finishSetup(): void {
    if (this.inFlight > 0) return;
    const done = this.setupDone;
    this.setupDone = null;
    const failure = this.scanner.firstError;
    // The test's replies are counted from zero.
    this.scanner = new ReplyScanner();
    done?.(failure === null ? null : new Error(`${formatEndpoint(this.run.spec.endpoint)} refused a setup command: ${failure}`));
  }

  get errors(): number {
    return this.scanner.errors;
  }

  get firstError(): string | null {
    return this.scanner.firstError;
  }

  close(): void {
    this.finished = true;
    this.socket.end();
  }
}

/** The state of one thread's share while it runs. */
class ShareRun {
  private clients: LoadClient[] = [];
  private unfinished = 0;
  private replies = 0;
  private startedAt = 0;
  private settle: { resolve: (r: ShareResult) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  /** Rejects the connect phase when a connection fails during it. */
  private onFailure: ((e: Error) => void) | null = null;
  readonly histogram = newLatencyHistogram();

  constructor(readonly spec: ShareSpec, readonly counters: Int32Array) {}

  async connect(): Promise<void> {
    const template = new BatchTemplate(Buffer.from(this.spec.command.buffer, this.spec.command.byteOffset, this.spec.command.byteLength), this.spec.pipeline, this.spec.keyspace);
    for (let i = 0; i < this.spec.clients; i++) {
      // Sends rewrite random keys in place, so such templates cannot be shared.
      this.clients.push(new LoadClient(this, i === 0 || !template.rewritesKeys ? template : template.clone()));
    }
    this.unfinished = this.clients.length;
    const connecting = Promise.all(this.clients.map((client) => client.ready()));
    try {
      await Promise.race([connecting, new Promise<never>((_resolve, reject) => { this.onFailure = reject; })]);
    } catch (error) {
      this.closeAll();
      throw error;
    }
  }

  start(): Promise<ShareResult> {
    return new Promise((resolve, reject) => {
      if (this.failure !== null) {
        reject(this.failure);
        return;
      }
      this.settle = { resolve, reject };
      this.startedAt = wallClock();
      for (const client of this.clients) client.sendNext();
    });
  }

  recordReplies(latencyMicros: number, count: number): void {
    this.histogram.recordValueWithCount(latencyMicros, count);
    this.replies += count;
    Atomics.add(this.counters, COMPLETED, count);
  }

  clientFinished(): void {
    if (--this.unfinished > 0) return;
    const finishedAt = wallClock();
    let errors = 0;
    let firstError: string | null = null;
    for (const client of this.clients) {
      errors += client.errors;
      firstError ??= client.firstError;
    }
    this.closeAll();
    this.settle?.resolve({ requests: this.replies, errors, firstError, startedAt: this.startedAt, finishedAt, histogram: this.histogram });
    this.settle = null;
  }

  fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.closeAll();
    this.onFailure?.(error);
    this.settle?.reject(error);
    this.settle = null;
  }

  private closeAll(): void {
    for (const client of this.clients) client.close();
  }
}

/**
 * Runs this thread's share: connects, waits for `startSignal` (so that every thread starts at
 * once), then sends until the shared request count is used up.
 */
export async function runShare(spec: ShareSpec, counters: Int32Array, startSignal: () => Promise<void>): Promise<ShareResult> {
  const run = new ShareRun(spec, counters);
  await run.connect();
  await startSignal();
  return run.start();
}
