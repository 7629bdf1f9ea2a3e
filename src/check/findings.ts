/**
 * Findings as `writeprof check` reports them: each site placed in the source (file:line), and
 * identical findings (same tool, kind, kernel and sites) from every seed, variant and case folded
 * into one with a count, the seeds that showed it and the cases it came from.
 */
import type { RawFinding } from '../backends/contract.js';
import type { CheckFinding, CheckSite } from '../results/check.js';
import { isTool } from './tools.js';
import { sharedVariableAt, type SharedVariable, type SourceSite } from './sites.js';

export type { CheckFinding, CheckSite };

function siteOf(s: RawFinding['sites'][number], placed: Map<number, SourceSite>, vars: readonly SharedVariable[]): CheckSite {
  const src = s.pc > 0 ? placed.get(s.pc) : undefined;
  const where = src ? `${src.file}:${src.line}` : s.where || (s.pc > 0 ? `+0x${s.pc.toString(16)}` : '?');
  const variable = s.space === 'shared' && s.offset >= 0 ? sharedVariableAt(vars, s.offset) : undefined;
  return {
    where,
    ...(src ? { function: src.function } : {}),
    block: s.block,
    warp: s.warp,
    lane: s.lane,
    access: s.access,
    space: s.space,
    ...(variable ? { variable: variable.name } : {}),
    offset: variable ? variable.offset : s.offset,
    size: s.size,
  };
}

/** One run's raw findings with their sites placed (source lines; shared offsets in their variable). */
export function placeFindings(raw: readonly RawFinding[], placed: Map<number, SourceSite>, caseLabel: string, vars: readonly SharedVariable[] = []): CheckFinding[] {
  return raw.map((f) => ({
    tool: isTool(f.tool) ? f.tool : 'memcheck',
    kind: f.kind,
    severity: f.severity === 'note' ? 'note' : 'error',
    kernel: f.kernel,
    grid: [f.grid.x, f.grid.y, f.grid.z],
    block: [f.block.x, f.block.y, f.block.z],
    message: f.message,
    count: f.count,
    seeds: [f.seed],
    cases: [caseLabel],
    sites: f.sites.map((s) => siteOf(s, placed, vars)),
  }));
}

function key(f: CheckFinding): string {
  return JSON.stringify([f.tool, f.kind, f.kernel, f.sites.map((s) => [s.where, s.access, s.space])]);
}

/** Folds identical findings: counts add up, seeds and cases join; the first occurrence's details stay. */
export function foldFindings(all: readonly CheckFinding[]): CheckFinding[] {
  const out = new Map<string, CheckFinding>();
  for (const f of all) {
    const k = key(f);
    const hit = out.get(k);
    if (!hit) {
      out.set(k, { ...f, seeds: [...f.seeds], cases: [...f.cases] });
      continue;
    }
    hit.count += f.count;
    for (const s of f.seeds) if (!hit.seeds.includes(s)) hit.seeds.push(s);
    for (const c of f.cases) if (!hit.cases.includes(c)) hit.cases.push(c);
  }
  for (const f of out.values()) f.seeds.sort((a, b) => a - b);
  return [...out.values()];
}
