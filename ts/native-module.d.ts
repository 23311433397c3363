/**
 * The whole N-API surface of the C++ engine (native/addon.cc). Nothing else crosses the boundary.
 *
 * Hot path (DESIGN.md §1): TypeScript frames a read chunk into offsets (no strings, no Buffers per
 * argument), then ONE `execute` call runs every engine-owned command of the batch and returns all of
 * their replies in one Buffer. A command the engine does not own (connection/server commands, or an
 * unknown name) stops the batch; TypeScript answers it and calls `execute` again from the next
 * command, so replies always leave in request order.
 *
 * ## frames (Int32Array), one record per command, records back to back:
 *     [argc, off0, len0, off1, len1, ..., off(argc-1), len(argc-1)]
 * Offsets/lengths are byte positions in `input`. Argument 0 is the command name (any case).
 *
 * ## control (Int32Array of CONTROL_SIZE), see the Control enum in ts/native.ts:
 *   in : [FrameCursor] index into frames of the first record to run
 *        [FrameEnd]    index one past the last record
 *        [Db]          the connection's selected database
 *        [Resp]        2 or 3
 *        [ClientFlags] bit 0: CLIENT NO-TOUCH (reads do not update the LRU clock)
 *                      bit 1: clients are blocked on keys: pushes record ready keys (see Stopped)
 *                      bit 2: the command runs again for a client blocked on it (keys of another
 *                             type now leave it waiting instead of answering WRONGTYPE)
 *                      bit 3: blocking is not allowed (MULTI, scripts): answer as on timeout
 *        [SendSocket]  the client's socket fd + 1, or 0: when set, the replies are sent to the socket
 *                      by execute itself and only what the socket did not take is returned
 *        [ClientSocket] the client's socket fd + 1 (0 if unknown) even when SendSocket is 0: a pub/sub
 *                      message it publishes to itself is written among its replies, before the
 *                      PUBLISH reply (as Redis does)
 *   out: [FrameCursor] advanced past every executed record (points at the stopping record, if any)
 *        [Executed]    number of commands executed by this call
 *        [Stopped]     why the batch ended early (StopReason in ts/native.ts):
 *                      0 ran every record; 1 the record at FrameCursor is not an engine command;
 *                      2 the record at FrameCursor is a blocking command with nothing to serve (no
 *                        reply was written: park the client, run it again when a key is ready);
 *                      3 the last executed command made keys ready for blocked clients (serve them
 *                        via takeReadyKeys before continuing, as Redis does after each command)
 *                      4 the record at FrameCursor (EVAL*, FCALL*) ran past busy-reply-threshold and
 *                        is suspended, unanswered: the server is busy (only commands flagged
 *                        allow_busy run) until resumeScript ends it
 *        [Dirty]       number of keyspace changes made by this call (Redis's `dirty` counter delta)
 *        [BlockTimeoutMs] with Stopped 2: the wait in ms (0 forever, -1 not given by the engine)
 *        [SentBytes]   bytes sent to sockets by this call: SendSocket's replies and pub/sub messages
 *        [Deliveries]  subscribers with pub/sub messages execute could not send (their socket is not
 *                      direct, is full, or the AOF holds replies): queue them from takeDeliveries()
 *        [AofPending]  1 when AOF records wait to be written (see aofFlush)
 */
export interface NativeModule {
  /**
   * Called once at start-up. `names[i]` (lowercase) is native command id i, `arities[i]` its Redis
   * arity (N exact, -N at least N), `flags[i]` bit 0 set when it writes, bit 1 when scripts may not
   * call it (noscript), bit 2 for pub/sub commands (read-only scripts may not call them). Returns the names the engine has no handler for (start-up fails
   * if any), so the TypeScript command table and the C++ handlers cannot drift apart.
   */
  init(databases: number, names: string[], arities: Int32Array, flags?: Int32Array): string[];

  /**
   * While persistence fails, every command flagged as a write at init (flags bit 0) is answered
   * with this error instead of running (Redis's MISCONF). An empty text lifts the refusal.
   */
  setWriteRefusal(message: string): void;

  /**
   * Installs the function that runs a TypeScript-owned command called from a Lua script
   * (redis.call('PUBLISH', ...)): args as sent by the script, the script's database and RESP
   * version, whether the script is read-only (EVAL_RO). Returns the command's reply bytes; it runs
   * synchronously inside the execute() call of the script.
   */
  setScriptCallback(run: (args: Buffer[], db: number, resp: number, readOnly: boolean) => Uint8Array): void;

