//! curl commands: writing a request as one (the token replaced by `$SAGE200_TOKEN` unless
//! the user asks for it), and reading one pasted from elsewhere into a request draft.

use super::odata::ODataQuery;
use super::request::{HttpMethod, KeyValue, RequestDraft};

/// The placeholder written instead of the access token.
pub const TOKEN_PLACEHOLDER: &str = "$SAGE200_TOKEN";

/// Headers the app sets itself; a pasted command's values for them are dropped.
const APP_HEADERS: [&str; 5] = [
    "authorization",
    "x-site",
    "x-company",
    "host",
    "content-length",
];

/// Quotes a word for a POSIX shell.
fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,".contains(&b))
    {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// A request as a curl command. `token` is written as is when given, else as
/// `$SAGE200_TOKEN` (in double quotes, so the shell fills it in).
#[must_use]
pub fn to_curl(
    method: HttpMethod,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
    token: Option<&str>,
) -> String {
    let mut parts = vec!["curl".to_owned()];
    if method != HttpMethod::Get {
        parts.push(format!("-X {}", method.as_str()));
    }
    parts.push(quote(url));
    let authorization = match token {
        Some(token) => quote(&format!("Authorization: Bearer {token}")),
        None => format!("\"Authorization: Bearer {TOKEN_PLACEHOLDER}\""),
    };
    parts.push(format!("-H {authorization}"));
    for (name, value) in headers {
        parts.push(format!("-H {}", quote(&format!("{name}: {value}"))));
    }
    if let Some(body) = body.filter(|b| !b.trim().is_empty()) {
        parts.push(format!("-H {}", quote("Content-Type: application/json")));
        parts.push(format!("--data-raw {}", quote(body)));
    }
    parts.join(" \\\n  ")
}

/// Splits a shell command line into words: single quotes, double quotes (with `\` escapes),
/// backslash escapes and line continuations.
fn words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(other) => current.push(other),
                        None => return Err("A single quote is not closed.".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(escaped @ ('"' | '\\' | '$' | '`')) => current.push(escaped),
                            Some('\n') => {}
                            Some(other) => {
                                current.push('\\');
                                current.push(other);
                            }
                            None => return Err("A double quote is not closed.".into()),
                        },
                        Some(other) => current.push(other),
                        None => return Err("A double quote is not closed.".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(other) if other != '\n' && other != '\r' => {
                    in_word = true;
                    current.push(other);
                }
                // A line continuation, or a backslash at the very end.
                _ => {}
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            other => {
                in_word = true;
                current.push(other);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

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

/// Reads a pasted curl command into a draft. `base_url` (the profile's API address) is cut
/// from the URL; without it, everything up to `/accounts/v1/` is.
pub fn from_curl(command: &str, base_url: &str) -> Result<RequestDraft, String> {
    let words = words(command.trim())?;
    let mut words = words.into_iter();
    match words.next().as_deref() {
        Some("curl") => {}
        _ => return Err("This is not a curl command (it should start with curl).".into()),
    }
    let mut method = None;
    let mut url = None;
    let mut headers = Vec::new();
    let mut body: Option<String> = None;
    while let Some(word) = words.next() {
        let mut value = |name: &str| words.next().ok_or_else(|| format!("{name} needs a value."));
        match word.as_str() {
            "-X" | "--request" => method = Some(value(&word)?),
            "-H" | "--header" => headers.push(value(&word)?),
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" => {
                body = Some(value(&word)?);
            }
            "--url" => url = Some(value(&word)?),
            "-u" | "--user" | "-o" | "--output" | "-A" | "--user-agent" | "-e" | "--referer"
            | "-b" | "--cookie" | "--connect-timeout" | "-m" | "--max-time" => {
                value(&word)?;
            }
            flag if flag.starts_with('-') => {}
            other => url = Some(other.to_owned()),
        }
    }
    let url = url.ok_or("The command has no URL.")?;
    let method = match method.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None if body.is_some() => HttpMethod::Post,
        None | Some("GET") => HttpMethod::Get,
        Some("POST") => HttpMethod::Post,
        Some("PUT" | "PATCH") => HttpMethod::Put,
        Some("DELETE") => HttpMethod::Delete,
        Some(other) => {
            return Err(format!(
                "The method {other} is not used by the Sage 200 API."
            ));
        }
    };
    let (address, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let base = base_url.trim_end_matches('/');
    let path = if !base.is_empty() && address.starts_with(base) {
        &address[base.len()..]
    } else if let Some(index) = address.find("/accounts/v1/") {
        &address[index + "/accounts/v1/".len()..]
    } else if address.contains("://") {
        return Err("The URL is not a Sage 200 API address (…/accounts/v1/…).".into());
    } else {
        address
    };
    let mut draft = RequestDraft {
        method,
        path: path.trim_start_matches('/').to_owned(),
        query: ODataQuery::default(),
        params: Vec::new(),
        headers: Vec::new(),
        body: body.unwrap_or_default(),
    };
    apply_query(&mut draft, query)?;
    apply_headers(&mut draft, &headers)?;
    Ok(draft)
}

/// Moves a URL's query string into the draft: `OData` options to their fields, the rest to
/// plain parameters.
fn apply_query(draft: &mut RequestDraft, query: &str) -> Result<(), String> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (percent_decode(key), percent_decode(value));
        let list = |v: &str| v.split(',').map(str::to_owned).collect::<Vec<_>>();
        match key.as_str() {
            "$select" => draft.query.select = list(&value),
            "$expand" => draft.query.expand = list(&value),
            "$filter" => draft.query.filter = value,
            "$orderby" => {
                draft.query.order_by = value
                    .split(',')
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| {
                        let mut w = p.split_whitespace();
                        let field = w.next().unwrap_or_default().to_owned();
                        (
                            field,
                            w.next().is_some_and(|d| d.eq_ignore_ascii_case("desc")),
                        )
                    })
                    .collect();
            }
            "$top" => {
                draft.query.top = Some(
                    value
                        .parse()
                        .map_err(|_| format!("$top={value} is not a number."))?,
                );
            }
            "$skip" => {
                draft.query.skip = Some(
                    value
                        .parse()
                        .map_err(|_| format!("$skip={value} is not a number."))?,
                );
            }
            "$count" => draft.query.count = value == "true",
            _ => draft.params.push(KeyValue {
                enabled: true,
                key,
                value,
            }),
        }
    }
    Ok(())
}

