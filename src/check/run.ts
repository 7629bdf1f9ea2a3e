/**
 * Running a check: every case of the plan, in both kernel variants (counting and plain), under
 * every seed, once each on the check addon with the chosen tools; findings collected after each
 * run, placed in the source at the end, and folded.
 */
import { KERNEL_VARIANTS, type CaseSpec, type KernelVariant } from '../model.js';
import { CHECK_INFO, checkFindings, outputProblem, type RawCheckInfo, type RawFinding } from '../backends/contract.js';
import { nativeCaseParams, openNativeCase } from '../backends/native-backend.js';
import { loadCheckAddon, type NativeCheckAddon } from '../backends/native.js';
import { foldFindings, placeFindings, type CheckFinding } from './findings.js';
import { resolveSites, sharedVariables } from './sites.js';
import { TOOLS, type Tool } from './tools.js';
import { noVerification, verificationFailed, verificationText } from '../results/verification.js';
import type { Verification } from '../results/schema.js';

export const VARIANTS = KERNEL_VARIANTS;
export type Variant = KernelVariant;

export interface CheckRequest {
  specs: readonly CaseSpec[];
  tools: readonly Tool[];
  seeds: readonly number[];
  variants: readonly Variant[];
  workers: number;
  timeoutSec: number;
  /** the key streams' seed */
  keySeed: number;
  signal?: AbortSignal;
  onRun?: (run: CheckRun, done: number, total: number) => void;
}

export interface CheckRun {
  /** case id */
  case: string;
  variant: Variant;
  seed: number;
  status: 'ok' | 'failed';
  error?: string;
  verification: Verification;
  /** kernels it launched */
  kernels: string[];
  /** distinct findings it produced (before folding across runs) */
  findings: number;
  seconds: number;
}

export interface CheckOutcome {
  runs: CheckRun[];
  findings: CheckFinding[];
  /** every kernel launched, in order of first launch */
  kernels: string[];
  /** limits the checker hit (racecheck's shadow budget) */
  limits: string[];
  aborted: boolean;
}

export function runLabel(caseId: string, variant: Variant): string {
  return `${caseId} [${variant}]`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function checkInfoOf(a: NativeCheckAddon): RawCheckInfo {
  const info = a.checkInfo();
  const problem = outputProblem(info as unknown as Record<string, unknown>, CHECK_INFO);
  if (problem) throw new Error(`the check addon's checkInfo() is outside the contract (src/backends/contract.ts): ${problem}`);
  return info;
}

/**
 * `addonFor` picks the build a case runs on: writeprof's check addon, or a strategy file's
 * instrumented build for that file's cases (src/strategy-file/); findings are placed in the
 * source through the module that produced them.
 */
export async function runCheck(req: CheckRequest, addonFor: (spec: CaseSpec) => NativeCheckAddon = () => loadCheckAddon()): Promise<CheckOutcome> {
  const tools = Object.fromEntries(TOOLS.map((t) => [t, req.tools.includes(t)])) as Record<Tool, boolean>;
  const runs: CheckRun[] = [];
  const raw: { label: string; findings: RawFinding[]; addon: NativeCheckAddon }[] = [];
  const kernels: string[] = [];
  const limits = new Set<string>();
  const total = req.specs.length * req.variants.length * req.seeds.length;
  let aborted = false;
  outer: for (const spec of req.specs) {
    for (const variant of req.variants) {
      for (const seed of req.seeds) {
        if (req.signal?.aborted) {
          aborted = true;
          break outer;
        }
        const a = addonFor(spec);
        a.configureCheck(tools);
        const params = {
          ...nativeCaseParams('cuda-emu', spec, { countConflicts: variant === 'count', slowdownNs: 0, latencyEvery: 0, seed: req.keySeed }),
          emuSeed: seed,
          emuWorkers: req.workers,
          emuTimeoutSec: req.timeoutSec,
        };
        const label = runLabel(spec.id, variant);
        const t0 = performance.now();
        const handle = openNativeCase(a, params, label);
        const run: CheckRun = {
          case: spec.id,
          variant,
          seed,
          status: 'ok',
          verification: noVerification(),
          kernels: [],
          findings: 0,
          seconds: 0,
        };
        try {
          const s = await handle.runSample();
          run.verification = { ...s.verification };
          if (verificationFailed(s.verification)) {
            run.status = 'failed';
            run.error = verificationText(s.verification);
          }
        } catch (err) {
          run.status = 'failed';
          run.error = messageOf(err);
        } finally {
          handle.close();
        }
        const found = checkFindings(a.takeFindings());
        const info = checkInfoOf(a);
        run.kernels = [...info.kernels];
        for (const k of info.kernels) if (!kernels.includes(k)) kernels.push(k);
        if (info.limits) limits.add(info.limits);
        run.findings = found.length;
        run.seconds = (performance.now() - t0) / 1000;
        raw.push({ label, findings: found, addon: a });
        runs.push(run);
        req.onRun?.(run, runs.length, total);
      }
    }
  }
  const placedRuns: CheckFinding[] = [];
  for (const a of new Set(raw.map((r) => r.addon))) {
    const mine = raw.filter((r) => r.addon === a);
    const module = checkInfoOf(a).module;
    const placed = resolveSites(module, mine.flatMap((r) => r.findings.flatMap((f) => f.sites.map((s) => s.pc))));
    const shared = mine.some((r) => r.findings.some((f) => f.sites.some((s) => s.space === 'shared'))) ? sharedVariables(module) : [];
    placedRuns.push(...mine.flatMap((r) => placeFindings(r.findings, placed, r.label, shared)));
  }
  const findings = foldFindings(placedRuns);
  return { runs, findings, kernels, limits: [...limits], aborted };
}
