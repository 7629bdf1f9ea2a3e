import { z } from 'zod';
import { BACKENDS, isStrategyName, MODES, PEER_STRATEGY, PEERS, STRATEGIES, type EmulatorSettings as RunEmulatorSettings } from '../model.js';
import type { RawSample } from '../backends/contract.js';
import type { PlanRecord as DigestPlanRecord } from '../profile/digest.js';
import type { Stats as Summary } from '../stats/summary.js';
import { checkSchema } from './check.js';
import { memorySchema } from './memory.js';
import { verificationSchema } from './verification.js';

/**
 * Bump on any incompatible change; older versions are upgraded on read (./upgrade.ts) and record
 * `upgradedFrom`. 2: verification counts writes, distinct keys and stale values (1 counted
 * `written`, the distinct keys, and never checked which write a key ended with); uniform cases
 * carry their update share.
 */
export const SCHEMA_VERSION = 2;

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

export const emulatorSchema = z.object({
  seed: z.number().int().nonnegative(),
  /** OS threads that ran blocks (0: one per core) */
  workers: z.number().int().nonnegative(),
  /** seconds without progress after which a launch is a fault */
  timeoutSec: z.number().positive(),
});

/** The machine a run happened on. */
export const environmentSchema = z.object({
  host: z.string(),
  cpu: z.string(),
  cores: z.number().int(),
  node: z.string(),
  os: z.string(),
  backend: z.enum(BACKENDS),
  device: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** cuda-emu: the emulator's settings; `seed` reproduces a failing interleaving */
  emulator: emulatorSchema.optional(),
  /** peers measured in the run (--backend redis|libcuckoo or --peer): never a password */
  peers: z.object(Object.fromEntries(PEERS.map((p) => [p, peerEnvSchema.optional()])) as Record<(typeof PEERS)[number], z.ZodOptional<typeof peerEnvSchema>>).optional(),
});

export { verificationSchema } from './verification.js';

/** A strategy: a built-in one, or a strategy file's (then `strategyFiles` records the file). */
export const strategyNameSchema = z.string().refine(isStrategyName, { message: `a strategy: ${STRATEGIES.join(', ')}, or a strategy file's name (lower-case letters, digits, - and _)` });

export const caseResultSchema = z.object({
  id: z.string(),
  /** `peer` for a peer's case (then `peer` names it) */
  strategy: z.union([z.literal(PEER_STRATEGY), strategyNameSchema]),
  peer: z.enum(PEERS).optional(),
  mode: z.enum(MODES),
  valueSize: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  threads: z.number().int().positive(),
  keyDist: z.string(),
  /** uniform streams: the share of writes repeating an earlier key (absent for zipf streams) */
  updateShare: z.number().min(0).lt(1).optional(),
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
  verification: verificationSchema,
  status: z.enum(['ok', 'failed']),
  error: z.string().optional(),
  notes: z.array(z.string()).optional(),
  /**
   * Gate baselines merged from several runs (src/gates/baseline.ts): each run's median ops/s, so
   * that compare can tell a slowdown from run-to-run variation; `samples` then pools all runs.
   */
  runMedians: z.array(z.number()).optional(),
  /** Merged documents (`writeprof merge`): the machine this case ran on (src/results/devices.ts). */
  environment: environmentSchema.optional(),
  /** `writeprof ab`: the round each sample was measured in (same length as samples; src/ab/) */
  rounds: z.array(z.number().int().nonnegative()).optional(),
  /** What ended the measuring (the stopping rule, src/engine/stopping.ts) and after how long. */
  stop: z.object({ reason: z.enum(['maxSamples', 'maxTime', 'noise']), seconds: z.number().nonnegative() }).optional(),
  /** GPU memory traffic of its kernels, counted by the emulator over one sample (./memory.ts) */
  memory: memorySchema.optional(),
});

const suiteSchema = z.object({
  mode: z.enum(MODES),
  axes: z.object({
    strategy: z.array(strategyNameSchema),
    valueSize: z.array(z.number().int().positive()),
    batchSize: z.array(z.number().int().positive()),
    threads: z.array(z.number().int().positive()),
    keyDist: z.array(z.string()),
    updateShare: z.array(z.number().min(0).lt(1)),
    loadFactor: z.array(z.number().positive()),
    keys: z.array(z.number().int().positive()),
  }),
});

/** What was run, independent of where: equal digests mean equal case lists and settings (src/profile/digest.ts). */
export const planSchema = z.object({
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  /** cases in the whole plan (a shard runs some of them) */
  cases: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  countConflicts: z.boolean(),
  calibrateSlowdown: z.number().nonnegative(),
});

