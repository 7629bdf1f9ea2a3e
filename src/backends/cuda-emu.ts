/**
 * The `cuda-emu` backend: the real kernels/cuda sources (kernels, runner, lanes, streams, the
 * persistent single-write server, counters, phases, verification) compiled by g++ and executed on
 * the host SIMT emulator (kernels/emu). Always available once built. What it proves: protocol
 * logic, forward progress under independent thread scheduling, mask discipline, counter plumbing
 * and every write verified. What it cannot: the GPU memory model, hardware paths, timing; so its
 * results carry `emulated: true` and no bandwidth references.
 */
import type { Backend, BackendStatus, CaseHandle, NativeSample, OpenOptions } from './backend.js';
import { nativeCaseParams, openNativeCase } from './native-backend.js';
import { loadCheckAddon, loadEmuAddon, type NativeAddon, type NativeCheckAddon } from './native.js';
import { countTrafficOnEmulator } from './traffic.js';
import { DEFAULT_EMULATOR, type CaseSpec, type EmulatorSettings } from '../model.js';

export function emulatorNote(s: EmulatorSettings): string {
  const workers = s.workers === 0 ? 'one per core' : String(s.workers);
  return (
    `emulated: host SIMT emulator (seed ${s.seed}, workers ${workers}, timeout ${s.timeoutSec} s); ` +
    'verification and counters are real, timings are not performance figures'
  );
}

export function emuStatus(settings: EmulatorSettings = DEFAULT_EMULATOR, addon: () => NativeAddon = loadEmuAddon): BackendStatus {
  try {
    const raw = addon().cudaStatus();
    return {
      name: 'cuda-emu',
      available: true,
      device: { name: raw.name, kind: 'emulator', computeCapability: `${raw.ccMajor}.${raw.ccMinor}`, workers: raw.sms, memoryBytes: raw.memoryBytes },
      emulator: { ...settings },
    };
  } catch (err) {
    return { name: 'cuda-emu', available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** The runner measures its "bandwidth references" with host memcpy here: not a reference for anything, so dropped. */
function relabel(s: NativeSample, note: string): NativeSample {
  const { bandwidth: _hostCopies, ...rest } = s;
  return { ...rest, notes: [note, ...(s.notes ?? [])] };
}

/** `checkAddon`: the instrumented build the memory-traffic pass counts on (a strategy file has its own). */
export function createEmuBackend(
  settings: EmulatorSettings = DEFAULT_EMULATOR,
  addon: () => NativeAddon = loadEmuAddon,
  checkAddon: () => NativeCheckAddon = loadCheckAddon,
): Backend {
  const note = emulatorNote(settings);
  return {
    name: 'cuda-emu',
    status: () => emuStatus(settings, addon),
    open(spec: CaseSpec, options: OpenOptions): CaseHandle {
      const params = {
        ...nativeCaseParams('cuda-emu', spec, options),
        emuSeed: settings.seed,
        emuWorkers: settings.workers,
        emuTimeoutSec: settings.timeoutSec,
      };
      const handle = openNativeCase(addon(), params, spec.id);
      return {
        async runSample() {
          return relabel(await handle.runSample(), note);
        },
        close: () => handle.close(),
      };
    },
    countTraffic: (spec, options) => countTrafficOnEmulator(spec, options, settings, checkAddon),
  };
}
