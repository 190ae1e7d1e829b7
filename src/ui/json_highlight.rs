//! Colours for JSON text: keys, strings, numbers, literals and punctuation, for the body
//! editor and the raw view (one line at a time, so a window of a huge answer stays cheap).

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, TextStyle};

struct Palette {
    key: Color32,
    string: Color32,
    number: Color32,
    literal: Color32,
    punctuation: Color32,
    plain: Color32,
}

fn palette(dark: bool, plain: Color32) -> Palette {
    if dark {
        Palette {
            key: Color32::from_rgb(120, 200, 255),
            string: Color32::from_rgb(230, 180, 120),
            number: Color32::from_rgb(150, 220, 150),
            literal: Color32::from_rgb(210, 150, 230),
            punctuation: Color32::from_gray(150),
            plain,
        }
    } else {
        Palette {
            key: Color32::from_rgb(0, 80, 160),
            string: Color32::from_rgb(160, 70, 0),
            number: Color32::from_rgb(0, 120, 40),
            literal: Color32::from_rgb(130, 40, 160),
            punctuation: Color32::from_gray(110),
            plain,
        }
    }
}

/// Lays out `text` as coloured JSON (anything that is not JSON keeps the plain colour).
#[must_use]
pub fn highlight(ui: &egui::Ui, text: &str, wrap_width: f32) -> LayoutJob {
    let font = TextStyle::Monospace.resolve(ui.style());
    let colours = palette(ui.visuals().dark_mode, ui.visuals().text_color());
    let mut job = LayoutJob::default();
    job.wrap.max_width = wrap_width;
    let push = |job: &mut LayoutJob, piece: &str, colour: Color32, font: &FontId| {
        job.append(piece, 0.0, TextFormat::simple(font.clone(), colour));
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                let rest = text[i..].trim_start();
                let colour = if rest.starts_with(':') {
                    colours.key
                } else {
                    colours.string
                };
                push(&mut job, &text[start..i], colour, &font);
            }
            b'-' | b'0'..=b'9' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                push(&mut job, &text[start..i], colours.number, &font);
            }
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                i += 1;
                push(&mut job, &text[start..i], colours.punctuation, &font);
            }
            _ => {
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b'"' | b'{' | b'}' | b'[' | b']' | b':' | b',' | b'-' | b'0'..=b'9'
                    )
                {
                    i += 1;
                }
                // Stay on a character boundary for multi-byte text.
                while !text.is_char_boundary(i) {
                    i += 1;
                }
                let piece = &text[start..i];
                let colour = match piece.trim() {
                    "true" | "false" | "null" => colours.literal,
                    _ => colours.plain,
                };
                push(&mut job, piece, colour, &font);
            }
        }
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    job
}

#[cfg(test)]
mod tests {
    use super::highlight;

    #[test]
    fn keys_strings_numbers_and_literals_get_their_own_colours() {
        let mut sections = Vec::new();
        let mut harness = egui_kittest::Harness::new_ui(|ui| {
            let job = highlight(
                ui,
                r#"{"name": "Zoë's", "n": -1.5e3, "ok": true, "x": null}"#,
                f32::INFINITY,
            );
            sections = job
                .sections
                .iter()
                .map(|s| {
                    (
                        job.text[s.byte_range.start.0..s.byte_range.end.0].to_owned(),
                        s.format.color,
                    )
                })
                .collect();
        });
        harness.run();
        drop(harness);
        let colour_of = |piece: &str| {
            sections
                .iter()
                .find(|(t, _)| t.trim() == piece)
                .map(|(_, c)| *c)
                .unwrap()
        };
        assert_ne!(
            colour_of("\"name\""),
            colour_of("\"Zoë's\""),
            "a key is not a value"
        );
        assert_ne!(colour_of("-1.5e3"), colour_of("\"Zoë's\""));
        assert_eq!(colour_of("true"), colour_of("null"));
        let text: String = sections.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            text, r#"{"name": "Zoë's", "n": -1.5e3, "ok": true, "x": null}"#,
            "nothing lost"
        );
    }
}
