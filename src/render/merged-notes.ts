/** Lines about where results came from, shared by the terminal and markdown renderers. */
import { deviceLabel } from '../results/devices.js';
import type { ResultsDocument } from '../results/schema.js';

/** Why a document is partial: an interrupted run, or a merge that lacked cases (this device's, in a per-device part). */
export function partialNote(doc: ResultsDocument): string {
  const missing = doc.merged?.missing;
  if (!missing) return `Partial results: the run was interrupted after ${doc.cases.length} cases.`;
  const label = deviceLabel(doc.environment);
  const mine = missing.filter((g) => g.device === label);
  const groups = mine.length ? mine : missing;
  const count = groups.reduce((a, g) => a + g.cases.length, 0);
  const shards = [...new Set(groups.flatMap((g) => (g.shard !== undefined ? [g.shard] : [])))];
  const where = shards.length ? ` (shard ${shards.join(', ')})` : '';
  return `Partial results: merged without ${count} cases of the plan${where}.`;
}

/** "merged from 4 results (shards 1-4/4) on hosts a, b" — undefined for a plain run. */
export function mergedNote(doc: ResultsDocument, hosts: readonly string[]): string | undefined {
  if (!doc.merged) return undefined;
  const n = doc.merged.inputs.length;
  return `Merged from ${n} results file${n === 1 ? '' : 's'}; cases ran on ${hosts.length === 1 ? 'host' : 'hosts'} ${hosts.join(', ')}.`;
}
