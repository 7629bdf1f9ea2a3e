import type { ResultsDocument } from '../results/schema.js';
import type { GpuModel } from '../results/gpu-models.js';
import { renderCheckMarkdown, renderCheckText } from './check.js';
import { renderCsv } from './csv.js';
import { renderMarkdown } from './markdown.js';
import { renderTerminal } from './terminal.js';

export const FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** Colour output (terminal table only); callers decide from NO_COLOR / isTTY. */
  color: boolean;
  /** markdown: where the report will be written; its SVG charts come back as files beside it. */
  outputPath?: string;
  /** --gpu-model: a bandwidth bound per counted case (a model, never a measurement; ./traffic.ts) */
  gpuModel?: GpuModel;
}

/** A file that goes with a rendered text (a report's chart), at the path it is linked by. */
export interface RenderedFile {
  path: string;
  data: string;
}

export interface Rendered {
  text: string;
  /** markdown with an output path: the charts it links (write them first, then the text) */
  files: RenderedFile[];
}

/**
 * Render a results document in one of the output formats. Renderers touch no file: writing the
 * text and the files (after the command's output rules) is the caller's job. Async because
 * markdown charts are drawn by vega, whose views run asynchronously.
 */
export async function render(doc: ResultsDocument, format: Format, options: RenderOptions): Promise<Rendered> {
  // A check document measured nothing: its findings are the report (csv has nothing to tabulate).
  if (doc.check && format !== 'json') return { text: format === 'markdown' ? renderCheckMarkdown(doc) : renderCheckText(doc), files: [] };
  switch (format) {
    case 'json':
      return { text: JSON.stringify(doc, null, 2) + '\n', files: [] };
    case 'csv':
      return { text: renderCsv(doc, options.gpuModel), files: [] };
    case 'markdown':
      return renderMarkdown(doc, options.outputPath, options.gpuModel);
    case 'table':
      return { text: renderTerminal(doc, options.color, options.gpuModel), files: [] };
  }
}

export { buildMatrix } from './matrix.js';
