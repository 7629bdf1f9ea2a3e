/**
 * Messages say what the input held and what the system said: no value shown
 * as null, one line whatever a file name holds, no terminal escapes from input reaching the
 * terminal or the markdown, long legal names accepted, the real errno (EROFS, not ENOENT).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/file.js';
import { ROOT, TINY, inMountNamespace, isRoot, requireCli, runCli, tempDir, writeDoc } from './helpers.js';

beforeAll(requireCli);

const ESC = '\u001b';
const dir = tempDir('messages');
const f = (name: string): string => join(dir, name);

describe.concurrent('messages that mislead', () => {
  it('1e999 is shown as the out-of-range number it is, not as null', async () => {
    writeFileSync(f('inf.json'), '{"name":"x","suites":[{"mode":"batch","keys":1e999}]}');
    const r = await runCli(['run', '--profile', f('inf.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suites\[0\]\.keys: Infinity \(out of range\) is invalid/);
    expect(r.stderr).not.toMatch(/null/);
  });

  it('a newline in a file name does not split the one-line error', async () => {
    const r = await runCli(['run', '--profile', f('two\nlines.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('two\\nlines.json: no such file');
  });

  it('ANSI escapes in a profile name reach neither the terminal streams nor the markdown', async () => {
    const profile = JSON.parse(readFileSync(join(ROOT, 'profiles', 'quick.json'), 'utf8'));
    profile.name = `evil${ESC}[31m${ESC}]0;pwned${ESC}\\`;
    writeFileSync(f('evil.json'), JSON.stringify(profile));
    const args = TINY.filter((a) => a !== '-q' && a !== 'quick' && a !== '--profile');
    const r = await runCli(['run', ...args, '--profile', f('evil.json'), '-o', f('evil-run.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).not.toContain(ESC);
    expect(r.stderr).toContain('profile: evil\\e[31m\\e]0;pwned\\e\\');
    const rep = await runCli(['report', f('evil-run.json'), '-o', f('evil.md')]);
    expect(rep.code).toBe(0);
    expect(readFileSync(f('evil.md'), 'utf8')).not.toContain(ESC);
  });

  it('ANSI escapes in environment fields and claim texts are shown escaped', async () => {
    const results = writeDoc(f('env.json'), (d) => {
      d.environment.cpu = `CPU${ESC}[2J`;
      d.environment.device = { name: `dev${ESC}[5m` };
    });
    const claims = f('claims.json');
    writeFileSync(claims, JSON.stringify({ name: 'c', claims: [{ id: 'x', text: `fast${ESC}[8mhidden`, kind: 'maxLostWrites', max: 0 }] }));
    const v = await runCli(['validate', results, '--claims', claims]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('fast\\e[8mhidden');
    expect(v.stdout).not.toContain(ESC);
    const rep = await runCli(['report', results, '-o', f('env.md')]);
    expect(rep.code).toBe(0);
    const md = readFileSync(f('env.md'), 'utf8');
    expect(md).not.toContain(ESC);
    expect(md).toMatch(/CPU\\+e\[2J/);
    const cmp = await runCli(['compare', results, results, '--format', 'markdown']);
    expect(cmp.stdout + cmp.stderr).not.toContain(ESC);
  });

  it('a legal 250-character file name is accepted (temp and journal names stay within the limit)', async () => {
    const d = tempDir('long');
    const name = `${'a'.repeat(250)}.json`;
    const r = await runCli(['run', ...TINY, '-o', join(d, name)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readResults(join(d, name)).cases).toHaveLength(2);
    expect(readdirSync(d)).toEqual([name]);
  });

  it.skipIf(!isRoot)('a read-only file system is reported as EROFS, not ENOENT', () => {
    const r = inMountNamespace(`
      set -e; d=$(mktemp -d); mount -t tmpfs tmpfs "$d"; mkdir "$d/exists"; mount -o remount,ro "$d"
      $WP run --profile quick -o "$d/sub/r.json" 2>&1 || echo "rc=$?"
      $WP run --profile quick -o "$d/exists/r.json" 2>&1 || echo "rc=$?"`);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^writeprof: --output: cannot create directory .*\/sub \(EROFS: read-only file system\)$/),
      'rc=2',
      expect.stringMatching(/^writeprof: --output: cannot create .*\/exists\/r\.json\.journal \(EROFS: read-only file system\)$/),
      'rc=2',
    ]);
  });
});
