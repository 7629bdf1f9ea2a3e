/**
 * The Redis peer: the case's writes as SET commands over hiredis in the native addon (single:
 * one round trip per write; batch: a pipeline of N SETs, or one MSET; concurrent: T connections
 * on T threads), every distinct key read back and checked. Only keys under the run's prefix are
 * written, and each case deletes exactly the keys it wrote when it closes.
 */
import type { Backend, CaseHandle, NativeSample, OpenOptions } from '../backend.js';
import { peerStatus } from '../libcuckoo.js';
import { nativeCaseParams, openNativeCase } from '../native-backend.js';
import { loadAddon, type NativeAddon, type NativeCaseParams, type NativeRedisTarget } from '../native.js';
import { PEER_STRATEGY, type CaseSpec } from '../../model.js';
import type { ManagedRedis } from './server.js';

export interface RedisBackendConfig {
  target: NativeRedisTarget;
  /** The server writeprof started, when it did (its death explains a failing case). */
  managed?: ManagedRedis;
  /** A case could not delete its keys on an external server. */
  warn: (line: string) => void;
  addon?: () => NativeAddon;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createRedisBackend(cfg: RedisBackendConfig): Backend {
  const addon = cfg.addon ?? loadAddon;
  const managed = cfg.managed;
  /** A failure's message, with the managed server's end when that is the cause. */
  const explain = async (err: unknown): Promise<Error> => {
    const gone = managed ? await managed.waitExit(250) : undefined;
    return new Error(gone ? `${messageOf(err)} (the redis-server writeprof started ${gone})` : messageOf(err));
  };
  return {
    name: 'redis',
    status: () => peerStatus('redis'),
    open(spec: CaseSpec, options: OpenOptions): CaseHandle {
      const gone = managed?.exitReason();
      if (gone) throw new Error(`the redis-server writeprof started ${gone} earlier in the run`);
      const params: NativeCaseParams = { ...nativeCaseParams('redis', spec, options), strategy: PEER_STRATEGY, peer: cfg.target };
      const handle = openNativeCase(addon(), params, spec.id);
      return {
        async runSample(): Promise<NativeSample> {
          try {
            return await handle.runSample();
          } catch (err) {
            throw await explain(err);
          }
        },
        async close(): Promise<void> {
          try {
            // Delete this case's keys; a managed server is thrown away anyway, so only an
            // external server's leftovers are worth a warning.
            if (!managed?.exitReason()) await handle.finish();
          } catch (err) {
            if (!managed) cfg.warn(`could not delete the keys of ${spec.id} (prefix ${JSON.stringify(cfg.target.prefix)}): ${messageOf(err)}`);
          } finally {
            handle.close();
          }
        },
      };
    },
  };
}
