/**
 * A real redis-server for the tests (Debian redis-server, installed by `make test`): on
 * 127.0.0.1, an ephemeral port, no persistence, its files in a temporary directory; started and
 * stopped by the test itself. redis-cli inspects it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralPort } from '../../src/backends/redis/server.js';

export interface TestRedis {
  port: number;
  pid: number;
  child: ChildProcess;
  /** redis-cli against this server (extra args before the command, e.g. ['-a', pw, '-n', '3']) */
  cli(args: string[]): string;
  stop(): Promise<void>;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie answers kill(0) too: it is dead for our purpose.
  const stat = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return stat !== '' && !stat.startsWith('Z');
}

export async function startRedis(extra: string[] = [], auth?: string): Promise<TestRedis> {
  const port = await ephemeralPort();
  const dir = mkdtempSync(join(tmpdir(), 'wp-test-redis-'));
  // Under `make sanitize` node runs with libasan preloaded: the server must not inherit it.
  const env = { ...process.env, LD_PRELOAD: '' };
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'log'), ...extra], {
    stdio: 'ignore',
    env,
  });
  const cli = (args: string[]): string => {
    const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...(auth ? ['--no-auth-warning', '-a', auth] : []), ...args], { encoding: 'utf8', env });
    return r.stdout.trim();
  };
  const deadline = Date.now() + 10_000;
  while (cli(['PING']) !== 'PONG') {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`test redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  return {
    port,
    pid: child.pid!,
    child,
    cli,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
