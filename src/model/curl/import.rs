//! A pasted curl command read into a request draft, with curl's own semantics (its manual,
//! checked against curl 7.88 itself): data joined with `&`, `-G`, `--json`,
//! `--data-urlencode`, `@file`, attached short-option values, unique long-option prefixes.
//! What the app cannot carry is listed in notes; what would make a different request is
//! refused with the reason.

use super::options::{self, CurlOption, DataKind, Effect, Found};
use super::query::apply_query;
use super::shell::{Word, detect, split};
use super::{HttpMethod, KeyValue, ODataQuery, RequestDraft};

/// A pasted command, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The request, as the app will send it.
    pub draft: RequestDraft,
    /// What was left out or will be sent differently than curl would, in words for the
    /// user (never a header's secret value).
    pub notes: Vec<String>,
}

/// Reads a file a data option names (`-d @body.json`): its bytes, or why it cannot be read.
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Result<Vec<u8>, String>;

/// Headers the app sets itself, with why a pasted value is not kept (`None`: not worth a
/// word, the app sends its own equivalent).
const OWNED: [(&str, Option<&str>); 8] = [
    ("authorization", Some("the app signs in to Sage itself")),
    ("x-site", Some("the app sends the site you chose")),
    ("x-company", Some("the app sends the company you chose")),
    ("user-agent", Some("the app names itself")),
    ("host", None),
    ("content-length", None),
    ("accept-encoding", None),
    ("connection", None),
];

/// One piece of body data, as given.
enum Piece {
    Data(DataKind, Word),
    Json(Word),
}

/// What the options said, before it becomes a draft.
#[derive(Default)]
struct Parsed {
    method: Option<(String, Word)>,
    urls: Vec<Word>,
    headers: Vec<Word>,
    data: Vec<Piece>,
    json: bool,
    get: bool,
    url_queries: Vec<Word>,
    referer: Option<Word>,
    cookies: Vec<Word>,
    globoff: bool,
    dropped: Vec<(String, &'static str)>,
}

/// Reads a pasted curl command (any of the shells [`super::Shell`] names) into a draft.
/// `base_url` is the profile's API address; files named with `@` are read with `read`.
pub fn from_curl_reading(
    command: &str,
    base_url: &str,
    read: ReadFile<'_>,
) -> Result<Imported, String> {
    let words = split(command.trim(), detect(command))?;
    let mut notes = words.notes;
    let mut words = words.list.into_iter();
    let first = words.next().map(|w| w.text).unwrap_or_default();
    let name = first.rsplit(['/', '\\']).next().unwrap_or_default();
    if !(name == "curl" || name.eq_ignore_ascii_case("curl.exe")) {
        return Err("This is not a curl command (it should start with curl).".into());
    }
    let parsed = parse(&words.collect::<Vec<_>>())?;
    notes.extend(dropped_notes(&parsed.dropped));
    build(&parsed, base_url, read, &mut notes).map(|draft| Imported { draft, notes })
}

/// Reads a pasted curl command without access to files: `@file` data is refused.
pub fn from_curl(command: &str, base_url: &str) -> Result<Imported, String> {
    from_curl_reading(command, base_url, &|name| {
        Err(format!(
            "{name} cannot be read here; paste the data itself instead of @{name}."
        ))
    })
}

/// Walks the options as curl does: `--long` (or a unique prefix, or `--no-switch`),
/// `-abc` clusters whose last letter may take the rest of the word or the next word.
fn parse(words: &[Word]) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        i += 1;
        let text = word.text.as_str();
        if let Some(name) = text.strip_prefix("--").filter(|n| !n.is_empty()) {
            let (option, negated) = match options::long(name) {
                Found::Option(option, negated) => (option, negated),
                Found::Ambiguous => {
                    return Err(format!(
                        "--{name} could be more than one curl option; write the option in full."
                    ));
                }
                Found::Unknown => return Err(format!("curl has no option --{name}.")),
            };
            let value = if option.takes_value {
                let value = words
                    .get(i)
                    .ok_or_else(|| format!("--{} needs a value.", option.long))?;
                i += 1;
                Some(value.clone())
            } else {
                None
            };
            apply(
                &mut parsed,
                option,
                &format!("--{}", option.long),
                value,
                negated,
            )?;
        } else if text.len() > 1 && text.starts_with('-') {
            let letters: Vec<char> = text[1..].chars().collect();
            for (k, &letter) in letters.iter().enumerate() {
                let option = options::short(letter)
                    .ok_or_else(|| format!("curl has no option -{letter}."))?;
                let written = format!("-{letter} (--{})", option.long);
                if !option.takes_value {
                    apply(&mut parsed, option, &written, None, false)?;
                    continue;
                }
                let rest: String = letters[k + 1..].iter().collect();
                let value = if rest.is_empty() {
                    let value = words
                        .get(i)
                        .ok_or_else(|| format!("-{letter} needs a value."))?;
                    i += 1;
                    value.clone()
                } else {
                    Word {
                        text: rest,
                        ..word.clone()
                    }
                };
                apply(&mut parsed, option, &written, Some(value), false)?;
                break;
            }
        } else {
            parsed.urls.push(word.clone());
        }
    }
    Ok(parsed)
}

