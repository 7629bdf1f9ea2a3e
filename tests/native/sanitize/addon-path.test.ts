// The sanitized run must really test the ASan+UBSan addon: if WRITEPROF_ADDON were ignored, the
// native tests would pass against the normal build and `make sanitize` would prove nothing.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADDON_PATH, loadAddon } from '../../../src/backends/native.js';

describe('addon path', () => {
  it('is build/Release/writeprof.node unless WRITEPROF_ADDON names another build', () => {
    const override = process.env['WRITEPROF_ADDON'];
    expect(ADDON_PATH).toBe(override ? resolve(override) : join(process.cwd(), 'build', 'Release', 'writeprof.node'));
  });

  it.runIf(process.env['WRITEPROF_SANITIZE'] === 'asan')('under make sanitize: the ASan build and runtime are loaded', () => {
    loadAddon();
    const maps = readFileSync('/proc/self/maps', 'utf8');
    expect(ADDON_PATH).toMatch(/\/out\/sanitize\/writeprof\.node$/);
    expect(maps).toContain(ADDON_PATH);
    expect(maps).toMatch(/\/libasan\.so/);
  });
});
