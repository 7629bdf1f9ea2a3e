import { describe, expect, it } from 'vitest';
import { csvField } from '../../src/render/csv.js';
import { render } from '../../src/render/index.js';
import type { CaseResult } from '../../src/results/schema.js';
import { noiseOf } from '../../src/results/metrics.js';
import { loadSample, sampleCopy } from './helpers.js';

/** RFC 4180 reader (test-side, independent of the writer): CRLF records, quoted fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      if (ch === '"' || ch === '\n' || ch === '\r') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
      field += ch;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length) throw new Error('last record lacks CRLF');
  return rows;
}

/** `stats.relNoise` -> c.stats.relNoise (one level of nesting, as the columns have). */
function get(c: CaseResult, column: string): unknown {
  const dot = column.indexOf('.');
  if (dot < 0) return (c as unknown as Record<string, unknown>)[column];
  const outer = (c as unknown as Record<string, Record<string, unknown> | undefined>)[column.slice(0, dot)];
  return outer?.[column.slice(dot + 1)];
}

describe('csv', () => {
  it('one row per case; every scalar field round-trips exactly', async () => {
    const doc = sampleCopy();
    const tricky = doc.cases.find((c) => c.status === 'failed')!;
    tricky.error = 'lost writes, "3" of them\r\nand a second line';
    const rows = parseCsv((await render(doc, 'csv', { color: false })).text);
    const [withUnits, ...body] = rows;
    // Headers carry units in brackets: "opsPerSec [ops/s]"; the field path is what precedes them.
    const head = withUnits!.map((h) => h.replace(/ \[[^\]]+\]$/, ''));
    expect(withUnits).toEqual(expect.arrayContaining(['opsPerSec [ops/s]', 'valueSize [B]', 'latency.p99 [ns]', 'breakdown.kernel [ns/write]', 'speedup.low [x]', 'noise [fraction]', 'countersPerWrite.casFailures [per write]']));
    expect(body).toHaveLength(doc.cases.length);
    expect(new Set(head).size).toBe(head!.length);
    for (const col of ['id', 'opsPerSec', 'stats.relNoise', 'speedup.low', 'countersPerWrite.casFailures', 'breakdown.kernel', 'breakdown.publish', 'bandwidth.h2d', 'verification.lost', 'latency.p99']) {
      expect(head).toContain(col);
    }
    body.forEach((r, i) => {
      const c = doc.cases[i]!;
      expect(r).toHaveLength(head!.length);
      head!.forEach((col, j) => {
        const want = col === 'notes' ? c.notes?.join('; ') : col === 'emulated' ? doc.emulated === true : col === 'noise' ? noiseOf(c) : get(c, col);
        const cell = r[j]!;
        if (want === undefined) expect(cell, `${c.id} ${col}`).toBe('');
        else if (typeof want === 'number') expect(Number(cell), `${c.id} ${col}`).toBe(want);
        else if (typeof want === 'boolean') expect(cell, `${c.id} ${col}`).toBe(String(want));
        else expect(cell, `${c.id} ${col}`).toBe(String(want));
      });
    });
    const errCol = head!.indexOf('error');
    expect(body.find((r) => r[0] === tricky.id)![errCol]).toBe('lost writes, "3" of them\r\nand a second line');
  });

  it('quotes exactly what RFC 4180 requires', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(0.1)).toBe('0.1');
  });
});

describe('json', () => {
  it('is the document itself, pretty-printed', async () => {
    const doc = loadSample();
    const out = (await render(doc, 'json', { color: false })).text;
    expect(JSON.parse(out)).toEqual(doc);
    expect(out).toMatch(/^\{\n {2}"schemaVersion": 2,/);
  });
});
