#!/usr/bin/env bash
# Runs every check of the project, on a fresh Debian machine as on a developer's:
# installs missing system packages (when root), then cargo fmt, clippy (pedantic,
# -D warnings) and all tests inside a private D-Bus session with an unlocked gnome-keyring
# (the real Secret Service) and an Xvfb display for the GUI tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# One target folder shared by every clone on this machine keeps CI incremental; a clean
# machine simply builds it from scratch.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sage200-desk-target}"


packages=(
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools
  mesa-vulkan-drivers libvulkan1 libgl1-mesa-dri libegl1 libxkbcommon-x11-0
  imagemagick x11-utils xdotool chromium chromium-driver
  dpkg-dev binutils desktop-file-utils appstream xdg-utils curl
  libreoffice-calc-nogui
  at-spi2-core gir1.2-atspi-2.0 python3-gi
  python3-requests nodejs
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "== installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing packages (run as root or install them): ${missing[*]}" >&2
    exit 1
  fi
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (pedantic, -D warnings)"
cargo clippy --all-targets --locked -- -D warnings

# The Debian package, from the debug build the tests use (a release build would add
# minutes); tests/packaging.rs unpacks and checks it.
echo "== scripts/package.sh --profile dev"
SAGE200_DEB=$(scripts/package.sh --profile dev)
export SAGE200_DEB SAGE200_REQUIRE_PACKAGE=1

# node-oidc-provider, the certified OpenID provider tests/sign_in.rs signs in against
# (Node.js and npm come with this kind of machine; the lock file pins every package).
echo "== npm ci --prefix tests/oidc (node-oidc-provider)"
if ! command -v npm >/dev/null; then
  echo "npm is missing: install Node.js 20.19 or later with npm" >&2
  exit 1
fi
npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error
export SAGE200_REQUIRE_OIDC=1

# A private, throw-away home for everything the tests write: keyrings, app data, config.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# The tests must not silently skip what this script provides.
unset LC_ALL
export SAGE200_REQUIRE_GUI=1 SAGE200_REQUIRE_KEYRING=1 SAGE200_REQUIRE_BROWSER=1
export SAGE200_REQUIRE_CALC=1
export RUST_BACKTRACE=1

echo "== cargo test (private D-Bus session, gnome-keyring, Xvfb)"
dbus-run-session -- bash -c '
  set -euo pipefail
  echo -n "test-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # Dates follow the locale and local time: pin both so snapshots read the same everywhere
  # (set through env, so this shell does not try to load a locale it may not have).
  env LC_TIME=en_GB.UTF-8 TZ=UTC \
    xvfb-run -a -s "-screen 0 1280x800x24" cargo test --locked --all-targets "$@"
' bash "$@"

# Fuzzing, briefly: each cargo-fuzz target (fuzz/) for a bounded time. Only the stable
# toolchain is available here, and cargo-fuzz passes flags that stable reserves for
# nightly, hence RUSTC_BOOTSTRAP; `-s none` (no sanitizer) keeps it to stable codegen.
echo "== fuzzing (cargo fuzz, ${SAGE200_FUZZ_SECONDS:-20} s a target)"
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --locked --version 0.13.2 --quiet
fi
for target in answer curl; do
  if ! (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -s none "$target" -- \
      -max_total_time="${SAGE200_FUZZ_SECONDS:-20}" >fuzz.log 2>&1); then
    tail -60 fuzz/fuzz.log
    echo "fuzz target $target failed (see above; the input is in fuzz/artifacts/$target)" >&2
    exit 1
  fi
  grep -h "^Done" fuzz/fuzz.log || true
done
