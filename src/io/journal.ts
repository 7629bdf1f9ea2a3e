/**
 * An append-only journal of finished cases, kept beside a results target while a run goes on
 * (`<target>.journal`, JSON Lines): a header line (what to resume: plan, settings, owner), then one
 * line per finished case, each fsynced. Created exclusively, so it also marks the target as
 * taken: a second run aimed at the same file stops before measuring anything. The final write of
 * the results replaces it; after a full disk, an I/O error, a crash or a forced exit it stays,
 * and `writeprof run --resume` continues from it.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { errnoCode } from './errno.js';
import { INPUT_LIMITS } from '../limits.js';
import { firstTooDeep } from './json-depth.js';
import { readInputText } from './read.js';
import { printable } from './sanitize.js';
import { failure, makeDirs } from './write.js';

export const JOURNAL_VERSION = 1;

export interface JournalOwner {
  pid: number;
  host: string;
}

export interface JournalHeader<R> {
  writeprofJournal: number;
  /** the results file this journal stands for (absolute) */
  target: string;
  startedAt: string;
  owner: JournalOwner;
  run: R;
}

export interface JournalContents<R, C> {
  header: JournalHeader<R>;
  entries: C[];
  /** the process that last wrote the journal */
  owner: JournalOwner;
  /** a last line cut short (a crash or a full disk in the middle of an append) was dropped */
  torn: boolean;
}

function thisOwner(): JournalOwner {
  return { pid: process.pid, host: hostname() };
}

/** Whether the owner may still be running (same host, live pid): then the journal is in use. */
export function ownerAlive(o: JournalOwner): boolean {
  if (o.host !== hostname() || o.pid === process.pid) return false;
  try {
    process.kill(o.pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

export class Journal {
  private size: number;
  private constructor(
    readonly path: string,
    private fd: number | undefined,
    public count: number,
  ) {
    this.size = fd === undefined ? 0 : fstatSync(fd).size;
  }

  /** Creates the journal exclusively and writes its header (a real write: a full disk fails here). */
  static create<R>(path: string, target: string, run: R, field: string): Journal | 'exists' {
    makeDirs(dirname(path), field);
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') return 'exists';
      throw failure(`${field}: cannot create ${printable(path)}`, err);
    }
    const header: JournalHeader<R> = { writeprofJournal: JOURNAL_VERSION, target, startedAt: new Date().toISOString(), owner: thisOwner(), run };
    const j = new Journal(path, fd, 0);
    try {
      j.line(header);
    } catch (err) {
      j.remove();
      throw failure(`${field}: cannot write ${printable(path)}`, err);
    }
    return j;
  }

  /** Reads a journal for --resume; `entry` checks one case line (throws UsageError). */
  static read<R, C>(path: string, entry: (raw: unknown, line: number) => C): JournalContents<R, C> {
    const text = readInputText(path, INPUT_LIMITS.maxInputBytes);
    const lines = text.split('\n');
    const torn = lines[lines.length - 1] !== '';
    if (!torn) lines.pop();
    const shown = printable(path);
    const parse = (s: string, i: number): unknown => {
      if (firstTooDeep(s) >= 0) throw new UsageError(`${shown}: line ${i + 1}: nested too deep`);
      try {
        return JSON.parse(s);
      } catch {
        return undefined;
      }
    };
    const header = parse(lines[0] ?? '', 0) as JournalHeader<R> | undefined;
    if (!header || typeof header !== 'object' || header.writeprofJournal !== JOURNAL_VERSION || typeof header.target !== 'string' || !header.owner) {
      throw new UsageError(`${shown}: not a writeprof journal (version ${JOURNAL_VERSION}); --resume takes the .journal file a run left beside its results`);
    }
    let owner = header.owner;
    const entries: C[] = [];
    let droppedTorn = false;
    for (let i = 1; i < lines.length; i++) {
      const raw = parse(lines[i]!, i) as { case?: unknown; resumedBy?: JournalOwner } | undefined;
      if (raw === undefined) {
        // Only the last line may be cut short; a broken line in the middle is a damaged file.
        if (i === lines.length - 1 && torn) {
          droppedTorn = true;
          continue;
        }
        throw new UsageError(`${shown}: line ${i + 1} is not valid JSON; the journal is damaged`);
      }
      if (raw.resumedBy) owner = raw.resumedBy;
      else entries.push(entry(raw.case, i + 1));
    }
    return { header, entries, owner, torn: droppedTorn };
  }

  /** Opens an existing journal to append to it (a resumed run takes it over). */
  static reopen(path: string, count: number, field: string): Journal {
    let fd: number;
    try {
      fd = openSync(path, 'r+');
    } catch (err) {
      throw failure(`${field}: cannot open ${printable(path)}`, err);
    }
    const j = new Journal(path, fd, count);
    j.truncateTorn();
    j.line({ resumedBy: thisOwner() });
    return j;
  }

  /** Drops a last line cut short, so that appends start on a line of their own. */
  private truncateTorn(): void {
    if (this.fd === undefined || this.size === 0) return;
    const text = readInputText(this.path);
    const end = text.lastIndexOf('\n') + 1;
    const keep = Buffer.byteLength(text.slice(0, end), 'utf8');
    if (keep !== this.size) {
      ftruncateSync(this.fd, keep);
      this.size = keep;
    }
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

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** The final results are written: the journal has served its purpose. */
  remove(): void {
    this.close();
    try {
      unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}
