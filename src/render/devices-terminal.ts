/** Terminal output for results from several devices: each device's tables, then one comparison. */
import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { DevicePart } from '../results/devices.js';
import type { ResultsDocument } from '../results/schema.js';
import { compareDevices, type DeviceComparison } from './device-compare.js';
import { fmtInt, fmtRatio } from '../format.js';
import { partialNote } from './merged-notes.js';

export function comparisonTable(c: ChalkInstance, cmp: DeviceComparison): string {
  const others = cmp.devices.slice(1);
  const head = ['Workload', ...cmp.devices.map((d) => `${d}\nbest (ops/sec)`), ...others.map((d) => `${d}\nvs ${cmp.reference}`)];
  const tab = new Table({
    head: head.map((h) => c.bold(h)),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')),
  });
  for (const r of cmp.rows) {
    const cells = r.cells.map((cell) => (cell ? `${fmtInt(cell.opsPerSec)}${cell.noisy ? ` ${c.yellow('⚠')}` : ''} ${c.dim(cell.strategy)}` : '—'));
    tab.push([r.workload, ...cells, ...r.ratios.slice(1).map((x) => fmtRatio(x, '×'))]);
  }
  const title = `${c.bold('Device Comparison')}\n${c.dim(`each device's best strategy per row; ratios are ops/sec over ${cmp.reference}'s`)}`;
  return [title, tab.toString()].join('\n');
}

/** `single` renders one device's document (the ordinary terminal output). */
export function renderDevicesTerminal(
  doc: ResultsDocument,
  parts: readonly DevicePart[],
  c: ChalkInstance,
  single: (d: ResultsDocument) => string,
): string {
  const blocks: string[] = [c.dim(`writeprof ${doc.tool.version} · ${parts.length} devices · profile ${doc.profile.name} · ${doc.cases.length} cases`)];
  if (doc.partial) blocks.push(c.yellow(partialNote(doc)));
  for (const p of parts) {
    blocks.push(c.bold.underline(`Device: ${p.label}`));
    blocks.push(single(p.doc).trimEnd());
  }
  blocks.push(comparisonTable(c, compareDevices(parts)));
  return blocks.join('\n\n') + '\n';
}
