/**
 * The CUDA kernels' resource usage as the build recorded it: scripts/build-cuda.sh captures
 * `ptxas -v` for every kernel and architecture (out/cuda/resource-usage.txt) and
 * scripts/ptxas-to-json.mjs parses it into out/cuda/kernels.json, read here. No GPU is needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MODES, STRATEGIES, type Strategy } from '../model.js';
import { UsageError } from '../errors.js';
import { ARCH_LIMITS, theoreticalOccupancy, type Occupancy } from './occupancy.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KERNELS_JSON = join(root, 'out', 'cuda', 'kernels.json');

const kernelSchema = z.object({
  name: z.string(),
  family: z.string().nullable(),
  // the built-ins' names, or a strategy file's (`writeprof kernels --strategy-file`)
  strategies: z.array(z.string()),
  modes: z.array(z.enum(MODES)),
  counters: z.boolean(),
  arch: z.string(),
  blockSize: z.number().int().positive().nullable(),
  registers: z.number().int().nonnegative(),
  sharedBytes: z.number().int().nonnegative(),
  stackBytes: z.number().int().nonnegative(),
  spillStoreBytes: z.number().int().nonnegative(),
  spillLoadBytes: z.number().int().nonnegative(),
  barriers: z.number().int().nonnegative(),
});

export const kernelsDocSchema = z.object({
  schemaVersion: z.literal(1),
  source: z.string(),
  nvcc: z.string().nullable(),
  archs: z.array(z.string()),
  kernels: z.array(kernelSchema).min(1),
});

export type KernelUsage = z.infer<typeof kernelSchema>;
export type KernelsDoc = z.infer<typeof kernelsDocSchema>;

export interface KernelRow extends KernelUsage {
  /** theoretical occupancy on the kernel's own architecture; null for an arch without limits here */
  occupancy: Occupancy | null;
}

/** Reads kernels.json; missing means the CUDA code was not built, which is exit 2. */
export function loadKernels(path: string = KERNELS_JSON): KernelsDoc {
  const shown = relative(process.cwd(), path) || path;
  if (!existsSync(path)) {
    throw new UsageError(
      `CUDA kernels were not built: ${shown} is missing (nvcc was not found at build time; install the CUDA toolkit and run \`make build\`)`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${shown}: unreadable (${err instanceof Error ? err.message : String(err)}); rebuild with \`make build\``);
  }
  const parsed = kernelsDocSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${shown}: not a kernels.json this writeprof reads (${issue?.path.join('.') || 'root'}: ${issue?.message}); rebuild with \`make build\``);
  }
  return parsed.data;
}

const FAMILY_ORDER = ['baseline', 'warp-coop', 'lock-free', 'mem-opt', 'write-combine', 'single-locked', 'single-lock-free'];

/** Every kernel build with its occupancy, ordered by family, counter variant, architecture. */
export function kernelRows(doc: KernelsDoc): KernelRow[] {
  const rank = (k: KernelUsage): number => {
    const i = FAMILY_ORDER.indexOf(k.family ?? '');
    return i < 0 ? FAMILY_ORDER.length : i;
  };
  return [...doc.kernels]
    .sort((a, b) => rank(a) - rank(b) || Number(b.counters) - Number(a.counters) || a.arch.localeCompare(b.arch) || a.name.localeCompare(b.name))
    .map((k) => {
      const limits = ARCH_LIMITS[k.arch];
      const occupancy = limits && k.blockSize ? theoreticalOccupancy(k, k.blockSize, limits) : null;
      return { ...k, occupancy };
    });
}

/** Strategies that have a kernel on `arch`. */
export function strategiesOn(doc: KernelsDoc, arch: string): Strategy[] {
  const s = new Set<string>();
  for (const k of doc.kernels) if (k.arch === arch) for (const x of k.strategies) s.add(x);
  return STRATEGIES.filter((x) => s.has(x));
}
