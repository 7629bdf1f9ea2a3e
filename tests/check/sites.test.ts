/**
 * Placing findings in the source: addr2line's inlined frames (the first one in a kernel source,
 * not an emulator or system header, names the access), and `__shared__` variables named from the
 * module's thread-local symbols.
 */
import { describe, expect, it } from 'vitest';
import { parseAddr2line, sharedVariableAt, shortVariable } from '../../src/check/sites.js';

describe('sites', () => {
  it('an access inlined from an emulator or library header is named by the kernel line that called it', () => {
    const text = [
      '0x0000000000005c6d',
      'cuda::atomic_ref<unsigned int, (cuda::thread_scope)1>::compare_exchange_strong(unsigned int&, unsigned int, std::memory_order, std::memory_order, std::source_location const&) const',
      '/repo/kernels/emu/include/cuda/atomic:72',
      'wp::cas<unsigned int>(unsigned int*, unsigned int&, unsigned int)',
      '/repo/kernels/include/writeprof/config.h:37 (discriminator 2)',
      'wp::try_lock(wp::Bucket&)',
      '/repo/kernels/include/writeprof/probe.h:12',
      '0x0000000000000010',
      '??',
      '??:0',
      '',
    ].join('\n');
    const m = parseAddr2line(text, '/repo');
    expect(m.get(0x5c6d)).toEqual({ file: 'kernels/include/writeprof/config.h', line: 37, function: 'wp::cas<unsigned int>(unsigned int*, unsigned int&, unsigned int)' });
    expect(m.has(0x10)).toBe(false);
  });

  it('names a __shared__ variable by its function, without parameters or namespaces, and the offset in it', () => {
    expect(shortVariable('wp::gpu::(anonymous namespace)::mem_opt_body<true>(wp::gpu::BatchArgs const&)::piece')).toBe('mem_opt_body<true>::piece');
    // A __shared__ array declared in a kernel's body: the translation's lambda is not shown.
    expect(shortVariable('rotate_sum(int const*, int*, bool)::{lambda()#1}::operator()()::tile')).toBe('rotate_sum::tile');
    const vars = [
      { start: 0x280, size: 16384, name: 'mem_opt_body<false>::piece' },
      { start: 0x8300, size: 1024, name: 'write_combine_body<false>::order' },
    ];
    expect(sharedVariableAt(vars, 0x8300 + 96)).toEqual({ name: 'write_combine_body<false>::order', offset: 96 });
    expect(sharedVariableAt(vars, 0x100)).toBeUndefined();
  });
});
