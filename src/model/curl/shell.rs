//! Reading a pasted command line into words the way the shell it was written for would:
//! bash (POSIX quoting plus `$'…'`), Windows cmd (`^` escapes, then the Windows C runtime's
//! argument rules) and PowerShell (those two in [`super::windows`]). Expansions the app cannot
//! perform (variables, command substitution) are reported, never guessed.
//!
//! Sources: the bash manual (*Quoting*, *ANSI-C Quoting*, *Comments*), Microsoft's
//! *Parsing C++ command-line arguments* and cmd's `^` escape, and PowerShell's
//! `about_Quoting_Rules` and `about_Special_Characters`.

/// The shells a curl command may be written for.
#[allow(clippy::enum_variant_names)] // PowerShell is the product's name
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shell {
    /// bash, sh, zsh: Linux, macOS, Git Bash; what browsers write as "Copy as cURL (bash)".
    Bash,
    /// Windows cmd: what browsers write as "Copy as cURL (cmd)".
    Cmd,
    /// PowerShell 7.3 or later, calling `curl.exe`.
    PowerShell,
}

impl Shell {
    /// Every shell, in the order offered.
    pub const ALL: [Self; 3] = [Self::Bash, Self::Cmd, Self::PowerShell];

    /// "bash", "cmd", "PowerShell".
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Bash => "bash",
            Self::Cmd => "cmd",
            Self::PowerShell => "PowerShell",
        }
    }
}

/// One word of the command after quote removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Word {
    /// The word, with any expansion left as written (`$TOKEN`).
    pub text: String,
    /// The first variable or expansion the shell would have filled in, as written.
    pub expansion: Option<String>,
    /// The word held bytes that are not UTF-8 (from `$'\351'` and the like).
    pub not_utf8: bool,
}

/// A command line split into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Words {
    /// The shell the text was read as.
    pub shell: Shell,
    /// The words, the command first.
    pub list: Vec<Word>,
    /// What was left out (a pipe, a redirection), in words for the user.
    pub notes: Vec<String>,
}

/// Which shell `text` was written for: `^` at line ends (or a first argument in `^"…^"`)
/// mean cmd; a backtick at a line end, or `curl.exe` with single quotes, PowerShell; a
/// backslash at a line end, or anything else, bash.
#[must_use]
pub fn detect(text: &str) -> Shell {
    let text = text.replace("\r\n", "\n");
    let line_ends = |mark: char| text.lines().any(|l| l.trim_end().ends_with(mark));
    if line_ends('^') {
        return Shell::Cmd;
    }
    if line_ends('`') {
        return Shell::PowerShell;
    }
    if line_ends('\\') {
        return Shell::Bash;
    }
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or_default();
    if first.eq_ignore_ascii_case("curl.exe") || first.ends_with("\\curl.exe") {
        return if text.contains('\'') {
            Shell::PowerShell
        } else {
            Shell::Cmd
        };
    }
    // A one-line command in cmd's escaped form: `curl ^"https://…^"`.
    if words.next().is_some_and(|w| w.starts_with("^\"")) {
        return Shell::Cmd;
    }
    Shell::Bash
}

/// Splits `text` as `shell` does.
pub(super) fn split(text: &str, shell: Shell) -> Result<Words, String> {
    let text = text.replace("\r\n", "\n");
    check_typographic(&text)?;
    match shell {
        Shell::Bash => Reader::new(&strip_prompt(&text, &["$ ", "% ", "> "])).bash(),
        Shell::Cmd => super::windows::cmd(&strip_cmd_prompt(&text)),
        Shell::PowerShell => Reader::new(&strip_ps_prompt(&text)).powershell(),
    }
}

/// Word processors turn quotes into “ ” and ‘ ’; no shell reads those as quotes.
fn check_typographic(text: &str) -> Result<(), String> {
    if let Some(found) = text.chars().find(|c| matches!(c, '“' | '”' | '‘' | '’')) {
        // Inside a properly quoted body they are text; around words they are a mistake.
        let outside = text
            .split(['\'', '"'])
            .step_by(2)
            .any(|part| part.contains(['“', '”', '‘', '’']));
        if outside {
            return Err(format!(
                "The command has typographic quotes ({found}) from a word processor or chat: no shell reads them as quotes. Replace them with straight quotes (' or \") and paste again."
            ));
        }
    }
    Ok(())
}

