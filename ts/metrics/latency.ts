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

/** Redis's "time ago" label of a sample: 5s, 3m, 2h, 1d. */
function ago(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.floor(elapsed / 60)}m`;
  if (elapsed < 86400) return `${Math.floor(elapsed / 3600)}h`;
  return `${Math.floor(elapsed / 86400)}d`;
}

const GRAPH_COLUMNS = 80;
const GRAPH_ROWS = 4;
const FILL_CHARS = '_o#';

/**
 * Redis's sparkline (sparkline.c, filled style): `rows` rows of bars scaled between the smallest and
 * largest value, then the labels written vertically under their columns, one blank row between.
 */
function sparkline(values: readonly number[], labels: readonly string[], offset: number, len: number, min: number, max: number): string {
  const steps = FILL_CHARS.length * GRAPH_ROWS;
  const relmax = max - min === 0 ? 1 : max - min;
  const hasLabels = labels.length > 0;
  let out = '';
  for (let row = 0; ; row++) {
    const chars = new Array<string>(len).fill(' ');
    let more = false;
    for (let j = 0; j < len; j++) {
      const value = values[offset + j];
      let step = Math.trunc(Math.trunc((value - min) * steps) / relmax);
      step = Math.min(Math.max(step, 0), steps - 1);
      if (row < GRAPH_ROWS) {
        more = true;
        const index = step - (GRAPH_ROWS - row - 1) * FILL_CHARS.length;
        if (index >= 0 && index < FILL_CHARS.length) chars[j] = FILL_CHARS[index];
        else if (index >= FILL_CHARS.length) chars[j] = '|';
      } else {
        if (hasLabels && row - GRAPH_ROWS < 1) {
          more = true;
          break;
        }
        const label = labels[offset + j];
        const at = row - GRAPH_ROWS - 1;
        if (label.length > at) {
          more = true;
          chars[j] = label[at];
        }
      }
    }
    if (!more) return out;
    out += chars.join('') + '\n';
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

  /** LATENCY GRAPH: Redis's ASCII graph of an event's samples, or null when it has none. */
  graph(event: string, nowMs = Date.now()): string | null {
    const e = this.events.get(event);
    if (e === undefined) return null;
    const now = Math.floor(nowMs / 1000);
    const values = e.samples.map((x) => x.latencyMs);
    const labels = e.samples.map((x) => ago(now - x.time));
    const min = Math.min(...values);
    const max = Math.max(...values);
    let out = `${event} - high ${max} ms, low ${min} ms (all time high ${e.max} ms)\n${'-'.repeat(GRAPH_COLUMNS)}\n`;
    for (let j = 0; j < values.length; j += GRAPH_COLUMNS) {
      if (j !== 0) out += '\n';
      out += sparkline(values, labels, j, Math.min(GRAPH_COLUMNS, values.length - j), min, max);
    }
    return out;
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
