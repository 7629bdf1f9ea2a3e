/** Assembling the results document that every output format renders from. */
import type { Measurement } from '../model.js';
import type { Suite } from '../profile/types.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { CheckSection } from './check.js';
import { RESULTS_SCHEMA, SCHEMA_VERSION, type CaseResult, type PlanRecord, type ResultsDocument, type ShardRecord, type StrategyFileRecord } from './schema.js';

export interface DocumentParts {
  environment: ResultsDocument['environment'];
  profile: { name: string; source: string; measurement: Measurement; suites?: Suite[] };
  plan?: PlanRecord;
  shard?: ShardRecord;
  cases: CaseResult[];
  /** `writeprof check`'s findings (then no case was measured) */
  check?: CheckSection;
  strategyFiles?: StrategyFileRecord[];
  partial?: boolean;
  createdAt?: Date;
}

/** Documents of emulated runs (environment.emulator set) say so at the top level too. */
function emulated(environment: ResultsDocument['environment']): boolean {
  return environment.emulator !== undefined;
}

export function buildDocument(p: DocumentParts): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    createdAt: (p.createdAt ?? new Date()).toISOString(),
    environment: p.environment,
    profile: {
      name: p.profile.name,
      source: p.profile.source,
      measurement: { ...p.profile.measurement },
      ...(p.profile.suites ? { suites: structuredClone(p.profile.suites) } : {}),
    },
    ...(p.plan ? { plan: p.plan } : {}),
    ...(p.shard ? { shard: p.shard } : {}),
    ...(p.partial ? { partial: true } : {}),
    ...(emulated(p.environment) ? { emulated: true } : {}),
    ...(p.check ? { check: p.check } : {}),
    ...(p.strategyFiles?.length ? { strategyFiles: p.strategyFiles } : {}),
    cases: p.cases,
  };
}

/** reports/2026-11-01T12-30-05Z.json: sortable, and safe on every filesystem. */
export function defaultResultsPath(at: Date = new Date(), dir = 'reports'): string {
  const stamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return `${dir}/${stamp}.json`;
}
