/**
 * The one verdict of a comparison (compare, ab): PASS (exit 0), REGRESSION (exit 1) or
 * INCONCLUSIVE (exit 2). Decided here once and carried by the report, so the terminal, the
 * markdown, the JSON and the exit code cannot say different things:
 *   REGRESSION    a case is slower beyond the threshold (significant), or a current case lost or
 *                 corrupted writes;
 *   INCONCLUSIVE  otherwise, when any case is undecided (noisy, inconclusive: separate runs, an
 *                 interval reaching across the threshold) or the comparison did not cover the
 *                 baseline (nothing in common, a partial run, missing or failed baseline cases);
 *   PASS          every baseline case compared, each unchanged or faster.
 * An INCONCLUSIVE verdict names its undecided cases and the command that decides them.
 */
import { caseLabels, parseCaseId, PEER_STRATEGY, type CaseSpec } from '../model.js';
import { SEPARATE_RUNS_FACTOR, type CaseComparison, type ComparisonReport } from './compare.js';
import { uncoveredReasons } from './coverage.js';

export const GATE_VERDICTS = ['PASS', 'REGRESSION', 'INCONCLUSIVE'] as const;
export type GateVerdict = (typeof GATE_VERDICTS)[number];
export const GATE_EXIT: Record<GateVerdict, 0 | 1 | 2> = { PASS: 0, REGRESSION: 1, INCONCLUSIVE: 2 };

export interface GateDecision {
  verdict: GateVerdict;
  exitCode: 0 | 1 | 2;
  /** the verdict in one sentence, starting with the verdict's word */
  headline: string;
  /** ids of the compared cases that are neither decided nor regressions */
  undecided: string[];
  /** what the comparison did not cover (nothing in common, partial, missing baseline cases) */
  uncovered: string[];
  /** INCONCLUSIVE: the command that would decide the undecided cases */
  decideWith?: string;
}

/** A case id, device prefix ("H100 (cuda): ") removed, as its axes. */
function axesOf(id: string): Omit<CaseSpec, 'id'> | undefined {
  const at = id.lastIndexOf(': ');
  return parseCaseId(at < 0 ? id : id.slice(at + 2));
}

