/**
 * The TypeScript <-> addon contract (src/backends/contract.ts) held against both sides: the
 * generated limits header is what src/limits.ts says, and the addon reads exactly the declared
 * fields, each within its declared range (refused one past either end, with the declared words;
 * accepted at either end), refuses unknown and missing fields, and hands back samples, CUDA
 * status and CPU info with exactly the declared fields and types.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CASE_PARAMS,
  checkSample,
  CPU_INFO,
  CUCKOO_SETTINGS,
  CUDA_STATUS,
  outputProblem,
  REDIS_TARGET,
  SAMPLE,
  type FieldRule,
  type NativeCaseParams,
} from '../../src/backends/contract.js';
import { nativeCaseParams } from '../../src/backends/native-backend.js';
import { loadAddon, loadEmuAddon, type NativeAddon } from '../../src/backends/native.js';
import { options, spec } from './helpers.js';
// @ts-expect-error a plain .mjs script, no declarations
import { HEADER, renderHeader } from '../../scripts/gen-native.mjs';

type Params = Record<string, unknown>;

/** What `new Case(params)` says: the message, or 'opened' (then closed at once). */
function open(addon: NativeAddon, params: Params): string {
  try {
    new addon.Case(params as NativeCaseParams).close();
    return 'opened';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const cpuParams = (): Params => ({ ...nativeCaseParams('cpu', spec(), options) });
const emuParams = (): Params => ({ ...nativeCaseParams('cuda-emu', spec(), options), emuSeed: 1, emuWorkers: 1, emuTimeoutSec: 10 });
const redisTarget = (): Params => ({ host: '127.0.0.1', port: 1, db: 0, user: '', password: '', prefix: 'x:', timeoutMs: 1, command: 'set' });

/** Values one past each end of a rule (refused), and at each end (accepted). */
function bounds(rule: FieldRule): { refused: unknown[]; accepted: unknown[] } {
  if (rule.kind === 'enum') return { refused: ['no-such-value', 7], accepted: [...rule.values] };
  if (rule.kind === 'boolean') return { refused: [1, 'true'], accepted: [true, false] };
  if (rule.kind !== 'number' && rule.kind !== 'theta') return { refused: [], accepted: [] };
  const { min, max, integer, minExclusive } = rule.range;
  const step = integer ? 1 : 1e-6 * Math.max(1, Math.abs(max));
  const refused: unknown[] = [minExclusive ? min : min - step, max + step, String(max), Number.NaN];
  if (integer) refused.push(min + 0.5);
  const accepted: unknown[] = [minExclusive ? min + step : min, max];
  return { refused, accepted };
}

describe('the native contract', () => {
  it('kernels/include/writeprof/limits.h is what scripts/gen-native.mjs makes of src/limits.ts', async () => {
    expect(readFileSync(HEADER, 'utf8')).toBe(await renderHeader());
  });

  it('the declaration covers exactly what TypeScript sends', () => {
    const base = cpuParams();
    const scoped = Object.entries(CASE_PARAMS).filter(([, r]) => 'backends' in r).map(([k]) => k);
    expect(Object.keys(base).sort()).toEqual(Object.keys(CASE_PARAMS).filter((k) => !scoped.includes(k)).sort());
    expect(Object.keys(emuParams()).sort()).toEqual(Object.keys(CASE_PARAMS).filter((k) => k !== 'peer').sort());
  });

  it('every case field: missing, mistyped or one past either end is refused naming it; either end is accepted', () => {
    const addon = loadAddon();
    for (const [field, rule] of Object.entries(CASE_PARAMS) as [string, FieldRule][]) {
      if ('backends' in rule) continue; // below, on their own backends
      const without = cpuParams();
      delete without[field];
      expect(open(addon, without), `${field} missing`).toMatch(new RegExp(`^${field}: `));
      const { refused, accepted } = bounds(rule);
      for (const v of refused) {
        const p = { ...cpuParams(), [field]: v, ...(field === 'zipfTheta' ? { dist: 'zipf' } : {}) };
        const msg = open(addon, p);
        expect(msg, `${field} = ${String(v)}`).toMatch(new RegExp(`^${field}: `));
        if (rule.kind === 'number' || rule.kind === 'theta') expect(msg).toContain(`allowed: ${rule.range.allowed}`);
      }
      for (const v of accepted) {
        if (field === 'backend' || field === 'strategy' || field === 'dist') continue; // pick the runner: below
        // Accepted values stop at the runner's own arena check, before any allocation.
        const p = { ...cpuParams(), [field]: v, arenaLimitBytes: field === 'arenaLimitBytes' ? v : 1, ...(field === 'zipfTheta' ? { dist: 'zipf' } : {}) };
        const msg = open(addon, p);
        expect(msg, `${field} = ${String(v)}`).not.toMatch(new RegExp(`^${field}: .* is invalid; allowed: `));
      }
    }
  });

  it('unknown fields are refused, and so are fields of another backend', () => {
    const addon = loadAddon();
    expect(open(addon, { ...cpuParams(), extra: 1 })).toMatch(/^extra: unknown field/);
    expect(open(addon, { ...cpuParams(), emuSeed: 1 })).toMatch(/^emuSeed: unknown field/);
    expect(open(addon, { ...cpuParams(), peer: { store: 'arena' } })).toMatch(/^peer: allowed only with a peer backend/);
    expect(open(addon, { ...cpuParams(), strategy: 'peer' })).toMatch(/^strategy: "peer" is invalid/);
  });

  it('cuda-emu fields: each missing or past either end is refused, either end accepted', () => {
    const emu = loadEmuAddon();
    expect(open(emu, emuParams())).toBe('opened');
    for (const [field, rule] of Object.entries(CASE_PARAMS) as [string, FieldRule][]) {
      if (!('backends' in rule) || !rule.backends.includes('cuda-emu')) continue;
      const without = emuParams();
      delete without[field];
      expect(open(emu, without), `${field} missing`).toMatch(new RegExp(`^${field}: `));
      const { refused, accepted } = bounds(rule);
      for (const v of refused) expect(open(emu, { ...emuParams(), [field]: v }), `${field} = ${String(v)}`).toMatch(new RegExp(`^${field}: .*allowed: `));
      for (const v of accepted) expect(open(emu, { ...emuParams(), [field]: v, arenaLimitBytes: 1 }), `${field} = ${String(v)}`).toMatch(/^arenaLimitBytes: /);
    }
  });

  it("a peer's `peer` object: libcuckoo's store and every Redis field, checked before any connection", () => {
    const addon = loadAddon();
    const cuckoo = (peer: unknown): Params => ({ ...cpuParams(), backend: 'libcuckoo', strategy: 'peer', peer });
    expect(open(addon, { ...cuckoo(undefined) })).toMatch(/^peer: expected an object/);
    expect(open(addon, cuckoo({ store: 'arena', x: 1 }))).toMatch(/^x: unknown field/);
    for (const v of bounds(CUCKOO_SETTINGS.store).refused) expect(open(addon, cuckoo({ store: v }))).toMatch(/^store: /);
    expect(open(addon, cuckoo({ store: 'inline' }))).toBe('opened');

    const redis = (peer: Params): Params => ({ ...cpuParams(), backend: 'redis', strategy: 'peer', peer });
    expect(Object.keys(redisTarget()).sort()).toEqual(Object.keys(REDIS_TARGET).sort());
    for (const [field, rule] of Object.entries(REDIS_TARGET) as [string, FieldRule][]) {
      const without = redisTarget();
      delete without[field];
      expect(open(addon, redis(without)), `${field} missing`).toMatch(new RegExp(`^${field}: `));
      const refused = rule.kind === 'string' ? [5, 'x'.repeat(rule.bytes.max + 1)] : bounds(rule).refused;
      for (const v of refused) expect(open(addon, redis({ ...redisTarget(), [field]: v })), `${field} = ${String(v).slice(0, 20)}`).toMatch(new RegExp(`^${field}: `));
    }
    // A password is never echoed, even when refused.
    expect(open(addon, redis({ ...redisTarget(), password: 's3cret'.repeat(1000) }))).not.toContain('s3cret');
  });

  it('a sample has exactly the declared fields and types (bandwidth references only from the CUDA runner)', async () => {
    const c = new (loadAddon().Case)(cpuParams() as NativeCaseParams);
    try {
      const raw = await c.runSample();
      expect(outputProblem(raw as unknown as Record<string, unknown>, SAMPLE)).toBeUndefined();
      expect(raw.bandwidth).toBeUndefined();
    } finally {
      c.close();
    }
    const e = new (loadEmuAddon().Case)(emuParams() as NativeCaseParams);
    try {
      const raw = await e.runSample();
      expect(outputProblem(raw as unknown as Record<string, unknown>, SAMPLE)).toBeUndefined();
      expect(raw.bandwidth?.deviceCopyBytesPerSec).toBeGreaterThan(0);
      expect(raw.notes.some((n) => /bandwidth/.test(n))).toBe(false); // numbers, not a note
    } finally {
      e.close();
    }
    expect(() => checkSample({ ...{ elapsedNs: 1 } })).toThrow(/writes: missing/);
    expect(() => checkSample({ elapsedNs: 1, writes: 1, phasesNs: {}, counters: {}, verification: {}, latencyNs: new Uint32Array(), notes: [] })).toThrow(
      /counters: lockRetries: missing/,
    );
  });

  it('cudaStatus() and cpuInfo() have exactly the declared fields and types', () => {
    for (const addon of [loadAddon(), loadEmuAddon()]) {
      expect(outputProblem(addon.cudaStatus() as unknown as Record<string, unknown>, CUDA_STATUS)).toBeUndefined();
    }
    expect(outputProblem(loadAddon().cpuInfo() as unknown as Record<string, unknown>, CPU_INFO)).toBeUndefined();
  });
});
