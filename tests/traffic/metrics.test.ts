/**
 * The memory object's figures from the emulator's raw counts (exact arithmetic), the bound a GPU
 * model gives them, the tables' width whatever the case labels, and the claims file's rules for
 * the memory-traffic kinds.
 */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { RawTraffic, RawTrafficKernel } from '../../src/backends/contract.js';
import { boundOf, hostLinkBytesPerWrite, memoryOf } from '../../src/results/memory.js';
import { GPU_MODELS, gpuModel } from '../../src/results/gpu-models.js';
import { boundTerminal, trafficMarkdown, trafficTerminal } from '../../src/render/traffic.js';
import { parseClaims } from '../../src/gates/claims.js';
import { evaluateClaims } from '../../src/gates/validate.js';
import { sampleCopy } from '../render/helpers.js';
import { axesKey } from '../../src/model.js';

const space = (o: Partial<RawTrafficKernel['global']> = {}): RawTrafficKernel['global'] => ({
  loadRequests: 0,
  loadSectors: 0,
  storeRequests: 0,
  storeSectors: 0,
  orderedLoadRequests: 0,
  orderedLoadSectors: 0,
  orderedStoreRequests: 0,
  orderedStoreSectors: 0,
  atomicRequests: 0,
  atomicSectors: 0,
  atomics: 0,
  requestedBytes: 0,
  ...o,
});

function kernel(o: Partial<RawTrafficKernel>): RawTrafficKernel {
  return {
    name: 'k',
    launches: 1,
    blocks: 1,
    global: space(),
    host: space(),
    atomicsByOp: {},
    sharedLoadRequests: 0,
    sharedStoreRequests: 0,
    sharedAtomicRequests: 0,
    sharedWavefronts: 0,
    sharedIdealWavefronts: 0,
    requests: 0,
    activeLanes: 0,
    sites: [],
    ...o,
  };
}

// 64 writes of 64-byte values: a coalesced copy (4 load + 4 store requests of 16 sectors), one CAS
// request of 32 lanes on 32 sectors and a second kernel with a 2-way-conflicted shared store.
const RAW: RawTraffic = {
  kernels: [
    kernel({
      name: 'copy',
      global: space({ loadRequests: 4, loadSectors: 64, storeRequests: 4, storeSectors: 64, atomicRequests: 2, atomicSectors: 64, atomics: 64 }),
      host: space({ loadRequests: 10, loadSectors: 12, orderedLoadRequests: 8, orderedLoadSectors: 8, storeRequests: 2, storeSectors: 2, orderedStoreRequests: 2, orderedStoreSectors: 2 }),
      atomicsByOp: { CAS: 64 },
      requests: 22,
      activeLanes: 22 * 32,
    }),
    kernel({ name: 'stage', sharedStoreRequests: 2, sharedWavefronts: 4, sharedIdealWavefronts: 2, requests: 2, activeLanes: 48 }),
  ],
  copies: { hostToDevice: 64 * 72, deviceToHost: 640, deviceToDevice: 0 },
};

describe('the memory object', () => {
  const m = memoryOf(RAW, 64, 64, 'plain', 7);

  it('per write: sectors x 32 bytes, requests, atomics by operation, shared conflicts', () => {
    expect(m.perWrite.globalBytes).toBe(((64 + 64 + 64) * 32) / 64);
    expect(m.perWrite).toMatchObject({
      globalLoadRequests: 4 / 64,
      globalStoreSectors: 1,
      atomics: 1,
      atomicsByOp: { CAS: 1 },
      hostToDeviceBytes: 72,
      deviceToHostBytes: 10,
      sharedRequests: 2 / 64,
      sharedBankConflicts: 2 / 64,
    });
    // Mailbox polls and flags (atomic loads and stores) are no data: 4 sectors of data read, none written.
    expect(m.perWrite.zeroCopyReadBytes).toBe((4 * 32) / 64);
    expect(m.perWrite.zeroCopyWriteBytes).toBe(0);
  });

  it('per request and lane, and the payload share', () => {
    expect(m).toMatchObject({ loadSectorsPerRequest: 16, storeSectorsPerRequest: 16, sectorsPerRequest: 16, atomicsPerRequest: 32, writes: 64, emulatorSeed: 7, kernelVariant: 'plain' });
    expect(m.meanActiveLanes).toBe((22 * 32 + 48) / 24);
    expect(m.trafficEfficiency).toBe((8 + 64) / 96);
    expect(m.kernels.map((k) => k.name)).toEqual(['copy', 'stage']);
    expect(m.kernels[0]).not.toHaveProperty('sites');
  });

  it('a bound: the lower of DRAM and the busier host-link direction', () => {
    expect(hostLinkBytesPerWrite(m)).toBe(72 + 2);
    const h100 = gpuModel('h100-sxm')!;
    const b = boundOf(m, h100);
    expect(b.dramWritesPerSec).toBeCloseTo(3.35e12 / 96, 3);
    expect(b.hostLinkWritesPerSec).toBeCloseTo(h100.hostLinkBytesPerSec / 74, 3);
    expect(b).toMatchObject({ limit: 'host link', writesPerSec: b.hostLinkWritesPerSec });
    const noLink = boundOf({ ...m, perWrite: { ...m.perWrite, hostToDeviceBytes: 0, deviceToHostBytes: 0, zeroCopyReadBytes: 0 } }, h100);
    expect(noLink).toMatchObject({ limit: 'DRAM', hostLinkWritesPerSec: Infinity, writesPerSec: 3.35e12 / 96 });
  });

  it('every GPU model names a source for each figure; PCIe one way after 128b/130b', () => {
    expect(GPU_MODELS.map((g) => g.id)).toEqual(['h100-sxm', 'h100-pcie', 'h200', 'a100-80gb', 'l4']);
    for (const g of GPU_MODELS) {
      expect(g.dramSource).toMatch(/NVIDIA .*(datasheet|product brief)/);
      expect(g.hostLinkSource).toMatch(/PCI-SIG/);
    }
    expect(gpuModel('h100-sxm')!.hostLinkBytesPerSec).toBeCloseTo(63.015e9, -7);
    expect(gpuModel('l4')!.hostLinkBytesPerSec).toBeCloseTo(31.508e9, -7);
    expect(gpuModel('a100-80gb')!.dramBytesPerSec).toBe(2.039e12);
  });
});

