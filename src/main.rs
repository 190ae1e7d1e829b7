//! The `sage200-desk` binary: reads the command line, sets up logging and the tokio
//! runtime, then opens the app or runs the demo server alone. Everything else lives in the
//! library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use sage200_desk::app::{AppPaths, SageApp, StartOptions};
use sage200_desk::demo_server::{DemoConfig, DemoServer};
use tracing_subscriber::prelude::*;

/// "0.1.0 (commit 3f2a9c1d0)" for `--version`.
static VERSION_TEXT: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(sage200_desk::version_text);

/// A desktop client for the Sage 200 accounting API.
///
/// Without a subcommand it opens the app. Logging follows `RUST_LOG` (default `info`);
/// logs go to standard error and to the log folder under the data folder.
#[derive(Debug, Parser)]
#[command(name = "sage200-desk", version = VERSION_TEXT.as_str(), about, long_about)]
struct Cli {
    /// Open the app against the built-in demo server (no Sage account needed).
    #[arg(long)]
    demo: bool,
    /// Keep UI state, history, drafts and logs in this folder
    /// (default: the platform's data folder, or `$SAGE200_DESK_DATA_DIR`).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// With `--demo`: about how many ledger transactions the demo company's books hold
    /// (up to 1,000,000 and more; each posts two or three nominal rows).
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    transactions: usize,
    /// For `scripts/bench.sh`: print when each frame is painted (milliseconds since start,
    /// one `frame <ms>` line each) and close the window after this many seconds.
    #[arg(long, value_name = "SECONDS", hide = true)]
    measure: Option<f64>,
    #[command(subcommand)]
    command: Option<Commands>,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Run the demo server (a simulator of Sage ID and the Sage 200 API) on its own.
    DemoServer(DemoServerArgs),
    /// Bring collections in from Postman and take them out again (for scripts and CI).
    #[command(subcommand)]
    Collection(CollectionCommand),
}

#[derive(Debug, Subcommand)]
#[allow(clippy::doc_markdown)] // clap shows these lines as the help, where backticks would show
enum CollectionCommand {
    /// Read a Postman collection (format v2.0 or v2.1) or an OpenAPI 3 document into a new
    /// collection folder, and say what was read and what was kept differently.
    Import {
        /// The Postman collection (`*.postman_collection.json`) or OpenAPI (JSON) file.
        file: PathBuf,
        /// The folder to make (it must not hold a collection already).
        dir: PathBuf,
    },
    /// Write a collection folder as a Postman v2.1 collection file.
    Export {
        /// The collection folder (with its `collection.toml`).
        dir: PathBuf,
        /// The file to write.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
struct DemoServerArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 18200)]
    port: u16,
    /// Approve sign-in at once, without the consent page (for scripts and curl).
    #[arg(long)]
    auto_approve: bool,
    /// Number of customers in the first company.
    #[arg(long, default_value_t = 2000)]
    customers: usize,
    /// About how many ledger transactions the first company's books hold (each posts two
    /// or three nominal rows); 1,000,000 fits in well under 1 GB.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    transactions: usize,
    /// Seed for the generated data.
    #[arg(long, default_value_t = 200)]
    seed: u64,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    token_lifetime: u64,
    /// Keep data changes in this JSON file, loaded again on the next start.
    #[arg(long, value_name = "FILE")]
    state_file: Option<PathBuf>,
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = Cli::parse();
    let paths = AppPaths::resolve(cli.data_dir.clone());
    init_logging(&paths);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sage200-io")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "could not start the tokio runtime");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match cli.command {
        Some(Commands::DemoServer(args)) => runtime.block_on(run_demo_server(args)),
        Some(Commands::Collection(command)) => run_collection(command),
        None => run_app(
            &runtime,
            &paths,
            cli.demo.then_some(cli.transactions),
            cli.measure
                .map(|seconds| (started, Duration::from_secs_f64(seconds))),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("sage200-desk: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_collection(command: CollectionCommand) -> Result<(), String> {
    use sage200_desk::collection::{export_postman_file, import_file};
    use std::io::Write as _;
    let lines = match command {
        CollectionCommand::Import { file, dir } => {
            let mut lines = import_file(&file, &dir)?;
            lines.push(format!("Written to {}", dir.display()));
            lines
        }
        CollectionCommand::Export { dir, file } => {
            export_postman_file(&dir, &file)?;
            vec![format!("Written to {}", file.display())]
        }
    };
    // The summary is the command's output; a reader that stops early (`| head`) is no
    // failure of the import.
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(())
}

fn init_logging(paths: &AppPaths) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let file_layer = std::fs::create_dir_all(&paths.log_dir)
        .and_then(|()| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(paths.log_file())
        })
        .ok()
        .map(|file| {
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(file))
        });
    tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .init();
}

#[allow(clippy::print_stdout)] // the standalone server tells its user where it listens
async fn run_demo_server(args: DemoServerArgs) -> Result<(), String> {
    let config = DemoConfig {
        port: args.port,
        auto_approve: args.auto_approve,
        customers: args.customers,
        transactions: args.transactions,
        seed: args.seed,
        access_token_lifetime: Duration::from_secs(args.token_lifetime),
        state_file: args.state_file,
        ..DemoConfig::default()
    };
    let server = DemoServer::start(config).await.map_err(|e| {
        format!(
            "the demo server could not listen on port {}: {e}",
            args.port
        )
    })?;
    let base = server.base_url();
    tracing::info!(%base, "demo server listening");
    println!("Demo server listening on {base}");
    println!("  Sage ID:        {base}/authorize, {base}/oauth/token");
    println!("  Professional:   {base}/uk/sage200extra/accounts/v1/");
    println!("  Standard:       {base}/uk/sage200/accounts/v1/");
    println!("  Faults:         {base}/_demo/faults");
    println!("Press Ctrl+C to stop.");
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("could not wait for Ctrl+C: {e}"))?;
    server.shutdown().await;
    Ok(())
}

