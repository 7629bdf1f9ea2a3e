/**
 * The JSON documents the gates write, as zod schemas: `compare`/`ab` (a comparison with its one
 * verdict) and `validate` (claims checked). Each document names its schema ("schema"), and
 * schemas/<name>.json is generated from these (scripts/gen-schemas.mjs; a test fails when stale).
 * JSON has no NaN: a figure that could not be computed is written as null.
 */
import { z } from 'zod';
import { claimOutcomeSchema } from '../results/claim-outcome.js';
import { VERDICTS, type ComparisonReport } from './compare.js';
import { decideGate, GATE_VERDICTS, type GateDecision } from './verdict.js';

export const COMPARE_SCHEMA_VERSION = 1;
export const VALIDATE_SCHEMA_VERSION = 1;
export const COMPARE_SCHEMA = `writeprof.compare.v${COMPARE_SCHEMA_VERSION}`;
export const VALIDATE_SCHEMA = `writeprof.validate.v${VALIDATE_SCHEMA_VERSION}`;

/** A figure; null where it could not be computed (NaN in memory). */
const figure = z.number().nullable();

const side = z.object({ createdAt: z.string(), backend: z.string(), device: z.string(), profile: z.string() });

export const caseComparisonSchema = z.object({
  id: z.string(),
  nBaseline: z.number().int().nonnegative(),
  nCurrent: z.number().int().nonnegative(),
  /** median ops/s of each side */
  baselineMedian: figure,
  currentMedian: figure,
  /** percent change of the median (negative: slower), with its 95% interval */
  changePct: figure,
  changeLowPct: figure,
  changeHighPct: figure,
  p: figure,
  pSamples: figure,
  pRuns: figure,
  runs: z.object({ baseline: z.number().int(), current: z.number().int(), spreadPct: figure }),
  pAdjusted: figure,
  verdict: z.enum(VERDICTS),
  regression: z.boolean(),
  reason: z.string().optional(),
  /** paired (ab) comparisons: rounds behind the figure */
  rounds: z.number().int().optional(),
  currentFailed: z.boolean(),
  baselineFailed: z.boolean(),
});

export const compareDocumentSchema = z.object({
  schema: z.literal(COMPARE_SCHEMA),
  /** the one verdict: PASS exits 0, REGRESSION 1, INCONCLUSIVE 2 */
  verdict: z.enum(GATE_VERDICTS),
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  headline: z.string(),
  undecided: z.array(z.string()),
  uncovered: z.array(z.string()),
  decideWith: z.string().optional(),
  /** percent */
  threshold: z.number(),
  alpha: z.number(),
  test: z.string(),
  baseline: side,
  current: side.extend({ partial: z.boolean() }),
  envMismatch: z.array(z.string()),
  cases: z.array(caseComparisonSchema),
  onlyInBaseline: z.array(z.string()),
  onlyInCurrent: z.array(z.string()),
  regressions: z.array(z.string()),
  failed: z.array(z.string()),
  /** true exactly when the verdict is REGRESSION */
  failedGate: z.boolean(),
  confirmation: z.object({ createdAt: z.string(), regressions: z.array(z.string()), notReproduced: z.array(z.string()), partial: z.boolean().optional() }).optional(),
  pairing: z
    .object({ id: z.string(), rounds: z.number().int(), samplesPerRound: z.number().int(), order: z.string(), baseline: z.string(), current: z.string() })
    .optional(),
  /** an interrupted ab run: true, with the rounds it was asked for (its verdict is never PASS) */
  partial: z.boolean().optional(),
  roundsAsked: z.number().int().optional(),
});

export const validateDocumentSchema = z.object({
  schema: z.literal(VALIDATE_SCHEMA),
  /** PASS exits 0; FAIL (any claim failed) 1; N/A (none failed, some could not be evaluated) 2 */
  verdict: z.enum(['PASS', 'FAIL', 'N/A']),
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  headline: z.string(),
  /** the results document and claims file, as given */
  results: z.string(),
  claimsFile: z.string(),
  claimsName: z.string(),
  claims: z.array(claimOutcomeSchema),
});

export type ValidateDocument = z.infer<typeof validateDocumentSchema>;

/** A comparison with its verdict, as every output writes it (JSON, markdown and table alike). */
export type ComparisonDocument = { schema: typeof COMPARE_SCHEMA } & GateDecision & ComparisonReport & Interruption;

/** An ab run stopped by a signal: its analysis says so at its top. */
export interface Interruption {
  partial?: true;
  roundsAsked?: number;
}

export function comparisonDocument(r: ComparisonReport, interrupted: Interruption = {}): ComparisonDocument {
  return { schema: COMPARE_SCHEMA, ...interrupted, ...decideGate(r), ...r };
}

/** Every schema the project publishes, by name (schemas/<name>.json). */
export const GATE_SCHEMAS = { [COMPARE_SCHEMA]: compareDocumentSchema, [VALIDATE_SCHEMA]: validateDocumentSchema } as const;
