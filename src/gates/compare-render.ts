/**
 * Renders a comparison (compare, ab) as a terminal table, GitHub markdown or JSON, all from one
 * document (./documents.ts): the verdict first (PASS, REGRESSION or INCONCLUSIVE, decided once in
 * ./verdict.ts), the command that decides what is undecided, then the cases under short labels.
 */
import { Chalk } from 'chalk';
import { fmtCompact, fmtInt } from '../format.js';
import { DEFAULT_WIDTH, textTable, wrap } from '../screen.js';
import type { CaseComparison, Verdict } from './compare.js';
import { comparisonDocument, type ComparisonDocument } from './documents.js';
import type { ComparisonReport } from './compare.js';
import { labelsOf } from './verdict.js';

export const COMPARE_FORMATS = ['table', 'markdown', 'json'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

export interface CompareRenderOptions {
  color?: boolean;
  /** columns the table may take */
  width?: number;
  /** every undecided case's reason and the p and n columns */
  verbose?: boolean;
}

export function fmtPct(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;
}

/** "-9.1% (-10.3 … -7.9)" */
export function fmtChange(c: Pick<CaseComparison, 'changePct' | 'changeLowPct' | 'changeHighPct'>): string {
  if (!Number.isFinite(c.changePct)) return '—';
  const signed = (v: number): string => `${v > 0 ? '+' : ''}${v.toFixed(1)}`;
  const iv = Number.isFinite(c.changeLowPct) && Number.isFinite(c.changeHighPct) ? ` (${signed(c.changeLowPct)} … ${signed(c.changeHighPct)})` : '';
  return `${fmtPct(c.changePct)}${iv}`;
}

export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

/** A case's verdict in a cell: a regression and a failed current case say so in capitals. */
function verdictCell(c: CaseComparison): string {
  if (c.currentFailed) return 'FAILED';
  return c.regression ? 'REGRESSION' : c.verdict;
}

function tally(r: ComparisonReport): string {
  const counts: Record<Verdict, number> = { faster: 0, slower: 0, unchanged: 0, noisy: 0, inconclusive: 0 };
  for (const c of r.cases) counts[c.verdict]++;
  const parts = (['slower', 'faster', 'unchanged', 'noisy', 'inconclusive'] as const).filter((v) => counts[v] > 0 || v !== 'noisy').map((v) => `${counts[v]} ${v}`);
  return `${r.cases.length} cases compared: ${parts.join(', ')}`;
}

function method(r: ComparisonReport): string {
  if (r.pairing) {
    return (
      `paired A/B run ${r.pairing.id}: ${r.pairing.rounds} rounds per case, ${r.pairing.samplesPerRound} samples per build per round (${r.pairing.order}); ` +
      `regression = the whole 95% interval of the median per-round ratio below -${r.threshold}%`
    );
  }
  return `regression = slower by more than ${r.threshold}% at adjusted p < ${r.alpha}; test: ${r.test}; interval: 95% bootstrap of the ratio of medians`;
}

const shortList = (xs: readonly string[], n = 3): string => (xs.length <= n ? xs.join(', ') : `${xs.slice(0, n).join(', ')} and ${xs.length - n} more`);

/** The notes under the table: what was compared how, what is one-sided, why cases are undecided. */
function notes(d: ComparisonDocument, labels: Map<string, string>, verbose: boolean): string[] {
  const name = (id: string): string => labels.get(id) ?? id;
  const lines: string[] = [tally(d)];
  if (verbose || d.pairing) lines.push(method(d));
  if (d.pairing) lines.push(`baseline build: ${d.pairing.baseline}; current build: ${d.pairing.current}`);
  if (d.confirmation) {
    const nr = d.confirmation.notReproduced;
    lines.push(`confirmation run ${d.confirmation.createdAt}: a regression must reproduce in both runs; ${nr.length} did not${nr.length ? ` (${nr.map(name).join(', ')})` : ''}`);
  }
  if (d.envMismatch.length) lines.push(`environment differs (allowed by --allow-env-mismatch): ${d.envMismatch.join('; ')}`);
  if (d.onlyInBaseline.length) lines.push(`only in baseline (${d.onlyInBaseline.length}): ${verbose ? d.onlyInBaseline.join(', ') : shortList(d.onlyInBaseline)}`);
  if (d.onlyInCurrent.length) lines.push(`only in current (${d.onlyInCurrent.length}): ${verbose ? d.onlyInCurrent.join(', ') : shortList(d.onlyInCurrent)}`);
  // Undecided cases grouped by reason: one line per reason, every case under --verbose.
  const byReason = new Map<string, string[]>();
  for (const c of d.cases) {
    if ((c.verdict !== 'noisy' && c.verdict !== 'inconclusive') || !c.reason) continue;
    const key = `${c.verdict}: ${c.reason}`;
    byReason.set(key, [...(byReason.get(key) ?? []), name(c.id)]);
  }
  const cap = verbose ? Infinity : 3;
  let shown = 0;
  for (const [reason, ids] of byReason) {
    if (shown++ >= cap) {
      lines.push(`... ${byReason.size - cap} more reasons (--verbose lists every case)`);
      break;
    }
    lines.push(`${reason} (${ids.length}: ${verbose ? ids.join(', ') : shortList(ids)})`);
  }
  return lines;
}

const HEAD = ['Case', 'Baseline\n(ops/s)', 'Current\n(ops/s)', 'Change (95% CI)', 'Verdict'];

function cells(d: ComparisonDocument, c: CaseComparison, label: string, verbose: boolean, exact: boolean): string[] {
  const ops = exact ? fmtInt : fmtCompact;
  const base = [label, ops(c.baselineMedian), ops(c.currentMedian), fmtChange(c)];
  if (!verbose) return [...base, verdictCell(c)];
  const runs = c.runs.baseline > 1 || c.runs.current > 1 ? ` (${c.runs.baseline}/${c.runs.current} runs)` : '';
  const n = c.rounds !== undefined ? String(c.rounds) : `${c.nBaseline}/${c.nCurrent}${runs}`;
  return [...base, fmtP(c.pAdjusted), n, verdictCell(c)];
}

function head(d: ComparisonDocument, verbose: boolean): string[] {
  if (!verbose) return HEAD;
  return [...HEAD.slice(0, 4), d.pairing ? 'p (sign)' : 'p (Holm)', d.pairing ? 'rounds' : 'n (base/cur)', 'Verdict'];
}

export function renderTable(r: ComparisonReport, o: CompareRenderOptions = {}): string {
  const d = comparisonDocument(r);
  const width = o.width ?? DEFAULT_WIDTH;
  const verbose = o.verbose === true;
  const chalk = new Chalk({ level: o.color ? 1 : 0 });
  const labels = labelsOf(d);
  const paint = (c: CaseComparison, s: string): string =>
    c.regression || c.currentFailed ? chalk.red(s) : c.verdict === 'faster' ? chalk.green(s) : c.verdict === 'noisy' || c.verdict === 'inconclusive' ? chalk.yellow(s) : s;
  const rows = d.cases.map((c) => {
    const row = cells(d, c, labels.get(c.id) ?? c.id, verbose, false);
    row[row.length - 1] = paint(c, row[row.length - 1]!);
    return row;
  });
  const colour = d.verdict === 'PASS' ? chalk.green.bold : d.verdict === 'REGRESSION' ? chalk.red.bold : chalk.yellow.bold;
  const out = [...wrap(d.headline, width, '  ').map((l) => colour(l))];
  if (d.decideWith) out.push(...wrap(`decide with: ${d.decideWith}`, width, '  '));
  if (rows.length) out.push(textTable(head(d, verbose).map((h) => chalk.bold(h)), rows, { align: verbose ? 'lrrrrrl' : 'lrrrl', width }));
  for (const l of notes(d, labels, verbose)) out.push(...wrap(l, width, '  '));
  return out.join('\n') + '\n';
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|');

export function renderMarkdown(r: ComparisonReport): string {
  const d = comparisonDocument(r);
  const labels = labelsOf(d);
  const out: string[] = [];
  out.push(`### writeprof ${d.pairing ? 'ab' : 'compare'}: ${d.verdict}`);
  out.push('');
  out.push(`**${mdCell(d.headline)}**`);
  if (d.decideWith) out.push('', `Decide with: \`${d.decideWith}\``);
  out.push('');
  out.push(`Baseline ${d.baseline.createdAt} (${d.baseline.backend}, ${d.baseline.device || 'unknown device'}) vs current ${d.current.createdAt} (${d.current.backend}, ${d.current.device || 'unknown device'}).`);
  if (d.cases.length) {
    out.push('');
    const h = head(d, true).map((x) => x.replace('\n', ' '));
    out.push(`| ${h.join(' | ')} |`);
    out.push(`|${h.map((_, i) => (i === 0 || i === h.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const c of d.cases) {
      const row = cells(d, c, labels.get(c.id) ?? c.id, true, true).map(mdCell);
      row[0] = `\`${row[0]}\``;
      if (c.regression || c.currentFailed) row[row.length - 1] = `**${row[row.length - 1]}**`;
      out.push(`| ${row.join(' | ')} |`);
    }
  }
  out.push('');
  for (const l of notes(d, labels, true)) out.push(`- ${mdCell(l)}`);
  return out.join('\n') + '\n';
}

export function renderComparison(r: ComparisonReport, format: CompareFormat, o: CompareRenderOptions = {}): string {
  if (format === 'json') return JSON.stringify(comparisonDocument(r), null, 2) + '\n';
  if (format === 'markdown') return renderMarkdown(r);
  return renderTable(r, o);
}
