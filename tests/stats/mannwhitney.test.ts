import { describe, expect, it } from 'vitest';
import { exactUCounts, mannWhitneyU, normalUpperTail } from '../../src/stats/mannwhitney.js';
import { holmAdjust } from '../../src/stats/multiple.js';
import { incompleteBeta, logGamma, studentTTwoSided } from '../../src/stats/studentt.js';

// Reference values: hand-derivable ones are derived in the comments; the rest were cross-checked
// against SciPy 1.17 `scipy.stats.mannwhitneyu` (method noted beside each).
describe('mannWhitneyU', () => {
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];

  it('exact: SciPy documentation example (U = 17, p = 1/9)', () => {
    const r = mannWhitneyU(males, females);
    expect(r.method).toBe('exact');
    expect(r.u1).toBe(17);
    expect(r.u2).toBe(3);
    // P(U <= 3) for (5, 4) = 7 / 126 arrangements; two-sided 14/126 = 1/9.
    expect(r.p).toBeCloseTo(1 / 9, 12);
  });

  it('asymptotic with continuity correction: same example (SciPy 0.11134688653314041)', () => {
    // z = (|17 - 10| - 0.5) / sqrt(5*4*10/12) = 1.59217...
    const r = mannWhitneyU(males, females, 'asymptotic');
    expect(r.z).toBeCloseTo(6.5 / Math.sqrt(200 / 12), 12);
    expect(r.p).toBeCloseTo(0.11134688653314041, 10);
  });

  it('complete separation: exact p = 2 / C(20, 10)', () => {
    const a = Array.from({ length: 10 }, (_, i) => i + 1);
    const b = Array.from({ length: 10 }, (_, i) => i + 11);
    const r = mannWhitneyU(a, b);
    expect(r.u1).toBe(0);
    expect(r.p).toBeCloseTo(2 / 184756, 15);
    // asymptotic: SciPy 0.00018267179110955002
    expect(mannWhitneyU(a, b, 'asymptotic').p).toBeCloseTo(0.00018267179110955002, 12);
  });

  it('ties use midranks and the tie-corrected variance (SciPy asymptotic 0.14457930452971032)', () => {
    const r = mannWhitneyU([1, 2, 2, 3, 3, 3, 7], [2, 3, 4, 5, 5, 8]);
    expect(r.method).toBe('asymptotic'); // ties force the normal approximation
    expect(r.u1).toBe(10.5);
    expect(r.p).toBeCloseTo(0.14457930452971032, 10);
  });

  it('more reference values', () => {
    const a = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const b = [1.15, 0.88, 0.9, 0.74, 1.21];
    expect(mannWhitneyU(a, b).u1).toBe(35);
    expect(mannWhitneyU(a, b).p).toBeCloseTo(0.2544122544122544, 12); // exact
    expect(mannWhitneyU(a, b, 'asymptotic').p).toBeCloseTo(0.24462360512698333, 10);
    const c = [1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8];
    const d = [1.5, 3.5, 5.5, 7.5, 9.5, 11.5, 13.5, 15.5, 17.5];
    expect(mannWhitneyU(c, d).p).toBeCloseTo(0.08307557025197591, 10); // one tie (5.5): asymptotic
  });

  it('is symmetric in its arguments and p = 1 when everything ties', () => {
    expect(mannWhitneyU(females, males).p).toBeCloseTo(mannWhitneyU(males, females).p, 15);
    expect(mannWhitneyU([3, 3, 3], [3, 3]).p).toBe(1);
    expect(mannWhitneyU([], [1]).p).toBeNaN();
    expect(() => mannWhitneyU([1, 1], [1, 2], 'exact')).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('exact U counts sum to C(m+n, m) and are symmetric', () => {
    const c = exactUCounts(3, 2);
    expect(Array.from(c)).toEqual([1, 1, 2, 2, 2, 1, 1]);
    const big = exactUCounts(25, 25);
    expect(big.reduce((s, v) => s + v, 0)).toBe(126410606437752);
    expect(big[0]).toBe(1);
    expect(big[625]).toBe(1);
    expect(big[100]).toBe(big[525]);
  });

  it('normal upper tail matches known values', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 15);
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 12);
    expect(normalUpperTail(3)).toBeCloseTo(0.0013498980316301, 14);
    expect(normalUpperTail(6) / 9.865876450376946e-10).toBeCloseTo(1, 10);
    expect(normalUpperTail(-1)).toBeCloseTo(0.8413447460685429, 13);
  });
});

describe('holmAdjust', () => {
  it('matches the step-down definition (R p.adjust(method = "holm"))', () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 12));
    expect(holmAdjust([0.5, NaN, 0.9])).toEqual([1, NaN, 1]); // m = 2: 2*0.5, max(1, 0.9)
    expect(holmAdjust([0.2])).toEqual([0.2]);
  });
});

describe('Student t', () => {
  it('matches table values of the two-sided p (quantiles from SciPy stats.t.ppf)', () => {
    expect(studentTTwoSided(1, 1)).toBeCloseTo(0.5, 12); // Cauchy: 1 - 2*atan(1)/pi
    expect(studentTTwoSided(2.262157162798205, 9)).toBeCloseTo(0.05, 10);
    expect(studentTTwoSided(3.4994832973504924, 7)).toBeCloseTo(0.01, 10);
    expect(studentTTwoSided(12.706204736174694, 1)).toBeCloseTo(0.05, 10);
    expect(studentTTwoSided(-4.604094871349992, 4)).toBeCloseTo(0.01, 10);
    expect(studentTTwoSided(0, 5)).toBeCloseTo(1, 12);
    // large df tends to the normal: 2 * Q(1.959964)
    expect(studentTTwoSided(1.959963984540054, 1e7)).toBeCloseTo(0.05, 6);
  });

  it('log-gamma and incomplete beta agree with closed forms', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 13); // uniform
    expect(incompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 13); // x^2
    expect(incompleteBeta(0.8, 1, 3)).toBeCloseTo(1 - 0.2 ** 3, 13);
  });
});
