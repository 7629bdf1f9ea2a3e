#!/usr/bin/env bash
# `make sanitize`: the CPU backend under AddressSanitizer + UndefinedBehaviorSanitizer and under
# ThreadSanitizer. Everything is built under out/sanitize/; build/Release/writeprof.node is untouched.
#   asan: an ASan+UBSan build of the addon (out/sanitize/writeprof.node), loaded by the real native
#         vitest tests (tests/native) through WRITEPROF_ADDON with libasan preloaded into node, and
#         the same objects linked into tests/native/sanitize/driver.cc (every strategy x mode x
#         shape, and the table-full paths no CaseParams can reach);
#   tsan: a TSan build of tests/native/sanitize/tsan_driver.cc (the strategies in concurrent mode).
# Any sanitizer report, failed test or hang fails the run.  Usage: sanitize.sh [all|asan|tsan]
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
case "$what" in all | asan | tsan) ;; *) echo "sanitize.sh: unknown part '$what'; allowed: all, asan, tsan" >&2; exit 2 ;; esac

CXX=${CXX:-g++}
OUT=out/sanitize
JOBS=$(nproc 2>/dev/null || echo 2)
LIMIT_S=${SANITIZE_TIMEOUT_S:-300}  # per step: a hang is a failure, not a stuck CI job
NODE_INC=$(dirname "$(dirname "$(command -v node)")")/include/node
NAPI_INC=$(node -p "require('node-addon-api').include_dir")

COMMON=(-std=c++20 -O1 -g -fno-omit-frame-pointer -pthread -Wall -Wextra -Wno-unused-parameter
  -Ikernels/include -Ikernels -Itests/native/sanitize)
# float-cast-overflow is not part of GCC's -fsanitize=undefined; the table sizing converts doubles.
ASAN=(-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all)
TSAN=(-fsanitize=thread)
ADDON_DEFS=(-fPIC -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DBUILDING_NODE_EXTENSION -I"$NODE_INC" -I"$NAPI_INC")
# Sanitizer reports as they appear in a log (ASan, UBSan, TSan, LSan).
REPORT='ERROR: AddressSanitizer|runtime error:|WARNING: ThreadSanitizer|ERROR: LeakSanitizer|SUMMARY: (Address|UndefinedBehavior|Thread|Leak)Sanitizer'

mkdir -p "$OUT"
step() { printf '\n== sanitize: %s\n' "$*"; }

