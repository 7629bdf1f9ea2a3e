/**
 * What checking one claim against a results document gives (src/gates/validate.ts decides it):
 * the shape `validate` prints and writes as JSON, and that run and report summaries show.
 */
import { z } from 'zod';
import type { Mode, PeerName } from '../model.js';

export const CLAIM_VERDICTS = ['PASS', 'FAIL', 'N/A'] as const;

export const claimOutcomeSchema = z.object({
  id: z.string(),
  kind: z.string(),
  /** the claim in the story's words */
  text: z.string(),
  /** N/A: the claim could not be evaluated (never a pass) */
  verdict: z.enum(CLAIM_VERDICTS),
  /** the claim's measure at its worst case (absent when N/A or a case failed) */
  measured: z.number().optional(),
  measuredText: z.string(),
  requiredText: z.string(),
  /** case id where the measure is worst (or the failed case) */
  worst: z.string().optional(),
  /** why N/A, or what a FAIL on a failed case was; notes such as skipped cases */
  detail: z.string().optional(),
});

export type ClaimOutcome = z.infer<typeof claimOutcomeSchema>;

/** The claims of one file checked against one document: what summaries show. */
export interface ClaimsChecked {
  /** the claims file as given (or its default path) */
  file: string;
  name: string;
  outcomes: ClaimOutcome[];
  /** thresholds the charts draw */
  thresholds: ChartThreshold[];
}

/** A claim's threshold as a chart draws it: a speedup over baseline, or over a peer. */
export interface ChartThreshold {
  kind: 'speedup' | 'vsPeer';
  id: string;
  /** the ratio the claim requires (20 = 20×) */
  min: number;
  /** the modes the claim selects (undefined: every mode) */
  modes?: Mode[];
  peer?: PeerName;
}
