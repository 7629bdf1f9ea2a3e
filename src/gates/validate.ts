/**
 * `writeprof validate`: checks a claims file against a results document.
 * Every claim ends PASS, FAIL (a measurement misses the threshold, or its case failed
 * verification) or N/A (its cases are absent or carry no figure it needs): N/A is never a pass.
 */
import { axesKey, PEER_LABEL, type PeerName, type Strategy } from '../model.js';
import { EMULATED_REFUSAL, TIMING_CLAIM_KINDS } from './emulated.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import type { MemoryTraffic } from '../results/memory.js';
import { failedWrites } from '../results/verification.js';
import {
  bestOptimized,
  conflictReduction,
  conflictsPerWrite,
  efficiencyOf,
  isStrategyCase,
  peerCaseOf,
  peerSpeedupOf,
  scalingCurves,
  speedupOf,
  type SpeedupFigure,
} from '../results/metrics.js';
import type { Claim, ClaimsFile, Selector } from './claims.js';
import type { ClaimOutcome } from '../results/claim-outcome.js';

export type Verdict = ClaimOutcome['verdict'];

export type ClaimResult = ClaimOutcome & { kind: Claim['kind'] };

/** Per-group outcome: a figure, a failed case, or absent data (N/A). */
type Point = { value: number; caseId: string } | { failed: string; why: string } | { absent: string };

// ---------- selection ----------

type NumAxis = 'valueSize' | 'batchSize' | 'threads' | 'loadFactor' | 'keys';
const NUM_AXES: NumAxis[] = ['valueSize', 'batchSize', 'threads', 'loadFactor', 'keys'];

