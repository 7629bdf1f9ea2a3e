/**
 * The peers of a run (--backend redis|libcuckoo, --peer) as the run journal keeps them for
 * --resume: everything but a Redis password, which is never written anywhere. A resumed run takes
 * it from WRITEPROF_REDIS_PASSWORD again.
 */
import type { PeerOptions } from '../backends/peers.js';
import type { RedisEndpoint } from '../backends/redis/url.js';
import type { PeerSettings } from '../profile/peer-flags.js';

export type PeerRecord = Omit<PeerSettings, 'redisEndpoint'> & { redisEndpoint?: Omit<RedisEndpoint, 'password'> };

export function peerRecord(s: PeerSettings): PeerRecord {
  const { redisEndpoint, ...rest } = s;
  if (!redisEndpoint) return rest;
  const { password: _secret, ...endpoint } = redisEndpoint;
  return { ...rest, redisEndpoint: endpoint };
}

/** What openPeers needs to reconnect a resumed run's peers. */
export function peerOptionsOf(r: PeerRecord | undefined): PeerOptions {
  const o: PeerOptions = { redisPersistence: r?.redisPersistence ?? 'none', redisCommand: r?.redisCommand ?? 'set' };
  if (r?.redisEndpoint) o.redisEndpoint = { ...r.redisEndpoint, password: process.env['WRITEPROF_REDIS_PASSWORD'] ?? '' };
  return o;
}
