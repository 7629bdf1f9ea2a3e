import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../src/model.js';
import type { ProgressEvent } from '../../src/engine/events.js';
import { stopReason } from '../../src/engine/stopping.js';
import { runSweep, type SweepOptions } from '../../src/engine/sweep.js';
import { resultsSchema } from '../../src/results/schema.js';
import { FakeBackend, spec } from './fake-backend.js';

const M = (over: Partial<Measurement> = {}): Measurement => ({ warmup: 0, minSamples: 1, maxSamples: 1000, minTime: 0, maxTime: 1e6, maxNoise: 0, ...over });

function opts(fake: FakeBackend, over: Partial<SweepOptions> = {}): SweepOptions {
  return { measurement: M(), countConflicts: true, seed: 42, clock: fake.clock, ...over };
}

/** A noisy but deterministic timing series: 1 ms ± 10%, spread evenly (golden-ratio sequence). */
const noisy = (i: number): number => 1e6 * (0.9 + 0.2 * ((i * 0.6180339887) % 1));

describe('stopping rule', () => {
  it('never stops before minSamples and minTime, stops at maxSamples regardless', () => {
    const m = M({ minSamples: 5, minTime: 1, maxTime: 2, maxSamples: 8, maxNoise: 50 });
    expect(stopReason([1, 1, 1, 1], 10, m)).toBeNull();
    expect(stopReason([1, 1, 1, 1, 1], 0.5, m)).toBeNull();
    expect(stopReason([1, 1, 1, 1, 1], 1, m)).toBe('noise');
    expect(stopReason([1, 5, 1, 5, 9], 1.5, m)).toBeNull();
    expect(stopReason([1, 5, 1, 5, 9], 2, m)).toBe('maxTime');
    expect(stopReason(Array(8).fill(1), 0, m)).toBe('maxSamples');
  });

  it('maxNoise 0 turns the noise rule off', () => {
    expect(stopReason(Array(50).fill(3), 1, M({ minSamples: 2 }))).toBeNull();
  });
});

describe('engine loop with a scripted backend', () => {
  it('stops at maxSamples when noise and time rules are off; warmup samples are discarded', async () => {
    const fake = new FakeBackend({ elapsedNs: () => 1e6 });
    const out = await runSweep([spec()], fake, opts(fake, { measurement: M({ warmup: 3, maxSamples: 12 }) }));
    expect(fake.samplesRun).toBe(15);
    expect(out.cases[0]!.samples).toHaveLength(12);
    expect(out.cases[0]!.stats.n).toBe(12);
    expect(fake.closed).toBe(1);
  });

  it('keeps sampling until minSamples even past maxTime', async () => {
    const fake = new FakeBackend({ elapsedNs: () => 1e9 }); // 1 s per sample
    const out = await runSweep([spec()], fake, opts(fake, { measurement: M({ minSamples: 4, maxTime: 0.5 }) }));
    expect(out.cases[0]!.samples).toHaveLength(4);
  });

  it('keeps sampling until minTime, then the noise rule stops it at once', async () => {
    const fake = new FakeBackend({ elapsedNs: () => 125e6 }); // 0.125 s, identical samples
    const out = await runSweep([spec()], fake, opts(fake, { measurement: M({ minSamples: 2, minTime: 1, maxNoise: 1 }) }));
    expect(out.cases[0]!.samples).toHaveLength(8);
  });

  it('stops at maxTime when noise stays high', async () => {
    const fake = new FakeBackend({ elapsedNs: noisy, wallS: () => 0.25 });
    const out = await runSweep([spec()], fake, opts(fake, { measurement: M({ minSamples: 2, maxTime: 2, maxNoise: 0.1 }) }));
    expect(out.cases[0]!.samples).toHaveLength(8);
  });

  it('stops on noise once the median interval is narrow, later for noisier samples', async () => {
    const quiet = new FakeBackend({ elapsedNs: (i) => 1e6 * (1 + 0.001 * (i % 3)) });
    const loud = new FakeBackend({ elapsedNs: noisy });
    const m = M({ minSamples: 5, maxSamples: 200, maxNoise: 2 });
    const a = await runSweep([spec()], quiet, opts(quiet, { measurement: m }));
    const b = await runSweep([spec()], loud, opts(loud, { measurement: m }));
    expect(a.cases[0]!.samples).toHaveLength(5);
    expect(b.cases[0]!.samples.length).toBeGreaterThan(60); // ±10% uniform noise: ~100 samples for a 2% interval
    expect(b.cases[0]!.samples.length).toBeLessThan(150);
  });
});

