//! The app's icons in every size come from one drawing, `assets/icon.svg`: this test renders
//! it (resvg) at each size and compares with `packaging/icons/hicolor/NxN/apps/`, so a
//! changed drawing cannot ship with stale icons. `UPDATE_ICONS=1` writes them anew.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_precision_loss)]

use std::path::{Path, PathBuf};

use resvg::{tiny_skia, usvg};

/// The sizes desktops look for (freedesktop hicolor theme; 256 is the window icon).
const SIZES: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn icon_path(size: u32) -> PathBuf {
    root().join(format!(
        "packaging/icons/hicolor/{size}x{size}/apps/sage200-desk.png"
    ))
}

fn render(svg: &usvg::Tree, size: u32) -> tiny_skia::Pixmap {
    let mut pixmap = tiny_skia::Pixmap::new(size, size).unwrap();
    let scale = size as f32 / svg.size().width();
    resvg::render(
        svg,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
}

/// Straight (not premultiplied) RGBA, as PNG files hold it.
fn straight_rgba(pixmap: &tiny_skia::Pixmap) -> Vec<u8> {
    pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect()
}

fn read_png(path: &Path) -> image::RgbaImage {
    image::open(path)
        .unwrap_or_else(|e| panic!("{} is not a readable PNG: {e}", path.display()))
        .to_rgba8()
}

#[test]
fn every_icon_size_is_rendered_from_the_one_drawing() {
    let svg_data = std::fs::read(root().join("assets/icon.svg")).unwrap();
    let svg = usvg::Tree::from_data(&svg_data, &usvg::Options::default()).unwrap();
    let update = std::env::var_os("UPDATE_ICONS").is_some();
    let mut stale = Vec::new();
    for size in SIZES {
        let expected = straight_rgba(&render(&svg, size));
        let path = icon_path(size);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            image::RgbaImage::from_raw(size, size, expected.clone())
                .unwrap()
                .save(&path)
                .unwrap();
        }
        if !path.exists() {
            stale.push(format!("{} is missing", path.display()));
            continue;
        }
        let actual = read_png(&path);
        if actual.dimensions() != (size, size) {
            stale.push(format!(
                "{} is {:?}, not {size}×{size}",
                path.display(),
                actual.dimensions()
            ));
            continue;
        }
        // Allow for rounding between renderer versions, not for a different drawing.
        let off = actual
            .as_raw()
            .iter()
            .zip(&expected)
            .filter(|(a, b)| a.abs_diff(**b) > 3)
            .count();
        if off * 100 > expected.len() {
            stale.push(format!(
                "{} differs from assets/icon.svg in {off} of {} channels",
                path.display(),
                expected.len()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "icons out of date (write them with `UPDATE_ICONS=1 cargo test --test icons`):\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_icons_are_drawn_not_blank() {
    // The window icon and the launcher icon: mostly the app's green, with white inside.
    for size in [48, 256] {
        let image = read_png(&icon_path(size));
        let pixels = image.pixels().count();
        let green = image
            .pixels()
            .filter(|p| p.0[3] > 200 && p.0[1] > 120 && p.0[0] < 60)
            .count();
        let white = image
            .pixels()
            .filter(|p| p.0[3] > 200 && p.0[0] > 230 && p.0[1] > 230 && p.0[2] > 230)
            .count();
        let clear_corner = image.get_pixel(0, 0).0[3] == 0;
        assert!(
            green * 4 > pixels && white * 10 > pixels && clear_corner,
            "{size}px icon: {green} green and {white} white of {pixels} pixels; corner clear: {clear_corner}"
        );
    }
}
