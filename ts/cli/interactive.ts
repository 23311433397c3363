/**
 * The interactive mode (REPL), modelled on redis-cli's:
 * - prompt `rustypotato 127.0.0.1:6379[2](TX)> ` (db when not 0, TX inside MULTI), or
 *   `rustypotato not connected> `;
 * - node:readline line editing; on a terminal, persistent history (~/.rustypotato_history or
 *   RUSTYPOTATO_CLI_HISTFILE; AUTH and other password-carrying lines are never saved), tab
 *   completion and grey argument hints from COMMAND DOCS;
 * - `help`, `help <command>`, `help @<group>`, `quit`/`exit`, `clear`, `connect <host> <port>`,
 *   `:set hints|nohints`, `N <command>` to run a command N times;
 * - SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE/MONITOR stream until Ctrl-C, then the session reconnects;
 *   Ctrl-C during any other command abandons it (closing the connection);
 * - after the server went away (a restart), the next command reconnects and restores AUTH, the
 *   protocol and the selected db.
 * With stdin not a terminal, each line read is echoed after the prompt, so the output reads as a
 * transcript of the session.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import { streamReplies } from './batch';
import { ConnectionError } from './client';
import { CommandDocs, hintFor, parseCommandDocs } from './docs';
import { complete, generalHelp, topicHelp } from './help';
import { Interrupts } from './interrupt';
import { formatReply, Writer } from './output';
import { OutputFormat, Palette } from './render';
import { Arg, argText, Reply, replyText } from './resp';
import { ConnectFailure, Session, STREAMING_COMMANDS } from './session';
import { splitLine, UnbalancedQuotesError } from './words';

export interface InteractiveOptions {
  session: Session;
  format: OutputFormat;
  palette: Palette;
  colour: boolean;
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  stderr: Writer;
  /** null: no persistent history. */
  historyFile: string | null;
  version: string;
  interrupts: Interrupts;
}

const HISTORY_SIZE = 1000;

/** Lines carrying a password stay out of the history file (as in redis-cli). */
export function isSensitiveLine(line: string): boolean {
  const words = line.trim().toLowerCase().split(/\s+/);
  const [first, second, third] = words;
  if (first === 'auth') return true;
  if (first === 'hello' && words.includes('auth')) return true;
  if (first === 'acl' && second === 'setuser') return true;
  if (first === 'config' && second === 'set' && (third === 'requirepass' || third === 'masterauth')) return true;
  if (first === 'migrate' && (words.includes('auth') || words.includes('auth2'))) return true;
  return false;
}

export function historyPath(env: NodeJS.ProcessEnv, home: string): string | null {
  const override = env.RUSTYPOTATO_CLI_HISTFILE;
  if (override !== undefined && override !== '') return override === '/dev/null' ? null : override;
  return home === '' ? null : `${home}/.rustypotato_history`;
}

function loadHistory(file: string | null): string[] {
  if (file === null) return [];
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    return lines.slice(-HISTORY_SIZE).reverse(); // readline keeps the newest first
  } catch {
    return [];
  }
}

function saveHistory(file: string | null, newestFirst: readonly string[]): void {
  if (file === null) return;
  try {
    fs.writeFileSync(file, [...newestFirst].reverse().join('\n') + '\n', { mode: 0o600 });
  } catch {
    // An unwritable history file must not break the session.
  }
}

/** redis-cli's one-line form of a RESP3 invalidation push: `-> invalidate: 'k1', 'k2'`. */
function invalidationLine(reply: Reply): string | null {
  if (reply.kind !== 'push' || reply.items.length !== 2) return null;
  const [kind, keys] = reply.items;
  if (kind.kind !== 'bulk' || kind.bytes.toString() !== 'invalidate') return null;
  if (keys.kind === 'nil') return '-> invalidate: (all keys)\n';
  if (keys.kind !== 'array') return null;
  const names = keys.items.map((k) => `'${replyText(k) ?? ''}'`);
  return `-> invalidate: ${names.join(', ')}\n`;
}

