/**
 * Results files on disk. Writes go to a temporary file in the target's directory, are fsynced,
 * then renamed over the target: a reader (or a crash, or a second Ctrl-C) never sees half a file.
 */
import { closeSync, constants, accessSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError, invalid } from '../errors.js';
import { SCHEMA_VERSION, resultsSchema, type ResultsDocument } from './schema.js';
import { formatPath, readJsonFile, showValue, valueAt } from './json-file.js';

const WHY: Record<string, string> = {
  EEXIST: 'a file is in the way',
  ENOTDIR: 'a file is in the way',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EISDIR: 'is a directory',
};

function errCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (!code) return (err as Error).message.split('\n')[0]!;
  return WHY[code] ? `${code}: ${WHY[code]}` : code;
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes `data` to `path` atomically (temp file + fsync + rename), creating directories. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(resolve(path));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`${path}: cannot create directory ${dir} (${errCode(err)})`);
  }
  const tmp = tempPathFor(resolve(path));
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file may never have been created */
    }
    throw new UsageError(`${path}: cannot write (${errCode(err)})`);
  }
  // Persist the rename itself; some filesystems refuse fsync on a directory, which is harmless.
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* best effort */
  }
}

/** True when `path` lies in a reports/baselines/ directory (committed gate baselines). */
export function isBaselinePath(path: string): boolean {
  return `${resolve(path)}`.includes(`${sep}reports${sep}baselines${sep}`);
}

/**
 * Fails now, before a long sweep, if `path` could not be written later: creates its directory,
 * creates and removes a probe file there, and refuses to overwrite a baseline without force.
 */
export function checkWritable(path: string, opts: { field: string; force?: boolean }): void {
  const abs = resolve(path);
  if (existsSync(abs)) {
    if (statSync(abs).isDirectory()) throw invalid(opts.field, path, 'a file path (this is a directory)');
    if (isBaselinePath(abs) && !opts.force) {
      throw new UsageError(`${opts.field}: ${path} is a committed baseline; pass --force to overwrite it`);
    }
    try {
      accessSync(abs, constants.W_OK);
    } catch (err) {
      throw new UsageError(`${opts.field}: ${path} is not writable (${errCode(err)})`);
    }
  }
  const dir = dirname(abs);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`${opts.field}: cannot create directory ${dir} (${errCode(err)})`);
  }
  const probe = tempPathFor(abs);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (err) {
    throw new UsageError(`${opts.field}: cannot write in ${dir} (${errCode(err)})`);
  }
}

/** Serializes a results document (validated first: never write what readResults would refuse). */
export function writeResultsAtomic(path: string, doc: ResultsDocument): void {
  const checked = resultsSchema.safeParse(doc);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    // A document built by writeprof itself that fails its own schema is a bug, not bad input.
    throw new Error(`internal: results document invalid at ${formatPath(issue.path)}: ${issue.message}`);
  }
  writeFileAtomic(path, JSON.stringify(doc, null, 2) + '\n');
}

/** Reads and validates a results document; one-line UsageError naming the first bad field. */
export function readResults(path: string): ResultsDocument {
  const raw = readJsonFile(path);
  const version = valueAt(raw, ['schemaVersion']);
  if (typeof version === 'number' && version !== SCHEMA_VERSION) {
    throw invalid(`${path}: schemaVersion`, version, `${SCHEMA_VERSION} (the version this writeprof reads)`);
  }
  const parsed = resultsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = formatPath(issue.path);
    const shown = showValue(valueAt(raw, issue.path));
    throw new UsageError(`${path}: ${where}: ${shown} is invalid (${issue.message.replace(/\s+/g, ' ')})`);
  }
  return parsed.data;
}
