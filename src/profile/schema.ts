/**
 * The shape of a profile file. zod checks the structure (strict: unknown keys are refused by
 * name); the values themselves go through the same parsers as the flags (./values.ts).
 */
import { z } from 'zod';
import { CASE_LIMITS } from '../limits.js';
import { MODES } from '../model.js';
import { AXES, MEASUREMENT_FIELDS } from './axes.js';
import { SIZE_ALLOWED, STRATEGY_ALLOWED } from './values.js';

const scalar = z.union([z.number(), z.string()]);
const axisValue = z.union([scalar, z.array(scalar)]);
const axesShape = Object.fromEntries(AXES.map((a) => [a, axisValue.optional()])) as Record<(typeof AXES)[number], z.ZodOptional<typeof axisValue>>;
const measurementShape = Object.fromEntries(MEASUREMENT_FIELDS.map((m) => [m, z.number().optional()])) as Record<
  (typeof MEASUREMENT_FIELDS)[number],
  z.ZodOptional<z.ZodNumber>
>;

export const profileFileSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  measurement: z.strictObject(measurementShape).optional(),
  defaults: z.strictObject(axesShape).optional(),
  suites: z.array(z.strictObject({ mode: z.string(), ...axesShape })).min(1),
});
export type ProfileFile = z.infer<typeof profileFileSchema>;

const AXIS_ALLOWED = 'a value or an array of values';
/** What each field accepts, for error lines. */
export const FIELD_ALLOWED: Record<string, string> = {
  '': 'a JSON object with name, suites and optionally description, measurement, defaults',
  name: 'a non-empty string',
  description: 'a string',
  measurement: `an object with ${MEASUREMENT_FIELDS.join(', ')}`,
  defaults: `an object with ${AXES.join(', ')}`,
  suites: 'a non-empty array of suites ({"mode": ..., axes...})',
  suite: `an object with mode and ${AXES.join(', ')}`,
  mode: MODES.join(', '),
  strategy: `${STRATEGY_ALLOWED} (${AXIS_ALLOWED})`,
  valueSize: `${SIZE_ALLOWED} (${AXIS_ALLOWED})`,
  batchSize: `an integer (${AXIS_ALLOWED})`,
  threads: `an integer (${AXIS_ALLOWED})`,
  keyDist: `uniform or zipf:<theta> (${AXIS_ALLOWED})`,
  updateShare: `${CASE_LIMITS.updateShare.allowed}: the share of a uniform stream's writes that repeat an earlier key (${AXIS_ALLOWED})`,
  loadFactor: `${CASE_LIMITS.loadFactor.allowed} (${AXIS_ALLOWED})`,
  keys: `an integer (${AXIS_ALLOWED})`,
  warmup: 'a number',
  minSamples: 'a number',
  maxSamples: 'a number',
  minTime: 'a number of seconds',
  maxTime: 'a number of seconds',
  maxNoise: 'a percent',
};

/** Keys an object at `path` may hold (for "unknown key" errors). */
export function keysAllowedAt(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return ['name', 'description', 'measurement', 'defaults', 'suites'];
  if (path[0] === 'measurement') return MEASUREMENT_FIELDS;
  if (path[0] === 'defaults') return AXES;
  return ['mode', ...AXES];
}
