/**
 * A CPU backend over an addon loaded from a given path: `writeprof ab` loads two builds of the
 * addon (head and base) into one process. Node dlopens each .node file with RTLD_LOCAL, so each
 * build's code binds to its own symbols; a second path to the same file (a hard or symbolic
 * link) would be the same loaded object, which is why ab compares the files' real paths.
 *
 * An addon is loaded as a shared object only (process.dlopen: a file that is not one is refused,
 * never run as JavaScript), and one given by path is first loaded in a child process: a truncated
 * or damaged file kills that child (SIGBUS, SIGSEGV), not this process.
 */
import { spawnSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { printable } from '../io/sanitize.js';
import type { Backend, BackendStatus } from '../backends/backend.js';
import { createNativeBackend } from '../backends/native-backend.js';
import type { NativeAddon } from '../backends/native.js';
import type { Build } from './builds.js';

function firstLine(s: string): string {
  return s.trim().split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/** Loads the file in a child process first: what it does to that process, it would do to this one. */
function tryInChild(path: string, field: string): void {
  const probe = 'try { process.dlopen({ exports: {} }, process.argv[1]); } catch (e) { process.stderr.write(String(e && e.message)); process.exit(1); }';
  const r = spawnSync(process.execPath, ['-e', probe, path], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.signal) throw new UsageError(`${field}: ${printable(path)} cannot be loaded (loading it killed a test process with ${r.signal}: a truncated or damaged file?)`);
  if (r.status !== 0) throw new UsageError(`${field}: ${printable(path)} cannot be loaded (${printable(firstLine(r.stderr ?? '')) || `exit ${r.status}`})`);
}

const loaded = new Map<string, NativeAddon>();

export function loadAddonAt(path: string, field: string, given = true): NativeAddon {
  let real: string;
  try {
    real = realpathSync(path);
    if (!statSync(real).isFile()) throw new Error('not a file');
  } catch {
    throw new UsageError(`${field}: ${printable(path)} is not a built addon (no such file)`);
  }
  const hit = loaded.get(real);
  if (hit) return hit;
  if (given) tryInChild(real, field);
  const mod = { exports: {} as NativeAddon };
  try {
    process.dlopen(mod, real);
  } catch (err) {
    throw new UsageError(`${field}: ${printable(path)} cannot be loaded (${printable((err instanceof Error ? err.message : String(err)).split('\n')[0]!)})`);
  }
  const addon = mod.exports;
  if (typeof addon?.Case !== 'function' || typeof addon.cpuInfo !== 'function') {
    throw new UsageError(`${field}: ${printable(path)} is not a writeprof addon (no Case class or cpuInfo)`);
  }
  loaded.set(real, addon);
  return addon;
}

/** A build's addon, loaded: a given file is tried in a child first; a cached build was verified by its hash. */
export function loadBuild(build: Build, field: string): NativeAddon {
  return loadAddonAt(build.addonPath, field, build.given === true);
}

export function cpuBackendOn(addon: NativeAddon): Backend {
  const status = (): BackendStatus => {
    const { model, cores } = addon.cpuInfo();
    return { name: 'cpu', available: true, device: { name: model, kind: 'cpu', cores } };
  };
  return createNativeBackend({ name: 'cpu', native: 'cpu', status, addon: () => addon });
}
