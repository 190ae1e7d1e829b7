//! The request the app would send, written as code to copy into a program: C# with
//! `HttpClient` (what Sage 200 integrators mostly write), Python with `requests`,
//! JavaScript with `fetch` (Node 18+ and browsers) and PowerShell with
//! `Invoke-RestMethod`. The same rules as *Copy as curl*: exactly the method, URL (query
//! encoded as the app encodes it), headers and body bytes the app sends, and the token read
//! from the `SAGE200_TOKEN` environment variable unless it is asked for in the code.
//!
//! Every text goes into the code as a string literal of its language: a JSON string for
//! C#, Python and JavaScript (whose string escapes JSON's are a subset of), single quotes
//! with `'` doubled for PowerShell (its verbatim strings).

use std::fmt::Write as _;

use super::curl::CurlRequest;
use super::request::HttpMethod;

/// A language code is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CodeLanguage {
    /// C# with `System.Net.Http.HttpClient` (.NET 6+ top-level statements).
    CSharp,
    /// Python 3 with the `requests` package.
    Python,
    /// JavaScript with `fetch` (Node 18+, browsers).
    JavaScript,
    /// PowerShell with `Invoke-RestMethod` (Windows PowerShell 5.1 and PowerShell 7).
    PowerShell,
}

impl CodeLanguage {
    /// Every language, in menu order.
    pub const ALL: [Self; 4] = [
        Self::CSharp,
        Self::Python,
        Self::JavaScript,
        Self::PowerShell,
    ];

    /// The name people know it by.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::CSharp => "C# (HttpClient)",
            Self::Python => "Python (requests)",
            Self::JavaScript => "JavaScript (fetch)",
            Self::PowerShell => "PowerShell (Invoke-RestMethod)",
        }
    }

    /// The file extension its programs have.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::CSharp => "cs",
            Self::Python => "py",
            Self::JavaScript => "mjs",
            Self::PowerShell => "ps1",
        }
    }
}

/// A string literal for C#, Python and JavaScript: JSON's escapes are valid in all three,
/// and the characters C# ends a line at (U+0085, U+2028, U+2029), which JSON leaves as
/// they are, are escaped too.
fn quoted(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_else(|_| "\"\"".to_owned())
        .replace('\u{85}', "\\u0085")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A PowerShell verbatim string: `'…'` with `'` (and its typographic forms, which
/// PowerShell also ends a string with) doubled.
fn ps_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The `Authorization` value as code: `Bearer <token>` as a literal when the token is to
/// be in the code, else `from_env` (the language's read of `SAGE200_TOKEN`).
fn bearer(token: Option<&str>, from_env: &str, literal: fn(&str) -> String) -> String {
    token.map_or_else(|| from_env.to_owned(), |t| literal(&format!("Bearer {t}")))
}

/// The headers the app sends (their values ASCII: the app refuses others), in order: `Accept`, `Authorization` (the token, or the
/// language's read of `SAGE200_TOKEN`), then the request's own; `Content-Type` is added
/// with a body by each writer.
///
/// A name given twice (the request's own `Accept` beside the app's) is one header whose
/// values are joined with `, `, which HTTP reads as the same list (RFC 9110, 5.3): a map of
/// headers (Python's dict, PowerShell's hashtable) holds each name once.
fn headers(request: &CurlRequest<'_>) -> Vec<(String, String)> {
    let mut joined: Vec<(String, String)> = Vec::new();
    let all = std::iter::once(("Accept", "application/json")).chain(
        request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    for (name, value) in all {
        match joined
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, values)) => {
                values.push_str(", ");
                values.push_str(value);
            }
            None => joined.push((name.to_owned(), value.to_owned())),
        }
    }
    joined
}

/// The body the app sends: a POST or PUT's text (`{}` when it has none), else nothing.
fn body<'a>(request: &'a CurlRequest<'_>) -> Option<&'a str> {
    matches!(request.method, HttpMethod::Post | HttpMethod::Put)
        .then(|| request.body.unwrap_or("{}"))
}

/// The headers as the entries of a Python dict or JavaScript object literal, one a line
/// at `indent`: `Authorization` (its value already code), the app's and the request's,
/// and `Content-Type` with a body.
fn map_entries(
    request: &CurlRequest<'_>,
    authorization: &str,
    with_body: bool,
    indent: &str,
) -> String {
    let mut lines = vec![format!("{indent}\"Authorization\": {authorization},")];
    lines.extend(
        headers(request)
            .iter()
            .map(|(n, v)| format!("{indent}{}: {},", quoted(n), quoted(v))),
    );
    if with_body {
        lines.push(format!("{indent}\"Content-Type\": \"application/json\","));
    }
    lines.join("\n")
}

/// The request as a program in `language`. `token` is written into the code when given;
/// otherwise the code reads `SAGE200_TOKEN` from the environment.
#[must_use]
pub fn to_code(request: &CurlRequest<'_>, language: CodeLanguage, token: Option<&str>) -> String {
    match language {
        CodeLanguage::CSharp => csharp(request, token),
        CodeLanguage::Python => python(request, token),
        CodeLanguage::JavaScript => javascript(request, token),
        CodeLanguage::PowerShell => powershell(request, token),
    }
}

