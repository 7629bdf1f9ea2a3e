/**
 * The TypeScript <-> addon boundary, declared once: the fields of every object handed to the
 * native layer (a case's parameters, a Redis target, libcuckoo's settings) and of every object it
 * hands back (a sample, the CUDA status, what a Redis server says). The TypeScript types below are
 * derived from these declarations; kernels/addon reads exactly these fields within the ranges of
 * src/limits.ts (through the generated limits.h); every sample is checked against SAMPLE when it
 * arrives (checkSample), and tests/native/contract.test.ts drives the addon from these
 * declarations: each field missing, of the wrong type, out of range, an unknown field, and the
 * fields and types of what comes back.
 */
import { CASE_LIMITS, EMULATOR_LIMITS, REDIS_LIMITS, type Range } from '../limits.js';
import { BACKENDS, MODES, PEER_STRATEGY, STRATEGIES, type BackendName } from '../model.js';

/** One field as the addon reads it. `backends`: present (and required) only for those backends. */
export type FieldRule =
  | { kind: 'enum'; values: readonly string[]; backends?: readonly BackendName[] }
  | { kind: 'number'; range: Range; backends?: readonly BackendName[] }
  /** any finite number (zipfTheta of a uniform stream) or one in range when `range` applies */
  | { kind: 'theta'; range: Range }
  | { kind: 'boolean' }
  | { kind: 'string'; bytes: Range; secret?: boolean }
  /** the peer's own settings object: REDIS_TARGET for redis, CUCKOO_SETTINGS for libcuckoo */
  | { kind: 'peer'; backends: readonly BackendName[] };

/** One field of something the addon returns. */
export type OutRule =
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'string' }
  | { kind: 'strings' }
  | { kind: 'uint32array' }
  /** an object of numbers under any names (phases) or strings (server fields) */
  | { kind: 'record'; of: 'number' | 'string' }
  | { kind: 'object'; fields: Readonly<Record<string, OutRule>>; optional?: boolean }
  /** an array of objects, each with these fields */
  | { kind: 'objects'; fields: Readonly<Record<string, OutRule>> };

export const PEER_BACKENDS = ['redis', 'libcuckoo'] as const satisfies readonly BackendName[];

/** `new Case(params)`: one case of any backend. */
export const CASE_PARAMS = {
  backend: { kind: 'enum', values: BACKENDS },
  /** a peer's strategy is always `peer` */
  /** `user`: the strategy file linked into this build of the addon (src/strategy-file/) */
  strategy: { kind: 'enum', values: [...STRATEGIES, 'user', PEER_STRATEGY] },
  mode: { kind: 'enum', values: MODES },
  valueSize: { kind: 'number', range: CASE_LIMITS.valueSize },
  batchSize: { kind: 'number', range: CASE_LIMITS.batchSize },
  threads: { kind: 'number', range: CASE_LIMITS.threads },
  keys: { kind: 'number', range: CASE_LIMITS.keys },
  /** the table's own bound (0, 1] (runs stop at CASE_LIMITS.loadFactor): kernels/include/writeprof/params.h */
  loadFactor: { kind: 'number', range: { min: 0, max: 1, integer: false, minExclusive: true, allowed: 'a number in (0, 1]' } },
  dist: { kind: 'enum', values: ['uniform', 'zipf'] },
  zipfTheta: { kind: 'theta', range: CASE_LIMITS.zipfTheta },
  /** uniform streams: the share of writes repeating an earlier key (0 for zipf, whose law repeats keys) */
  updateShare: { kind: 'number', range: CASE_LIMITS.updateShare },
  seed: { kind: 'number', range: CASE_LIMITS.seed },
  countConflicts: { kind: 'boolean' },
  slowdownNs: { kind: 'number', range: CASE_LIMITS.slowdownNs },
  latencyEvery: { kind: 'number', range: CASE_LIMITS.latencyEvery },
  arenaLimitBytes: { kind: 'number', range: CASE_LIMITS.arenaLimitBytes },
  emuSeed: { kind: 'number', range: EMULATOR_LIMITS.seed, backends: ['cuda-emu'] },
  emuWorkers: { kind: 'number', range: EMULATOR_LIMITS.workers, backends: ['cuda-emu'] },
  emuTimeoutSec: { kind: 'number', range: EMULATOR_LIMITS.timeoutSec, backends: ['cuda-emu'] },
  peer: { kind: 'peer', backends: PEER_BACKENDS },
} as const satisfies Record<string, FieldRule>;

