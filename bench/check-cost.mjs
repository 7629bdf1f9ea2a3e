#!/usr/bin/env node
// What `writeprof check` costs: the CPU time of the check profile's cases (every kernel, both
// variants, one seed, one sample each) on the plain emulator (writeprof_emu.node) and on the
// instrumented one (writeprof_check.node) with each tool alone and with all of them. Each
// configuration runs in its own process, several rounds interleaved; the fastest round of each is
// kept, and the ratios to plain emulation are printed. CPU time, not wall time: the machine is
// shared, and a loaded core stretches wall time without adding work.
//   node bench/check-cost.mjs [--rounds 3] [--profile check]
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = ['memcheck', 'racecheck', 'initcheck', 'synccheck', 'weak'];
const CONFIGS = ['plain', ...TOOLS, 'all'];

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

// One configuration, in this process: prints {cpu, wall, runs} as JSON.
async function worker(config, profileName) {
  const { loadProfile } = await import(join(root, 'dist/profile/load.js'));
  const { expandCases } = await import(join(root, 'dist/profile/plan.js'));
  const { nativeCaseParams } = await import(join(root, 'dist/backends/native-backend.js'));
  const { loadEmuAddon, loadCheckAddon } = await import(join(root, 'dist/backends/native.js'));
  const specs = expandCases(loadProfile(profileName).suites);
  const addon = config === 'plain' ? loadEmuAddon() : loadCheckAddon();
  if (config !== 'plain') {
    addon.configureCheck(Object.fromEntries(TOOLS.map((t) => [t, config === 'all' || config === t])));
  }
  const t0 = process.cpuUsage(), w0 = performance.now();
  let runs = 0;
  for (const spec of specs) {
    for (const count of [true, false]) {
      const params = { ...nativeCaseParams('cuda-emu', spec, { countConflicts: count, slowdownNs: 0, latencyEvery: 0, seed: 42 }), emuSeed: 1, emuWorkers: 1, emuTimeoutSec: 30 };
      const c = new addon.Case(params);
      try {
        const s = await c.runSample();
        if (s.verification.lost + s.verification.corrupted) throw new Error(`${spec.id}: lost writes`);
      } finally {
        c.close();
      }
      if (config !== 'plain') addon.takeFindings();
      runs++;
    }
  }
  const u = process.cpuUsage(t0);
  process.stdout.write(JSON.stringify({ cpu: (u.user + u.system) / 1e6, wall: (performance.now() - w0) / 1000, runs }) + '\n');
}

async function main() {
  const profile = arg('--profile', 'check');
  if (process.argv[2] === '--worker') return worker(process.argv[3], profile);
  const rounds = Number(arg('--rounds', '3'));
  const best = Object.fromEntries(CONFIGS.map((c) => [c, { cpu: Infinity, wall: Infinity, runs: 0 }]));
  const loads = [loadavg()[0]];
  for (let r = 0; r < rounds; r++) {
    for (const config of CONFIGS) {
      const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--worker', config, '--profile', profile], { encoding: 'utf8', cwd: root });
      if (p.status !== 0) throw new Error(`${config}: ${p.stderr.trim().split('\n').slice(-3).join(' ')}`);
      const m = JSON.parse(p.stdout.trim().split('\n').pop());
      if (m.cpu < best[config].cpu) best[config] = m;
      process.stderr.write(`round ${r + 1}/${rounds} ${config}: ${m.cpu.toFixed(2)} s CPU\n`);
    }
    loads.push(loadavg()[0]);
  }
  const base = best.plain.cpu;
  const lines = [
    `check cost: profile ${profile}, ${best.plain.runs} runs (every case in both kernel variants, seed 1, 1 worker), fastest of ${rounds} rounds`,
    `load average (1 min) during the runs: ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${(await import('node:os')).cpus().length} cores`,
    'configuration   CPU s   x plain',
    ...CONFIGS.map((c) => `${c.padEnd(14)} ${best[c].cpu.toFixed(2).padStart(6)}   ${(best[c].cpu / base).toFixed(1).padStart(6)}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`check-cost: ${err.message}\n`);
  process.exit(1);
});
