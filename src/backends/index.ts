/** Choosing the backend for a run: auto prefers a usable CUDA device, else the CPU. */
import { UsageError } from '../errors.js';
import type { Backend, BackendStatus } from './backend.js';

export type BackendChoice = 'auto' | 'cpu' | 'cuda';

export interface Selected {
  backend: Backend;
  status: BackendStatus;
  /** One line for stderr: which backend and why. */
  line: string;
}

export interface BackendSet {
  cpu: () => Promise<Backend>;
  cuda: () => Promise<Backend>;
}

// Loaded on demand: commands that fail on bad input never touch the native addon.
const builtin: BackendSet = {
  cpu: async () => (await import('./cpu.js')).cpuBackend,
  cuda: async () => (await import('./cuda.js')).cudaBackend,
};

function reasonOf(status: BackendStatus): string {
  return status.reason?.split('\n')[0]?.trim() || 'unknown reason';
}

function deviceName(status: BackendStatus): string {
  return status.device?.name ? ` (${status.device.name})` : '';
}

export async function selectBackend(choice: BackendChoice, backends: BackendSet = builtin): Promise<Selected> {
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
