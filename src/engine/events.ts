import type { CaseSpec } from '../model.js';
import type { CaseResult } from '../results/schema.js';

/** What the engine reports while it runs; the run command turns these into a progress bar. */
export type ProgressEvent =
  | { kind: 'case-start'; index: number; total: number; spec: CaseSpec }
  | {
      kind: 'sample';
      index: number;
      total: number;
      spec: CaseSpec;
      phase: 'pilot' | 'warmup' | 'measure';
      /** samples taken so far in this phase */
      n: number;
      opsPerSec: number;
    }
  | { kind: 'case-end'; index: number; total: number; result: CaseResult };

export type ProgressListener = (event: ProgressEvent) => void;
