/** The vocabulary shared by every layer (profile, engine, backends, results, render, gates). */
import { DEFAULTS } from './limits.js';

/** The strategies writeprof ships (kernels/cuda, kernels/cpu), in their canonical order. */
export const STRATEGIES = ['baseline', 'warp-coop', 'lock-free', 'mem-opt', 'write-combine'] as const;
export type BuiltinStrategy = (typeof STRATEGIES)[number];
/**
 * A strategy: a built-in one, or the one a strategy file declares (`--strategy-file`,
 * src/strategy-file/), named as STRATEGY_FILE_NAME allows; it sorts after the built-ins.
 */
export type Strategy = BuiltinStrategy | (string & { readonly strategyFile?: never });
/** A strategy file's strategy name: lower-case, starting with a letter, not a built-in's or a reserved word. */
export const STRATEGY_FILE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
export const RESERVED_STRATEGY_NAMES: readonly string[] = [...STRATEGIES, 'peer', 'all', 'best', 'user'];

export function isBuiltinStrategy(s: string): s is BuiltinStrategy {
  return (STRATEGIES as readonly string[]).includes(s);
}

/** Whether `s` may name a strategy in a document: a built-in, or a strategy file's. */
export function isStrategyName(s: string): boolean {
  return isBuiltinStrategy(s) || (STRATEGY_FILE_NAME.test(s) && !RESERVED_STRATEGY_NAMES.includes(s));
}

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
export type BackendName = (typeof BACKENDS)[number];

/** `writeprof check`'s tools (src/check/): compute-sanitizer's four, and the weak-memory one. */
export const CHECK_TOOLS = ['memcheck', 'racecheck', 'initcheck', 'synccheck', 'weak'] as const;
export type CheckTool = (typeof CHECK_TOOLS)[number];
/** The two builds of every kernel a check covers: with conflict counters and phase clocks, and without. */
export const KERNEL_VARIANTS = ['count', 'plain'] as const;
export type KernelVariant = (typeof KERNEL_VARIANTS)[number];

/** cuda-emu's settings: scheduler seed, workers (0: one per core), no-progress timeout in seconds. */
export interface EmulatorSettings {
  seed: number;
  workers: number;
  timeoutSec: number;
}
export const DEFAULT_EMULATOR: Readonly<EmulatorSettings> = DEFAULTS.emulator;

export function isPeerName(s: string): s is PeerName {
  return (PEERS as readonly string[]).includes(s);
}

/**
 * A key distribution: `uniform` (every key of the universe once, shuffled) or Zipf over the
 * universe with exponent theta. Cases, ids and results spell it by its canonical name
 * (keyDistName); the profile parser is the one place that checks it.
 */
export type KeyDist = { kind: 'uniform' } | { kind: 'zipf'; theta: number };
export type KeyDistName = 'uniform' | `zipf:${number}`;

export function keyDistName(d: KeyDist): KeyDistName {
  return d.kind === 'uniform' ? 'uniform' : `zipf:${d.theta}`;
}

/** The distribution a canonical name stands for (the inverse of keyDistName; no range checks). */
export function keyDistOf(name: string): KeyDist {
  if (name === 'uniform') return { kind: 'uniform' };
  if (name.startsWith('zipf:')) return { kind: 'zipf', theta: Number(name.slice('zipf:'.length)) };
  throw new Error(`internal: ${JSON.stringify(name)} is not the canonical name of a key distribution`);
}

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
  /** canonical name (keyDistName) */
  keyDist: string;
  /**
   * Uniform streams: the share of writes that repeat an earlier key (kernels/include/writeprof/
   * keystream.h). Absent for zipf streams, whose law repeats keys by itself.
   */
  updateShare?: number;
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

/**
 * The key stream as ids spell it: the distribution, then `u<share>` when writes repeat keys by the
 * update share (`uniform/u0.25`); a stream without updates keeps the bare name, as before the
 * share existed.
 */
export function streamName(c: Pick<CaseSpec, 'keyDist' | 'updateShare'>): string {
  return c.updateShare ? `${c.keyDist}/u${c.updateShare}` : c.keyDist;
}

/** Stable case id from its axes: compare matches cases across documents by this. A peer's case names the peer where a strategy would be. */
export function caseId(c: Omit<CaseSpec, 'id'>): string {
  return [c.mode, c.peer ?? c.strategy, `v${c.valueSize}`, `b${c.batchSize}`, `t${c.threads}`, streamName(c), `lf${c.loadFactor}`, `k${c.keys}`].join('/');
}

/**
 * The id of a case with the strategy left out: cases that share it are compared for speedup.
 * `without` leaves one more axis out (`threads`: the cases of one scaling curve).
 */
export function axesKey(c: Omit<CaseSpec, 'id'>, without?: 'threads'): string {
  const threads = without === 'threads' ? [] : [`t${c.threads}`];
  return [c.mode, `v${c.valueSize}`, `b${c.batchSize}`, ...threads, streamName(c), `lf${c.loadFactor}`, `k${c.keys}`].join('/');
}

/** The axes a case id spells (the inverse of caseId); undefined when `id` is not a case id. */
export function parseCaseId(id: string): Omit<CaseSpec, 'id'> | undefined {
  const m = /^(single|batch|concurrent)\/([a-z][a-z0-9_-]*)\/v(\d+)\/b(\d+)\/t(\d+)\/(.+)\/lf([0-9.e+-]+)\/k(\d+)$/.exec(id);
  if (!m) return undefined;
  const who = m[2]!;
  // a built-in's, a peer's, or a strategy file's
  const strategy: CaseStrategy | undefined = isPeerName(who) ? PEER_STRATEGY : isStrategyName(who) ? who : undefined;
  if (!strategy) return undefined;
  return {
    mode: m[1] as Mode,
    strategy,
    ...(isPeerName(who) ? { peer: who } : {}),
    valueSize: Number(m[3]),
    batchSize: Number(m[4]),
    threads: Number(m[5]),
    keyDist: m[6]!,
    loadFactor: Number(m[7]),
    keys: Number(m[8]),
  };
}

const LABEL_AXES: { axis: 'valueSize' | 'batchSize' | 'threads' | 'keyDist' | 'loadFactor' | 'keys'; spell: (v: number | string) => string }[] = [
  { axis: 'valueSize', spell: (v) => (Number(v) >= 1024 && Number(v) % 1024 === 0 ? `${Number(v) / 1024}KB` : `${v}B`) },
  { axis: 'batchSize', spell: (v) => `b${v}` },
  { axis: 'threads', spell: (v) => `t${v}` },
  { axis: 'keyDist', spell: (v) => String(v) },
  { axis: 'loadFactor', spell: (v) => `lf${v}` },
  { axis: 'keys', spell: (v) => `k${v}` },
];

/**
 * Short labels for cases shown together (a table's rows): the mode, the strategy (or peer), and
 * only the axes that vary among the cases of that mode, e.g. "batch lock-free b100". Cases that
 * two labels could not tell apart keep their full id.
 */
export function caseLabels(cases: readonly Omit<CaseSpec, 'id'>[]): string[] {
  const labels = cases.map((c) => {
    const same = cases.filter((o) => o.mode === c.mode);
    const parts: string[] = [c.mode, c.peer ?? c.strategy];
    for (const { axis, spell } of LABEL_AXES) {
      if (new Set(same.map((o) => o[axis])).size > 1) parts.push(spell(c[axis]));
    }
    return parts.join(' ');
  });
  return labels.map((l, i) => (labels.indexOf(l) !== labels.lastIndexOf(l) ? caseId(cases[i]!) : l));
}
