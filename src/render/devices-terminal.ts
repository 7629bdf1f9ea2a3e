/** Terminal output for results from several devices: each device's tables, then one comparison. */
import type { ChalkInstance } from 'chalk';
import { DEFAULT_WIDTH, textTable } from '../screen.js';
import type { DevicePart } from '../results/devices.js';
import type { ResultsDocument } from '../results/schema.js';
import { compareDevices, type DeviceComparison } from './device-compare.js';
import { fmtInt, fmtRatio } from '../format.js';
import { partialNote } from './merged-notes.js';

export function comparisonTable(c: ChalkInstance, cmp: DeviceComparison, width: number = DEFAULT_WIDTH): string {
  const others = cmp.devices.slice(1);
  const head = ['Workload', ...cmp.devices.map((d) => `${d}\nbest (ops/sec)`), ...others.map((d) => `${d}\nvs ${cmp.reference}`)];
  const rows = cmp.rows.map((r) => {
    const cells = r.cells.map((cell) => (cell ? `${fmtInt(cell.opsPerSec)}${cell.noisy ? ` ${c.yellow('⚠')}` : ''} ${c.dim(cell.strategy)}` : '—'));
    return [r.workload, ...cells, ...r.ratios.slice(1).map((x) => fmtRatio(x, '×'))];
  });
  const tab = textTable(head.map((h) => c.bold(h)), rows, { align: 'l' + 'r'.repeat(head.length - 1), width });
  const title = `${c.bold('Device Comparison')}\n${c.dim(`each device's best strategy per row; ratios are ops/sec over ${cmp.reference}'s`)}`;
  return [title, tab].join('\n');
}

/** `single` renders one device's document (the ordinary terminal output). */
export function renderDevicesTerminal(
  doc: ResultsDocument,
  parts: readonly DevicePart[],
  c: ChalkInstance,
  width: number,
  single: (d: ResultsDocument) => string,
): string {
  const blocks: string[] = [c.dim(`writeprof ${doc.tool.version} · ${parts.length} devices · profile ${doc.profile.name} · ${doc.cases.length} cases`)];
  if (doc.partial) blocks.push(c.yellow(partialNote(doc)));
  for (const p of parts) {
    blocks.push(c.bold.underline(`Device: ${p.label}`));
    blocks.push(single(p.doc).trimEnd());
  }
  blocks.push(comparisonTable(c, compareDevices(parts), width));
  return blocks.join('\n\n') + '\n';
}
