/**
 * The redis-server writeprof starts for itself: Debian's redis-server on 127.0.0.1, on an
 * ephemeral port, persistence off (`--save "" --appendonly no`) unless AOF is asked for, its
 * files in a temporary directory. Stopped on every exit path:
 *  - stop(): SIGTERM, then SIGKILL after a grace period; the directory removed;
 *  - process exit (an uncaught crash, a second Ctrl-C's process.exit): a synchronous SIGKILL;
 *  - writeprof killed outright (SIGKILL): the kernel's parent-death signal (setpriv --pdeathsig);
 *  - a Ctrl-C at the terminal does not reach it (its own process group): writeprof finishes the
 *    current sample first, then stops it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { UsageError } from '../../errors.js';

export type Persistence = 'none' | 'aof';

export interface ManagedRedis {
  host: string;
  port: number;
  pid: number;
  persistence: Persistence;
  /** How the process ended, once it has (e.g. "killed by SIGKILL"); undefined while it runs. */
  exitReason(): string | undefined;
  /** Waits up to `ms` for the process to end; its exit reason, or undefined if still running. */
  waitExit(ms: number): Promise<string | undefined>;
  stop(): Promise<void>;
}

export interface StartOptions {
  persistence: Persistence;
  /** Resolves once the server answers (the caller probes with the native client). */
  ready: (port: number) => Promise<void>;
  /** How long to wait for the server to answer, ms. */
  startTimeoutMs?: number;
  binary?: string;
}

function which(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** A port the kernel just handed out on 127.0.0.1 (free at that instant; a clash is retried). */
export function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}

/** Whether this setpriv can set a parent-death signal (util-linux >= 2.33). */
function pdeathsigWrapper(): string[] {
  const setpriv = which('setpriv');
  if (!setpriv) return [];
  const r = spawnSync(setpriv, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' });
  return r.status === 0 ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
}

function lastLogLine(dir: string): string {
  try {
    const lines = readFileSync(join(dir, 'redis.log'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const line = [...lines].reverse().find((l) => /#|error|fatal|could not|can't/i.test(l)) ?? lines.at(-1) ?? '';
    return line.replace(/^\d+:[A-Z] [^*#-]*[*#-] /, '').trim();
  } catch {
    return '';
  }
}

/** Servers running now, and their directories. */
const live = new Map<ChildProcess, string>();
let exitHook = false;

/** On any process exit, no server (nor its files) outlives writeprof: synchronous, as 'exit' handlers must be. */
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const [child, dir] of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

export async function startManagedRedis(o: StartOptions): Promise<ManagedRedis> {
  const binary = o.binary ?? which('redis-server');
  if (!binary || !existsSync(binary)) {
    throw new UsageError(
      `redis: redis-server not found ${binary ? `at ${binary}` : 'on PATH'}; \`make run\` installs it (Debian package redis-server), or use --redis-url for a running server`,
    );
  }
  const wrapper = pdeathsigWrapper();
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await ephemeralPort();
    const dir = mkdtempSync(join(tmpdir(), `writeprof-redis-${process.pid}-`));
    const args = [
      '--bind', '127.0.0.1', '--port', String(port), '--protected-mode', 'yes',
      '--save', '', '--appendonly', o.persistence === 'aof' ? 'yes' : 'no',
      '--dir', dir, '--logfile', join(dir, 'redis.log'), '--daemonize', 'no',
    ];
    const argv = [...wrapper, binary, ...args];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore', detached: true });
    child.unref(); // never what keeps writeprof alive: the exit hook stops it
    installExitHook();
    live.set(child, dir);
    let exited: string | undefined;
    const exitWaiters: (() => void)[] = [];
    child.once('exit', (code, signal) => {
      exited = describeExit(code, signal);
      for (const w of exitWaiters.splice(0)) w();
    });
    child.once('error', (err) => {
      exited = `could not start: ${err.message}`;
      for (const w of exitWaiters.splice(0)) w();
    });
    const waitExit = (ms: number): Promise<string | undefined> =>
      exited !== undefined
        ? Promise.resolve(exited)
        : new Promise((resolve) => {
            const t = setTimeout(() => resolve(exited), ms);
            exitWaiters.push(() => {
              clearTimeout(t);
              resolve(exited);
            });
          });
    const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
    const stop = async (): Promise<void> => {
      if (exited === undefined) {
        child.kill('SIGTERM');
        if ((await waitExit(5000)) === undefined) {
          child.kill('SIGKILL');
          await waitExit(5000);
        }
      }
      live.delete(child);
      cleanup();
    };

    // Ready when it answers; an early exit (port taken) is retried on another port.
    const deadline = Date.now() + (o.startTimeoutMs ?? 10_000);
    let ready = false;
    while (exited === undefined && Date.now() < deadline) {
      try {
        await o.ready(port);
        ready = true;
        break;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        await waitExit(50);
      }
    }
    if (ready && exited === undefined) {
      return { host: '127.0.0.1', port, pid: child.pid!, persistence: o.persistence, exitReason: () => exited, waitExit, stop };
    }
    const why = exited !== undefined ? `${exited}${lastLogLine(dir) ? `: ${lastLogLine(dir)}` : ''}` : `no answer within ${o.startTimeoutMs ?? 10_000} ms (${lastError})`;
    await stop();
    lastError = why;
    if (!/already in use/i.test(why)) break;
  }
  throw new UsageError(`redis: could not start redis-server on 127.0.0.1: ${lastError}`);
}
