/** Finding and loading profile files: `--profile quick` or `--profile path/to/file.json`. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, invalid } from '../errors.js';
import type { Measurement } from '../model.js';
import { formatPath, readJsonFile, showValue, valueAt } from '../io/json.js';
import { printable } from '../io/sanitize.js';
import { AXES, DEFAULT_AXES, DEFAULT_MEASUREMENT, MEASUREMENT_FIELDS, parseAxis, parseMeasurementField, type AxisValues, type PartialAxes } from './axes.js';
import { FIELD_ALLOWED, keysAllowedAt, profileFileSchema, type ProfileFile } from './schema.js';
import type { Profile, Suite } from './types.js';
import { parseMode } from './values.js';

/** The package root (works from src/ under vitest and from dist/ when built). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PROFILES_DIR = join(PACKAGE_ROOT, 'profiles');
export const DEFAULT_PROFILE = 'validation';

export function profileNames(): string[] {
  try {
    return readdirSync(PROFILES_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

/** A name resolves to profiles/<name>.json; anything path-like is a file. */
export function resolveProfile(arg: string): string {
  const looksLikePath = arg.includes('/') || arg.includes('\\') || arg.endsWith('.json') || isAbsolute(arg);
  if (looksLikePath || existsSync(arg)) return arg;
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(arg)) {
    const file = join(PROFILES_DIR, `${arg}.json`);
    if (existsSync(file)) return file;
  }
  throw invalid('--profile', arg, `a profile file or one of: ${profileNames().join(', ') || '(none installed)'}`);
}

/** How a path is shown in messages and recorded in results: relative to cwd when shorter. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel !== '' && !rel.startsWith('..') && rel.length < resolve(path).length ? rel : resolve(path);
}

function structureError(file: string, raw: unknown, issue: { code: string; path: PropertyKey[]; keys?: string[]; message: string }): UsageError {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
    const field = issue.path.length === 0 ? issue.keys[0]! : `${where}.${issue.keys[0]!}`;
    return new UsageError(`${file}: ${field}: unknown key; allowed: ${keysAllowedAt(issue.path).join(', ')}`);
  }
  const last = issue.path[issue.path.length - 1];
  const leaf = typeof last === 'number' ? (issue.path[0] === 'suites' && issue.path.length === 2 ? 'suite' : String(issue.path[issue.path.length - 2] ?? '')) : String(last ?? '');
  const allowed = FIELD_ALLOWED[leaf] ?? issue.message;
  const value = valueAt(raw, issue.path);
  if (value === undefined) return new UsageError(`${file}: ${where}: missing; required: ${allowed}`);
  return new UsageError(`${file}: ${where}: ${showValue(value)} is invalid; allowed: ${allowed}`);
}

function parseAxes(file: string, prefix: string, obj: Partial<Record<(typeof AXES)[number], unknown>>): PartialAxes {
  const out: PartialAxes = {};
  for (const name of AXES) {
    const raw = obj[name];
    if (raw === undefined) continue;
    (out as Record<string, unknown>)[name] = parseAxis(name, `${file}: ${prefix}${name}`, raw, false);
  }
  return out;
}

export function mergeAxes(...layers: PartialAxes[]): AxisValues {
  const out = { ...DEFAULT_AXES };
  for (const layer of layers) {
    for (const name of AXES) if (layer[name] !== undefined) (out as Record<string, unknown>)[name] = layer[name];
  }
  return out;
}

/** maxSamples >= minSamples and maxTime >= minTime, once every layer is merged. */
export function checkMeasurement(
  m: Measurement,
  where: (field: keyof Measurement) => string = (f) => f,
  short: (field: keyof Measurement) => string = (f) => f,
): Measurement {
  if (m.maxSamples < m.minSamples) throw invalid(where('maxSamples'), m.maxSamples, `at least ${short('minSamples')} (${m.minSamples})`);
  if (m.maxTime < m.minTime) throw invalid(where('maxTime'), m.maxTime, `at least ${short('minTime')} (${m.minTime})`);
  return m;
}

/** Turns a parsed profile file into a Profile; every value checked, defaults merged. */
export function profileFromJson(raw: unknown, file: string): Profile {
  const parsed = profileFileSchema.safeParse(raw);
  if (!parsed.success) throw structureError(file, raw, parsed.error.issues[0] as never);
  const p: ProfileFile = parsed.data;
  const measurement: Measurement = { ...DEFAULT_MEASUREMENT };
  for (const name of MEASUREMENT_FIELDS) {
    const v = p.measurement?.[name];
    if (v !== undefined) measurement[name] = parseMeasurementField(name, `${file}: measurement.${name}`, v);
  }
  checkMeasurement(measurement, (f) => `${file}: measurement.${f}`);
  const profileDefaults = parseAxes(file, 'defaults.', p.defaults ?? {});
  const suites: Suite[] = p.suites.map((s, i) => {
    const prefix = `suites[${i}].`;
    const mode = parseMode(`${file}: ${prefix}mode`, s.mode);
    return { mode, axes: mergeAxes(profileDefaults, parseAxes(file, prefix, s)) };
  });
  // Name, description and path are echoed to the terminal, the results and markdown: escaped.
  return {
    name: printable(p.name),
    ...(p.description !== undefined ? { description: printable(p.description) } : {}),
    source: printable(file),
    measurement,
    defaults: mergeAxes(profileDefaults),
    suites,
  };
}

/** Loads `--profile <file|name>` (default: the validation profile). */
export function loadProfile(arg: string = DEFAULT_PROFILE): Profile {
  const file = displayPath(resolveProfile(arg));
  return profileFromJson(readJsonFile(file), file);
}
