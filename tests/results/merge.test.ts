import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { splitByDevice } from '../../src/results/devices.js';
import { mergeResults, missingShards } from '../../src/results/merge.js';
import { resultsSchema } from '../../src/results/schema.js';
import { gpu, interrupted, QUICK_PLAN, QUICK_RUN, QUICK_SPECS, shardDocs } from './fleet-docs.js';

const planIds = QUICK_SPECS.map((s) => s.id);

describe('merge of one device\'s shards', () => {
  it('gives back the whole plan, in plan order, each case with the environment it ran in', () => {
    const inputs = shardDocs(4);
    // Two hosts with the same CPU: one device, two hosts.
    for (const i of [2, 3]) inputs[i]!.doc.environment = { ...inputs[i]!.doc.environment, host: 'node-b' };
    const o = mergeResults([...inputs].reverse(), new Date('2026-01-02T03:04:05Z'));
    expect(o.complete).toBe(true);
    expect(o.missing).toEqual([]);
    expect(o.doc.cases.map((c) => c.id)).toEqual(planIds);
    expect(o.doc.partial).toBeUndefined();
    expect(o.doc.shard).toBeUndefined();
    expect(o.doc.plan).toEqual(QUICK_PLAN);
    expect(o.doc.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(o.devices).toEqual([{ label: `${QUICK_RUN.environment.cpu} (cpu)`, hosts: ['node-b', 'vm'], cases: planIds.length }]);
    const byId = new Map(o.doc.cases.map((c) => [c.id, c]));
    for (const { doc } of inputs) for (const c of doc.cases) expect(byId.get(c.id)!.environment!.host).toBe(doc.environment.host);
    // Figures pass through untouched.
    expect(o.doc.cases.map((c) => c.opsPerSec)).toEqual(QUICK_RUN.cases.map((c) => c.opsPerSec));
    expect(o.doc.merged!.inputs.map((i) => i.shard)).toEqual(['4/4', '3/4', '2/4', '1/4']);
    expect(resultsSchema.safeParse(o.doc).success).toBe(true);
    expect(splitByDevice(o.doc)).toHaveLength(1);
  });

  it('names a missing shard and its cases, and marks what it writes partial', () => {
    const inputs = shardDocs(4);
    const absent = inputs[1]!;
    const o = mergeResults(inputs.filter((i) => i !== absent));
    expect(o.complete).toBe(false);
    expect(o.missing).toEqual([{ device: `${QUICK_RUN.environment.cpu} (cpu)`, shard: 2, cases: absent.doc.cases.map((c) => c.id) }]);
    expect(missingShards(o)).toEqual([2]);
    expect(o.doc.partial).toBe(true);
    expect(o.doc.merged!.missing).toEqual(o.missing);
    expect(o.doc.cases).toHaveLength(planIds.length - absent.doc.cases.length);
  });

  it('counts an interrupted shard\'s finished cases, names the rest, and lets a complete re-run supersede it', () => {
    const inputs = shardDocs(3);
    const cut = interrupted(inputs[0]!, 2);
    const o = mergeResults([cut, inputs[1]!, inputs[2]!]);
    expect(missingShards(o)).toEqual([1]);
    expect(o.missing[0]!.cases).toEqual(inputs[0]!.doc.cases.slice(2).map((c) => c.id));

    const again = mergeResults([cut, ...inputs]);
    expect(again.complete).toBe(true);
    expect(again.duplicates).toEqual([]);
    expect(again.superseded).toEqual([{ file: cut.file, by: inputs[0]!.file, cases: 2 }]);
    // Order of the inputs does not matter.
    expect(mergeResults([...inputs, cut]).superseded).toEqual(again.superseded);
  });

  it('reports a case present twice (two complete runs of one shard) as a duplicate', () => {
    const inputs = shardDocs(2);
    const twice = { file: 'copy.json', doc: structuredClone(inputs[1]!.doc) };
    const o = mergeResults([...inputs, twice]);
    expect(o.complete).toBe(false);
    expect(o.duplicates).toHaveLength(twice.doc.cases.length);
    expect(o.duplicates[0]).toEqual({ device: `${QUICK_RUN.environment.cpu} (cpu)`, id: twice.doc.cases[0]!.id, files: [inputs[1]!.file, 'copy.json'] });
  });

  it('takes an unsharded run and earlier merges as inputs', () => {
    const whole = { file: 'whole.json', doc: mergeResults(shardDocs(2)).doc };
    expect(mergeResults([whole]).complete).toBe(true);
    const half = mergeResults(shardDocs(2).slice(0, 1)).doc;
    expect(mergeResults([{ file: 'half.json', doc: half }, shardDocs(2)[1]!]).complete).toBe(true);
  });
});

describe('merge refuses what is not one plan (exit 2)', () => {
  it('different plan digests', () => {
    const [a, b] = shardDocs(2);
    b!.doc.plan = { ...b!.doc.plan!, seed: 7, digest: 'f'.repeat(64) };
    expect(() => mergeResults([a!, b!])).toThrow(UsageError);
    expect(() => mergeResults([a!, b!])).toThrow(/shard-2-of-2.json: plan ffffffffffff differs from shard-1-of-2.json's plan [0-9a-f]{12}/);
  });

  it('different shard counts of one plan', () => {
    expect(() => mergeResults([...shardDocs(2), shardDocs(3, undefined, 'other')[0]!])).toThrow(/different shard counts \(2, 3\)/);
  });

  it('results without a plan (older writers, gate baselines)', () => {
    const { plan: _plan, ...bare } = QUICK_RUN;
    expect(() => mergeResults([{ file: 'old.json', doc: bare }])).toThrow(/old.json: no plan digest or profile recorded/);
  });

  it('a recorded profile that does not reproduce its digest', () => {
    const [a] = shardDocs(1);
    a!.doc.profile.suites![0]!.axes.keys = [999];
    expect(() => mergeResults([a!])).toThrow(/does not reproduce its plan digest/);
  });

  it('a case filed under the wrong shard', () => {
    const [a, b] = shardDocs(2);
    a!.doc.cases.push(b!.doc.cases.pop()!);
    expect(() => mergeResults([a!, b!])).toThrow(/shard-1-of-2.json: case .* belongs to shard 2\/2, not to this document's shard 1\/2/);
  });
});

describe('merge across devices', () => {
  const h100 = gpu('NVIDIA H100 80GB HBM3', 'h1');
  const a100 = gpu('NVIDIA A100-SXM4-80GB', 'a1');

  it('keeps the same plan on two kinds of device side by side, and is complete only when each has it all', () => {
    const inputs = [...shardDocs(3, h100, 'h100'), ...shardDocs(3, a100, 'a100')];
    const o = mergeResults(inputs);
    expect(o.complete).toBe(true);
    expect(o.devices.map((d) => d.label)).toEqual(['NVIDIA H100 80GB HBM3 (cuda)', 'NVIDIA A100-SXM4-80GB (cuda)']);
    expect(o.doc.cases).toHaveLength(2 * planIds.length);
    const parts = splitByDevice(o.doc);
    expect(parts.map((p) => p.doc.cases.map((c) => c.id))).toEqual([planIds, planIds]);
    expect(parts.map((p) => p.hosts)).toEqual([['h1'], ['a1']]);

    const gap = mergeResults(inputs.filter((i) => i.file !== 'a100-2-of-3.json'));
    expect(gap.missing.map((g) => [g.device, g.shard])).toEqual([['NVIDIA A100-SXM4-80GB (cuda)', 2]]);
  });

  it('a sweep whose shards landed on different kinds of device is incomplete on each (pin one kind per sweep)', () => {
    const inputs = shardDocs(2);
    inputs[0]!.doc.environment = h100;
    inputs[1]!.doc.environment = a100;
    const o = mergeResults(inputs);
    expect(o.missing.map((g) => [g.device, g.shard])).toEqual([
      ['NVIDIA H100 80GB HBM3 (cuda)', 2],
      ['NVIDIA A100-SXM4-80GB (cuda)', 1],
    ]);
  });
});
