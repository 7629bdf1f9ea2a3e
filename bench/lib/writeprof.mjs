// writeprof's side of the bench, through the same Backend interface the CLI uses
// (dist/backends/cpu.js). A small loop over runSample(): the engine's stopping rules are not
// needed for a fixed-count benchmark, and the loop lets us time each call from JavaScript too.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function loadCpuBackend(root) {
  const file = join(root, 'dist', 'backends', 'cpu.js');
  if (!existsSync(file)) throw new Error(`${file} missing: the CPU backend is not built (run \`make build\`)`);
  const mod = await import(pathToFileURL(file).href);
  if (!mod.cpuBackend) throw new Error(`${file} does not export cpuBackend`);
  const model = await import(pathToFileURL(join(root, 'dist', 'model.js')).href);
  return { backend: mod.cpuBackend, caseId: model.caseId };
}

/** Distribution-free 95% interval of the median from order statistics (as src/stats/summary.ts). */
function medianCI(sorted, z = 1.959964) {
  const n = sorted.length;
  const half = (z * Math.sqrt(n)) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return { low: sorted[lo], high: sorted[Math.max(lo, hi)] };
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
  if (v.lost > 0 || v.corrupted > 0) throw new Error(`verification failed: lost ${v.lost}, corrupted ${v.corrupted} of ${v.written}`);
}

/**
 * One open case whose samples are taken in several rounds (interleaved with the other strategies
 * and the references of its cell), then summarized: median ops/s, counters and phases per write.
 */
export class CaseRun {
  constructor(backend, spec, opts) {
    this.spec = spec;
    this.handle = backend.open(spec, opts);
    this.ops = [];
    this.totals = { lockRetries: 0, casFailures: 0, probeSteps: 0 };
    this.phases = {};
    this.writes = 0;
    this.verification = undefined;
  }

  async warmup(n) {
    for (let i = 0; i < n; ++i) checkVerification(await this.handle.runSample());
  }

  async sample(n) {
    for (let i = 0; i < n; ++i) {
      const s = await this.handle.runSample();
      checkVerification(s);
      this.verification = s.verification;
      this.ops.push(s.writes / (s.elapsedNs * 1e-9));
      this.writes += s.writes;
      for (const k of Object.keys(this.totals)) this.totals[k] += s.counters[k];
      for (const [k, ns] of Object.entries(s.phasesNs)) this.phases[k] = (this.phases[k] ?? 0) + ns;
    }
  }

  close() {
    this.handle.close();
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
 * Counting conflicts on vs off: two handles on the same case, samples interleaved (on, off, on,
 * off...) so drift from other load on the machine hits both sides alike. cost = 1 - on/off.
 */
export async function counterCost(backend, spec, seed, pairs) {
  const on = backend.open(spec, openOptions(seed, true));
  const off = backend.open(spec, openOptions(seed, false));
  try {
    await on.runSample();
    await off.runSample();
    const a = [], b = [], ratios = [];
    for (let i = 0; i < pairs; ++i) {
      // Alternate which goes first so a drift within a pair favours neither side.
      const order = i % 2 === 0 ? [[on, a], [off, b]] : [[off, b], [on, a]];
      for (const [h, xs] of order) {
        const s = await h.runSample();
        checkVerification(s);
        xs.push(s.writes / (s.elapsedNs * 1e-9));
      }
      ratios.push(a[a.length - 1] / b[b.length - 1]);
    }
    // Paired: each on/off ratio comes from two adjacent samples, so slow drift cancels.
    const sorted = [...ratios].sort((x, y) => x - y);
    const ci = medianCI(sorted);
    const r = median(ratios);
    return { case: spec.id, strategy: spec.strategy, keyDist: spec.keyDist, onOpsPerSec: median(a), offOpsPerSec: median(b),
      cost: 1 - r, costCI: [1 - ci.high, 1 - ci.low], pairs, on: a, off: b };
  } finally {
    on.close();
    off.close();
  }
}
