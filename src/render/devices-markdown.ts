/** Markdown report for results from several devices: the comparison first, then each device's report. */
import { basename, dirname, extname, join } from 'node:path';
import type { DevicePart } from '../results/devices.js';
import type { ResultsDocument } from '../results/schema.js';
import { compareDevices, type DeviceComparison } from './device-compare.js';
import { fmtInt, fmtRatio } from '../format.js';
import { partialNote } from './merged-notes.js';
import type { Rendered } from './index.js';

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function comparisonSection(cmp: DeviceComparison): string {
  const others = cmp.devices.slice(1);
  const head = ['Workload', ...cmp.devices.map((d) => `${esc(d)} best (ops/sec)`), ...others.map((d) => `${esc(d)} vs ${esc(cmp.reference)}`)];
  const lines = [row(head), row(head.map((_, i) => (i === 0 ? '---' : '---:')))];
  for (const r of cmp.rows) {
    const cells = r.cells.map((c) => (c ? `${fmtInt(c.opsPerSec)}${c.noisy ? ' ⚠' : ''} (${c.strategy})` : '—'));
    lines.push(row([esc(r.workload), ...cells, ...r.ratios.slice(1).map((x) => fmtRatio(x, 'x'))]));
  }
  return [
    '## Device Comparison',
    '',
    `Each device's best strategy per row of the story's tables; the ratios are ops/sec over ${esc(cmp.reference)}'s.`,
    '',
    lines.join('\n'),
  ].join('\n');
}

/** One level deeper: the device's report sits under its "## Device" heading. */
function demote(md: string): string {
  return md.replace(/^(#{1,5}) /gm, '#$1 ');
}

/** Where a device's charts go: beside the report, named after it and the device's position. */
function devicePath(outputPath: string, i: number): string {
  const b = basename(outputPath);
  const ext = extname(b);
  return join(dirname(outputPath), `${ext ? b.slice(0, -ext.length) : b}-device-${i + 1}${ext}`);
}

/** `single` renders one device's document (the ordinary report, its charts beside `path`). */
export async function renderDevicesMarkdown(
  doc: ResultsDocument,
  parts: readonly DevicePart[],
  outputPath: string | undefined,
  single: (d: ResultsDocument, path?: string) => Promise<Rendered>,
): Promise<Rendered> {
  const out: string[] = [`# writeprof report: ${esc(doc.profile.name)} on ${parts.length} devices`];
  out.push(`Rendered from results merged by ${esc(doc.tool.name)} ${esc(doc.tool.version)} at ${esc(doc.createdAt)} (results schema ${doc.schemaVersion}).`);
  if (doc.partial) out.push(`> **${partialNote(doc)}**`);
  const devices = parts.map((p, i) => row([`[${esc(p.label)}](#device-${i + 1})`, esc(p.hosts.join(', ')), String(p.doc.cases.length)]));
  out.push(['## Devices', '', row(['Device', 'Hosts', 'Cases']), row(['---', '---', '---:']), ...devices].join('\n'));
  out.push(comparisonSection(compareDevices(parts)));
  const files: Rendered['files'] = [];
  for (const [i, p] of parts.entries()) {
    const body = await single(p.doc, outputPath ? devicePath(outputPath, i) : undefined);
    files.push(...body.files);
    // The device's own title line gives way to the section heading.
    const rest = body.text.replace(/^# .*\n+/, '');
    out.push(`<a id="device-${i + 1}"></a>\n\n## Device ${i + 1}: ${esc(p.label)}\n\n${demote(rest).trimEnd()}`);
  }
  return { text: out.join('\n\n') + '\n', files };
}