  /**
   * MONITOR: the engine commands scripts ran (while the batch had CLIENT_FLAG_MONITORED) since the
   * last call, or null. Per command: wall-clock µs (f64), database and argument count (i32), then
   * each argument as length (i32) and bytes; little-endian.
   */
  takeScriptCommands(): Buffer | null;

  /**
   * Runs a framed batch (see above). Returns the concatenated replies, or null when there are none.
   * Small replies come back as views into a shared slab that later calls never overwrite (cheaper
   * than a new Buffer per call); large ones as their own Buffer. Either may be kept and written.
   */
  execute(input: Buffer, frames: Int32Array, control: Int32Array): Uint8Array | null;

  /**
   * Runs the suspended script (StopReason.ScriptBusy) for about `sliceMs` more. While it still runs
   * returns null with control[Stopped] = 4; once it ended returns its reply (or error) with
   * control[Executed] = 1, [Stopped] 0 or 3 (keys ready), [Dirty] and [AofPending] as execute sets
   * them. control[ClientFlags] is read for bit 1 (clients are blocked on keys).
   */
  resumeScript(control: Int32Array, sliceMs: number): Uint8Array | null;

  /**
   * PUBLISH and SPUBLISH run in the engine (inside execute, also from scripts and EXEC) over a copy
   * of the subscriptions that TypeScript owns: each (un)subscription of `name` (kind 0 channel,
   * 1 pattern, 2 shard channel) is mirrored here. A client's record exists from its first
   * subscription to its last. Keyspace notifications are published there too, the moment a command
   * emits them. Messages for the client whose batch runs (Control.ClientSocket) join its replies;
   * for others they are sent at the end of the batch (or of the cron call) straight to the socket
   * while it is direct (see pubsubClient), else handed back (Control.Deliveries).
   */
  pubsubSubscribe(clientId: number, kind: number, name: Buffer, subscribe: boolean): void;
  /**
   * A subscriber's socket fd + 1 (0: unknown), protocol (messages are encoded for it), and whether
   * the engine may send its messages straight to the socket: only while TypeScript holds nothing
   * for that socket (no queued replies, nothing buffered in the stream, no AOF hold). The engine
   * turns `direct` off by itself when it hands messages back.
   */
  pubsubClient(clientId: number, socket: number, resp: number, direct: boolean): void;
  /** The messages execute could not send, as [clientId, bytes] in order; clears them. */
  takeDeliveries(): Array<[number, Buffer]>;

  /**
   * Periodic work, called by the server cron (`hz` times per second): active expiry for at most
   * `budgetMicros` microseconds (Redis: 25% of the cron period) and incremental rehash steps.
   * Sends the messages published meanwhile (the active cycle's "expired" notifications); what it
   * could not send waits for takeDeliveries(). Returns the number of keys expired.
   */
  cron(budgetMicros: number): number;

  /**
   * WATCH: the client (its id) watches these keys of database `db` until `unwatch`. The engine
   * tracks changes to watched keys only while some client watches (no cost otherwise).
   */
  watch(clientId: number, db: number, keys: Buffer[]): void;
  /**
   * Forgets every watch of the client (UNWATCH, EXEC, DISCARD, RESET, disconnect). Returns true when
   * a watched key was modified (by anyone, by expiry, FLUSHDB/FLUSHALL/SWAPDB) or has expired since
   * it was watched: EXEC must then answer the null array and run nothing.
   */
  unwatch(clientId: number): boolean;
  /** True when a key the client watches was modified since (CLIENT LIST flag `d`); no change. */
  watchDirty(clientId: number): boolean;
  /**
   * EXEC begins (true) / ends (false): the AOF records of the commands run in between are written at
   * the end, wrapped in MULTI ... EXEC when there are several (as Redis 7.0). Returns true when AOF
   * records wait to be written (as Control.AofPending).
   */
  transaction(begin: boolean): boolean;

  /**
   * Keys that received elements while bit 1 of ClientFlags was set, as [db, key]; clears them. A
   * null key means every key of that database (after SWAPDB).
   */
  takeReadyKeys(): Array<[number, Buffer | null]>;

  /**
   * After a batch stopped because a command blocked: the command line to retry instead of the one
   * sent, or null to retry the same (XREAD BLOCK with `$` waits for entries after the stream's last
   * ID at the moment it blocked, so the retry names that ID).
   */
  takeBlockedArgs(): Buffer[] | null;

