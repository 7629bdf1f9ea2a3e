/**
 * The rewrites that make CUDA source ordinary C++ for the emulator, on one (merged) preprocessed
 * translation unit. Each keeps the line of every token it does not replace.
 *
 * - A launch `callee<<<grid, block[, shared[, stream]]>>>(args)` becomes
 *   `(::wpemu::push_launch(grid, block, ...) ? (void)0 : callee(args))`, nvcc's own lowering: the
 *   call is a real call of the kernel (overloads, template argument deduction, default arguments,
 *   `0`/`NULL` for a pointer), and the kernel takes the pushed configuration.
 * - A kernel definition `__global__ void k(params) { body }` becomes
 *   `void k(params) { ::wpemu::kernel_entry<(void (*)(params))&k<targs>>("k", [=]() mutable { body }); }`:
 *   called from the host it copies its parameters into the closure (the launch's parameter
 *   buffer) and enqueues the launch; every emulated thread runs its own copy of the closure. The
 *   function's address registers it for `cudaLaunchKernel`.
 * - `extern __shared__ T name[];` becomes a pointer to the block's dynamic shared memory (in a
 *   function) or an object that converts to one (at namespace scope); `__shared__` becomes the
 *   block's storage (`static thread_local`: a block's threads all run on one OS thread).
 * - The `__global__`/`__device__`/`__host__` markers the preprocessing left in are dropped;
 *   CUDA's `__noinline__` specifier becomes GCC's attribute.
 */
import { MARKERS } from './merge.js';
import { TokenView, angleCloses, matchAngleBackward, matchAngleForward, matchBackward, matchForward, tokenize, type Token } from './lexer.js';
import { forEachFunction, parseItems, skipAttribute, skipTemplateHeads, type Item } from './structure.js';

/** What `__shared__` is on the emulator: storage of the OS thread that runs the block. */
export const SHARED_STORAGE = 'static thread_local';

export class TranslateError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'TranslateError';
  }
}

interface Edits {
  before: Map<number, string[]>; // token index -> text inserted before it
  after: Map<number, string[]>;
  replace: Map<number, { to: number; text: string }>; // [from, to] token indices
}

const add = (m: Map<number, string[]>, k: number, s: string): void => {
  const l = m.get(k);
  if (l) l.push(s);
  else m.set(k, [s]);
};

export function rewrite(text: string): string {
  const toks = tokenize(text);
  const v = new TokenView(toks);
  const items = parseItems(v, 0, v.length);
  const edits: Edits = { before: new Map(), after: new Map(), replace: new Map() };
  const bodies: [number, number][] = []; // significant ranges of function bodies
  forEachFunction(items, (f) => {
    bodies.push([f.open, f.close]);
    if (hasMarker(v, f.start, f.open - 1, MARKERS.global)) kernel(v, f, edits);
  });
  bodies.sort((a, b) => a[0] - b[0]);
  const inFunction = (s: number): boolean => {
    // bodies nest only through local classes; any enclosing range counts
    for (const [o, c] of bodies) {
      if (o > s) break;
      if (s < c) return true;
    }
    return false;
  };
  for (let s = 0; s < v.length; s++) {
    const t = v.text(s);
    if (t === '<<<') launch(v, s, edits, () => where(toks, v.sig[s]!));
    else if (t === MARKERS.shared) {
      // `extern __shared__ T s[]`, `extern T __shared__ s[]`, ...: extern anywhere in the declaration
      const start = declarationStart(v, s);
      let ext = false;
      for (let k = start; k < v.length && v.text(k) !== ';' && v.text(k) !== '{'; k++) ext ||= v.text(k) === 'extern';
      if (ext) s = externShared(v, start, inFunction(s), edits, toks);
      else replaceTok(v, edits, s, v.text(s - 1) === 'static' ? 'thread_local' : SHARED_STORAGE);
    } else if (t === MARKERS.global || t === MARKERS.device || t === MARKERS.host) replaceTok(v, edits, s, '');
    // CUDA's __noinline__ specifier; inside __attribute__((...)) it is GCC's own attribute name.
    else if (t === '__noinline__' && v.text(s - 1) !== '(' && v.text(s - 1) !== ',') replaceTok(v, edits, s, '__attribute__((noinline))');
  }
  return apply(toks, edits);
}

function hasMarker(v: TokenView, s: number, e: number, m: string): boolean {
  for (let k = s; k <= e; k++) if (v.text(k) === m) return true;
  return false;
}

