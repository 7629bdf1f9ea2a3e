#!/usr/bin/env bash
# On a machine with a CUDA GPU (sm_80 or newer): the checks that need one, in one command.
#  1. the GPU tests (conformance against the CPU backend, hot keys, probing, phases, latencies);
#  2. what counting conflicts costs: the batch suites with counters on and off, compared;
#  3. the validation profile on the CUDA backend, its tables, and the story's claims.
# Outputs go to reports/gpu-<timestamp>/. Needs `make build` with nvcc first.
set -euo pipefail
cd "$(dirname "$0")/.."
out="reports/gpu-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
node bin/writeprof devices | tee "$out/devices.txt"
node bin/writeprof kernels > "$out/kernels.txt"

npx vitest run tests/cuda 2>&1 | tee "$out/tests.txt"

common=(--backend cuda --profile quick --mode batch --min-samples 10 --quiet)
node bin/writeprof run "${common[@]}" --format json --output "$out/count-on.json" > /dev/null
node bin/writeprof run "${common[@]}" --no-count-conflicts --format json --output "$out/count-off.json" > /dev/null
# count-off is the baseline: a "slower" verdict for count-on is what counting costs.
node bin/writeprof compare "$out/count-off.json" "$out/count-on.json" --threshold 2 | tee "$out/counting-cost.txt" || true

node bin/writeprof run --backend cuda --output "$out/validation.json" | tee "$out/validation.txt"
node bin/writeprof validate "$out/validation.json" --claims profiles/claims/story-3.1.json | tee "$out/claims.txt" || true
echo "wrote $out"
