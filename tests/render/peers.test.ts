/**
 * Peers in the story's tables: "vs peer" columns (with intervals), peer-only documents, peer
 * failures kept apart from the strategies', CSV columns, charts, and the minSpeedupOverPeer claim.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClaims } from '../../src/gates/claims.js';
import { evaluateClaim } from '../../src/gates/validate.js';
import { chartSpecs } from '../../src/render/charts.js';
import { renderCsv } from '../../src/render/csv.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { buildMatrix } from '../../src/render/matrix.js';
import { attachPeerSpeedups, bestOptimized } from '../../src/results/metrics.js';
import { renderTerminal } from '../../src/render/terminal.js';
import { resultsSchema, type ResultsDocument } from '../../src/results/schema.js';
import { addPeerCases, sampleCopy } from './helpers.js';

function build(): ResultsDocument {
  const doc = addPeerCases(addPeerCases(sampleCopy(), 'redis', 50), 'libcuckoo', 2);
  doc.environment.peers = { redis: { server: 'managed', version: '7.0.15', address: '127.0.0.1:40000' }, libcuckoo: { version: '0.3.1-2', store: 'arena' } };
  attachPeerSpeedups(doc.cases, 7);
  return resultsSchema.parse(doc);
}

let built: ResultsDocument | undefined;
/** The fixture with both peers beside every point (bootstrapped once; each test gets a copy). */
function withPeers(): ResultsDocument {
  built ??= build();
  return structuredClone(built);
}

function peerOnly(): ResultsDocument {
  const doc = withPeers();
  doc.cases = doc.cases.filter((c) => c.strategy === 'peer' && c.peer === 'redis');
  doc.environment.backend = 'redis';
  return doc;
}

