import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_WIDTH, textTable, wrap } from '../screen.js';
import { emitTableOrJson, helpAfter, tableOrJsonOptions, type TableOrJsonFlags } from './output.js';
import { KERNELS_JSON, kernelRows, loadKernels, type KernelRow, type KernelUsage } from '../occupancy/resource-usage.js';
import { inputFile } from '../io/target.js';
import { checkWritable } from '../io/write.js';
import { MODES } from '../model.js';
import { prepareStrategyFiles, RESOURCE_USAGE, type StrategyFile } from '../strategy-file/index.js';
import { collect } from './run-strategy-files.js';

/**
 * A strategy file's kernels as its nvcc build's ptxas reported them, named with the strategy: its
 * batch kernels, and the single-write server of its WP_STRATEGY_SINGLE (one warp) when it has one.
 */
function fileKernels(f: StrategyFile): KernelUsage[] {
  return loadKernels(join(dirname(f.addonPath), RESOURCE_USAGE)).kernels.map((k) => {
    const server = k.name.startsWith('wp_user_single_');
    return {
      ...k,
      name: `${k.name} (${f.name})`,
      family: f.name,
      strategies: [f.name],
      modes: server ? ['single'] : MODES.filter((m) => m !== 'single' || !f.declared.single),
      blockSize: server ? 32 : f.declared.block,
    };
  });
}

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
  writeprof kernels --strategy-file examples/strategies/coop4_cas.cu   # yours beside them (built by nvcc)
`;

export function register(program: Command): void {
  tableOrJsonOptions(
    program
      .command('kernels')
      .description('Resource usage of every CUDA kernel per architecture (registers, shared memory, spills) and theoretical occupancy; needs no GPU'),
  )
    .option('--strategy-file <path>', 'also a .cu file declaring a strategy (writeprof/kernel.cuh), built by nvcc as --backend cuda runs it (repeatable)', collect)
    .addHelpText('after', helpAfter(HELP))
    .action(async (flags: TableOrJsonFlags & { strategyFile?: string[] }) => {
      const doc = loadKernels(KERNELS_JSON);
      // An output over a strategy file is refused before anything is built.
      const inputs = (flags.strategyFile ?? []).map((f) => inputFile(f));
      if (flags.output !== undefined) checkWritable(flags.output, { field: '--output', inputs });
      const files = prepareStrategyFiles(flags.strategyFile ?? [], 'cuda');
      const rows = kernelRows({ ...doc, kernels: [...doc.kernels, ...files.flatMap(fileKernels)] });
      const json = () => ({
        source: 'out/cuda/kernels.json',
        nvcc: doc.nvcc,
        archs: doc.archs,
        ...(files.length ? { strategyFiles: files.map((f) => ({ name: f.name, path: f.shown, sha256: f.sha256 })) } : {}),
        kernels: rows,
      });
      await emitTableOrJson(flags, json, (width) => renderKernels(rows, doc.nvcc, width), inputs);
    });
}
