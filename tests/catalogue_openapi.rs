//! Importing Sage's own `OpenAPI` files (`../shared/sage200-openapi/`) into the endpoint
//! catalogue finds every path they describe.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use sage200_desk::api::{Catalogue, FieldKind, Verb};

#[test]
fn every_sage_openapi_file_imports_and_all_507_paths_are_found() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/sage200-openapi");
    let Ok(entries) = std::fs::read_dir(&folder) else {
        eprintln!("skipped: {} is not there", folder.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 11);
    let mut catalogue = Catalogue::builtin();
    let builtin_paths = catalogue.len();
    let mut described = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        described += catalogue
            .import_openapi(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    assert_eq!(described, 507, "paths described across the files");
    // Two paths appear in two files each; a few built-in paths are not in Sage's files.
    let unique: std::collections::HashSet<String> = files
        .iter()
        .flat_map(|f| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            v["paths"]
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.trim_matches('/').to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(unique.len(), 505);
    assert!(catalogue.len() >= 505 && catalogue.len() <= 505 + builtin_paths);
    eprintln!(
        "{described} paths described, {} unique, catalogue now {}",
        unique.len(),
        catalogue.len()
    );

    let customers = catalogue.get("customers").unwrap();
    assert_eq!(customers.title, "Customers", "the built-in title is kept");
    assert!(customers.verbs.contains(&Verb::Post));
    let reference = customers
        .fields
        .iter()
        .find(|f| f.name == "reference")
        .unwrap();
    assert_eq!(
        (reference.kind, reference.max_len, reference.required),
        (FieldKind::Text, Some(8), true)
    );
    assert!(customers.fields.len() > 100, "Sage's full customer schema");
    assert!(
        catalogue
            .get("customers/{id}")
            .unwrap()
            .verbs
            .contains(&Verb::Delete)
    );
    assert!(catalogue.lists().count() > 150);
}