function replaceTok(v: TokenView, e: Edits, s: number, text: string): void {
  e.replace.set(v.sig[s]!, { to: v.sig[s]!, text });
}

/** File and line of token k, from the line markers before it. */
function where(toks: Token[], k: number): { file: string; line: number } {
  let line = 0;
  for (let j = k - 1; j >= 0; j--) {
    const t = toks[j]!;
    if (t.kind === 'nl') line++;
    else if (t.kind === 'pp') {
      const m = /^#\s*(?:line\s+)?(\d+)\s+"((?:[^"\\]|\\.)*)"/.exec(t.text);
      if (m) return { file: m[2]!, line: Number(m[1]) + line - 1 };
    }
  }
  return { file: '<input>', line: line + 1 };
}

// ---- kernels ----

function kernel(v: TokenView, f: Extract<Item, { kind: 'func' }>, edits: Edits): void {
  const heads = templateHeads(v, f.start);
  const after = skipTemplateHeads(v, f.start);
  // The declarator: the first top-level `(` after the name (attributes and template-ids skipped).
  let s = after;
  let paren = -1;
  while (s < f.open) {
    const a = skipAttribute(v, s);
    if (a !== s) {
      s = a;
      continue;
    }
    const t = v.text(s);
    if (t === '(') {
      paren = s;
      break;
    }
    if (t === '<' && v.at(s - 1)?.kind === 'id') {
      // a template-id: its argument list ends before the body, or this is no declarator
      const e = matchAngleForward(v, s);
      if (e < 0 || e >= f.open) return;
      s = e;
    }
    s++;
  }
  if (paren < 0) return;
  const close = matchForward(v, paren);
  // Name: back from `(` over a template-id and qualifiers.
  let n = paren - 1;
  let explicitArgs = false;
  if (angleCloses(v.text(n))) {
    const lt = matchAngleBackward(v, n);
    if (lt > 0) {
      explicitArgs = true;
      n = lt - 1;
    }
  }
  let nameStart = n;
  while (v.text(nameStart - 1) === '::' && v.at(nameStart - 2)?.kind === 'id') nameStart -= 2;
  if (v.text(nameStart - 1) === '::') nameStart -= 1;
  const qualified = sigText(v, nameStart, paren - 1);
  const simple = v.text(n);
  const params = splitTopLevel(v, paren + 1, close - 1).map((p) => withoutDefault(v, p));
  const ftype = `void (*)(${params.map(([a, b]) => sigText(v, a, b)).join(', ')})`;
  const last = heads[heads.length - 1];
  let self = qualified;
  if (last && !explicitArgs && last[1] > last[0]) {
    const names = templateParamNames(v, last[0], last[1], edits);
    self = `${qualified}<${names.join(', ')}>`;
  }
  const open = v.sig[f.open]!;
  const closeTok = v.sig[f.close]!;
  add(edits.before, open, `{ ::wpemu::kernel_entry<static_cast<${ftype}>(&${self})>(${JSON.stringify(simple)}, [=]() mutable `);
  add(edits.after, closeTok, '); }');
}

/** Ranges (exclusive of the angle brackets) of the `template <...>` heads at `s`. */
function templateHeads(v: TokenView, s: number): [number, number][] {
  const out: [number, number][] = [];
  for (;;) {
    const a = skipAttribute(v, s);
    if (a !== s) {
      s = a;
      continue;
    }
    if (v.text(s) !== 'template' || v.text(s + 1) !== '<') return out;
    // where skipTemplateHeads stops, this stops too
    const k = matchAngleForward(v, s + 1);
    if (k < 0) return out;
    out.push([s + 2, k]); // params are [s+2, k)
    s = k + 1;
  }
}

/**
 * Walks [from, to] at top level (bracketed groups skipped, template argument lists of names
 * tracked): calls `visit` with each top-level token; stops when it returns true. Returns where it stopped, or -1.
 */
function scanTopLevel(v: TokenView, from: number, to: number, visit: (k: number, t: string) => boolean): number {
  let angle = 0;
  for (let k = from; k <= to; k++) {
    const t = v.text(k);
    if (t === '(' || t === '[' || t === '{') {
      k = matchForward(v, k);
      continue;
    }
    if (t === '<' && v.at(k - 1)?.kind === 'id') angle++;
    else if (angleCloses(t) && angle > 0) angle = Math.max(0, angle - angleCloses(t));
    else if (angle === 0 && visit(k, t)) return k;
  }
  return -1;
}

