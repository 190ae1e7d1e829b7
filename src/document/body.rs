//! A request body as typed: checked as JSON with a line and column people can find, and
//! pretty-printed for the Format button.

/// Where a JSON body fails to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Checks a JSON body: `Ok(None)` for an empty one.
pub fn check_body(text: &str) -> Result<Option<Vec<u8>>, BodyError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => Ok(Some(text.as_bytes().to_vec())),
        Err(e) => Err(BodyError {
            line: e.line(),
            // serde_json says column 0 at the start of a line; people count from 1.
            column: e.column().max(1),
            message: e
                .to_string()
                .split(" at line")
                .next()
                .unwrap_or_default()
                .to_owned(),
        }),
    }
}

/// Pretty-prints a JSON body (for the Format button); `None` when it is not valid JSON.
#[must_use]
pub fn format_body(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_checked_with_line_and_column() {
        assert_eq!(check_body("  "), Ok(None));
        assert!(check_body("{\"a\": 1}").unwrap().is_some());
        let problem = check_body("{\n  \"name\": \"x\",\n  \"oops\"\n}").unwrap_err();
        assert_eq!((problem.line, problem.column), (4, 1));
        assert_eq!(
            format_body("{\"a\":[1,2]}").unwrap(),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
        );
        assert!(format_body("{").is_none());
    }
}
