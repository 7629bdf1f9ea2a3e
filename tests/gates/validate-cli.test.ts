/** `writeprof validate` and `writeprof report` as a user runs them: the built CLI in a child process. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPeerCases, sampleCopy, SAMPLE_PATH } from '../render/helpers.js';
import { buildIfStale } from '../cli/helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STORY = join(ROOT, 'profiles/claims/story-3.1.json');
const dir = mkdtempSync(join(tmpdir(), 'writeprof-validate-'));

/** The claim lines of validate's table (wrapped lines continue indented; the verdict line is last). */
const claimLines = (out: string): string[] => out.split('\n').filter((l) => /^(PASS|FAIL|N\/A) +[^:\s]+:/.test(l));

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/writeprof'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  // Wrapped lines continue indented: join them, so a line is one claim again.
  return { code: r.status, stdout: r.stdout.replace(/\n {2,}(?=\S)/g, ' '), stderr: r.stderr };
}

function writeJson(name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(value, null, 2));
  return p;
}

beforeAll(() => {
  // The CLI runs from dist/: compile when a source is newer than the build (as `make test` does).
  buildIfStale();
  expect(existsSync(join(ROOT, 'dist/cli.js'))).toBe(true);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const passing = {
  name: 'fixture-pass',
  claims: [
    { id: 'speedup', text: '20x+ write performance', kind: 'minSpeedup', min: 20, select: { mode: ['single', 'batch'] } },
    { id: 'conflicts', text: '75% fewer conflicts', kind: 'minConflictReduction', min: 75, select: { mode: 'concurrent', keyDist: 'uniform' } },
    { id: 'scaling', text: 'near-linear to 16', kind: 'minScalingEfficiency', min: 0.8, upToThreads: 16, select: { mode: 'concurrent', keyDist: 'uniform' } },
    { id: 'intact', text: 'no lost writes', kind: 'maxLostWrites', max: 0, select: { keyDist: 'uniform' } },
  ],
};

describe('writeprof validate', () => {
  it('exits 0 when every claim passes, one PASS line each', () => {
    const r = cli('validate', SAMPLE_PATH, '--claims', writeJson('pass.json', passing));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = claimLines(r.stdout);
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => l.startsWith('PASS '))).toBe(true);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('PASS: all 4 claims hold');
  });

  it('exits 1 when a claim fails (the story\'s claims on the fixture, Redis measured beside it)', () => {
    const r = cli('validate', writeJson('with-redis.json', addPeerCases(sampleCopy(), 'redis', 60)), '--claims', STORY);
    expect(r.code).toBe(1);
    expect(claimLines(r.stdout).map((l) => l.split(' ')[0])).toEqual(['PASS', 'PASS', 'FAIL', 'PASS', 'PASS', 'N/A', 'N/A', 'N/A', 'FAIL']);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^FAIL: 2 of 9 claims failed: bandwidth-85, no-lost-writes; 3 cannot be evaluated: coalesced-access, payload-85, write-combining$/);
    expect(r.stdout).toMatch(/^PASS redis-47x: measured 60\.00x, required >= 47x over Redis/m);
    // The fixture's cases carry no memory-traffic counts: those claims are named, never passed.
    expect(r.stdout).toMatch(/^N\/A  coalesced-access: cannot be evaluated: .* carries no memory-traffic counts/m);
  });

  it('says N/A when Redis was not measured in the run the claims are checked against (never a pass)', () => {
    const r = cli('validate', SAMPLE_PATH, '--claims', STORY);
    // The sample also fails a claim, and a FAIL outranks N/A (exit 1); the Redis claim is named either way.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be evaluated: .*redis-47x/);
    expect(r.stdout).toMatch(/^N\/A  redis-47x: cannot be evaluated: no redis case for .* \(measure it in the same run: writeprof run --peer redis\)/m);
  });

  it('a FAIL is not hidden by a claim that cannot be evaluated: exit 1, both named', () => {
    const doc = sampleCopy();
    doc.environment.backend = 'cpu';
    for (const c of doc.cases) delete c.bandwidth;
    const r = cli('validate', writeJson('cpu.json', doc), '--claims', STORY);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^N\/A  bandwidth-85: cannot be evaluated: the cpu backend recorded no bandwidth reference/m);
    expect(r.stderr).toBe('writeprof: 1 of 9 claims failed: no-lost-writes; 5 cannot be evaluated: bandwidth-85, redis-47x, coalesced-access, payload-85, write-combining\n');
  });

  it('--format json says the same verdict as the exit code, names its schema, and the step summary gets the markdown', () => {
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/writeprof'), 'validate', SAMPLE_PATH, '--claims', STORY, '-f', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: summary } });
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ schema: 'writeprof.validate.v1', verdict: 'FAIL', exitCode: 1 });
    expect(r.status).toBe(d.exitCode);
    expect(d.claims.map((c: { id: string; verdict: string }) => `${c.verdict} ${c.id}`)).toContain('N/A redis-47x');
    expect(readFileSync(summary, 'utf8')).toMatch(/^### writeprof validate: FAIL\n/);
    const pass = cli('validate', SAMPLE_PATH, '--claims', writeJson('pass-json.json', passing), '-f', 'json');
    expect(JSON.parse(pass.stdout)).toMatchObject({ verdict: 'PASS', exitCode: 0 });
    expect(pass.code).toBe(0);
  });

  it('exits 2 when the claim\'s cases are absent from the results', () => {
    const doc = sampleCopy();
    doc.cases = doc.cases.filter((c) => c.mode !== 'single');
    const r = cli('validate', writeJson('nosingle.json', doc), '--claims', writeJson('pass2.json', passing));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^writeprof: claim speedup cannot be evaluated: no case with mode single/);
  });

  it('exits 2 with one line for a malformed claims file, missing files and a missing --claims', () => {
    const bad = writeJson('bad.json', { name: 'x', claims: [{ id: 'a', text: 't', kind: 'minSpeedup', min: -1 }] });
    const cases = [
      cli('validate', SAMPLE_PATH, '--claims', bad),
      cli('validate', SAMPLE_PATH, '--claims', join(dir, 'nope.json')),
      cli('validate', join(dir, 'nope.json'), '--claims', STORY),
      cli('validate', SAMPLE_PATH),
    ];
    for (const r of cases) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(cases[0]!.stderr).toMatch(/bad\.json: claims\[0\]\.min: -1 is invalid/);
    expect(cases[1]!.stderr).toMatch(/nope\.json: no such file/);
  });
});

