/**
 * The `check` section of a results document (`writeprof check`): which tools ran under which
 * seeds over which kernels, every run's outcome, the folded findings, and one summary line per
 * tool. A check document's `cases` is empty: nothing was measured.
 */
import { z } from 'zod';
import { CHECK_TOOLS, KERNEL_VARIANTS } from '../model.js';
import { verificationSchema } from './verification.js';

const dims = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().nonnegative()]);

export const checkSiteSchema = z.object({
  /** file:line, or the emulator's own words when no line is known */
  where: z.string(),
  function: z.string().optional(),
  /** linear block index; -1: host code */
  block: z.number().int(),
  warp: z.number().int(),
  lane: z.number().int(),
  /** read, write, atomic CAS, __shfl_sync, ... */
  access: z.string(),
  /** shared, dynamic shared, global, host, invalid; empty when not a memory access */
  space: z.string(),
  /** shared memory: the `__shared__` variable ("mem_opt_body<true>::piece"), when known */
  variable: z.string().optional(),
  /** byte offset in its allocation, its shared variable, or the shared-memory window; -1: none */
  offset: z.number().int(),
  size: z.number().int().nonnegative(),
});

export const checkFindingSchema = z.object({
  tool: z.enum(CHECK_TOOLS),
  kind: z.string(),
  severity: z.enum(['error', 'note']),
  kernel: z.string(),
  grid: dims,
  block: dims,
  message: z.string(),
  /** occurrences over every run it appeared in */
  count: z.number().int().positive(),
  /** emulator seeds whose runs showed it */
  seeds: z.array(z.number().int().nonnegative()),
  /** case ids, with the kernel variant, it appeared in */
  cases: z.array(z.string()),
  /** the access itself, then the other one where there are two (a hazard: the earlier first) */
  sites: z.array(checkSiteSchema),
});

export const checkRunSchema = z.object({
  case: z.string(),
  variant: z.enum(KERNEL_VARIANTS),
  seed: z.number().int().nonnegative(),
  status: z.enum(['ok', 'failed']),
  error: z.string().optional(),
  verification: verificationSchema,
  kernels: z.array(z.string()),
  /** distinct findings of this run, before folding across runs */
  findings: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
});

export const toolSummarySchema = z.object({
  tool: z.enum(CHECK_TOOLS),
  /** distinct findings (folded) */
  findings: z.number().int().nonnegative(),
  occurrences: z.number().int().nonnegative(),
  kernels: z.number().int().nonnegative(),
  seeds: z.number().int().nonnegative(),
  /** "racecheck: 0 hazards in 14 kernels, 3 seeds" */
  line: z.string(),
});

export const checkSchema = z.object({
  tools: z.array(z.enum(CHECK_TOOLS)),
  seeds: z.array(z.number().int().nonnegative()),
  variants: z.array(z.enum(KERNEL_VARIANTS)),
  /** every kernel launched, in order of first launch */
  kernels: z.array(z.string()),
  runs: z.array(checkRunSchema),
  findings: z.array(checkFindingSchema),
  summary: z.array(toolSummarySchema),
  /** limits the checker hit (racecheck's shadow budget) */
  limits: z.array(z.string()),
});

export type CheckSite = z.infer<typeof checkSiteSchema>;
export type CheckFinding = z.infer<typeof checkFindingSchema>;
export type CheckRun = z.infer<typeof checkRunSchema>;
export type ToolSummary = z.infer<typeof toolSummarySchema>;
export type CheckSection = z.infer<typeof checkSchema>;
