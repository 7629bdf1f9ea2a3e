/**
 * The peers of a run (`--backend redis|libcuckoo`, `--peer redis,libcuckoo`): set up before the
 * sweep (a managed redis-server started, or an external one probed: unreachable is exit 2 with
 * one line), described for results.environment.peers, and torn down by close() on every path.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.js';
import { DEFAULTS } from '../limits.js';
import { isPeerName, type BackendName, type CaseSpec, type EmulatorSettings, type PeerName } from '../model.js';
import type { Backend, CaseHandle, OpenOptions } from './backend.js';
import { selectBackend, type BackendChoice, type Selected } from './index.js';
import { createCuckooBackend, libcuckooVersion, peerStatus } from './libcuckoo.js';
import { loadAddon, type NativeAddon, type NativeRedisTarget, type RawRedisInfo } from './native.js';
import { createRedisBackend } from './redis/backend.js';
import { startManagedRedis, type ManagedRedis, type Persistence } from './redis/server.js';
import { describeEndpoint, type RedisEndpoint } from './redis/url.js';

export interface PeerOptions {
  /** an existing server (--redis-url); absent: writeprof starts its own */
  redisEndpoint?: RedisEndpoint;
  redisPersistence: Persistence;
  redisCommand: 'set' | 'mset';
  /** connecting, and each reply complete from its request, ms */
  redisTimeoutMs?: number;
}

/**
 * Where a run's peer settings come from, for messages: the command's flags, or a journal being
 * resumed (whose flags cannot be given again, and which keeps no password).
 */
export type PeerOrigin = 'flags' | 'resume';

/** What results.environment.peers records: flat facts per peer (never a password). */
export type PeerEnvironment = Partial<Record<PeerName, Record<string, string | number | boolean | null>>>;

export interface PeerSession {
  backends: Map<PeerName, Backend>;
  environment: PeerEnvironment;
  /** Things the user should know at the end (keys that could not be deleted). */
  warnings: string[];
  /** Stops what the session started; safe to call more than once. */
  close(): Promise<void>;
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** Records what the server says about itself under config.<name> (never a password). */
function serverFields(info: RawRedisInfo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(info.fields)) out[`config.${k}`] = v;
  return out;
}

/** Why an external server refused us, and what the user can do about it. */
function externalFailure(e: RedisEndpoint, err: unknown, origin: PeerOrigin): UsageError {
  const why = messageOf(err);
  const auth = /\b(NOAUTH|WRONGPASS|AUTH)\b/.test(why);
  if (origin === 'resume') {
    const hint = auth ? '; the journal keeps no password: set WRITEPROF_REDIS_PASSWORD to the server\'s password and resume again' : '';
    return new UsageError(`--resume: the run's Redis server ${describeEndpoint(e)} cannot be used: ${why}${hint}`);
  }
  const hint = auth ? ' (the password comes from the URL or WRITEPROF_REDIS_PASSWORD)' : '';
  return new UsageError(`--redis-url: cannot use ${describeEndpoint(e)}: ${why}${hint}`);
}

