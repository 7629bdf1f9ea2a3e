/**
 * Writing a resolved Target (./target.ts). Regular files: temp file in the same directory, fsync,
 * then rename over the target (or hard-link to it when it must be created exclusively), so a
 * reader, a crash or a second Ctrl-C never sees half a file and a file that appeared meanwhile is
 * never replaced. Character devices and FIFOs: opened and written through. stdout/stderr: the
 * process's own streams (a closed pipe there is quiet: see ./stdio.ts).
 * Failures name the real errno; a full disk or I/O error is an IoFailure (exit 4), anything else
 * about the path a UsageError (exit 2).
 */
import { closeSync, constants, fchmodSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IoFailure, UsageError } from '../errors.js';
import { describeErrno, errnoCode, isIoFailure } from './errno.js';
import { tempPathFor } from './names.js';
import { printable } from './sanitize.js';
import { resolveTarget, type InputFile, type Target } from './target.js';

/** UsageError or IoFailure by what the errno says. */
export function failure(message: string, err: unknown): Error {
  const line = `${message} (${describeErrno(err)})`;
  return isIoFailure(err) ? new IoFailure(line) : new UsageError(line);
}

/**
 * mkdir -p that reports the real errno: Node's recursive mkdir answers ENOENT on a read-only
 * file system (it stats the missing directory after mkdir fails with EROFS).
 */
export function makeDirs(dir: string, field: string): void {
  const missing: string[] = [];
  let cur = dir;
  for (;;) {
    try {
      if (!statSync(cur).isDirectory()) {
        throw new UsageError(`${field}: cannot create directory ${printable(dir)} (EEXIST: a file is in the way)`);
      }
      break;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const code = errnoCode(err);
      if (code === 'ENOTDIR') throw new UsageError(`${field}: cannot create directory ${printable(dir)} (EEXIST: a file is in the way)`);
      if (code !== 'ENOENT') throw failure(`${field}: cannot create directory ${printable(dir)}`, err);
      missing.push(cur);
      const parent = dirname(cur);
      if (parent === cur) break;
      cur = parent;
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if (errnoCode(err) === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw failure(`${field}: cannot create directory ${printable(d)}`, err);
    }
  }
}

function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function fsyncDir(dir: string): void {
  // Persist the rename itself; some file systems refuse fsync on a directory, which is harmless.
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

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Pre-flight for a regular-file target: its directory exists (created if need be) and a file
 * with content can be written there: a 0-byte probe would pass on a full disk.
 */
export function probeFileTarget(t: Target, field: string): void {
  if (t.kind !== 'file') return;
  const dir = dirname(t.path);
  makeDirs(dir, field);
  const probe = tempPathFor(t.path);
  let fd: number | undefined;
  try {
    fd = openSync(probe, 'wx', 0o600);
    writeAll(fd, Buffer.alloc(4096, 0x20));
    fsyncSync(fd);
  } catch (err) {
    throw failure(`${field}: cannot write in ${printable(dir)}`, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(probe);
    } catch {
      /* never created */
    }
  }
}

/** Atomic write of a regular-file target (see the module comment). */
export function writeFileTarget(t: Target, data: string | Uint8Array, field: string): void {
  if (t.kind !== 'file') throw new Error(`internal: writeFileTarget on a ${t.kind} target`);
  makeDirs(dirname(t.path), field);
  const tmp = tempPathFor(t.path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', t.mode ?? 0o644);
    writeAll(fd, bytesOf(data));
    if (t.mode !== undefined) fchmodSync(fd, t.mode);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (t.exclusive) {
      try {
        linkSync(tmp, t.path);
      } catch (err) {
        if (errnoCode(err) === 'EEXIST') {
          throw new UsageError(`${field}: ${t.shown} was created by someone else while writeprof ran; it is not replaced`);
        }
        throw err;
      }
      unlinkSync(tmp);
    } else {
      renameSync(tmp, t.path);
    }
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file may never have been created */
    }
    if (err instanceof UsageError) throw err;
    throw failure(`${t.shown}: cannot write`, err);
  }
  fsyncDir(dirname(t.path));
}

function writeStream(stream: NodeJS.WriteStream, data: string | Uint8Array): Promise<void> {
  // A reader that went away (EPIPE) is not an error of this command: ./stdio.ts keeps it quiet.
  return new Promise((done) => {
    try {
      stream.write(data, () => done());
    } catch {
      done();
    }
  });
}

/** Writes any target; a FIFO waits for its reader without blocking the event loop (Ctrl-C works). */
export async function writeTarget(t: Target, data: string | Uint8Array, field: string, onWait?: (line: string) => void): Promise<void> {
  if (t.kind === 'stdout') return writeStream(process.stdout, data);
  if (t.kind === 'stderr') return writeStream(process.stderr, data);
  if (t.kind === 'file') return writeFileTarget(t, data, field);
  const waiting = onWait ? setTimeout(() => onWait(`waiting for a reader on ${t.shown}`), 1000) : undefined;
  let handle;
  try {
    handle = await open(t.path, constants.O_WRONLY | constants.O_NOCTTY);
  } catch (err) {
    throw failure(`${t.shown}: cannot open for writing`, err);
  } finally {
    if (waiting) clearTimeout(waiting);
  }
  try {
    const buf = bytesOf(data);
    let off = 0;
    while (off < buf.length) off += (await handle.write(buf, off, buf.length - off)).bytesWritten;
  } catch (err) {
    throw failure(`${t.shown}: cannot write`, err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Writes `data` to the regular file `path` atomically (temp file + fsync + rename), creating
 * directories; a symbolic link's target is written; anything but a regular file is refused.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: { inputs: readonly InputFile[]; force?: boolean; field?: string }): void {
  const field = opts.field ?? printable(path);
  writeFileTarget(resolveTarget(path, { field, named: false, force: opts.force ?? true, inputs: opts.inputs }), data, field);
}

/**
 * Fails now, before a long sweep, if `path` could not be written later: resolves it (links,
 * devices, baselines), creates its directory and writes a probe file there.
 */
export function checkWritable(path: string, opts: { field: string; inputs: readonly InputFile[]; force?: boolean }): void {
  probeFileTarget(resolveTarget(path, { field: opts.field, force: opts.force ?? false, inputs: opts.inputs }), opts.field);
}
