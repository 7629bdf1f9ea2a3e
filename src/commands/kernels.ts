import type { Command } from 'commander';
import Table from 'cli-table3';
import { KERNELS_JSON, kernelRows, loadKernels, type KernelRow } from '../occupancy/resource-usage.js';

function pct(x: number): string {
  const p = Math.round(x * 1000) / 10; // 40 of 64 warps is 62.5%, not 63%
  return `${p}%`;
}

export function renderKernels(rows: readonly KernelRow[], nvcc: string | null): string {
  const table = new Table({
    head: ['Kernel', 'Strategy', 'Mode', 'Counters', 'Arch', 'Block', 'Regs', 'Shared', 'Spills st/ld', 'Stack', 'Occupancy', 'Limited by'],
    style: { head: [], border: [] },
    // No rule between body rows, as in the run tables.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  });
  for (const k of rows) {
    const occ = k.occupancy;
    table.push([
      k.name,
      k.strategies.join(', '),
      k.modes.join(', '),
      k.counters ? 'on' : 'off',
      k.arch,
      k.blockSize ?? '?',
      k.registers,
      `${k.sharedBytes} B`,
      `${k.spillStoreBytes}/${k.spillLoadBytes} B`,
      `${k.stackBytes} B`,
      occ ? `${pct(occ.occupancy)} (${occ.blocksPerSM}×${occ.blockSize})` : '?',
      occ?.limitedBy ?? '?',
    ]);
  }
  const caption =
    `CUDA kernels as built (ptxas -v${nvcc ? `, nvcc ${nvcc}` : ''}): per-thread registers, static shared memory and spills; ` +
    'theoretical occupancy = resident warps per SM / 64 on each architecture';
  return `${caption}\n${table.toString()}\n`;
}

export function register(program: Command): void {
  program
    .command('kernels')
    .description('Resource usage of every CUDA kernel per architecture (registers, shared memory, spills) and theoretical occupancy; needs no GPU')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { json?: boolean }) => {
      const doc = loadKernels(KERNELS_JSON);
      const rows = kernelRows(doc);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ source: 'out/cuda/kernels.json', nvcc: doc.nvcc, archs: doc.archs, kernels: rows }, null, 2) + '\n');
      } else {
        process.stdout.write(renderKernels(rows, doc.nvcc));
      }
    });
}
