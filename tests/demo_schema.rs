//! The demo server's customers against Sage's own `OpenAPI` schema (`../shared/sage200-openapi/
//! sales.json`): every field it returns exists there with a compatible type, and its length
//! and required rules agree with the schema's.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

use std::path::PathBuf;

use sage200_desk::demo_server::{DemoConfig, DemoServer};
use serde_json::{Value, json};

fn sales_schema() -> Option<Value> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/sage200-openapi/sales.json");
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

fn compatible(schema_type: &str, value: &Value) -> bool {
    match (schema_type, value) {
        ("integer", Value::Number(n)) => n.is_i64(),
        ("number", Value::Number(_))
        | ("string", Value::String(_))
        | ("boolean", Value::Bool(_)) => true,
        ("object", Value::Object(_)) | ("array", Value::Array(_)) | (_, Value::Null) => true,
        _ => false,
    }
}

#[tokio::test]
async fn customers_match_sages_schema() {
    let Some(openapi) = sales_schema() else {
        eprintln!("skipped: ../shared/sage200-openapi/sales.json is not there");
        return;
    };
    let customer = &openapi["components"]["schemas"]["customer"];
    let properties = customer["properties"].as_object().unwrap();

    let server = DemoServer::start(DemoConfig {
        auto_approve: true,
        customers: 5,
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = server.mint_access_token();
    let call = |method: reqwest::Method, path: &str| {
        http.request(method, format!("{}{path}", server.professional_api_url()))
            .header("Authorization", format!("Bearer {token}"))
            .header("X-Site", "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
            .header("X-Company", "101")
    };

    let record: Value = call(
        reqwest::Method::GET,
        "customers/1?$expand=main_address,contacts,currency,country_code,default_tax_code",
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let record = record.as_object().unwrap();
    assert!(record.len() > 60, "a full customer has many fields");
    for (name, value) in record {
        let property = properties
            .get(name)
            .unwrap_or_else(|| panic!("'{name}' is not in Sage's customer schema"));
        let schema_type = property["type"].as_str().unwrap_or("object");
        assert!(
            compatible(schema_type, value),
            "'{name}': {value} is not a {schema_type}"
        );
    }

    // Required fields agree.
    let mut required: Vec<&str> = customer["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["name", "reference"]);
    for missing in &required {
        let mut body = json!({"name": "Schema Test Ltd", "reference": "SCH01"});
        body.as_object_mut().unwrap().remove(*missing);
        let answer = call(reqwest::Method::POST, "customers")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "missing {missing}");
        let text = answer.text().await.unwrap();
        assert!(text.contains(missing), "{text}");
    }

    // Every length limit agrees: one past the limit is refused; at the limit is accepted.
    let mut checked = 0;
    for (name, property) in properties {
        let (Some(max), false) = (
            property["maxLength"].as_u64(),
            property["readOnly"].as_bool().unwrap_or(false),
        ) else {
            continue;
        };
        if !record.contains_key(name) || name == "reference" || name == "name" {
            continue;
        }
        let max = usize::try_from(max).unwrap();
        let too_long = call(reqwest::Method::PUT, "customers/1")
            .json(&json!({ name: "x".repeat(max + 1) }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            too_long.status(),
            400,
            "{name} accepted {} characters",
            max + 1
        );
        let ok = call(reqwest::Method::PUT, "customers/1")
            .json(&json!({ name: "x".repeat(max) }))
            .send()
            .await
            .unwrap();
        let status = ok.status();
        let text = ok.text().await.unwrap();
        // Enumerations refuse arbitrary text of any length; that is a value rule, not a length one.
        assert!(
            status == 200 || text.contains("not a valid value"),
            "{name} at {max}: {status} {text}"
        );
        checked += 1;
    }
    assert!(checked > 40, "only {checked} length limits checked");
    for (name, max) in [("reference", 8), ("name", 60)] {
        let answer = call(reqwest::Method::POST, "customers")
            .json(&json!({"name": "N", "reference": "R1", name: "y".repeat(max + 1)}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{name}");
        assert_eq!(properties[name]["maxLength"].as_u64(), Some(max as u64));
    }
}
