//! The performance budgets, measured in one run and printed as one table: each figure
//! beside its budget. Start-up, idle frames and idle memory come from the real release
//! binary under the display `scripts/bench.sh` provides (Xvfb); UI frames from the real app
//! in a headless egui harness (the app's own frame: layout plus tessellation); memory peaks
//! from a counting allocator. It asserts nothing: figures are printed, budgets are judged.
//! Run with `scripts/bench.sh` (or `cargo bench --bench budgets`); `cargo test` runs a small
//! version as a smoke test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::too_many_lines
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::BufRead as _;
use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait as _};
use sage200_desk::app::SageApp;

// Counts what is allocated, passing every call (`realloc` too, so large buffers grow in
// place as they do in the app) to the system allocator.
#[global_allocator]
static MEMORY: &PeakMemAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

const BIN: &str = env!("CARGO_BIN_EXE_sage200-desk");
const MB: f64 = 1024.0 * 1024.0;

/// One line of the table.
struct Row {
    what: String,
    measured: String,
    budget: String,
    met: Option<bool>,
}

fn row(rows: &mut Vec<Row>, what: &str, measured: String, budget: &str, met: Option<bool>) {
    println!("  measured: {what}: {measured}");
    rows.push(Row {
        what: what.to_owned(),
        measured,
        budget: budget.to_owned(),
        met,
    });
}

struct Sizes {
    customers: usize,
    answer_mb: usize,
    /// Answers measured side by side with other readers of JSON.
    side_mb: &'static [usize],
    /// The huge answer read through the client (0: not measured).
    huge_mb: usize,
    transactions: usize,
    scroll_frames: usize,
    start_runs: usize,
    idle_seconds: f64,
}

/// One part of the benchmark: it adds its rows.
type Part = fn(&mut Vec<Row>, &Sizes);

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a small smoke version.
    let full = std::env::args().any(|a| a == "--bench");
    let sizes = if full {
        Sizes {
            customers: 100_000,
            answer_mb: 100,
            side_mb: &[10, 100],
            huge_mb: 5 * 1024,
            transactions: 1_000_000,
            scroll_frames: 300,
            start_runs: 5,
            idle_seconds: 13.0,
        }
    } else {
        Sizes {
            customers: 2_000,
            answer_mb: 2,
            side_mb: &[1],
            huge_mb: 0,
            transactions: 20_000,
            scroll_frames: 10,
            start_runs: 1,
            idle_seconds: 4.0,
        }
    };
    let mut rows = Vec::new();
    // `SAGE200_BENCH_ONLY=ledger_grid` (names below, comma-separated) runs only those parts,
    // for measuring one change; scripts/bench.sh runs them all.
    let only = std::env::var("SAGE200_BENCH_ONLY").ok();
    let wanted = |name: &str| {
        only.as_ref()
            .is_none_or(|o| o.split(',').any(|n| n == name))
    };
    if wanted("start_and_idle") {
        if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some() {
            start_and_idle(&mut rows, &sizes);
        } else {
            println!(
                "no display: start-up and idle rows skipped (scripts/bench.sh runs under Xvfb)"
            );
        }
    }
    let parts: [(&str, Part); 5] = [
        ("browse_and_answers", browse_and_answers),
        ("big_answers", big_answers),
        ("paging_speed_up", paging_speed_up),
        ("ledger_scale", ledger_scale),
        ("ledger_grid", ledger_grid),
    ];
    for (name, part) in parts {
        if wanted(name) {
            part(&mut rows, &sizes);
        }
    }

    println!();
    println!("| what | measured | budget | met |");
    println!("|---|---|---|---|");
    for r in &rows {
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        println!("| {} | {} | {} | {met} |", r.what, r.measured, r.budget);
    }
    for line in SIDE_BY_SIDE.lock().map(|l| l.clone()).unwrap_or_default() {
        println!("{line}");
    }
}

/// The side-by-side table of big answers ([`big_answers`]), printed after the budgets.
static SIDE_BY_SIDE: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Runs the release binary with `--measure`, returning when its first frame was seen
/// (from spawning it), the app's frame times (ms since its start) and resident memory
/// samples (MB) taken at `rss_at` seconds.
fn run_binary(seconds: f64, rss_at: &[f64]) -> (Duration, Vec<f64>, Vec<f64>) {
    let data = tempfile::tempdir().unwrap();
    let spawned = Instant::now();
    let mut child = Process::new(BIN)
        .args(["--data-dir"])
        .arg(data.path())
        .args(["--measure", &seconds.to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send((Instant::now(), line)).is_err() {
                break;
            }
        }
    });
    let mut rss = Vec::new();
    for at in rss_at {
        let wait = Duration::from_secs_f64(*at).saturating_sub(spawned.elapsed());
        std::thread::sleep(wait);
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if let Some(kb) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        {
            rss.push(kb / 1024.0);
        }
    }
    child.wait().unwrap();
    reader.join().unwrap();
    let lines: Vec<(Instant, String)> = receiver.try_iter().collect();
    let first = lines
        .first()
        .map_or(Duration::MAX, |(at, _)| at.duration_since(spawned));
    let frames = lines
        .iter()
        .filter_map(|(_, l)| l.strip_prefix("frame ")?.parse().ok())
        .collect();
    (first, frames, rss)
}