/// Removes a pasted prompt (`$ curl …`) before the command.
fn strip_prompt(text: &str, prompts: &[&str]) -> String {
    let trimmed = text.trim_start();
    for prompt in prompts {
        if let Some(rest) = trimmed.strip_prefix(prompt)
            && rest.trim_start().starts_with("curl")
        {
            return rest.to_owned();
        }
    }
    text.to_owned()
}

/// Removes `C:\Users\me>` before a cmd command.
fn strip_cmd_prompt(text: &str) -> String {
    let trimmed = text.trim_start();
    if let Some((prompt, rest)) = trimmed.split_once('>')
        && prompt.len() >= 2
        && prompt.as_bytes()[1] == b':'
        && !prompt.contains(['"', '\n', ' '])
        && rest.trim_start().to_ascii_lowercase().starts_with("curl")
    {
        return rest.to_owned();
    }
    text.to_owned()
}

/// Removes `PS C:\Users\me>` (or `PS>`) before a PowerShell command.
fn strip_ps_prompt(text: &str) -> String {
    let trimmed = text.trim_start();
    if let Some(after) = trimmed.strip_prefix("PS")
        && let Some((prompt, rest)) = after.split_once('>')
        && !prompt.contains(['"', '\'', '\n'])
        && rest.trim_start().to_ascii_lowercase().starts_with("curl")
    {
        return rest.to_owned();
    }
    text.to_owned()
}

/// The word being built: bytes (so `$'\351'` stays exact) and what it needs.
#[derive(Default)]
pub(super) struct Building {
    pub(super) bytes: Vec<u8>,
    pub(super) started: bool,
    pub(super) expansion: Option<String>,
}

impl Building {
    pub(super) fn push(&mut self, c: char) {
        let mut buffer = [0; 4];
        self.bytes
            .extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
        self.started = true;
    }

    pub(super) fn push_str(&mut self, s: &str) {
        self.bytes.extend_from_slice(s.as_bytes());
        self.started = true;
    }

    pub(super) fn expands(&mut self, what: String) {
        self.expansion.get_or_insert(what);
    }

    pub(super) fn take(&mut self) -> Option<Word> {
        if !self.started {
            return None;
        }
        let done = std::mem::take(self);
        let (text, not_utf8) = match String::from_utf8(done.bytes) {
            Ok(text) => (text, false),
            Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
        };
        Some(Word {
            text,
            expansion: done.expansion,
            not_utf8,
        })
    }
}

/// What ended the command: the end of the text, or an operator whose rest is ignored.
enum End {
    Text,
    Operator(String),
}

/// A second command after a newline (or `;`) cannot be imported with the first.
pub(super) fn more_after(rest: &[char], comment: char) -> Result<(), String> {
    for line in rest.iter().collect::<String>().lines() {
        let line = line.trim();
        if !line.is_empty() && !line.starts_with(comment) {
            return Err(format!(
                "The text holds more than one command (the next starts with '{}'). Paste one curl command; join its lines with the shell's line continuation.",
                line.chars().take(30).collect::<String>()
            ));
        }
    }
    Ok(())
}

/// A command line being read into words: the text, where reading is, the words so far.
/// bash's reading is here; PowerShell's is in [`super::windows`].
pub(super) struct Reader {
    pub(super) chars: Vec<char>,
    pub(super) at: usize,
    pub(super) words: Vec<Word>,
    pub(super) word: Building,
    pub(super) notes: Vec<String>,
}

impl Reader {
    pub(super) fn new(text: &str) -> Self {
        Self {
            chars: text.chars().collect(),
            at: 0,
            words: Vec::new(),
            word: Building::default(),
            notes: Vec::new(),
        }
    }

    pub(super) fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    pub(super) fn end_word(&mut self) {
        if let Some(word) = self.word.take() {
            self.words.push(word);
        }
    }

    fn bash(mut self) -> Result<Words, String> {
        let end = self.command()?;
        self.end_word();
        if let End::Operator(operator) = end {
            self.notes.push(format!(
                "Ignored what follows '{operator}' (another command, or where the output goes)."
            ));
        }
        Ok(Words {
            shell: Shell::Bash,
            list: self.words,
            notes: self.notes,
        })
    }

