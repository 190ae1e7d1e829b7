#!/usr/bin/env bash
# Builds the Debian package with cargo-deb (configuration: [package.metadata.deb] in
# Cargo.toml) and prints its path. Release build by default; `--profile dev` reuses the
# debug build that the tests already made (scripts/test.sh does that to stay quick).
#   scripts/package.sh [--profile release|dev]
# Installs cargo-deb when it is missing. macOS and Windows bundles are built on those
# systems with cargo-packager (see packaging/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
if [ "${1:-}" = "--profile" ] && [ -n "${2:-}" ]; then
  profile=$2
elif [ $# -gt 0 ]; then
  echo "usage: scripts/package.sh [--profile release|dev]" >&2
  exit 2
fi

if ! command -v cargo-deb >/dev/null; then
  echo "== installing cargo-deb" >&2
  cargo install cargo-deb --locked --version 3.8.0 --quiet
fi
# dpkg-shlibdeps (for the $auto dependencies) comes with dpkg-dev, strip with binutils.
for tool in dpkg-shlibdeps strip; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian: dpkg-dev, binutils)" >&2; exit 1; }
done

target_dir=$(cargo metadata --format-version 1 --no-deps --locked \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
out="$target_dir/debian"
mkdir -p "$out"
echo "== cargo deb --profile $profile" >&2
# cargo-deb 3.8 warns that a dev-profile package is for testing only; that is what it is.
deb=$(cargo deb --locked --profile "$profile" --output "$out" | tail -n 1)
if [ ! -f "$deb" ]; then
  echo "cargo deb did not report a package (got: $deb)" >&2
  exit 1
fi
echo "$deb"
