/**
 * The screen every terminal output is laid out for: its width ($COLUMNS, else the terminal's,
 * else 100 columns for pipes and CI logs), tables that fit it (cli-table3, columns narrowed and
 * wrapped only when the natural layout is wider), and text wrapped to it.
 */
import Table from 'cli-table3';

/** What pipes, files and CI logs are laid out for: the width every output is tested at. */
export const DEFAULT_WIDTH = 100;
/** Narrower than this nothing useful fits: $COLUMNS below it is taken as this. */
const MIN_WIDTH = 40;

/** $COLUMNS when it is a number, else the terminal's width, else DEFAULT_WIDTH. */
export function screenWidth(stream: NodeJS.WriteStream = process.stdout): number {
  const env = Number(process.env['COLUMNS']);
  if (Number.isInteger(env) && env > 0) return Math.max(MIN_WIDTH, env);
  if (stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0) return Math.max(MIN_WIDTH, stream.columns);
  return DEFAULT_WIDTH;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Columns a line takes on a terminal: escape codes take none, every code point one. */
export function visibleWidth(line: string): number {
  return [...line.replace(ANSI, '')].length;
}

/** The widest line of a text, in columns. */
export function widestLine(text: string): number {
  return text.split('\n').reduce((w, l) => Math.max(w, visibleWidth(l)), 0);
}

/**
 * Words of `text` wrapped to `width` columns; lines after the first start with `indent`.
 * A word longer than a line stays whole on its own line (a path, a command).
 */
export function wrap(text: string, width: number = DEFAULT_WIDTH, indent = ''): string[] {
  const out: string[] = [];
  let line = '';
  let fresh = true;
  // Split on single spaces: runs of spaces inside a line (aligned columns) survive.
  for (const word of text.split(' ')) {
    if (fresh) {
      if (word === '' && out.length > 0) continue;
      line = (out.length === 0 ? '' : indent) + word;
      fresh = false;
    } else if (visibleWidth(line) + 1 + visibleWidth(word) <= width) line += ` ${word}`;
    else {
      out.push(line.trimEnd());
      if (word === '') {
        fresh = true;
        continue;
      }
      line = indent + word;
    }
  }
  if (!fresh || out.length === 0) out.push(line);
  return out;
}

/** Re-wraps each line of a help text that is wider than `width`, keeping its indentation. */
export function wrapBlock(text: string, width: number = DEFAULT_WIDTH): string {
  return text
    .split('\n')
    .flatMap((l) => {
      if (visibleWidth(l) <= width) return [l];
      const lead = /^ */.exec(l)![0];
      return wrap(l.slice(lead.length), width - lead.length, '  ').map((x) => lead + x);
    })
    .join('\n');
}

export interface TextTableOptions {
  /** one letter per column: 'l' or 'r' (default left) */
  align?: string;
  /** columns the table may take (default DEFAULT_WIDTH) */
  width?: number;
  /** rules between body rows (default none: a table as tall as its data) */
  rowRules?: boolean;
}

const PADDING = 2;
/** The narrowest a column is squeezed to before the table is allowed to overflow. */
const MIN_COLUMN = 6;

function cellWidth(cell: string): number {
  return widestLine(cell) + PADDING;
}

/** The widest word of a cell: what it takes not to break a word when the cell wraps. */
function widestWord(cell: string): number {
  return cell.split(/[\s\n]+/).reduce((w, word) => Math.max(w, visibleWidth(word)), 0) + PADDING;
}

/**
 * Column widths that fit `width`: the natural widths when they fit; else the column with the most
 * room above its floor (its widest word in the body: headers wrap before figures do) is narrowed
 * one column at a time, then, if that is not enough, the widest columns down to MIN_COLUMN.
 */
export function fitColumns(natural: readonly number[], width: number, floors: readonly number[] = []): number[] | undefined {
  const borders = natural.length + 1;
  const total = (ws: readonly number[]): number => ws.reduce((a, b) => a + b, 0) + borders;
  if (total(natural) <= width) return undefined;
  const ws = [...natural];
  const floor = (i: number): number => Math.min(ws[i]!, Math.max(floors[i] ?? 0, MIN_COLUMN + PADDING));
  while (total(ws) > width) {
    let pick = -1;
    for (let i = 0; i < ws.length; i++) if (ws[i]! > floor(i) && (pick < 0 || ws[i]! - floor(i) > ws[pick]! - floor(pick))) pick = i;
    if (pick < 0) {
      // Every column at its floor: break words in the widest.
      for (let i = 0; i < ws.length; i++) if (pick < 0 || ws[i]! > ws[pick]!) pick = i;
      if (ws[pick]! <= MIN_COLUMN + PADDING) break;
      floors = floors.map((f, i) => (i === pick ? 0 : f));
    }
    ws[pick]!--;
  }
  return ws;
}

/** A bordered table (heads already styled by the caller) laid out to fit `width` columns. */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[], o: TextTableOptions = {}): string {
  const n = head.length;
  const natural = head.map((h, i) => Math.max(cellWidth(h), ...rows.map((r) => cellWidth(r[i] ?? ''))));
  const floors = head.map((_, i) => Math.max(0, ...rows.map((r) => widestWord(r[i] ?? ''))));
  const fitted = fitColumns(natural, o.width ?? DEFAULT_WIDTH, floors);
  const t = new Table({
    head: [...head],
    // Colours come from chalk only, so NO_COLOR / non-TTY output carries no escape codes.
    style: { head: [], border: [] },
    ...(o.rowRules ? {} : { chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } }),
    colAligns: Array.from({ length: n }, (_, i) => (o.align?.[i] === 'r' ? 'right' : 'left')),
    ...(fitted ? { colWidths: fitted, wordWrap: true, wrapOnWordBoundary: true } : {}),
  });
  for (const r of rows) t.push([...r]);
  return t.toString();
}
