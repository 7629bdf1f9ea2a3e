/**
 * Generated input for the readers the gates depend on: the claims parser, the results
 * reader and the compare/validate/report command lines. Each input either parses or fails with
 * exactly one line and exit 2 — never a stack trace, never an uncaught exception.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseClaims } from '../../src/gates/claims.js';
import { readResults } from '../../src/results/file.js';
import { main } from '../../src/cli.js';

const fixturePath = join(import.meta.dirname, '..', 'fixtures', 'results-sample.json');
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as Record<string, unknown>;
const claimsPath = join(import.meta.dirname, '..', '..', 'profiles', 'claims', 'cpu-ci.json');
const claims = JSON.parse(readFileSync(claimsPath, 'utf8')) as Record<string, unknown>;

/** true = parsed, false = one-line UsageError; anything else fails the property. */
function parsesOrOneLine(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    expect(err.message).not.toMatch(/\n/);
    expect(err.message.length).toBeGreaterThan(0);
    return false;
  }
}

type Json = unknown;

/** Replace the value at a random path of `doc` (objects and arrays), or delete that key. */
function mutate(doc: Json, choices: number[], replacement: Json, remove: boolean): Json {
  const copy = structuredClone(doc) as Json;
  let node = copy as Record<string, Json> | Json[];
  for (let depth = 0; depth < choices.length; depth++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[choices[depth]! % keys.length]!;
    const child = (node as Record<string, Json>)[key];
    const last = depth === choices.length - 1 || child === null || typeof child !== 'object';
    if (last) {
      if (remove && !Array.isArray(node)) delete (node as Record<string, Json>)[key];
      else (node as Record<string, Json>)[key] = replacement;
      break;
    }
    node = child as Record<string, Json>;
  }
  return copy;
}

const mutation = fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), fc.boolean());

describe('claims parser under generated input', () => {
  it('arbitrary JSON values parse or fail in one line', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (raw) => {
      parsesOrOneLine(() => parseClaims(raw, 'claims.json'));
    }), { numRuns: 1500 });
  });

  it('mutations of a real claims file parse or fail in one line, and some of each happen', () => {
    let ok = 0;
    let refused = 0;
    fc.assert(fc.property(mutation, ([path, value, remove]) => {
      if (parsesOrOneLine(() => parseClaims(mutate(claims, path, value, remove), 'claims.json'))) ok++;
      else refused++;
    }), { numRuns: 1500 });
    expect(refused).toBeGreaterThan(0);
    expect(ok).toBeGreaterThan(0);
  });
});

describe('results reader under generated input', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wp-fuzz-'));
  });

  it('mutated documents parse or fail in one line', () => {
    const file = join(dir, 'doc.json');
    let refused = 0;
    fc.assert(fc.property(mutation, ([path, value, remove]) => {
      writeFileSync(file, JSON.stringify(mutate(fixture, path, value, remove)));
      if (!parsesOrOneLine(() => readResults(file))) refused++;
    }), { numRuns: 1000 });
    expect(refused).toBeGreaterThan(0);
  });

  it('truncated and corrupted text fails in one line naming the file', () => {
    const text = JSON.stringify(fixture, null, 2);
    const file = join(dir, 'cut.json');
    fc.assert(fc.property(fc.nat({ max: text.length - 1 }), fc.string({ maxLength: 3 }), (cut, junk) => {
      writeFileSync(file, text.slice(0, cut) + junk);
      try {
        readResults(file);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        expect((err as Error).message).toContain(file);
        expect((err as Error).message).not.toMatch(/\n/);
      }
    }), { numRuns: 800 });
  });
});

describe('gate command lines under generated flags', () => {
  let out: string[] = [];
  let err: string[] = [];
  beforeAll(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err.push(String(chunk)); return true; });
  });
  afterAll(() => vi.restoreAllMocks());

  const word = fc.oneof(
    fc.constantFrom('--threshold', '--alpha', '--format', '--claims', '--output', '--allow-env-mismatch', '--force', '--json', '-x'),
    fc.constantFrom('5', '0', '100', '-3', 'abc', '1e-3', 'NaN', 'table', 'markdown', 'json', 'svg', ''),
    fc.constantFrom(fixturePath, claimsPath, '/nonexistent/x.json', '/'),
    fc.string({ maxLength: 6 }),
  );

  it('compare, validate and report exit 0, 1 or 2 with at most one error line', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('compare', 'validate', 'report'), fc.array(word, { maxLength: 6 }), async (cmd, args) => {
      out = [];
      err = [];
      process.exitCode = undefined;
      // report writes next to its input: keep generated outputs inside the temp area.
      const safe = cmd === 'report' ? [...args.filter((a) => a !== '--force'), '--output', join(tmpdir(), 'wp-fuzz-report.md')] : args;
      const code = await main(['node', 'writeprof', cmd, ...safe]);
      process.exitCode = undefined;
      expect([0, 1, 2]).toContain(code);
      const errText = err.join('');
      expect(errText).not.toMatch(/\n\s+at /); // no stack trace
      if (code === 2) expect(errText.trim().split('\n').filter((l) => l.trim() !== '')).toHaveLength(1);
    }), { numRuns: 400 });
  });
});
