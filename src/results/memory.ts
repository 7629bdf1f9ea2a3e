/**
 * A case's `memory` object: the GPU memory traffic of its kernels, counted by the emulator over
 * one sample of the case (the same writes, keys and kernel variant as the timed samples). These
 * are counts, exact for the emulator seed and valid without a GPU, unlike the timings. Units are
 * in the field names (Bytes, Sectors, Requests, Lanes; PerWrite, PerRequest); the unit table is in
 * docs/memory-traffic.md.
 */
import { z } from 'zod';
import { KERNEL_VARIANTS, type KernelVariant } from '../model.js';
import type { RawTraffic } from '../backends/contract.js';

/** Bytes of one sector: the unit global memory moves in (Nsight Compute's l1tex__t_sectors). */
export const SECTOR_BYTES = 32;
/** A key is one 64-bit word (kernels/include/writeprof/layout.h). */
export const KEY_BYTES = 8;

const count = z.number().int().nonnegative();
const perWrite = z.number().nonnegative();

const spaceSchema = z.object({
  loadRequests: count,
  loadSectors: count,
  storeRequests: count,
  storeSectors: count,
  orderedLoadRequests: count,
  orderedLoadSectors: count,
  orderedStoreRequests: count,
  orderedStoreSectors: count,
  atomicRequests: count,
  atomicSectors: count,
  atomics: count,
  requestedBytes: count,
});

/** One kernel's totals over the counted sample, as the emulator counted them. */
export const kernelTrafficSchema = z.object({
  name: z.string(),
  launches: count,
  blocks: count,
  global: spaceSchema,
  host: spaceSchema,
  atomicsByOp: z.record(z.string(), count),
  sharedLoadRequests: count,
  sharedStoreRequests: count,
  sharedAtomicRequests: count,
  sharedWavefronts: count,
  sharedIdealWavefronts: count,
  requests: count,
  activeLanes: count,
});

export const memorySchema = z.object({
  /** always "emulator": counted on the host SIMT emulator's instrumented build */
  countedBy: z.literal('emulator'),
  /** the kernels counted: with conflict counters ("count") or without ("plain"), as timed */
  kernelVariant: z.enum(KERNEL_VARIANTS),
  /** the emulator's scheduler seed of the counted sample (one worker: blocks in order) */
  emulatorSeed: z.number().int().nonnegative(),
  /** writes in the counted sample */
  writes: z.number().int().positive(),
  perWrite: z.object({
    /** device memory moved by the kernels: (load + store + atomic sectors) x 32 B */
    globalBytes: perWrite,
    globalLoadRequests: perWrite,
    globalLoadSectors: perWrite,
    globalStoreRequests: perWrite,
    globalStoreSectors: perWrite,
    globalAtomicRequests: perWrite,
    /** lanes' atomic read-modify-writes (global and mapped host memory) */
    atomics: perWrite,
    atomicsByOp: z.record(z.string(), perWrite),
    /**
     * across the host link: the runner's staging copies each way, and the data kernels read or write
     * in mapped host memory (zero-copy sectors x 32 B; atomic flags and polls left out)
     */
    hostToDeviceBytes: perWrite,
    deviceToHostBytes: perWrite,
    zeroCopyReadBytes: perWrite,
    zeroCopyWriteBytes: perWrite,
    sharedRequests: perWrite,
    /** extra shared-memory wavefronts (Nsight Compute's l1tex__data_bank_conflicts_pipe_lsu_mem_shared) */
    sharedBankConflicts: perWrite,
  }),
  /** device memory sectors per warp request (Nsight Compute's l1tex__average_t_sectors_per_request_*) */
  loadSectorsPerRequest: perWrite,
  storeSectorsPerRequest: perWrite,
  /** loads and stores together */
  sectorsPerRequest: perWrite,
  atomicsPerRequest: perWrite,
  /** mean active lanes of a warp memory request (global, host and shared), 1..32 */
  meanActiveLanes: perWrite,
  /** (key + value bytes) / device bytes moved per write: 1 moves nothing but the write itself */
  trafficEfficiency: perWrite,
  kernels: z.array(kernelTrafficSchema),
});

export type KernelTraffic = z.infer<typeof kernelTrafficSchema>;
export type MemoryTraffic = z.infer<typeof memorySchema>;

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

