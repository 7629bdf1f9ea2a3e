/**
 * A user's strategy file, end to end through the CLI: the example (examples/strategies/) profiled
 * on the emulator beside the built-ins and ranked against baseline, every write verified, checked
 * under every tool; its single-write entry run in the persistent server (and a file without one
 * launching its batch kernel per write); planted bugs caught by run and check; a kernel that never
 * finishes failed by the emulator's no-progress rule; a file that does not compile shown as the
 * compiler's errors; a declaration of another interface version refused; builds cached by content
 * under the cache directory, never beside the user's file.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstErrors } from '../../src/strategy-file/build.js';
import { ROOT, runCli } from '../cli/helpers.js';
import { strategyDirs } from './dirs.js';

const EXAMPLE = 'examples/strategies/coop4_cas.cu';
const FIXTURES = join(ROOT, 'tests', 'strategy-file', 'fixtures');
// One batch suite, small: the strategies' order, verification and ranking, not their speed.
const SMALL = ['--profile', 'check', '--mode', 'batch', '--value-size', '64', '--key-dist', 'uniform', '--keys', '600', '--batch-size', '200'];
// Single writes, one strategy file's only: a full table (load factor 0.9) makes probes walk on.
const SINGLE = ['--profile', 'check', '--mode', 'single', '--value-size', '64', '--key-dist', 'uniform', '--keys', '200', '--load-factor', '0.9'];
/** The example without its single-write entry (its WP_STRATEGY_SINGLE line). */
function withoutSingleEntry(): string {
  const text = readFileSync(join(ROOT, EXAMPLE), 'utf8');
  const stripped = text.replace(/^WP_STRATEGY_SINGLE\(.*\)\n/m, '');
  expect(stripped).not.toBe(text);
  return stripped;
}

const dirs = strategyDirs('run');
const env = (): Record<string, string> => dirs.env();

function entries(): string[] {
  try {
    return readdirSync(join(dirs.cache, 'strategies')).filter((e) => !e.startsWith('.')).sort();
  } catch {
    return [];
  }
}