    fn command(&mut self) -> Result<End, String> {
        while let Some(c) = self.peek(0) {
            match c {
                '\\' => {
                    if let Some(next) = self.peek(1).filter(|c| *c != '\n') {
                        self.word.push(next);
                    }
                    self.at += 2;
                }
                '\'' => self.single_quoted(false)?,
                '"' => {
                    self.at += 1;
                    self.double_quoted()?;
                }
                '$' => self.dollar()?,
                '`' => self.backticks()?,
                '#' if !self.word.started => self.comment(),
                ' ' | '\t' => self.blank(),
                '\n' => {
                    if self.newline()? {
                        return Ok(End::Text);
                    }
                }
                '|' | ';' | '&' => {
                    self.end_word();
                    let operator: String = self.chars[self.at..]
                        .iter()
                        .take_while(|c| matches!(c, '|' | ';' | '&'))
                        .collect();
                    // A pipe only takes curl's output; `;`, `&&`, `&` start another command.
                    if operator != "|" {
                        let rest: String = self.chars[self.at + operator.len()..].iter().collect();
                        if !rest.trim().is_empty() {
                            return Err(format!(
                                "The text holds more than one command (joined with '{operator}'). Paste one curl command; if '{operator}' is part of the URL, put the URL in quotes."
                            ));
                        }
                    }
                    return Ok(End::Operator(operator));
                }
                '<' | '>' => self.redirection(),
                '(' | ')' => {
                    return Err(
                        "The command uses ( or ) outside quotes, which a shell reads as a sub-shell; quote the word that holds it.".into(),
                    );
                }
                other => {
                    self.word.push(other);
                    self.at += 1;
                }
            }
        }
        Ok(End::Text)
    }

    /// `'…'`: everything literal to the next quote; with `doubled`, `''` is one quote
    /// (PowerShell).
    pub(super) fn single_quoted(&mut self, doubled: bool) -> Result<(), String> {
        self.at += 1;
        self.word.started = true;
        loop {
            match self.peek(0) {
                Some('\'') if doubled && self.peek(1) == Some('\'') => {
                    self.word.push('\'');
                    self.at += 1;
                }
                Some('\'') => break,
                Some(c) => self.word.push(c),
                None => return Err("A single quote (') is not closed.".into()),
            }
            self.at += 1;
        }
        self.at += 1;
        Ok(())
    }

