//! A grid that behaves like a spreadsheet: a header row that sorts and resizes, rows drawn
//! only when in sight (a million rows scroll as fast as ten), cells selected with the mouse
//! (click, Shift+click) and the keyboard (arrows, Shift, Page Up/Down, Home/End,
//! Ctrl+A), Enter to open a row, and Ctrl+C to copy. The caller draws each cell and says
//! how it reads aloud; the grid lays them out.
//!
//! For assistive technology the grid is a table in the AccessKit tree: a `Table` node with
//! its row and column counts, a `Row` per row, `ColumnHeader` cells in the header and
//! `Cell`s in the body, each with its row and column index. AT-SPI (Linux) has no table
//! interface in `accesskit_unix`, so each cell's name carries its column's title too
//! ("Balance, 16,648.47"), which is what Orca would say from a table's headers.

use egui::accesskit::Role;
use egui::{Event, EventFilter, Id, Key, Rect, Sense, UiBuilder, vec2};

use super::shortcuts;
pub use crate::document::{CellAt, CellRange};

/// One column of a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridColumn {
    /// The header's words (and the name screen readers give each of its cells).
    pub title: String,
    /// The header's tooltip.
    pub hover: String,
    /// The first width, in points (the user may drag it wider or narrower).
    pub width: f32,
}

/// What the user did to the grid in a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridEvent {
    /// A column's header was clicked (sort by it).
    Sort(usize),
    /// The selection changed; `clicked` when by the mouse (a row picked), not the keyboard.
    Select {
        /// The new selection.
        range: CellRange,
        /// Whether a click made it.
        clicked: bool,
    },
    /// Enter, or a double click, on a row: open it.
    Open(usize),
    /// Ctrl+C (the platform's copy) with cells selected.
    Copy(CellRange),
    /// Escape while the grid has the keyboard.
    Escape,
}

/// What a grid needs besides its cells.
pub struct Grid<'a> {
    /// Its id (widths, scroll place and keyboard focus are kept under it).
    pub id: Id,
    /// The columns, in order.
    pub columns: &'a [GridColumn],
    /// How many rows.
    pub rows: usize,
    /// The cells selected, if any.
    pub selection: Option<CellRange>,
    /// A row marked as the one open elsewhere (the detail pane), shaded faintly.
    pub marked: Option<usize>,
    /// The title of a row that heads a band of rows (a group), if it is one: drawn from
    /// the left edge in sight whatever the horizontal scroll, and the row's accessible name.
    pub band: Option<&'a dyn Fn(usize) -> Option<String>>,
    /// What screen readers call the table ("Customers").
    pub name: &'a str,
}

/// How high a row is: the body text plus a little room.
fn row_height(ui: &egui::Ui) -> f32 {
    ui.text_style_height(&egui::TextStyle::Body) + 8.0
}

/// Remembered between frames: column widths, the viewport, rows per page.
#[derive(Debug, Clone, Default)]
struct Memory {
    widths: Vec<f32>,
    /// The columns the widths are for (another set of columns starts from its own).
    titles: u64,
    /// The vertical scroll offset and the viewport's height, from the last frame.
    offset: f32,
    viewport: f32,
    /// The horizontal scroll offset and the visible width, from the last frame.
    offset_x: f32,
    width: f32,
}

impl Memory {
    /// The horizontal scroll offset that brings `column` into sight, if it is out of it.
    fn horizontal_offset_for(&self, column: usize) -> Option<f32> {
        let left: f32 = self.widths.get(..column)?.iter().sum();
        let right = left + self.widths.get(column)?;
        if left < self.offset_x {
            Some(left)
        } else if right > self.offset_x + self.width && self.width > 0.0 {
            Some(right - self.width)
        } else {
            None
        }
    }

    /// The vertical scroll offset that brings `row` (rows `height` high) into sight.
    fn vertical_offset_for(&self, row: usize, height: f32) -> Option<f32> {
        #[allow(clippy::cast_precision_loss)] // a row's place, in points
        let top = row as f32 * height;
        if top < self.offset {
            Some(top)
        } else if top + height > self.offset + self.viewport {
            Some(top + height - self.viewport)
        } else {
            None
        }
    }
}

