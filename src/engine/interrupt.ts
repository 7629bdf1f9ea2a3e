/**
 * Signal handling for a sweep: the first SIGINT/SIGTERM aborts at the next safe point (the
 * engine returns the cases finished so far), a second one exits at once, whatever a native call
 * in flight is doing (src/io/sys.ts: exitNow).
 */
import { exitNow } from '../io/sys.js';

export interface InterruptGuard {
  signal: AbortSignal;
  /** The exit code for the first signal received (130 SIGINT, 143 SIGTERM), if any. */
  readonly exitCode: number | undefined;
  readonly signalName: NodeJS.Signals | undefined;
  dispose(): void;
}

const CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * `write` gets one message line (no newline): the run command routes it above the progress bar.
 * `beforeForcedExit` runs just before a second signal exits; it returns what to add to the message
 * (where the finished cases are kept).
 */
export function installInterruptGuard(
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  exit: (code: number) => never = exitNow,
  beforeForcedExit: () => string = () => '',
): InterruptGuard {
  const controller = new AbortController();
  let first: NodeJS.Signals | undefined;
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of Object.keys(CODES) as NodeJS.Signals[]) {
    const handler = (): void => {
      if (first === undefined) {
        first = sig;
        write(`writeprof: ${sig}: stopping after the current sample and writing the finished cases (${sig === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to quit now)`);
        controller.abort();
        return;
      }
      write(`writeprof: ${sig} again: exiting now without writing results${beforeForcedExit()}`);
      exit(CODES[first]!);
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  return {
    signal: controller.signal,
    get exitCode() {
      return first === undefined ? undefined : CODES[first];
    },
    get signalName() {
      return first;
    },
    dispose() {
      for (const [sig, h] of handlers) process.off(sig, h);
    },
  };
}