fn start_and_idle(rows: &mut Vec<Row>, sizes: &Sizes) {
    let mut starts: Vec<Duration> = (0..sizes.start_runs)
        .map(|_| run_binary(1.0, &[]).0)
        .collect();
    starts.sort();
    let median = starts[starts.len() / 2];
    row(
        rows,
        "start to first frame (release, Xvfb), median of runs",
        format!(
            "{:.0} ms ({} runs)",
            median.as_secs_f64() * 1000.0,
            starts.len()
        ),
        "≤ 400 ms",
        Some(median <= Duration::from_millis(400)),
    );
    let settle = 3.0;
    let end = sizes.idle_seconds;
    let (_, frames, rss) = run_binary(end, &[settle, f64::midpoint(settle, end), end - 0.5]);
    // The last frame is the one that closes the window on time.
    let idle = frames
        .iter()
        .filter(|ms| **ms >= settle * 1000.0 && **ms < end * 1000.0)
        .count();
    row(
        rows,
        &format!(
            "idle: frames painted in {:.0} s with nothing happening",
            end - settle
        ),
        format!("{idle} (of {} in all)", frames.len()),
        "0",
        Some(idle == 0),
    );
    let peak = rss.iter().copied().fold(0.0, f64::max);
    row(
        rows,
        "idle resident memory after start",
        format!("{peak:.0} MB"),
        "≤ 120 MB",
        Some(peak <= 120.0),
    );
}

/// Starts `sage200-desk demo-server` as its own process (so its memory is not counted
/// with the app's) and returns it with its base URL.
fn external_demo_server(customers: usize) -> (std::process::Child, String) {
    external_demo_server_with(customers, &[])
}

/// [`external_demo_server`] with more command-line options.
fn external_demo_server_with(customers: usize, more: &[&str]) -> (std::process::Child, String) {
    let mut child = Process::new(BIN)
        .args([
            "demo-server",
            "--port",
            "0",
            "--auto-approve",
            "--customers",
        ])
        .arg(customers.to_string())
        .args(more)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let url = lines
        .find_map(|l| {
            l.ok()?
                .strip_prefix("Demo server listening on ")
                .map(str::to_owned)
        })
        .expect("the demo server says where it listens");
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

/// One frame of the app as the user would get it: layout, then tessellation. Returns the
/// wall time and the UI thread's own CPU time (the work the frame did, without the time
/// the thread waited for a core other threads or processes held).
fn timed_frame_both(h: &mut Harness<'static, SageApp>) -> (Duration, Duration) {
    let started = Instant::now();
    let cpu = cpu_time::ThreadTime::now();
    h.step();
    let layout = started.elapsed();
    let layout_cpu = cpu.elapsed();
    let output = h.output();
    let shapes = output.shapes.clone();
    let ppp = output.pixels_per_point;
    let tessellating = Instant::now();
    let cpu = cpu_time::ThreadTime::now();
    let _ = h.ctx.tessellate(shapes, ppp);
    (layout + tessellating.elapsed(), layout_cpu + cpu.elapsed())
}

fn timed_frame(h: &mut Harness<'static, SageApp>) -> Duration {
    timed_frame_both(h).0
}

/// Median and longest of frame times, in ms.
fn spread(frames: &[Duration]) -> (f64, f64) {
    let mut ms: Vec<f64> = frames.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    if ms.is_empty() {
        return (0.0, 0.0);
    }
    (ms[ms.len() / 2], ms[ms.len() - 1])
}

/// Steps frames at about 60 a second until `done`, timing each (wall, UI-thread CPU).
fn frames_until(
    h: &mut Harness<'static, SageApp>,
    timeout: Duration,
    mut done: impl FnMut(&SageApp) -> bool,
) -> (Vec<Duration>, Vec<Duration>) {
    let started = Instant::now();
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    while !done(h.state()) {
        assert!(started.elapsed() < timeout, "timed out");
        let (frame, work) = timed_frame_both(h);
        wall.push(frame);
        cpu.push(work);
        std::thread::sleep(Duration::from_millis(16).saturating_sub(frame));
    }
    (wall, cpu)
}

/// What Fetch all into the Browse table took: wall time, each frame's wall and UI-thread
/// time, the allocation peak over what was in use before, and the table it brought.
struct FetchAll {
    wall: Duration,
    frames: Vec<Duration>,
    work: Vec<Duration>,
    peak: usize,
    page: Arc<sage200_desk::document::Answered>,
}

/// Runs Fetch all on the Browse list and measures it (see [`FetchAll`]).
fn fetch_all(h: &mut Harness<'static, SageApp>, wait: Duration) -> FetchAll {
    MEMORY.reset_peak_memory();
    let started = Instant::now();
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::FetchAll);
    let (frames, work) = frames_until(h, wait, |app| app.browse().everything);
    let wall = started.elapsed();
    let peak = MEMORY.get_peak_memory();
    let page = h.state().browse().page.clone().unwrap();
    FetchAll {
        wall,
        frames,
        work,
        peak,
        page,
    }
}

/// Scrolls the view under `at` by a wheel notch a frame, timing each frame.
fn scroll_frames(h: &mut Harness<'static, SageApp>, at: egui::Pos2, count: usize) -> Vec<Duration> {
    h.hover_at(at);
    let _ = h.run_ok();
    (0..count)
        .map(|i| {
            let down = if i < count * 3 / 4 { -1.0 } else { 1.0 };
            h.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Line,
                delta: egui::vec2(0.0, down * 3.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
                modifiers: egui::Modifiers::NONE,
            });
            timed_frame(h)
        })
        .collect()
}

