//! Drawing the Reports screen: headline figures, aged debtors and creditors as stacked
//! bars by age band (`egui_plot`), sales by period, and customers over their credit limit,
//! each chart with its numbers in a table beside it (what screen readers and the keyboard
//! use). A click on a bar or a number asks for the records behind it.

use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::document::{AgedReport, Pence, pounds};
use crate::model::format_money;
use crate::screens::shared::Shared;

use super::{Ageing, Command, Ledger, Part, State, Table};

/// How many accounts a chart shows (the largest; the table lists them too).
pub const TOP_ACCOUNTS: usize = 10;

/// Pence as money people read: `£1,234.50` without the sign's symbol, `-12.00`.
fn money(pence: Pence) -> String {
    let text = pounds(pence);
    format_money(&text).unwrap_or(text)
}

/// Pounds as a plot coordinate (a chart need not be exact; its table is).
#[allow(clippy::cast_precision_loss)] // a bar's height on screen
fn height(pence: Pence) -> f64 {
    pence as f64 / 100.0
}

/// A band's colour: green for current, through amber, to red for the oldest.
fn band_colour(index: usize, bands: usize) -> Color32 {
    const RAMP: [Color32; 6] = [
        Color32::from_rgb(0x2e, 0x8b, 0x57),
        Color32::from_rgb(0x8f, 0xbc, 0x3f),
        Color32::from_rgb(0xe0, 0xb0, 0x20),
        Color32::from_rgb(0xe8, 0x80, 0x20),
        Color32::from_rgb(0xd0, 0x50, 0x30),
        Color32::from_rgb(0xa0, 0x20, 0x30),
    ];
    let last = bands.saturating_sub(1).max(1);
    RAMP[(index * (RAMP.len() - 1) / last).min(RAMP.len() - 1)]
}

/// Draws the Reports screen.
pub fn show(ui: &mut egui::Ui, state: &State, shared: &Shared, out: &mut Vec<Command>) {
    if !shared.has_company() {
        crate::ui::placeholder::show(ui, "Reports", "Choose a company to see its reports.");
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.heading("Reports");
        let label = ui.label("Ageing");
        egui::ComboBox::from_id_salt("report_ageing")
            .selected_text(state.ageing.label())
            .show_ui(ui, |ui| {
                for ageing in Ageing::ALL {
                    if ui
                        .selectable_label(state.ageing == ageing, ageing.label())
                        .clicked()
                    {
                        out.push(Command::SetAgeing(ageing));
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if ui.button("Reload").clicked() {
            out.push(Command::Reload);
        }
        if let Some(day) = state.as_at {
            ui.label(RichText::new(format!("As at {}", day.format("%-d %B %Y"))).weak());
        }
    });
    ui.add_space(6.0);
    egui::ScrollArea::vertical()
        .id_salt("reports_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            headlines(ui, state, out);
            ui.add_space(10.0);
            aged_section(ui, state, Ledger::Sales, out);
            ui.add_space(10.0);
            aged_section(ui, state, Ledger::Purchase, out);
            ui.add_space(10.0);
            sales_section(ui, state, out);
            ui.add_space(10.0);
            breaches_section(ui, state, out);
        });
}

/// A part still loading or failed, said in place; the figures when ready.
fn part<T>(ui: &mut egui::Ui, part: &Part<T>, what: &str) -> Option<std::sync::Arc<T>> {
    match part {
        Part::Ready(value) => Some(value.clone()),
        Part::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(RichText::new(format!("Reading {what}…")).weak());
            });
            None
        }
        Part::Failed(problem) => {
            ui.label(
                RichText::new(format!("{what}: {}", problem.message))
                    .color(ui.visuals().error_fg_color),
            );
            if !problem.advice.is_empty() {
                ui.label(RichText::new(&problem.advice).weak());
            }
            None
        }
        Part::Idle => None,
    }
}

