//! Enforces the layering rules of ARCHITECTURE.md by scanning the sources: the test fails
//! when a module, or a kind of file inside a screen's folder (view, update, state), imports
//! what it must not use, and when a file outgrows the size the architecture allows.
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

/// A name a file must not use, except where the code at that place starts with one of
/// `except` (e.g. `crate::screens::` is forbidden in views, `crate::screens::shared` is not).
#[derive(Clone, Copy)]
struct Forbid {
    name: &'static str,
    except: &'static [&'static str],
}

const fn no(name: &'static str) -> Forbid {
    Forbid { name, except: &[] }
}

/// Which files a rule holds.
#[derive(Clone, Copy)]
enum Files {
    /// Every Rust file under a folder.
    Under(&'static str),
    /// The views of every screen: `view.rs` and `*_view.rs` under `src/screens`.
    Views,
    /// The update code of every screen: `update.rs` under `src/screens`.
    Updates,
    /// Every screen's command and state types: `mod.rs` and `state.rs` of each screen
    /// folder, and `src/screens/shared.rs`.
    States,
}

/// A rule: the files it covers must not use any of `forbidden` (outside comments and tests).
struct Rule {
    files: Files,
    forbidden: &'static [Forbid],
}

/// What no drawing code may touch: I/O, the runtime, the services, the update code.
const NO_IO: &[Forbid] = &[
    no("reqwest"),
    no("tokio"),
    no("crate::api::"),
    no("crate::auth::"),
    no("crate::export::"),
    no("crate::collection::"),
    no("crate::demo_server"),
    no("crate::app"),
    no("screens::calls"),
    no("update::"),
    no("Services"),
    no("std::fs"),
    no("std::net"),
    no("std::process"),
    no("std::thread"),
    no(".await"),
    no("keyring::"),
    no("rfd::"),
    no("open::"),
    no("axum"),
    no("super::super"),
];

/// What pure code may not touch: a UI, the network, the runtime, files, processes.
const PURE: &[Forbid] = &[
    no("egui"),
    no("eframe"),
    no("reqwest"),
    no("tokio"),
    no("axum"),
    no("keyring::"),
    no("std::fs"),
    no("std::net"),
    no("std::process"),
    no("std::thread"),
];

/// What the I/O layers below the app may not touch: a UI, the app, the screens, the demo.
const NO_UI: &[Forbid] = &[
    no("egui"),
    no("eframe"),
    no("crate::ui"),
    no("crate::app"),
    no("crate::screens"),
    no("crate::demo_server"),
];

const RULES: &[Rule] = &[
    Rule {
        files: Files::Under("src/model"),
        forbidden: PURE,
    },
    Rule {
        files: Files::Under("src/model"),
        forbidden: &[no("crate::"), no("super::super")],
    },
    Rule {
        files: Files::Under("src/document"),
        forbidden: PURE,
    },
    Rule {
        files: Files::Under("src/document"),
        forbidden: &[Forbid {
            name: "crate::",
            except: &["crate::model", "crate::document"],
        }],
    },
    Rule {
        files: Files::Under("src/ui"),
        forbidden: &[Forbid {
            name: "crate::screens::",
            except: &["crate::screens::shared"],
        }],
    },
    Rule {
        files: Files::Under("src/ui"),
        forbidden: NO_IO,
    },
    Rule {
        files: Files::Views,
        forbidden: &[Forbid {
            name: "crate::screens::",
            // A view draws its own screen; besides that only the shared state and the
            // records list that Browse and Customers both show.
            except: &["crate::screens::shared", "crate::screens::records::"],
        }],
    },
    Rule {
        files: Files::Views,
        forbidden: NO_IO,
    },
    Rule {
        files: Files::Updates,
        forbidden: &[
            Forbid {
                name: "egui::",
                // The clipboard and closing the window go through the context; no widgets.
                except: &["egui::Context", "egui::ViewportCommand"],
            },
            no("egui_extras"),
            no("crate::ui::"),
            no("::view::"),
            no("ui.add"),
            no("ui.label"),
            no("ui.button"),
        ],
    },
    Rule {
        files: Files::States,
        forbidden: &[
            no("egui"),
            no("eframe"),
            no("reqwest"),
            no("tokio"),
            no("std::fs"),
            no("std::net"),
            no("std::thread"),
            no(".await"),
            no("rfd::"),
            no("keyring::"),
            no("crate::app::Services"),
            no("Task<"),
        ],
    },
    Rule {
        files: Files::Under("src/api"),
        forbidden: NO_UI,
    },
    Rule {
        files: Files::Under("src/auth"),
        forbidden: NO_UI,
    },
    Rule {
        files: Files::Under("src/export"),
        forbidden: NO_UI,
    },
    Rule {
        files: Files::Under("src/export"),
        forbidden: &[no("reqwest")],
    },
    Rule {
        files: Files::Under("src/collection"),
        forbidden: NO_UI,
    },
    Rule {
        files: Files::Under("src/collection"),
        forbidden: &[no("reqwest"), no("crate::document")],
    },
    Rule {
        files: Files::Under("src/demo_server"),
        forbidden: NO_UI,
    },
    Rule {
        files: Files::Under("src/demo_server"),
        forbidden: &[
            no("reqwest"),
            no("keyring::"),
            no("crate::model"),
            no("crate::document"),
            no("crate::api"),
            no("crate::auth"),
            no("crate::export"),
            no("sage200_desk::"),
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
    files.sort();
    files
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

/// The files a rule covers.
fn files_of(root: &Path, files: Files) -> Vec<PathBuf> {
    let screens = || rust_files(&root.join("src/screens"));
    match files {
        Files::Under(dir) => rust_files(&root.join(dir)),
        Files::Views => screens()
            .into_iter()
            .filter(|p| {
                let name = file_name(p);
                name == "view.rs" || name.ends_with("_view.rs")
            })
            .collect(),
        Files::Updates => screens()
            .into_iter()
            .filter(|p| file_name(p) == "update.rs")
            .collect(),
        Files::States => screens()
            .into_iter()
            .filter(|p| {
                let in_screen_folder = p.parent() != Some(root.join("src/screens").as_path());
                let name = file_name(p);
                (in_screen_folder && (name == "mod.rs" || name == "state.rs"))
                    || name == "shared.rs"
            })
            .collect(),
    }
}

/// Lines of `source` that use a forbidden name, ignoring comments and `#[cfg(test)]` modules.
fn violations(source: &str, forbidden: &[Forbid]) -> Vec<(usize, String)> {
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
        for rule in forbidden {
            let broken = code.match_indices(rule.name).any(|(at, _)| {
                !rule
                    .except
                    .iter()
                    .any(|allowed| code[at..].starts_with(allowed))
            });
            if broken {
                found.push((number + 1, format!("uses `{}`: {}", rule.name, line.trim())));
            }
        }
    }
    found
}

/// The lines of a file before its `#[cfg(test)]` module.
fn code_lines(source: &str) -> usize {
    source
        .lines()
        .take_while(|l| !l.trim_start().starts_with("#[cfg(test)]"))
        .count()
}

#[test]
fn every_module_respects_its_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for rule in RULES {
        let files = files_of(root, rule.files);
        assert!(!files.is_empty(), "a rule covers no files");
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
fn every_screen_is_one_folder_with_its_kinds_of_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/screens");
    let mut screens = Vec::new();
    for entry in fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            screens.push(path);
        }
    }
    assert!(screens.len() >= 10, "{screens:?}");
    for screen in screens {
        let files: Vec<String> = rust_files(&screen)
            .iter()
            .map(|p| file_name(p).to_owned())
            .collect();
        assert!(
            files.iter().any(|f| f == "mod.rs"),
            "{}: no mod.rs",
            screen.display()
        );
        assert!(
            files.iter().any(|f| f == "view.rs"),
            "{}: no view.rs",
            screen.display()
        );
        let mod_rs = fs::read_to_string(screen.join("mod.rs")).unwrap();
        assert!(
            mod_rs.contains("pub enum Command") || mod_rs.contains("pub type Command"),
            "{}: the screen has no command type of its own",
            screen.display()
        );
    }
}

#[test]
fn files_stay_small_enough_to_read() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut too_long = Vec::new();
    for file in rust_files(&root.join("src")) {
        let lines = code_lines(&fs::read_to_string(&file).unwrap());
        let limit = if file.ends_with("src/app/mod.rs") {
            400
        } else {
            700
        };
        if lines > limit {
            too_long.push(format!(
                "{}: {lines} lines (at most {limit})",
                file.display()
            ));
        }
    }
    assert!(too_long.is_empty(), "{too_long:#?}");
}