fn apply(
    parsed: &mut Parsed,
    option: &CurlOption,
    written: &str,
    value: Option<Word>,
    negated: bool,
) -> Result<(), String> {
    let value = value.unwrap_or_else(|| Word {
        text: String::new(),
        expansion: None,
        not_utf8: false,
    });
    match option.effect {
        Effect::Url => parsed.urls.push(value),
        Effect::Request => parsed.method = Some((written.to_owned(), value)),
        Effect::Header => parsed.headers.push(value),
        Effect::Data(kind) => parsed.data.push(Piece::Data(kind, value)),
        Effect::Json => {
            parsed.json = true;
            parsed.data.push(Piece::Json(value));
        }
        Effect::Get => parsed.get = !negated,
        Effect::UrlQuery => parsed.url_queries.push(value),
        Effect::Referer => parsed.referer = Some(value),
        Effect::Cookie => {
            let cookie = value;
            if cookie.text.contains('=') {
                parsed.cookies.push(cookie);
            } else {
                parsed.dropped.push((
                    written.to_owned(),
                    "a cookie file: the app does not read curl's cookie files",
                ));
            }
        }
        Effect::Globoff => parsed.globoff = !negated,
        Effect::Drop(reason) if !negated => parsed.dropped.push((written.to_owned(), reason)),
        Effect::Refuse(reason) if !negated => return Err(format!("{written}: {reason}.")),
        Effect::Drop(_) | Effect::Refuse(_) | Effect::Quiet => {}
    }
    Ok(())
}

/// One note per reason: "Not carried: -u, --basic (the app signs in to Sage itself)."
fn dropped_notes(dropped: &[(String, &'static str)]) -> Vec<String> {
    let mut reasons: Vec<&'static str> = Vec::new();
    for (_, reason) in dropped {
        if !reasons.contains(reason) {
            reasons.push(reason);
        }
    }
    reasons
        .into_iter()
        .map(|reason| {
            let mut names: Vec<&str> = dropped
                .iter()
                .filter(|(_, r)| *r == reason)
                .map(|(name, _)| name.as_str())
                .collect();
            names.dedup();
            format!("Not carried: {} ({reason}).", names.join(", "))
        })
        .collect()
}

/// The text of a word the request will carry: refused when the shell would have filled
/// something in, or when it is not text.
fn used<'w>(word: &'w Word, what: &str) -> Result<&'w str, String> {
    if let Some(expansion) = &word.expansion {
        if expansion.starts_with("$(") || expansion.starts_with('`') {
            return Err(format!(
                "The {what} uses command substitution ({expansion}), which only a shell can run; put its result in the command."
            ));
        }
        return Err(format!(
            "The {what} uses the shell variable {expansion}, which only the shell can fill in; put its value in the command."
        ));
    }
    if word.not_utf8 {
        return Err(format!("The {what} holds bytes that are not UTF-8 text."));
    }
    Ok(&word.text)
}

