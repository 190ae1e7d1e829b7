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

    // Reference fields lead to their lists by Sage's naming, across Sage's own resources.
    for (field, list) in [
        ("supplier_id", "suppliers"),
        ("nominal_code_id", "nominal_codes"),
        ("default_tax_code_id", "tax_codes"),
        ("currency_id", "currencies"),
        ("customer_id", "customers"),
        ("country_code_id", "country_codes"),
    ] {
        assert_eq!(
            catalogue.link_target(field).map(|e| e.path.as_str()),
            Some(list),
            "{field}"
        );
    }
    // Most `…_id` fields of Sage's customer record lead somewhere.
    let ids: Vec<&str> = customers
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| n.ends_with("_id"))
        .collect();
    let linked = ids
        .iter()
        .filter(|f| catalogue.link_target(f).is_some())
        .count();
    eprintln!(
        "{linked} of {} customer reference fields linked: {ids:?}",
        ids.len()
    );
    assert!(linked * 2 > ids.len(), "{linked} of {ids:?}");
}

/// The customer form checks every text field against the length Sage's own schema gives.
#[test]
fn the_customer_form_limits_match_sages_schema() {
    use sage200_desk::model::CustomerField;
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/sage200-openapi/sales.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let schemas = &schema["components"]["schemas"];
    let mut checked = 0;
    for field in CustomerField::ALL {
        let wire = field.wire_name();
        let properties = if let Some(name) = wire.strip_prefix("main_address.") {
            &schemas["customer"]["properties"]["main_address"]["properties"][name]
        } else if let Some(name) = wire.strip_prefix("contacts[0].emails[0].") {
            &schemas["customer_email"]["properties"][name]
        } else if let Some(name) = wire.strip_prefix("contacts[0].") {
            &schemas["customer_contact"]["properties"][name]
        } else {
            &schemas["customer"]["properties"][wire]
        };
        assert!(properties.is_object(), "{wire} is in Sage's schema");
        let sage = properties["maxLength"]
            .as_u64()
            .map(|n| usize::try_from(n).unwrap());
        // Enumerations are chosen from a list, never typed, so they have no typed limit.
        if matches!(field, CustomerField::Status | CustomerField::AccountType) {
            continue;
        }
        assert_eq!(field.max_len(), sage, "{wire}");
        checked += 1;
    }
    assert!(checked >= 18, "{checked}");
}
