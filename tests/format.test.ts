import { describe, expect, it } from 'vitest';
import { fmtBytesPerSec, fmtInt, fmtMemory, fmtNs, fmtPercent, fmtPerWrite, fmtRatio, fmtSpeedup, fmtValueSize } from '../src/format.js';

describe('formatting in the story\'s style', () => {
  it('ops/sec with thousands separators, ratios with one decimal', () => {
    expect(fmtInt(1012000)).toBe('1,012,000');
    expect(fmtInt(224999.6)).toBe('225,000');
    expect(fmtInt(undefined)).toBe('—');
    expect(fmtRatio(1012000 / 45000)).toBe('22.5x');
    expect(fmtRatio(20.42, '×')).toBe('20.4×');
  });

  it('speedups with their interval as `22.5× (21.9–23.1)`', () => {
    expect(fmtSpeedup({ value: 22.49, low: 21.94, high: 23.08 }, '×')).toBe('22.5× (21.9–23.1)');
    expect(fmtSpeedup({ value: 22.49 })).toBe('22.5x');
    expect(fmtSpeedup(undefined)).toBe('—');
  });

  it('value sizes as 64B / 1KB, and other units', () => {
    expect([64, 256, 1024, 4096, 65536, 1000].map(fmtValueSize)).toEqual(['64B', '256B', '1KB', '4KB', '64KB', '1000B']);
    expect(fmtPercent(0.9375)).toBe('93.8%');
    expect(fmtPerWrite(0)).toBe('0');
    expect(fmtPerWrite(0.46512)).toBe('0.465');
    expect(fmtPerWrite(0.000137)).toBe('1.4e-4');
    expect(fmtBytesPerSec(24e9)).toBe('24.00 GB/s');
    expect(fmtNs(12.34)).toBe('12.3');
    expect(fmtNs(1234.5)).toBe('1,235');
  });

  it('memory in binary units with one decimal, the one spelling of every message and report', () => {
    expect(fmtMemory(85899345920)).toBe('80.0 GiB');
    expect(fmtMemory(4 * 2 ** 30)).toBe('4.0 GiB');
    expect(fmtMemory(6 * 2 ** 40)).toBe('6.0 TiB');
    expect(fmtMemory(17 * 2 ** 20)).toBe('17.0 MiB');
    expect(fmtMemory(512 * 1024)).toBe('512.0 KiB');
    expect(fmtMemory(100)).toBe('100 B');
  });
});
