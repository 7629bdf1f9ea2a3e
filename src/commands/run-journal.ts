/**
 * `writeprof run`'s journal (src/io/journal.ts) and `--resume`: what a run records so that it can
 * be continued (the plan, settings and outputs, fixed at the start), and reading it back.
 *
 * A journal is input, not authority. Its header is validated like a profile (its plan must follow
 * from its profile, as a fresh run would expand it), its cases like results, and it decides no
 * output path and no permission: the results go beside the journal, under the name the journal
 * is named for; a report only beside them (or to stdout); baseline protection is lifted only by
 * --force given again.
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { Journal } from '../io/journal.js';
import { journalPathFor } from '../io/names.js';
import { printable } from '../io/sanitize.js';
import { shellArg } from '../io/shell.js';
import type { Target } from '../io/target.js';
import { CASE_LIMITS, EMULATOR_LIMITS, REDIS_LIMITS, RUN_LIMITS, type Range } from '../limits.js';
import { BACKENDS, MODES, PEERS, type BackendName, type CaseSpec } from '../model.js';
import { FORMATS, type Format } from '../render/index.js';
import { findInconsistency } from '../results/consistency.js';
import { formatPath } from '../io/json.js';
import { planRecord } from '../profile/digest.js';
import { profileFromJson } from '../profile/load.js';
import { planPeerCases } from '../profile/peer-cases.js';
import { expandCases } from '../profile/plan.js';
import { selectShard } from '../profile/shard.js';
import { defaultTarget, type OutputPlan, type ReportFormat } from './run-outputs.js';
import type { PeerRecord } from './run-peers.js';
import type { JournaledStrategyFile } from './run-strategy-files.js';
import { caseResultSchema, planSchema, shardSchema, strategyFileSchema, type CaseResult, type EmulatorSettings, type PlanRecord, type ResultsDocument, type ShardRecord } from '../results/schema.js';

/** Everything a resumed run needs, in the journal's header. */
export interface RunRecord {
  backend: BackendName;
  device: string;
  seed: number;
  countConflicts: boolean;
  calibrateSlowdown: number;
  /** --force as the run was started: recorded for people, never obeyed by --resume */
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
  /** --strategy-file: the files, their hashes and where they are (--resume builds them again) */
  strategyFiles?: JournaledStrategyFile[];
  specs: CaseSpec[];
  outputs: { report?: { path: string; format: ReportFormat }; print?: Format };
}

const inRange = (r: Range) =>
  z.number().refine((v) => Number.isFinite(v) && (!r.integer || Number.isInteger(v)) && (r.minExclusive ? v > r.min : v >= r.min) && v <= r.max, { message: r.allowed });
const text = z.string().max(4096);

/** The header's run record, as far as its shape goes (the plan is checked by deriving it again). */
const recordSchema = z.object({
  backend: z.enum(BACKENDS),
  device: text,
  seed: inRange(CASE_LIMITS.seed),
  countConflicts: z.boolean(),
  calibrateSlowdown: inRange(RUN_LIMITS.calibrateSlowdown),
  force: z.boolean().optional(),
  repeat: inRange(RUN_LIMITS.repeat).optional(),
  emulator: z.object({ seed: inRange(EMULATOR_LIMITS.seed), workers: inRange(EMULATOR_LIMITS.workers), timeoutSec: inRange(EMULATOR_LIMITS.timeoutSec) }).optional(),
  peers: z
    .object({
      peers: z.array(z.enum(PEERS)).max(PEERS.length),
      redisEndpoint: z
        .object({
          host: z.string().min(1).max(REDIS_LIMITS.hostBytes.max),
          port: inRange(REDIS_LIMITS.port),
          db: inRange(REDIS_LIMITS.db),
          user: z.string().max(REDIS_LIMITS.userBytes.max),
        })
        .optional(),
      redisPersistence: z.enum(['none', 'aof']),
      redisCommand: z.enum(['set', 'mset']),
      redisTimeoutMs: inRange(REDIS_LIMITS.timeoutMs).optional(),
    })
    .optional(),
  profile: z.object({ name: text, source: text, measurement: z.record(z.string(), z.unknown()), suites: z.array(z.object({ mode: z.enum(MODES), axes: z.record(z.string(), z.unknown()) })).min(1) }),
  plan: planSchema.optional(),
  shard: shardSchema.optional(),
  strategyFiles: z.array(strategyFileSchema.extend({ absolutePath: text })).optional(),
  specs: z.array(z.object({ id: z.string() }).loose()),
  outputs: z.object({ report: z.object({ path: text, format: z.enum(['markdown', 'csv']) }).optional(), print: z.enum(FORMATS).optional() }),
});

