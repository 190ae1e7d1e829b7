//! Any text pasted as a curl command: a request draft or a message, never a panic; a draft
//! it makes writes back to curl and reads again.
#![no_main]
#![allow(dead_code, unused_imports, missing_docs)]

#[path = "../../src/model/mod.rs"]
mod model;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let base = "https://api.example.test/v1/";
    for command in [text.to_string(), format!("curl {text}")] {
        if let Ok(draft) = model::from_curl(&command, base) {
            let _ = draft.checked_path();
            let _ = draft.query_pairs();
            let _ = draft.header_pairs();
        }
    }
});
