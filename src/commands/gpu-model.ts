/**
 * `--gpu-model` and `--counts` of report and compare: a named GPU's bandwidth bound beside the
 * measured rates of GPU results, the counts taken from the results themselves or from an emulated
 * run of the same cases (src/results/memory.ts, src/results/gpu-models.ts).
 */
import { Chalk } from 'chalk';
import { invalid, UsageError } from '../errors.js';
import { gpuModel, GPU_MODEL_IDS, type GpuModel } from '../results/gpu-models.js';
import { withCounts } from '../results/memory.js';
import type { ResultsDocument } from '../results/schema.js';
import { boundMarkdown, boundTerminal } from '../render/traffic.js';

export const GPU_MODEL_HELP = `a named GPU's bandwidth bound per counted case (a model, not a measurement): ${GPU_MODEL_IDS.join(', ')}`;

export function parseGpuModel(raw: string): GpuModel {
  const m = gpuModel(raw);
  if (!m) throw invalid('--gpu-model', raw, GPU_MODEL_IDS.join(', '));
  return m;
}

/** `doc` with the counts of `counts` joined by case id; a --counts that adds nothing is an error. */
export function joinCounts(doc: ResultsDocument, counts: ResultsDocument, field: string, path: string): ResultsDocument {
  if (!counts.cases.some((c) => c.memory)) {
    throw new UsageError(`${field}: ${path} holds no memory-traffic counts (they come from \`writeprof run --backend cuda-emu\`, or --memory-traffic)`);
  }
  const { doc: joined, joined: n } = withCounts(doc, counts);
  if (n === 0 && !doc.cases.some((c) => c.memory)) throw new UsageError(`${field}: no case of ${path} has the id of a case in the results (counts join by case id: run the same plan)`);
  return joined;
}

/** compare --gpu-model: the GPU side's measured rates beside the bound of the counts either side holds. */
export function compareBound(baseline: ResultsDocument, current: ResultsDocument, model: GpuModel, format: string, width: number): string {
  if (format === 'json') throw invalid('--gpu-model', model.id, 'with --format table or markdown (the bound is not part of the comparison JSON)');
  const onGpu = (d: ResultsDocument) => d.emulated !== true && d.environment.backend === 'cuda';
  const main = onGpu(current) || !onGpu(baseline) ? current : baseline;
  const other = main === current ? baseline : current;
  const { doc } = withCounts(main, other);
  const text = format === 'markdown' ? boundMarkdown(doc, model) : boundTerminal(doc, new Chalk({ level: 0 }), model, width);
  if (!text) throw new UsageError('--gpu-model: neither document holds memory-traffic counts (they come from `writeprof run --backend cuda-emu`, or --memory-traffic)');
  return text + '\n\n';
}
