// writeprof's side of the bench, through the same Backend interface the CLI uses
// (dist/backends/cpu.js). A small loop over runSample(): the engine's stopping rules are not
// needed for a fixed-count benchmark, and the loop lets us time each call from JavaScript too.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { medianCI } from '../../dist/stats/summary.js';

export async function loadCpuBackend(root) {
  const file = join(root, 'dist', 'backends', 'cpu.js');
  if (!existsSync(file)) throw new Error(`${file} missing: the CPU backend is not built (run \`make build\`)`);
  const mod = await import(pathToFileURL(file).href);
  if (!mod.cpuBackend) throw new Error(`${file} does not export cpuBackend`);
  const model = await import(pathToFileURL(join(root, 'dist', 'model.js')).href);
  return { backend: mod.cpuBackend, caseId: model.caseId };
}

export function specOf(caseId, cell, strategy) {
  const spec = {
    strategy, mode: cell.mode, valueSize: cell.valueSize, batchSize: cell.batchSize, threads: cell.threads,
    keyDist: cell.keyDist, loadFactor: cell.loadFactor, keys: cell.keys,
  };
  return { id: caseId(spec), ...spec };
}

export function openOptions(seed, countConflicts = true) {
  return { countConflicts, slowdownNs: 0, latencyEvery: 0, seed };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
export { median };

function checkVerification(s) {
  const v = s.verification;
  if (v.lost > 0 || v.stale > 0 || v.corrupted > 0) throw new Error(`verification failed: lost ${v.lost}, stale ${v.stale}, corrupted ${v.corrupted} of ${v.distinct} keys`);
}

/**
 * One case's samples, taken in several rounds interleaved with the other strategies and the
 * references of its cell. Every round opens the case afresh (and closes it): each opening gets
 * its own memory, and where a table lands (pages, huge pages, cache sets) moved throughput by
 * +-13% between two openings of the same case, so rounds average placement out as well as drift.
 */
export class CaseRun {
  constructor(spec) {
    this.spec = spec;
    this.ops = [];
    this.totals = { lockRetries: 0, casFailures: 0, probeSteps: 0 };
    this.phases = {};
    this.writes = 0;
    this.verification = undefined;
  }

  async round(backend, opts, warmup, n) {
    const handle = backend.open(this.spec, opts);
    try {
      for (let i = 0; i < warmup; ++i) checkVerification(await handle.runSample());
      for (let i = 0; i < n; ++i) {
        const s = await handle.runSample();
        checkVerification(s);
        this.verification = s.verification;
        this.ops.push(s.writes / (s.elapsedNs * 1e-9));
        this.writes += s.writes;
        for (const k of Object.keys(this.totals)) this.totals[k] += s.counters[k];
        for (const [k, ns] of Object.entries(s.phasesNs)) this.phases[k] = (this.phases[k] ?? 0) + ns;
      }
    } finally {
      handle.close();
    }
  }

  summary() {
    const opsPerSec = median(this.ops);
    const per = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v / this.writes]));
    return {
      samples: this.ops, opsPerSec, opsPerSecPerThread: opsPerSec / this.spec.threads, bytesPerSec: opsPerSec * this.spec.valueSize,
      counters: this.totals, countersPerWrite: per(this.totals), breakdown: per(this.phases), verification: this.verification, status: 'ok',
    };
  }
}

/**
 * Counting conflicts on vs off: two cases of the same spec, one counting and one not, sampled in
 * adjacent pairs so drift hits both alike. The pair of cases is reopened `reopen` times: two
 * cases own different memory (page placement, huge pages, cache sets), which alone moved one
 * cell by +-13% in a first version that kept one pair open; fresh allocations average that out.
 * cost = 1 - median of the pairs' on/off ratios.
 */
export async function counterCost(backend, spec, seed, pairs, reopen) {
  const a = [], b = [], ratios = [];
  const perOpen = Math.max(1, Math.round(pairs / reopen));
  for (let r = 0; r < reopen; ++r) {
    // Alternate which case is allocated first, too.
    const first = backend.open(spec, openOptions(seed, r % 2 === 0));
    const second = backend.open(spec, openOptions(seed, r % 2 !== 0));
    const [on, off] = r % 2 === 0 ? [first, second] : [second, first];
    try {
      await on.runSample();
      await off.runSample();
      for (let i = 0; i < perOpen; ++i) {
        // Alternate which goes first so a drift within a pair favours neither side.
        const order = (r + i) % 2 === 0 ? [[on, a], [off, b]] : [[off, b], [on, a]];
        for (const [h, xs] of order) {
          const s = await h.runSample();
          checkVerification(s);
          xs.push(s.writes / (s.elapsedNs * 1e-9));
        }
        ratios.push(a[a.length - 1] / b[b.length - 1]);
      }
    } finally {
      on.close();
      off.close();
    }
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  const ci = medianCI(sorted);
  const m = median(ratios);
  return { case: spec.id, strategy: spec.strategy, keyDist: spec.keyDist, onOpsPerSec: median(a), offOpsPerSec: median(b),
    cost: 1 - m, costCI: [1 - ci.high, 1 - ci.low], pairs: ratios.length, reopened: reopen, on: a, off: b, ratios };
}
