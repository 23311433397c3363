/**
 * A small seeded PRNG (mulberry32) and helpers, so every random test is reproducible from the seed
 * it prints. RP_SEED=<n> overrides the seeds fixed in the tests.
 */

export class Rng {
  private state: number;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    let total = 0;
    for (const [w] of items) total += w;
    let r = this.next() * total;
    for (const [w, v] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][1];
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }

  /** Letters and digits only. */
  word(n: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

/** The seeds a test runs with: RP_SEED (one or comma-separated) overrides the defaults. */
export function seedsFromEnv(defaults: number[]): number[] {
  const env = process.env.RP_SEED;
  if (!env) return defaults;
  return env.split(',').map((s) => Number(s.trim())).filter((n) => Number.isFinite(n));
}

/** Scales the size of random runs: RP_RANDOM_SCALE=10 runs ten times as many commands. */
export function randomScale(): number {
  const n = Number(process.env.RP_RANDOM_SCALE ?? '1');
  return Number.isFinite(n) && n > 0 ? n : 1;
}
