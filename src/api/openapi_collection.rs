//! An `OpenAPI` 3 document (such as Sage's own files) as a collection to start from: one
//! request per operation, in a folder per tag, each path placeholder a `:name` path
//! variable, and for a create or update a JSON body of the record's required and
//! writable fields (the schema's example when it gives one).

use serde_json::Value;

use super::catalogue::{
    fields_of, normalise_path, openapi_paths, read_openapi, resolve, template_of,
};
use crate::model::{Body, Collection, Folder, Item, KeyValue, SavedRequest, Variable};

/// The methods an operation may have, in the order requests are listed.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Reads an `OpenAPI` 3 document (JSON) as a collection.
///
/// # Errors
/// A sentence for people when the text is not JSON or not an `OpenAPI` 3 document.
pub fn collection_from_openapi(text: &str) -> Result<Collection, String> {
    let document = read_openapi(text)?;
    let paths = openapi_paths(&document)?;
    let text_at = |value: &Value, key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let info = document.get("info").cloned().unwrap_or(Value::Null);
    let mut collection = Collection {
        name: Some(text_at(&info, "title"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "OpenAPI".to_owned()),
        description: text_at(&info, "description"),
        ..Collection::default()
    };
    // Folders in the order of the document's own tag list, then as tags first appear.
    let mut folders: Vec<Folder> = document
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|tag| Folder {
            name: text_at(tag, "name"),
            description: text_at(tag, "description"),
            ..Folder::default()
        })
        .filter(|f| !f.name.is_empty())
        .collect();
    for (raw_path, item) in paths {
        let path = normalise_path(raw_path);
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let request = request_of(&document, &path, method, operation);
            let tag = operation
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
                .unwrap_or("Other")
                .to_owned();
            let folder = if let Some(at) = folders.iter().position(|f| f.name == tag) {
                &mut folders[at]
            } else {
                folders.push(Folder {
                    name: tag,
                    ..Folder::default()
                });
                let last = folders.len() - 1;
                &mut folders[last]
            };
            folder.items.push(Item::Request(request));
        }
    }
    collection.items = folders
        .into_iter()
        .filter(|f| !f.items.is_empty())
        .map(Item::Folder)
        .collect();
    Ok(collection)
}

fn request_of(document: &Value, path: &str, method: &str, operation: &Value) -> SavedRequest {
    let text = |key: &str| {
        operation
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let mut path_variables = Vec::new();
    let url = path
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    path_variables.push(Variable {
                        key: name.to_owned(),
                        enabled: true,
                        ..Variable::default()
                    });
                    format!(":{name}")
                }
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/");
    let query = operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| resolve(document, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .map(|p| KeyValue {
            // Offered switched off: the user chooses which to send.
            enabled: false,
            key: p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            value: p
                .get("example")
                .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
                .unwrap_or_default(),
        })
        .collect();
    let description = [text("summary"), text("description")]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>();
    let description = if description.len() == 2 && description[0] == description[1] {
        description[0].to_owned()
    } else {
        description.join("\n\n")
    };
    SavedRequest {
        // The tree shows the method beside the name.
        name: url.clone(),
        description,
        method: method.to_ascii_uppercase(),
        url,
        query,
        path_variables,
        headers: Vec::new(),
        body: body_of(document, operation),
        captures: Vec::new(),
    }
}

/// The body to start from: the schema's example, else its required and writable fields.
fn body_of(document: &Value, operation: &Value) -> Body {
    let Some(content) = operation
        .get("requestBody")
        .and_then(|b| resolve(document, b))
        .and_then(|b| b.pointer("/content/application~1json"))
    else {
        return Body::None;
    };
    let schema = content.get("schema").and_then(|s| resolve(document, s));
    let example = content
        .get("example")
        .or_else(|| schema.and_then(|s| s.get("example")));
    let text = match example {
        Some(example) => serde_json::to_string_pretty(example).ok(),
        None => schema.and_then(|s| template_of(&fields_of(document, s))),
    };
    text.map_or(Body::None, |text| Body::Raw {
        text,
        language: "json".to_owned(),
    })
}
