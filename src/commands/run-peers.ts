/**
 * The peers of `writeprof run`: its flags --peer, --redis-url, --redis-persistence,
 * --redis-command (and --backend redis|libcuckoo, which makes a peer the run's own backend),
 * checked before anything runs (a Redis flag in a run without Redis is refused rather than
 * ignored); and how the run journal keeps them for --resume: everything but a Redis password,
 * which is never written anywhere (a resumed run takes it from WRITEPROF_REDIS_PASSWORD again).
 */
import { invalid, UsageError } from '../errors.js';
import { DEFAULTS, REDIS_LIMITS } from '../limits.js';
import { isPeerName, PEERS, type BackendName, type PeerName } from '../model.js';
import type { PeerOptions } from '../backends/peers.js';
import { parseRedisUrl, type RedisEndpoint } from '../backends/redis/url.js';
import { parseList, parseNumber } from '../profile/values.js';

export interface RawPeerOptions {
  peer?: string;
  redisUrl?: string;
  redisPersistence?: string;
  redisCommand?: string;
  redisTimeout?: string;
  strategy?: string;
}

export interface PeerSettings {
  /** peers measured beside the main backend's cases (--peer), without the main backend itself */
  peers: PeerName[];
  redisEndpoint?: RedisEndpoint;
  redisPersistence: 'none' | 'aof';
  redisCommand: 'set' | 'mset';
  /** --redis-timeout: connect, and each reply complete from its request, ms */
  redisTimeoutMs: number;
}

function parsePeer(field: string, raw: unknown): PeerName {
  if (typeof raw === 'string' && isPeerName(raw)) return raw;
  throw invalid(field, raw, PEERS.join(', '));
}

export function parsePeerFlags(o: RawPeerOptions, backend: 'auto' | BackendName): PeerSettings {
  const mainPeer = isPeerName(backend) ? backend : undefined;
  if (mainPeer && o.strategy !== undefined) {
    throw new UsageError(`--strategy: the ${mainPeer} backend is a peer and has no strategies (its cases are strategy "peer"); drop --strategy, or measure ${mainPeer} beside a backend with --peer ${mainPeer}`);
  }
  const listed = o.peer === undefined ? [] : parseList('--peer', o.peer, parsePeer, true);
  const peers = listed.filter((p) => p !== mainPeer);
  const redis = mainPeer === 'redis' || peers.includes('redis');
  const persistence = o.redisPersistence ?? 'none';
  if (persistence !== 'none' && persistence !== 'aof') throw invalid('--redis-persistence', persistence, 'none, aof');
  const command = o.redisCommand ?? 'set';
  if (command !== 'set' && command !== 'mset') throw invalid('--redis-command', command, 'set, mset');
  const timeoutMs = o.redisTimeout === undefined ? DEFAULTS.redisTimeoutMs : Math.round(parseNumber('--redis-timeout', o.redisTimeout, REDIS_LIMITS.timeoutSec) * 1000);
  for (const [flag, given] of [['--redis-url', o.redisUrl], ['--redis-persistence', o.redisPersistence], ['--redis-command', o.redisCommand], ['--redis-timeout', o.redisTimeout]] as const) {
    if (given !== undefined && !redis) throw new UsageError(`${flag}: this run measures no Redis; add --peer redis (or --backend redis)`);
  }
  if (o.redisUrl !== undefined && o.redisPersistence !== undefined) {
    throw new UsageError('--redis-persistence: applies to the redis-server writeprof starts, not to a server given by --redis-url');
  }
  return {
    peers,
    ...(o.redisUrl !== undefined ? { redisEndpoint: parseRedisUrl(o.redisUrl, process.env['WRITEPROF_REDIS_PASSWORD'] ?? '') } : {}),
    redisPersistence: persistence,
    redisCommand: command,
    redisTimeoutMs: timeoutMs,
  };
}

export type PeerRecord = Omit<PeerSettings, 'redisEndpoint'> & { redisEndpoint?: Omit<RedisEndpoint, 'password'> };

export function peerRecord(s: PeerSettings): PeerRecord {
  const { redisEndpoint, ...rest } = s;
  if (!redisEndpoint) return rest;
  const { password: _secret, ...endpoint } = redisEndpoint;
  return { ...rest, redisEndpoint: endpoint };
}

/** What openPeers needs to reconnect a resumed run's peers. */
export function peerOptionsOf(r: PeerRecord | undefined): PeerOptions {
  const o: PeerOptions = {
    redisPersistence: r?.redisPersistence ?? 'none',
    redisCommand: r?.redisCommand ?? 'set',
    redisTimeoutMs: r?.redisTimeoutMs ?? DEFAULTS.redisTimeoutMs,
  };
  if (r?.redisEndpoint) o.redisEndpoint = { ...r.redisEndpoint, password: process.env['WRITEPROF_REDIS_PASSWORD'] ?? '' };
  return o;
}
