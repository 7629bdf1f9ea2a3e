/**
 * A check document (`writeprof check`, results.check) as text: the findings, each with both
 * accesses, then one summary line per tool; and as a markdown report beside compute-sanitizer's
 * vocabulary. Rendered only from the document.
 */
import type { CheckFinding, CheckSite } from '../results/check.js';
import type { ResultsDocument } from '../results/schema.js';
import { csvField } from './csv.js';

const MAX_CASES_SHOWN = 3;
/** A fault's thread dump can run to kilobytes: the terminal shows its start (the JSON keeps it all). */
const MAX_ERROR_SHOWN = 400;

function clip(s: string): string {
  return s.length > MAX_ERROR_SHOWN ? `${s.slice(0, MAX_ERROR_SHOWN)}... (the results JSON has all of it)` : s;
}

function dims(d: readonly number[]): string {
  return d[1] === 1 && d[2] === 1 ? String(d[0]) : `(${d.join(',')})`;
}

export function geometry(f: CheckFinding): string {
  return `${f.kernel}<<<${dims(f.grid)}, ${dims(f.block)}>>>`;
}

function seedList(seeds: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    parts.push(j > i ? `${seeds[i]}-${seeds[j]}` : String(seeds[i]));
    i = j + 1;
  }
  return parts.join(',');
}

const KERNEL_BODY = /::\{lambda\(\)#\d+\}::operator\(\)\(\)(?: const)?(?: \[clone [^\]]*\])*$/;

/** A demangled function without its parameter list: "wp::gpu::(anonymous namespace)::planted_upsert". */
export function functionName(f: string): string {
  // A kernel's body is a lambda in its translation (src/emu/rewrite.ts): it is named by the kernel.
  const body = KERNEL_BODY.exec(f);
  if (body) return functionName(f.slice(0, body.index));
  // The compiler's specialised copies ("f(int) [clone .isra.0]") are the function.
  const clone = / \[clone [^\]]*\]$/.exec(f);
  if (clone) return functionName(f.slice(0, clone.index));
  if (!f.endsWith(')')) return f;
  let depth = 0;
  for (let i = f.length - 1; i >= 0; i--) {
    if (f[i] === ')') depth++;
    else if (f[i] === '(' && --depth === 0) return f.slice(0, i);
  }
  return f;
}

/** "write at kernels/cuda/probe.h:44 (publish_locked), block 0 warp 2 lane 5, global +4096, 8 B" */
export function siteText(s: CheckSite): string {
  const who = s.block < 0 ? 'host code' : `block ${s.block} warp ${s.warp} lane ${s.lane}`;
  const fn = s.function ? ` (${functionName(s.function)})` : '';
  const at = s.variable ? ` ${s.variable}` : '';
  const mem = s.space ? `, ${s.space}${at}${s.offset >= 0 ? ` +${s.offset}` : ''}${s.size ? `, ${s.size} B` : ''}` : '';
  return `${s.access || 'at'} at ${s.where}${fn}, ${who}${mem}`;
}

function casesText(f: CheckFinding): string {
  const shown = f.cases.slice(0, MAX_CASES_SHOWN).join(', ');
  return f.cases.length > MAX_CASES_SHOWN ? `${shown} and ${f.cases.length - MAX_CASES_SHOWN} more` : shown;
}

function findingLines(f: CheckFinding): string[] {
  const times = f.count === 1 ? 'once' : `${f.count} times`;
  const head = `${f.severity === 'note' ? 'note' : f.tool}: ${f.kind} in ${geometry(f)}, ${times}, seed${f.seeds.length > 1 ? 's' : ''} ${seedList(f.seeds)}`;
  const sites = f.sites.length === 2 ? [`  first:  ${siteText(f.sites[0]!)}`, `  second: ${siteText(f.sites[1]!)}`] : f.sites.map((s, i) => `  ${i ? 'also' : 'at'}: ${siteText(s)}`);
  return [head, ...sites, `  ${f.message}`, `  in ${casesText(f)}`];
}

