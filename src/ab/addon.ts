/**
 * A CPU backend over an addon loaded from a given path: `writeprof ab` loads two builds of the
 * addon (head and base) into one process. Node dlopens each .node file with RTLD_LOCAL, so each
 * build's code binds to its own symbols; a second path to the same file (a hard or symbolic
 * link) would be the same loaded object, which is why ab compares the files' real paths.
 */
import { createRequire } from 'node:module';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { Backend, BackendStatus } from '../backends/backend.js';
import { createNativeBackend } from '../backends/native-backend.js';
import type { NativeAddon } from '../backends/native.js';

const require = createRequire(import.meta.url);

export function loadAddonAt(path: string, field: string): NativeAddon {
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`${field}: ${path} is not a built addon (no such file)`);
  let addon: NativeAddon;
  try {
    addon = require(realpathSync(path)) as NativeAddon;
  } catch (err) {
    throw new UsageError(`${field}: ${path} cannot be loaded (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`);
  }
  if (typeof addon?.Case !== 'function' || typeof addon.cpuInfo !== 'function') {
    throw new UsageError(`${field}: ${path} is not a writeprof addon (no Case class or cpuInfo)`);
  }
  return addon;
}

export function cpuBackendOn(addon: NativeAddon): Backend {
  const status = (): BackendStatus => {
    const { model, cores } = addon.cpuInfo();
    return { name: 'cpu', available: true, device: { name: model, kind: 'cpu', cores } };
  };
  return createNativeBackend({ name: 'cpu', native: 'cpu', status, addon: () => addon });
}
