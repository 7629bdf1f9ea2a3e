/**
 * Planted bugs `writeprof check` must catch, each under two emulator seeds, by the tool named,
 * through the command a user runs (tests/check/native/plants.cu replaces kernel families in a
 * test-only check addon, WP_PLANT picks the bug): a slot claimed by a plain load and store (racecheck, and lost writes), a
 * barrier missing between shared-memory staging and its reads (racecheck), a write one bucket
 * past the table (memcheck: the run fails, the results are written, the process exits 1 without a
 * signal), a read of device memory nothing wrote (initcheck), a relaxed publish (weak).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale, runCli } from '../cli/helpers.js';
import type { CheckFinding, CheckSection } from '../../src/results/check.js';
import { plantedAddon } from './helpers.js';

const OUT = mkdtempSync(join(tmpdir(), 'wpcheck-out-'));

interface Plant {
  name: string;
  plant: string;
  tool: string;
  kind: RegExp;
  args: string[];
  /** a run fails too (lost writes, or the faulted launch) */
  fails?: RegExp;
}

const BATCH = ['--mode', 'batch', '--value-size', '64', '--batch-size', '200', '--keys', '300', '--variant', 'plain'];
const PLANTS: Plant[] = [
  { name: 'a slot claimed by a plain load and store', plant: 'PLAIN_CLAIM', tool: 'racecheck', kind: /^(RAW|WAW|WAR) hazard$/, args: ['--strategy', 'lock-free', '--key-dist', 'zipf:0.99', ...BATCH], fails: /[1-9][0-9,]* lost, / },
  { name: 'a barrier removed between shared-memory staging and its reads', plant: 'NO_BARRIER', tool: 'racecheck', kind: /^(RAW|WAR) hazard$/, args: ['--strategy', 'write-combine', '--key-dist', 'uniform', ...BATCH] },
  { name: 'a write one bucket past the table', plant: 'PAST_TABLE', tool: 'memcheck', kind: /^out-of-bounds (write|atomic)$/, args: ['--strategy', 'baseline', '--key-dist', 'uniform', ...BATCH], fails: /invalid atomic CAS/ },
  { name: 'a read of device memory nothing wrote', plant: 'UNINIT_READ', tool: 'initcheck', kind: /^uninitialized (atomic )?read$/, args: ['--strategy', 'baseline', '--key-dist', 'uniform', ...BATCH] },
  { name: 'a slot published with a relaxed store', plant: 'RELAXED_PUBLISH', tool: 'weak', kind: /^store not yet visible$/, args: ['--strategy', 'lock-free', '--key-dist', 'zipf:0.99', ...BATCH] },
];

beforeAll(() => buildIfStale());

// Hang guards, not expectations: a loaded machine stretches a check many times over.
const SLOW = 300_000;

describe('planted bugs, each caught by its tool under two seeds', () => {
  for (const p of PLANTS) {
    it(`${p.tool}: ${p.name}`, { timeout: SLOW }, async () => {
      const out = join(OUT, `${p.plant}.json`);
      const r = await runCli(['check', '--tool', p.tool, '--emu-seeds', '1-2', '-o', out, ...p.args], { env: { WRITEPROF_CHECK_ADDON: await plantedAddon(), WP_PLANT: p.plant } });
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(1);
      const check = (JSON.parse(readFileSync(out, 'utf8')) as { check: CheckSection }).check;
      const mine: CheckFinding[] = check.findings.filter((f) => f.tool === p.tool && p.kind.test(f.kind));
      expect(mine.length, JSON.stringify(check.findings.map((f) => f.kind))).toBeGreaterThan(0);
      // every seed shows it, and it points into the planted source
      expect(new Set(mine.flatMap((f) => f.seeds))).toEqual(new Set([1, 2]));
      expect(mine.some((f) => f.sites.some((s) => s.where.startsWith('tests/check/native/plants.cu:') || /kernels\/(include|cuda)\//.test(s.where)))).toBe(true);
      expect(mine[0]!.sites[0]!.block).toBeGreaterThanOrEqual(0);
      const summary = check.summary.find((s) => s.tool === p.tool)!;
      expect(summary.findings).toBeGreaterThan(0);
      expect(r.stdout).toContain(summary.line);
      if (p.fails) {
        const failed = check.runs.filter((x) => x.status === 'failed');
        expect(failed.map((x) => x.seed).sort()).toEqual([1, 2]);
        for (const f of failed) expect(f.error).toMatch(p.fails);
      }
    });
  }

  it('the same kernels, unplanted, pass every tool (the plants are what is found)', { timeout: SLOW }, async () => {
    const out = join(OUT, 'clean.json');
    const r = await runCli(['check', '--emu-seeds', '1-2', '-o', out, '--strategy', 'lock-free,write-combine,baseline', '--key-dist', 'uniform,zipf:0.99', ...BATCH]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const check = (JSON.parse(readFileSync(out, 'utf8')) as { check: CheckSection }).check;
    expect(check.findings).toEqual([]);
    expect(check.runs.every((x) => x.status === 'ok')).toBe(true);
  });
});