/** The terminal rendering: findings, failed runs, then the summary per tool. */
export function renderCheckText(doc: ResultsDocument): string {
  const c = doc.check!;
  const out: string[] = [];
  for (const f of c.findings) out.push(...findingLines(f), '');
  const failed = c.runs.filter((r) => r.status === 'failed');
  for (const r of failed) out.push(`failed: ${r.case} [${r.variant}] seed ${r.seed}: ${clip(r.error ?? 'failed')}`);
  if (failed.length) out.push('');
  for (const l of c.limits) out.push(`limit: ${l}`);
  for (const s of c.summary) out.push(s.line);
  const cases = new Set(c.runs.map((r) => r.case)).size;
  out.push(`runs: ${c.runs.length} (${cases} cases x ${c.variants.length} kernel variants x ${c.seeds.length} seeds), ${failed.length} failed`);
  return out.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

/** The markdown report of a check document. */
export function renderCheckMarkdown(doc: ResultsDocument): string {
  const c = doc.check!;
  const e = doc.environment;
  const failed = c.runs.filter((r) => r.status === 'failed');
  const out: string[] = [];
  out.push(`# writeprof check: ${esc(doc.profile.name)}`);
  out.push(
    `Rendered from the results of a ${esc(doc.tool.name)} ${esc(doc.tool.version)} check at ${esc(doc.createdAt)}: kernels/cuda on the host SIMT emulator, ` +
      `instrumented build, on ${esc(e.host)} (${esc(e.cpu)}). Findings and verification are real; no timing here is a performance figure.`,
  );
  out.push(['## Summary', '', ...c.summary.map((s) => `- ${esc(s.line)}`), `- runs: ${c.runs.length}, ${failed.length} failed`, ...c.limits.map((l) => `- limit: ${esc(l)}`)].join('\n'));
  out.push(
    [
      '## What ran',
      '',
      `Tools: ${c.tools.map(code).join(', ')}. Emulator seeds: ${seedList(c.seeds)}. Kernel variants: ${c.variants.map(code).join(', ')} (with and without conflict counters).`,
      '',
      `Kernels (${c.kernels.length}): ${c.kernels.map(code).join(', ')}.`,
    ].join('\n'),
  );
  out.push('## Findings');
  if (c.findings.length === 0) out.push('_None._');
  for (const f of c.findings) {
    const rows = f.sites.map((s, i) => [
      f.sites.length === 2 ? (i === 0 ? 'first' : 'second') : 'at',
      esc(s.access),
      code(s.where) + (s.function ? ` ${esc(functionName(s.function))}` : ''),
      s.block < 0 ? 'host' : `${s.block} / ${s.warp} / ${s.lane}`,
      esc(s.space ? s.space + (s.variable ? ` ${s.variable}` : '') : '—'),
      s.offset >= 0 ? String(s.offset) : '—',
      s.size ? String(s.size) : '—',
    ]);
    out.push(
      [
        `### ${esc(f.tool)}: ${esc(f.kind)} in ${code(geometry(f))}`,
        '',
        `${esc(f.message)}. Seen ${f.count === 1 ? 'once' : `${f.count} times`}, seed${f.seeds.length > 1 ? 's' : ''} ${seedList(f.seeds)}, in ${esc(casesText(f))}.`,
        '',
        '| access | kind | source | block / warp / lane | space | offset | bytes |',
        '| --- | --- | --- | --- | --- | ---: | ---: |',
        ...rows.map((r) => `| ${r.join(' | ')} |`),
      ].join('\n'),
    );
  }
  if (failed.length) {
    out.push(
      [
        '## Failed runs',
        '',
        '| case | variant | seed | error |',
        '| --- | --- | ---: | --- |',
        ...failed.map((r) => `| ${code(r.case)} | ${r.variant} | ${r.seed} | ${esc(r.error ?? 'failed')} |`),
      ].join('\n'),
    );
  }
  return out.join('\n\n') + '\n';
}

/** One row per finding (both sites as text): for spreadsheets and CI annotations. */
export function renderCheckCsv(doc: ResultsDocument): string {
  const head = ['tool', 'kind', 'severity', 'kernel', 'grid', 'block', 'count', 'seeds', 'first', 'second', 'message', 'cases'];
  const rows = doc.check!.findings.map((f) =>
    [f.tool, f.kind, f.severity, f.kernel, dims(f.grid), dims(f.block), f.count, seedList(f.seeds), f.sites[0] ? siteText(f.sites[0]) : '', f.sites[1] ? siteText(f.sites[1]) : '', f.message, f.cases.join(' ')]
      .map(csvField)
      .join(','),
  );
  return [head.join(','), ...rows].join('\n') + '\n';
}