fn build(
    parsed: &Parsed,
    base_url: &str,
    read: ReadFile<'_>,
    notes: &mut Vec<String>,
) -> Result<RequestDraft, String> {
    let (path, query) = target(parsed, base_url, notes)?;
    let body = join_data(&parsed.data, read)?;
    let mut query = query;
    if parsed.get {
        if !parsed.url_queries.is_empty() {
            notes.push("Ignored --url-query: curl leaves it out when -G is given.".into());
        }
        if let Some(data) = &body {
            let data = String::from_utf8(data.clone())
                .map_err(|_| "The data for the query is not UTF-8 text.".to_owned())?;
            append_query(&mut query, &data);
        }
    } else {
        for piece in &parsed.url_queries {
            let text = used(piece, "--url-query value")?;
            let encoded = if let Some(raw) = text.strip_prefix('+') {
                if raw.contains(char::is_whitespace) {
                    return Err(format!(
                        "--url-query {text}: unencoded spaces make a URL curl rejects."
                    ));
                }
                raw.to_owned()
            } else {
                url_encoded_piece(text, read)?
            };
            append_query(&mut query, &encoded);
        }
    }

    let method = method(parsed, body.is_some(), notes)?;
    let mut draft = RequestDraft {
        method,
        path: path.trim_start_matches('/').to_owned(),
        query: ODataQuery::default(),
        params: Vec::new(),
        headers: Vec::new(),
        body: String::new(),
        captures: Vec::new(),
    };
    apply_query(&mut draft, &query, notes)?;
    if draft.query.skip.is_some() && draft.query.order_by.is_empty() {
        notes.push(
            "$skip without $orderby: Sage 200 pages only in a stated order, so the app will not send it until $orderby is set.".into(),
        );
    }

    let sent_body = if parsed.get { None } else { body };
    let mut content_type = sent_body.as_ref().map(|_| {
        if parsed.json {
            "application/json".to_owned()
        } else {
            "application/x-www-form-urlencoded".to_owned()
        }
    });
    apply_headers(&mut draft, parsed, &mut content_type, notes)?;
    match (&sent_body, draft.method) {
        (Some(_), HttpMethod::Get | HttpMethod::Delete) => {
            return Err(format!(
                "curl would send a body with {}; the app sends {} without one. Remove the data or use -G to put it in the query.",
                draft.method.as_str(),
                draft.method.as_str()
            ));
        }
        (Some(bytes), _) if !bytes.is_empty() => {
            draft.body = String::from_utf8(bytes.clone())
                .map_err(|_| "The body is not UTF-8 text; the app sends JSON text.".to_owned())?;
            if serde_json::from_str::<serde::de::IgnoredAny>(&draft.body).is_err() {
                notes.push(
                    "The body is not JSON: the app sends JSON bodies only, and will not send this one until it is.".into(),
                );
            }
            if let Some(kind) = content_type.filter(|t| !t.eq_ignore_ascii_case("application/json"))
            {
                notes.push(format!(
                    "curl would send the body as Content-Type: {kind}; the app sends Content-Type: application/json."
                ));
            }
        }
        (_, HttpMethod::Post | HttpMethod::Put) => notes.push(
            "curl would send no body; the app sends {} with POST and PUT, as Sage 200 expects JSON."
                .into(),
        ),
        _ => {}
    }
    Ok(draft)
}

