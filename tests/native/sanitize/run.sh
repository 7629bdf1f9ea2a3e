#!/usr/bin/env bash
# Builds the CPU backend with a sanitizer and runs driver.cc. Usage: run.sh thread|address
set -euo pipefail
cd "$(dirname "$0")/../../.."
kind=${1:-thread}
flags="-fsanitize=$kind"
[ "$kind" = address ] && flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
out=out/sanitize-$kind
mkdir -p out
g++ -std=c++20 -O1 -g -pthread -Wall -Wextra $flags -Ikernels/include -Ikernels \
  kernels/cpu/*.cc tests/native/sanitize/driver.cc -o "$out"
"$out"