fn browse_and_answers(rows: &mut Vec<Row>, sizes: &Sizes) {
    let (mut server, url) = external_demo_server(sizes.customers);
    let rt = support::runtime();
    let wait = Duration::from_mins(2);
    let mut h = support::sign_in_harness(&rt, &url, &support::keyring_scope("bench"), wait);
    support::sign_in(&rt, &mut h);
    support::pick_company(&mut h, "Stationery & Office Supplies");
    support::step_until(&mut h, wait, "the first page", |app| {
        let b = &app.browse();
        !b.loading && b.page.is_some() && b.count.is_some()
    });
    let _ = h.run_ok();
    // Every customer column, as this row has always been measured (lists open on a few).
    let every_column = sage200_desk::screens::records::BrowseQuery {
        columns: Vec::new(),
        ..h.state().browse().query.clone()
    };
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Load(Box::new(
            every_column,
        )));
    support::step_until(&mut h, wait, "every column", |app| {
        let b = &app.browse();
        !b.loading && b.query.columns.is_empty() && b.page.is_some()
    });
    let _ = h.run_ok();

    // Fetch every customer into the Browse table.
    let FetchAll {
        wall,
        frames,
        work,
        peak,
        page,
    } = fetch_all(&mut h, wait);
    let received = page.meta.size as f64;
    let records = page.record_count();
    row(
        rows,
        &format!("fetch all {records} customers into the browse table"),
        format!(
            "{:.2} s ({:.0} MB received)",
            wall.as_secs_f64(),
            received / MB
        ),
        "≤ 4 s",
        Some(wall <= Duration::from_secs(4)),
    );
    let (median, longest) = spread(&frames);
    let (_, longest_work) = spread(&work);
    row(
        rows,
        "UI frames during that fetch and parse: longest (the UI thread's own work; wall time, with the demo server and page readers sharing the 2 cores, beside it)",
        format!(
            "{longest_work:.1} ms of work (wall: longest {longest:.1} ms, median {median:.2} ms; {} frames)",
            frames.len()
        ),
        "≤ 16 ms",
        Some(longest_work <= 16.0),
    );
    row(
        rows,
        &format!("memory with {records} customers in the table: peak over bytes received"),
        format!(
            "{:.2}× ({:.0} MB for {:.0} MB)",
            peak as f64 / received,
            peak as f64 / MB,
            received / MB
        ),
        "≤ 2.5×",
        Some(peak as f64 <= 2.5 * received),
    );
    let _ = h.run_ok();
    let table_at = h
        .get_by_role_and_label(egui::accesskit::Role::ColumnHeader, "Reference")
        .rect()
        .center()
        + egui::vec2(0.0, 200.0);
    let frames = scroll_frames(&mut h, table_at, sizes.scroll_frames);
    let (median, longest) = spread(&frames);
    row(
        rows,
        &format!("scrolling a {records}-row table with all customer columns"),
        format!("median {median:.2} ms, longest {longest:.1} ms"),
        "median ≤ 4 ms, longest ≤ 16 ms",
        Some(median <= 4.0 && longest <= 16.0),
    );
    let table = page.table.clone().unwrap();
    let name = table.columns.iter().position(|c| c == "name").unwrap();
    let sorting = Instant::now();
    let order = sage200_desk::document::sort_rows(&table, name, false);
    let sorted = sorting.elapsed();
    assert_eq!(order.len(), records);
    row(
        rows,
        "sorting that table by a text column (on a worker thread)",
        format!("{:.0} ms", sorted.as_secs_f64() * 1000.0),
        "≤ 500 ms",
        Some(sorted <= Duration::from_millis(500)),
    );
    drop(table);
    drop(page);
    // Let go of the big table before the next measurement.
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Load(Box::default()));
    let _ = h.run_ok();
    large_answer(rows, sizes, &rt, &mut h);
    let _ = server.kill();
    let _ = server.wait();
}

fn large_answer(
    rows: &mut Vec<Row>,
    sizes: &Sizes,
    rt: &tokio::runtime::Runtime,
    h: &mut Harness<'static, SageApp>,
) {
    let _ = rt;
    let wait = Duration::from_mins(5);
    h.get_by_label("Request builder").click();
    let _ = h.run_ok();
    let id = h.state().request().active_tab;
    let draft = support::large_answer_draft(sizes.answer_mb);
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft),
        ));
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::SendRequest(id));
    let (frames, _) = frames_until(h, wait, |app| {
        app.request()
            .tabs
            .iter()
            .any(|t| t.id == id && t.answer.is_some())
    });
    let answer = h
        .state()
        .request()
        .tabs
        .iter()
        .find(|t| t.id == id)
        .and_then(|t| t.answer.clone())
        .unwrap();
    let body = answer.raw().clone();
    let size = body.len() as f64;
    let (_, longest_while_reading) = spread(&frames);

    // Reading the answer again, alone, for its time and memory.
    MEMORY.reset_peak_memory();
    let reading = Instant::now();
    let again = sage200_desk::document::read_answer(answer.meta.clone(), &body);
    let read = reading.elapsed();
    let peak = MEMORY.get_peak_memory() as f64 + size;
    drop(again);
    row(
        rows,
        &format!(
            "a {:.0} MB JSON answer: parsed off the UI thread",
            size / MB
        ),
        format!("{:.2} s", read.as_secs_f64()),
        "≤ 1.5 s",
        Some(read <= Duration::from_millis(1500)),
    );
    row(
        rows,
        "memory with that answer open: peak over body size",
        format!("{:.2}× ({:.0} MB)", peak / size, peak / MB),
        "≤ 3×",
        Some(peak <= 3.0 * size),
    );
    let mut worst: f64 = longest_while_reading;
    let mut report = vec![format!("while arriving {longest_while_reading:.1} ms")];
    for view in ["Table", "Tree", "Raw"] {
        h.get_by_label(view).click();
        let _ = h.run_ok();
        let at = egui::pos2(600.0, 520.0);
        let frames = scroll_frames(h, at, sizes.scroll_frames);
        let (median, longest) = spread(&frames);
        worst = worst.max(longest);
        report.push(format!(
            "{view} median {median:.2} / longest {longest:.1} ms"
        ));
    }
    row(
        rows,
        "that answer's tree, table and raw views: frames while scrolling",
        report.join("; "),
        "≤ 16 ms",
        Some(worst <= 16.0),
    );
}

