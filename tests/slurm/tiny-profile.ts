/** A profile small enough for sweeps in tests (a second or so per shard): every mode, 6 shardable units. */
export const TINY_PROFILE = {
  name: 'tiny',
  description: 'Fleet tests: two strategies, small keys, a few samples, every mode.',
  measurement: { warmup: 0, minSamples: 2, maxSamples: 3, minTime: 0, maxTime: 0.05, maxNoise: 0 },
  defaults: { strategy: ['baseline', 'lock-free'], keyDist: 'uniform', loadFactor: 0.5, keys: 2000 },
  suites: [
    { mode: 'single', valueSize: [64, 256] },
    { mode: 'batch', valueSize: 64, batchSize: [100, 1000] },
    { mode: 'concurrent', valueSize: 64, batchSize: 100, threads: [1, 2] },
  ],
};
