import { describe, expect, it } from 'vitest';
import type { Backend, BackendStatus } from '../../src/backends/backend.js';
import { selectBackend, type BackendSet } from '../../src/backends/index.js';
import { UsageError } from '../../src/errors.js';

function fake(status: BackendStatus): Backend {
  return { name: status.name, status: () => status, open: () => { throw new Error('not used'); } };
}
const cpuOk = fake({ name: 'cpu', available: true, device: { name: 'Some CPU', kind: 'cpu' } });
const cudaOk = fake({ name: 'cuda', available: true, device: { name: 'NVIDIA H100', kind: 'gpu' } });
const cudaNo = fake({ name: 'cuda', available: false, reason: 'CUDA driver version is insufficient for CUDA runtime version' });
const emuOk = fake({ name: 'cuda-emu', available: true, device: { name: 'writeprof SIMT emulator', kind: 'emulator' } });
const set = (cpu: Backend, cuda: Backend): BackendSet => ({ cpu: async () => cpu, cuda: async () => cuda, cudaEmu: async () => emuOk });

describe('selectBackend', () => {
  it('auto picks CUDA when it is usable and says so', async () => {
    const s = await selectBackend('auto', set(cpuOk, cudaOk));
    expect(s.backend).toBe(cudaOk);
    expect(s.line).toBe('backend: cuda (NVIDIA H100)');
  });

  it('auto falls back to the CPU with the reason CUDA is not usable', async () => {
    const s = await selectBackend('auto', set(cpuOk, cudaNo));
    expect(s.backend).toBe(cpuOk);
    expect(s.line).toBe('backend: cpu (cuda unavailable: CUDA driver version is insufficient for CUDA runtime version)');
  });

  it('--backend cuda without a usable device is a usage error pointing at --backend cpu', async () => {
    await expect(selectBackend('cuda', set(cpuOk, cudaNo))).rejects.toEqual(
      new UsageError('backend cuda: unavailable (CUDA driver version is insufficient for CUDA runtime version); use --backend cpu'),
    );
  });

  it('--backend cpu never asks CUDA', async () => {
    let asked = false;
    const s = await selectBackend('cpu', { cpu: async () => cpuOk, cuda: async () => ((asked = true), cudaOk), cudaEmu: async () => ((asked = true), emuOk) });
    expect(s.backend).toBe(cpuOk);
    expect(asked).toBe(false);
  });

  it('an unavailable CPU backend is a usage error with its reason', async () => {
    const cpuNo = fake({ name: 'cpu', available: false, reason: 'native addon not built\nmore' });
    await expect(selectBackend('cpu', set(cpuNo, cudaNo))).rejects.toEqual(new UsageError('backend cpu: unavailable (native addon not built)'));
  });

  it('cuda-emu only when asked, and its line says its timings are not performance figures', async () => {
    const auto = await selectBackend('auto', set(cpuOk, cudaNo));
    expect(auto.backend.name).toBe('cpu');
    const s = await selectBackend('cuda-emu', set(cpuOk, cudaNo));
    expect(s.backend.name).toBe('cuda-emu');
    expect(s.line).toBe('backend: cuda-emu (writeprof SIMT emulator): emulated, timings are not performance figures');
  });
});
