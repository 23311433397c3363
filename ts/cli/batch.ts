/**
 * The non-interactive modes:
 * - commands given as arguments (several per line, split by arity);
 * - --file: one command per line, pipelined in windows, replies printed in order;
 * - --pipe: stdin (text lines or raw RESP) streamed to the server with back-pressure, replies
 *   counted, not printed, like redis-cli --pipe.
 * Each returns the process exit status.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ConnectionError, RespClient } from './client';
import { VERSION } from '../version';
import { parseCommandDocs, parseCommandInfo } from './docs';
import { generalHelp, topicHelp } from './help';
import { Interrupts } from './interrupt';
import { ReplySink, Writer } from './output';
import { Palette } from './render';
import { Arg, argText, encodeCommand, Reply } from './resp';
import { ConnectFailure, Session, STREAMING_COMMANDS } from './session';
import { CommandArity, FALLBACK_ARITIES, splitByArity, splitLine, UnbalancedQuotesError } from './words';

export interface BatchContext {
  session: Session;
  sink: ReplySink;
  stdout: Writer;
  stderr: Writer;
  /** Ctrl-C: ends a SUBSCRIBE/MONITOR stream. */
  interrupts: Interrupts;
  palette: Palette;
}

/** How many commands from a file may wait for their replies at once. */
const FILE_WINDOW = 512;

/**
 * Splits argument words into commands using the server's arities (COMMAND INFO for the words that
 * could be command names), or the built-in table of the seed's commands if the server cannot say.
 */
export async function splitCommandWords(session: Session, words: string[]): Promise<string[][]> {
  if (words.length <= 1) return [words];
  const names = [...new Set(words.map((w) => w.toLowerCase()))];
  const reply = await session.execute(['COMMAND', 'INFO', ...names]);
  const table = reply.kind === 'error' ? null : parseCommandInfo(reply);
  const lookup = (name: string): CommandArity | undefined => {
    if (table !== null) return table.get(name);
    const arity = FALLBACK_ARITIES.get(name);
    return arity === undefined ? undefined : { arity, subcommands: new Map() };
  };
  return splitByArity(words, lookup);
}

/** Prints every reply of a SUBSCRIBE/MONITOR stream until Ctrl-C or the connection closes. */
export async function streamReplies(
  client: RespClient,
  command: readonly Arg[],
  onReply: (reply: Reply) => void,
  interrupts: Interrupts,
): Promise<'interrupted' | 'closed'> {
  client.unsolicited = onReply;
  client.send(command);
  const interrupt = interrupts.next();
  const closed = new Promise<'closed'>((resolve) => client.onClosed(() => resolve('closed')));
  const result = await Promise.race([closed, interrupt.promise.then(() => 'interrupted' as const)]);
  interrupt.cancel();
  client.unsolicited = null;
  return result;
}

/** Runs commands in order, with up to `window` awaiting replies; streaming commands end the run. */
async function runCommands(context: BatchContext, commands: Iterable<Arg[]>, window: number): Promise<number> {
  const { session, sink } = context;
  const inFlight: Array<{ command: Arg[]; reply: Promise<Reply> }> = [];
  const settleOldest = async (): Promise<void> => {
    const oldest = inFlight.shift();
    if (oldest === undefined) return;
    const reply = await oldest.reply;
    session.observe(oldest.command, reply);
    sink.reply(oldest.command.map(argText), reply);
  };
  try {
    for (const command of commands) {
      if (command.length === 0) continue;
      const name = argText(command[0]).toLowerCase();
      if (STREAMING_COMMANDS.has(name)) {
        while (inFlight.length > 0) await settleOldest();
        sink.finish();
        const client = await session.ensureConnected();
        const shown = command.map(argText);
        const outcome = await streamReplies(client, command, (reply) => sink.reply(shown, reply), context.interrupts);
        if (outcome === 'closed') throw new ConnectionError(client.closeReason);
        return sink.errors > 0 ? 1 : 0;
      }
      const client = await session.ensureConnected();
      inFlight.push({ command, reply: client.call(command) });
      // Commands that change how later ones are read (SELECT, HELLO, AUTH...) are applied in order
      // by `observe`; only the window bounds how far the writer runs ahead.
      if (inFlight.length >= window) await settleOldest();
    }
    while (inFlight.length > 0) await settleOldest();
  } catch (e) {
    // Replies still in flight were lost with the connection.
    for (const pending of inFlight) pending.reply.catch(() => undefined);
    sink.finish();
    if (!(e instanceof ConnectionError)) throw e;
    context.stderr.write((e instanceof ConnectFailure ? e.message : `Error: ${e.message}`) + '\n');
    return 1;
  }
  sink.finish();
  return sink.errors > 0 ? 1 : 0;
}

/** Connects, or prints why not; null then (the caller exits 1). */
async function connectOrReport(context: BatchContext): Promise<RespClient | null> {
  try {
    return await context.session.connect();
  } catch (e) {
    if (!(e instanceof ConnectFailure)) throw e;
    context.stderr.write(e.message + '\n');
    return null;
  }
}

/** `rustypotato-cli set k v get k`: the argument words, split into commands. */
export async function runArgumentCommands(context: BatchContext, words: string[]): Promise<number> {
  if ((await connectOrReport(context)) === null) return 1;
  let commands: string[][];
  try {
    if (words[0].toLowerCase() === 'help') return await printHelp(context, words.slice(1));
    commands = await splitCommandWords(context.session, words);
  } catch (e) {
    if (!(e instanceof ConnectionError)) throw e;
    context.stderr.write(`Error: ${e.message}\n`);
    return 1;
  }
  context.sink.labelTables = commands.length > 1;
  return runCommands(context, commands, 1);
}

