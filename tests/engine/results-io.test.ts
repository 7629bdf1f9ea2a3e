import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { runSweep } from '../../src/engine/sweep.js';
import { buildDocument, defaultResultsPath } from '../../src/results/document.js';
import { checkWritable, writeFileAtomic } from '../../src/io/write.js';
import { readResults, writeResultsAtomic } from '../../src/results/file.js';
import { planOutputs } from '../../src/commands/run-outputs.js';
import type { ResultsDocument } from '../../src/results/schema.js';
import type { Format } from '../../src/render/index.js';
import { FakeBackend, spec } from './fake-backend.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-io-'));
const isRoot = process.getuid?.() === 0;

async function sampleDoc(): Promise<ResultsDocument> {
  const fake = new FakeBackend({ elapsedNs: (i) => 1e6 + i * 1000 });
  const out = await runSweep([spec(), spec({ strategy: 'lock-free' })], fake, {
    measurement: { warmup: 0, minSamples: 3, maxSamples: 3, minTime: 0, maxTime: 10, maxNoise: 0 },
    countConflicts: true,
    seed: 1,
    clock: fake.clock,
  });
  return buildDocument({
    environment: { host: 'h', cpu: 'c', cores: 2, node: 'v20', os: 'Linux', backend: 'cpu', device: { name: 'fake', kind: 'cpu' } },
    profile: { name: 'p', source: 'p.json', measurement: { warmup: 0, minSamples: 3, maxSamples: 3, minTime: 0, maxTime: 10, maxNoise: 0 } },
    cases: out.cases,
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
  });
}

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('atomic writes', () => {
  it('round-trips a results document through writeResultsAtomic / readResults, creating directories', async () => {
    const doc = await sampleDoc();
    const path = join(dir, 'deep', 'er', 'r.json');
    writeResultsAtomic(path, doc, { inputs: [] });
    expect(readResults(path)).toEqual(doc);
    expect(readdirSync(join(dir, 'deep', 'er'))).toEqual(['r.json']); // no temp file left behind
  });

  it('replaces an existing file whole and leaves it intact when the write fails', async () => {
    const path = join(dir, 'keep.json');
    writeFileAtomic(path, 'old\n', { inputs: [] });
    writeFileAtomic(path, 'new\n', { inputs: [] });
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    // A directory where the file should go: the rename fails, nothing is left half-written.
    const blocked = join(dir, 'blocked');
    mkdirSync(join(blocked, 'x.json'), { recursive: true });
    expect(usage(() => writeFileAtomic(join(blocked, 'x.json'), 'data', { inputs: [] }))).toMatch(/x\.json" is invalid; allowed: a file path \(this is a directory\)$/);
    expect(readdirSync(blocked)).toEqual(['x.json']);
  });

  it('refuses to write a document that fails its own schema', async () => {
    const doc = await sampleDoc();
    (doc.cases[0] as { opsPerSec: unknown }).opsPerSec = 'fast';
    expect(() => writeResultsAtomic(join(dir, 'never.json'), doc, { inputs: [] })).toThrow(/^internal: results document invalid at cases\[0\]\.opsPerSec/);
  });

  it('names reports by time, filesystem-safe', () => {
    expect(defaultResultsPath(new Date('2026-11-01T12:30:05.123Z'))).toBe('reports/2026-11-01T12-30-05Z.json');
  });
});

describe('readResults errors are one line', () => {
  it('missing file, invalid JSON, schema failure, other schema version', async () => {
    expect(usage(() => readResults(join(dir, 'nope.json')))).toMatch(/nope\.json: no such file$/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n  "schemaVersion": 1,\n  "cases": [,]\n}');
    expect(usage(() => readResults(bad))).toMatch(/bad\.json: invalid JSON at line 3, column 13: unexpected ','; expected a value$/);
    const doc = await sampleDoc();
    const wrong = JSON.parse(JSON.stringify(doc));
    wrong.cases[1].stats.median = 'x';
    writeFileSync(bad, JSON.stringify(wrong));
    expect(usage(() => readResults(bad))).toMatch(/bad\.json: cases\[1\]\.stats\.median: "x" is invalid \(.*expected number/);
    writeFileSync(bad, JSON.stringify({ ...doc, schemaVersion: 99 }));
    expect(usage(() => readResults(bad))).toMatch(/bad\.json: schemaVersion: 99 is invalid; allowed: 1 /);
    delete (wrong as { environment?: unknown }).environment;
    writeFileSync(bad, JSON.stringify({ ...doc, environment: undefined }));
    expect(usage(() => readResults(bad))).toMatch(/bad\.json: environment: missing is invalid/);
  });
});

describe('output paths', () => {
  it('checks writability up front and refuses baselines without --force', () => {
    const base = join(dir, 'reports', 'baselines');
    mkdirSync(base, { recursive: true });
    const b = join(base, 'cpu.json');
    writeFileSync(b, '{}');
    expect(usage(() => checkWritable(b, { field: '--output', inputs: [] }))).toMatch(/^--output: .*cpu\.json is a committed baseline; pass --force/);
    expect(() => checkWritable(b, { field: '--output', force: true, inputs: [] })).not.toThrow();
    expect(() => checkWritable(join(base, 'new.json'), { field: '--output', inputs: [] })).not.toThrow();
    const file = join(dir, 'afile');
    writeFileSync(file, '');
    expect(usage(() => checkWritable(join(file, 'r.json'), { field: '--output', inputs: [] }))).toMatch(/^--output: cannot create directory .*afile \(EEXIST: a file is in the way\)$/);
    expect(usage(() => checkWritable(dir, { field: '--output', inputs: [] }))).toMatch(/is invalid; allowed: a file path \(this is a directory\)$/);
  });

  it.skipIf(isRoot)('an unwritable directory fails before anything runs', () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    expect(usage(() => checkWritable(join(ro, 'r.json'), { field: '--output', inputs: [] }))).toMatch(/cannot write in .*ro \(EACCES: permission denied\)/);
    chmodSync(ro, 0o700);
  });

  it('--output receives what its extension (or --format) says; the JSON goes beside a report', () => {
    const at = new Date('2026-11-01T00:00:00Z');
    const plan = (format: Format | undefined, output: string | undefined) => {
      const p = planOutputs({ ...(format ? { format } : {}), ...(output !== undefined ? { output: join(dir, output) } : {}), force: false, inputs: [] }, at);
      return { json: p.json.path.replace(`${realpathSync(dir)}/`, ''), report: p.report && [p.report.format, p.report.target.path.replace(`${realpathSync(dir)}/`, '')], print: p.print };
    };
    expect(planOutputs({ force: false, inputs: [] }, at).json.path).toBe(join(process.cwd(), 'reports/2026-11-01T00-00-00Z.json'));
    expect(plan('json', 'out/r.json')).toEqual({ json: 'out/r.json', report: undefined, print: 'json' });
    expect(plan(undefined, 'out/r.json')).toEqual({ json: 'out/r.json', report: undefined, print: 'table' });
    expect(plan('markdown', 'out/r.md')).toEqual({ json: 'out/r.json', report: ['markdown', 'out/r.md'], print: undefined });
    expect(plan(undefined, 'out/r.md')).toEqual({ json: 'out/r.json', report: ['markdown', 'out/r.md'], print: undefined });
    expect(plan('csv', 'out/r')).toEqual({ json: 'out/r.json', report: ['csv', 'out/r'], print: undefined });
    expect(plan('json', 'out/r.txt')).toEqual({ json: 'out/r.txt', report: undefined, print: 'json' });
    expect(usage(() => plan('csv', 'out/r.json'))).toMatch(/^--output: ".*out\/r\.json" is invalid; allowed: a \.csv path/);
    expect(usage(() => plan('json', 'out/r.md'))).toMatch(/allowed: a \.json path with --format json; the name says markdown$/);
    expect(usage(() => plan(undefined, 'out/r.txt'))).toMatch(/allowed: a \.json path for the results, \.md or \.csv for a report/);
  });
});
