/**
 * Parsers for every axis and measurement value, shared by profile files (JSON numbers and
 * strings) and command-line flags (strings, comma-separated lists). Each failure is one
 * UsageError naming the field, the value and what is allowed.
 */
import { invalid } from '../errors.js';
import { fmtMemory } from '../format.js';
import { CASE_LIMITS, type Range } from '../limits.js';
import { isStrategyName, keyDistName, MODES, STRATEGIES, type KeyDistName, type Mode, type Strategy } from '../model.js';

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };
const VALUE_SIZE = CASE_LIMITS.valueSize;
export const SIZE_ALLOWED = `${fmtMemory(VALUE_SIZE.min)} to ${fmtMemory(VALUE_SIZE.max)} (e.g. 64, 256, 1K, 4KiB)`;

/** '64', 64, '1K', '4KiB', '1M' → bytes (1K = 1024); null when not a size at all. */
export function sizeToBytes(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : null;
  if (typeof raw !== 'string') return null;
  const m = /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(raw);
  if (!m) return null;
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return null;
  return Number(m[1]) * unit;
}

/** A value size in bytes, within CASE_LIMITS.valueSize (8 B..64 KiB). */
export function parseSize(field: string, raw: unknown): number {
  const bytes = sizeToBytes(raw);
  if (bytes === null || bytes < VALUE_SIZE.min || bytes > VALUE_SIZE.max) throw invalid(field, raw, SIZE_ALLOWED);
  return bytes;
}

const NUMBER_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'string' && NUMBER_RE.test(raw)) return Number(raw);
  return null;
}

/** A number within a range of src/limits.ts; the error names the field, the value and the range. */
export function parseNumber(field: string, raw: unknown, rule: Range): number {
  const n = toNumber(raw);
  const ok = n !== null && (!rule.integer || Number.isInteger(n)) && (rule.minExclusive ? n > rule.min : n >= rule.min) && n <= rule.max;
  if (!ok) throw invalid(field, raw, rule.allowed);
  return n;
}

/** An integer from min to max (a command's own bound, or a range of src/limits.ts). */
export const count = (field: string, raw: unknown, limits: { min: number; max: number }): number =>
  parseNumber(field, raw, { minExclusive: false, allowed: `an integer from ${limits.min} to ${limits.max}`, ...limits, integer: true });

export function parseLoadFactor(field: string, raw: unknown): number {
  return parseNumber(field, raw, CASE_LIMITS.loadFactor);
}

const THETA = CASE_LIMITS.zipfTheta;
const KEY_DIST_ALLOWED = `uniform or zipf:<theta> with theta in (${THETA.min}, ${THETA.max}]`;

/** 'uniform' | 'zipf:<theta>' → its canonical name ('zipf:0.99'): the one place a key distribution is checked. */
export function parseKeyDist(field: string, raw: unknown): KeyDistName {
  if (raw === 'uniform') return keyDistName({ kind: 'uniform' });
  const m = typeof raw === 'string' ? /^zipf:(.+)$/.exec(raw.trim()) : null;
  const theta = m ? toNumber(m[1]) : null;
  if (theta === null || !(theta > THETA.min && theta <= THETA.max)) throw invalid(field, raw, KEY_DIST_ALLOWED);
  return keyDistName({ kind: 'zipf', theta });
}

export const STRATEGY_ALLOWED = `all, ${STRATEGIES.join(', ')}, or the name of a strategy file's strategy (--strategy-file)`;

/**
 * A strategy name, or 'all' (every built-in strategy, in the canonical order). A strategy file's
 * name passes here; the run refuses it unless a --strategy-file declares it.
 */
export function parseStrategy(field: string, raw: unknown): Strategy[] {
  if (raw === 'all') return [...STRATEGIES];
  if (typeof raw === 'string' && isStrategyName(raw)) return [raw];
  throw invalid(field, raw, STRATEGY_ALLOWED);
}

export function parseMode(field: string, raw: unknown): Mode {
  if (typeof raw === 'string' && (MODES as readonly string[]).includes(raw)) return raw as Mode;
  throw invalid(field, raw, MODES.join(', '));
}

/**
 * A list of values: a JSON array, a scalar, or (from flags) a comma-separated string.
 * Empty lists and empty elements are refused; duplicates are dropped, first occurrence kept.
 */
export function parseList<T>(field: string, raw: unknown, one: (field: string, item: unknown) => T | T[], splitCommas: boolean): T[] {
  let items: unknown[];
  if (Array.isArray(raw)) items = raw;
  else if (splitCommas && typeof raw === 'string') items = raw.split(',').map((s) => s.trim());
  else items = [raw];
  if (items.length === 0) throw invalid(field, Array.isArray(raw) ? '[]' : raw, 'at least one value');
  const out: T[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const parsed = one(field, item);
    for (const v of Array.isArray(parsed) ? parsed : [parsed]) {
      const key = JSON.stringify(v);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(v);
      }
    }
  }
  return out;
}

/** camelCase option name → its flag spelling, for messages. */
export function flagName(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
