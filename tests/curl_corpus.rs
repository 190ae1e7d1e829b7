//! Paste curl and Copy as curl against the real curl (Debian's, which `scripts/test.sh`
//! installs): every command of `tests/data/curl/` is run through curl and imported by the
//! app, both sent to one recording HTTP server, and must arrive the same — or be refused or
//! noticed as the corpus says. Also: curl's option table against `curl --help all`, and any
//! request the app can hold → Copy as curl → real curl → the same request the app sends.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::missing_panics_doc,
    clippy::type_complexity
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use sage200_desk::api::{ApiClient, ApiRequest, CompanyScope, StaticToken, build_http_client};
use sage200_desk::model::{
    CodeLanguage, HttpMethod, KeyValue, Profile, RequestDraft, Secret, Shell, from_curl,
    from_curl_reading,
};
use sage200_desk::screens::request::{build_request, code_for, curl_command};

/// What reached the recording server.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Recorded {
    method: String,
    path: String,
    raw_query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A tiny HTTP server that keeps every request it gets.
struct Recorder {
    base: String,
    host: String,
    seen: Arc<Mutex<Vec<Recorded>>>,
    runtime: tokio::runtime::Runtime,
}

impl Recorder {
    fn start() -> Self {
        use axum::body::Bytes;
        use axum::http::{HeaderMap, Method, Uri};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let seen: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let keep = seen.clone();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let keep = keep.clone();
                async move {
                    keep.lock().unwrap().push(Recorded {
                        method: method.to_string(),
                        path: uri.path().to_owned(),
                        raw_query: uri.query().unwrap_or_default().to_owned(),
                        headers: headers
                            .iter()
                            .map(|(n, v)| {
                                (
                                    n.as_str().to_owned(),
                                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                )
                            })
                            .collect(),
                        body: body.to_vec(),
                    });
                    ([("content-type", "application/json")], "[]")
                }
            },
        );
        runtime.spawn(async move { axum::serve(listener, app).await });
        let host = format!("127.0.0.1:{port}");
        Self {
            base: format!("http://{host}/uk/sage200extra/accounts/v1"),
            host,
            seen,
            runtime,
        }
    }

    fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }

    fn client(&self) -> ApiClient {
        ApiClient::new(
            build_http_client().unwrap(),
            &Profile::demo(self.base.trim_end_matches("/uk/sage200extra/accounts/v1")),
            Arc::new(StaticToken(Secret::new("test-token".to_owned()))),
        )
        .unwrap()
    }

    /// Sends `request` as the app does and returns what arrived.
    fn app_sends(&self, client: &ApiClient, request: &ApiRequest) -> Recorded {
        self.take();
        self.runtime
            .block_on(client.execute_any(request))
            .expect("the app's request arrives");
        self.take().pop().expect("the server saw the app's request")
    }
}

fn company() -> CompanyScope {
    CompanyScope {
        site_id: "site-1".into(),
        company_id: 7,
    }
}

/// The expected outcome of a corpus entry.
#[derive(Debug, Clone)]
enum Expect {
    Same,
    Notice(String),
    Refused(String),
}

#[derive(Debug, Clone)]
struct Entry {
    file: String,
    id: String,
    shell: String,
    expect: Expect,
    ignore_headers: Vec<String>,
    argv: Option<Vec<String>>,
    command: String,
}

fn corpus_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/curl")
}

