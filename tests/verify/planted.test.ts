/**
 * Planted update bugs (./plants.ts, built only here) must fail the run: on the CPU backend and in
 * the emulated CUDA kernels, a key left holding an overwritten write is `stale`, a key stored twice
 * `corrupted` with its `duplicates`, the case fails and `writeprof run` exits 1. The plants:
 *  - first-write-wins: an update of a present key is dropped (every strategy's update path);
 *  - second-slot: an update does not find its key and takes a second slot (a duplicate key);
 *  - combine-first: write-combine applies a combined batch last to first, so its first write wins.
 * The same builds with no plant switched on verify every write (exit 0), so what fails is the plant.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../src/results/schema.js';
import { requireBuilt, runCli } from '../cli/helpers.js';
import { buildPlantedCpuAddon, buildPlantedEmuAddon, plantedTree, type Plant } from './plants.js';

let tree = '';
let out = '';
const addons: { cpu?: string; emu?: string } = {};

beforeAll(async () => {
  requireBuilt();
  tree = plantedTree();
  out = mkdtempSync(join(tmpdir(), 'wp-planted-runs-'));
  [addons.cpu, addons.emu] = await Promise.all([buildPlantedCpuAddon(tree), buildPlantedEmuAddon(tree)]);
}, 180_000);

afterAll(() => {
  for (const d of [tree, out]) if (d) rmSync(d, { recursive: true, force: true });
});

type Backend = 'cpu' | 'cuda-emu';

/** One sample of every strategy, uniform keys with updates, on the planted build. */
async function plantedRun(backend: Backend, plant: Plant | 'none', extra: string[] = []): Promise<{ code: number | null; doc: ResultsDocument; stderr: string }> {
  const file = join(out, `${backend}-${plant}.json`);
  const emu = backend === 'cuda-emu';
  const keys = emu ? '2000' : '6000';
  const r = await runCli(
    ['run', '--backend', backend, '--mode', 'batch', '--strategy', 'all', '--keys', keys, '--batch-size', emu ? '250' : '500', '--update-share', '0.25',
      '--warmup', '0', '--min-samples', '1', '--max-samples', '1', '--min-time', '0', '--format', 'json', '--output', file, '--quiet', ...extra],
    { env: { WRITEPROF_ADDON: addons.cpu!, WRITEPROF_EMU_ADDON: addons.emu!, WP_PLANT: plant } },
  );
  return { code: r.code, doc: JSON.parse(readFileSync(file, 'utf8')) as ResultsDocument, stderr: r.stderr };
}

const byStrategy = (doc: ResultsDocument) => Object.fromEntries(doc.cases.map((c) => [c.strategy, c]));

describe.each(['cpu', 'cuda-emu'] as const)('planted update bugs on %s', (backend) => {
  it('no plant switched on: every write verified, exit 0', async () => {
    const { code, doc, stderr } = await plantedRun(backend, 'none');
    expect(code, stderr).toBe(0);
    for (const c of doc.cases) {
      expect(c.verification.distinct, c.id).toBe(Math.round(0.75 * c.keys));
      expect(c.verification, c.id).toMatchObject({ lost: 0, stale: 0, corrupted: 0, verified: c.verification.distinct });
    }
  });

  it('first write wins: every strategy ends keys with overwritten writes (stale), exit 1', async () => {
    const { code, doc, stderr } = await plantedRun(backend, 'first-write-wins');
    expect(code).toBe(1);
    for (const c of doc.cases) {
      expect(c.status, c.id).toBe('failed');
      expect(c.verification.stale, c.id).toBeGreaterThan(0);
      expect(c.verification.lost + c.verification.corrupted, c.id).toBe(0);
      expect(c.error, c.id).toMatch(/^verification: 0 lost, [\d,]+ stale, 0 corrupted of /);
    }
    expect(stderr).toMatch(/failed: verification: 0 lost, [\d,]+ stale/);
  });

  it('an update in a second slot: the key is stored twice (duplicates) and found stale, exit 1', async () => {
    const { code, doc } = await plantedRun(backend, 'second-slot');
    expect(code).toBe(1);
    for (const c of doc.cases) {
      expect(c.status, c.id).toBe('failed');
      expect(c.verification.duplicates, c.id).toBeGreaterThan(0);
      expect(c.verification.corrupted, c.id).toBeGreaterThanOrEqual(c.verification.duplicates);
      expect(c.verification.stale, c.id).toBeGreaterThan(0);
    }
  });

  it('write-combine keeping the first of a batch\'s writes: its case fails stale, the others pass, exit 1', async () => {
    const { code, doc } = await plantedRun(backend, 'combine-first');
    expect(code).toBe(1);
    const s = byStrategy(doc);
    expect(s['write-combine']!.status).toBe('failed');
    expect(s['write-combine']!.verification).toMatchObject({ lost: 0, corrupted: 0 });
    expect(s['write-combine']!.verification.stale).toBeGreaterThan(0);
    for (const other of ['baseline', 'warp-coop', 'lock-free', 'mem-opt']) expect(s[other]!.status, other).toBe('ok');
  });
});
