/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP. args[0] is "CONFIG", args[1] the subcommand;
 * arity is checked by dispatch from the command table before these run.
 */
import type { CommandContext, TsHandler } from '../commands/types';

export function configGet(ctx: CommandContext, args: Buffer[]): void {
  const pairs = ctx.server.config.get(args.slice(2).map((a) => a.toString()));
  ctx.reply.map(pairs.length);
  for (const [name, value] of pairs) ctx.reply.bulk(name).bulk(value);
}

export function configSet(ctx: CommandContext, args: Buffer[]): void {
  // Redis checks the pairing before anything else.
  if (args.length % 2 !== 0) {
    ctx.reply.error('ERR syntax error');
    return;
  }
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < args.length; i += 2) pairs.push([args[i]!.toString(), args[i + 1]!.toString()]);
  const error = ctx.server.config.set(pairs);
  if (error === null) ctx.reply.simple('OK');
  else ctx.reply.error(error);
}

export function configResetstat(ctx: CommandContext, _args: Buffer[]): void {
  ctx.server.resetStats();
  ctx.reply.simple('OK');
}

/**
 * Redis's answer without a config file; rewriting our TOML file is not implemented. Not in
 * configHandlers: add a 'config|rewrite' spec to the table together with this handler to enable it.
 */
export function configRewrite(ctx: CommandContext, _args: Buffer[]): void {
  if (ctx.server.config.configFile === null) ctx.reply.error('ERR The server is running without a config file');
  else ctx.reply.error('ERR CONFIG REWRITE is not supported for TOML configuration files in this version');
}

const HELP_LINES = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

/** Redis's help text; the REWRITE lines only when the command table has CONFIG REWRITE. */
export function configHelp(ctx: CommandContext, _args: Buffer[]): void {
  const hasRewrite = ctx.server.table.byName.get('config')?.subcommands?.some((s) => s.name === 'config|rewrite') ?? false;
  const lines = hasRewrite ? HELP_LINES : HELP_LINES.filter((l) => l !== 'REWRITE' && l !== '    Rewrite the configuration file.');
  ctx.reply.array(lines.length);
  for (const line of lines) ctx.reply.simple(line);
}

/** Handlers by command-table name, for buildCommandTable. */
export const configHandlers: Record<string, TsHandler> = {
  'config|get': configGet,
  'config|set': configSet,
  'config|resetstat': configResetstat,
  'config|help': configHelp,
};
