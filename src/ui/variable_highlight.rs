//! `{{variables}}` marked in the request builder's text fields: one with a value in the
//! accent colour, one without in the error colour, both underlined, over whatever colours
//! the text already has (the JSON body's).

use egui::text::{ByteIndex, LayoutJob, LayoutSection};
use egui::{Color32, FontId, Stroke, TextFormat};

use crate::model::references;

/// Recolours the `{{name}}`s of `job`'s text: `known(name)` says whether it has a value.
pub fn mark(job: &mut LayoutJob, known: &dyn Fn(&str) -> bool, visuals: &egui::Visuals) {
    let found: Vec<(std::ops::Range<usize>, bool)> = references(&job.text)
        .into_iter()
        .map(|(range, name)| (range, known(name)))
        .collect();
    if found.is_empty() {
        return;
    }
    let colour = |is_known: bool| {
        if is_known {
            visuals.hyperlink_color
        } else {
            visuals.error_fg_color
        }
    };
    let mut sections = Vec::with_capacity(job.sections.len() + 2 * found.len());
    for section in std::mem::take(&mut job.sections) {
        let (start, end) = (section.byte_range.start.0, section.byte_range.end.0);
        // Cut the section where a reference starts or ends inside it.
        let mut cuts: Vec<usize> = found
            .iter()
            .flat_map(|(r, _)| [r.start, r.end])
            .filter(|&at| at > start && at < end)
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut from = start;
        for to in cuts.into_iter().chain(std::iter::once(end)) {
            let mut format = section.format.clone();
            if let Some((_, is_known)) = found.iter().find(|(r, _)| r.start <= from && to <= r.end)
            {
                format.color = colour(*is_known);
                format.underline = Stroke::new(1.0, colour(*is_known));
            }
            sections.push(LayoutSection {
                leading_space: if from == start {
                    section.leading_space
                } else {
                    0.0
                },
                byte_range: ByteIndex(from)..ByteIndex(to),
                format,
            });
            from = to;
        }
    }
    job.sections = sections;
}

/// `text` on one line in `font` and `colour`, with its variables marked.
#[must_use]
pub fn single_line(
    text: &str,
    font: FontId,
    colour: Color32,
    known: &dyn Fn(&str) -> bool,
    visuals: &egui::Visuals,
) -> LayoutJob {
    let mut job = LayoutJob::simple_singleline(text.to_owned(), font, colour);
    mark(&mut job, known, visuals);
    job
}

/// A plain format for text fields without colours of their own.
#[must_use]
pub fn plain(font: FontId, colour: Color32) -> TextFormat {
    TextFormat::simple(font, colour)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_marked_known_or_not_and_no_text_is_lost() {
        let visuals = egui::Visuals::dark();
        let text = "{\"id\": {{known}}, \"x\": \"a{{unknown}}é\"}";
        let mut job = LayoutJob::default();
        job.append(text, 0.0, plain(FontId::monospace(12.0), Color32::WHITE));
        // A second section boundary inside a variable.
        job.sections[0].byte_range = ByteIndex(0)..ByteIndex(10);
        job.sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: ByteIndex(10)..ByteIndex(text.len()),
            format: plain(FontId::monospace(12.0), Color32::GRAY),
        });
        mark(&mut job, &|name| name == "known", &visuals);
        let pieces: Vec<(&str, Color32)> = job
            .sections
            .iter()
            .map(|s| {
                (
                    &job.text[s.byte_range.start.0..s.byte_range.end.0],
                    s.format.color,
                )
            })
            .collect();
        let joined: String = pieces.iter().map(|(t, _)| *t).collect();
        assert_eq!(joined, text, "nothing lost or doubled");
        let colour_of = |piece: &str| {
            pieces
                .iter()
                .filter(|(t, _)| *t == piece)
                .map(|(_, c)| *c)
                .collect::<Vec<_>>()
        };
        assert_eq!(colour_of("{{unknown}}"), [visuals.error_fg_color]);
        // `{{known}}` was cut in two by the sections; both halves are marked.
        let known = text.find("{{known}}").unwrap();
        let halves: Vec<Color32> = job
            .sections
            .iter()
            .filter(|s| s.byte_range.start.0 >= known && s.byte_range.end.0 <= known + 9)
            .map(|s| s.format.color)
            .collect();
        assert_eq!(halves, [visuals.hyperlink_color; 2]);
        assert_eq!(colour_of(", \"x\": \"a"), [Color32::GRAY]);
    }
}
