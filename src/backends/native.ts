/**
 * The compiled addon (build/Release/writeprof.node) and its JS-facing shape. The addon only
 * converts and schedules: every policy decision lives in TypeScript.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** Where a Redis peer's server is and how to write to it (the password goes nowhere else). */
export interface NativeRedisTarget {
  host: string;
  port: number;
  db: number;
  user: string;
  password: string;
  /** every key written starts with this */
  prefix: string;
  /** connect, and every socket read or write */
  timeoutMs: number;
  /** batch and concurrent submissions: a pipeline of SETs, or one MSET */
  command: 'set' | 'mset';
}

export interface NativeCuckooSettings {
  store: 'arena' | 'inline';
}

export interface NativeCaseParams {
  backend: 'cpu' | 'cuda' | 'cuda-emu' | 'redis' | 'libcuckoo';
  /** a peer's strategy is 'peer' */
  strategy: string;
  mode: string;
  valueSize: number;
  batchSize: number;
  threads: number;
  keys: number;
  loadFactor: number;
  /** 'uniform' | 'zipf' */
  dist: 'uniform' | 'zipf';
  zipfTheta: number;
  seed: number;
  countConflicts: boolean;
  slowdownNs: number;
  latencyEvery: number;
  arenaLimitBytes: number;
  /** cuda-emu only: scheduler seed, worker threads (0: one per core), no-progress timeout */
  emuSeed?: number;
  emuWorkers?: number;
  emuTimeoutSec?: number;
  /** peers only: backend redis takes a NativeRedisTarget, libcuckoo NativeCuckooSettings */
  peer?: NativeRedisTarget | NativeCuckooSettings;
}

export interface RawSample {
  elapsedNs: number;
  writes: number;
  phasesNs: Record<string, number>;
  counters: { lockRetries: number; casFailures: number; probeSteps: number };
  verification: { written: number; verified: number; lost: number; corrupted: number };
  latencyNs: Uint32Array;
  notes: string[];
}

export interface RawCudaStatus {
  compiled: boolean;
  available: boolean;
  reason: string;
  name: string;
  ccMajor: number;
  ccMinor: number;
  sms: number;
  memoryBytes: number;
  memBandwidthGBs: number;
  pcieGen: number;
  pcieWidth: number;
  runtimeVersion: number;
  driverVersion: number;
}

export interface NativeCase {
  /** Runs on a worker thread (Napi::AsyncWorker); rejects with the runner's message. */
  runSample(): Promise<RawSample>;
  /** Releases what the case holds outside the process (a peer's keys), off the event loop. */
  finish(): Promise<void>;
  close(): void;
}

/** What a Redis server says about itself. */
export interface RawRedisInfo {
  version: string;
  /** the client library's version */
  hiredis: string;
  /** CONFIG GET of the settings that shape writes, where the server allows it */
  fields: Record<string, string>;
}

export interface NativeAddon {
  cpuInfo(): { model: string; cores: number };
  cudaStatus(): RawCudaStatus;
  /** Throws Error(message) for a configuration the runner refuses (capacity, arena, device). */
  Case: new (params: NativeCaseParams) => NativeCase;
  /** Rejects with one line when the server cannot be reached or refuses AUTH. */
  redisInfo(target: NativeRedisTarget): Promise<RawRedisInfo>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** WRITEPROF_ADDON points at another build of the addon (`make sanitize` loads an ASan+UBSan one). */
export const ADDON_PATH = process.env.WRITEPROF_ADDON
  ? resolve(process.env.WRITEPROF_ADDON)
  : join(root, 'build', 'Release', 'writeprof.node');
/**
 * The emulator addon: the same glue linked with kernels/cuda compiled by g++ against the host SIMT
 * emulator (kernels/emu). A separate module, so its emulated CUDA runtime never meets the real one.
 */
export const EMU_ADDON_PATH = process.env.WRITEPROF_EMU_ADDON
  ? resolve(process.env.WRITEPROF_EMU_ADDON)
  : join(root, 'build', 'Release', 'writeprof_emu.node');

const cached = new Map<string, NativeAddon>();

function load(path: string): NativeAddon {
  const hit = cached.get(path);
  if (hit) return hit;
  if (!existsSync(path)) {
    throw new UsageError(`native addon not built (${path}); run \`make build\``);
  }
  const require = createRequire(import.meta.url);
  const addon = require(path) as NativeAddon;
  cached.set(path, addon);
  return addon;
}

export function loadAddon(): NativeAddon {
  return load(ADDON_PATH);
}

export function loadEmuAddon(): NativeAddon {
  return load(EMU_ADDON_PATH);
}
