/**
 * `run --resume` reads a journal like any other input: its header is checked (its plan must be
 * what its profile gives), it decides no output path (the results go beside the journal, under
 * the name the journal is named for) and no permission (--force is not carried), ownership is an
 * advisory lock (never a pid), and damage is told from a torn last line byte for byte.
 *
 * The journals are real: a run whose final write fails (its new baseline file appears while it
 * measures, so the exclusive create refuses) keeps every finished case in its journal (exit 4);
 * the tests copy and edit that journal.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { mkfifo, requireCli, runCli, startCli, tempDir } from './helpers.js';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'bad-redis.mjs');
const SWEEP = ['--profile', 'quick', '--mode', 'batch', '--strategy', 'baseline,lock-free', '--batch-size', '100', '--keys', '1000', '--warmup', '0', '--min-samples', '3', '--max-samples', '3', '--min-time', '0.5', '--max-time', '0.5', '-q'];
const children: ChildProcess[] = [];

/**
 * A real journal of a whole sweep: the run's results target (a new file under reports/baselines/,
 * created exclusively) appears while it measures, so its final write fails and the journal stays.
 */
async function realJournal(args: string[]): Promise<string[]> {
  // Making the fixture races the run's own end (a starved poll may see the run write its results
  // first), so it is tried again then; what the tests assert is the journal's content.
  for (let attempt = 1; ; attempt++) {
    const dir = join(tempDir('journal-src'), 'reports', 'baselines');
    mkdirSync(dir, { recursive: true });
    const target = join(dir, 'new.json');
    const { child, done } = startCli(['run', ...args, '-o', target]);
    // The target appears once a case is journaled: by then the journal has claimed it (a target
    // that appears before the claim is refused at once, exit 2, and leaves no journal).
    const journal = `${target}.journal`;
    const journaled = (): boolean => existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 2;
    while (!journaled() && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    try {
      writeFileSync(target, '', { flag: 'wx' });
    } catch {
      // the run wrote its results first: tried again below
    }
    const r = await done;
    if (r.code === 0 && attempt < 3) continue;
    expect(r.code, r.stderr).toBe(4);
    return readFileSync(journal, 'utf8').split('\n').filter((l) => l !== '');
  }
}

let cpuJournal: string[];

beforeAll(async () => {
  requireCli();
  cpuJournal = await realJournal(['--backend', 'cpu', ...SWEEP]);
  expect(cpuJournal).toHaveLength(3); // header, two cases
}, 60_000);
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

type Header = { target: string; owner: { pid: number; host: string }; run: Record<string, unknown> & { specs: unknown[]; outputs: Record<string, unknown>; force: boolean } };

/** Writes `lines` (the header edited by `edit`) as `<dir>/<name>.journal`. */
function journalIn(dir: string, name: string, edit: (h: Header) => void = () => undefined, lines = cpuJournal): string {
  const header = JSON.parse(lines[0]!) as Header;
  header.target = `/elsewhere/${name}`;
  edit(header);
  const path = join(dir, `${name}.journal`);
  writeFileSync(path, [JSON.stringify(header), ...lines.slice(1)].join('\n') + '\n');
  return path;
}

const resume = (journal: string, ...extra: string[]) => runCli(['run', '--resume', journal, ...extra]);
const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

describe.concurrent('a journal decides no output path and no permission', () => {
  it('a header naming other files: the results go beside the journal; the named results and report stay untouched', async () => {
    const victims = tempDir('victims');
    for (const f of ['victim.json', 'victim.md', 'notes.md']) writeFileSync(join(victims, f), 'keep');
    const dir = tempDir('crafted');
    const journal = journalIn(dir, 'victim.json', (h) => {
      h.target = join(victims, 'victim.json');
      h.run.outputs = { report: { path: join(victims, 'victim.md'), format: 'markdown' } };
    });
    const r = await resume(journal);
    expect(r.code, r.stderr).toBe(0);
    // The report beside the results is the journal's too: written beside it.
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['victim.json', 'victim.md']));
    expect(readResults(join(dir, 'victim.json')).cases).toHaveLength(2);
    // A report of another name is not the journal's to place: not written, and said so.
    const other = journalIn(dir, 'again.json', (h) => (h.run.outputs = { report: { path: join(victims, 'notes.md'), format: 'markdown' } }));
    const r2 = await resume(other);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr.replace(/\n +/g, " ")).toMatch(/report went to .*notes\.md, which is not beside the journal: not written on resume/);
    for (const f of ['victim.json', 'victim.md', 'notes.md']) expect(readFileSync(join(victims, f), 'utf8')).toBe('keep');
    expect(existsSync(journal)).toBe(false);
  });

  it('a copied journal writes beside the copy, never at the original path', async () => {
    const original = tempDir('original');
    writeFileSync(join(original, 'r.json'), 'the original results');
    const copy = tempDir('copy');
    const journal = journalIn(copy, 'r.json', (h) => (h.target = join(original, 'r.json')));
    const r = await resume(journal);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(original, 'r.json'), 'utf8')).toBe('the original results');
    expect(readResults(join(copy, 'r.json')).cases).toHaveLength(2);
  });

  it('force in the header does not lift baseline protection; --force given again does', async () => {
    const dir = join(tempDir('forced'), 'reports', 'baselines');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cpu.json'), 'committed');
    const journal = journalIn(dir, 'cpu.json', (h) => (h.run.force = true));
    const before = readFileSync(journal);
    const r = await resume(journal);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^writeprof: --resume: .*cpu\.json is a committed baseline; pass --force to overwrite it$/);
    expect(readFileSync(join(dir, 'cpu.json'), 'utf8')).toBe('committed');
    expect(readFileSync(journal)).toEqual(before);
    const forced = await resume(journal, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readResults(join(dir, 'cpu.json')).cases).toHaveLength(2);
  });
});

