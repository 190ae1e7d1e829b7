//! Smoke test of the real binary: `sage200-desk --demo` opens a window under X (Xvfb in
//! `scripts/test.sh`), paints its first frame and stays up; a screenshot of the screen goes
//! to `target/screenshots/` and must not be blank.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_binary_opens_the_demo_shell_and_paints_it() {
    let Ok(display) = std::env::var("DISPLAY") else {
        assert!(
            !support::required("SAGE200_REQUIRE_GUI"),
            "SAGE200_REQUIRE_GUI=1 but no DISPLAY is set"
        );
        eprintln!("skipped: no DISPLAY (scripts/test.sh runs this under Xvfb)");
        return;
    };
    let data_dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sage200-desk"))
        .arg("--demo")
        .env("SAGE200_DESK_DATA_DIR", data_dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");

    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = Vec::new();
    let mut saw_first_frame = false;
    let mut saw_reachable = false;
    let deadline = std::time::Instant::now() + Duration::from_mins(1);
    while std::time::Instant::now() < deadline && !(saw_first_frame && saw_reachable) {
        match lines_rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                saw_first_frame |= line.contains("first frame");
                saw_reachable |= line.contains("server reachable");
                log.push(line);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the app exited early ({status}):\n{}", log.join("\n"));
        }
    }
    assert!(
        saw_first_frame,
        "no first frame within 60 s:\n{}",
        log.join("\n")
    );
    assert!(
        saw_reachable,
        "the demo server check did not succeed:\n{}",
        log.join("\n")
    );
    // Let the frame that shows the check's result reach the screen.
    std::thread::sleep(Duration::from_millis(1500));

    let shot = screenshots_dir().join("smoke-demo.png");
    let status = Command::new("import")
        .args(["-display", &display, "-window", "root"])
        .arg(&shot)
        .status()
        .expect("imagemagick's import runs");
    assert!(status.success(), "import failed");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the app died while idle"
    );
    child.kill().ok();
    child.wait().ok();

    let image = image::open(&shot).expect("a PNG").to_rgb8();
    let mut colours = std::collections::HashSet::new();
    for pixel in image.pixels().step_by(7) {
        colours.insert(pixel.0);
    }
    assert!(
        colours.len() > 16,
        "the screenshot looks blank ({} colours): {}",
        colours.len(),
        shot.display()
    );
    eprintln!("screenshot: {}", shot.display());
}
