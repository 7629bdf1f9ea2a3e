/**
 * CUDA source to emulator C++: the host and device preprocessings of a .cu file (g++ -E with
 * the emulator's headers, `__CUDACC__` defined in both and `__CUDA_ARCH__` in the device one)
 * merged into one translation unit, then rewritten (launches, kernels, `extern __shared__`).
 * The input needs no edit: what nvcc compiles, this translates.
 */
import { mergePasses } from './merge.js';
import { rewrite } from './rewrite.js';

export { TranslateError } from './rewrite.js';

export function translate(hostPass: string, devicePass: string): string {
  return rewrite(mergePasses(hostPass, devicePass));
}