/// A fingerprint of a set of columns (by their tooltips, which hold the field's name and
/// not the sort mark a click changes).
fn titles_of(columns: &[GridColumn]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for column in columns {
        column.hover.hash(&mut hasher);
    }
    hasher.finish()
}

/// Draws the grid. `cell(ui, at)` draws the cell `at` into `ui` (already clipped to it);
/// `spoken(at)` gives the words a screen reader reads for it (the column title is added
/// here). Returns what the user did.
pub fn show(
    ui: &mut egui::Ui,
    grid: &Grid<'_>,
    mut cell: impl FnMut(&mut egui::Ui, CellAt),
    mut spoken: impl FnMut(CellAt) -> String,
) -> Vec<GridEvent> {
    let mut events = Vec::new();
    let memory_id = grid.id.with("memory");
    let mut memory: Memory = ui.data(|d| d.get_temp(memory_id)).unwrap_or_default();
    let titles = titles_of(grid.columns);
    if memory.widths.len() != grid.columns.len() || memory.titles != titles {
        memory.widths = grid.columns.iter().map(|c| c.width).collect();
        memory.titles = titles;
    }
    let height = row_height(ui);
    let focus_id = grid.id.with("focus");

    // The keyboard acts first, so this frame already shows where the cursor went.
    let focused = ui.memory(|m| m.has_focus(focus_id));
    let mut scroll_to = None;
    if focused && grid.rows > 0 && !grid.columns.is_empty() {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a count of rows
        let page = ((memory.viewport / height).floor() as usize).max(1);
        if let Some(event) = keyboard(ui, grid, page) {
            if let GridEvent::Select { range, .. } = &event {
                scroll_to = Some(range.cursor);
            }
            events.push(event);
        }
    }
    let selection = events
        .iter()
        .find_map(|e| match e {
            GridEvent::Select { range, .. } => Some(*range),
            _ => None,
        })
        .or(grid.selection);

    let total_width: f32 = memory.widths.iter().sum();
    let mut horizontal = egui::ScrollArea::horizontal()
        .id_salt(grid.id.with("h"))
        .auto_shrink([false, true]);
    if let Some(offset) = scroll_to.and_then(|(_, column)| memory.horizontal_offset_for(column)) {
        horizontal = horizontal.horizontal_scroll_offset(offset);
    }
    let table_builder = UiBuilder::new()
        .id_salt(grid.id.with("table"))
        .layout(egui::Layout::top_down(egui::Align::Min))
        .accessibility_role(Role::Table)
        .accessibility_label(grid.name);
    let outer = horizontal.show(ui, |ui| {
        ui.scope_builder(table_builder, |table| {
            table
                .ctx()
                .accesskit_node_builder(table.unique_id(), |node| {
                    node.set_row_count(grid.rows + 1);
                    node.set_column_count(grid.columns.len());
                });
            table.spacing_mut().item_spacing = vec2(0.0, 0.0);
            table.set_min_width(total_width);
            header(table, grid, &mut memory, height, &mut events);
            let mut vertical = egui::ScrollArea::vertical()
                .id_salt(grid.id.with("v"))
                .auto_shrink([false, false]);
            if let Some(offset) =
                scroll_to.and_then(|(row, _)| memory.vertical_offset_for(row, height))
            {
                vertical = vertical.vertical_scroll_offset(offset);
            }
            let body = vertical.show_rows(table, height, grid.rows, |ui, rows| {
                for row in rows {
                    body_row(
                        ui,
                        grid,
                        (row, height),
                        &memory.widths,
                        selection,
                        &mut events,
                        &mut cell,
                        &mut spoken,
                    );
                }
            });
            memory.offset = body.state.clamped_offset().y;
            memory.viewport = body.inner_rect.height();
            // The grid takes the keyboard as one widget (not cell by cell, which Tab would visit).
            table.interact(body.inner_rect, focus_id, Sense::FOCUSABLE);
            let area = bounds(table.min_rect());
            table
                .ctx()
                .accesskit_node_builder(table.unique_id(), |node| node.set_bounds(area));
        });
    });
    memory.offset_x = outer.state.clamped_offset().x;
    memory.width = outer.inner_rect.width();
    ui.data_mut(|d| d.insert_temp(memory_id, memory));

    if events
        .iter()
        .any(|e| matches!(e, GridEvent::Select { clicked: true, .. }))
    {
        ui.memory_mut(|m| m.request_focus(focus_id));
    }
    keep_keys(ui, focus_id);
    events
}

