/**
 * `--strategy-file` for run (and the commands built on it): the files built for the run's
 * backend, their strategies added to every suite, the plan held to them, and what the journal
 * keeps so that --resume runs the very same files.
 */
import type { Backend } from '../backends/backend.js';
import { createCudaBackend, cudaBackend } from '../backends/cuda.js';
import { createEmuBackend } from '../backends/cuda-emu.js';
import { reasonOf, type Selected } from '../backends/index.js';
import { selectRunBackend } from '../backends/peers.js';
import { UsageError } from '../errors.js';
import { printable } from '../io/sanitize.js';
import { isBuiltinStrategy, STRATEGIES, type BackendName, type CaseSpec, type EmulatorSettings } from '../model.js';
import type { Suite } from '../profile/types.js';
import type { StrategyFileRecord } from '../results/schema.js';
import { flavorFor, prepareStrategyFiles, routeStrategyFiles, strategyFileRecord, STRATEGY_FILE_BACKENDS, type Flavor, type StrategyFile } from '../strategy-file/index.js';

export { flavorFor };

/** A strategy file as a journal keeps it: the results' record, and where the file is. */
export type JournaledStrategyFile = StrategyFileRecord & { absolutePath: string };

/** commander's collector for a repeatable option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Strategy files run on these backends only; `field` names the option for the message. */
export function checkStrategyFileBackend(backend: string, given: readonly string[], field = '--backend'): void {
  if (given.length === 0 || backend === 'auto' || STRATEGY_FILE_BACKENDS.includes(backend as never)) return;
  throw new UsageError(`--strategy-file: a strategy file is a CUDA kernel: it runs on ${STRATEGY_FILE_BACKENDS.join(' (the emulator) and ')} (nvcc's build); ${field} is ${backend}`);
}

/**
 * The backend a run with strategy files measures on: `auto` is the GPU when there is one, else
 * the emulator (the CPU backend runs no CUDA kernel).
 */
export async function selectFileBackend(choice: 'auto' | BackendName, emulator: EmulatorSettings | undefined): Promise<Selected> {
  if (choice !== 'auto' && choice !== 'cuda') return selectRunBackend(choice, emulator);
  const gpu = cudaBackend.status();
  if (gpu.available) return selectRunBackend('cuda', emulator);
  if (choice === 'cuda') throw new UsageError(`backend cuda: unavailable (${reasonOf(gpu)}); a strategy file runs on the emulator too: --backend cuda-emu`);
  const emu = await selectRunBackend('cuda-emu', emulator);
  return { ...emu, line: `${emu.line} (a strategy file runs on cuda or cuda-emu; cuda unavailable: ${reasonOf(gpu)})` };
}

/** `withCheck`: the instrumented build too (the memory-traffic pass counts on it). */
export function prepareFiles(given: readonly string[], flavor: Flavor, withCheck = false): StrategyFile[] {
  return given.length ? prepareStrategyFiles(given, flavor, withCheck) : [];
}

/** Every suite also sweeps each strategy file's strategy (after the built-ins it has). */
export function withFileStrategies(suites: readonly Suite[], files: readonly StrategyFile[]): Suite[] {
  if (files.length === 0) return [...suites];
  return suites.map((s) => ({ ...s, axes: { ...s.axes, strategy: [...s.axes.strategy, ...files.map((f) => f.name).filter((n) => !s.axes.strategy.includes(n))] } }));
}

/** A strategy the plan names that is neither built in nor a given file's: refused before measuring. */
export function requireFiles(specs: readonly CaseSpec[], files: readonly StrategyFile[]): void {
  const missing = specs.find((s) => s.strategy !== 'peer' && !isBuiltinStrategy(s.strategy) && !files.some((f) => f.name === s.strategy));
  if (missing) {
    const given = files.length ? files.map((f) => f.name).join(', ') : 'none given';
    throw new UsageError(`strategy: ${JSON.stringify(missing.strategy)} is invalid; allowed: all, ${STRATEGIES.join(', ')}, or the name a --strategy-file declares (${given})`);
  }
}

export function journaled(files: readonly StrategyFile[]): JournaledStrategyFile[] {
  return files.map((f) => ({ ...strategyFileRecord(f), absolutePath: f.path }));
}

export function resultsRecords(files: readonly JournaledStrategyFile[] | undefined): StrategyFileRecord[] {
  return (files ?? []).map(({ absolutePath: _where, ...r }) => r);
}

/** --resume: the journal's files, built again; a file changed since the run began is refused. */
export function resumeFiles(files: readonly JournaledStrategyFile[] | undefined, flavor: Flavor, withCheck = false): StrategyFile[] {
  if (!files?.length) return [];
  const built = prepareStrategyFiles(files.map((f) => f.absolutePath), flavor, withCheck);
  for (const [i, f] of built.entries()) {
    const was = files[i]!;
    if (f.sha256 !== was.sha256 || f.name !== was.name) {
      throw new UsageError(`--resume: the strategy file ${printable(was.path)} changed since the run began (sha256 ${was.sha256.slice(0, 12)}..., now ${f.sha256.slice(0, 12)}...); its cases would not be the same kernel`);
    }
  }
  return built.map((f, i) => ({ ...f, shown: files[i]!.path }));
}

/** The run's backend with each file's cases on the builds linked with that file (nvcc's on cuda, else the emulator's). */
export function routeFiles(backend: Backend, files: readonly StrategyFile[], emulator: EmulatorSettings | undefined): Backend {
  return routeStrategyFiles(backend, files, (addon, checkAddon) =>
    backend.name === 'cuda' ? createCudaBackend(addon, checkAddon) : createEmuBackend(emulator, addon, checkAddon),
  );
}