/** A Redis peer's `peer` object, and `redisInfo(target)`. The password goes nowhere else. */
export const REDIS_TARGET = {
  host: { kind: 'string', bytes: REDIS_LIMITS.hostBytes },
  port: { kind: 'number', range: REDIS_LIMITS.port },
  db: { kind: 'number', range: REDIS_LIMITS.db },
  user: { kind: 'string', bytes: REDIS_LIMITS.userBytes },
  password: { kind: 'string', bytes: REDIS_LIMITS.passwordBytes, secret: true },
  /** every key written starts with this */
  prefix: { kind: 'string', bytes: REDIS_LIMITS.prefixBytes },
  /** connect, and every socket read or write */
  timeoutMs: { kind: 'number', range: REDIS_LIMITS.timeoutMs },
  /** batch and concurrent submissions: a pipeline of SETs, or one MSET */
  command: { kind: 'enum', values: ['set', 'mset'] },
} as const satisfies Record<string, FieldRule>;

/** libcuckoo's `peer` object. */
export const CUCKOO_SETTINGS = {
  store: { kind: 'enum', values: ['arena', 'inline'] },
} as const satisfies Record<string, FieldRule>;

const COUNTERS = { lockRetries: { kind: 'number' }, casFailures: { kind: 'number' }, probeSteps: { kind: 'number' } } as const;
/** kernels/include/writeprof/verify.h's Verification: what one sample's check counted. */
const VERIFICATION = {
  writes: { kind: 'number' },
  distinct: { kind: 'number' },
  verified: { kind: 'number' },
  lost: { kind: 'number' },
  /** found holding a write that a later write of the key overwrote (the strategy's ordering promise, order.h) */
  stale: { kind: 'number' },
  corrupted: { kind: 'number' },
  /** of corrupted: entries holding a key stored elsewhere too */
  duplicates: { kind: 'number' },
} as const;

/** What `runSample()` resolves with. */
export const SAMPLE = {
  /** the timed region only, ns */
  elapsedNs: { kind: 'number' },
  writes: { kind: 'number' },
  /** phase totals over the sample, ns (stage, kernel, h2d, d2h, probe, lock, copy, publish...) */
  phasesNs: { kind: 'record', of: 'number' },
  counters: { kind: 'object', fields: COUNTERS },
  verification: { kind: 'object', fields: VERIFICATION },
  /** sampled per-write latencies (single mode), ns */
  latencyNs: { kind: 'uint32array' },
  notes: { kind: 'strings' },
  /** CUDA: bandwidth references measured on the device in the same run (bytes/s, and the bytes copied) */
  bandwidth: {
    kind: 'object',
    optional: true,
    fields: { deviceCopyBytesPerSec: { kind: 'number' }, pinnedH2DBytesPerSec: { kind: 'number' }, deviceCopyBytes: { kind: 'number' }, h2dBytes: { kind: 'number' } },
  },
} as const satisfies Record<string, OutRule>;

/** What `cudaStatus()` returns. */
export const CUDA_STATUS = {
  compiled: { kind: 'boolean' },
  available: { kind: 'boolean' },
  /** why not, in the runtime's own words */
  reason: { kind: 'string' },
  name: { kind: 'string' },
  ccMajor: { kind: 'number' },
  ccMinor: { kind: 'number' },
  sms: { kind: 'number' },
  memoryBytes: { kind: 'number' },
  /** theoretical */
  memBandwidthGBs: { kind: 'number' },
  pcieGen: { kind: 'number' },
  pcieWidth: { kind: 'number' },
  runtimeVersion: { kind: 'number' },
  driverVersion: { kind: 'number' },
} as const satisfies Record<string, OutRule>;

