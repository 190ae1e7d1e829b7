//! Writing the request the app would send as a curl command for bash, Windows cmd or
//! PowerShell 7.3+, quoted so that each shell hands curl exactly these bytes (the readers
//! in [`super::shell`] read every form back; `tests/curl_corpus.rs` runs the bash form
//! through real curl).

use super::HttpMethod;
use super::shell::Shell;

/// The placeholder written instead of the access token (bash).
pub const TOKEN_PLACEHOLDER: &str = "$SAGE200_TOKEN";

/// A request exactly as the app sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurlRequest<'a> {
    /// The method.
    pub method: HttpMethod,
    /// The full URL, query encoded as the app encodes it.
    pub url: &'a str,
    /// The headers the app adds beyond `Accept`, `Authorization` and `Content-Type`
    /// (`X-Site`, `X-Company`, the tab's own), in order.
    pub headers: &'a [(String, String)],
    /// The body of a POST or PUT; `None` sends `{}`, as the app does.
    pub body: Option<&'a str>,
}

/// The request as a curl command for `shell`. `token` is written as is when given, else as
/// the shell's way of reading `SAGE200_TOKEN` from the environment. Errors when the shell
/// cannot carry a byte of the request (a carriage return for cmd).
pub fn to_curl(
    request: &CurlRequest<'_>,
    shell: Shell,
    token: Option<&str>,
) -> Result<String, String> {
    let quote = |word: &str| quote_for(shell, word);
    let mut parts = vec![match shell {
        Shell::PowerShell => "curl.exe".to_owned(),
        Shell::Bash | Shell::Cmd => "curl".to_owned(),
    }];
    if request.method != HttpMethod::Get {
        parts.push(format!("-X {}", request.method.as_str()));
    }
    if request.url.contains(['[', ']', '{', '}']) {
        parts.push("-g".to_owned()); // no globbing: the brackets are the URL's own
    }
    parts.push(quote(request.url)?);
    parts.push(format!("-H {}", quote("Accept: application/json")?));
    let authorization = match token {
        Some(token) => quote(&format!("Authorization: Bearer {token}"))?,
        None => match shell {
            Shell::Bash => format!("\"Authorization: Bearer {TOKEN_PLACEHOLDER}\""),
            Shell::Cmd => "\"Authorization: Bearer %SAGE200_TOKEN%\"".to_owned(),
            Shell::PowerShell => "\"Authorization: Bearer $env:SAGE200_TOKEN\"".to_owned(),
        },
    };
    parts.push(format!("-H {authorization}"));
    for (name, value) in request.headers {
        let header = if value.is_empty() {
            format!("{name};") // curl's form for a header with an empty value
        } else {
            format!("{name}: {value}")
        };
        parts.push(format!("-H {}", quote(&header)?));
    }
    if matches!(request.method, HttpMethod::Post | HttpMethod::Put) {
        parts.push(format!("-H {}", quote("Content-Type: application/json")?));
        parts.push(format!(
            "--data-raw {}",
            quote(request.body.unwrap_or("{}"))?
        ));
    }
    let continuation = match shell {
        Shell::Bash => " \\\n  ",
        Shell::Cmd => " ^\n  ",
        Shell::PowerShell => " `\n  ",
    };
    Ok(parts.join(continuation))
}

fn quote_for(shell: Shell, word: &str) -> Result<String, String> {
    Ok(match shell {
        Shell::Bash => quote_bash(word),
        Shell::Cmd => quote_cmd(word)?,
        Shell::PowerShell => quote_powershell(word),
    })
}

/// bash: safe words as they are, else `'…'` with `'\''` for a quote (the manual's
/// *Single Quotes*: nothing inside is special).
#[must_use]
pub fn quote_bash(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,".contains(&b))
    {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// PowerShell 7.3+: `'…'` with `''` for a quote (`about_Quoting_Rules`); it passes the
/// argument to `curl.exe` with the quoting Windows programs expect.
#[must_use]
pub fn quote_powershell(word: &str) -> String {
    format!("'{}'", word.replace('\'', "''"))
}

/// cmd, as browsers write it: the argument in `"…"` for the Windows C runtime (`\"` for a
/// quote, backslashes before a quote doubled), and every character cmd would act on
/// escaped with `^` (the quotes too, so cmd never sees a quoted region). A newline is
/// `^` + two line ends, cmd's way to put one in a command.
pub fn quote_cmd(word: &str) -> Result<String, String> {
    if word.contains('\r') {
        return Err(
            "The request holds a carriage return, which a cmd command cannot carry; copy it for bash or PowerShell.".into(),
        );
    }
    // First the C runtime's quoting of one argument.
    let mut runtime = String::from("\"");
    let mut backslashes = 0;
    for c in word.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                runtime.push_str(&"\\".repeat(backslashes * 2 + 1));
                runtime.push('"');
                backslashes = 0;
            }
            other => {
                runtime.push_str(&"\\".repeat(backslashes));
                runtime.push(other);
                backslashes = 0;
            }
        }
    }
    runtime.push_str(&"\\".repeat(backslashes * 2));
    runtime.push('"');
    // Then cmd's escapes on top.
    let mut out = String::with_capacity(runtime.len() * 2);
    for c in runtime.chars() {
        match c {
            '"' | '^' | '&' | '|' | '<' | '>' | '%' | '!' | '(' | ')' | '{' | '}' => {
                out.push('^');
                out.push(c);
            }
            '\n' => out.push_str("^\n\n"),
            other => out.push(other),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::shell::split;
    use super::*;

    #[test]
    fn every_shell_reads_back_what_is_written() {
        let words = [
            "plain",
            "it's",
            "two words",
            "{\"name\":\"O'Brien \\\"Ltd\\\"\",\n  \"x\":\"a\\\\\"}",
            "100% & more | <tags> ^caret !bang",
            "C:\\path\\",
            "",
        ];
        for shell in Shell::ALL {
            for word in words {
                let command = format!("curl {}", quote_for(shell, word).unwrap());
                let read = split(&command, shell).unwrap();
                assert_eq!(read.list.len(), 2, "{shell:?} {command}");
                assert_eq!(read.list[1].text, word, "{shell:?} {command}");
                assert!(read.list[1].expansion.is_none(), "{shell:?} {command}");
            }
        }
        assert!(quote_cmd("a\rb").is_err());
    }

    #[test]
    fn the_command_carries_the_whole_request() {
        let headers = vec![
            ("X-Site".to_owned(), "abc".to_owned()),
            ("X-Empty".to_owned(), String::new()),
        ];
        let request = CurlRequest {
            method: HttpMethod::Post,
            url: "https://h/accounts/v1/customers?$top=5",
            headers: &headers,
            body: None,
        };
        let bash = to_curl(&request, Shell::Bash, None).unwrap();
        assert!(
            bash.contains("-X POST") && bash.contains("--data-raw '{}'"),
            "{bash}"
        );
        assert!(
            bash.contains("\"Authorization: Bearer $SAGE200_TOKEN\""),
            "{bash}"
        );
        assert!(bash.contains("-H 'X-Empty;'"), "{bash}");
        let cmd = to_curl(&request, Shell::Cmd, Some("tok")).unwrap();
        assert!(
            cmd.contains("Bearer tok") && cmd.contains(" ^\n  "),
            "{cmd}"
        );
        let ps = to_curl(&request, Shell::PowerShell, None).unwrap();
        assert!(
            ps.starts_with("curl.exe") && ps.contains("$env:SAGE200_TOKEN"),
            "{ps}"
        );
    }
}
