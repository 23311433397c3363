/**
 * What the server knows about its own work: per-command statistics (INFO commandstats,
 * latencystats, errorstats), the slow log, the latency monitor and the MONITOR feed. The request
 * path touches it only through cheap checks: one read of `engineSignal[0]` after an engine batch,
 * and `monitors.active`.
 */
import type { Logger } from 'pino';
import type { CommandSpec } from '../commands/types';
import type { CommandTable } from '../commands/table';
import { findSubcommand } from '../commands/table';
import type { Client } from '../server/client';
import { native } from '../native';
import { arityOk } from '../server/dispatch';
import { CommandStatistics } from './command-stats';
import { LatencyMonitor } from './latency';
import { MonitorFeed } from './monitor';
import { SlowLog, slowlogArgs } from './slowlog';
import { MetricsEndpoint } from './http';

/** The commands that run a script. */
const SCRIPT_CALLS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);
import type { RuntimeConfig } from '../config/runtime';

/** The spec of a table name ("get", "config|get"). */
function specByName(table: CommandTable, name: string): CommandSpec | undefined {
  const bar = name.indexOf('|');
  if (bar < 0) return table.byName.get(name);
  const container = table.byName.get(name.slice(0, bar));
  return container === undefined ? undefined : findSubcommand(container, name.slice(bar + 1));
}

export class Observability {
  readonly commands: CommandStatistics;
  readonly slowlog = new SlowLog();
  readonly latency = new LatencyMonitor();
  readonly monitors = new MonitorFeed();
  /**
   * Shared with the engine (setStatsSignal): [0] captured slow commands waiting to be drained,
   * [1] the id of the last command the engine ran, [2] commands scripts ran (not yet counted).
   */
  readonly engineSignal = new Int32Array(3).fill(-1);
  private readonly nativeSpecs: Array<CommandSpec | undefined>;

  constructor(
    private readonly table: CommandTable,
    private readonly log: Logger,
  ) {
    this.commands = new CommandStatistics(table.nativeNames);
    this.nativeSpecs = table.nativeNames.map((name) => specByName(table, name));
    this.engineSignal[0] = 0;
    this.engineSignal[2] = 0;
    native.setStatsSignal(this.engineSignal);
    this.setSlowlogThreshold(this.slowlog.thresholdUsec);
  }

  /** CLIENT LIST's cmd= for a client whose last command ran in the engine. */
  nativeCommandName(id: number): string {
    return id >= 0 ? this.commands.nativeName(id) : 'NULL';
  }

  setSlowlogThreshold(usec: number): void {
    this.slowlog.thresholdUsec = usec;
    native.setConfig('slowlog-log-slower-than', String(usec));
  }

  setLatencyThreshold(ms: number): void {
    this.latency.thresholdMs = ms;
    native.setConfig('latency-monitor-threshold', String(ms));
  }

  /** After an engine batch of `client` that captured slow commands (engineSignal[0] !== 0). */
  drainSlowCommands(client: Client): void {
    for (const [id, , startMicros, durationUsec, args] of native.takeSlowCommands()) {
      const spec = this.nativeSpecs[id];
      if (spec !== undefined) this.noteDuration(client, spec, startMicros / 1e6, durationUsec, args);
    }
  }

  /** A TypeScript-owned command finished after `nanos`; `failed` when it answered an error. */
  tsCommandDone(client: Client, spec: CommandSpec, args: Buffer[], nanos: number, failed: boolean): void {
    this.commands.recordCall(spec.name, nanos, failed);
    const usec = Math.floor(nanos / 1000);
    if (this.slowlog.wants(usec) || (this.latency.thresholdMs > 0 && usec >= this.latency.thresholdMs * 1000)) {
      this.noteDuration(client, spec, Date.now() / 1000 - usec / 1e6, usec, slowlogArgs(args));
    }
  }

  /**
   * A blocking command answered by its timeout: Redis counts the call then (updateStatsOnUnblock),
   * with no run time, since its first attempt was not counted.
   */
  blockedTimedOut(client: Client, args: Buffer[]): void {
    const spec = this.specByName(args[0].toString('latin1').toLowerCase());
    if (spec !== undefined) this.tsCommandDone(client, spec, args, 0, false);
  }

