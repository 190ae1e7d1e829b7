//! Smoke tests of the real binary under X (Xvfb in `scripts/test.sh`): `sage200-desk --demo`
//! opens a window with the app's title, class and icon, paints its first frame, signs in to
//! the demo through the system opener and stays up (a screenshot goes to
//! `target/screenshots/` and must not be blank); Ctrl+Q quits, and the window comes back at
//! the size and place the user left it.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::RunningApp;

fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One app window at a time: the tests share the display, its keyboard focus and title.
static DISPLAY_IN_USE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The X display, or `None` (and the test skips) when there is none and none is required.
fn display() -> Option<String> {
    if let Ok(display) = std::env::var("DISPLAY") {
        return Some(display);
    }
    assert!(
        !support::required("SAGE200_REQUIRE_GUI"),
        "SAGE200_REQUIRE_GUI=1 but no DISPLAY is set"
    );
    eprintln!("skipped: no DISPLAY (scripts/test.sh runs this under Xvfb)");
    None
}

/// The app built here, running with `--demo` on a desktop whose browser cannot open
/// anything (it only notes that it was asked, in `browser-asked` in the data folder): the
/// demo approves at once and the app follows the redirect itself.
fn start(data_dir: &Path) -> RunningApp {
    RunningApp::start_demo(
        Path::new(env!("CARGO_BIN_EXE_sage200-desk")),
        data_dir,
        &format!(
            r#"echo "$1" >> '{}'; exit 1"#,
            data_dir.join("browser-asked").display()
        ),
    )
}

