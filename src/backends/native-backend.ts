/**
 * A Backend over the native addon, shared by the CPU and CUDA backends: each supplies its name
 * and status(); building NativeCaseParams, mapping errors and converting samples live here.
 */
import type { BackendName, CaseSpec } from '../model.js';
import { UsageError } from '../errors.js';
import { ARENA_LIMIT_BYTES } from '../profile/geometry.js';
import type { Backend, BackendStatus, CaseHandle, NativeSample, OpenOptions } from './backend.js';
import { loadAddon, type NativeAddon, type NativeCaseParams, type RawSample } from './native.js';
import { parseKeyDist as parseProfileKeyDist } from '../profile/values.js';

/** OpenOptions plus what only native backends understand. */
export interface NativeOpenOptions extends OpenOptions {
  /** Refuse cases whose value arena (keys x value stride) exceeds this; default ARENA_LIMIT_BYTES. */
  arenaLimitBytes?: number;
}

/** A key distribution as the addon takes it; the syntax and limits are the profile parser's. */
export function parseKeyDist(keyDist: string): Pick<NativeCaseParams, 'dist' | 'zipfTheta'> {
  const canonical = parseProfileKeyDist('keyDist', keyDist);
  if (canonical === 'uniform') return { dist: 'uniform', zipfTheta: 0 };
  return { dist: 'zipf', zipfTheta: Number(canonical.slice('zipf:'.length)) };
}

export function nativeCaseParams(backend: NativeCaseParams['backend'], spec: CaseSpec, options: NativeOpenOptions): NativeCaseParams {
  return {
    backend,
    strategy: spec.strategy,
    mode: spec.mode,
    valueSize: spec.valueSize,
    batchSize: spec.batchSize,
    threads: spec.threads,
    keys: spec.keys,
    loadFactor: spec.loadFactor,
    ...parseKeyDist(spec.keyDist),
    seed: options.seed,
    countConflicts: options.countConflicts,
    slowdownNs: options.slowdownNs,
    latencyEvery: options.latencyEvery,
    arenaLimitBytes: options.arenaLimitBytes ?? ARENA_LIMIT_BYTES,
  };
}

export function toNativeSample(raw: RawSample): NativeSample {
  const sample: NativeSample = {
    elapsedNs: raw.elapsedNs,
    writes: raw.writes,
    phasesNs: { ...raw.phasesNs },
    counters: { ...raw.counters },
    verification: { ...raw.verification },
  };
  if (raw.latencyNs.length > 0) sample.latencyNs = raw.latencyNs;
  if (raw.notes.length > 0) sample.notes = [...raw.notes];
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
