/**
 * `writeprof run`'s settings: its flags (raw strings from commander) checked into the run's
 * settings and the profile overrides (axes, measurement). The run command's own business: the
 * profile layer only says how an axis or a measurement field is spelled and bounded.
 */
import { invalid } from '../errors.js';
import { CASE_LIMITS, DEFAULTS, EMULATOR_LIMITS, RUN_LIMITS } from '../limits.js';
import { DEFAULT_EMULATOR, type BackendName, type EmulatorSettings, type Mode } from '../model.js';
import { FORMATS, type Format } from '../render/index.js';
import { AXES, MEASUREMENT_FIELDS, parseAxis, parseMeasurementField, type AxisName, type MeasurementField, type PartialAxes } from '../profile/axes.js';
import type { Overrides } from '../profile/plan.js';
import { parseShard, type ShardRef } from '../profile/shard.js';
import { flagName, parseList, parseMode, parseNumber } from '../profile/values.js';
import { parsePeerFlags, type PeerSettings, type RawPeerOptions } from './run-peers.js';
import { parseGpuModel } from './gpu-model.js';

/** Options as commander hands them over (every value a string unless a boolean switch). */
export interface RawRunOptions extends RawPeerOptions {
  profile?: string;
  backend?: string;
  format?: string;
  output?: string;
  seed?: string;
  mode?: string;
  strategy?: string;
  valueSize?: string;
  batchSize?: string;
  threads?: string;
  keyDist?: string;
  updateShare?: string;
  loadFactor?: string;
  keys?: string;
  warmup?: string;
  minSamples?: string;
  maxSamples?: string;
  minTime?: string;
  maxTime?: string;
  maxNoise?: string;
  calibrateSlowdown?: string;
  repeat?: string;
  countConflicts?: boolean;
  memoryTraffic?: boolean;
  gpuModel?: string;
  quiet?: boolean;
  force?: boolean;
  emuSeed?: string;
  emuWorkers?: string;
  emuTimeout?: string;
  shard?: string;
  /** --strategy-file, repeatable */
  strategyFile?: string[];
}

export type BackendChoice = 'auto' | BackendName;
const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'cuda', 'cuda-emu', 'redis', 'libcuckoo'];

export interface RunSettings {
  profile?: string;
  backend: BackendChoice;
  format: Format;
  output?: string;
  seed: number;
  countConflicts: boolean;
  /** --memory-traffic / --no-memory-traffic; undefined: on for cuda-emu, off elsewhere */
  memoryTraffic?: boolean;
  /** --gpu-model: a bandwidth bound per counted case in the tables (src/results/gpu-models.ts) */
  gpuModel?: string;
  /** percent of the measured per-write time added as a spin per write (0 = off) */
  calibrateSlowdown: number;
  /** whole sweeps to run; each case keeps every sweep's median (runMedians) */
  repeat: number;
  quiet: boolean;
  force: boolean;
  /** --shard i/n: run only that slice of the plan */
  shard?: ShardRef;
  overrides: Overrides;
  /** --backend cuda-emu: the emulator's scheduler seed, workers and no-progress timeout */
  emulator: EmulatorSettings;
  /** --peer and the Redis flags */
  peers: PeerSettings;
  /** --strategy-file: user kernels run as strategies beside the built-in ones */
  strategyFiles: string[];
}

function pickOne<T extends string>(field: string, raw: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw invalid(field, raw, allowed.join(', '));
}

export function parseRunFlags(o: RawRunOptions): RunSettings {
  const axes: PartialAxes = {};
  for (const name of AXES) {
    const raw = o[name as AxisName];
    if (raw !== undefined) (axes as Record<string, unknown>)[name] = parseAxis(name, flagName(name), raw, true);
  }
  const measurement: Overrides['measurement'] = {};
  for (const name of MEASUREMENT_FIELDS) {
    const raw = o[name as MeasurementField];
    if (raw !== undefined) measurement[name] = parseMeasurementField(name, flagName(name), raw);
  }
  const modes: Mode[] | undefined = o.mode === undefined ? undefined : parseList('--mode', o.mode, parseMode, true);
  const backend = pickOne('--backend', o.backend ?? 'auto', BACKEND_CHOICES);
  const emuFlag = ['emuSeed', 'emuWorkers', 'emuTimeout'].find((f) => o[f as keyof RawRunOptions] !== undefined);
  if (emuFlag && backend !== 'cuda-emu') throw invalid(flagName(emuFlag), String(o[emuFlag as keyof RawRunOptions]), 'only with --backend cuda-emu');
  const emulator: EmulatorSettings = {
    seed: o.emuSeed === undefined ? DEFAULT_EMULATOR.seed : parseNumber('--emu-seed', o.emuSeed, EMULATOR_LIMITS.seed),
    workers: o.emuWorkers === undefined ? DEFAULT_EMULATOR.workers : parseNumber('--emu-workers', o.emuWorkers, EMULATOR_LIMITS.workers),
    timeoutSec: o.emuTimeout === undefined ? DEFAULT_EMULATOR.timeoutSec : parseNumber('--emu-timeout', o.emuTimeout, EMULATOR_LIMITS.timeoutSec),
  };
  return {
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    backend,
    format: pickOne('--format', o.format ?? 'table', FORMATS),
    ...(o.output !== undefined ? { output: o.output } : {}),
    seed: o.seed === undefined ? DEFAULTS.seed : parseNumber('--seed', o.seed, CASE_LIMITS.seed),
    countConflicts: o.countConflicts !== false,
    ...(o.memoryTraffic !== undefined ? { memoryTraffic: o.memoryTraffic } : {}),
    ...(o.gpuModel !== undefined ? { gpuModel: parseGpuModel(o.gpuModel).id } : {}),
    calibrateSlowdown: o.calibrateSlowdown === undefined ? 0 : parseNumber('--calibrate-slowdown', o.calibrateSlowdown, RUN_LIMITS.calibrateSlowdown),
    repeat: o.repeat === undefined ? 1 : parseNumber('--repeat', o.repeat, RUN_LIMITS.repeat),
    quiet: o.quiet === true,
    force: o.force === true,
    ...(o.shard !== undefined ? { shard: parseShard('--shard', o.shard) } : {}),
    overrides: { ...(modes ? { modes } : {}), axes, measurement },
    emulator,
    peers: parsePeerFlags(o, backend),
    strategyFiles: o.strategyFile ?? [],
  };
}