fn read_corpus() -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_folder())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for block in text.split("\n### ").skip(1) {
            let mut lines = block.lines();
            let id = lines.next().unwrap().trim().to_owned();
            let mut entry = Entry {
                file: name.clone(),
                id,
                shell: "bash".into(),
                expect: Expect::Same,
                ignore_headers: Vec::new(),
                argv: None,
                command: String::new(),
            };
            let mut command = Vec::new();
            let mut in_header = true;
            for line in lines {
                let field = |key: &str| line.strip_prefix(key).map(str::trim);
                if in_header {
                    if let Some(shell) = field("shell:") {
                        shell.clone_into(&mut entry.shell);
                        continue;
                    } else if let Some(expect) = field("expect:") {
                        entry.expect = match expect.split_once(' ') {
                            Some(("notice", what)) => Expect::Notice(what.to_lowercase()),
                            Some(("refused", what)) => Expect::Refused(what.to_lowercase()),
                            _ if expect == "same" => Expect::Same,
                            _ => panic!("{}: bad expect line {line}", entry.id),
                        };
                        continue;
                    } else if let Some(names) = field("ignore-headers:") {
                        entry.ignore_headers =
                            names.split(',').map(|n| n.trim().to_lowercase()).collect();
                        continue;
                    } else if let Some(argv) = field("argv:") {
                        entry.argv = Some(serde_json::from_str(argv).unwrap());
                        continue;
                    } else if field("source:").is_some() {
                        continue;
                    }
                    in_header = false;
                }
                command.push(line);
            }
            command.join("\n").trim_end().clone_into(&mut entry.command);
            entries.push(entry);
        }
    }
    entries
}

/// The folder the corpus's `{{DIR}}` names, with the files its commands read.
fn corpus_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("body.json"),
        "{\"name\": \"Café Ltd\",\r\n\"reference\": \"CAFE01\"}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("plain.txt"), "hello world & more\n").unwrap();
    std::fs::write(dir.path().join("headers.txt"), "X-From-File: 1\n").unwrap();
    dir
}

fn curl_available() -> bool {
    Command::new("curl").arg("--version").output().is_ok()
}

/// Headers compared: those the user's command gives, apart from what curl or the app add
/// by themselves.
fn compared_headers(recorded: &Recorded, ignore: &[String]) -> BTreeMap<String, Vec<String>> {
    const OWNED: [&str; 9] = [
        "authorization",
        "x-site",
        "x-company",
        "host",
        "user-agent",
        "accept-encoding",
        "content-length",
        "expect",
        "connection",
    ];
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in &recorded.headers {
        let name = name.to_lowercase();
        if OWNED.contains(&name.as_str()) || ignore.contains(&name) {
            continue;
        }
        // curl's own `Accept: */*` and the app's JSON accept are not the user's.
        if name == "accept" && (value == "*/*" || value == "application/json") {
            continue;
        }
        map.entry(name).or_default().push(value.trim().to_owned());
    }
    map
}

