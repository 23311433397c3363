/**
 * Loads the settings the server starts with: defaults < TOML file < RUSTYPOTATO_* environment <
 * command-line flags. Every problem is a ConfigError whose message names its source (file:line,
 * variable or flag) and says what is expected; the caller prints it and exits non-zero.
 */
import fs from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import {
  CONFIG_FILE_ENV,
  ENV_PREFIX,
  SECTIONS,
  SETTINGS,
  assignValue,
  defaultSettings,
  featureOf,
  settingByPath,
  type SectionName,
  type SettingSpec,
  type Settings,
} from './schema';
import { VERSION } from '../version';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type LoadResult =
  | { kind: 'run'; settings: Settings; configFile: string | null }
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string };

const PROGRAM = 'rustypotato-server';

export function versionText(): string {
  return `${PROGRAM} ${VERSION}`;
}

// ---------------------------------------------------------------------------------------------
// Command line

interface MetaFlag {
  long: string;
  short: string;
  arg?: string;
  summary: string;
}

const CONFIG_FLAG: MetaFlag = { long: 'config', short: 'c', arg: '<FILE>', summary: `Configuration file (TOML) [env: ${CONFIG_FILE_ENV}]` };
const HELP_FLAG: MetaFlag = { long: 'help', short: 'h', summary: 'Print help information' };
const VERSION_FLAG: MetaFlag = { long: 'version', short: 'V', summary: 'Print version information' };

type ParsedFlag = { spelled: string; spec: SettingSpec<unknown>; value: string };

interface ParsedArgs {
  help: boolean;
  version: boolean;
  configFile: string | null;
  flags: ParsedFlag[];
}

function findFlag(name: string, isLong: boolean): SettingSpec<unknown> | MetaFlag | undefined {
  const meta = [CONFIG_FLAG, HELP_FLAG, VERSION_FLAG].find((f) => (isLong ? f.long : f.short) === name);
  if (meta) return meta;
  return SETTINGS.find((s) => s.flag && (isLong ? s.flag.long : s.flag.short) === name);
}

/** Splits argv into flags and values; checks only the shape (known flag, value present). */
function parseArgs(argv: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { help: false, version: false, configFile: null, flags: [] };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    let name: string;
    let inline: string | undefined;
    let isLong: boolean;
    if (token.startsWith('--') && token.length > 2) {
      const eq = token.indexOf('=');
      name = eq < 0 ? token.slice(2) : token.slice(2, eq);
      inline = eq < 0 ? undefined : token.slice(eq + 1);
      isLong = true;
    } else if (/^-[A-Za-z]$/.test(token)) {
      name = token.slice(1);
      isLong = false;
    } else {
      throw new ConfigError(`unexpected argument ${JSON.stringify(token)}; see ${PROGRAM} --help`);
    }
    const spelled = isLong ? `--${name}` : `-${name}`;
    const found = findFlag(name, isLong);
    if (!found) {
      const known = [CONFIG_FLAG, HELP_FLAG, VERSION_FLAG, ...SETTINGS.flatMap((s) => (s.flag ? [s.flag] : []))].map((f) => f.long);
      throw new ConfigError(`${spelled}: unknown option${suggest(name, known, '--')}; see ${PROGRAM} --help`);
    }
    const takesValue = 'kind' in found || found.arg !== undefined;
    if (!takesValue) {
      if (inline !== undefined) throw new ConfigError(`${spelled}: takes no value`);
      if (found === HELP_FLAG) out.help = true;
      else out.version = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new ConfigError(`${spelled}: expected a value ${'kind' in found ? found.flag!.arg : CONFIG_FLAG.arg}`);
      value = argv[++i]!;
    }
    if ('kind' in found) out.flags.push({ spelled, spec: found, value });
    else out.configFile = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Applying values from each source

/** Puts a value into the settings after checking that its feature exists (or the value is "off"). */
/** Where each setting of a loaded Settings object came from (start-up logs it at debug level). */
const SOURCES = new WeakMap<Settings, Map<string, string>>();

/** Setting path -> the file line, environment variable or flag that set it; absent = default. */
export function settingSources(settings: Settings): ReadonlyMap<string, string> {
  return SOURCES.get(settings) ?? new Map();
}

function noteSource(settings: Settings, path: string, where: string): void {
  let sources = SOURCES.get(settings);
  if (sources === undefined) {
    sources = new Map();
    SOURCES.set(settings, sources);
  }
  sources.set(path, where);
}

function apply(settings: Settings, spec: SettingSpec<unknown>, value: unknown, where: string): void {
  const feature = featureOf(spec);
  if (feature && !feature.available && !spec.kind.equals(value, spec.default)) {
    throw new ConfigError(
      `${where}: ${feature.name} is not available in this version; only the default, ${spec.kind.show(spec.default)}, is accepted`,
    );
  }
  assignValue(settings, spec, value);
  noteSource(settings, spec.path, where);
}

function showGot(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return JSON.stringify(v);
  if (v instanceof Date || (typeof v === 'object' && v !== null && 'toISOString' in v)) return String(v);
  return 'a table';
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !('toISOString' in v);
}

/**
 * Finds the line of each `[section]` header and `key =` line (1-based), keyed "section" and
 * "section.key". The TOML parser gives values without positions; this is enough to point at the
 * line for the flat files we read. Unknown positions fall back to the section header.
 */
function locateKeys(source: string): Map<string, number> {
  const lines = new Map<string, number>();
  let table = '';
  const unquote = (s: string): string => s.trim().replace(/^(["'])(.*)\1$/, '$2');
  source.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const header = /^\[\s*([^\[\]]+?)\s*\](\s*#.*)?$/.exec(line);
    if (header) {
      table = header[1]!.split('.').map(unquote).join('.');
      if (!lines.has(table)) lines.set(table, index + 1);
      return;
    }
    const assignment = /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-.\s])+?)\s*=/.exec(line);
    if (assignment) {
      const key = assignment[1]!.split('.').map(unquote).join('.');
      const full = table ? `${table}.${key}` : key;
      if (!lines.has(full)) lines.set(full, index + 1);
    }
  });
  return lines;
}

