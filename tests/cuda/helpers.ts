/** What the CUDA tests need to know about this machine: is nvcc here, is the code built, is there a GPU. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../cli/helpers.js';
import { cudaCompiled, cudaStatus } from '../../src/backends/cuda.js';

export { ROOT };
export const CUDA_LIB = join(ROOT, 'out', 'cuda', 'libwpcuda.a');
export const KERNELS_JSON_PATH = join(ROOT, 'out', 'cuda', 'kernels.json');

function onPath(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** nvcc on PATH (or $NVCC): the Makefile then builds the CUDA backend. */
export const nvccFound = Boolean(process.env['NVCC']) || onPath('nvcc');
/** The addon was linked with libwpcuda.a. */
export const cudaBuilt = cudaCompiled() === true;
/** A device the kernels can run on answered. */
export const cudaAvailable = cudaStatus().available;
/** No NVIDIA kernel driver on this machine: the runtime must say the driver is insufficient. */
export const noDriver = !existsSync('/dev/nvidiactl') && !existsSync('/proc/driver/nvidia/version');
