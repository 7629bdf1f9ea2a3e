// The peer (libcuckoo) and the limit (memcpy bandwidth): build the C++ drivers, run them, parse
// their one-line JSON. Built into out/bench/ (node-gyp's `rebuild` wipes build/).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The peer is compiled with the optimisation and ISA flags the addon gets from binding.gyp, so
 * neither side has an instruction-set advantage (-march=native on one side only would be one).
 */
export function addonCompilerFlags(root) {
  const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8'));
  const flags = gyp.targets?.[0]?.cflags_cc ?? [];
  return flags.filter((f) => /^-(O\w*|m[\w=-]+|std=[\w+]+)$/.test(f));
}

const SOURCES = ['bench/peer/common.h', 'bench/peer/cuckoo_driver.cc', 'bench/peer/memcpy_bw.cc'];

/** Compile both drivers unless their sources, the shared headers and the flags are unchanged. */
export function buildPeers(root, log) {
  if (!existsSync('/usr/include/libcuckoo/cuckoohash_map.hh')) {
    throw new Error('libcuckoo headers missing (/usr/include/libcuckoo); `make bench` installs libcuckoo-dev');
  }
  const outDir = join(root, 'out', 'bench');
  mkdirSync(outDir, { recursive: true });
  const flags = [...addonCompilerFlags(root), '-pthread', `-I${join(root, 'kernels', 'include')}`];
  if (!flags.some((f) => f.startsWith('-std='))) flags.unshift('-std=c++20');
  const hash = createHash('sha256').update(flags.join(' '));
  for (const s of SOURCES) hash.update(readFileSync(join(root, s)));
  for (const h of ['keystream.h', 'pattern.h', 'hash.h', 'layout.h', 'config.h'])
    hash.update(readFileSync(join(root, 'kernels', 'include', 'writeprof', h)));
  const digest = hash.digest('hex');
  const stamp = join(outDir, '.stamp');
  const bins = { cuckoo: join(outDir, 'cuckoo_driver'), memcpy: join(outDir, 'memcpy_bw') };
  const fresh = existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && existsSync(bins.cuckoo) && existsSync(bins.memcpy);
  if (!fresh) {
    for (const [name, src] of [['cuckoo', 'bench/peer/cuckoo_driver.cc'], ['memcpy', 'bench/peer/memcpy_bw.cc']]) {
      log(`compiling ${src}: g++ ${flags.join(' ')}`);
      const r = spawnSync('g++', [...flags, '-o', bins[name], join(root, src)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`g++ failed for ${src}:\n${r.stderr}`);
    }
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

/**
 * libcuckoo on the case's stream, both ways a user might store values (in the map, or an offset
 * into an arena like writeprof's); the faster one is the peer figure (the harder bar for us).
 */
export function measureCuckoo(bins, { valueSize, keys, threads, keyDist, loadFactor, seed, reps, values }) {
  const base = ['--value-size', valueSize, '--keys', keys, '--threads', threads, '--dist', keyDist,
    '--load-factor', loadFactor, '--seed', seed, '--reps', reps, '--values', values].map(String);
  // The inline store is a fixed-size byte struct per size: instantiated for powers of two only.
  const inlineOk = valueSize <= 8192 && (valueSize & (valueSize - 1)) === 0;
  const inline = inlineOk ? runJson(bins.cuckoo, [...base, '--store', 'inline']) : null;
  const arena = runJson(bins.cuckoo, [...base, '--store', 'arena']);
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
