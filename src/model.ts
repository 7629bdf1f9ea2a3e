/** The vocabulary shared by every layer (profile, engine, backends, results, render, gates). */
export const STRATEGIES = ['baseline', 'warp-coop', 'lock-free', 'mem-opt', 'write-combine'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const MODES = ['single', 'batch', 'concurrent'] as const;
export type Mode = (typeof MODES)[number];

/** Stores writeprof is measured against: backends without strategies (their strategy is `peer`). */
export const PEERS = ['redis', 'libcuckoo'] as const;
export type PeerName = (typeof PEERS)[number];
export const PEER_STRATEGY = 'peer';
/** A case's strategy: one of writeprof's, or `peer` for a peer's case. */
export type CaseStrategy = Strategy | typeof PEER_STRATEGY;
/** How tables and columns name a peer ("Optimized vs Redis"). */
export const PEER_LABEL: Record<PeerName, string> = { redis: 'Redis', libcuckoo: 'libcuckoo' };

/** `cuda-emu`: the CUDA kernels on the host SIMT emulator (kernels/emu); its timings are not figures. */
export const BACKENDS = ['cpu', 'cuda', 'cuda-emu', ...PEERS] as const;
/** cuda-emu's defaults: scheduler seed, workers (0: one per core), no-progress timeout in seconds. */
export const DEFAULT_EMULATOR = { seed: 1, workers: 0, timeoutSec: 10 } as const;
export type BackendName = (typeof BACKENDS)[number];

export function isPeerName(s: string): s is PeerName {
  return (PEERS as readonly string[]).includes(s);
}

export const MIN_VALUE_SIZE = 8;
export const MAX_VALUE_SIZE = 64 * 1024;
export const MAX_LOAD_FACTOR = 0.95;

/** One point of the sweep: every axis fixed. */
export interface CaseSpec {
  id: string;
  strategy: CaseStrategy;
  /** set on a peer's case (strategy `peer`): which peer */
  peer?: PeerName;
  mode: Mode;
  valueSize: number;
  batchSize: number;
  threads: number;
  keyDist: string;
  loadFactor: number;
  /** Writes per sample; also the size of the key universe. */
  keys: number;
}

/** How long and how often to sample a case (nvbench/hyperfine-style stopping rule). */
export interface Measurement {
  warmup: number;
  minSamples: number;
  maxSamples: number;
  /** seconds */
  minTime: number;
  /** seconds */
  maxTime: number;
  /** stop once the 95% CI half-width of the median is below this percent of it (0 = off) */
  maxNoise: number;
}

/** Stable case id from its axes: compare matches cases across documents by this. A peer's case names the peer where a strategy would be. */
export function caseId(c: Omit<CaseSpec, 'id'>): string {
  return [c.mode, c.peer ?? c.strategy, `v${c.valueSize}`, `b${c.batchSize}`, `t${c.threads}`, c.keyDist, `lf${c.loadFactor}`, `k${c.keys}`].join('/');
}

/** The id of a case with the strategy left out: cases that share it are compared for speedup. */
export function axesKey(c: Omit<CaseSpec, 'id'>): string {
  return [c.mode, `v${c.valueSize}`, `b${c.batchSize}`, `t${c.threads}`, c.keyDist, `lf${c.loadFactor}`, `k${c.keys}`].join('/');
}
