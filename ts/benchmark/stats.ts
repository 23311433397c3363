/**
 * Latency histograms (HDR, microseconds, 3 significant digits) and the per-test figures derived
 * from them: throughput, avg/min/p50/p95/p99/p99.9/max in milliseconds, errors.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/** Latencies above this still record (the histogram grows); it only sizes the first allocation. */
const INITIAL_HIGHEST_MICROS = 60_000_000;

export function newLatencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: INITIAL_HIGHEST_MICROS,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    autoResize: true,
    useWebAssembly: false,
  });
}

/** Histograms cross thread boundaries in HdrHistogram's compressed form. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  const decoded = decodeFromCompressedBase64(encoded, 32, false);
  const histogram = newLatencyHistogram();
  histogram.add(decoded);
  return histogram;
}

/** What one test measured against one server (possibly over several rounds or threads). */
export interface TestMeasurement {
  title: string;
  /** Replies received. */
  requests: number;
  errors: number;
  firstError: string | null;
  /** Wall-clock time from the first send to the last reply, summed over rounds. */
  elapsedMs: number;
  histogram: Histogram;
}

export interface LatencySummary {
  avg: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface TestSummary {
  test: string;
  requests: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  rps: number;
  /** Milliseconds. */
  latency: LatencySummary;
}

export const LATENCY_FIELDS: ReadonlyArray<keyof LatencySummary> = ['avg', 'min', 'p50', 'p95', 'p99', 'p999', 'max'];

export function summarize(m: TestMeasurement): TestSummary {
  const h = m.histogram;
  const empty = h.totalCount === 0;
  const ms = (micros: number): number => (empty ? 0 : micros / 1000);
  // A percentile is the top of its bucket, which can lie above the largest value recorded.
  const at = (percentile: number): number => ms(Math.min(h.getValueAtPercentile(percentile), h.maxValue));
  return {
    test: m.title,
    requests: m.requests,
    errors: m.errors,
    firstError: m.firstError,
    seconds: m.elapsedMs / 1000,
    rps: m.elapsedMs > 0 ? m.requests / (m.elapsedMs / 1000) : 0,
    latency: {
      avg: ms(h.mean),
      min: ms(h.minNonZeroValue),
      p50: at(50),
      p95: at(95),
      p99: at(99),
      p999: at(99.9),
      max: ms(h.maxValue),
    },
  };
}

/** Adds `more` into `into` (rounds of a --compare run). */
export function accumulate(into: TestMeasurement, more: TestMeasurement): void {
  into.requests += more.requests;
  into.errors += more.errors;
  into.firstError ??= more.firstError;
  into.elapsedMs += more.elapsedMs;
  into.histogram.add(more.histogram);
}

/** Ours divided by theirs for throughput and every latency figure (NaN when theirs is 0). */
export interface SummaryRatio {
  rps: number;
  latency: LatencySummary;
}

export function ratioOf(ours: TestSummary, theirs: TestSummary): SummaryRatio {
  const div = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);
  const latency = {} as LatencySummary;
  for (const field of LATENCY_FIELDS) latency[field] = div(ours.latency[field], theirs.latency[field]);
  return { rps: div(ours.rps, theirs.rps), latency };
}
