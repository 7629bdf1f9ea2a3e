/**
 * schemas/ holds the JSON Schemas of the documents writeprof writes, generated from the zod
 * schemas the code reads and writes with (src/gates/json-schemas.ts): stale files fail here
 * (`make schemas` regenerates them). Each document names its schema, and what the commands
 * write is valid against it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../src/gates/json-schemas.js';
import { compareDocumentSchema, validateDocumentSchema } from '../../src/gates/documents.js';
import { compareDocuments } from '../../src/gates/compare.js';
import { renderComparison } from '../../src/gates/compare-render.js';
import { evaluateClaims } from '../../src/gates/validate.js';
import { loadClaims } from '../../src/gates/claims.js';
import { buildDocument } from '../../src/results/document.js';
import { RESULTS_SCHEMA, resultsSchema } from '../../src/results/schema.js';
import { validationDocument } from '../../src/commands/validate.js';
import { makeCase, makeDoc, noisySamples } from '../stats/helpers.js';
import { loadSample, SAMPLE_PATH } from '../render/helpers.js';

const DIR = join(import.meta.dirname, '..', '..', 'schemas');

describe('published JSON Schemas', () => {
  it('are exactly what the code generates (make schemas rewrites them)', () => {
    const generated = jsonSchemas();
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(generated).map((n) => `${n}.json`).sort());
    for (const [name, schema] of Object.entries(generated)) {
      expect(JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')), `schemas/${name}.json is stale: run make schemas`).toEqual(schema);
    }
  });

  it('are versioned, and every document names the one it follows', () => {
    for (const name of Object.keys(jsonSchemas())) expect(name).toMatch(/^writeprof\.(results|compare|validate|ab-counts)\.v\d+$/);
    const s = loadSample();
    const doc = buildDocument({ environment: s.environment, profile: s.profile, cases: s.cases });
    expect(doc.schema).toBe(RESULTS_SCHEMA);
    expect(resultsSchema.safeParse(doc).success).toBe(true);
    const a = makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 1))]);
    const b = makeDoc([makeCase(noisySamples(20, 0.5e6, 0.02, 2))]);
    const cmp = JSON.parse(renderComparison(compareDocuments(a, b, { threshold: 5, alpha: 0.01 }), 'json'));
    expect(cmp.schema).toBe('writeprof.compare.v1');
    expect(compareDocumentSchema.parse(cmp).verdict).toBe('INCONCLUSIVE');
    const claims = loadClaims('profiles/claims/story-3.1.json');
    const v = validationDocument(SAMPLE_PATH, 'profiles/claims/story-3.1.json', claims.name, evaluateClaims(s, claims));
    expect(v.schema).toBe('writeprof.validate.v1');
    expect(validateDocumentSchema.safeParse(JSON.parse(JSON.stringify(v))).success).toBe(true);
  });

  it('the compare schema refuses a document whose verdict is not one of the three', () => {
    const a = makeDoc([makeCase(noisySamples(20, 1e6, 0.02, 1))]);
    const cmp = JSON.parse(renderComparison(compareDocuments(a, a, { threshold: 5, alpha: 0.01 }), 'json'));
    expect(compareDocumentSchema.safeParse({ ...cmp, verdict: 'OK' }).success).toBe(false);
  });
});
