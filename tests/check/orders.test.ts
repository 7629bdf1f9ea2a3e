/**
 * The checker understands every way CUDA code orders two threads (tests/check/native/orders.cu):
 * release/acquire, relaxed atomics between __threadfence()s, a lock built of atomicCAS/atomicExch
 * with fences, __syncthreads, __syncwarp and other warp rendezvous, stream order and an event the
 * host waited for, a host answering a kernel through mapped memory. Each ordered form gives no
 * finding under any tool; the same code with the ordering removed gives racecheck's (and, for a
 * relaxed publish within a block, weak's) under two seeds. memcheck's misaligned atomic and use
 * after cudaFree, and synccheck's divergent barrier, come in the same format.
 */
import { describe, expect, it } from 'vitest';
import { runDriver } from '../emu/helpers.js';
import { checkDriver } from './helpers.js';

const TOOLS = ['memcheck', 'racecheck', 'initcheck', 'synccheck', 'weak'] as const;
const PAIRS: { name: string; broken: Partial<Record<(typeof TOOLS)[number], true>> }[] = [
  { name: 'mp', broken: { racecheck: true } },
  { name: 'fence', broken: { racecheck: true } },
  { name: 'lock', broken: { racecheck: true } },
  { name: 'barrier', broken: { racecheck: true } },
  { name: 'syncwarp', broken: { racecheck: true } },
  { name: 'streams', broken: { racecheck: true } },
  { name: 'mailbox', broken: { racecheck: true } },
  { name: 'publish', broken: { racecheck: true, weak: true } },
];

function run(bin: string, scenario: string, seed: number) {
  const r = runDriver(bin, [scenario, String(seed)]);
  expect(r.code, r.stderr).toBe(0);
  return r.lines[0]!;
}

describe('what orders two threads, as the checker sees it', () => {
  let built: string | undefined;
  const driver = async (): Promise<string> => (built ??= await checkDriver('tests/check/native/orders.cu', 'orders'));

  for (const p of PAIRS) {
    it(`${p.name}: ordered, no finding; unordered, ${Object.keys(p.broken).join(' and ')} under seeds 1 and 2`, { timeout: 120_000 }, async () => {
      const bin = await driver();
      for (const seed of [1, 2]) {
        const ok = run(bin, `${p.name}-ordered`, seed);
        for (const t of TOOLS) expect(ok[t], `${p.name}-ordered seed ${seed}: ${String(ok['kinds'])}`).toBe(0);
        expect(ok['fault']).toBe('');
        const bad = run(bin, `${p.name}-broken`, seed);
        for (const t of TOOLS) {
          if (p.broken[t]) expect(bad[t], `${p.name}-broken seed ${seed} ${t}`).toBeGreaterThan(0);
          else if (t !== 'weak') expect(bad[t], `${p.name}-broken seed ${seed} ${t}: ${String(bad['kinds'])}`).toBe(0);
        }
      }
    });
  }

  it('a shuffle is a rendezvous: what its lanes did before it is ordered', async () => {
    const bin = await driver();
    const r = run(bin, 'shuffle', 1);
    for (const t of TOOLS) expect(r[t]).toBe(0);
  });

  it('memcheck: a misaligned atomic and a read after cudaFree end their launch with a finding, and the process lives', async () => {
    const bin = await driver();
    const m = run(bin, 'misaligned', 1);
    expect(m['kinds']).toBe('memcheck:misaligned atomic');
    expect(m['fault']).toMatch(/misaligned atomic add of 4 bytes/);
    const f = run(bin, 'freed', 2);
    expect(f['kinds']).toBe('memcheck:use-after-free read');
    expect(f['fault']).toMatch(/invalid read of 4 bytes/);
  });

  it('synccheck: a divergent barrier is a finding in the same format', async () => {
    const bin = await driver();
    const r = run(bin, 'divergent', 1);
    expect(r['synccheck']).toBe(1);
    expect(String(r['kinds'])).toMatch(/^synccheck:(exit during barrier|divergent barrier)$/);
  });
});
