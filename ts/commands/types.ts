/**
 * The shape of the command table: the single source of truth for dispatch, arity errors, the
 * COMMAND command (COUNT/INFO/DOCS/LIST/GETKEYS) and the documentation. One file per family
 * (strings.ts, keys.ts, connection.ts, server.ts, ...) exports a `CommandSpec[]`; table.ts joins them.
 */
import type { ReplyWriter } from '../protocol/reply';

/** Redis command flags as COMMAND INFO reports them. */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'sentinel'
  | 'only_sentinel'
  | 'no_mandatory_keys'
  | 'protected'
  | 'no_async_loading'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy';

/** Argument types of COMMAND DOCS (Redis 7). */
export type ArgType =
  | 'string'
  | 'integer'
  | 'double'
  | 'key'
  | 'pattern'
  | 'unix-time'
  | 'pure-token'
  | 'oneof'
  | 'block';

/** One argument as COMMAND DOCS describes it; redis-cli builds its hints from these. */
export interface ArgSpec {
  name: string;
  type: ArgType;
  /** Index into the command's key specs, for type 'key'. */
  keySpecIndex?: number;
  /** The literal token, for 'pure-token' and for arguments introduced by a keyword (e.g. "EX"). */
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  since?: string;
  deprecatedSince?: string;
  displayText?: string;
  /** For 'oneof' and 'block'. */
  arguments?: ArgSpec[];
}

/** Redis 7 key spec (COMMAND INFO element 9), kept simple: index or keyword begin, range find. */
export interface KeySpec {
  flags: string[];
  beginSearch:
    | { type: 'index'; index: number }
    | { type: 'keyword'; keyword: string; startFrom: number }
    /** Redis's 'unknown' (e.g. SORT's BY/GET patterns and STORE): keys cannot be found from the spec. */
    | { type: 'unknown' };
  findKeys:
    | { type: 'range'; lastKey: number; step: number; limit: number }
    | { type: 'keynum'; keyNumIdx: number; firstKey: number; step: number }
    | { type: 'unknown' };
  notes?: string;
}

/** Who executes the command: the C++ engine (data commands) or TypeScript (connection/server). */
export type CommandOwner = 'native' | 'ts';

/** Everything a TypeScript-owned handler may touch. Defined by the server (ts/server). */
export interface CommandContext {
  reply: ReplyWriter;
  // The concrete client/server types live in ts/server; handlers import them where needed.
  client: import('../server/client').Client;
  server: import('../server/server').Server;
}

/** A TypeScript-owned handler: args[0] is the command name as sent; replies go to ctx.reply. */
export type TsHandler = (ctx: CommandContext, args: Buffer[]) => void;

export interface CommandSpec {
  /** Lowercase name; for subcommands the container's name and the subcommand, e.g. "client|list". */
  name: string;
  /** Redis convention: N means exactly N arguments including the name, -N means at least N. */
  arity: number;
  flags: CommandFlag[];
  /** Legacy key positions (COMMAND INFO elements 4-6); 0/0/0 when the command takes no keys. */
  firstKey: number;
  lastKey: number;
  step: number;
  /** ACL categories without the '@', e.g. ['write', 'string', 'slow']. */
  acl: string[];
  /** Command tips (COMMAND INFO element 8), e.g. 'nondeterministic_output'. */
  tips?: string[];
  keySpecs?: KeySpec[];
  /** One-line summary (COMMAND DOCS "summary"). */
  summary: string;
  since: string;
  /** COMMAND DOCS group: 'string', 'generic', 'connection', 'server', ... */
  group: string;
  complexity?: string;
  /** Redis's doc_flags, e.g. ['deprecated']; and the replacement command for deprecated ones. */
  docFlags?: string[];
  deprecatedSince?: string;
  replacedBy?: string;
  history?: Array<[string, string]>;
  arguments?: ArgSpec[];
  /** Container commands (CLIENT, CONFIG, OBJECT, COMMAND, ...) list their subcommands here. */
  subcommands?: CommandSpec[];
  owner: CommandOwner;
  /** Required when owner is 'ts' (and not a container whose subcommands all have handlers). */
  handler?: TsHandler;
}
