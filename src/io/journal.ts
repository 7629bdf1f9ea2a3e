/**
 * An append-only journal of finished cases, kept beside a results target while a run goes on
 * (`<target>.journal`, JSON Lines): a header line (what to resume: plan, settings), then one line
 * per finished case, each fsynced. Created exclusively, so it also marks the target as taken: a
 * second run aimed at the same file stops before measuring anything. The final write of the
 * results replaces it; after a full disk, an I/O error, a crash or a forced exit it stays, and
 * `writeprof run --resume` continues from it.
 *
 * Ownership is an advisory lock (flock) on the open journal, held by the process writing it: two
 * processes can never both hold it, and it ends with its process however that ends (no pid to
 * check, none that a reused pid could fake). A journal is read like any other input: a regular
 * file, bounded, every line whole JSON in UTF-8; only a last line cut short (no newline, not
 * parseable) counts as torn, and it is the one thing cut when the journal is taken over.
 */
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { errnoCode } from './errno.js';
import { fmtMemory } from '../format.js';
import { MAX_RESULTS_BYTES } from '../limits.js';
import { firstTooDeep } from './json-depth.js';
import { printable } from './sanitize.js';
import { tryLock } from './sys.js';
import { failure, makeDirs } from './write.js';

export const JOURNAL_VERSION = 1;

/** Who wrote or took over the journal: for people reading it, never a decision. */
export interface JournalOwner {
  pid: number;
  host: string;
}

export interface JournalHeader<R> {
  writeprofJournal: number;
  /** the results file this journal stands for, when it was created (only its name is used) */
  target: string;
  startedAt: string;
  owner: JournalOwner;
  run: R;
}

export interface JournalContents<C> {
  /** the header line, parsed but not yet checked: the caller validates it as input */
  header: unknown;
  entries: C[];
  /** a last line cut short (a crash or a full disk in the middle of an append) was dropped */
  torn: boolean;
}

function thisOwner(): JournalOwner {
  return { pid: process.pid, host: hostname() };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Takes the journal's lock on `fd`, or explains why it cannot be had (the fd is closed then). */
function lock(fd: number, shown: string, field: string): void {
  let got;
  try {
    got = tryLock(fd);
  } catch (err) {
    closeSync(fd);
    throw failure(`${field}: cannot lock ${shown}`, err);
  }
  if (got === 'busy') {
    closeSync(fd);
    throw new UsageError(`${field}: ${shown} is in use by another writeprof process (it holds the journal's lock); wait for it to end`);
  }
  // 'unsupported': a file system without locks; nothing stronger is available there.
}

export class Journal {
  private size: number;
  private constructor(
    readonly path: string,
    private fd: number | undefined,
    public count: number,
    /** created by this process (a fresh run), not taken over from an earlier one */
    readonly created: boolean,
  ) {
    this.size = fd === undefined ? 0 : fstatSync(fd).size;
  }

  /** Creates the journal exclusively, locked, and writes its header (a real write: a full disk fails here). */
  static create<R>(path: string, target: string, run: R, field: string): Journal | 'exists' {
    makeDirs(dirname(path), field);
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') return 'exists';
      throw failure(`${field}: cannot create ${printable(path)}`, err);
    }
    lock(fd, printable(path), field);
    const header: JournalHeader<R> = { writeprofJournal: JOURNAL_VERSION, target, startedAt: new Date().toISOString(), owner: thisOwner(), run };
    const j = new Journal(path, fd, 0, true);
    try {
      j.line(header);
    } catch (err) {
      j.remove();
      throw failure(`${field}: cannot write ${printable(path)}`, err);
    }
    return j;
  }

  /** Whether another process holds the lock of the journal at `path` (false when it cannot tell). */
  static inUse(path: string): boolean {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch {
      return false;
    }
    try {
      return fstatSync(fd).isFile() && tryLock(fd) === 'busy';
    } catch {
      return false;
    } finally {
      closeSync(fd); // releases the lock if this call took it
    }
  }

  /**
   * Opens a journal to resume it: a regular file, locked by this process (or refused while
   * another holds it), read and checked line by line (`entry` checks one case line and throws a
   * UsageError). Nothing is written until takeOver(); close() leaves the file as it was.
   */
  static open<C>(path: string, field: string, entry: (raw: unknown, line: number) => C): { journal: Journal; contents: JournalContents<C> } {
    const shown = printable(path);
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (err) {
      throw failure(`${field}: cannot open ${shown}`, err);
    }
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      throw new UsageError(`${field}: ${shown} is not a regular file; a journal is the file a run left beside its results`);
    }
    lock(fd, shown, field);
    try {
      // The lock is on what was opened: if another process finished with it (and removed it) in
      // between, this is no longer the journal at `path`.
      if (!samePath(fd, path)) throw new UsageError(`${field}: ${shown} was finished and removed by another writeprof process; no journal there now`);
      const bytes = readAll(fd, shown);
      const { contents, keep } = parseJournal(bytes, shown, entry);
      const j = new Journal(path, fd, contents.entries.length, false);
      j.keep = keep;
      return { journal: j, contents };
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Bytes of whole lines (see parseJournal); what takeOver() keeps. */
  private keep = 0;

  /**
   * Makes an opened journal this process's to append to: a torn last line is cut (only that:
   * the cut is where parsing found it, in bytes), a whole last line missing its newline gets it,
   * and a line records who took over.
   */
  takeOver(count: number): void {
    if (this.fd === undefined) throw new Error('internal: journal closed');
    if (this.keep !== this.size) {
      ftruncateSync(this.fd, this.keep);
      this.size = this.keep;
    }
    if (this.size > 0 && !this.endsWithNewline()) {
      writeSync(this.fd, '\n', this.size);
      this.size += 1;
    }
    this.count = count;
    this.line({ resumedBy: thisOwner() });
  }

  private endsWithNewline(): boolean {
    const b = Buffer.alloc(1);
    readSync(this.fd!, b, 0, 1, this.size - 1);
    return b[0] === 0x0a;
  }

  private line(value: unknown): void {
    if (this.fd === undefined) throw new Error('internal: journal closed');
    const buf = Buffer.from(JSON.stringify(value) + '\n', 'utf8');
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, this.size + off);
      fsyncSync(this.fd);
    } catch (err) {
      // Never leave half a line: cut the file back to the last whole one (needs no space).
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        /* the read side drops a torn last line anyway */
      }
      throw err;
    }
    this.size += buf.length;
  }

  /** Appends one finished case, durably (fsync). Throws the errno error on failure. */
  append(entry: unknown): void {
    this.line({ case: entry });
    this.count++;
  }

  /** Closes the file (and so releases the lock). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** The final results are written: the journal has served its purpose. */
  remove(): void {
    // Unlinked while still locked: no other process can take it over in between.
    try {
      unlinkSync(this.path);
    } catch {
      /* already gone */
    }
    this.close();
  }
}

