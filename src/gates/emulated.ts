/**
 * Gates over emulated results (`--backend cuda-emu`). Their timings are the host SIMT emulator's,
 * so no speed verdict or speed claim is made from them (exit 2, with this reason). What they still
 * prove is checked: every write verified (lost, stale or corrupted writes fail, exit 1) and the conflict
 * counters, shown side by side.
 */
import { caseLabels, parseCaseId, type CaseSpec } from '../model.js';
import { DEFAULT_WIDTH, textTable, wrap } from '../screen.js';
import type { CaseResult, ResultsDocument } from '../results/schema.js';
import { verificationFailed } from '../results/verification.js';
import type { Claim } from './claims.js';

export const EMULATED_REFUSAL = 'emulated timings (backend cuda-emu) are not performance figures';

/** Claim kinds that rest on timings: refused for emulated results. */
export const TIMING_CLAIM_KINDS: ReadonlySet<Claim['kind']> = new Set(['minSpeedup', 'minSpeedupOverPeer', 'minBandwidthFraction', 'minScalingEfficiency']);

export interface EmulatedRow {
  id: string;
  status: CaseResult['status'];
  writes: number;
  distinct: number;
  lost: number;
  stale: number;
  corrupted: number;
  /** lock retries + CAS failures per write, each side (undefined where the case is absent) */
  baselineConflicts?: number;
  currentConflicts?: number;
}

export interface EmulatedCheck {
  /** which documents hold emulated timings (their labels) */
  emulated: string[];
  rows: EmulatedRow[];
  /** current cases that lost, held stale or corrupted writes, or did not run */
  failed: string[];
}

const conflicts = (c: CaseResult): number => c.countersPerWrite.lockRetries + c.countersPerWrite.casFailures;

export function anyEmulated(...docs: ResultsDocument[]): boolean {
  return docs.some((d) => d.emulated === true);
}

export function checkEmulated(baseline: ResultsDocument, current: ResultsDocument, labels: [string, string]): EmulatedCheck {
  const base = new Map(baseline.cases.map((c) => [c.id, c]));
  const rows = current.cases.map((c): EmulatedRow => {
    const b = base.get(c.id);
    return {
      id: c.id,
      status: c.status,
      writes: c.verification.writes,
      distinct: c.verification.distinct,
      lost: c.verification.lost,
      stale: c.verification.stale,
      corrupted: c.verification.corrupted,
      ...(b ? { baselineConflicts: conflicts(b) } : {}),
      currentConflicts: conflicts(c),
    };
  });
  return {
    emulated: [baseline, current].flatMap((d, i) => (d.emulated === true ? [labels[i]!] : [])),
    rows,
    failed: current.cases.filter((c) => c.status !== 'ok' || verificationFailed(c.verification)).map((c) => c.id),
  };
}

const perWrite = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(3));

export function renderEmulatedCheck(check: EmulatedCheck, width: number = DEFAULT_WIDTH): string {
  const axes = check.rows.map((r) => parseCaseId(r.id));
  const labels = axes.every((a) => a !== undefined) ? caseLabels(axes as Omit<CaseSpec, 'id'>[]) : check.rows.map((r) => r.id);
  const rows = check.rows.map((r, i) => [labels[i]!, r.status, ...[r.writes, r.distinct, r.lost, r.stale, r.corrupted].map(String), perWrite(r.baselineConflicts), perWrite(r.currentConflicts)]);
  const t = textTable(['Case', 'Status', 'Writes', 'Distinct', 'Lost', 'Stale', 'Corrupted', 'Conflicts/write\n(baseline)', 'Conflicts/write\n(current)'], rows, { align: 'llrrrrrrr', width });
  // The verdict first, as for any comparison: lost writes are a regression; speed is not judged.
  const verdict = check.failed.length
    ? `REGRESSION: ${check.failed.length} current case(s) lost, held stale or corrupted writes or did not run.`
    : `INCONCLUSIVE: no speed verdict, every write of ${check.rows.length} current cases verified.`;
  const head = `${verdict} ${check.emulated.join(' and ')} ${check.emulated.length > 1 ? 'hold' : 'holds'} ${EMULATED_REFUSAL}; checked instead: verification and conflict counters.`;
  return `${wrap(head, width).join('\n')}\n${t}\n`;
}