    /// `#` at the start of a word: the rest of the line is a comment.
    pub(super) fn comment(&mut self) {
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.at += 1;
        }
    }

    /// A line end outside quotes: it ends the command once there is one (and anything but
    /// comments after it is a second command).
    pub(super) fn newline(&mut self) -> Result<bool, String> {
        self.end_word();
        self.at += 1;
        if self.words.is_empty() {
            return Ok(false);
        }
        more_after(&self.chars[self.at..], '#')?;
        Ok(true)
    }

    /// `${…}`: kept as written and marked.
    pub(super) fn braced_variable(&mut self) -> Result<(), String> {
        let close = self.chars[self.at..]
            .iter()
            .position(|&c| c == '}')
            .ok_or("A ${ is not closed.")?;
        let name: String = self.chars[self.at..=self.at + close].iter().collect();
        self.word.push_str(&name);
        self.word.expands(name);
        self.at += close + 1;
        Ok(())
    }

    /// `$name` (letters, digits and `also`): kept as written and marked.
    pub(super) fn named_variable(&mut self, also: &[char]) {
        let mut name = String::from("$");
        self.at += 1;
        while let Some(c) = self
            .peek(0)
            .filter(|c| c.is_ascii_alphanumeric() || also.contains(c))
        {
            name.push(c);
            self.at += 1;
        }
        self.word.push_str(&name);
        self.word.expands(name);
    }

    /// A space or tab outside quotes: the word ends.
    pub(super) fn blank(&mut self) {
        self.end_word();
        self.at += 1;
    }

    /// `2>/dev/null`, `> out.json`, `< in`: the redirection and its target are skipped.
    fn redirection(&mut self) {
        if self.word.started && self.word.bytes.iter().all(u8::is_ascii_digit) {
            self.word = Building::default(); // the descriptor number of `2>`
        } else {
            self.end_word();
        }
        while self.peek(0).is_some_and(|c| matches!(c, '<' | '>' | '&')) {
            self.at += 1;
        }
        while self.peek(0).is_some_and(|c| c == ' ' || c == '\t') {
            self.at += 1;
        }
        while self
            .peek(0)
            .is_some_and(|c| !c.is_whitespace() && !matches!(c, '|' | ';' | '&' | '<' | '>'))
        {
            self.at += 1;
        }
        self.notes
            .push("Ignored a redirection (< or >): where curl's output goes.".into());
    }

    fn double_quoted(&mut self) -> Result<(), String> {
        self.word.started = true;
        loop {
            match self.peek(0) {
                None => return Err("A double quote (\") is not closed.".into()),
                Some('"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some('\\') => {
                    match self.peek(1) {
                        Some(c @ ('$' | '`' | '"' | '\\')) => self.word.push(c),
                        Some('\n') => {}
                        _ => {
                            self.word.push('\\');
                            self.at += 1;
                            continue;
                        }
                    }
                    self.at += 2;
                }
                Some('$') => {
                    if self.peek(1) == Some('\'') {
                        self.word.push('$'); // `$'…'` is not special inside "…"
                        self.at += 1;
                    } else {
                        self.dollar()?;
                    }
                }
                Some('`') => self.backticks()?,
                Some(c) => {
                    self.word.push(c);
                    self.at += 1;
                }
            }
        }
    }

    /// `` `…` ``: kept as written and marked, so it is refused wherever the request would
    /// carry it (in an `Authorization` header it is dropped anyway).
    fn backticks(&mut self) -> Result<(), String> {
        let close = self.chars[self.at + 1..]
            .iter()
            .position(|&c| c == '`')
            .ok_or("A ` (command substitution) is not closed.")?;
        let text: String = self.chars[self.at..=self.at + 1 + close].iter().collect();
        self.word.push_str(&text);
        self.word.expands(text);
        self.at += close + 2;
        Ok(())
    }

    /// `$(…)`, nested parentheses counted: kept as written and marked like a variable.
    fn command_substitution(&mut self) -> Result<(), String> {
        let mut depth = 0;
        let mut end = None;
        for (offset, &c) in self.chars[self.at + 1..].iter().enumerate() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(self.at + 1 + offset);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.ok_or("A $( (command substitution) is not closed.")?;
        let text: String = self.chars[self.at..=end].iter().collect();
        self.word.push_str(&text);
        self.word.expands("$(…)".to_owned());
        self.at = end + 1;
        Ok(())
    }

    /// `$NAME`, `${…}`, `$(…)`, `$'…'`, `$"…"` or a plain `$`.
    fn dollar(&mut self) -> Result<(), String> {
        match self.peek(1) {
            Some('(') => self.command_substitution(),
            Some('\'') => {
                self.at += 2;
                self.ansi_c()
            }
            Some('"') => {
                self.at += 2;
                self.double_quoted()
            }
            Some('{') => self.braced_variable(),
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                self.named_variable(&['_']);
                Ok(())
            }
            Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
                let name = format!("${c}");
                self.word.push_str(&name);
                self.word.expands(name);
                self.at += 2;
                Ok(())
            }
            _ => {
                self.word.push('$');
                self.at += 1;
                Ok(())
            }
        }
    }

    /// The inside of `$'…'`, with bash's ANSI-C escapes.
    fn ansi_c(&mut self) -> Result<(), String> {
        self.word.started = true;
        loop {
            let Some(c) = self.peek(0) else {
                return Err("A $'…' quote is not closed.".into());
            };
            self.at += 1;
            match c {
                '\'' => return Ok(()),
                '\\' => self.ansi_escape()?,
                other => self.word.push(other),
            }
        }
    }

    fn ansi_escape(&mut self) -> Result<(), String> {
        let Some(c) = self.peek(0) else {
            return Err("A $'…' quote is not closed.".into());
        };
        self.at += 1;
        let simple = match c {
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'e' | 'E' => Some('\u{1b}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            '\\' | '\'' | '"' | '?' => Some(c),
            _ => None,
        };
        if let Some(simple) = simple {
            self.word.push(simple);
            return Ok(());
        }
        match c {
            '0'..='7' => {
                let mut value = c.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match self.peek(0).and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            self.at += 1;
                        }
                        None => break,
                    }
                }
                self.word
                    .bytes
                    .push(u8::try_from(value & 0xff).unwrap_or(0));
            }
            'x' => match self.hex(2) {
                Some(value) => self.word.bytes.push(u8::try_from(value).unwrap_or(0)),
                None => self.word.push_str("\\x"),
            },
            'u' | 'U' => {
                let digits = if c == 'u' { 4 } else { 8 };
                if let Some(value) = self.hex(digits) {
                    let Some(ch) = char::from_u32(value) else {
                        return Err(format!(
                            "$'…' holds \\{c}{value:X}, which is not a character."
                        ));
                    };
                    self.word.push(ch);
                } else {
                    self.word.push('\\');
                    self.word.push(c);
                }
            }
            'c' => {
                let Some(letter) = self.peek(0) else {
                    return Err("A $'…' quote is not closed.".into());
                };
                self.at += 1;
                let code = if letter == '?' {
                    0x7f
                } else {
                    u32::from(letter) & 0x1f
                };
                self.word.push(char::from_u32(code).unwrap_or('\u{0}'));
            }
            other => {
                self.word.push('\\');
                self.word.push(other);
            }
        }
        Ok(())
    }

    /// Up to `max` hex digits, as bash reads `\x`, `\u` and `\U`.
    fn hex(&mut self, max: usize) -> Option<u32> {
        let mut value = 0;
        let mut count = 0;
        while count < max {
            let Some(d) = self.peek(0).and_then(|c| c.to_digit(16)) else {
                break;
            };
            value = value * 16 + d;
            self.at += 1;
            count += 1;
        }
        (count > 0).then_some(value)
    }
}

