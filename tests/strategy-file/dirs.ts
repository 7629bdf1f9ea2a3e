/** Each strategy-file test file's own build cache and work directory, made before and removed after its tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { buildIfStale, requireBuilt } from '../cli/helpers.js';

export interface StrategyDirs {
  /** WRITEPROF_CACHE_DIR for the CLI: builds of this file's tests only */
  cache: string;
  work: string;
  env(): Record<string, string>;
}

export function strategyDirs(name: string): StrategyDirs {
  const dirs: StrategyDirs = { cache: '', work: '', env: () => ({ WRITEPROF_CACHE_DIR: dirs.cache }) };
  beforeAll(() => {
    requireBuilt();
    buildIfStale();
    dirs.cache = mkdtempSync(join(tmpdir(), `wp-strategy-${name}-cache-`));
    dirs.work = mkdtempSync(join(tmpdir(), `wp-strategy-${name}-`));
  });
  afterAll(() => {
    rmSync(dirs.cache, { recursive: true, force: true });
    rmSync(dirs.work, { recursive: true, force: true });
  });
  return dirs;
}