/// The X window id of the app's window, found by its process and title.
fn window_of(app: &RunningApp) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let pid = app.child.id().to_string();
        let found = run(
            "xdotool",
            &[
                "search",
                "--onlyvisible",
                "--pid",
                &pid,
                "--name",
                "^Sage 200 Desk$",
            ],
        );
        if let Some(id) = found.lines().next() {
            return id.trim().to_owned();
        }
        assert!(Instant::now() < deadline, "no window titled Sage 200 Desk");
        std::thread::sleep(Duration::from_millis(200));
    }
}
/// Runs an X tool and returns what it printed.
fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (scripts/test.sh installs it): {e}"));
    if !output.stderr.is_empty() {
        eprintln!(
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `xdotool getwindowgeometry`: ((x, y), (width, height)).
fn geometry(window: &str) -> ((i32, i32), (i32, i32)) {
    let text = run("xdotool", &["getwindowgeometry", window]);
    let pair = |label: &str, separator: char| {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in {text}"));
        let value = line.split(':').nth(1).unwrap().trim();
        let value = value.split_whitespace().next().unwrap();
        let (a, b) = value.split_once(separator).unwrap();
        (a.parse().unwrap(), b.parse().unwrap())
    };
    (pair("Position", ','), pair("Geometry", 'x'))
}

#[test]
fn the_binary_opens_the_demo_shell_and_paints_it() {
    let Some(display) = display() else { return };
    let _display = DISPLAY_IN_USE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let data_dir = tempfile::tempdir().unwrap();
    let mut app = start(data_dir.path());
    // --demo signs in by itself, without a browser: this desktop's cannot open anything.
    app.wait_for(&["first frame", "server reachable", "signed in"]);
    assert!(
        !data_dir.path().join("browser-asked").exists(),
        "--demo asked the browser to open the sign-in page"
    );
    // Let the frame that shows the check's result reach the screen.
    std::thread::sleep(Duration::from_millis(1500));

    // Title, class (the desktop file's StartupWMClass and Wayland app id) and icon.
    let window = window_of(&app);
    let properties = run(
        "xprop",
        &[
            "-id",
            &window,
            "-f",
            "_NET_WM_ICON",
            "32x",
            "WM_CLASS",
            "_NET_WM_NAME",
            "_NET_WM_ICON",
        ],
    );
    assert!(
        properties.contains("\"sage200-desk\""),
        "window class is not sage200-desk:\n{properties}"
    );
    assert!(
        properties.contains("\"Sage 200 Desk\""),
        "window title is not Sage 200 Desk:\n{properties}"
    );
    // 256×256, in the app's green (ARGB 0xff00a65a), not eframe's default icon.
    assert!(
        properties.contains("_NET_WM_ICON(CARDINAL) = 0x100, 0x100,")
            && properties.matches("0xff00a65a").count() > 10_000,
        "the window does not carry the app's 256×256 icon:\n{}",
        &properties[..properties.len().min(2000)]
    );

    let shot = screenshots_dir().join("smoke-demo.png");
    let status = Command::new("import")
        .args(["-display", &display, "-window", "root"])
        .arg(&shot)
        .status()
        .expect("imagemagick's import runs");
    assert!(status.success(), "import failed");
    assert!(
        app.child.try_wait().unwrap().is_none(),
        "the app died while idle"
    );
    app.stop();

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

#[test]
fn the_window_comes_back_where_and_as_large_as_it_was_left() {
    let Some(_display) = the_display() else {
        return;
    };
    let data_dir = tempfile::tempdir().unwrap();
    let mut first = start(data_dir.path());
    first.wait_for(&["first frame"]);
    let window = window_of(&first);
    let (_, initial_size) = geometry(&window);
    assert_eq!(
        initial_size,
        (1180, 760),
        "the first start uses the default size"
    );

    // The user moves and resizes the window (no window manager under Xvfb: xdotool asks X).
    run("xdotool", &["windowsize", &window, "900", "620"]);
    run("xdotool", &["windowmove", &window, "130", "70"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while geometry(&window) != ((130, 70), (900, 620)) {
        assert!(Instant::now() < deadline, "X did not move the window");
        std::thread::sleep(Duration::from_millis(100));
    }
    // The user quits with Ctrl+Q: eframe saves the state and the window as it closes.
    run("xdotool", &["windowfocus", "--sync", &window]);
    run("xdotool", &["key", "--clearmodifiers", "ctrl+q"]);
    closes_cleanly(&mut first, "Ctrl+Q");
    let saved = std::fs::read_to_string(data_dir.path().join("ui-state.ron")).unwrap();
    assert!(
        saved.contains("inner_size_points:(x:900.0,y:620.0)"),
        "the window size was not saved:\n{saved}"
    );

    let mut second = start(data_dir.path());
    second.wait_for(&["first frame"]);
    let window = window_of(&second);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (position, size) = geometry(&window);
        if size == (900, 620) && position == (130, 70) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the window came back at {position:?}, {size:?} instead of (130, 70), (900, 620)"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    second.stop();
}

/// Waits (up to 20 s) for the app to end after `what`, and checks it ended normally.
fn closes_cleanly(app: &mut RunningApp, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = app.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "{what} did not close the app");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "after {what} the app ended with {status}");
}

/// The display, for one test at a time; `None` (the test is skipped) without one.
fn the_display() -> Option<std::sync::MutexGuard<'static, ()>> {
    display()?;
    Some(
        DISPLAY_IN_USE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
}

/// The saved UI state, or nothing yet.
fn saved_state(data_dir: &Path) -> String {
    std::fs::read_to_string(data_dir.join("ui-state.ron")).unwrap_or_default()
}

/// Clicks a screen of the left navigation (its buttons are 34 px apart, in the order of
/// `Screen::ALL`).
fn click_screen(window: &str, screen: sage200_desk::app::Screen) {
    let index = sage200_desk::app::Screen::ALL
        .iter()
        .position(|s| *s == screen)
        .unwrap();
    let y = (65 + 34 * index).to_string();
    run(
        "xdotool",
        &["mousemove", "--window", window, "80", &y, "click", "1"],
    );
}

#[test]
fn an_idle_app_saves_within_a_second_and_a_signal_saves_and_closes() {
    let Some(_display) = the_display() else {
        return;
    };
    let data_dir = tempfile::tempdir().unwrap();
    let mut app = start(data_dir.path());
    app.wait_for(&["first frame", "signed in"]);
    let window = window_of(&app);
    run("xdotool", &["windowfocus", "--sync", &window]);
    // The demo has several companies: the picker opens; Escape closes it.
    std::thread::sleep(Duration::from_millis(1500));
    run("xdotool", &["key", "--clearmodifiers", "Escape"]);
    std::thread::sleep(Duration::from_millis(500));

    // Two edits in quick succession (the first may be saved with its own frame; the second
    // comes within eframe's one-second save interval), then the app is left alone.
    click_screen(&window, sage200_desk::app::Screen::RequestBuilder);
    std::thread::sleep(Duration::from_millis(250));
    click_screen(&window, sage200_desk::app::Screen::History);
    // The pointer leaves the window, so nothing there asks for another frame.
    run("xdotool", &["mousemove", "1270", "795"]);
    let deadline = Instant::now() + Duration::from_secs(3);
    while !saved_state(data_dir.path()).contains("screen:History") {
        assert!(
            Instant::now() < deadline,
            "the last edit was not saved while the app sat idle:\n{}",
            saved_state(data_dir.path())
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // An edit, then at once the session ends (a desktop logout sends SIGTERM).
    click_screen(&window, sage200_desk::app::Screen::Settings);
    std::thread::sleep(Duration::from_millis(150));
    let pid = app.child.id().to_string();
    run("kill", &["-TERM", &pid]);
    closes_cleanly(&mut app, "SIGTERM");
    assert!(
        saved_state(data_dir.path()).contains("screen:Settings"),
        "the edit made just before SIGTERM was lost:\n{}",
        saved_state(data_dir.path())
    );
}

/// Turns the session's accessibility on (`org.a11y.Status.IsEnabled`, which D-Bus starts
/// the AT-SPI bus for, as a desktop does when a screen reader runs) and off again when
/// dropped, so the other tests' apps run as on a desktop without one.
struct ScreenReaderOn;

impl ScreenReaderOn {
    fn set(on: bool) -> bool {
        Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.a11y.Bus",
                "/org/a11y/bus",
                "org.freedesktop.DBus.Properties.Set",
                "string:org.a11y.Status",
                "string:IsEnabled",
                &format!("variant:boolean:{on}"),
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for ScreenReaderOn {
    fn drop(&mut self) {
        Self::set(false);
    }
}

/// The records grid as a screen reader reads it, through AT-SPI (Linux's accessibility
/// bus) from the real binary: a table named for its list, column headers, rows, and each
/// cell named with its column's title and its value as shown ("Balance, 16,648.47"). The
/// reading is done by `tests/a11y/grid_tree.py` with Debian's AT-SPI bindings, which also
/// picks the company through the button's accessible action, as Orca's users do.
#[test]
fn the_records_grid_reads_as_a_table_to_a_screen_reader() {
    let Some(_display) = the_display() else {
        return;
    };
    let bindings = Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import gi; gi.require_version('Atspi', '2.0'); from gi.repository import Atspi",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !bindings || !ScreenReaderOn::set(true) {
        assert!(
            !support::required("SAGE200_REQUIRE_GUI"),
            "AT-SPI is required: apt-get install at-spi2-core gir1.2-atspi-2.0 python3-gi"
        );
        eprintln!("skipped: no AT-SPI bus or bindings");
        return;
    }
    let _on = ScreenReaderOn;
    let data_dir = tempfile::tempdir().unwrap();
    let mut app = start(data_dir.path());
    app.wait_for(&["first frame", "signed in"]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/a11y/grid_tree.py");
    let read = Command::new("/usr/bin/python3")
        .args(["-W", "ignore"])
        .arg(&script)
        .arg(app.child.id().to_string())
        .arg("Stationery & Office Supplies")
        .output()
        .unwrap();
    app.stop();
    assert!(
        read.status.success(),
        "{}{}",
        String::from_utf8_lossy(&read.stdout),
        String::from_utf8_lossy(&read.stderr)
    );
    let tree: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
    assert_eq!(tree["table"], "customers");
    assert!(tree["rows"].as_u64().unwrap() > 10, "{tree}");
    let headers: Vec<&str> = tree["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    for title in ["Reference", "Name", "Balance", "Credit limit", "On hold"] {
        assert!(headers.contains(&title), "{title} not in {headers:?}");
    }
    let cells: Vec<&str> = tree["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    // A balance reads as its column and the amount with separators and pence.
    let balance = cells
        .iter()
        .find_map(|c| c.strip_prefix("Balance, "))
        .unwrap_or_else(|| panic!("no Balance cell in {cells:?}"));
    assert!(
        balance.contains('.') && balance.split('.').nth(1).unwrap().len() == 2,
        "{balance}"
    );
    assert!(
        cells
            .iter()
            .any(|c| *c == "On hold, Yes" || *c == "On hold, No"),
        "ticks read as words: {cells:?}"
    );
}
