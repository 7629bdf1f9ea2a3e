/** compare and validate on merged results from several devices: never a case of one device against another's. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareDocuments } from '../../src/gates/compare.js';
import { requireBuilt, BIN } from '../cli/helpers.js';
import { A100, H100, loadSample, twoDevices } from '../render/helpers.js';

const opts = { threshold: 5, alpha: 0.01, seed: 1 };
const dir = mkdtempSync(join(tmpdir(), 'writeprof-gates-devices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compare on merged results from several devices', () => {
  it('matches cases on device and axes: a slowdown on one device shows on that device only', () => {
    const baseline = twoDevices(0.5);
    const current = twoDevices(0.4); // the A100 side is 20% slower, the H100 side unchanged
    const r = compareDocuments(baseline, current, opts);
    expect(r.cases).toHaveLength(baseline.cases.length);
    expect(r.onlyInBaseline).toEqual([]);
    const h100 = r.cases.filter((c) => c.id.startsWith('NVIDIA H100 80GB HBM3 (cuda): '));
    const a100 = r.cases.filter((c) => c.id.startsWith('NVIDIA A100-SXM4-80GB (cuda): '));
    expect(h100).toHaveLength(loadSample().cases.length);
    expect(a100).toHaveLength(loadSample().cases.length);
    for (const c of h100) expect(c.changePct).toBeCloseTo(0, 9);
    for (const c of a100) expect(c.changePct).toBeCloseTo(-20, 6);
    expect(r.regressions.every((id) => id.startsWith('NVIDIA A100-SXM4-80GB (cuda): '))).toBe(true);
    expect(r.current.device).toBe('NVIDIA H100 80GB HBM3 (cuda) + NVIDIA A100-SXM4-80GB (cuda)');
  });

  it('compares a one-device baseline with the matching device of a merged run; the other device\'s cases are only in current', () => {
    const baseline = { ...loadSample(), environment: H100 };
    const r = compareDocuments(baseline, twoDevices(0.5), opts);
    expect(r.cases).toHaveLength(baseline.cases.length);
    expect(r.regressions).toEqual([]);
    expect(r.onlyInCurrent).toHaveLength(baseline.cases.length);
    expect(r.onlyInCurrent.every((id) => id.startsWith('NVIDIA A100-SXM4-80GB (cuda): '))).toBe(true);
  });

  it('refuses two documents with no device in common', () => {
    const other = { ...loadSample(), environment: { ...A100, device: { ...A100.device, name: 'NVIDIA L4' } } };
    expect(() => compareDocuments(other, twoDevices(0.5), opts)).toThrow(/^no device in common: baseline has NVIDIA L4 \(cuda\), current has NVIDIA H100/);
  });
});

describe('validate on merged results from several devices', () => {
  it('checks every claim on each device, one line per claim and device', () => {
    requireBuilt();
    const doc = twoDevices(0.5);
    // One lost write on the A100 only.
    const lost = doc.cases.find((c) => c.environment === A100 && c.status === 'ok' && c.mode === 'single')!;
    // A consistent document (results are checked on read): the lost write fails its case.
    lost.verification = { ...lost.verification, lost: 1, verified: lost.verification.verified - 1 };
    lost.status = 'failed';
    lost.error = 'verification failed: 1 lost';
    const results = join(dir, 'two.json');
    writeFileSync(results, JSON.stringify(doc));
    const claims = join(dir, 'claims.json');
    writeFileSync(
      claims,
      JSON.stringify({
        name: 'devices',
        claims: [
          { id: 'speedup', text: '20x+', kind: 'minSpeedup', min: 20, select: { mode: ['single', 'batch'] } },
          { id: 'intact', text: 'no lost writes', kind: 'maxLostWrites', max: 0, select: { mode: 'single' } },
        ],
      }),
    );
    const r = spawnSync(process.execPath, [BIN, 'validate', results, '--claims', claims], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    // Claim lines (wrapped lines continue indented), then the verdict line.
    const lines = r.stdout.split('\n').filter((l) => /^(PASS|FAIL|N\/A) +[^:\s]+/.test(l) && !/^\S+: /.test(l));
    expect(r.stdout.replace(/\n {2,}(?=\S)/g, ' ').trim().split('\n').at(-1)).toMatch(/^FAIL: 2 of 4 claims failed/);
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'PASS speedup [NVIDIA H100 80GB HBM3 (cuda)]',
      'PASS intact [NVIDIA H100 80GB HBM3 (cuda)]',
      // The lost write failed its case, and a speedup over a failed case is not a pass either.
      'FAIL speedup [NVIDIA A100-SXM4-80GB (cuda)]',
      'FAIL intact [NVIDIA A100-SXM4-80GB (cuda)]',
    ]);
    expect(r.stdout.replace(/\n +/g, " ")).toContain(`worst ${lost.id}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('writeprof: 2 of 4 claims failed: speedup [NVIDIA A100-SXM4-80GB (cuda)], intact [NVIDIA A100-SXM4-80GB (cuda)]\n');
  });
});
