/**
 * Reading user-supplied JSON files (profiles, results, claims) with one-line errors:
 * a missing or unreadable file names the file and why; invalid JSON names file, line and column.
 * V8's own JSON.parse messages sometimes quote the whole input and omit the position, so the
 * position comes from a small scanner that runs only after JSON.parse has failed.
 */
import { UsageError } from '../errors.js';
import { firstTooDeep } from './json-depth.js';
import { INPUT_LIMITS } from '../limits.js';
import { readInputText } from './read.js';
import { printable } from './sanitize.js';

export interface JsonSyntaxError {
  /** 1-based */
  line: number;
  /** 1-based, in characters */
  column: number;
  message: string;
}

class ScanError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

function describe(ch: string | undefined): string {
  if (ch === undefined) return 'end of input';
  if (ch === '\n') return 'line break';
  if (ch.charCodeAt(0) < 0x20) return `control character U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return `'${ch}'`;
}

/** Finds the first syntax error of `text` (which JSON.parse rejected). */
function scan(text: string): ScanError {
  let pos = 0;
  const fail = (message: string, at = pos): never => {
    throw new ScanError(at, message);
  };
  const ws = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const string = (): void => {
    pos++; // opening quote
    for (;;) {
      const c = text[pos];
      if (c === undefined) fail('unterminated string');
      if (c === '"') {
        pos++;
        return;
      }
      if (c === '\\') {
        const e = text[pos + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) pos += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) pos += 6;
        else fail('invalid escape in string');
        continue;
      }
      if (c!.charCodeAt(0) < 0x20) fail(`${describe(c)} inside a string`);
      pos++;
    }
  };
  const number = (): void => {
    const re = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m || m[0].length === 0 || m[0] === '-') fail('invalid number');
    pos += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[pos];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, pos)) {
        pos += lit.length;
        return;
      }
    }
    fail(`unexpected ${describe(c)}; expected a value`);
  };
  const object = (): void => {
    pos++;
    ws();
    if (text[pos] === '}') {
      pos++;
      return;
    }
    for (;;) {
      ws();
      if (text[pos] !== '"') fail(`unexpected ${describe(text[pos])}; expected a double-quoted property name`);
      string();
      ws();
      if (text[pos] !== ':') fail(`unexpected ${describe(text[pos])}; expected ':'`);
      pos++;
      value();
      ws();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return;
      }
      fail(`unexpected ${describe(text[pos])}; expected ',' or '}'`);
    }
  };
  const array = (): void => {
    pos++;
    ws();
    if (text[pos] === ']') {
      pos++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return;
      }
      fail(`unexpected ${describe(text[pos])}; expected ',' or ']'`);
    }
  };
  try {
    value();
    ws();
    if (pos < text.length) fail(`unexpected ${describe(text[pos])} after the JSON value`);
    return new ScanError(text.length, 'invalid JSON');
  } catch (err) {
    if (err instanceof ScanError) return err;
    // Nesting deep enough to exhaust the stack: point at where the scanner stood.
    return new ScanError(pos, 'nesting too deep');
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses JSON text; on failure returns where and why instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const deep = firstTooDeep(body);
  if (deep >= 0) return { ok: false, error: { ...lineColumn(body, deep), message: `nested deeper than ${INPUT_LIMITS.maxJsonDepth} levels` } };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    const e = scan(body);
    return { ok: false, error: { ...lineColumn(body, e.offset), message: e.message } };
  }
}

/** Reads a file's text (bounded: src/io/read.ts); any failure is one UsageError line naming the file. */
export function readTextFile(path: string, limit = INPUT_LIMITS.maxInputBytes): string {
  return readInputText(path, limit);
}

/** Reads and parses a JSON file; one-line UsageError for a missing file or invalid JSON. */
export function readJsonFile(path: string, limit = INPUT_LIMITS.maxInputBytes): unknown {
  const parsed = parseJson(readTextFile(path, limit));
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    throw new UsageError(`${printable(path)}: invalid JSON at line ${line}, column ${column}: ${message}`);
  }
  return parsed.value;
}

/** zod-style issue path → `suites[2].valueSize` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(document)' : out;
}

/** The value found at a path in parsed JSON (for quoting it in an error). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/** A JSON value shortened to fit in a one-line message. */
export function showValue(v: unknown): string {
  let s: string;
  try {
    // JSON.stringify writes Infinity (a 1e999 in the input) as null: show what was read.
    s = v === undefined ? 'missing' : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `\u0000${x}\u0000` : x)).replace(/"\\u0000(.*?)\\u0000"/g, '$1 (out of range)');
    s = printable(s);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
