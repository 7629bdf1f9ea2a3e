/**
 * Choosing the backend for a run: auto prefers a usable CUDA device, else the CPU. The emulator
 * (cuda-emu) is never chosen for you: its timings are not performance figures.
 */
import { UsageError } from '../errors.js';
import type { EmulatorSettings } from '../model.js';
import type { Backend, BackendStatus } from './backend.js';

export type BackendChoice = 'auto' | 'cpu' | 'cuda' | 'cuda-emu';

export interface Selected {
  backend: Backend;
  status: BackendStatus;
  /** One line for stderr: which backend and why. */
  line: string;
}

export interface BackendSet {
  cpu: () => Promise<Backend>;
  cuda: () => Promise<Backend>;
  cudaEmu: (settings?: EmulatorSettings) => Promise<Backend>;
}

// Loaded on demand: commands that fail on bad input never touch the native addon.
const builtin: BackendSet = {
  cpu: async () => (await import('./cpu.js')).cpuBackend,
  cuda: async () => (await import('./cuda.js')).cudaBackend,
  cudaEmu: async (settings) => (await import('./cuda-emu.js')).createEmuBackend(settings),
};

/** The first line of why a backend is unavailable. */
export function reasonOf(status: BackendStatus): string {
  return status.reason?.split('\n')[0]?.trim() || 'unknown reason';
}

function deviceName(status: BackendStatus): string {
  return status.device?.name ? ` (${status.device.name})` : '';
}

export async function selectBackend(choice: BackendChoice, backends: BackendSet = builtin, emulator?: EmulatorSettings): Promise<Selected> {
  if (choice === 'cuda-emu') {
    const emu = await backends.cudaEmu(emulator);
    const es = emu.status();
    if (!es.available) throw new UsageError(`backend cuda-emu: unavailable (${reasonOf(es)}); run \`make build\``);
    return { backend: emu, status: es, line: `backend: cuda-emu${deviceName(es)}: emulated, timings are not performance figures` };
  }
  if (choice === 'cuda' || choice === 'auto') {
    const cuda = await backends.cuda();
    const cs = cuda.status();
    if (cs.available) return { backend: cuda, status: cs, line: `backend: cuda${deviceName(cs)}` };
    if (choice === 'cuda') throw new UsageError(`backend cuda: unavailable (${reasonOf(cs)}); use --backend cpu`);
    const cpu = await backends.cpu();
    const ps = cpu.status();
    if (!ps.available) throw new UsageError(`backend cpu: unavailable (${reasonOf(ps)}); cuda unavailable too (${reasonOf(cs)})`);
    return { backend: cpu, status: ps, line: `backend: cpu (cuda unavailable: ${reasonOf(cs)})` };
  }
  const cpu = await backends.cpu();
  const ps = cpu.status();
  if (!ps.available) throw new UsageError(`backend cpu: unavailable (${reasonOf(ps)})`);
  return { backend: cpu, status: ps, line: `backend: cpu${deviceName(ps)}` };
}
