/** The machine a run happened on, as recorded in results.environment. */
import os from 'node:os';
import type { BackendStatus } from '../backends/backend.js';
import type { ResultsDocument } from './schema.js';

export type Environment = ResultsDocument['environment'];

export function captureEnvironment(status: BackendStatus): Environment {
  const cpus = os.cpus();
  const device: Environment['device'] = {};
  for (const [k, v] of Object.entries(status.device ?? {})) {
    // The results JSON holds no NaN/Infinity and no undefined: keep only what round-trips.
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    if (v !== undefined) device[k] = v;
  }
  return {
    host: os.hostname(),
    cpu: cpus[0]?.model.trim() || 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    backend: status.name,
    device,
    ...(status.emulator ? { emulator: { ...status.emulator } } : {}),
  };
}
