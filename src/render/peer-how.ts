/**
 * How a peer was reached, in the words its columns carry: Redis over TCP (loopback when the
 * server is on this machine), one round trip per write in single mode, a pipeline of N SETs (or
 * one MSET) per submission in batch mode, T connections at once in concurrent mode; libcuckoo
 * in process. A Redis figure is a client-server round trip, not a table write.
 */
import type { Mode, PeerName } from '../model.js';
import type { ResultsDocument } from '../results/schema.js';
import { fmtInt } from '../format.js';

function isLoopback(address: string): boolean {
  const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return /^127\./.test(host) || host === 'localhost' || host === '::1';
}

/** e.g. "loopback TCP, pipelined 1,000" — `perBatch`: the rows' batch sizes vary (a batch table). */
export function peerHow(doc: ResultsDocument, peer: PeerName, mode: Mode, perBatch: boolean, batchSize?: number): string {
  if (peer === 'libcuckoo') return 'in process';
  const env = doc.environment.peers?.redis ?? {};
  const address = typeof env['address'] === 'string' ? env['address'] : '';
  const transport = address === '' ? 'TCP' : isLoopback(address) ? 'loopback TCP' : `TCP to ${address}`;
  const mset = env['command'] === 'mset';
  const n = perBatch || batchSize === undefined ? 'N = batch' : fmtInt(batchSize);
  if (mode === 'single') return `${transport}, a round trip per write`;
  const batch = mset ? `one MSET of ${n}` : `pipelined ${n}`;
  return mode === 'concurrent' ? `${transport}, a connection per thread, ${batch}` : `${transport}, ${batch}`;
}
