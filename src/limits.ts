/**
 * Every limit writeprof enforces, and the defaults the native layer shares, defined once.
 * TypeScript imports this module; the native layer includes kernels/include/writeprof/limits.h,
 * which scripts/gen-native.mjs generates from the `NATIVE` part below (`make` regenerates it when
 * this file changes, and a test fails when the committed header differs). Each limit is far above
 * what a real run needs: it turns hostile or broken input into one line and exit 2 instead of a
 * crash, undefined behaviour in a runner or a command that never ends (see the README's limits).
 *
 * Self-contained on purpose (no imports): the generator transpiles this file alone.
 */

/** An inclusive range of numbers (open at `min` when minExclusive), and how messages state it. */
export interface Range {
  min: number;
  max: number;
  integer: boolean;
  minExclusive: boolean;
  /** what an error line says is allowed */
  allowed: string;
}

function integers(min: number, max: number, allowed = `an integer from ${min} to ${max}`): Range {
  return { min, max, integer: true, minExclusive: false, allowed };
}

function numbers(min: number, max: number, allowed = `a number from ${min} to ${max}`): Range {
  return { min, max, integer: false, minExclusive: false, allowed };
}

/** (min, max]: min itself is not allowed. */
function above(min: number, max: number, allowed = `a number in (${min}, ${max}]`): Range {
  return { min, max, integer: false, minExclusive: true, allowed };
}

const SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1: the largest integer a JS number holds exactly
const GiB = 1024 ** 3;

/** The hash table's layout (kernels/include/writeprof/layout.h): facts of the structure, not policy. */
export const TABLE = {
  /** one bucket is one 128-byte line */
  bucketBytes: 128,
  slotsPerBucket: 4,
  /** values start at multiples of this in the arena (the value stride) */
  valueAlign: 16,
  /** a full table (every slot taken) still works; runs stop below it (CASE_LIMITS.loadFactor) */
  maxLoadFactor: 1,
  /** keys / loadFactor beyond this would overflow the bucket count (a 32 TiB table anyway) */
  maxSlots: 2 ** 40,
} as const;

/** The axes of a case: what profiles, flags and the native parameters accept. */
export const CASE_LIMITS = {
  valueSize: integers(8, 64 * 1024),
  batchSize: integers(1, 1_000_000),
  threads: integers(1, 256),
  keys: integers(1, 100_000_000),
  loadFactor: above(0, 0.95),
  zipfTheta: above(0, 5),
  /** uniform key streams: the share of writes that repeat an earlier key */
  updateShare: numbers(0, 0.99),
  seed: integers(0, SAFE),
  /** the calibration spin per write, ns */
  slowdownNs: integers(0, 1_000_000_000),
  /** single mode: time every Nth write (0: none) */
  latencyEvery: integers(0, 2 ** 32 - 1),
  /** the value arena (keys x stride) of one case, bytes */
  arenaLimitBytes: integers(1, SAFE),
} as const;

/** `--backend cuda-emu`: the host SIMT emulator's settings. */
export const EMULATOR_LIMITS = {
  seed: integers(0, SAFE),
  /** OS threads running blocks; 0: one per core */
  workers: integers(0, 256),
  timeoutSec: numbers(0.1, 86_400, 'seconds from 0.1 to 86400'),
} as const;

/** A Redis peer's target as the native layer takes it (the password never leaves it). */
export const REDIS_LIMITS = {
  port: integers(1, 65_535),
  db: integers(0, 1 << 20),
  timeoutMs: integers(1, 3_600_000),
  /** bytes of each string field */
  hostBytes: integers(0, 255),
  userBytes: integers(0, 255),
  passwordBytes: integers(0, 4096),
  prefixBytes: integers(0, 64),
  /**
   * One reply, read from a server that may not be Redis or may misbehave: at most this many bytes
   * (a value read back is at most 64 KiB; INFO a few KiB) and array elements (CONFIG GET: 2).
   * A reply must also be complete within the timeout of the call that waits for it.
   */
  replyBytes: 1024 * 1024,
  replyElements: 1024,
  /** --redis-timeout: connect, and each reply complete from its request, seconds */
  timeoutSec: numbers(0.1, 3600, 'seconds from 0.1 to 3600'),
} as const;

