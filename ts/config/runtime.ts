/**
 * The live configuration behind CONFIG GET/SET: the loaded settings seen through Redis's parameter
 * names, with Redis 7.0's matching, validation, atomicity and error texts, and change listeners
 * through which the server reacts (new maxclients, timeout, hz, log level, port, ...).
 */
import { globMatch } from './glob';
import {
  REDIS_FACTS,
  SETTINGS,
  assignValue,
  featureOf,
  valueOf,
  type RedisAccess,
  type SettingPath,
  type SettingSpec,
  type Settings,
  type ValueAt,
} from './schema';

/**
 * Called after a CONFIG SET changed the setting. Return a message to refuse the change: the whole
 * CONFIG SET is then rolled back (listeners already called are called again with the old value)
 * and the client gets "ERR CONFIG SET failed (possibly related to argument '<name>') - <message>".
 * Listeners run synchronously; work that completes later (e.g. binding a new port) must handle its
 * own failure.
 */
export type ChangeListener<P extends SettingPath> = (value: ValueAt<P>, previous: ValueAt<P>) => string | void;
type AnyListener = (value: unknown, previous: unknown) => string | void;

/** One Redis parameter: backed by a setting, or a fact about the process (dir, dbfilename). */
interface Parameter {
  name: string;
  access: RedisAccess;
  spec?: SettingSpec<unknown>;
  fact?: () => string;
}

const PARAMETERS: readonly Parameter[] = [
  ...SETTINGS.flatMap((spec): Parameter[] =>
    spec.redis ? [spec.redis.name, ...(spec.redis.aliases ?? [])].map((name) => ({ name, access: spec.redis!.access, spec })) : [],
  ),
  ...REDIS_FACTS.map((f): Parameter => ({ name: f.name, access: f.access, fact: f.value })),
];
const BY_NAME = new Map(PARAMETERS.map((p) => [p.name, p]));

/** Redis treats a CONFIG GET argument without these characters as an exact name. */
const GLOB_CHARS = /[*?[]/;

function failed(name: string, reason: string): string {
  return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
}

export class RuntimeConfig {
  private readonly values: Settings;
  private readonly listeners = new Map<SettingPath, AnyListener[]>();

  /** `configFile` is the TOML file the settings came from, if any (INFO's config_file). */
  constructor(
    settings: Settings,
    readonly configFile: string | null = null,
  ) {
    this.values = structuredClone(settings);
  }

  /** The current settings; change them only through set(). */
  get settings(): Readonly<Settings> {
    return this.values;
  }

  /** Every Redis parameter name CONFIG GET knows, in schema order. */
  static parameterNames(): string[] {
    return PARAMETERS.map((p) => p.name);
  }

  onChange<P extends SettingPath>(path: P, listener: ChangeListener<P>): void {
    const list = this.listeners.get(path) ?? [];
    list.push(listener as unknown as AnyListener);
    this.listeners.set(path, list);
  }

  private render(p: Parameter): string {
    if (p.fact) return p.fact();
    const spec = p.spec!;
    const value = valueOf(this.values, spec);
    return spec.redis!.render ? spec.redis!.render(value) : spec.kind.toRedis(value);
  }

  /**
   * CONFIG GET: the parameters matching any of the patterns (Redis globs, case-insensitive), each
   * once. An exact name is echoed as the client spelled it, as Redis does.
   */
  get(patterns: readonly string[]): Array<[string, string]> {
    const seen = new Set<Parameter>();
    const out: Array<[string, string]> = [];
    for (const pattern of patterns) {
      if (!GLOB_CHARS.test(pattern)) {
        const p = BY_NAME.get(pattern.toLowerCase());
        if (p && !seen.has(p)) {
          seen.add(p);
          out.push([pattern, this.render(p)]);
        }
        continue;
      }
      for (const p of PARAMETERS) {
        if (!seen.has(p) && globMatch(pattern, p.name, true)) {
          seen.add(p);
          out.push([p.name, this.render(p)]);
        }
      }
    }
    return out;
  }

  /**
   * CONFIG SET with one or more name/value pairs, all or nothing. Returns null on success or the
   * full Redis error text. Checks run in Redis's order: every name (unknown, immutable, protected,
   * duplicate), then every value, then the change is applied and listeners are told.
   */
  set(pairs: ReadonlyArray<readonly [string, string]>): string | null {
    const specs: Array<SettingSpec<unknown>> = [];
    for (const [name] of pairs) {
      const p = BY_NAME.get(name.toLowerCase());
      if (!p) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
      if (p.access === 'immutable') return failed(name, "can't set immutable config");
      if (p.access === 'protected') return failed(name, "can't set protected config");
      if (specs.includes(p.spec!)) return failed(name, 'duplicate parameter');
      specs.push(p.spec!);
    }

    const updates: Array<{ name: string; spec: SettingSpec<unknown>; value: unknown; previous: unknown }> = [];
    for (let i = 0; i < pairs.length; i++) {
      const [name, text] = pairs[i]!;
      const spec = specs[i]!;
      const parsed = spec.kind.fromRedis(text, valueOf(this.values, spec));
      if ('error' in parsed) return failed(name, parsed.error);
      const feature = featureOf(spec);
      if (feature && !feature.available && !spec.kind.equals(parsed.value, spec.default)) {
        return failed(name, `${feature.name} is not available in this version`);
      }
      updates.push({ name, spec, value: parsed.value, previous: valueOf(this.values, spec) });
    }

    for (const u of updates) assignValue(this.values, u.spec, u.value);
    const told: Array<{ listener: AnyListener; value: unknown; previous: unknown }> = [];
    for (const u of updates) {
      if (u.spec.kind.equals(u.value, u.previous)) continue;
      for (const listener of this.listeners.get(u.spec.path) ?? []) {
        const refusal = listener(u.value, u.previous);
        if (typeof refusal === 'string') {
          for (const v of updates) assignValue(this.values, v.spec, v.previous);
          for (const t of told.reverse()) t.listener(t.previous, t.value);
          return failed(u.name, refusal);
        }
        told.push({ listener, value: u.value, previous: u.previous });
      }
    }
    return null;
  }
}