describe('case results', () => {
  it('derives figures from the samples', async () => {
    const fake = new FakeBackend({ elapsedNs: (i) => [1e6, 2e6, 4e6][i % 3]! });
    const s = spec({ mode: 'concurrent', threads: 4, valueSize: 256, keys: 1000 });
    const out = await runSweep([s], fake, opts(fake, { measurement: M({ maxSamples: 3 }) }));
    const c = out.cases[0]!;
    // 1000 writes in 1, 2, 4 ms → 1e6, 5e5, 2.5e5 ops/s; median 5e5
    expect(c.samples).toEqual([1e6, 5e5, 2.5e5]);
    expect(c.opsPerSec).toBe(5e5);
    expect(c.opsPerSecPerThread).toBe(1.25e5);
    expect(c.bytesPerSec).toBe(5e5 * 256);
    expect(c.counters).toEqual({ lockRetries: 6, casFailures: 3, probeSteps: 3000 });
    expect(c.countersPerWrite).toEqual({ lockRetries: 6 / 3000, casFailures: 3 / 3000, probeSteps: 1 });
    // stage 10 ns/write every sample; kernel (k+1) ns/write → mean 2
    expect(c.breakdown).toEqual({ stage: 10, kernel: 2 });
    expect(c.verification).toEqual({ writes: 3000, distinct: 3000, verified: 3000, lost: 0, stale: 0, corrupted: 0, duplicates: 0 });
    expect(c.latency).toBeUndefined();
    expect(c.status).toBe('ok');
    expect(c.notes).toEqual(['fake note']);
    expect(c.id).toBe(s.id);
  });

  it('single mode collects latency percentiles from every measured sample', async () => {
    const fake = new FakeBackend({ elapsedNs: () => 1e6 });
    const out = await runSweep([spec({ mode: 'single', batchSize: 1, keys: 10_000 })], fake, opts(fake, { measurement: M({ maxSamples: 2 }) }));
    const c = out.cases[0]!;
    expect(c.latency?.n).toBe(8);
    expect(c.latency?.p50).toBeCloseTo(250.5, 5);
    // latencyEvery spreads ~4096 timings over the sample
    expect(fake.opened[0]!.opts.latencyEvery).toBe(3);
  });

  it('fails a case with lost writes but keeps its numbers', async () => {
    const fake = new FakeBackend({ elapsedNs: () => 1e6, lost: (i) => (i === 1 ? 2 : 0) });
    const out = await runSweep([spec()], fake, opts(fake, { measurement: M({ maxSamples: 3 }) }));
    const c = out.cases[0]!;
    expect(c.status).toBe('failed');
    expect(c.verification.lost).toBe(2);
    expect(c.error).toBe('verification: 2 lost, 0 stale, 0 corrupted of 3,000 writes to 3,000 distinct keys');
    expect(c.opsPerSec).toBe(1e6);
  });

  it('fails a case whose keys hold stale values, as it fails one with lost writes', async () => {
    const fake = new FakeBackend({ elapsedNs: () => 1e6, stale: (i) => (i === 2 ? 5 : 0) });
    const out = await runSweep([spec()], fake, opts(fake, { measurement: M({ maxSamples: 3 }) }));
    const c = out.cases[0]!;
    expect(c.status).toBe('failed');
    expect(c.verification).toMatchObject({ stale: 5, lost: 0, verified: 2995 });
    expect(c.error).toBe('verification: 0 lost, 5 stale, 0 corrupted of 3,000 writes to 3,000 distinct keys');
  });

  it('a sample that throws fails its case, keeps the message, and the sweep goes on', async () => {
    const bad = spec({ strategy: 'lock-free' });
    const fake = new FakeBackend({
      elapsedNs: () => 1e6,
      throwAt: (i, s) => (s.id === bad.id && i === 2 ? 'runner exploded\nstack line' : undefined),
      openError: (s) => (s.strategy === 'mem-opt' ? 'arena too small' : undefined),
    });
    const specs = [bad, spec({ strategy: 'mem-opt' }), spec({ strategy: 'baseline' })];
    const out = await runSweep(specs, fake, opts(fake, { measurement: M({ maxSamples: 4 }) }));
    expect(out.cases.map((c) => c.status)).toEqual(['failed', 'failed', 'ok']);
    expect(out.cases[0]!.error).toBe('runner exploded');
    expect(out.cases[0]!.samples).toHaveLength(2);
    expect(out.cases[1]!.error).toBe('arena too small');
    expect(out.cases[1]!.samples).toEqual([]);
    expect(out.cases[1]!.countersPerWrite).toEqual({ lockRetries: 0, casFailures: 0, probeSteps: 0 });
    expect(out.aborted).toBe(false);
    // Every result fits the results schema (no NaN, failed cases included).
    for (const c of out.cases) expect(resultsSchema.shape.cases.element.safeParse(c).success).toBe(true);
  });

  it('lost writes during warmup fail the case too', async () => {
    const fake = new FakeBackend({ elapsedNs: () => 1e6, lost: (i) => (i === 0 ? 1 : 0) });
    const out = await runSweep([spec()], fake, opts(fake, { measurement: M({ warmup: 1, maxSamples: 2 }) }));
    expect(out.cases[0]!.status).toBe('failed');
    expect(out.cases[0]!.error).toMatch(/^verification failed in warmup: 1 lost/);
  });
});

