#!/usr/bin/env bash
# `make gate`: run the quick profile on the CPU backend and compare it with the committed baseline
# for this machine kind; exits with compare's code (0 pass, 1 regression, 2 bad input/mismatch).
#   GATE_BASELINE=path     baseline to use (default reports/baselines/<kind>.json)
#   GATE_KIND=name         machine kind (default cpu-node-<cores>core, e.g. cpu-node-2core)
#   GATE_ARGS="..."        extra flags for `writeprof compare` (e.g. --threshold 8)
#   GATE_UPDATE=1          record a new baseline for this kind instead of comparing: GATE_BASELINE_RUNS
#                          separate runs (default 12, ~2 min) merged into one document whose cases
#                          keep each run's median, so compare can test against run-to-run variation
#   GATE_CONFIRM=0         fail on the first run's regressions (default: when the first run shows a
#                          regression, measure once more; only regressions that reproduce fail)
# `scripts/gate.sh --run-only <output.json> [run flags...]` only measures, with the gate's flags, and
# `scripts/gate.sh --record-baseline <output.json> [runs]` records a merged baseline (bench/gate-calibration
# uses both, so calibration measures exactly what the gate measures).
set -uo pipefail
cd "$(dirname "$0")/.."

# The quick profile's own sampling (a few samples, 0.15 s per case at most) is sized for a smoke
# run; the gate needs 20-50 samples per case for the Holm-adjusted test to reach alpha. Run-to-run
# variation, which no within-run sample count removes, is handled by the multi-run baseline.
GATE_RUN_FLAGS=(--profile quick --backend cpu --min-samples 20 --max-samples 50 --min-time 0.2 --max-time 1 --max-noise 0 --quiet)

measure() { # <output> [extra run flags...]
  local out=$1
  shift
  ./bin/writeprof run "${GATE_RUN_FLAGS[@]}" --output "$out" --format json "$@" >/dev/null
}

record_baseline() { # <output> [runs]
  local out=$1 runs=${2:-${GATE_BASELINE_RUNS:-12}} dir i
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  for ((i = 1; i <= runs; i++)); do
    echo "gate: baseline run ${i}/${runs}" >&2
    measure "$dir/run-$i.json" || return $?
  done
  node dist/gates/baseline.js --output "$out" "$dir"/run-*.json
}

case "${1:-}" in
  --run-only)
    [[ $# -ge 2 ]] || { echo "gate: --run-only needs an output path" >&2; exit 2; }
    out=$2
    shift 2
    measure "$out" "$@"
    exit $?
    ;;
  --record-baseline)
    [[ $# -ge 2 ]] || { echo "gate: --record-baseline needs an output path" >&2; exit 2; }
    record_baseline "$2" "${3:-}"
    exit $?
    ;;
esac

cores=$(node -e 'const os=require("node:os");process.stdout.write(String(os.availableParallelism?.()??os.cpus().length))')
kind=${GATE_KIND:-cpu-node-${cores}core}
baseline=${GATE_BASELINE:-reports/baselines/${kind}.json}
current=reports/gate-current.json

if [[ "${GATE_UPDATE:-}" == 1 ]]; then
  record_baseline "$baseline" || exit $?
  echo "gate: recorded baseline ${baseline}"
  exit 0
fi

if [[ ! -f "$baseline" ]]; then
  echo "gate: no baseline for machine kind ${kind} at ${baseline}; available: $(ls reports/baselines/*.json 2>/dev/null | tr '\n' ' ')(set GATE_BASELINE, or run GATE_UPDATE=1 make gate to record one)" >&2
  exit 2
fi

echo "gate: measuring the quick profile (CPU backend) into ${current}" >&2
measure "$current"
rc=$?
# 1 = a case failed verification: the document is still written and compare fails on it too.
if [[ $rc -ne 0 && $rc -ne 1 ]] || [[ ! -f "$current" ]]; then
  echo "gate: writeprof run exited ${rc}; nothing to compare" >&2
  exit $(( rc == 0 ? 2 : rc ))
fi

# shellcheck disable=SC2086 # GATE_ARGS is a list of flags
if [[ "${GATE_CONFIRM:-1}" != 0 ]]; then
  GITHUB_STEP_SUMMARY= ./bin/writeprof compare "$baseline" "$current" ${GATE_ARGS:-} --format json >/dev/null 2>&1
  if [[ $? -eq 1 ]]; then
    confirm=reports/gate-confirm.json
    echo "gate: the first run shows a regression; measuring again into ${confirm} to confirm" >&2
    measure "$confirm"
    rc=$?
    if [[ $rc -ne 0 && $rc -ne 1 ]] || [[ ! -f "$confirm" ]]; then
      echo "gate: writeprof run exited ${rc}; cannot confirm" >&2
      exit $(( rc == 0 ? 2 : rc ))
    fi
    # shellcheck disable=SC2086
    exec ./bin/writeprof compare "$baseline" "$current" --confirm "$confirm" ${GATE_ARGS:-}
  fi
fi
# shellcheck disable=SC2086
exec ./bin/writeprof compare "$baseline" "$current" ${GATE_ARGS:-}