/** What `redisInfo(target)` resolves with. */
export const REDIS_INFO = {
  version: { kind: 'string' },
  /** the client library's version */
  hiredis: { kind: 'string' },
  /** CONFIG GET of the settings that shape writes, where the server allows it */
  fields: { kind: 'record', of: 'string' },
} as const satisfies Record<string, OutRule>;

/** The check addon's `configureCheck(tools)`: which of `writeprof check`'s tools run. */
export const CHECK_TOOLS = {
  memcheck: { kind: 'boolean' },
  racecheck: { kind: 'boolean' },
  initcheck: { kind: 'boolean' },
  synccheck: { kind: 'boolean' },
  weak: { kind: 'boolean' },
} as const satisfies Record<string, FieldRule>;

const DIMS = { x: { kind: 'number' }, y: { kind: 'number' }, z: { kind: 'number' } } as const;

/** One side of a finding: the access (or intrinsic call) of one thread. */
export const FINDING_SITE = {
  /** offset of the instruction in checkInfo().module (0: `where` says it) */
  pc: { kind: 'number' },
  /** file:line when the emulator knows it (intrinsics, barriers) */
  where: { kind: 'string' },
  /** linear block index; -1: host code */
  block: { kind: 'number' },
  warp: { kind: 'number' },
  lane: { kind: 'number' },
  /** read, write, atomic CAS, __shfl_sync, ... */
  access: { kind: 'string' },
  /** shared, global, host, invalid; empty when not a memory access */
  space: { kind: 'string' },
  /** byte offset in its allocation or shared-memory window; -1 when none */
  offset: { kind: 'number' },
  size: { kind: 'number' },
} as const satisfies Record<string, OutRule>;

/** What `takeFindings()` returns: one object per distinct finding since the last call. */
export const FINDING = {
  tool: { kind: 'string' },
  kind: { kind: 'string' },
  /** error, or note (a remark that does not fail a check) */
  severity: { kind: 'string' },
  kernel: { kind: 'string' },
  grid: { kind: 'object', fields: DIMS },
  block: { kind: 'object', fields: DIMS },
  message: { kind: 'string' },
  seed: { kind: 'number' },
  /** occurrences folded into this one */
  count: { kind: 'number' },
  sites: { kind: 'objects', fields: FINDING_SITE },
} as const satisfies Record<string, OutRule>;

/** What `checkInfo()` returns. */
export const CHECK_INFO = {
  /** the file holding the instrumented code (sites' pc are offsets in it) */
  module: { kind: 'string' },
  /** a limit the checker hit in the last case (empty: none) */
  limits: { kind: 'string' },
  /** the kernels the last case launched */
  kernels: { kind: 'strings' },
} as const satisfies Record<string, OutRule>;

/** One memory space's warp-level requests over a counted sample (kernels/emu/traffic/counter.h). */
const TRAFFIC_SPACE = {
  loadRequests: { kind: 'number' },
  loadSectors: { kind: 'number' },
  storeRequests: { kind: 'number' },
  storeSectors: { kind: 'number' },
  /** of the loads and stores: atomic ones (acquire/release flags, polls), synchronization rather than data */
  orderedLoadRequests: { kind: 'number' },
  orderedLoadSectors: { kind: 'number' },
  orderedStoreRequests: { kind: 'number' },
  orderedStoreSectors: { kind: 'number' },
  atomicRequests: { kind: 'number' },
  atomicSectors: { kind: 'number' },
  /** lanes' atomic operations */
  atomics: { kind: 'number' },
  /** bytes the lanes asked for */
  requestedBytes: { kind: 'number' },
} as const satisfies Record<string, OutRule>;

