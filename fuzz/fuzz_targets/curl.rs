//! Any text pasted as a curl command (read as bash, cmd or PowerShell): a request draft or a
//! message, never a panic; any text written into a command for every shell likewise.
#![no_main]
#![allow(dead_code, unused_imports, missing_docs)]

#[path = "../../src/model/mod.rs"]
mod model;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let base = "https://api.example.test/v1/";
    for command in [text.to_string(), format!("curl {text}")] {
        if let Ok(imported) = model::from_curl(&command, base) {
            let draft = imported.draft;
            let _ = draft.checked_path();
            let _ = draft.query_pairs();
            let _ = draft.header_pairs();
        }
        // Any text written for every shell: a command or a message.
        let _ = model::quote_cmd(&command);
        for shell in model::Shell::ALL {
            let _ = model::to_curl(
                &model::CurlRequest {
                    method: model::HttpMethod::Post,
                    url: &command,
                    headers: &[],
                    body: Some(&command),
                },
                shell,
                None,
            );
        }
    }
});