describe('writeprof report', () => {
  it('writes the markdown beside the results by default, with its charts', () => {
    const results = writeJson('run1.json', sampleCopy());
    const r = cli('report', results);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`report: ${join(dir, 'run1.md')}\n`);
    const md = readFileSync(join(dir, 'run1.md'), 'utf8');
    expect(md).toContain('| Value Size | Baseline (ops/sec) | Optimized (ops/sec) | Speedup |');
    const svgs = readdirSync(dir).filter((f) => f.startsWith('run1-') && f.endsWith('.svg'));
    expect(svgs).toHaveLength(5);
    // the summary opens the report
    expect(md.split('\n').slice(0, 10).join('\n')).toMatch(/## Summary\n\n.*\n\n- \*\*run\*\* FAILED \(exit 1\): 1 of 75 cases/);
    for (const f of svgs) expect(md).toContain(`](${f})`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('honours --output and refuses bad input with exit 2', () => {
    const r = cli('report', SAMPLE_PATH, '--output', join(dir, 'out/named.md'));
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'out/named.md'))).toBe(true);
    expect(existsSync(join(dir, 'out/named-breakdown.svg'))).toBe(true);
    const broken = writeJson('broken.json', { ...sampleCopy(), cases: 'none' });
    const bad = cli('report', broken);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^writeprof: .*broken\.json: cases: "none" is invalid/);
    expect(cli('report', SAMPLE_PATH, '--output', join(dir, 'x.txt')).code).toBe(2);
  });
});
