/**
 * `writeprof run`'s journal (src/io/journal.ts) and `--resume`: what a run records so that it can
 * be continued (the plan, settings and outputs, fixed at the start), and reading it back.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { Journal, ownerAlive, type JournalContents } from '../io/journal.js';
import { journalPathFor } from '../io/names.js';
import { printable } from '../io/sanitize.js';
import type { Target } from '../io/target.js';
import type { BackendName, CaseSpec } from '../model.js';
import type { Format } from '../render/index.js';
import { findInconsistency } from '../results/consistency.js';
import { formatPath } from '../io/json.js';
import { defaultTarget, type OutputPlan, type ReportFormat } from './run-outputs.js';
import type { PeerRecord } from './run-peers.js';
import { caseResultSchema, type CaseResult, type EmulatorSettings, type PlanRecord, type ResultsDocument, type ShardRecord } from '../results/schema.js';

/** Everything a resumed run needs, in the journal's header. */
export interface RunRecord {
  backend: BackendName;
  device: string;
  seed: number;
  countConflicts: boolean;
  calibrateSlowdown: number;
  force: boolean;
  /** each case's memory traffic counted on the emulator after its timed samples */
  memoryTraffic?: boolean;
  /** --gpu-model: the tables show a bandwidth bound for it */
  gpuModel?: string;
  /** --repeat: passes over the whole sweep (absent: 1) */
  repeat?: number;
  /** cuda-emu: the emulator settings, so a resumed run uses the same seed */
  emulator?: EmulatorSettings;
  /** peers measured in the run, without a password (see run-peers.ts) */
  peers?: PeerRecord;
  profile: ResultsDocument['profile'];
  /** the whole plan's digest, and --shard's slice of it (recorded in the results) */
  plan?: PlanRecord;
  shard?: ShardRecord;
  specs: CaseSpec[];
  outputs: { report?: { path: string; format: ReportFormat }; print?: Format };
}

/** How a target is recorded for --resume: `-` for stdout, else its absolute path. */
export function recordPath(t: Target): string {
  return t.kind === 'stdout' ? '-' : t.kind === 'stderr' ? '/dev/stderr' : resolve(t.path);
}

function clashMessage(journal: string, target: string): string {
  return `${printable(target)} has a journal ${printable(journal)}`;
}

/**
 * Creates the journal for the plan's JSON target (regular files only). A default name that is
 * taken (its JSON or journal exists: another run started in the same second) moves on to the
 * next free name; an explicit target whose journal exists is refused: another run is writing it,
 * or an interrupted one left cases to resume.
 */
export function createJournal(plan: OutputPlan, record: RunRecord, at: Date): { journal: Journal; plan: OutputPlan } | undefined {
  if (plan.json.kind !== 'file') return undefined;
  let json = plan.json;
  for (let n = 2; ; n++) {
    const path = journalPathFor(json.path);
    const taken = plan.jsonDefault && existsSync(json.path);
    const j = taken ? 'exists' : Journal.create(path, json.path, record, '--output');
    if (j !== 'exists') return { journal: j, plan: { ...plan, json } };
    if (!plan.jsonDefault) {
      let why = 'an interrupted run left it: `writeprof run --resume ' + printable(path) + '` continues that run, or delete it to start over';
      try {
        const old = Journal.read(path, () => undefined);
        if (ownerAlive(old.owner)) why = `another writeprof run (pid ${old.owner.pid}) is writing it now; wait for it, or choose another --output`;
      } catch {
        /* unreadable: the generic advice stands */
      }
      throw new UsageError(`--output: ${clashMessage(path, json.path)}: ${why}`);
    }
    if (n > 1000) throw new UsageError(`--output: no free default name under ${printable(json.path)}; pass --output`);
    json = defaultTarget(at, n);
  }
}

function checkCase(raw: unknown, line: number, source: string): CaseResult {
  const parsed = caseResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${printable(source)}: line ${line}: case ${formatPath(issue.path)}: ${issue.message.replace(/\s+/g, ' ')}`);
  }
  const odd = findInconsistency({ cases: [parsed.data] } as never);
  if (odd) throw new UsageError(`${printable(source)}: line ${line}: case ${formatPath(odd.path.slice(2))}: ${odd.message}`);
  return parsed.data;
}

/** `--resume <journal | results path>`: the journal's contents, its owner checked. */
export function readJournal(arg: string): JournalContents<RunRecord, CaseResult> & { path: string } {
  const path = arg.endsWith('.journal') || !existsSync(journalPathFor(resolve(arg))) ? arg : journalPathFor(resolve(arg));
  if (!existsSync(path)) throw new UsageError(`--resume: ${printable(arg)}: no journal there (a run leaves <results>.journal beside its results only when it could not finish writing them)`);
  const contents = Journal.read<RunRecord, CaseResult>(path, (raw, line) => checkCase(raw, line, path));
  if (ownerAlive(contents.owner)) {
    throw new UsageError(`--resume: ${printable(path)} is being written by a running writeprof (pid ${contents.owner.pid}); wait for it to end`);
  }
  const rec = contents.header.run;
  if (!rec || !Array.isArray(rec.specs) || !rec.profile || typeof rec.backend !== 'string') {
    throw new UsageError(`--resume: ${printable(path)}: the journal's header lacks the run's plan`);
  }
  const ids = new Set(rec.specs.map((s) => s.id));
  const stray = contents.entries.find((c) => !ids.has(c.id));
  if (stray) throw new UsageError(`--resume: ${printable(path)}: case ${printable(stray.id)} is not in the journal's plan`);
  return { ...contents, path };
}
