/**
 * The libcuckoo peer: libcuckoo's concurrent cuckoo hash map (Debian libcuckoo-dev), in process,
 * fed the case's key stream and value bytes by the native runner (kernels/peers/). `make bench`
 * opens it through this same backend.
 */
import { execFileSync } from 'node:child_process';
import type { Backend, BackendStatus, CaseHandle, OpenOptions } from './backend.js';
import { cpuStatus } from './cpu.js';
import { nativeCaseParams, openNativeCase } from './native-backend.js';
import { loadAddon, type NativeAddon, type NativeCaseParams } from './native.js';
import { PEER_STRATEGY, type CaseSpec } from '../model.js';

export type CuckooStore = 'arena' | 'inline';

/** The Debian package's version (the headers carry none); null where dpkg cannot say. */
export function libcuckooVersion(): string | null {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libcuckoo-dev'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/** A peer runs on the host: its device is the host CPU. */
export function peerStatus(name: 'redis' | 'libcuckoo'): BackendStatus {
  return { ...cpuStatus(), name };
}

/**
 * `store`: `arena` (the map holds an offset into a value arena, writeprof's own design; any value
 * size) or `inline` (the map holds the bytes; powers of two up to 4 KiB).
 */
export function createCuckooBackend(store: CuckooStore = 'arena', addon: () => NativeAddon = loadAddon): Backend {
  return {
    name: 'libcuckoo',
    status: () => peerStatus('libcuckoo'),
    open(spec: CaseSpec, options: OpenOptions): CaseHandle {
      const params: NativeCaseParams = { ...nativeCaseParams('libcuckoo', spec, options), strategy: PEER_STRATEGY, peer: { store } };
      return openNativeCase(addon(), params, spec.id);
    },
  };
}
