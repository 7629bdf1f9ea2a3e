import { describe, expect, it } from 'vitest';
import type { RawCudaStatus } from '../../src/backends/native.js';
import { bandwidthNote, cudaStatus, cudaVersionString, statusFromRaw } from '../../src/backends/cuda.js';

const noDriver: RawCudaStatus = {
  compiled: true,
  available: false,
  reason: 'CUDA driver version is insufficient for CUDA runtime version',
  name: '',
  ccMajor: 0,
  ccMinor: 0,
  sms: 0,
  memoryBytes: 0,
  memBandwidthGBs: 0,
  pcieGen: 0,
  pcieWidth: 0,
  runtimeVersion: 13000,
  driverVersion: 0,
};

const h100: RawCudaStatus = {
  ...noDriver,
  available: true,
  reason: '',
  name: 'NVIDIA H100 80GB HBM3',
  ccMajor: 9,
  ccMinor: 0,
  sms: 132,
  memoryBytes: 85_045_706_752,
  memBandwidthGBs: 3352.32,
  pcieGen: 5,
  pcieWidth: 16,
  driverVersion: 13000,
};

describe('CUDA backend status', () => {
  it('without a driver: unavailable, "no NVIDIA driver" first and the runtime message after', () => {
    expect(statusFromRaw(noDriver)).toEqual({ name: 'cuda', available: false, reason: `no NVIDIA driver: ${noDriver.reason}` });
  });

  it('with a driver older than the runtime: says so, not "no driver"', () => {
    const old = statusFromRaw({ ...noDriver, driverVersion: 12020 });
    expect(old.reason).toBe(`NVIDIA driver too old (CUDA 12.2, writeprof was built with CUDA 13.0): ${noDriver.reason}`);
  });

  it('built without nvcc: unavailable, saying so', () => {
    const s = statusFromRaw({ ...noDriver, compiled: false, reason: '' });
    expect(s.available).toBe(false);
    expect(s.reason).toMatch(/built without CUDA/);
  });

  it('a GPU: name, compute capability, SMs, memory, bandwidth, PCIe link, versions', () => {
    expect(statusFromRaw(h100)).toEqual({
      name: 'cuda',
      available: true,
      device: {
        name: 'NVIDIA H100 80GB HBM3',
        kind: 'gpu',
        computeCapability: '9.0',
        sms: 132,
        memoryBytes: 85_045_706_752,
        memBandwidthGBs: 3352.3,
        pcie: 'Gen5 x16',
        cudaRuntime: '13.0',
        cudaDriver: '13.0',
      },
    });
  });

  it('a device too old for the kernels keeps its description and gives the reason', () => {
    const s = statusFromRaw({ ...h100, available: false, ccMajor: 7, ccMinor: 5, reason: 'compute capability 7.5 is below 8.0' });
    expect(s.available).toBe(false);
    expect(s.device?.['computeCapability']).toBe('7.5');
    expect(s.reason).toMatch(/below 8\.0/);
  });

  it('a missing addon is a reason, never an exception', () => {
    const s = cudaStatus(() => {
      throw new Error('native addon not built (build/Release/writeprof.node); run `make build`');
    });
    expect(s).toEqual({ name: 'cuda', available: false, reason: 'native addon not built (build/Release/writeprof.node); run `make build`' });
  });

  it('CUDA version numbers', () => {
    expect(cudaVersionString(12080)).toBe('12.8');
    expect(cudaVersionString(13000)).toBe('13.0');
    expect(cudaVersionString(0)).toBeNull();
  });

  it('states the bandwidth references a sample carries (numbers from the runner) in a note', () => {
    const refs = { deviceCopyBytesPerSec: 1523.44e9, pinnedH2DBytesPerSec: 53.06e9, deviceCopyBytes: 256 * 2 ** 20, h2dBytes: 64 * 2 ** 20 };
    expect(bandwidthNote(refs)).toBe(
      'bandwidth reference: deviceCopy=1.52 TB/s (device-to-device cudaMemcpy of 256.0 MiB), h2d=53.06 GB/s (pinned host-to-device cudaMemcpy of 64.0 MiB)',
    );
  });
});
