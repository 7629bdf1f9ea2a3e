/**
 * The CUDA translation on source text (src/emu): launches become a real call of the kernel after
 * nvcc's push of the configuration, wherever `<<<`/`>>>` meet template brackets, lambdas, strings
 * and comments; kernels become launchable (their address registered); `extern __shared__` becomes
 * the block's dynamic shared memory; the host and device preprocessings merge by declaration.
 * Every line keeps its number. (tests/emu/programs.test.ts compiles and runs the real thing.)
 */
import { describe, expect, it } from 'vitest';
import { mergePasses } from '../../src/emu/merge.js';
import { rewrite, TranslateError } from '../../src/emu/rewrite.js';

/** Source as the preprocessing leaves it: the execution-space keywords as markers. */
const marked = (s: string): string =>
  s.replace(/__global__/g, '__wpemu_global__').replace(/__device__/g, '__wpemu_device__').replace(/__host__/g, '__wpemu_host__').replace(/__shared__/g, '__wpemu_shared__');
const lines = (s: string): number => s.split('\n').length;
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

describe('launches', () => {
  const launch = (src: string): string => squash(rewrite(marked(src)));

  it('becomes the configuration pushed, then a call of the kernel with the same arguments', () => {
    expect(launch('k<<<g, b>>>(p, 0, NULL);')).toBe('(::wpemu::push_launch(g, b) ? (void)0 : k(p, 0, NULL));');
    expect(launch('k<<<g, b, shm, s>>>();')).toBe('(::wpemu::push_launch(g, b, shm, s) ? (void)0 : k());');
  });

  it('keeps template arguments, nested ones closing with >> and >>>, with the callee', () => {
    expect(launch('ns::k<Box<Box<int>>><<<1, 2>>>(x);')).toBe('(::wpemu::push_launch(1, 2) ? (void)0 : ns::k<Box<Box<int>>>(x));');
    expect(launch('k<A<int>><<<1, 2>>>(x);')).toBe('(::wpemu::push_launch(1, 2) ? (void)0 : k<A<int>>(x));');
    expect(launch('::k<T, (N > 2)><<<1, 2>>>(x);')).toBe('(::wpemu::push_launch(1, 2) ? (void)0 : ::k<T, (N > 2)>(x));');
    expect(launch('(*fp)<<<1, 2>>>(x);')).toBe('(::wpemu::push_launch(1, 2) ? (void)0 : (*fp)(x));');
  });

  it('finds the end of a configuration with >> and template arguments in it', () => {
    expect(launch('k<<<(n + 255) >> 8, Width<W<3>>::value>>>(x >> 1);')).toBe(
      '(::wpemu::push_launch((n + 255) >> 8, Width<W<3>>::value) ? (void)0 : k(x >> 1));',
    );
    // `>>>` closing three template lists followed by `(`: a call inside the configuration.
    expect(launch('k<<<f<A<B<int>>>(x), 32>>>(y);')).toBe('(::wpemu::push_launch(f<A<B<int>>>(x), 32) ? (void)0 : k(y));');
    expect(launch('k<<<n < 256 ? n : 256, 1>>>(y);')).toBe('(::wpemu::push_launch(n < 256 ? n : 256, 1) ? (void)0 : k(y));');
  });

  it('leaves strings and comments alone and takes lambdas and braces in the arguments whole', () => {
    const src = 'const char* s = "a<<<1,1>>>()"; // k<<<1,1>>>()\nk<<<1, 1>>>([&] { return f(1, 2); }(), S{1, 2}); /* <<< */';
    const out = rewrite(marked(src));
    expect(out).toContain('"a<<<1,1>>>()"; // k<<<1,1>>>()');
    expect(out).toContain('(::wpemu::push_launch(1, 1) ? (void)0 : k([&] { return f(1, 2); }(), S{1, 2}));');
    expect(out).toContain('/* <<< */');
  });

  it('keeps every line where it was, a configuration over several lines too', () => {
    const src = 'int a;\nk<<<\n  g,\n  b>>>(x,\n y);\nint z;';
    const out = rewrite(marked(src));
    expect(lines(out)).toBe(lines(src));
    expect(out.split('\n')[5]).toBe('int z;');
    expect(out.split('\n')[4]).toContain(' y));');
  });

  it('says where a launch it cannot read is', () => {
    expect(() => rewrite(marked('# 7 "user.cu"\nk<<<1, 2(x);\n'))).toThrow(TranslateError);
    expect(() => rewrite(marked('# 7 "user.cu"\nk<<<1, 2(x);\n'))).toThrow(/^user\.cu:7: cannot read this kernel launch/);
  });
});