/** Significant ranges [a, b] of the comma-separated parts of [from, to], at top level. */
function splitTopLevel(v: TokenView, from: number, to: number): [number, number][] {
  const parts: [number, number][] = [];
  if (to < from) return parts;
  let start = from;
  scanTopLevel(v, from, to, (k, t) => {
    if (t === ',') {
      parts.push([start, k - 1]);
      start = k + 1;
    }
    return false;
  });
  parts.push([start, to]);
  return parts.filter(([a, b]) => b >= a && !(a === b && v.text(a) === 'void'));
}

/** A parameter without its default argument (from its top-level `=`). */
function withoutDefault(v: TokenView, [a, b]: [number, number]): [number, number] {
  const eq = scanTopLevel(v, a, b, (_k, t) => t === '=');
  return eq < 0 ? [a, b] : [a, eq - 1];
}

const TYPE_WORDS = new Set([
  'typename', 'class', 'struct', 'int', 'unsigned', 'signed', 'long', 'short', 'char', 'bool', 'float', 'double',
  'auto', 'const', 'volatile', 'size_t', 'void', 'wchar_t', 'char8_t', 'char16_t', 'char32_t',
]);

/** Names of a template's parameters, packs expanded (`Ts...`); unnamed ones get a name. */
function templateParamNames(v: TokenView, from: number, to: number, edits: Edits): string[] {
  return splitTopLevel(v, from, to - 1).map((p, i) => {
    const [a, b] = withoutDefault(v, p);
    let pack = false;
    for (let k = a; k <= b; k++) if (v.text(k) === '...') pack = true;
    const last = v.at(b);
    const named = b > a && last?.kind === 'id' && !TYPE_WORDS.has(last.text) && v.text(b - 1) !== '::';
    let name = last?.text ?? '';
    if (!named) {
      name = `__wpemu_tparam${i}`;
      add(edits.after, v.sig[b]!, ` ${name}`);
    }
    return pack ? `${name}...` : name;
  });
}

/** Significant tokens [a, b] as source text: a space between two words or two punctuators only. */
function sigText(v: TokenView, a: number, b: number): string {
  let out = '';
  let prevWord: boolean | null = null;
  for (let k = a; k <= b; k++) {
    const t = v.at(k)!;
    if (t.text === MARKERS.global || t.text === MARKERS.device || t.text === MARKERS.host) continue;
    const word = t.kind !== 'punct';
    if (prevWord !== null && word === prevWord) out += ' ';
    out += t.text;
    prevWord = word;
  }
  return out;
}

// ---- launches ----

function launch(v: TokenView, s: number, edits: Edits, site: () => { file: string; line: number }): void {
  const fail = (why: string): never => {
    const at = site();
    throw new TranslateError(`${at.file}:${at.line}: cannot read this kernel launch: ${why}`, at.file, at.line);
  };
  const start = calleeStart(v, s - 1);
  if (start < 0 || start >= s) fail('no kernel name before <<<');
  const end = configEnd(v, s);
  if (end < 0) fail('no >>>( closing the launch configuration');
  const argsClose = matchForward(v, end + 1);
  if (argsClose < 0) fail('unbalanced parentheses in the launch arguments');
  // The configuration moves before the callee (on one line); its newlines stay where it was.
  let cfg = '';
  let newlines = '';
  for (let k = v.sig[s]! + 1; k < v.sig[end]!; k++) {
    const t = v.toks[k]!;
    if (t.kind === 'nl') newlines += '\n';
    else if (t.kind === 'ws' || t.kind === 'pp') cfg += ' ';
    else cfg += t.text;
  }
  add(edits.before, v.sig[start]!, `(::wpemu::push_launch(${cfg.trim()}) ? (void)0 : `);
  edits.replace.set(v.sig[s]!, { to: v.sig[end]!, text: newlines });
  add(edits.after, v.sig[argsClose]!, ')');
}

