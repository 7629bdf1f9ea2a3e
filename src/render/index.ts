import type { ResultsDocument } from '../results/schema.js';

export const FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** Colour output (terminal table only); callers decide from NO_COLOR / isTTY. */
  color: boolean;
  /** markdown: where the report will be written, so charts can be written beside it. */
  outputPath?: string;
}

/** Render a results document in one of the output formats. Placeholder until render lands. */
export function render(doc: ResultsDocument, format: Format, _options: RenderOptions): string {
  if (format === 'json') return JSON.stringify(doc, null, 2) + '\n';
  return `${doc.cases.length} cases\n`;
}
