/**
 * `writeprof report <results> --output x.html`: one self-contained page, opened in a real headless
 * Chromium: it renders (tables and inline charts in the DOM, a screenshot with ink on it), logs no
 * console error, runs no script and requests nothing beyond itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, buildIfStale } from '../cli/helpers.js';
import { addPeerCases, sampleCopy, SAMPLE_PATH } from './helpers.js';
import { inkShare, visit } from './chromium.js';

let dir: string;
const f = (name: string): string => join(dir, name);

function report(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, 'report', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** What the page shows, asked of the rendered DOM. */
const PROBE = `JSON.stringify({
  h1: document.querySelector('h1')?.textContent,
  h2: [...document.querySelectorAll('h2')].map((h) => h.textContent),
  tables: document.querySelectorAll('table').length,
  charts: document.querySelectorAll('figure.chart > svg').length,
  chartMarks: document.querySelectorAll('figure.chart svg path').length,
  widestChart: Math.max(0, ...[...document.querySelectorAll('figure.chart svg')].map((s) => s.getBoundingClientRect().width)),
  scripts: document.scripts.length,
  scrollWidth: document.documentElement.scrollWidth,
  text: document.body.innerText.slice(0, 20000),
})`;

beforeAll(() => {
  buildIfStale();
  dir = mkdtempSync(join(tmpdir(), 'wp-html-'));
  // The sample beside Redis, and an error text that tries to inject markup.
  const doc = addPeerCases(sampleCopy(), 'redis', 50);
  const failed = doc.cases.find((c) => c.status === 'failed')!;
  failed.error = 'lost writes <script>document.title="pwned"</script> <img src="http://example.invalid/x.png">';
  writeFileSync(f('run.json'), JSON.stringify(doc));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the HTML report', () => {
  it('is one self-contained file: charts inline, no script, no reference outside it', () => {
    const r = report([f('run.json'), '--output', f('run.html')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['run.html', 'run.json']);
    const html = readFileSync(f('run.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<iframe|\ssrc=["']?(https?:|\/\/)/i);
    // The injected markup is text on the page, escaped.
    expect(html).toContain('&lt;script&gt;document.title=');
    expect((html.match(/<figure class="chart"/g) ?? []).length).toBeGreaterThanOrEqual(5);
  });

  it('renders in headless Chromium: no console error, nothing fetched, tables and charts drawn, a screenshot with ink', async () => {
    const page = await visit(pathToFileURL(f('run.html')).href, PROBE);
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    const p = JSON.parse(String(page.probe)) as { h1: string; h2: string[]; tables: number; charts: number; chartMarks: number; widestChart: number; scripts: number; scrollWidth: number; text: string };
    expect(p.h1).toBe('writeprof report: validation');
    expect(p.h2.slice(0, 2)).toEqual(['Summary', 'Validation Results']);
    expect(p.h2).toContain('Appendix');
    expect(p.tables).toBeGreaterThanOrEqual(10);
    expect(p.charts).toBeGreaterThanOrEqual(5);
    expect(p.chartMarks).toBeGreaterThan(50);
    expect(p.scripts).toBe(0);
    // Fits the window: no sideways scrolling at 1200 px.
    expect(p.scrollWidth).toBeLessThanOrEqual(1200);
    expect(p.text).toContain('FAILED (exit 1): 1 of');
    expect(p.text).toContain('<script>document.title="pwned"</script>');
    expect(inkShare(page.screenshot)).toBeGreaterThan(0.02);
  }, 60_000);

  it('a blank page has no ink: the screenshot check can fail', async () => {
    writeFileSync(f('blank.html'), '<!DOCTYPE html><html><body></body></html>');
    const page = await visit(pathToFileURL(f('blank.html')).href, '1');
    expect(inkShare(page.screenshot)).toBe(0);
    writeFileSync(f('noisy.html'), '<!DOCTYPE html><html><body><p>x</p><script>console.error("boom")</script></body></html>');
    expect((await visit(pathToFileURL(f('noisy.html')).href, '1')).errors.join(' ')).toContain('boom');
  }, 60_000);

  it('exports the other formats from the same results: csv with units, json, markdown to stdout', () => {
    expect(report([SAMPLE_PATH, '--output', f('s.csv')]).code).toBe(0);
    expect(readFileSync(f('s.csv'), 'utf8').split('\r\n')[0]).toContain('opsPerSec [ops/s]');
    expect(report([SAMPLE_PATH, '--output', f('s.json')]).code).toBe(0);
    expect(JSON.parse(readFileSync(f('s.json'), 'utf8')).cases.length).toBeGreaterThan(10);
    const md = report([SAMPLE_PATH, '-f', 'markdown', '-o', '-']);
    expect(md.code).toBe(0);
    expect(md.out.split('\n').slice(0, 6).join('\n')).toContain('## Summary');
    const bad = report([SAMPLE_PATH, '--output', f('s.txt')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--output: .*s\.txt" is invalid; allowed: a \.md, \.html, \.csv or \.json path/);
  });
});
