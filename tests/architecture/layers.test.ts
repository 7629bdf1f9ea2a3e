/**
 * The flow of docs (README "Layout"): profile -> plan -> engine -> backend -> stats -> results ->
 * render | gates, as the import graph. Each module imports only its own layer and the layers
 * below it; nothing imports back up (results never reads render, stats never reads results, a
 * backend never reads the engine), and layers that share a rank (render and gates) do not read
 * each other. Every import counts, `import type` and dynamic `import()` included.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');

/**
 * Bottom first: each layer and the layers it may read (besides itself). A layer is a folder of
 * src/ (or a file at its top). README's "Layout" shows this table.
 */
const LAYERS: { name: string; holds: (path: string) => boolean; reads: string[] }[] = [
  // the vocabulary, limits, number formats and file I/O every layer may use
  { name: 'foundation', holds: (p) => ['model.ts', 'errors.ts', 'version.ts', 'limits.ts', 'format.ts', 'screen.ts'].includes(p) || p.startsWith('io/'), reads: [] },
  // profiles, their axes, and the plan they expand to (cases, digest, shards)
  { name: 'profile', holds: (p) => p.startsWith('profile/'), reads: ['foundation'] },
  // what runs a case (and the native addon's contract); what the CUDA kernels occupy
  { name: 'backends', holds: (p) => p.startsWith('backends/'), reads: ['foundation'] },
  { name: 'occupancy', holds: (p) => p.startsWith('occupancy/'), reads: ['foundation'] },
  { name: 'stats', holds: (p) => p.startsWith('stats/'), reads: ['foundation'] },
  // the emulator as a CUDA toolchain: the translation of CUDA sources and `emu build`
  { name: 'emu', holds: (p) => p.startsWith('emu/'), reads: ['foundation'] },
  // the results document (of a plan's cases, on a backend, summarized by stats) and every figure derived from it
  { name: 'results', holds: (p) => p.startsWith('results/'), reads: ['foundation', 'profile', 'backends', 'stats'] },
  // a user's strategy file: read, built into its own addon (cached), routed to as a backend
  { name: 'strategy-file', holds: (p) => p.startsWith('strategy-file/'), reads: ['foundation', 'backends', 'results'] },
  // drives a plan's cases on a backend, hands the samples to stats, emits results
  { name: 'engine', holds: (p) => p.startsWith('engine/'), reads: ['foundation', 'profile', 'backends', 'stats', 'results'] },
  // runs a plan's cases on the check addon under `writeprof check`'s tools, emits findings
  { name: 'check', holds: (p) => p.startsWith('check/'), reads: ['foundation', 'profile', 'backends', 'results'] },
  { name: 'render', holds: (p) => p.startsWith('render/'), reads: ['foundation', 'results'] },
  { name: 'gates', holds: (p) => p.startsWith('gates/'), reads: ['foundation', 'stats', 'results'] },
  { name: 'ab', holds: (p) => p.startsWith('ab/'), reads: ['foundation', 'profile', 'backends', 'stats', 'results', 'strategy-file', 'engine'] },
  { name: 'slurm', holds: (p) => p.startsWith('slurm/'), reads: ['foundation', 'results'] },
  {
    name: 'commands',
    holds: (p) => p.startsWith('commands/'),
    reads: ['foundation', 'profile', 'backends', 'occupancy', 'emu', 'stats', 'results', 'strategy-file', 'engine', 'check', 'render', 'gates', 'ab', 'slurm'],
  },
  { name: 'cli', holds: (p) => p === 'cli.ts', reads: ['foundation', 'commands'] },
];

function layerOf(path: string): (typeof LAYERS)[number] {
  const layer = LAYERS.find((l) => l.holds(path));
  if (!layer) throw new Error(`src/${path} is in no layer: give it one in tests/architecture/layers.test.ts`);
  return layer;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file imports (static, type-only, re-exports and dynamic imports), as paths under src/. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specs = [...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s.replace(/\.js$/, '.ts'))));
}

interface Arrow {
  from: string;
  to: string;
  why: string;
}

/** Imports a layer may not make: of a layer it does not read. */
function backArrows(files: readonly string[]): Arrow[] {
  const out: Arrow[] = [];
  for (const file of files) {
    const from = relative(SRC, file);
    const a = layerOf(from);
    for (const to of importsOf(file)) {
      const b = layerOf(to);
      if (a.name !== b.name && !a.reads.includes(b.name)) out.push({ from, to, why: `${a.name} does not read ${b.name}` });
    }
  }
  return out;
}

const FILES = sources(SRC);

describe('the import graph follows the flow', () => {
  it('every source file belongs to a layer, and every import resolves to a source file', () => {
    for (const f of FILES) {
      layerOf(relative(SRC, f));
      for (const to of importsOf(f)) expect(FILES, `${relative(SRC, f)} imports ${to}`).toContain(join(SRC, to));
    }
  });

  it('the layers read only layers listed before them: one direction, no cycle', () => {
    LAYERS.forEach((l, i) => {
      for (const r of l.reads) expect(LAYERS.findIndex((x) => x.name === r), `${l.name} reads ${r}`).toBeLessThan(i);
    });
  });

  it('no arrow runs back up', () => {
    expect(backArrows(FILES).map((a) => `${a.from} -> ${a.to} (${a.why})`)).toEqual([]);
  });

  it('no module under src/gates or src/results imports from src/render', () => {
    const bad = FILES.filter((f) => /\/src\/(gates|results)\//.test(f)).flatMap((f) => importsOf(f).filter((to) => to.startsWith('render/')));
    expect(bad).toEqual([]);
  });

  it('renderers write no file: commands do (src/io/write.ts, targets, the journal are theirs)', () => {
    const bad = FILES.filter((f) => f.includes('/src/render/')).flatMap((f) =>
      importsOf(f).filter((to) => ['io/write.ts', 'io/target.ts', 'io/journal.ts'].includes(to)).map((to) => `${relative(SRC, f)} -> ${to}`),
    );
    expect(bad).toEqual([]);
    for (const f of FILES.filter((x) => x.includes('/src/render/'))) expect(readFileSync(f, 'utf8'), relative(SRC, f)).not.toMatch(/from 'node:fs'/);
  });

  it('no TypeScript file parses a native note: the addon hands over numbers (src/backends/contract.ts)', () => {
    for (const f of FILES) expect(readFileSync(f, 'utf8'), relative(SRC, f)).not.toMatch(/bandwidth reference: deviceCopy=\(|REF_NOTE|\.notes[^;]*\.(match|exec)\(/);
  });

  it('the check sees what it must: a planted arrow back up fails it', () => {
    const planted = join(SRC, 'results', 'planted.ts');
    const text = "import type { Matrix } from '../render/matrix.js';\nexport { x } from\n  '../gates/validate.js';\nconst m = await import('../engine/sweep.js');\n";
    const arrows = importsOf(planted, text);
    expect(arrows).toEqual(['render/matrix.ts', 'gates/validate.ts', 'engine/sweep.ts']);
    const results = layerOf('results/planted.ts');
    expect(arrows.filter((to) => !results.reads.includes(layerOf(to).name))).toEqual(arrows);
    expect(layerOf('gates/validate.ts').reads).not.toContain('render');
  });
});