  /** Redis's end of call(): the slow log (unless the command skips it) and the latency monitor. */
  private noteDuration(client: Client, spec: CommandSpec, startSeconds: number, usec: number, args: Buffer[]): void {
    this.latency.addIfNeeded(spec.flags.includes('fast') ? 'fast-command' : 'command', Math.floor(usec / 1000));
    if (spec.flags.includes('skip_slowlog') || !this.slowlog.wants(usec)) return;
    this.slowlog.push({
      time: Math.floor(startSeconds),
      durationUsec: usec,
      args,
      peer: client.addr,
      name: client.name ?? '',
    });
    // Every command is "slow" at threshold 0: that is a debugging aid, not news.
    const level = this.slowlog.thresholdUsec === 0 ? 'debug' : 'info';
    if (this.log.isLevelEnabled(level)) {
      this.log[level](
        { command: spec.name, durationUsec: usec, client: client.id, addr: client.addr, args: args.slice(0, 8).map((a) => a.toString('latin1')) },
        'slow command',
      );
    }
  }

  /**
   * MONITOR: shows a command that ran, unless Redis would not (admin commands, skip_monitor, and
   * commands refused before running: unknown, wrong arity).
   */
  feedMonitors(client: Client, args: Buffer[], db = client.db, origin = client.addr, micros = -1): void {
    const spec = this.table.byName.get(args[0].toString('latin1').toLowerCase());
    if (spec === undefined || !arityOk(spec, args.length)) return;
    const sub = spec.subcommands !== undefined && args.length > 1 ? findSubcommand(spec, args[1].toString('latin1')) : spec;
    if (sub === undefined || !arityOk(sub, args.length)) return;
    if (sub.flags.includes('admin') || sub.flags.includes('skip_monitor')) return;
    this.monitors.feed(client, db, args, origin, micros);
  }

  /**
   * MONITOR shows EVAL, FCALL and their forms before they run (then the commands their script runs,
   * feedScriptCommands), as Redis 7.0 does; every other command after. True when `args` was shown.
   */
  feedMonitorsBeforeRunning(client: Client, args: Buffer[]): boolean {
    const name = args[0].toString('latin1').toLowerCase();
    if (!SCRIPT_CALLS.has(name)) return false;
    // (They are flagged skip_monitor: Redis shows them itself, unless their arity is wrong.)
    const spec = this.table.byName.get(name);
    if (spec !== undefined && arityOk(spec, args.length)) this.monitors.feed(client, client.db, args);
    return true;
  }

  /** MONITOR: the engine commands that scripts ran since the last call, shown as run by "lua". */
  feedScriptCommands(client: Client): void {
    const records = native.takeScriptCommands();
    if (records === null) return;
    let at = 0;
    while (at < records.length) {
      const micros = records.readDoubleLE(at);
      const db = records.readInt32LE(at + 8);
      const argc = records.readInt32LE(at + 12);
      at += 16;
      const args: Buffer[] = [];
      for (let i = 0; i < argc; i++) {
        const size = records.readInt32LE(at);
        args.push(records.subarray(at + 4, at + 4 + size));
        at += 4 + size;
      }
      this.feedMonitors(client, args, db, 'lua', micros);
    }
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.commands.reset();
  }

  specByName(name: string): CommandSpec | undefined {
    return specByName(this.table, name);
  }
}

/**
 * Applies the SLOWLOG / LATENCY settings now and on CONFIG SET, and opens the metrics endpoint
 * when [metrics] enabled. Returns the endpoint (null when disabled).
 */
export async function startObservability(server: import('../server/server').Server, config: RuntimeConfig): Promise<MetricsEndpoint | null> {
  const ops = server.ops;
  const s = config.settings.server;
  ops.setSlowlogThreshold(s.slowlog_log_slower_than);
  ops.slowlog.maxLen = s.slowlog_max_len;
  ops.setLatencyThreshold(s.latency_monitor_threshold);
  config.onChange('server.slowlog_log_slower_than', (v) => void ops.setSlowlogThreshold(v));
  config.onChange('server.slowlog_max_len', (v) => void (ops.slowlog.maxLen = v));
  config.onChange('server.latency_monitor_threshold', (v) => void ops.setLatencyThreshold(v));
  const m = config.settings.metrics;
  if (!m.enabled) return null;
  const endpoint = new MetricsEndpoint(server, { port: m.port, path: m.path, bind: config.settings.server.bind_address });
  await endpoint.listen();
  server.onShutdown.push(() => endpoint.close());
  return endpoint;
}
