/**
 * The terminal after any exit. writeprof runs on a real pseudo-terminal
 * (`script` from util-linux), Ctrl-C is typed into it, and what it wrote is replayed into a
 * headless xterm (@xterm/headless, the terminal emulator of VS Code) to read the screen a user sees:
 * the final message on its own line, no progress bar left, and while running a bar with elapsed
 * time and an ETA that fits the terminal's width.
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, isRoot, mknodChar, requireCli, tempDir } from './helpers.js';

beforeAll(() => {
  requireCli();
  execFileSync('script', ['--version']); // util-linux; fails loudly if missing
});

const COLS = 120;
const ROWS = 40;

interface PtyRun {
  code: number | null;
  raw: string;
}

/**
 * Runs writeprof on a pty of COLS x ROWS. `drive` sees the output so far and may type into the
 * terminal or signal writeprof (its pid is script's child).
 */
function inPty(args: string[], drive?: (out: () => string, type: (s: string) => void, pid: () => number | undefined) => void): Promise<PtyRun> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', `stty cols ${COLS} rows ${ROWS}; exec ${quoted}`, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm-256color' },
  });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString('utf8')));
  // writeprof is script's child (exec'd by its shell): found by parent pid in /proc.
  const pid = (): number | undefined => {
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === child.pid) return Number(e);
      } catch {
        /* exited meanwhile */
      }
    }
    return undefined;
  };
  drive?.(() => raw, (s) => child.stdin.write(s), pid);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, raw })));
}

interface Screen {
  lines: string[];
  cursorX: number;
  /** lines that are continuations of a line too long for the width */
  wrapped: number;
}

async function screenOf(raw: string): Promise<Screen> {
  const term = new xterm.Terminal({ cols: COLS, rows: ROWS, scrollback: 1000, allowProposedApi: true });
  await new Promise<void>((r) => term.write(raw, r));
  const buf = term.buffer.active;
  const lines: string[] = [];
  let wrapped = 0;
  for (let y = 0; y < buf.length; y++) {
    const line = buf.getLine(y)!;
    // A message longer than the width continues on the next row: one logical line.
    if (line.isWrapped && lines.length) {
      wrapped++;
      lines[lines.length - 1] += line.translateToString(true);
    } else lines.push(line.translateToString(true));
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const cursorX = buf.cursorX;
  term.dispose();
  return { lines, cursorX, wrapped };
}

const BAR = /cases \||[█░]/;
const until = (cond: () => boolean, ms = 30_000): Promise<void> =>
  new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = (): void => {
      if (cond()) resolve();
      else if (Date.now() - t0 > ms) reject(new Error('timed out waiting on the pty'));
      else setTimeout(tick, 50);
    };
    tick();
  });

/** A sweep of ten batch cases of ~0.3 s each: long enough to interrupt, short enough for CI. */
const SWEEP = ['run', '--backend', 'cpu', '--profile', 'quick', '--mode', 'batch', '--strategy', 'all', '--batch-size', '100,1000', '--keys', '20000', '--warmup', '0', '--min-samples', '3', '--max-samples', '1000', '--min-time', '0.3', '--max-time', '0.3', '--max-noise', '0'];

