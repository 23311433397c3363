/**
 * Output formats. Table (cli-table3, one row per test; with --compare three rows per test:
 * each server and the ratio), quiet lines and CSV shaped like redis-benchmark's (its CSV columns
 * come first, ours after), and JSON with every figure.
 */
import Table from 'cli-table3';
import { LATENCY_FIELDS, LatencySummary, SummaryRatio, TestSummary } from './stats';

export interface RunDescription {
  target: string;
  compare: string | null;
  clients: number;
  requests: number;
  pipeline: number;
  dataSize: number;
  keyspace: number;
  threads: number;
  rounds: number | null;
}

export interface Comparison {
  ours: TestSummary;
  theirs: TestSummary;
  ratio: SummaryRatio;
}

const LATENCY_HEADS: Record<keyof LatencySummary, string> = {
  avg: 'avg', min: 'min', p50: 'p50', p95: 'p95', p99: 'p99', p999: 'p99.9', max: 'max',
};
/** The latency columns of the table (min is in CSV and JSON). */
const TABLE_LATENCIES: ReadonlyArray<keyof LatencySummary> = ['avg', 'p50', 'p95', 'p99', 'p999', 'max'];

const rate = (rps: number): string => rps.toFixed(2);
const times = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-');

export function describeRun(d: RunDescription): string {
  const keys = d.keyspace > 0 ? `random keys in [0, ${d.keyspace})` : 'fixed keys';
  const compared = d.compare === null ? '' : ` vs ${d.compare} (${d.rounds} round${d.rounds === 1 ? '' : 's'} each, alternating)`;
  return `${d.target}${compared}: ${d.clients} clients, ${d.requests} requests per test${d.rounds === null ? '' : ' and round'}, pipeline ${d.pipeline}, ${d.dataSize}-byte values, ${keys}, ${d.threads} thread${d.threads > 1 ? 's' : ''}`;
}

/** Figures align right; the leading text columns (test, server) left. */
function newTable(head: string[], textColumns: number): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [] },
    // No rule between rows: one line per row keeps a 20-test suite on one screen.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: head.map((_h, i) => (i < textColumns ? 'left' : 'right')),
  });
}

export function formatTable(summaries: readonly TestSummary[], precision: number): string {
  const table = newTable(['test', 'requests', 'ops/s', ...TABLE_LATENCIES.map((f) => `${LATENCY_HEADS[f]} ms`), 'errors'], 1);
  for (const s of summaries) {
    table.push([s.test, String(s.requests), rate(s.rps), ...TABLE_LATENCIES.map((f) => s.latency[f].toFixed(precision)), String(s.errors)]);
  }
  return table.toString() + '\n' + firstErrors(summaries);
}

export function formatComparisonTable(rows: readonly Comparison[], oursName: string, theirsName: string, precision: number): string {
  const table = newTable(['test', 'server', 'requests', 'ops/s', ...TABLE_LATENCIES.map((f) => `${LATENCY_HEADS[f]} ms`), 'errors'], 2);
  for (const { ours, theirs, ratio } of rows) {
    for (const [name, s] of [[oursName, ours], [theirsName, theirs]] as const) {
      table.push([s.test, name, String(s.requests), rate(s.rps), ...TABLE_LATENCIES.map((f) => s.latency[f].toFixed(precision)), String(s.errors)]);
    }
    table.push(['', 'ratio', '', times(ratio.rps), ...TABLE_LATENCIES.map((f) => times(ratio.latency[f])), '']);
  }
  const errors = firstErrors(rows.flatMap((r) => [r.ours, r.theirs]));
  return table.toString() + '\n' + `ratio = ${oursName} / ${theirsName} (ops/s: above 1 is faster; latency: below 1 is faster)\n` + errors;
}

function firstErrors(summaries: readonly TestSummary[]): string {
  return summaries
    .filter((s) => s.firstError !== null)
    .map((s) => `${s.test}: ${s.errors} error${s.errors === 1 ? '' : 's'}, first: ${s.firstError}\n`)
    .join('');
}

/** redis-benchmark -q's line (plus the error count when there were errors). */
export function formatQuietLine(s: TestSummary, precision: number): string {
  const errors = s.errors > 0 ? ` (${s.errors} errors)` : '';
  return `${s.test}: ${rate(s.rps)} requests per second, p50=${s.latency.p50.toFixed(precision)} msec${errors}\n`;
}

export function formatQuietComparison(c: Comparison, precision: number): string {
  const p50 = (s: TestSummary): string => s.latency.p50.toFixed(precision);
  return `${c.ours.test}: ${rate(c.ours.rps)} vs ${rate(c.theirs.rps)} requests per second (${times(c.ratio.rps)}), ` +
    `p50=${p50(c.ours)} vs ${p50(c.theirs)} msec (${times(c.ratio.latency.p50)})\n`;
}

const quote = (cells: readonly string[]): string => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',') + '\n';
const CSV_LATENCIES: ReadonlyArray<keyof LatencySummary> = ['avg', 'min', 'p50', 'p95', 'p99', 'max'];

/** redis-benchmark's header, then our extra columns. */
export function csvHeader(withServer: boolean): string {
  return quote([
    'test', ...(withServer ? ['server'] : []), 'rps', ...CSV_LATENCIES.map((f) => `${f}_latency_ms`), 'p999_latency_ms', 'errors',
  ]);
}

export function csvRow(s: TestSummary, precision: number, server?: string): string {
  return quote([
    s.test, ...(server === undefined ? [] : [server]), rate(s.rps), ...CSV_LATENCIES.map((f) => s.latency[f].toFixed(precision)),
    s.latency.p999.toFixed(precision), String(s.errors),
  ]);
}

export function csvComparisonRows(c: Comparison, oursName: string, theirsName: string, precision: number): string {
  const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '');
  return csvRow(c.ours, precision, oursName) + csvRow(c.theirs, precision, theirsName) +
    quote([c.ours.test, 'ratio', ratio(c.ratio.rps), ...CSV_LATENCIES.map((f) => ratio(c.ratio.latency[f])), ratio(c.ratio.latency.p999), '']);
}

function jsonSummary(s: TestSummary): object {
  return {
    test: s.test,
    requests: s.requests,
    errors: s.errors,
    first_error: s.firstError,
    seconds: s.seconds,
    rps: Number(s.rps.toFixed(2)),
    latency_ms: Object.fromEntries(LATENCY_FIELDS.map((f) => [f, s.latency[f]])),
  };
}

export function jsonDocument(d: RunDescription, summaries: readonly TestSummary[] | null, comparisons: readonly Comparison[] | null): string {
  const settings = { clients: d.clients, requests: d.requests, pipeline: d.pipeline, data_size: d.dataSize, keyspace: d.keyspace, threads: d.threads };
  const doc = comparisons === null
    ? { target: d.target, settings, results: (summaries ?? []).map(jsonSummary) }
    : {
      target: d.target,
      compare: d.compare,
      rounds: d.rounds,
      settings,
      results: comparisons.map((c) => ({
        test: c.ours.test,
        target: jsonSummary(c.ours),
        compare: jsonSummary(c.theirs),
        ratio: { rps: c.ratio.rps, latency_ms: Object.fromEntries(LATENCY_FIELDS.map((f) => [f, c.ratio.latency[f]])) },
      })),
    };
  // NaN (a ratio to zero) is not JSON: it becomes null.
  return JSON.stringify(doc, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}