# Inputs of every artifact: rebuilt only when a source, header, flag or this script changed.
inputs_hash() {
  { printf '%s\n' "$*" "$($CXX --version | head -1)" "$(node --version)" "$NAPI_INC"
    cat kernels/include/writeprof/*.h kernels/include/writeprof/host/*.h kernels/cpu/*.h kernels/cpu/*.cc kernels/addon/*.h kernels/addon/*.cc kernels/peers/* \
      kernels/addon/stub/*.cc tests/native/sanitize/*.h tests/native/sanitize/*.cc "$0"; } | sha1sum | cut -c1-40
}
fresh() { [ -f "$1" ] && [ -f "$1.stamp" ] && [ "$(cat "$1.stamp")" = "$2" ]; }

# compile <objdir> <flags...> -- <sources...>: at most $JOBS compilers at once; any failure fails.
compile() {
  local dir=$1; shift
  local flags=()
  while [ "$1" != -- ]; do flags+=("$1"); shift; done
  shift
  rm -rf "$dir" && mkdir -p "$dir"
  local pids=() rc=0 src obj
  for src in "$@"; do
    if [ ${#pids[@]} -ge "$JOBS" ]; then wait "${pids[0]}" || rc=1; pids=("${pids[@]:1}"); fi
    obj="$dir/$(echo "$src" | tr / _).o"
    rm -f "$obj"
    $CXX "${flags[@]}" -c "$src" -o "$obj" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}

# run_logged <log> <cmd...>: runs under the step time limit, tees output, fails on any report.
run_logged() {
  local log=$1; shift
  local rc=0
  timeout --kill-after=10 "$LIMIT_S" "$@" 2>&1 | tee "$log" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then echo "sanitize: timed out after ${LIMIT_S}s: $*" >&2; return 1; fi
  if grep -Eq "$REPORT" "$log"; then echo "sanitize: sanitizer report in $log" >&2; return 1; fi
  if [ "$rc" -ne 0 ]; then echo "sanitize: exit status $rc: $*" >&2; return 1; fi
}

CPU_SRC=(kernels/cpu/*.cc)
# The peers: Redis over hiredis and libcuckoo, in the addon; libcuckoo's concurrent
# runner in the TSan driver too (Redis needs a server, which the ASan vitest run starts).
PEER_SRC=(kernels/peers/*.cc)
ADDON_SRC=(kernels/addon/*.cc kernels/addon/stub/cuda_absent.cc "${PEER_SRC[@]}")

run_asan() {
  local hash
  hash=$(inputs_hash asan "${COMMON[@]}" "${ASAN[@]}" "${ADDON_DEFS[@]}")
  if fresh "$OUT/writeprof.node" "$hash" && fresh "$OUT/driver-asan" "$hash"; then
    step "ASan+UBSan builds are up to date"
  else
    step "building the ASan+UBSan addon and driver"
    compile "$OUT/obj-asan" "${COMMON[@]}" "${ASAN[@]}" "${ADDON_DEFS[@]}" -- \
      "${CPU_SRC[@]}" "${ADDON_SRC[@]}" tests/native/sanitize/driver.cc
    local cpu_objs=() addon_objs=() s
    for s in "${CPU_SRC[@]}"; do cpu_objs+=("$OUT/obj-asan/$(echo "$s" | tr / _).o"); done
    for s in "${ADDON_SRC[@]}"; do addon_objs+=("$OUT/obj-asan/$(echo "$s" | tr / _).o"); done
    # An addon leaves napi_* unresolved: node provides them when it loads the module.
    $CXX -shared "${ASAN[@]}" -pthread "${cpu_objs[@]}" "${addon_objs[@]}" -lhiredis -o "$OUT/writeprof.node"
    $CXX "${ASAN[@]}" -pthread "${cpu_objs[@]}" "$OUT/obj-asan/tests_native_sanitize_driver.cc.o" -o "$OUT/driver-asan"
    echo "$hash" > "$OUT/writeprof.node.stamp"
    echo "$hash" > "$OUT/driver-asan.stamp"
  fi

  step "native vitest tests against the ASan+UBSan addon (tests/native)"
  # node leaks by design (detect_leaks=0); a failed allocation returns null as it does unsanitized,
  # so the runner's own "cannot allocate" path is what runs.
  run_logged "$OUT/vitest-asan.log" env \
    WRITEPROF_ADDON="$OUT/writeprof.node" WRITEPROF_SANITIZE=asan \
    LD_PRELOAD="$($CXX -print-file-name=libasan.so)" \
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    NO_COLOR=1 node_modules/.bin/vitest run tests/native

  step "ASan+UBSan driver: every strategy x mode x shape, table-full paths"
  run_logged "$OUT/driver-asan.log" env ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$OUT/driver-asan"
}

run_tsan() {
  local hash
  hash=$(inputs_hash tsan "${COMMON[@]}" "${TSAN[@]}")
  if fresh "$OUT/driver-tsan" "$hash"; then
    step "TSan driver is up to date"
  else
    step "building the TSan driver"
    compile "$OUT/obj-tsan" "${COMMON[@]}" "${TSAN[@]}" -- "${CPU_SRC[@]}" kernels/peers/cuckoo_runner.cc tests/native/sanitize/tsan_driver.cc
    $CXX "${TSAN[@]}" -pthread "$OUT"/obj-tsan/*.o -o "$OUT/driver-tsan"
    echo "$hash" > "$OUT/driver-tsan.stamp"
  fi
  step "TSan driver: every strategy and the libcuckoo peer, concurrent mode, 2-8 threads, uniform and hot zipf keys"
  # halt_on_error: the first race stops the run (exit 66) with its report.
  run_logged "$OUT/driver-tsan.log" env TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1 \
    "$OUT/driver-tsan" ${SANITIZE_TSAN_ARGS:-}
}

start=$SECONDS
[ "$what" = tsan ] || run_asan
[ "$what" = asan ] || run_tsan
step "clean: no sanitizer reports, every check passed ($((SECONDS - start)) s)"
