/**
 * Dispatch of the commands the engine did not take: TypeScript-owned commands (looked up in the
 * command table, arity-checked, subcommands resolved) and unknown names, with Redis 7's error texts.
 */
import type { CommandContext, CommandSpec } from '../commands/types';
import { findSubcommand } from '../commands/table';
import type { ReplyWriter } from '../protocol/reply';
import type { Client } from './client';
import { LAST_COMMAND_TS } from './client-io';

/** `ERR wrong number of arguments for 'get' command` (Redis names subcommands 'client|list'). */
export function arityError(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

export function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity > 0 ? argc === spec.arity : argc >= -spec.arity;
}

/**
 * Redis's `%.128s` of an argument: stops at a NUL byte as a C string would; one char per byte
 * (latin1), to be written with ReplyWriter.errorBytes so the client's bytes come back unchanged.
 */
function clip(arg: Buffer, max: number): string {
  const nul = arg.indexOf(0);
  const end = Math.min(nul < 0 ? arg.length : nul, max);
  return arg.toString('latin1', 0, end);
}

export function unknownCommandError(args: Buffer[]): string {
  let rest = '';
  for (let i = 1; i < args.length && rest.length < 128; i++) {
    rest += `'${clip(args[i], 128 - rest.length)}' `;
  }
  return `ERR unknown command '${clip(args[0], 128)}', with args beginning with: ${rest}`;
}

export function unknownSubcommandError(container: string, sub: Buffer): string {
  return `ERR unknown subcommand '${clip(sub, 128)}'. Try ${container.toUpperCase()} HELP.`;
}

const context: CommandContext = {
  reply: undefined as unknown as ReplyWriter,
  client: undefined as unknown as Client,
  server: undefined as unknown as CommandContext['server'],
};

/** Resolves a name (and subcommand) to the spec that runs, or writes the error and returns null. */
export function resolveCommand(client: Client, reply: ReplyWriter, args: Buffer[]): CommandSpec | null {
  const table = client.server.table;
  const spec = table.byName.get(args[0].toString('latin1').toLowerCase());
  // CLIENT LIST's cmd= is what the lookup found, even for a refused or queued command (NULL: none).
  client.lastEngineCommand = LAST_COMMAND_TS;
  client.lastCommand = spec === undefined ? 'NULL' : spec.name;
  if (spec === undefined) {
    reply.errorBytes(unknownCommandError(args));
    return null;
  }
  if (!arityOk(spec, args.length)) {
    client.server.ops.commands.recordRejected(spec.name);
    reply.error(arityError(spec.name));
    return null;
  }
  // A container called bare (COMMAND) runs its own handler; otherwise the subcommand decides.
  if (spec.subcommands === undefined || args.length === 1) return spec;
  const sub = findSubcommand(spec, args[1].toString('latin1'));
  client.lastCommand = sub === undefined ? 'NULL' : sub.name;
  if (sub === undefined) {
    reply.errorBytes(unknownSubcommandError(spec.name, args[1]));
    return null;
  }
  if (!arityOk(sub, args.length)) {
    client.server.ops.commands.recordRejected(sub.name);
    reply.error(arityError(sub.name));
    return null;
  }
  return sub;
}

/**
 * EXEC refused before it runs (wrong arity) answers EXECABORT and discards the transaction, in or
 * out of MULTI (Redis's rejectCommand -> execCommandAbort). True when that happened.
 */
export function rejectedExec(client: Client, reply: ReplyWriter, args: Buffer[]): boolean {
  if (args.length === 1 || args[0].length !== 4 || args[0].toString('latin1').toLowerCase() !== 'exec') return false;
  client.discardTransaction();
  reply.error(`EXECABORT Transaction discarded because of: ${arityError('exec').slice(4)}`);
  return true;
}

export function dispatchTsCommand(client: Client, reply: ReplyWriter, args: Buffer[], found?: CommandSpec): void {
  if (rejectedExec(client, reply, args)) return;
  // A plain command already found by name only needs its arity checked here.
  const spec =
    found !== undefined && found.subcommands === undefined && arityOk(found, args.length) ? found : resolveCommand(client, reply, args);
  if (spec === null) return;
  client.lastCommand = spec.name;
  client.lastEngineCommand = LAST_COMMAND_TS;
  const handler = spec.handler;
  if (handler === undefined) {
    // An engine-owned command reached TypeScript: the table and the engine disagree.
    reply.error(`ERR internal error: '${spec.name}' has no handler`);
    return;
  }
  context.reply = reply;
  context.client = client;
  context.server = client.server;
  const ops = client.server.ops;
  const errorsBefore = ops.commands.tsErrorCount;
  const started = performance.now();
  try {
    handler(context, args);
  } catch (err) {
    client.server.log.error({ err, command: spec.name, client: client.id, addr: client.addr }, 'command failed');
    reply.error('ERR ' + (err instanceof Error ? err.message : String(err)));
  }
  // Redis's call(): statistics, slow log and latency after the command, then MONITOR.
  ops.tsCommandDone(client, spec, args, (performance.now() - started) * 1e6, ops.commands.tsErrorCount !== errorsBefore);
  if (ops.monitors.active) ops.feedMonitors(client, args);
}

/** What a RESP2 client with subscriptions may still run (Redis's processCommand check). */
const SUBSCRIBER_MODE_COMMANDS = new Set([
  'ping',
  'subscribe',
  'ssubscribe',
  'unsubscribe',
  'sunsubscribe',
  'psubscribe',
  'punsubscribe',
  'quit',
  'reset',
]);

/** The refusal of a command in RESP2 subscriber mode, or null when it may run. */
export function subscriberModeError(spec: CommandSpec): string | null {
  if (SUBSCRIBER_MODE_COMMANDS.has(spec.name)) return null;
  return `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
}