  /**
   * SAVE: writes an RDB (version 10, Redis 7.0's format) snapshot of every database to `path`
   * atomically (temp file, fsync, rename, fsync of the directory). Returns null, or the error text.
   */
  saveSnapshot(path: string): string | null;

  /** Loads an RDB file (anything Redis 7.0 writes) into the databases. Returns counts or the error text. */
  loadSnapshot(path: string): { keys: number; expired: number } | string;

  /** Opens (creating) the append-only file for appending; records are produced from now on. Null or the error. */
  aofOpen(path: string): string | null;
  /** Writes and fsyncs what is pending, then closes the AOF. Null or the error. */
  aofClose(): string | null;
  /**
   * Writes pending AOF records to the file: fsynced at once under `always` (or when `sync`), by a
   * background thread once a second under `everysec`. Returns 0 or the errno of a failed write.
   */
  aofFlush(sync: boolean): number;
  /** Adds an annotation line (e.g. "#TS:1700000000\r\n") before the next records. */
  aofAnnotate(text: string): void;
  /** Reads an AOF for replay; returns its size or the error. stopAtSeconds > 0: point-in-time stop. */
  aofLoadBegin(path: string, stopAtSeconds: number): number | string;
  /** Replays up to maxBytes more of the file being loaded. */
  aofLoadStep(maxBytes: number): AofLoadStep;
  /**
   * Starts a background save without fork(): an image of the data as it is now, encoded by
   * persistStep slices while the server keeps serving, written by a background thread. 'rewrite'
   * writes the AOF base into `path` and starts the rewrite buffer, 'snapshot' an RDB file at
   * `path` (atomically). Null when started, else the error.
   */
  persistStart(kind: 'rewrite' | 'snapshot', path: string): string | null;
  /**
   * Encodes for about `budgetMicros`. 0: still encoding (call again soon), 1: the file is being
   * written, 2: done, 3: failed, 4: encoding waits for the disk (call again a little later), -1: no job.
   */
  persistStep(budgetMicros: number): number;
  /** Null while a job runs (or none); when it ended: [ok, bytes captured before a change, error]. */
  persistPoll(): [boolean, number, string] | null;
  /** Stops the job; its unfinished file is removed. */
  persistAbort(): void;
  /**
   * After a rewrite's base was written: ok → append what was logged meanwhile and switch files atomically. Null
   * when switched, the error, or true while the new file's fsync runs in the background
   * (everysec/no): call again (the cron does) until it is null or an error.
   */
  aofRewriteDone(ok: boolean, tempPath: string, targetPath: string): string | true | null;

  /**
   * Engine-owned parameters, by their Redis names (e.g. "maxmemory-policy", "busy-reply-threshold");
   * also "notify-keyspace-events" (Redis's NOTIFY_* flags, K and E included, as decimal text) and "tracking" ("yes"
   * while any client tracks keys: modified keys are then recorded for invalidation).
   */
  setConfig(name: string, value: string): void;

  /**
   * Tracking invalidations recorded since the last call, a Buffer of records or null: u32 key
   * length (0xFFFFFFFF = every key: a flush), key. Host byte order (little-endian).
   */
  takeInvalidations(): Buffer | null;
  /**
   * Called inside execute (and cron) when a message is about to be published while invalidations
   * wait: the messages published before them were handed over first (takeDeliveries), then the
   * handler takes the invalidations, so that every receiver gets command order (Redis sends an
   * invalidation when the key changes, before the command's notification).
   */
  setInvalidationHandler(handler: () => void): void;

  /** Figures for INFO: memory, keyspace per database, stats counters. Not on the hot path. */
  info(): EngineInfo;
  /** MEMORY USAGE: bytes a key of `db` takes (entry, heap key, value structures); -1 when it does not exist. */
  keyMemoryUsage(db: number, key: Buffer): number;

