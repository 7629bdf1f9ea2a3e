import type { Command } from 'commander';
import { DEFAULT_WIDTH, textTable, wrap } from '../screen.js';
import { emitTableOrJson, helpAfter, tableOrJsonOptions, type TableOrJsonFlags } from './output.js';
import { KERNELS_JSON, kernelRows, loadKernels, type KernelRow } from '../occupancy/resource-usage.js';

function pct(x: number): string {
  const p = Math.round(x * 1000) / 10; // 40 of 64 warps is 62.5%, not 63%
  return `${p}%`;
}

export function renderKernels(rows: readonly KernelRow[], nvcc: string | null, width: number = DEFAULT_WIDTH): string {
  const body = rows.map((k) => {
    const occ = k.occupancy;
    return [
      k.name,
      k.arch,
      String(k.registers),
      `${k.sharedBytes} B`,
      `${k.spillStoreBytes}/${k.spillLoadBytes} B`,
      `${k.stackBytes} B`,
      occ ? `${pct(occ.occupancy)} (${occ.blocksPerSM}×${occ.blockSize})` : '?',
      occ?.limitedBy ?? '?',
    ];
  });
  const usage = textTable(['Kernel', 'Arch', 'Regs', 'Shared', 'Spills\nst/ld', 'Stack', 'Occupancy\n(blocks×threads)', 'Limited\nby'], body, { align: 'llrrrrrl', width });
  // What each kernel serves, once per kernel (the same on every architecture).
  const seen = new Map<string, KernelRow>();
  for (const k of rows) if (!seen.has(k.name)) seen.set(k.name, k);
  const serves = textTable(
    ['Kernel', 'Strategies', 'Modes', 'Counters'],
    [...seen.values()].map((k) => [k.name, k.strategies.join(', '), k.modes.join(', '), k.counters ? 'on' : 'off']),
    { align: 'llll', width },
  );
  const caption =
    `CUDA kernels as built (ptxas -v${nvcc ? `, nvcc ${nvcc}` : ''}): per-thread registers, static shared memory and spills; ` +
    'theoretical occupancy = resident warps per SM / 64 on each architecture';
  return `${wrap(caption, width).join('\n')}\n${usage}\n\nWhat each kernel runs:\n${serves}\n`;
}

const HELP = `
Examples:
  writeprof kernels                 # the table (needs \`make build\` with nvcc; no GPU)
  writeprof kernels -f json -o kernels.json
`;

export function register(program: Command): void {
  tableOrJsonOptions(
    program
      .command('kernels')
      .description('Resource usage of every CUDA kernel per architecture (registers, shared memory, spills) and theoretical occupancy; needs no GPU'),
  )
    .addHelpText('after', helpAfter(HELP))
    .action(async (flags: TableOrJsonFlags) => {
      const doc = loadKernels(KERNELS_JSON);
      const rows = kernelRows(doc);
      await emitTableOrJson(flags, () => ({ source: 'out/cuda/kernels.json', nvcc: doc.nvcc, archs: doc.archs, kernels: rows }), (width) => renderKernels(rows, doc.nvcc, width));
    });
}
