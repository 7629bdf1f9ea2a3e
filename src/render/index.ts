import type { ResultsDocument } from '../results/schema.js';
import type { GpuModel } from '../results/gpu-models.js';
import { DEFAULT_WIDTH } from '../screen.js';
import { renderCheckCsv, renderCheckText } from './check.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { SummaryOptions } from './summary.js';
import { renderTerminal } from './terminal.js';

/** What `run` prints or writes. */
export const FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type Format = (typeof FORMATS)[number];
/** What `report` writes from a results file: every format but the terminal's, and a page. */
export const REPORT_FORMATS = ['markdown', 'html', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  /** Colour output (terminal table only); callers decide from NO_COLOR / isTTY. */
  color: boolean;
  /** markdown: where the report will be written; its SVG charts come back as files beside it. */
  outputPath?: string;
  /** table: columns every line must fit (default 100) */
  width?: number;
  /** table: the per-case noise list */
  verbose?: boolean;
  /** table, markdown, html: the summary's claims and results path; false: no summary */
  summary?: SummaryOptions | false;
  /** markdown: the summary and the story's tables only (a CI job summary) */
  brief?: boolean;
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
 * charts are drawn by vega, whose views run asynchronously.
 */
export async function render(doc: ResultsDocument, format: Format | ReportFormat, options: RenderOptions): Promise<Rendered> {
  // A check document measured nothing: its findings are the report (markdown and html render them
  // through renderMarkdown).
  if (doc.check && format === 'table') return { text: renderCheckText(doc), files: [] };
  if (doc.check && format === 'csv') return { text: renderCheckCsv(doc), files: [] };
  const md = {
    ...(options.outputPath !== undefined ? { outputPath: options.outputPath } : {}),
    ...(options.gpuModel ? { gpuModel: options.gpuModel } : {}),
    ...(options.summary !== undefined ? { summary: options.summary } : {}),
    ...(options.brief ? { brief: true } : {}),
  };
  switch (format) {
    case 'json':
      return { text: JSON.stringify(doc, null, 2) + '\n', files: [] };
    case 'csv':
      return { text: renderCsv(doc, options.gpuModel), files: [] };
    case 'markdown':
      return renderMarkdown(doc, md);
    case 'html':
      return renderHtml(doc, md);
    case 'table':
      return {
        text: renderTerminal(doc, {
          color: options.color,
          width: options.width ?? DEFAULT_WIDTH,
          verbose: options.verbose === true,
          ...(options.summary !== undefined ? { summary: options.summary } : {}),
          ...(options.gpuModel ? { gpuModel: options.gpuModel } : {}),
        }),
        files: [],
      };
  }
}

export { buildMatrix } from './matrix.js';
