/**
 * Results schema 1 documents still read: a real quick-profile run recorded before verification
 * counted stale values (tests/fixtures/results-cpu-quick.json) comes back as schema 2, saying it
 * was upgraded, with its counts carried over and nothing claimed that was never checked.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { compareDocuments } from '../../src/gates/compare.js';
import { readResults, resultsText } from '../../src/results/file.js';
import { SCHEMA_VERSION } from '../../src/results/schema.js';

const V1 = fileURLToPath(new URL('../fixtures/results-cpu-quick.json', import.meta.url));
const raw = JSON.parse(readFileSync(V1, 'utf8'));

describe('reading a schema 1 document', () => {
  it('upgrades it: written becomes distinct, writes are keys x samples, stale never checked (0), uniform streams without updates', () => {
    expect(raw.schemaVersion).toBe(1);
    const doc = readResults(V1);
    expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
    expect(doc.upgradedFrom).toBe(1);
    expect(doc.cases.map((c) => c.id)).toEqual(raw.cases.map((c: { id: string }) => c.id));
    doc.cases.forEach((c, i) => {
      const old = raw.cases[i].verification;
      expect(c.verification).toEqual({
        writes: c.keys * c.samples.length,
        distinct: old.written,
        verified: old.verified,
        lost: old.lost,
        stale: 0,
        corrupted: old.corrupted,
        duplicates: 0,
      });
      expect(c.updateShare).toBe(0); // every case of the run is uniform
    });
  });

  it('an upgraded document is a valid current one: written back and read again unchanged, compared with itself', () => {
    const doc = readResults(V1);
    const again = join(mkdtempSync(join(tmpdir(), 'wp-upgrade-')), 'again.json');
    writeFileSync(again, resultsText(doc));
    expect(readResults(again)).toEqual(doc);
    const report = compareDocuments(doc, readResults(again), { threshold: 5, alpha: 0.05 });
    expect(report.cases.length).toBe(doc.cases.length);
  });

  it('a broken schema 1 document is refused by its own fields, in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-upgrade-'));
    const bad = structuredClone(raw);
    delete bad.cases[2].verification.written;
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    expect(() => readResults(join(dir, 'bad.json'))).toThrow(UsageError);
    expect(() => readResults(join(dir, 'bad.json'))).toThrow(/bad\.json: cases\[2\]\.verification\.written: missing is invalid/);
  });
});
