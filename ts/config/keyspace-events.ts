/**
 * notify-keyspace-events as Redis parses and shows it (keyspaceEventsStringToFlags and
 * keyspaceEventsFlagsToString in notify.c): class letters to Redis's NOTIFY_* bits and back.
 */
/** Redis's NOTIFY_* bits (server.h); the engine uses the same. */
const NOTIFY = {
  K: 1 << 0,
  E: 1 << 1,
  g: 1 << 2,
  $: 1 << 3,
  l: 1 << 4,
  s: 1 << 5,
  h: 1 << 6,
  z: 1 << 7,
  x: 1 << 8,
  e: 1 << 9,
  t: 1 << 10,
  m: 1 << 11,
  d: 1 << 13,
  n: 1 << 14,
} as const;
/** 'A': every class but key misses and new keys (g$lshzxetd). */
const NOTIFY_ALL = NOTIFY.g | NOTIFY.$ | NOTIFY.l | NOTIFY.s | NOTIFY.h | NOTIFY.z | NOTIFY.x | NOTIFY.e | NOTIFY.t | NOTIFY.d;

/** Redis's keyspaceEventsStringToFlags; null for a character it rejects. */
export function parseKeyspaceEvents(text: string): number | null {
  let flags = 0;
  for (const ch of text) {
    if (ch === 'A') flags |= NOTIFY_ALL;
    else if (Object.prototype.hasOwnProperty.call(NOTIFY, ch)) flags |= NOTIFY[ch as keyof typeof NOTIFY];
    else return null;
  }
  return flags;
}

/** Redis's keyspaceEventsFlagsToString (CONFIG GET's canonical form: "AKE", "g$nK", ...). */
export function formatKeyspaceEvents(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    out += 'A';
  } else {
    for (const ch of ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd', 'n'] as const) if (flags & NOTIFY[ch]) out += ch;
  }
  if (flags & NOTIFY.K) out += 'K';
  if (flags & NOTIFY.E) out += 'E';
  if (flags & NOTIFY.m) out += 'm';
  return out;
}

export const NOTIFY_KEYSPACE = NOTIFY.K;
export const NOTIFY_KEYEVENT = NOTIFY.E;
