/**
 * The emulator's memory-traffic counter on access patterns whose counts are known by hand
 * (tests/traffic/native/patterns.cu, compiled instrumented as kernels/cuda is for the checker):
 * a request is one warp's memory instruction at one dynamic occurrence, global traffic is counted
 * in 32-byte sectors, shared memory in wavefronts over 32 banks of 4 bytes (Nsight Compute's
 * definitions). Every figure is exact.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runDriver } from '../emu/helpers.js';
import { checkDriver } from '../check/helpers.js';

type Counts = Record<string, number | string>;
let byPattern: Map<string, Counts>;

beforeAll(async () => {
  const bin = await checkDriver('tests/traffic/native/patterns.cu', 'patterns', ['kernels/emu/traffic']);
  const r = runDriver(bin, []);
  expect(r.code, r.stderr).toBe(0);
  byPattern = new Map(r.lines.map((l) => [String(l['pattern']), l as Counts]));
});

function counts(pattern: string): Counts {
  const c = byPattern.get(pattern);
  expect(c, `no counts for ${pattern}`).toBeDefined();
  return c!;
}

describe('global memory: requests and 32-byte sectors', () => {
  it('a coalesced 4-byte warp store is 4 sectors in one request', () => {
    expect(counts('coalesced-store')).toMatchObject({ storeRequests: 1, storeSectors: 4, loadRequests: 0, requests: 1, activeLanes: 32, requestedBytes: 128 });
  });
  it('32 lanes on 32 distinct lines are 32 sectors in one request', () => {
    expect(counts('line-per-lane')).toMatchObject({ storeRequests: 1, storeSectors: 32 });
  });
  it('a stride-2 8-byte copy loads 16 sectors per request and stores 8', () => {
    expect(counts('stride2-copy')).toMatchObject({ loadRequests: 1, loadSectors: 16, storeRequests: 1, storeSectors: 8 });
  });
  it('a 16-byte vector copy per lane is one load and one store request of 16 sectors, not four 4-byte ones each', () => {
    expect(counts('vector16-copy')).toMatchObject({ loadRequests: 1, loadSectors: 16, storeRequests: 1, storeSectors: 16, requestedBytes: 1024 });
  });
  it('a warp access starting 16 bytes into a line spans 5 sectors', () => {
    expect(counts('misaligned-store')).toMatchObject({ storeRequests: 1, storeSectors: 5 });
  });
  it('half a warp storing is one request of 16 active lanes and 2 sectors', () => {
    expect(counts('half-warp-store')).toMatchObject({ storeRequests: 1, storeSectors: 2, activeLanes: 16 });
  });
  it('the same instruction executed twice by each lane is two requests', () => {
    expect(counts('loop-store')).toMatchObject({ storeRequests: 2, storeSectors: 8, activeLanes: 64 });
  });
  it('two warps are two requests, never merged', () => {
    expect(counts('two-warps-store')).toMatchObject({ storeRequests: 2, storeSectors: 8 });
  });
});

describe('atomics', () => {
  it('one atomic per lane is 32 atomics in one request', () => {
    expect(counts('atomic-per-lane')).toMatchObject({ atomicRequests: 1, atomics: 32, atomicAdd: 32, atomicSectors: 1, loadRequests: 0, storeRequests: 0 });
  });
});

describe('shared memory: wavefronts over 32 banks of 4 bytes', () => {
  // Each pattern is one store and one load request of the same shape.
  it('stride 1 takes one wavefront per request: no bank conflict', () => {
    const c = counts('shared-stride-1');
    expect(c).toMatchObject({ sharedStoreRequests: 1, sharedLoadRequests: 1, sharedWavefronts: 2, sharedIdealWavefronts: 2 });
  });
  it('stride 2 is 2-way: 2 wavefronts per request', () => {
    expect(counts('shared-stride-2')).toMatchObject({ sharedWavefronts: 4, sharedIdealWavefronts: 2 });
  });
  it('stride 32 is 32-way: 32 wavefronts per request, 31 of them conflicts', () => {
    const c = counts('shared-stride-32');
    expect(c).toMatchObject({ sharedStoreRequests: 1, sharedLoadRequests: 1, sharedWavefronts: 64, sharedIdealWavefronts: 2 });
    expect((Number(c['sharedWavefronts']) - Number(c['sharedIdealWavefronts'])) / 2).toBe(31);
  });
  it('every lane reading one word is a broadcast: one wavefront', () => {
    expect(counts('shared-broadcast')).toMatchObject({ sharedLoadRequests: 1, sharedStoreRequests: 1, sharedWavefronts: 2, activeLanes: 65 });
  });
});
