/**
 * The compiled addon (build/Release/writeprof.node) and its JS-facing shape (the objects that
 * cross are declared in ./contract.ts). The addon only converts and schedules: every policy
 * decision lives in TypeScript.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { NativeCaseParams, NativeCheckTools, NativeRedisTarget, RawCheckInfo, RawCpuInfo, RawCudaStatus, RawRedisInfo, RawSample } from './contract.js';

export type { NativeCaseParams, NativeCuckooSettings, NativeRedisTarget, RawCpuInfo, RawCudaStatus, RawRedisInfo, RawSample } from './contract.js';

export interface NativeCase {
  /** Runs on a worker thread (Napi::AsyncWorker); rejects with the runner's message. */
  runSample(): Promise<RawSample>;
  /** Releases what the case holds outside the process (a peer's keys), off the event loop. */
  finish(): Promise<void>;
  close(): void;
}

export interface NativeAddon {
  cpuInfo(): RawCpuInfo;
  cudaStatus(): RawCudaStatus;
  /** Throws Error(message) for a configuration the runner refuses (capacity, arena, device). */
  Case: new (params: NativeCaseParams) => NativeCase;
  /** Rejects with one line when the server cannot be reached or refuses AUTH. */
  redisInfo(target: NativeRedisTarget): Promise<RawRedisInfo>;
  /** The strategy file this build is linked with (src/strategy-file/), or null. */
  strategyFile(): RawStrategyFile | null;
}

/**
 * What WP_STRATEGY declared (kernels/include/writeprof/kernel.cuh); of a declaration built against
 * another interface version (apiVersion !== kernelApiVersion), only its version.
 */
export interface RawStrategyFile {
  apiVersion: number;
  block: number;
  writesPerBlock: number;
  orderRun: number;
  /** it has a single-write entry (WP_STRATEGY_SINGLE, writeprof/single.cuh) */
  single: boolean;
  /** the interface version the runner it is linked with speaks */
  kernelApiVersion: number;
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

/** The check addon: the emulator with the instrumented kernels (`writeprof check`). */
export interface NativeCheckAddon extends NativeAddon {
  configureCheck(tools: NativeCheckTools): void;
  /** Findings since the last call, folded (checked against FINDING by the caller). */
  takeFindings(): unknown;
  checkInfo(): RawCheckInfo;
  /** Starts (true) or stops counting memory traffic; either way forgets what was counted. */
  countTraffic(on: boolean): void;
  /** The memory traffic counted since countTraffic(true) (checked against TRAFFIC by the caller). */
  takeTraffic(): unknown;
}

/** The same glue linked with kernels/cuda compiled with -fsanitize=thread and the checker's hooks (kernels/emu/check). */
export const CHECK_ADDON_PATH = process.env.WRITEPROF_CHECK_ADDON
  ? resolve(process.env.WRITEPROF_CHECK_ADDON)
  : join(root, 'build', 'Release', 'writeprof_check.node');

const cached = new Map<string, NativeAddon>();

/** An addon at `path` (a strategy file's build: src/strategy-file/), loaded once per process. */
export function loadAddonAt(path: string): NativeAddon {
  return load(path);
}

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

export function loadCheckAddon(): NativeCheckAddon {
  return load(CHECK_ADDON_PATH) as NativeCheckAddon;
}
