/** Renders a ComparisonReport as a terminal table, GitHub markdown, or JSON (one source: the report). */
import Table from 'cli-table3';
import { Chalk } from 'chalk';
import { fmtInt } from '../render/format.js';
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
  const counts: Record<Verdict, number> = { faster: 0, slower: 0, unchanged: 0, noisy: 0 };
  for (const c of r.cases) counts[c.verdict]++;
  lines.push(
    `${r.cases.length} cases compared: ${counts.slower} slower, ${counts.faster} faster, ${counts.unchanged} unchanged, ${counts.noisy} noisy ` +
      `(regression = slower by more than ${r.threshold}% at adjusted p < ${r.alpha}; test: ${r.test}; interval: 95% bootstrap of the ratio of medians)`,
  );
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
  for (const c of r.cases) if (c.verdict === 'noisy' && c.reason) lines.push(`noisy ${c.id}: ${c.reason}`);
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

function row(c: CaseComparison): string[] {
  const runs = c.runs.baseline > 1 || c.runs.current > 1 ? ` (${c.runs.baseline}/${c.runs.current} runs)` : '';
  return [c.id, fmtInt(c.baselineMedian), fmtInt(c.currentMedian), fmtChange(c), fmtP(c.pAdjusted), `${c.nBaseline}/${c.nCurrent}${runs}`, verdictLabel(c)];
}

export function renderTable(r: ComparisonReport, color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const paint = (c: CaseComparison, s: string): string =>
    c.regression || c.currentFailed ? chalk.red(s) : c.verdict === 'faster' ? chalk.green(s) : c.verdict === 'noisy' ? chalk.yellow(s) : s;
  const table = new Table({
    head: HEAD,
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
  out.push(`### writeprof compare: ${r.regressions.length ? `${r.regressions.length} regression(s)` : 'no regression'}`);
  out.push('');
  out.push(`Baseline ${r.baseline.createdAt} (${r.baseline.backend}, ${r.baseline.device || 'unknown device'}) vs current ${r.current.createdAt} (${r.current.backend}, ${r.current.device || 'unknown device'}).`);
  out.push('');
  out.push(`| ${HEAD.join(' | ')} |`);
  out.push(`|${HEAD.map((_, i) => (i === 0 || i === 6 ? ' --- ' : ' ---: ')).join('|')}|`);
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
