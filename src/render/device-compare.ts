/**
 * Devices side by side: for every row of the story's tables (single writes by value size, batch
 * writes by batch size, concurrent writes by threads), each device's best strategy and its ops/s,
 * and each device's ratio to the first device (the reference). Read from each device's own
 * matrix, so the figures are the ones its per-device tables show.
 */
import type { CaseStrategy, Mode } from '../model.js';
import type { DevicePart } from '../results/devices.js';
import { buildMatrix, type Group, type Measured } from './matrix.js';

export interface DeviceCell {
  opsPerSec: number;
  strategy: CaseStrategy;
  noisy: boolean;
}

export interface DeviceRow {
  mode: Mode;
  /** e.g. "single 64B", with the fixed axes appended when a mode has several groups */
  workload: string;
  /** one per device, in DeviceComparison.devices order (undefined: not measured there) */
  cells: (DeviceCell | undefined)[];
  /** ops/s of each device over the reference's (index 0 is always undefined) */
  ratios: (number | undefined)[];
}

export interface DeviceComparison {
  /** device labels, short: without the backend when every device has the same one */
  devices: string[];
  reference: string;
  rows: DeviceRow[];
}

const AXIS_WORD: Record<Mode, (label: string) => string> = {
  single: (l) => `single ${l}`,
  batch: (l) => `batch ${l}`,
  concurrent: (l) => `concurrent ${l} thread${l === '1' ? '' : 's'}`,
};

/** What tells a group from the other groups of its mode: the caption parts they do not share. */
function distinguishing(captions: readonly string[]): Map<string, string> {
  const split = captions.map((c) => c.split(', '));
  const common = split[0]!.filter((part) => split.every((p) => p.includes(part)));
  return new Map(captions.map((c, i) => [c, split[i]!.filter((part) => !common.includes(part)).join(', ')]));
}

interface Entry {
  mode: Mode;
  group: Group;
  label: string;
  cells: Map<number, DeviceCell>;
}

function cellOf(m: Measured | undefined): DeviceCell | undefined {
  return m ? { opsPerSec: m.opsPerSec, strategy: m.strategy, noisy: m.noisy } : undefined;
}

export function compareDevices(parts: readonly DevicePart[]): DeviceComparison {
  const entries = new Map<string, Entry>();
  const put = (d: number, mode: Mode, group: Group, axisValue: number, label: string, m: Measured | undefined): void => {
    const key = `${group.key}|${axisValue}`;
    let e = entries.get(key);
    if (!e) {
      e = { mode, group, label, cells: new Map() };
      entries.set(key, e);
    }
    const cell = cellOf(m);
    if (cell) e.cells.set(d, cell);
  };
  parts.forEach((p, d) => {
    const m = buildMatrix(p.doc);
    for (const t of [...m.single, ...m.batch]) for (const r of t.rows) put(d, t.group.mode, t.group, r.axisValue, r.label, r.best);
    for (const t of m.concurrent) for (const r of t.rows) put(d, 'concurrent', t.group, r.threads, String(r.threads), r.best);
  });
  const captions = new Map<Mode, Set<string>>();
  for (const e of entries.values()) captions.set(e.mode, (captions.get(e.mode) ?? new Set()).add(e.group.caption));
  const extra = new Map([...captions.entries()].map(([mode, set]) => [mode, set.size > 1 ? distinguishing([...set]) : new Map<string, string>()]));
  const order: Mode[] = ['single', 'batch', 'concurrent'];
  const rows = [...entries.values()]
    .sort((a, b) => order.indexOf(a.mode) - order.indexOf(b.mode))
    .map((e): DeviceRow => {
      const which = extra.get(e.mode)?.get(e.group.caption);
      const cells = parts.map((_, d) => e.cells.get(d));
      const ref = cells[0];
      const ratios = cells.map((c, d) => (d === 0 || !c || !ref || ref.opsPerSec <= 0 ? undefined : c.opsPerSec / ref.opsPerSec));
      return { mode: e.mode, workload: AXIS_WORD[e.mode](e.label) + (which ? `, ${which}` : ''), cells, ratios };
    });
  const oneBackend = new Set(parts.map((p) => p.doc.environment.backend)).size === 1;
  const devices = parts.map((p) => (oneBackend ? p.name : p.label));
  return { devices, reference: devices[0] ?? '', rows };
}
