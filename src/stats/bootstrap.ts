import { mulberry32 } from './rng.js';

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 0x5eed;

export interface RatioInterval {
  /** median(numerator) / median(denominator) of the observed samples */
  value: number;
  low: number;
  high: number;
}

/** k-th smallest (0-based) of buf[lo..hi], reordering buf in place (Hoare quickselect). */
function select(buf: Float64Array, k: number, lo = 0, hi = buf.length - 1): number {
  while (hi > lo) {
    // median-of-three pivot keeps sorted and constant inputs linear
    const mid = (lo + hi) >> 1;
    const a = buf[lo]!;
    const b = buf[mid]!;
    const c = buf[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (buf[i]! < pivot) i++;
      while (buf[j]! > pivot) j--;
      if (i <= j) {
        const t = buf[i]!;
        buf[i] = buf[j]!;
        buf[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return buf[k]!;
  }
  return buf[k]!;
}

/** Median of a scratch buffer (reorders it): selection, not a full sort, since it runs per resample. */
function medianInPlace(buf: Float64Array): number {
  const n = buf.length;
  const mid = n >> 1;
  const upper = select(buf, mid);
  if (n % 2 === 1) return upper;
  // after select, buf[0..mid-1] are all <= upper: the lower middle is their maximum
  let lower = buf[0]!;
  for (let i = 1; i < mid; i++) if (buf[i]! > lower) lower = buf[i]!;
  return (lower + upper) / 2;
}

export function medianOf(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  return medianInPlace(Float64Array.from(xs));
}

/**
 * 95% (by default) percentile-bootstrap interval of median(num) / median(den).
 * The two sample sets are resampled independently (they come from separate runs), with a
 * seeded RNG so the interval is the same every time for the same input.
 * Empty input or a zero denominator median gives NaN everywhere.
 */
export function bootstrapRatioOfMedians(
  num: ArrayLike<number>,
  den: ArrayLike<number>,
  opts: { resamples?: number; seed?: number; confidence?: number } = {},
): RatioInterval {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const confidence = opts.confidence ?? 0.95;
  const nNum = num.length;
  const nDen = den.length;
  if (nNum === 0 || nDen === 0) return { value: NaN, low: NaN, high: NaN };
  const mDen = medianOf(den);
  if (mDen === 0) return { value: NaN, low: NaN, high: NaN };
  const value = medianOf(num) / mDen;

  const rng = mulberry32(opts.seed ?? DEFAULT_SEED);
  const bufNum = new Float64Array(nNum);
  const bufDen = new Float64Array(nDen);
  const ratios = new Float64Array(resamples);
  let kept = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < nNum; i++) bufNum[i] = num[Math.floor(rng() * nNum)]!;
    for (let i = 0; i < nDen; i++) bufDen[i] = den[Math.floor(rng() * nDen)]!;
    const d = medianInPlace(bufDen);
    if (d !== 0) ratios[kept++] = medianInPlace(bufNum) / d;
  }
  const sorted = ratios.subarray(0, kept).sort();
  const alpha = (1 - confidence) / 2;
  return { value, low: percentileSorted(sorted, alpha), high: percentileSorted(sorted, 1 - alpha) };
}

/** Linear interpolation between closest ranks (numpy's default, R type 7). */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (n === 1) return sorted[0]!;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