#[test]
fn the_scanner_catches_a_forbidden_import() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let view_rules: Vec<Forbid> = RULES
        .iter()
        .filter(|r| matches!(r.files, Files::Views))
        .flat_map(|r| r.forbidden.iter().copied())
        .collect();
    let bad = "//! doc mentions reqwest harmlessly\nuse reqwest::Client;\nfn f() { x.await; }\n";
    let found = violations(bad, &view_rules);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, 2);
    // Another screen's types, or any screen's update code, are out of a view's reach; the
    // shared state and the records list are not.
    let reach = "use crate::screens::request::RequestTab;\nuse crate::screens::records::update::List;\nuse crate::screens::shared::Shared;\nuse crate::screens::records::view::list_screen;\n";
    let found = violations(reach, &view_rules);
    assert_eq!(
        found.iter().map(|f| f.0).collect::<Vec<_>>(),
        [1, 2],
        "{found:?}"
    );
    let update_rules = RULES
        .iter()
        .find(|r| matches!(r.files, Files::Updates))
        .unwrap();
    assert_eq!(
        violations(
            "let b = egui::Button::new(\"x\");\ncx.egui.send_viewport_cmd(egui::ViewportCommand::Close);\n",
            update_rules.forbidden
        )
        .len(),
        1
    );
    let model_rules: Vec<Forbid> = RULES
        .iter()
        .filter(|r| matches!(r.files, Files::Under("src/model")))
        .flat_map(|r| r.forbidden.iter().copied())
        .collect();
    assert_eq!(
        violations("use crate::api::ApiError;\nuse tokio::fs;", &model_rules).len(),
        2
    );
    // The kinds of file are found where the architecture puts them.
    let views = files_of(root, Files::Views);
    assert!(
        views
            .iter()
            .any(|p| p.ends_with("src/screens/request/view.rs"))
    );
    assert!(
        views
            .iter()
            .any(|p| p.ends_with("src/screens/request/answer_view.rs"))
    );
    let updates = files_of(root, Files::Updates);
    assert!(
        updates
            .iter()
            .any(|p| p.ends_with("src/screens/customers/update.rs"))
    );
    assert_eq!(code_lines("a\nb\n#[cfg(test)]\nc\n"), 2);
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