export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const { session, palette, output, input } = options;
  const terminal = Boolean(input.isTTY && output.isTTY);
  let docs: CommandDocs | null = null;
  let hints = terminal;
  const history = terminal ? loadHistory(options.historyFile) : [];
  /** A typed line is being run. */
  let busy = false;

  const render = (reply: Reply, command: readonly string[] = []): string | Buffer =>
    formatReply(options.format, command, reply, palette, options.colour);

  const promptText = (): string => {
    if (!session.connected) return palette.prompt('rustypotato not connected>') + ' ';
    const db = session.db === 0 ? '' : `[${session.db}]`;
    const tx = session.inTransaction ? '(TX)' : '';
    return palette.prompt(`rustypotato ${session.address}${db}${tx}>`) + ' ';
  };

  const rl = readline.createInterface({
    input,
    output,
    terminal,
    prompt: promptText(),
    history,
    historySize: HISTORY_SIZE,
    completer: (line: string) => complete(docs, line),
  });
  // Listen for lines at once: piped input is read while the first connection is made.
  const lines = rl[Symbol.asyncIterator]();

  // A message that arrives between commands (RESP3 push) is printed above the prompt.
  const showUnsolicited = (reply: Reply): void => {
    if (terminal) output.write('\r\x1b[K');
    output.write(invalidationLine(reply) ?? render(reply));
    if (terminal) rl.prompt(true);
  };

  /** (Re)connects; prints why not on failure. Loads the command docs the first time. */
  const connect = async (): Promise<boolean> => {
    try {
      const client = await session.connect();
      client.unsolicited = showUnsolicited;
    } catch (e) {
      if (!(e instanceof ConnectFailure)) throw e;
      options.stderr.write(e.message + '\n');
      return false;
    }
    if (docs === null) {
      try {
        const reply = await session.execute(['COMMAND', 'DOCS']);
        if (reply.kind !== 'error') docs = parseCommandDocs(reply);
      } catch {
        // Help, hints and completion stay unavailable; commands still work.
      }
    }
    return true;
  };

  if (terminal) {
    rl.on('history', (lines: string[]) => {
      if (lines.length > 0 && isSensitiveLine(lines[0])) lines.shift();
      saveHistory(options.historyFile, lines);
    });
    installHints(rl, input, output, () => (hints ? docs : null));
    rl.on('SIGINT', () => options.interrupts.trigger());
    // Ctrl-C during a command (BLPOP 0...) abandons it: the connection is closed, the prompt
    // comes back and the next command reconnects. At the prompt it clears a typed line, or quits
    // on an empty one.
    options.interrupts.otherwise = () => {
      if (busy) {
        session.client?.close('Interrupted (the next command reconnects)');
        return;
      }
      if (rl.line === '') {
        output.write('\n');
        rl.close();
        return;
      }
      rl.write(null, { ctrl: true, name: 'u' });
      rl.write(null, { ctrl: true, name: 'k' });
    };
  }

  const runStream = async (command: readonly Arg[]): Promise<void> => {
    const client = session.client;
    if (client === null) return;
    const name = argText(command[0]).toLowerCase();
    if (name !== 'monitor') output.write('Reading messages... (press Ctrl-C to quit)\n');
    const outcome = await streamReplies(client, command, (reply) => output.write(render(reply)), options.interrupts);
    if (outcome === 'closed') {
      options.stderr.write(`Error: ${client.closeReason}\n`);
      return;
    }
    // Leave subscriber/monitor mode on a fresh connection (AUTH, HELLO, SELECT restored).
    output.write('\n');
    await connect();
  };

  /** Runs one typed line; false to end the session. */
  const handleLine = async (line: string): Promise<boolean> => {
    const trimmed = line.trim();
    if (trimmed === '') return true;
    let words: Buffer[];
    try {
      words = splitLine(trimmed);
    } catch (e) {
      if (!(e instanceof UnbalancedQuotesError)) throw e;
      output.write('Invalid argument(s)\n');
      return true;
    }
    let repeat = 1;
    if (words.length > 1 && /^\d+$/.test(words[0].toString())) {
      repeat = Number(words[0].toString());
      words = words.slice(1);
    }
    const text = words.map((w) => w.toString('utf8'));
    const name = text[0].toLowerCase();
    switch (name) {
      case 'quit':
      case 'exit':
        return false;
      case 'help':
      case '?':
        if (text.length === 1) output.write(generalHelp(options.version, docs, palette));
        else if (docs === null) output.write(`Command help is not available: ${session.connected ? 'the server did not answer COMMAND DOCS' : 'not connected'}.\n`);
        else output.write(topicHelp(docs, text.slice(1), palette) ?? `No help for '${text.slice(1).join(' ')}'.\n`);
        return true;
      case 'clear':
        if (terminal) output.write('\x1b[H\x1b[2J');
        return true;
      case ':set':
        if (text[1] === 'hints' || text[1] === 'nohints') hints = text[1] === 'hints';
        else output.write('Unknown preference. Use ":set hints" or ":set nohints".\n');
        return true;
      case 'connect':
        if (text.length === 3 && /^\d+$/.test(text[2])) {
          session.retarget(text[1], Number(text[2]));
          docs = null;
          await connect();
        } else {
          output.write('Usage: connect <host> <port>\n');
        }
        return true;
    }
    if (!session.connected && !(await connect())) return true;
    if (STREAMING_COMMANDS.has(name)) {
      await runStream(words);
      return true;
    }
    for (let i = 0; i < repeat; i++) {
      let reply: Reply;
      try {
        reply = await session.execute(words);
      } catch (e) {
        if (!(e instanceof ConnectionError)) throw e;
        options.stderr.write(`Error: ${e.message}\n`);
        return true;
      }
      output.write(render(reply, text));
    }
    return true;
  };

  await connect();
  rl.setPrompt(promptText());
  rl.prompt();
  let quit = false;
  for await (const line of { [Symbol.asyncIterator]: () => lines }) {
    if (!terminal) output.write(line + '\n');
    busy = true;
    const goOn = await handleLine(line);
    busy = false;
    if (!goOn) {
      quit = true;
      break;
    }
    rl.setPrompt(promptText());
    rl.prompt();
  }
  rl.close();
  // End of input after a prompt: finish its line.
  if (!quit) output.write('\n');
  session.client?.close();
  return 0;
}