describe('kernels', () => {
  it('a kernel called on the host enqueues itself with its parameters (registered by address)', () => {
    const out = squash(rewrite(marked('__global__ void k(int* p, int n = 3) { p[0] = n; }')));
    expect(out).toBe(
      'void k(int* p, int n = 3) { ::wpemu::kernel_entry<static_cast<void (*)(int*p, int n)>(&k)>("k", [=]() mutable { p[0] = n; }); }',
    );
  });

  it('a template kernel registers its own specialization; unnamed template parameters get a name', () => {
    const out = squash(rewrite(marked('template <typename T, int N = 4, class... Ts, typename = void> __global__ void k(T* p, Ts... xs) { }')));
    expect(out).toContain('static_cast<void (*)(T*p, Ts...xs)>(&k<T, N, Ts..., __wpemu_tparam3>)');
    expect(out).toContain('typename __wpemu_tparam3 = void');
  });

  it('an explicit specialization is its own name; launch bounds and declarations are left as they are', () => {
    const out = squash(rewrite(marked('template <> __global__ void __launch_bounds__(256) k<float>(float* p) { }\n__global__ void d(int);')));
    expect(out).toContain('(&k<float>)');
    expect(out).toContain('void d(int);');
    expect(out).not.toContain('__wpemu');
  });

  it('CUDA\'s __noinline__ becomes an attribute; GCC\'s own __attribute__((__noinline__)) stays', () => {
    const out = squash(rewrite(marked('__device__ __noinline__ int f(); __attribute__((__noinline__)) void g();')));
    expect(out).toBe('__attribute__((noinline)) int f(); __attribute__((__noinline__)) void g();');
  });

  it('a launch inside a kernel body is rewritten too, and the body keeps its lines', () => {
    const src = '__global__ void k(int* p) {\n  int a = 1;\n  child<<<1, 1>>>(p);\n}\n';
    const out = rewrite(marked(src));
    expect(lines(out)).toBe(lines(src));
    expect(out).toContain('(::wpemu::push_launch(1, 1) ? (void)0 : child(p));');
  });
});

describe('shared memory', () => {
  it('extern __shared__ in a function is a pointer to the block\'s dynamic shared memory', () => {
    const out = squash(rewrite(marked('__global__ void k() { extern __shared__ __attribute__((aligned(16))) volatile float s[]; s[0] = 1; }')));
    expect(out).toContain('volatile float *const s = static_cast<volatile float *>(::wpemu::dynamic_shared());');
    // `extern` and `__shared__` in any order among the specifiers (CUDA's samples write both)
    const other = squash(rewrite(marked('__global__ void k() { extern double __shared__ sdata[]; }')));
    expect(other).toContain('double *const sdata = static_cast<double *>(::wpemu::dynamic_shared());');
  });

  it('at namespace scope it is an object that converts to that pointer; __shared__ is the block\'s storage', () => {
    const out = squash(rewrite(marked('extern __shared__ int g[];\n__global__ void k() { __shared__ int t[4]; static __shared__ int u; }')));
    expect(out).toContain('static ::wpemu::DynamicSharedArray<int> g;');
    expect(out).toContain('static thread_local int t[4];');
    expect(out).toContain('static thread_local int u;');
  });
});

describe('host and device passes', () => {
  const host = marked(
    [
      'namespace n {',
      '__host__ __device__ int where() { return 0; }',
      '__device__ int dev() { return 1; }',
      'int host_only() { return 2; }',
      '}',
      '',
    ].join('\n'),
  );
  const device = marked(
    [
      'namespace n {',
      '__host__ __device__ int where() { return 800; }',
      '__device__ int dev() { return 3; }',
      '__device__ int helper() { return 4; }',
      'int host_only() { return 5; }',
      '}',
      '',
    ].join('\n'),
  );
  const merged = squash(mergePasses(host, device));

  it('a __host__ __device__ function whose passes differ chooses by where it runs', () => {
    expect(merged).toMatch(/int where\(\) \{ if \(::wpemu::on_device\(\)\)\s*(# \d+ "" )?\{ return 800; \} else\s*(# \d+ "" )?\{ return 0; \} \}/);
  });

  it('a __device__ function takes the device pass, a host function the host pass, a device-only one is kept', () => {
    expect(merged).toContain('{ return 3; }');
    expect(merged).not.toContain('{ return 1; }');
    expect(merged).toContain('int host_only() { return 2; }');
    expect(merged).not.toContain('return 5;');
    expect(merged).toContain('int helper() { return 4; }');
  });

  it('identical passes are the host pass as it is', () => {
    expect(mergePasses(host, host)).toBe(host);
  });

  it('a declaration one pass includes elsewhere (a header first included under #if) appears once', () => {
    const h = 'struct A { int x; };\nint f();\nstruct B { A a; };\n';
    const d = 'int f();\nstruct A { int x; };\nstruct B { A a; };\n';
    const m = mergePasses(h, d);
    expect(m.match(/struct A \{/g)).toHaveLength(1);
    expect(m.match(/int f\(\);/g)).toHaveLength(1);
  });
});
