/**
 * nvcc compiles a .cu file twice: a host pass (`__CUDA_ARCH__` undefined) and a device pass
 * (`__CUDA_ARCH__` = the target). The emulator compiles one program, so the translation merges
 * the two preprocessings by declaration:
 * - a kernel or `__device__` function takes its device-pass body, a host function its host-pass
 *   body (as the pass that would compile each on nvcc);
 * - a `__host__ __device__` function whose bodies differ keeps both, chosen at run time by where
 *   it runs (`::wpemu::on_device()`: inside an emulated CUDA thread or not);
 * - a declaration present in one pass only (a helper under `#if __CUDA_ARCH__`) is kept;
 *   a namespace-scope object defined differently by the two passes keeps the host pass's.
 * The result keeps every token's file and line (line markers before each piece taken from the
 * other pass).
 */
import { diff } from './diff.js';
import { TokenView, tokenize, type Token } from './lexer.js';
import { parseItems, type Item } from './structure.js';

export const MARKERS = {
  global: '__wpemu_global__',
  device: '__wpemu_device__',
  host: '__wpemu_host__',
  shared: '__wpemu_shared__',
} as const;
const MARKER_SET = new Set<string>([MARKERS.global, MARKERS.device, MARKERS.host]);

interface Pass {
  text: string;
  toks: Token[];
  v: TokenView;
  /** for each token index: [file, line, system header] of its line */
  where: Where[];
}
interface Where {
  file: string;
  line: number;
  system: boolean;
}

/** A flattened declaration: its key (what must match across passes) and its token span. */
interface Entry {
  key: string;
  item: Item | null; // null: the closing part of a scope
  from: number; // token index (in Pass.toks), inclusive
  to: number; // exclusive
  /** a scope's opening entry: the index of its closing entry */
  closeIndex?: number;
}

function load(text: string): Pass {
  const toks = tokenize(text);
  const where: Where[] = new Array(toks.length);
  let file = '';
  let line = 1;
  let system = false;
  toks.forEach((t, k) => {
    where[k] = { file, line, system };
    if (t.kind === 'pp') {
      const m = /^#\s*(?:line\s+)?(\d+)\s+"((?:[^"\\]|\\.)*)"([\d\s]*)$/.exec(t.text);
      if (m) {
        line = Number(m[1]) - 1; // the newline after the marker starts line m[1]
        file = m[2]!;
        system = /\b3\b/.test(m[3] ?? '');
      }
    } else if (t.kind === 'nl') line++;
  });
  return { text, toks, v: new TokenView(toks), where };
}

const textOf = (p: Pass, from: number, to: number): string => p.toks.slice(from, to).map((t) => t.text).join('');

/** Significant tokens of [s, e] joined by single spaces, markers left out when `noMarkers`. */
function keyText(p: Pass, s: number, e: number, noMarkers: boolean): string {
  const parts: string[] = [];
  for (let k = s; k <= e; k++) {
    const t = p.v.text(k);
    if (noMarkers && MARKER_SET.has(t)) continue;
    parts.push(t);
  }
  return parts.join(' ');
}

function flatten(p: Pass, items: Item[], out: Entry[], spanStart: number): number {
  // Each entry's span runs from where the previous one ended (trivia before a declaration goes with it).
  let from = spanStart;
  for (const it of items) {
    if (it.kind === 'scope') {
      const openTo = p.v.sig[it.open]! + 1;
      const open: Entry = { key: `open ${keyText(p, it.start, it.open, false)}`, item: it, from, to: openTo };
      out.push(open);
      const innerEnd = flatten(p, it.items, out, openTo);
      const to = p.v.sig[it.end]! + 1;
      open.closeIndex = out.length;
      out.push({ key: `close ${keyText(p, it.close, it.end, false)}`, item: null, from: innerEnd, to });
      from = to;
    } else {
      const to = p.v.sig[it.end]! + 1;
      const key = it.kind === 'func' ? `func ${keyText(p, it.start, it.open - 1, true)}` : `decl ${keyText(p, it.start, it.end, false)}`;
      out.push({ key, item: it, from, to });
      from = to;
    }
  }
  return from;
}

function markersIn(p: Pass, s: number, e: number): Set<string> {
  const found = new Set<string>();
  for (let k = s; k <= e; k++) if (MARKER_SET.has(p.v.text(k))) found.add(p.v.text(k));
  return found;
}

/** A line marker that puts the next line at `w`. */
function marker(w: Where): string {
  return `\n# ${w.line} ${JSON.stringify(w.file)}${w.system ? ' 3' : ''}\n`;
}

/** Text of tokens [from, to) of `p`, starting on a fresh line placed where its first token is. */
function placed(p: Pass, from: number, to: number): string {
  // Start at the first token that is not a newline, so the marker's line is that token's.
  let k = from;
  while (k < to && (p.toks[k]!.kind === 'nl' || p.toks[k]!.kind === 'ws')) k++;
  if (k >= to) return textOf(p, from, to);
  return marker(p.where[k]!) + columnPad(p, k) + textOf(p, k, to);
}

/** Spaces that put token k at its own column (cosmetic: diagnostics point at the right place). */
function columnPad(p: Pass, k: number): string {
  const pos = p.toks[k]!.pos;
  const lineStart = p.text.lastIndexOf('\n', pos - 1) + 1;
  return ' '.repeat(Math.max(0, pos - lineStart));
}

