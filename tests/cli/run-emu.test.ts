/**
 * `writeprof run --backend cuda-emu` end to end through the real binary: the CUDA path on the
 * emulator, results marked emulated with the seed recorded, every timing marked in tables and
 * reports, and compare/validate refusing the timings while still checking lost writes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuilt, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-emu-cli-'));
const results = join(dir, 'emu.json');
let table = '';

const RUN = ['run', '--backend', 'cuda-emu', '--profile', 'quick', '--mode', 'batch,concurrent', '--strategy', 'baseline,lock-free',
  '--keys', '3000', '--batch-size', '500', '--threads', '1,2', '--warmup', '0', '--min-samples', '2', '--max-samples', '2', '--emu-seed', '9'];

beforeAll(async () => {
  requireBuilt();
  const r = await runCli([...RUN, '--output', results]);
  expect(r.stderr).toContain('backend: cuda-emu');
  expect(r.code, r.stderr).toBe(0);
  table = r.stdout;
});

describe('run --backend cuda-emu', () => {
  it('writes an emulated results document: seed recorded, every write verified, no bandwidth fractions', () => {
    const doc = JSON.parse(readFileSync(results, 'utf8'));
    expect(doc.emulated).toBe(true);
    expect(doc.environment.backend).toBe('cuda-emu');
    expect(doc.environment.emulator).toEqual({ seed: 9, workers: 0, timeoutSec: 10 });
    expect(doc.cases.length).toBe(6);
    for (const c of doc.cases) {
      expect(c.status, c.id).toBe('ok');
      expect(c.verification.lost + c.verification.stale + c.verification.corrupted).toBe(0);
      expect(c.verification.verified).toBe(c.verification.distinct);
      expect(c.verification.distinct).toBeLessThan(c.verification.writes); // updates in every case
      expect(c.bandwidth).toBeUndefined();
      expect(c.notes[0]).toMatch(/^emulated: host SIMT emulator \(seed 9, .*timings are not performance figures$/);
      expect(c.notes.some((n: string) => n.startsWith('bandwidth reference'))).toBe(false);
    }
  });

  it('marks every timing in the tables and says why once', () => {
    expect(table).toContain('† Emulated: the CUDA kernels ran on the host SIMT emulator (scheduler seed 9');
    const rows = table.split('\n').filter((l) => /^│\s+\d+\s+│/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toMatch(/\d †/);
  });

  it('report: the markdown says emulated, marks the figures, and titles the charts so', async () => {
    const md = join(dir, 'emu.md');
    const r = await runCli(['report', results, '--output', md]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('> **† Emulated: the CUDA kernels ran on the host SIMT emulator');
    expect(text).toMatch(/\| \d[\d,]* † \|/);
  });

  it('compare refuses a speed verdict (exit 2, the reason) and still fails on lost writes (exit 1)', async () => {
    const same = await runCli(['compare', results, results]);
    expect(same.code).toBe(2);
    expect(same.stderr.trim()).toBe('writeprof: compare: emulated timings (backend cuda-emu) are not performance figures; no speed verdict (no lost writes in 6 current cases)');
    expect(same.stdout.split('\n')[0]).toMatch(/^INCONCLUSIVE: no speed verdict, every write of 6 current cases verified/);
    expect(same.stdout).not.toMatch(/PASS|REGRESSION/);

    const doc = JSON.parse(readFileSync(results, 'utf8'));
    doc.cases[0].verification.lost = 3;
    doc.cases[0].verification.verified -= 3;
    doc.cases[0].status = 'failed';
    doc.cases[0].error = 'verification failed';
    const lossy = join(dir, 'lossy.json');
    writeFileSync(lossy, JSON.stringify(doc));
    const bad = await runCli(['compare', results, lossy]);
    expect(bad.code).toBe(1);
    expect(bad.stdout.split('\n')[0]).toMatch(/^REGRESSION: 1 current case\(s\) lost, held stale or corrupted writes/);
    expect(bad.stderr).toContain(`1 current case(s) lost, held stale or corrupted writes or did not run: ${doc.cases[0].id}`);
  });

  it('validate: speed, bandwidth and scaling claims are refused, lost writes and conflicts are checked', async () => {
    const story = await runCli(['validate', results, '--claims', 'profiles/claims/story-3.1.json']);
    // A claim's line wraps at the screen's width; its continuation lines are indented.
    story.stdout = story.stdout.replace(/\n {2,}(?=\S)/g, ' ');
    // Counters are evaluated (on the emulator lock-free's CAS retries may outnumber baseline's lock retries).
    expect(story.stdout).toMatch(/^(PASS|FAIL) conflicts-75: measured -?[\d.]+%/m);
    expect([1, 2]).toContain(story.code);
    expect(story.stdout).toMatch(/^N\/A  speedup-20x: cannot be evaluated: emulated timings \(backend cuda-emu\) are not performance figures/m);
    expect(story.stdout).toMatch(/^PASS no-lost-writes: measured 0 lost, stale or corrupted in 6 cases/m);
  });

  it('emulator flags need --backend cuda-emu; bad values are one line, exit 2', async () => {
    const wrong = await runCli(['run', '--backend', 'cpu', '--emu-seed', '3']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('writeprof: --emu-seed: "3" is invalid; allowed: only with --backend cuda-emu\n');
    const bad = await runCli(['run', '--backend', 'cuda-emu', '--emu-workers', '-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('writeprof: --emu-workers: "-1" is invalid; allowed: an integer from 0 to 256\n');
  });

  it('devices lists cuda-emu as available', async () => {
    const r = await runCli(['devices', '--json']);
    const emu = JSON.parse(r.stdout).backends.find((b: { name: string }) => b.name === 'cuda-emu');
    expect(emu).toMatchObject({ name: 'cuda-emu', available: true, device: { kind: 'emulator' } });
  });
});