/// One headline figure in a frame; returns whether its link was clicked.
fn headline(ui: &mut egui::Ui, title: &str, figure: &str, more: Option<&str>) -> bool {
    let mut clicked = false;
    egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::same(10))
        .show(ui, |ui| {
            ui.set_min_width(200.0);
            ui.vertical(|ui| {
                ui.label(RichText::new(title).weak());
                ui.label(RichText::new(figure).heading().strong());
                if let Some(more) = more {
                    clicked = ui.link(more).clicked();
                }
            });
        });
    clicked
}

/// Owed, overdue, over credit limit, owed to suppliers.
fn headlines(ui: &mut egui::Ui, state: &State, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        let owed = state.debtors.ready().map(|r| money(r.total()));
        headline(
            ui,
            "Owed by customers",
            owed.as_deref().unwrap_or("…"),
            None,
        );
        match &state.overdue {
            Part::Ready(overdue) => {
                let more = format!(
                    "{} overdue invoice{}",
                    overdue.count,
                    if overdue.count == 1 { "" } else { "s" }
                );
                if headline(ui, "Overdue", &money(overdue.amount), Some(&more)) {
                    out.push(Command::OpenOverdue);
                }
            }
            _ => {
                headline(ui, "Overdue", "…", None);
            }
        }
        match &state.breaches {
            Part::Ready(breaches) => {
                let over: Pence = breaches.iter().map(|b| b.balance - b.limit).sum();
                let figure = format!(
                    "{} customer{}",
                    breaches.len(),
                    if breaches.len() == 1 { "" } else { "s" }
                );
                let more = format!("{} over in all", money(over));
                if headline(ui, "Over credit limit", &figure, Some(&more)) {
                    out.push(Command::OpenBreaches);
                }
            }
            _ => {
                headline(ui, "Over credit limit", "…", None);
            }
        }
        let owing = state.creditors.ready().map(|r| money(r.total()));
        headline(
            ui,
            "Owed to suppliers",
            owing.as_deref().unwrap_or("…"),
            None,
        );
    });
}

/// An aged report's title, total bar, top accounts' bars and table.
fn aged_section(ui: &mut egui::Ui, state: &State, ledger: Ledger, out: &mut Vec<Command>) {
    let (title, report, who) = match ledger {
        Ledger::Sales => ("Aged debtors", &state.debtors, "customers"),
        Ledger::Purchase => ("Aged creditors", &state.creditors, "suppliers"),
    };
    let one = who.trim_end_matches('s');
    ui.horizontal(|ui| {
        ui.label(RichText::new(title).heading());
        if report.ready().is_some() && ui.button("Export…").clicked() {
            out.push(Command::Export(Table::Aged(ledger), None));
        }
    });
    let Some(report) = part(ui, report, title) else {
        return;
    };
    if report.accounts.is_empty() {
        ui.label(RichText::new(format!("No {who} have anything outstanding.")).weak());
        return;
    }
    let label = |id: i64| {
        state
            .names
            .get(&(ledger, id))
            .cloned()
            .unwrap_or_else(|| format!("{one} {id}"))
    };
    ui.columns(2, |columns| {
        let top: Vec<(String, Vec<Pence>, Option<i64>)> = report
            .accounts
            .iter()
            .take(TOP_ACCOUNTS)
            .map(|a| (label(a.id), a.bands.clone(), Some(a.id)))
            .collect();
        if let Some((account, band)) = aged_chart(&mut columns[0], &report, ledger, &top) {
            out.push(Command::OpenAged {
                ledger,
                account,
                band,
            });
        }
        aged_table(&mut columns[1], &report, ledger, &top, out);
    });
}

/// An axis mark as money without pence: `1,000,000`.
fn axis_money(value: f64) -> String {
    let whole = format!("{value:.0}");
    format_money(&whole).map_or(whole, |m| m.trim_end_matches(".00").to_owned())
}

/// A plot that neither zooms nor pans: a picture to read and click, not to explore.
fn still_plot(id: impl egui::AsIdSalt, height: f32) -> Plot<'static> {
    Plot::new(id)
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
}

