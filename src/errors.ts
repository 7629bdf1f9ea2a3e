/**
 * Exit-code policy in one place: bad input exits 2, a regression or failed check exits 1.
 * Commands throw these; cli.ts turns them into one line on stderr and the exit code.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
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

/** Run interrupted by a signal: exit 130 (SIGINT) or 143 (SIGTERM). */
export class Interrupted extends Error {
  constructor(readonly exitCode: number, message = 'interrupted') {
    super(message);
    this.name = 'Interrupted';
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof CheckFailed || err instanceof Interrupted) return err.exitCode;
  // Anything else is a bug in writeprof, not the user's input: distinct code, still one line.
  return 3;
}
