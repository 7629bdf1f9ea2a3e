import { z } from 'zod';
import { BACKENDS, MODES, PEER_STRATEGY, PEERS, STRATEGIES } from '../model.js';

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

/** One interval per peer measured in the same run (a key only for peers that ran ok). */
const perPeerSchema = z.object(Object.fromEntries(PEERS.map((p) => [p, intervalSchema.optional()])) as Record<(typeof PEERS)[number], z.ZodOptional<typeof intervalSchema>>);

/** Flat facts about a peer as the run found it (version, address, persistence, server config). */
const peerEnvSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const caseResultSchema = z.object({
  id: z.string(),
  /** `peer` for a peer's case (then `peer` names it) */
  strategy: z.enum([...STRATEGIES, PEER_STRATEGY]),
  peer: z.enum(PEERS).optional(),
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
  /** this strategy's median over each peer's in the same case (run with --peer), with its 95% bootstrap interval */
  vsPeer: perPeerSchema.optional(),
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
    /** peers measured in the run (--backend redis|libcuckoo or --peer): never a password */
    peers: z.object(Object.fromEntries(PEERS.map((p) => [p, peerEnvSchema.optional()])) as Record<(typeof PEERS)[number], z.ZodOptional<typeof peerEnvSchema>>).optional(),
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
  cases: z.array(caseResultSchema),
});

export type Stats = z.infer<typeof statsSchema>;
export type Interval = z.infer<typeof intervalSchema>;
export type CaseResult = z.infer<typeof caseResultSchema>;
export type ResultsDocument = z.infer<typeof resultsSchema>;
