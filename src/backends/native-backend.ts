/**
 * A Backend over the native addon, shared by the CPU and CUDA backends: each supplies its name
 * and status(); building NativeCaseParams, mapping errors and converting samples live here.
 */
import { isBuiltinStrategy, keyDistOf, PEER_STRATEGY, type BackendName, type CaseSpec, type KeyDist } from '../model.js';
import { UsageError } from '../errors.js';
import { DEFAULTS } from '../limits.js';
import type { Backend, BackendStatus, CaseHandle, NativeSample, OpenOptions } from './backend.js';
import { checkSample, type NativeCaseParams, type RawSample } from './contract.js';
import { loadAddon, type NativeAddon } from './native.js';

/** OpenOptions plus what only native backends understand. */
export interface NativeOpenOptions extends OpenOptions {
  /** Refuse cases whose value arena (keys x value stride) exceeds this; default DEFAULTS.arenaLimitBytes. */
  arenaLimitBytes?: number;
}

/** A key distribution as the addon takes it (the plan checked it; the addon checks its bounds again). */
export function nativeKeyDist(d: KeyDist): Pick<NativeCaseParams, 'dist' | 'zipfTheta'> {
  return d.kind === 'uniform' ? { dist: 'uniform', zipfTheta: 0 } : { dist: 'zipf', zipfTheta: d.theta };
}

function nativeStrategy(s: CaseSpec['strategy']): NativeCaseParams['strategy'] {
  if (s === PEER_STRATEGY) return PEER_STRATEGY;
  if (isBuiltinStrategy(s)) return s;
  return 'user';
}

export function nativeCaseParams(backend: NativeCaseParams['backend'], spec: CaseSpec, options: NativeOpenOptions): NativeCaseParams {
  return {
    backend,
    // A strategy file's kernel is the native `user` strategy of the build linked with it.
    strategy: nativeStrategy(spec.strategy),
    mode: spec.mode,
    valueSize: spec.valueSize,
    batchSize: spec.batchSize,
    threads: spec.threads,
    keys: spec.keys,
    loadFactor: spec.loadFactor,
    ...nativeKeyDist(keyDistOf(spec.keyDist)),
    updateShare: spec.updateShare ?? 0,
    seed: options.seed,
    countConflicts: options.countConflicts,
    slowdownNs: options.slowdownNs,
    latencyEvery: options.latencyEvery,
    arenaLimitBytes: options.arenaLimitBytes ?? DEFAULTS.arenaLimitBytes,
  };
}

export function toNativeSample(raw: RawSample): NativeSample {
  checkSample(raw);
  const sample: NativeSample = {
    elapsedNs: raw.elapsedNs,
    writes: raw.writes,
    phasesNs: { ...raw.phasesNs },
    counters: { ...raw.counters },
    verification: { ...raw.verification },
  };
  if (raw.latencyNs.length > 0) sample.latencyNs = raw.latencyNs;
  if (raw.notes.length > 0) sample.notes = [...raw.notes];
  if (raw.bandwidth) sample.bandwidth = { ...raw.bandwidth };
  return sample;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A native case's handle, with the native finish() (a peer releasing its keys) exposed. */
export interface NativeCaseHandle extends CaseHandle {
  finish(): Promise<void>;
  close(): void;
}

/** Opens one case on the addon; a refusal (bad value, capacity, arena, device) is a UsageError. */
export function openNativeCase(addon: NativeAddon, params: NativeCaseParams, label: string): NativeCaseHandle {
  let native;
  try {
    native = new addon.Case(params);
  } catch (err) {
    throw new UsageError(`case ${label}: ${messageOf(err)}`);
  }
  let closed = false;
  return {
    async runSample(): Promise<NativeSample> {
      try {
        return toNativeSample(await native.runSample());
      } catch (err) {
        throw new Error(`case ${label}: ${messageOf(err)}`);
      }
    },
    async finish(): Promise<void> {
      try {
        await native.finish();
      } catch (err) {
        throw new Error(`case ${label}: ${messageOf(err)}`);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      native.close();
    },
  };
}

export interface NativeBackendConfig {
  name: BackendName;
  /** Which runner the addon builds. */
  native: NativeCaseParams['backend'];
  status(): BackendStatus;
  /** Injectable for tests; defaults to the built addon. */
  addon?: () => NativeAddon;
}

export function createNativeBackend(config: NativeBackendConfig): Backend {
  const addon = config.addon ?? loadAddon;
  return {
    name: config.name,
    status: () => config.status(),
    open(spec: CaseSpec, options: OpenOptions): CaseHandle {
      return openNativeCase(addon(), nativeCaseParams(config.native, spec, options), spec.id);
    },
  };
}
