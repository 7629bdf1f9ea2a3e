/**
 * Peer cases in a sweep. A peer has no strategy, so it runs one case per point of the other
 * axes (mode, value size, batch size, threads, keys, load factor): with --backend <peer> those
 * are the run's cases; with --peer they follow the strategies of their point, so a strategy and
 * the peer it is compared with are measured back to back, in the same stretch of time.
 */
import { axesKey, caseId, isPeerName, PEER_STRATEGY, type BackendName, type CaseSpec, type PeerName } from '../model.js';

function peerSpec(spec: CaseSpec, peer: PeerName): CaseSpec {
  const c = { ...spec, strategy: PEER_STRATEGY, peer } as Omit<CaseSpec, 'id'> & { id?: string };
  delete c.id;
  return { id: caseId(c), ...c };
}

export function planPeerCases(specs: readonly CaseSpec[], backend: 'auto' | BackendName, peers: readonly PeerName[]): CaseSpec[] {
  const mainPeer = isPeerName(backend) ? backend : undefined;
  const lastOf = new Map<string, number>();
  specs.forEach((s, i) => lastOf.set(axesKey(s), i));
  const out: CaseSpec[] = [];
  const seen = new Set<string>();
  const push = (s: CaseSpec): void => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    out.push(s);
  };
  specs.forEach((s, i) => {
    if (!mainPeer) push(s);
    if (lastOf.get(axesKey(s)) !== i) return;
    if (mainPeer) push(peerSpec(s, mainPeer));
    for (const p of peers) push(peerSpec(s, p));
  });
  return out;
}
