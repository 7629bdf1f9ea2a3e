/** The CPU backend: host threads with real atomics, always available once the addon is built. */
import type { Backend, BackendStatus } from './backend.js';
import { createNativeBackend } from './native-backend.js';
import { loadAddon } from './native.js';

export function cpuStatus(): BackendStatus {
  try {
    const { model, cores } = loadAddon().cpuInfo();
    return { name: 'cpu', available: true, device: { name: model, kind: 'cpu', cores } };
  } catch (err) {
    return { name: 'cpu', available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export const cpuBackend: Backend = createNativeBackend({ name: 'cpu', native: 'cpu', status: cpuStatus });
