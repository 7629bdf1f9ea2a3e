/** The progress line's content and fit, and the ETA from measured case durations. */
import { describe, expect, it } from 'vitest';
import { clockTime, estimateRemaining, progressLine } from '../../src/engine/progress-bar.js';
import type { CaseSpec, Mode } from '../../src/model.js';

const spec = (mode: Mode, i: number): CaseSpec => ({ id: `${mode}/${i}`, mode, strategy: 'baseline', valueSize: 64, batchSize: 1, threads: 1, keyDist: 'uniform', loadFactor: 0.5, keys: 1000 });

describe('progressLine', () => {
  const state = { done: 12, total: 60, elapsedS: 42, etaS: 171, caseId: 'concurrent/write-combine/v64/b1000/t16/uniform/lf0.5/k1000000', phase: 'measure', n: 12, ops: '3.41M' };

  it('shows cases, elapsed time and ETA, and fits every width (3 columns spare for an echoed ^C)', () => {
    for (const width of [200, 130, 120, 100, 80, 60, 40, 30]) {
      const line = progressLine(state, width);
      expect(line.length).toBeLessThanOrEqual(width - 3);
      expect(line).toContain('12/60 cases');
      if (width >= 42) expect(line).toContain('0:42 elapsed | ETA 2:51');
    }
    expect(progressLine(state, 200)).toBe(` ${'█'.repeat(5)}${'░'.repeat(19)} 12/60 cases | 0:42 elapsed | ETA 2:51 | ${state.caseId} | measure 12 | 3.41M ops/s`);
    // Narrower: the case id is shortened before the rate and phase go.
    expect(progressLine(state, 120)).toMatch(/\| concurrent\/write-combin… \| measure 12 \| 3\.41M ops\/s$/);
  });

  it('says the ETA is unknown until a case has finished', () => {
    expect(progressLine({ done: 0, total: 60, elapsedS: 3 }, 80)).toBe(` ${'░'.repeat(24)} 0/60 cases | 0:03 elapsed | ETA --:--`);
  });

  it('clock times', () => {
    expect([clockTime(0), clockTime(75), clockTime(3725)]).toEqual(['0:00', '1:15', '1:02:05']);
  });
});

describe('estimateRemaining', () => {
  const specs = [spec('single', 0), spec('single', 1), spec('batch', 2), spec('batch', 3), spec('concurrent', 4)];

  it('is unknown before any case finished', () => {
    expect(estimateRemaining(specs, 0, new Map(), 1)).toBeUndefined();
  });

  it('uses each mode\'s mean measured duration, the overall mean for unseen modes, less the current case\'s time', () => {
    const durations = new Map<Mode, number[]>([
      ['single', [1, 3]],
      ['batch', [10]],
    ]);
    // next = 3 (batch, running 4 s of ~10), then concurrent (unseen: overall mean (1+3+10)/3).
    expect(estimateRemaining(specs, 3, durations, 4)).toBeCloseTo(6 + 14 / 3, 9);
    // The current case already ran longer than its mode's mean: it counts 0, not negative.
    expect(estimateRemaining(specs, 4, durations, 100)).toBe(0);
  });
});
