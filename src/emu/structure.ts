/**
 * The declaration-level shape of a translation unit: namespace and class scopes, function
 * definitions (head and body) and other declarations, found on significant tokens. Enough for the
 * translation to find kernels, tell function scope from namespace scope, and line up the host and
 * device preprocessings of one file; it is not a C++ parser, and a construct it misreads falls
 * back to an opaque declaration, never a lost token.
 */
import { matchAngleForward, matchForward, type TokenView } from './lexer.js';

export type Item =
  | { kind: 'decl'; start: number; end: number }
  /** head [start, open), body [open, close] */
  | { kind: 'func'; start: number; open: number; close: number; end: number }
  /** a namespace, extern "C" block or class: head [start, open], members, then [close, end] */
  | { kind: 'scope'; start: number; open: number; close: number; end: number; items: Item[] };

const CLASS_KEYS = new Set(['struct', 'class', 'union']);
const ACCESS = new Set(['public', 'private', 'protected']);
// Attribute-like words followed by a parenthesized group (CUDA's too, for unpreprocessed input).
const ATTRIBUTES = new Set(['__attribute__', '__attribute', 'alignas', '__declspec', '__launch_bounds__', '__maxnreg__', '__cluster_dims__']);

/** Index just past an attribute group at `s` (`__attribute__((..))`, `alignas(..)`, `__declspec(..)`, `[[..]]`), or `s`. */
export function skipAttribute(v: TokenView, s: number): number {
  const t = v.text(s);
  if (ATTRIBUTES.has(t) && v.text(s + 1) === '(') {
    const e = matchForward(v, s + 1);
    return e < 0 ? s : e + 1;
  }
  if (t === '[' && v.text(s + 1) === '[') {
    const e = matchForward(v, s);
    return e < 0 ? s : e + 1;
  }
  return s;
}

/** Index just past a leading `template <...>` (repeated), attributes included; or `s`. */
export function skipTemplateHeads(v: TokenView, s: number): number {
  for (;;) {
    const a = skipAttribute(v, s);
    if (a !== s) {
      s = a;
      continue;
    }
    if (v.text(s) === 'template' && v.text(s + 1) === '<') {
      const e = matchAngleForward(v, s + 1);
      if (e < 0) return s;
      s = e + 1;
      continue;
    }
    return s;
  }
}

/** Segments [from, to) at declaration level. */
export function parseItems(v: TokenView, from: number, to: number): Item[] {
  const items: Item[] = [];
  let s = from;
  while (s < to) {
    const item = parseItem(v, s, to);
    items.push(item);
    s = item.end + 1;
  }
  return items;
}

function parseItem(v: TokenView, start: number, to: number): Item {
  const first = v.text(start);
  if (first === ';') return { kind: 'decl', start, end: start };
  // `public:` and friends in a class
  if (ACCESS.has(first) && v.text(start + 1) === ':') return { kind: 'decl', start, end: start + 1 };
  const h = skipTemplateHeads(v, start);
  const lead = v.text(h);
  if (lead === 'namespace' || (lead === 'inline' && v.text(h + 1) === 'namespace') || (lead === 'extern' && v.at(h + 1)?.kind === 'str' && v.text(h + 2) === '{')) {
    const open = findTopLevel(v, h, to, (t) => t === '{' || t === ';' || t === '=');
    if (open >= 0 && v.text(open) === '{') return scope(v, start, open, to, false);
  }
  let s = h;
  let sawParen = false;
  // A class (or enum) head until a top-level `(` shows a declaration of something else
  // (`struct S* f() {`); after its base clause's `:` it stays a class head.
  let classHead = CLASS_KEYS.has(lead) || lead === 'enum';
  let baseClause = false;
  while (s < to) {
    const a = skipAttribute(v, s);
    if (a !== s) {
      s = a;
      continue;
    }
    const t = v.text(s);
    if (t === ';') return { kind: 'decl', start, end: s };
    if (t === 'operator') {
      // operator(), operator=, operator< ...: the name, never structure
      s += v.text(s + 1) === '(' && v.text(s + 2) === ')' ? 3 : 2;
      continue;
    }
    if (t === '<' && isTemplateName(v, s)) {
      const e = matchAngleForward(v, s);
      if (e > 0) {
        s = e + 1;
        continue;
      }
    }
    if (t === '(' || t === '[') {
      if (t === '(' && !baseClause) {
        sawParen = true;
        classHead = false;
      }
      const e = matchForward(v, s);
      if (e < 0) return { kind: 'decl', start, end: to - 1 };
      s = e + 1;
      if (sawParen && !classHead) return afterDeclarator(v, start, s, to);
      continue;
    }
    if (t === '=') return initializer(v, start, s, to);
    if (t === ':' && classHead) baseClause = true;
    if (t === '{') {
      if (classHead && lead !== 'enum') return scope(v, start, s, to, true);
      const e = matchForward(v, s);
      if (e < 0) return { kind: 'decl', start, end: to - 1 };
      // an enum body or a braced initializer: the declaration goes on to its `;`
      return continueToSemicolon(v, start, e + 1, to);
    }
    if (t === '}') return { kind: 'decl', start, end: s };
    s++;
  }
  return { kind: 'decl', start, end: to - 1 };
}

