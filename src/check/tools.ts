/**
 * `writeprof check`'s tools, as compute-sanitizer names its own, and how a finding of each is
 * counted in the summary line.
 */
import { invalid } from '../errors.js';
import { EMULATOR_LIMITS } from '../limits.js';
import { CHECK_TOOLS, type CheckTool } from '../model.js';
import { parseNumber } from '../profile/values.js';

export const TOOLS = CHECK_TOOLS;
export type Tool = CheckTool;

/** What each tool finds (help text, reports). */
export const TOOL_FINDS: Record<Tool, string> = {
  memcheck: 'accesses outside every allocation or after cudaFree, misaligned atomics',
  racecheck: 'accesses of two threads, one a write, not ordered (barrier, warp, fence, atomics)',
  initcheck: 'reads of device memory no kernel, cudaMemcpy or cudaMemset wrote',
  synccheck: 'warp masks naming the wrong lanes, divergent barriers and rendezvous',
  weak: 'publishing that relies on x86 order: stores held back until a release',
};

/** The summary's noun for a tool's findings ("racecheck: 0 hazards in 14 kernels"). */
export const TOOL_NOUN: Record<Tool, [string, string]> = {
  memcheck: ['error', 'errors'],
  racecheck: ['hazard', 'hazards'],
  initcheck: ['error', 'errors'],
  synccheck: ['error', 'errors'],
  weak: ['stale value', 'stale values'],
};

export function isTool(s: string): s is Tool {
  return (TOOLS as readonly string[]).includes(s);
}

/** --tool: `all` or a comma-separated list (each once, in the order given). */
export function parseTools(raw: string | undefined): Tool[] {
  if (raw === undefined || raw.trim() === 'all') return [...TOOLS];
  const items = raw.split(',').map((s) => s.trim());
  const out: Tool[] = [];
  for (const t of items) {
    if (!isTool(t)) throw invalid('--tool', raw, `all, or a list of ${TOOLS.join(', ')}`);
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

const MAX_SEEDS = 64;

/** --emu-seed n, or --emu-seeds a-b / a,b,c (at most 64 seeds); not both. Default: seed 1. */
export function parseSeeds(seed: string | undefined, seeds: string | undefined, fallback: number): number[] {
  if (seed !== undefined && seeds !== undefined) throw invalid('--emu-seeds', seeds, 'a seed list without --emu-seed (give one of them)');
  if (seeds === undefined) return [seed === undefined ? fallback : parseNumber('--emu-seed', seed, EMULATOR_LIMITS.seed)];
  const allowed = `seeds as a-b or a,b,c (integers from ${EMULATOR_LIMITS.seed.min}, at most ${MAX_SEEDS} of them)`;
  const out: number[] = [];
  for (const part of seeds.split(',').map((s) => s.trim())) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const lo = parseNumber('--emu-seeds', range[1], EMULATOR_LIMITS.seed), hi = parseNumber('--emu-seeds', range[2], EMULATOR_LIMITS.seed);
      if (hi < lo || hi - lo >= MAX_SEEDS) throw invalid('--emu-seeds', seeds, allowed);
      for (let s = lo; s <= hi; s++) out.push(s);
    } else {
      if (!/^\d+$/.test(part)) throw invalid('--emu-seeds', seeds, allowed);
      out.push(parseNumber('--emu-seeds', part, EMULATOR_LIMITS.seed));
    }
    if (out.length > MAX_SEEDS) throw invalid('--emu-seeds', seeds, allowed);
  }
  return [...new Set(out)];
}
