//! Collections: Postman's files in and out (the real public collections in
//! `../shared/data/postman-collections/`, Postman's own v2.1.0 schema in
//! `../shared/data/postman-schema/`), and collections kept as folders of TOML files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::path::{Path, PathBuf};

use sage200_desk::collection::{read_collection, write_collection};
use sage200_desk::model::{
    Body, Collection, Item, KeyValue, SavedRequest, Variable, from_postman, to_postman,
};
use serde_json::Value;

fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(path)
}

/// Every shared Postman collection: its file name and text.
fn postman_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(shared("postman-collections"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 9, "the nine shared collections");
    files
}

/// Folders and requests in a Postman file, counted from its JSON.
fn count_items(items: &[Value]) -> (usize, usize) {
    let (mut folders, mut requests) = (0, 0);
    for item in items {
        if let Some(inner) = item.get("item").and_then(Value::as_array) {
            let (f, r) = count_items(inner);
            folders += 1 + f;
            requests += r;
        } else {
            requests += 1;
        }
    }
    (folders, requests)
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(shared("postman-schema/collection-v2.1.0.json")).unwrap(),
    )
    .unwrap();
    jsonschema::draft4::new(&schema).unwrap()
}

#[test]
fn every_shared_collection_imports_with_each_item_accounted_for() {
    for (name, text) in postman_files() {
        let raw: Value = serde_json::from_str(&text).unwrap();
        let imported = from_postman(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (folders, requests) = count_items(raw["item"].as_array().unwrap());
        let summary = &imported.summary;
        assert_eq!(
            (summary.folders, summary.requests),
            (folders, requests),
            "{name}: every item is a folder or a request"
        );
        assert_eq!(imported.collection.folder_count(), folders, "{name}");
        assert_eq!(imported.collection.requests().len(), requests, "{name}");
        assert_eq!(
            imported.collection.name,
            raw["info"]["name"].as_str().unwrap()
        );
        let lines = summary.lines();
        assert!(
            lines[0].contains(&format!("{requests} requests")),
            "{name}: {lines:?}"
        );
        // Scripts, examples and auth are in the notes, never dropped silently.
        let has_scripts = text.contains("\"listen\"") && text.contains("\"exec\"");
        if has_scripts && text.contains("\"exec\": [\n") {
            assert!(
                summary.notes.iter().any(|n| n.what.contains("script")),
                "{name}: scripts noticed"
            );
        }
        // Nothing that looks like a credential written out is kept.
        for (_, request) in imported.collection.requests() {
            sage200_desk::collection::check_no_secrets(&request.name, request)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn what_each_shared_collection_holds_is_kept() {
    let import = |file: &str| {
        from_postman(
            &std::fs::read_to_string(shared(&format!("postman-collections/{file}"))).unwrap(),
        )
        .unwrap()
    };
    // Switched-off query parameters stay switched off (380 of 393 in this file).
    let onlyoffice = import("onlyoffice-docspace-api.postman_collection.json");
    let query: Vec<&KeyValue> = onlyoffice
        .collection
        .requests()
        .into_iter()
        .flat_map(|(_, r)| r.query.iter())
        .collect();
    assert_eq!(query.len(), 393);
    assert_eq!(query.iter().filter(|q| !q.enabled).count(), 380);
    // `baseUrl` declared twice: the last value is kept, and that is said.
    let base: Vec<&Variable> = onlyoffice
        .collection
        .variables
        .iter()
        .filter(|v| v.key == "baseUrl")
        .collect();
    assert_eq!(base.len(), 1);
    assert_eq!(base[0].value, "http://localhost:8092");
    assert!(
        onlyoffice
            .summary
            .notes
            .iter()
            .any(|n| n.what.contains("baseUrl is declared twice"))
    );

    // v2.0.0 with the legacy `variables`, URLs as plain strings, path variables by `id`.
    let esign = import("docusign-esignature-rest-api-2020-v2.0.0.postman_collection.json");
    assert_eq!(esign.summary.format, "v2.0.0");
    let bearer_dropped = esign
        .summary
        .notes
        .iter()
        .filter(|n| n.what.contains("Authorization: Bearer"))
        .count();
    assert_eq!(
        bearer_dropped, 363,
        "the bearer header of every request that has one"
    );
    // The three Basic headers name their credential by a variable: kept as written.
    let basic: Vec<String> = esign
        .collection
        .requests()
        .iter()
        .flat_map(|(_, r)| r.headers.iter())
        .filter(|h| h.key == "Authorization")
        .map(|h| h.value.clone())
        .collect();
    assert_eq!(basic, ["Basic {{encodeIkeyIsec}}"; 3]);
    assert!(
        esign
            .collection
            .requests()
            .iter()
            .all(|(_, r)| !r.url.is_empty())
    );

    // GraphQL becomes the JSON body a GraphQL server reads.
    let xray = import("xray-cloud-graphql-api.postman_collection.json");
    let graphql: Vec<Value> = xray
        .collection
        .requests()
        .iter()
        .filter_map(|(_, r)| match &r.body {
            Body::Raw { text, .. } if text.contains("\"query\"") => serde_json::from_str(text).ok(),
            _ => None,
        })
        .collect();
    assert!(graphql.len() >= 112, "{}", graphql.len());
    assert!(
        graphql
            .iter()
            .all(|g| g["query"].is_string() && g.get("variables").is_some())
    );
    // Folders four deep.
    assert!(
        xray.collection
            .requests()
            .iter()
            .any(|(folders, _)| folders.len() == 4)
    );
    // File bodies are kept by their path and noticed.
    assert!(
        xray.collection
            .requests()
            .iter()
            .any(|(_, r)| matches!(r.body, Body::File { .. }))
    );

    // Form data with files, urlencoded bodies, request auth overrides.
    let admin = import("docusign-admin-api.postman_collection.json");
    let files = admin
        .collection
        .requests()
        .iter()
        .filter_map(|(_, r)| match &r.body {
            Body::FormData(parts) => Some(parts.iter().filter(|p| p.file).count()),
            _ => None,
        })
        .sum::<usize>();
    assert_eq!(files, 6);
    assert!(
        admin
            .summary
            .notes
            .iter()
            .any(|n| n.what.contains("\"oauth2\""))
    );
    assert!(
        admin
            .summary
            .notes
            .iter()
            .any(|n| n.what.contains("\"basic\""))
    );

    // `:id` path variables with their values.
    let adyen = import("adyen-balance-platform-configuration-v2.postman_collection.json");
    let with_path_variables = adyen
        .collection
        .requests()
        .iter()
        .filter(|(_, r)| !r.path_variables.is_empty() && r.url.contains("/:"))
        .count();
    assert_eq!(with_path_variables, 76);
    // The api key the collection's auth names is noted by its kind, its value not kept.
    assert!(
        adyen
            .summary
            .notes
            .iter()
            .any(|n| n.what.contains("\"apikey\""))
    );
    assert!(!format!("{:?}", adyen.collection).contains("YOUR_X-API-KEY"));
}

#[test]
fn exports_pass_postmans_schema_and_read_back_unchanged() {
    let validator = validator();
    for (name, text) in postman_files() {
        let collection = from_postman(&text).unwrap().collection;
        let exported = to_postman(&collection);
        let problems: Vec<String> = validator
            .iter_errors(&exported)
            .take(5)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        let again = from_postman(&serde_json::to_string_pretty(&exported).unwrap()).unwrap();
        assert_eq!(again.collection, collection, "{name}: read back unchanged");
    }
    // A collection made here, with paths under the Sage API: Postman can send it once
    // the token, site and company are set.
    let made = sage_collection();
    let exported = to_postman(&made);
    assert!(validator.is_valid(&exported));
    let first = &exported["item"][0]["item"][0]["request"];
    assert_eq!(
        first["url"]["raw"],
        "{{sage200BaseUrl}}/customers?$select=id,name&$filter=balance gt 0"
    );
    assert_eq!(first["header"][0]["value"], "{{site_id}}");
    assert_eq!(first["auth"]["type"], "bearer");
    assert_eq!(
        from_postman(&exported.to_string()).unwrap().collection,
        made
    );
}

/// A small collection as a Sage 200 developer would keep one.
fn sage_collection() -> Collection {
    let request = |name: &str, method: &str, url: &str| SavedRequest {
        name: name.to_owned(),
        method: method.to_owned(),
        url: url.to_owned(),
        ..SavedRequest::default()
    };
    let on = |key: &str, value: &str| KeyValue {
        enabled: true,
        key: key.to_owned(),
        value: value.to_owned(),
    };
    let mut list = request("List customers", "GET", "customers");
    list.query = vec![
        on("$select", "id,name"),
        on("$filter", "balance gt 0"),
        KeyValue {
            enabled: false,
            ..on("$top", "10")
        },
    ];
    "Customers who owe us.\n\nSecond paragraph.".clone_into(&mut list.description);
    let mut create = request("Create customer", "POST", "customers");
    create.body = Body::Raw {
        text: "{\n  \"reference\": \"NEW01\",\n  \"name\": \"New Ltd\"\n}".to_owned(),
        language: "json".to_owned(),
    };
    create.captures = vec![sage200_desk::model::Capture {
        variable: "customer_id".into(),
        path: "$.id".into(),
    }];
    let mut one = request("One customer", "GET", "customers/:id");
    one.path_variables = vec![Variable {
        key: "id".into(),
        value: "{{customer_id}}".into(),
        enabled: true,
        ..Variable::default()
    }];
    Collection {
        name: "Sage 200 — customers".to_owned(),
        description: "Requests against the demo.".to_owned(),
        variables: vec![
            Variable {
                key: "customer_id".into(),
                value: "42".into(),
                enabled: true,
                ..Variable::default()
            },
            Variable {
                key: "api_secret".into(),
                secret: true,
                enabled: true,
                ..Variable::default()
            },
        ],
        items: vec![
            Item::Folder(sage200_desk::model::Folder {
                name: "Customers".to_owned(),
                items: vec![
                    Item::Request(list),
                    Item::Request(create),
                    Item::Request(one),
                ],
                ..Default::default()
            }),
            Item::Request(request("Sites", "GET", "sites")),
        ],
        environments: Vec::new(),
    }
}

#[test]
fn collections_are_folders_of_toml_files_that_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let made = sage_collection();
    write_collection(dir.path(), &made).unwrap();
    let files = |dir: &Path| {
        let mut names: Vec<String> = walk(dir)
            .iter()
            .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        files(dir.path()),
        [
            "collection.toml",
            "customers/create-customer.toml",
            "customers/folder.toml",
            "customers/list-customers.toml",
            "customers/one-customer.toml",
            "sites.toml",
        ]
    );
    let text = std::fs::read_to_string(dir.path().join("customers/create-customer.toml")).unwrap();
    assert!(text.contains("method = \"POST\""), "{text}");
    assert!(
        text.contains("\"reference\": \"NEW01\","),
        "the body's lines as lines: {text}"
    );
    let top = std::fs::read_to_string(dir.path().join("collection.toml")).unwrap();
    assert!(top.contains("order = ["), "{top}");
    assert!(
        top.contains("secret = true") && !top.contains("api_secret\"\nvalue"),
        "{top}"
    );
    assert_eq!(read_collection(dir.path()).unwrap(), made);

    // Writing again changes no file; a request written by hand is read after the others.
    let before: Vec<_> = walk(dir.path())
        .iter()
        .map(|p| (p.clone(), std::fs::metadata(p).unwrap().modified().unwrap()))
        .collect();
    write_collection(dir.path(), &made).unwrap();
    for (path, modified) in before {
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            modified,
            "{path:?}"
        );
    }
    std::fs::write(dir.path().join("by-hand.toml"), "url = \"suppliers\"\n").unwrap();
    let read = read_collection(dir.path()).unwrap();
    let Item::Request(by_hand) = read.items.last().unwrap() else {
        panic!()
    };
    assert_eq!(
        (by_hand.method.as_str(), by_hand.url.as_str()),
        ("GET", "suppliers")
    );

    // Reordered and renamed: files follow, the old ones go.
    let mut changed = made.clone();
    changed.items.reverse();
    if let Item::Request(sites) = &mut changed.items[0] {
        sites.name = "All sites".to_owned();
    }
    write_collection(dir.path(), &changed).unwrap();
    assert!(!dir.path().join("sites.toml").exists());
    assert!(dir.path().join("all-sites.toml").exists());
    assert_eq!(read_collection(dir.path()).unwrap(), changed);

    // A credential written out is refused, and nothing is written.
    let mut leaky = changed.clone();
    if let Item::Request(sites) = &mut leaky.items[0] {
        sites.headers.push(KeyValue {
            enabled: true,
            key: "X-Api-Key".into(),
            value: "sk_live_123".into(),
        });
    }
    let refused = write_collection(dir.path(), &leaky)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("X-Api-Key") && refused.contains("{{x_api_key}}"),
        "{refused}"
    );
    assert!(
        !walk(dir.path())
            .iter()
            .any(|p| std::fs::read_to_string(p).unwrap().contains("sk_live"))
    );
}

#[test]
fn every_shared_collection_round_trips_through_its_folder() {
    for (name, text) in postman_files() {
        let collection = from_postman(&text).unwrap().collection;
        let dir = tempfile::tempdir().unwrap();
        write_collection(dir.path(), &collection).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read_collection(dir.path()).unwrap(), collection, "{name}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn the_command_line_imports_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_sage200-desk");
    let file = shared("postman-collections/xero-oauth2.postman_collection.json");
    let out = std::process::Command::new(exe)
        .args(["collection", "import"])
        .arg(&file)
        .arg(dir.path().join("xero"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("4 requests"), "{said}");
    assert!(said.contains("script"), "{said}");
    assert!(dir.path().join("xero/collection.toml").is_file());

    let back = dir.path().join("xero.postman_collection.json");
    let out = std::process::Command::new(exe)
        .args(["collection", "export"])
        .arg(dir.path().join("xero"))
        .arg(&back)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&back).unwrap()).unwrap();
    assert!(validator().is_valid(&exported));

    // A file that is not a collection: a message and a failing status.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"not\": \"postman\"}").unwrap();
    let out = std::process::Command::new(exe)
        .args(["collection", "import"])
        .arg(&bad)
        .arg(dir.path().join("nothing"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Postman collection"));
    assert!(!dir.path().join("nothing").exists());
}

#[test]
fn sages_openapi_files_become_collections_of_every_operation() {
    let validator = validator();
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/sage200-openapi");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    let mut total = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let document: Value = serde_json::from_str(&text).unwrap();
        let operations: usize = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| {
                ["get", "post", "put", "patch", "delete"]
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .count()
            })
            .sum();
        let collection = sage200_desk::api::collection_from_openapi(&text).unwrap();
        assert_eq!(
            collection.requests().len(),
            operations,
            "{}",
            file.display()
        );
        assert_eq!(collection.name, document["info"]["title"].as_str().unwrap());
        // Every request is in the folder of its operation's first tag, and its path
        // placeholders are path variables.
        for (folders, request) in collection.requests() {
            assert_eq!(folders.len(), 1, "{}: {}", file.display(), request.name);
            for variable in &request.path_variables {
                assert!(
                    request.url.contains(&format!(":{}", variable.key)),
                    "{}",
                    request.url
                );
            }
            assert!(!request.url.contains('{'), "{}", request.url);
        }
        let exported = to_postman(&collection);
        assert!(validator.is_valid(&exported), "{}", file.display());
        total += operations;
    }
    assert!(total >= 700, "{total}");

    // A create starts from the record's required fields.
    let sales = std::fs::read_to_string(folder.join("sales.json")).unwrap();
    let collection = sage200_desk::api::collection_from_openapi(&sales).unwrap();
    let create = collection
        .requests()
        .into_iter()
        .find(|(_, r)| r.method == "POST" && r.url == "customers")
        .unwrap()
        .1;
    let Body::Raw { text, language } = &create.body else {
        panic!("{:?}", create.body)
    };
    assert_eq!(language, "json");
    let body: Value = serde_json::from_str(text).unwrap();
    let schema: Value = serde_json::from_str(&sales).unwrap();
    for required in schema["components"]["schemas"]["customer"]["required"]
        .as_array()
        .into_iter()
        .flatten()
    {
        assert!(
            body.get(required.as_str().unwrap()).is_some(),
            "{required} in {text}"
        );
    }
    let one = collection
        .requests()
        .into_iter()
        .find(|(_, r)| r.method == "GET" && r.url == "customers/:id")
        .unwrap()
        .1;
    assert_eq!(one.path_variables[0].key, "id");

    // From the command line, into a folder that reads back as the same collection.
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sage200-desk"))
        .args(["collection", "import"])
        .arg(folder.join("sales.json"))
        .arg(dir.path().join("sales"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("OpenAPI"));
    assert_eq!(
        read_collection(&dir.path().join("sales")).unwrap(),
        collection
    );
}

#[test]
fn imports_keep_no_credential_and_never_touch_what_is_not_theirs() {
    let postman = serde_json::json!({
        "info": { "name": "Mixed", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "variable": [
            { "key": "apiKey", "value": "sk_live_abc" },
            { "key": "tokenUrl", "value": "https://login.example.com/token" }
        ],
        "item": [
            {
                "name": "Log in",
                "request": {
                    "method": "POST",
                    "url": {
                        "raw": "https://api.example.com/accounts/v10/login?q=a%20b&pct=100%",
                        "query": [
                            { "key": "q", "value": "a%20b" },
                            { "key": "pct", "value": "100%" }
                        ]
                    },
                    "body": { "mode": "raw", "raw": "{\"user\":\"ann\",\"password\":\"hunter2\",\"nested\":{\"client_secret\":\"{{secret}}\"}}" }
                }
            },
            {
                "name": "Customers",
                "request": { "method": "GET", "url": "https://api.columbus.sage.com/uk/sage200/accounts/v1/customers" }
            }
        ]
    });
    let imported = from_postman(&postman.to_string()).unwrap();
    let requests = imported.collection.requests();
    let login = requests[0].1;
    assert_eq!(
        login.url, "https://api.example.com/accounts/v10/login",
        "not a Sage address"
    );
    assert_eq!(login.query[0].value, "a b", "escapes decoded");
    assert_eq!(login.query[1].value, "100%", "a lone % kept");
    let Body::Raw { text, .. } = &login.body else {
        panic!()
    };
    let body: Value = serde_json::from_str(text).unwrap();
    assert_eq!(body["password"], "{{password}}");
    assert_eq!(body["user"], "ann");
    assert_eq!(body["nested"]["client_secret"], "{{secret}}");
    assert!(!format!("{:?}", imported.collection).contains("hunter2"));
    assert!(!format!("{:?}", imported.collection).contains("sk_live_abc"));
    let variables = &imported.collection.variables;
    assert!(variables[0].secret && variables[0].value.is_empty());
    assert_eq!(
        variables[1].value, "https://login.example.com/token",
        "an address is no secret"
    );
    assert_eq!(requests[1].1.url, "customers");
    assert!(
        imported
            .summary
            .notes
            .iter()
            .any(|n| n.what.contains("is a Sage 200 API address"))
    );
    // Exported, the Sage token goes only to the Sage request.
    let exported = to_postman(&imported.collection);
    assert_eq!(exported["item"][0]["request"]["auth"]["type"], "noauth");
    assert_eq!(exported["item"][1]["request"]["auth"]["type"], "bearer");
    assert_eq!(
        from_postman(&exported.to_string()).unwrap().collection,
        imported.collection
    );

    // Into a folder that is not empty: refused, and what was there stays.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\n").unwrap();
    let file = dir.path().join("mixed.json");
    std::fs::write(&file, postman.to_string()).unwrap();
    let refused = sage200_desk::collection::import_file(&file, dir.path()).unwrap_err();
    assert!(refused.contains("not empty"), "{refused}");
    assert!(dir.path().join("Cargo.toml").exists());

    // Saving never removes what is not the collection's.
    let target = dir.path().join("mixed");
    sage200_desk::collection::import_file(&file, &target).unwrap();
    let mut collection = read_collection(&target).unwrap();
    collection
        .items
        .push(Item::Folder(sage200_desk::model::Folder {
            name: "Notes".into(),
            items: vec![Item::Request(SavedRequest {
                name: "x".into(),
                url: "sites".into(),
                ..SavedRequest::default()
            })],
            ..Default::default()
        }));
    write_collection(&target, &collection).unwrap();
    std::fs::write(target.join("notes/README.md"), "mine").unwrap();
    std::fs::write(target.join(".editorconfig.toml"), "mine").unwrap();
    collection.items.pop();
    write_collection(&target, &collection).unwrap();
    assert_eq!(
        std::fs::read_to_string(target.join("notes/README.md")).unwrap(),
        "mine"
    );
    assert!(!target.join("notes/folder.toml").exists() && !target.join("notes/x.toml").exists());
    assert!(target.join(".editorconfig.toml").exists());
    assert_eq!(read_collection(&target).unwrap(), collection);

    // Credentials typed into a collection by hand are refused, wherever they are.
    let mut leaky = collection.clone();
    leaky.variables.push(Variable {
        key: "client_secret".into(),
        value: "abc".into(),
        enabled: true,
        ..Variable::default()
    });
    assert!(
        write_collection(&target, &leaky)
            .unwrap_err()
            .to_string()
            .contains("client_secret")
    );
    let mut leaky = collection.clone();
    if let Item::Request(r) = &mut leaky.items[0] {
        r.body = Body::Raw {
            text: "{\"password\":\"hunter2\"}".into(),
            language: "json".into(),
        };
    }
    assert!(
        write_collection(&target, &leaky)
            .unwrap_err()
            .to_string()
            .contains("password")
    );
    let mut leaky = collection;
    if let Item::Request(r) = &mut leaky.items[0] {
        r.url = "https://ann:hunter2@api.example.com/x".into();
    }
    assert!(write_collection(&target, &leaky).is_err());
}

#[test]
fn environments_are_files_and_their_secrets_live_in_the_keyring() {
    use sage200_desk::collection::{SecretScope, read_secrets, write_secret};
    use sage200_desk::model::{Environment, Secret};
    let dir = tempfile::tempdir().unwrap();
    let var = |key: &str, value: &str, secret: bool| Variable {
        key: key.into(),
        value: value.into(),
        enabled: true,
        secret,
        ..Variable::default()
    };
    let mut made = sage_collection();
    made.environments = vec![
        Environment {
            name: "Demo".into(),
            variables: vec![var("customer_id", "1", false), var("api_key", "", true)],
        },
        Environment {
            name: "Live site".into(),
            variables: vec![var("customer_id", "7", false), var("api_key", "", true)],
        },
    ];
    write_collection(dir.path(), &made).unwrap();
    let live = std::fs::read_to_string(dir.path().join("environments/live-site.toml")).unwrap();
    assert!(
        live.contains("name = \"Live site\"") && live.contains("secret = true"),
        "{live}"
    );
    assert_eq!(read_collection(dir.path()).unwrap(), made);
    // A folder called Environments is a folder of requests, apart from the environments.
    let mut with_folder = made.clone();
    with_folder
        .items
        .push(Item::Folder(sage200_desk::model::Folder {
            name: "Environments".into(),
            items: vec![Item::Request(SavedRequest {
                name: "x".into(),
                url: "x".into(),
                ..SavedRequest::default()
            })],
            ..Default::default()
        }));
    write_collection(dir.path(), &with_folder).unwrap();
    assert_eq!(read_collection(dir.path()).unwrap(), with_folder);
    // A credential written out in an environment is refused, as in a request.
    let mut leaky = made.clone();
    leaky.environments[0]
        .variables
        .push(var("api_key_2", "sk_live_123456789", false));
    let refused = write_collection(dir.path(), &leaky)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("environment Demo"), "{refused}");
    // An environment removed takes its file with it, and nothing else.
    std::fs::write(dir.path().join("environments/notes.txt"), "mine").unwrap();
    let mut fewer = made.clone();
    fewer.environments.remove(1);
    write_collection(dir.path(), &fewer).unwrap();
    assert!(!dir.path().join("environments/live-site.toml").exists());
    assert!(dir.path().join("environments/notes.txt").exists());
    assert_eq!(
        read_collection(dir.path()).unwrap().environments,
        fewer.environments
    );

    // Secret values: in the keyring, by folder, environment and key; never in a file.
    let demo = SecretScope::Environment("Demo".into());
    let written = write_secret(dir.path(), &demo, "api_key", Some(&Secret::new("k-123")));
    if written.is_err() && !required("SAGE200_REQUIRE_KEYRING") {
        eprintln!("no keyring here: {written:?}");
        return;
    }
    written.unwrap();
    let secrets = read_secrets(dir.path(), &fewer).unwrap();
    assert_eq!(secrets.len(), 1);
    assert_eq!(
        (
            secrets[0].scope.clone(),
            secrets[0].key.as_str(),
            secrets[0].value.expose()
        ),
        (demo.clone(), "api_key", "k-123")
    );
    assert!(!format!("{secrets:?}").contains("k-123"));
    assert!(
        !walk(dir.path())
            .iter()
            .any(|p| std::fs::read(p).unwrap().windows(5).any(|w| w == b"k-123")),
        "no file holds the secret"
    );
    // Another collection's folder does not see it; forgetting removes it.
    let other = tempfile::tempdir().unwrap();
    assert!(read_secrets(other.path(), &fewer).unwrap().is_empty());
    write_secret(dir.path(), &demo, "api_key", None).unwrap();
    assert!(read_secrets(dir.path(), &fewer).unwrap().is_empty());
}

fn required(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1")
}

#[test]
fn captures_run_in_postman_as_a_test_script() {
    // The script an export writes, run by node with Postman's `pm` played by a stand-in
    // (node is what Postman's sandbox runs; `pm` itself cannot be had outside Postman).
    let made = sage_collection();
    let exported = to_postman(&made);
    let create = &exported["item"][0]["item"][1];
    assert_eq!(create["name"], "Create customer");
    assert_eq!(create["event"][0]["listen"], "test");
    // Required where the code generators' interpreters are (scripts/test.sh installs node).
    let found = std::process::Command::new("node").arg("--version").output();
    if found.is_err() {
        assert!(
            std::env::var_os("SAGE200_REQUIRE_BROWSER").is_none(),
            "node is required here"
        );
        return;
    }
    let mut more = made.clone();
    let Item::Folder(folder) = &mut more.items[0] else {
        panic!()
    };
    let Item::Request(request) = &mut folder.items[1] else {
        panic!()
    };
    request.captures = vec![
        sage200_desk::model::Capture {
            variable: "id".into(),
            path: "$.id".into(),
        },
        sage200_desk::model::Capture {
            variable: "first".into(),
            path: "$.contacts[*].name".into(),
        },
        sage200_desk::model::Capture {
            variable: "second".into(),
            path: "$.contacts[1].name".into(),
        },
        sage200_desk::model::Capture {
            variable: "address".into(),
            path: "$.address".into(),
        },
        sage200_desk::model::Capture {
            variable: "none".into(),
            path: "$.nothing.here".into(),
        },
    ];
    let exported = to_postman(&more);
    let exec: Vec<String> = exported["item"][0]["item"][1]["event"][0]["script"]["exec"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect();
    let program = format!(
        "const values = {{}};\nconst pm = {{ response: {{ json: () => ({{ id: 42, contacts: [{{ name: \"Ann\" }}, {{ name: \"Bo\" }}], address: {{ city: \"Leeds\" }} }}) }}, environment: {{ set: (k, v) => {{ values[k] = v; }} }} }};\n{}\nconsole.log(JSON.stringify(values));",
        exec.join("\n")
    );
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(&program)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let values: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        values,
        serde_json::json!({ "id": 42, "first": "Ann", "second": "Bo", "address": "{\"city\":\"Leeds\"}" })
    );
    // Read back from Postman: the captures, not a script in the description.
    let again = from_postman(&exported.to_string()).unwrap();
    assert_eq!(again.collection, more);
    assert!(
        again
            .summary
            .notes
            .iter()
            .all(|n| !n.what.contains("script")),
        "{:?}",
        again.summary.notes
    );
}
