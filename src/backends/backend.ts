import type { BackendName, CaseSpec, EmulatorSettings } from '../model.js';
import type { RawSample } from './contract.js';
import type { TrafficSample } from './traffic.js';

/** What a device or host looks like, as recorded in results.environment.device. */
export interface DeviceInfo {
  name: string;
  kind: 'cpu' | 'gpu' | 'emulator';
  [field: string]: string | number | boolean | null;
}

export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why not available (for CUDA without a driver: the runtime's own message). */
  reason?: string;
  device?: DeviceInfo;
  /** cuda-emu: the emulator settings its cases run with (recorded in results.environment) */
  emulator?: EmulatorSettings;
}

export type Counters = RawSample['counters'];
export type VerificationCounts = RawSample['verification'];

/** One timed sample as the native layer reports it. */
export interface NativeSample {
  /** Timed region only, nanoseconds. */
  elapsedNs: number;
  writes: number;
  /** Phase totals over the sample, nanoseconds (stage, kernel, h2d, d2h, probe, lock, copy, publish...). */
  phasesNs: Record<string, number>;
  counters: Counters;
  verification: VerificationCounts;
  /** Sampled per-write latencies (single mode), nanoseconds. */
  latencyNs?: Uint32Array;
  notes?: string[];
  /** CUDA: bandwidth references measured in the same run; results.bandwidth = bytesPerSec / each (bandwidthFractions). */
  bandwidth?: NonNullable<RawSample['bandwidth']>;
}

export interface OpenOptions {
  /** Maintain conflict counters (off only to measure what counting costs). */
  countConflicts: boolean;
  /** Calibration knob: a fixed spin per write, in ns (gate calibration). */
  slowdownNs: number;
  /** Single mode: time every Nth write for latency percentiles (0 = none). */
  latencyEvery: number;
  seed: number;
}

export interface CaseHandle {
  /** Reset the table, run one timed sample off the event loop, verify it. */
  runSample(): Promise<NativeSample>;
  /** Never throws; a peer's handle releases its keys on the server first (the engine awaits it). */
  close(): void | Promise<void>;
}

export interface Backend {
  readonly name: BackendName;
  status(): BackendStatus;
  /** Throws UsageError when the case cannot run (capacity, arena, unusable device). */
  open(spec: CaseSpec, options: OpenOptions): CaseHandle;
  /** Backends of the CUDA kernels: their memory traffic over one sample, counted on the emulator (./traffic.ts). */
  countTraffic?(spec: CaseSpec, options: OpenOptions): Promise<TrafficSample>;
}