describe('the tables', () => {
  // Every axis varies: the group labels are as long as they get.
  const doc = sampleCopy();
  const m = memoryOf(RAW, 64, 64, 'count', 1);
  for (const c of doc.cases) c.memory = m;
  doc.cases[0]!.keyDist = 'zipf:0.99';
  doc.cases[0]!.loadFactor = 0.95;
  doc.cases[0]!.keys = 1_000_000;

  it('fit 100 columns in the terminal, the bound table included', () => {
    const c = new Chalk({ level: 0 });
    const text = [trafficTerminal(doc, c), boundTerminal(doc, c, gpuModel('l4')!)].join('\n');
    expect(text).toContain('Memory traffic (counted by the emulator)');
    expect(text).toContain('Bandwidth bound (model) — l4');
    for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(100);
  });

  it('markdown: a table per point, one row per case with its kernels, and the bound with its sources', () => {
    const md = trafficMarkdown(doc, gpuModel('h200'));
    expect(md.split('\n').filter((l) => l.startsWith('| ') && l.includes('`copy`, `stage`')).length).toBe(doc.cases.length);
    const points = new Set(doc.cases.map((c) => axesKey(c))).size;
    expect(md.split('\n').filter((l) => /^\*\*(single|batch|concurrent) · /.test(l)).length).toBe(points);
    expect(md.split('\n').filter((l) => l.startsWith('| Strategy | Kernels |')).length).toBe(points);
    expect(md).toContain('| host link B/write |');
    expect(md).toContain('### Bandwidth bound (model): NVIDIA H200 SXM 141GB');
    expect(md).toContain('NVIDIA H200 Tensor Core GPU datasheet');
  });

  it('nothing counted, nothing shown', () => {
    expect(trafficTerminal(sampleCopy(), new Chalk({ level: 0 }))).toBe('');
    expect(trafficMarkdown(sampleCopy())).toBe('');
  });
});

describe('claims over memory traffic', () => {
  const claim = (c: Record<string, unknown>) => ({ name: 't', claims: [{ id: 'c', text: 't', select: {}, ...c }] });

  it('name the unit when a threshold is out of range or of the wrong kind', () => {
    expect(() => parseClaims(claim({ kind: 'minTrafficEfficiency', min: 45 }), 'f.json')).toThrow(/min is a fraction in \(0, 1\]: \(key \+ value bytes\) \/ device bytes moved per write/);
    expect(() => parseClaims(claim({ kind: 'maxSectorsPerRequest', max: 0 }), 'f.json')).toThrow(/max is a number of 32-byte sectors per warp request/);
    expect(() => parseClaims(claim({ kind: 'maxSectorsPerRequest', max: 16, access: 'read' }), 'f.json')).toThrow(/access/);
    expect(() => parseClaims(claim({ kind: 'maxBytesPerWrite', max: 512, strategy: 'best' }), 'f.json')).toThrow(/unknown key "strategy"/);
  });

  it('are N/A on cases without counts, and judge every selected case when counted', () => {
    const file = parseClaims(claim({ kind: 'maxBytesPerWrite', max: 100, select: { strategy: 'mem-opt' } }), 'f.json');
    const bare = sampleCopy();
    expect(evaluateClaims(bare, file)[0]).toMatchObject({ verdict: 'N/A' });
    const counted = sampleCopy();
    counted.emulated = true;
    for (const c of counted.cases) c.memory = memoryOf(RAW, 64, c.valueSize, 'count', 1);
    const worst = counted.cases.find((c) => c.strategy === 'mem-opt')!;
    worst.memory = memoryOf({ ...RAW, kernels: [kernel({ global: space({ loadSectors: 400 }) })] }, 64, 64, 'count', 1);
    const r = evaluateClaims(counted, file)[0]!;
    expect(r).toMatchObject({ verdict: 'FAIL', measured: 200, worst: worst.id, measuredText: '200.0 B/write', requiredText: '<= 100 B/write' });
  });
});
