/** Builders for the key specs the family tables share. */
import type { KeySpec } from './types';

/** A key spec that starts at a fixed argument index and takes a range of keys from there. */
export function indexRange(flags: string[], index: number, lastKey = 0, step = 1): KeySpec {
  return { flags, beginSearch: { type: 'index', index }, findKeys: { type: 'range', lastKey, step, limit: 0 } };
}