describe.concurrent('a journal is validated like any input, before anything is measured', () => {
  // Header-only journals: nothing finished, so a journal that is trusted goes on to measure.
  it.each([
    ['specs: [null]', (h: Header) => { h.run.specs = [null]; }, /line 1: run\.specs\[0\]/],
    ['specs: []', (h: Header) => { h.run.specs = []; }, /the journal's cases are not the plan its profile gives/],
    ['a case no runner takes (valueSize 3)', (h: Header) => { (h.run.specs[0] as { valueSize: number }).valueSize = 3; }, /the journal's cases are not the plan its profile gives/],
    ['a value the profile schema refuses', (h: Header) => { (h.run['profile'] as { suites: { axes: { valueSize: number[] } }[] }).suites[0]!.axes.valueSize = [1e12]; }, /journal's profile.*valueSize/],
    ['a seed out of range', (h: Header) => { h.run['seed'] = -1; }, /line 1: run\.seed/],
  ])('%s: exit 2 in one line before anything is measured, the journal left as it was', async (_what, edit, message) => {
    const dir = tempDir('bad-header');
    const journal = journalIn(dir, 'r.json', edit, cpuJournal.slice(0, 1));
    const before = readFileSync(journal);
    const r = await resume(journal);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(message);
    expect(readFileSync(journal)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['r.json.journal']);
  });

  it('a FIFO given as the journal (a writer feeding it a valid one): exit 2, not a regular file', async () => {
    const dir = tempDir('fifo-journal');
    const fifo = mkfifo(join(dir, 'r.json.journal'));
    const feeder = spawn('bash', ['-c', 'cat "$1" > "$2"', 'feed', journalIn(tempDir('fifo-src'), 'r.json'), fifo], { stdio: 'ignore', detached: true });
    children.push(feeder);
    const r = await resume(fifo);
    try {
      process.kill(-feeder.pid!, 'SIGKILL');
    } catch {
      /* it fed the FIFO and ended */
    }
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/r\.json\.journal is not a regular file/);
  });

  it('a whole last line without its newline counts, and is kept as measured', async () => {
    const dir = tempDir('no-newline');
    const journal = journalIn(dir, 'r.json');
    writeFileSync(journal, readFileSync(journal, 'utf8').replace(/\n$/, ''));
    const r = await resume(journal);
    expect(r.code, r.stderr).toBe(0);
    const doc = readResults(join(dir, 'r.json'));
    const journaled = JSON.parse(cpuJournal[2]!).case;
    expect(doc.cases.find((c) => c.id === journaled.id)!.samples).toEqual(journaled.samples);
  });

  it('a torn last line holding a cut UTF-8 character: only it is dropped, byte for byte, and its case measured again', async () => {
    const dir = tempDir('torn-utf8');
    const journal = journalIn(dir, 'r.json', () => undefined, cpuJournal.slice(0, 2));
    const cut = Buffer.concat([Buffer.from('{"case":{"id":"\u00e9'), Buffer.from([0xe2, 0x82])]);
    writeFileSync(journal, Buffer.concat([readFileSync(journal), cut]));
    const r = await runCli(['run', '--resume', journal]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.replace(/\n +/g, " ")).toMatch(/1 of 2 cases finished, 1 to run; a last line cut short was dropped/);
    expect(readResults(join(dir, 'r.json')).cases).toHaveLength(2);
    // A byte that is not UTF-8 in a whole line is damage, named and left as it is (never cut into).
    const damaged = journalIn(tempDir('not-utf8'), 'r.json');
    const bytes = readFileSync(damaged);
    bytes[bytes.indexOf('"id"', bytes.indexOf('\n')) + 6] = 0xff;
    writeFileSync(damaged, Buffer.concat([bytes, cut]));
    const refused = await resume(damaged);
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr)).toMatch(/r\.json\.journal: line 2 is not UTF-8; the journal is damaged$/);
    expect(readFileSync(damaged)).toEqual(Buffer.concat([bytes, cut]));
  });
});

