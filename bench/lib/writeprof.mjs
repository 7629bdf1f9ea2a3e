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

/** Warm up, take `samples` samples, return the row's figures (median ops/s, counters per write). */
export async function measureCase(backend, spec, opts, { warmup, samples }) {
  const handle = backend.open(spec, opts);
  try {
    for (let i = 0; i < warmup; ++i) checkVerification(await handle.runSample());
    const ops = [];
    const totals = { lockRetries: 0, casFailures: 0, probeSteps: 0 };
    const phases = {};
    let writes = 0;
    let verification;
    for (let i = 0; i < samples; ++i) {
      const s = await handle.runSample();
      checkVerification(s);
      verification = s.verification;
      ops.push(s.writes / (s.elapsedNs * 1e-9));
      writes += s.writes;
      for (const k of Object.keys(totals)) totals[k] += s.counters[k];
      for (const [k, ns] of Object.entries(s.phasesNs)) phases[k] = (phases[k] ?? 0) + ns;
    }
    const opsPerSec = median(ops);
    const perWrite = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / writes]));
    const breakdown = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v / writes]));
    return {
      samples: ops, opsPerSec, opsPerSecPerThread: opsPerSec / spec.threads, bytesPerSec: opsPerSec * spec.valueSize,
      counters: totals, countersPerWrite: perWrite, breakdown, verification, status: 'ok',
    };
  } finally {
    handle.close();
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
    const a = [], b = [];
    for (let i = 0; i < pairs; ++i) {
      const first = i % 2 === 0 ? [on, a] : [off, b];
      const second = i % 2 === 0 ? [off, b] : [on, a];
      for (const [h, xs] of [first, second]) {
        const s = await h.runSample();
        checkVerification(s);
        xs.push(s.writes / (s.elapsedNs * 1e-9));
      }
    }
    const mOn = median(a), mOff = median(b);
    return { case: spec.id, strategy: spec.strategy, keyDist: spec.keyDist, onOpsPerSec: mOn, offOpsPerSec: mOff, cost: 1 - mOn / mOff, on: a, off: b };
  } finally {
    on.close();
    off.close();
  }
}
