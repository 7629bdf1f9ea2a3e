/**
 * Claims files: assertions over a results document that `writeprof validate` checks.
 * Strict schema: an unknown key or a threshold in the wrong unit is refused, never guessed.
 *
 * Units, per kind:
 *  - minSpeedup.min: ratio over baseline (20 = "20x")
 *  - minSpeedupOverPeer.min: ratio over a peer measured in the same run (47 = "47x over Redis")
 *  - minConflictReduction.min: percent fewer conflicts per write than baseline (75 = "75%")
 *  - minBandwidthFraction.min: fraction of a reference bandwidth, 0..1 (0.85 = "85%")
 *  - minScalingEfficiency.min: fraction, ops(T) / (T * ops(1)) (0.8 = "80%")
 *  - maxLostWrites.max: count of lost + stale + corrupted writes (a stale value is a lost update)
 *  - maxSectorsPerRequest.max: 32-byte sectors per warp memory request (counted by the emulator)
 *  - maxBytesPerWrite.max: device memory bytes moved per write (sectors x 32, counted by the emulator)
 *  - minTrafficEfficiency.min: fraction, (key + value bytes) / bytes moved per write (0.45 = "45%")
 */
import { z } from 'zod';
import { isStrategyName, MODES, PEERS, STRATEGIES, type Strategy } from '../model.js';
import { UsageError } from '../errors.js';
import { printableDeep } from '../io/sanitize.js';
import { formatPath, readJsonFile, showValue, valueAt } from '../io/json.js';

const OPTIMIZED = ['warp-coop', 'lock-free', 'mem-opt', 'write-combine'] as const satisfies readonly Strategy[];

/** A built-in strategy, or a strategy file's by its name (`--strategy-file`). */
const STRATEGY_NAME = z.string().refine(isStrategyName);

function oneOrMany<T extends z.ZodType>(t: T) {
  return z.union([t, z.array(t).min(1)]);
}

/** A numeric axis: one value, a list (every value must be present), or a range. */
function numericAxis(t: z.ZodNumber) {
  return z.union([t, z.array(t).min(1), z.strictObject({ min: t.optional(), max: t.optional() })]);
}

/** Which cases a claim is about; an axis left out matches every value. */
export const selectorSchema = z.strictObject({
  mode: oneOrMany(z.enum(MODES)).optional(),
  strategy: oneOrMany(STRATEGY_NAME).optional(),
  valueSize: numericAxis(z.number().int().positive()).optional(),
  batchSize: numericAxis(z.number().int().positive()).optional(),
  threads: numericAxis(z.number().int().positive()).optional(),
  keyDist: oneOrMany(z.string().min(1)).optional(),
  loadFactor: numericAxis(z.number().positive()).optional(),
  keys: numericAxis(z.number().int().positive()).optional(),
});

const base = {
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ - (starting with a letter or digit)'),
  /** the claim in the story's words */
  text: z.string().min(1),
  select: selectorSchema.default({}),
};

/** `best`: per case, the best non-baseline strategy by the claim's own measure. */
const strategyChoice = z.union([z.literal('best'), z.enum(OPTIMIZED)]).default('best');

export const claimSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...base,
    kind: z.literal('minSpeedup'),
    min: z.number().positive(),
    strategy: strategyChoice,
    /** `median`: the ratio of medians; `low`: the lower end of its 95% interval (stricter) */
    bound: z.enum(['median', 'low']).default('median'),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('minSpeedupOverPeer'),
    /** the peer the selected cases were measured against in the same run (`run --peer`) */
    peer: z.enum(PEERS),
    min: z.number().positive(),
    strategy: strategyChoice,
    bound: z.enum(['median', 'low']).default('median'),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('minConflictReduction'),
    min: z.number().gt(0).lte(100),
    strategy: strategyChoice,
  }),
  z
    .strictObject({
      ...base,
      kind: z.literal('minBandwidthFraction'),
      min: z.number().gt(0).lte(1),
      strategy: strategyChoice,
      /** key of case.bandwidth: the case's bytesPerSec over a reference the backend measured in the same run */
      reference: z.string().min(1).optional(),
      /** or a fixed reference in bytes/s given here (fraction = bytesPerSec / this) */
      referenceBytesPerSec: z.number().positive().optional(),
    })
    .refine((c) => (c.reference === undefined) !== (c.referenceBytesPerSec === undefined), {
      message: 'give exactly one of reference (a key of case.bandwidth) or referenceBytesPerSec',
      path: ['reference'],
    }),
  z.strictObject({
    ...base,
    kind: z.literal('minScalingEfficiency'),
    min: z.number().gt(0).lte(1),
    strategy: z.union([z.literal('best'), STRATEGY_NAME]).default('best'),
    /** every thread count T in (1, upToThreads] present is checked; 1 and upToThreads must be present */
    upToThreads: z.number().int().min(2),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('maxLostWrites'),
    max: z.number().int().nonnegative(),
  }),
  // Memory traffic, counted by the emulator (case.memory): every selected case is checked.
  z.strictObject({
    ...base,
    kind: z.literal('maxSectorsPerRequest'),
    max: z.number().positive(),
    /** which warp requests: global loads, global stores, or both together */
    access: z.enum(['load', 'store', 'any']).default('any'),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('maxBytesPerWrite'),
    max: z.number().positive(),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('minTrafficEfficiency'),
    min: z.number().gt(0).lte(1),
  }),
]);

