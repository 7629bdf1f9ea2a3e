/**
 * The sweep's progress on a terminal: one line on stderr, redrawn in place (cli-progress), with
 * cases done, elapsed time and an ETA from the measured durations of the finished cases, fitted
 * to the terminal's width (narrow panes drop the least useful fields first).
 * Messages while the bar is up (a Ctrl-C notice) go above it through note(); stop() erases the
 * bar, leaving the cursor at the start of an empty line, so whatever is written next — the
 * final message, after a normal end, an error or a signal — stands on its own line. The bar
 * leaves the terminal's cursor and line wrapping as they were (nothing to restore after a kill).
 * The run command creates it only when stderr is a TTY (and not --quiet).
 */
import cliProgress from 'cli-progress';
import type { CaseSpec, Mode } from '../model.js';
import type { ProgressEvent } from './events.js';

function shortOps(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/** 75 -> "1:15", 3725 -> "1:02:05" */
export function clockTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export interface ProgressState {
  done: number;
  total: number;
  elapsedS: number;
  /** undefined until a case has finished */
  etaS?: number;
  caseId?: string;
  phase?: string;
  n?: number;
  ops?: string;
}

/**
 * One progress line of at most `width - 3` columns: the terminal echoes a typed Ctrl-C as "^C"
 * after it, and a line that wrapped there would leave the bar's text behind when it is erased.
 * Fields, most important first: cases done, elapsed, ETA, bar, case id, rate, phase.
 */
export function progressLine(s: ProgressState, width: number): string {
  const max = Math.max(10, width - 3);
  const count = `${s.done}/${s.total} cases`;
  const times = `${clockTime(s.elapsedS)} elapsed | ETA ${s.etaS === undefined ? '--:--' : clockTime(s.etaS)}`;
  const bar = (size: number): string => {
    const full = Math.round((s.total > 0 ? s.done / s.total : 1) * size);
    return `${'█'.repeat(full)}${'░'.repeat(size - full)}`;
  };
  const tail = [s.phase ? `${s.phase} ${s.n ?? 0}` : '', s.ops && s.ops !== '-' ? `${s.ops} ops/s` : ''].filter(Boolean);
  const join = (parts: string[]): string => ' ' + parts.filter(Boolean).join(' | ');
  // Try the richest layout first, then shed fields until the line fits.
  for (const barSize of [24, 16, 10, 0]) {
    for (let keepTail = tail.length; keepTail >= 0; keepTail--) {
      const head = [(barSize ? bar(barSize) + ' ' : '') + count, times];
      const rest = tail.slice(0, keepTail);
      const without = join([...head, ...rest]);
      if (!s.caseId) {
        if (without.length <= max) return without;
        continue;
      }
      const room = max - without.length - ' | '.length;
      if (room >= s.caseId.length) return join([...head, s.caseId, ...rest]);
      if (room >= 16) return join([...head, `${s.caseId.slice(0, room - 1)}…`, ...rest]);
    }
  }
  const minimal = join([count, times]);
  return minimal.length <= max ? minimal : minimal.slice(0, max);
}

/**
 * Seconds left: each remaining case is expected to take the mean measured duration of the
 * finished cases of its mode (or of all finished cases, for a mode not yet seen), less the time
 * the current case has already run. Undefined before any case has finished.
 */
export function estimateRemaining(specs: readonly CaseSpec[], next: number, durations: ReadonlyMap<Mode, number[]>, currentElapsedS: number): number | undefined {
  const all = [...durations.values()].flat();
  if (all.length === 0) return undefined;
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const overall = mean(all);
  let left = 0;
  for (let i = next; i < specs.length; i++) {
    const seen = durations.get(specs[i]!.mode);
    const expected = seen && seen.length ? mean(seen) : overall;
    left += i === next ? Math.max(0, expected - currentElapsedS) : expected;
  }
  return left;
}

export interface ProgressBar {
  onEvent(e: ProgressEvent): void;
  /** a message line above the bar (or plain, when the bar is not shown) */
  note(line: string): void;
  /** erase the bar; idempotent */
  stop(): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** cases already finished before this session (a resumed run): events count from here */
  done?: number;
  /** seconds, monotonic */
  clock?: () => number;
}

export function createProgressBar(specs: readonly CaseSpec[], opts: ProgressOptions = {}): ProgressBar {
  const stream = opts.stream ?? process.stderr;
  const clock = opts.clock ?? (() => performance.now() / 1000);
  const offset = opts.done ?? 0;
  const started = clock();
  const durations = new Map<Mode, number[]>();
  let caseStart = started;
  const state: ProgressState = { done: offset, total: specs.length, elapsedS: 0 };
  const multi = new cliProgress.MultiBar({
    stream,
    // cli-progress hands the terminal's current width (stream.columns) to the formatter each redraw.
    format: (_o: unknown, params: { maxWidth: number }) => {
      const now = clock();
      state.elapsedS = now - started;
      state.etaS = estimateRemaining(specs, state.done, durations, now - caseStart);
      return progressLine(state, params.maxWidth);
    },
    fps: 4,
    clearOnComplete: true,
    hideCursor: false,
    linewrap: true,
    gracefulExit: false,
    autopadding: false,
  });
  let bar: cliProgress.SingleBar | undefined;
  let active = false;
  const onExit = (): void => stop();
  function stop(): void {
    if (!active) return;
    active = false;
    process.off('exit', onExit);
    multi.update(); // flush notes not drawn yet
    multi.stop();
  }
  return {
    onEvent(e) {
      if (!bar) {
        bar = multi.create(specs.length, offset, {});
        active = true;
        // Whatever ends the process (an error, process.exit on a second Ctrl-C), the bar goes first.
        process.on('exit', onExit);
      }
      if (!active) return;
      if (e.kind === 'case-start') {
        caseStart = clock();
        Object.assign(state, { caseId: e.spec.id, phase: 'open', n: 0, ops: '-' });
      } else if (e.kind === 'sample') {
        Object.assign(state, { phase: e.phase, n: e.n, ops: shortOps(e.opsPerSec) });
      } else {
        const d = durations.get(e.result.mode) ?? [];
        d.push(clock() - caseStart);
        durations.set(e.result.mode, d);
        state.done = offset + e.index + 1;
        bar.update(state.done);
      }
    },
    note(line) {
      if (!active) {
        stream.write(`${line}\n`);
        return;
      }
      multi.log(`${line}\n`);
      multi.update();
    },
    stop,
  };
}
