/**
 * The TypeScript side of scripting: commands that TypeScript owns (PUBLISH, INFO, TIME, ...) called
 * from a Lua script. The engine runs scripts and their data commands in C++; for any other command
 * it calls back here, synchronously, and converts the reply bytes into a Lua value itself.
 */
import { findSubcommand } from '../commands/table';
import type { CommandContext, CommandSpec } from '../commands/types';
import { native } from '../native';
import { ReplyWriter } from '../protocol/reply';
import { arityOk } from '../server/dispatch';
import type { Client } from '../server/client';
import type { Server } from '../server/server';

// Redis's texts for commands a script may not run (script.c scriptCall).
const UNKNOWN = 'ERR Unknown Redis command called from script';
const ARITY = 'ERR Wrong number of args calling Redis command from script';
const NOSCRIPT = 'ERR This Redis command is not allowed from script';
const WRITE_FROM_READONLY = 'ERR Write commands are not allowed from read-only scripts.';

/** The client whose batch is in the engine: a script's TypeScript commands act on its behalf. */
export const scriptCaller: { client: Client | null } = { client: null };

function resolve(server: Server, args: Buffer[]): CommandSpec | string {
  const spec = server.table.byName.get(args[0].toString('latin1').toLowerCase());
  if (spec === undefined) return UNKNOWN;
  if (!arityOk(spec, args.length)) return ARITY;
  if (spec.subcommands === undefined) return spec;
  if (args.length < 2) return ARITY;
  const sub = findSubcommand(spec, args[1].toString('latin1'));
  if (sub === undefined) return UNKNOWN;
  return arityOk(sub, args.length) ? sub : ARITY;
}

/**
 * Called once the engine is initialised. As in Redis, a command called from a script counts in the
 * statistics like a client's (commandstats, errorstats, total_commands_processed, slow log).
 */
export function installScriptCallback(server: Server): void {
  const writer = new ReplyWriter(2, 256);
  const commands = server.ops.commands;
  writer.onError = (message) => commands.recordError(message);
  const context: CommandContext = {
    reply: writer,
    client: undefined as unknown as Client,
    server,
  };
  const refuse = (spec: CommandSpec | null, message: string): Uint8Array => {
    if (spec !== null) commands.recordRejected(spec.name);
    return writer.error(message).take();
  };
  native.setScriptCallback((args, db, resp, readOnly) => {
    writer.resp = resp === 3 ? 3 : 2;
    const found = resolve(server, args);
    const client = scriptCaller.client;
    if (typeof found === 'string') return refuse(found === ARITY ? server.table.byName.get(args[0].toString('latin1').toLowerCase()) ?? null : null, found);
    if (found.flags.includes('noscript')) return refuse(found, NOSCRIPT);
    if (readOnly && found.flags.includes('write')) return refuse(found, WRITE_FROM_READONLY);
    if (found.handler === undefined || client === null) return refuse(null, UNKNOWN);
    context.client = client;
    // MONITOR: the engine commands the script ran before this one are shown first.
    const monitoring = server.ops.monitors.active;
    if (monitoring) server.ops.feedScriptCommands(client);
    const errorsBefore = commands.tsErrorCount;
    const started = performance.now();
    try {
      found.handler(context, args);
    } catch (err) {
      server.log.error({ err, command: found.name }, 'command called from a script failed');
      writer.error('ERR ' + (err instanceof Error ? err.message : String(err)));
    }
    server.ops.tsCommandDone(client, found, args, (performance.now() - started) * 1e6, commands.tsErrorCount !== errorsBefore);
    if (monitoring) server.ops.feedMonitors(client, args, db, 'lua');
    server.stats.commandsProcessed++;
    return writer.take();
  });
}
