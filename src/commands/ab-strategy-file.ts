/**
 * `writeprof ab --strategy-file F --base <ref|other.cu>`: two versions of one strategy file,
 * writeprof's own build the same on both sides (this checkout's). Only the file's cases run.
 * On cuda-emu the gate is on counts (src/ab/count-gate.ts): emulated times are not performance
 * figures, the memory traffic and the verification are real. On cuda it is ab's timing gate
 * (./ab.ts gateTimings) over the versions' nvcc builds (src/ab/strategy-backends.ts).
 */
import os from 'node:os';
import { join } from 'node:path';
import { countBoth } from '../ab/counts.js';
import { analyse, DEFAULT_COUNT_THRESHOLD } from '../gates/counts.js';
import { countsDocument, renderCounts } from '../gates/count-render.js';
import type { Side } from '../ab/interleave.js';
import { cudaStrategyBackends } from '../ab/strategy-backends.js';
import { buildVersions, declarationNotes, planVersions, type Version, type VersionPlan } from '../ab/strategy-versions.js';
import type { NativeCheckAddon } from '../backends/native.js';
import { loadAddonAt } from '../backends/native.js';
import { cudaBackend } from '../backends/cuda.js';
import { reasonOf } from '../backends/index.js';
import { parseSeeds } from '../check/tools.js';
import { installInterruptGuard } from '../engine/interrupt.js';
import { Interrupted, UsageError, invalid } from '../errors.js';
import { COMPARE_FORMATS } from '../gates/compare-render.js';
import { inputFile } from '../io/target.js';
import { checkWritable, writeFileAtomic } from '../io/write.js';
import { DEFAULT_EMULATOR, type CaseSpec } from '../model.js';
import { budgetLimits, checkCases } from '../profile/geometry.js';
import { DEFAULT_PROFILE, loadProfile, resolveProfile } from '../profile/load.js';
import { applyOverrides, expandCases } from '../profile/plan.js';
import type { Profile } from '../profile/types.js';
import { documentBoundProblem } from '../results/bounds.js';
import type { StrategyFileRecord } from '../results/schema.js';
import { strategyFileRecord } from '../strategy-file/index.js';
import { abNotes, abOutputDir, gateTimings, parseTimingFlags, type AbFlags } from './ab.js';
import { emitGate } from './compare.js';
import { pickFormat } from './output.js';
import { parseRunFlags, type RunSettings } from './run-settings.js';

const BACKENDS = ['auto', 'cuda-emu', 'cuda'] as const;
/** What the timing gate takes and the count gate does not: refused when given for cuda-emu. */
const TIMING_ONLY = ['rounds', 'samplesPerRound', 'warmup', 'calibrateSlowdown', 'cacheDir'] as const;
const FLAG: Record<(typeof TIMING_ONLY)[number], string> = {
  rounds: '--rounds', samplesPerRound: '--samples-per-round', warmup: '--warmup', calibrateSlowdown: '--calibrate-slowdown', cacheDir: '--cache-dir',
};

function pickBackend(raw: string | undefined): 'cuda-emu' | 'cuda' {
  const choice = raw ?? 'auto';
  if (!(BACKENDS as readonly string[]).includes(choice)) {
    throw invalid('--backend', choice, 'cuda-emu (counts on the emulator) or cuda (times on the GPU); a strategy file is a CUDA kernel, which the cpu backend does not run');
  }
  if (choice === 'cuda-emu') return choice;
  // A GPU, if there is one, gates times; without one the emulator gates counts.
  const status = cudaBackend.status();
  if (status.available) return 'cuda';
  if (choice === 'auto') return 'cuda-emu';
  throw new UsageError(`--backend: cuda is unavailable (${reasonOf(status)}); use --backend cuda-emu, which compares the versions' counted memory traffic and verification`);
}

/** The profile with its strategy axis replaced by the file's strategy: its cases only. */
function fileCases(settings: RunSettings, strategy: string): { profile: Profile; specs: CaseSpec[] } {
  const loaded = applyOverrides(loadProfile(settings.profile), settings.overrides);
  const profile = { ...loaded, suites: loaded.suites.map((s) => ({ ...s, axes: { ...s.axes, strategy: [strategy] } })) };
  return { profile, specs: expandCases(profile.suites) };
}

