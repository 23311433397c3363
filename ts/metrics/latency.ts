/**
 * The latency monitor (Redis's latency.c): per event ("command", "fast-command", ...) the last 160
 * samples of latency spikes at or above `latency-monitor-threshold` ms, one sample per second
 * holding that second's maximum, and the all-time maximum.
 */

export interface LatencySample {
  /** Unix seconds. */
  time: number;
  latencyMs: number;
}

const HISTORY_LEN = 160;

export class LatencyEvent {
  readonly samples: LatencySample[] = [];
  max = 0;

  add(time: number, latencyMs: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && last.time === time) {
      last.latencyMs = Math.max(last.latencyMs, latencyMs);
    } else {
      this.samples.push({ time, latencyMs });
      if (this.samples.length > HISTORY_LEN) this.samples.shift();
    }
    this.max = Math.max(this.max, latencyMs);
  }

  get latest(): LatencySample {
    return this.samples[this.samples.length - 1]!;
  }
}

export class LatencyMonitor {
  readonly events = new Map<string, LatencyEvent>();
  /** latency-monitor-threshold in ms; 0 = off. */
  thresholdMs = 0;

  /** Redis's latencyAddSampleIfNeeded. */
  addIfNeeded(event: string, latencyMs: number, nowMs = Date.now()): void {
    if (this.thresholdMs <= 0 || latencyMs < this.thresholdMs) return;
    let e = this.events.get(event);
    if (e === undefined) {
      e = new LatencyEvent();
      this.events.set(event, e);
    }
    e.add(Math.floor(nowMs / 1000), latencyMs);
  }

  /** LATENCY RESET [event ...]: the number of events reset. */
  reset(names: readonly string[]): number {
    if (names.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of names) if (this.events.delete(name)) n++;
    return n;
  }

  /** LATENCY DOCTOR: a plain-language report of the events seen. */
  doctor(): string {
    if (this.events.size === 0) {
      return this.thresholdMs <= 0
        ? "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this RustyPotato instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it.\n"
        : 'Dave, no latency spike was observed during the lifetime of this RustyPotato instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n';
    }
    const lines = ['Dave, I have observed latency spikes in this RustyPotato instance. You don\'t mind talking about it, do you Dave?', ''];
    let i = 1;
    for (const [name, e] of this.events) {
      const avg = e.samples.reduce((s, x) => s + x.latencyMs, 0) / e.samples.length;
      const first = e.samples[0]!.time;
      const period = e.samples.length > 1 ? (e.latest.time - first) / (e.samples.length - 1) : 0;
      lines.push(
        `${i++}. ${name}: ${e.samples.length} latency spikes (average ${Math.round(avg)}ms, mean deviation ${Math.round(
          e.samples.reduce((s, x) => s + Math.abs(x.latencyMs - avg), 0) / e.samples.length,
        )}ms, period ${Math.round(period)} sec). Worst all time event ${e.max}ms.`,
      );
    }
    lines.push('', 'I have a few advices for you:', '');
    if ([...this.events.keys()].some((k) => k === 'command' || k === 'fast-command')) {
      lines.push(
        '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.',
        '- The system is slow to execute RustyPotato code paths not containing system calls. This usually means the system does not provide enough CPU cycles to the process, or the commands themselves are expensive (KEYS, SORT, SUNION... on large values).',
      );
    } else {
      lines.push('- No command latency was recorded: the spikes come from the events listed above.');
    }
    return lines.join('\n') + '\n';
  }
}
