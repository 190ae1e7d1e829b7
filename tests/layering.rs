//! Enforces the layering rules of ARCHITECTURE.md by scanning the sources: the test fails
//! when a module imports what its layer must not use.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

use std::fs;
use std::path::{Path, PathBuf};

/// A rule: files under `dir` must not contain any of `forbidden` (outside comments).
struct Rule {
    dir: &'static str,
    forbidden: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        dir: "src/model",
        forbidden: &[
            "egui",
            "eframe",
            "reqwest",
            "tokio",
            "axum",
            "keyring::",
            "crate::",
            "super::super",
            "std::fs",
            "std::net",
            "std::process",
        ],
    },
    Rule {
        dir: "src/ui",
        forbidden: &[
            "reqwest",
            "tokio",
            "crate::api::",
            "crate::auth::",
            "crate::export::",
            "crate::demo_server",
            "std::fs",
            "std::net",
            "std::process",
            "std::thread",
            ".await",
            "keyring::",
            "rfd::",
            "axum",
        ],
    },
    Rule {
        dir: "src/api",
        forbidden: &[
            "egui",
            "eframe",
            "crate::ui",
            "crate::app",
            "crate::demo_server",
        ],
    },
    Rule {
        dir: "src/auth",
        forbidden: &[
            "egui",
            "eframe",
            "crate::ui",
            "crate::app",
            "crate::demo_server",
        ],
    },
    Rule {
        dir: "src/export",
        forbidden: &[
            "egui",
            "eframe",
            "crate::ui",
            "crate::app",
            "crate::demo_server",
            "reqwest",
        ],
    },
    Rule {
        dir: "src/demo_server",
        forbidden: &[
            "egui",
            "eframe",
            "reqwest",
            "keyring::",
            "crate::model",
            "crate::api",
            "crate::auth",
            "crate::ui",
            "crate::app",
            "crate::export",
            "sage200_desk::",
        ],
    },
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// Lines of `source` that use a forbidden name, ignoring comments and `#[cfg(test)]` modules.
fn violations(source: &str, forbidden: &[&str]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break; // test modules sit at the end of a file and may use anything
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = line.split(" //").next().unwrap_or(line);
        for name in forbidden {
            if code.contains(name) {
                found.push((number + 1, format!("uses `{name}`: {}", line.trim())));
            }
        }
    }
    found
}

#[test]
fn every_module_respects_its_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for rule in RULES {
        let dir = root.join(rule.dir);
        let files = rust_files(&dir);
        assert!(!files.is_empty(), "{} has no Rust files", rule.dir);
        for file in files {
            let source = fs::read_to_string(&file).unwrap();
            for (line, what) in violations(&source, rule.forbidden) {
                problems.push(format!("{}:{line}: {what}", file.display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scanner_catches_a_forbidden_import() {
    let ui_rule = RULES.iter().find(|r| r.dir == "src/ui").unwrap();
    let bad = "//! doc mentions reqwest harmlessly\nuse reqwest::Client;\nfn f() { x.await; }\n";
    let found = violations(bad, ui_rule.forbidden);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, 2);
    let model_rule = RULES.iter().find(|r| r.dir == "src/model").unwrap();
    assert_eq!(
        violations("use crate::api::ApiError;", model_rule.forbidden).len(),
        1
    );
}

#[test]
fn every_module_says_what_it_is_for() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = Vec::new();
    for file in rust_files(&root) {
        let source = fs::read_to_string(&file).unwrap();
        if !source.trim_start().starts_with("//!") {
            missing.push(file.display().to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "files without a `//!` module doc: {missing:?}"
    );
}
