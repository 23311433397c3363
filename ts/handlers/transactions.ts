/**
 * MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis 7.0 semantics). While a client is in MULTI, its
 * commands do not reach these handlers or the engine: Client.queueCommand queues them (or refuses
 * them, which makes EXEC fail with EXECABORT); only EXEC, DISCARD, MULTI, WATCH, QUIT and RESET run.
 */
import type { TsHandler } from '../commands/types';

const multi: TsHandler = (ctx) => {
  const client = ctx.client;
  if (client.multi !== null) return void ctx.reply.error('ERR MULTI calls can not be nested');
  client.multi = [];
  client.multiAborted = false;
  ctx.reply.simple('OK');
};

const exec: TsHandler = (ctx) => {
  const client = ctx.client;
  const queued = client.multi;
  if (queued === null) return void ctx.reply.error('ERR EXEC without MULTI');
  const aborted = client.multiAborted;
  client.multi = null;
  client.multiAborted = false;
  // Redis unwatches before running the queue (and on either failure).
  const watchViolated = client.unwatchAll();
  if (aborted) return void ctx.reply.error('EXECABORT Transaction discarded because of previous errors.');
  if (watchViolated) return void ctx.reply.nullArray();
  client.execTransaction(queued, ctx.reply);
};

const discard: TsHandler = (ctx) => {
  const client = ctx.client;
  if (client.multi === null) return void ctx.reply.error('ERR DISCARD without MULTI');
  client.discardTransaction();
  ctx.reply.simple('OK');
};

const watch: TsHandler = (ctx, args) => {
  const client = ctx.client;
  if (client.multi !== null) return void ctx.reply.error('ERR WATCH inside MULTI is not allowed');
  client.watch(args.slice(1));
  ctx.reply.simple('OK');
};

const unwatch: TsHandler = (ctx) => {
  ctx.client.unwatchAll();
  ctx.reply.simple('OK');
};

export const transactionHandlers: Record<string, TsHandler> = { multi, exec, discard, watch, unwatch };