/** The `memory` object of a case from the emulator's raw counts over one sample of `writes` writes. */
export function memoryOf(raw: RawTraffic, writes: number, valueSize: number, variant: KernelVariant, emulatorSeed: number): MemoryTraffic {
  // Call sites are offsets in one build of the addon: they stay out of the results.
  const kernels: KernelTraffic[] = raw.kernels.map(({ sites: _bySite, ...k }) => structuredClone(k));
  const sum = (f: (k: KernelTraffic) => number): number => kernels.reduce((a, k) => a + f(k), 0);
  const g = {
    loadRequests: sum((k) => k.global.loadRequests),
    loadSectors: sum((k) => k.global.loadSectors),
    storeRequests: sum((k) => k.global.storeRequests),
    storeSectors: sum((k) => k.global.storeSectors),
    atomicRequests: sum((k) => k.global.atomicRequests),
    atomicSectors: sum((k) => k.global.atomicSectors),
  };
  const byOp: Record<string, number> = {};
  for (const k of kernels) for (const [op, n] of Object.entries(k.atomicsByOp)) byOp[op] = (byOp[op] ?? 0) + n;
  const w = (n: number): number => ratio(n, writes);
  const globalBytes = w((g.loadSectors + g.storeSectors + g.atomicSectors) * SECTOR_BYTES);
  const atomics = sum((k) => k.global.atomics + k.host.atomics);
  const atomicRequests = sum((k) => k.global.atomicRequests + k.host.atomicRequests);
  return {
    countedBy: 'emulator',
    kernelVariant: variant,
    emulatorSeed,
    writes,
    perWrite: {
      globalBytes,
      globalLoadRequests: w(g.loadRequests),
      globalLoadSectors: w(g.loadSectors),
      globalStoreRequests: w(g.storeRequests),
      globalStoreSectors: w(g.storeSectors),
      globalAtomicRequests: w(g.atomicRequests),
      atomics: w(atomics),
      atomicsByOp: Object.fromEntries(Object.entries(byOp).map(([op, n]) => [op, w(n)])),
      hostToDeviceBytes: w(raw.copies.hostToDevice),
      deviceToHostBytes: w(raw.copies.deviceToHost),
      // Data only: a mailbox poll's count depends on how long the host took to answer.
      zeroCopyReadBytes: w(sum((k) => k.host.loadSectors - k.host.orderedLoadSectors) * SECTOR_BYTES),
      zeroCopyWriteBytes: w(sum((k) => k.host.storeSectors - k.host.orderedStoreSectors) * SECTOR_BYTES),
      sharedRequests: w(sum((k) => k.sharedLoadRequests + k.sharedStoreRequests + k.sharedAtomicRequests)),
      sharedBankConflicts: w(sum((k) => k.sharedWavefronts - k.sharedIdealWavefronts)),
    },
    loadSectorsPerRequest: ratio(g.loadSectors, g.loadRequests),
    storeSectorsPerRequest: ratio(g.storeSectors, g.storeRequests),
    sectorsPerRequest: ratio(g.loadSectors + g.storeSectors, g.loadRequests + g.storeRequests),
    atomicsPerRequest: ratio(atomics, atomicRequests),
    meanActiveLanes: ratio(sum((k) => k.activeLanes), sum((k) => k.requests)),
    trafficEfficiency: ratio(KEY_BYTES + valueSize, globalBytes),
    kernels,
  };
}

/** Bytes per write across the host link, the busier direction (staging and zero-copy traffic). */
export function hostLinkBytesPerWrite(m: MemoryTraffic): number {
  const p = m.perWrite;
  return Math.max(p.hostToDeviceBytes + p.zeroCopyReadBytes, p.deviceToHostBytes + p.zeroCopyWriteBytes);
}

/** What a named GPU's published bandwidths allow a case's counted traffic: writes/s, a model. */
export interface TrafficBound {
  /** DRAM bandwidth / device bytes moved per write (every counted sector to or from DRAM once) */
  dramWritesPerSec: number;
  /** host link bandwidth (one direction) / bytes per write across it, the busier direction */
  hostLinkWritesPerSec: number;
  /** the lower of the two */
  writesPerSec: number;
  limit: 'DRAM' | 'host link';
}

export function boundOf(m: MemoryTraffic, model: { dramBytesPerSec: number; hostLinkBytesPerSec: number }): TrafficBound {
  const dram = m.perWrite.globalBytes > 0 ? model.dramBytesPerSec / m.perWrite.globalBytes : Infinity;
  const linkBytes = hostLinkBytesPerWrite(m);
  const link = linkBytes > 0 ? model.hostLinkBytesPerSec / linkBytes : Infinity;
  return { dramWritesPerSec: dram, hostLinkWritesPerSec: link, writesPerSec: Math.min(dram, link), limit: link < dram ? 'host link' : 'DRAM' };
}

/**
 * `doc` with each case lacking counts given those of the same case id in `counts` (an emulated
 * run of the same plan): GPU timings beside the emulator's counts. Returns how many were joined.
 */
export function withCounts<D extends { cases: { id: string; memory?: MemoryTraffic }[] }>(doc: D, counts: { cases: { id: string; memory?: MemoryTraffic }[] }): { doc: D; joined: number } {
  const byId = new Map(counts.cases.flatMap((c) => (c.memory ? [[c.id, c.memory] as const] : [])));
  let joined = 0;
  const cases = doc.cases.map((c) => {
    const m = c.memory ? undefined : byId.get(c.id);
    if (!m) return c;
    joined++;
    return { ...c, memory: m };
  });
  return { doc: { ...doc, cases }, joined };
}