/** A percent in [0, 100): 0 fails any change, exact counts allowing it. */
function countThreshold(raw: string): number {
  const v = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v) || v < 0 || v >= 100) throw invalid('--threshold', raw, 'a number in [0, 100)');
  return v;
}

export async function abStrategyFileCommand(flags: AbFlags, given: (option: string) => boolean): Promise<void> {
  const files = flags.strategyFile ?? [];
  if (files.length !== 1) {
    throw new UsageError(`--strategy-file: given ${files.length} times; ab compares two versions of one strategy file: give it once, and its other version with --base`);
  }
  if (flags.base === undefined) throw new UsageError('--base: required; allowed: a git ref holding the strategy file, or the other version\'s .cu path');
  if (flags.strategy !== undefined) throw invalid('--strategy', flags.strategy, 'nothing with --strategy-file (ab runs the file\'s strategy only)');
  const backend = pickBackend(flags.backend);
  if (backend === 'cuda') return timeOnGpu(flags);

  const timingFlag = TIMING_ONLY.find((f) => given(f));
  if (timingFlag) {
    throw new UsageError(`${FLAG[timingFlag]}: not with --strategy-file on cuda-emu, which compares counts, not times (emulated times are not performance figures); --emu-seeds sets what is counted`);
  }
  const threshold = countThreshold(flags.threshold ?? String(DEFAULT_COUNT_THRESHOLD));
  const seeds = parseSeeds(undefined, flags.emuSeeds ?? '1-3', DEFAULT_EMULATOR.seed);
  const format = pickFormat(COMPARE_FORMATS, flags.format, flags.output, 'table');
  const settings = parseRunFlags({ ...flags, backend: 'cuda-emu', strategyFile: [] });
  const plans = planVersions(files[0]!, flags.base, flags.head);
  const strategy = plans.head.source.name;
  const { profile, specs } = fileCases(settings, strategy);
  checkCases(specs, budgetLimits('host', os.totalmem()));

  const startedAt = new Date();
  const outDir = abOutputDir(flags, startedAt);
  const analysisPath = join(outDir, 'ab.json');
  // What ab reads (the profile, the versions compared) is never one of its outputs.
  const inputs = [resolveProfile(settings.profile ?? DEFAULT_PROFILE), files[0]!, plans.head.source.path, plans.base.source.path].map(inputFile);
  checkWritable(analysisPath, { field: '--output-dir', inputs });

  const note = abNotes(flags.quiet);
  note(`ab: base ${plans.base.label}; head ${plans.head.label}: building each version's instrumented emulator build (cached by content)`);
  const versions = buildVersions(plans, 'check');
  const notes = declarationNotes(versions);
  for (const n of notes) note(`ab: ${n}`);
  note(`ab: strategy ${strategy}, profile ${profile.name} (${profile.source}): ${specs.length} case(s) x ${seeds.length} emulator seed(s) x 2 versions, memory traffic counted`);

  const guard = installInterruptGuard();
  const addon = (v: Version) => (): NativeCheckAddon => loadAddonAt(v.file.addonPath) as NativeCheckAddon;
  let outcome;
  try {
    outcome = await countBoth(specs, { base: addon(versions.base), head: addon(versions.head) }, {
      seeds,
      keySeed: settings.seed,
      timeoutSec: DEFAULT_EMULATOR.timeoutSec,
      signal: guard.signal,
      onCase: (done, total, spec, seconds) => note(`ab: counted ${done}/${total} ${spec.id} (${seconds.toFixed(1)} s)`),
    });
  } finally {
    if (guard.exitCode === undefined) guard.dispose();
  }
  const record = (side: Side) => {
    const v = versions[side];
    const { orderRun, block, writesPerBlock } = v.file.declared;
    return { label: v.label, path: v.source.path, sha256: v.source.sha256, ...(v.commit ? { commit: v.commit } : {}), ownName: v.ownName, declared: { orderRun, block, writesPerBlock } };
  };
  const doc = countsDocument(analyse(outcome.cases, seeds, threshold), {
    createdAt: startedAt, strategy, profile: profile.name, versions: { base: record('base'), head: record('head') }, notes, partial: outcome.aborted,
  });
  writeFileAtomic(analysisPath, JSON.stringify(doc, null, 2) + '\n', { inputs, field: '--output-dir' });
  note(`ab: analysis ${analysisPath}`);
  if (guard.exitCode !== undefined) {
    guard.dispose();
    throw new Interrupted(guard.exitCode, `interrupted by ${guard.signalName}: counted ${doc.cases.length} of ${specs.length} cases (partial) in ${analysisPath}`);
  }
  // A comparison against a base that fails is no comparison: bad input, as ab's base that runs nothing.
  const baseFailed = doc.cases.filter((c) => c.base.failed !== undefined);
  if (baseFailed.length) {
    const first = baseFailed[0]!;
    throw new UsageError(`--base: the base version failed ${baseFailed.length} of ${doc.cases.length} cases (${first.id}: ${first.base.failed}); a base must pass to be compared against`);
  }
  // A gate over nothing is not a pass: every case's counts racing (concurrent, 2+ threads) decides nothing.
  if (doc.verdict === 'PASS' && doc.cases.every((c) => c.verdict === 'ungated')) {
    throw new UsageError(`--profile: none of the ${doc.cases.length} cases can be gated on counts (concurrent cases of 2+ threads race, so their counts vary from run to run); give single or batch cases, or --threads 1`);
  }
  await emitGate((f, ro) => renderCounts(doc, f, ro), { format, ...(flags.output !== undefined ? { output: flags.output } : {}), inputs });
  process.exitCode = doc.exitCode;
}

