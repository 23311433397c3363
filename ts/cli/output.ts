/**
 * Where replies go, per output format. Error replies count as failures (the exit status); in the
 * human and raw formats they are written to stderr so that stdout carries only results, while
 * json and table keep them in place in the structured output.
 */
import Table from 'cli-table3';
import { Reply } from './resp';
import { cellText, isTextReportCommand, OutputFormat, Palette, renderHuman, renderJson, renderRaw, renderTextReport } from './render';

export interface Writer {
  write(data: string | Buffer): void;
}

export interface ReplySink {
  /** Prints one command's reply. */
  reply(command: readonly string[], reply: Reply): void;
  /** Prints anything held back (table rows waiting for their table). */
  finish(): void;
  /** Error replies seen so far. */
  readonly errors: number;
  /** Several commands: print each aggregate table under its command line. */
  labelTables: boolean;
}

export interface SinkOptions {
  format: OutputFormat;
  palette: Palette;
  colour: boolean;
  stdout: Writer;
  stderr: Writer;
}

/** One reply in the chosen format, as the interactive mode prints it (errors included). */
export function formatReply(
  format: OutputFormat,
  command: readonly string[],
  reply: Reply,
  palette: Palette,
  colour: boolean,
): string | Buffer {
  switch (format) {
    case 'human':
      if (isTextReportCommand(command) && reply.kind !== 'error') return renderTextReport(reply);
      return renderHuman(reply, palette);
    case 'raw': return renderRaw(reply);
    case 'json': return renderJson(reply);
    case 'table': return renderTable(reply, colour);
  }
}

function isAggregate(reply: Reply): boolean {
  const size = reply.kind === 'map' ? reply.entries.length : 'items' in reply ? reply.items.length : 0;
  return size > 0;
}

/** Rows without separator lines between them; head and borders coloured only on a terminal. */
function newTable(head: string[], colour: boolean): Table.Table {
  return new Table({
    head,
    style: { head: colour ? ['cyan'] : [], border: colour ? ['grey'] : [], compact: true },
  });
}

/** A table of one aggregate reply: `#`/value rows for arrays and sets, key/value rows for maps. */
export function renderTable(reply: Reply, colour: boolean): string {
  if (!isAggregate(reply)) {
    const table = newTable(['reply'], colour);
    table.push([cellText(reply)]);
    return table.toString() + '\n';
  }
  if (reply.kind === 'map') {
    const table = newTable(['key', 'value'], colour);
    for (const [key, value] of reply.entries) table.push([cellText(key), cellText(value)]);
    return table.toString() + '\n';
  }
  const table = newTable(['#', 'value'], colour);
  if ('items' in reply) reply.items.forEach((item, i) => table.push([String(i + 1), cellText(item)]));
  return table.toString() + '\n';
}

export function createSink(options: SinkOptions): ReplySink {
  let errors = 0;
  // Table format: consecutive scalar replies share one command/reply table.
  let scalarRows: Array<[string, string]> = [];
  const flushScalars = (): void => {
    if (scalarRows.length === 0) return;
    const table = newTable(['command', 'reply'], options.colour);
    for (const row of scalarRows) table.push(row);
    options.stdout.write(table.toString() + '\n');
    scalarRows = [];
  };
  const sink: ReplySink = {
    labelTables: false,
    get errors() {
      return errors;
    },
    reply(command, reply) {
      if (reply.kind === 'error') errors++;
      switch (options.format) {
        case 'human':
          (reply.kind === 'error' ? options.stderr : options.stdout).write(formatReply('human', command, reply, options.palette, options.colour));
          return;
        case 'raw':
          if (reply.kind === 'error') options.stderr.write(reply.text + '\n');
          else options.stdout.write(renderRaw(reply));
          return;
        case 'json':
          options.stdout.write(renderJson(reply));
          return;
        case 'table':
          if (!isAggregate(reply)) {
            scalarRows.push([command.join(' '), cellText(reply)]);
            return;
          }
          flushScalars();
          if (sink.labelTables) options.stdout.write(`${command.join(' ')}\n`);
          options.stdout.write(renderTable(reply, options.colour));
          return;
      }
    },
    finish() {
      flushScalars();
    },
  };
  return sink;
}
