/** Shared by the render and gates tests: the fixed results fixture, parsed through the schema. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resultsSchema, type ResultsDocument } from '../../src/results/schema.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const SAMPLE_PATH = `${FIXTURES}results-sample.json`;

export function loadSample(): ResultsDocument {
  return resultsSchema.parse(JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')));
}

/** A deep copy to mutate in one test without touching the others. */
export function sampleCopy(): ResultsDocument {
  return structuredClone(loadSample());
}

/** Set UPDATE_GOLDEN=1 to rewrite golden files after an intended change (then review the diff). */
export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';
