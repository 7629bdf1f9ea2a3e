/**
 * Memory traffic end to end: `writeprof run --backend cuda-emu --gpu-model h100-sxm` counts every
 * case on the emulator's instrumented build after its timed samples, prints the Memory traffic
 * table and a bound per case within 100 columns, records one `memory` object per case; the counts
 * are the same for the same seed; CSV carries them with units; validate judges claims over them;
 * report and compare put a GPU's measured rate beside the bound (the GPU results here are the
 * emulated ones relabelled: no GPU on this machine).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuilt, runCli } from '../cli/helpers.js';
import { countTrafficOnEmulator } from '../../src/backends/traffic.js';
import { renderCsv } from '../../src/render/csv.js';
import { gpuModel } from '../../src/results/gpu-models.js';
import type { CaseResult, ResultsDocument } from '../../src/results/schema.js';
import type { CaseSpec } from '../../src/model.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-traffic-'));
const results = join(dir, 'emu.json');
let stdout = '';
let stderr = '';
let doc: ResultsDocument;

const RUN = ['run', '--backend', 'cuda-emu', '--mode', 'batch', '--strategy', 'baseline,warp-coop', '--value-size', '64,4K', '--batch-size', '500',
  '--keys', '2000', '--warmup', '0', '--min-samples', '1', '--max-samples', '1', '--min-time', '0', '--emu-seed', '3', '--gpu-model', 'h100-sxm'];

function byId(strategy: string, valueSize: number): CaseResult {
  const c = doc.cases.find((x) => x.strategy === strategy && x.valueSize === valueSize);
  expect(c, `${strategy} v${valueSize}`).toBeDefined();
  return c!;
}

beforeAll(async () => {
  requireBuilt();
  const r = await runCli([...RUN, '--output', results]);
  expect(r.code, r.stderr).toBe(0);
  stdout = r.stdout;
  stderr = r.stderr;
  doc = JSON.parse(readFileSync(results, 'utf8')) as ResultsDocument;
});

describe('run --backend cuda-emu counts memory traffic', () => {
  it('records one memory object per case, counted by the emulator over the case\'s writes', () => {
    expect(doc.cases.length).toBe(4);
    for (const c of doc.cases) {
      const m = c.memory!;
      expect(m, c.id).toBeDefined();
      expect(m).toMatchObject({ countedBy: 'emulator', kernelVariant: 'count', emulatorSeed: 3, writes: 2000 });
      const sectors = m.kernels.reduce((a, k) => a + k.global.loadSectors + k.global.storeSectors + k.global.atomicSectors, 0);
      expect(m.perWrite.globalBytes).toBeCloseTo((sectors * 32) / 2000, 9);
      expect(m.trafficEfficiency).toBeCloseTo((8 + c.valueSize) / m.perWrite.globalBytes, 9);
      // Batch submissions stage keys and values across the host link, nothing else per write.
      expect(m.perWrite.hostToDeviceBytes).toBeGreaterThanOrEqual(8 + c.valueSize);
    }
    expect(stderr).toMatch(/memory traffic: counted by the emulator in [\d.]+ s/);
  });

  it('sees coalescing: a warp copying its 4 KB values together vs one thread per value', () => {
    const coop = byId('warp-coop', 4096).memory!;
    const base = byId('baseline', 4096).memory!;
    // warp-coop: 16-byte lanes over contiguous bytes, 16 sectors a request; baseline: a lane per value, one sector each.
    // (a warp's last chunk of a batch has fewer lanes, hence fewer sectors)
    expect(coop.sectorsPerRequest).toBeGreaterThan(15);
    expect(coop.sectorsPerRequest).toBeLessThan(17);
    expect(base.sectorsPerRequest).toBeGreaterThan(30);
    // Each 32-byte sector baseline touches carries 16 of its bytes: twice the traffic.
    expect(base.perWrite.globalBytes / coop.perWrite.globalBytes).toBeGreaterThan(1.9);
    expect(coop.trafficEfficiency).toBeGreaterThan(0.45);
    expect(base.trafficEfficiency).toBeLessThan(0.26);
  });

  it('prints the Memory traffic table and a bound per case, within 100 columns', () => {
    expect(stdout).toContain('Memory traffic (counted by the emulator)');
    expect(stdout).toContain('Bandwidth bound (model) — h100-sxm');
    const mine = stdout.slice(stdout.indexOf('Memory traffic'));
    for (const line of mine.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(100);
    const bound = stdout.slice(stdout.indexOf('Bandwidth bound (model)'));
    const rows = bound.split('\n').filter((l) => /│ (baseline|warp-coop) +│/.test(l));
    expect(rows.length).toBe(4);
    // Batch values are staged across PCIe Gen5 (63.0 GB/s one way): 64-byte writes are limited by it.
    expect(rows[0]).toMatch(/^│ batch · 64B · batch 500 +│ baseline +│ .* │ host link/);
    expect(bound).toContain('no measured rate: these results are not from a GPU');
  });

  it('CSV carries the counts with units in the column names, and the bound under a model', () => {
    const plain = structuredClone(doc);
    for (const c of plain.cases) delete c.notes;  // no quoted commas: split on commas
    const csv = renderCsv(plain, gpuModel('h100-sxm')).split('\r\n');
    const head = csv[0]!.split(',');
    for (const col of [
      'memory.perWrite.globalBytes [B/write]',
      'memory.sectorsPerRequest [per request]',
      'memory.perWrite.atomicsByOp.CAS [per write]',
      'memory.trafficEfficiency [fraction]',
      'bound.writesPerSec [writes/s (model)]',
    ]) {
      expect(head, col).toContain(col);
    }
    const row = csv[1]!.split(',');
    expect(Number(row[head.indexOf('memory.perWrite.globalBytes [B/write]')])).toBe(doc.cases[0]!.memory!.perWrite.globalBytes);
  });

  it('validate judges claims over the counts of emulated results', async () => {
    const claims = join(dir, 'claims.json');
    writeFileSync(
      claims,
      JSON.stringify({
        name: 'traffic',
        claims: [
          { id: 'coop-coalesced', kind: 'maxSectorsPerRequest', text: 'warp-coop 4 KB copies are coalesced', select: { strategy: 'warp-coop', valueSize: 4096 }, max: 17 },
          { id: 'base-coalesced', kind: 'maxSectorsPerRequest', text: 'baseline 4 KB copies are coalesced', select: { strategy: 'baseline', valueSize: 4096 }, access: 'store', max: 17 },
          { id: 'coop-bytes', kind: 'maxBytesPerWrite', text: 'warp-coop 4 KB moves under 9000 B', select: { strategy: 'warp-coop', valueSize: 4096 }, max: 9000 },
          { id: 'coop-payload', kind: 'minTrafficEfficiency', text: 'warp-coop payload', select: { strategy: 'warp-coop', valueSize: 4096 }, min: 0.45 },
        ],
      }),
    );
    const r = await runCli(['validate', results, '--claims', claims]);
    expect(r.code, r.stderr).toBe(1);
    const out = r.stdout.replace(/\n +/g, ' ');  // lines wrapped at 100 columns, joined back
    expect(out).toMatch(/^PASS coop-coalesced: measured 1[56]\.\d\d sectors\/request, required <= 17 \(loads and stores\)/m);
    expect(out).toMatch(/^FAIL base-coalesced: measured 3\d\.\d\d sectors\/request, required <= 17 \(stores\), worst batch\/baseline\/v4096/m);
    expect(out).toMatch(/^PASS coop-bytes: measured 8\d{3}\.\d B\/write, required <= 9000 B\/write/m);
    expect(out).toMatch(/^PASS coop-payload: measured 4\d\.\d%, required >= 45\.0%/m);
    expect(out).toMatch(/^FAIL: 1 of 4 claims failed: base-coalesced$/m);
  });

  it('report and compare put a GPU\'s measured rate beside the bound (counts joined by case id)', async () => {
    const gpu: ResultsDocument = structuredClone(doc);
    delete gpu.emulated;
    delete gpu.environment.emulator;
    gpu.environment.backend = 'cuda';
    gpu.environment.device = { name: 'NVIDIA H100 80GB HBM3', kind: 'gpu' };
    for (const c of gpu.cases) {
      delete c.memory;
      c.opsPerSec = 1_000_000;
    }
    const gpuPath = join(dir, 'gpu.json');
    writeFileSync(gpuPath, JSON.stringify(gpu));
    const md = join(dir, 'gpu.md');
    const rep = await runCli(['report', gpuPath, '--counts', results, '--gpu-model', 'h100-sxm', '--output', md]);
    expect(rep.code, rep.stderr).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('## Memory traffic (counted by the emulator)');
    expect(text).toMatch(/\| bound \(model\) writes\/s \| limited by \| measured ops\/s \| of bound \|/);
    expect(text).toMatch(/\| batch · 64B · batch 500 \| baseline \| [\d,.]+ \| [\d.]+ G \| [\d.]+ M \| [\d.]+ M \| host link \| 1,000,000 \| [\d.]+% \|/);

    const cmp = await runCli(['compare', results, gpuPath, '--gpu-model', 'h100-sxm', '--allow-env-mismatch']);
    expect(cmp.stdout).toContain('measured on NVIDIA H100 80GB HBM3 beside the bound');
    expect(cmp.stdout).toMatch(/│ warp-coop +│ +[\d.]+ [GM] │ +[\d.]+ [GM] │ +[\d.]+ [GM] │ \S.* │ 1,000,000 │/);

    const none = await runCli(['report', gpuPath, '--counts', gpuPath, '--output', join(dir, 'x.md')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^writeprof: --counts: .*gpu\.json holds no memory-traffic counts/);
  });
});

describe('the counting pass', () => {
  it('gives the same counts for the same seed (one worker, blocks in order)', async () => {
    const spec: CaseSpec = { id: 'x', strategy: 'write-combine', mode: 'batch', valueSize: 64, batchSize: 300, threads: 1, keyDist: 'zipf:0.99', loadFactor: 0.7, keys: 1200 };
    const options = { countConflicts: true, slowdownNs: 0, latencyEvery: 0, seed: 5 };
    const emulator = { seed: 4, workers: 0, timeoutSec: 10 };
    const a = await countTrafficOnEmulator(spec, options, emulator);
    const b = await countTrafficOnEmulator(spec, options, emulator);
    expect(a.writes).toBe(1200);
    expect(a.traffic.kernels.length).toBe(1);
    expect(a.traffic.kernels[0]!.global.loadRequests).toBeGreaterThan(0);
    expect(b.traffic).toEqual(a.traffic);
  });

  it('breaks each kernel\'s traffic down by call site, adding up to its totals', async () => {
    const spec: CaseSpec = { id: 'y', strategy: 'mem-opt', mode: 'batch', valueSize: 256, batchSize: 512, threads: 1, keyDist: 'uniform', loadFactor: 0.5, keys: 1024 };
    const t = await countTrafficOnEmulator(spec, { countConflicts: false, slowdownNs: 0, latencyEvery: 0, seed: 5 }, { seed: 1, workers: 0, timeoutSec: 10 });
    const k = t.traffic.kernels[0]!;
    const global = k.sites.filter((x) => x.space === 'global');
    expect(global.reduce((a, x) => a + x.sectors, 0)).toBe(k.global.loadSectors + k.global.storeSectors + k.global.atomicSectors);
    expect(global.reduce((a, x) => a + x.requests, 0)).toBe(k.global.loadRequests + k.global.storeRequests + k.global.atomicRequests);
    expect(k.sites.filter((x) => x.space === 'shared').reduce((a, x) => a + x.sectors, 0)).toBe(k.sharedWavefronts);
    expect(k.sites.every((x) => x.pc > 0)).toBe(true);
    // Most sectors first: the staged copy's 16-byte stores and cp.async loads, 16 sectors a request.
    expect(global[0]!.sectors / global[0]!.requests).toBeCloseTo(16, 0);
  });
});
