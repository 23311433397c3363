/**
 * Per-command statistics as INFO commandstats / latencystats / errorstats and the metrics endpoint
 * show them: the engine counts the commands it runs (native/engine/stats.h, read here on demand),
 * this class counts the TypeScript-owned ones, and rows() joins both by command name.
 */
import { native } from '../native';
import { LatencyHistogram } from './histogram';

/** Redis's default latency-tracking-info-percentiles. */
export const LATENCY_PERCENTILES = [50, 99, 99.9];

export interface CommandStatRow {
  /** "get", "config|get". */
  name: string;
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
  /** µs at each requested percentile (0 without calls). */
  latencyUsec: number[];
  /** Calls that took at most each requested bound (seconds). */
  buckets: number[];
}

class TsCounters {
  calls = 0;
  nanos = 0;
  rejected = 0;
  failed = 0;
  readonly histogram = new LatencyHistogram();
}

/** Redis's afterErrorReply: the code is the first word of "-CODE ...", looked for in 32 bytes, else ERR. */
export function errorCode(message: string): string {
  const space = ('-' + message).slice(0, 32).indexOf(' ');
  return space > 1 ? message.slice(0, space - 1) : 'ERR';
}

export class CommandStatistics {
  private readonly ts = new Map<string, TsCounters>();
  private readonly tsErrors = new Map<string, number>();
  private tsErrorTotal = 0;
  /** Never reset (CONFIG RESETSTAT while a command runs must not make it look failed). */
  private tsErrorsEver = 0;

  constructor(
    /** Native command ids -> names (the table's nativeNames). */
    private readonly nativeNames: readonly string[],
  ) {}

  private counters(name: string): TsCounters {
    let c = this.ts.get(name);
    if (c === undefined) {
      c = new TsCounters();
      this.ts.set(name, c);
    }
    return c;
  }

  /** An error reply written by TypeScript; `message` starts with its code ("ERR ..."). */
  recordError(message: string): void {
    this.tsErrorTotal++;
    this.tsErrorsEver++;
    const code = errorCode(message);
    this.tsErrors.set(code, (this.tsErrors.get(code) ?? 0) + 1);
  }

  /** Error replies TypeScript wrote so far (a command failed when this moved while it ran). */
  get tsErrorCount(): number {
    return this.tsErrorsEver;
  }

  recordCall(name: string, nanos: number, failed: boolean): void {
    const c = this.counters(name);
    c.calls++;
    c.nanos += nanos;
    if (failed) c.failed++;
    c.histogram.record(nanos);
  }

  recordRejected(name: string): void {
    this.counters(name).rejected++;
  }

  nativeName(id: number): string {
    return this.nativeNames[id] ?? 'unknown';
  }

  /** Every command with calls, rejected or failed calls, engine and TypeScript joined. */
  rows(percentiles: readonly number[] = LATENCY_PERCENTILES, boundsSeconds: readonly number[] = []): CommandStatRow[] {
    const engine = native.commandStats(Float64Array.from(percentiles), Float64Array.from(boundsSeconds));
    const np = percentiles.length;
    const nb = boundsSeconds.length;
    const rows = new Map<string, CommandStatRow>();
    for (let id = 0; id < this.nativeNames.length && id < engine.calls.length; id++) {
      if (engine.calls[id] === 0 && engine.rejected[id] === 0 && engine.failed[id] === 0) continue;
      rows.set(this.nativeNames[id], {
        name: this.nativeNames[id],
        calls: engine.calls[id],
        usec: engine.usec[id],
        rejected: engine.rejected[id],
        failed: engine.failed[id],
        latencyUsec: Array.from(engine.latency.subarray(id * np, id * np + np)),
        buckets: Array.from(engine.buckets.subarray(id * nb, id * nb + nb)),
      });
    }
    for (const [name, c] of this.ts) {
      if (c.calls === 0 && c.rejected === 0 && c.failed === 0) continue;
      const engine = rows.get(name);
      if (engine !== undefined) {
        // An engine command refused while queued in MULTI (TypeScript checks arity there).
        engine.rejected += c.rejected;
        engine.failed += c.failed;
        if (c.calls === 0) continue;
      }
      rows.set(name, {
        name,
        calls: c.calls,
        usec: Math.floor(c.nanos / 1000),
        rejected: c.rejected,
        failed: c.failed,
        latencyUsec: percentiles.map((p) => c.histogram.valueAtPercentile(p) / 1000),
        buckets: boundsSeconds.map((b) => c.histogram.countAtMost(b * 1e9)),
      });
    }
    return [...rows.values()];
  }

  /** Error replies by code, sorted by code (Redis keeps them in a radix tree). */
  errors(): Array<[string, number]> {
    const engine = native.commandStats(new Float64Array(0), new Float64Array(0));
    const merged = new Map(this.tsErrors);
    engine.errorCodes.forEach((code, i) => merged.set(code, (merged.get(code) ?? 0) + engine.errorCounts[i]));
    return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** total_error_replies. */
  totalErrors(): number {
    return this.tsErrorTotal + native.commandStats(new Float64Array(0), new Float64Array(0)).totalErrors;
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.ts.clear();
    this.tsErrors.clear();
    this.tsErrorTotal = 0;
    native.resetCommandStats();
  }
}