/** `rustypotato-cli help set`: the REPL's help, from the server's COMMAND DOCS. */
async function printHelp(context: BatchContext, topic: string[]): Promise<number> {
  const reply = await context.session.execute(['COMMAND', 'DOCS']);
  const docs = reply.kind === 'error' ? null : parseCommandDocs(reply);
  if (topic.length === 0) {
    context.stdout.write(generalHelp(VERSION, docs, context.palette));
    return 0;
  }
  const text = docs === null ? null : topicHelp(docs, topic, context.palette);
  if (text === null) {
    context.stderr.write(`No help for '${topic.join(' ')}'.\n`);
    return 1;
  }
  context.stdout.write(text);
  return 0;
}

/** Lines of a command file as commands: blank lines and lines starting with # are skipped. */
export function* fileCommands(text: string, onBadLine: (lineNumber: number) => void): Generator<Arg[]> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      yield splitLine(line);
    } catch (e) {
      if (!(e instanceof UnbalancedQuotesError)) throw e;
      onBadLine(i + 1);
    }
  }
}

export async function runFile(context: BatchContext, path: string): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    context.stderr.write(`Cannot read ${path}: ${(e as Error).message}\n`);
    return 1;
  }
  let badLines = 0;
  const commands = fileCommands(text, (lineNumber) => {
    badLines++;
    context.stderr.write(`${path}:${lineNumber}: Invalid argument(s): unbalanced quotes\n`);
  });
  if ((await connectOrReport(context)) === null) return 1;
  const status = await runCommands(context, commands, FILE_WINDOW);
  return badLines > 0 ? 1 : status;
}

/**
 * Turns stdin into RESP: raw RESP (first byte `*`) passes through unchanged; text is read line by
 * line with redis-cli's quoting rules and encoded. Yields chunks of bytes.
 */
async function* pipeChunks(input: Readable, onBadLine: (lineNumber: number) => void): AsyncGenerator<Buffer> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first = await iterator.next();
  while (!first.done && first.value.length === 0) first = await iterator.next();
  if (first.done) return;
  const head: Buffer = first.value;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  };
  if (head[0] === 0x2a /* '*' */) {
    yield* rest();
    return;
  }
  // Lines are cut by hand rather than with readline: this loop is the whole cost of --pipe.
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNumber = 0;
  const encodeLines = (text: string): Buffer => {
    const commands: Buffer[] = [];
    for (const line of text.split('\n')) {
      lineNumber++;
      const trimmed = line.trim();
      if (trimmed === '') continue;
      try {
        // Unquoted lines (mass insertion's usual case) skip the quote-aware parser.
        commands.push(encodeCommand(/["']/.test(trimmed) ? splitLine(trimmed) : trimmed.split(/\s+/)));
      } catch (e) {
        if (!(e instanceof UnbalancedQuotesError)) throw e;
        onBadLine(lineNumber);
      }
    }
    return Buffer.concat(commands);
  };
  for await (const chunk of rest()) {
    const text = carry + decoder.write(chunk);
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline < 0) {
      carry = text;
      continue;
    }
    carry = text.slice(lastNewline + 1);
    const encoded = encodeLines(text.slice(0, lastNewline));
    if (encoded.length > 0) yield encoded;
  }
  const tail = encodeLines(carry + decoder.end());
  if (tail.length > 0) yield tail;
}

/**
 * --pipe: writes everything, then an ECHO of a random marker; every reply before the marker's echo
 * is counted (errors printed to stderr). Reports like redis-cli --pipe.
 */
export async function runPipe(context: BatchContext, input: Readable): Promise<number> {
  const client = await connectOrReport(context);
  if (client === null) return 1;
  const marker = crypto.randomBytes(10).toString('hex');
  let replies = 0;
  let errors = 0;
  let sawMarker!: () => void;
  const markerSeen = new Promise<void>((resolve) => { sawMarker = resolve; });
  client.unsolicited = (reply) => {
    if (reply.kind === 'bulk' && reply.bytes.length === marker.length && reply.bytes.toString('latin1') === marker) {
      sawMarker();
      return;
    }
    replies++;
    if (reply.kind === 'error') {
      errors++;
      context.stderr.write(reply.text + '\n');
    }
  };
  const closed = new Promise<string>((resolve) => client.onClosed(resolve));
  let badLines = 0;
  try {
    for await (const chunk of pipeChunks(input, (lineNumber) => {
      badLines++;
      context.stderr.write(`stdin:${lineNumber}: Invalid argument(s): unbalanced quotes\n`);
    })) {
      await client.writeRaw(chunk);
    }
    await client.writeRaw(encodeCommand(['ECHO', marker]));
  } catch (e) {
    if (!(e instanceof ConnectionError)) throw e;
    context.stderr.write(`Error writing to the server: ${e.message}\n`);
    return 1;
  }
  context.stdout.write('All data transferred. Waiting for the last reply...\n');
  const outcome = await Promise.race([markerSeen.then(() => null), closed]);
  if (outcome !== null) {
    context.stderr.write(`Error reading from the server: ${outcome}\n`);
    context.stdout.write(`errors: ${errors}, replies: ${replies}\n`);
    return 1;
  }
  context.stdout.write('Last reply received from server.\n');
  context.stdout.write(`errors: ${errors}, replies: ${replies}\n`);
  client.close();
  return errors > 0 || badLines > 0 ? 1 : 0;
}