/// The API client on a demo server in this process, with a token it minted.
fn in_process_client(
    server: &sage200_desk::demo_server::DemoServer,
) -> sage200_desk::api::ApiClient {
    sage200_desk::api::ApiClient::new(
        sage200_desk::api::build_http_client().unwrap(),
        &sage200_desk::model::Profile::demo(&server.base_url()),
        Arc::new(sage200_desk::api::StaticToken(
            sage200_desk::model::Secret::new(server.mint_access_token()),
        )),
    )
    .unwrap()
}

/// The demo's first site and company.
fn first_company() -> sage200_desk::api::CompanyScope {
    sage200_desk::api::CompanyScope {
        site_id: "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        company_id: 101,
    }
}

/// Fetch-all with several pages in flight against one at a time (the client's work
/// included: every page read into one table).
fn paging_speed_up(rows: &mut Vec<Row>, sizes: &Sizes) {
    use sage200_desk::api::{ApiRequest, PageOptions};
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        sage200_desk::demo_server::DemoConfig {
            customers: sizes.customers,
            ..sage200_desk::demo_server::DemoConfig::default()
        },
    );
    let client = in_process_client(&server);
    let base = ApiRequest::get("customers").for_company(Some(&first_company()));
    let time = |in_flight: usize| {
        let options = PageOptions {
            in_flight,
            ..PageOptions::default()
        };
        let started = Instant::now();
        let cpu = cpu_time::ProcessTime::now();
        let answer = rt
            .block_on(sage200_desk::screens::calls::fetch_all_pages(
                client.clone(),
                base.clone(),
                options.clone(),
                false,
                |_| {},
            ))
            .unwrap();
        assert_eq!(answer.table.as_ref().unwrap().len(), sizes.customers);
        (started.elapsed(), cpu.elapsed())
    };
    let (single, single_cpu) = time(1);
    let (several, several_cpu) = time(PageOptions::default().in_flight);
    let speed_up = single.as_secs_f64() / several.as_secs_f64();
    // Server and client share this machine's cores: how busy they were tells whether
    // more requests in flight could have gone faster.
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let busy = |cpu: Duration, wall: Duration| cpu.as_secs_f64() / wall.as_secs_f64();
    row(
        rows,
        "fetch all: pages in flight against one page at a time (demo server in the same process, sharing the cores)",
        format!(
            "{speed_up:.2}× ({:.2} s against {:.2} s; cores busy {:.2} of {cores} in flight, {:.2} one at a time)",
            several.as_secs_f64(),
            single.as_secs_f64(),
            busy(several_cpu, several),
            busy(single_cpu, single)
        ),
        "≥ 1.5×",
        Some(speed_up >= 1.5),
    );
}

/// Resident memory now and at its peak (MB) of process `pid`.
fn memory_of(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let read = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (read("VmRSS:"), read("VmHWM:"))
}