function asList<T>(v: T | T[] | undefined): T[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

function matchNum(v: number, sel: Selector[NumAxis]): boolean {
  if (sel === undefined) return true;
  if (typeof sel === 'number') return v === sel;
  if (Array.isArray(sel)) return sel.includes(v);
  return (sel.min === undefined || v >= sel.min) && (sel.max === undefined || v <= sel.max);
}

export function matches(c: CaseResult, sel: Selector): boolean {
  const modes = asList(sel.mode);
  const strategies = asList(sel.strategy);
  const dists = asList(sel.keyDist);
  if (modes && !modes.includes(c.mode)) return false;
  if (strategies && !(strategies as readonly string[]).includes(c.strategy)) return false;
  if (dists && !dists.includes(c.keyDist)) return false;
  return NUM_AXES.every((a) => matchNum(c[a], sel[a]));
}

function showSelector(sel: Selector): string {
  const s = JSON.stringify(sel);
  return s === '{}' ? 'any case' : s;
}

/**
 * Selected cases, or why the claim's cases are absent: nothing matches, or a value the
 * selector lists explicitly (mode, strategy, axis value) has no case.
 */
function select(doc: ResultsDocument, sel: Selector, extra?: (c: CaseResult) => boolean): CaseResult[] | { absent: string } {
  const chosen = doc.cases.filter((c) => matches(c, sel) && (!extra || extra(c)));
  if (chosen.length === 0) return { absent: `no case in the results matches select ${showSelector(sel)}` };
  const listed: [string, readonly (string | number)[] | undefined, (c: CaseResult) => string | number][] = [
    ['mode', asList(sel.mode), (c) => c.mode],
    ['strategy', asList(sel.strategy), (c) => c.strategy],
    ['keyDist', asList(sel.keyDist), (c) => c.keyDist],
    ...NUM_AXES.map((a): [string, number[] | undefined, (c: CaseResult) => number] => {
      const v = sel[a];
      return [a, typeof v === 'number' ? [v] : Array.isArray(v) ? v : undefined, (c) => c[a]];
    }),
  ];
  for (const [name, values, get] of listed) {
    if (!values) continue;
    const missing = values.filter((v) => !chosen.some((c) => get(c) === v));
    if (missing.length) return { absent: `no case with ${name} ${missing.join(', ')} among the selected cases (select ${showSelector(sel)})` };
  }
  return chosen;
}

/** Selected cases grouped by their axes (strategy left out), in first-appearance order. */
function byAxes(cases: readonly CaseResult[]): Map<string, CaseResult[]> {
  const m = new Map<string, CaseResult[]>();
  for (const c of cases) {
    const k = axesKey(c);
    m.set(k, [...(m.get(k) ?? []), c]);
  }
  return m;
}

/** Every case of the document sharing `key`'s axes (baseline comes from here even if not selected). */
function peers(doc: ResultsDocument, key: string): CaseResult[] {
  return doc.cases.filter((c) => axesKey(c) === key);
}

/** Candidates of a claim in one group: the named strategy, or every ok non-baseline one. */
function candidates(selected: readonly CaseResult[], strategy: 'best' | Strategy): CaseResult[] | { absent: string } | { failed: string; why: string } {
  const ours = selected.filter(isStrategyCase);
  const mine = strategy === 'best' ? ours.filter((c) => c.strategy !== 'baseline') : ours.filter((c) => c.strategy === strategy);
  if (mine.length === 0) {
    const key = selected[0] ? axesKey(selected[0]) : '?';
    return { absent: strategy === 'best' ? `no non-baseline case for ${key}` : `no ${strategy} case for ${key}` };
  }
  const ok = mine.filter((c) => c.status === 'ok');
  if (ok.length === 0) return { failed: mine[0]!.id, why: mine[0]!.error ?? 'failed' };
  return ok;
}

function pickBest(points: { value: number; caseId: string }[]): { value: number; caseId: string } {
  return points.reduce((a, b) => (b.value > a.value ? b : a));
}

// ---------- per-kind measures ----------

/** The usable baseline case beside `key`, or the point that says why there is none. */
function baselineOf(doc: ResultsDocument, key: string): CaseResult | Point {
  const base = peers(doc, key).find((c) => c.strategy === 'baseline');
  if (!base) return { absent: `no baseline case for ${key}` };
  if (base.status !== 'ok') return { failed: base.id, why: base.error ?? 'baseline failed' };
  return base;
}

/** The peer's case beside `key`, or the point that says why there is none (absent: run without --peer). */
function peerReferenceOf(doc: ResultsDocument, key: string, peer: PeerName): CaseResult | Point {
  const pc = peerCaseOf(peers(doc, key), peer);
  if (!pc) return { absent: `no ${peer} case for ${key} (measure it in the same run: writeprof run --peer ${peer})` };
  if (pc.status !== 'ok') return { failed: pc.id, why: pc.error ?? `${peer} failed` };
  return pc;
}

type RatioClaim = Extract<Claim, { kind: 'minSpeedup' | 'minSpeedupOverPeer' }>;

/** Per group, the best candidate's ratio over a reference case (baseline, or a peer). */
function ratioPoints(
  doc: ResultsDocument,
  claim: RatioClaim,
  selected: CaseResult[],
  referenceOf: (key: string) => CaseResult | Point,
  ratio: (c: CaseResult, ref: CaseResult) => SpeedupFigure | undefined,
): Point[] {
  const out: Point[] = [];
  for (const [key, group] of byAxes(selected)) {
    const base = referenceOf(key);
    if (!('strategy' in base)) {
      out.push(base);
      continue;
    }
    const cands = candidates(group, claim.strategy);
    if (!Array.isArray(cands)) {
      out.push(cands);
      continue;
    }
    const pts: { value: number; caseId: string }[] = [];
    for (const c of cands) {
      const s = ratio(c, base);
      const v = claim.bound === 'low' ? s?.low : s?.value;
      if (v === undefined) {
        out.push({ absent: `${c.id} carries no speedup interval (use "bound": "median")` });
        continue;
      }
      pts.push({ value: v, caseId: c.id });
    }
    if (pts.length) out.push(pickBest(pts));
  }
  return out;
}

function reductionPoints(doc: ResultsDocument, claim: Extract<Claim, { kind: 'minConflictReduction' }>, selected: CaseResult[], skipped: string[]): Point[] {
  const out: Point[] = [];
  for (const [key, group] of byAxes(selected)) {
    const base = baselineOf(doc, key);
    if (!('strategy' in base)) {
      out.push(base);
      continue;
    }
    const b = conflictsPerWrite(base);
    // No conflicts to reduce (e.g. one thread, uniform keys): this case says nothing either way.
    if (b <= 0) {
      skipped.push(key);
      continue;
    }
    const cands = candidates(group, claim.strategy);
    if (!Array.isArray(cands)) {
      out.push(cands);
      continue;
    }
    out.push(pickBest(cands.map((c) => ({ value: conflictReduction([[c, base]])!, caseId: c.id }))));
  }
  return out;
}

function bandwidthPoints(doc: ResultsDocument, claim: Extract<Claim, { kind: 'minBandwidthFraction' }>, selected: CaseResult[]): Point[] {
  const out: Point[] = [];
  for (const group of byAxes(selected).values()) {
    const cands = candidates(group, claim.strategy);
    if (!Array.isArray(cands)) {
      out.push(cands);
      continue;
    }
    const pts: { value: number; caseId: string }[] = [];
    for (const c of cands) {
      if (claim.referenceBytesPerSec !== undefined) {
        pts.push({ value: c.bytesPerSec / claim.referenceBytesPerSec, caseId: c.id });
        continue;
      }
      const ref = claim.reference!;
      const v = c.bandwidth?.[ref];
      if (v === undefined) {
        const why = !c.bandwidth
          ? `the ${doc.environment.backend} backend recorded no bandwidth reference for ${c.id}` +
            ' (case.bandwidth absent); a fixed "referenceBytesPerSec" can be given instead'
          : `${c.id} has no bandwidth.${ref} (it has: ${Object.keys(c.bandwidth).join(', ') || 'none'})`;
        out.push({ absent: why });
        continue;
      }
      pts.push({ value: v, caseId: c.id });
    }
    if (pts.length) out.push(pickBest(pts));
  }
  return out;
}

type TrafficClaim = Extract<Claim, { kind: 'maxSectorsPerRequest' | 'maxBytesPerWrite' | 'minTrafficEfficiency' }>;

/** The claim's measure of one case's counted memory traffic. */
function trafficMeasure(claim: TrafficClaim, m: MemoryTraffic): number {
  switch (claim.kind) {
    case 'maxSectorsPerRequest':
      return claim.access === 'load' ? m.loadSectorsPerRequest : claim.access === 'store' ? m.storeSectorsPerRequest : m.sectorsPerRequest;
    case 'maxBytesPerWrite':
      return m.perWrite.globalBytes;
    case 'minTrafficEfficiency':
      return m.trafficEfficiency;
  }
}

/** Every selected strategy case, by its memory traffic (counts, not timings: emulated results qualify). */
function trafficPoints(claim: TrafficClaim, selected: CaseResult[]): Point[] {
  const ours = selected.filter(isStrategyCase);
  if (ours.length === 0) return [{ absent: 'no strategy case among the selected cases (peers run no kernel)' }];
  return ours.map((c): Point => {
    if (c.status !== 'ok') return { failed: c.id, why: c.error ?? 'failed' };
    if (!c.memory) return { absent: `${c.id} carries no memory-traffic counts (run it with --backend cuda-emu, or --memory-traffic)` };
    return { value: trafficMeasure(claim, c.memory), caseId: c.id };
  });
}

function scalingPoints(claim: Extract<Claim, { kind: 'minScalingEfficiency' }>, selected: CaseResult[]): Point[] {
  const out: Point[] = [];
  const curves = scalingCurves(selected);
  if (curves.length === 0) return [{ absent: 'no concurrent case among the selected cases' }];
  const N = claim.upToThreads;
  for (const curve of curves) {
    const where = curve.label;
    const byThreads = new Map([...curve.byThreads].filter(([t]) => t <= N));
    if (!byThreads.has(1)) {
      out.push({ absent: `no 1-thread case in ${where} (efficiency is relative to it)` });
      continue;
    }
    const top = byThreads.get(N);
    if (!top) {
      out.push({ absent: `no ${N}-thread case in ${where}` });
      continue;
    }
    let strategy: Strategy;
    if (claim.strategy === 'best') {
      const best = bestOptimized(top);
      if (!best) {
        const f = top.filter(isStrategyCase).find((c) => c.strategy !== 'baseline');
        out.push(f ? { failed: f.id, why: f.error ?? 'failed' } : { absent: `no non-baseline ${N}-thread case in ${where}` });
        continue;
      }
      strategy = best.strategy;
    } else {
      strategy = claim.strategy;
    }
    for (const [t, list] of byThreads) {
      if (t === 1) continue;
      const c = list.find((x) => x.strategy === strategy);
      const one = byThreads.get(1)!.find((x) => x.strategy === strategy);
      if (!c || !one) {
        out.push({ absent: `no ${strategy} case at ${c ? 1 : t} thread(s) in ${where}` });
        continue;
      }
      if (one.status !== 'ok' || c.status !== 'ok') {
        const f = one.status !== 'ok' ? one : c;
        out.push({ failed: f.id, why: f.error ?? 'failed' });
        continue;
      }
      out.push({ value: efficiencyOf(byThreads, strategy, t)!, caseId: c.id });
    }
  }
  return out;
}

// ---------- verdicts ----------

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

const FORMAT: Record<Claim['kind'], { measured: (v: number) => string; required: (c: Claim) => string }> = {
  minSpeedup: { measured: (v) => `${v.toFixed(2)}x`, required: (c) => `>= ${(c as { min: number }).min}x` },
  minSpeedupOverPeer: {
    measured: (v) => `${v.toFixed(2)}x`,
    required: (c) => `>= ${(c as { min: number }).min}x over ${PEER_LABEL[(c as { peer: PeerName }).peer]}`,
  },
  minConflictReduction: { measured: (v) => `${v.toFixed(1)}%`, required: (c) => `>= ${(c as { min: number }).min}%` },
  minBandwidthFraction: { measured: pct, required: (c) => `>= ${pct((c as { min: number }).min)}` },
  minScalingEfficiency: { measured: pct, required: (c) => `>= ${pct((c as { min: number }).min)}` },
  maxLostWrites: { measured: (v) => String(v), required: (c) => `<= ${(c as { max: number }).max}` },
  maxSectorsPerRequest: {
    measured: (v) => `${v.toFixed(2)} sectors/request`,
    required: (c) => `<= ${(c as { max: number }).max} (${(c as { access: string }).access === 'any' ? 'loads and stores' : `${(c as { access: string }).access}s`})`,
  },
  maxBytesPerWrite: { measured: (v) => `${v.toFixed(1)} B/write`, required: (c) => `<= ${(c as { max: number }).max} B/write` },
  minTrafficEfficiency: { measured: pct, required: (c) => `>= ${pct((c as { min: number }).min)}` },
};

/** Claims whose measure must stay at or below `max` (the worst case is the highest). */
const AT_MOST: ReadonlySet<Claim['kind']> = new Set(['maxSectorsPerRequest', 'maxBytesPerWrite']);

/** value >= min, forgiving float noise (a 75% reduction computed as 74.99999999%). */
function meets(value: number, min: number): boolean {
  return value >= min - 1e-9 * Math.max(1, Math.abs(min));
}

function verdictOf(claim: Claim, points: Point[], notes: string[]): ClaimResult {
  const fmt = FORMAT[claim.kind];
  const head = { id: claim.id, kind: claim.kind, text: claim.text, requiredText: fmt.required(claim) };
  const absent = points.find((p): p is { absent: string } => 'absent' in p);
  if (absent) return { ...head, verdict: 'N/A', measuredText: 'n/a', detail: absent.absent };
  const failed = points.find((p): p is { failed: string; why: string } => 'failed' in p);
  if (failed) return { ...head, verdict: 'FAIL', measuredText: 'case failed', worst: failed.failed, detail: failed.why };
  const values = points as { value: number; caseId: string }[];
  if (values.length === 0) return { ...head, verdict: 'N/A', measuredText: 'n/a', detail: notes.join('; ') || 'nothing to measure' };
  const atMost = AT_MOST.has(claim.kind);
  const worst = values.reduce((a, b) => ((atMost ? b.value > a.value : b.value < a.value) ? b : a));
  const pass = atMost ? meets(-worst.value, -(claim as { max: number }).max) : meets(worst.value, (claim as { min: number }).min);
  const r: ClaimResult = { ...head, verdict: pass ? 'PASS' : 'FAIL', measured: worst.value, measuredText: fmt.measured(worst.value), worst: worst.caseId };
  if (notes.length) r.detail = notes.join('; ');
  return r;
}

export function evaluateClaim(doc: ResultsDocument, claim: Claim): ClaimResult {
  if (doc.emulated === true && TIMING_CLAIM_KINDS.has(claim.kind)) return verdictOf(claim, [{ absent: EMULATED_REFUSAL }], []);
  const chosen = select(doc, claim.select, claim.kind === 'minScalingEfficiency' ? (c) => c.mode === 'concurrent' : undefined);
  if (!Array.isArray(chosen)) return verdictOf(claim, [chosen], []);
  switch (claim.kind) {
    case 'minSpeedup':
      return verdictOf(claim, ratioPoints(doc, claim, chosen, (key) => baselineOf(doc, key), speedupOf), []);
    case 'minSpeedupOverPeer': {
      const peer = claim.peer;
      return verdictOf(claim, ratioPoints(doc, claim, chosen, (key) => peerReferenceOf(doc, key, peer), (c, ref) => peerSpeedupOf(c, ref, peer)), []);
    }
    case 'minConflictReduction': {
      const skipped: string[] = [];
      const points = reductionPoints(doc, claim, chosen, skipped);
      const notes = skipped.length
        ? [`${skipped.length} of ${skipped.length + points.length} selected case(s) skipped: baseline recorded no conflicts there`]
        : [];
      if (points.length === 0) return verdictOf(claim, [{ absent: 'baseline recorded no conflicts in any selected case (select contended cases: several threads or zipf keys)' }], []);
      return verdictOf(claim, points, notes);
    }
    case 'minBandwidthFraction':
      return verdictOf(claim, bandwidthPoints(doc, claim, chosen), []);
    case 'minScalingEfficiency':
      return verdictOf(claim, scalingPoints(claim, chosen), []);
    case 'maxSectorsPerRequest':
    case 'maxBytesPerWrite':
    case 'minTrafficEfficiency':
      return verdictOf(claim, trafficPoints(claim, chosen), []);
    case 'maxLostWrites': {
      const lostIn = (c: CaseResult): number => failedWrites(c.verification);
      const total = chosen.reduce((a, c) => a + lostIn(c), 0);
      const worst = chosen.reduce((a, c) => (lostIn(c) > lostIn(a) ? c : a));
      const head = { id: claim.id, kind: claim.kind, text: claim.text, requiredText: FORMAT.maxLostWrites.required(claim) };
      // A case that failed for another reason than lost writes (it did not run, or stopped early)
      // verified nothing, or not everything: "no lost writes" cannot pass over it.
      const unverified = chosen.filter((c) => c.status !== 'ok' && lostIn(c) === 0);
      if (total <= claim.max && unverified.length > 0) {
        const first = unverified[0]!;
        const more = unverified.length > 1 ? ` (and ${unverified.length - 1} more)` : '';
        return { ...head, verdict: 'N/A', measuredText: 'n/a', detail: `case ${first.id} did not run to the end (${first.error ?? 'failed'})${more}: its writes were not all verified` };
      }
      const r: ClaimResult = {
        ...head,
        verdict: total <= claim.max ? 'PASS' : 'FAIL',
        measured: total,
        measuredText: `${total} lost, stale or corrupted in ${chosen.length} cases`,
      };
      // Name a worst case only when something was lost: otherwise there is none.
      if (total > 0) r.worst = worst.id;
      return r;
    }
  }
}

export function evaluateClaims(doc: ResultsDocument, file: ClaimsFile): ClaimResult[] {
  return file.claims.map((c) => {
    const r = evaluateClaim(doc, c);
    // An interrupted run lacks the cases it did not reach: what it has can fail a claim, not pass one.
    if (doc.partial && r.verdict === 'PASS') {
      return { ...r, verdict: 'N/A', measuredText: 'n/a', detail: `the results are partial (an interrupted run holding ${doc.cases.length} cases): a pass needs the whole run` };
    }
    return r;
  });
}

/** One line per claim: verdict, id, measured, required, worst case, the claim's words. */
export function formatClaimLine(r: ClaimResult): string {
  const tag = r.verdict.padEnd(4);
  const body =
    r.verdict === 'N/A'
      ? `cannot be evaluated: ${r.detail ?? ''}`
      : `measured ${r.measuredText}, required ${r.requiredText}${r.worst ? `, worst ${r.worst}` : ''}${r.detail ? ` (${r.detail})` : ''}`;
  return `${tag} ${r.id}: ${body} — "${r.text}"`;
}
