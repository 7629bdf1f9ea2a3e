/**
 * The JSON Schemas writeprof publishes in schemas/: generated from the zod schemas the code
 * itself reads and writes with (results, compare, validate), so they cannot drift from it.
 * scripts/gen-schemas.mjs writes them; a test fails when the committed files are stale.
 */
import { z } from 'zod';
import { RESULTS_SCHEMA, resultsSchema } from '../results/schema.js';
import { COMPARE_SCHEMA, compareDocumentSchema, VALIDATE_SCHEMA, validateDocumentSchema } from './documents.js';
import { AB_COUNTS_SCHEMA, abCountsDocumentSchema } from './count-document.js';

const TITLES: Record<string, string> = {
  [RESULTS_SCHEMA]: 'writeprof results document (writeprof run, merge, ab)',
  [COMPARE_SCHEMA]: 'writeprof comparison (writeprof compare, writeprof ab: ab.json)',
  [VALIDATE_SCHEMA]: 'writeprof claims verdict (writeprof validate --format json)',
  [AB_COUNTS_SCHEMA]: 'writeprof ab of two strategy file versions on the emulator: counts per write (ab.json)',
};

/** Every published schema by name; a document names its own in its "schema" field. */
export function jsonSchemas(): Record<string, Record<string, unknown>> {
  const sources: [string, z.ZodType][] = [
    [RESULTS_SCHEMA, resultsSchema],
    [COMPARE_SCHEMA, compareDocumentSchema],
    [VALIDATE_SCHEMA, validateDocumentSchema],
    [AB_COUNTS_SCHEMA, abCountsDocumentSchema],
  ];
  return Object.fromEntries(
    sources.map(([name, schema]) => {
      const { $schema, ...body } = z.toJSONSchema(schema, { io: 'output' }) as Record<string, unknown>;
      return [name, { $schema, $id: name, title: TITLES[name], ...body }];
    }),
  );
}