/// The URL's path below the API address and its query string (without a fragment, which
/// curl does not send).
fn target(
    parsed: &Parsed,
    base_url: &str,
    notes: &mut Vec<String>,
) -> Result<(String, String), String> {
    let url = match parsed.urls.as_slice() {
        [] => return Err("The command has no URL.".into()),
        [url] => used(url, "URL")?.to_owned(),
        _ => {
            return Err(
                "The command has more than one URL; curl would make a request for each. Paste one request.".into(),
            );
        }
    };
    if !parsed.globoff && url.contains(['{', '}', '[', ']']) {
        return Err(
            "The URL has {…} or […], which curl expands into several URLs (globbing); add -g (--globoff) if they are meant as they are.".into(),
        );
    }
    let url = if url.contains("://") {
        url
    } else {
        format!("http://{url}") // curl's guess for a URL without a scheme
    };
    let url = url.split('#').next().unwrap_or_default();
    let (address, query) = url.split_once('?').unwrap_or((url, ""));
    let path = path_below(address, base_url, notes)?;
    Ok((path, query.to_owned()))
}

/// The path below the profile's API address, or below `/accounts/v1/` of another address.
fn path_below(address: &str, base_url: &str, notes: &mut Vec<String>) -> Result<String, String> {
    let base = base_url.trim_end_matches('/');
    let lower = address.to_ascii_lowercase();
    let base_lower = base.to_ascii_lowercase();
    if !base.is_empty() && (lower == base_lower || lower.starts_with(&format!("{base_lower}/"))) {
        return Ok(address[base.len()..].to_owned());
    }
    let marker = "/accounts/v1/";
    let Some(index) = lower.find(marker) else {
        return Err("The URL is not a Sage 200 API address (…/accounts/v1/…).".into());
    };
    if !base.is_empty() {
        notes.push(format!(
            "The command is for {}; the app sends it to the API of the profile in use, {base}/.",
            &address[..index + marker.len() - 1]
        ));
    }
    Ok(address[index + marker.len()..].to_owned())
}

fn append_query(query: &mut String, piece: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(piece);
}

/// The body the data options make: pieces joined with `&`, except that `--json` pieces are
/// appended as they are (as curl 7.88 does). `None` when there is no data option.
fn join_data(pieces: &[Piece], read: ReadFile<'_>) -> Result<Option<Vec<u8>>, String> {
    if pieces.is_empty() {
        return Ok(None);
    }
    let mut body = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        let bytes = match piece {
            Piece::Data(DataKind::UrlEncode, word) => {
                url_encoded_piece(used(word, "--data-urlencode value")?, read)?.into_bytes()
            }
            Piece::Data(kind, word) => data_bytes(*kind, word, read)?,
            Piece::Json(word) => data_bytes(DataKind::Binary, word, read)?,
        };
        if index > 0 && !matches!(piece, Piece::Json(_)) {
            body.push(b'&');
        }
        body.extend(bytes);
    }
    Ok(Some(body))
}

fn data_bytes(kind: DataKind, word: &Word, read: ReadFile<'_>) -> Result<Vec<u8>, String> {
    let text = used(word, "data")?;
    let file = match kind {
        DataKind::Raw => None,
        _ => text.strip_prefix('@'),
    };
    let Some(name) = file else {
        return Ok(text.as_bytes().to_vec());
    };
    if name == "-" {
        return Err(
            "The data is read from stdin (@-), which a pasted command cannot give; paste the data itself.".into(),
        );
    }
    let bytes = read(name)?;
    Ok(if kind == DataKind::Plain {
        // curl removes carriage returns and newlines from `-d @file`.
        bytes
            .into_iter()
            .filter(|b| *b != b'\r' && *b != b'\n')
            .collect()
    } else {
        bytes
    })
}

/// `--data-urlencode` (and `--url-query`) syntax: `content`, `=content`, `name=content`,
/// `@file`, `name@file`; the content encoded as curl 7.88 encodes it (space as `+`).
fn url_encoded_piece(text: &str, read: ReadFile<'_>) -> Result<String, String> {
    let separator = text.find('=').or_else(|| text.find('@'));
    let (name, content) = match separator {
        Some(at) if text.as_bytes()[at] == b'@' => {
            let file = &text[at + 1..];
            (&text[..at], read(file)?)
        }
        Some(at) => (&text[..at], text.as_bytes()[at + 1..].to_vec()),
        None => ("", text.as_bytes().to_vec()),
    };
    let encoded = curl_escape(&content);
    Ok(if name.is_empty() {
        encoded
    } else {
        format!("{name}={encoded}")
    })
}

