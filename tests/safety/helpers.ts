/**
 * The safety probes: the built CLI as a child process, in temp directories. Cases that need root
 * (a tmpfs that fills up, a read-only mount) run in a private mount namespace (`unshare -m`);
 * devices and FIFOs are made with mknod/mkfifo in temp directories, never the real /dev.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, requireBuilt, ADDON } from '../cli/helpers.js';
import { makeCase, makeDoc, noisySamples } from '../stats/helpers.js';

export { BIN, ROOT, runCli, startCli } from '../cli/helpers.js';

export const isRoot = process.getuid?.() === 0;

export function requireCli(): void {
  requireBuilt();
  if (!existsSync(ADDON)) throw new Error(`native addon missing (${ADDON}): run \`make build\``);
}

/** A sweep of two tiny batch cases (well under a second), quiet. */
export const TINY = ['--backend', 'cpu', '--profile', 'quick', '--mode', 'batch', '--strategy', 'baseline,lock-free', '--batch-size', '100', '--keys', '1000', '--warmup', '0', '--min-samples', '5', '--max-samples', '5', '--min-time', '0', '-q'];

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `wp-safety-${tag}-`));
}

export function mkfifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/** A character device node (major, minor) in a temp directory: 1,3 null; 1,5 zero; 1,7 full. */
export function mknodChar(path: string, major: number, minor: number): string {
  execFileSync('mknod', [path, 'c', String(major), String(minor)]);
  return path;
}

/** Runs a bash script in a private mount namespace (root only): mounts there vanish with it. */
export function inMountNamespace(script: string, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-c', script], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', WP: `${process.execPath} ${BIN}`, ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small, valid results document on disk (two cases, 20 samples each). */
export function writeDoc(path: string, edit: (doc: ReturnType<typeof makeDoc>) => void = () => undefined): string {
  const doc = makeDoc([
    makeCase(noisySamples(20, 1e6, 0.02, 1), { strategy: 'baseline' }),
    makeCase(noisySamples(20, 2e6, 0.02, 2), { strategy: 'lock-free' }),
  ]);
  edit(doc);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

export { ROOT as PROJECT_ROOT };
