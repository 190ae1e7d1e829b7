//! Captures (values taken from an answer into variables) as a Postman test script that
//! Postman runs: `pm.environment.set("customer_id", sage200Path(sage200Answer, "$.id"));`
//! after a small function that walks the same JSON paths the app reads. A script of exactly
//! this shape (it starts with [`MARKER`]) is read back as captures; any other script is
//! kept in the description, as before.

use serde_json::Value;

use super::Capture;

/// The first line of a capture script.
pub(super) const MARKER: &str =
    "// sage200-desk captures: values taken from the answer into variables.";

/// The walk of a path (`$`, `.name`, `[n]`, `[*]` taking the first), as the app reads it;
/// an object or array is set as its JSON text.
const WALK: [&str; 13] = [
    "const sage200Answer = pm.response.json();",
    "function sage200Path(value, path) {",
    "    const parts = path.replace(/^\\$/, \"\").match(/\\.[^.\\[]+|\\[[^\\]]*\\]/g) || [];",
    "    for (const part of parts) {",
    "        if (value === undefined || value === null) return undefined;",
    "        const key = part.startsWith(\".\") ? part.slice(1) : part.slice(1, -1);",
    "        if (key === \"*\") value = Object.values(value)[0];",
    "        else if (part.startsWith(\"[\")) value = value[Number(key)];",
    "        else value = value[key];",
    "    }",
    "    return value !== null && typeof value === \"object\" ? JSON.stringify(value) : value;",
    "}",
    "",
];

/// The test script that sets each capture's variable in Postman's environment.
pub(super) fn script(captures: &[Capture]) -> Vec<String> {
    let quoted = |text: &str| Value::String(text.to_owned()).to_string();
    let mut lines = vec![MARKER.to_owned()];
    lines.extend(WALK.iter().map(|l| (*l).to_owned()));
    lines.extend(captures.iter().map(|c| {
        format!(
            "pm.environment.set({}, sage200Path(sage200Answer, {}));",
            quoted(&c.variable),
            quoted(&c.path)
        )
    }));
    lines
}

/// The captures of a script written by [`script`], or `None` for any other script.
pub(super) fn read(code: &str) -> Option<Vec<Capture>> {
    let mut lines = code.lines();
    if lines.next()?.trim() != MARKER {
        return None;
    }
    let mut captures = Vec::new();
    for line in lines
        .map(str::trim)
        .filter(|l| l.starts_with("pm.environment.set("))
    {
        let args = line
            .strip_prefix("pm.environment.set(")?
            .strip_suffix("));")?;
        let (variable, rest) = json_string(args)?;
        let path = rest
            .trim_start()
            .strip_prefix(',')?
            .trim_start()
            .strip_prefix("sage200Path(sage200Answer,")?
            .trim();
        let (path, rest) = json_string(path)?;
        if !rest.trim().is_empty() {
            return None;
        }
        captures.push(Capture { variable, path });
    }
    Some(captures)
}

/// A JSON string at the start of `text`, and what follows it.
fn json_string(text: &str) -> Option<(String, &str)> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<String>();
    let value = stream.next()?.ok()?;
    let used = stream.byte_offset();
    Some((value, &text[used..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_are_written_as_a_script_and_read_back() {
        let captures = vec![
            Capture {
                variable: "customer_id".into(),
                path: "$.id".into(),
            },
            Capture {
                variable: "odd \"name\"".into(),
                path: "$[0].contacts[*].first_name".into(),
            },
        ];
        let code = script(&captures).join("\n");
        assert_eq!(read(&code), Some(captures));
        assert_eq!(read("pm.environment.set(\"x\", 1);"), None, "not ours");
        assert_eq!(
            read(&format!("{MARKER}\npm.environment.set(\"x\", 1);")),
            None
        );
    }
}
