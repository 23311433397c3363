/**
 * The command table: joins the per-family spec files, binds TypeScript handlers by name, assigns the
 * native command ids handed to the engine once at start-up, and answers lookups for dispatch.
 * Everything about a command (arity, flags, keys, docs, owner) is read from here.
 */
import type { CommandSpec, TsHandler } from './types';
import { stringCommands } from './strings';
import { keyCommands } from './keys';
import { connectionCommands } from './connection';
import { serverCommands } from './server';
import { hashCommands } from './hashes';
import { listCommands } from './lists';
import { setCommands } from './sets';
import { sortedSetCommands } from './zsets';
import { streamCommands } from './streams';
import { transactionCommands } from './transactions';
import { pubsubCommands } from './pubsub';
import { scriptingCommands } from './scripting';

/** native init flags: the command writes (see native-module.d.ts). */
export const NATIVE_FLAG_WRITE = 1;
/** native init flags: scripts may not call the command (Redis's noscript). */
export const NATIVE_FLAG_NOSCRIPT = 2;
/** native init flags: a pub/sub command (PUBLISH, SPUBLISH): read-only scripts may not call it. */
export const NATIVE_FLAG_PUBSUB = 4;

export interface CommandTable {
  /** Top-level commands in table order. */
  all: CommandSpec[];
  /** Lowercase name -> spec, for top-level commands. */
  byName: Map<string, CommandSpec>;
  /** Names (lowercase, "container|sub" for subcommands) and arities of engine-owned commands. */
  nativeNames: string[];
  nativeArities: Int32Array;
  /** Per native command: bit 0 = it writes (refused while persistence fails: MISCONF). */
  nativeFlags: Int32Array;
}

/** Every family's specs, in table order (COMMAND output and the docs follow it). */
export function allCommandSpecs(): CommandSpec[] {
  return [
    ...stringCommands,
    ...keyCommands,
    ...hashCommands,
    ...listCommands,
    ...setCommands,
    ...sortedSetCommands,
    ...streamCommands,
    ...connectionCommands,
    ...transactionCommands,
    ...pubsubCommands,
    ...scriptingCommands,
    ...serverCommands,
  ];
}

/** Joins the family tables; throws if a TypeScript-owned command has no handler or vice versa. */
export function buildCommandTable(handlers: Record<string, TsHandler>): CommandTable {
  const all = allCommandSpecs();
  const byName = new Map<string, CommandSpec>();
  const nativeNames: string[] = [];
  const nativeArities: number[] = [];
  const nativeFlags: number[] = [];
  const used = new Set<string>();

  const bind = (spec: CommandSpec): void => {
    if (spec.owner === 'native') {
      nativeNames.push(spec.name);
      nativeArities.push(spec.arity);
      nativeFlags.push(
        (spec.flags.includes('write') ? NATIVE_FLAG_WRITE : 0) |
          (spec.flags.includes('noscript') ? NATIVE_FLAG_NOSCRIPT : 0) |
          (spec.flags.includes('pubsub') ? NATIVE_FLAG_PUBSUB : 0),
      );
      return;
    }
    const handler = handlers[spec.name];
    if (handler) {
      spec.handler = handler;
      used.add(spec.name);
    } else if (!spec.subcommands) {
      throw new Error(`command table: '${spec.name}' is owned by TypeScript but has no handler`);
    }
  };

  for (const spec of all) {
    if (byName.has(spec.name)) throw new Error(`command table: '${spec.name}' is defined twice`);
    byName.set(spec.name, spec);
    bind(spec);
    for (const sub of spec.subcommands ?? []) {
      if (sub.owner !== spec.owner) throw new Error(`command table: '${sub.name}' owner differs from its container`);
      bind(sub);
    }
  }
  for (const name of Object.keys(handlers)) {
    if (!used.has(name)) throw new Error(`command table: handler '${name}' has no command spec`);
  }
  return { all, byName, nativeNames, nativeArities: Int32Array.from(nativeArities), nativeFlags: Int32Array.from(nativeFlags) };
}

/** Finds the subcommand spec of a container ("client" + "list" -> "client|list"). */
export function findSubcommand(container: CommandSpec, sub: string): CommandSpec | undefined {
  const wanted = container.name + '|' + sub.toLowerCase();
  return container.subcommands?.find((s) => s.name === wanted);
}
