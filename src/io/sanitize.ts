/**
 * Text taken from input (file names, profile names, environment fields, claim texts, values) is
 * echoed to terminals, logs and markdown. Control characters in it could split a one-line error,
 * move the cursor, recolour or retitle the terminal, or reorder what is shown (bidi overrides):
 * they are shown escaped instead, so what is printed is what the input holds, one line.
 */

// C0 controls, DEL, C1 controls (0x9b is an 8-bit CSI), line/paragraph separators, bidi controls.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** `s` with every control character written as an escape (\n, \e, \x07, \u202e). */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** True when `s` holds nothing printable() would change. */
export function isPrintable(s: string): boolean {
  UNPRINTABLE.lastIndex = 0;
  return !UNPRINTABLE.test(s);
}

/** A parsed JSON value with printable() applied to every string in it, keys included. */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map((v) => printableDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[printable(k)] = printableDeep(v);
    return out as T;
  }
  return value;
}
