//! Browse: a list resource as a server-paged table — loaded when a company is chosen,
//! sorted on the server by clicking a column, narrowed by the quick search, paged with
//! Previous/Next, and reloaded when the company changes.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use sage200_desk::demo_server::DemoConfig;

const WAIT: Duration = Duration::from_secs(15);

fn names(h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>) -> Vec<String> {
    let page = h.state().state().browse.page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let column = table.columns.iter().position(|c| c == "name").unwrap();
    table.rows.iter().map(|r| r[column].clone()).collect()
}

/// Waits until the page asked for (`wanted` holds of its query) has arrived.
fn wait_loaded(
    h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
    wanted: impl Fn(&sage200_desk::app::BrowseQuery) -> bool,
) {
    support::step_until(h, WAIT, "the page", |app| {
        let browse = &app.state().browse;
        wanted(&browse.query) && !browse.loading && browse.page.is_some()
    });
}

#[test]
fn records_are_paged_sorted_and_searched_on_the_server() {
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 250,
            ..DemoConfig::default()
        },
    );
    let mut h = support::sign_in_harness(
        &rt,
        &server.base_url(),
        &support::keyring_scope("browse"),
        WAIT,
    );
    support::sign_in(&rt, &mut h);
    support::pick_company(&mut h, "Stationery & Office Supplies");
    wait_loaded(&mut h, |q| q.resource == "customers");
    assert_eq!(names(&h).len(), 100, "the first page of 100");
    // Money is shown with two places and thousands separators.
    let page = h.state().state().browse.page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let balance = table.columns.iter().position(|c| c == "balance").unwrap();
    let shown = sage200_desk::model::format_money(&table.rows[0][balance]).unwrap();
    assert!(shown.contains('.') && shown.split('.').nth(1).unwrap().len() == 2);
    h.get_by_label(&shown);
    h.get_by_label("Page 1");
    let last = h.state().state().last_request.clone().unwrap();
    assert!(
        last.url.contains("%24top=100") || last.url.contains("$top=100"),
        "{}",
        last.url
    );

    h.get_by_label("name").click();
    wait_loaded(&mut h, |q| q.sort == Some(("name".to_owned(), false)));
    let sorted = names(&h);
    let lower: Vec<String> = sorted.iter().map(|n| n.to_lowercase()).collect();
    assert!(
        lower.windows(2).all(|w| w[0] <= w[1]),
        "sorted by name on the server"
    );
    assert!(
        h.state()
            .state()
            .last_request
            .clone()
            .unwrap()
            .url
            .contains("name%20asc")
    );

    h.get_by_label("Next").click();
    wait_loaded(&mut h, |q| q.page == 1);
    h.get_by_label("Page 2");
    assert!(
        h.state()
            .state()
            .last_request
            .clone()
            .unwrap()
            .url
            .contains("skip=100")
    );

    let wanted = sorted[3].split_whitespace().next().unwrap().to_lowercase();
    h.get_by_label("Quick search").click();
    h.run();
    h.get_by_label("Quick search").type_text(&wanted);
    h.key_press(egui::Key::Enter);
    wait_loaded(&mut h, |q| q.search == wanted);
    let found = names(&h);
    assert!(!found.is_empty());
    let references = {
        let table = h
            .state()
            .state()
            .browse
            .page
            .clone()
            .unwrap()
            .table
            .clone()
            .unwrap();
        let column = table.columns.iter().position(|c| c == "reference").unwrap();
        table
            .rows
            .iter()
            .map(|r| r[column].to_lowercase())
            .collect::<Vec<_>>()
    };
    for (name, reference) in found.iter().zip(&references) {
        assert!(
            name.to_lowercase().contains(&wanted) || reference.contains(&wanted),
            "{name}"
        );
    }
    h.get_by_label("Page 1");

    // Another company: the page is loaded again from it.
    let before = h.state().state().company_generation;
    h.get_by_label("Stationery & Office Supplies · Head office")
        .click();
    h.run();
    h.get_by_label("Northern Builders Merchants").click();
    let _ = h.run_ok();
    assert_eq!(h.state().state().company_generation, before + 1);
    support::step_until(&mut h, WAIT, "the new company's page", |app| {
        let browse = &app.state().browse;
        !browse.loading
            && browse.generation == Some(app.state().company_generation)
            && browse.page.is_some()
    });
    let last = h.state().state().last_request.clone().unwrap();
    assert!(last.headers.iter().any(|(k, _)| k == "content-type"));
}