/** Merges the host and device preprocessings of one translation unit (see the file comment). */
export function mergePasses(hostText: string, deviceText: string): string {
  if (hostText === deviceText) return hostText;
  const host = load(hostText);
  const device = load(deviceText);
  const sameTokens =
    host.v.length === device.v.length && host.v.sig.every((k, s) => host.toks[k]!.text === device.v.text(s));
  if (sameTokens) return hostText; // only line markers or spacing differ
  const he: Entry[] = [];
  const de: Entry[] = [];
  const hEnd = flatten(host, parseItems(host.v, 0, host.v.length), he, 0);
  const dEnd = flatten(device, parseItems(device.v, 0, device.v.length), de, 0);
  const ids = new Map<string, number>();
  const id = (k: string): number => {
    let v = ids.get(k);
    if (v === undefined) ids.set(k, (v = ids.size));
    return v;
  };
  const edits = diff(
    he.map((e) => id(e.key)),
    de.map((e) => id(e.key)),
  );
  // A declaration only the device pass has at this place, but the host pass has elsewhere, moved:
  // a header whose first inclusion is under `#if __CUDA_ARCH__` in one pass. It is kept once,
  // where the host pass has it; a namespace reopened around it stays (empty, harmless).
  const hostKeys = new Set(he.map((e) => e.key));
  const reopenable = (key: string): boolean => /^open (?:inline )?namespace\b|^open extern\b|^close\b/.test(key);
  let skipThrough = -1; // device entries up to this index belong to a class the host pass has
  let out = '';
  let continuous = true; // the output so far ends where the next host entry starts
  for (const e of edits) {
    if (e.op === 'ins') {
      if (e.b <= skipThrough) continue;
      const d = de[e.b]!;
      if (hostKeys.has(d.key) && !reopenable(d.key)) {
        if (d.closeIndex !== undefined) skipThrough = d.closeIndex;
        continue;
      }
    }
    if (e.op === 'same') {
      const h = he[e.a]!;
      const d = de[e.b]!;
      const piece = mergedEntry(host, h, device, d);
      out += continuous && piece.fromHost ? piece.text : placedPiece(piece, host, h);
      continuous = piece.fromHost;
    } else if (e.op === 'del') {
      const h = he[e.a]!;
      out += continuous ? textOf(host, h.from, h.to) : placed(host, h.from, h.to);
      continuous = true;
    } else {
      const d = de[e.b]!;
      out += placed(device, d.from, d.to);
      continuous = false;
    }
  }
  const tail = continuous ? textOf(host, hEnd, host.toks.length) : placed(host, hEnd, host.toks.length);
  void dEnd;
  // Pieces of two preprocessings no longer nest their includes: line markers keep their file,
  // line and system-header flag, without the enter/leave flags that would contradict each other.
  return (out + tail + '\n').replace(/^([ \t]*#[ \t]*\d+[ \t]+"(?:[^"\\\n]|\\.)*")((?:[ \t]+\d)*)[ \t]*$/gm, (_m, head: string, flags: string) =>
    head + flags.split(/[ \t]+/).filter((f) => f === '3' || f === '4').map((f) => ` ${f}`).join(''),
  );
}

interface Piece {
  text: string;
  fromHost: boolean;
}

function placedPiece(piece: Piece, host: Pass, h: Entry): string {
  return piece.fromHost ? placed(host, h.from, h.to) : piece.text;
}

/** One declaration both passes have: pick or combine their bodies. */
function mergedEntry(host: Pass, h: Entry, device: Pass, d: Entry): Piece {
  const hi = h.item;
  const di = d.item;
  if (!hi || !di || hi.kind !== 'func' || di.kind !== 'func') return { text: textOf(host, h.from, h.to), fromHost: true };
  const hb = keyText(host, hi.open, hi.close, false);
  const db = keyText(device, di.open, di.close, false);
  if (hb === db) return { text: textOf(host, h.from, h.to), fromHost: true };
  const marks = new Set([...markersIn(host, hi.start, hi.open - 1), ...markersIn(device, di.start, di.open - 1)]);
  const isDevice = marks.has(MARKERS.global) || marks.has(MARKERS.device);
  const isHost = marks.has(MARKERS.host) || !isDevice;
  if (!isDevice) return { text: textOf(host, h.from, h.to), fromHost: true };
  // The head (with both passes' markers) from the host pass, then the chosen body or bodies.
  const headMarks = [...marks].filter((m) => !markersIn(host, hi.start, hi.open - 1).has(m)).join(' ');
  const headTo = host.v.sig[hi.open]!;
  const head = placed(host, h.from, headTo) + (headMarks ? ` ${headMarks} ` : '');
  const devBody = placed(device, device.v.sig[di.open]!, device.v.sig[di.close]! + 1);
  if (!isHost) return { text: head + devBody, fromHost: false };
  const hostBody = placed(host, host.v.sig[hi.open]!, host.v.sig[hi.close]! + 1);
  // A constexpr function evaluated at compile time takes the host pass's body (no emulated thread then).
  const constexprHead = /\bconstexpr\b|\bconsteval\b/.test(keyText(host, hi.start, hi.open - 1, true));
  const onDevice = constexprHead ? '!__builtin_is_constant_evaluated() && ::wpemu::on_device()' : '::wpemu::on_device()';
  return { text: `${head}{ if (${onDevice}) ${devBody} else ${hostBody} }`, fromHost: false };
}
