/**
 * The HTML report: the markdown report (./markdown.ts) turned into one self-contained page by
 * markdown-it (CommonMark + GFM tables; raw HTML in the input is escaped, never passed through),
 * with every chart inline as SVG and the style inline. Nothing is fetched: the page declares a
 * Content-Security-Policy that allows no network at all.
 */
import MarkdownIt from 'markdown-it';
import { basename } from 'node:path';
import type { ResultsDocument } from '../results/schema.js';
import type { Rendered } from './index.js';
import { renderMarkdown, type MarkdownOptions } from './markdown.js';

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.8rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
h2 { font-size: 1.4rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.15rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d0d7de; padding: .25rem .6rem; }
th { background: #f6f8fa; }
tr:nth-child(2n) td { background: #fbfcfd; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f3f4f6; padding: .1rem .3rem; border-radius: 4px; }
blockquote { margin: 1rem 0; padding: .4rem 1rem; border-left: 4px solid #d4a72c; background: #fff8c5; }
figure.chart { margin: 1rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
`;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The SVG as an inline element: no XML prolog, a role and a title for screen readers. */
function inlineSvg(svg: string, title: string): string {
  const body = svg.replace(/^<\?xml[^>]*>\s*/, '');
  return `<figure class="chart" role="img" aria-label="${escapeHtml(title)}">${body}</figure>`;
}

/**
 * The whole page. `outputPath` only names the charts (as the markdown links them); nothing is
 * written beside an HTML report: its charts are inside it.
 */
export async function renderHtml(doc: ResultsDocument, o: MarkdownOptions = {}): Promise<Rendered> {
  const md = await renderMarkdown(doc, { ...o, outputPath: o.outputPath ?? 'report.html' });
  const charts = new Map(md.files.map((f) => [basename(f.path), f.data]));
  const it = new MarkdownIt({ html: false, linkify: false, typographer: false });
  const image = it.renderer.rules.image!;
  it.renderer.rules.image = (tokens, idx, options, env, self) => {
    const t = tokens[idx]!;
    const src = decodeURI(t.attrGet('src') ?? '');
    const svg = charts.get(src);
    return svg ? inlineSvg(svg, t.content) : image(tokens, idx, options, env, self);
  };
  // The devices report anchors each device's section; markdown-it escapes that one tag: restore it.
  const body = it.render(md.text).replace(/&lt;a id=&quot;(device-\d+)&quot;&gt;&lt;\/a&gt;/g, '<a id="$1"></a>');
  const title = `writeprof report: ${doc.profile.name}`;
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No script, no fetch: everything the page shows is in it.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body.trimEnd(),
    '</body>',
    '</html>',
  ].join('\n');
  return { text: html + '\n', files: [] };
}
