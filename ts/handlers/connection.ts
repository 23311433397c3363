/**
 * TypeScript-owned connection commands: HELLO, AUTH, SELECT, QUIT, RESET and CLIENT. They change
 * connection state, which lives here (DESIGN.md §2), not in the engine.
 */
import type { CommandContext, TsHandler } from '../commands/types';
import type { Client } from '../server/client';
import { parseStrictInt } from '../server/framing';
import { REDIS_VERSION } from '../version';

const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
const ERR_SYNTAX = 'ERR syntax error';
const ERR_WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
const ERR_NAME_CHARS = 'ERR Client names cannot contain spaces, newlines or special characters.';

function lower(arg: Buffer): string {
  return arg.toString('latin1').toLowerCase();
}

function integerArg(arg: Buffer): number | null {
  return parseStrictInt(arg, 0, arg.length);
}

/** Redis accepts client names made of printable ASCII without spaces ('!'..'~'). */
function validClientName(name: Buffer): boolean {
  for (const c of name) if (c < 33 || c > 126) return false;
  return true;
}

/**
 * Authentication with no password configured: the default user has `nopass`, so any password for
 * "default" succeeds and every other user name is refused, exactly as Redis answers.
 */
function checkCredentials(user: Buffer, _password: Buffer): boolean {
  return user.toString('latin1') === 'default';
}

const hello: TsHandler = (ctx, args) => {
  const { client, reply } = ctx;
  let proto = client.resp;
  if (args.length >= 2) {
    const v = integerArg(args[1]);
    if (v === null) return void reply.error('ERR Protocol version is not an integer or out of range');
    if (v < 2 || v > 3) return void reply.error('NOPROTO unsupported protocol version');
    proto = v as 2 | 3;
  }
  let name: Buffer | null = null;
  for (let i = 2; i < args.length; i++) {
    const opt = lower(args[i]);
    const left = args.length - i - 1;
    if (opt === 'auth' && left >= 2) {
      if (!checkCredentials(args[i + 1], args[i + 2])) return void reply.error(ERR_WRONGPASS);
      i += 2;
    } else if (opt === 'setname' && left >= 1) {
      name = args[i + 1];
      if (!validClientName(name)) return void reply.error(ERR_NAME_CHARS);
      i += 1;
    } else {
      return void reply.errorBytes(`ERR Syntax error in HELLO option '${args[i].toString('latin1')}'`);
    }
  }
  if (name !== null) client.name = name.length === 0 ? null : name.toString('latin1');
  client.resp = proto;
  reply.resp = proto;
  reply.map(7);
  reply.bulk('server').bulk('redis');
  reply.bulk('version').bulk(REDIS_VERSION);
  reply.bulk('proto').integer(proto);
  reply.bulk('id').integer(client.id);
  reply.bulk('mode').bulk('standalone');
  reply.bulk('role').bulk('master');
  reply.bulk('modules').array(0);
};

