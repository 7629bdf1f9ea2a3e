/**
 * Merging shard results (`writeprof merge`): one document from the results of `run --shard i/n`
 * (or whole runs, or earlier merges) of one plan.
 *
 * - Every input must carry the same plan digest; the plan is re-expanded from the recorded
 *   profile and must reproduce that digest (a document from another writeprof is refused).
 * - A case is identified by its device and its axes: the same plan run on two kinds of device
 *   gives two sets of cases, side by side. Every case keeps the environment it ran in.
 * - Complete means: every device present holds every case of the plan. What is missing is named
 *   by device and by shard (the plan's shard layout is recomputed from the digest's inputs).
 * - The same case twice on one device is a duplicate, unless one copy comes from an interrupted
 *   (partial) run: then the complete run's copy supersedes it (a re-run shard).
 */
import { UsageError } from '../errors.js';
import { caseId } from '../model.js';
import { planDigest, shortDigest } from '../profile/digest.js';
import { expandCases } from '../profile/plan.js';
import { layoutShards, type ShardLayout } from '../profile/shard.js';
import type { CaseSpec } from '../model.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { deviceKey, deviceLabel, environmentOf } from './devices.js';
import { SCHEMA_VERSION, type CaseResult, type Environment, type MergedRecord, type PlanRecord, type ResultsDocument, type StrategyFileRecord } from './schema.js';

export interface MergeInput {
  file: string;
  doc: ResultsDocument;
}

export interface MissingGroup {
  device: string;
  /** the shard these cases belong to, when the inputs were sharded */
  shard?: number;
  cases: string[];
}

export interface Duplicate {
  device: string;
  id: string;
  files: [string, string];
}

export interface DeviceSummary {
  label: string;
  hosts: string[];
  cases: number;
}

export interface MergeOutcome {
  doc: ResultsDocument;
  plan: PlanRecord;
  profile: string;
  /** shard count of the sharded inputs (undefined when none was sharded) */
  shards?: number;
  devices: DeviceSummary[];
  missing: MissingGroup[];
  duplicates: Duplicate[];
  /** inputs of a shard whose cases a complete re-run of that shard replaced */
  superseded: { file: string; by: string; cases: number }[];
  complete: boolean;
}

function shardName(doc: ResultsDocument): string | undefined {
  return doc.shard ? `${doc.shard.index}/${doc.shard.count}` : undefined;
}

/** Checks every input describes the same plan; returns it, its cases and the shard layout. */
function commonPlan(inputs: readonly MergeInput[]): { plan: PlanRecord; specs: CaseSpec[]; layout?: ShardLayout } {
  const first = inputs[0]!;
  for (const { file, doc } of inputs) {
    if (!doc.plan || !doc.profile.suites) {
      throw new UsageError(`${file}: no plan digest or profile recorded; merge takes results of \`writeprof run\` (this version or later), not gate baselines`);
    }
  }
  const plan = first.doc.plan!;
  for (const { file, doc } of inputs.slice(1)) {
    if (doc.plan!.digest !== plan.digest) {
      throw new UsageError(
        `${file}: plan ${shortDigest(doc.plan!.digest)} differs from ${first.file}'s plan ${shortDigest(plan.digest)}; ` +
          'shards merge only when run from the same profile, flags (seed, measurement) and writeprof version',
      );
    }
  }
  const counts = [...new Set(inputs.flatMap(({ doc }) => (doc.shard ? [doc.shard.count] : [])))];
  if (counts.length > 1) throw new UsageError(`inputs split the plan into different shard counts (${counts.join(', ')}); merge shards of one split`);
  const specs = expandCases(first.doc.profile.suites!);
  const m = first.doc.profile.measurement;
  if (planDigest(specs, m, plan) !== plan.digest) {
    throw new UsageError(`${first.file}: the recorded profile does not reproduce its plan digest ${shortDigest(plan.digest)} (written by another writeprof version?)`);
  }
  const layout = counts.length === 1 ? layoutShards(specs, m, counts[0]!, `${first.file}: shard`) : undefined;
  return layout ? { plan, specs, layout } : { plan, specs };
}

interface Held {
  c: CaseResult;
  file: string;
  partial: boolean;
}

