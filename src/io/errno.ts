/**
 * What a failed file operation says to the user: the real errno name and its meaning
 * ("EROFS: read-only file system"), never a guess; and whether it is the machine's fault (a full
 * disk, an I/O error) rather than a bad path the user gave.
 */
const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ENOENT: 'no such file or directory',
  EEXIST: 'a file is in the way',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  ENXIO: 'no reader on the other end',
  EPIPE: 'the reader closed the pipe',
  EXDEV: 'on another file system',
  EBUSY: 'device or resource busy',
  EMFILE: 'too many open files',
  ETXTBSY: 'text file busy',
};

/** Errors that mean the machine could not store what was measured (exit 4, not 2). */
const IO_FAILURES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG']);

export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "ENOSPC: no space left on device", or the error's first line when it carries no code. */
export function describeErrno(err: unknown): string {
  const code = errnoCode(err);
  if (!code) return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  return WHY[code] ? `${code}: ${WHY[code]}` : code;
}

export function isIoFailure(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && IO_FAILURES.has(code);
}
