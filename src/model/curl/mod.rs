//! curl commands in and out, as curl itself reads them (its manual and curl 7.88's
//! behaviour, checked by `tests/curl_corpus.rs` against the real curl).
//!
//! - [`from_curl`] / [`from_curl_reading`]: a pasted command (bash, Windows cmd or
//!   PowerShell) into a request draft, with notes on what the app cannot carry; a command
//!   that would make a different request is refused with the reason.
//! - [`to_curl`]: the request the app would send, as a command for any of those shells.

mod export;
mod import;
mod options;
mod query;
mod shell;
mod windows;

pub use export::{
    CurlRequest, TOKEN_PLACEHOLDER, quote_bash, quote_cmd, quote_powershell, to_curl,
};
pub use import::{Imported, ReadFile, from_curl, from_curl_reading};
pub(crate) use query::apply_pairs;
pub use shell::Shell;

use super::odata::ODataQuery;
use super::request::{HttpMethod, KeyValue, RequestDraft, header_problem};

/// Every option of curl's table with whether it takes a value: for the test that checks the
/// table against the installed curl (`curl --help all`).
#[must_use]
pub fn option_table() -> Vec<(&'static str, Option<char>, bool)> {
    options::OPTIONS
        .iter()
        .map(|o| (o.long, o.short, o.takes_value))
        .collect()
}

/// Decodes `%XX` and `+` (as a space) the way servers read a query string.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 3 <= bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    out.push(value);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::shell::detect;
    use super::*;

    const BASE: &str = "https://api.columbus.sage.com/uk/sage200extra/accounts/v1/";

    #[test]
    fn a_request_round_trips_through_every_shell() {
        let url =
            format!("{BASE}customers?$filter=name%20eq%20%27O%27%27Brien%20%26%20Sons%27&$top=5");
        let headers = vec![("X-Trace".to_owned(), "it's me".to_owned())];
        let body = "{\"name\": \"O'Brien\"}";
        for shell in Shell::ALL {
            let command = to_curl(
                &CurlRequest {
                    method: HttpMethod::Post,
                    url: &url,
                    headers: &headers,
                    body: Some(body),
                },
                shell,
                None,
            )
            .unwrap();
            assert_eq!(detect(&command), shell, "{command}");
            let imported = from_curl(&command, BASE).unwrap();
            let draft = imported.draft;
            assert_eq!(draft.method, HttpMethod::Post);
            assert_eq!(draft.path, "customers");
            assert_eq!(draft.query.filter, "name eq 'O''Brien & Sons'");
            assert_eq!(draft.query.top, Some(5));
            assert_eq!(draft.body, body);
            assert_eq!(
                draft.headers,
                [KeyValue {
                    enabled: true,
                    key: "X-Trace".into(),
                    value: "it's me".into()
                }]
            );
            // Only the token placeholder is left out, and said so.
            assert_eq!(imported.notes.len(), 1, "{:?}", imported.notes);
            assert!(imported.notes[0].contains("Authorization"));
        }
    }

    #[test]
    fn pasted_commands_are_read_or_refused_with_a_reason() {
        let got = from_curl(
            "curl --location 'https://example.test/uk/sage200/accounts/v1/suppliers?$select=id,name&page=2' \\\n  --header 'X-Site: abc' --header \"X-Company: 1\"",
            "",
        )
        .unwrap();
        assert_eq!(got.draft.path, "suppliers");
        assert_eq!(got.draft.query.select, ["id", "name"]);
        assert_eq!(got.draft.params[0].key, "page");
        assert!(
            got.draft.headers.is_empty(),
            "the app sets X-Site and X-Company itself"
        );
        assert!(
            from_curl("wget http://x", BASE)
                .unwrap_err()
                .contains("not a curl")
        );
        assert!(
            from_curl("curl 'unclosed", BASE)
                .unwrap_err()
                .contains("not closed")
        );
        assert!(
            from_curl("curl -X", BASE)
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(
            from_curl("curl https://elsewhere.example/x", BASE)
                .unwrap_err()
                .contains("not a Sage 200")
        );
        assert!(
            from_curl("curl -X BREW https://x/accounts/v1/a", BASE)
                .unwrap_err()
                .contains("BREW")
        );
        assert!(
            from_curl("curl -X PATCH https://x/accounts/v1/a", BASE)
                .unwrap_err()
                .contains("PATCH")
        );
        assert_eq!(percent_decode("%41%2"), "A%2");
    }
}
