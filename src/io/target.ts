/**
 * Where an output really goes, decided before anything runs:
 *  - `-` is stdout; a path that is this process's stdout or stderr (/dev/stdout) is that stream;
 *  - a character device or FIFO the user named is written through (opened, written, closed:
 *    never replaced by a regular file);
 *  - a symbolic link is followed: its target is what gets written (atomically) and checked;
 *  - a regular file (or a new one) is written atomically: temp file + rename.
 * Sockets, block devices, directories and dangling links are refused, as is any output that is
 * one of the command's inputs (same file, by device and inode through links, or same resolved
 * path): every command states its inputs, and every output goes through here. Baseline
 * protection looks at the resolved path, so a symlinked directory does not get around it.
 */
import { accessSync, constants, fstatSync, lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UsageError, invalid } from '../errors.js';
import { describeErrno, errnoCode } from './errno.js';
import { printable } from './sanitize.js';

export type TargetKind = 'stdout' | 'stderr' | 'file' | 'through';

export interface Target {
  /** as the user gave it, printable (for messages) */
  shown: string;
  kind: TargetKind;
  /** 'file': the resolved path written (links followed); 'through': the path opened */
  path: string;
  /** 'file': a regular file was there when the target was resolved */
  existed: boolean;
  /** 'file': the resolved path lies in a reports/baselines/ directory */
  baseline: boolean;
  /** 'file': must be created, never replace a file (a new baseline) */
  exclusive: boolean;
  /** 'file' that existed: its permission bits, kept by the atomic replace */
  mode?: number;
}

/** A file a command reads: outputs may not resolve to it. */
export interface InputFile {
  shown: string;
  path: string;
  dev?: number;
  ino?: number;
}

export interface TargetOptions {
  /** the flag or role named in messages: `--output`, `chart` */
  field: string;
  /** allow replacing a file under reports/baselines/ */
  force?: boolean;
  /** every file the command reads: an output that is one of them is refused (inputClash) */
  inputs: readonly InputFile[];
  /** false for outputs the user did not name (charts, the JSON beside a report): regular files only */
  named?: boolean;
}

/** The deepest existing ancestor resolved through its links, with the rest of the path appended. */
export function resolveLoosely(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return abs;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

/** True when `path` (resolved through links) lies in a reports/baselines/ directory. */
export function isBaselinePath(path: string): boolean {
  return `${resolveLoosely(path)}${sep}`.includes(`${sep}reports${sep}baselines${sep}`);
}

export function inputFile(path: string): InputFile {
  const shown = printable(path);
  try {
    const st = statSync(path);
    return { shown, path: resolveLoosely(path), dev: st.dev, ino: st.ino };
  } catch {
    return { shown, path: resolveLoosely(path) };
  }
}

/**
 * The input that `path` is, by identity: the same file (device and inode, links followed, so a
 * symbolic or hard link to an input is the input) or, for an input that did not exist when it
 * was read, the same resolved path. Every command's every output is checked with this.
 */
export function inputClash(inputs: readonly InputFile[], path: string): InputFile | undefined {
  let st: Stats | undefined;
  try {
    st = statSync(path);
  } catch {
    st = undefined;
  }
  return sameInput(inputs, resolveLoosely(path), st);
}

function sameInput(inputs: readonly InputFile[], path: string, st: Stats | undefined): InputFile | undefined {
  return inputs.find((i) => (st && i.dev === st.dev && i.ino === st.ino) || i.path === path);
}

function clashError(field: string, shown: string, clash: InputFile): UsageError {
  return new UsageError(`${field}: ${shown} is the input ${clash.shown}; writing it would destroy the input: give another path`);
}

/** A UsageError when `path` is one of `inputs` (see inputClash). */
export function refuseInput(field: string, path: string, inputs: readonly InputFile[]): void {
  const clash = inputClash(inputs, path);
  if (clash) throw clashError(field, printable(path), clash);
}

/** This process's stderr as an output. */
export const STDERR_TARGET: Target = { shown: 'stderr', kind: 'stderr', path: '/dev/stderr', existed: true, baseline: false, exclusive: false };

function fdStat(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

function same(a: Stats | undefined, b: Stats): boolean {
  return a !== undefined && a.dev === b.dev && a.ino === b.ino && a.rdev === b.rdev;
}

function kindName(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function resolveTarget(path: string, opts: TargetOptions): Target {
  const named = opts.named !== false;
  const inputs = opts.inputs;
  const shown = printable(path);
  const field = opts.field;
  if (path.trim() === '') throw invalid(field, path, 'a file path');
  if (path === '-' && named) return { shown: 'stdout', kind: 'stdout', path: '-', existed: true, baseline: false, exclusive: false };

  const abs = resolve(path);
  let st: Stats | undefined;
  let real = abs;
  try {
    const l = lstatSync(abs);
    st = l;
    if (l.isSymbolicLink()) {
      try {
        st = statSync(abs);
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT') throw new UsageError(`${field}: ${shown} is a symbolic link to a missing file; give the path it should point to`);
        throw new UsageError(`${field}: ${shown}: cannot follow the symbolic link (${describeErrno(err)})`);
      }
      try {
        real = realpathSync(abs);
      } catch {
        real = abs; // /dev/stdout -> /proc/self/fd/1 -> pipe:[..]: opened through the link
      }
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = errnoCode(err);
    // ENOENT: a new file; ENOTDIR: a file where a directory should be (mkdir names it later).
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UsageError(`${field}: ${shown}: cannot access (${describeErrno(err)})`);
    st = undefined;
    real = resolveLoosely(abs);
  }

  if (st && st.isDirectory()) throw invalid(field, path, 'a file path (this is a directory)');
  if (st && !st.isFile()) {
    if (named && same(fdStat(1), st)) return { shown, kind: 'stdout', path: abs, existed: true, baseline: false, exclusive: false };
    if (named && same(fdStat(2), st)) return { shown, kind: 'stderr', path: abs, existed: true, baseline: false, exclusive: false };
    const input = sameInput(inputs, real, st);
    if (input) throw clashError(field, shown, input);
    if (!named) throw new UsageError(`${field}: ${shown} is ${kindName(st)}, not a regular file; it is not replaced (move it away)`);
    if (!st.isFIFO() && !st.isCharacterDevice()) {
      throw new UsageError(`${field}: ${shown} is ${kindName(st)}; outputs are regular files, FIFOs, character devices or - (stdout)`);
    }
    try {
      accessSync(abs, constants.W_OK);
    } catch (err) {
      throw new UsageError(`${field}: ${shown} is not writable (${describeErrno(err)})`);
    }
    return { shown, kind: 'through', path: abs, existed: true, baseline: false, exclusive: false };
  }

  const clash = sameInput(inputs, real, st);
  if (clash) throw clashError(field, shown, clash);
  const baseline = isBaselinePath(real);
  const existed = st !== undefined;
  if (existed && baseline && !opts.force) {
    throw new UsageError(`${field}: ${shown} is a committed baseline; pass --force to overwrite it`);
  }
  if (existed) {
    try {
      accessSync(real, constants.W_OK);
    } catch (err) {
      throw new UsageError(`${field}: ${shown} is not writable (${describeErrno(err)})`);
    }
  }
  return { shown, kind: 'file', path: real, existed, baseline, exclusive: baseline && !existed && !opts.force, ...(existed ? { mode: st!.mode & 0o7777 } : {}) };
}
