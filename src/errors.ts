/**
 * Exit-code policy in one place: 0 success; 1 a check ran and failed (regression, failed claim,
 * lost writes); 2 bad input, or a check that could not be made (nothing to check: never a pass);
 * 3 a bug in writeprof; 4 results could not be written (disk full, I/O error); 130/143 signals.
 * Commands throw these; cli.ts turns them into one line on stderr and the exit code.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A user's source that does not build (a strategy file): the compiler's own first error lines,
 * each at its file:line, are all the user sees (cli.ts prints them as they are, one per line).
 */
export class CompileError extends UsageError {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('; '));
    this.name = 'CompileError';
  }
}

/** Invalid value for a named field: "<field>: <value> is invalid; allowed: <allowed>". */
export function invalid(field: string, value: unknown, allowed: string): UsageError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new UsageError(`${field}: ${shown} is invalid; allowed: ${allowed}`);
}

/** A check that ran and found a problem (regression, failed claim, lost writes). */
export class CheckFailed extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/**
 * Results could not be written after measuring (disk full, I/O error, the output became
 * unwritable): distinct from bad input, and the message says where the finished cases are kept.
 */
export class IoFailure extends Error {
  readonly exitCode = 4;
  constructor(message: string) {
    super(message);
    this.name = 'IoFailure';
  }
}

/** Run interrupted by a signal: exit 130 (SIGINT) or 143 (SIGTERM). */
export class Interrupted extends Error {
  constructor(readonly exitCode: number, message = 'interrupted') {
    super(message);
    this.name = 'Interrupted';
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof CheckFailed || err instanceof IoFailure || err instanceof Interrupted) return err.exitCode;
  // Anything else is a bug in writeprof, not the user's input: distinct code, still one line.
  return 3;
}