/** Whether `path` still names the open file `fd`. */
function samePath(fd: number, path: string): boolean {
  try {
    const a = fstatSync(fd);
    const b = statSync(path);
    return a.nlink > 0 && a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/** The whole journal through its descriptor (bounded like every input). */
function readAll(fd: number, shown: string): Buffer {
  const size = fstatSync(fd).size;
  if (size > MAX_RESULTS_BYTES) throw new UsageError(`${shown}: ${fmtMemory(size)}; a journal holds at most what a results document does, ${fmtMemory(MAX_RESULTS_BYTES)}`);
  const buf = Buffer.alloc(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off);
}

/**
 * Lines of a journal's bytes: each whole line must be UTF-8 JSON; the last line, when it has no
 * newline, is kept if it is whole JSON and dropped as torn if not. `keep` is the byte length of
 * what is kept.
 */
export function parseJournal<C>(bytes: Buffer, shown: string, entry: (raw: unknown, line: number) => C): { contents: JournalContents<C>; keep: number } {
  const lines: { text: string | undefined; start: number; end: number; newline: boolean }[] = [];
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    let text: string | undefined;
    try {
      text = utf8.decode(bytes.subarray(start, end));
    } catch {
      text = undefined;
    }
    lines.push({ text, start, end, newline: nl >= 0 });
    start = nl < 0 ? bytes.length : nl + 1;
  }
  const parse = (s: string | undefined, i: number): unknown => {
    if (s === undefined) return undefined;
    if (firstTooDeep(s) >= 0) throw new UsageError(`${shown}: line ${i + 1}: nested too deep`);
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  };
  let torn = false;
  let keep = bytes.length;
  const values: unknown[] = [];
  lines.forEach((l, i) => {
    const v = parse(l.text, i);
    if (v !== undefined) {
      values.push(v);
      return;
    }
    // Only the last line, written without its newline, may be cut short; any other is damage.
    if (i === lines.length - 1 && !l.newline) {
      torn = true;
      keep = l.start;
      return;
    }
    const why = l.text === undefined ? 'is not UTF-8' : 'is not valid JSON';
    throw new UsageError(`${shown}: line ${i + 1} ${why}; the journal is damaged`);
  });
  const header = values[0];
  if (!header || typeof header !== 'object' || (header as { writeprofJournal?: unknown }).writeprofJournal !== JOURNAL_VERSION) {
    throw new UsageError(`${shown}: not a writeprof journal (version ${JOURNAL_VERSION}); --resume takes the .journal file a run left beside its results`);
  }
  const entries: C[] = [];
  for (let i = 1; i < values.length; i++) {
    const raw = values[i] as { case?: unknown; resumedBy?: unknown } | null;
    if (raw && typeof raw === 'object' && 'resumedBy' in raw && !('case' in raw)) continue;
    entries.push(entry(raw && typeof raw === 'object' ? raw.case : undefined, i + 1));
  }
  return { contents: { header, entries, torn }, keep };
}