const headerSchema = z.object({ writeprofJournal: z.literal(1), target: text, startedAt: text, run: recordSchema });

/** How a target is recorded: `-` for stdout, else its absolute path (for --resume, only its name counts). */
export function recordPath(t: Target): string {
  return t.kind === 'stdout' ? '-' : t.kind === 'stderr' ? '/dev/stderr' : resolve(t.path);
}

/** The command that continues a run from `journal`, as a line a shell takes. */
export function resumeCommand(journal: string): string {
  return `writeprof run --resume ${shellArg(journal)}`;
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
    // The journal is the claim on the target. A target that must be created (a new baseline, a
    // default name) and that another run finished and wrote between the pre-flight and this claim
    // is taken: refused, or the next default name, before anything is measured.
    const lost = j !== 'exists' && json.exclusive && existsSync(json.path);
    if (j !== 'exists' && !lost) return { journal: j, plan: { ...plan, json } };
    if (lost) {
      j.remove();
      if (!plan.jsonDefault) throw new UsageError(`--output: ${json.shown} is a committed baseline; pass --force to overwrite it`);
    } else if (!plan.jsonDefault) {
      const why = Journal.inUse(path)
        ? 'another writeprof run is writing it now (it holds the journal\'s lock); wait for it, or choose another --output'
        : `an interrupted run left it: \`${resumeCommand(path)}\` continues that run, or delete it to start over`;
      throw new UsageError(`--output: ${printable(json.path)} has a journal ${printable(path)}: ${why}`);
    }
    if (n > 1000) throw new UsageError(`--output: no free default name under ${printable(json.path)}; pass --output`);
    json = defaultTarget(at, n);
  }
}

function checkCase(raw: unknown, line: number, shown: string): CaseResult {
  const parsed = caseResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${shown}: line ${line}: case ${formatPath(issue.path)}: ${issue.message.replace(/\s+/g, ' ')}`);
  }
  const odd = findInconsistency({ cases: [parsed.data] } as never);
  if (odd) throw new UsageError(`${shown}: line ${line}: case ${formatPath(odd.path.slice(2))}: ${odd.message}`);
  return parsed.data;
}

/** The header, checked: a UsageError naming the first field that is not what a run writes. */
function checkHeader(raw: unknown, shown: string): { target: string; run: RunRecord } {
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${shown}: line 1: ${formatPath(issue.path)}: ${printable(issue.message.replace(/\s+/g, ' '))}; the journal's header is not one a run writes`);
  }
  return parsed.data as unknown as { target: string; run: RunRecord };
}

/**
 * The journal's plan, derived again from its profile exactly as a fresh run derives it (profile
 * checks, expansion, peer cases, shard): the recorded case list and digest must be what that
 * gives, so a journal cannot make a run measure anything a profile could not ask for.
 */
