/**
 * Emulated runs (`--backend cuda-emu`): the kernels ran on the host SIMT emulator, so every timing,
 * rate, ratio and share is a property of the emulator, not of a GPU. Renderers mark each such
 * figure with EMULATED_MARK and say why once per report; verification and counters are unmarked.
 */
import type { ResultsDocument } from '../results/schema.js';

export const EMULATED_MARK = '†';

export function isEmulated(doc: ResultsDocument): boolean {
  return doc.emulated === true;
}

/** `text` with the mark, unless there is no figure ("—"). */
export function markTiming(emulated: boolean, text: string): string {
  return emulated && text !== '—' && text !== '' ? `${text} ${EMULATED_MARK}` : text;
}

/** The one-sentence legend: what the mark means and what is still real. */
export function emulatedLegend(doc: ResultsDocument): string {
  const e = doc.environment.emulator;
  const how = e ? ` (scheduler seed ${e.seed}, ${e.workers === 0 ? 'one worker per core' : `${e.workers} workers`})` : '';
  return (
    `${EMULATED_MARK} Emulated: the CUDA kernels ran on the host SIMT emulator${how}. ` +
    'Every timing, rate, speedup and time share is the emulator\'s, not a performance figure; ' +
    'verification (lost/stale/corrupted writes) and conflict counters are real.'
  );
}

