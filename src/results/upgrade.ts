/**
 * Results documents of older schema versions, read as the current one. Version 1 counted
 * `written` (the distinct keys) and never checked which write a key ended with: its cases read
 * with `distinct` = written, `writes` = keys x measured samples (every sample writes the whole
 * stream), `stale` 0 and `duplicates` 0, uniform cases with update share 0 (version 1 streams had
 * no updates), and the document records `upgradedFrom: 1`.
 */
import { z } from 'zod';
import { caseResultSchema, resultsSchema, SCHEMA_VERSION, type CaseResult, type ResultsDocument } from './schema.js';

const v1Verification = z.object({
  written: z.number().int().nonnegative(),
  verified: z.number().int().nonnegative(),
  lost: z.number().int().nonnegative(),
  corrupted: z.number().int().nonnegative(),
});
const v1Case = caseResultSchema.omit({ updateShare: true }).extend({ verification: v1Verification });
const v1Suite = z.object({ mode: z.string(), axes: z.object({}).passthrough() }).passthrough();
const v1Profile = resultsSchema.shape.profile.extend({ suites: z.array(v1Suite).optional() });

/** Version 1 as it was written: the schema a version-1 document is checked against before it is upgraded. */
export const resultsSchemaV1 = resultsSchema.omit({ upgradedFrom: true }).extend({ profile: v1Profile, cases: z.array(v1Case) });

/** The versions readResults accepts. */
export const READABLE_VERSIONS = [1, SCHEMA_VERSION] as const;

function upgradeCase(c: z.infer<typeof v1Case>): CaseResult {
  const { verification: v, ...rest } = c;
  const { written, ...counts } = v;
  return {
    ...rest,
    ...(c.keyDist === 'uniform' ? { updateShare: 0 } : {}),
    verification: { writes: c.keys * c.samples.length, distinct: written, ...counts, stale: 0, duplicates: 0 },
  } as CaseResult;
}

/** A checked version-1 document as the current schema reads it. */
export function upgradeV1(doc: z.infer<typeof resultsSchemaV1>): ResultsDocument {
  const { profile, cases, ...rest } = doc;
  const suites = profile.suites?.map((s) => ({ ...s, axes: { ...s.axes, updateShare: [0] } }));
  return resultsSchema.parse({
    ...rest,
    schemaVersion: SCHEMA_VERSION,
    upgradedFrom: 1,
    profile: { ...profile, ...(suites ? { suites } : {}) },
    cases: cases.map(upgradeCase),
  });
}
