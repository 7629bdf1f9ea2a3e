/**
 * How writeprof spells numbers and sizes, everywhere (tables, reports, messages), each format
 * defined once, in the story's style (`1,012,000`, `22.5x`, `4KB` values, `4.0 GiB` of memory).
 */

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Integer with thousands separators: 1012000 -> "1,012,000". Missing/NaN -> "—". */
export function fmtInt(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return INT.format(Math.round(n));
}

/** A per-write count (conflicts, probe steps): tiny but nonzero figures stay visible (1.4e-4). */
export function fmtPerWrite(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  if (n === 0) return '0';
  return Math.abs(n) >= 0.001 ? n.toFixed(3) : n.toExponential(1);
}

/** Ratio as the story writes it: 22.5 -> "22.5x" (ascii) or "22.5×" (terminal). */
export function fmtRatio(n: number | undefined, sign: 'x' | '×' = 'x'): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return `${n.toFixed(1)}${sign}`;
}

/** Speedup with its 95% interval when known: "22.5× (21.9–23.1)". */
export function fmtSpeedup(s: { value: number; low?: number; high?: number } | undefined, sign: 'x' | '×' = 'x'): string {
  if (!s || !Number.isFinite(s.value)) return '—';
  const head = fmtRatio(s.value, sign);
  if (s.low === undefined || s.high === undefined || !Number.isFinite(s.low) || !Number.isFinite(s.high)) return head;
  return `${head} (${s.low.toFixed(1)}–${s.high.toFixed(1)})`;
}

/** Fraction as a percent: 0.9375 -> "93.8%". */
export function fmtPercent(fraction: number | undefined, digits = 1): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A value size as the story writes it: 64 -> "64B", 1024 -> "1KB", 65536 -> "64KB" (case ids say v1024). */
export function fmtValueSize(n: number): string {
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}KB`;
  return `${n}B`;
}

const MEMORY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** An amount of memory in binary units, one decimal: 4294967296 -> "4.0 GiB", 17825792 -> "17.0 MiB", 100 -> "100 B". */
export function fmtMemory(n: number): string {
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < MEMORY_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${MEMORY_UNITS[i]}`;
}

/** Throughput in bytes/s with a binary-free SI unit: 3.2e9 -> "3.20 GB/s". */
export function fmtBytesPerSec(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B/s', 'KB/s', 'MB/s', 'GB/s', 'TB/s'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 2)} ${units[i]}`;
}

/** Nanoseconds with a sensible precision: 12.345 -> "12.3", 1234.5 -> "1,235". */
export function fmtNs(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return Math.abs(n) >= 100 ? fmtInt(n) : n.toFixed(1);
}

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

/** A rate in three significant digits where columns are narrow: 47763361 -> "47.8M". Missing/NaN -> "—". */
export function fmtCompact(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return COMPACT.format(n);
}
