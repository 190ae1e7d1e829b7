#!/usr/bin/env bash
# Runs the benchmarks in release mode, prints their tables, and writes them with a
# description of this machine to BENCHMARKS.md. Benchmarks print figures; they never fail
# on time.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sage200-desk-target}"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
{
  echo "# Benchmarks"
  echo
  echo "Measured by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d) (release build)."
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)."
  echo
  echo "## Paging (fetch all)"
  echo
  cargo bench --quiet --bench paging 2>/dev/null
} | tee "$out"
cp "$out" BENCHMARKS.md
echo
echo "Written to BENCHMARKS.md"
