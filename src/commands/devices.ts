import type { Command } from 'commander';
import { DEFAULT_WIDTH, textTable } from '../screen.js';
import { emitTableOrJson, helpAfter, tableOrJsonOptions, type TableOrJsonFlags } from './output.js';
import { fmtMemory } from '../format.js';
import type { BackendStatus, DeviceInfo } from '../backends/backend.js';
import { cpuStatus } from '../backends/cpu.js';
import { cudaCompiled, cudaStatus } from '../backends/cuda.js';
import { emuStatus } from '../backends/cuda-emu.js';

export interface DevicesReport {
  backends: (BackendStatus & { compiled?: boolean | null })[];
}

export function devicesReport(): DevicesReport {
  const { emulator: _settings, ...emu } = emuStatus();
  return { backends: [cpuStatus(), { ...cudaStatus(), compiled: cudaCompiled() }, emu] };
}

function gib(bytes: unknown): string {
  return typeof bytes === 'number' ? fmtMemory(bytes) : '?';
}

/** One line of what matters about a device: for a GPU the figures writes are measured against. */
export function deviceDetails(d: DeviceInfo | undefined): string {
  if (!d) return '';
  if (d.kind === 'cpu') return `${d['cores'] ?? '?'} cores`;
  if (d.kind === 'emulator')
    return `the CUDA kernels on host threads (compute capability ${d['computeCapability'] ?? '?'} semantics, ${d['workers'] ?? '?'} workers): every write verified, timings are not performance figures`;
  return [
    `compute capability ${d['computeCapability'] ?? '?'}`,
    `${d['sms'] ?? '?'} SMs`,
    gib(d['memoryBytes']),
    `${d['memBandwidthGBs'] ?? '?'} GB/s theoretical`,
    d['pcie'] ? `PCIe ${d['pcie']}` : 'PCIe link unknown',
    d['cudaDriver'] ? `driver CUDA ${d['cudaDriver']}` : null,
  ]
    .filter((x): x is string => x !== null)
    .join(', ');
}

export function renderDevices(report: DevicesReport, width: number = DEFAULT_WIDTH): string {
  const rows = report.backends.map((b) => [b.name, b.available ? 'yes' : 'no', b.device?.name ?? '—', b.available ? deviceDetails(b.device) : (b.reason ?? 'unknown reason')]);
  return textTable(['Backend', 'Available', 'Device', 'Details / reason'], rows, { width }) + '\n';
}

const HELP = `
Examples:
  writeprof devices                  # which backends run here, and why not
  writeprof devices -f json -o devices.json
`;

export function register(program: Command): void {
  tableOrJsonOptions(
    program
      .command('devices')
      .description('List the backends (cpu, cuda, cuda-emu): available or why not; for a GPU its name, compute capability, SMs, memory, bandwidth, PCIe link'),
  )
    .addHelpText('after', helpAfter(HELP))
    .action(async (flags: TableOrJsonFlags) => {
      const report = devicesReport();
      await emitTableOrJson(flags, () => report, (width) => renderDevices(report, width));
    });
}
