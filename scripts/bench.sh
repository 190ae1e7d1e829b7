#!/usr/bin/env bash
# Runs the benchmarks in release mode, prints their tables, and writes them with a
# description of this machine to BENCHMARKS.md. Benchmarks print figures; they never fail
# on time. The budgets bench opens the real app, so it runs under Xvfb when there is no
# display (scripts/test.sh installs xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sage200-desk-target}"

display=()
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
  display=(xvfb-run -a -s "-screen 0 1280x800x24")
fi

# jless, a JSON viewer in Rust, for the side-by-side table of big answers (for the
# benchmark only: it needs xcb's development files to link, and is built once).
if ! [ -x /var/tmp/bench-tools/bin/jless ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -q libxcb-render0-dev libxcb-shape0-dev libxcb-xfixes0-dev >/dev/null || true
  fi
  CARGO_TARGET_DIR=/var/tmp/jless-target cargo install --quiet --locked jless --root /var/tmp/bench-tools \
    || echo "jless could not be built: the side-by-side table says so"
fi

cargo bench --no-run --quiet --bench budgets --bench paging
out=$(mktemp)
trap 'rm -f "$out"' EXIT
{
  echo "# Benchmarks"
  echo
  echo "Measured by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d) (release build)."
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)."
  echo
  echo "## Budgets"
  echo
  "${display[@]}" cargo bench --quiet --bench budgets 2>/dev/null | sed -n '/^| what /,$p'
  echo
  echo "## Paging (fetch all, transfer only)"
  echo
  cargo bench --quiet --bench paging 2>/dev/null
} | tee "$out"
cp "$out" BENCHMARKS.md
echo
echo "Written to BENCHMARKS.md"
