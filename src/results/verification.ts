/**
 * A case's verification counts (verificationSchema: every case of ./schema.ts, every run of
 * ./check.ts) as every layer reads them: which writes fail a case, and how a failure is told.
 * Lost, stale and corrupted writes alike fail it.
 */
import { z } from 'zod';
import { fmtInt } from '../format.js';
import type { Verification } from './schema.js';

/**
 * What a case's verification counted, summed over its measured samples (each sample writes the
 * whole stream once and checks every distinct key): kernels/include/writeprof/verify.h.
 */
export const verificationSchema = z.object({
  /** writes made */
  writes: z.number().int().nonnegative(),
  /** distinct keys checked; each one verified, lost, stale or corrupted */
  distinct: z.number().int().nonnegative(),
  /** found once, holding the intact value of a write it may end with under the strategy's ordering promise */
  verified: z.number().int().nonnegative(),
  /** not found */
  lost: z.number().int().nonnegative(),
  /** found holding the intact value of a write that a later write of the key overwrote */
  stale: z.number().int().nonnegative(),
  /** found with wrong bytes, size or tag; and entries beyond the keys found (duplicates, strays, LOCKED slots) */
  corrupted: z.number().int().nonnegative(),
  /** of corrupted: entries holding a key stored elsewhere too */
  duplicates: z.number().int().nonnegative(),
});

/** Keys that failed the check: not found, holding an overwritten write, or holding no whole write of theirs. */
export function failedWrites(v: Verification): number {
  return v.lost + v.stale + v.corrupted;
}

export function verificationFailed(v: Verification): boolean {
  return failedWrites(v) > 0;
}

/** "2 lost, 5 stale, 1 corrupted (1 duplicate) of 20,000 writes to 15,000 distinct keys" */
export function verificationText(v: Verification): string {
  const dup = v.duplicates > 0 ? ` (${fmtInt(v.duplicates)} duplicate${v.duplicates === 1 ? '' : 's'})` : '';
  return `${fmtInt(v.lost)} lost, ${fmtInt(v.stale)} stale, ${fmtInt(v.corrupted)} corrupted${dup} of ${fmtInt(v.writes)} writes to ${fmtInt(v.distinct)} distinct keys`;
}

/** Zero counts, to sum samples into. */
export function noVerification(): Verification {
  return { writes: 0, distinct: 0, verified: 0, lost: 0, stale: 0, corrupted: 0, duplicates: 0 };
}

/** The counts of several samples (or cases) together. */
export function sumVerification(all: Iterable<Verification>): Verification {
  const out = noVerification();
  for (const v of all) for (const k of Object.keys(out) as (keyof Verification)[]) out[k] += v[k];
  return out;
}
