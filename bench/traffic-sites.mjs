#!/usr/bin/env node
// Where each strategy's device-memory bytes go: every strategy's batch writes at 8, 64, 256 and
// 4096 B (one sample each, counted on the emulator's instrumented build, seed 1), with bytes moved
// per write, sectors per request, atomics and shared-memory bank conflicts per write and the
// bandwidth bound of a named GPU (a model), then per strategy the call sites (file:line) that move
// the most sectors per write. Counts, not timings: the same on any machine.
//   node bench/traffic-sites.mjs [--mode batch|single] [--key-dist uniform|zipf:0.99] [--update-share 0.25]
//     [--value-size 64] [--keys 20000] [--batch-size 1000] [--gpu-model h100-sxm] [--top 8]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { STRATEGIES } = await import(join(root, 'dist/model.js'));
const { countTrafficOnEmulator } = await import(join(root, 'dist/backends/traffic.js'));
const { loadCheckAddon } = await import(join(root, 'dist/backends/native.js'));
const { memoryOf, boundOf, hostLinkBytesPerWrite } = await import(join(root, 'dist/results/memory.js'));
const { resolveSites } = await import(join(root, 'dist/check/sites.js'));
const { verificationFailed, verificationText } = await import(join(root, 'dist/results/verification.js'));
const { gpuModel, GPU_MODEL_IDS } = await import(join(root, 'dist/results/gpu-models.js'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const sizes = arg('--value-size', '8,64,256,4096').split(',').map(Number);
const keys = Number(arg('--keys', '20000'));
const batchSize = Number(arg('--batch-size', '1000'));
const top = Number(arg('--top', '8'));
const mode = arg('--mode', 'batch');
const keyDist = arg('--key-dist', 'uniform');
// writeprof run's default: a quarter of a uniform stream's writes repeat an earlier key.
const updateShare = keyDist === 'uniform' ? Number(arg('--update-share', '0.25')) : undefined;
const model = gpuModel(arg('--gpu-model', 'h100-sxm'));
if (!model) {
  console.error(`--gpu-model: one of ${GPU_MODEL_IDS.join(', ')}`);
  process.exit(2);
}
const options = { countConflicts: true, slowdownNs: 0, latencyEvery: 0, seed: 42 };
const emulator = { seed: 1, workers: 1, timeoutSec: 30 };

const results = [];
for (const valueSize of sizes) {
  for (const strategy of STRATEGIES) {
    const spec = { id: `${strategy}/v${valueSize}`, strategy, mode, valueSize, batchSize: mode === 'single' ? 1 : batchSize, threads: 1, keyDist, updateShare, loadFactor: 0.5, keys };
    const t = await countTrafficOnEmulator(spec, options, emulator);
    if (verificationFailed(t.verification)) throw new Error(`${spec.id}: ${verificationText(t.verification)}: its counts are not the strategy's`);
    results.push({ spec, raw: t.traffic, memory: memoryOf(t.traffic, t.writes, valueSize, 'count', emulator.seed), writes: t.writes });
  }
}

const pad = (s, n) => String(s).padStart(n);
const fix = (x, d) => x.toFixed(d);
const rate = (x) => (x >= 1e9 ? `${fix(x / 1e9, 2)}G` : x >= 1e6 ? `${fix(x / 1e6, 1)}M` : `${fix(x / 1e3, 0)}k`);
const batchText = mode === 'single' ? 'one key per submission' : `batch ${batchSize}`;
console.log(`${mode} writes, ${keys} keys, ${batchText}, ${keyDist} keys${updateShare ? ` (${updateShare * 100}% updates)` : ''}, load factor 0.5, emulator seed ${emulator.seed} (counted, not timed)`);
console.log(`bound (model): writes/s <= ${model.name} DRAM ${fix(model.dramBytesPerSec / 1e12, 2)} TB/s / B moved, and ${model.hostLink} ${fix(model.hostLinkBytesPerSec / 1e9, 1)} GB/s one way / host-link B per write`);
const head = ['value', 'strategy', 'B moved/wr', 'sect/req', 'ld s/req', 'st s/req', 'key+val/moved', 'atomics/wr', 'CAS/wr', 'shm req/wr', 'bank confl/wr', 'lanes/req', 'link B/wr', 'DRAM wr/s', 'bound (model)'];
const widths = [6, 14, 11, 9, 9, 9, 14, 11, 8, 11, 14, 10, 10, 10, 18];
const row = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : pad(c, widths[i]))).join(' ');
console.log(row(head));
for (const r of results) {
  const m = r.memory;
  const p = m.perWrite;
  const b = boundOf(m, model);
  console.log(
    row([
      r.spec.valueSize, r.spec.strategy, fix(p.globalBytes, 1), fix(m.sectorsPerRequest, 2), fix(m.loadSectorsPerRequest, 2), fix(m.storeSectorsPerRequest, 2),
      fix(m.trafficEfficiency * 100, 1) + '%', fix(p.atomics, 3), fix(p.atomicsByOp.CAS ?? 0, 3), fix(p.sharedRequests, 3), fix(p.sharedBankConflicts, 3),
      fix(m.meanActiveLanes, 1), fix(hostLinkBytesPerWrite(m), 1), rate(b.dramWritesPerSec), `${rate(b.writesPerSec)} (${b.limit})`,
    ]),
  );
}

const module = loadCheckAddon().checkInfo().module;
const placed = resolveSites(module, results.flatMap((r) => r.raw.kernels.flatMap((k) => k.sites.map((s) => s.pc))), root);
for (const r of results) {
  const sites = r.raw.kernels.flatMap((k) => k.sites).filter((s) => s.space === 'global');
  // The same line may hold several instructions (inlined copies, unrolled iterations): fold them.
  const byLine = new Map();
  for (const s of sites) {
    const p = placed.get(s.pc);
    const where = p ? `${p.file}:${p.line} (${s.access})` : `pc 0x${s.pc.toString(16)} (${s.access})`;
    const acc = byLine.get(where) ?? { requests: 0, sectors: 0 };
    acc.requests += s.requests;
    acc.sectors += s.sectors;
    byLine.set(where, acc);
  }
  const rows = [...byLine.entries()].sort((a, b) => b[1].sectors - a[1].sectors).slice(0, top);
  console.log(`\n${r.spec.strategy} ${r.spec.valueSize} B: ${r.memory.perWrite.globalBytes.toFixed(1)} B/write; top global sites (sectors/write, sectors/request)`);
  for (const [where, a] of rows) console.log(`  ${pad((a.sectors / r.writes).toFixed(3), 8)} ${pad((a.sectors / a.requests).toFixed(1), 5)}  ${where}`);
}
