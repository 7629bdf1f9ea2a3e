/**
 * Reading an input file in bounded time and memory: at most INPUT_LIMITS.maxInputBytes (a 70 MB file or
 * /dev/zero is refused, not parsed for minutes), and a pipe or FIFO is opened without blocking
 * and read until EOF, giving up when nothing arrives for INPUT_LIMITS.inputIdleTimeoutMs.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { describeErrno, errnoCode } from './errno.js';
import { fmtMemory } from '../format.js';
import { INPUT_LIMITS } from '../limits.js';
import { printable } from './sanitize.js';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function tooLarge(path: string, seen: string, limit: number): UsageError {
  return new UsageError(`${printable(path)}: ${seen}; inputs are limited to ${fmtMemory(limit)}`);
}

function openFailure(path: string, err: unknown): UsageError {
  const shown = printable(path);
  switch (errnoCode(err)) {
    case 'ENOENT':
      return new UsageError(`${shown}: no such file`);
    case 'EISDIR':
      return new UsageError(`${shown}: is a directory, not a file`);
    case 'EACCES':
    case 'EPERM':
      return new UsageError(`${shown}: cannot read (permission denied)`);
    default:
      return new UsageError(`${shown}: cannot read (${describeErrno(err)})`);
  }
}

/** The bytes of `path` (a file, pipe, FIFO or device), at most `limit` of them, or a UsageError. */
export function readInputBytes(path: string, limit = INPUT_LIMITS.maxInputBytes): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw openFailure(path, err);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`${printable(path)}: is a directory, not a file`);
    if (st.isFile() && st.size > limit) throw tooLarge(path, `${fmtMemory(st.size)}`, limit);
    const chunks: Buffer[] = [];
    let total = 0;
    let idleSince = Date.now();
    const chunk = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        if (errnoCode(err) !== 'EAGAIN') throw openFailure(path, err);
        // A pipe whose writer has not written yet: wait, but not forever.
        if (Date.now() - idleSince > INPUT_LIMITS.inputIdleTimeoutMs) {
          throw new UsageError(`${printable(path)}: no data for ${INPUT_LIMITS.inputIdleTimeoutMs / 1000} s; gave up waiting`);
        }
        sleepMs(10);
        continue;
      }
      if (n === 0) break;
      idleSince = Date.now();
      total += n;
      if (total > limit) throw tooLarge(path, `more than ${fmtMemory(limit)}`, limit);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** The text of an input file (UTF-8), bounded as readInputBytes. */
export function readInputText(path: string, limit = INPUT_LIMITS.maxInputBytes): string {
  return readInputBytes(path, limit).toString('utf8');
}