/// Keeps the arrows and Escape for the grid while it has the keyboard (egui would move the
/// focus with them); Tab still leaves it.
fn keep_keys(ui: &egui::Ui, focus_id: Id) {
    ui.memory_mut(|m| {
        m.set_focus_lock_filter(
            focus_id,
            EventFilter {
                tab: false,
                horizontal_arrows: true,
                vertical_arrows: true,
                escape: true,
            },
        );
    });
}

/// The header row: each title sorts on a click; its right edge drags to resize.
fn header(
    ui: &mut egui::Ui,
    grid: &Grid<'_>,
    memory: &mut Memory,
    height: f32,
    events: &mut Vec<GridEvent>,
) {
    let (rect, _) = ui.allocate_exact_size(
        vec2(memory.widths.iter().sum(), height + 4.0),
        Sense::hover(),
    );
    let row = ui.new_child(
        UiBuilder::new()
            .id_salt("header")
            .max_rect(rect)
            .accessibility_role(Role::Row),
    );
    row.ctx().accesskit_node_builder(row.unique_id(), |node| {
        node.set_row_index(0);
        node.set_bounds(bounds(rect));
    });
    let mut left = rect.left();
    let line = ui.visuals().widgets.noninteractive.bg_stroke;
    for (index, column) in grid.columns.iter().enumerate() {
        let width = memory.widths[index];
        let cell_rect =
            Rect::from_min_size(egui::pos2(left, rect.top()), vec2(width, rect.height()));
        left += width;
        // Every title is laid out, even out of sight: few, and screen readers list them all.
        let id = grid.id.with(("header", index));
        let response = row
            .interact(cell_rect, id, Sense::click())
            .on_hover_text(&column.hover);
        response.widget_info(|| egui::WidgetInfo::labeled(Role::ColumnHeader, true, &column.title));
        ui.ctx().accesskit_node_builder(id, |node| {
            node.set_column_index(index);
            node.set_row_index(0);
        });
        if response.clicked() {
            events.push(GridEvent::Sort(index));
        }
        let painter = row.painter_at(cell_rect);
        if response.hovered() {
            painter.rect_filled(cell_rect, 0.0, ui.visuals().widgets.hovered.weak_bg_fill);
        }
        let font = egui::TextStyle::Body.resolve(ui.style());
        let galley =
            painter.layout_no_wrap(column.title.clone(), font, ui.visuals().strong_text_color());
        painter.galley(
            egui::pos2(
                cell_rect.left() + 4.0,
                cell_rect.center().y - galley.size().y / 2.0,
            ),
            galley,
            ui.visuals().strong_text_color(),
        );
        painter.vline(cell_rect.right() - 0.5, cell_rect.y_range(), line);
        // The column's right edge resizes it.
        let handle = Rect::from_center_size(
            egui::pos2(cell_rect.right(), cell_rect.center().y),
            vec2(8.0, cell_rect.height()),
        );
        let drag = row
            .interact(handle, id.with("resize"), Sense::drag())
            .on_hover_cursor(egui::CursorIcon::ResizeColumn);
        if drag.dragged() {
            memory.widths[index] = (memory.widths[index] + drag.drag_delta().x).max(40.0);
        }
    }
    ui.painter()
        .hline(rect.x_range(), rect.bottom() - 0.5, line);
}

