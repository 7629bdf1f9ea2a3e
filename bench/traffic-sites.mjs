#!/usr/bin/env node
// Where each strategy's device-memory bytes go: every strategy's batch writes at 8, 64, 256 and
// 4096 B (one sample each, counted on the emulator's instrumented build, seed 1), with bytes moved
// per write and sectors per request, then per strategy the call sites (file:line) that move the
// most sectors per write. Counts, not timings: the same on any machine.
//   node bench/traffic-sites.mjs [--value-size 64] [--keys 20000] [--batch-size 1000] [--top 8]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { STRATEGIES } = await import(join(root, 'dist/model.js'));
const { countTrafficOnEmulator } = await import(join(root, 'dist/backends/traffic.js'));
const { loadCheckAddon } = await import(join(root, 'dist/backends/native.js'));
const { memoryOf } = await import(join(root, 'dist/results/memory.js'));
const { resolveSites } = await import(join(root, 'dist/check/sites.js'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const sizes = arg('--value-size', '8,64,256,4096').split(',').map(Number);
const keys = Number(arg('--keys', '20000'));
const batchSize = Number(arg('--batch-size', '1000'));
const top = Number(arg('--top', '8'));
const options = { countConflicts: true, slowdownNs: 0, latencyEvery: 0, seed: 42 };
const emulator = { seed: 1, workers: 1, timeoutSec: 30 };

const results = [];
for (const valueSize of sizes) {
  for (const strategy of STRATEGIES) {
    const spec = { id: `${strategy}/v${valueSize}`, strategy, mode: 'batch', valueSize, batchSize, threads: 1, keyDist: 'uniform', loadFactor: 0.5, keys };
    const t = await countTrafficOnEmulator(spec, options, emulator);
    results.push({ spec, raw: t.traffic, memory: memoryOf(t.traffic, t.writes, valueSize, 'count', emulator.seed), writes: t.writes });
  }
}

const pad = (s, n) => String(s).padStart(n);
console.log(`batch writes, ${keys} keys, batch ${batchSize}, uniform keys, load factor 0.5, emulator seed ${emulator.seed} (counted, not timed)`);
console.log(`${'value'.padEnd(6)} ${'strategy'.padEnd(14)} ${pad('B moved/write', 14)} ${pad('sectors/req', 12)} ${pad('ld sect/req', 12)} ${pad('st sect/req', 12)} ${pad('key+val/moved', 14)}`);
for (const r of results) {
  const m = r.memory;
  console.log(
    `${String(r.spec.valueSize).padEnd(6)} ${r.spec.strategy.padEnd(14)} ${pad(m.perWrite.globalBytes.toFixed(1), 14)} ${pad(m.sectorsPerRequest.toFixed(2), 12)} ` +
      `${pad(m.loadSectorsPerRequest.toFixed(2), 12)} ${pad(m.storeSectorsPerRequest.toFixed(2), 12)} ${pad((m.trafficEfficiency * 100).toFixed(1) + '%', 14)}`,
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
