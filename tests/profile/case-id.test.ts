/** Case ids read back into their axes: built-in strategies, peers, and a strategy file's names. */
import { describe, expect, it } from 'vitest';
import { parseCaseId } from '../../src/model.js';

describe('parseCaseId', () => {
  it('reads a built-in strategy\'s, a peer\'s and a strategy file\'s case ids', () => {
    expect(parseCaseId('batch/lock-free/v64/b1000/t1/uniform/u0.25/lf0.5/k5000')).toMatchObject({ mode: 'batch', strategy: 'lock-free', valueSize: 64, batchSize: 1000, threads: 1, loadFactor: 0.5, keys: 5000 });
    expect(parseCaseId('batch/redis/v64/b1000/t1/uniform/u0.25/lf0.5/k5000')).toMatchObject({ strategy: 'peer', peer: 'redis' });
    // names a strategy file may take: digits and underscores after the first letter
    expect(parseCaseId('single/coop4_cas/v16/b1/t1/zipf:0.99/u0.25/lf0.9/k2000')).toMatchObject({ mode: 'single', strategy: 'coop4_cas', valueSize: 16, loadFactor: 0.9 });
    expect(parseCaseId('concurrent/coop4-cas/v64/b100/t8/uniform/u0.25/lf0.5/k600')).toMatchObject({ strategy: 'coop4-cas', threads: 8 });
  });

  it('refuses what no strategy may be named', () => {
    expect(parseCaseId('batch/user/v64/b1000/t1/uniform/u0.25/lf0.5/k5000')).toBeUndefined();
    expect(parseCaseId('batch/4cas/v64/b1000/t1/uniform/u0.25/lf0.5/k5000')).toBeUndefined();
    expect(parseCaseId('batch/Mine/v64/b1000/t1/uniform/u0.25/lf0.5/k5000')).toBeUndefined();
  });
});