/// Each band's chart of `columns` (bars at 0, 1, …; stacked in band order), coloured from
/// green to red, each bar saying its band and amount on hover.
fn band_charts(report: &AgedReport, columns: &[Vec<Pence>], horizontal: bool) -> Vec<BarChart> {
    let mut charts: Vec<BarChart> = Vec::new();
    for (band_index, band) in report.bands.iter().enumerate() {
        let bars: Vec<Bar> = columns
            .iter()
            .enumerate()
            .map(|(x, amounts)| {
                #[allow(clippy::cast_precision_loss)] // a bar's place
                Bar::new(x as f64, height(amounts[band_index])).width(0.7)
            })
            .collect();
        let refs: Vec<&BarChart> = charts.iter().collect();
        let name = band.name.clone();
        let mut chart = BarChart::new(band.name.clone(), bars)
            .color(band_colour(band_index, report.bands.len()))
            .element_formatter(Box::new(move |bar, _| {
                format!("{name}: {}", axis_money(bar.value))
            }))
            .stack_on(&refs);
        if horizontal {
            chart = chart.horizontal();
        }
        charts.push(chart);
    }
    charts
}

/// The total as one bar across, by band, then the largest accounts' stacked bars; returns
/// (account, band) of a bar clicked (`None` account: the total's).
fn aged_chart(
    ui: &mut egui::Ui,
    report: &AgedReport,
    ledger: Ledger,
    top: &[(String, Vec<Pence>, Option<i64>)],
) -> Option<(Option<i64>, usize)> {
    let mut clicked = None;
    // Every account together: one bar across, each band's share of it.
    let total = still_plot(("aged_total", ledger), 64.0)
        .show_axes([true, false])
        .show_grid(false)
        .x_axis_formatter(|mark, _| axis_money(mark.value))
        .show(ui, |plot_ui| {
            for chart in band_charts(report, std::slice::from_ref(&report.totals), true) {
                plot_ui.bar_chart(chart);
            }
            let clicked = plot_ui.response().clicked();
            clicked.then(|| plot_ui.pointer_coordinate()).flatten()
        });
    if let Some(point) = total.inner {
        let amounts = vec![report.totals.iter().map(|p| height(*p)).collect()];
        // Across: the value runs along x, the bar sits at y = 0.
        if let Some((_, band)) = bar_at(point.y, point.x, &amounts, 0.7) {
            clicked = Some((None, band));
        }
    }
    let names: Vec<String> = top.iter().map(|c| c.0.clone()).collect();
    let columns: Vec<Vec<Pence>> = top.iter().map(|c| c.1.clone()).collect();
    // Room above the tallest bar for the legend.
    let tallest = columns
        .iter()
        .map(|bands| height(bands.iter().filter(|p| **p > 0).sum()))
        .fold(0.0, f64::max);
    let response = still_plot(("aged_chart", ledger), 220.0)
        .legend(
            Legend::default()
                .follow_insertion_order(true)
                .text_style(egui::TextStyle::Small),
        )
        .include_y(0.0)
        .include_y(tallest * 2.0)
        .y_axis_formatter(|mark, _| axis_money(mark.value))
        .x_axis_formatter(move |mark, _| {
            let x = mark.value.round();
            if (mark.value - x).abs() > 1e-6 || x < 0.0 {
                return String::new();
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked above
            names
                .get(x as usize)
                .map(|n| n.split(" — ").next().unwrap_or(n).to_owned())
                .unwrap_or_default()
        })
        .show(ui, |plot_ui| {
            for chart in band_charts(report, &columns, false) {
                plot_ui.bar_chart(chart);
            }
            let clicked = plot_ui.response().clicked();
            clicked.then(|| plot_ui.pointer_coordinate()).flatten()
        });
    if let Some(point) = response.inner {
        let amounts: Vec<Vec<f64>> = columns
            .iter()
            .map(|bands| bands.iter().map(|p| height(*p)).collect())
            .collect();
        if let Some((x, band)) = bar_at(point.x, point.y, &amounts, 0.7) {
            clicked = Some((top[x].2, band));
        }
    }
    clicked
}

/// The bar and band under a point of a stacked bar chart: bars at x = 0, 1, … of `width`,
/// each stacking `amounts[x]` upwards from 0 in band order (negative amounts stack down).
#[must_use]
pub fn bar_at(x: f64, y: f64, amounts: &[Vec<f64>], width: f64) -> Option<(usize, usize)> {
    let index = x.round();
    if index < 0.0 || (x - index).abs() > width / 2.0 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked above
    let bands = amounts.get(index as usize)?;
    let (mut up, mut down) = (0.0, 0.0);
    for (band, amount) in bands.iter().enumerate() {
        let (from, to) = if *amount >= 0.0 {
            let span = (up, up + amount);
            up += amount;
            span
        } else {
            let span = (down + amount, down);
            down += amount;
            span
        };
        if y >= from && y <= to && from < to {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            return Some((index as usize, band));
        }
    }
    None
}

/// The numbers beside an aged chart: each amount a link to its transactions.
fn aged_table(
    ui: &mut egui::Ui,
    report: &AgedReport,
    ledger: Ledger,
    top: &[(String, Vec<Pence>, Option<i64>)],
    out: &mut Vec<Command>,
) {
    egui::ScrollArea::horizontal()
        .id_salt(("aged_table", ledger))
        .show(ui, |ui| {
            egui::Grid::new(("aged_grid", ledger))
                .striped(true)
                .num_columns(report.bands.len() + 2)
                .show(ui, |ui| {
                    ui.label(RichText::new("Account").strong());
                    for band in &report.bands {
                        ui.label(RichText::new(&band.name).strong());
                    }
                    ui.label(RichText::new("Total").strong());
                    ui.end_row();
                    let total_row = ("All".to_owned(), report.totals.clone(), None);
                    for (name, amounts, account) in top.iter().chain(std::iter::once(&total_row)) {
                        let short: String = name.chars().take(28).collect();
                        ui.label(short).on_hover_text(name);
                        for (band, amount) in amounts.iter().enumerate() {
                            amount_cell(
                                ui,
                                *amount,
                                || {
                                    out.push(Command::OpenAged {
                                        ledger,
                                        account: *account,
                                        band,
                                    });
                                },
                                &format!("{name}, {}", report.bands[band].name),
                            );
                        }
                        let total: Pence = amounts.iter().sum();
                        ui.label(RichText::new(money(total)).strong());
                        ui.end_row();
                    }
                });
        });
}

/// An amount in a table: a link to its records when not zero, right-aligned.
fn amount_cell(ui: &mut egui::Ui, amount: Pence, open: impl FnOnce(), spoken: &str) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if amount == 0 {
            ui.label(RichText::new("–").weak());
            return;
        }
        let text = money(amount);
        let link = ui.link(&text).on_hover_text("Show these transactions");
        link.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::accesskit::Role::Link,
                true,
                format!("{spoken}: {text}"),
            )
        });
        if link.clicked() {
            open();
        }
    });
}