describe('the kernel interface', () => {
  it('is what the five built-in strategies are written against', () => {
    const device = readFileSync(join(ROOT, 'kernels', 'cuda', 'device.cuh'), 'utf8');
    expect(device).toContain('#include "writeprof/kernel.cuh"');
    for (const id of ['baseline', 'warp_coop', 'lock_free', 'mem_opt', 'write_combine']) {
      const src = readFileSync(join(ROOT, 'kernels', 'cuda', `${id}.cu`), 'utf8');
      expect(src).toContain('#include "device.cuh"');
      // Their kernels are the interface's entry macro over a body taking BatchArgs, counting through Tally.
      expect(src).toMatch(new RegExp(`^WP_BATCH_KERNELS\\(${id}, wp::gpu::${id}_body, `, 'm'));
      expect(src).toMatch(new RegExp(`void ${id}_body\\(const BatchArgs& a\\)`));
      expect(src).toMatch(/Tally<kCount> t\(/);
      expect(src).not.toMatch(/extern "C" __global__/);
    }
    // Their single-write servers are the public header's server over their own single-write entries.
    const single = readFileSync(join(ROOT, 'kernels', 'cuda', 'single.cu'), 'utf8');
    for (const id of ['single_locked', 'single_lock_free']) expect(single).toMatch(new RegExp(`^WP_SERVER_KERNELS\\(${id}, wp::gpu::${id}\\)$`, 'm'));
    expect(single).not.toMatch(/__global__|server_body/);
    expect(readFileSync(join(ROOT, 'kernels', 'include', 'writeprof', 'single.cuh'), 'utf8')).toMatch(/#define WP_STRATEGY_SINGLE\(fn\)[^]*WP_SERVER_KERNELS\(user_single, fn\)/);
  });
});

describe('a failed build', () => {
  it('shows the compiler\'s error lines at their file:line, the first five, without its context lines', () => {
    const stderr = [
      'my.cu: In function \'void body(const BatchArgs&)\':',
      'my.cu:6:3: error: \'x\' was not declared in this scope',
      '    6 |   x = 1;',
      '      |   ^',
      'In file included from my.cu:1:',
      'my.cuh:2:1: fatal error: nope.h: No such file or directory',
      ...Array.from({ length: 6 }, (_, i) => `my.cu:${10 + i}:1: error: more ${i}`),
    ].join('\n');
    expect(firstErrors(stderr)).toEqual([
      "my.cu:6:3: error: 'x' was not declared in this scope",
      'my.cuh:2:1: fatal error: nope.h: No such file or directory',
      'my.cu:10:1: error: more 0',
      'my.cu:11:1: error: more 1',
      'my.cu:12:1: error: more 2',
    ]);
    // A linker's complaint has no file:line: its own lines, still without the context.
    expect(firstErrors("/usr/bin/ld: strategy.o: undefined reference to `f'\ncollect2: error: ld returned 1 exit status")).toEqual([
      "/usr/bin/ld: strategy.o: undefined reference to `f'",
      'collect2: error: ld returned 1 exit status',
    ]);
  });
});

describe('writeprof run --strategy-file', () => {
  it('profiles the example beside the five built-in strategies, every write verified, ranked against baseline', async () => {
    const out = join(dirs.work, 'run.json');
    const r = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', EXAMPLE, ...SMALL, '-o', out, '--no-claims'], { env: env() });
    expect(r.stderr).toMatch(/strategy file: coop4-cas = examples\/strategies\/coop4_cas\.cu \(sha256 [0-9a-f]{12}\)/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    const sha = createHash('sha256').update(readFileSync(join(ROOT, EXAMPLE))).digest('hex');
    expect(doc.strategyFiles).toEqual([{ name: 'coop4-cas', path: EXAMPLE, sha256: sha, orderRun: 1, block: 128, writesPerBlock: 32, singleEntry: true }]);
    expect(doc.cases.map((c: { strategy: string }) => c.strategy)).toEqual(['baseline', 'warp-coop', 'lock-free', 'mem-opt', 'write-combine', 'coop4-cas']);
    const mine = doc.cases.find((c: { strategy: string }) => c.strategy === 'coop4-cas');
    expect(mine.status).toBe('ok');
    expect(mine.verification.writes).toBeGreaterThan(0);
    expect(mine.verification.verified).toBe(mine.verification.distinct);
    expect(mine.speedup?.value).toBeGreaterThan(0);
    // Its memory traffic, counted on its own instrumented build: CAS claims, bytes moved.
    expect(mine.memory.writes).toBe(mine.verification.writes / mine.samples.length);
    expect(mine.memory.perWrite.globalBytes).toBeGreaterThan(64);
    expect(mine.memory.perWrite.atomicsByOp.CAS).toBeGreaterThan(0);
    // The table shows it in its own row beside the built-ins.
    expect(r.stdout).toMatch(/coop4-cas/);
    // Nothing was written beside the user's file; the build went to the cache.
    expect(readdirSync(join(ROOT, 'examples', 'strategies'))).toEqual(['coop4_cas.cu']);
    // Two builds of the file: the emulator's, and the instrumented one the traffic is counted on.
    expect(entries().map((e) => e.replace(/-[0-9a-f]{16}$/, ''))).toEqual(['coop4-cas-check', 'coop4-cas-emu']);
  });

  it('reuses the cached build, and rebuilds when the file changes', async () => {
    const before = entries();
    const node = join(dirs.cache, 'strategies', before.find((e) => e.startsWith('coop4-cas-emu-'))!, 'writeprof_emu.node');
    const mtime = statSync(node).mtimeMs;
    const again = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', EXAMPLE, ...SMALL, '--strategy', 'baseline', '-o', join(dirs.work, 'again.json'), '--no-claims', '--no-memory-traffic', '-q'], { env: env() });
    expect(again.code).toBe(0);
    expect(statSync(node).mtimeMs).toBe(mtime);
    const copy = join(dirs.work, 'coop4_copy.cu');
    writeFileSync(copy, withoutSingleEntry());
    const changed = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', copy, ...SMALL, '--strategy', 'baseline', '-o', join(dirs.work, 'changed.json'), '--no-claims', '--no-memory-traffic', '-q'], { env: env() });
    expect(changed.code).toBe(0);
    expect(entries()).toHaveLength(before.length + 1);
    expect(readdirSync(dirs.work).sort()).toEqual(['again.json', 'changed.json', 'coop4_copy.cu', 'run.json']);
  });

  it('fails the cases of a planted bug with lost writes, and only those', async () => {
    const out = join(dirs.work, 'planted.json');
    const r = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', join(FIXTURES, 'drops_last.cu'), ...SMALL, '--strategy', 'baseline', '-o', out, '--no-claims', '--no-memory-traffic'], { env: env() });
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    const byStrategy = Object.fromEntries(doc.cases.map((c: { strategy: string }) => [c.strategy, c]));
    expect(byStrategy['baseline'].status).toBe('ok');
    expect(byStrategy['drops-last'].status).toBe('failed');
    expect(byStrategy['drops-last'].verification.lost + byStrategy['drops-last'].verification.stale).toBeGreaterThan(0);
    // The message a built-in's lost writes get.
    expect(r.stderr).toMatch(/case batch\/drops-last\/.* failed: verification( failed)?: \d+ lost, \d+ stale/);
  });

  it('fails a kernel that never finishes with the emulator\'s no-progress fault', async () => {
    const out = join(dirs.work, 'spins.json');
    const r = await runCli(['run', '--backend', 'cuda-emu', '--emu-timeout', '1', '--strategy-file', join(FIXTURES, 'spins.cu'), ...SMALL, '--strategy', 'baseline', '-o', out, '--no-claims', '--no-memory-traffic', '-q'], { env: env() });
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    const spins = doc.cases.find((c: { strategy: string }) => c.strategy === 'spins');
    expect(spins.status).toBe('failed');
    expect(spins.error).toMatch(/wp_user_(count|plain)/);
    expect(spins.error).toMatch(/no (thread|progress)/i);
  });

  it('shows a file that does not compile as the compiler\'s errors at their file:line, and exits 2', async () => {
    copyFileSync(join(FIXTURES, 'broken.cu'), join(dirs.work, 'broken.cu'));
    const r = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', 'broken.cu', ...SMALL, '-o', join(dirs.work, 'never.json')], { cwd: dirs.work, env: env() });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const l of lines) expect(l).toMatch(/^broken\.cu:\d+:\d+: (fatal )?error: /);
    expect(lines[0]).toMatch(/^broken\.cu:6:\d+: error: .*undeclared_key/);
    expect(r.stdout).toBe('');
  });

  it('refuses what it cannot run, in one line naming the problem', async () => {
    const cpu = await runCli(['run', '--backend', 'cpu', '--strategy-file', EXAMPLE, ...SMALL], { env: env() });
    expect(cpu.code).toBe(2);
    expect(cpu.stderr).toMatch(/^writeprof: --strategy-file: a strategy file is a CUDA kernel: it runs on cuda-emu \(the emulator\) and cuda \(nvcc's build\); --backend is cpu$/m);
    const twice = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', EXAMPLE, '--strategy-file', EXAMPLE, ...SMALL], { env: env() });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/given twice/);
    const taken = join(dirs.work, 'baseline.cu');
    writeFileSync(taken, '#include <writeprof/kernel.cuh>\n// WP_STRATEGY(...) comes later\n');
    const reserved = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', taken, ...SMALL], { env: env() });
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toMatch(/the name "baseline" \(from the file's stem/);
    const unknown = await runCli(['run', '--backend', 'cuda-emu', ...SMALL, '--strategy', 'nobody-s'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^writeprof: strategy: "nobody-s" is invalid; allowed: all, baseline, .*, or the name a --strategy-file declares \(none given\)$/);
  });
});

describe('a strategy file\'s single-write entry', () => {
  it('runs single writes in the persistent server: every write verified, its counters kept', async () => {
    const out = join(dirs.work, 'single.json');
    const r = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', EXAMPLE, ...SINGLE, '--strategy', 'coop4-cas', '-o', out, '--no-claims', '--no-memory-traffic', '-q'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.strategyFiles[0].singleEntry).toBe(true);
    expect(doc.cases).toHaveLength(1);
    const c = doc.cases[0];
    expect([c.strategy, c.mode, c.status]).toEqual(['coop4-cas', 'single', 'ok']);
    expect(c.notes.filter((n: string) => n.startsWith('single: '))).toEqual([
      expect.stringMatching(/^single: persistent kernel, no launch per write: .* with the strategy file's single-write entry \(WP_STRATEGY_SINGLE: wp_user_single_count\/plain\)/),
    ]);
    expect(c.verification.writes).toBe(200 * c.samples.length);
    expect(c.verification.verified).toBe(c.verification.distinct);
    expect(c.verification.distinct).toBeGreaterThan(100);
    // A full table walks probes on; one write at a time never contends; the entry's laps are timed.
    expect(c.counters.probeSteps).toBeGreaterThan(0);
    expect(c.counters.lockRetries + c.counters.casFailures).toBe(0);
    expect(c.breakdown.copy).toBeGreaterThan(0);
    expect(c.breakdown.publish).toBeGreaterThan(0);
  });

  it('without one, single writes launch the file\'s batch kernel once per write', async () => {
    const file = join(dirs.work, 'coop4_batch_only.cu');
    writeFileSync(file, withoutSingleEntry());
    const out = join(dirs.work, 'single-batch-only.json');
    const r = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', file, ...SINGLE, '--strategy', 'coop4-cas', '-o', out, '--no-claims', '--no-memory-traffic', '-q'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.strategyFiles[0].singleEntry).toBe(false);
    const c = doc.cases[0];
    expect(c.status).toBe('ok');
    expect(c.notes.filter((n: string) => n.startsWith('single: '))).toEqual([
      expect.stringMatching(/^single: one kernel launch per write \(h2d, <<<1, 128>>> of the strategy file's batch kernel: it has no WP_STRATEGY_SINGLE/),
    ]);
    expect(c.verification.verified).toBe(c.verification.distinct);
  });

  it('is checked by every tool: its server kernels, no finding', async () => {
    const out = join(dirs.work, 'check-single.json');
    const r = await runCli(['check', '--strategy-file', EXAMPLE, ...SINGLE, '--keys', '48', '--strategy', 'coop4-cas', '-o', out], { env: env() });
    expect(r.code, r.stdout.slice(0, 2000)).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.check.tools).toEqual(['memcheck', 'racecheck', 'initcheck', 'synccheck', 'weak']);
    expect(doc.check.runs.map((run: { kernels: string[] }) => run.kernels.join(',')).sort()).toEqual(['wp_user_single_count', 'wp_user_single_plain']);
    for (const run of doc.check.runs) {
      expect(run.status).toBe('ok');
      expect(run.verification.verified).toBe(run.verification.distinct);
    }
    expect(doc.check.findings).toEqual([]);
  });

  it('a planted race in one (every lane publishes) is racecheck\'s finding in the server kernel, though its writes verify', async () => {
    const out = join(dirs.work, 'check-unguarded.json');
    const r = await runCli(['check', '--strategy-file', join(FIXTURES, 'single_unguarded.cu'), ...SINGLE, '--keys', '48', '--strategy', 'single-unguarded', '--tool', 'racecheck', '--variant', 'plain', '-o', out], { env: env() });
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.check.runs).toHaveLength(1);
    expect(doc.check.runs[0].kernels).toEqual(['wp_user_single_plain']);
    expect(doc.check.runs[0].verification.verified).toBe(doc.check.runs[0].verification.distinct);
    expect(doc.check.findings.length).toBeGreaterThan(0);
    for (const f of doc.check.findings) expect([f.tool, f.kernel]).toEqual(['racecheck', 'wp_user_single_plain']);
  });

  it('refuses a declaration of another kernel interface version, naming both', async () => {
    const r = await runCli(['run', '--backend', 'cuda-emu', '--strategy-file', join(FIXTURES, 'old_version.cu'), ...SINGLE, '-o', join(dirs.work, 'never-old.json')], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^writeprof: --strategy-file: .*old_version\.cu: its declaration is of kernel interface version 1; allowed: version \d+, /);
  });
});

describe('writeprof slurm --strategy-file', () => {
  it('freezes a copy of the file into the sweep; the shards run it and merge keeps its record', async () => {
    const profile = join(dirs.work, 'tiny.json');
    writeFileSync(profile, JSON.stringify({
      name: 'tiny',
      measurement: { warmup: 0, minSamples: 1, maxSamples: 1, minTime: 0, maxTime: 1, maxNoise: 0 },
      defaults: { strategy: ['baseline'], keyDist: 'uniform', loadFactor: 0.5 },
      suites: [{ mode: 'batch', valueSize: 64, batchSize: [100, 200], keys: 400 }],
    }));
    const dir = join(dirs.work, 'fleet');
    const r = await runCli(['slurm', '--backend', 'cuda-emu', '--profile', profile, '--shards', '2', '--dir', dir, '--strategy-file', EXAMPLE], { env: env() });
    expect(r.code).toBe(0);
    const copy = join(dir, 'strategies', 'coop4-cas.cu');
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(join(ROOT, EXAMPLE), 'utf8'));
    const script = readFileSync(join(dir, 'shard.sbatch'), 'utf8');
    expect(script).toContain(`--strategy-file ${copy}`);
    const manifest = JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8'));
    expect(manifest.strategyFiles).toEqual([{ name: 'coop4-cas', path: EXAMPLE, sha256: createHash('sha256').update(readFileSync(copy)).digest('hex'), copy }]);
    // Each shard as its array task runs it (the script's command, by hand), then the merge.
    for (const shard of [1, 2]) {
      const s = await runCli(['run', '--profile', join(dir, 'profile.json'), '--backend', 'cuda-emu', '--shard', `${shard}/2`, '--output', join(dir, 'shards', `shard-${shard}-of-2.json`), '--strategy-file', copy, '-q', '--no-claims'], { env: env() });
      expect(s.code).toBe(0);
    }
    const merged = join(dir, 'all.json');
    const m = await runCli(['merge', join(dir, 'shards'), '-o', merged, '-q'], { env: env() });
    expect(m.code).toBe(0);
    const doc = JSON.parse(readFileSync(merged, 'utf8'));
    expect(doc.strategyFiles.map((f: { name: string }) => f.name)).toEqual(['coop4-cas']);
    expect(doc.cases.map((c: { strategy: string }) => c.strategy).sort()).toEqual(['baseline', 'baseline', 'coop4-cas', 'coop4-cas']);
  });
});

describe('writeprof check --strategy-file', () => {
  it('runs every tool on the example beside the built-ins: no finding, every write verified', async () => {
    const out = join(dirs.work, 'check.json');
    const r = await runCli(['check', '--strategy-file', EXAMPLE, ...SMALL, '--strategy', 'baseline', '-o', out], { env: env() });
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.check.tools).toEqual(['memcheck', 'racecheck', 'initcheck', 'synccheck', 'weak']);
    expect(doc.strategyFiles[0].name).toBe('coop4-cas');
    const mine = doc.check.runs.filter((run: { case: string }) => run.case.includes('/coop4-cas/'));
    expect(mine.map((run: { kernels: string[] }) => run.kernels[0]).sort()).toEqual(['wp_user_count', 'wp_user_plain']);
    for (const run of mine) {
      expect(run.status).toBe('ok');
      expect(run.verification.verified).toBeGreaterThan(0);
    }
    expect(doc.check.findings).toEqual([]);
  });

  it('fails the planted bug\'s runs', async () => {
    const r = await runCli(['check', '--strategy-file', join(FIXTURES, 'drops_last.cu'), ...SMALL, '--strategy', 'baseline', '--variant', 'count', '-o', join(dirs.work, 'check-planted.json')], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/check failed: 1 failed runs/);
  });
});