/** The first token of the callee expression ending at `k` (a name, qualified, with template arguments, or parenthesized). */
function calleeStart(v: TokenView, k: number): number {
  const t = v.text(k);
  if (t === ')') return matchBackward(v, k);
  if (angleCloses(t)) {
    const lt = matchAngleBackward(v, k);
    if (lt < 0) return -1;
    k = lt - 1;
  }
  if (v.at(k)?.kind !== 'id') return -1;
  for (;;) {
    const q = v.text(k - 1);
    if (q === '::') {
      let p = k - 2;
      if (v.text(p) === 'template') p--;
      if (angleCloses(v.text(p))) {
        const lt = matchAngleBackward(v, p);
        if (lt < 0) return k - 1;
        p = lt - 1;
      }
      if (v.at(p)?.kind === 'id') {
        k = p;
        continue;
      }
      return k - 1; // leading ::
    }
    if (q === 'template' && v.text(k - 2) === '::') {
      k -= 1;
      continue;
    }
    return k;
  }
}

/**
 * The `>>>` that ends the configuration opened at `s`: at top level and followed by `(`. When
 * several qualify (`>>>` also closes three template argument lists), the first where the
 * configuration's template brackets balance.
 */
function configEnd(v: TokenView, s: number): number {
  const candidates: number[] = [];
  for (let k = s + 1; k < v.length; k++) {
    const t = v.text(k);
    if (t === '(' || t === '[' || t === '{') {
      const e = matchForward(v, k);
      if (e < 0) break;
      k = e;
      continue;
    }
    if (t === ';' || t === '<<<' || t === ')' || t === ']' || t === '}') break;
    if (t === '>>>' && v.text(k + 1) === '(') candidates.push(k);
  }
  if (candidates.length <= 1) return candidates[0] ?? -1;
  for (const c of candidates) {
    let angle = 0;
    for (let k = s + 1; k < c; k++) {
      const t = v.text(k);
      if (t === '(' || t === '[' || t === '{') {
        k = matchForward(v, k);
        continue;
      }
      if (t === '<' && v.at(k - 1)?.kind === 'id') angle++;
      else if (angleCloses(t)) angle = Math.max(0, angle - angleCloses(t));
    }
    if (angle === 0) return c;
  }
  return candidates[candidates.length - 1]!;
}

// ---- extern __shared__ ----

/** The first token of the declaration holding token `s` (after the previous `;`, `{`, `}` or label). */
function declarationStart(v: TokenView, s: number): number {
  let k = s;
  while (k > 0) {
    const t = v.text(k - 1);
    if (t === ';' || t === '{' || t === '}' || t === ':' || t === ')') break;
    k--;
  }
  return k;
}

/** Rewrites the declaration starting at significant `s` (`extern __shared__ ...;`); returns its last index. */
function externShared(v: TokenView, s: number, inFunction: boolean, edits: Edits, toks: Token[]): number {
  let semi = s;
  while (semi < v.length && v.text(semi) !== ';') semi++;
  // Declarator: NAME [ ... ] just before the `;`.
  let br = semi - 1;
  if (v.text(br) === ']') br = matchBackward(v, br);
  const name = v.at(br - 1);
  if (br < 0 || !name || name.kind !== 'id') {
    const at = where(toks, v.sig[s]!);
    throw new TranslateError(`${at.file}:${at.line}: cannot read this extern __shared__ declaration (expected \`extern __shared__ T name[];\`)`, at.file, at.line);
  }
  const spec: string[] = [];
  for (let k = s; k < br - 1; k++) {
    const a = skipAttribute(v, k);
    if (a !== k) {
      k = a - 1;
      continue;
    }
    const t = v.text(k);
    if (t === 'extern' || t === MARKERS.shared) continue;
    spec.push(t);
  }
  const type = spec.join(' ');
  let newlines = '';
  for (let k = v.sig[s]!; k <= v.sig[semi]!; k++) if (v.toks[k]!.kind === 'nl') newlines += '\n';
  const decl = inFunction
    ? `${type} *const ${name.text} = static_cast<${type} *>(::wpemu::dynamic_shared());`
    : `static ::wpemu::DynamicSharedArray<${type}> ${name.text};`;
  edits.replace.set(v.sig[s]!, { to: v.sig[semi]!, text: decl + newlines });
  return semi;
}

// ---- applying ----

function apply(toks: Token[], e: Edits): string {
  let out = '';
  for (let k = 0; k < toks.length; k++) {
    const before = e.before.get(k);
    if (before) out += before.join('');
    const r = e.replace.get(k);
    if (r) {
      out += r.text;
      // insertions after the last replaced token still apply
      const after = e.after.get(r.to);
      if (after) out += after.join('');
      k = r.to;
      continue;
    }
    out += toks[k]!.text;
    const after = e.after.get(k);
    if (after) out += after.join('');
  }
  return out;
}
