/**
 * The two system calls writeprof needs and Node does not offer, from the small native module
 * build/Release/writeprof_sys.node (kernels/sys/sys.cc):
 *  - exitNow: ends the process at once. process.exit() joins libuv's thread pool first, so it
 *    waits for every native call in flight (a peer's blocking read, the open of a FIFO nobody
 *    reads); a second Ctrl-C must not.
 *  - tryLock: an advisory lock (flock) on an open file, held until the descriptor is closed or
 *    the process ends however it ends: ownership that a crash releases and a reused pid cannot
 *    fake.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface SysAddon {
  exitNow(code: number): never;
  tryLock(fd: number): 'locked' | 'busy' | 'unsupported';
}

const PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'Release', 'writeprof_sys.node');
let loaded: SysAddon | undefined;

function sys(): SysAddon {
  if (!loaded) {
    if (!existsSync(PATH)) throw new Error(`native module not built (${PATH}); run \`make build\``);
    loaded = createRequire(import.meta.url)(PATH) as SysAddon;
  }
  return loaded;
}

/**
 * Runs the process's 'exit' listeners (they stop what writeprof started: a redis-server, temp
 * files), then ends the process with `code` without waiting for native calls in flight.
 */
export function exitNow(code: number): never {
  process.exitCode = code;
  try {
    process.emit('exit', code);
  } catch {
    /* an exit listener that throws must not keep the process alive */
  }
  try {
    return sys().exitNow(code);
  } catch {
    return process.exit(code); // module missing: the best Node offers
  }
}

export type LockResult = 'locked' | 'busy' | 'unsupported';

/** flock(LOCK_EX | LOCK_NB) on `fd`. */
export function tryLock(fd: number): LockResult {
  return sys().tryLock(fd);
}