/** `<` after a name is taken for a template argument list (the translation's inputs are declarations). */
function isTemplateName(v: TokenView, s: number): boolean {
  const prev = v.at(s - 1);
  return prev?.kind === 'id' && prev.text !== 'operator';
}

/** After a declarator's parameter list: a function body, a ctor initializer list, `= ...` or `;`. */
function afterDeclarator(v: TokenView, start: number, s: number, to: number): Item {
  while (s < to) {
    const a = skipAttribute(v, s);
    if (a !== s) {
      s = a;
      continue;
    }
    const t = v.text(s);
    if (t === ';') return { kind: 'decl', start, end: s };
    if (t === '=') return initializer(v, start, s, to);
    if (t === '{') {
      const e = matchForward(v, s);
      if (e < 0) return { kind: 'decl', start, end: to - 1 };
      return { kind: 'func', start, open: s, close: e, end: e };
    }
    if (t === ':') {
      // constructor initializers: name(...) or name{...}, comma separated, then the body
      s++;
      while (s < to) {
        const u = v.text(s);
        if (u === '(' || u === '{') {
          const e = matchForward(v, s);
          if (e < 0) return { kind: 'decl', start, end: to - 1 };
          s = e + 1;
          if (v.text(s) === ',') {
            s++;
            continue;
          }
          if (v.text(s) === '...') s++;
          if (v.text(s) === '{') {
            const b = matchForward(v, s);
            if (b < 0) return { kind: 'decl', start, end: to - 1 };
            return { kind: 'func', start, open: s, close: b, end: b };
          }
          continue;
        }
        if (u === '<' && isTemplateName(v, s)) {
          const e = matchAngleForward(v, s);
          s = e > 0 ? e + 1 : s + 1;
          continue;
        }
        if (u === ';') return { kind: 'decl', start, end: s };
        s++;
      }
      return { kind: 'decl', start, end: to - 1 };
    }
    if (t === '(' || t === '[') {
      const e = matchForward(v, s);
      if (e < 0) return { kind: 'decl', start, end: to - 1 };
      s = e + 1;
      continue;
    }
    if (t === '}') return { kind: 'decl', start, end: s };
    if (t === ',') return continueToSemicolon(v, start, s, to); // int a(1), b(2);
    s++;
  }
  return { kind: 'decl', start, end: to - 1 };
}

function initializer(v: TokenView, start: number, s: number, to: number): Item {
  return continueToSemicolon(v, start, s, to);
}

/** A declaration that ends at the next top-level `;`, skipping bracketed groups. */
function continueToSemicolon(v: TokenView, start: number, s: number, to: number): Item {
  while (s < to) {
    const t = v.text(s);
    if (t === ';') return { kind: 'decl', start, end: s };
    if (t === '(' || t === '[' || t === '{') {
      const e = matchForward(v, s);
      if (e < 0) return { kind: 'decl', start, end: to - 1 };
      s = e + 1;
      continue;
    }
    if (t === '}') return { kind: 'decl', start, end: s - 1 < start ? s : s - 1 };
    s++;
  }
  return { kind: 'decl', start, end: to - 1 };
}

function scope(v: TokenView, start: number, open: number, to: number, isClass: boolean): Item {
  const close = matchForward(v, open);
  if (close < 0) return { kind: 'decl', start, end: to - 1 };
  const items = parseItems(v, open + 1, close);
  let end = close;
  if (isClass) {
    // `} name;` or `};`: the declarators after a class body belong to it
    const semi = findTopLevel(v, close + 1, to, (t) => t === ';');
    if (semi >= 0) end = semi;
  }
  return { kind: 'scope', start, open, close, end, items };
}

function findTopLevel(v: TokenView, s: number, to: number, want: (t: string) => boolean): number {
  while (s < to) {
    const t = v.text(s);
    if (want(t)) return s;
    if (t === '(' || t === '[') {
      const e = matchForward(v, s);
      if (e < 0) return -1;
      s = e + 1;
      continue;
    }
    if (t === '{' || t === '}') return -1;
    s++;
  }
  return -1;
}

/** Calls `visit` for every function definition, at any depth of scopes. */
export function forEachFunction(items: Item[], visit: (f: Extract<Item, { kind: 'func' }>) => void): void {
  for (const it of items) {
    if (it.kind === 'func') visit(it);
    else if (it.kind === 'scope') forEachFunction(it.items, visit);
  }
}
