// What `make bench` measures: five strategies x {batch, concurrent} x four value sizes,
// 2 threads, batch 10,000, uniform keys at load factor 0.5, plus a zipf 0.99 hot-key case.
export const STRATEGIES = ['baseline', 'warp-coop', 'lock-free', 'mem-opt', 'write-combine'];
export const VALUE_SIZES = [64, 256, 1024, 4096];
export const HOT_DIST = 'zipf:0.99';

/**
 * Writes per sample by value size: each sample writes 64-256 MiB of values, so the table and
 * arena outgrow the private caches and a sample lasts long enough (tens of ms) to time well.
 */
const KEYS = { 64: 1_000_000, 256: 1_000_000, 1024: 262_144, 4096: 65_536 };

export function benchConfig({ quick = false } = {}) {
  const scale = quick ? 16 : 1;
  return {
    threads: 2,
    batchSize: 10_000,
    loadFactor: 0.5,
    seed: 42,
    keysBySize: Object.fromEntries(VALUE_SIZES.map((v) => [v, Math.max(10_000, Math.floor(KEYS[v] / scale))])),
    warmup: 1,
    // Per cell: `rounds` x (memcpy, libcuckoo, each strategy), samples pooled per side.
    rounds: quick ? 2 : 3,
    samplesPerRound: quick ? 2 : 3,
    peerReps: quick ? 2 : 3,
    memcpy: { mibPerThread: quick ? 64 : 256, reps: quick ? 2 : 3 },
    // Counters on vs off: adjacent on/off pairs per strategy, over freshly opened case pairs.
    counterPairs: quick ? 2 : 15,
    counterReopen: quick ? 2 : 5,
    overheadSamples: quick ? 5 : 15,
  };
}

/** The rows: every (mode, valueSize, dist) cell times every strategy. */
export function benchCells(cfg) {
  const cells = [];
  for (const mode of ['batch', 'concurrent'])
    for (const valueSize of VALUE_SIZES) cells.push({ mode, valueSize, keyDist: 'uniform' });
  for (const mode of ['batch', 'concurrent']) cells.push({ mode, valueSize: 64, keyDist: HOT_DIST });
  return cells.map((c) => ({
    ...c,
    threads: c.mode === 'concurrent' ? cfg.threads : 1,
    batchSize: cfg.batchSize,
    loadFactor: cfg.loadFactor,
    keys: cfg.keysBySize[c.valueSize],
  }));
}
