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