/** Short labels of the report's cases by id (device prefix kept). */
export function labelsOf(r: Pick<ComparisonReport, 'cases'>): Map<string, string> {
  const parsed = r.cases.map((c) => ({ id: c.id, axes: axesOf(c.id) }));
  const known = parsed.filter((p): p is { id: string; axes: Omit<CaseSpec, 'id'> } => p.axes !== undefined);
  const labels = caseLabels(known.map((p) => p.axes));
  const out = new Map(parsed.map((p) => [p.id, p.id]));
  known.forEach((p, i) => {
    const at = p.id.lastIndexOf(': ');
    out.set(p.id, (at < 0 ? '' : p.id.slice(0, at + 2)) + labels[i]!);
  });
  return out;
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** The run/ab axis flags that select (a superset of) these cases. */
export function axisFlags(ids: readonly string[]): string {
  const axes = ids.map(axesOf).filter((a): a is Omit<CaseSpec, 'id'> => a !== undefined && a.strategy !== PEER_STRATEGY);
  if (axes.length === 0) return '';
  const list = (xs: readonly (string | number)[]): string => unique(xs).join(',');
  const modes = unique(axes.map((a) => a.mode));
  const flags = [`--mode ${list(modes)}`, `--strategy ${list(axes.map((a) => a.strategy))}`, `--value-size ${list(axes.map((a) => a.valueSize))}`];
  if (modes.some((m) => m !== 'single')) flags.push(`--batch-size ${list(axes.filter((a) => a.mode !== 'single').map((a) => a.batchSize))}`);
  if (modes.includes('concurrent')) flags.push(`--threads ${list(axes.filter((a) => a.mode === 'concurrent').map((a) => a.threads))}`);
  flags.push(`--key-dist ${list(axes.map((a) => a.keyDist))}`, `--load-factor ${list(axes.map((a) => a.loadFactor))}`, `--keys ${list(axes.map((a) => a.keys))}`);
  return flags.join(' ');
}

/** What `--base` the ab run that decides would take: the build the baseline side measured. */
function baseSpec(r: ComparisonReport): string {
  const label = r.pairing?.baseline ?? '';
  const git = /^git (\S+)/.exec(label);
  if (git) return git[1]!;
  const addon = /^addon (.+)$/.exec(label);
  return addon ? addon[1]! : '<the baseline\'s git ref>';
}

function decideCommand(r: ComparisonReport, undecided: readonly string[]): string | undefined {
  if (undecided.length === 0) return undefined;
  // Every case of a larger comparison undecided: the whole profile again, not a long list of axes.
  const flags = undecided.length === r.cases.length && undecided.length > 6 && r.current.profile ? `--profile ${r.current.profile}` : axisFlags(undecided);
  if (flags === '') return 'writeprof run --repeat 3 on each build, then writeprof compare of the two (peers take no part in ab)';
  const rounds = r.pairing ? ` --rounds ${Math.max(60, r.pairing.rounds * 2)}` : '';
  return `writeprof ab --base ${baseSpec(r)}${rounds} ${flags}`;
}

const pct = (v: number): string => `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;

function regressionHeadline(r: ComparisonReport, labels: Map<string, string>): string {
  const name = (id: string): string => labels.get(id) ?? id;
  const slow = r.cases.filter((c) => c.regression);
  const parts: string[] = [];
  if (slow.length) {
    const shown = slow.slice(0, 3).map((c) => `${name(c.id)} ${pct(c.changePct)}`);
    parts.push(`${slow.length} case(s) slower than -${r.threshold}%: ${shown.join(', ')}${slow.length > 3 ? ` and ${slow.length - 3} more` : ''}`);
  }
  if (r.failed.length) parts.push(`${r.failed.length} current case(s) lost, held stale or corrupted writes or did not run: ${r.failed.slice(0, 3).map(name).join(', ')}${r.failed.length > 3 ? ' ...' : ''}`);
  return `REGRESSION: ${parts.join('; ')}`;
}

function undecidedWhy(cases: readonly CaseComparison[], threshold: number): string {
  const separate = cases.filter((c) => c.verdict === 'inconclusive' && /separate runs/.test(c.reason ?? '')).length;
  const wide = cases.filter((c) => c.verdict === 'inconclusive' && c.rounds !== undefined).length;
  const rest = cases.length - separate - wide;
  const parts: string[] = [];
  if (separate) parts.push(`${separate} within the drift between separate runs (only ${SEPARATE_RUNS_FACTOR}x is told from it)`);
  if (wide) parts.push(`${wide} with a 95% interval across ±${threshold}%`);
  if (rest) parts.push(`${rest} too noisy to call`);
  return parts.join(', ');
}

/** The verdict of a comparison whose cases are decided (compareDocuments, comparePaired, confirmRegressions). */
export function decideGate(r: ComparisonReport): GateDecision {
  const labels = labelsOf(r);
  const undecidedCases = r.cases.filter((c) => !c.regression && !c.currentFailed && (c.verdict === 'noisy' || c.verdict === 'inconclusive'));
  const undecided = undecidedCases.map((c) => c.id);
  const uncovered = uncoveredReasons(r, r.confirmation?.partial === true);
  if (r.failedGate) return { verdict: 'REGRESSION', exitCode: 1, headline: regressionHeadline(r, labels), undecided, uncovered };
  if (undecided.length || uncovered.length) {
    const parts: string[] = [];
    if (undecided.length) parts.push(`${undecided.length} of ${r.cases.length} cases undecided: ${undecidedWhy(undecidedCases, r.threshold)}`);
    parts.push(...uncovered);
    const decideWith = decideCommand(r, undecided);
    return { verdict: 'INCONCLUSIVE', exitCode: 2, headline: `INCONCLUSIVE: ${parts.join('; ')}`, undecided, uncovered, ...(decideWith ? { decideWith } : {}) };
  }
  const faster = r.cases.filter((c) => c.verdict === 'faster').length;
  return {
    verdict: 'PASS',
    exitCode: 0,
    headline: `PASS: ${r.cases.length} cases compared, none slower than -${r.threshold}% (${r.cases.length - faster} unchanged, ${faster} faster)`,
    undecided,
    uncovered,
  };
}