function applyFile(settings: Settings, file: string, source: string): void {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(source);
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      throw new ConfigError(`${file}:${err.line}:${err.column}: invalid TOML: ${reason}`);
    }
    throw err;
  }
  const lines = locateKeys(source);
  const at = (...keys: string[]): string => {
    for (const k of keys) {
      const line = lines.get(k);
      if (line !== undefined) return `${file}:${line}`;
    }
    return file;
  };
  const sectionList = SECTIONS.map((s) => `[${s}]`).join(', ');
  for (const [sectionName, sectionValue] of Object.entries(doc)) {
    if (!isTable(sectionValue)) {
      const home = SETTINGS.find((s) => s.inFile && s.key === sectionName);
      const hint = home ? `; it belongs in [${home.section}]` : `; settings belong in a section: ${sectionList}`;
      throw new ConfigError(`${at(sectionName)}: ${sectionName}: not in a section${hint}`);
    }
    if (!(SECTIONS as readonly string[]).includes(sectionName)) {
      throw new ConfigError(`${at(sectionName)}: unknown section [${sectionName}]${suggest(sectionName, SECTIONS, '')}; expected one of ${sectionList}`);
    }
    const section = sectionName as SectionName;
    const known = SETTINGS.filter((s) => s.inFile && s.section === section);
    for (const [key, raw] of Object.entries(sectionValue)) {
      const where = `${at(`${section}.${key}`, section)}: [${section}] ${key}`;
      const spec = known.find((s) => s.key === key);
      if (!spec) {
        throw new ConfigError(`${where}: unknown key${suggest(key, known.map((s) => s.key), '')}; [${section}] accepts ${known.map((s) => s.key).join(', ')}`);
      }
      const value = spec.kind.fromToml(raw);
      if (value === undefined) throw new ConfigError(`${where}: expected ${spec.kind.expected}, got ${showGot(raw)}`);
      apply(settings, spec, value, where);
    }
  }
}

function applyEnv(settings: Settings, env: NodeJS.ProcessEnv): void {
  const names = Object.keys(env)
    .filter((n) => n.startsWith(ENV_PREFIX) && n !== CONFIG_FILE_ENV && env[n] !== undefined)
    .sort();
  const known = SETTINGS.filter((s) => s.env !== null);
  for (const name of names) {
    const spec = known.find((s) => s.env === name);
    if (!spec) {
      const all = [CONFIG_FILE_ENV, ...known.map((s) => s.env!)];
      throw new ConfigError(`${name}: unknown environment variable${suggest(name, all, '')}; see ${PROGRAM} --help for the list`);
    }
    const text = env[name]!;
    const value = spec.kind.fromText(text);
    if (value === undefined) throw new ConfigError(`${name}: expected ${spec.kind.expected}, got ${JSON.stringify(text)}`);
    apply(settings, spec, value, name);
  }
}

