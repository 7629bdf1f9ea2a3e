/**
 * Source lines of findings: the check addon names each access by its instruction's offset in the
 * module that holds the instrumented kernels; the DWARF line table (addr2line, from binutils,
 * which g++ needs anyway) turns it into file:line. An access inlined from an emulator or system
 * header (an atomic inside cuda::atomic_ref) is named by the kernel line that called it.
 */
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';

export interface SourceSite {
  /** repository-relative where possible */
  file: string;
  line: number;
  function: string;
}

/** Frames from these files are the emulator's or the compiler's, not the kernel's. */
function isMachinery(file: string): boolean {
  return /(^|\/)kernels\/emu\/include\//.test(file) || file.startsWith('/usr/') || file === '??';
}

function tidy(file: string, root: string): string {
  if (!file.startsWith('/')) return file;
  const rel = relative(root, file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * Parses `addr2line -a -f -C -i` output: per address a line `0x...`, then (function, file:line)
 * pairs from the innermost inlined frame outwards.
 */
export function parseAddr2line(text: string, root: string): Map<number, SourceSite> {
  const out = new Map<number, SourceSite>();
  const lines = text.split('\n');
  let addr: number | undefined;
  let frames: SourceSite[] = [];
  const flush = () => {
    if (addr === undefined) return;
    const pick = frames.find((f) => !isMachinery(f.file)) ?? frames[0];
    if (pick && pick.file !== '??') out.set(addr, pick);
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^0x[0-9a-f]+$/i.test(l)) {
      flush();
      addr = parseInt(l, 16);
      frames = [];
      continue;
    }
    if (addr === undefined || l === '') continue;
    const where = lines[i + 1] ?? '';
    const m = /^(.*):(\d+|\?)(?: \(discriminator \d+\))?$/.exec(where);
    if (m) {
      frames.push({ file: tidy(m[1]!, root), line: m[2] === '?' ? 0 : Number(m[2]), function: l });
      i++;
    }
  }
  flush();
  return out;
}

/** file:line (and function) of each offset in `module`; offsets addr2line cannot place are left out. */
export function resolveSites(module: string, pcs: readonly number[], root = process.cwd()): Map<number, SourceSite> {
  const wanted = [...new Set(pcs.filter((p) => p > 0))];
  if (!module || wanted.length === 0) return new Map();
  // The pc is the hook's return address: the instruction after the call, so back one byte.
  const text = execFileSync('addr2line', ['-e', module, '-a', '-f', '-C', '-i', ...wanted.map((p) => '0x' + (p - 1).toString(16))], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const byAddr = parseAddr2line(text, root);
  return new Map(wanted.flatMap((p) => {
    const s = byAddr.get(p - 1);
    return s ? [[p, s] as const] : [];
  }));
}

export interface SharedVariable {
  /** offset in the module's thread-local block, where the emulator keeps `__shared__` variables */
  start: number;
  size: number;
  /** "mem_opt_body<true>::piece": the variable, in the function that declares it */
  name: string;
}

/**
 * Drops parameter lists, the translation's kernel-body lambda and writeprof's namespaces:
 * "wp::gpu::(anonymous namespace)::f<true>(A const&)::x" -> "f<true>::x".
 */
export function shortVariable(name: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '(' && !name.startsWith('(anonymous namespace)', i)) depth++;
    if (depth === 0) out += ch;
    if (ch === ')' && depth > 0) depth--;
  }
  // A kernel's body is a lambda in its translation (src/emu/rewrite.ts): its variables are the kernel's.
  return out.replace(/\(anonymous namespace\)::/g, '').replace(/::\{lambda#\d+\}::operator(?=::)/g, '').replace(/^(wp::gpu::|wp::)/, '');
}

/** The thread-local (`__shared__`) variables of `module`, from its symbol table (readelf, binutils). */
export function sharedVariables(module: string): SharedVariable[] {
  if (!module) return [];
  const text = execFileSync('readelf', ['-sW', '-C', module], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const out: SharedVariable[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+TLS\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (!m || m[3]!.startsWith('wpemu::') || Number(m[2]) === 0) continue;
    out.push({ start: parseInt(m[1]!, 16), size: Number(m[2]), name: shortVariable(m[3]!) });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The variable holding `offset` of the thread-local block, and the offset inside it. */
export function sharedVariableAt(vars: readonly SharedVariable[], offset: number): { name: string; offset: number } | undefined {
  const v = vars.find((x) => offset >= x.start && offset < x.start + x.size);
  return v ? { name: v.name, offset: offset - v.start } : undefined;
}
