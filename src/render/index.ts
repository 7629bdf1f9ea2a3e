import type { ResultsDocument } from '../results/schema.js';
import { renderCsv } from './csv.js';
import { renderMarkdown } from './markdown.js';
import { renderTerminal } from './terminal.js';

export const FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** Colour output (terminal table only); callers decide from NO_COLOR / isTTY. */
  color: boolean;
  /** markdown: where the report will be written; its SVG charts are written beside it. */
  outputPath?: string;
  /** markdown: writes one chart file (the command's output policy); default: atomic write */
  writeFile?: (path: string, data: string) => void;
}

/**
 * Render a results document in one of the output formats.
 * Async because markdown charts are drawn by vega, whose views run asynchronously:
 * callers `await render(...)`. Only `markdown` with `outputPath` touches the filesystem
 * (the chart files); writing the returned text is the caller's job.
 */
export async function render(doc: ResultsDocument, format: Format, options: RenderOptions): Promise<string> {
  switch (format) {
    case 'json':
      return JSON.stringify(doc, null, 2) + '\n';
    case 'csv':
      return renderCsv(doc);
    case 'markdown':
      return renderMarkdown(doc, options.outputPath, options.writeFile);
    case 'table':
      return renderTerminal(doc, options.color);
  }
}

export { buildMatrix } from './matrix.js';
