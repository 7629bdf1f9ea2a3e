// Memory stays bounded: what a case holds is its table, its value arena (keys x stride),
// one staging buffer and one combine buffer per submitting thread, and the key stream with its
// distinct keys; it is all allocated when the case opens and all returned on close(). Peak RSS
// of the largest cases is measured in child processes (process.resourceUsage().maxRSS) against
// that footprint. Skipped under `make sanitize`: ASan's shadow memory and quarantine are not ours.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ADDON_PATH, loadAddon, type NativeCaseParams } from '../../src/backends/native.js';
import { nativeCaseParams } from '../../src/backends/native-backend.js';
import { bucketsFor, valueStride } from '../../src/profile/geometry.js';
import type { CaseSpec } from '../../src/model.js';
import { options, spec } from './helpers.js';

const MiB = 2 ** 20;
const COMBINE_BYTES = 8 * 1024; // kernels/cpu/skeleton.h kCombineBytes

/** The runner's allocations for a case (cpu_runner.cc), with every key distinct (the upper bound). */
function footprint(s: CaseSpec): { table: number; arena: number; total: number } {
  const stride = valueStride(s.valueSize);
  const workers = s.mode === 'concurrent' ? s.threads : 1;
  const perSubmission = s.mode === 'single' ? 1 : Math.min(s.batchSize, Math.ceil(s.keys / workers));
  const table = bucketsFor(s.keys, s.loadFactor) * 128;
  const arena = s.keys * stride;
  // stream + distinct keys are kept (16 B/key); building what each key may end with is transient
  // (24 B/key: kernels/include/writeprof/verify.h FinalWrites, host/memory.h kStreamBytesPerKey).
  const total = table + arena + workers * (perSubmission * stride + COMBINE_BYTES) + 40 * s.keys;
  return { table, arena, total };
}

const rss = () => process.memoryUsage.rss();

describe.skipIf(Boolean(process.env['WRITEPROF_SANITIZE']))('capacity: memory is bounded and returned', () => {
  it('open() allocates keys x stride for the arena, close() gives it all back', async () => {
    const { Case } = loadAddon();
    const measure = async (keys: number) => {
      const s = spec({ strategy: 'mem-opt', valueSize: 65536, keys, batchSize: 100 });
      const before = rss();
      const c = new Case(nativeCaseParams('cpu', s, options));
      const opened = rss() - before; // pages are touched at open, not inside the timed sample
      const sample = await c.runSample();
      const sampled = rss() - before;
      c.close();
      const closed = rss() - before;
      expect(sample.verification.verified).toBe(keys);
      return { opened, sampled, closed, f: footprint(s) };
    };
    const small = await measure(1000); // 62.5 MiB arena
    const large = await measure(2000); // 125 MiB arena
    for (const m of [small, large]) {
      expect(m.opened).toBeGreaterThan(0.9 * (m.f.arena + m.f.table));
      expect(m.opened).toBeLessThan(m.f.total + 16 * MiB);
      expect(m.sampled).toBeLessThan(m.f.total + 16 * MiB); // a sample allocates nothing sizeable
      expect(m.closed).toBeLessThan(8 * MiB);
    }
    // Twice the keys, twice the memory (within the slack of the JS heap).
    expect(large.opened - small.opened).toBeGreaterThan(0.9 * (large.f.arena - small.f.arena));
    expect(large.opened - small.opened).toBeLessThan(large.f.total - small.f.total + 16 * MiB);
  });

  it('opening and closing the same large case repeatedly does not grow the process', async () => {
    const { Case } = loadAddon();
    const params = nativeCaseParams('cpu', spec({ valueSize: 16384, keys: 4000, mode: 'concurrent', threads: 8 }), options);
    const first = rss();
    for (let i = 0; i < 8; i++) {
      const c = new Case(params);
      await c.runSample();
      c.close();
    }
    expect(rss() - first).toBeLessThan(16 * MiB); // 8 x 62.5 MiB went through
  });

  // The largest cases the issue names, each alone in a fresh node: its peak RSS minus an idle
  // node's (with the addon loaded) must fit the footprint.
  const peakOf = (params: NativeCaseParams | null): { maxRssBytes: number; verified: number; distinct: number } => {
    const script = `
      const { Case } = require(${JSON.stringify(ADDON_PATH)});
      const p = ${JSON.stringify(params)};
      (async () => {
        let v = { verified: 0, distinct: 0 };
        if (p) { const c = new Case(p); v = (await c.runSample()).verification; c.close(); }
        console.log(JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, ...v }));
      })();`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { maxRssBytes: number; verified: number; distinct: number };
  };

  it('peak RSS of the largest cases stays within their footprint', () => {
    const idle = peakOf(null).maxRssBytes;
    const cases: CaseSpec[] = [
      spec({ strategy: 'mem-opt', valueSize: 8, keys: 1_000_000, batchSize: 1_000_000 }),
      spec({ strategy: 'lock-free', valueSize: 8, keys: 1_000_000, batchSize: 1_000_000, keyDist: 'zipf:0.99' }),
      spec({ strategy: 'write-combine', valueSize: 65536, keys: 2000, batchSize: 100 }),
      spec({ strategy: 'baseline', mode: 'concurrent', threads: 64, valueSize: 4096, keys: 20_000, batchSize: 100 }),
    ];
    const lines: string[] = [`idle node + addon: ${(idle / MiB).toFixed(0)} MiB`];
    for (const s of cases) {
      const r = peakOf(nativeCaseParams('cpu', s, options));
      const f = footprint(s);
      const extra = r.maxRssBytes - idle;
      lines.push(`${s.id}: peak ${(r.maxRssBytes / MiB).toFixed(0)} MiB, +${(extra / MiB).toFixed(0)} MiB for a footprint of ${(f.total / MiB).toFixed(0)} MiB`);
      expect(r.verified).toBe(r.distinct);
      // Thread stacks (64 threads touch a little of theirs) and allocator slack: 32 MiB.
      expect(extra).toBeLessThan(f.total + 32 * MiB);
      // A zipf stream's table is sized for its distinct keys only, so only the arena is certain.
      expect(extra).toBeGreaterThan(0.8 * (f.arena + (s.keyDist === 'uniform' ? f.table : 0)));
    }
    console.info(`peak RSS:\n  ${lines.join('\n  ')}`);
  });
});
