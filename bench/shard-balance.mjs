#!/usr/bin/env node
// How well `--shard i/n` balances a sweep. Runs every shard of a profile one after the
// other on this machine (as a fleet's nodes would run them side by side), and prints per shard
// the cost model's estimate, the wall time of `writeprof run --shard` and the measured (timed)
// seconds of its samples; then, from those per-case measurements, the spread of the shards cut
// by the cost model against a split into equal case counts in plan order.
//   node bench/shard-balance.mjs [--profile validation] [--shards 4] [--backend cpu]
// Needs `make build`. Results go to a temporary directory; nothing under reports/ is written.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readResults } from '../dist/results/file.js';
import { loadProfile } from '../dist/profile/load.js';
import { expandCases } from '../dist/profile/plan.js';
import { layoutShards } from '../dist/profile/shard.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = { profile: 'validation', shards: 4, backend: 'cpu' };
for (let i = 2; i < process.argv.length; i += 2) {
  const [flag, value] = [process.argv[i], process.argv[i + 1]];
  if (value === undefined || !['--profile', '--shards', '--backend'].includes(flag)) {
    process.stderr.write(`shard-balance: ${JSON.stringify(flag)} is invalid; allowed: --profile <name|file>, --shards <n>, --backend <cpu|cuda|auto>\n`);
    process.exit(2);
  }
  args[flag.slice(2)] = flag === '--shards' ? Number(value) : value;
}

const profile = loadProfile(args.profile);
const specs = expandCases(profile.suites);
const layout = layoutShards(specs, profile.measurement, args.shards);
const dir = mkdtempSync(join(tmpdir(), 'wp-shard-balance-'));
/** Seconds inside the timed region of a case: keys writes per sample at each sample's ops/s. */
const timed = (c) => c.samples.reduce((a, ops) => a + c.keys / ops, 0);

const measured = new Map();
const rows = [];
for (const s of layout.shards) {
  const out = join(dir, `shard-${s.index}.json`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'writeprof'), 'run', '--profile', args.profile, '--backend', args.backend, '--shard', `${s.index}/${args.shards}`, '--output', out, '--quiet', '--format', 'json'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    process.stderr.write(`shard-balance: shard ${s.index} exited ${r.status}\n`);
    process.exit(1);
  }
  const doc = readResults(out);
  for (const c of doc.cases) measured.set(c.id, timed(c));
  rows.push({ shard: `${s.index}/${args.shards}`, cases: s.cases.length, estimated: s.cost, wall, timed: doc.cases.reduce((a, c) => a + timed(c), 0) });
}
rmSync(dir, { recursive: true, force: true });

const spread = (xs) => Math.max(...xs) / (xs.reduce((a, b) => a + b, 0) / xs.length);
const pad = (s, n) => String(s).padStart(n);
console.log(`profile ${profile.name}: ${specs.length} cases in ${args.shards} shards, backend ${args.backend}`);
console.log(`${pad('shard', 6)} ${pad('cases', 6)} ${pad('estimated s', 12)} ${pad('wall s', 8)} ${pad('timed s', 8)}`);
for (const r of rows) console.log(`${pad(r.shard, 6)} ${pad(r.cases, 6)} ${pad(r.estimated.toFixed(1), 12)} ${pad(r.wall.toFixed(1), 8)} ${pad(r.timed.toFixed(2), 8)}`);

// The same cases cut into equal counts in plan order (what a split by count would do).
const byCount = Array.from({ length: args.shards }, (_, i) => {
  const lo = Math.floor((i * specs.length) / args.shards);
  const hi = Math.floor(((i + 1) * specs.length) / args.shards);
  return specs.slice(lo, hi).reduce((a, c) => a + measured.get(c.id), 0);
});
console.log(`max/mean of the shards (1.00 = perfect balance):`);
console.log(`  cost model, wall time:        ${spread(rows.map((r) => r.wall)).toFixed(2)}`);
console.log(`  cost model, timed seconds:    ${spread(rows.map((r) => r.timed)).toFixed(2)}`);
console.log(`  equal counts, timed seconds:  ${spread(byCount).toFixed(2)}  (same per-case measurements, cut by count)`);
console.log(`  model's own estimate:         ${spread(layout.shards.map((s) => s.cost)).toFixed(2)}`);
