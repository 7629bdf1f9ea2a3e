#!/usr/bin/env bash
# `make gate`: the CPU regression gate. By default an interleaved A/B run (`writeprof ab`) of the
# quick profile on this checkout's build against a base build measured in the same job, so no
# committed per-CPU baseline is needed and any CPU model works; exits with ab's code (0 pass,
# 1 regression, 2 bad input or a base that cannot be found or built).
#   GATE_BASE=ref|path     the base: a git ref (built CPU-only once per commit into out/ab-base/) or a
#                          built addon (a path ending in .node). Default: the merge-base of HEAD with the main branch
#                          (GATE_MAIN, default origin/main, else main, else master); on main itself
#                          (HEAD already in it), the previous commit HEAD~1. A shallow clone is
#                          deepened with `git fetch` when it lacks that commit.
#   GATE_ARGS="..."        extra flags for `writeprof ab` (e.g. --threshold 8 --rounds 40)
#   GATE_OUTPUT=dir        where ab writes base.json, head.json, ab.json (default reports/gate-ab)
# Committed baselines stay for fixed fleets (GPU machines), with their environment check:
#   GATE_BASELINE=path     compare one run with that merged baseline instead (`writeprof compare`)
#   GATE_UPDATE=1          record a new baseline at GATE_BASELINE (default reports/baselines/<kind>.json):
#                          GATE_BASELINE_RUNS separate runs (default 12, ~2 min) merged into one document
#                          whose cases keep each run's median, so compare can test against run-to-run variation
#   GATE_KIND=name         machine kind naming the default baseline (cpu-node-<cores>core)
#   GATE_CONFIRM=0         (baseline mode) fail on the first run's regressions (default: when the first
#                          run shows a regression, measure once more; only regressions that reproduce fail)
# `scripts/gate.sh --run-only <output.json> [run flags...]` only measures, with the baseline mode's flags, and
# `scripts/gate.sh --record-baseline <output.json> [runs]` records a merged baseline (bench/gate-calibration
# uses both). `scripts/gate.sh --default-base` prints the base ref the gate would use.
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

say() { echo "gate: $*" >&2; }

have_commit() { git rev-parse --verify --quiet "$1^{commit}" >/dev/null; }
# A shallow clone with an origin fetches its history (bounded); 0 when a fetch ran.
deepen() { # <what is missing, for the message>
  [[ "$(git rev-parse --is-shallow-repository 2>/dev/null)" == true ]] && git remote get-url origin >/dev/null 2>&1 || return 1
  say "this clone is shallow and lacks $1; fetching its history from origin"
  timeout 300 git fetch --quiet --no-tags --unshallow origin >&2 || timeout 300 git fetch --quiet --no-tags --deepen=50 origin >&2
}
fetch_for() { # <rev> <what it is>
  have_commit "$1" || { deepen "$2 ($1)" && have_commit "$1"; }
}

default_base() {
  git rev-parse --git-dir >/dev/null 2>&1 || { say "not a git checkout: set GATE_BASE to a built addon path"; return 2; }
  local main=${GATE_MAIN:-} cand mb
  if [[ -z "$main" ]]; then
    for cand in origin/main main master; do
      if have_commit "$cand"; then main=$cand; break; fi
    done
  fi
  if [[ -n "$main" ]] && ! mb=$(git merge-base HEAD "$main" 2>/dev/null); then
    deepen "the merge-base of HEAD and ${main}" && mb=$(git merge-base HEAD "$main" 2>/dev/null) || mb=
    if [[ -z "$mb" ]]; then
      say "no merge-base of HEAD and ${main} in this clone (shallow: fetch with \`git fetch --unshallow\`), or set GATE_BASE"
      return 2
    fi
  fi
  if [[ -n "${mb:-}" && "$mb" != "$(git rev-parse HEAD)" ]]; then
    echo "$mb"
    return 0
  fi
  # On the main branch itself (or not ahead of it): the previous commit.
  if ! fetch_for HEAD~1 "the previous commit"; then
    if [[ "$(git rev-parse --is-shallow-repository 2>/dev/null)" == true ]]; then
      say "HEAD~1 is not in this shallow clone and could not be fetched: run \`git fetch --deepen=1\` (or --unshallow), or set GATE_BASE to a ref or a built addon path"
    else
      say "HEAD has no parent (the first commit): nothing to compare with; set GATE_BASE to a ref or a built addon path"
    fi
    return 2
  fi
  git rev-parse HEAD~1
}

case "${1:-}" in
  --default-base)
    default_base
    exit $?
    ;;
esac

if [[ -z "${GATE_BASELINE:-}" && "${GATE_UPDATE:-}" != 1 ]]; then
  if [[ -n "${GATE_BASE:-}" ]]; then
    base=$GATE_BASE
  else
    base=$(default_base) || exit 2
    say "base: $(git log -1 --format='%h %s' "$base" 2>/dev/null | cut -c1-80) (merge-base with the main branch, or HEAD~1 on main; GATE_BASE overrides)"
  fi
  # shellcheck disable=SC2086 # GATE_ARGS is a list of flags
  exec ./bin/writeprof ab --base "$base" --profile quick --output-dir "${GATE_OUTPUT:-reports/gate-ab}" ${GATE_ARGS:-}
fi

# Baseline mode measures with this checkout's build/Release addon (and CUDA when nvcc exists).
make --no-print-directory build >&2 || exit 2

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