/// What curl's `--data-urlencode` writes: unreserved bytes as they are, space as `+`,
/// everything else as `%XX`.
fn curl_escape(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else if byte == b' ' {
            out.push('+');
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn method(parsed: &Parsed, has_data: bool, notes: &mut Vec<String>) -> Result<HttpMethod, String> {
    let Some((written, word)) = &parsed.method else {
        return Ok(if has_data && !parsed.get {
            HttpMethod::Post
        } else {
            HttpMethod::Get
        });
    };
    let text = used(word, "method")?;
    let method = HttpMethod::ALL
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(text))
        .ok_or_else(|| {
            format!(
                "{written} {text}: the Sage 200 API is used with GET, POST, PUT and DELETE; the app sends no other method."
            )
        })?;
    if method.as_str() != text {
        notes.push(format!(
            "curl would send the method as written, {text} (methods are case-sensitive); the app sends {}.",
            method.as_str()
        ));
    }
    Ok(method)
}

/// Headers as curl reads `-H`: `Name: value`, `Name:` (remove a header curl adds),
/// `Name;` (empty value); plus `-e` and `-b`. Headers the app owns are not kept.
fn apply_headers(
    draft: &mut RequestDraft,
    parsed: &Parsed,
    content_type: &mut Option<String>,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for word in &parsed.headers {
        let text = &word.text;
        if text.starts_with('@') {
            return Err(format!(
                "-H {text}: -H @file reads headers from a file; paste the headers themselves."
            ));
        }
        let (name, value) = if let Some((name, value)) = text.split_once(':') {
            let value = value.trim_start_matches([' ', '\t']);
            if value.is_empty() {
                // `Name:` removes a header curl would add; it sends nothing.
                if name.eq_ignore_ascii_case("content-type") {
                    *content_type = None;
                }
                continue;
            }
            (name.trim(), value)
        } else if let Some(name) = text.strip_suffix(';') {
            (name.trim(), "")
        } else {
            return Err(format!("'{text}' is not a header (Name: value)."));
        };
        let lower = name.to_ascii_lowercase();
        if lower != "authorization" {
            used(word, &format!("{name} header"))?;
        }
        headers.push((name.to_owned(), value.to_owned()));
    }
    if let Some(referer) = &parsed.referer {
        let text = used(referer, "referer")?;
        let text = text.strip_suffix(";auto").unwrap_or(text);
        if !text.is_empty() {
            headers.push(("Referer".to_owned(), text.to_owned()));
        }
    }
    if !parsed.cookies.is_empty() {
        let cookies = parsed
            .cookies
            .iter()
            .map(|c| used(c, "cookie"))
            .collect::<Result<Vec<_>, _>>()?;
        headers.push(("Cookie".to_owned(), cookies.join(";")));
    }
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if let Some((_, why)) = OWNED.iter().find(|(n, _)| *n == lower) {
            if let Some(why) = why {
                notes.push(format!("Not carried: the {name} header ({why})."));
            }
            continue;
        }
        if lower == "content-type" {
            *content_type = Some(value);
            continue;
        }
        if lower == "accept" {
            if !(value.eq_ignore_ascii_case("application/json") || value == "*/*") {
                notes.push(format!(
                    "curl would send Accept: {value}; the app always asks for application/json."
                ));
            }
            continue;
        }
        if let Some(problem) = super::header_problem(&name, &value) {
            return Err(problem);
        }
        draft.headers.push(KeyValue {
            enabled: true,
            key: name,
            value,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://api.columbus.sage.com/uk/sage200extra/accounts/v1/";

    fn import(command: &str) -> Imported {
        from_curl(command, BASE).unwrap()
    }

    #[test]
    fn attached_values_and_clusters_are_read_as_curl_reads_them() {
        let put = import(&format!(
            "curl -sSXPUT {BASE}customers/1 -H'Content-Type: application/json' -d'{{\"name\":\"x\"}}'"
        ));
        assert_eq!(put.draft.method, HttpMethod::Put);
        assert_eq!(put.draft.path, "customers/1");
        assert_eq!(put.draft.body, "{\"name\":\"x\"}");
        assert!(put.notes.is_empty(), "{:?}", put.notes);
        let delete = import(&format!("curl -XDELETE {BASE}customers/1"));
        assert_eq!(delete.draft.method, HttpMethod::Delete);
        for option in ["--retry 3", "-w '%{http_code}'", "--max-redirs 5", "--verb"] {
            let got = import(&format!("curl {BASE}customers {option}"));
            assert_eq!(got.draft.path, "customers", "{option}");
        }
        assert!(
            from_curl("curl --dat x", BASE)
                .unwrap_err()
                .contains("more than one")
        );
        assert!(
            from_curl("curl --bogus x", BASE)
                .unwrap_err()
                .contains("no option")
        );
    }

    #[test]
    fn data_follows_curl() {
        let get = import(&format!(
            "curl -G {BASE}customers -d '$top=5' --data-urlencode \"\\$filter=name eq 'A&B'\""
        ));
        assert_eq!(get.draft.method, HttpMethod::Get);
        assert_eq!(get.draft.query.top, Some(5));
        assert_eq!(get.draft.query.filter, "name eq 'A&B'");
        let json = import(&format!("curl --json '{{\"a\":1}}' {BASE}customers"));
        assert_eq!(json.draft.method, HttpMethod::Post);
        assert!(json.notes.is_empty(), "{:?}", json.notes);
        let form = import(&format!("curl -d '{{\"a\":1}}' {BASE}customers"));
        assert!(
            form.notes[0].contains("x-www-form-urlencoded"),
            "{:?}",
            form.notes
        );
        assert!(from_curl("curl -I x", BASE).unwrap_err().contains("HEAD"));
        assert!(
            from_curl(&format!("curl -d @- {BASE}x"), BASE)
                .unwrap_err()
                .contains("stdin")
        );
        assert!(
            from_curl(&format!("curl -X GET -d '{{}}' {BASE}x"), BASE)
                .unwrap_err()
                .contains("body")
        );
        assert_eq!(curl_escape(b"a b&c~"), "a+b%26c~");
    }

    #[test]
    fn urls_are_matched_on_whole_segments() {
        assert!(
            from_curl("curl https://h/uk/accounts/v10/customers", BASE)
                .unwrap_err()
                .contains("not a Sage 200")
        );
        let local = from_curl(
            "curl localhost:28139/uk/sage200extra/accounts/v1/x",
            "http://localhost:28139/uk/sage200extra/accounts/v1/",
        )
        .unwrap();
        assert_eq!(local.draft.path, "x");
        assert!(local.notes.is_empty());
        let elsewhere = import("curl https://other.example/a/accounts/v1/x");
        assert!(elsewhere.notes[0].contains("other.example"));
        assert!(
            from_curl("curl 'https://h/accounts/v1/{a,b}'", BASE)
                .unwrap_err()
                .contains("glob")
        );
    }

    #[test]
    fn owned_headers_are_noticed_without_their_values() {
        let got = import(&format!(
            "curl {BASE}x -H 'Authorization: Bearer sekrit' -u me:pw -k -H 'X-Trace: 1'"
        ));
        let notes = got.notes.join("\n");
        assert!(notes.contains("Authorization") && notes.contains("-u") && notes.contains("-k"));
        assert!(
            !notes.contains("sekrit") && !notes.contains("pw"),
            "{notes}"
        );
        assert_eq!(got.draft.headers.len(), 1);
        let var = from_curl(&format!("curl \"{BASE}x?\\$top=$N\""), BASE).unwrap_err();
        assert!(var.contains("$N"), "{var}");
        let token = import(&format!("curl {BASE}x -H \"Authorization: Bearer $TOKEN\""));
        assert!(token.draft.headers.is_empty());
    }
}
