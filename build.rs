//! Build script: puts the commit of the checkout (`git rev-parse --short HEAD`) into
//! `SAGE200_DESK_COMMIT` for `--version` and the About box. `SAGE200_DESK_COMMIT` in the
//! environment wins (builds from a source tarball); "unknown" without either.

use std::path::PathBuf;
use std::process::Command;

const OVERRIDE: &str = "SAGE200_DESK_COMMIT";

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(manifest_dir())
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo::rerun-if-env-changed={OVERRIDE}");
    // Watched even when git cannot be asked (not installed, or refusing the folder for
    // now): otherwise "unknown" would stay in this build for good.
    watch(".git/HEAD");
    // Rebuild when HEAD moves: HEAD itself, the branch it names, and packed refs.
    for name in ["HEAD", "packed-refs"] {
        if let Some(path) = git(&["rev-parse", "--git-path", name]) {
            watch(&path);
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(&["rev-parse", "--git-path", &branch])
    {
        watch(&path);
    }
    let commit = std::env::var(OVERRIDE)
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git(&["rev-parse", "--short=9", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo::rustc-env={OVERRIDE}={commit}");
}

/// The package's folder, read when the script runs: a build script compiled in one clone
/// is reused by others sharing the target folder, so a path baked in with `env!` would
/// point at the first clone (and "unknown" would stick once it is gone).
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn watch(path: &str) {
    let mut full = PathBuf::from(path);
    if full.is_relative() {
        full = manifest_dir().join(full);
    }
    if full.exists() {
        println!("cargo::rerun-if-changed={}", full.display());
    }
}
