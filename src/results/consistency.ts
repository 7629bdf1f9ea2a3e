/**
 * A results document that passes the schema can still contradict itself: a case marked "ok"
 * whose verification counted lost writes, a negative or zero throughput, more samples than any
 * run takes. Gates read such a file as if it were true, so it is refused on read (exit 2), and
 * writeprof never writes one.
 */
import { INPUT_LIMITS, RUN_LIMITS } from '../limits.js';
import type { ResultsDocument, Verification } from './schema.js';
import { failedWrites, verificationFailed, verificationText } from './verification.js';

export interface Inconsistency {
  path: (string | number)[];
  message: string;
}

const RATES = ['opsPerSec', 'opsPerSecPerThread', 'bytesPerSec'] as const;

/** Each distinct key is exactly one of verified, lost, stale or corrupted; corrupted also counts
 *  entries beyond the keys found, of which duplicates are some. `at` is where `v` sits. */
function verificationInconsistency(v: Verification, at: (...p: (string | number)[]) => (string | number)[]): Inconsistency | undefined {
  if (v.distinct > v.writes) return { path: at('verification', 'distinct'), message: `${v.distinct} distinct keys exceed the ${v.writes} writes made` };
  if (v.verified + v.lost + v.stale > v.distinct) {
    return { path: at('verification'), message: `${v.verified} verified + ${v.lost} lost + ${v.stale} stale exceed the ${v.distinct} distinct keys` };
  }
  if (v.verified + v.lost + v.stale + v.corrupted < v.distinct) {
    return { path: at('verification'), message: `${v.verified} verified, ${v.lost} lost, ${v.stale} stale and ${v.corrupted} corrupted do not account for the ${v.distinct} distinct keys` };
  }
  if (v.duplicates > v.corrupted) return { path: at('verification', 'duplicates'), message: `${v.duplicates} duplicates exceed the ${v.corrupted} corrupted entries they are part of` };
  return undefined;
}

/** A check's runs and findings must agree with themselves (./check.ts). */
function checkInconsistency(doc: ResultsDocument): Inconsistency | undefined {
  const c = doc.check;
  if (!c) return undefined;
  if (doc.cases.length) return { path: ['cases'], message: `${doc.cases.length} measured cases in a check document (a check measures nothing)` };
  if (c.runs.length > INPUT_LIMITS.maxCasesPerPlan * 2 * 64) return { path: ['check', 'runs'], message: `${c.runs.length} runs; more than any check makes` };
  for (let i = 0; i < c.runs.length; i++) {
    const v = c.runs[i]!.verification;
    const vBad = verificationInconsistency(v, (...p) => ['check', 'runs', i, ...p]);
    if (vBad) return vBad;
    if (c.runs[i]!.status === 'ok' && verificationFailed(v)) return { path: ['check', 'runs', i, 'status'], message: `"ok" but verification counted ${verificationText(v)}` };
  }
  for (let i = 0; i < c.findings.length; i++) {
    const f = c.findings[i]!;
    if (!c.tools.includes(f.tool)) return { path: ['check', 'findings', i, 'tool'], message: `${f.tool} did not run (tools: ${c.tools.join(', ')})` };
  }
  for (let i = 0; i < c.summary.length; i++) {
    const s = c.summary[i]!;
    const n = c.findings.filter((f) => f.tool === s.tool && f.severity === 'error').length;
    if (s.findings !== n) return { path: ['check', 'summary', i, 'findings'], message: `${s.findings}, but the document lists ${n} ${s.tool} findings` };
  }
  return undefined;
}

export function findInconsistency(doc: ResultsDocument): Inconsistency | undefined {
  const odd = checkInconsistency(doc);
  if (odd) return odd;
  if (doc.cases.length > INPUT_LIMITS.maxCasesPerPlan) return { path: ['cases'], message: `${doc.cases.length} cases; at most ${INPUT_LIMITS.maxCasesPerPlan} per document` };
  const samples = doc.cases.reduce((n, c) => n + c.samples.length, 0);
  if (samples > INPUT_LIMITS.maxSamplesPerDocument) return { path: ['cases'], message: `${samples} samples in all; at most ${INPUT_LIMITS.maxSamplesPerDocument} per document` };
  for (let i = 0; i < doc.cases.length; i++) {
    const c = doc.cases[i]!;
    const at = (...p: (string | number)[]): (string | number)[] => ['cases', i, ...p];
    if (c.samples.length > INPUT_LIMITS.maxSamplesPerCase) return { path: at('samples'), message: `${c.samples.length} samples; at most ${INPUT_LIMITS.maxSamplesPerCase} per case` };
    const bad = c.samples.findIndex((x) => !(x > 0));
    if (bad >= 0) return { path: at('samples', bad), message: `${c.samples[bad]} is not a rate (ops/s above 0)` };
    for (const r of RATES) if (!(c[r] >= 0)) return { path: at(r), message: `${c[r]} is not a rate (0 or more)` };
    if ((c.runMedians?.length ?? 0) > RUN_LIMITS.repeat.max) return { path: at('runMedians'), message: `${c.runMedians!.length} runs; at most ${RUN_LIMITS.repeat.max} per case` };
    const badRun = (c.runMedians ?? []).findIndex((x) => !(x > 0));
    if (badRun >= 0) return { path: at('runMedians', badRun), message: `${c.runMedians![badRun]} is not a rate (ops/s above 0)` };
    const v = c.verification;
    if (c.status === 'ok') {
      if (failedWrites(v) > 0) return { path: at('status'), message: `"ok" but verification counted ${v.lost} lost, ${v.stale} stale and ${v.corrupted} corrupted writes` };
      if (c.samples.length === 0) return { path: at('status'), message: '"ok" but the case has no samples' };
      if (!(c.opsPerSec > 0)) return { path: at('status'), message: `"ok" but opsPerSec is ${c.opsPerSec}` };
      if (v.writes === 0) return { path: at('status'), message: '"ok" but no write was made (verification.writes is 0)' };
    }
    const vBad = verificationInconsistency(v, at);
    if (vBad) return vBad;
  }
  return undefined;
}