  /**
   * Per-command statistics of engine-run commands, indexed by native command id (init's `names`):
   * for INFO commandstats/latencystats/errorstats and the metrics endpoint. `percentiles` (e.g.
   * [50, 99, 99.9]) give `latency[id * percentiles.length + i]` in µs; `boundsSeconds` give
   * `buckets[id * bounds.length + i]`, the calls that took at most that long. Not on the hot path.
   */
  commandStats(percentiles: Float64Array, boundsSeconds: Float64Array): NativeCommandStats;
  /** CONFIG RESETSTAT: zeroes the per-command statistics and the error counts. */
  resetCommandStats(): void;
  /**
   * Commands that took at least slowlog-log-slower-than µs or latency-monitor-threshold ms (both set
   * through setConfig), captured since the last call: [commandId, db, start unix µs, duration µs,
   * args cut as SLOWLOG shows them].
   */
  takeSlowCommands(): Array<[number, number, number, number, Buffer[]]>;
  /**
   * Slots the engine keeps current (read after a batch, no call needed): [0] the number of captured
   * slow commands waiting for takeSlowCommands, [1] the id of the last command it ran, [2] commands
   * run by scripts (redis.call) since TypeScript last took them into total_commands_processed
   * (TypeScript zeroes it). At least 3 slots.
   */
  setStatsSignal(slots: Int32Array): void;

  /**
   * The native read path (native/net/client_io.h): the engine reads every client socket itself
   * (a dup of its descriptor watched on Node's loop) into `readBuffer`, and runs a read's
   * complete commands without JavaScript when the client's row of `clientTable` says it may (see
   * ts/server/client-io.ts for the row layout) and ioAllowed(true) was said. `callback` gets the
   * rest: `restLength` bytes at the start of readBuffer for the client's own reader, `flags` (1 the
   * connection ended, 2 pub/sub deliveries wait, 4 AOF records wait, 8 slow commands were
   * captured) and replies the socket did not take (to queue before anything else). `counters`:
   * commands, input bytes, output bytes and dirty changes the engine added up.
   */
  ioInit(
    readBuffer: Buffer,
    clientTable: Float64Array,
    counters: Float64Array,
    callback: (clientId: number, restLength: number, flags: number, unsent: Uint8Array | null) => void,
  ): void;
  /** A grown client table (rows copied). */
  ioTable(clientTable: Float64Array): void;
  /** Starts reading client `clientId`'s socket `fd`, whose state is row `slot`; false if it cannot. */
  ioAttach(clientId: number, fd: number, slot: number): boolean;
  /** Stops reading the client's socket (closing); safe to repeat. */
  ioDetach(clientId: number): void;
  /** Pauses (false) or resumes (true) reading the client's socket. */
  ioReading(clientId: number, on: boolean): void;
  /** Sends what a non-blocking send() to socket `fd` takes of `bytes`; returns the count (the caller writes the rest). */
  ioSend(fd: number, bytes: Uint8Array): number;
  /** Whether nothing server-wide needs to see each command (no MONITOR, busy script, notifications, tracking, blocked client). */
  ioAllowed(on: boolean): void;
}

export interface NativeCommandStats {
  calls: Float64Array;
  usec: Float64Array;
  rejected: Float64Array;
  failed: Float64Array;
  latency: Float64Array;
  buckets: Float64Array;
  /** Error replies the engine wrote, by code ("ERR", "WRONGTYPE", ...). */
  errorCodes: string[];
  errorCounts: Float64Array;
  totalErrors: number;
}

export interface EngineInfo {
  /** Bytes the engine holds for keys, values, tables and indexes (Redis's used_memory, engine share). */
  usedMemory: number;
  /** One row per database: [keys, keys with an expiry, average TTL of those in ms]. */
  keyspace: Array<[number, number, number]>;
  /**
   * Scripting (INFO memory): bytes of the Lua state (one state runs EVAL scripts and functions),
   * cached scripts and the bytes of the cache's structures, functions, libraries and the bytes of
   * their code, names and flags.
   */
  scripting: { luaBytes: number; functionsLuaBytes: number; cachedScripts: number; scriptsBytes: number; functions: number; libraries: number; functionsBytes: number };
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  /** Keys still to move in the running incremental rehashes (0 when none). */
  rehashing: number;
  /** Bytes of the AOF as written, at the last rewrite/open, and waiting in memory. */
  aofSize: number;
  aofBaseSize: number;
  aofPending: number;
  /** A background fsync is queued or running (INFO aof_pending_bio_fsync). */
  aofFsyncPending: boolean;
}

export interface AofLoadStep {
  offset: number;
  size: number;
  commands: number;
  /** Keys loaded from the file's RDB preamble, before its commands (aofLoadBegin loads it). */
  preambleKeys: number;
  done: boolean;
  /** Corruption or an unknown command: loading must not go on. */
  error?: string;
  /** The file ends inside a record (or a MULTI without EXEC) starting here. */
  truncatedAt?: number;
  /** Point-in-time recovery stopped at the annotation starting here. */
  stoppedAt?: number;
}