/// The app, timing its frames for the benchmarks (`--measure`).
struct Measured {
    app: SageApp,
    started: std::time::Instant,
    close_after: Duration,
}

impl eframe::App for Measured {
    #[allow(clippy::print_stdout)] // the benchmark reads these lines
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        use std::io::Write as _;
        let elapsed = self.started.elapsed();
        println!("frame {:.1}", elapsed.as_secs_f64() * 1000.0);
        let _ = std::io::stdout().flush();
        if elapsed >= self.close_after {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            // The one wake-up this mode adds: closing on time.
            ui.ctx()
                .request_repaint_after(self.close_after.saturating_sub(elapsed));
        }
        self.app.ui(ui, frame);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.app.save(storage);
    }

    // The app's own save interval: without it eframe would wait its default 30 s, and the
    // app would keep asking for frames until then (measured as an idle window's frames).
    fn auto_save_interval(&self) -> Duration {
        eframe::App::auto_save_interval(&self.app)
    }
}

/// A desktop logout or shutdown (SIGTERM, SIGHUP) and Ctrl+C in a terminal (SIGINT) close
/// the app as its close button does: eframe saves the state (drafts, tabs, profiles, the
/// window) and the demo server its records, then the process ends normally.
#[cfg(unix)]
fn close_on_signals(runtime: &tokio::runtime::Handle, ctx: egui::Context) {
    use tokio::signal::unix::{SignalKind, signal};
    runtime.spawn(async move {
        let (Ok(mut term), Ok(mut hangup), Ok(mut interrupt)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!(
                "signals cannot be caught; ending the session may lose the last second of edits"
            );
            return;
        };
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = hangup.recv() => "SIGHUP",
            _ = interrupt.recv() => "SIGINT",
        };
        tracing::info!(signal = name, "closing on a signal");
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        ctx.request_repaint();
    });
}

/// Elsewhere only Ctrl+C can be caught the same way.
#[cfg(not(unix))]
fn close_on_signals(runtime: &tokio::runtime::Handle, ctx: egui::Context) {
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            tracing::info!(signal = "Ctrl+C", "closing on a signal");
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            ctx.request_repaint();
        }
    });
}

/// The 256 px icon rendered from `assets/icon.svg` (see `tests/icons.rs`).
fn window_icon() -> std::sync::Arc<egui::IconData> {
    let png = include_bytes!("../packaging/icons/hicolor/256x256/apps/sage200-desk.png");
    match eframe::icon_data::from_png_bytes(png) {
        Ok(icon) => std::sync::Arc::new(icon),
        Err(error) => {
            tracing::warn!(%error, "the window icon could not be read; going without");
            std::sync::Arc::new(egui::IconData::default())
        }
    }
}

fn run_app(
    runtime: &tokio::runtime::Runtime,
    paths: &AppPaths,
    demo: Option<usize>,
    measure: Option<(std::time::Instant, Duration)>,
) -> Result<(), String> {
    // Keep the runtime entered for the whole run so any code may spawn on it.
    let _guard = runtime.enter();
    let demo_server = if let Some(transactions) = demo {
        let server = runtime
            .block_on(DemoServer::start(DemoConfig {
                // Remembered between runs: records created in the demo, and the refresh
                // tokens it issued (as hashes), so restarting the app signs in silently.
                state_file: Some(paths.demo_state_file()),
                // The user chose the demo: its Sage ID approves at once, and the app
                // follows the redirect itself (no browser needed).
                auto_approve: true,
                transactions,
                ..DemoConfig::default()
            }))
            .map_err(|e| format!("the demo server could not start: {e}"))?;
        tracing::info!(base = %server.base_url(), "demo server started in-process");
        Some(server)
    } else {
        None
    };
    let start = StartOptions {
        paths: Some(paths.clone()),
        sign_in_at_start: demo.is_some(),
        ..StartOptions::new(
            runtime.handle().clone(),
            demo_server.as_ref().map(DemoServer::base_url),
        )
    };
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        persistence_path: Some(paths.ui_state_file()),
        viewport: egui::ViewportBuilder::default()
            .with_title(sage200_desk::APP_NAME)
            .with_app_id(sage200_desk::APP_ID)
            .with_inner_size([1180.0, 760.0])
            .with_min_inner_size([720.0, 480.0])
            .with_icon(window_icon()),
        // Size, position and maximised state come back on the next start (eframe keeps
        // them in the UI state file).
        persist_window: true,
        ..Default::default()
    };
    let signals = runtime.handle().clone();
    let result = eframe::run_native(
        sage200_desk::APP_ID,
        options,
        Box::new(move |cc| {
            close_on_signals(&signals, cc.egui_ctx.clone());
            let app = SageApp::new(cc, start);
            Ok(match measure {
                Some((started, close_after)) => Box::new(Measured {
                    app,
                    started,
                    close_after,
                }),
                None => Box::new(app),
            })
        }),
    );
    drop(demo_server);
    result.map_err(|e| format!("the window could not open: {e}"))
}