async function openRedis(o: PeerOptions, addon: () => NativeAddon, note: (line: string) => void, warnings: string[], origin: PeerOrigin) {
  // A prefix of our own: on a shared server, writeprof touches no key it did not write.
  const prefix = `writeprof:${randomBytes(6).toString('hex')}:`;
  const base = { user: '', password: '', db: 0, prefix, timeoutMs: o.redisTimeoutMs ?? DEFAULTS.redisTimeoutMs, command: o.redisCommand } as const;
  let target: NativeRedisTarget;
  let managed: ManagedRedis | undefined;
  let info: RawRedisInfo;
  if (o.redisEndpoint) {
    const e = o.redisEndpoint;
    target = { ...base, host: e.host, port: e.port, db: e.db, user: e.user, password: e.password };
    try {
      info = await addon().redisInfo(target);
    } catch (err) {
      throw externalFailure(e, err, origin);
    }
    note(`peer redis: external server ${describeEndpoint(e)} (Redis ${info.version || 'of unknown version'}); keys under prefix ${JSON.stringify(prefix)}, each case deletes its own`);
  } else {
    const probe = (port: number): Promise<RawRedisInfo> => addon().redisInfo({ ...base, host: '127.0.0.1', port, timeoutMs: 1000 });
    managed = await startManagedRedis({ persistence: o.redisPersistence, ready: async (port) => void (await probe(port)) });
    target = { ...base, host: managed.host, port: managed.port };
    try {
      info = await addon().redisInfo(target);
    } catch (err) {
      await managed.stop();
      throw new UsageError(`redis: the redis-server writeprof started does not answer: ${messageOf(err)}`);
    }
    const persistence = o.redisPersistence === 'aof' ? 'append-only file (appendfsync everysec)' : 'persistence off';
    note(`peer redis: started redis-server ${info.version} on ${managed.host}:${managed.port} (pid ${managed.pid}, ${persistence})`);
  }
  const backend = createRedisBackend({ target, ...(managed ? { managed } : {}), warn: (l) => warnings.push(`redis: ${l}`), addon });
  const env: PeerEnvironment['redis'] = {
    server: managed ? 'managed' : 'external',
    version: info.version || null,
    address: `${target.host}:${target.port}`,
    db: target.db,
    auth: target.password !== '',
    persistence: managed ? o.redisPersistence : info.fields['appendonly'] === 'yes' ? 'aof' : info.fields['save'] ? 'rdb' : 'none',
    command: o.redisCommand,
    keyPrefix: prefix,
    client: `hiredis ${info.hiredis}`,
    ...serverFields(info),
  };
  return { backend, env, managed };
}

export async function openPeers(
  names: readonly PeerName[],
  o: PeerOptions,
  note: (line: string) => void,
  origin: PeerOrigin = 'flags',
  addon: () => NativeAddon = loadAddon,
): Promise<PeerSession> {
  const backends = new Map<PeerName, Backend>();
  const environment: PeerEnvironment = {};
  const warnings: string[] = [];
  let managed: ManagedRedis | undefined;
  for (const name of names) {
    if (name === 'redis') {
      const r = await openRedis(o, addon, note, warnings, origin);
      backends.set('redis', r.backend);
      environment.redis = r.env;
      managed = r.managed;
    } else {
      const store = 'arena';
      const version = libcuckooVersion();
      backends.set('libcuckoo', createCuckooBackend(store, addon));
      environment.libcuckoo = { version, store };
      note(`peer libcuckoo: in process (libcuckoo ${version ?? 'of unknown version'}, ${store} store)`);
    }
  }
  let closed = false;
  return {
    backends,
    environment,
    warnings,
    async close() {
      if (closed) return;
      closed = true;
      await managed?.stop();
    },
  };
}

/** One Backend for the sweep: a peer's case goes to its peer, every other case to `main`. */
export function routeCases(main: Backend, peers: ReadonlyMap<PeerName, Backend>): Backend {
  return {
    name: main.name,
    status: () => main.status(),
    open(spec: CaseSpec, options: OpenOptions): CaseHandle {
      if (!spec.peer) return main.open(spec, options);
      const peer = peers.get(spec.peer);
      if (!peer) throw new Error(`no ${spec.peer} peer in this run`);
      return peer.open(spec, options);
    },
    ...(main.countTraffic ? { countTraffic: main.countTraffic.bind(main) } : {}),
  };
}

/** The run's own backend: selectBackend()'s choice, or a peer (whose cases all go through routeCases). */
export async function selectRunBackend(choice: 'auto' | BackendName, emulator?: EmulatorSettings): Promise<Selected> {
  if (!isPeerName(choice)) return selectBackend(choice as BackendChoice, undefined, emulator);
  const status = peerStatus(choice);
  if (!status.available) throw new UsageError(`backend ${choice}: unavailable (${status.reason?.split('\n')[0] ?? 'unknown reason'})`);
  const backend: Backend = {
    name: choice,
    status: () => status,
    open(spec) {
      throw new Error(`case ${spec.id}: the ${choice} backend is a peer and runs no strategy`);
    },
  };
  return { backend, status, line: `backend: ${choice} (a peer: no strategies, its cases are strategy "peer")` };
}