/// Net sales per period of the current financial year, with the numbers beside.
fn sales_section(ui: &mut egui::Ui, state: &State, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Sales by period").heading());
        if state.sales.ready().is_some() && ui.button("Export…").clicked() {
            out.push(Command::Export(Table::Sales, None));
        }
    });
    let Some(sales) = part(ui, &state.sales, "Sales by period") else {
        return;
    };
    if sales.is_empty() {
        ui.label(RichText::new("No period values this financial year.").weak());
        return;
    }
    ui.columns(2, |columns| {
        let names: Vec<String> = sales.iter().map(|p| p.reference.clone()).collect();
        let bars: Vec<Bar> = sales
            .iter()
            .enumerate()
            .map(|(x, p)| {
                #[allow(clippy::cast_precision_loss)] // a bar's place
                Bar::new(x as f64, height(p.net()))
                    .width(0.7)
                    .name(&p.reference)
            })
            .collect();
        let chart = BarChart::new("Net sales", bars)
            .color(Color32::from_rgb(0x2e, 0x6f, 0xb0))
            .element_formatter(Box::new(|bar, _| {
                format!("{}: {}", bar.name, axis_money(bar.value))
            }));
        let response = still_plot("sales_chart", 220.0)
            .include_y(0.0)
            .y_axis_formatter(|mark, _| axis_money(mark.value))
            .x_axis_formatter(move |mark, _| {
                let x = mark.value.round();
                if (mark.value - x).abs() > 1e-6 || x < 0.0 {
                    return String::new();
                }
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                names.get(x as usize).cloned().unwrap_or_default()
            })
            .show(&mut columns[0], |plot_ui| {
                plot_ui.bar_chart(chart);
                let clicked = plot_ui.response().clicked();
                clicked.then(|| plot_ui.pointer_coordinate()).flatten()
            });
        if let Some(point) = response.inner {
            let amounts: Vec<Vec<f64>> = sales.iter().map(|p| vec![height(p.net())]).collect();
            if let Some((x, _)) = bar_at(point.x, point.y, &amounts, 0.7) {
                out.push(Command::OpenPeriod(x));
            }
        }
        egui::Grid::new("sales_grid")
            .striped(true)
            .num_columns(4)
            .show(&mut columns[1], |ui| {
                for title in ["Period", "Invoices", "Credit notes", "Net sales"] {
                    ui.label(RichText::new(title).strong());
                }
                ui.end_row();
                for (index, period) in sales.iter().enumerate() {
                    ui.label(&period.reference);
                    ui.label(money(period.invoices));
                    ui.label(money(period.credit_notes));
                    amount_cell(
                        ui,
                        period.net(),
                        || out.push(Command::OpenPeriod(index)),
                        &format!("Net sales {}", period.reference),
                    );
                    ui.end_row();
                }
            });
    });
}

