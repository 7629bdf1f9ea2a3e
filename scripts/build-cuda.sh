#!/usr/bin/env bash
# Builds the CUDA backend: kernels/cuda/*.cu -> out/cuda/libwpcuda.a with SASS for sm_80 and sm_90
# and PTX for compute_90 (newer GPUs JIT it), position-independent for the N-API addon. ptxas's
# resource usage per kernel and architecture goes to out/cuda/resource-usage.txt and, parsed, to
# out/cuda/kernels.json (what `writeprof kernels` shows; no GPU needed).
# Env: NVCC (default: nvcc on PATH), CUDA_STD (default c++20), CUDA_JOBS (parallel nvcc, default 2).
# `--print-flags`: the nvcc flags, one per line, and nothing built (a strategy file is compiled
# with the very flags kernels/cuda is).
set -euo pipefail
cd "$(dirname "$0")/.."
STD="${CUDA_STD:-c++20}"
GENCODE=(-gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90
         -gencode arch=compute_90,code=compute_90)
FLAGS=(-O3 "-std=$STD" -Xcompiler -fPIC -Xcompiler -Wall -Xptxas -v -lineinfo
       -Ikernels/include -Ikernels/cuda -Ikernels "${GENCODE[@]}")
if [ "${1:-}" = "--print-flags" ]; then
  printf '%s\n' "${FLAGS[@]}"
  exit 0
fi

NVCC="${NVCC:-$(command -v nvcc || true)}"
if [ -z "$NVCC" ]; then
  echo "build-cuda: nvcc not found (set NVCC or put it on PATH)" >&2
  exit 1
fi
OUT=out/cuda
OBJ="$OUT/obj"
mkdir -p "$OBJ"
JOBS="${CUDA_JOBS:-2}"
NVCC_VERSION="$("$NVCC" --version | sed -n 's/.*release [0-9.]*, V\([0-9.]*\).*/\1/p')"

# Rebuild an object when its source, any header, this script or the compiler flags changed.
HEADERS=(kernels/cuda/*.h kernels/cuda/*.cuh kernels/include/writeprof/*.h kernels/include/writeprof/*.cuh kernels/include/writeprof/host/*.h "$0")
STAMP="$OBJ/flags"
echo "$NVCC_VERSION ${FLAGS[*]}" > "$STAMP.new"
if ! cmp -s "$STAMP.new" "$STAMP"; then rm -f "$OBJ"/*.o; mv "$STAMP.new" "$STAMP"; else rm -f "$STAMP.new"; fi

stale() {  # stale <src> <obj>
  [ -f "$2" ] || return 0
  [ "$1" -nt "$2" ] && return 0
  for h in "${HEADERS[@]}"; do [ "$h" -nt "$2" ] && return 0; done
  return 1
}

compile() {  # compile <src>: object and ptxas log, or the compiler's output and failure
  local src="$1" name
  name="$(basename "$src" .cu)"
  if "$NVCC" "${FLAGS[@]}" -c "$src" -o "$OBJ/$name.o.tmp" > "$OBJ/$name.log" 2>&1; then
    mv "$OBJ/$name.o.tmp" "$OBJ/$name.o"
  else
    cat "$OBJ/$name.log" >&2
    rm -f "$OBJ/$name.o.tmp"
    return 1
  fi
}

SOURCES=(kernels/cuda/*.cu)
pids=()
failed=0
for src in "${SOURCES[@]}"; do
  name="$(basename "$src" .cu)"
  stale "$src" "$OBJ/$name.o" || continue
  echo "nvcc $src"
  compile "$src" &
  pids+=($!)
  if [ "${#pids[@]}" -ge "$JOBS" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
if [ "$failed" -ne 0 ]; then
  echo "build-cuda: compilation failed" >&2
  exit 1
fi

# Only this build's objects: a removed .cu must not leave its kernels behind.
OBJS=()
LOGS=()
for src in "${SOURCES[@]}"; do
  name="$(basename "$src" .cu)"
  OBJS+=("$OBJ/$name.o")
  LOGS+=("$OBJ/$name.log")
done
rm -f "$OUT/libwpcuda.a.tmp"
ar rcs "$OUT/libwpcuda.a.tmp" "${OBJS[@]}"
mv "$OUT/libwpcuda.a.tmp" "$OUT/libwpcuda.a"

{
  echo "# ptxas -v, nvcc $NVCC_VERSION, ${GENCODE[*]}"
  for log in "${LOGS[@]}"; do
    echo "# $(basename "$log" .log).cu"
    grep -E '^ptxas info|bytes stack frame' "$log" || true
  done
} > "$OUT/resource-usage.txt"
node scripts/ptxas-to-json.mjs "$OUT/resource-usage.txt" kernels/cuda/launch.h "$NVCC_VERSION" > "$OUT/kernels.json.tmp"
mv "$OUT/kernels.json.tmp" "$OUT/kernels.json"
echo "built $OUT/libwpcuda.a ($(node -e "console.log(JSON.parse(require('fs').readFileSync('$OUT/kernels.json','utf8')).kernels.length)") kernel builds; usage in $OUT/kernels.json)"
