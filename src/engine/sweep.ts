/**
 * The measurement loop: for each case, (pilot,) warmup, then samples until the stopping rule
 * holds. Between two samples is a safe point: an aborted signal ends the sweep there and the
 * cases finished so far are returned (the case in progress is dropped, never half-reported).
 */
import type { Backend, CaseHandle, NativeSample, OpenOptions } from '../backends/backend.js';
import type { CaseSpec, Measurement } from '../model.js';
import type { CaseResult } from '../results/schema.js';
import { median } from 'simple-statistics';
import { buildCaseResult, sampleOpsPerSec, warmupError as warmupFailure, type CaseExtras } from './case-result.js';
import { memoryOf, type MemoryTraffic } from '../results/memory.js';
import { verificationFailed, verificationText } from '../results/verification.js';
import type { ProgressListener } from './events.js';
import { stopReason } from './stopping.js';

export interface SweepOptions {
  measurement: Measurement;
  countConflicts: boolean;
  seed: number;
  /** After the timed samples, count each case's memory traffic on the emulator (backends that can). */
  memoryTraffic?: boolean;
  /** Gate calibration: spin per write = this percent of a pilot's per-write time (0 = off). */
  calibrateSlowdown?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Monotonic clock in seconds (tests pass a fake one). */
  clock?: () => number;
}

export interface SweepOutcome {
  cases: CaseResult[];
  /** true when the signal ended the sweep before every case finished */
  aborted: boolean;
  /** wall time of the memory-traffic passes (0 when none ran) */
  trafficSeconds: number;
}

/** Single mode times about this many writes per sample for latency percentiles. */
export const LATENCY_TIMINGS_PER_SAMPLE = 4096;
export const PILOT_SAMPLES = 3;

const realClock = (): number => performance.now() / 1000;

class Aborted extends Error {}

/** First line of an error, without a leading "case <id>: " (the result already names its case). */
function message(err: unknown, spec: CaseSpec): string {
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  const prefix = `case ${spec.id}: `;
  return first.startsWith(prefix) ? first.slice(prefix.length) : first;
}

export function openOptionsFor(spec: CaseSpec, o: Pick<SweepOptions, 'countConflicts' | 'seed'>, slowdownNs: number): OpenOptions {
  return {
    countConflicts: o.countConflicts,
    slowdownNs,
    latencyEvery: spec.mode === 'single' ? Math.max(1, Math.ceil(spec.keys / LATENCY_TIMINGS_PER_SAMPLE)) : 0,
    seed: o.seed,
  };
}

async function sample(handle: CaseHandle, signal: AbortSignal | undefined): Promise<NativeSample> {
  if (signal?.aborted) throw new Aborted();
  return handle.runSample();
}

/** Per-write time of a short pilot (the case as measured, without slowdown) → the spin to add. */
async function calibrate(spec: CaseSpec, backend: Backend, o: SweepOptions, percent: number, emit: (n: number, ops: number) => void): Promise<number> {
  const handle = backend.open(spec, openOptionsFor(spec, o, 0));
  try {
    const perWrite: number[] = [];
    for (let i = 0; i < PILOT_SAMPLES; i++) {
      const s = await sample(handle, o.signal);
      perWrite.push(s.elapsedNs / Math.max(s.writes, 1));
      emit(i + 1, sampleOpsPerSec(s));
    }
    // The native spin has 1 ns resolution; any asked slowdown adds at least 1 ns.
    return Math.max(1, Math.round((median(perWrite) * percent) / 100));
  } finally {
    await handle.close();
  }
}

async function runCase(spec: CaseSpec, index: number, total: number, backend: Backend, o: SweepOptions, traffic: { seconds: number }): Promise<CaseResult> {
  const clock = o.clock ?? realClock;
  const m = o.measurement;
  const emit = (phase: 'pilot' | 'warmup' | 'measure') => (n: number, opsPerSec: number) =>
    o.onProgress?.({ kind: 'sample', index, total, spec, phase, n, opsPerSec });
  const notes: string[] = [];
  const measured: NativeSample[] = [];
  let handle: CaseHandle | undefined;
  let error: string | undefined;
  let warmupError: string | undefined;
  let stop: CaseExtras['stop'];
  try {
    let slowdownNs = 0;
    // A peer has no calibration knob: its writes run as they are.
    const percent = spec.peer ? 0 : (o.calibrateSlowdown ?? 0);
    if (percent > 0) {
      slowdownNs = await calibrate(spec, backend, o, percent, emit('pilot'));
      notes.push(`calibrate-slowdown ${percent}%: +${slowdownNs} ns spin per write`);
    }
    handle = backend.open(spec, openOptionsFor(spec, o, slowdownNs));
    for (let i = 0; i < m.warmup; i++) {
      const s = await sample(handle, o.signal);
      warmupError = warmupFailure(s) ?? warmupError;
      emit('warmup')(i + 1, sampleOpsPerSec(s));
    }
    const start = clock();
    const ops: number[] = [];
    for (;;) {
      const s = await sample(handle, o.signal);
      measured.push(s);
      ops.push(sampleOpsPerSec(s));
      emit('measure')(ops.length, ops[ops.length - 1]!);
      const elapsed = clock() - start;
      const reason = stopReason(ops, elapsed, m);
      if (reason !== null) {
        stop = { reason, seconds: elapsed };
        break;
      }
    }
  } catch (err) {
    if (err instanceof Aborted) throw err;
    error = message(err, spec);
  } finally {
    await handle?.close();
  }
  let memory: MemoryTraffic | undefined;
  if (o.memoryTraffic && backend.countTraffic && !spec.peer && error === undefined && !o.signal?.aborted) {
    try {
      const t = await backend.countTraffic(spec, openOptionsFor(spec, o, 0));
      traffic.seconds += t.seconds;
      if (verificationFailed(t.verification)) throw new Error(`verification failed: ${verificationText(t.verification)}`);
      memory = memoryOf(t.traffic, t.writes, spec.valueSize, o.countConflicts ? 'count' : 'plain', t.emulatorSeed);
    } catch (err) {
      error = `memory-traffic pass: ${message(err, spec)}`;
    }
  }
  return buildCaseResult(spec, measured, { ...(error ? { error } : {}), ...(warmupError ? { warmupError } : {}), notes, ...(stop ? { stop } : {}), ...(memory ? { memory } : {}) });
}

/** Runs every case in order; a failing case is recorded and the sweep goes on. */
export async function runSweep(specs: readonly CaseSpec[], backend: Backend, o: SweepOptions): Promise<SweepOutcome> {
  const cases: CaseResult[] = [];
  const traffic = { seconds: 0 };
  for (let i = 0; i < specs.length; i++) {
    if (o.signal?.aborted) return { cases, aborted: true, trafficSeconds: traffic.seconds };
    const spec = specs[i]!;
    o.onProgress?.({ kind: 'case-start', index: i, total: specs.length, spec });
    let result: CaseResult;
    try {
      result = await runCase(spec, i, specs.length, backend, o, traffic);
    } catch (err) {
      if (err instanceof Aborted) return { cases, aborted: true, trafficSeconds: traffic.seconds };
      throw err;
    }
    cases.push(result);
    o.onProgress?.({ kind: 'case-end', index: i, total: specs.length, result });
  }
  return { cases, aborted: false, trafficSeconds: traffic.seconds };
}
