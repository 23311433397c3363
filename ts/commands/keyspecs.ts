/** Builders the family tables share: key specs and container commands. */
import type { CommandSpec, KeySpec } from './types';

/** A key spec that starts at a fixed argument index and takes a range of keys from there. */
export function indexRange(flags: string[], index: number, lastKey = 0, step = 1): KeySpec {
  return { flags, beginSearch: { type: 'index', index }, findKeys: { type: 'range', lastKey, step, limit: 0 } };
}

/**
 * The facts every container command (CLIENT, CONFIG, OBJECT, PUBSUB, SCRIPT, FUNCTION, SLOWLOG,
 * LATENCY) shares in Redis 7.0: arity -2, no flags, no keys, @slow, "Depends on subcommand.". The
 * caller adds its `subcommands`.
 */
export function containerCommand(
  name: string,
  group: CommandSpec['group'],
  owner: CommandSpec['owner'],
  summary: string,
  since: string,
): Omit<CommandSpec, 'subcommands'> {
  return { name, arity: -2, flags: [], firstKey: 0, lastKey: 0, step: 0, acl: ['slow'], summary, since, group, complexity: 'Depends on subcommand.', owner };
}