pub(super) fn substitution(form: &str) -> String {
    format!(
        "The command uses command substitution ({form}), which only a shell can run; replace it with the value."
    )
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The words `shell` reads in `text` (the readers' tests share it).
    pub(in crate::model::curl) fn texts(text: &str, shell: Shell) -> Vec<String> {
        split(text, shell)
            .unwrap()
            .list
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn bash_reads_every_quoting() {
        assert_eq!(
            texts(
                "curl 'a b' \"c \\\"d\\\" \\$e\" f\\ g $'Caf\\u00e9 O\\'Brien\\n\\x41\\101' \\\n  -H x",
                Shell::Bash
            ),
            [
                "curl",
                "a b",
                "c \"d\" $e",
                "f g",
                "Café O'Brien\nAA",
                "-H",
                "x"
            ]
        );
        let words = split("curl \"$TOKEN\" ${X} plain$", Shell::Bash)
            .unwrap()
            .list;
        assert_eq!(words[1].expansion.as_deref(), Some("$TOKEN"));
        assert_eq!(words[2].expansion.as_deref(), Some("${X}"));
        assert_eq!(words[3].text, "plain$");
        for substituted in ["curl $(cat x)", "curl `cat x`", "curl \"a$(b (c))\""] {
            let word = &split(substituted, Shell::Bash).unwrap().list[1];
            assert!(word.expansion.is_some(), "{substituted}");
        }
        assert!(
            split("curl a; curl b", Shell::Bash)
                .unwrap_err()
                .contains("more than one")
        );
        assert!(
            split("curl 'x?a=1'&b=2", Shell::Bash)
                .unwrap_err()
                .contains("quotes")
        );
        assert!(
            split("curl 'x", Shell::Bash)
                .unwrap_err()
                .contains("not closed")
        );
        assert!(
            split("curl “x”", Shell::Bash)
                .unwrap_err()
                .contains("typographic")
        );
        let piped = split("$ curl x | jq . # all\n", Shell::Bash).unwrap();
        assert_eq!(piped.list.len(), 2);
        assert!(piped.notes[0].contains("'|'"));
        assert!(
            split("curl a\ncurl b", Shell::Bash)
                .unwrap_err()
                .contains("more than one")
        );
        let redirected = split("curl a 2>/dev/null -s", Shell::Bash).unwrap();
        assert_eq!(
            redirected
                .list
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>(),
            ["curl", "a", "-s"]
        );
        assert!(split("curl $'\\351'", Shell::Bash).unwrap().list[1].not_utf8);
    }
}