function applyFlags(settings: Settings, flags: readonly ParsedFlag[]): void {
  for (const { spelled, spec, value: text } of flags) {
    const value = spec.kind.fromText(text);
    if (value === undefined) throw new ConfigError(`${spelled}: expected ${spec.kind.expected}, got ${JSON.stringify(text)}`);
    if (spec.flag?.implies) {
      const implied = settingByPath(spec.flag.implies);
      const feature = featureOf(implied);
      if (feature && !feature.available) throw new ConfigError(`${spelled}: ${feature.name} is not available in this version`);
      assignValue(settings, implied, true);
      noteSource(settings, implied.path, `${spelled} (implied)`);
    }
    apply(settings, spec, value, spelled);
  }
}

/**
 * Loads the settings from `argv` (the arguments after the script, i.e. process.argv.slice(2)) and
 * `env`. Returns what to do: run with the settings, or print help / version. Throws ConfigError.
 */
export function loadSettings(argv: readonly string[], env: NodeJS.ProcessEnv): LoadResult {
  const args = parseArgs(argv);
  if (args.help) return { kind: 'help', text: helpText() };
  if (args.version) return { kind: 'version', text: versionText() };

  const settings = defaultSettings();
  const configFile = args.configFile ?? env[CONFIG_FILE_ENV] ?? null;
  if (configFile !== null) {
    let source: string;
    try {
      source = fs.readFileSync(configFile, 'utf8');
    } catch (err) {
      const how = args.configFile !== null ? '--config' : CONFIG_FILE_ENV;
      throw new ConfigError(`${configFile}: cannot read the configuration file given by ${how}: ${(err as Error).message}`);
    }
    applyFile(settings, configFile, source);
  }
  applyEnv(settings, env);
  applyFlags(settings, args.flags);
  return { kind: 'run', settings, configFile };
}

// ---------------------------------------------------------------------------------------------
// Help

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A default as a person would type it on the command line. */
function plainDefault(spec: SettingSpec<unknown>): string {
  const d = spec.default;
  if (typeof d === 'string') return d;
  if (Array.isArray(d)) return d.join(' ');
  return spec.kind.show(d);
}

function table(rows: ReadonlyArray<readonly string[]>, indent: string): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => indent + r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]! + 2))).join(''));
}

export function helpText(): string {
  const unavailable = (spec: SettingSpec<unknown>): boolean => featureOf(spec)?.available === false;
  const metaRow = (f: MetaFlag): [string, string] => [`-${f.short}, --${f.long}${f.arg ? ' ' + f.arg : ''}`, f.summary];
  const options: Array<[string, string]> = [];
  for (const spec of SETTINGS) {
    const f = spec.flag;
    if (!f) continue;
    const note = unavailable(spec) ? ' (not available yet)' : ` [default: ${plainDefault(spec)}]`;
    options.push([`${f.short ? `-${f.short}, ` : '    '}--${f.long} ${f.arg}`, capitalise(spec.summary) + note]);
    if (spec.path === 'server.bind_address') options.push(metaRow(CONFIG_FLAG));
  }
  options.push(metaRow(HELP_FLAG), metaRow(VERSION_FLAG));

  const keys: string[][] = [];
  for (const section of SECTIONS) {
    if (keys.length > 0) keys.push(['', '', '']);
    keys.push([`[${section}]`, '', '']);
    for (const s of SETTINGS) {
      if (s.section !== section || !s.inFile) continue;
      keys.push([`  ${s.key} = ${s.kind.show(s.default)}`, s.env!, `${unavailable(s) ? '*' : ' '} ${s.summary}`]);
    }
  }

  return [
    `${PROGRAM} ${VERSION}`,
    'A Redis-compatible key-value server.',
    '',
    'USAGE:',
    `    ${PROGRAM} [OPTIONS]`,
    '',
    'OPTIONS:',
    ...table(options, '    '),
    '',
    'CONFIGURATION FILE (TOML), ENVIRONMENT VARIABLES:',
    '    Precedence: defaults < configuration file < environment < command-line flags.',
    '    * = a feature not available in this version; only the value shown is accepted.',
    '',
    ...table(keys, '    ').map((line) => line.trimEnd()),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** " (did you mean 'port'?)" for a near miss, else "". */
function suggest(word: string, candidates: readonly string[], prefix: string): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best === undefined ? '' : ` (did you mean '${prefix}${best}'?)`;
}
