#!/usr/bin/env node
// ptxas -v output -> the kernels.json that `writeprof kernels` reads: per kernel and architecture,
// registers, shared memory, stack, spill stores/loads and barriers, plus the strategy, modes and
// block size each kernel runs with. Plain JS so the CUDA build needs no compiled TypeScript.
//   node scripts/ptxas-to-json.mjs <resource-usage.txt> <launch.h> [nvcc version] > kernels.json
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Kernel name prefix -> what it runs. Single mode of the optimized strategies is the persistent server. */
export const FAMILIES = [
  { prefix: 'wp_baseline_', family: 'baseline', strategies: ['baseline'], modes: ['single', 'batch', 'concurrent'], block: 'WP_BLOCK_BASELINE' },
  { prefix: 'wp_warp_coop_', family: 'warp-coop', strategies: ['warp-coop'], modes: ['batch', 'concurrent'], block: 'WP_BLOCK_WARP_COOP' },
  { prefix: 'wp_lock_free_', family: 'lock-free', strategies: ['lock-free'], modes: ['batch', 'concurrent'], block: 'WP_BLOCK_LOCK_FREE' },
  { prefix: 'wp_mem_opt_', family: 'mem-opt', strategies: ['mem-opt'], modes: ['batch', 'concurrent'], block: 'WP_BLOCK_MEM_OPT' },
  { prefix: 'wp_write_combine_', family: 'write-combine', strategies: ['write-combine'], modes: ['batch', 'concurrent'], block: 'WP_BLOCK_WRITE_COMBINE' },
  { prefix: 'wp_single_locked_', family: 'single-locked', strategies: ['warp-coop', 'mem-opt', 'write-combine'], modes: ['single'], block: 'WP_BLOCK_SINGLE' },
  { prefix: 'wp_single_lock_free_', family: 'single-lock-free', strategies: ['lock-free'], modes: ['single'], block: 'WP_BLOCK_SINGLE' },
];

/** `#define WP_BLOCK_X 256` lines of launch.h. */
export function parseBlockSizes(header) {
  const sizes = {};
  for (const m of header.matchAll(/^#define\s+(WP_BLOCK_\w+)\s+(\d+)\s*$/gm)) sizes[m[1]] = Number(m[2]);
  return sizes;
}

function num(line, re) {
  const m = line.match(re);
  return m ? Number(m[1]) : undefined;
}

/**
 * Parse ptxas -v text into one record per (entry function, architecture). Properties of
 * non-entry functions (device functions ptxas kept) are ignored.
 */
export function parsePtxas(text) {
  const out = [];
  let cur = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const entry = line.match(/Compiling entry function '([^']+)' for '(sm_\d+a?)'/);
    if (entry) {
      cur = { kernel: entry[1], arch: entry[2], registers: 0, sharedBytes: 0, stackBytes: 0, spillStoreBytes: 0, spillLoadBytes: 0, barriers: 0 };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const props = line.match(/Function properties for (\S+)/);
    if (props) {
      if (props[1] !== cur.kernel) cur = null; // a device function's block, not our entry's
      continue;
    }
    if (/bytes stack frame/.test(line)) {
      cur.stackBytes = num(line, /(\d+) bytes stack frame/) ?? 0;
      cur.spillStoreBytes = num(line, /(\d+) bytes spill stores/) ?? 0;
      cur.spillLoadBytes = num(line, /(\d+) bytes spill loads/) ?? 0;
      continue;
    }
    if (/Used \d+ registers/.test(line)) {
      cur.registers = num(line, /Used (\d+) registers/) ?? 0;
      cur.sharedBytes = num(line, /(\d+) bytes smem/) ?? 0;
      cur.barriers = num(line, /used (\d+) barriers/) ?? 0;
    }
  }
  return out;
}

/** Attach strategy, modes, counter variant and block size; unknown kernels keep family null. */
export function describe(records, blockSizes) {
  return records.map((r) => {
    const fam = FAMILIES.find((f) => r.kernel.startsWith(f.prefix));
    const variant = r.kernel.endsWith('_count') ? 'count' : r.kernel.endsWith('_plain') ? 'plain' : null;
    return {
      name: r.kernel,
      family: fam?.family ?? null,
      strategies: fam?.strategies ?? [],
      modes: fam?.modes ?? [],
      counters: variant === 'count',
      arch: r.arch,
      blockSize: fam ? blockSizes[fam.block] ?? null : null,
      registers: r.registers,
      sharedBytes: r.sharedBytes,
      stackBytes: r.stackBytes,
      spillStoreBytes: r.spillStoreBytes,
      spillLoadBytes: r.spillLoadBytes,
      barriers: r.barriers,
    };
  });
}

function main() {
  const [usagePath, headerPath, nvccVersion] = process.argv.slice(2);
  if (!usagePath || !headerPath) {
    process.stderr.write('usage: ptxas-to-json.mjs <resource-usage.txt> <launch.h> [nvcc version]\n');
    process.exit(2);
  }
  const kernels = describe(parsePtxas(readFileSync(usagePath, 'utf8')), parseBlockSizes(readFileSync(headerPath, 'utf8')));
  if (kernels.length === 0) {
    process.stderr.write(`ptxas-to-json: no entry functions found in ${usagePath}\n`);
    process.exit(1);
  }
  const doc = {
    schemaVersion: 1,
    source: 'ptxas -v',
    nvcc: nvccVersion ?? null,
    archs: [...new Set(kernels.map((k) => k.arch))].sort(),
    kernels,
  };
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
