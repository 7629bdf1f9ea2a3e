/** Shared by the render and gates tests: the fixed results fixture, parsed through the schema. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { axesKey, caseId, type PeerName } from '../../src/model.js';
import { resultsSchema, type Environment, type ResultsDocument } from '../../src/results/schema.js';
import { resultsFromJson } from '../../src/results/file.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const SAMPLE_PATH = `${FIXTURES}results-sample.json`;

export function loadSample(): ResultsDocument {
  return resultsFromJson(JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')), SAMPLE_PATH);
}

/** A deep copy to mutate in one test without touching the others. */
export function sampleCopy(): ResultsDocument {
  return structuredClone(loadSample());
}

/** Set UPDATE_GOLDEN=1 to rewrite golden files after an intended change (then review the diff). */
export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

const deviceEnv = (name: string, host: string): Environment => {
  const e = loadSample().environment;
  return { ...e, host, device: { ...e.device, name } };
};
export const H100 = deviceEnv('NVIDIA H100 80GB HBM3', 'h100-node');
export const A100 = deviceEnv('NVIDIA A100-SXM4-80GB', 'a100-node');

/** A merged document: the sample as run on an H100, and the same plan on an A100 at `factor` of its throughput. */
export function twoDevices(factor: number): ResultsDocument {
  const sample = loadSample();
  const slower = sample.cases.map((c) => ({
    ...structuredClone(c),
    samples: c.samples.map((x) => x * factor),
    opsPerSec: c.opsPerSec * factor,
    opsPerSecPerThread: c.opsPerSecPerThread * factor,
    bytesPerSec: c.bytesPerSec * factor,
    environment: A100,
  }));
  return {
    ...sample,
    environment: H100,
    merged: { inputs: [] },
    cases: [...sample.cases.map((c) => ({ ...structuredClone(c), environment: H100 })), ...slower],
  };
}

/**
 * Adds a peer's case beside every point of `doc` (one per axes key): the point's fastest case's
 * figures divided by `slower` (samples too), strategy "peer", as `run --peer <peer>` records them.
 */
export function addPeerCases(doc: ResultsDocument, peer: PeerName, slower: number): ResultsDocument {
  const points = new Map<string, ResultsDocument['cases'][number]>();
  for (const c of doc.cases) {
    if (c.strategy === 'peer') continue;
    const k = axesKey(c);
    const seen = points.get(k);
    if (!seen || c.opsPerSec > seen.opsPerSec) points.set(k, c);
  }
  for (const c of points.values()) {
    const p = structuredClone(c);
    p.strategy = 'peer';
    p.peer = peer;
    p.id = caseId(p);
    p.samples = p.samples.map((x) => x / slower);
    p.opsPerSec /= slower;
    p.opsPerSecPerThread /= slower;
    p.bytesPerSec /= slower;
    for (const k of ['speedup', 'vsPeer', 'bandwidth'] as const) delete p[k];
    doc.cases.push(p);
  }
  return doc;
}