/// An access token from a demo server that approves at once: the real PKCE flow.
async fn demo_token(http: &reqwest::Client, base: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let verifier = "bench-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:45679/callback";
    let mut url = url::Url::parse(&format!("{base}/authorize")).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", sage200_desk::demo_server::PUBLIC_CLIENT_ID)
        .append_pair("redirect_uri", redirect)
        .append_pair("state", "bench")
        .append_pair("scope", "openid profile email offline_access")
        .append_pair("audience", sage200_desk::demo_server::AUDIENCE)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let answer = http.get(url.as_str()).send().await.unwrap();
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let tokens: serde_json::Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
            ("client_id", sage200_desk::demo_server::PUBLIC_CLIENT_ID),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

/// The demo server with a million-transaction ledger: its start, its memory, and how fast
/// it answers ledger pages beside a page of customers.
fn ledger_scale(rows: &mut Vec<Row>, sizes: &Sizes) {
    let count = sizes.transactions.to_string();
    let spawned = Instant::now();
    let (mut server, url) = external_demo_server_with(2_000, &["--transactions", &count]);
    let started = spawned.elapsed();
    let (resident, _) = memory_of(server.id());
    let runtime = support::runtime();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let api = format!("{url}/uk/sage200extra/accounts/v1/");
    let token = runtime.block_on(demo_token(&http, &url));
    let time = |path: &str| -> (Duration, usize) {
        runtime.block_on(async {
            let mut best = Duration::MAX;
            let mut size = 0;
            for _ in 0..3 {
                let begun = Instant::now();
                let answer = http
                    .get(format!("{api}{path}"))
                    .bearer_auth(&token)
                    .header("X-Site", "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
                    .header("X-Company", "101")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(answer.status(), 200, "{path}");
                let body = answer.bytes().await.unwrap();
                best = best.min(begun.elapsed());
                size = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.as_array().map(Vec::len))
                    .unwrap_or(0);
            }
            (best, size)
        })
    };
    let (customers, _) = time("customers?$orderby=id&$top=500&$skip=1000");
    let sales = runtime.block_on(async {
        let text = http
            .get(format!("{api}sales_posted_transactions?$count=true"))
            .bearer_auth(&token)
            .header("X-Site", "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
            .header("X-Company", "101")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.trim().parse::<usize>().unwrap_or(0)
    });
    let deep = sales * 9 / 10;
    let pages = [
        (
            "first page of sales transactions",
            "sales_posted_transactions?$top=500".to_owned(),
        ),
        (
            "a page 90% in, by $skip",
            format!("sales_posted_transactions?$orderby=id&$top=500&$skip={deep}"),
        ),
        (
            "a page 90% in, by keyset",
            format!("sales_posted_transactions?$filter=id%20gt%20{deep}&$orderby=id&$top=500"),
        ),
        (
            "one customer's transactions",
            "customers/1/sales_posted_transactions?$top=500".to_owned(),
        ),
        (
            "a page of the nominal ledger, 90% in",
            format!(
                "nominal_transaction_enquiry_views?$filter=id%20gt%20{}&$top=500",
                deep * 2
            ),
        ),
        (
            "one posting's nominal rows (by URN)",
            format!("nominal_transaction_enquiry_views?$filter=urn%20eq%20{deep}"),
        ),
        (
            "aged debtors, every customer",
            "sales_aged_debtor_summary_views?$top=5000".to_owned(),
        ),
    ];
    let mut timings = Vec::new();
    let mut slowest = Duration::ZERO;
    for (what, path) in pages {
        let (took, records) = time(&path);
        assert!(records > 0, "{path} answered no records");
        slowest = slowest.max(took);
        timings.push(format!("{what} {:.1} ms", took.as_secs_f64() * 1000.0));
    }
    let (after, peak) = memory_of(server.id());
    let _ = server.kill();
    let _ = server.wait();
    row(
        rows,
        &format!(
            "demo server with {count} ledger transactions: start to listening, resident memory"
        ),
        format!(
            "{:.2} s; {resident:.0} MB after start, {after:.0} MB after the pages below (peak {peak:.0} MB); {sales} sales transactions",
            started.as_secs_f64()
        ),
        "≤ 1024 MB",
        Some(peak <= 1024.0),
    );
    let budget = customers.mul_f64(2.0).max(Duration::from_millis(50));
    row(
        rows,
        "ledger pages of 500 from that server (best of 3) beside a page of 500 customers",
        format!(
            "customers {:.1} ms; {}",
            customers.as_secs_f64() * 1000.0,
            timings.join("; ")
        ),
        "each ≤ 2× the customers page (or ≤ 50 ms)",
        Some(slowest <= budget),
    );
}

/// Waits, stepping frames, until the rows are arranged (sorted or grouped here); returns
/// how long that took and the longest frame's UI-thread work meanwhile.
fn arranged(h: &mut Harness<'static, SageApp>, wait: Duration) -> (Duration, f64) {
    let started = Instant::now();
    // The command's own frame starts the work; then frames until it is in.
    let _ = timed_frame_both(h);
    let (_, work) = frames_until(h, wait, |app| {
        let b = app.browse();
        !b.arranging && b.shown.is_some()
    });
    (started.elapsed(), spread(&work).1)
}

/// A million-posting nominal ledger in the Browse grid, as an accountant would read it:
/// Fetch all, then sort, group with subtotals and scroll; and the Reports screen drawn
/// from the API's summary resources over that ledger.
fn ledger_grid(rows: &mut Vec<Row>, sizes: &Sizes) {
    use sage200_desk::screens::records::{BrowseQuery, Command};
    // Each transaction posts two or three nominal rows: this many make about as many
    // postings as `sizes.transactions`.
    let count = (sizes.transactions * 100 / 247).to_string();
    let (mut server, url) = external_demo_server_with(2_000, &["--transactions", &count]);
    let rt = support::runtime();
    let wait = Duration::from_mins(5);
    let mut h = support::sign_in_harness(&rt, &url, &support::keyring_scope("bench-ledger"), wait);
    support::sign_in(&rt, &mut h);
    support::pick_company(&mut h, "Stationery & Office Supplies");
    h.state_mut().handle(Command::Load(Box::new(BrowseQuery {
        resource: "nominal_transaction_enquiry_views".to_owned(),
        ..BrowseQuery::default()
    })));
    support::step_until(&mut h, wait, "the first page of postings", |app| {
        let b = &app.browse();
        b.query.resource == "nominal_transaction_enquiry_views"
            && !b.loading
            && b.page.is_some()
            && b.count.is_some()
    });
    let _ = h.run_ok();

    let FetchAll {
        wall,
        frames,
        work,
        peak,
        page,
    } = fetch_all(&mut h, wait);
    let received = page.meta.size as f64;
    let records = page.record_count();
    let columns = page.table.as_ref().map_or(0, |t| t.columns.len());
    row(
        rows,
        &format!(
            "fetch all {records} nominal postings ({columns} columns, the list's first) into the grid; the first page stays on screen meanwhile"
        ),
        format!(
            "{:.2} s ({:.0} MB received)",
            wall.as_secs_f64(),
            received / MB
        ),
        "≤ 15 s",
        Some(wall <= Duration::from_secs(15)),
    );
    let (median, longest) = spread(&frames);
    let (_, longest_work) = spread(&work);
    row(
        rows,
        "UI frames during that fetch: longest UI-thread work (wall beside it)",
        format!(
            "{longest_work:.1} ms of work (wall: longest {longest:.1} ms, median {median:.2} ms; {} frames)",
            frames.len()
        ),
        "≤ 16 ms",
        Some(longest_work <= 16.0),
    );
    row(
        rows,
        "memory with those postings in the grid: peak over bytes received",
        format!(
            "{:.2}× ({:.0} MB for {:.0} MB)",
            peak as f64 / received,
            peak as f64 / MB,
            received / MB
        ),
        "≤ 1.5×",
        Some(peak as f64 <= 1.5 * received),
    );
    drop(page);

    // Sorted here (every record is loaded), by an amount, largest first.
    h.state_mut()
        .handle(Command::SortShown("debit".to_owned(), true));
    let (sorting, sort_work) = arranged(&mut h, wait);
    row(
        rows,
        &format!("sorting the {records} postings by debit (on a worker thread)"),
        format!(
            "{:.0} ms (longest frame meanwhile {sort_work:.1} ms of work)",
            sorting.as_secs_f64() * 1000.0
        ),
        "≤ 1 s",
        Some(sorting <= Duration::from_secs(1)),
    );
    h.state_mut()
        .handle(Command::GroupBy(Some("nominal_code_id".to_owned())));
    let (grouping, group_work) = arranged(&mut h, wait);
    let groups = h
        .state()
        .browse()
        .shown
        .as_ref()
        .map_or(0, |s| s.groups.len());
    row(
        rows,
        &format!(
            "grouping them by nominal code with exact subtotals ({groups} groups, keeping the sort)"
        ),
        format!(
            "{:.0} ms (longest frame meanwhile {group_work:.1} ms of work)",
            grouping.as_secs_f64() * 1000.0
        ),
        "≤ 1 s",
        Some(grouping <= Duration::from_secs(1)),
    );
    let _ = h.run_ok();
    let at = h
        .get_by_role_and_label(egui::accesskit::Role::ColumnHeader, "Reference")
        .rect()
        .center()
        + egui::vec2(0.0, 200.0);
    let frames = scroll_frames(&mut h, at, sizes.scroll_frames);
    let (median, longest) = spread(&frames);
    row(
        rows,
        &format!("scrolling the grouped {records}-row grid"),
        format!("median {median:.2} ms, longest {longest:.1} ms"),
        "median ≤ 4 ms",
        Some(median <= 4.0),
    );

    // The Reports screen over the same ledger, from the summary resources.
    h.state_mut().handle(Command::Load(Box::default()));
    let _ = h.run_ok();
    h.get_by_label("Reports").click();
    let started = Instant::now();
    let (_, work) = frames_until(&mut h, wait, support::reports_ready);
    let drawn = started.elapsed();
    row(
        rows,
        &format!(
            "Reports over that ledger ({count} transactions), from click to every chart drawn"
        ),
        format!(
            "{:.2} s (longest frame {:.1} ms of work; each read back at: {})",
            drawn.as_secs_f64(),
            spread(&work).1,
            h.state()
                .reports()
                .read_times
                .iter()
                .map(|(what, at)| format!("{what} {:.2} s", at.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "≤ 2 s",
        Some(drawn <= Duration::from_secs(2)),
    );
    let _ = server.kill();
    let _ = server.wait();
}

/// The median of some timings, in seconds.
fn median(mut seconds: Vec<f64>) -> f64 {
    seconds.sort_by(f64::total_cmp);
    seconds.get(seconds.len() / 2).copied().unwrap_or(f64::NAN)
}

/// jless, where `scripts/bench.sh` installed it (or on the PATH).
fn jless() -> Option<String> {
    ["/var/tmp/bench-tools/bin/jless", "jless"]
        .into_iter()
        .find(|program| {
            Process::new(program)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(str::to_owned)
}

/// Seconds from starting jless on `file` in a terminal (a pseudo-terminal of 120 × 40) to
/// its first screen showing the first record's reference; `None` if it did not within a
/// minute.
fn jless_first_screen(program: &str, file: &std::path::Path) -> Option<f64> {
    const SCRIPT: &str = r#"
import os, pty, select, signal, struct, sys, time, fcntl, termios
program, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execvp(program, [program, path])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
seen = b""
while time.perf_counter() - started < 60:
    ready, _, _ = select.select([fd], [], [], 0.05)
    if ready:
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
        if b"LRG00001" in seen:
            print(time.perf_counter() - started)
            break
os.kill(pid, signal.SIGKILL)
"#;
    let out = Process::new("python3")
        .args(["-c", SCRIPT, program])
        .arg(file)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// Python's `json.load` of `file`: seconds and peak resident memory (MB).
fn python_load(file: &std::path::Path) -> Option<(f64, f64)> {
    const SCRIPT: &str = "import json, resource, sys, time\nt = time.perf_counter()\njson.load(open(sys.argv[1], 'rb'))\nprint(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)";
    let out = Process::new("python3")
        .args(["-c", SCRIPT])
        .arg(file)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let seconds: f64 = parts.next()?.parse().ok()?;
    let kb: f64 = parts.next()?.parse().ok()?;
    Some((seconds, kb / 1024.0))
}

/// Big answers side by side with other readers of the same bytes: the app (Send to the
/// rows on screen, from the demo server, which keeps the answer once made), jless (a JSON
/// viewer in Rust: its first screen, when installed) and Python's `json.load` (reading
/// alone, nothing shown), each the median of 3; memory as the peak over the body size.
/// Then a huge answer (5 GB) read through the client as the request builder reads it.
fn big_answers(rows: &mut Vec<Row>, sizes: &Sizes) {
    let (mut server, url) = external_demo_server(200);
    let rt = support::runtime();
    let wait = Duration::from_mins(5);
    let mut h = support::sign_in_harness(&rt, &url, &support::keyring_scope("bench-big"), wait);
    support::sign_in(&rt, &mut h);
    support::pick_company(&mut h, "Stationery & Office Supplies");
    h.get_by_label("Request builder").click();
    let _ = h.run_ok();
    let id = h.state().request().active_tab;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let jless = jless();
    let mut table = vec![
        String::new(),
        "### Big answers side by side".to_owned(),
        String::new(),
        format!(
            "Median of 3 on this machine (load average before: {}). The app: Send to its first rows on screen (the first records, shown while the rest arrives) and to every row (the whole answer read into the table), the answer from the demo server over loopback HTTP; jless: start to its first screen, reading the same bytes from a file; Python: `json.load` of that file, nothing shown. Memory: peak over the body's size (the app's reading of it; Python's whole process).",
            load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        ),
        String::new(),
                "| answer | sage200-desk: first rows | every row | memory | jless: first screen | Python json.load | memory |".to_owned(),
        "|---|---|---|---|---|---|---|".to_owned(),
    ];
    let mut breakdown = None;
    for &mb in sizes.side_mb {
        let draft = support::large_answer_draft(mb);
        h.state_mut()
            .handle(sage200_desk::screens::request::Command::UpdateDraft(
                id,
                Box::new(draft),
            ));
        // Once to have the demo make it (and keep it), then three timed.
        let mut app_times = Vec::new();
        let mut first_times = Vec::new();
        let mut body = None;
        for run in 0..4 {
            let before = h
                .state()
                .request()
                .tabs
                .iter()
                .find(|t| t.id == id)
                .and_then(|t| t.answer.clone());
            let started = Instant::now();
            h.state_mut()
                .handle(sage200_desk::screens::request::Command::SendRequest(id));
            // The first rows: the first frame drawing any (the first records while the
            // rest arrives, or the whole answer).
            let mut first_rows = None;
            let _ = frames_until(&mut h, wait, |app| {
                let tab = app.request().tabs.iter().find(|t| t.id == id);
                let whole = tab.and_then(|t| t.answer.as_ref()).is_some_and(|a| {
                    before.as_ref().is_none_or(|b| !Arc::ptr_eq(a, b))
                        && a.table.as_ref().is_some_and(|t| !t.is_empty())
                });
                let preview = tab
                    .and_then(|t| t.arriving.as_ref())
                    .is_some_and(|a| a.preview.is_some());
                if (whole || preview) && first_rows.is_none() {
                    // Drawn by the next frame, which the loop runs.
                    first_rows = Some(started.elapsed());
                }
                whole
            });
            // The frame that draws the rows.
            let _ = h.run_ok();
            if run > 0 {
                app_times.push(started.elapsed().as_secs_f64());
                first_times.push(first_rows.unwrap_or_default().as_secs_f64());
            }
            body = h
                .state()
                .request()
                .tabs
                .iter()
                .find(|t| t.id == id)
                .and_then(|t| t.answer.clone());
        }
        let answer = body.unwrap();
        let bytes = answer.raw().clone();
        let size = bytes.len() as f64;
        MEMORY.reset_peak_memory();
        let again = sage200_desk::document::read_answer_with(
            answer.meta.clone(),
            &bytes,
            &sage200_desk::screens::calls::OnThreads,
        );
        let peak = MEMORY.get_peak_memory() as f64 + size;
        drop(again);
        if sizes.side_mb.last() == Some(&mb) {
            breakdown = Some(where_the_time_goes(&answer.meta, &bytes));
        }
        let file = std::env::temp_dir().join(format!("sage200-bench-{mb}mb.json"));
        std::fs::write(&file, &bytes).unwrap();
        let python: Vec<(f64, f64)> = (0..3).filter_map(|_| python_load(&file)).collect();
        let jless_times: Vec<f64> = jless
            .as_deref()
            .map(|program| {
                (0..3)
                    .filter_map(|_| jless_first_screen(program, &file))
                    .collect()
            })
            .unwrap_or_default();
        let _ = std::fs::remove_file(&file);
        let app = median(app_times);
        let first = median(first_times);
        let jless_said = if jless.is_none() {
            "not installed".to_owned()
        } else if jless_times.is_empty() {
            "no first screen within 60 s".to_owned()
        } else {
            format!("{:.2} s", median(jless_times))
        };
        let (python_time, python_mb) = if python.is_empty() {
            (f64::NAN, f64::NAN)
        } else {
            (
                median(python.iter().map(|p| p.0).collect()),
                median(python.iter().map(|p| p.1).collect()),
            )
        };
        table.push(format!(
            "| {:.0} MB | {first:.2} s | {app:.2} s | {:.2}× | {jless_said} | {python_time:.2} s | {:.2}× |",
            size / MB,
            peak / size,
            python_mb * MB / size,
        ));
        row(
            rows,
            &format!(
                "a {:.0} MB answer: Send to its first rows, and to every row, on screen (median of 3)",
                size / MB
            ),
            format!(
                "first rows {first:.2} s, every row {app:.2} s; memory {:.2}× the body",
                peak / size
            ),
            "first rows ≤ 0.3 s, every row ≤ 0.9 s at 100 MB; ≤ 1.5×",
            (mb >= 100).then_some(first <= 0.3 && app <= 0.9 && peak <= 1.5 * size),
        );
    }
    let _ = server.kill();
    let _ = server.wait();
    if let Some(breakdown) = breakdown {
        table.push(String::new());
        table.push(breakdown);
    }
    if sizes.huge_mb > 0 {
        huge_answer(rows, &mut table, sizes.huge_mb);
    }
    if let Ok(mut lines) = SIDE_BY_SIDE.lock() {
        lines.extend(table);
    }
}

/// Where the time from Send to every row goes, for an answer received as `meta` says with
/// `body`: each step timed once, alone, as a sentence for the side-by-side table.
fn where_the_time_goes(meta: &sage200_desk::model::ResponseMeta, body: &bytes::Bytes) -> String {
    let timed = |step: &dyn Fn()| {
        let started = Instant::now();
        step();
        started.elapsed().as_secs_f64()
    };
    let check = timed(&|| {
        let _ = serde_json::from_slice::<serde::de::IgnoredAny>(body);
    });
    let in_turn = timed(&|| drop(sage200_desk::document::read_answer(meta.clone(), body)));
    let on_threads = timed(&|| {
        drop(sage200_desk::document::read_answer_with(
            meta.clone(),
            body,
            &sage200_desk::screens::calls::OnThreads,
        ));
    });
    let first = timed(&|| {
        drop(sage200_desk::document::read_preview(
            meta.clone(),
            &body[..body.len().min(64 * 1024)],
        ));
    });
    format!(
        "Where the time goes at {:.0} MB (each step once, alone): the body received {:.2} s after Send (its last byte); the whole reading one step after another {in_turn:.2} s, with its parts on the two cores {on_threads:.2} s (the body checked as JSON by the walk that finds the raw view's lines, beside the table: a separate `serde_json` check, as before, would add {check:.2} s); the first records, from the first 64 kB, {:.1} ms.",
        body.len() as f64 / MB,
        meta.elapsed.as_secs_f64(),
        first * 1000.0,
    )
}

/// An answer of `mb` megabytes (past 4 GB: 64-bit offsets) fetched through the client and
/// read as the request builder reads it.
fn huge_answer(rows: &mut Vec<Row>, table: &mut Vec<String>, mb: usize) {
    use sage200_desk::api::ApiRequest;
    let rt = support::runtime();
    // In this process: the answer is made as it is sent, 4 MB at a time.
    let server = support::demo_server(&rt, sage200_desk::demo_server::DemoConfig::default());
    let client = in_process_client(&server);
    let mut request = ApiRequest::get("_demo_large_answer").for_company(Some(&first_company()));
    request.query.push(("mb".to_owned(), mb.to_string()));
    let started = Instant::now();
    let raw = rt.block_on(client.execute_any(&request));
    let fetched = started.elapsed();
    drop(server);
    let said = match raw {
        Err(e) => format!("not fetched: {e}"),
        Ok(raw) => {
            let size = raw.body.len() as f64;
            MEMORY.reset_peak_memory();
            let reading = Instant::now();
            let answer = sage200_desk::document::read_answer_with(
                raw.meta,
                &raw.body,
                &sage200_desk::screens::calls::OnThreads,
            );
            let read = reading.elapsed();
            let peak = MEMORY.get_peak_memory() as f64 + size;
            let rows_read = answer
                .table
                .as_ref()
                .map_or(0, sage200_desk::document::TableModel::len);
            let last = answer
                .table
                .as_ref()
                .map(|t| t.cell(t.len() - 1, 1).into_owned())
                .unwrap_or_default();
            match &answer.not_json {
                Some(why) => format!("{:.2} GB not read as JSON: {why}", size / MB / 1024.0),
                None => format!(
                    "{:.2} GB: fetched in {:.1} s, read in {:.1} s, {rows_read} rows (the last {last}), memory {:.2}× the body",
                    size / MB / 1024.0,
                    fetched.as_secs_f64(),
                    read.as_secs_f64(),
                    peak / size
                ),
            }
        }
    };
    table.push(String::new());
    table.push(format!("Huge answer: {said}."));
    row(
        rows,
        &format!(
            "a {:.0} GB answer (64-bit offsets) read through the client",
            mb as f64 / 1024.0
        ),
        said,
        "reads without error",
        None,
    );
}
