/**
 * rustypotato-benchmark: runs the suite (or a given command) against one server, or against two
 * in alternating rounds with --compare, and prints the figures in the chosen format.
 */
import { encodeCommand } from './command-template';
import { Endpoint, formatEndpoint } from './load';
import { BenchmarkOptions, USAGE, UsageError, parseOptions } from './options';
import { TerminalProgress } from './progress';
import {
  Comparison, RunDescription, csvComparisonRows, csvHeader, csvRow, describeRun, formatComparisonTable,
  formatQuietComparison, formatQuietLine, formatTable, jsonDocument,
} from './report';
import { LoadGenerator } from './runner';
import { BenchmarkTest, customTest, randomData, selectTests } from './suite';
import { TestMeasurement, TestSummary, accumulate, ratioOf, summarize } from './stats';

export interface Output {
  write(text: string): void;
}

/** AUTH and SELECT, sent on every connection before a test. */
function setupCommands(o: BenchmarkOptions): Buffer[] {
  const setup: Buffer[] = [];
  if (o.password !== null) setup.push(encodeCommand(o.user === null ? ['AUTH', o.password] : ['AUTH', o.user, o.password]));
  if (o.dbnum !== 0) setup.push(encodeCommand(['SELECT', String(o.dbnum)]));
  return setup;
}

function testsOf(o: BenchmarkOptions): BenchmarkTest[] {
  if (o.command !== null) return [customTest(o.command)];
  return selectTests(o.tests, randomData(o.dataSize), o.keyspace > 0);
}

/** Runs a test `rounds` times against each server, alternating which goes first. */
async function compareTest(generator: LoadGenerator, ours: Endpoint, theirs: Endpoint, test: BenchmarkTest, rounds: number): Promise<Comparison> {
  let oursTotal: TestMeasurement | null = null;
  let theirsTotal: TestMeasurement | null = null;
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? ['ours', 'theirs'] as const : ['theirs', 'ours'] as const) {
      const m = await generator.measure(side === 'ours' ? ours : theirs, test);
      if (side === 'ours') {
        if (oursTotal === null) oursTotal = m;
        else accumulate(oursTotal, m);
      } else if (theirsTotal === null) theirsTotal = m;
      else accumulate(theirsTotal, m);
    }
  }
  if (oursTotal === null || theirsTotal === null) throw new Error('no rounds ran');
  const oursSummary = summarize(oursTotal);
  const theirsSummary = summarize(theirsTotal);
  return { ours: oursSummary, theirs: theirsSummary, ratio: ratioOf(oursSummary, theirsSummary) };
}

async function run(o: BenchmarkOptions, out: Output): Promise<void> {
  const tests = testsOf(o);
  const target = formatEndpoint(o.endpoint);
  const compareName = o.compare === null ? null : formatEndpoint(o.compare);
  const description: RunDescription = {
    target,
    compare: compareName,
    clients: o.clients,
    requests: o.requests,
    pipeline: o.pipeline,
    dataSize: o.command === null ? o.dataSize : tests[0].command.length,
    keyspace: o.keyspace,
    threads: o.threads,
    rounds: o.compare === null ? null : o.rounds,
  };
  const progress = o.progress && process.stderr.isTTY ? new TerminalProgress(process.stderr) : null;
  const generator = new LoadGenerator(
    { clients: o.clients, requests: o.requests, pipeline: o.pipeline, keyspace: o.keyspace, threads: o.threads, setup: setupCommands(o) },
    progress,
  );
  try {
    if (o.output === 'table') out.write(`${describeRun(description)}\n`);
    if (o.output === 'csv') out.write(csvHeader(o.compare !== null));
    if (o.compare === null) {
      const summaries: TestSummary[] = [];
      for (const test of tests) {
        const summary = summarize(await generator.measure(o.endpoint, test));
        summaries.push(summary);
        if (o.output === 'quiet') out.write(formatQuietLine(summary, o.precision));
        if (o.output === 'csv') out.write(csvRow(summary, o.precision));
      }
      if (o.output === 'table') out.write(formatTable(summaries, o.precision));
      if (o.output === 'json') out.write(jsonDocument(description, summaries, null));
    } else {
      const theirsName = compareName ?? '';
      const comparisons: Comparison[] = [];
      for (const test of tests) {
        const c = await compareTest(generator, o.endpoint, o.compare, test, o.rounds);
        comparisons.push(c);
        if (o.output === 'quiet') out.write(formatQuietComparison(c, o.precision));
        if (o.output === 'csv') out.write(csvComparisonRows(c, target, theirsName, o.precision));
      }
      if (o.output === 'table') out.write(formatComparisonTable(comparisons, target, theirsName, o.precision));
      if (o.output === 'json') out.write(jsonDocument(description, null, comparisons));
    }
  } finally {
    await generator.close();
  }
}

/** Runs the tool; resolves with its exit code (0, or 1 on a usage or connection error). */
export async function main(argv: readonly string[], out: Output, err: Output): Promise<number> {
  let options: BenchmarkOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err.write(`rustypotato-benchmark: ${error.message}\nTry 'rustypotato-benchmark --help'.\n`);
    return 1;
  }
  if (options === 'help') {
    out.write(USAGE);
    return 0;
  }
  try {
    await run(options, out);
    return 0;
  } catch (error) {
    err.write(`rustypotato-benchmark: ${(error as Error).message}\n`);
    return 1;
  }
}
