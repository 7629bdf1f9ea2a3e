/**
 * The measurement loop of `writeprof ab`: two builds of the backend in one process, measured in
 * the same rounds so that the machine's state (neighbours' load, clocks, steal time) hits both
 * alike and cancels in the per-round ratio (randomized multiple interleaved trials, Abedi &
 * Brecht, ICPE 2017; duet benchmarking, Bulej et al. 2020).
 *
 * Round r visits every case in profile order (so one case's rounds spread over the whole run,
 * not one burst of load), and per case:
 *   - opens the case on both sides, in a random order (each opening owns fresh memory: placement
 *     alone moved a case by ±13% in bench/, so a case opened once per side would carry one
 *     placement's luck into every round);
 *   - runs `warmup` samples per side, then `samplesPerRound` samples per side alternating
 *     A B B A A B ... (ABBA: neither side always goes first or last);
 *   - closes both.
 * Rounds 2k and 2k+1 use opposite orders, the first drawn at random from the seed: each side
 * leads equally often. A side that fails (open refused, a sample throws) stops being measured
 * for that case; its result records the error.
 */
import type { Backend, CaseHandle, NativeSample } from '../backends/backend.js';
import type { CaseSpec } from '../model.js';
import type { CaseResult } from '../results/schema.js';
import { median } from 'simple-statistics';
import { buildCaseResult, warmupError } from '../engine/case-result.js';
import { openOptionsFor, PILOT_SAMPLES } from '../engine/sweep.js';
import { mulberry32 } from '../stats/rng.js';

export const SIDES = ['base', 'head'] as const;
export type Side = (typeof SIDES)[number];

export interface AbOptions {
  rounds: number;
  samplesPerRound: number;
  /** samples per side and round before the measured ones (discarded; the first sample of a freshly opened case is slower) */
  warmup: number;
  countConflicts: boolean;
  seed: number;
  /** calibration: a spin per write of this percent of the case's per-write time, on the head side only */
  headSlowdownPercent?: number;
  signal?: AbortSignal;
  /** after each (round, case) */
  onProgress?: (done: number, total: number, spec: CaseSpec, round: number) => void;
}

export interface AbOutcome {
  base: CaseResult[];
  head: CaseResult[];
  /** rounds completed by every case */
  rounds: number;
  aborted: boolean;
}

interface SideState {
  samples: NativeSample[];
  rounds: number[];
  error?: string;
  warmupError?: string;
  notes: string[];
}

class Aborted extends Error {}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/**
 * The head side's calibration spin, as `run --calibrate-slowdown` computes it, from a pilot on the
 * head build: one discarded sample (a fresh case's first sample faults its memory in), then the
 * median per-write time of PILOT_SAMPLES + 2 (one pilot per case: a load burst must not set it).
 */
async function pilotSpin(spec: CaseSpec, backend: Backend, o: AbOptions, percent: number): Promise<number> {
  const handle = backend.open(spec, openOptionsFor(spec, o, 0));
  try {
    await handle.runSample();
    const perWrite: number[] = [];
    for (let i = 0; i < PILOT_SAMPLES + 2; i++) {
      const s = await handle.runSample();
      perWrite.push(s.elapsedNs / Math.max(s.writes, 1));
    }
    return Math.max(1, Math.round((median(perWrite) * percent) / 100));
  } finally {
    handle.close();
  }
}

/** Which side goes first in each round of one case: alternating in pairs of rounds, randomly started. */
export function roundOrders(rounds: number, rng: () => number): Side[][] {
  const orders: Side[][] = [];
  for (let r = 0; r < rounds; r += 2) {
    const first: Side[] = rng() < 0.5 ? ['base', 'head'] : ['head', 'base'];
    orders.push(first);
    if (r + 1 < rounds) orders.push([first[1]!, first[0]!]);
  }
  return orders;
}

/** Sample order within a round: A B B A A B ... for `perSide` samples per side. */
export function abbaSequence(first: Side, perSide: number): Side[] {
  const second: Side = first === 'base' ? 'head' : 'base';
  const seq: Side[] = [];
  for (let j = 0; j < perSide; j++) seq.push(...(j % 2 === 0 ? [first, second] : [second, first]));
  return seq;
}

export async function runInterleaved(specs: readonly CaseSpec[], backends: Record<Side, Backend>, o: AbOptions): Promise<AbOutcome> {
  const rng = mulberry32(o.seed ^ 0x0ab0ab);
  const orders = specs.map(() => roundOrders(o.rounds, rng));
  const state = specs.map(() => ({ base: { samples: [], rounds: [], notes: [] } as SideState, head: { samples: [], rounds: [], notes: [] } as SideState }));
  const spin = specs.map(() => ({ base: 0, head: 0 }));
  let roundsDone = 0;
  let aborted = false;
  const check = (): void => {
    if (o.signal?.aborted) throw new Aborted();
  };
  const percent = o.headSlowdownPercent ?? 0;
  try {
    if (percent > 0) {
      for (let i = 0; i < specs.length; i++) {
        check();
        try {
          spin[i]!.head = await pilotSpin(specs[i]!, backends.head, o, percent);
          state[i]!.head.notes.push(`calibrate-slowdown ${percent}% (head only): +${spin[i]!.head} ns spin per write`);
        } catch (err) {
          state[i]!.head.error = firstLine(err);
        }
      }
    }
    for (let r = 0; r < o.rounds; r++) {
      for (let i = 0; i < specs.length; i++) {
        const spec = specs[i]!;
        const st = state[i]!;
        const order = orders[i]![r]!;
        const live = order.filter((side) => st[side].error === undefined);
        if (live.length === 0) {
          o.onProgress?.(r * specs.length + i + 1, o.rounds * specs.length, spec, r);
          continue;
        }
        check();
        const handles: Partial<Record<Side, CaseHandle>> = {};
        const guard = async (side: Side, fn: () => Promise<void> | void): Promise<void> => {
          if (st[side].error !== undefined) return;
          try {
            await fn();
          } catch (err) {
            if (err instanceof Aborted) throw err;
            st[side].error = firstLine(err);
          }
        };
        try {
          for (const side of live) await guard(side, () => void (handles[side] = backends[side].open(spec, openOptionsFor(spec, o, spin[i]![side]))));
          for (let w = 0; w < o.warmup; w++) {
            for (const side of live) {
              check();
              await guard(side, async () => {
                const s = await handles[side]!.runSample();
                st[side].warmupError = warmupError(s) ?? st[side].warmupError;
              });
            }
          }
          for (const side of abbaSequence(order[0]!, o.samplesPerRound)) {
            if (!handles[side]) continue;
            check();
            await guard(side, async () => {
              const s = await handles[side]!.runSample();
              st[side].samples.push(s);
              st[side].rounds.push(r);
            });
          }
        } finally {
          for (const side of SIDES) handles[side]?.close();
        }
        o.onProgress?.(r * specs.length + i + 1, o.rounds * specs.length, spec, r);
      }
      roundsDone = r + 1;
    }
  } catch (err) {
    if (!(err instanceof Aborted)) throw err;
    aborted = true;
  }
  const result = (side: Side): CaseResult[] =>
    specs.map((spec, i) => {
      const st = state[i]![side];
      const c = buildCaseResult(spec, st.samples, {
        ...(st.error ? { error: st.error } : {}),
        ...(st.warmupError ? { warmupError: st.warmupError } : {}),
        notes: st.notes,
      });
      return { ...c, rounds: st.rounds };
    });
  return { base: result('base'), head: result('head'), rounds: roundsDone, aborted };
}