/** --backend cuda: ab's timing gate over the two versions' GPU builds. */
async function timeOnGpu(flags: AbFlags): Promise<void> {
  if (flags.emuSeeds !== undefined) throw invalid('--emu-seeds', flags.emuSeeds, 'only with --backend cuda-emu (the emulator\'s seeds)');
  if (flags.cacheDir !== undefined) throw new UsageError('--cache-dir: not with --strategy-file: its versions are built into the writeprof cache (WRITEPROF_CACHE_DIR, docs/strategy-files.md), not as writeprof\'s own builds are');
  const timing = parseTimingFlags({ ...flags, strategyFile: [] }, 'cuda');
  const plans: Record<Side, VersionPlan> = planVersions(flags.strategyFile![0]!, flags.base!, flags.head);
  const { profile, specs } = fileCases(timing.settings, plans.head.source.name);
  // Two versions hold a case open at once: each gets half the host's and half the device's budget.
  checkCases(specs, budgetLimits('host', os.totalmem(), 2));
  const deviceMemory = cudaBackend.status().device?.['memoryBytes'];
  if (typeof deviceMemory === 'number' && deviceMemory > 0) checkCases(specs, budgetLimits('device', deviceMemory, 2));
  const { rounds, samplesPerRound } = timing;
  const bound = documentBoundProblem({ cases: specs.length, samplesPerCase: rounds * samplesPerRound, samplesFrom: `--rounds ${rounds} x --samples-per-round ${samplesPerRound}` });
  if (bound) throw new UsageError(bound);
  const startedAt = new Date();
  const outDir = abOutputDir(flags, startedAt);
  const paths = { base: join(outDir, 'base.json'), head: join(outDir, 'head.json'), analysis: join(outDir, 'ab.json') };
  const inputs = [resolveProfile(timing.settings.profile ?? DEFAULT_PROFILE), flags.strategyFile![0]!, plans.head.source.path, plans.base.source.path].map(inputFile);
  for (const p of Object.values(paths)) checkWritable(p, { field: '--output-dir', inputs });
  const note = abNotes(flags.quiet);
  note(`ab: base ${plans.base.label}; head ${plans.head.label}: building each version with nvcc (cached by content)`);
  const { backends, versions } = cudaStrategyBackends(plans);
  for (const n of declarationNotes(versions)) note(`ab: ${n}`);
  // Each side's results record its version as run: the path as given (a ref's as ref:path), its hash.
  const recorded = (side: Side): StrategyFileRecord[] => [{ ...strategyFileRecord(versions[side].file), path: versions[side].label }];
  await gateTimings(backends, {
    ...timing, flags, profile, specs, startedAt, outDir, paths, inputs, note,
    labels: { base: plans.base.label, head: plans.head.label },
    strategyFiles: { base: recorded('base'), head: recorded('head') },
  });
}