/// One row of the body, with its cells.
#[allow(clippy::too_many_arguments)] // one row's drawing needs each of these
fn body_row(
    ui: &mut egui::Ui,
    grid: &Grid<'_>,
    (row, height): (usize, f32),
    widths: &[f32],
    selection: Option<CellRange>,
    events: &mut Vec<GridEvent>,
    cell: &mut impl FnMut(&mut egui::Ui, CellAt),
    spoken: &mut impl FnMut(CellAt) -> String,
) {
    let (rect, _) = ui.allocate_exact_size(vec2(widths.iter().sum(), height), Sense::hover());
    let band = grid.band.and_then(|title| title(row));
    let band_fill = ui.visuals().widgets.inactive.weak_bg_fill;
    if band.is_some() {
        ui.painter().rect_filled(rect, 0.0, band_fill);
    } else if grid.marked == Some(row) {
        let shade = ui.visuals().selection.bg_fill.gamma_multiply(0.25);
        ui.painter().rect_filled(rect, 0.0, shade);
    } else if row % 2 == 1 {
        ui.painter()
            .rect_filled(rect, 0.0, ui.visuals().faint_bg_color);
    }
    let clip = ui.clip_rect();
    let mut row_ui = ui.new_child(
        UiBuilder::new()
            .id_salt(("row", row))
            .max_rect(rect)
            .accessibility_role(Role::Row),
    );
    row_ui
        .ctx()
        .accesskit_node_builder(row_ui.unique_id(), |node| {
            node.set_row_index(row + 1);
            node.set_bounds(bounds(rect.intersect(clip)));
            if let Some(title) = &band {
                node.set_label(title.clone());
            }
        });
    let chosen_fill = row_ui.visuals().selection.bg_fill.gamma_multiply(0.55);
    let cursor_stroke = row_ui.visuals().selection.stroke;
    let mut left = rect.left();
    for (column, width) in widths.iter().enumerate() {
        let cell_rect = Rect::from_min_size(egui::pos2(left, rect.top()), vec2(*width, height));
        left += width;
        // Cells scrolled out of sight are neither read nor laid out.
        if !row_ui.is_rect_visible(cell_rect) {
            continue;
        }
        let at = (row, column);
        let chosen = selection.is_some_and(|s| s.contains(at));
        if chosen {
            row_ui.painter().rect_filled(cell_rect, 0.0, chosen_fill);
        }
        let mut cell_ui = row_ui.new_child(
            UiBuilder::new()
                .id_salt(("cell", row, column))
                .max_rect(cell_rect.shrink2(vec2(4.0, 0.0)))
                .layout(egui::Layout::left_to_right(egui::Align::Center))
                .sense(Sense::CLICK)
                .accessibility_role(Role::Cell),
        );
        // Only read out when a screen reader listens (the closure runs only then).
        cell_ui
            .ctx()
            .accesskit_node_builder(cell_ui.unique_id(), |node| {
                let title = grid.columns.get(column).map_or("", |c| c.title.as_str());
                let words = spoken(at);
                node.set_label(if words.is_empty() {
                    title.to_owned()
                } else {
                    format!("{title}, {words}")
                });
                node.set_row_index(row + 1);
                node.set_column_index(column);
                // Only the part in sight: a row half under the header is clicked where it shows.
                node.set_bounds(bounds(cell_rect.intersect(clip)));
                if chosen {
                    node.set_selected(true);
                }
            });
        cell_ui.shrink_clip_rect(cell_rect);
        cell_ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        cell(&mut cell_ui, at);
        // The whole cell answers clicks, not only its text (an empty cell too): a Ui's
        // response is its used rectangle.
        cell_ui.set_min_size(cell_ui.max_rect().size());
        let response = cell_ui.response();
        if selection.is_some_and(|s| s.cursor == at) {
            row_ui.painter().rect_stroke(
                cell_rect.shrink(1.0),
                0.0,
                cursor_stroke,
                egui::StrokeKind::Inside,
            );
        }
        if response.double_clicked() {
            events.push(GridEvent::Open(row));
        } else if response.clicked() {
            let shift = row_ui.input(|i| i.modifiers.shift);
            let range = match selection {
                Some(s) if shift => CellRange {
                    anchor: s.anchor,
                    cursor: at,
                },
                _ => CellRange::single(at),
            };
            events.push(GridEvent::Select {
                range,
                clicked: true,
            });
        }
    }
    if let Some(title) = band {
        band_title(ui, rect, title, band_fill);
    }
}

