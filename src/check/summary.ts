/** One line per tool, as compute-sanitizer ends its output: "racecheck: 0 hazards in 14 kernels, 3 seeds". */
import type { CheckFinding, ToolSummary } from '../results/check.js';
import { TOOL_NOUN, type Tool } from './tools.js';

function plural(n: number, [one, many]: readonly [string, string]): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summarize(tools: readonly Tool[], findings: readonly CheckFinding[], kernels: number, seeds: number): ToolSummary[] {
  return tools.map((tool) => {
    const mine = findings.filter((f) => f.tool === tool && f.severity === 'error');
    const occurrences = mine.reduce((n, f) => n + f.count, 0);
    const notes = findings.filter((f) => f.tool === tool && f.severity === 'note').length;
    const found = plural(mine.length, TOOL_NOUN[tool]) + (mine.length && occurrences !== mine.length ? ` (${occurrences} occurrences)` : '');
    const noted = notes ? `, ${plural(notes, ['note', 'notes'])}` : '';
    const line = `${tool}: ${found}${noted} in ${plural(kernels, ['kernel', 'kernels'])}, ${plural(seeds, ['seed', 'seeds'])}`;
    return { tool, findings: mine.length, occurrences, kernels, seeds, line };
  });
}
