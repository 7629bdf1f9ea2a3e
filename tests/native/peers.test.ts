/**
 * The peers' native runners against real stores: a redis-server started and stopped here, and
 * libcuckoo in process. Same keys, value bytes and verification as the strategies; faults (server
 * killed mid-sample, a stopped server, maxmemory) end a sample with one clear line, never a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseHandle, NativeSample } from '../../src/backends/backend.js';
import { createCuckooBackend } from '../../src/backends/libcuckoo.js';
import { loadAddon, type NativeRedisTarget } from '../../src/backends/native.js';
import { createRedisBackend } from '../../src/backends/redis/backend.js';
import { startRedis, type TestRedis } from '../peers/redis-server.js';
import { clean, options, spec } from './helpers.js';

const PREFIX = 'wptest:';

function target(r: TestRedis, extra: Partial<NativeRedisTarget> = {}): NativeRedisTarget {
  return { host: '127.0.0.1', port: r.port, db: 0, user: '', password: '', prefix: PREFIX, timeoutMs: 5000, command: 'set', ...extra };
}

function peerSpec(peer: 'redis' | 'libcuckoo', axes: Parameters<typeof spec>[0] = {}) {
  return spec({ strategy: 'peer', peer, ...axes });
}

async function run(handle: CaseHandle, n: number): Promise<NativeSample[]> {
  const out: NativeSample[] = [];
  for (let i = 0; i < n; i++) out.push(await handle.runSample());
  return out;
}

function expectVerified(s: NativeSample, distinct: number): void {
  expect(s.verification).toEqual(clean(s.writes, distinct));
}

describe('redis peer (real redis-server)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const backend = () => createRedisBackend({ target: target(redis), warn: () => {} });

  it.each([
    ['single', { mode: 'single', batchSize: 1, keys: 500 }],
    ['batch pipeline', { mode: 'batch', batchSize: 100, keys: 3000 }],
    ['concurrent, 3 connections', { mode: 'concurrent', batchSize: 250, threads: 3, keys: 3000 }],
    ['zipf keys', { mode: 'batch', batchSize: 100, keys: 3000, keyDist: 'zipf:0.99' }],
  ] as const)('%s: writes every key, reads every distinct key back intact', async (_name, axes) => {
    const h = backend().open(peerSpec('redis', axes), { ...options, latencyEvery: axes.mode === 'single' ? 10 : 0 });
    try {
      const [a, b] = await run(h, 2);
      const distinct = a!.verification.distinct;
      if (axes.keyDist === undefined) expect(distinct).toBe(axes.keys);
      else expect(distinct).toBeLessThan(axes.keys);
      for (const s of [a!, b!]) {
        expectVerified(s, distinct);
        expect(s.writes).toBe(axes.keys);
        expect(s.elapsedNs).toBeGreaterThan(0);
        expect(Object.keys(s.phasesNs).sort()).toEqual(['roundtrip', 'stage']);
      }
      if (axes.mode === 'single') expect(a!.latencyNs!.length).toBe(axes.keys / 10);
      // The keys on the server are this case's, under the prefix: 8 key bytes after it.
      expect(Number(redis.cli(['DBSIZE']))).toBe(distinct);
      const ours = "local n = 0; for _, k in ipairs(redis.call('KEYS', '*')) do if string.sub(k, 1, #ARGV[1]) == ARGV[1] and #k == #ARGV[1] + 8 then n = n + 1 end end; return n";
      expect(Number(redis.cli(['EVAL', ours, '0', PREFIX]))).toBe(distinct);
    } finally {
      await h.close();
    }
    expect(Number(redis.cli(['DBSIZE']))).toBe(0); // close() deleted exactly what it wrote
  });

  it('MSET submissions verify like pipelined SETs', async () => {
    const b = createRedisBackend({ target: target(redis, { command: 'mset' }), warn: () => {} });
    const h = b.open(peerSpec('redis', { mode: 'batch', batchSize: 500, keys: 2000 }), options);
    try {
      const [s] = await run(h, 1);
      expectVerified(s!, 2000);
      expect(s!.notes).toEqual([expect.stringMatching(/one MSET per submission/)]);
    } finally {
      await h.close();
    }
  });

  it('writes a server evicts (maxmemory, allkeys-random) are counted as lost, not passed', async () => {
    const evicting = await startRedis(['--maxmemory', '2mb', '--maxmemory-policy', 'allkeys-random']);
    try {
      const b = createRedisBackend({ target: target(evicting), warn: () => {} });
      const h = b.open(peerSpec('redis', { mode: 'batch', batchSize: 1000, keys: 40_000, valueSize: 256 }), options);
      const [s] = await run(h, 1);
      await h.close();
      const v = s!.verification;
      expect(v.distinct).toBe(40_000);
      expect(v.lost).toBeGreaterThan(0);
      expect(v.corrupted).toBe(0);
      expect(v.verified + v.lost).toBe(40_000);
    } finally {
      await evicting.stop();
    }
  });

  it('out of memory (maxmemory) is reported as such', async () => {
    const small = await startRedis(['--maxmemory', '1mb', '--maxmemory-policy', 'noeviction']);
    try {
      const b = createRedisBackend({ target: target(small), warn: () => {} });
      const h = b.open(peerSpec('redis', { mode: 'batch', batchSize: 1000, keys: 50_000, valueSize: 256 }), options);
      await expect(h.runSample()).rejects.toThrow(/SET refused, the server is out of memory \(maxmemory reached\): OOM command not allowed/);
      await h.close(); // deleting under OOM is allowed: nothing of ours is left
      expect(Number(small.cli(['DBSIZE']))).toBe(0);
    } finally {
      await small.stop();
    }
  });

  it('a server killed mid-sample fails the sample at once, with the reason', async () => {
    const doomed = await startRedis();
    try {
      const b = createRedisBackend({ target: target(doomed), warn: () => {} });
      const h = b.open(peerSpec('redis', { mode: 'single', batchSize: 1, keys: 200_000 }), options);
      const pending = h.runSample();
      // A sample of 200,000 round trips is still in flight when the kill lands, in whichever of its
      // phases (reset, writes, read-back): the promise is the same in each.
      let killedAt = 0;
      setTimeout(() => {
        killedAt = Date.now();
        doomed.child.kill('SIGKILL');
      }, 150);
      const failed = await pending.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failed, 'the sample completed although its server was killed').toBeInstanceOf(Error);
      // The message names the server, the Redis command in flight and how the connection was lost.
      expect((failed as Error).message).toMatch(
        new RegExp(`^case \\S+: redis 127\\.0\\.0\\.1:${doomed.port}: (SET|GET|UNLINK): (the server closed the connection|Connection reset by peer|Broken pipe)$`),
      );
      expect(killedAt).toBeGreaterThan(0);
      expect(Date.now() - killedAt).toBeLessThan(4000); // at once: not after a timeout
      await h.close(); // the keys cannot be deleted any more: close still returns
    } finally {
      await doomed.stop();
    }
  });

  it('a server that stops answering times out instead of hanging', async () => {
    const frozen = await startRedis();
    try {
      const b = createRedisBackend({ target: target(frozen, { timeoutMs: 400 }), warn: () => {} });
      const h = b.open(peerSpec('redis', { mode: 'batch', batchSize: 100, keys: 20_000 }), options);
      frozen.child.kill('SIGSTOP');
      const started = Date.now();
      await expect(h.runSample()).rejects.toThrow(/no reply within 400 ms \(timeout\)/);
      expect(Date.now() - started).toBeLessThan(3000);
      frozen.child.kill('SIGCONT');
      await h.close();
    } finally {
      await frozen.stop();
    }
  });

  it('an unreachable server is refused when the case opens, in one line', async () => {
    const gone = await startRedis();
    const port = gone.port;
    await gone.stop();
    const b = createRedisBackend({ target: { ...target(gone), port }, warn: () => {} });
    expect(() => b.open(peerSpec('redis'), options)).toThrow(/^case .*: redis 127\.0\.0\.1:\d+: cannot connect: Connection refused$/);
    await expect(loadAddon().redisInfo({ ...target(gone), port })).rejects.toThrow(/cannot connect: Connection refused/);
  });
});

describe('libcuckoo peer (in process)', () => {
  it.each([
    ['arena', 'batch', 1, 100],
    ['arena', 'concurrent', 2, 100],
    ['inline', 'batch', 1, 4096],
    ['arena', 'single', 1, 100],
  ] as const)('%s store, %s mode: every distinct key found intact', async (store, mode, threads, valueSize) => {
    const h = createCuckooBackend(store).open(peerSpec('libcuckoo', { mode, threads, valueSize, batchSize: mode === 'single' ? 1 : 256, keys: 3000 }), options);
    try {
      for (const s of await run(h, 2)) {
        expectVerified(s, 3000);
        expect(Object.keys(s.phasesNs).sort()).toEqual(['insert', 'stage']);
        expect(s.notes).toEqual([expect.stringMatching(new RegExp(`^libcuckoo: ${store} store, capacity \\d+ slots`))]);
      }
    } finally {
      await h.close();
    }
  });

  it('hot zipf keys: each distinct key once, found intact', async () => {
    const h = createCuckooBackend().open(peerSpec('libcuckoo', { mode: 'concurrent', threads: 2, keyDist: 'zipf:0.99', keys: 5000 }), options);
    const [s] = await run(h, 1);
    await h.close();
    expect(s!.verification.distinct).toBeLessThan(5000);
    expectVerified(s!, s!.verification.distinct);
  });

  it('the inline store refuses value sizes it has no layout for, naming the field', () => {
    expect(() => createCuckooBackend('inline').open(peerSpec('libcuckoo', { valueSize: 100 }), options)).toThrow(
      /valueSize: 100 is invalid for libcuckoo's inline store; allowed: 8, 16, 32, \.\.\., 4096/,
    );
  });

  it('a peer case needs its peer settings; a strategy case refuses them', () => {
    const addon = loadAddon();
    const base = { mode: 'batch', valueSize: 64, batchSize: 10, threads: 1, keys: 10, loadFactor: 0.5, dist: 'uniform', zipfTheta: 0, seed: 1, countConflicts: true, slowdownNs: 0, latencyEvery: 0, arenaLimitBytes: 1e9 } as const;
    expect(() => new addon.Case({ ...base, backend: 'libcuckoo', strategy: 'baseline', peer: { store: 'arena' } })).toThrow(/strategy: "baseline" is invalid; allowed: peer/);
    expect(() => new addon.Case({ ...base, backend: 'cpu', strategy: 'baseline', peer: { store: 'arena' } })).toThrow(/peer: allowed only with a peer backend/);
    expect(() => new addon.Case({ ...base, backend: 'redis', strategy: 'peer', peer: { store: 'arena' } })).toThrow(/store: unknown field/);
    const pw = 'x'.repeat(5000);
    const redisPeer = { host: '127.0.0.1', port: 1, db: 0, user: '', password: pw, prefix: '', timeoutMs: 10, command: 'set' };
    expect(() => new addon.Case({ ...base, backend: 'redis', strategy: 'peer', peer: redisPeer })).toThrow(/^password: the value is invalid; allowed: a string of at most 4096 bytes$/);
  });
});
