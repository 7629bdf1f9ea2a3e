/** Peer cases in the sweep plan, and the peer flags of `writeprof run`. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { caseId, type CaseSpec, type Strategy } from '../../src/model.js';
import { parsePeerFlags } from '../../src/commands/run-peers.js';
import { planPeerCases } from '../../src/profile/peer-cases.js';

function spec(strategy: Strategy, batchSize: number): CaseSpec {
  const c = { strategy, mode: 'batch' as const, valueSize: 64, batchSize, threads: 1, keyDist: 'uniform', loadFactor: 0.5, keys: 1000 };
  return { id: caseId(c), ...c };
}

const SPECS = [spec('baseline', 100), spec('mem-opt', 100), spec('baseline', 1000), spec('mem-opt', 1000)];

describe('planPeerCases', () => {
  it('--peer: each peer right after the strategies of its point, once', () => {
    const ids = planPeerCases(SPECS, 'cpu', ['redis', 'libcuckoo']).map((s) => s.id);
    expect(ids).toEqual([
      'batch/baseline/v64/b100/t1/uniform/lf0.5/k1000',
      'batch/mem-opt/v64/b100/t1/uniform/lf0.5/k1000',
      'batch/redis/v64/b100/t1/uniform/lf0.5/k1000',
      'batch/libcuckoo/v64/b100/t1/uniform/lf0.5/k1000',
      'batch/baseline/v64/b1000/t1/uniform/lf0.5/k1000',
      'batch/mem-opt/v64/b1000/t1/uniform/lf0.5/k1000',
      'batch/redis/v64/b1000/t1/uniform/lf0.5/k1000',
      'batch/libcuckoo/v64/b1000/t1/uniform/lf0.5/k1000',
    ]);
    const redis = planPeerCases(SPECS, 'cpu', ['redis']).find((s) => s.peer === 'redis')!;
    expect(redis).toMatchObject({ strategy: 'peer', peer: 'redis', batchSize: 100, keys: 1000 });
  });

  it('--backend <peer>: one case per point, strategy "peer"; other --peer peers after it', () => {
    const plan = planPeerCases(SPECS, 'redis', ['libcuckoo', 'redis']);
    expect(plan.map((s) => `${s.strategy}:${s.peer}:${s.batchSize}`)).toEqual(['peer:redis:100', 'peer:libcuckoo:100', 'peer:redis:1000', 'peer:libcuckoo:1000']);
  });

  it('no peers: the plan is unchanged', () => {
    expect(planPeerCases(SPECS, 'auto', [])).toEqual(SPECS);
  });
});

describe('parsePeerFlags', () => {
  it('parses the list and the Redis settings', () => {
    expect(parsePeerFlags({ peer: 'redis,libcuckoo,redis', redisCommand: 'mset', redisPersistence: 'aof' }, 'cpu')).toEqual({
      peers: ['redis', 'libcuckoo'],
      redisPersistence: 'aof',
      redisCommand: 'mset',
      redisTimeoutMs: 10_000,
    });
    expect(parsePeerFlags({ redisUrl: 'redis://:pw@127.0.0.1:6390/1' }, 'redis').redisEndpoint).toEqual({ host: '127.0.0.1', port: 6390, db: 1, user: '', password: 'pw' });
    expect(parsePeerFlags({ peer: 'redis' }, 'redis').peers).toEqual([]);
  });

  it.each([
    [{ peer: 'memcached' }, 'cpu', '--peer: "memcached" is invalid; allowed: redis, libcuckoo'],
    [{ redisUrl: 'redis://h:1' }, 'cpu', '--redis-url: this run measures no Redis; add --peer redis (or --backend redis)'],
    [{ redisCommand: 'mset', peer: 'libcuckoo' }, 'cpu', '--redis-command: this run measures no Redis'],
    [{ redisPersistence: 'rdb', peer: 'redis' }, 'cpu', '--redis-persistence: "rdb" is invalid; allowed: none, aof'],
    [{ redisPersistence: 'aof', redisUrl: 'redis://h:1' }, 'redis', '--redis-persistence: applies to the redis-server writeprof starts'],
    [{ strategy: 'mem-opt' }, 'libcuckoo', '--strategy: the libcuckoo backend is a peer and has no strategies'],
  ] as const)('refuses %o with --backend %s', (o, backend, msg) => {
    expect(() => parsePeerFlags(o, backend)).toThrow(UsageError);
    expect(() => parsePeerFlags(o, backend)).toThrow(msg);
  });
});
