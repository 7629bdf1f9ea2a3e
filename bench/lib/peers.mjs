// The peer (libcuckoo) and the limit (memcpy bandwidth). libcuckoo runs in process through the
// same Backend writeprof's `run --peer libcuckoo` uses (dist/backends/libcuckoo.js, native runner
// kernels/peers/cuckoo_runner.cc), so the bench and the CLI share one code path; memcpy is a small
// C++ probe built into out/bench/ (node-gyp's `rebuild` wipes build/).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The probe is compiled with the optimisation and ISA flags the addon gets from binding.gyp (the
 * libcuckoo peer is compiled into the addon itself, with those very flags).
 */
export function addonCompilerFlags(root) {
  const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8'));
  const flags = gyp.targets?.[0]?.cflags_cc ?? [];
  return flags.filter((f) => /^-(O\w*|m[\w=-]+|std=[\w+]+)$/.test(f));
}

const SOURCES = ['bench/peer/common.h', 'bench/peer/memcpy_bw.cc'];

/** Compile the memcpy probe unless its sources and flags are unchanged. */
export function buildPeers(root, log) {
  const outDir = join(root, 'out', 'bench');
  mkdirSync(outDir, { recursive: true });
  const flags = [...addonCompilerFlags(root), '-pthread', `-I${join(root, 'kernels', 'include')}`];
  if (!flags.some((f) => f.startsWith('-std='))) flags.unshift('-std=c++20');
  const hash = createHash('sha256').update(flags.join(' '));
  for (const s of SOURCES) hash.update(readFileSync(join(root, s)));
  const digest = hash.digest('hex');
  const stamp = join(outDir, '.stamp');
  const bins = { memcpy: join(outDir, 'memcpy_bw') };
  const fresh = existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && existsSync(bins.memcpy);
  if (!fresh) {
    log(`compiling bench/peer/memcpy_bw.cc: g++ ${flags.join(' ')}`);
    const r = spawnSync('g++', [...flags, '-o', bins.memcpy, join(root, 'bench/peer/memcpy_bw.cc')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`g++ failed for bench/peer/memcpy_bw.cc:\n${r.stderr}`);
    writeFileSync(stamp, digest);
  }
  return { ...bins, flags };
}

function runJson(bin, args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')}: ${(r.stderr || '').trim() || `exit ${r.status}`}`);
  return JSON.parse(r.stdout.trim());
}

export function measureMemcpy(bins, { threads, mibPerThread, reps }) {
  return runJson(bins.memcpy, ['--threads', threads, '--mib-per-thread', mibPerThread, '--reps', reps].map(String));
}

/** writeprof's libcuckoo backend (the same module `writeprof run --peer libcuckoo` loads). */
export async function loadCuckoo(root) {
  const file = join(root, 'dist', 'backends', 'libcuckoo.js');
  if (!existsSync(file)) throw new Error(`${file} missing: run \`make build\``);
  return import(pathToFileURL(file).href);
}

/** One store's samples of a cell, each verified (every distinct key present, its bytes intact). */
async function storeRun(cuckoo, spec, store, { seed, reps }) {
  const handle = cuckoo.createCuckooBackend(store).open(spec, { countConflicts: true, slowdownNs: 0, latencyEvery: 0, seed });
  const samples = [];
  let last;
  try {
    for (let rep = 0; rep <= reps; ++rep) {  // rep 0 is a warm-up: every page faulted in
      last = await handle.runSample();
      const v = last.verification;
      if (v.lost || v.stale || v.corrupted) throw new Error(`libcuckoo verification failed: lost ${v.lost}, stale ${v.stale}, corrupted ${v.corrupted} of ${v.distinct} keys`);
      if (rep > 0) samples.push(last.writes / (last.elapsedNs * 1e-9));
    }
  } finally {
    await handle.close();
  }
  const capacity = Number(/capacity (\d+) slots/.exec((last.notes ?? []).join(' '))?.[1] ?? NaN);
  const distinct = last.verification.distinct;
  return { store, samples, opsPerSec: medianOf(samples), distinct, capacity, effectiveLoad: distinct / capacity, verification: last.verification };
}

/**
 * libcuckoo on the cell's case (same stream, value bytes, submitter split and batches), both ways
 * a user might store values (in the map, or an offset into an arena like writeprof's); the faster
 * one is the peer figure (the harder bar for us).
 */
export async function measureCuckoo(cuckoo, caseId, { mode, valueSize, batchSize, keys, threads, keyDist, loadFactor, seed, reps }) {
  const axes = { strategy: 'peer', peer: 'libcuckoo', mode, valueSize, batchSize, threads, keyDist, loadFactor, keys };
  const spec = { id: caseId(axes), ...axes };
  // The inline store is a fixed-size byte struct per size: instantiated for powers of two only.
  const inlineOk = valueSize <= 4096 && (valueSize & (valueSize - 1)) === 0;
  const inline = inlineOk ? { valueSize, ...(await storeRun(cuckoo, spec, 'inline', { seed, reps })) } : null;
  const arena = { valueSize, ...(await storeRun(cuckoo, spec, 'arena', { seed, reps })) };
  const best = inline && inline.opsPerSec >= arena.opsPerSec ? inline : arena;
  return { valueSize, keys, threads, keyDist, inline, arena, best: { store: best.store, opsPerSec: best.opsPerSec } };
}

const medianOf = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** memcpy runs of one cell's rounds, pooled: the median over every repetition. */
export function poolMemcpy(runs) {
  const samples = runs.flatMap((r) => r.samples);
  const setSamples = runs.flatMap((r) => r.setSamples ?? []);
  return { ...runs[0], rounds: runs.length, reps: samples.length, samples, bytesPerSec: medianOf(samples), setSamples, setBytesPerSec: medianOf(setSamples) };
}

/** libcuckoo runs of one cell's rounds, pooled per store; the faster pooled median is the peer. */
export function poolPeer(runs) {
  const pool = (store) => {
    const xs = runs.map((r) => r[store]).filter(Boolean);
    if (xs.length === 0) return null;
    const samples = xs.flatMap((x) => x.samples);
    return { ...xs[0], rounds: xs.length, reps: samples.length, samples, opsPerSec: medianOf(samples), bytesPerSec: medianOf(samples) * xs[0].valueSize };
  };
  const inline = pool('inline');
  const arena = pool('arena');
  const best = inline && inline.opsPerSec >= arena.opsPerSec ? inline : arena;
  const { valueSize, keys, threads, keyDist } = runs[0];
  return { valueSize, keys, threads, keyDist, inline, arena, best: { store: best.store, opsPerSec: best.opsPerSec } };
}
