/**
 * ab.json of `writeprof ab --strategy-file` on the emulator (./count-gate.ts): the verdict, each
 * case's counts per seed on both versions, and the two files compared (path, sha256, what they
 * declare). A zod schema, so that schemas/writeprof.ab-counts.v1.json is generated from what the
 * code writes. JSON has no Infinity: a change from zero to something is written as null.
 */
import { z } from 'zod';

export const AB_COUNTS_SCHEMA = 'writeprof.ab-counts.v1';

const counters = z.object({ lockRetries: z.number(), casFailures: z.number(), probeSteps: z.number() });
const verification = z.object({
  writes: z.number(), distinct: z.number(), verified: z.number(), lost: z.number(), stale: z.number(), corrupted: z.number(), duplicates: z.number(),
});

/** One version's counted sample of a case under one emulator seed. */
export const seedCountSchema = z.object({
  seed: z.number().int(),
  writes: z.number().int().nonnegative(),
  /** global-memory warp requests: loads, stores and atomics */
  requests: z.number().int().nonnegative(),
  /** their 32-byte sectors */
  sectors: z.number().int().nonnegative(),
  counters,
  verification,
  /** the pass failed (a fault, a deadlock): its first line */
  error: z.string().optional(),
});

export const sideCountsSchema = z.object({
  seeds: z.array(seedCountSchema),
  /** summed over the seeds, per write */
  requestsPerWrite: z.number(),
  sectorsPerWrite: z.number(),
  /** conflict counters per write, summed over the seeds: shown, not gated */
  perWrite: counters,
  /** why this version's case failed (the first seed that did): its verification or its error */
  failed: z.string().optional(),
});

export const COUNT_VERDICTS = ['more', 'fewer', 'unchanged'] as const;

export const metricChangeSchema = z.object({
  base: z.number(),
  head: z.number(),
  /** (head / base - 1) x 100; null: from zero to more than zero */
  changePct: z.number().nullable(),
  verdict: z.enum(COUNT_VERDICTS),
});

export const countCaseSchema = z.object({
  id: z.string(),
  /** short: the mode, the strategy and the axes that vary between the cases */
  label: z.string(),
  /**
   * failed: a version lost writes or did not run (the head's fails the gate; the base's is bad
   * input); ungated: counts that vary from run to run (host threads racing), shown only
   */
  verdict: z.enum([...COUNT_VERDICTS, 'failed', 'ungated']),
  regression: z.boolean(),
  /** absent when a version failed */
  sectors: metricChangeSchema.optional(),
  requests: metricChangeSchema.optional(),
  base: sideCountsSchema,
  head: sideCountsSchema,
});

const version = z.object({
  /** the path as given, or "<ref>:<path in its repository>" */
  label: z.string(),
  /** the file compiled (a ref's version: its copy in the cache) */
  path: z.string(),
  sha256: z.string(),
  /** a ref's version: the commit read */
  commit: z.string().optional(),
  /** what the version calls its strategy (both run under the head's name) */
  ownName: z.string(),
  declared: z.object({ orderRun: z.number(), block: z.number(), writesPerBlock: z.number() }),
});

export const abCountsDocumentSchema = z.object({
  schema: z.literal(AB_COUNTS_SCHEMA),
  /** PASS exits 0, REGRESSION 1 */
  verdict: z.enum(['PASS', 'REGRESSION']),
  exitCode: z.union([z.literal(0), z.literal(1)]),
  headline: z.string(),
  createdAt: z.string(),
  backend: z.literal('cuda-emu'),
  /** what is compared, in words */
  gate: z.string(),
  /** percent */
  threshold: z.number(),
  /** emulator seeds: each case is counted once per seed on each version */
  seeds: z.array(z.number().int()),
  /** the cases' strategy name */
  strategy: z.string(),
  profile: z.string(),
  versions: z.object({ base: version, head: version }),
  /** differences between the versions' declarations, and the like */
  notes: z.array(z.string()),
  cases: z.array(countCaseSchema),
  regressions: z.array(z.string()),
  /** head cases that lost, held stale or corrupted writes, or did not run */
  failed: z.array(z.string()),
  /** an interrupted run: true (its cases are those counted before the signal) */
  partial: z.boolean().optional(),
});

export type SeedCount = z.infer<typeof seedCountSchema>;
export type SideCounts = z.infer<typeof sideCountsSchema>;
export type MetricChange = z.infer<typeof metricChangeSchema>;
export type CountCase = z.infer<typeof countCaseSchema>;
export type CountVerdict = (typeof COUNT_VERDICTS)[number];
export type VersionRecord = z.infer<typeof version>;
export type AbCountsDocument = z.infer<typeof abCountsDocumentSchema>;
