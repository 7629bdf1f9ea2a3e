/** The sweep axes and measurement settings as profiles and flags spell them, with their parsers. */
import type { Measurement, Mode, Strategy } from '../model.js';
import { MAX_SAMPLES_PER_CASE } from '../io/limits.js';
import { LIMITS, count, parseKeyDist, parseList, parseLoadFactor, parseNumber, parseSize, parseStrategy } from './values.js';

export const AXES = ['strategy', 'valueSize', 'batchSize', 'threads', 'keyDist', 'loadFactor', 'keys'] as const;
export type AxisName = (typeof AXES)[number];

export interface AxisValues {
  strategy: Strategy[];
  valueSize: number[];
  batchSize: number[];
  threads: number[];
  keyDist: string[];
  loadFactor: number[];
  keys: number[];
}
export type PartialAxes = Partial<AxisValues>;

/** What a case uses for an axis nobody set. */
export const DEFAULT_AXES: AxisValues = {
  strategy: ['baseline', 'warp-coop', 'lock-free', 'mem-opt', 'write-combine'],
  valueSize: [64],
  batchSize: [1000],
  threads: [2],
  keyDist: ['uniform'],
  loadFactor: [0.5],
  keys: [20_000],
};

export const DEFAULT_MEASUREMENT: Measurement = {
  warmup: 1,
  minSamples: 5,
  maxSamples: 50,
  minTime: 0.1,
  maxTime: 1,
  maxNoise: 2,
};

type ItemParser = (field: string, item: unknown) => unknown;
const ITEM: Record<AxisName, ItemParser> = {
  strategy: parseStrategy,
  valueSize: parseSize,
  batchSize: (f, v) => count(f, v, LIMITS.batchSize),
  threads: (f, v) => count(f, v, LIMITS.threads),
  keyDist: parseKeyDist,
  loadFactor: parseLoadFactor,
  keys: (f, v) => count(f, v, LIMITS.keys),
};

/** One axis from a profile value (scalar or array) or a flag (comma-separated string). */
export function parseAxis<K extends AxisName>(name: K, field: string, raw: unknown, fromFlag: boolean): AxisValues[K] {
  return parseList(field, raw, ITEM[name] as (f: string, v: unknown) => never, fromFlag) as AxisValues[K];
}

export const MEASUREMENT_FIELDS = ['warmup', 'minSamples', 'maxSamples', 'minTime', 'maxTime', 'maxNoise'] as const;
export type MeasurementField = (typeof MEASUREMENT_FIELDS)[number];

const MEASURE: Record<MeasurementField, (field: string, raw: unknown) => number> = {
  warmup: (f, v) => count(f, v, { min: 0, max: 1000 }),
  // No more samples than a results document may hold (a run must be readable by compare).
  minSamples: (f, v) => count(f, v, { min: 1, max: MAX_SAMPLES_PER_CASE }),
  maxSamples: (f, v) => count(f, v, { min: 1, max: MAX_SAMPLES_PER_CASE }),
  minTime: (f, v) => parseNumber(f, v, { min: 0, max: 3600, allowed: 'seconds from 0 to 3600' }),
  maxTime: (f, v) => parseNumber(f, v, { min: 0, max: 86_400, minExclusive: true, allowed: 'seconds in (0, 86400]' }),
  maxNoise: (f, v) => parseNumber(f, v, { min: 0, max: 100, allowed: 'a percent from 0 to 100 (0 = off)' }),
};

export function parseMeasurementField(name: MeasurementField, field: string, raw: unknown): number {
  return MEASURE[name](field, raw);
}