/// The query as a server reads it: pairs decoded (`+` as a space), in any order.
fn decoded_query(raw: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

fn run_real_curl(entry: &Entry, command: &str, dir: &Path, substitute: &dyn Fn(&str) -> String) {
    let status = if let Some(argv) = &entry.argv {
        Command::new("curl")
            .args(argv.iter().skip(1).map(|a| substitute(a)))
            .current_dir(dir)
            .env("LC_ALL", "C.UTF-8")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
    } else {
        // A pasted prompt is not part of the command bash runs.
        let trimmed = command.trim_start();
        let command = ["$ ", "% "]
            .iter()
            .find_map(|p| trimmed.strip_prefix(p))
            .unwrap_or(trimmed);
        Command::new("bash")
            .arg("-c")
            .arg(command)
            .current_dir(dir)
            .env("LC_ALL", "C.UTF-8")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
    };
    status.expect("curl runs");
}

#[test]
fn every_corpus_command_arrives_as_curl_sends_it() {
    if !curl_available() {
        assert!(
            std::env::var_os("SAGE200_REQUIRE_BROWSER").is_none(),
            "curl is required here"
        );
        eprintln!("skipped: no curl");
        return;
    }
    let entries = read_corpus();
    assert!(
        entries.len() >= 150,
        "the corpus has {} commands",
        entries.len()
    );
    let server = Recorder::start();
    let client = server.client();
    let dir = corpus_files();
    let dir_text = dir.path().display().to_string();
    let substitute = |text: &str| {
        text.replace("{{BASE}}", &server.base)
            .replace("{{HOST}}", &server.host)
            .replace("{{DIR}}", &dir_text)
    };
    let read = |name: &str| std::fs::read(name).map_err(|e| format!("{name}: {e}"));
    let base = format!("{}/", server.base);
    let mut failures = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for entry in &entries {
        let label = format!("{}:{} ({})", entry.file, entry.id, entry.shell);
        let command = substitute(&entry.command);
        *counts.entry(entry.shell.clone()).or_default() += 1;
        let imported = from_curl_reading(&command, &base, &read);
        let (imported, wanted) = match (&entry.expect, imported) {
            (Expect::Refused(what), Err(message)) => {
                if !message.to_lowercase().contains(what) {
                    failures.push(format!(
                        "{label}: refused, but the message does not say '{what}': {message}"
                    ));
                }
                continue;
            }
            (Expect::Refused(what), Ok(got)) => {
                failures.push(format!(
                    "{label}: should be refused ('{what}') but was imported: {:?} notes {:?}",
                    got.draft, got.notes
                ));
                continue;
            }
            (_, Err(message)) => {
                failures.push(format!("{label}: refused: {message}"));
                continue;
            }
            (Expect::Same, Ok(got)) => {
                if !got.notes.is_empty() {
                    failures.push(format!("{label}: unexpected notes {:?}", got.notes));
                }
                (got, None)
            }
            (Expect::Notice(what), Ok(got)) => {
                let said = got
                    .notes
                    .iter()
                    .any(|n| n.to_lowercase().contains(what.as_str()));
                if !said {
                    failures.push(format!("{label}: no note says '{what}': {:?}", got.notes));
                }
                (got, Some(what.clone()))
            }
        };
        // Where the app says it will not send the body, or sends `{}`, nothing is compared.
        let body_differs = wanted
            .as_deref()
            .is_some_and(|w| w.contains("not json") || w.contains("{}") || w.contains("$skip"));
        let Ok(request) = build_request(&imported.draft, Some(&company())) else {
            if !body_differs {
                failures.push(format!(
                    "{label}: imported, but the app cannot send it: {:?}",
                    build_request(&imported.draft, Some(&company())).err()
                ));
            }
            continue;
        };
        server.take();
        run_real_curl(entry, &command, dir.path(), &substitute);
        let Some(by_curl) = server.take().pop() else {
            failures.push(format!(
                "{label}: curl sent nothing (the command fails in curl itself)"
            ));
            continue;
        };
        let by_app = server.app_sends(&client, &request);
        if by_curl.method != by_app.method {
            failures.push(format!(
                "{label}: method curl {} app {}",
                by_curl.method, by_app.method
            ));
        }
        if by_curl.path != by_app.path {
            failures.push(format!(
                "{label}: path curl {} app {}",
                by_curl.path, by_app.path
            ));
        }
        let query_noticed = wanted.as_deref().is_some_and(|w| w.contains('$'));
        if !query_noticed && decoded_query(&by_curl.raw_query) != decoded_query(&by_app.raw_query) {
            failures.push(format!(
                "{label}: query curl {:?} app {:?}",
                decoded_query(&by_curl.raw_query),
                decoded_query(&by_app.raw_query)
            ));
        }
        if !body_differs && by_curl.body != by_app.body {
            failures.push(format!(
                "{label}: body curl {:?} app {:?}",
                String::from_utf8_lossy(&by_curl.body),
                String::from_utf8_lossy(&by_app.body)
            ));
        }
        let mut ignore = entry.ignore_headers.clone();
        if body_differs {
            ignore.push("content-type".into());
        }
        let (curl_headers, app_headers) = (
            compared_headers(&by_curl, &ignore),
            compared_headers(&by_app, &ignore),
        );
        if curl_headers != app_headers {
            failures.push(format!(
                "{label}: headers curl {curl_headers:?} app {app_headers:?}"
            ));
        }
    }
    eprintln!("corpus: {} commands by shell {counts:?}", entries.len());
    assert!(
        failures.is_empty(),
        "{} of {} commands differ:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
}

#[test]
fn the_option_table_is_curls_own() {
    let Ok(output) = Command::new("curl").args(["--help", "all"]).output() else {
        assert!(
            std::env::var_os("SAGE200_REQUIRE_BROWSER").is_none(),
            "curl is required here"
        );
        return;
    };
    let help = String::from_utf8_lossy(&output.stdout);
    let table = sage200_desk::model::curl_option_table();
    let mut problems = Vec::new();
    let mut listed = 0;
    for line in help.lines() {
        let line = line.trim_start();
        let (short, rest) = match line.strip_prefix('-') {
            Some(rest) if !rest.starts_with('-') => {
                let short = rest.chars().next();
                (short, rest.get(3..).unwrap_or_default().trim_start())
            }
            _ => (None, line),
        };
        let Some(rest) = rest.strip_prefix("--") else {
            continue;
        };
        let long = rest.split_whitespace().next().unwrap_or_default();
        let after = rest[long.len()..].trim_start();
        // An option that takes a value shows it before the description: `<file>`, or
        // `[protocol://]host[:port]` for the proxies.
        let takes_value = after.starts_with('<') || after.starts_with("[protocol");
        listed += 1;
        match table.iter().find(|(name, _, _)| *name == long) {
            None => problems.push(format!("--{long} is not in the table")),
            Some((_, table_short, table_takes)) => {
                if *table_takes != takes_value {
                    problems.push(format!(
                        "--{long}: curl says value {takes_value}, table {table_takes}"
                    ));
                }
                if *table_short != short {
                    problems.push(format!(
                        "--{long}: curl says short {short:?}, table {table_short:?}"
                    ));
                }
            }
        }
    }
    assert!(listed >= 240, "curl listed only {listed} options");
    assert_eq!(
        listed,
        table.len(),
        "the table and curl list different options"
    );
    // Every option that takes a value consumes it: the value never becomes the URL.
    let base = "https://h/uk/sage200extra/accounts/v1/";
    for (long, _, takes) in &table {
        if !takes || *long == "url" {
            continue; // `--url VALUE` is a second URL, rightly refused
        }
        let command = format!("curl {base}customers --{long} VALUE");
        match from_curl(&command, base) {
            Ok(imported) => {
                if imported.draft.path != "customers" {
                    problems.push(format!("--{long} VALUE: path {}", imported.draft.path));
                }
            }
            Err(message) => {
                if message.contains("URL") {
                    problems.push(format!("--{long} VALUE: {message}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

fn draft_strategy() -> impl Strategy<Value = RequestDraft> {
    let text = "[ -~éü日本€😀]{0,12}";
    let method = prop_oneof![
        Just(HttpMethod::Get),
        Just(HttpMethod::Post),
        Just(HttpMethod::Put),
        Just(HttpMethod::Delete)
    ];
    let path = prop_oneof![
        Just("customers"),
        Just("customers/42"),
        Just("suppliers"),
        Just("sop_orders/7"),
    ];
    let filter = prop_oneof![
        Just(String::new()),
        Just("name eq 'O''Brien & Sons'".to_owned()),
        Just("balance gt 1000 and on_hold eq false".to_owned()),
        "[a-zA-Zé ]{0,10}".prop_map(|s| format!("contains(name,'{}')", s.replace('\'', "''"))),
    ];
    let params = prop::collection::vec(("[a-z][a-z0-9_]{0,7}", text), 0..3);
    let headers = prop::collection::vec(("X-[A-Za-z][A-Za-z0-9-]{0,8}", "[ -~é]{0,16}"), 0..3);
    let body = prop_oneof![
        Just(String::new()),
        Just(
            "{\"name\":\"O'Brien \\\"Ltd\\\" & Co\",\n  \"note\":\"50% ^ ! < > | \\\\ done\"}"
                .to_owned()
        ),
        "[ -~éü日本]{0,20}".prop_map(|s| serde_json::json!({ "name": s, "n": 1 }).to_string()),
    ];
    (
        method,
        path,
        filter,
        params,
        headers,
        body,
        0u32..500,
        any::<bool>(),
    )
        .prop_map(
            |(method, path, filter, params, headers, body, top, count)| {
                let mut draft = RequestDraft {
                    method,
                    path: path.to_owned(),
                    ..RequestDraft::default()
                };
                draft.query.filter = filter;
                draft.query.top = Some(top);
                draft.query.count = count;
                draft.query.select = vec!["id".into(), "name".into()];
                draft.params = params
                    .into_iter()
                    .map(|(key, value)| KeyValue {
                        enabled: true,
                        key,
                        value,
                    })
                    .collect();
                draft.headers = headers
                    .into_iter()
                    .map(|(key, value)| KeyValue {
                        enabled: true,
                        key,
                        value: value.trim().to_owned(),
                    })
                    .collect();
                if method.has_body() {
                    draft.body = body;
                }
                draft
            },
        )
}

/// What the app sends for a request, with POST and PUT without a body sending `{}`.
fn sent(
    request: &ApiRequest,
) -> (
    String,
    String,
    Vec<(String, String)>,
    Vec<(String, String)>,
    Vec<u8>,
) {
    let body = match (&request.body, request.verb) {
        (Some(body), _) => body.clone(),
        (None, sage200_desk::api::Verb::Post | sage200_desk::api::Verb::Put) => b"{}".to_vec(),
        (None, _) => Vec::new(),
    };
    (
        format!("{:?}", request.verb),
        request.path.clone(),
        request.query.clone(),
        request.headers.clone(),
        body,
    )
}

#[test]
fn copied_commands_send_what_the_app_sends_and_read_back_the_same() {
    if !curl_available() {
        assert!(
            std::env::var_os("SAGE200_REQUIRE_BROWSER").is_none(),
            "curl is required here"
        );
        return;
    }
    let server = Recorder::start();
    let client = server.client();
    let base = format!("{}/", server.base);
    let company = company();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    });
    runner
        .run(&draft_strategy(), |draft| {
            let Ok(request) = build_request(&draft, Some(&company)) else {
                return Ok(());
            };
            let by_app = server.app_sends(&client, &request);
            for shell in Shell::ALL {
                let command =
                    curl_command(&draft, Some(&company), &base, shell, Some("test-token")).unwrap();
                // Pasted back: the same request.
                let again = from_curl(&command, &base).map_err(|e| {
                    TestCaseError::fail(format!(
                        "{shell:?} copy does not read back: {e}\n{command}"
                    ))
                })?;
                let request_again = build_request(&again.draft, Some(&company)).unwrap();
                prop_assert_eq!(
                    sent(&request_again),
                    sent(&request),
                    "{:?}\n{}",
                    shell,
                    command
                );
                if shell != Shell::Bash {
                    continue;
                }
                // Through real curl: what the app itself sends.
                server.take();
                let status = Command::new("bash")
                    .arg("-c")
                    .arg(&command)
                    .env("LC_ALL", "C.UTF-8")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .unwrap();
                prop_assert!(status.success(), "curl failed: {}", command);
                let by_curl = server.take().pop().unwrap();
                prop_assert_eq!(&by_curl.method, &by_app.method);
                prop_assert_eq!(&by_curl.path, &by_app.path);
                prop_assert_eq!(&by_curl.raw_query, &by_app.raw_query, "{}", command);
                prop_assert_eq!(&by_curl.body, &by_app.body, "{}", command);
                let strip = |r: &Recorded| {
                    let mut headers: Vec<(String, String)> = r
                        .headers
                        .iter()
                        .filter(|(n, _)| {
                            !["host", "user-agent", "accept-encoding", "content-length"]
                                .contains(&n.as_str())
                        })
                        .cloned()
                        .collect();
                    headers.sort();
                    headers
                };
                prop_assert_eq!(strip(&by_curl), strip(&by_app), "{}", command);
            }
            Ok(())
        })
        .unwrap();
}

/// An interpreter for generated code: Debian's python3 (with `python3-requests`) and node.
fn interpreter(language: CodeLanguage) -> Option<&'static str> {
    let (program, probe): (&str, &[&str]) = match language {
        CodeLanguage::Python => ("/usr/bin/python3", &["-c", "import requests"]),
        CodeLanguage::JavaScript => ("node", &["-e", "fetch"]),
        CodeLanguage::CSharp | CodeLanguage::PowerShell => return None,
    };
    let found = Command::new(program)
        .args(probe)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    found.then_some(program)
}

/// Headers as a server compares them: names in lower case, without what each client adds
/// on its own to carry the request (host, agent, encodings, fetch's CORS mode).
fn carried_headers(recorded: &Recorded, app: &Recorded) -> Vec<(String, String)> {
    const TRANSPORT: [&str; 6] = [
        "host",
        "user-agent",
        "accept-encoding",
        "content-length",
        "connection",
        "sec-fetch-mode",
    ];
    let app_has = |name: &str| {
        app.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    let mut headers: Vec<(String, String)> = recorded
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .filter(|(n, _)| !TRANSPORT.contains(&n.as_str()))
        // fetch says `accept-language: *` when the request does not.
        .filter(|(n, _)| n != "accept-language" || app_has(n))
        .collect();
    headers.sort();
    headers
}

#[test]
fn copied_code_sends_what_the_app_sends() {
    let server = Recorder::start();
    let client = server.client();
    let base = format!("{}/", server.base);
    let company = company();
    let dir = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for language in [CodeLanguage::Python, CodeLanguage::JavaScript] {
        let Some(program) = interpreter(language) else {
            assert!(
                std::env::var_os("SAGE200_REQUIRE_BROWSER").is_none(),
                "{program:?} is required here",
                program = language.label()
            );
            continue;
        };
        let file = dir.path().join(format!("request.{}", language.extension()));
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 24,
            ..ProptestConfig::default()
        });
        runner
            .run(&draft_strategy(), |draft| {
                let Ok(request) = build_request(&draft, Some(&company)) else {
                    return Ok(());
                };
                let by_app = server.app_sends(&client, &request);
                let code = code_for(&draft, Some(&company), &base, language, None).unwrap();
                std::fs::write(&file, &code).unwrap();
                server.take();
                let out = Command::new(program)
                    .arg(&file)
                    .env("SAGE200_TOKEN", "test-token")
                    .output()
                    .unwrap();
                prop_assert!(
                    out.status.success(),
                    "{}: {}\n{code}",
                    language.label(),
                    String::from_utf8_lossy(&out.stderr)
                );
                let by_code = server.take().pop().unwrap();
                prop_assert_eq!(&by_code.method, &by_app.method, "{}", code);
                prop_assert_eq!(&by_code.path, &by_app.path, "{}", code);
                prop_assert_eq!(
                    decoded_query(&by_code.raw_query),
                    decoded_query(&by_app.raw_query),
                    "{}",
                    code
                );
                prop_assert_eq!(&by_code.body, &by_app.body, "{}", code);
                prop_assert_eq!(
                    carried_headers(&by_code, &by_app),
                    carried_headers(&by_app, &by_app),
                    "{}",
                    code
                );
                Ok(())
            })
            .unwrap();
        ran += 1;
    }
    assert!(ran > 0 || std::env::var_os("SAGE200_REQUIRE_BROWSER").is_none());
}

/// C# and PowerShell cannot run here: their code for one request of each kind is compared
/// with files a person has read (`tests/data/codegen/`). `UPDATE_GOLDEN=1` writes them anew
/// (then read the diff before committing).
#[test]
fn csharp_and_powershell_code_matches_the_reviewed_files() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/codegen");
    let company = company();
    let base = "https://api.columbus.sage.com/uk/sage200extra/accounts/v1/";
    let mut list = RequestDraft::default();
    list.query.filter = "name eq 'O''Brien & Sons'".to_owned();
    list.query.select = vec!["id".into(), "name".into(), "balance".into()];
    let create = RequestDraft {
        method: HttpMethod::Post,
        path: "customers".to_owned(),
        body: "{\n  \"reference\": \"OBR01\",\n  \"name\": \"O'Brien \\\"Ltd\\\" & Café\"\n}"
            .to_owned(),
        headers: vec![KeyValue {
            enabled: true,
            key: "X-Trace".to_owned(),
            value: "abc-123".to_owned(),
        }],
        ..RequestDraft::default()
    };
    for (name, draft) in [("list_customers", &list), ("create_customer", &create)] {
        for language in [CodeLanguage::CSharp, CodeLanguage::PowerShell] {
            let code = code_for(draft, Some(&company), base, language, None).unwrap();
            let path = folder.join(format!("{name}.{}", language.extension()));
            if std::env::var_os("UPDATE_GOLDEN").is_some() {
                std::fs::create_dir_all(&folder).unwrap();
                std::fs::write(&path, &code).unwrap();
            }
            let reviewed = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
            assert_eq!(code, reviewed, "{}", path.display());
        }
    }
}