/**
 * Grey argument hints after the cursor, redrawn after every key (readline itself handles the key
 * first). Only drawn while the cursor is at the end of a line that fits the terminal width.
 */
function installHints(
  rl: readline.Interface,
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
  currentDocs: () => CommandDocs | null,
): void {
  // Before readline moves to a new line on Enter, wipe the hint so it does not stay on screen.
  input.prependListener('keypress', (_text: string, key: readline.Key | undefined) => {
    if (key?.name === 'return' || key?.name === 'enter') output.write('\x1b[K');
  });
  input.on('keypress', (_text: string, key: readline.Key | undefined) => {
    const docs = currentDocs();
    if (docs === null || key?.name === 'return' || key?.name === 'enter') return;
    const line = rl.line;
    if (rl.cursor !== line.length) return;
    let words: string[];
    try {
      words = splitLine(line).map((w) => w.toString('utf8'));
    } catch {
      return;
    }
    const hint = hintFor(docs, words, /\s$/.test(line));
    output.write('\x1b[K');
    if (hint === null) return;
    const used = stripVTControlCharacters(rl.getPrompt()).length + line.length;
    const room = (output.columns || 80) - used - 1;
    if (room <= 0) return;
    const shown = hint.length > room ? hint.slice(0, room) : hint;
    output.write(`\x1b[90m${shown}\x1b[0m\x1b[${shown.length}D`);
  });
}
