//! Reading the Windows forms of a command: cmd (`^` escapes and continuations, then the
//! Windows C runtime's argument rules, Microsoft's *Parsing C++ command-line arguments*)
//! and PowerShell 7.3+ (`about_Quoting_Rules`, `about_Special_Characters`).

use super::shell::{Reader, Shell, Word, Words, more_after, substitution};

/// Stands in for a `%` that cmd was told (`^%`) to leave alone, until variables are found.
const ESCAPED_PERCENT: char = '\u{e000}';

/// cmd's reading: `^` escapes and continuations outside "…", operators end the command,
/// then the arguments are split by the Windows C runtime's rules.
pub(super) fn cmd(text: &str) -> Result<Words, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut line = String::new();
    let mut quoted = false;
    let mut notes = Vec::new();
    let mut at = 0;
    while let Some(&c) = chars.get(at) {
        at += 1;
        if quoted {
            match c {
                '"' => {
                    quoted = false;
                    line.push(c);
                }
                '\n' => return Err("A double quote (\") is not closed on its line.".into()),
                other => line.push(other),
            }
            continue;
        }
        match c {
            '^' => match chars.get(at) {
                // `^` and two line ends put a newline in the command; one continues it.
                Some('\n') if chars.get(at + 1) == Some(&'\n') => {
                    line.push('\n');
                    at += 2;
                }
                Some('\n') => at += 1,
                Some('%') => {
                    line.push(ESCAPED_PERCENT);
                    at += 1;
                }
                Some(&next) => {
                    line.push(next);
                    at += 1;
                }
                None => {}
            },
            '"' => {
                quoted = true;
                line.push(c);
            }
            '\n' => {
                if !line.trim().is_empty() {
                    more_after(&chars[at..], ':')?;
                    break;
                }
            }
            '&' | '|' | '<' | '>' => {
                notes.push(format!(
                    "Ignored what follows '{c}' (another command, or where the output goes)."
                ));
                break;
            }
            other => line.push(other),
        }
    }
    if quoted {
        return Err("A double quote (\") is not closed.".into());
    }
    let words = windows_arguments(&line)
        .into_iter()
        .map(|text| {
            let expansion = percent_variable(&text);
            Word {
                text: text.replace(ESCAPED_PERCENT, "%"),
                expansion,
                not_utf8: false,
            }
        })
        .collect();
    Ok(Words {
        shell: Shell::Cmd,
        list: words,
        notes,
    })
}

/// Splits a command line into arguments as the Windows C runtime does (Microsoft's
/// *Parsing C++ command-line arguments*, VC++ 2008 rules): white space separates outside
/// quotes; `"` starts or ends a quoted part; inside one, `""` is a literal quote; 2n
/// backslashes before a quote give n and the quote is special, 2n+1 give n and a literal
/// quote; other backslashes are literal. `""` is an empty argument (the `winsplit` crate
/// drops those, so a pasted `-d ""` would shift every later word).
fn windows_arguments(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut args = Vec::new();
    let mut arg = String::new();
    let mut started = false;
    let mut quoted = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let run = chars[i..].iter().take_while(|&&b| b == '\\').count();
            i += run;
            if chars.get(i) == Some(&'"') {
                arg.push_str(&"\\".repeat(run / 2));
                if run % 2 == 1 {
                    arg.push('"');
                    i += 1;
                }
            } else {
                arg.push_str(&"\\".repeat(run));
            }
            started = true;
            continue;
        }
        match c {
            '"' if quoted && chars.get(i + 1) == Some(&'"') => {
                arg.push('"');
                i += 1;
            }
            '"' => {
                quoted = !quoted;
                started = true;
            }
            ' ' | '\t' if !quoted => {
                if started {
                    args.push(std::mem::take(&mut arg));
                    started = false;
                }
            }
            other => {
                arg.push(other);
                started = true;
            }
        }
        i += 1;
    }
    if started {
        args.push(arg);
    }
    args
}

/// The first `%NAME%` cmd would expand in `text`.
fn percent_variable(text: &str) -> Option<String> {
    let mut parts = text.split('%');
    parts.next();
    let mut parts = parts.peekable();
    while let Some(name) = parts.next() {
        // `%C3%A9` is percent-encoding, not the variable `C3`.
        let hex_pair = name.len() == 2 && name.chars().all(|c| c.is_ascii_hexdigit());
        let is_name = !hex_pair
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if is_name && parts.peek().is_some() {
            return Some(format!("%{name}%"));
        }
    }
    None
}

/// PowerShell's reading of a native command's arguments (7.3 and later).
impl Reader {
    pub(super) fn powershell(mut self) -> Result<Words, String> {
        while let Some(c) = self.peek(0) {
            match c {
                '`' => {
                    match self.peek(1) {
                        Some('\n') | None => {}
                        Some(next) => self.word.push(next),
                    }
                    self.at += 2;
                }
                '\'' => self.single_quoted(true)?,
                '"' => {
                    self.at += 1;
                    self.ps_double_quoted()?;
                }
                '$' => self.ps_variable()?,
                '#' if !self.word.started => self.comment(),
                ' ' | '\t' => self.blank(),
                '\n' => {
                    if self.newline()? {
                        break;
                    }
                }
                '|' | ';' | '>' | '<' => {
                    self.end_word();
                    self.notes.push(format!(
                        "Ignored what follows '{c}' (another command, or where the output goes)."
                    ));
                    break;
                }
                other => {
                    self.word.push(other);
                    self.at += 1;
                }
            }
        }
        self.end_word();
        Ok(Words {
            shell: Shell::PowerShell,
            list: self.words,
            notes: self.notes,
        })
    }