function derivePlan(rec: RunRecord, shown: string): RunRecord {
  const where = `${shown} (the journal's profile)`;
  const file = { name: rec.profile.name, measurement: rec.profile.measurement, suites: rec.profile.suites!.map((s) => ({ mode: s.mode, ...s.axes })) };
  const profile = profileFromJson(file, where);
  const planned = planPeerCases(expandCases(profile.suites), rec.backend, rec.peers?.peers ?? []);
  const specs = rec.shard ? selectShard(planned, profile.measurement, { index: rec.shard.index, count: rec.shard.count }).shard.cases : planned;
  const plan = planRecord(planned, profile.measurement, rec);
  const same = specs.length === rec.specs.length && specs.every((s, i) => JSON.stringify(s) === JSON.stringify(rec.specs[i]));
  if (!same || (rec.plan && rec.plan.digest !== plan.digest)) {
    throw new UsageError(`--resume: ${shown}: the journal's cases are not the plan its profile gives (the journal was edited, or written by another writeprof version)`);
  }
  return { ...rec, profile: { name: profile.name, source: printable(rec.profile.source), measurement: profile.measurement, suites: profile.suites }, plan, specs };
}

export interface ResumeOutputs {
  /** the results file: beside the journal, named as the journal is named for */
  json: string;
  /** the report: '-' (stdout), 'stderr', or a file beside the results */
  report?: { path: string; format: ReportFormat };
  /** a report the journal names elsewhere, which --resume does not write */
  reportSkipped?: string;
}

/** Outputs follow from where the journal is; the header only says which of them the run had. */
function deriveOutputs(path: string, target: string, rec: RunRecord, shown: string): ResumeOutputs {
  const name = basename(target);
  const json = join(dirname(path), name);
  if (name === '' || name.includes('\0') || journalPathFor(json) !== path) {
    throw new UsageError(`--resume: ${shown}: a journal is named for its results (<results>.journal); this one records results ${JSON.stringify(printable(name))}: give it its name back`);
  }
  const report = rec.outputs.report;
  if (!report) return { json };
  if (report.path === '-') return { json, report: { path: '-', format: report.format } };
  if (report.path === '/dev/stderr') return { json, report: { path: 'stderr', format: report.format } };
  const stem = (n: string): string => n.slice(0, n.length - extname(n).length);
  const reportName = basename(report.path);
  if (reportName !== name && stem(reportName) === stem(name) && reportName !== '' && !reportName.includes('\0')) {
    return { json, report: { path: join(dirname(json), reportName), format: report.format } };
  }
  return { json, reportSkipped: printable(report.path) };
}

export interface OpenedJournal {
  journal: Journal;
  path: string;
  record: RunRecord;
  finished: CaseResult[];
  torn: boolean;
  outputs: ResumeOutputs;
}

/**
 * `--resume <journal | results path>`: the journal opened and locked (refused while another
 * process holds it), every line checked, the plan derived again, the outputs placed beside it.
 * Nothing is written to it until the caller takes it over.
 */
export function openJournal(arg: string): OpenedJournal {
  const named = arg.endsWith('.journal') || !existsSync(journalPathFor(resolve(arg))) ? arg : journalPathFor(resolve(arg));
  const none = (): UsageError =>
    new UsageError(`--resume: ${printable(arg)}: no journal there (a run leaves <results>.journal beside its results only when it could not finish writing them)`);
  // Where the journal really is (links followed) is where its outputs go.
  let path: string;
  try {
    path = realpathSync(named);
  } catch {
    throw none();
  }
  const shown = printable(named);
  const { journal, contents } = Journal.open(path, '--resume', (raw, line) => checkCase(raw, line, shown));
  try {
    const header = checkHeader(contents.header, shown);
    const record = derivePlan(header.run, shown);
    const outputs = deriveOutputs(path, header.target, record, shown);
    const ids = new Set(record.specs.map((s) => s.id));
    const seen = new Set<string>();
    for (const c of contents.entries) {
      if (!ids.has(c.id)) throw new UsageError(`--resume: ${shown}: case ${printable(c.id)} is not in the journal's plan`);
      if (seen.has(c.id)) throw new UsageError(`--resume: ${shown}: case ${printable(c.id)} is recorded twice; the journal is damaged`);
      seen.add(c.id);
    }
    const byId = new Map(contents.entries.map((c) => [c.id, c]));
    const finished = record.specs.flatMap((s) => byId.get(s.id) ?? []);
    return { journal, path, record, finished, torn: contents.torn, outputs };
  } catch (err) {
    journal.close();
    throw err;
  }
}