describe('vs peer figures', () => {
  it('each strategy case carries its ratio over each peer of its point, with a bootstrap interval', () => {
    const doc = withPeers();
    const c = doc.cases.find((x) => x.id === 'batch/mem-opt/v4096/b1000/t1/uniform/lf0.5/k50000') ?? doc.cases.find((x) => x.mode === 'batch' && x.strategy === 'mem-opt')!;
    const redis = doc.cases.find((x) => x.peer === 'redis' && x.mode === 'batch' && x.batchSize === c.batchSize)!;
    expect(redis.id).toMatch(/^batch\/redis\/v4096\/b\d+\//);
    const vs = c.vsPeer!.redis!;
    expect(vs.value).toBeCloseTo(c.opsPerSec / redis.opsPerSec, 6);
    expect(vs.low).toBeLessThanOrEqual(vs.value);
    expect(vs.high).toBeGreaterThanOrEqual(vs.value);
    expect(c.vsPeer!.libcuckoo!.value).toBeCloseTo(c.opsPerSec / doc.cases.find((x) => x.peer === 'libcuckoo' && x.mode === 'batch' && x.batchSize === c.batchSize)!.opsPerSec, 6);
    expect(redis.vsPeer).toBeUndefined();
    expect(redis.speedup).toBeUndefined();
  });

  it('the matrix puts each peer beside every row, the best strategy over it, and never picks a peer as best', () => {
    const doc = withPeers();
    const m = buildMatrix(doc);
    expect(m.peers).toEqual(['redis', 'libcuckoo']);
    for (const t of [...m.single, ...m.batch]) {
      for (const r of t.rows) {
        expect(r.best?.strategy).not.toBe('peer');
        expect(r.peers.map((f) => f.peer)).toEqual(['redis', 'libcuckoo']);
        const redis = r.peers[0]!;
        expect(redis.vs!.value).toBeCloseTo(r.best!.opsPerSec / redis.measured!.opsPerSec, 6);
        expect(redis.vs!.value).toBeCloseTo(50, 0); // the fixture's peer is its point's fastest / 50
      }
    }
    const scaling = m.concurrent[0]!;
    expect(scaling.rows[0]!.peers[0]!.efficiency).toBeCloseTo(1, 9); // 1 thread: 100% by definition
    // Conflicts are a strategy figure: no peer rows. The breakdown names the peers.
    expect(m.conflicts.flatMap((t) => t.rows.map((r) => r.strategy))).not.toContain('peer');
    expect(m.breakdown.rows.filter((r) => r.strategy === 'peer').map((r) => r.label)).toContain('redis');
    expect(bestOptimized(doc.cases.filter((c) => c.mode === 'batch'))?.strategy).not.toBe('peer');
  });

  it('peers get a table of their own: each peer\'s rate, how it was reached, and "Optimized vs Redis" with the interval', async () => {
    const doc = withPeers();
    const text = renderTerminal(doc, { color: false });
    // Two-line heads: the peer and how it was reached; the optimized figure over it.
    const peersTable = text.slice(text.indexOf('Peers beside'), text.indexOf('Single-Write Latency'));
    expect(peersTable).toMatch(/│ Value Size │\s+Redis \(ops\/sec\) │\s+Optimized │ libcuckoo \(ops\/sec\) │\s+Optimized │/);
    expect(peersTable).toMatch(/│\s+vs Redis │\s+in process │\s+vs libcuckoo │/);
    expect(peersTable).toMatch(/loopback TCP, a round/);
    expect(text).toMatch(/Concurrent Write Performance — \S+ \(best total/);
    expect(text).toMatch(/50\.0× \(\d+\.\d–\d+\.\d\)/);
    // The strategies' own table keeps its five columns.
    expect(text).toMatch(/│ Batch Size │ Baseline \(ops\/sec\) │ Optimized \(ops\/sec\) │ Strategy\s+│\s+Speedup \(95% CI\) │\n/);
    const md = (await renderMarkdown(doc)).text;
    expect(md).toContain('| Batch Size | Baseline (ops/sec) | Optimized (ops/sec) | Speedup |\n');
    expect(md).toContain('| Batch Size | Redis (ops/sec; loopback TCP, pipelined N = batch) | Optimized vs Redis | libcuckoo (ops/sec; in process) | Optimized vs libcuckoo |');
    expect(md).toContain('Redis (ops/sec; loopback TCP, a connection per thread, pipelined 1,000)');
    expect(md).toMatch(/\| Redis `version` \| 7\.0\.15 \|/);
    // The per-strategy tables list the peers after the strategies.
    expect(md).toMatch(/\| write-combine \(ops\/sec\) \| Redis \(ops\/sec\) \| libcuckoo \(ops\/sec\) \|/);
  });

  it('charts: the best strategy over each peer, per value size and per batch size; peers on the scaling lines', async () => {
    const doc = withPeers();
    const m = buildMatrix(doc);
    const specs = chartSpecs(m);
    const vs = specs.filter((c) => c.slug.startsWith('vs-peers-'));
    expect(vs.map((c) => c.slug)).toEqual(['vs-peers-value-size', 'vs-peers-batch-size']);
    expect(vs[0]!.points).toBe(m.single[0]!.rows.length * 2);
    const scaling = specs.find((c) => c.slug === 'scaling-threads')!;
    expect(scaling.points).toBe(m.strategies.find((t) => t.group.mode === 'concurrent')!.rows.length * 7);
    const r = await renderMarkdown(doc, { outputPath: join('out', 'r.md') });
    expect(r.text).toContain('](r-vs-peers-batch-size.svg)');
    const files = new Map(r.files.map((f) => [f.path, f.data]));
    expect(files.has(join('out', 'r-vs-peers-value-size.svg'))).toBe(true);
    expect(files.get(join('out', 'r-vs-peers-batch-size.svg'))).toContain('speedup over the peer');
  });

  it('CSV: the peer column and one interval per peer', () => {
    const csv = renderCsv(withPeers()).split('\r\n');
    const head = csv[0]!.split(',');
    expect(head.slice(0, 3)).toEqual(['id', 'strategy', 'peer']);
    expect(head).toEqual(expect.arrayContaining(['vsPeer.redis.value [x]', 'vsPeer.redis.low [x]', 'vsPeer.redis.high [x]', 'vsPeer.libcuckoo.value [x]']));
    const redisRow = csv.find((l) => l.startsWith('batch/redis/'))!.split(',');
    expect(redisRow[1]).toBe('peer');
    expect(redisRow[2]).toBe('redis');
  });

  it('a peer-only document (--backend redis) shows the peer\'s own figures and scaling', () => {
    const text = renderTerminal(peerOnly(), { color: false });
    expect(text).not.toContain('Baseline (ops/sec)');
    expect(text).toContain('Redis (ops/sec)');
    expect(text).toContain('Concurrent Write Performance — peers');
    expect(text).not.toContain('vs Redis');
  });

  it('a failed peer case shows FAILED in its own column and leaves the strategies alone', () => {
    const doc = withPeers();
    const redis = doc.cases.find((c) => c.peer === 'redis' && c.mode === 'batch')!;
    redis.status = 'failed';
    redis.error = 'redis 127.0.0.1:1: SET: the server closed the connection';
    const m = buildMatrix(doc);
    const row = m.batch[0]!.rows.find((r) => r.axisValue === redis.batchSize)!;
    expect(row.best).toBeDefined();
    expect(row.peers[0]!.failed?.error).toContain('closed the connection');
    const text = renderTerminal(doc, { color: false }).replace(/\n {2,}(?=\S)/g, ' ');
    expect(text).toContain(`✗ FAILED ${redis.id}: redis 127.0.0.1:1: SET: the server closed the connection`);
  });
});

describe('minSpeedupOverPeer claims', () => {
  const claim = (c: Record<string, unknown>) =>
    parseClaims({ name: 't', claims: [{ id: 'r', text: 'over Redis', kind: 'minSpeedupOverPeer', peer: 'redis', ...c }] }, 't.json').claims[0]!;

  it('PASS or FAIL on the best strategy\'s ratio over the peer, at the worst case', () => {
    const doc = withPeers();
    const pass = evaluateClaim(doc, claim({ min: 47, select: { mode: 'batch' } }));
    expect(pass.verdict).toBe('PASS');
    expect(pass.measured).toBeCloseTo(50, 0);
    expect(pass.requiredText).toBe('>= 47x over Redis');
    const fail = evaluateClaim(doc, claim({ min: 51, select: { mode: 'batch' } }));
    expect(fail.verdict).toBe('FAIL');
    expect(fail.worst).toMatch(/^batch\//);
    const low = evaluateClaim(doc, claim({ min: 1, bound: 'low' }));
    expect(low.measured).toBeLessThanOrEqual(pass.measured!);
  });

  it('N/A without the peer in the run, FAIL when the peer\'s case failed', () => {
    const doc = sampleCopy();
    const na = evaluateClaim(doc, claim({ min: 47 }));
    expect(na.verdict).toBe('N/A');
    expect(na.detail).toMatch(/no redis case for .*writeprof run --peer redis/);
    const failed = withPeers();
    const redis = failed.cases.find((c) => c.peer === 'redis' && c.mode === 'single')!;
    redis.status = 'failed';
    redis.error = 'OOM';
    const r = evaluateClaim(failed, claim({ min: 47 }));
    expect(r.verdict).toBe('FAIL');
    expect(r.worst).toBe(redis.id);
  });

  it('refuses an unknown peer, naming the allowed ones', () => {
    expect(() => claim({ min: 47, peer: 'memcached' })).toThrow(/claims\[0\]\.peer: "memcached" is invalid \(allowed: redis, libcuckoo\)/);
  });
});
