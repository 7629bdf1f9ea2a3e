/**
 * A --redis-url server that misbehaves on purpose (tests/safety/bad-redis.mjs, a real TCP server
 * process speaking RESP badly), against the built CLI: every reply is bounded in bytes and must be
 * complete within the peer's timeout, whichever command it answers (the probe at the start, a
 * sample's writes, the read-back), and a second Ctrl-C ends writeprof at once whatever the native
 * call in flight is waiting for. The CLI's memory is watched from outside (/proc) and the process
 * killed far above the bound, so a broken bound fails the test instead of the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCli, startCli, tempDir } from './helpers.js';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'bad-redis.mjs');
/** Far above what the CLI needs (~100 MiB) and far below what an unbounded read reaches in seconds. */
const RSS_LIMIT_MB = 400;
const servers: ChildProcess[] = [];

beforeAll(requireCli);
afterAll(() => {
  for (const s of servers) s.kill('SIGKILL');
});

/** Starts the bad server; resolves to its port. */
function badRedis(how: string, trigger: string): Promise<number> {
  const child = spawn(process.execPath, [SERVER, how, trigger], { stdio: ['ignore', 'pipe', 'ignore'] });
  servers.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`bad-redis exited ${code}`)));
  });
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface Watched {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  seconds: number;
  peakMb: number;
}

/** Runs the CLI against the server, sampling its memory; kills it past RSS_LIMIT_MB or `limitS`. */
async function watched(port: number, extra: string[], limitS: number, during?: (child: ChildProcess, stderr: () => string) => Promise<void>): Promise<Watched> {
  const dir = tempDir('peer');
  const t0 = Date.now();
  const { child, done } = startCli(['run', '--backend', 'redis', '--redis-url', `redis://127.0.0.1:${port}/0`, '--profile', 'quick', '--mode', 'batch', '--batch-size', '100', '--keys', '1000', '--warmup', '0', '--min-samples', '1', '--max-samples', '1', '-o', join(dir, 'r.json'), ...extra]);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let peakMb = 0;
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, rssMb(child.pid!));
    if (peakMb > RSS_LIMIT_MB || Date.now() - t0 > limitS * 1000) child.kill('SIGKILL');
  }, 50);
  if (during) await during(child, () => stderr);
  const r = await done;
  clearInterval(timer);
  return { code: r.code, signal: r.signal, stderr: r.stderr, seconds: (Date.now() - t0) / 1000, peakMb };
}

const until = async (what: () => boolean, ms: number): Promise<void> => {
  for (const end = Date.now() + ms; !what(); ) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.concurrent('a peer that misbehaves: each reply is bounded in bytes and time', () => {
  it('a 2 GiB bulk reply to the first probe, then bytes as fast as they go: refused at the byte limit, memory bounded (exit 2)', async () => {
    const r = await watched(await badRedis('huge-bulk', 'INFO'), ['-q'], 60);
    expect(r.signal).toBeNull();
    expect(r.peakMb).toBeLessThan(RSS_LIMIT_MB);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^writeprof: --redis-url: cannot use redis:\/\/127\.0\.0\.1:\d+\/0: .*INFO server: the reply is larger than 1048576 bytes; refused/);
  });

  it('an array of 2^31 elements: refused at the element limit, memory bounded', async () => {
    const r = await watched(await badRedis('huge-array', 'CONFIG'), [], 60);
    expect(r.signal).toBeNull();
    expect(r.peakMb).toBeLessThan(RSS_LIMIT_MB);
    // CONFIG GET is optional (refused by managed services): the run goes on without those fields.
    expect(r.code).toBe(0);
  });

  it('the same misbehaviour in a sample (a GET of the read-back): the case fails naming it (exit 1), memory bounded', async () => {
    const r = await watched(await badRedis('huge-bulk', 'GET'), ['-q'], 60);
    expect(r.signal).toBeNull();
    expect(r.peakMb).toBeLessThan(RSS_LIMIT_MB);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed: redis 127\.0\.0\.1:\d+: GET: the reply is larger than 1048576 bytes; refused/);
  });

  it('a byte every 3 s: the reply is cut at the timeout, whole (a read timeout per byte would never fire)', async () => {
    const r = await watched(await badRedis('trickle', 'INFO'), ['--redis-timeout', '2', '-q'], 30);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/INFO server: no reply within 2000 ms \(timeout\)/);
    // 2 s of deadline, the start of node and the addon: far from the 30 s kill.
    expect(r.seconds).toBeLessThan(20);
  });

  it('a second Ctrl-C exits at once while a native call waits on a server that trickles its reply (exit 130)', async () => {
    let secondAt = 0;
    // A 30 s reply deadline: only an exit that waits for nothing ends it well before that.
    const r = await watched(await badRedis('trickle', 'INFO'), ['--redis-timeout', '30'], 90, async (child, stderr) => {
      await until(() => /profile: quick/.test(stderr()), 30_000);
      child.kill('SIGINT');
      await until(() => /SIGINT: stopping after the current sample/.test(stderr()), 30_000);
      secondAt = Date.now();
      child.kill('SIGINT');
    });
    const afterSecond = (Date.now() - secondAt) / 1000;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT again: exiting now without writing results/);
    // Nothing waited for the blocked read (its deadline is 30 s from the start of the probe).
    expect(afterSecond).toBeLessThan(15);
  }, 120_000);
});