describe.concurrent('ownership is a lock on the journal, never a pid', () => {
  it('while another process holds the journal\'s lock, --resume is refused; a live pid in the journal does not block', async () => {
    const dir = tempDir('locked');
    const journal = journalIn(dir, 'r.json', (h) => (h.owner = { pid: process.pid, host: hostname() }));
    // A reused pid: the journal names a live process on this host (this test's), as its owner and resumer.
    writeFileSync(journal, readFileSync(journal, 'utf8') + JSON.stringify({ resumedBy: { pid: 1, host: hostname() } }) + '\n');
    // flock(1) holds the lock itself (--close: its command does not inherit it).
    const holder = spawn('flock', ['--exclusive', '--close', journal, 'sleep', '60'], { stdio: 'ignore', detached: true });
    children.push(holder);
    for (let i = 0; i < 500; i++) {
      if (spawnSync('flock', ['--exclusive', '--nonblock', journal, 'true']).status !== 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const refused = await resume(journal);
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr)).toMatch(/r\.json\.journal is in use by another writeprof process/);
    process.kill(-holder.pid!, 'SIGKILL');
    await new Promise((r) => holder.on('close', r));
    const r = await resume(journal);
    expect(r.code, r.stderr).toBe(0);
    expect(readResults(join(dir, 'r.json')).cases).toHaveLength(2);
  });

  it('two resumes of one journal at once: exactly one proceeds', async () => {
    const dir = tempDir('twice');
    const journal = journalIn(dir, 'r.json');
    const [a, b] = await Promise.all([resume(journal), resume(journal)]);
    expect([a.code, b.code].sort()).toEqual([0, 2]);
    expect((a.code === 2 ? a : b).stderr).toMatch(/is in use by another writeprof process|no journal there/);
    expect((a.code === 0 ? a : b).stderr).toMatch(/resuming /);
    expect(readResults(join(dir, 'r.json')).cases.map((c) => c.id).sort()).toEqual(cpuJournal.slice(1).map((l) => JSON.parse(l).case.id).sort());
  });
});

describe('a resumed Redis run that cannot authenticate', () => {
  it('names WRITEPROF_REDIS_PASSWORD (the journal keeps no password), not a flag --resume refuses, and keeps the journal', async () => {
    const server = (how: string, port = '0'): Promise<{ port: number; child: ChildProcess }> => {
      const child = spawn(process.execPath, [SERVER, how, 'NONE', port], { stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(child);
      return new Promise((resolve) => child.stdout!.once('data', (d: Buffer) => resolve({ port: Number(d.toString().trim()), child })));
    };
    const good = await server('none');
    const lines = await realJournal(['--backend', 'redis', '--redis-url', `redis://127.0.0.1:${good.port}/0`, ...SWEEP.filter((a, i) => a !== '--strategy' && SWEEP[i - 1] !== '--strategy')]);
    good.child.kill('SIGKILL');
    await new Promise((r) => good.child.on('close', r));
    await server('noauth', String(good.port));
    const dir = tempDir('redis-auth');
    // No finished case: a resumed journal is still never removed but by its results.
    const journal = journalIn(dir, 'r.json', () => undefined, lines.slice(0, 1));
    const before = readFileSync(journal);
    const r = await resume(journal, '-q');
    expect(r.code).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).toMatch(/^writeprof: --resume: the run's Redis server redis:\/\/127\.0\.0\.1:\d+\/0 cannot be used: .*NOAUTH.*set WRITEPROF_REDIS_PASSWORD/);
    expect(line).not.toMatch(/--redis-url/);
    expect(readFileSync(journal)).toEqual(before);
  }, 60_000);
});