describe.concurrent('the terminal after Ctrl-C and every other exit', () => {
  it('Ctrl-C: the bar (elapsed, ETA, within 120 columns) is erased and each message has its own line', async () => {
    const out = join(tempDir('pty-int'), 'r.json');
    let midRun: Screen | undefined;
    const r = await inPty([...SWEEP, '-o', out], (raw, type) => {
      void until(() => /2\/10 cases/.test(raw())).then(async () => {
        midRun = await screenOf(raw());
        type('\u0003'); // Ctrl-C, through the terminal's line discipline
      });
    });
    expect(r.code).toBe(130);
    // After: the notice, the results line and the final message, each on a line of its own.
    const s = await screenOf(r.raw);
    expect(s.lines.filter((l) => BAR.test(l))).toEqual([]);
    expect(s.lines.slice(-3)).toEqual([
      'writeprof: SIGINT: stopping after the current sample and writing the finished cases (Ctrl-C again to quit now)',
      `results: ${out}`,
      expect.stringMatching(new RegExp(`^writeprof: interrupted by SIGINT: wrote \\d+ of 10 cases \\(partial\\) to ${out}$`)),
    ]);
    expect(s.cursorX).toBe(0);
    // While running: one bar line, fitted to the width, with elapsed time and an ETA.
    const bar = midRun!.lines.filter((l) => BAR.test(l));
    expect(bar).toHaveLength(1);
    expect(bar[0]).toMatch(/ \d+\/10 cases \| \d+:\d\d elapsed \| ETA \d+:\d\d \| batch\//);
    expect(bar[0]!.length).toBeLessThanOrEqual(COLS - 3); // room for the echoed ^C
    expect(midRun!.wrapped).toBe(0);
  });

  it('SIGTERM and a second Ctrl-C end the same way: no bar, final message last', async () => {
    const term = await inPty([...SWEEP, '-o', join(tempDir('pty-term'), 'r.json')], (raw, _type, pid) => {
      void until(() => /1\/10 cases/.test(raw())).then(() => process.kill(pid()!, 'SIGTERM'));
    });
    expect(term.code).toBe(143);
    const t = await screenOf(term.raw);
    expect(t.lines.filter((l) => BAR.test(l))).toEqual([]);
    expect(t.lines.at(-1)).toMatch(/^writeprof: interrupted by SIGTERM: wrote \d+ of 10 cases \(partial\)/);

    // Two cases whose samples take a second or more: both Ctrl-Cs land inside the second one.
    const long = ['run', '--backend', 'cpu', '--profile', 'quick', '--mode', 'batch', '--strategy', 'baseline,lock-free', '--batch-size', '1000', '--keys', '2000000', '--warmup', '0', '--min-samples', '1', '--max-samples', '1'];
    const twice = await inPty([...long, '-o', join(tempDir('pty-twice'), 'r.json')], (raw, type) => {
      void until(() => /1\/2 cases/.test(raw())).then(() => {
        type('\u0003');
        setTimeout(() => type('\u0003'), 50);
      });
    });
    expect(twice.code).toBe(130);
    const w = await screenOf(twice.raw);
    expect(w.lines.filter((l) => BAR.test(l))).toEqual([]);
    // A starved machine may let the first Ctrl-C end the run before the second is typed: then the
    // terminal echoes that ^C after the run's last line. Either way the run's final message is its
    // last output, and nothing follows it but the echo.
    const echoed = w.lines.at(-1) === '^C' && w.lines.length > 1;
    const last = echoed ? w.lines.at(-2) : w.lines.at(-1);
    expect(last).toMatch(
      /^writeprof: (SIGINT again: exiting now without writing results; 1 finished cases are kept in .*r\.json\.journal: `writeprof run --resume |interrupted by SIGINT: wrote (1 of 2 cases \(partial\)|all 2 cases))/,
    );
    if (echoed) expect(last).toMatch(/^writeprof: interrupted by SIGINT: wrote/);
    else expect(w.cursorX).toBe(0);
  });

  it('a normal end and an error end leave no bar either', async () => {
    const ok = await inPty([...SWEEP, '--batch-size', '100', '--strategy', 'baseline,lock-free', '-o', join(tempDir('pty-ok'), 'r.json'), '--format', 'json']);
    expect(ok.code).toBe(0);
    const s = await screenOf(ok.raw);
    expect(s.lines.filter((l) => BAR.test(l))).toEqual([]);
    expect(s.lines.at(-1)).toBe('}');
    if (!isRoot) return;
    // The results cannot be written (a full device): exit 4, the error on its own line.
    const full = mknodChar(join(tempDir('pty-full'), 'full'), 1, 7);
    const bad = await inPty([...SWEEP, '--batch-size', '100', '--strategy', 'baseline,lock-free', '-o', full]);
    expect(bad.code).toBe(4);
    const b = await screenOf(bad.raw);
    expect(b.lines.filter((l) => BAR.test(l))).toEqual([]);
    expect(b.lines.at(-1)).toMatch(/^writeprof: .*full: cannot write \(ENOSPC: no space left on device\)$/);
  });
});