describe('safe points, progress, calibration', () => {
  it('an abort between samples returns the finished cases only', async () => {
    const controller = new AbortController();
    const specs = [spec({ strategy: 'baseline' }), spec({ strategy: 'lock-free' }), spec({ strategy: 'mem-opt' })];
    const fake = new FakeBackend({
      elapsedNs: () => 1e6,
      after: (i, s) => {
        if (s.strategy === 'lock-free' && i === 1) controller.abort();
      },
    });
    const out = await runSweep(specs, fake, opts(fake, { measurement: M({ maxSamples: 5 }), signal: controller.signal }));
    expect(out.aborted).toBe(true);
    expect(out.cases.map((c) => c.strategy)).toEqual(['baseline']);
    expect(fake.samplesRun).toBe(5 + 2);
    expect(fake.closed).toBe(2);
  });

  it('an abort that lands after a case finished keeps that case', async () => {
    const controller = new AbortController();
    const fake = new FakeBackend({ elapsedNs: () => 1e6, after: (i) => i === 2 && controller.abort() });
    const out = await runSweep([spec(), spec({ strategy: 'mem-opt' })], fake, opts(fake, { measurement: M({ maxSamples: 3 }), signal: controller.signal }));
    expect(out).toMatchObject({ aborted: true });
    expect(out.cases).toHaveLength(1);
    expect(out.cases[0]!.samples).toHaveLength(3);
  });

  it('emits case and sample events in order', async () => {
    const events: ProgressEvent[] = [];
    const fake = new FakeBackend({ elapsedNs: () => 1e6 });
    await runSweep([spec(), spec({ strategy: 'mem-opt' })], fake, opts(fake, { measurement: M({ warmup: 1, maxSamples: 2 }), onProgress: (e) => events.push(e) }));
    const shape = events.map((e) => (e.kind === 'sample' ? `${e.index}:${e.phase}${e.n}` : `${e.index}:${e.kind}`));
    expect(shape).toEqual(['0:case-start', '0:warmup1', '0:measure1', '0:measure2', '0:case-end', '1:case-start', '1:warmup1', '1:measure1', '1:measure2', '1:case-end']);
    expect(events.every((e) => e.total === 2)).toBe(true);
  });

  it('--calibrate-slowdown measures a pilot and opens the case with that spin per write', async () => {
    // 1000 writes in 100 µs: 100 ns per write → 10% = 10 ns
    const fake = new FakeBackend({ elapsedNs: (_i, _s, o) => 100_000 + o.slowdownNs * 1000 });
    const out = await runSweep([spec()], fake, opts(fake, { measurement: M({ maxSamples: 2 }), calibrateSlowdown: 10 }));
    expect(fake.opened.map((o) => o.opts.slowdownNs)).toEqual([0, 10]);
    expect(fake.opened[0]!.opts).toEqual({ ...fake.opened[1]!.opts, slowdownNs: 0 }); // the pilot is the case as measured
    expect(out.cases[0]!.opsPerSec).toBeCloseTo(1000 / 110e-6, 3);
    expect(out.cases[0]!.notes).toContain('calibrate-slowdown 10%: +10 ns spin per write');
    expect(fake.closed).toBe(2);
  });

  it('passes the seed and the counting switch to every case', async () => {
    const fake = new FakeBackend({ elapsedNs: () => 1e6 });
    await runSweep([spec(), spec({ strategy: 'lock-free' })], fake, opts(fake, { seed: 9, countConflicts: false, measurement: M({ maxSamples: 1 }) }));
    expect(fake.opened.map((o) => [o.opts.seed, o.opts.countConflicts, o.opts.slowdownNs])).toEqual([
      [9, false, 0],
      [9, false, 0],
    ]);
  });
});
