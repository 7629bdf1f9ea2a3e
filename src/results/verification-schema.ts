import { z } from 'zod';

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