/// Keeps the pasted headers the app does not set itself.
fn apply_headers(draft: &mut RequestDraft, headers: &[String]) -> Result<(), String> {
    for header in headers {
        let Some((name, value)) = header.split_once(':') else {
            return Err(format!("'{header}' is not a header (name: value)."));
        };
        let name = name.trim();
        if APP_HEADERS.contains(&name.to_ascii_lowercase().as_str())
            || (name.eq_ignore_ascii_case("content-type") && draft.method.has_body())
            || name.eq_ignore_ascii_case("accept")
        {
            continue;
        }
        draft.headers.push(KeyValue {
            enabled: true,
            key: name.to_owned(),
            value: value.trim().to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://api.columbus.sage.com/uk/sage200extra/accounts/v1/";

    #[test]
    fn a_request_round_trips_through_curl() {
        let url =
            format!("{BASE}customers?$filter=name%20eq%20%27O%27%27Brien%20%26%20Sons%27&$top=5");
        let headers = vec![("X-Trace".to_owned(), "it's me".to_owned())];
        let body = "{\"name\": \"O'Brien\"}";
        let command = to_curl(HttpMethod::Post, &url, &headers, Some(body), None);
        assert!(
            command.contains("\"Authorization: Bearer $SAGE200_TOKEN\""),
            "{command}"
        );
        let draft = from_curl(&command, BASE).unwrap();
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
        let with_token = to_curl(HttpMethod::Get, &url, &[], None, Some("abc.def"));
        assert!(
            with_token.contains("Authorization: Bearer abc.def")
                && !with_token.contains("SAGE200_TOKEN")
        );
    }

    #[test]
    fn pasted_commands_are_read_or_refused_with_a_reason() {
        let draft = from_curl(
            "curl --location 'https://example.test/uk/sage200/accounts/v1/suppliers?$select=id,name&page=2' \\\n  --header 'X-Site: abc' --header \"X-Company: 1\"",
            "",
        )
        .unwrap();
        assert_eq!(draft.path, "suppliers");
        assert_eq!(draft.query.select, ["id", "name"]);
        assert_eq!(draft.params[0].key, "page");
        assert!(
            draft.headers.is_empty(),
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
        assert_eq!(percent_decode("%41%2"), "A%2");
    }
}
