/**
 * The sweep's progress on a terminal: one cli-progress bar on stderr, redrawn in place.
 * The run command creates it only when stderr is a TTY (and not --quiet): piped output and
 * CI logs get nothing.
 */
import cliProgress from 'cli-progress';
import type { ProgressEvent } from './events.js';

function shortOps(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

export interface ProgressBar {
  onEvent(e: ProgressEvent): void;
  stop(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} cases | {case} | {phase} {n} | {ops} ops/s',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onEvent(e) {
      if (!started) {
        bar.start(e.total, 0, { case: '', phase: '', n: 0, ops: '-' });
        started = true;
      }
      if (e.kind === 'case-start') bar.update(e.index, { case: e.spec.id, phase: 'open', n: 0, ops: '-' });
      else if (e.kind === 'sample') bar.update(e.index, { phase: e.phase, n: e.n, ops: shortOps(e.opsPerSec) });
      else bar.update(e.index + 1);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
