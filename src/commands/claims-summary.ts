/**
 * The claims a run's or a report's summary checks (--claims <file>, default the story's, or
 * --no-claims): evaluated by validate's own code, so a summary and `writeprof validate` cannot
 * disagree, and turned into the thresholds the charts draw.
 */
import { join } from 'node:path';
import { loadClaims, type ClaimsFile } from '../gates/claims.js';
import { evaluateClaims } from '../gates/validate.js';
import { displayPath, PACKAGE_ROOT } from '../profile/load.js';
import type { ChartThreshold, ClaimsChecked } from '../results/claim-outcome.js';
import { splitByDevice } from '../results/devices.js';
import type { ResultsDocument } from '../results/schema.js';

/** The story's claims: what a summary checks unless told otherwise. */
export const DEFAULT_CLAIMS = join(PACKAGE_ROOT, 'profiles', 'claims', 'story-3.1.json');

/** --claims as commander hands it over: a path, false for --no-claims, undefined for the default. */
export type ClaimsFlag = string | boolean | undefined;

export function claimsPath(flag: ClaimsFlag): string | undefined {
  if (flag === false) return undefined;
  return typeof flag === 'string' ? flag : DEFAULT_CLAIMS;
}

function thresholdsOf(file: ClaimsFile): ChartThreshold[] {
  const out: ChartThreshold[] = [];
  for (const c of file.claims) {
    const modes = c.select.mode === undefined ? undefined : [c.select.mode].flat();
    if (c.kind === 'minSpeedup') out.push({ kind: 'speedup', id: c.id, min: c.min, ...(modes ? { modes } : {}) });
    if (c.kind === 'minSpeedupOverPeer') out.push({ kind: 'vsPeer', id: c.id, min: c.min, peer: c.peer, ...(modes ? { modes } : {}) });
  }
  return out;
}

/** The claims file loaded (bad input: exit 2 before anything runs). */
export function loadSummaryClaims(flag: ClaimsFlag): { path: string; file: ClaimsFile } | undefined {
  const path = claimsPath(flag);
  return path === undefined ? undefined : { path, file: loadClaims(path) };
}

/** The claims checked against a document (on one device; a merged document's summary is per device). */
export function checkSummaryClaims(doc: ResultsDocument, claims: { path: string; file: ClaimsFile } | undefined): ClaimsChecked | undefined {
  if (!claims || splitByDevice(doc).length > 1) return undefined;
  return { file: displayPath(claims.path), name: claims.file.name, outcomes: evaluateClaims(doc, claims.file), thresholds: thresholdsOf(claims.file) };
}