/// A rectangle as `AccessKit` takes it (in points, as egui gives its widgets'), so screen
/// readers can show where a row or cell is and tests can click it.
fn bounds(rect: Rect) -> egui::accesskit::Rect {
    egui::accesskit::Rect {
        x0: rect.min.x.into(),
        y0: rect.min.y.into(),
        x1: rect.max.x.into(),
        y1: rect.max.y.into(),
    }
}

/// A band's title over its row, pinned to the left edge in sight, on an opaque patch so
/// the cells beneath do not show through.
fn band_title(ui: &egui::Ui, rect: Rect, title: String, fill: egui::Color32) {
    let left = rect.left().max(ui.clip_rect().left());
    let color = ui.visuals().strong_text_color();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let galley = ui.painter().layout_no_wrap(title, font, color);
    let patch = Rect::from_min_size(
        egui::pos2(left, rect.top()),
        vec2(galley.size().x + 12.0, rect.height()),
    );
    ui.painter().rect_filled(patch, 0.0, fill);
    let y = rect.center().y - galley.size().y / 2.0;
    ui.painter()
        .galley(egui::pos2(left + 6.0, y), galley, color);
}

/// The grid's keys, when it has the keyboard: returns what they ask for. `page` is how many
/// rows Page Up and Page Down move.
fn keyboard(ui: &egui::Ui, grid: &Grid<'_>, page: usize) -> Option<GridEvent> {
    let last_row = grid.rows - 1;
    let last_column = grid.columns.len() - 1;
    let current = grid
        .selection
        .and_then(|s| s.clamped(grid.rows, grid.columns.len()))
        .unwrap_or(CellRange::single((0, 0)));
    ui.input_mut(|input| {
        if input.events.iter().any(|e| matches!(e, Event::Copy)) {
            return grid.selection.map(GridEvent::Copy);
        }
        if input.consume_shortcut(&shortcuts::SELECT_ALL) {
            return Some(GridEvent::Select {
                range: CellRange {
                    anchor: (0, 0),
                    cursor: (last_row, last_column),
                },
                clicked: false,
            });
        }
        if input.consume_shortcut(&shortcuts::OPEN_ROW) {
            return Some(GridEvent::Open(current.cursor.0));
        }
        if input.consume_key(egui::Modifiers::NONE, Key::Escape) {
            return Some(GridEvent::Escape);
        }
        // Alt+arrows are Back and Forward, not moves.
        if input.modifiers.alt {
            return None;
        }
        let (row, column) = current.cursor;
        let command = input.modifiers.command;
        let moves = [
            (Key::ArrowUp, (row.saturating_sub(1), column)),
            (Key::ArrowDown, ((row + 1).min(last_row), column)),
            (Key::ArrowLeft, (row, column.saturating_sub(1))),
            (Key::ArrowRight, (row, (column + 1).min(last_column))),
            (Key::PageUp, (row.saturating_sub(page), column)),
            (Key::PageDown, ((row + page).min(last_row), column)),
            (Key::Home, if command { (0, 0) } else { (row, 0) }),
            (
                Key::End,
                if command {
                    (last_row, last_column)
                } else {
                    (row, last_column)
                },
            ),
        ];
        let (shift, modifiers) = (input.modifiers.shift, input.modifiers);
        for (key, to) in moves {
            // Consumed, so the scroll area does not also page or jump.
            if input.consume_key(modifiers, key) {
                let range = if shift {
                    CellRange {
                        anchor: current.anchor,
                        cursor: to,
                    }
                } else {
                    CellRange::single(to)
                };
                return Some(GridEvent::Select {
                    range,
                    clicked: false,
                });
            }
        }
        None
    })
}
