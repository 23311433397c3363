/**
 * CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO (Redis 7.0's clientCommand branches, same
 * checks in the same order and the same error texts). The table and the invalidations live in
 * ts/server/tracking.ts.
 */
import type { TsHandler } from '../commands/types';
import { parseStrictInt } from '../server/framing';

const ERR_SYNTAX = 'ERR syntax error';

function lower(arg: Buffer): string {
  return arg.toString('latin1').toLowerCase();
}

const clientTracking: TsHandler = (ctx, args) => {
  const { client, reply, server } = ctx;
  let redirect = 0;
  const options = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < args.length; j++) {
    const opt = lower(args[j]);
    const more = args.length - 1 - j > 0;
    if (opt === 'redirect' && more) {
      j++;
      if (redirect !== 0) return void reply.error('ERR A client can only redirect to a single other client');
      const id = parseStrictInt(args[j], 0, args[j].length);
      if (id === null) return void reply.error('ERR value is not an integer or out of range');
      if (!server.clients.has(id)) return void reply.error('ERR The client ID you want redirect to does not exist');
      redirect = id;
    } else if (opt === 'bcast') {
      options.bcast = true;
    } else if (opt === 'optin') {
      options.optin = true;
    } else if (opt === 'optout') {
      options.optout = true;
    } else if (opt === 'noloop') {
      options.noloop = true;
    } else if (opt === 'prefix' && more) {
      j++;
      prefixes.push(args[j].toString('latin1'));
    } else {
      return void reply.error(ERR_SYNTAX);
    }
  }
  const status = lower(args[2]);
  if (status === 'off') {
    server.tracking.disable(client);
    return void reply.simple('OK');
  }
  if (status !== 'on') return void reply.error(ERR_SYNTAX);
  const current = client.tracking;
  if (!options.bcast && prefixes.length > 0) return void reply.error('ERR PREFIX option requires BCAST mode to be enabled');
  if (current !== null && current.bcast !== options.bcast) {
    return void reply.error(
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (options.bcast && (options.optin || options.optout)) return void reply.error('ERR OPTIN and OPTOUT are not compatible with BCAST');
  if (options.optin && options.optout) return void reply.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if (current !== null && ((options.optin && current.optout) || (options.optout && current.optin))) {
    return void reply.error(
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (options.bcast) {
    for (let i = 0; i < prefixes.length; i++) {
      const existing = server.tracking.collision(client, prefixes[i]);
      if (existing !== null) {
        return void reply.errorBytes(
          `ERR Prefix '${prefixes[i]}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`,
        );
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        const n = Math.min(prefixes[i].length, prefixes[j].length);
        if (prefixes[i].slice(0, n) === prefixes[j].slice(0, n)) {
          return void reply.errorBytes(
            `ERR Prefix '${prefixes[i]}' overlaps with another provided prefix '${prefixes[j]}'. Prefixes for a single client must not overlap.`,
          );
        }
      }
    }
  }
  server.tracking.enable(client, { ...options, redirect }, prefixes);
  reply.simple('OK');
};

const clientCaching: TsHandler = (ctx, args) => {
  const state = ctx.client.tracking;
  if (state === null) {
    return void ctx.reply.error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  }
  const mode = lower(args[2]);
  if (mode === 'yes') {
    if (!state.optin) return void ctx.reply.error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (mode === 'no') {
    if (!state.optout) return void ctx.reply.error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else {
    return void ctx.reply.error(ERR_SYNTAX);
  }
  state.caching = true;
  ctx.reply.simple('OK');
};

const clientGetredir: TsHandler = (ctx) => void ctx.reply.integer(ctx.client.tracking?.redirect ?? -1);

const clientTrackinginfo: TsHandler = (ctx) => {
  const { reply } = ctx;
  const state = ctx.client.tracking;
  const flags: string[] = [state !== null ? 'on' : 'off'];
  if (state !== null) {
    if (state.bcast) flags.push('bcast');
    if (state.optin) flags.push('optin');
    if (state.optin && state.caching) flags.push('caching-yes');
    if (state.optout) flags.push('optout');
    if (state.optout && state.caching) flags.push('caching-no');
    if (state.noloop) flags.push('noloop');
    if (state.brokenRedirect) flags.push('broken_redirect');
  }
  reply.map(3);
  reply.bulk('flags').set(flags.length);
  for (const f of flags) reply.bulk(f);
  reply.bulk('redirect').integer(state?.redirect ?? -1);
  const prefixes = state?.prefixes ?? [];
  reply.bulk('prefixes').array(prefixes.length);
  for (const p of prefixes) reply.bulk(Buffer.from(p, 'latin1'));
};

export const trackingHandlers: Record<string, TsHandler> = {
  'client|tracking': clientTracking,
  'client|caching': clientCaching,
  'client|getredir': clientGetredir,
  'client|trackinginfo': clientTrackinginfo,
};