/**
 * One memory-budget rule for every backend and every check: a case may plan to use at most this
 * share of a memory, host RAM (table, arena, staging, key stream; a GPU case's pinned staging) or
 * device memory (a GPU case's table, arena and staging). The rest is the system's, the driver's
 * and other processes'. TypeScript checks each case's table and arena before the sweep; each
 * native runner checks everything it will allocate before allocating it.
 */
export const MEMORY_BUDGET = {
  host: 0.75,
  device: 0.9,
} as const;

/** Defaults both sides must agree on. */
export const DEFAULTS = {
  /** the value arena limit a case runs with */
  arenaLimitBytes: 4 * GiB,
  /** cuda-emu: scheduler seed, workers (0: one per core), no-progress timeout in seconds */
  emulator: { seed: 1, workers: 0, timeoutSec: 10 },
  /** Redis: connect, and each reply complete from its request, ms */
  redisTimeoutMs: 10_000,
  /** the key streams' seed */
  seed: 42,
} as const;

/** What the native layer sees, in kernels/include/writeprof/limits.h (generated). */
export const NATIVE = { TABLE, CASE_LIMITS, EMULATOR_LIMITS, REDIS_LIMITS, MEMORY_BUDGET, DEFAULTS } as const;

/** A profile's measurement block and the run's own flags (TypeScript only). */
export const RUN_LIMITS = {
  warmup: integers(0, 1000),
  /** no more samples than a results document may hold per case (a run must be readable by compare) */
  samples: integers(1, 10_000),
  minTime: numbers(0, 3600, 'seconds from 0 to 3600'),
  maxTime: above(0, 86_400, 'seconds in (0, 86400]'),
  maxNoise: numbers(0, 100, 'a percent from 0 to 100 (0 = off)'),
  calibrateSlowdown: numbers(0, 1000, 'a percent from 0 to 1000'),
  repeat: integers(1, 1000),
} as const;

/** Bounds on what commands read (TypeScript only). */
export const INPUT_LIMITS = {
  /** any JSON input (profile, claims, results, journal): a 60-case validation run is ~0.1 MiB */
  maxInputBytes: 16 * 1024 * 1024,
  /** nesting of JSON arrays/objects: results documents nest 5 levels deep */
  maxJsonDepth: 64,
  /** cases one profile (with flags) may expand to; the validation matrix is 60 */
  maxCasesPerPlan: 10_000,
  /**
   * Samples one case of a results document may carry (also the most --max-samples allows), and
   * all its cases together: compare bootstraps every case 2,000 times, ~1.2 s of CPU per
   * 10,000-sample case on the 2-core machine, so a comparison at these limits (25 such cases)
   * takes ~30 s of CPU; 100,000-sample cases took 25 s each. The gate's merged baseline holds 600
   * samples per case, 21,000 in all.
   */
  maxSamplesPerCase: RUN_LIMITS.samples.max,
  maxSamplesPerDocument: 250_000,
  /**
   * A results document's bytes, as writeprof writes it (2-space JSON): a case without its arrays
   * takes at most caseBytes (a failed case's error is made printable and clipped to
   * caseErrorChars, at most 3 UTF-8 bytes each), and each sample
   * (with its ab round) or --repeat run median at most sampleBytes. maxResultsBytes, what results
   * and journals may hold when read, is what the largest document the other limits allow takes:
   * whatever `run` may write, every command can read (src/results/bounds.ts checks a plan
   * against these before it is measured).
   */
  caseBytes: 4096,
  caseErrorChars: 300,
  sampleBytes: 48,
  /** waiting for data from a pipe or FIFO given as input, with nothing arriving */
  inputIdleTimeoutMs: 10_000,
} as const;

/** See INPUT_LIMITS.caseBytes: about 50 MiB. */
export const MAX_RESULTS_BYTES = INPUT_LIMITS.maxCasesPerPlan * INPUT_LIMITS.caseBytes + INPUT_LIMITS.maxSamplesPerDocument * INPUT_LIMITS.sampleBytes;
