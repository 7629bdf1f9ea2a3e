/** The sweep axes and measurement settings as profiles and flags spell them, with their parsers. */
import { STRATEGIES, type Measurement, type Strategy } from '../model.js';
import { CASE_LIMITS, RUN_LIMITS } from '../limits.js';
import { parseKeyDist, parseList, parseLoadFactor, parseNumber, parseSize, parseStrategy } from './values.js';

export const AXES = ['strategy', 'valueSize', 'batchSize', 'threads', 'keyDist', 'updateShare', 'loadFactor', 'keys'] as const;
export type AxisName = (typeof AXES)[number];

export interface AxisValues {
  strategy: Strategy[];
  valueSize: number[];
  batchSize: number[];
  threads: number[];
  keyDist: string[];
  /** uniform streams: the share of writes repeating an earlier key */
  updateShare: number[];
  loadFactor: number[];
  keys: number[];
}
export type PartialAxes = Partial<AxisValues>;

/** What a case uses for an axis nobody set. */
export const DEFAULT_AXES: AxisValues = {
  strategy: [...STRATEGIES],
  valueSize: [64],
  batchSize: [1000],
  threads: [2],
  keyDist: ['uniform'],
  // Every case updates keys unless told otherwise: the update paths and their ordering promise
  // (kernels/include/writeprof/order.h) are what a cache depends on, so they are always exercised.
  updateShare: [0.25],
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
  batchSize: (f, v) => parseNumber(f, v, CASE_LIMITS.batchSize),
  threads: (f, v) => parseNumber(f, v, CASE_LIMITS.threads),
  keyDist: parseKeyDist,
  updateShare: (f, v) => parseNumber(f, v, CASE_LIMITS.updateShare),
  loadFactor: parseLoadFactor,
  keys: (f, v) => parseNumber(f, v, CASE_LIMITS.keys),
};

/** One axis from a profile value (scalar or array) or a flag (comma-separated string). */
export function parseAxis<K extends AxisName>(name: K, field: string, raw: unknown, fromFlag: boolean): AxisValues[K] {
  return parseList(field, raw, ITEM[name] as (f: string, v: unknown) => never, fromFlag) as AxisValues[K];
}

export const MEASUREMENT_FIELDS = ['warmup', 'minSamples', 'maxSamples', 'minTime', 'maxTime', 'maxNoise'] as const;
export type MeasurementField = (typeof MEASUREMENT_FIELDS)[number];

const MEASURE: Record<MeasurementField, (field: string, raw: unknown) => number> = {
  warmup: (f, v) => parseNumber(f, v, RUN_LIMITS.warmup),
  minSamples: (f, v) => parseNumber(f, v, RUN_LIMITS.samples),
  maxSamples: (f, v) => parseNumber(f, v, RUN_LIMITS.samples),
  minTime: (f, v) => parseNumber(f, v, RUN_LIMITS.minTime),
  maxTime: (f, v) => parseNumber(f, v, RUN_LIMITS.maxTime),
  maxNoise: (f, v) => parseNumber(f, v, RUN_LIMITS.maxNoise),
};

export function parseMeasurementField(name: MeasurementField, field: string, raw: unknown): number {
  return MEASURE[name](field, raw);
}