/** One kernel's memory traffic over a counted sample (the check addon's `takeTraffic()`). */
export const TRAFFIC_KERNEL = {
  name: { kind: 'string' },
  launches: { kind: 'number' },
  blocks: { kind: 'number' },
  /** cudaMalloc memory: requests and 32-byte sectors */
  global: { kind: 'object', fields: TRAFFIC_SPACE },
  /** mapped pinned host memory read or written by kernel threads (zero-copy) */
  host: { kind: 'object', fields: TRAFFIC_SPACE },
  /** atomic read-modify-writes by operation (exchange, add, CAS, ...), lanes' operations */
  atomicsByOp: { kind: 'record', of: 'number' },
  sharedLoadRequests: { kind: 'number' },
  sharedStoreRequests: { kind: 'number' },
  sharedAtomicRequests: { kind: 'number' },
  /** shared-memory wavefronts taken, and the fewest the requests' distinct words allow */
  sharedWavefronts: { kind: 'number' },
  sharedIdealWavefronts: { kind: 'number' },
  /** warp memory requests of every space, and their active lanes summed */
  requests: { kind: 'number' },
  activeLanes: { kind: 'number' },
  /**
   * the same traffic by call site, most sectors first (pc: offset in checkInfo().module; sectors:
   * wavefronts for shared memory): where the bytes go (bench/traffic-sites.mjs)
   */
  sites: {
    kind: 'objects',
    fields: { pc: { kind: 'number' }, space: { kind: 'string' }, access: { kind: 'string' }, requests: { kind: 'number' }, sectors: { kind: 'number' }, activeLanes: { kind: 'number' } },
  },
} as const satisfies Record<string, OutRule>;

/** What `takeTraffic()` returns: the counts since `countTraffic(true)`. */
export const TRAFFIC = {
  kernels: { kind: 'objects', fields: TRAFFIC_KERNEL },
  /** bytes copied by the runner's own streams (the staging across the host link) */
  copies: { kind: 'object', fields: { hostToDevice: { kind: 'number' }, deviceToHost: { kind: 'number' }, deviceToDevice: { kind: 'number' } } },
} as const satisfies Record<string, OutRule>;

/** What `cpuInfo()` returns. */
export const CPU_INFO = { model: { kind: 'string' }, cores: { kind: 'number' } } as const satisfies Record<string, OutRule>;

// ---- the TypeScript types, derived from the declarations ----

type In<F> = F extends { kind: 'enum'; values: readonly (infer V)[] }
  ? V
  : F extends { kind: 'number' | 'theta' }
    ? number
    : F extends { kind: 'boolean' }
      ? boolean
      : F extends { kind: 'string' }
        ? string
        : F extends { kind: 'peer' }
          ? NativeRedisTarget | NativeCuckooSettings
          : never;
type Scoped<F> = F extends { backends: readonly unknown[] } ? true : false;
export type InputOf<D> = { -readonly [K in keyof D as Scoped<D[K]> extends true ? never : K]: In<D[K]> } & {
  -readonly [K in keyof D as Scoped<D[K]> extends true ? K : never]?: In<D[K]>;
};

type Out<R> = R extends { kind: 'number' }
  ? number
  : R extends { kind: 'boolean' }
    ? boolean
    : R extends { kind: 'string' }
      ? string
      : R extends { kind: 'strings' }
        ? string[]
        : R extends { kind: 'uint32array' }
          ? Uint32Array
          : R extends { kind: 'record'; of: 'number' }
            ? Record<string, number>
            : R extends { kind: 'record'; of: 'string' }
              ? Record<string, string>
              : R extends { kind: 'object'; fields: infer S }
                ? OutputOf<S>
                : R extends { kind: 'objects'; fields: infer S }
                  ? OutputOf<S>[]
                  : never;
type Optional<R> = R extends { optional: true } ? true : false;
export type OutputOf<D> = { -readonly [K in keyof D as Optional<D[K]> extends true ? never : K]: Out<D[K]> } & {
  -readonly [K in keyof D as Optional<D[K]> extends true ? K : never]?: Out<D[K]>;
};

