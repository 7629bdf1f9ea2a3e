/**
 * Gates over emulated results (`--backend cuda-emu`). Their timings are the host SIMT emulator's,
 * so no speed verdict or speed claim is made from them (exit 2, with this reason). What they still
 * prove is checked: every write verified (lost, stale or corrupted writes fail, exit 1) and the conflict
 * counters, shown side by side.
 */
import Table from 'cli-table3';
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

export function renderEmulatedCheck(check: EmulatedCheck): string {
  const t = new Table({
    head: ['Case', 'Status', 'Writes', 'Distinct', 'Lost', 'Stale', 'Corrupted', 'Conflicts/write (baseline)', 'Conflicts/write (current)'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of check.rows) {
    t.push([r.id, r.status, ...[r.writes, r.distinct, r.lost, r.stale, r.corrupted].map(String), perWrite(r.baselineConflicts), perWrite(r.currentConflicts)]);
  }
  const head = `No speed comparison: ${check.emulated.join(' and ')} ${check.emulated.length > 1 ? 'hold' : 'holds'} ${EMULATED_REFUSAL}. Checked instead: verification and conflict counters of ${check.rows.length} current cases.`;
  return `${head}\n${t.toString()}\n`;
}
