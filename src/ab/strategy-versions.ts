/**
 * The two versions of one strategy file that `writeprof ab --strategy-file F` compares: the head
 * (F as it is on disk, or --head's .cu file) and the base (--base: another .cu file, or F as a git
 * ref holds it). A ref's version is written under the writeprof cache directory, never beside F,
 * and compiled with -I <F's directory>, so its quoted includes find the working tree's headers.
 * Both versions run under the head's strategy name: their cases pair whatever the base calls
 * itself.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { CompileError, UsageError, invalid } from '../errors.js';
import { printable } from '../io/sanitize.js';
import { cacheDir, prepareStrategyFile, type Flavor, type StrategyFile } from '../strategy-file/index.js';
import { declaredName, readStrategySource, type StrategySource } from '../strategy-file/source.js';
import { git, resolveCommit } from './builds.js';
import type { Side } from './interleave.js';

export interface VersionPlan {
  source: StrategySource;
  /** how reports name it: the path as given, or "<ref>:<path in its repository>" */
  label: string;
  /** what the version itself names its strategy (WP_STRATEGY_NAME or its stem) */
  ownName: string;
  /** searched for quoted includes (a ref's version: F's directory in the working tree) */
  includeDirs: string[];
  /** a ref's version: the commit it was read from */
  commit?: string;
}

export type Version = VersionPlan & { file: StrategyFile };

const OTHER_VERSION = { notA: 'a .cu file', give: 'the other version\'s .cu path', exactly: 'the other version\'s path ending in .cu' };

function ownNameOf(path: string): string {
  return declaredName(readFileSync(path, 'utf8'), path).name;
}

/** `text`, kept under the cache as `name` in a directory named by its hash (written whole, then renamed). */
function keepInCache(bytes: Buffer, name: string): string {
  const dir = join(cacheDir(), 'ab-versions', createHash('sha256').update(bytes).digest('hex').slice(0, 16));
  const path = join(dir, name);
  try {
    if (readFileSync(path).equals(bytes)) return path;
  } catch {
    /* not kept yet */
  }
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    throw new UsageError(`--base: cannot keep the ref's version in the cache ${printable(dir)} (${(err as Error).message}); WRITEPROF_CACHE_DIR names another`);
  }
  return path;
}

/** F as the commit `ref` names holds it, at F's path relative to its repository's root. */
function atRef(ref: string, f: StrategySource, headName: string): VersionPlan {
  const real = realpathSync(f.path);
  const dir = dirname(real);
  const commit = resolveCommit(ref, { root: dir }, '--base', OTHER_VERSION);
  const top = git(dir, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw new UsageError(`--base: ${printable(f.shown)} is not in a git repository's working tree to find ${JSON.stringify(printable(ref))} in; give the other version's .cu path`);
  const rel = relative(realpathSync(top.out), real).split('\\').join('/');
  const label = `${printable(ref)}:${printable(rel)}`;
  const r = spawnSync('git', ['-C', top.out, 'cat-file', 'blob', `${commit}:${rel}`], { maxBuffer: 2 << 20 });
  if (r.error || r.status !== 0) {
    throw new UsageError(`--base: ${JSON.stringify(printable(ref))} (commit ${commit.slice(0, 10)}) has no ${printable(rel)}; give a ref that holds the strategy file, or the other version's .cu path`);
  }
  const kept = keepInCache(r.stdout, basename(real));
  const source = readStrategySource(kept, { field: '--base', nameAs: headName });
  return { source, label, ownName: ownNameOf(kept), includeDirs: [dir], commit };
}

/**
 * Reads both versions (no build yet): every problem of the input is one UsageError line naming
 * --strategy-file, --head or --base.
 */
export function planVersions(strategyFile: string, base: string, head?: string): Record<Side, VersionPlan> {
  const f = readStrategySource(strategyFile);
  if (head !== undefined && !head.endsWith('.cu')) throw invalid('--head', head, 'with --strategy-file, the version under test as a .cu file (default: the --strategy-file as it is on disk)');
  const h = head === undefined ? f : readStrategySource(head, { field: '--head' });
  const headPlan: VersionPlan = { source: h, label: printable(h.shown), ownName: h.name, includeDirs: [] };
  if (base.trim() === '') throw invalid('--base', base, 'a git ref holding the strategy file, or the other version\'s .cu path');
  if (base.endsWith('.cu')) {
    const source = readStrategySource(base, { field: '--base', nameAs: h.name });
    return { head: headPlan, base: { source, label: printable(base), ownName: ownNameOf(source.path), includeDirs: [] } };
  }
  return { head: headPlan, base: atRef(base, f, h.name) };
}

/** Builds (or finds in the cache) each version's `flavor`; a ref's compile errors name `ref:path`, not the cache. */
export function buildVersions(plans: Record<Side, VersionPlan>, flavor: Flavor): Record<Side, Version> {
  const build = (side: Side): Version => {
    const p = plans[side];
    try {
      return { ...p, file: prepareStrategyFile(p.source, flavor, { includeDirs: p.includeDirs, field: `--${side}` }) };
    } catch (err) {
      if (err instanceof CompileError && p.commit !== undefined) throw new CompileError(err.lines.map((l) => l.split(p.source.path).join(p.label)));
      throw err;
    }
  };
  return { base: build('base'), head: build('head') };
}

/** What differs between the versions' declarations beyond their code: noted, never refused. */
export function declarationNotes(v: Record<Side, Version>): string[] {
  const notes: string[] = [];
  const b = v.base.file.declared, h = v.head.file.declared;
  if (v.base.ownName !== v.head.ownName) notes.push(`the base names its strategy ${JSON.stringify(v.base.ownName)}; it runs as ${JSON.stringify(v.head.file.name)}, the head's name, so that the cases pair`);
  if (b.orderRun !== h.orderRun) notes.push(`the versions promise different orders (base orderRun ${b.orderRun}, head ${h.orderRun}): each is verified against its own promise`);
  if (b.block !== h.block || b.writesPerBlock !== h.writesPerBlock) {
    notes.push(`the versions launch differently (base ${b.block} threads a block, ${b.writesPerBlock} writes a block; head ${h.block}, ${h.writesPerBlock})`);
  }
  return notes;
}
