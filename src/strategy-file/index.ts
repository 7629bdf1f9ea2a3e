/**
 * Strategy files (`--strategy-file`): a user's kernel, built (./build.ts) into its own copy of the
 * addon and run as one more strategy beside the built-in ones. Its cases go to that addon as the
 * native `user` strategy; every other case to writeprof's own.
 */
import type { Backend, OpenOptions } from '../backends/backend.js';
import { loadAddonAt, type NativeAddon, type NativeCheckAddon, type RawStrategyFile } from '../backends/native.js';
import { UsageError } from '../errors.js';
import { printable } from '../io/sanitize.js';
import type { BackendName, CaseSpec } from '../model.js';
import type { StrategyFileRecord } from '../results/schema.js';
import { buildStrategy, type Flavor } from './build.js';
import { readStrategySources, type StrategySource } from './source.js';

export { cacheDir, RESOURCE_USAGE, type Flavor } from './build.js';

export interface StrategyFile extends StrategySource {
  /** the build of the flavor asked for */
  addonPath: string;
  /** the instrumented build too, when asked for (the memory-traffic pass counts on it) */
  checkAddonPath?: string;
  /** what its WP_STRATEGY declared */
  declared: RawStrategyFile;
}

/** The backends a strategy file's kernel runs on: the emulator (g++ builds) and a GPU (nvcc's). */
export const STRATEGY_FILE_BACKENDS: readonly BackendName[] = ['cuda-emu', 'cuda'];

/** The build a backend runs a strategy file from. */
export function flavorFor(backend: string): Flavor {
  return backend === 'cuda' ? 'cuda' : 'emu';
}

/**
 * Reads, builds (or finds in the cache) and loads each file; the first problem is a UsageError.
 * `withCheck`: the instrumented build as well.
 */
export function prepareStrategyFiles(given: readonly string[], flavor: Flavor, withCheck = false): StrategyFile[] {
  return readStrategySources(given).map((src) => prepareStrategyFile(src, flavor, { withCheck }));
}

/** One file read already: built (or found in the cache) and loaded; `field` names it in messages. */
export function prepareStrategyFile(src: StrategySource, flavor: Flavor, o: { withCheck?: boolean; includeDirs?: readonly string[]; field?: string } = {}): StrategyFile {
  const field = o.field ?? '--strategy-file';
  const addonPath = buildStrategy(src, flavor, o.includeDirs);
  const check = o.withCheck && flavor !== 'check' ? { checkAddonPath: buildStrategy(src, 'check', o.includeDirs) } : {};
  const declared = loadAddonAt(addonPath).strategyFile();
  if (!declared) {
    throw new UsageError(`${field}: ${printable(src.shown)}: its WP_STRATEGY declaration did not reach the build (kernels/include/writeprof/kernel.cuh shows the form)`);
  }
  if (declared.apiVersion !== declared.kernelApiVersion) {
    throw new UsageError(`${field}: ${printable(src.shown)}: its declaration is of kernel interface version ${declared.apiVersion}; allowed: version ${declared.kernelApiVersion}, what WP_STRATEGY in kernels/include/writeprof/kernel.cuh declares`);
  }
  return { ...src, addonPath, ...check, declared };
}

/** What results record of a strategy file. */
export function strategyFileRecord(f: StrategyFile): StrategyFileRecord {
  return {
    name: f.name,
    path: f.shown,
    sha256: f.sha256,
    orderRun: f.declared.orderRun,
    block: f.declared.block,
    writesPerBlock: f.declared.writesPerBlock,
    singleEntry: f.declared.single,
  };
}

/** The strategy file whose strategy a case runs, if any. */
export function fileOf(files: readonly StrategyFile[], spec: Pick<CaseSpec, 'strategy'>): StrategyFile | undefined {
  return files.find((f) => f.name === spec.strategy);
}

/**
 * `backend` with each strategy file's cases sent to a backend of the same kind over that file's
 * builds (`over` makes it, e.g. createEmuBackend with the file's addons): its samples and its
 * memory-traffic pass.
 */
export function routeStrategyFiles(
  backend: Backend,
  files: readonly StrategyFile[],
  over: (addon: () => NativeAddon, checkAddon: (() => NativeCheckAddon) | undefined) => Backend,
): Backend {
  if (files.length === 0) return backend;
  const own = new Map(
    files.map((f) => [f.name, over(() => loadAddonAt(f.addonPath), f.checkAddonPath ? () => loadAddonAt(f.checkAddonPath!) as NativeCheckAddon : undefined)]),
  );
  const pick = (spec: CaseSpec): Backend => own.get(spec.strategy) ?? backend;
  const count = backend.countTraffic;
  return {
    name: backend.name,
    status: () => backend.status(),
    open: (spec, options) => pick(spec).open(spec, options),
    ...(count ? { countTraffic: (spec: CaseSpec, options: OpenOptions) => (own.has(spec.strategy) ? pick(spec).countTraffic!(spec, options) : count(spec, options)) } : {}),
  };
}