export const claimsFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    claims: z.array(claimSchema).min(1),
  })
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.claims.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', message: `duplicate claim id "${c.id}"`, path: ['claims', i, 'id'] });
      seen.add(c.id);
    });
  });

export type Selector = z.infer<typeof selectorSchema>;
export type Claim = z.infer<typeof claimSchema>;
export type ClaimsFile = z.infer<typeof claimsFileSchema>;
export const CLAIM_KINDS = [
  'minSpeedup',
  'minSpeedupOverPeer',
  'minConflictReduction',
  'minBandwidthFraction',
  'minScalingEfficiency',
  'maxLostWrites',
  'maxSectorsPerRequest',
  'maxBytesPerWrite',
  'minTrafficEfficiency',
] as const;

const UNITS: Record<string, string> = {
  minSpeedup: 'a ratio over baseline (20 means 20x)',
  minSpeedupOverPeer: 'a ratio over the peer (47 means 47x)',
  minConflictReduction: 'a percent in (0, 100] (75 means 75% fewer conflicts)',
  minBandwidthFraction: 'a fraction in (0, 1] (0.85 means 85%)',
  minScalingEfficiency: 'a fraction in (0, 1] (0.8 means 80%)',
  maxLostWrites: 'a count of writes, 0 or more',
  maxSectorsPerRequest: 'a number of 32-byte sectors per warp request (16 = 32 lanes x 16 contiguous bytes, 32 = one line per lane)',
  maxBytesPerWrite: 'device memory bytes moved per write (sectors x 32)',
  minTrafficEfficiency: 'a fraction in (0, 1]: (key + value bytes) / device bytes moved per write',
};

/** Validates parsed JSON as a claims file; one-line UsageError naming the field, value and rule. */
export function parseClaims(raw: unknown, source: string): ClaimsFile {
  const parsed = claimsFileSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = formatPath(issue.path);
  let why = issue.message.replace(/\s+/g, ' ');
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'kind') why = `allowed: ${CLAIM_KINDS.join(', ')}`;
  if (issue.code === 'invalid_union' && where.endsWith(']') && valueAt(raw, [...issue.path, 'kind']) === undefined) {
    why = `each claim needs "kind": one of ${CLAIM_KINDS.join(', ')}`;
  }
  const field = issue.path.at(-1);
  const inSelect = issue.path.at(-2) === 'select';
  if (field === 'mode') why = `allowed: ${MODES.join(', ')}, or a list of them`;
  if (field === 'peer' && !inSelect) why = `allowed: ${PEERS.join(', ')}`;
  if (field === 'strategy') {
    why = inSelect
      ? `allowed: ${STRATEGIES.join(', ')}, a strategy file's name, or a list of them`
      : `allowed: best, ${(valueAt(raw, [...issue.path.slice(0, -1), 'kind']) === 'minScalingEfficiency' ? STRATEGIES : OPTIMIZED).join(', ')}`;
  }
  if (field === 'min' || field === 'max') {
    const kind = valueAt(raw, [...issue.path.slice(0, -1), 'kind']);
    const unit = typeof kind === 'string' ? UNITS[kind] : undefined;
    if (unit) why = `${why}; ${field} is ${unit}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    return fail(source, `${where}: unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => JSON.stringify(k)).join(', ')}`);
  }
  return fail(source, `${where}: ${showValue(valueAt(raw, issue.path))} is invalid (${why})`);
}

function fail(source: string, msg: string): never {
  throw new UsageError(`${source}: ${msg}`);
}

export function loadClaims(path: string): ClaimsFile {
  // Claim texts and names are echoed to the terminal: control characters escaped.
  return printableDeep(parseClaims(readJsonFile(path), path));
}
