/**
 * Results documents as files: their text checked before it is written (atomically, by
 * src/io/write.ts), and read back bounded, validated by the schema of their version (an older one
 * upgraded, ./upgrade.ts) and for consistency, and made safe to echo (control characters escaped).
 */
import { UsageError, invalid } from '../errors.js';
import { fmtMemory } from '../format.js';
import { MAX_RESULTS_BYTES } from '../limits.js';
import { printable, printableDeep } from '../io/sanitize.js';
import { writeFileAtomic } from '../io/write.js';
import type { InputFile } from '../io/target.js';
import { findInconsistency } from './consistency.js';
import { resultsSchema, type ResultsDocument } from './schema.js';
import { READABLE_VERSIONS, resultsSchemaV1, upgradeV1 } from './upgrade.js';
import { formatPath, readJsonFile, showValue, valueAt } from '../io/json.js';

/** The JSON text of a results document, checked first: never write what readResults would refuse. */
export function resultsText(doc: ResultsDocument): string {
  const checked = resultsSchema.safeParse(doc);
  // A document built by writeprof itself that fails its own checks is a bug, not bad input.
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new Error(`internal: results document invalid at ${formatPath(issue.path)}: ${issue.message}`);
  }
  const odd = findInconsistency(checked.data);
  if (odd) {
    // Beyond a bound (src/limits.ts): what a merge of many inputs can reach; the writer says so.
    if (odd.path.length === 1 || odd.path.at(-1) === 'samples' || odd.path.at(-1) === 'runMedians') {
      throw new UsageError(`the results would hold ${odd.message}; nothing written`);
    }
    throw new Error(`internal: results document inconsistent at ${formatPath(odd.path)}: ${odd.message}`);
  }
  const text = JSON.stringify(doc, null, 2) + '\n';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RESULTS_BYTES) throw new UsageError(`the results would take ${fmtMemory(bytes)}; readers take at most ${fmtMemory(MAX_RESULTS_BYTES)}: nothing written`);
  return text;
}

/** Serializes a results document atomically to `path`. */
export function writeResultsAtomic(path: string, doc: ResultsDocument, opts: { inputs: readonly InputFile[]; field?: string; force?: boolean }): void {
  writeFileAtomic(path, resultsText(doc), opts);
}

/** Reads and validates a results document; one-line UsageError naming the first bad field. */
export function readResults(path: string): ResultsDocument {
  return resultsFromJson(readJsonFile(path, MAX_RESULTS_BYTES), printable(path));
}

/** A parsed results document of any readable version, checked and upgraded; errors name `shown`. */
export function resultsFromJson(raw: unknown, shown: string): ResultsDocument {
  const version = valueAt(raw, ['schemaVersion']);
  if (typeof version === 'number' && !(READABLE_VERSIONS as readonly number[]).includes(version)) {
    throw invalid(`${shown}: schemaVersion`, version, `${READABLE_VERSIONS.join(' or ')} (the versions this writeprof reads)`);
  }
  const bad = (issue: { path: PropertyKey[]; message: string }): UsageError => {
    const where = formatPath(issue.path);
    const value = showValue(valueAt(raw, issue.path));
    return new UsageError(`${shown}: ${where}: ${value} is invalid (${printable(issue.message.replace(/\s+/g, ' '))})`);
  };
  let doc: ResultsDocument;
  if (version === 1) {
    const v1 = resultsSchemaV1.safeParse(raw);
    if (!v1.success) throw bad(v1.error.issues[0]!);
    doc = upgradeV1(v1.data);
  } else {
    const parsed = resultsSchema.safeParse(raw);
    if (!parsed.success) throw bad(parsed.error.issues[0]!);
    doc = parsed.data;
  }
  const odd = findInconsistency(doc);
  if (odd) throw new UsageError(`${shown}: ${formatPath(odd.path)}: ${odd.message}; the document contradicts itself or is out of bounds`);
  // Names, environment fields and notes are echoed to terminals and markdown.
  return printableDeep(doc);
}

/**
 * A document of measured cases, for the commands that compare or combine measurements: a
 * `writeprof check` document (findings, no case) is refused by name rather than read as empty.
 */
export function readMeasured(path: string, field: string): ResultsDocument {
  const doc = readResults(path);
  if (doc.check) {
    throw new UsageError(`${field}: ${printable(path)} is a \`writeprof check\` document (findings, no measured case); \`writeprof report\` renders it`);
  }
  return doc;
}
