/** The stopping rule (nvbench/hyperfine style): bounds on sample count and time, and noise. */
import type { Measurement } from '../model.js';
import { relativeHalfWidth } from '../stats/summary.js';

export type StopReason = 'maxSamples' | 'maxTime' | 'noise';

/**
 * After each measured sample: stop at maxSamples; otherwise keep going until both minSamples
 * and minTime are met; then stop at maxTime, or once the 95% interval of the median is narrower
 * than maxNoise percent of it (half-width / median; maxNoise 0 turns this off).
 */
export function stopReason(opsPerSec: readonly number[], elapsedS: number, m: Measurement): StopReason | null {
  const n = opsPerSec.length;
  if (n >= m.maxSamples) return 'maxSamples';
  if (n < m.minSamples || elapsedS < m.minTime) return null;
  if (elapsedS >= m.maxTime) return 'maxTime';
  if (m.maxNoise > 0 && relativeHalfWidth(opsPerSec) * 100 < m.maxNoise) return 'noise';
  return null;
}
