#!/usr/bin/env node
/**
 * rustypotato-cli: the command-line client (interactive, batch, --file, --pipe). See
 * ts/cli/options.ts for the options and ts/cli/ for the modes.
 */
import os from 'node:os';
import { runArgumentCommands, runFile, runPipe, BatchContext } from '../cli/batch';
import { historyPath, runInteractive } from '../cli/interactive';
import { Interrupts } from '../cli/interrupt';
import { parseArgs, USAGE, UsageError, CliOptions } from '../cli/options';
import { createSink, Writer } from '../cli/output';
import { COLOURED, PLAIN } from '../cli/render';
import { Session } from '../cli/session';
import { VERSION } from '../version';

const stdout: Writer = { write: (data) => { process.stdout.write(data); } };
const stderr: Writer = { write: (data) => { process.stderr.write(data); } };

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv, process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr.write(`rustypotato-cli: ${e.message}\nTry 'rustypotato-cli --help' for more information.\n`);
    return 2;
  }
  if (options.help) {
    stdout.write(`rustypotato-cli ${VERSION}\n\n${USAGE}`);
    return 0;
  }
  if (options.version) {
    stdout.write(`rustypotato-cli ${VERSION}\n`);
    return 0;
  }

  const session = new Session({
    host: options.host,
    port: options.port,
    timeoutMs: options.timeoutMs,
    credentials: options.credentials,
    db: options.db,
    protocol: options.protocol,
  });
  const colour = options.colour && Boolean(process.stdout.isTTY);
  const palette = colour ? COLOURED : PLAIN;
  const interrupts = new Interrupts(() => process.exit(130));
  process.on('SIGINT', () => interrupts.trigger());

  const interactive = options.command.length === 0 && !options.pipe && options.file === null;
  if (interactive) {
    return runInteractive({
      session,
      format: options.format ?? 'human',
      palette,
      colour,
      input: process.stdin,
      output: process.stdout,
      stderr,
      historyFile: historyPath(process.env, os.homedir()),
      version: VERSION,
      interrupts,
    });
  }

  const format = options.format ?? (process.stdout.isTTY ? 'human' : 'raw');
  const sink = createSink({ format, palette, colour, stdout, stderr });
  sink.labelTables = options.file !== null;
  const context: BatchContext = { session, sink, stdout, stderr, interrupts, palette };
  try {
    if (options.pipe) return await runPipe(context, process.stdin);
    if (options.file !== null) return await runFile(context, options.file);
    return await runArgumentCommands(context, options.command);
  } finally {
    session.client?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit once everything written so far has been flushed (a TTY or pipe may lag behind).
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`rustypotato-cli: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