/// The customers most over their credit limit.
fn breaches_section(ui: &mut egui::Ui, state: &State, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Over credit limit").heading());
        if state.breaches.ready().is_some() && ui.button("Export…").clicked() {
            out.push(Command::Export(Table::Breaches, None));
        }
    });
    let Some(breaches) = part(ui, &state.breaches, "Customers over their credit limit") else {
        return;
    };
    if breaches.is_empty() {
        ui.label(RichText::new("No customer is over their credit limit.").weak());
        return;
    }
    egui::Grid::new("breaches_grid")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for title in ["Reference", "Name", "Balance", "Credit limit", "Over by"] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for breach in breaches.iter().take(TOP_ACCOUNTS) {
                ui.label(&breach.reference);
                ui.label(&breach.name);
                ui.label(money(breach.balance));
                ui.label(money(breach.limit));
                ui.label(RichText::new(money(breach.balance - breach.limit)).strong());
                ui.end_row();
            }
        });
    let listed = breaches.len().min(super::figures::BREACHES_LISTED);
    let words = if listed < breaches.len() {
        format!("Show the {listed} most over in Browse")
    } else {
        format!("Show all {listed} in Browse")
    };
    if ui.button(words).clicked() {
        out.push(Command::OpenBreaches);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_finds_the_bar_and_band_under_it() {
        let amounts = vec![vec![10.0, 5.0, -2.0], vec![1.0, 0.0, 3.0]];
        assert_eq!(bar_at(0.1, 12.0, &amounts, 0.7), Some((0, 1)));
        assert_eq!(bar_at(-0.2, 3.0, &amounts, 0.7), Some((0, 0)));
        assert_eq!(bar_at(0.0, -1.0, &amounts, 0.7), Some((0, 2)), "below zero");
        assert_eq!(
            bar_at(1.0, 2.5, &amounts, 0.7),
            Some((1, 2)),
            "empty band skipped"
        );
        assert_eq!(bar_at(0.5, 3.0, &amounts, 0.7), None, "between bars");
        assert_eq!(bar_at(0.0, 16.0, &amounts, 0.7), None, "above the bar");
        assert_eq!(bar_at(5.0, 1.0, &amounts, 0.7), None);
    }

    #[test]
    fn bands_run_from_green_to_red() {
        assert_eq!(band_colour(0, 6), Color32::from_rgb(0x2e, 0x8b, 0x57));
        assert_eq!(band_colour(5, 6), Color32::from_rgb(0xa0, 0x20, 0x30));
    }
}