export type NativeRedisTarget = InputOf<typeof REDIS_TARGET>;
export type NativeCuckooSettings = InputOf<typeof CUCKOO_SETTINGS>;
export type NativeCaseParams = InputOf<typeof CASE_PARAMS>;
export type RawSample = OutputOf<typeof SAMPLE>;
export type RawCudaStatus = OutputOf<typeof CUDA_STATUS>;
export type RawRedisInfo = OutputOf<typeof REDIS_INFO>;
export type RawCpuInfo = OutputOf<typeof CPU_INFO>;
export type NativeCheckTools = InputOf<typeof CHECK_TOOLS>;
export type RawFinding = OutputOf<typeof FINDING>;
export type RawCheckInfo = OutputOf<typeof CHECK_INFO>;
export type RawTraffic = OutputOf<typeof TRAFFIC>;
export type RawTrafficKernel = OutputOf<typeof TRAFFIC_KERNEL>;

// ---- checking what comes back ----

function mismatch(v: unknown, r: OutRule): string | undefined {
  switch (r.kind) {
    case 'number':
    case 'boolean':
    case 'string':
      return typeof v === r.kind ? undefined : `not a ${r.kind}`;
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'not an array of strings';
    case 'uint32array':
      return v instanceof Uint32Array ? undefined : 'not a Uint32Array';
    case 'record':
      return v !== null && typeof v === 'object' && Object.values(v).every((x) => typeof x === r.of) ? undefined : `not an object of ${r.of}s`;
    case 'object':
      if (v === null || typeof v !== 'object') return 'not an object';
      return outputProblem(v as Record<string, unknown>, r.fields);
    case 'objects': {
      if (!Array.isArray(v)) return 'not an array';
      for (const [i, x] of v.entries()) {
        const bad = x !== null && typeof x === 'object' ? outputProblem(x as Record<string, unknown>, r.fields) : 'not an object';
        if (bad) return `[${i}] ${bad}`;
      }
      return undefined;
    }
  }
}

/** Where `obj` departs from the declaration `fields` (a missing, extra or mistyped field), or undefined. */
export function outputProblem(obj: Record<string, unknown>, fields: Readonly<Record<string, OutRule>>): string | undefined {
  for (const [name, rule] of Object.entries(fields)) {
    if (!(name in obj)) {
      if (rule.kind === 'object' && rule.optional) continue;
      return `${name}: missing`;
    }
    const bad = mismatch(obj[name], rule);
    if (bad) return `${name}: ${bad}`;
  }
  const extra = Object.keys(obj).find((k) => !(k in fields));
  return extra === undefined ? undefined : `${extra}: not a field of the contract`;
}

/** Findings as the contract declares them, or an Error naming the first field that is not. */
export function checkFindings(raw: unknown): RawFinding[] {
  const problem = mismatch(raw, { kind: 'objects', fields: FINDING });
  if (problem) throw new Error(`the check addon returned findings outside the contract (src/backends/contract.ts): ${problem}`);
  return raw as RawFinding[];
}

/** Memory-traffic counts as the contract declares them, or an Error naming the first field that is not. */
export function checkTraffic(raw: unknown): RawTraffic {
  const problem = raw !== null && typeof raw === 'object' ? outputProblem(raw as Record<string, unknown>, TRAFFIC) : 'not an object';
  if (problem) throw new Error(`the check addon returned memory-traffic counts outside the contract (src/backends/contract.ts): ${problem}`);
  return raw as RawTraffic;
}

/** A sample as the contract declares it, or an Error naming the first field that is not. */
export function checkSample(raw: unknown): RawSample {
  const problem = raw !== null && typeof raw === 'object' ? outputProblem(raw as Record<string, unknown>, SAMPLE) : 'not an object';
  if (problem) throw new Error(`the addon returned a sample outside the contract (src/backends/contract.ts): ${problem}`);
  return raw as RawSample;
}