const auth: TsHandler = (ctx, args) => {
  if (args.length > 3) return void ctx.reply.error(ERR_SYNTAX);
  if (args.length === 2) {
    return void ctx.reply.error(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
  }
  if (!checkCredentials(args[1], args[2])) return void ctx.reply.error(ERR_WRONGPASS);
  ctx.reply.simple('OK');
};

const select: TsHandler = (ctx, args) => {
  const index = integerArg(args[1]);
  if (index === null || index < -2147483648 || index > 2147483647) return void ctx.reply.error(ERR_NOT_INTEGER);
  if (index < 0 || index >= ctx.server.opts.databases) return void ctx.reply.error('ERR DB index is out of range');
  ctx.client.db = index;
  ctx.reply.simple('OK');
};

const quit: TsHandler = (ctx) => {
  ctx.reply.simple('OK');
  ctx.client.closeAfterReply = true;
};

const reset: TsHandler = (ctx) => {
  const client = ctx.client;
  client.discardTransaction();
  // RESET also leaves MONITOR mode.
  client.server.ops.monitors.clients.delete(client);
  ctx.server.pubsub.dropClient(client);
  ctx.server.tracking.disable(client);
  client.db = 0;
  client.resp = 2;
  client.name = null;
  client.noEvict = false;
  client.noTouch = false;
  ctx.reply.resp = 2;
  ctx.reply.simple('RESET');
};

// ---- CLIENT ----

/** One line of CLIENT LIST / CLIENT INFO, with Redis 7's fields (buffer figures are ours). */
export function clientInfoLine(client: Client, now = Date.now()): string {
  const flags =
    (client.subscriptions.active ? 'P' : '') +
    (client.multiCount >= 0 ? 'x' : '') +
    (client.blocked !== null ? 'b' : '') +
    (client.tracking !== null ? 't' : '') +
    (client.tracking?.brokenRedirect ? 'R' : '') +
    (client.tracking?.bcast ? 'B' : '') +
    (client.watchDirty ? 'd' : '') +
    (client.noEvict ? 'e' : '') + (client.noTouch ? 'T' : '') +
    (client.server.ops.monitors.clients.has(client) ? 'O' : '') || 'N';
  const qbuf = client.queryBufferLength;
  const qbufFree = client.queryBufferFree;
  const omem = client.outputLength;
  const multiMem = client.multi === null ? 0 : client.multi.reduce((sum, args) => sum + args.reduce((n, a) => n + a.length, 0), 0);
  const fields: Array<[string, string | number]> = [
    ['id', client.id],
    ['addr', client.addr],
    ['laddr', client.laddr],
    ['fd', (client.socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1],
    ['name', client.name ?? ''],
    ['age', Math.floor((now - client.createdAt) / 1000)],
    ['idle', Math.floor((now - client.lastInteraction) / 1000)],
    ['flags', flags],
    ['db', client.db],
    ['sub', client.subscriptions.channels],
    ['psub', client.subscriptions.patterns],
    ['ssub', client.subscriptions.shardChannels],
    ['multi', client.multiCount],
    ['qbuf', qbuf],
    ['qbuf-free', qbufFree],
    ['argv-mem', 0],
    ['multi-mem', multiMem],
    ['rbs', 0],
    ['rbp', 0],
    ['obl', 0],
    ['oll', client.queuedReplies],
    ['omem', omem],
    ['tot-mem', qbuf + qbufFree + omem + multiMem],
    ['events', omem > 0 ? 'rw' : 'r'],
    ['cmd', client.commandName],
    ['user', 'default'],
    ['redir', client.tracking?.redirect ?? -1],
    ['resp', client.resp],
    ['lib-name', client.libName],
    ['lib-ver', client.libVer],
  ];
  return fields.map(([k, v]) => `${k}=${v}`).join(' ');
}

const clientId: TsHandler = (ctx) => void ctx.reply.integer(ctx.client.id);

const clientSetname: TsHandler = (ctx, args) => {
  const name = args[2];
  if (!validClientName(name)) return void ctx.reply.error(ERR_NAME_CHARS);
  ctx.client.name = name.length === 0 ? null : name.toString('latin1');
  ctx.reply.simple('OK');
};

const clientGetname: TsHandler = (ctx) => {
  const name = ctx.client.name;
  if (name === null) ctx.reply.nullBulk();
  else ctx.reply.bulk(Buffer.from(name, 'latin1'));
};

const clientSetinfo: TsHandler = (ctx, args) => {
  const attr = lower(args[2]);
  const value = args[3];
  if (attr !== 'lib-name' && attr !== 'lib-ver') {
    return void ctx.reply.error(`ERR Unrecognized option '${args[2].toString()}'`);
  }
  for (const c of value) {
    if (c < 33 || c > 126) {
      return void ctx.reply.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
    }
  }
  if (attr === 'lib-name') ctx.client.libName = value.toString('latin1');
  else ctx.client.libVer = value.toString('latin1');
  ctx.reply.simple('OK');
};

const clientInfo: TsHandler = (ctx) => void ctx.reply.verbatim(clientInfoLine(ctx.client) + '\n');

const CLIENT_TYPES = new Set(['normal', 'master', 'replica', 'slave', 'pubsub']);

const clientList: TsHandler = (ctx, args) => {
  let selected: Client[] = [...ctx.server.clients.values()];
  for (let i = 2; i < args.length; i++) {
    const opt = lower(args[i]);
    if (opt === 'type' && i + 1 < args.length) {
      const type = lower(args[i + 1]);
      if (!CLIENT_TYPES.has(type)) return void ctx.reply.error(`ERR Unknown client type '${args[i + 1].toString()}'`);
      // Clients with subscriptions are of type pubsub; there are no replicas.
      if (type === 'pubsub') selected = selected.filter((c) => c.subscriptions.active);
      else if (type === 'normal') selected = selected.filter((c) => !c.subscriptions.active);
      else selected = [];
      i++;
    } else if (opt === 'id' && i + 1 < args.length) {
      const ids = new Set<number>();
      for (i = i + 1; i < args.length; i++) {
        const id = integerArg(args[i]);
        if (id === null || id <= 0) return void ctx.reply.error('ERR Invalid client ID');
        ids.add(id);
      }
      selected = selected.filter((c) => ids.has(c.id));
    } else {
      return void ctx.reply.error(ERR_SYNTAX);
    }
  }
  const now = Date.now();
  ctx.reply.verbatim(selected.map((c) => clientInfoLine(c, now) + '\n').join(''));
};

interface KillFilter {
  id?: number;
  addr?: string;
  laddr?: string;
  type?: string;
  user?: string;
  maxAge?: number;
  skipMe: boolean;
}

function parseKillFilter(args: Buffer[]): KillFilter | string {
  const filter: KillFilter = { skipMe: true };
  for (let i = 2; i < args.length; i += 2) {
    if (i + 1 >= args.length) return ERR_SYNTAX;
    const opt = lower(args[i]);
    const value = args[i + 1].toString('latin1');
    if (opt === 'id') {
      const id = integerArg(args[i + 1]);
      if (id === null || id <= 0) return 'ERR client-id should be greater than 0';
      filter.id = id;
    } else if (opt === 'addr') filter.addr = value;
    else if (opt === 'laddr') filter.laddr = value;
    else if (opt === 'type') {
      const type = value.toLowerCase();
      if (!CLIENT_TYPES.has(type)) return `ERR Unknown client type '${value}'`;
      filter.type = type;
    } else if (opt === 'user') filter.user = value;
    else if (opt === 'skipme') {
      const yn = value.toLowerCase();
      if (yn !== 'yes' && yn !== 'no') return ERR_SYNTAX;
      filter.skipMe = yn === 'yes';
    } else if (opt === 'maxage') {
      const age = integerArg(args[i + 1]);
      if (age === null) return ERR_NOT_INTEGER;
      filter.maxAge = age;
    } else return ERR_SYNTAX;
  }
  return filter;
}

function killMatches(client: Client, self: Client, f: KillFilter, now: number): boolean {
  if (f.id !== undefined && client.id !== f.id) return false;
  if (f.addr !== undefined && client.addr !== f.addr) return false;
  if (f.laddr !== undefined && client.laddr !== f.laddr) return false;
  if (f.type !== undefined && f.type !== 'normal') return false;
  if (f.user !== undefined && f.user !== 'default') return false;
  if (f.maxAge !== undefined && (now - client.createdAt) / 1000 < f.maxAge) return false;
  if (f.skipMe && client === self) return false;
  return true;
}

function kill(ctx: CommandContext, victim: Client): void {
  if (victim === ctx.client) ctx.client.closeAfterReply = true;
  else victim.close();
}

const clientKill: TsHandler = (ctx, args) => {
  const now = Date.now();
  if (args.length === 3) {
    // Old form: CLIENT KILL addr:port, replies OK or an error.
    const addr = args[2].toString('latin1');
    const victim = [...ctx.server.clients.values()].find((c) => c.addr === addr);
    if (victim === undefined) return void ctx.reply.error('ERR No such client');
    ctx.reply.simple('OK');
    return kill(ctx, victim);
  }
  const filter = parseKillFilter(args);
  if (typeof filter === 'string') return void ctx.reply.error(filter);
  const victims = [...ctx.server.clients.values()].filter((c) => killMatches(c, ctx.client, filter, now));
  ctx.reply.integer(victims.length);
  for (const v of victims) kill(ctx, v);
};

function onOffHandler(apply: (client: Client, on: boolean) => void): TsHandler {
  return (ctx, args) => {
    const v = lower(args[2]);
    if (v !== 'on' && v !== 'off') return void ctx.reply.error(ERR_SYNTAX);
    apply(ctx.client, v === 'on');
    ctx.reply.simple('OK');
  };
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of this connection.',
  'ID',
  '    Return the ID of this connection.',
  'INFO',
  '    Return information about this connection.',
  'KILL <ip:port>',
  '    Close the connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Close connections matching every option: ID, ADDR, LADDR, TYPE, USER, SKIPME (YES|NO), MAXAGE.',
  'LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <id> [<id> ...]]',
  '    Return information about client connections.',
  'SETNAME <name>',
  '    Name this connection.',
  'SETINFO (LIB-NAME|LIB-VER) <value>',
  '    Record the client library name or version, shown by CLIENT LIST.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect this connection from client eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Reads from this connection do not change the keys\' access time.',
  'HELP',
  '    Print this help.',
];

export const connectionHandlers: Record<string, TsHandler> = {
  hello,
  auth,
  select,
  quit,
  reset,
  'client|id': clientId,
  'client|setname': clientSetname,
  'client|getname': clientGetname,
  'client|setinfo': clientSetinfo,
  'client|info': clientInfo,
  'client|list': clientList,
  'client|kill': clientKill,
  'client|no-evict': onOffHandler((c, on) => (c.noEvict = on)),
  'client|no-touch': onOffHandler((c, on) => (c.noTouch = on)),
  'client|help': (ctx) => void ctx.reply.statusLines(CLIENT_HELP),
};
