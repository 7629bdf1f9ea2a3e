/**
 * A C++ tokenizer for the CUDA-to-emulator translation (preprocessed text, mostly). It keeps every
 * character: joining the tokens' texts gives the input back, so a rewrite only replaces the tokens
 * it means to and line numbers survive. `<<<` and `>>>` are tokens of their own (CUDA's launch
 * brackets); elsewhere `>>>` can only close three template argument lists, and callers treat it so.
 */

export type TokenKind =
  | 'ws' // spaces, tabs, comments
  | 'nl' // one newline
  | 'pp' // a directive line: a line marker (`# 12 "a.cu" 1`) or `#pragma ...`, up to its newline
  | 'id'
  | 'num'
  | 'str'
  | 'chr'
  | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  /** offset of the first character in the input */
  pos: number;
}

// Longest first: maximal munch over this list.
const PUNCTS = [
  '<<<', '>>>', '<=>', '<<=', '>>=', '->*', '...',
  '::', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '.*', '##',
];

const isIdStart = (c: string): boolean => /[A-Za-z_$]/.test(c) || c > '\x7f';
const isIdChar = (c: string): boolean => /[A-Za-z0-9_$]/.test(c) || c > '\x7f';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** String and character literal prefixes: u8"", L'', R"(...)" and their combinations. */
const STRING_PREFIX = /^(?:u8|u|U|L)?R?$/;

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let lineStart = true; // only whitespace since the last newline
  const n = src.length;
  const push = (kind: TokenKind, end: number): void => {
    out.push({ kind, text: src.slice(i, end), pos: i });
    i = end;
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      push('nl', i + 1);
      lineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      let j = i + 1;
      while (j < n && ' \t\r\f\v'.includes(src[j]!)) j++;
      push('ws', j);
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      push('ws', i + 2); // a line continuation outside a directive joins two lines
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      let j = i + 2;
      while (j < n && src[j] !== '\n') j += src[j] === '\\' && src[j + 1] === '\n' ? 2 : 1;
      push('ws', j);
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      push('ws', end < 0 ? n : end + 2);
      continue;
    }
    if (c === '#' && lineStart) {
      let j = i + 1;
      while (j < n && src[j] !== '\n') j += src[j] === '\\' && src[j + 1] === '\n' ? 2 : 1;
      push('pp', j);
      continue;
    }
    lineStart = false;
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdChar(src[j]!)) j++;
      const word = src.slice(i, j);
      if ((src[j] === '"' || src[j] === "'") && STRING_PREFIX.test(word)) {
        const end = src[j] === '"' ? stringEnd(src, j, word.endsWith('R')) : charEnd(src, j);
        push(src[j] === '"' ? 'str' : 'chr', end);
        continue;
      }
      push('id', j);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n) {
        const d = src[j]!;
        if ((d === '+' || d === '-') && /[eEpP]/.test(src[j - 1]!)) j++;
        else if (isIdChar(d) || d === '.' || (d === "'" && isIdChar(src[j + 1] ?? ''))) j++;
        else break;
      }
      push('num', j);
      continue;
    }
    if (c === '"') {
      push('str', stringEnd(src, i, false));
      continue;
    }
    if (c === "'") {
      push('chr', charEnd(src, i));
      continue;
    }
    const p = PUNCTS.find((s) => src.startsWith(s, i));
    push('punct', i + (p ? p.length : 1));
  }
  return out;
}

/** End (exclusive) of the string literal whose opening quote is at `q`. */
function stringEnd(src: string, q: number, raw: boolean): number {
  if (raw) {
    const open = src.indexOf('(', q);
    if (open < 0) return src.length;
    const close = `)${src.slice(q + 1, open)}"`;
    const end = src.indexOf(close, open);
    return end < 0 ? src.length : end + close.length;
  }
  let j = q + 1;
  while (j < src.length && src[j] !== '"' && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
  return Math.min(src.length, j + 1);
}

function charEnd(src: string, q: number): number {
  let j = q + 1;
  while (j < src.length && src[j] !== "'" && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
  return Math.min(src.length, j + 1);
}

/** Tokens that carry meaning (not whitespace, comments, newlines or directive lines). */
export const significant = (t: Token): boolean => t.kind !== 'ws' && t.kind !== 'nl' && t.kind !== 'pp';

/** A token list with the indices of its significant tokens, for navigation by meaning. */
export class TokenView {
  readonly sig: number[];
  constructor(readonly toks: Token[]) {
    this.sig = [];
    toks.forEach((t, k) => {
      if (significant(t)) this.sig.push(k);
    });
  }
  /** The s-th significant token. */
  at(s: number): Token | undefined {
    const k = this.sig[s];
    return k === undefined ? undefined : this.toks[k];
  }
  text(s: number): string {
    return this.at(s)?.text ?? '';
  }
  get length(): number {
    return this.sig.length;
  }
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Index (significant) of the bracket closing the one at `s` ((), [] or {}); -1 when unbalanced. */
export function matchForward(v: TokenView, s: number): number {
  const stack: string[] = [];
  for (let k = s; k < v.length; k++) {
    const t = v.text(k);
    if (OPEN[t]) stack.push(OPEN[t]!);
    else if (CLOSE[t]) {
      if (stack.pop() !== t) return -1;
      if (stack.length === 0) return k;
    }
  }
  return -1;
}

/** Index of the bracket opening the one at `s` (going backwards); -1 when unbalanced. */
export function matchBackward(v: TokenView, s: number): number {
  const stack: string[] = [];
  for (let k = s; k >= 0; k--) {
    const t = v.text(k);
    if (CLOSE[t]) stack.push(CLOSE[t]!);
    else if (OPEN[t]) {
      if (stack.pop() !== t) return -1;
      if (stack.length === 0) return k;
    }
  }
  return -1;
}

/** How many template argument lists a token closes: `>` 1, `>>` 2, `>>>` 3. */
export function angleCloses(t: string): number {
  return t === '>' ? 1 : t === '>>' ? 2 : t === '>>>' ? 3 : 0;
}

/**
 * From `<` at `s`, the index of the token that closes this template argument list (one of `>`,
 * `>>`, `>>>`, possibly closing outer lists too), skipping bracketed groups; -1 at a `;`, an
 * unmatched closer or the end.
 */
export function matchAngleForward(v: TokenView, s: number): number {
  let depth = 0;
  for (let k = s; k < v.length; k++) {
    const t = v.text(k);
    if (t === '<') depth++;
    else if (angleCloses(t)) {
      depth -= angleCloses(t);
      if (depth <= 0) return k;
    } else if (OPEN[t]) {
      const e = matchForward(v, k);
      if (e < 0) return -1;
      k = e;
    } else if (t === ';' || CLOSE[t]) return -1;
  }
  return -1;
}

/** From a closing `>`/`>>`/`>>>` at `s`, the `<` that opens the innermost list it closes; -1 if none. */
export function matchAngleBackward(v: TokenView, s: number): number {
  let depth = 0;
  for (let k = s; k >= 0; k--) {
    const t = v.text(k);
    if (angleCloses(t)) depth += angleCloses(t);
    else if (t === '<') {
      depth--;
      if (depth === 0) return k;
    } else if (t === '<<') {
      depth -= 2;
      if (depth <= 0) return k;
    } else if (CLOSE[t]) {
      const b = matchBackward(v, k);
      if (b < 0) return -1;
      k = b;
    } else if (t === ';' || OPEN[t]) return -1;
  }
  return -1;
}
