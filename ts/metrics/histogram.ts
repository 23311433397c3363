/**
 * Latency histogram of the TypeScript-owned commands, laid out like the engine's
 * (native/engine/stats.h LatencyHistogram): durations in nanoseconds, 32 sub-buckets per power of
 * two (~3% precision), so the two sides report percentiles with the same resolution.
 */
const SUB_BITS = 5;
const SUB = 1 << SUB_BITS;
const MAX_EXPONENT = 44;
const BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) * SUB;

function indexOf(ns: number): number {
  if (ns < SUB) return Math.max(0, Math.floor(ns));
  const exponent = Math.floor(Math.log2(ns));
  if (exponent > MAX_EXPONENT) return BUCKETS - 1;
  const sub = Math.floor(ns / 2 ** (exponent - SUB_BITS)) & (SUB - 1);
  return (exponent - SUB_BITS + 1) * SUB + sub;
}

function upperBound(index: number): number {
  if (index < SUB) return index;
  const exponent = Math.floor(index / SUB) + SUB_BITS - 1;
  const width = 2 ** (exponent - SUB_BITS);
  return (SUB + (index % SUB)) * width + width - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  total = 0;

  record(ns: number): void {
    this.counts[indexOf(ns)]++;
    this.total++;
  }

  /** In nanoseconds: the bucket bound under which `percentile`% of the values lie (0 when empty). */
  valueAtPercentile(percentile: number): number {
    if (this.total === 0) return 0;
    const target = Math.max(1, Math.ceil((Math.min(Math.max(percentile, 0), 100) / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= target) return upperBound(i);
    }
    return upperBound(BUCKETS - 1);
  }

  /** Values of at most `boundNs` (whole buckets). */
  countAtMost(boundNs: number): number {
    let seen = 0;
    for (let i = 0; i < BUCKETS && upperBound(i) <= boundNs; i++) seen += this.counts[i];
    return seen;
  }
}
