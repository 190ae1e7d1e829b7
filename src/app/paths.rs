//! Where the app keeps its files: UI state, history, drafts and logs.

use std::path::PathBuf;

/// Environment variable that moves every file of the app to one folder (tests, portable use).
pub const DATA_DIR_ENV: &str = "SAGE200_DESK_DATA_DIR";

/// The folders the app writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// UI state, history and drafts.
    pub data_dir: PathBuf,
    /// Log files.
    pub log_dir: PathBuf,
}

impl AppPaths {
    /// The folders for this run: `override_dir` if given, else `$SAGE200_DESK_DATA_DIR`,
    /// else the platform's data folder (e.g. `~/.local/share/sage200-desk` on Linux).
    #[must_use]
    pub fn resolve(override_dir: Option<PathBuf>) -> Self {
        let data_dir = override_dir
            .or_else(|| std::env::var_os(DATA_DIR_ENV).map(PathBuf::from))
            .or_else(|| {
                directories::ProjectDirs::from("", "", crate::APP_ID)
                    .map(|dirs| dirs.data_dir().to_path_buf())
            })
            .unwrap_or_else(|| PathBuf::from(".sage200-desk"));
        let log_dir = data_dir.join("logs");
        Self { data_dir, log_dir }
    }

    /// The file eframe keeps the UI state in.
    #[must_use]
    pub fn ui_state_file(&self) -> PathBuf {
        self.data_dir.join("ui-state.ron")
    }

    /// The history of sent requests.
    #[must_use]
    pub fn history_file(&self) -> PathBuf {
        self.data_dir.join("history.json")
    }

    /// The log file.
    #[must_use]
    pub fn log_file(&self) -> PathBuf {
        self.log_dir.join("sage200-desk.log")
    }

    /// What the built-in demo server keeps between runs (records created, hashed refresh
    /// grants).
    #[must_use]
    pub fn demo_state_file(&self) -> PathBuf {
        self.data_dir.join("demo-server-state.json")
    }
}
