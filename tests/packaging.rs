//! The Debian package `scripts/package.sh` builds (`scripts/test.sh` builds it first and
//! names it in `SAGE200_DEB`): unpacked into a scratch root with `dpkg -x`, it must hold the
//! binary of this checkout, the desktop file, the `AppStream` metadata and every icon; the
//! desktop file and metadata must pass their validators; and its dependencies must cover
//! every shared library the packaged app really loads when it runs (eframe opens X11, GL
//! and xkbcommon with dlopen, which dpkg-shlibdeps cannot see). The macOS/Windows bundle
//! configuration, which cannot be built here, is checked for what it points at.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

mod support;

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const ICON_SIZES: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The package to check: `$SAGE200_DEB`, else the newest in the target folder's `debian/`.
fn package() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SAGE200_DEB") {
        return Some(PathBuf::from(path));
    }
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()?
        .to_path_buf();
    std::fs::read_dir(target.join("debian"))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}

fn output(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Package names in a Depends-style field (every alternative, versions dropped).
fn package_names(field: &str) -> Vec<String> {
    field
        .split([',', '|'])
        .map(|p| p.split_whitespace().next().unwrap_or("").to_owned())
        .map(|p| p.split(':').next().unwrap_or("").to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

/// Every installed package reachable from `roots` through Depends and Pre-Depends.
fn dependency_closure(roots: &[String]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = roots.iter().cloned().collect();
    while let Some(package) = queue.pop_front() {
        if !installed(&package) || !seen.insert(package.clone()) {
            continue;
        }
        let fields = output(
            "dpkg-query",
            &["-W", "-f=${Depends}, ${Pre-Depends}", &package],
        );
        queue.extend(package_names(&fields));
    }
    seen
}

/// The package that owns `library`, trying the path as loaded and its /usr-merged twin.
fn owner(library: &str) -> Option<String> {
    let twin = library
        .strip_prefix("/usr")
        .map_or_else(|| format!("/usr{library}"), str::to_owned);
    for path in [library.to_owned(), twin] {
        let out = Command::new("dpkg-query")
            .args(["-S", &path])
            .output()
            .ok()?;
        if out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            let first = text.lines().next()?.split(':').next()?.trim().to_owned();
            return Some(first);
        }
    }
    None
}

/// Runs the packaged binary with `--demo` until its first frame and returns the shared
/// libraries it has loaded (from /proc/PID/maps).
fn loaded_libraries(binary: &Path, data: &Path) -> BTreeSet<String> {
    // --demo starts signing in through the system opener: a browser that does nothing.
    let mut app = support::RunningApp::start_demo(binary, data, "exit 0");
    app.wait_for(&["first frame"]);
    // Let the first frames finish (GL drivers load while painting).
    std::thread::sleep(Duration::from_millis(1500));
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", app.child.id())).unwrap();
    app.stop();
    maps.lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .filter(|path| path.starts_with('/') && path.contains(".so"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_debian_package_installs_the_app_its_desktop_entry_and_icons() {
    let Some(deb) = package().filter(|p| p.exists()) else {
        assert!(
            !support::required("SAGE200_REQUIRE_PACKAGE"),
            "SAGE200_REQUIRE_PACKAGE=1 but no .deb was found (SAGE200_DEB={:?})",
            std::env::var_os("SAGE200_DEB")
        );
        eprintln!("skipped: no .deb (build one with scripts/package.sh)");
        return;
    };
    eprintln!("checking {}", deb.display());

    // Control fields.
    let field = |name: &str| output("dpkg-deb", &["-f", deb.to_str().unwrap(), name]);
    assert_eq!(field("Package").trim(), "sage200-desk");
    assert_eq!(
        field("Version").trim(),
        format!("{}-1", sage200_desk::VERSION)
    );
    let depends = field("Depends");
    for library_package in [
        "libx11-6",
        "libxcursor1",
        "libxrandr2",
        "libxi6",
        "libxkbcommon-x11-0",
        "libwayland-client0",
        "libegl1",
        "libgl1",
    ] {
        assert!(
            package_names(&depends).iter().any(|p| p == library_package),
            "Depends lacks {library_package}: {depends}"
        );
    }

    // Unpacked into a scratch root.
    let scratch = tempfile::tempdir().unwrap();
    let root_dir = scratch.path().join("root");
    output(
        "dpkg",
        &["-x", deb.to_str().unwrap(), root_dir.to_str().unwrap()],
    );
    let installed_file = |relative: &str| {
        let path = root_dir.join(relative);
        assert!(path.is_file(), "{relative} is not in the package");
        path
    };
    let binary = installed_file("usr/bin/sage200-desk");
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = binary.metadata().unwrap().permissions().mode();
        assert_eq!(
            mode & 0o755,
            0o755,
            "the binary is not executable: {mode:o}"
        );
    }
    let desktop = installed_file("usr/share/applications/sage200-desk.desktop");
    let metainfo =
        installed_file("usr/share/metainfo/io.github.sage200desk.Sage200Desk.metainfo.xml");
    installed_file("usr/share/icons/hicolor/scalable/apps/sage200-desk.svg");
    for size in ICON_SIZES {
        let icon = installed_file(&format!(
            "usr/share/icons/hicolor/{size}x{size}/apps/sage200-desk.png"
        ));
        let image = image::open(&icon).unwrap();
        assert_eq!((image.width(), image.height()), (size, size), "{icon:?}");
    }
    installed_file("usr/share/doc/sage200-desk/copyright");
    installed_file("usr/share/doc/sage200-desk/README.md");

    // The desktop entry starts this binary, names this icon and the window's class.
    let entry = std::fs::read_to_string(&desktop).unwrap();
    for line in [
        "Exec=sage200-desk",
        "Icon=sage200-desk",
        &format!("StartupWMClass={}", sage200_desk::APP_ID),
    ] {
        assert!(entry.lines().any(|l| l == line), "no {line} in:\n{entry}");
    }
    output("desktop-file-validate", &[desktop.to_str().unwrap()]);
    output(
        "appstreamcli",
        &["validate", "--no-net", metainfo.to_str().unwrap()],
    );

    // The packaged binary is this checkout's.
    let version = output(binary.to_str().unwrap(), &["--version"]);
    assert_eq!(
        version.trim(),
        format!(
            "sage200-desk {} (commit {})",
            sage200_desk::VERSION,
            sage200_desk::COMMIT
        ),
        "the package is not from this checkout: run scripts/package.sh again"
    );

    // What the running app loads is covered by what the package depends on.
    if std::env::var_os("DISPLAY").is_none() {
        assert!(
            !support::required("SAGE200_REQUIRE_GUI"),
            "SAGE200_REQUIRE_GUI=1 but no DISPLAY is set"
        );
        eprintln!("skipped the run-time library check: no DISPLAY");
        return;
    }
    let data = scratch.path().join("data");
    let libraries = loaded_libraries(&binary, &data);
    assert!(
        libraries.iter().any(|l| l.contains("libX11.so"))
            && libraries.iter().any(|l| l.contains("libGL")),
        "the app should load X11 and GL at run time: {libraries:?}"
    );
    let closure = dependency_closure(&package_names(&depends));
    let mut uncovered = Vec::new();
    for library in &libraries {
        match owner(library) {
            Some(package) if closure.contains(&package) => {}
            Some(package) => uncovered.push(format!("{library} (from {package})")),
            None => uncovered.push(format!("{library} (no package owns it)")),
        }
    }
    assert!(
        uncovered.is_empty(),
        "the package's Depends do not bring these libraries the app loaded:\n{}",
        uncovered.join("\n")
    );
    eprintln!(
        "{} libraries loaded, all brought by the package's dependencies",
        libraries.len()
    );
}

#[test]
fn the_macos_and_windows_bundle_configuration_points_at_real_files() {
    let metadata = output(
        "cargo",
        &[
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
            "--manifest-path",
            root().join("Cargo.toml").to_str().unwrap(),
        ],
    );
    let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
    let package = &metadata["packages"][0]["metadata"];
    let packager = &package["packager"];
    let identifier = packager["identifier"].as_str().unwrap();
    let parts: Vec<&str> = identifier.split('.').collect();
    assert!(
        parts.len() >= 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')),
        "not a reverse-DNS bundle identifier: {identifier}"
    );
    let formats: Vec<&str> = packager["formats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for format in ["app", "dmg", "nsis", "wix"] {
        assert!(formats.contains(&format), "no {format} bundle: {formats:?}");
    }
    assert_eq!(packager["binaries"][0]["path"], "sage200-desk");
    assert_eq!(packager["binaries"][0]["main"], true);
    let icons = packager["icons"].as_array().unwrap();
    assert!(icons.len() >= 4, "too few icon sizes for .icns/.ico");
    for icon in icons {
        let path = root().join(icon.as_str().unwrap());
        assert!(path.is_file(), "icon {} is missing", path.display());
    }
    let license = root().join(packager["license-file"].as_str().unwrap());
    assert!(license.is_file(), "{} is missing", license.display());
    // Every file the .deb takes from the source tree exists too.
    for asset in package["deb"]["assets"].as_array().unwrap() {
        let source = asset[0].as_str().unwrap();
        if !source.starts_with("target/") {
            assert!(
                root().join(source).is_file(),
                "deb asset {source} is missing"
            );
        }
    }
}
