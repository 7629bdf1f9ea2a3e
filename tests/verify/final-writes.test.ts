/**
 * The ordering promise's rule (kernels/include/writeprof/order.h) as verify.h's FinalWrites applies
 * it in one backward pass, against the rule's definition evaluated pair by pair: write a of a key is
 * followed by write b of the same key when one submitter makes both, a first, in different
 * submissions or in the same ordered run of one submission; a key may end with any write of it
 * that nothing follows. Worked examples first, then random streams, submitter splits, batches and
 * runs, all through a test-only driver (tests/verify/native/final_writes.cc).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/stats/rng.js';
import { ROOT } from '../cli/helpers.js';

interface Cut {
  submitters: number;
  batch: number;
  /** writes per ordered run inside a submission; 0: the whole submission */
  run: number;
}

let driver = '';
beforeAll(() => {
  driver = join(mkdtempSync(join(tmpdir(), 'wp-final-')), 'final_writes');
  execFileSync('g++', ['-std=c++20', '-O1', '-Ikernels/include', 'tests/verify/native/final_writes.cc', '-o', driver], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
});

/** Per case: the legal writes as 0/1, and the distinct keys FinalWrites found. */
function native(cases: { keys: number[]; cut: Cut }[]): { legal: string; distinct: number }[] {
  const input = cases.map(({ keys, cut }) => [cut.submitters, cut.batch, cut.run, ...keys].join(' ')).join('\n') + '\n';
  const r = spawnSync(driver, [], { input, encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const [legal, distinct] = l.split(' ');
      return { legal: legal ?? '', distinct: Number(distinct) };
    });
}

/** The rule, straight from its definition (quadratic: small streams only). */
function byDefinition(keys: number[], cut: Cut): string {
  const n = keys.length;
  const begin = (s: number) => Math.floor((n * s) / cut.submitters);
  const submitterOf = (i: number) => {
    let s = 0;
    while (begin(s + 1) <= i) s++;
    return s;
  };
  const submissionOf = (i: number) => {
    const b = begin(submitterOf(i));
    return b + Math.floor((i - b) / cut.batch) * cut.batch;
  };
  const runOf = (i: number) => {
    const sub = submissionOf(i);
    return cut.run === 0 ? sub : sub + Math.floor((i - sub) / cut.run) * cut.run;
  };
  const follows = (a: number, b: number) =>
    keys[a] === keys[b] && a < b && submitterOf(a) === submitterOf(b) && (submissionOf(a) !== submissionOf(b) || runOf(a) === runOf(b));
  return keys.map((_, a) => (keys.some((__, b) => follows(a, b)) ? '0' : '1')).join('');
}

describe('which writes a key may end with', () => {
  it.each([
    ['program order: an overwritten write is stale', [7, 8, 7], { submitters: 1, batch: 10, run: 0 }, '011'],
    ['a thread per write: a batch races, the next batch follows it', [7, 7, 7, 7], { submitters: 1, batch: 3, run: 1 }, '0001'],
    ['a thread per write: one batch, every write of a key may win', [7, 8, 7, 8], { submitters: 1, batch: 4, run: 1 }, '1111'],
    ['two threads: each one\'s last write may win', [7, 7, 7, 7], { submitters: 2, batch: 10, run: 0 }, '0101'],
    ['ordered runs of 2: stream order inside a run only', [7, 7, 7, 8], { submitters: 1, batch: 4, run: 2 }, '0111'],
    ['single mode: every write its own submission', [7, 8, 8, 7], { submitters: 1, batch: 1, run: 1 }, '0011'],
  ] as const)('%s', (_name, keys, cut, legal) => {
    expect(byDefinition([...keys], cut)).toBe(legal);
    expect(native([{ keys: [...keys], cut }])[0]).toEqual({ legal, distinct: new Set(keys).size });
  });

  it('agrees with the definition on 3,000 random streams, splits, batches and runs', () => {
    const rnd = mulberry32(20);
    const pick = (n: number) => Math.floor(rnd() * n);
    const cases = Array.from({ length: 3000 }, () => {
      const n = 1 + pick(60);
      const universe = 1 + pick(12);
      const keys = Array.from({ length: n }, () => pick(universe));
      const cut: Cut = { submitters: 1 + pick(4), batch: 1 + pick(12), run: [0, 1, 2, 3, 5, 32][pick(6)]! };
      return { keys, cut };
    });
    const got = native(cases);
    cases.forEach(({ keys, cut }, i) => {
      expect(got[i], JSON.stringify({ keys, cut })).toEqual({ legal: byDefinition(keys, cut), distinct: new Set(keys).size });
    });
  });
});
