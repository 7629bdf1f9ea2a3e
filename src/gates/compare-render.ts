/** Renders a ComparisonReport as a terminal table, GitHub markdown, or JSON (one source: the report). */
import Table from 'cli-table3';
import { Chalk } from 'chalk';
import { fmtInt } from '../format.js';
import type { CaseComparison, ComparisonReport, Verdict } from './compare.js';

export const COMPARE_FORMATS = ['table', 'markdown', 'json'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

function fmtPct(v: number): string {
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

function verdictLabel(c: CaseComparison): string {
  let s: string = c.verdict;
  if (c.regression) s += ' (regression)';
  if (c.currentFailed) s += ' [verification failed]';
  return s;
}

function summaryLines(r: ComparisonReport): string[] {
  const lines: string[] = [];
  const counts: Record<Verdict, number> = { faster: 0, slower: 0, unchanged: 0, noisy: 0, inconclusive: 0 };
  for (const c of r.cases) counts[c.verdict]++;
  const tally = `${r.cases.length} cases compared: ${counts.slower} slower, ${counts.faster} faster, ${counts.unchanged} unchanged, `;
  if (r.pairing) {
    lines.push(`${tally}${counts.inconclusive} inconclusive`);
    lines.push(
      `paired A/B run ${r.pairing.id}: ${r.pairing.rounds} rounds per case, ${r.pairing.samplesPerRound} samples per build per round (${r.pairing.order}); ` +
        `regression = the whole 95% interval of the median per-round ratio below -${r.threshold}%`,
    );
    lines.push(`baseline build: ${r.pairing.baseline}; current build: ${r.pairing.current}`);
  } else {
    lines.push(
      `${tally}${counts.noisy} noisy${counts.inconclusive ? `, ${counts.inconclusive} inconclusive` : ''} ` +
        `(regression = slower by more than ${r.threshold}% at adjusted p < ${r.alpha}; test: ${r.test}; interval: 95% bootstrap of the ratio of medians)`,
    );
  }
  if (r.confirmation) {
    lines.push(
      `confirmation run ${r.confirmation.createdAt}: a regression must reproduce in both runs; ${r.confirmation.notReproduced.length} did not` +
        (r.confirmation.notReproduced.length ? ` (${r.confirmation.notReproduced.join(', ')})` : ''),
    );
  }
  if (r.envMismatch.length) lines.push(`environment differs (allowed by --allow-env-mismatch): ${r.envMismatch.join('; ')}`);
  if (r.current.partial) lines.push('current results are partial (interrupted run): missing cases are listed below');
  if (r.onlyInBaseline.length) lines.push(`only in baseline (${r.onlyInBaseline.length}): ${r.onlyInBaseline.join(', ')}`);
  if (r.onlyInCurrent.length) lines.push(`only in current (${r.onlyInCurrent.length}): ${r.onlyInCurrent.join(', ')}`);
  for (const c of r.cases) if ((c.verdict === 'noisy' || c.verdict === 'inconclusive') && c.reason) lines.push(`${c.verdict} ${c.id}: ${c.reason}`);
  if (r.failed.length) lines.push(`FAIL: ${r.failed.length} current case(s) failed verification: ${r.failed.join(', ')}`);
  lines.push(
    r.regressions.length
      ? `FAIL: ${r.regressions.length} regression(s): ${r.regressions.join(', ')}`
      : r.failed.length
        ? 'no performance regression'
        : 'PASS: no regression',
  );
  return lines;
}

const HEAD = ['Case', 'Baseline (ops/sec)', 'Current (ops/sec)', 'Change (95% CI)', 'p (Holm)', 'n (base/cur)', 'Verdict'];
/** Paired (ab) reports: the p is the sign test's, unadjusted, and n counts rounds. */
const PAIRED_HEAD = ['Case', 'Baseline (ops/sec)', 'Current (ops/sec)', 'Change (95% CI)', 'p (sign)', 'rounds', 'Verdict'];
const headOf = (r: ComparisonReport): string[] => (r.pairing ? PAIRED_HEAD : HEAD);

function row(c: CaseComparison): string[] {
  const runs = c.runs.baseline > 1 || c.runs.current > 1 ? ` (${c.runs.baseline}/${c.runs.current} runs)` : '';
  const n = c.rounds !== undefined ? String(c.rounds) : `${c.nBaseline}/${c.nCurrent}${runs}`;
  return [c.id, fmtInt(c.baselineMedian), fmtInt(c.currentMedian), fmtChange(c), fmtP(c.pAdjusted), n, verdictLabel(c)];
}

export function renderTable(r: ComparisonReport, color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const paint = (c: CaseComparison, s: string): string =>
    c.regression || c.currentFailed ? chalk.red(s) : c.verdict === 'faster' ? chalk.green(s) : c.verdict === 'noisy' || c.verdict === 'inconclusive' ? chalk.yellow(s) : s;
  const table = new Table({
    head: headOf(r),
    style: { head: color ? ['bold'] : [], border: [] },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
  });
  for (const c of r.cases) {
    const cells = row(c);
    cells[6] = paint(c, cells[6]!);
    table.push(cells);
  }
  const lines = summaryLines(r).map((l) => (l.startsWith('FAIL') ? chalk.red(l) : l.startsWith('PASS') ? chalk.green(l) : l));
  return `${table.toString()}\n${lines.join('\n')}\n`;
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|');

export function renderMarkdown(r: ComparisonReport): string {
  const out: string[] = [];
  out.push(`### writeprof ${r.pairing ? 'ab' : 'compare'}: ${r.regressions.length ? `${r.regressions.length} regression(s)` : 'no regression'}`);
  out.push('');
  out.push(`Baseline ${r.baseline.createdAt} (${r.baseline.backend}, ${r.baseline.device || 'unknown device'}) vs current ${r.current.createdAt} (${r.current.backend}, ${r.current.device || 'unknown device'}).`);
  out.push('');
  const head = headOf(r);
  out.push(`| ${head.join(' | ')} |`);
  out.push(`|${head.map((_, i) => (i === 0 || i === 6 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const c of r.cases) {
    const cells = row(c).map(mdCell);
    cells[0] = `\`${cells[0]}\``;
    if (c.regression || c.currentFailed) cells[6] = `**${cells[6]}**`;
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('');
  for (const l of summaryLines(r)) out.push(`- ${mdCell(l)}`);
  return out.join('\n') + '\n';
}

export function renderComparison(r: ComparisonReport, format: CompareFormat, color: boolean): string {
  if (format === 'json') return JSON.stringify(r, null, 2) + '\n';
  if (format === 'markdown') return renderMarkdown(r);
  return renderTable(r, color);
}
