/**
 * Redis's glob-style matching (KEYS, CONFIG GET, PSUBSCRIBE): `*` any run, `?` any one character,
 * `[abc]`, `[^abc]`, `[a-z]` classes (a reversed range matches too) and `\x` for a literal x.
 * A class left open at the end of the pattern ends there, as in Redis.
 */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const p = nocase ? pattern.toLowerCase() : pattern;
  const s = nocase ? subject.toLowerCase() : subject;
  return matchFrom(p, 0, s, 0, { skipLongerMatches: false }, 0);
}

/**
 * Redis 7's stringmatchlen_impl, including its two guards against patterns like "a*a*a*a*b": once
 * the rest after a '*' matched nowhere in the remaining subject, no earlier '*' retries longer
 * runs (skipLongerMatches), and nesting stops at 1000 levels. Without them such a pattern (a
 * PSUBSCRIBE, a KEYS) takes exponential time.
 */
function matchFrom(p: string, pi: number, s: string, si: number, state: { skipLongerMatches: boolean }, nesting: number): boolean {
  if (nesting > 1000) return false;
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let start = si; start <= s.length; start++) {
        if (matchFrom(p, pi + 1, s, start, state, nesting + 1)) return true;
        if (state.skipLongerMatches) return false;
      }
      state.skipLongerMatches = true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      const { matched, next } = matchClass(p, pi + 1, s[si]!);
      if (!matched) return false;
      pi = next;
      si++;
      continue;
    }
    let literal = c;
    if (c === '\\' && pi + 1 < p.length) literal = p[++pi]!;
    if (literal !== s[si]) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

/** Matches `ch` against the class starting after '['; returns the index after the closing ']'. */
function matchClass(p: string, pi: number, ch: string): { matched: boolean; next: number } {
  const negate = p[pi] === '^';
  if (negate) pi++;
  let matched = false;
  while (pi < p.length && p[pi] !== ']') {
    if (p[pi] === '\\' && pi + 1 < p.length) {
      if (p[pi + 1] === ch) matched = true;
      pi += 2;
    } else if (p[pi + 1] === '-' && pi + 2 < p.length) {
      let lo = p[pi]!;
      let hi = p[pi + 2]!;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) matched = true;
      pi += 3;
    } else {
      if (p[pi] === ch) matched = true;
      pi++;
    }
  }
  return { matched: negate ? !matched : matched, next: pi + 1 };
}
