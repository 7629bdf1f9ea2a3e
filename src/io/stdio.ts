/**
 * stdout or stderr closed by the reader (`writeprof … | head -1`, `| true`): Node reports EPIPE as
 * an unhandled 'error' event and dies with a stack trace, before `run` has written its files.
 * A reader that stopped reading is not a failure of the command: further output to that stream
 * is dropped, the command finishes its work (files included) and its exit code says how that went.
 */
let closed = { stdout: false, stderr: false };

function guard(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED' || err.code === 'ECONNRESET') {
      closed[name] = true;
      return;
    }
    // Any other error on our own output stream: nothing sensible left to print it to.
    closed[name] = true;
    process.exitCode = process.exitCode || 4;
  });
}

let installed = false;

/** Installs the EPIPE handling on process.stdout and process.stderr (once). */
export function guardStdio(): void {
  if (installed) return;
  installed = true;
  closed = { stdout: false, stderr: false };
  guard(process.stdout, 'stdout');
  guard(process.stderr, 'stderr');
}

/** Whether the reader of stdout/stderr has gone away. */
export function streamClosed(name: 'stdout' | 'stderr'): boolean {
  return closed[name];
}
