/**
 * A full disk, an I/O error or a killed process does not lose the sweep.
 * Finished cases go to <results>.journal as they finish; a full disk is met at pre-flight or at the
 * case that fills it (exit 4, saying where the cases are), and `writeprof run --resume` continues.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { inMountNamespace, isRoot, requireCli, runCli, startCli, tempDir } from './helpers.js';

beforeAll(requireCli);

/** Ten batch cases of a few milliseconds each. */
const TEN = ['--backend', 'cpu', '--profile', 'quick', '--mode', 'batch', '--strategy', 'all', '--batch-size', '100,200', '--keys', '1000', '--warmup', '0', '--min-samples', '5', '--max-samples', '5', '--min-time', '0', '-q'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.concurrent('results survive a full disk and a killed run', () => {
  it.skipIf(!isRoot)('a disk that fills mid-sweep: exit 4 at once, the finished cases kept; --resume finishes the run', () => {
    const copy = join(tempDir('enospc'), 'r.json');
    const r = inMountNamespace(`
      d=$(mktemp -d); mount -t tmpfs -o size=8k tmpfs "$d"
      $WP run ${TEN.join(' ')} -o "$d/r.json" >/dev/null 2>"$d.err"; echo "rc=$?"
      cat "$d.err"; echo "journal-lines=$(wc -l < "$d/r.json.journal")"
      mount -o remount,size=1m "$d"
      $WP run --resume "$d/r.json.journal" -q >/dev/null; echo "resume-rc=$?"
      ls "$d"; cp "$d/r.json" "${copy}"`);
    const out = r.stdout;
    expect(out).toMatch(/^rc=4$/m);
    const m = /^writeprof: .*r\.json\.journal: cannot record a finished case \(ENOSPC: no space left on device\); the sweep stopped after \d+ of 10 cases; (\d+) finished cases are kept in (\S+r\.json\.journal): `writeprof run --resume \2` continues/m.exec(out);
    expect(m, out).not.toBeNull();
    const kept = Number(m![1]);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(10);
    expect(out).toMatch(new RegExp(`^journal-lines=${kept + 1}$`, 'm')); // header + one line per kept case
    expect(out).toMatch(/^resume-rc=0$/m);
    expect(out).toMatch(/^r\.json$/m);
    expect(out).not.toMatch(/\.journal$/m); // replaced by the final write
    const doc = readResults(copy);
    expect(doc.cases).toHaveLength(10);
    expect(doc.cases.every((c) => c.status === 'ok')).toBe(true);
  });

  it.skipIf(!isRoot)('a disk already full fails at pre-flight (exit 4), before any case is measured', () => {
    const r = inMountNamespace(`
      d=$(mktemp -d); mount -t tmpfs -o size=8k tmpfs "$d"
      head -c 8192 /dev/zero > "$d/filler" 2>/dev/null
      start=$(date +%s%N)
      $WP run --backend cpu --profile validation -o "$d/r.json" 2>&1; echo "rc=$?"
      echo "ms=$(( ($(date +%s%N) - start) / 1000000 ))"; ls "$d"`);
    expect(r.stdout).toMatch(/^writeprof: --output: cannot write .*r\.json\.journal \(ENOSPC: no space left on device\)$/m);
    expect(r.stdout).toMatch(/^rc=4$/m);
    expect(Number(/^ms=(\d+)$/m.exec(r.stdout)![1])).toBeLessThan(10_000); // the 60-case sweep takes minutes
    expect(r.stdout.trim().split('\n').slice(-1)).toEqual(['filler']);
  });

  it('a killed run leaves its journal; --resume measures only the missing cases and writes the results', async () => {
    const dir = tempDir('resume');
    const out = join(dir, 'r.json');
    const journal = `${out}.journal`;
    const slow = ['--backend', 'cpu', '--profile', 'quick', '--mode', 'batch', '--strategy', 'all', '--batch-size', '100,200', '--keys', '20000', '--warmup', '0', '--min-samples', '3', '--max-samples', '3', '--min-time', '0.4', '--max-time', '0.4', '-q'];
    const run = startCli(['run', ...slow, '-o', out]);
    // Kill it once two cases are in the journal (header + 2 lines).
    // However long that takes under load: the ten cases take seconds more, so it cannot end first.
    while (!(existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length >= 4)) {
      expect(run.child.exitCode, 'the run ended before two cases were journaled').toBeNull();
      await sleep(50);
    }
    run.child.kill('SIGKILL');
    await run.done;
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    // Header and at least two cases; a poll starved long enough sees the kill land after the last
    // case (all ten journaled, the results not yet written): resume then has nothing to run.
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(11);
    const keptIds = lines.slice(1).map((l) => JSON.parse(l).case.id as string);
    const r = await runCli(['run', '--resume', journal]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^resuming .*r\\.json\\.journal: ${keptIds.length} of 10 cases finished, ${10 - keptIds.length} to run$`, 'm'));
    const doc = readResults(out);
    expect(doc.cases).toHaveLength(10);
    // The cases from the journal are kept as measured, not measured again.
    for (const id of keptIds) expect(doc.cases.find((c) => c.id === id)!.samples).toEqual(JSON.parse(lines.slice(1).find((l) => l.includes(`"id":"${id}"`))!).case.samples);
    expect(existsSync(journal)).toBe(false);
  });

  it('--resume takes no sweep flags', async () => {
    const r = await runCli(['run', '--resume', 'x.journal', '--keys', '100']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('writeprof: --resume continues with the settings in the journal; --keys cannot be combined with it\n');
  });
});