fn python(request: &CurlRequest<'_>, token: Option<&str>) -> String {
    let mut code = String::from("import os\n\nimport requests\n\n");
    let _ = writeln!(
        code,
        "response = requests.request(\n    {},\n    {},\n    headers={{",
        quoted(request.method.as_str()),
        quoted(request.url)
    );
    let authorization = bearer(token, "\"Bearer \" + os.environ[\"SAGE200_TOKEN\"]", quoted);
    let body = body(request);
    code.push_str(&map_entries(
        request,
        &authorization,
        body.is_some(),
        "        ",
    ));
    code.push_str("\n    },\n");
    if let Some(body) = body {
        // Bytes, so `requests` sends them as they are.
        let _ = writeln!(code, "    data={}.encode(\"utf-8\"),", quoted(body));
    }
    code.push_str(")\nprint(response.status_code)\nprint(response.text)\n");
    code
}

fn javascript(request: &CurlRequest<'_>, token: Option<&str>) -> String {
    let authorization = bearer(token, "`Bearer ${process.env.SAGE200_TOKEN}`", quoted);
    let body = body(request);
    let entries = map_entries(request, &authorization, body.is_some(), "    ");
    let mut code = format!(
        "const response = await fetch({}, {{\n  method: {},\n  headers: {{\n{}\n  }},\n",
        quoted(request.url),
        quoted(request.method.as_str()),
        entries
    );
    if let Some(body) = body {
        let _ = writeln!(code, "  body: {},", quoted(body));
    }
    code.push_str("});\nconsole.log(response.status);\nconsole.log(await response.text());\n");
    code
}

fn csharp(request: &CurlRequest<'_>, token: Option<&str>) -> String {
    let authorization = bearer(
        token,
        "\"Bearer \" + Environment.GetEnvironmentVariable(\"SAGE200_TOKEN\")",
        quoted,
    );
    let mut code =
        String::from("using System.Net.Http.Headers;\n\nusing var client = new HttpClient();\n");
    let _ = writeln!(
        code,
        "using var request = new HttpRequestMessage(new HttpMethod({}), {});",
        quoted(request.method.as_str()),
        quoted(request.url)
    );
    let _ = writeln!(
        code,
        "request.Headers.TryAddWithoutValidation(\"Authorization\", {authorization});"
    );
    for (name, value) in &headers(request) {
        let _ = writeln!(
            code,
            "request.Headers.TryAddWithoutValidation({}, {});",
            quoted(name),
            quoted(value)
        );
    }
    if let Some(body) = body(request) {
        let _ = writeln!(
            code,
            "request.Content = new StringContent({});",
            quoted(body)
        );
        // Exactly `application/json`, as the app sends it (no charset added).
        code.push_str(
            "request.Content.Headers.ContentType = new MediaTypeHeaderValue(\"application/json\");\n",
        );
    }
    code.push_str(
        "using var response = await client.SendAsync(request);\nConsole.WriteLine((int)response.StatusCode);\nConsole.WriteLine(await response.Content.ReadAsStringAsync());\n",
    );
    code
}

fn powershell(request: &CurlRequest<'_>, token: Option<&str>) -> String {
    let authorization = bearer(token, "\"Bearer $env:SAGE200_TOKEN\"", ps_quoted);
    let mut code = format!("$headers = @{{\n    'Authorization' = {authorization}\n");
    for (name, value) in &headers(request) {
        let _ = writeln!(code, "    {} = {}", ps_quoted(name), ps_quoted(value));
    }
    code.push_str("}\n");
    let method = match request.method {
        HttpMethod::Get => "Get",
        HttpMethod::Post => "Post",
        HttpMethod::Put => "Put",
        HttpMethod::Delete => "Delete",
    };
    let _ = write!(
        code,
        "$response = Invoke-RestMethod -Method {method} -Uri {} -Headers $headers",
        ps_quoted(request.url)
    );
    if let Some(body) = body(request) {
        // Bytes in UTF-8: Windows PowerShell 5.1 would send a text body in ISO-8859-1.
        let _ = write!(
            code,
            " -ContentType 'application/json' -Body ([System.Text.Encoding]::UTF8.GetBytes({}))",
            ps_quoted(body)
        );
    }
    code.push_str("\n$response | ConvertTo-Json -Depth 20\n");
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_literals_of_each_language() {
        assert_eq!(quoted("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(quoted("x\u{2028}y\u{85}"), r#""x\u2028y\u0085""#);
        assert_eq!(ps_quoted("O'Neil’s"), "'O''Neil’’s'");
        let headers = vec![("X-Site".to_owned(), "s'1".to_owned())];
        let request = CurlRequest {
            method: HttpMethod::Post,
            url: "https://x/accounts/v1/customers?%24top=1",
            headers: &headers,
            body: None,
        };
        for language in CodeLanguage::ALL {
            let code = to_code(&request, language, None);
            assert!(code.contains("SAGE200_TOKEN"), "{language:?}: {code}");
            assert!(
                code.contains("{}"),
                "{language:?}: an empty POST sends {{}}: {code}"
            );
            let with = to_code(&request, language, Some("tok-123"));
            assert!(with.contains("Bearer tok-123") && !with.contains("SAGE200_TOKEN"));
        }
    }
}
