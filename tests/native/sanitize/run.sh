#!/usr/bin/env bash
# Kept for muscle memory: the sanitizer runs live in scripts/sanitize.sh (`make sanitize`).
# Usage: run.sh [all|asan|tsan]
exec bash "$(dirname "$0")/../../../scripts/sanitize.sh" "$@"