    fn ps_double_quoted(&mut self) -> Result<(), String> {
        self.word.started = true;
        loop {
            match self.peek(0) {
                None => return Err("A double quote (\") is not closed.".into()),
                Some('"') if self.peek(1) == Some('"') => {
                    self.word.push('"');
                    self.at += 2;
                }
                Some('"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some('`') if self.peek(1) == Some('u') && self.peek(2) == Some('{') => {
                    let close = self.chars[self.at..]
                        .iter()
                        .position(|&c| c == '}')
                        .ok_or("A `u{…} escape is not closed.")?;
                    let hex: String = self.chars[self.at + 3..self.at + close].iter().collect();
                    let ch = u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("`u{{{hex}}} is not a character."))?;
                    self.word.push(ch);
                    self.at += close + 1;
                }
                Some('`') => {
                    let escaped = match self.peek(1) {
                        Some('0') => '\0',
                        Some('a') => '\u{7}',
                        Some('b') => '\u{8}',
                        Some('e') => '\u{1b}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('v') => '\u{b}',
                        Some(other) => other,
                        None => return Err("A double quote (\") is not closed.".into()),
                    };
                    self.word.push(escaped);
                    self.at += 2;
                }
                Some('$') => self.ps_variable()?,
                Some(c) => {
                    self.word.push(c);
                    self.at += 1;
                }
            }
        }
    }

    /// `$name`, `$env:NAME`, `${…}` or `$(…)`; a lone `$` is itself.
    fn ps_variable(&mut self) -> Result<(), String> {
        match self.peek(1) {
            Some('(') => Err(substitution("$(…)")),
            Some('{') => self.braced_variable(),
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                self.named_variable(&['_', ':']); // `$env:NAME`
                Ok(())
            }
            _ => {
                self.word.push('$');
                self.at += 1;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::shell::tests::texts;
    use super::super::shell::{detect, split};
    use super::*;

    #[test]
    fn cmd_reads_carets_then_windows_arguments() {
        let chrome = "curl ^\"http://h/x?a=1^&b=^%^20^\" ^\n  -H ^\"accept: */*^\" ^\n  --data-raw ^\"^{^\\^\"name^\\^\":^\\^\"O'Brien^\\^\"^}^\"";
        assert_eq!(detect(chrome), Shell::Cmd);
        assert_eq!(
            texts(chrome, Shell::Cmd),
            [
                "curl",
                "http://h/x?a=1&b=%20",
                "-H",
                "accept: */*",
                "--data-raw",
                "{\"name\":\"O'Brien\"}"
            ]
        );
        let words = split("curl.exe \"http://h/%TOKEN%\"", Shell::Cmd)
            .unwrap()
            .list;
        assert_eq!(words[1].expansion.as_deref(), Some("%TOKEN%"));
        let notes = split("curl http://h/x > out.json", Shell::Cmd)
            .unwrap()
            .notes;
        assert!(notes[0].contains("'>'"));
    }

    #[test]
    fn windows_arguments_follow_microsofts_table() {
        let cases: [(&str, &[&str]); 6] = [
            (r#""a b c"  d  e"#, &["a b c", "d", "e"]),
            (r#""ab\"c"  "\\"  d"#, &[r#"ab"c"#, r"\", "d"]),
            (r#"a\\\b d"e f"g h"#, &[r"a\\\b", "de fg", "h"]),
            (r#"a\\\"b c d"#, &[r#"a\"b"#, "c", "d"]),
            (r#"a\\\\"b c" d e"#, &[r"a\\b c", "d", "e"]),
            (r#"a "" b "x""y""#, &["a", "", "b", r#"x"y"#]),
        ];
        for (line, want) in cases {
            assert_eq!(windows_arguments(line), want, "{line}");
        }
    }

    #[test]
    fn powershell_reads_its_quotes_and_backticks() {
        let text = "PS C:\\> curl.exe -X POST 'http://h/x' `\n  -H \"X-A: `\"b`\"\" `\n  --data-raw '{\"name\":\"O''Brien\"}'";
        assert_eq!(detect(text), Shell::PowerShell);
        assert_eq!(
            texts(text, Shell::PowerShell),
            [
                "curl.exe",
                "-X",
                "POST",
                "http://h/x",
                "-H",
                "X-A: \"b\"",
                "--data-raw",
                "{\"name\":\"O'Brien\"}"
            ]
        );
        let words = split(
            "curl.exe -H \"Authorization: Bearer $env:TOKEN\"",
            Shell::PowerShell,
        )
        .unwrap()
        .list;
        assert_eq!(words[2].expansion.as_deref(), Some("$env:TOKEN"));
    }
}