export const shardSchema = z.object({
  index: z.number().int().positive(),
  count: z.number().int().positive(),
  /** cases of this shard */
  cases: z.number().int().nonnegative(),
  /** the cost model's estimate (src/profile/shard.ts): this shard's seconds, and the plan's */
  estimatedSeconds: z.number().nonnegative(),
  planEstimatedSeconds: z.number().nonnegative(),
});

/** What `writeprof merge` combined, and what was missing when it was allowed to be partial. */
export const mergedSchema = z.object({
  inputs: z.array(
    z.object({
      file: z.string(),
      shard: z.string().optional(),
      host: z.string(),
      device: z.string(),
      createdAt: z.string(),
      cases: z.number().int().nonnegative(),
      partial: z.boolean(),
    }),
  ),
  missing: z.array(z.object({ device: z.string(), shard: z.number().int().positive().optional(), cases: z.array(z.string()) })).optional(),
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

/**
 * A strategy file a document's cases ran (`--strategy-file`): its strategy's name, the file as
 * given and its content hash, and what its WP_STRATEGY declared (kernels/include/writeprof/kernel.cuh).
 */
export const strategyFileSchema = z.object({
  name: strategyNameSchema,
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** writes per ordered run of a submission (kernels/include/writeprof/order.h): 1 racing, 0 stream order */
  orderRun: z.number().int().nonnegative(),
  block: z.number().int().positive(),
  writesPerBlock: z.number().int().positive(),
  /** it declared a single-write entry (WP_STRATEGY_SINGLE): its `single` cases ran in the persistent server */
  singleEntry: z.boolean().optional(),
});

/** The name of the JSON Schema a results document follows (schemas/<name>.json). */
export const RESULTS_SCHEMA = `writeprof.results.v${SCHEMA_VERSION}`;

export const resultsSchema = z.object({
  /** the JSON Schema this document follows: schemas/<schema>.json */
  schema: z.string().optional(),
  schemaVersion: z.number().int(),
  /** read from a document of this older schemaVersion (./upgrade.ts): its stale values were never checked */
  upgradedFrom: z.number().int().positive().optional(),
  tool: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
  /** Where the run happened; in a merged document, the first shard's (each case carries its own). */
  environment: environmentSchema,
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
    /** The suites after flag overrides: the plan is re-expanded from these to merge shards. */
    suites: z.array(suiteSchema).optional(),
  }),
  plan: planSchema.optional(),
  /** `writeprof run --shard i/n`: which slice of the plan this document holds. */
  shard: shardSchema.optional(),
  merged: mergedSchema.optional(),
  /** true when the run was interrupted: cases holds those finished so far */
  partial: z.boolean().optional(),
  /**
   * true for `--backend cuda-emu`: kernels ran on the host SIMT emulator. Verification and conflict
   * counters are real; no timing, rate or ratio is a performance figure (renderers mark them, compare
   * and validate refuse them).
   */
  emulated: z.boolean().optional(),
  pairing: pairingSchema.optional(),
  /** `writeprof check`: tools, runs, findings and the summary (./check.ts); then `cases` is empty */
  check: checkSchema.optional(),
  /** the strategy files whose strategies appear in `cases` (or in `check`), one per strategy */
  strategyFiles: z.array(strategyFileSchema).optional(),
  cases: z.array(caseResultSchema),
});

export type Stats = z.infer<typeof statsSchema>;
export type StrategyFileRecord = z.infer<typeof strategyFileSchema>;
export type Interval = z.infer<typeof intervalSchema>;
export type EmulatorSettings = z.infer<typeof emulatorSchema>;
export type CaseResult = z.infer<typeof caseResultSchema>;
export type Verification = z.infer<typeof verificationSchema>;
export type ResultsDocument = z.infer<typeof resultsSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type PlanRecord = z.infer<typeof planSchema>;
export type ShardRecord = z.infer<typeof shardSchema>;
export type MergedRecord = z.infer<typeof mergedSchema>;
export type Pairing = z.infer<typeof pairingSchema>;

// The document holds what the stages upstream produce, field for field: a schema that drifts from
// their types fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const SHAPES_AGREE: [
  Same<Stats, Summary>,
  Same<PlanRecord, DigestPlanRecord>,
  Same<EmulatorSettings, RunEmulatorSettings>,
  Same<Verification, RawSample['verification']>,
] = [true, true, true, true];
