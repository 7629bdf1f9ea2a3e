/**
 * Parsers for every axis and measurement value, shared by profile files (JSON numbers and
 * strings) and command-line flags (strings, comma-separated lists). Each failure is one
 * UsageError naming the field, the value and what is allowed.
 */
import { invalid } from '../errors.js';
import { MAX_LOAD_FACTOR, MAX_VALUE_SIZE, MIN_VALUE_SIZE, MODES, STRATEGIES, type Mode, type Strategy } from '../model.js';

export const LIMITS = {
  batchSize: { min: 1, max: 1_000_000 },
  threads: { min: 1, max: 256 },
  keys: { min: 1, max: 100_000_000 },
  zipfTheta: { min: 0, max: 5 },
} as const;

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };
export const SIZE_ALLOWED = `${MIN_VALUE_SIZE} B to 64 KiB (e.g. 64, 256, 1K, 4KiB)`;

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

/** A value size in bytes, within 8 B..64 KiB. */
export function parseSize(field: string, raw: unknown): number {
  const bytes = sizeToBytes(raw);
  if (bytes === null || bytes < MIN_VALUE_SIZE || bytes > MAX_VALUE_SIZE) throw invalid(field, raw, SIZE_ALLOWED);
  return bytes;
}

/** 64 → '64B', 1024 → '1KiB' (for messages and tables). */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return `${bytes}B`;
}

const NUMBER_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'string' && NUMBER_RE.test(raw)) return Number(raw);
  return null;
}

export interface NumberRule {
  integer?: boolean;
  min: number;
  max: number;
  /** min itself is not allowed: (min, max] */
  minExclusive?: boolean;
  allowed?: string;
}

function describeRule(r: NumberRule): string {
  if (r.allowed) return r.allowed;
  const kind = r.integer ? 'an integer' : 'a number';
  return r.minExclusive ? `${kind} in (${r.min}, ${r.max}]` : `${kind} from ${r.min} to ${r.max}`;
}

export function parseNumber(field: string, raw: unknown, rule: NumberRule): number {
  const n = toNumber(raw);
  const ok =
    n !== null &&
    (!rule.integer || Number.isInteger(n)) &&
    (rule.minExclusive ? n > rule.min : n >= rule.min) &&
    n <= rule.max;
  if (!ok) throw invalid(field, raw, describeRule(rule));
  return n;
}

export const count = (field: string, raw: unknown, limits: { min: number; max: number }): number =>
  parseNumber(field, raw, { integer: true, ...limits });

export const LOAD_FACTOR_RULE: NumberRule = { min: 0, max: MAX_LOAD_FACTOR, minExclusive: true, allowed: `a number in (0, ${MAX_LOAD_FACTOR}]` };

export function parseLoadFactor(field: string, raw: unknown): number {
  return parseNumber(field, raw, LOAD_FACTOR_RULE);
}

const KEY_DIST_ALLOWED = `uniform or zipf:<theta> with theta in (0, ${LIMITS.zipfTheta.max}]`;

/** 'uniform' | 'zipf:<theta>' → its canonical spelling ('zipf:0.99'). */
export function parseKeyDist(field: string, raw: unknown): string {
  if (raw === 'uniform') return 'uniform';
  const m = typeof raw === 'string' ? /^zipf:(.+)$/.exec(raw.trim()) : null;
  const theta = m ? toNumber(m[1]) : null;
  if (theta === null || !(theta > LIMITS.zipfTheta.min && theta <= LIMITS.zipfTheta.max)) {
    throw invalid(field, raw, KEY_DIST_ALLOWED);
  }
  return `zipf:${theta}`;
}

export const STRATEGY_ALLOWED = `all, ${STRATEGIES.join(', ')}`;

/** A strategy name, or 'all' (every strategy, in the canonical order). */
export function parseStrategy(field: string, raw: unknown): Strategy[] {
  if (raw === 'all') return [...STRATEGIES];
  if (typeof raw === 'string' && (STRATEGIES as readonly string[]).includes(raw)) return [raw as Strategy];
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
