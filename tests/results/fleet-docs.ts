/**
 * Shard documents for merge tests, cut from a real quick-profile run (tests/fixtures/
 * results-cpu-quick.json) along the shard layout `writeprof run --shard i/n` uses. The run is a
 * results schema 1 document, read as the current schema (src/results/upgrade.ts): recorded before
 * uniform streams had updates, so its plan is the quick profile with update share 0.
 */
import { fileURLToPath } from 'node:url';
import { buildDocument } from '../../src/results/document.js';
import { readResults } from '../../src/results/file.js';
import type { MergeInput } from '../../src/results/merge.js';
import type { Environment, ResultsDocument } from '../../src/results/schema.js';
import { planRecord } from '../../src/profile/digest.js';
import { loadProfile } from '../../src/profile/load.js';
import { expandCases } from '../../src/profile/plan.js';
import { layoutShards } from '../../src/profile/shard.js';

export const QUICK_RUN = readResults(fileURLToPath(new URL('../fixtures/results-cpu-quick.json', import.meta.url)));
const quick = loadProfile('quick');
export const QUICK = { ...quick, suites: quick.suites.map((s) => ({ ...s, axes: { ...s.axes, updateShare: [0] } })) };
export const QUICK_SPECS = expandCases(QUICK.suites);
export const QUICK_PLAN = planRecord(QUICK_SPECS, QUICK.measurement, { seed: 42, countConflicts: true, calibrateSlowdown: 0 });

export function gpu(name: string, host: string): Environment {
  return { ...QUICK_RUN.environment, host, backend: 'cuda', device: { name, kind: 'gpu' } };
}

/** The n shard documents of the quick plan, as run on `env` (default: the fixture's machine). */
export function shardDocs(n: number, env: Environment = QUICK_RUN.environment, prefix = 'shard'): MergeInput[] {
  const layout = layoutShards(QUICK_SPECS, QUICK.measurement, n);
  return layout.shards.map((s) => ({
    file: `${prefix}-${s.index}-of-${n}.json`,
    doc: buildDocument({
      environment: env,
      profile: { name: QUICK.name, source: QUICK.source, measurement: QUICK.measurement, suites: QUICK.suites },
      plan: QUICK_PLAN,
      shard: { index: s.index, count: n, cases: s.cases.length, estimatedSeconds: s.cost, planEstimatedSeconds: layout.cost },
      cases: QUICK_RUN.cases.filter((c) => layout.shardOf.get(c.id) === s.index).map((c) => structuredClone(c)),
    }),
  }));
}

/** A copy of a shard document cut short, as an interrupted (SIGTERM, preempted) run writes it. */
export function interrupted(input: MergeInput, keep: number, file = input.file): MergeInput {
  const doc: ResultsDocument = { ...structuredClone(input.doc), partial: true };
  doc.cases = doc.cases.slice(0, keep);
  return { file, doc };
}
