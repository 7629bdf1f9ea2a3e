/**
 * The count gate's document (ab.json, -f json) and its table and markdown, all from the one
 * document: the verdict first, then per case the sectors and requests per write of both versions
 * and the change, then the conflict counters of the same samples (shown, not gated) and notes.
 */
import { Chalk } from 'chalk';
import { fmtPerWrite } from '../format.js';
import { DEFAULT_WIDTH, textTable, wrap } from '../screen.js';
import { fmtPct, type CompareFormat } from './compare-render.js';
import { AB_COUNTS_SCHEMA, type AbCountsDocument, type CountCase, type MetricChange, type VersionRecord } from './count-document.js';
import type { CountAnalysis } from './counts.js';

type Side = 'base' | 'head';

export interface CountDocumentMeta {
  createdAt: Date;
  strategy: string;
  profile: string;
  versions: Record<Side, VersionRecord>;
  notes: string[];
  partial: boolean;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function seedList(seeds: readonly number[]): string {
  const contiguous = seeds.length > 2 && seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  return contiguous ? `${seeds[0]}-${seeds[seeds.length - 1]}` : seeds.join(',');
}

function headline(a: CountAnalysis): string {
  const n = (v: CountCase['verdict']): number => a.cases.filter((c) => c.verdict === v).length;
  const extra = [...(n('failed') ? [`${n('failed')} failed`] : []), ...(n('ungated') ? [`${n('ungated')} not gated`] : [])];
  const tally = `${plural(a.cases.length, 'case')} x ${plural(a.seeds.length, 'seed')}: ${[`${n('more')} more`, `${n('fewer')} fewer`, `${n('unchanged')} unchanged`, ...extra].join(', ')}`;
  if (a.verdict === 'PASS') return `PASS: no case moves more global-memory sectors or requests per write than the base beyond +${a.threshold}% (${tally})`;
  const more = a.cases.filter((c) => c.regression && c.verdict === 'more').length;
  const failed = a.cases.filter((c) => c.head.failed !== undefined).length;
  const why = [
    ...(more ? [`${plural(more, 'case')} ${more === 1 ? 'moves' : 'move'} more global-memory sectors or requests per write beyond +${a.threshold}%`] : []),
    ...(failed ? [`${plural(failed, 'head case')} lost, held stale or corrupted writes or did not run`] : []),
  ];
  return `REGRESSION: ${why.join('; ')} (${tally})`;
}

export function countsDocument(a: CountAnalysis, m: CountDocumentMeta): AbCountsDocument {
  return {
    schema: AB_COUNTS_SCHEMA,
    verdict: a.verdict,
    exitCode: a.exitCode,
    headline: headline(a),
    createdAt: m.createdAt.toISOString(),
    backend: 'cuda-emu',
    gate: 'global-memory sectors and requests per write, counted on the emulator (emulated times are not performance figures and are not compared)',
    threshold: a.threshold,
    seeds: a.seeds,
    strategy: m.strategy,
    profile: m.profile,
    versions: m.versions,
    notes: m.notes,
    cases: a.cases,
    regressions: a.cases.filter((c) => c.regression && c.verdict === 'more').map((c) => c.id),
    failed: a.cases.filter((c) => c.head.failed !== undefined).map((c) => c.id),
    ...(m.partial ? { partial: true } : {}),
  };
}

const fmtCount = (n: number): string => n.toFixed(2);
const fmtChange = (c: MetricChange | undefined): string => (c === undefined ? '—' : c.changePct === null ? 'from 0' : fmtPct(c.changePct));

function verdictCell(c: CountCase): string {
  if (c.verdict === 'failed') return c.head.failed !== undefined ? 'FAILED' : 'base failed';
  if (c.verdict === 'ungated') return 'not gated';
  return c.regression ? 'MORE' : c.verdict;
}

const ALIGN = 'lrrrrrrl';
const HEAD = ['Case', 'Base\nsectors/\nwrite', 'Head\nsectors/\nwrite', 'Change', 'Base\nrequests/\nwrite', 'Head\nrequests/\nwrite', 'Change', 'Verdict'];

function cells(c: CountCase): string[] {
  const failed = c.verdict === 'failed';
  const n = (side: Side, f: 'sectorsPerWrite' | 'requestsPerWrite'): string => (c[side].failed !== undefined ? '—' : fmtCount(c[side][f]));
  return [c.label, n('base', 'sectorsPerWrite'), n('head', 'sectorsPerWrite'), failed ? '—' : fmtChange(c.sectors), n('base', 'requestsPerWrite'), n('head', 'requestsPerWrite'), failed ? '—' : fmtChange(c.requests), verdictCell(c)];
}

const COUNTERS = [
  ['casFailures', 'CAS failures\nper write'],
  ['lockRetries', 'Lock retries\nper write'],
  ['probeSteps', 'Probe steps\nper write'],
] as const;

/** The conflict counters of the counted samples, base -> head; only those some case counted. */
function conflictTable(d: AbCountsDocument): { head: string[]; rows: string[][]; align: string } | undefined {
  const shown = COUNTERS.filter(([k]) => d.cases.some((c) => c.base.perWrite[k] > 0 || c.head.perWrite[k] > 0));
  if (shown.length === 0) return undefined;
  const rows = d.cases.map((c) => [c.label, ...shown.map(([k]) => `${fmtPerWrite(c.base.perWrite[k])} → ${fmtPerWrite(c.head.perWrite[k])}`)]);
  return { head: ['Case', ...shown.map(([, h]) => `${h}\nbase → head`)], rows, align: `l${'r'.repeat(shown.length)}` };
}

function versionLine(side: Side, v: VersionRecord): string {
  return `${side}: ${v.label}${v.commit ? ` (commit ${v.commit.slice(0, 10)})` : ''}, sha256 ${v.sha256.slice(0, 12)}`;
}

const MAX_FAILURES = 5;

/** Why cases failed, one line each (the first few: ab.json has every one). */
function failures(d: AbCountsDocument): string[] {
  const lines = d.cases.flatMap((c) => (['head', 'base'] as const).filter((s) => c[s].failed !== undefined).map((s) => `${s === 'head' ? 'FAILED' : 'base failed'} ${c.label}: ${s} ${c[s].failed}`));
  return lines.length <= MAX_FAILURES ? lines : [...lines.slice(0, MAX_FAILURES), `... and ${lines.length - MAX_FAILURES} more (ab.json has every case)`];
}

function notes(d: AbCountsDocument): string[] {
  return [
    `strategy ${d.strategy}, profile ${d.profile}; counted on the emulator: one instrumented sample per case, seed and version (seeds ${seedList(d.seeds)}, one worker); emulated times are not performance figures and are not compared`,
    `${versionLine('base', d.versions.base)}; ${versionLine('head', d.versions.head)}`,
    ...d.notes,
    ...(d.cases.some((c) => c.verdict === 'ungated')
      ? ['not gated: concurrent cases of 2+ threads, whose host threads race each other, so that their counts vary from run to run under one seed; their writes are verified all the same']
      : []),
    ...failures(d),
    ...(d.partial ? ['interrupted: the cases counted before the signal only'] : []),
  ];
}

export function renderCountsTable(d: AbCountsDocument, o: { color?: boolean; width?: number } = {}): string {
  const width = o.width ?? DEFAULT_WIDTH;
  const chalk = new Chalk({ level: o.color ? 1 : 0 });
  const paint = (c: CountCase, s: string): string => (c.regression || c.verdict === 'failed' ? chalk.red(s) : c.verdict === 'fewer' ? chalk.green(s) : s);
  const rows = d.cases.map((c) => {
    const row = cells(c);
    row[row.length - 1] = paint(c, row[row.length - 1]!);
    return row;
  });
  const colour = d.verdict === 'PASS' ? chalk.green.bold : chalk.red.bold;
  const out = wrap(d.headline, width, '  ').map((l) => colour(l));
  if (rows.length) out.push(textTable(HEAD.map((h) => chalk.bold(h)), rows, { align: ALIGN, width }));
  const conflicts = conflictTable(d);
  if (conflicts) {
    out.push('Conflict counters of the same samples (not gated):');
    out.push(textTable(conflicts.head.map((h) => chalk.bold(h)), conflicts.rows, { align: conflicts.align, width }));
  }
  for (const l of notes(d)) out.push(...wrap(l, width, '  '));
  return out.join('\n') + '\n';
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|');

/** `align`: one letter per column, 'l' or 'r'. */
function mdTable(head: readonly string[], rows: readonly string[][], align: string, bold: (i: number) => boolean = () => false): string[] {
  const h = head.map((x) => x.replace(/\/\n/g, '/').replace(/\n/g, ' '));
  const out = [`| ${h.join(' | ')} |`, `|${h.map((_, i) => (align[i] === 'r' ? ' ---: ' : ' --- ')).join('|')}|`];
  rows.forEach((r, i) => {
    const row = r.map(mdCell);
    row[0] = `\`${row[0]}\``;
    if (bold(i)) row[row.length - 1] = `**${row[row.length - 1]}**`;
    out.push(`| ${row.join(' | ')} |`);
  });
  return out;
}

export function renderCountsMarkdown(d: AbCountsDocument): string {
  const out = [`### writeprof ab (strategy file, counts): ${d.verdict}`, '', `**${mdCell(d.headline)}**`, ''];
  if (d.cases.length) {
    out.push(...mdTable(HEAD, d.cases.map((c) => cells(c)), ALIGN, (i) => d.cases[i]!.regression || d.cases[i]!.verdict === 'failed'));
  }
  const conflicts = conflictTable(d);
  if (conflicts) out.push('', 'Conflict counters of the same samples (not gated):', '', ...mdTable(conflicts.head, conflicts.rows, conflicts.align));
  out.push('');
  for (const l of notes(d)) out.push(`- ${mdCell(l)}`);
  return out.join('\n') + '\n';
}

export function renderCounts(d: AbCountsDocument, format: CompareFormat, o: { color?: boolean; width?: number } = {}): string {
  if (format === 'json') return JSON.stringify(d, null, 2) + '\n';
  if (format === 'markdown') return renderCountsMarkdown(d);
  return renderCountsTable(d, o);
}
