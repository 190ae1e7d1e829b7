//! The app's look: spacing, rounding and accent colours for both light and dark themes, and a
//! checkbox named for screen readers where a row says what it is for.

use egui::{Color32, CornerRadius, Theme, Vec2};

/// Accent used for selection and links in the light theme.
pub const ACCENT_LIGHT: Color32 = Color32::from_rgb(0, 110, 70);
/// Accent used for selection and links in the dark theme.
pub const ACCENT_DARK: Color32 = Color32::from_rgb(70, 200, 140);

/// Colour for error text, readable on both themes' backgrounds.
#[must_use]
pub fn error_color(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(255, 120, 110)
    } else {
        Color32::from_rgb(190, 30, 30)
    }
}

/// Colour for a success mark.
#[must_use]
pub fn ok_color(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        ACCENT_DARK
    } else {
        ACCENT_LIGHT
    }
}

/// A small filled circle: a status light in the status bar.
pub fn status_dot(ui: &mut egui::Ui, color: Color32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(12.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.5, color);
    response
}

/// Installs the style for both themes; the theme preference picks which one is live.
pub fn install(ctx: &egui::Context) {
    for theme in [Theme::Light, Theme::Dark] {
        ctx.style_mut_of(theme, |style| {
            style.spacing.item_spacing = Vec2::new(8.0, 6.0);
            style.spacing.button_padding = Vec2::new(8.0, 4.0);
            style.spacing.interact_size.y = 24.0;
            let accent = match theme {
                Theme::Light => ACCENT_LIGHT,
                Theme::Dark => ACCENT_DARK,
            };
            let visuals = &mut style.visuals;
            visuals.selection.bg_fill = accent.gamma_multiply(0.35);
            visuals.selection.stroke.color = accent;
            visuals.hyperlink_color = accent;
            visuals.widgets.noninteractive.corner_radius = CornerRadius::same(4);
            visuals.widgets.inactive.corner_radius = CornerRadius::same(4);
            visuals.widgets.hovered.corner_radius = CornerRadius::same(4);
            visuals.widgets.active.corner_radius = CornerRadius::same(4);
        });
    }
}

/// A checkbox without a visible label (it sits in a row that says what it is for), named
/// `name` for screen readers, with `hover` as its tooltip.
pub fn named_checkbox(ui: &mut egui::Ui, on: &mut bool, name: &str, hover: &str) -> egui::Response {
    let was = *on;
    let response = ui.checkbox(on, "").on_hover_text(hover);
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, was, name));
    response
}