export function mergeResults(inputs: readonly MergeInput[], now: Date = new Date()): MergeOutcome {
  if (inputs.length === 0) throw new UsageError('merge: no results documents given');
  const { plan, specs, layout } = commonPlan(inputs);
  const inPlan = new Set(specs.map((s) => s.id));

  const devices = new Map<string, { env: Environment; hosts: Set<string>; cases: Map<string, Held> }>();
  const duplicates: Duplicate[] = [];
  const superseded = new Map<string, { file: string; by: string; cases: number }>();
  for (const { file, doc } of inputs) {
    const partial = doc.partial === true;
    for (const c of doc.cases) {
      const id = caseId(c);
      if (!inPlan.has(id)) throw new UsageError(`${file}: case ${id} is not in the plan ${shortDigest(plan.digest)}`);
      if (doc.shard && layout && layout.shardOf.get(id) !== doc.shard.index) {
        throw new UsageError(`${file}: case ${id} belongs to shard ${layout.shardOf.get(id)}/${layout.count}, not to this document's shard ${shardName(doc)}`);
      }
      const env = environmentOf(doc, c);
      const key = deviceKey(env);
      let d = devices.get(key);
      if (!d) {
        d = { env, hosts: new Set(), cases: new Map() };
        devices.set(key, d);
      }
      d.hosts.add(env.host);
      const held = d.cases.get(id);
      const mine: Held = { c: { ...c, id, environment: env }, file, partial };
      if (!held) {
        d.cases.set(id, mine);
      } else if (held.partial && !partial) {
        d.cases.set(id, mine);
        bump(superseded, held.file, file);
      } else if (!held.partial && partial) {
        bump(superseded, file, held.file);
      } else {
        duplicates.push({ device: deviceLabel(env), id, files: [held.file, file] });
      }
    }
  }

  // No case anywhere (every input interrupted before its first case): the plan is missing on
  // the device of the first input.
  if (devices.size === 0) {
    const env = inputs[0]!.doc.environment;
    devices.set(deviceKey(env), { env, hosts: new Set([env.host]), cases: new Map() });
  }

  const missing: MissingGroup[] = [];
  const cases: CaseResult[] = [];
  for (const d of devices.values()) {
    const label = deviceLabel(d.env);
    const absent = new Map<number | undefined, string[]>();
    for (const s of specs) {
      const held = d.cases.get(s.id);
      if (held) {
        cases.push(held.c);
        continue;
      }
      const shard = layout?.shardOf.get(s.id);
      absent.set(shard, [...(absent.get(shard) ?? []), s.id]);
    }
    for (const [shard, ids] of [...absent.entries()].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))) {
      missing.push({ device: label, ...(shard !== undefined ? { shard } : {}), cases: ids });
    }
  }

  const first = inputs[0]!.doc;
  const merged: MergedRecord = {
    inputs: inputs.map(({ file, doc }) => {
      const sh = shardName(doc);
      return {
        file,
        ...(sh ? { shard: sh } : {}),
        host: doc.environment.host,
        device: deviceLabel(doc.environment),
        createdAt: doc.createdAt,
        cases: doc.cases.length,
        partial: doc.partial === true,
      };
    }),
    ...(missing.length ? { missing } : {}),
  };
  const { shard: _shard, partial: _partial, merged: _merged, strategyFiles: _files, ...rest } = first;
  const strategyFiles = commonStrategyFiles(inputs);
  const doc: ResultsDocument = {
    ...rest,
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    createdAt: now.toISOString(),
    environment: [...devices.values()][0]!.env,
    merged,
    ...(missing.length ? { partial: true } : {}),
    ...(strategyFiles.length ? { strategyFiles } : {}),
    cases,
  };
  return {
    doc,
    plan,
    profile: first.profile.name,
    ...(layout ? { shards: layout.count } : {}),
    devices: [...devices.values()].map((d) => ({ label: deviceLabel(d.env), hosts: [...d.hosts], cases: d.cases.size })),
    missing,
    duplicates,
    superseded: [...superseded.values()],
    complete: missing.length === 0 && duplicates.length === 0,
  };
}

/** The inputs' strategy files: one strategy name must have run one file (by content) everywhere. */
function commonStrategyFiles(inputs: readonly MergeInput[]): StrategyFileRecord[] {
  const seen = new Map<string, { r: StrategyFileRecord; file: string }>();
  for (const { file, doc } of inputs) {
    for (const r of doc.strategyFiles ?? []) {
      const had = seen.get(r.name);
      if (had && had.r.sha256 !== r.sha256) {
        throw new UsageError(`${file}: strategy ${r.name} ran a file of sha256 ${r.sha256.slice(0, 12)}, ${had.file} one of ${had.r.sha256.slice(0, 12)}; merge results of one version of a strategy file`);
      }
      if (!had) seen.set(r.name, { r, file });
    }
  }
  return [...seen.values()].map((s) => s.r);
}

function bump(m: Map<string, { file: string; by: string; cases: number }>, file: string, by: string): void {
  const s = m.get(file) ?? { file, by, cases: 0 };
  s.cases++;
  m.set(file, s);
}

/** Shards (1-based) that hold a missing case on any device, ascending. */
export function missingShards(o: Pick<MergeOutcome, 'missing'>): number[] {
  return [...new Set(o.missing.flatMap((g) => (g.shard !== undefined ? [g.shard] : [])))].sort((a, b) => a - b);
}
