/**
 * The memory-traffic pass: one more sample of a case, on the check addon (kernels/cuda compiled
 * with every load and store reaching the emulator's hooks) with the traffic counter on. The timed
 * samples stay on the plain emulator build (or the GPU): counting never slows what is timed. One
 * worker runs the blocks in order, so the counts are a function of the emulator seed (host threads
 * racing each other, in concurrent mode and single mode's mailbox, are the exception).
 */
import type { CaseSpec, EmulatorSettings } from '../model.js';
import type { OpenOptions } from './backend.js';
import { checkTraffic, type RawSample, type RawTraffic } from './contract.js';
import { nativeCaseParams, openNativeCase } from './native-backend.js';
import { loadCheckAddon, type NativeCheckAddon } from './native.js';

export interface TrafficSample {
  traffic: RawTraffic;
  /** writes in the counted sample */
  writes: number;
  /** the counted sample's verification: counts of a sample that lost writes are not the case's */
  verification: RawSample['verification'];
  /** the counted sample's conflict counters (zero unless the case counts conflicts) */
  counters: RawSample['counters'];
  emulatorSeed: number;
  /** wall time of the pass, setup included */
  seconds: number;
}

export async function countTrafficOnEmulator(
  spec: CaseSpec,
  options: OpenOptions,
  emulator: EmulatorSettings,
  addon: () => NativeCheckAddon = loadCheckAddon,
): Promise<TrafficSample> {
  const t0 = performance.now();
  const a = addon();
  // On before the case opens: the access tap must see the runner's allocations.
  a.countTraffic(true);
  const params = {
    ...nativeCaseParams('cuda-emu', spec, { ...options, slowdownNs: 0, latencyEvery: 0 }),
    emuSeed: emulator.seed,
    emuWorkers: 1,
    emuTimeoutSec: emulator.timeoutSec,
  };
  const handle = openNativeCase(a, params, spec.id);
  try {
    a.countTraffic(true);  // forget the runner's setup: only the sample's kernels and copies count
    const s = await handle.runSample();
    const traffic = checkTraffic(a.takeTraffic());
    return { traffic, writes: s.writes, verification: s.verification, counters: s.counters, emulatorSeed: emulator.seed, seconds: (performance.now() - t0) / 1000 };
  } finally {
    a.countTraffic(false);
    handle.close();
  }
}
