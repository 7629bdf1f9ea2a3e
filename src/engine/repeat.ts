/**
 * `run --repeat N`: the whole sweep N times in a row (not each case N times back to back, so a
 * case's runs are minutes apart and see the machine's drift), merged case by case like a gate
 * baseline: samples pooled, each run's median kept in runMedians for compare's run-level test.
 */
import { caseId } from '../model.js';
import type { CaseResult } from '../results/schema.js';
import { mergeCase } from '../results/runs.js';
import type { SweepOutcome } from './sweep.js';

export async function runRepeated(times: number, sweep: (pass: number) => Promise<SweepOutcome>): Promise<SweepOutcome> {
  if (times <= 1) return sweep(0);
  const byId = new Map<string, CaseResult[]>();
  let aborted = false;
  let trafficSeconds = 0;
  for (let pass = 0; pass < times && !aborted; pass++) {
    const outcome = await sweep(pass);
    aborted = outcome.aborted;
    trafficSeconds += outcome.trafficSeconds;
    for (const c of outcome.cases) {
      const id = caseId(c);
      const runs = byId.get(id);
      if (runs) runs.push(c);
      else byId.set(id, [c]);
    }
  }
  return { cases: [...byId.values()].map((runs) => mergeCase(runs, 'repeated')), aborted, trafficSeconds };
}
