/**
 * The CUDA backend: the five strategies as CUDA kernels (kernels/cuda/), run through the same
 * native addon as the CPU backend. Available only when the addon was built with nvcc and a device
 * of compute capability 8.0 or newer answers; otherwise status() says why, in the CUDA runtime's
 * own words (e.g. "CUDA driver version is insufficient for CUDA runtime version").
 */
import type { Backend, BackendStatus, CaseHandle, DeviceInfo, NativeSample, OpenOptions } from './backend.js';
import { createNativeBackend } from './native-backend.js';
import { loadAddon, loadCheckAddon, type NativeAddon, type NativeCheckAddon, type RawCudaStatus } from './native.js';
import { fmtBytesPerSec, fmtMemory } from '../format.js';
import { DEFAULT_EMULATOR, type CaseSpec } from '../model.js';
import { countTrafficOnEmulator } from './traffic.js';

/** 12080 -> "12.8" (CUDA encodes versions as 1000 * major + 10 * minor). */
export function cudaVersionString(v: number): string | null {
  if (!Number.isFinite(v) || v <= 0) return null;
  return `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
}

/** What results.environment.device records for a GPU. */
export function gpuDeviceInfo(raw: RawCudaStatus): DeviceInfo {
  return {
    name: raw.name,
    kind: 'gpu',
    computeCapability: `${raw.ccMajor}.${raw.ccMinor}`,
    sms: raw.sms,
    memoryBytes: raw.memoryBytes,
    memBandwidthGBs: Math.round(raw.memBandwidthGBs * 10) / 10,
    pcie: raw.pcieGen > 0 ? `Gen${raw.pcieGen} x${raw.pcieWidth}` : null,
    cudaRuntime: cudaVersionString(raw.runtimeVersion),
    cudaDriver: cudaVersionString(raw.driverVersion),
  };
}

/**
 * Why CUDA cannot run, the cause first and the runtime's own words after: the runtime says
 * "driver version is insufficient" both when there is no driver at all (cudaDriverGetVersion
 * answers 0) and when it is older than the runtime, which would send a user without a GPU to
 * upgrade drivers.
 */
function unavailableReason(raw: RawCudaStatus): string {
  const words = raw.reason || 'no usable CUDA device';
  if (raw.driverVersion <= 0) return `no NVIDIA driver: ${words}`;
  const driver = cudaVersionString(raw.driverVersion);
  const runtime = cudaVersionString(raw.runtimeVersion);
  if (raw.runtimeVersion > raw.driverVersion && driver && runtime) return `NVIDIA driver too old (CUDA ${driver}, writeprof was built with CUDA ${runtime}): ${words}`;
  return words;
}

/** BackendStatus from the addon's raw answer (pure: tested without a GPU). */
export function statusFromRaw(raw: RawCudaStatus): BackendStatus {
  if (!raw.compiled) {
    return { name: 'cuda', available: false, reason: raw.reason || 'writeprof was built without CUDA (nvcc not found at build time)' };
  }
  const device = raw.name ? gpuDeviceInfo(raw) : undefined;
  if (!raw.available) {
    return { name: 'cuda', available: false, reason: unavailableReason(raw), ...(device ? { device } : {}) };
  }
  return { name: 'cuda', available: true, ...(device ? { device } : {}) };
}

/**
 * Is CUDA usable here, and if not why. Never throws: a missing addon is a reason too.
 * This is what selectBackend() consults for `--backend cuda|auto`.
 */
export function cudaStatus(addon: () => NativeAddon = loadAddon): BackendStatus {
  let raw: RawCudaStatus;
  try {
    raw = addon().cudaStatus();
  } catch (err) {
    return { name: 'cuda', available: false, reason: err instanceof Error ? err.message : String(err) };
  }
  return statusFromRaw(raw);
}

/** Whether the addon was built with the CUDA backend (null: no addon to ask). */
export function cudaCompiled(addon: () => NativeAddon = loadAddon): boolean | null {
  try {
    return addon().cudaStatus().compiled;
  } catch {
    return null;
  }
}

/**
 * What a CUDA case's notes say about the bandwidth references its sample carries (the runner
 * measures them once per process; results.cases[].bandwidth holds the case's fraction of each).
 */
export function bandwidthNote(b: NonNullable<NativeSample['bandwidth']>): string {
  return (
    `bandwidth reference: deviceCopy=${fmtBytesPerSec(b.deviceCopyBytesPerSec)} (device-to-device cudaMemcpy of ${fmtMemory(b.deviceCopyBytes)}), ` +
    `h2d=${fmtBytesPerSec(b.pinnedH2DBytesPerSec)} (pinned host-to-device cudaMemcpy of ${fmtMemory(b.h2dBytes)})`
  );
}

/** The sample with its references stated in its notes (first, as the runner used to write them). */
function withRefsNote(s: NativeSample): NativeSample {
  return s.bandwidth ? { ...s, notes: [bandwidthNote(s.bandwidth), ...(s.notes ?? [])] } : s;
}

/**
 * The cuda backend over an addon: writeprof's own, or a strategy file's nvcc build of it (with the
 * file's instrumented build counting its traffic).
 */
export function createCudaBackend(addon: () => NativeAddon = loadAddon, checkAddon: () => NativeCheckAddon = loadCheckAddon): Backend {
  const native = createNativeBackend({ name: 'cuda', native: 'cuda', status: () => cudaStatus(addon), addon });
  return {
    name: 'cuda',
    status: () => cudaStatus(addon),
    open(spec: CaseSpec, options: OpenOptions): CaseHandle {
      const handle = native.open(spec, options);
      return {
        async runSample() {
          return withRefsNote(await handle.runSample());
        },
        close: () => handle.close(),
      };
    },
    // The same kernels' traffic, counted on the emulator (run --memory-traffic): beside GPU timings.
    countTraffic: (spec, options) => countTrafficOnEmulator(spec, options, DEFAULT_EMULATOR, checkAddon),
  };
}

export const cudaBackend: Backend = createCudaBackend();
