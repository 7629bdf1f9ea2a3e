import { z } from 'zod';
import { BACKENDS, MODES, STRATEGIES } from '../model.js';

/** Bump on any incompatible change; compare refuses documents of another version. */
export const SCHEMA_VERSION = 1;

const counters = z.object({
  lockRetries: z.number().nonnegative(),
  casFailures: z.number().nonnegative(),
  probeSteps: z.number().nonnegative(),
});

export const statsSchema = z.object({
  n: z.number().int().nonnegative(),
  median: z.number(),
  mean: z.number(),
  stdev: z.number(),
  min: z.number(),
  max: z.number(),
  /** stdev / mean */
  relNoise: z.number(),
  /** 95% confidence interval of the median */
  ciLow: z.number(),
  ciHigh: z.number(),
  /** samples outside Tukey's fences (1.5 IQR) */
  outliers: z.number().int().nonnegative(),
});

export const intervalSchema = z.object({ value: z.number(), low: z.number(), high: z.number() });

export const caseResultSchema = z.object({
  id: z.string(),
  strategy: z.enum(STRATEGIES),
  mode: z.enum(MODES),
  valueSize: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  threads: z.number().int().positive(),
  keyDist: z.string(),
  loadFactor: z.number().positive(),
  keys: z.number().int().positive(),
  /** ops/s of each measured sample, in order */
  samples: z.array(z.number()),
  stats: statsSchema,
  /** median ops/s */
  opsPerSec: z.number(),
  opsPerSecPerThread: z.number(),
  bytesPerSec: z.number(),
  counters,
  countersPerWrite: counters,
  /** ns per write by phase */
  breakdown: z.record(z.string(), z.number()),
  /** single mode: per-write latency percentiles in ns */
  latency: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number(), n: z.number() }).optional(),
  /** this strategy's median over baseline's in the same case, with its 95% bootstrap interval */
  speedup: intervalSchema.optional(),
  /** CUDA: bytesPerSec as a fraction of measured references */
  bandwidth: z.record(z.string(), z.number()).optional(),
  verification: z.object({
    written: z.number().int().nonnegative(),
    verified: z.number().int().nonnegative(),
    lost: z.number().int().nonnegative(),
    corrupted: z.number().int().nonnegative(),
  }),
  status: z.enum(['ok', 'failed']),
  error: z.string().optional(),
  notes: z.array(z.string()).optional(),
  /**
   * Gate baselines merged from several runs (src/gates/baseline.ts): each run's median ops/s, so
   * that compare can tell a slowdown from run-to-run variation; `samples` then pools all runs.
   */
  runMedians: z.array(z.number()).optional(),
  /** `writeprof ab`: the round each sample was measured in (same length as samples; src/ab/) */
  rounds: z.array(z.number().int().nonnegative()).optional(),
});

/** `writeprof ab`: this document is one side of an interleaved A/B run; the other side has the same id. */
export const pairingSchema = z.object({
  id: z.string(),
  side: z.enum(['base', 'head']),
  /** the build measured on this side: "git <sha> (<ref>)", or an addon path */
  build: z.string(),
  /** rounds every case completed (fewer than asked when interrupted) */
  rounds: z.number().int().nonnegative(),
  samplesPerRound: z.number().int().positive(),
  /** how the two sides were ordered within each round */
  order: z.string(),
});

export const resultsSchema = z.object({
  schemaVersion: z.number().int(),
  tool: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
  environment: z.object({
    host: z.string(),
    cpu: z.string(),
    cores: z.number().int(),
    node: z.string(),
    os: z.string(),
    backend: z.enum(BACKENDS),
    device: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  }),
  profile: z.object({
    name: z.string(),
    source: z.string(),
    measurement: z.object({
      warmup: z.number(),
      minSamples: z.number(),
      maxSamples: z.number(),
      minTime: z.number(),
      maxTime: z.number(),
      maxNoise: z.number(),
    }),
  }),
  /** true when the run was interrupted: cases holds those finished so far */
  partial: z.boolean().optional(),
  pairing: pairingSchema.optional(),
  cases: z.array(caseResultSchema),
});

export type Stats = z.infer<typeof statsSchema>;
export type Interval = z.infer<typeof intervalSchema>;
export type CaseResult = z.infer<typeof caseResultSchema>;
export type ResultsDocument = z.infer<typeof resultsSchema>;
export type Pairing = z.infer<typeof pairingSchema>;
