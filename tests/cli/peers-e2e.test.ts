/**
 * `writeprof run` with peers, end to end, against real servers: the redis-server writeprof starts
 * (and stops on every exit path), an external server started by the test (a password that never
 * shows, keys only under writeprof's prefix, no FLUSH), faults (unreachable, killed mid-run,
 * maxmemory), and the story's tables with their "vs peer" columns.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { alive, startRedis, type TestRedis } from '../peers/redis-server.js';
import { requireBuilt, runCli, startCli, type CliResult } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-peers-e2e-'));
/** Short measurement: a couple of samples per case. */
const FAST = ['--warmup', '0', '--min-samples', '2', '--max-samples', '2', '--min-time', '0', '--max-time', '0.05'];

beforeAll(() => requireBuilt());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The managed server's pid, from writeprof's "peer redis: started ..." line. */
function managedPid(stderr: string): number | undefined {
  const m = /peer redis: started redis-server \S+ on 127\.0\.0\.1:\d+ \(pid (\d+), persistence off\)/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** Starts writeprof, waits until it started its redis-server; returns both. */
async function startWithManaged(args: string[]): Promise<{ child: ReturnType<typeof startCli>['child']; done: Promise<CliResult>; pid: number; stderr: () => string }> {
  const run = startCli(args);
  let err = '';
  run.child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  expect(await until(() => managedPid(err) !== undefined, 15_000)).toBe(true);
  return { ...run, pid: managedPid(err)!, stderr: () => err };
}

function ownTempDirs(pid: number): string[] {
  return readdirSync(tmpdir()).filter((d) => d.startsWith(`writeprof-redis-${pid}-`));
}

describe('writeprof run --profile quick --peer redis,libcuckoo (managed redis-server)', () => {
  it('starts and stops its own Redis, verifies every write on both peers, prints the vs-peer tables', async () => {
    const out = join(dir, 'quick-peers.json');
    const run = startCli(['run', '--profile', 'quick', '--backend', 'cpu', '--peer', 'redis,libcuckoo', ...FAST, '--output', out]);
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    const pid = managedPid(r.stderr)!;
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false); // stopped before writeprof exited
    expect(ownTempDirs(run.child.pid!)).toEqual([]);
    expect(r.stderr).toMatch(/^peer libcuckoo: in process \(libcuckoo \S+, arena store\)$/m);

    // The peers in a table of their own: each peer's rate, how it was reached, and the optimized
    // figure over it ("Optimized / vs Redis", a two-line head) with its interval; the summary says it too.
    expect(r.stdout).toMatch(/│\s+Optimized │[^\n]*\n[^\n]*│\s+vs Redis │/);
    expect(r.stdout).toMatch(/│\s+vs libcuckoo │/);
    expect(r.stdout).toMatch(/loopback TCP/);
    expect(r.stdout).toMatch(/\d+\.\d× \(\d+\.\d–\d+\.\d\)/);
    expect(r.stdout.replace(/\n {2,}(?=\S)/g, ' ')).toMatch(/^peers +vs Redis \d+\.\d× \(\d+\.\d–\d+\.\d\)/m);

    const doc = readResults(out);
    const peers = doc.cases.filter((c) => c.strategy === 'peer');
    expect(doc.cases).toHaveLength(35 + 2 * 7);
    expect(peers.map((c) => c.peer).sort()).toEqual([...Array(7).fill('libcuckoo'), ...Array(7).fill('redis')]);
    for (const c of doc.cases) {
      expect(c.status, `${c.id}: ${c.error}`).toBe('ok');
      expect(c.verification.writes).toBe(c.keys * c.stats.n);
      expect(c.verification.distinct).toBe(0.75 * c.keys * c.stats.n); // the default update share, peers too
      expect(c.verification).toMatchObject({ lost: 0, stale: 0, corrupted: 0 });
      if (c.strategy !== 'peer') expect(Object.keys(c.vsPeer ?? {}).sort(), c.id).toEqual(['libcuckoo', 'redis']);
    }
    const env = doc.environment.peers!;
    expect(env.redis).toMatchObject({ server: 'managed', persistence: 'none', auth: false, 'config.save': '', 'config.appendonly': 'no' });
    expect(env.redis!['version']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(env.libcuckoo).toMatchObject({ store: 'arena' });
  });

  it('a redis-server killed mid-case fails that case with the reason, the next ones at once, exit 1', async () => {
    const out = join(dir, 'killed.json');
    const run = await startWithManaged(['run', '--backend', 'redis', '--mode', 'single', '--value-size', '64,256', '--keys', '20000', '--min-samples', '5', '--warmup', '0', '--output', out]);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(run.pid, 'SIGKILL');
    const started = Date.now();
    const r = await run.done;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(1);
    // The kill lands wherever the run is (a sample's reset, writes or read-back, or between cases):
    // the case it lands in fails with the reason, and every later case at once.
    const cases = readResults(out).cases;
    expect(cases).toHaveLength(2);
    const hit = cases.findIndex((c) => c.status === 'failed');
    expect(hit).toBeGreaterThanOrEqual(0);
    for (const c of cases.slice(0, hit)) expect(c.status).toBe('ok');
    expect(cases[hit]!.error).toMatch(/^redis 127\.0\.0\.1:\d+: .+ \(the redis-server writeprof started killed by SIGKILL\)$/);
    for (const c of cases.slice(hit + 1)) expect(c.error).toBe('the redis-server writeprof started killed by SIGKILL earlier in the run');
    expect(ownTempDirs(run.child.pid!)).toEqual([]);
  });

  it('Ctrl-C: finishes the sample, writes the partial results, stops the server (exit 130)', async () => {
    const out = join(dir, 'sigint.json');
    const run = await startWithManaged(['run', '--backend', 'redis', '--mode', 'batch', '--batch-size', '100', '--keys', '20000', '--min-samples', '200', '--max-samples', '1000', '--max-time', '30', '--output', out]);
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(alive(run.pid)).toBe(false);
    expect(readResults(out).partial).toBe(true);
    expect(ownTempDirs(run.child.pid!)).toEqual([]);
  });

  it('writeprof killed outright: its redis-server goes with it (parent-death signal)', async () => {
    const run = await startWithManaged(['run', '--backend', 'redis', '--mode', 'batch', '--batch-size', '100', '--keys', '20000', '--min-samples', '200', '--max-samples', '1000', '--max-time', '30', '--output', join(dir, 'k.json')]);
    run.child.kill('SIGKILL');
    await run.done;
    expect(await until(() => !alive(run.pid), 5000)).toBe(true);
    // Nothing ran to remove its directory: the test does, by writeprof's pid in its name.
    for (const d of ownTempDirs(run.child.pid!)) rmSync(join(tmpdir(), d), { recursive: true, force: true });
  });
});

describe('writeprof run --redis-url (an external server, with a password)', () => {
  const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-Zq7`;
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(['--requirepass', PASSWORD], PASSWORD);
    redis.cli(['SET', 'canary', 'untouched']);
    redis.cli(['-n', '3', 'SET', 'neighbour', 'stays']);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  function files(d: string): string[] {
    return readdirSync(d).map((f) => readFileSync(join(d, f), 'utf8'));
  }

  it('writes only under its own prefix, deletes only its own keys, never FLUSHes, never shows the password', async () => {
    const outDir = mkdtempSync(join(dir, 'ext-'));
    const url = `redis://:${PASSWORD}@127.0.0.1:${redis.port}/3`;
    const r = await runCli(['run', '--backend', 'redis', '--redis-url', url, '--mode', 'single,batch', '--value-size', '64', '--keys', '2000', '--batch-size', '100', ...FAST, '--format', 'markdown', '--output', join(outDir, 'ext.md')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^peer redis: external server redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}/3 \\(Redis \\d`, 'm'));
    const doc = readResults(join(outDir, 'ext.json'));
    expect(doc.cases.map((c) => c.status)).toEqual(['ok', 'ok']);
    expect(doc.environment.peers!.redis).toMatchObject({ server: 'external', auth: true, address: `127.0.0.1:${redis.port}`, db: 3 });
    expect(String(doc.environment.peers!.redis!['keyPrefix'])).toMatch(/^writeprof:[0-9a-f]{12}:$/);
    // Another client's keys are untouched, ours are gone, and no FLUSH was ever sent.
    expect(redis.cli(['GET', 'canary'])).toBe('untouched');
    expect(redis.cli(['-n', '3', 'DBSIZE'])).toBe('1');
    expect(redis.cli(['-n', '3', 'GET', 'neighbour'])).toBe('stays');
    expect(redis.cli(['INFO', 'commandstats'])).not.toMatch(/cmdstat_flush/);
    for (const text of [r.stdout, r.stderr, ...files(outDir)]) expect(text).not.toContain(PASSWORD);
  });

  it('takes the password from WRITEPROF_REDIS_PASSWORD, and shows it nowhere either', async () => {
    const out = join(dir, 'env-pw.json');
    const r = await runCli(['run', '--backend', 'redis', '--redis-url', `redis://default@127.0.0.1:${redis.port}/3`, '--mode', 'batch', '--batch-size', '100', '--keys', '1000', ...FAST, '--output', out], {
      env: { WRITEPROF_REDIS_PASSWORD: PASSWORD },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/external server redis:\/\/default:\*\*\*@127\.0\.0\.1:\d+\/3 /);
    expect(readFileSync(out, 'utf8') + r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it.each([
    ['a wrong password', (port: number) => `redis://:wrong-${PASSWORD}@127.0.0.1:${port}`, /^writeprof: --redis-url: cannot use redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: redis 127\.0\.0\.1:\d+: AUTH refused: WRONGPASS/m],
    ['no password', (port: number) => `redis://127.0.0.1:${port}`, /INFO server refused: NOAUTH Authentication required/],
    ['a malformed URL', () => `redis://:${PASSWORD}@127.0.0.1:notaport`, /^writeprof: --redis-url: "redis:\/\/:\*\*\*@127\.0\.0\.1:notaport" is invalid/],
  ])('%s: exit 2 before the sweep, one line, no password', async (_name, url, message) => {
    const out = join(dir, `refused-${Math.random().toString(36).slice(2)}.json`);
    const r = await runCli(['run', '--backend', 'redis', '--redis-url', url(redis.port), '--mode', 'batch', '--batch-size', '100', '--keys', '1000', ...FAST, '--output', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => !/^(backend|profile):/.test(l))).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(existsSync(out)).toBe(false);
  });
});

describe('writeprof run: Redis faults', () => {
  it('an unreachable --redis-url: exit 2 before the sweep, one line', async () => {
    const gone = await startRedis();
    await gone.stop();
    const out = join(dir, 'unreachable.json');
    const r = await runCli(['run', '--peer', 'redis', '--backend', 'cpu', '--redis-url', `redis://127.0.0.1:${gone.port}`, '--mode', 'batch', '--batch-size', '100', '--keys', '1000', ...FAST, '--output', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^writeprof: --redis-url: cannot use redis://127\\.0\\.0\\.1:${gone.port}/0: redis 127\\.0\\.0\\.1:${gone.port}: cannot connect: Connection refused$`, 'm'));
    expect(existsSync(out)).toBe(false);
  });

  it('maxmemory reached: the case fails saying so, exit 1', async () => {
    const small = await startRedis(['--maxmemory', '1mb']);
    try {
      const out = join(dir, 'oom.json');
      const r = await runCli(['run', '--backend', 'redis', '--redis-url', `redis://127.0.0.1:${small.port}`, '--mode', 'batch', '--batch-size', '1000', '--keys', '20000', '--value-size', '256', ...FAST, '--output', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/failed: .*SET refused, the server is out of memory \(maxmemory reached\): OOM command not allowed/);
      expect(small.cli(['DBSIZE'])).toBe('0');
    } finally {
      await small.stop();
    }
  });
});
