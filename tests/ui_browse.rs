//! Browse: a list resource as a server-paged table — loaded when a company is chosen,
//! sorted on the server by clicking a column, narrowed by the quick search, paged with
//! Previous/Next, and reloaded when the company changes.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

use std::time::Duration;

use calamine::Reader as _;
use egui_kittest::kittest::Queryable;

const WAIT: Duration = Duration::from_secs(15);

fn names(h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>) -> Vec<String> {
    let page = h.state().browse().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let column = table.columns.iter().position(|c| c == "name").unwrap();
    (0..table.len())
        .map(|r| table.cell(r, column).into_owned())
        .collect()
}

/// Waits until the page asked for (`wanted` holds of its query) has arrived.
fn wait_loaded(
    h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
    wanted: impl Fn(&sage200_desk::screens::records::BrowseQuery) -> bool,
) {
    support::step_until(h, WAIT, "the page", |app| {
        let browse = &app.browse();
        wanted(&browse.query) && !browse.loading && browse.page.is_some()
    });
}

/// Chooses "All columns" in the column chooser (lists open on their first columns) and
/// waits for the page with every column.
fn every_column(h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>) {
    h.get_by_label_contains("Columns (").click();
    let _ = h.run_ok();
    h.get_by_label("All columns").click();
    wait_loaded(h, |q| q.columns.is_empty());
    h.key_press(egui::Key::Escape);
    let _ = h.run_ok();
}

/// A demo server with `customers`, and the app signed in to it with its first page of
/// customers shown on the Browse screen.
fn signed_in(
    rt: &tokio::runtime::Runtime,
    customers: usize,
    scope: &str,
) -> (
    sage200_desk::demo_server::DemoServer,
    egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
) {
    let (server, mut h) =
        support::signed_in_to_company(rt, customers, scope, "Stationery & Office Supplies", WAIT);
    wait_loaded(&mut h, |q| q.resource == "customers");
    (server, h)
}

/// Exports the Browse records to `path` (injected: the native dialog cannot be clicked
/// here) and waits for the file.
fn export(
    h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
    everything: bool,
    path: &std::path::Path,
    format: sage200_desk::export::ExportFormat,
) {
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Export {
            everything,
            path: Some(path.to_path_buf()),
            format,
        });
    support::step_until(h, WAIT, "the export", |_| path.exists());
}

#[test]
fn records_are_paged_sorted_and_searched_on_the_server() {
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, 250, "browse");
    // The demo server is plain http on this computer, and the status bar says so.
    h.get_by_label("Plain http: this computer only");
    assert_eq!(names(&h).len(), 100, "the first page of 100");
    // Money is shown with two places and thousands separators.
    let page = h.state().browse().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let balance = table.columns.iter().position(|c| c == "balance").unwrap();
    let shown = sage200_desk::model::format_money(&table.cell(0, balance)).unwrap();
    assert!(shown.contains('.') && shown.split('.').nth(1).unwrap().len() == 2);
    h.get_by_label(&shown);
    h.get_by_label("Page 1");
    let last = h.state().shared().last_request.clone().unwrap();
    assert!(
        last.url.contains("%24top=100") || last.url.contains("$top=100"),
        "{}",
        last.url
    );

    h.get_by_label("Name").click();
    wait_loaded(&mut h, |q| q.sort == Some(("name".to_owned(), false)));
    let sorted = names(&h);
    let lower: Vec<String> = sorted.iter().map(|n| n.to_lowercase()).collect();
    assert!(
        lower.windows(2).all(|w| w[0] <= w[1]),
        "sorted by name on the server"
    );
    assert!(
        h.state()
            .shared()
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
            .shared()
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
            .browse()
            .page
            .clone()
            .unwrap()
            .table
            .clone()
            .unwrap();
        let column = table.columns.iter().position(|c| c == "reference").unwrap();
        (0..table.len())
            .map(|r| table.cell(r, column).to_lowercase())
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
    let before = h.state().shared().company_generation;
    h.get_by_label("Stationery & Office Supplies · Head office")
        .click();
    h.run();
    h.get_by_label("Northern Builders Merchants").click();
    let _ = h.run_ok();
    assert_eq!(h.state().shared().company_generation, before + 1);
    support::step_until(&mut h, WAIT, "the new company's page", |app| {
        let browse = &app.browse();
        !browse.loading
            && browse.generation == Some(app.shared().company_generation)
            && browse.page.is_some()
    });
    let last = h.state().shared().last_request.clone().unwrap();
    assert!(last.headers.iter().any(|(k, _)| k == "content-type"));
}

#[test]
fn records_are_filtered_counted_opened_fetched_whole_and_exported() {
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, 1_234, "browse-more");
    support::step_until(&mut h, WAIT, "the count", |app| {
        app.browse().count.is_some()
    });
    let _ = h.run_ok();
    h.get_by_label("1,234 records match");
    every_column(&mut h);

    // Booleans as ticks (named Yes/No), dates in the user's order.
    let page = h.state().browse().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    assert!(h.query_all_by_label("No").count() + h.query_all_by_label("Yes").count() > 0);
    let created = table
        .columns
        .iter()
        .position(|c| c == "date_time_created")
        .unwrap();
    let style = h.state().shared().date_style;
    let shown = sage200_desk::model::format_date(&table.cell(0, created), style).unwrap();
    // Cells scrolled out of sight are not drawn: bring the column into view first.
    h.get_by_label("Created").scroll_to_me();
    let _ = h.run_ok();
    assert!(h.query_all_by_label(&shown).count() >= 1, "{shown}");

    // The column chooser sends $select.
    h.get_by_label("Columns…").click();
    let _ = h.run_ok();
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "on_hold")
        .click();
    let _ = h.run_ok();
    h.key_press(egui::Key::Escape);
    wait_loaded(&mut h, |q| !q.columns.is_empty());
    let page = h.state().browse().page.clone().unwrap();
    let columns = page.table.clone().unwrap().columns;
    assert!(!columns.contains(&"on_hold".to_owned()) && columns.contains(&"name".to_owned()));
    assert!(
        h.state()
            .shared()
            .last_request
            .clone()
            .unwrap()
            .url
            .contains("select=id")
    );

    // The filter builder narrows the records on the server, and the count follows.
    h.get_by_label("Filter…").click();
    let _ = h.run_ok();
    h.get_by_label("Add condition").click();
    let _ = h.run_ok();
    h.get_by_label("Field").click();
    let _ = h.run_ok();
    h.get_by_label("on_hold").click_accesskit();
    let _ = h.run_ok();
    h.get_by_label("Value kind").click();
    let _ = h.run_ok();
    h.get_by_label("true/false").click_accesskit();
    let _ = h.run_ok();
    h.get_by_label("Value").click();
    let _ = h.run_ok();
    h.get_by_label("Value").type_text("true");
    let _ = h.run_ok();
    h.get_by_label("Apply filter").click();
    wait_loaded(&mut h, |q| !q.filter.items.is_empty());
    support::step_until(&mut h, WAIT, "the new count", |app| {
        app.browse().count.is_some_and(|c| c < 1_234)
    });
    let held = h.state().browse().count.unwrap();
    assert!(held > 0);
    let url = h.state().shared().last_request.clone().unwrap().url;
    assert!(url.contains("on_hold%20eq%20true"), "{url}");
    h.get_by_label("Clear filter").click();
    wait_loaded(&mut h, |q| q.filter.items.is_empty());

    // A row opens the detail pane: fields in words, grouped; nested lists as tables.
    let page = h.state().browse().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let reference = table.columns.iter().position(|c| c == "reference").unwrap();
    h.get_by_label("Reference").scroll_to_me();
    let _ = h.run_ok();
    h.get_by_label(&table.cell(2, reference)).click();
    support::step_until(&mut h, WAIT, "the record", |app| {
        app.browse().record.is_some()
    });
    let _ = h.run_ok();
    assert_eq!(h.state().browse().selected, Some(2));
    h.get_by_label("Account");
    assert!(
        h.query_all_by_label("Credit limit").count() >= 2,
        "a column and a field"
    );
    h.get_by_label("Main address");
    h.get_by_label_contains("Contacts (");
    h.get_by_label("Close").click();
    let _ = h.run_ok();
    assert_eq!(h.state().browse().selected, None);

    // Fetch all gathers every record into the table.
    h.get_by_label("Fetch all").click();
    support::step_until(&mut h, WAIT, "every record", |app| app.browse().everything);
    let _ = h.run_ok();
    h.get_by_label("All 1,234 records");
    let all = h.state().browse().page.clone().unwrap();
    assert_eq!(all.table.as_ref().unwrap().len(), 1_234);

    // Export what is shown as CSV; then, back on pages, every record as Excel.
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("customers.csv");
    export(
        &mut h,
        false,
        &csv_path,
        sage200_desk::export::ExportFormat::Csv,
    );
    let text = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(text.lines().count(), 1_235, "a header and every record");
    h.get_by_label("Back to pages").click();
    wait_loaded(&mut h, |q| q.page == 0);
    let xlsx_path = dir.path().join("customers.xlsx");
    export(
        &mut h,
        true,
        &xlsx_path,
        sage200_desk::export::ExportFormat::Xlsx,
    );
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    let sheet = workbook.worksheet_range("Records").unwrap();
    assert_eq!(sheet.rows().count(), 1_235);
    assert!(
        !h.state().browse().everything,
        "the table still shows one page"
    );
    let _ = h.run_ok();
    h.get_by_label_contains("Exported to");
}

#[test]
fn empty_and_failed_pages_say_what_happened() {
    let rt = support::runtime();
    let (server, mut h) = signed_in(&rt, 30, "browse-empty");
    h.get_by_label("Quick search").click();
    let _ = h.run_ok();
    h.get_by_label("Quick search")
        .type_text("no such customer anywhere");
    h.key_press(egui::Key::Enter);
    wait_loaded(&mut h, |q| !q.search.is_empty());
    let _ = h.run_ok();
    h.get_by_label("No customers");
    h.get_by_label("Clear search and filter").click();
    wait_loaded(&mut h, |q| q.search.is_empty());

    server.add_fault(sage200_desk::demo_server::Fault::new(
        sage200_desk::demo_server::FaultKind::Html { status: 502 },
        "customers",
        10,
    ));
    h.get_by_label("Reload").click();
    support::step_until(&mut h, WAIT, "the failure", |app| {
        app.browse().problem.is_some() && !app.browse().loading
    });
    let _ = h.run_ok();
    h.get_by_label("The customers could not be loaded");
    server.clear_faults();
    h.get_by_label("Try again").click();
    wait_loaded(&mut h, |_| true);
    support::step_until(&mut h, WAIT, "the page again", |app| {
        app.browse().problem.is_none() && !app.browse().loading
    });

    // "Fetch all" on a slow server shows its progress and stops on Cancel.
    server.add_fault(sage200_desk::demo_server::Fault::new(
        sage200_desk::demo_server::FaultKind::Latency { millis: 3000 },
        "customers",
        3,
    ));
    let _ = h.run_ok();
    h.get_by_label("Fetch all").click();
    let _ = h.run_ok();
    assert!(h.state().browse().fetching.is_some());
    h.get_by_label_contains("0 records, ");
    h.get_by_label("Cancel").click();
    let _ = h.run_ok();
    let browse = &h.state().browse();
    assert!(browse.fetching.is_none() && !browse.everything, "cancelled");
    assert!(browse.page.is_some(), "the page shown before stays");
}

/// Columns chosen in Browse (per resource), in the Customers list and in a request's
/// answer table are remembered: when a resource is opened again, and after a restart.
#[test]
fn column_choices_are_remembered_per_resource_and_across_restarts() {
    use egui::accesskit::Role;
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, 30, "columns");
    let untick = |h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
                  menu: &str,
                  field: &str| {
        h.get_by_label_contains(menu).click();
        let _ = h.run_ok();
        // The list is long: bring the field into view first.
        h.get_by_role_and_label(Role::CheckBox, field)
            .scroll_to_me();
        let _ = h.run_ok();
        h.get_by_role_and_label(Role::CheckBox, field).click();
        let _ = h.run_ok();
        h.key_press(egui::Key::Escape);
        let _ = h.run_ok();
    };
    let pick_resource = |h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
                         resource: &str| {
        h.get_by_label("Records").click();
        let _ = h.run_ok();
        h.get_by_label(resource).click_accesskit();
        wait_loaded(h, |q| q.resource == resource);
    };
    untick(&mut h, "Columns", "on_hold");
    wait_loaded(&mut h, |q| !q.columns.is_empty());
    pick_resource(&mut h, "suppliers");
    assert_eq!(
        h.state().browse().query.columns,
        sage200_desk::api::Catalogue::default_columns("suppliers"),
        "a new resource opens on its first columns"
    );
    h.get_by_label("Columns (8)…");
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Load(Box::new(
            sage200_desk::screens::records::BrowseQuery {
                resource: "currencies".to_owned(),
                ..Default::default()
            },
        )));
    wait_loaded(&mut h, |q| q.resource == "currencies");
    assert!(
        h.state().browse().query.columns.is_empty(),
        "every column of a list that has no first columns"
    );
    // Back by a command: the picker's list is scrolled to the resource shown.
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Load(Box::default()));
    wait_loaded(&mut h, |q| q.resource == "customers");
    let columns = h.state().browse().query.columns.clone();
    assert!(
        !columns.is_empty() && !columns.contains(&"on_hold".to_owned()),
        "customers opened again with the columns chosen: {columns:?}"
    );
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Load(Box::new(
            sage200_desk::screens::records::BrowseQuery {
                resource: "suppliers".to_owned(),
                ..Default::default()
            },
        )));
    wait_loaded(&mut h, |q| q.resource == "suppliers");

    // The Customers list has its own choice.
    h.get_by_label("Customers").click();
    support::step_until(&mut h, WAIT, "the customers list", |app| {
        app.customer_list().page.is_some() && !app.customer_list().loading
    });
    untick(&mut h, "Columns (", "credit_limit");
    support::step_until(&mut h, WAIT, "the narrower list", |app| {
        !app.customer_list()
            .query
            .columns
            .contains(&"credit_limit".to_owned())
            && !app.customer_list().loading
    });

    // A request's answer table: a hidden column stays hidden.
    h.get_by_label("Request builder").click();
    let _ = h.run_ok();
    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the answer", |app| {
        app.request().tabs[0].answer.is_some()
    });
    h.get_by_label("Table").click();
    let _ = h.run_ok();
    untick(&mut h, "Columns", "name");
    assert_eq!(h.state().request().tabs[0].hidden_columns, ["name"]);

    let mut storage = support::MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let persisted: sage200_desk::app::PersistedState =
        eframe::get_value(&storage, sage200_desk::app::STATE_KEY).unwrap();
    let mut again = support::app_harness(&rt, None, persisted);
    let _ = again.run_ok();
    let app = again.state();
    assert_eq!(
        app.browse().query.resource,
        "suppliers",
        "the resource last shown"
    );
    let remembered = &app.browse().remembered_columns["customers"];
    assert!(
        !remembered.is_empty() && !remembered.contains(&"on_hold".to_owned()),
        "{remembered:?}"
    );
    let customers = &app.customer_list().query.columns;
    assert!(
        customers.contains(&"name".to_owned()) && !customers.contains(&"credit_limit".to_owned()),
        "{customers:?}"
    );
    assert_eq!(app.request().tabs[0].hidden_columns, ["name"]);
}

/// A page load that finds the sign-in gone (the refresh token revoked) signs the app out
/// everywhere at once: the top bar offers "Sign in…", not "Sign out".
#[test]
fn a_load_that_finds_the_sign_in_gone_shows_the_app_signed_out() {
    let rt = support::runtime();
    let (server, mut h) = signed_in(&rt, 12, "gone");
    server.revoke_refresh_tokens();
    server.expire_tokens();
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Load(Box::default()));
    support::step_until(&mut h, WAIT, "signed out", |app| {
        matches!(
            app.shared().auth,
            sage200_desk::app::AuthView::SignedOut { .. }
        )
    });
    let _ = h.run_ok();
    h.get_by_label("Sign in…");
    assert!(
        h.query_by_label("Sign out").is_none(),
        "no Sign out once signed out"
    );
    let sage200_desk::app::AuthView::SignedOut { notice } = h.state().shared().auth.clone() else {
        unreachable!()
    };
    assert!(
        notice.is_some_and(|n| n.contains("no longer accepts this sign-in")),
        "the reason is said"
    );
}

/// The table's cells of column `name`.
fn column(h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>, name: &str) -> Vec<String> {
    let page = h.state().browse().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let at = table.columns.iter().position(|c| c == name).unwrap();
    (0..table.len())
        .map(|r| table.cell(r, at).into_owned())
        .collect()
}

/// Clicks the link labelled `label` and waits for the list `resource` to arrive.
fn follow(
    h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
    label: &str,
    resource: &str,
) {
    // The Related links sit below the record's fields: scrolled into sight first.
    h.get_by_label(label).scroll_to_me();
    let _ = h.run_ok();
    h.get_by_label(label).click();
    wait_loaded(h, |q| q.resource == resource);
    let _ = h.run_ok();
}

fn crumbs(h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>) -> Vec<String> {
    let trail = &h.state().browse().trail;
    trail.places.iter().map(|p| p.title.clone()).collect()
}

#[test]
fn related_records_read_as_names_and_drill_down_goes_back_and_forward() {
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, 40, "drill");
    let mut query = h.state().browse().query.clone();
    query.columns = [
        "reference",
        "name",
        "currency_id",
        "country_code_id",
        "balance",
    ]
    .map(String::from)
    .to_vec();
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Load(Box::new(
            query,
        )));
    wait_loaded(&mut h, |q| q.columns.len() == 5);
    // Ids of related records read as their code and name, looked up once.
    support::step_until(&mut h, WAIT, "the currency's name", |app| {
        app.shared().links.label("currencies", 1).is_some()
    });
    let _ = h.run_ok();
    let pounds = h
        .query_all_by_label_contains("£ — Pound Sterling, currency_id 1")
        .count();
    assert!(
        pounds > 10,
        "{pounds} customers show their currency by name"
    );
    assert!(h.state().shared().links.pending.is_empty());

    // A customer's detail pane leads to its transactions.
    let reference = column(&h, "reference")[0].clone();
    let customer_id: i64 = column(&h, "id")[0].parse().unwrap();
    h.get_by_label(&reference).click();
    support::step_until(&mut h, WAIT, "the customer", |app| {
        app.browse().record.is_some()
    });
    let _ = h.run_ok();
    let transactions = format!("customers/{customer_id}/sales_posted_transactions");
    follow(&mut h, "A customer's transactions", &transactions);
    assert!(!column(&h, "reference").is_empty());
    assert!(
        column(&h, "customer_id")
            .iter()
            .all(|c| *c == customer_id.to_string()),
        "only this customer's transactions"
    );
    assert_eq!(crumbs(&h).len(), 2);
    assert_eq!(crumbs(&h)[0], "Customers");
    assert!(crumbs(&h)[1].contains(&reference), "{:?}", crumbs(&h));

    // A transaction leads to its nominal postings, which balance.
    let urn: i64 = column(&h, "urn")[0].parse().unwrap();
    let document = column(&h, "reference")[0].clone();
    h.get_by_label(&document).click();
    support::step_until(&mut h, WAIT, "the transaction", |app| {
        app.browse().record.is_some()
    });
    let _ = h.run_ok();
    follow(
        &mut h,
        "Nominal ledger postings (debits and credits)",
        "nominal_transaction_enquiry_views",
    );
    let filter = h.state().browse().query.filter.clone();
    assert_eq!(
        filter.to_odata().unwrap().as_deref(),
        Some(format!("urn eq {urn}").as_str())
    );
    let money =
        |cells: Vec<String>| -> f64 { cells.iter().map(|c| c.parse::<f64>().unwrap()).sum() };
    let (debit, credit) = (money(column(&h, "debit")), money(column(&h, "credit")));
    assert!(
        debit > 0.0 && (debit - credit).abs() < 0.005,
        "{debit} against {credit}"
    );

    // The posting's nominal code reads as its reference and name; clicking it opens it.
    support::step_until(&mut h, WAIT, "the nominal code's name", |app| {
        app.shared().links.label("nominal_codes", 1).is_some()
    });
    let _ = h.run_ok();
    // The link itself (its cell, for screen readers, says the column's title too).
    h.get(
        egui_kittest::kittest::By::new()
            .label_contains("1100 — Debtors control")
            .role(egui::accesskit::Role::Link),
    )
    .click();
    wait_loaded(&mut h, |q| q.resource == "nominal_codes");
    support::step_until(&mut h, WAIT, "the nominal code", |app| {
        app.browse().record.is_some()
    });
    let _ = h.run_ok();
    assert_eq!(
        h.state().browse().record.as_ref().unwrap()["reference"],
        "1100"
    );
    assert_eq!(crumbs(&h).len(), 4);
    assert_eq!(crumbs(&h)[3], "1100 — Debtors control");

    // Back (button), Back (Alt+←), Forward (the mouse's forward button), a breadcrumb.
    h.get_by_label("◀ Back").click();
    wait_loaded(&mut h, |q| {
        q.resource == "nominal_transaction_enquiry_views"
    });
    let _ = h.run_ok();
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    wait_loaded(&mut h, |q| q.resource == transactions);
    assert_eq!(h.state().browse().trail.at, 1);
    let _ = h.run_ok();
    let pos = h.get_by_label("Forward ▶").rect().center();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Extra2,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    wait_loaded(&mut h, |q| {
        q.resource == "nominal_transaction_enquiry_views"
    });
    assert_eq!(h.state().browse().trail.at, 2);
    let _ = h.run_ok();
    h.get_by_label("Customers, place 1 of 4").click();
    wait_loaded(&mut h, |q| {
        q.resource == "customers" && q.filter.items.is_empty()
    });
    assert_eq!(h.state().browse().trail.at, 0);
    assert_eq!(crumbs(&h).len(), 4, "going back keeps the places ahead");

    // A link followed on the Customers screen opens the record on the Browse screen.
    h.get_by_label("Customers").click();
    support::step_until(&mut h, WAIT, "the customer list", |app| {
        let list = app.customer_list();
        // The totals row too: it moves the rows down when it comes.
        !list.loading && list.page.is_some() && list.totals.is_some()
    });
    let _ = h.run_ok();
    let page = h.state().customer_list().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let at = table.columns.iter().position(|c| c == "reference").unwrap();
    h.get_by_label(&table.cell(0, at)).click();
    support::step_until(&mut h, WAIT, "the customer", |app| {
        app.customer_list().record.is_some()
    });
    let _ = h.run_ok();
    let link = h.get_by_label("GB — United Kingdom, country_code_id 1");
    link.scroll_to_me();
    let _ = h.run_ok();
    h.get_by_label("GB — United Kingdom, country_code_id 1")
        .click();
    wait_loaded(&mut h, |q| q.resource == "country_codes");
    support::step_until(&mut h, WAIT, "the country", |app| {
        app.browse().selected == Some(0)
    });
    let _ = h.run_ok();
    assert_eq!(
        h.state().shared().screen,
        sage200_desk::screens::shared::Screen::Browse
    );
    assert_eq!(column(&h, "code"), ["GB"]);
    // Opened in the detail pane (from the row: the built-in catalogue has no
    // `country_codes/{id}` to fetch it from).
    assert_eq!(
        h.query_all_by_label("United Kingdom").count(),
        3,
        "the row, and the detail pane's title and Name field"
    );
    assert_eq!(crumbs(&h).last().unwrap(), "GB — United Kingdom");
    // The trail starts at the customer the link was followed from: Back leads there.
    let customer = table.cell(0, at).into_owned();
    assert_eq!(crumbs(&h).len(), 2, "{:?}", crumbs(&h));
    assert!(crumbs(&h)[0].starts_with(&customer), "{:?}", crumbs(&h));
    h.get_by_label("◀ Back").click();
    wait_loaded(&mut h, |q| q.resource == "customers");
    support::step_until(&mut h, WAIT, "the customer again", |app| {
        app.browse()
            .record
            .as_ref()
            .is_some_and(|r| r["reference"] == customer.as_str())
    });

    // Picking another list by hand starts afresh: no trail.
    let mut query = h.state().browse().query.clone();
    query.resource = "products".to_owned();
    query.filter = sage200_desk::model::FilterGroup::default();
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Load(Box::new(
            query,
        )));
    wait_loaded(&mut h, |q| q.resource == "products");
    assert!(crumbs(&h).is_empty());
    assert!(h.query_by_label("◀ Back").is_none());
}

/// Decimal text as pence, exactly (`-12.5` → -1250).
fn to_pence(text: &str) -> i128 {
    let (negative, digits) = text.strip_prefix('-').map_or((false, text), |d| (true, d));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let fraction = format!("{fraction:0<2}");
    let value: i128 = format!("{whole}{}", &fraction[..2]).parse().unwrap();
    if negative { -value } else { value }
}

#[test]
fn money_columns_are_totalled_exactly_over_the_rows_loaded() {
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, 120, "totals");
    support::step_until(&mut h, WAIT, "the totals", |app| {
        app.browse().totals.is_some()
    });
    let _ = h.run_ok();
    let shown = |h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>| {
        let pence: i128 = column(h, "balance").iter().map(|c| to_pence(c)).sum();
        let sign = if pence < 0 { "-" } else { "" };
        let exact = format!("{sign}{}.{:02}", pence.abs() / 100, pence.abs() % 100);
        sage200_desk::model::format_money(&exact).unwrap()
    };
    assert_eq!(column(&h, "balance").len(), 100);
    h.get_by_label(&format!("Total Balance: {}", shown(&h)));
    h.get_by_label("Totals of the 100 rows shown:");
    // Rates and ids are not added up.
    assert!(h.query_by_label_contains("Total Exchange").is_none());
    assert!(h.query_by_label_contains("Total Currency ID").is_none());

    // After Fetch all, over every matching record.
    h.get_by_label("Fetch all").click();
    support::step_until(&mut h, WAIT, "every record and its totals", |app| {
        let browse = app.browse();
        browse.everything && browse.totals.as_ref().is_some_and(|t| t.everything)
    });
    let _ = h.run_ok();
    assert_eq!(column(&h, "balance").len(), 120);
    h.get_by_label("Totals of all 120 matching records:");
    h.get_by_label(&format!("Total Balance: {}", shown(&h)));

    // Every record is here: a column title sorts them here, with no new fetch.
    let asked = h.state().shared().last_request.clone().unwrap().url;
    h.get_by_role_and_label(egui::accesskit::Role::ColumnHeader, "Balance")
        .click();
    support::step_until(&mut h, WAIT, "the rows sorted here", |app| {
        app.browse().shown.is_some() && !app.browse().arranging
    });
    let browse = h.state().browse();
    assert!(browse.everything, "still every record");
    assert_eq!(h.state().shared().last_request.clone().unwrap().url, asked);
    let balances = column(&h, "balance");
    let order: Vec<i128> = (0..120)
        .map(|i| to_pence(&balances[h.state().browse().record_at(i).unwrap()]))
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    h.get_by_role_and_label(egui::accesskit::Role::ColumnHeader, "Balance (asc)")
        .click();
    support::step_until(&mut h, WAIT, "the rows sorted the other way", |app| {
        app.browse().query.sort == Some(("balance".to_owned(), true)) && !app.browse().arranging
    });
    let first = to_pence(&balances[h.state().browse().record_at(0).unwrap()]);
    assert_eq!(first, *order.last().unwrap());
}

/// Sends the platform's copy (what Ctrl+C becomes) and returns the text put on the
/// clipboard, waiting for the copy made on the blocking pool.
fn copy(h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>) -> String {
    h.event(egui::Event::Copy);
    let start = std::time::Instant::now();
    loop {
        h.step();
        if let Some(text) = support::copied_text(h) {
            return text;
        }
        assert!(start.elapsed() < WAIT, "nothing was copied");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_grid_selects_like_a_spreadsheet_copies_into_calc_and_groups_with_subtotals() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::By;
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, 30, "grid");
    every_column(&mut h);
    let page = h.state().browse().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let at = |name: &str| table.columns.iter().position(|c| c == name).unwrap();
    let (reference, name) = (at("reference"), at("name"));
    assert_eq!(name, reference + 1, "the demo lists reference, then name");

    // The grid is a table to screen readers: headers, rows, and cells named with their
    // column's title.
    h.get_by_role_and_label(Role::Table, "customers");
    h.get_by_role_and_label(Role::ColumnHeader, "Balance");
    let balance = sage200_desk::model::format_money(&table.cell(0, at("balance"))).unwrap();
    h.get_by_role_and_label(Role::Cell, &format!("Balance, {balance}"));
    assert!(h.query_all_by_role(Role::Row).count() > 10);

    // A click picks a cell and opens its row; Shift+arrows stretch the selection, and an
    // open detail pane follows the cursor.
    h.get_by_label(&table.cell(0, reference)).click();
    let _ = h.run_ok();
    assert_eq!(h.state().browse().selected, Some(0));
    for key in [
        egui::Key::ArrowDown,
        egui::Key::ArrowDown,
        egui::Key::ArrowRight,
    ] {
        h.key_press_modifiers(egui::Modifiers::SHIFT, key);
        let _ = h.run_ok();
    }
    let cells = h.state().browse().cells.unwrap();
    assert_eq!(
        (cells.rows(), cells.columns()),
        (0..=2, reference..=name),
        "{cells:?}"
    );
    support::step_until(&mut h, WAIT, "the detail pane on row 3", |app| {
        app.browse().selected == Some(2)
    });
    // Alt+arrows are Back and Forward, never a move of the cursor.
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    let _ = h.run_ok();
    assert_eq!(h.state().browse().cells, Some(cells));
    let text = copy(&mut h);
    let expected = (0..3)
        .map(|r| format!("{}\t{}\n", table.cell(r, reference), table.cell(r, name)))
        .collect::<Vec<_>>()
        .concat();
    assert_eq!(text, expected);
    h.get_by_label("Copied 6 cells");

    // Page Down and Ctrl+End move the cursor; Enter opens its row.
    h.key_press(egui::Key::PageDown);
    let _ = h.run_ok();
    let cursor = h.state().browse().cells.unwrap().cursor;
    assert!(cursor.0 > 2 && cursor.1 == name, "{cursor:?}");
    h.key_press(egui::Key::Escape);
    let _ = h.run_ok();
    assert_eq!(
        h.state().browse().selected,
        None,
        "Escape closes the detail"
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::End);
    h.key_press(egui::Key::Enter);
    support::step_until(&mut h, WAIT, "the last row opened", |app| {
        app.browse().selected == Some(29)
    });

    // Ctrl+A then copy: the whole table, with the column names, which Calc reads as
    // cells of the right types.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    let _ = h.run_ok();
    let whole = copy(&mut h);
    assert_eq!(whole.lines().count(), 31, "the names and 30 rows");
    let dir = tempfile::tempdir().unwrap();
    let pasted = dir.path().join("pasted.tsv");
    std::fs::write(&pasted, &whole).unwrap();
    let out = dir.path().join("calc");
    std::fs::create_dir_all(&out).unwrap();
    // Calc's own import of tab-separated text (tab, quote ", UTF-8, from line 1): what a
    // paste of this text into Calc goes through.
    if let Some((sheet, formulas)) = support::through_calc(&pasted, &out, Some("CSV:9,34,76,1")) {
        use calamine::Data;
        assert_eq!(formulas, 0);
        assert_eq!(sheet.len(), 31);
        assert_eq!(sheet[0][name], Data::String("name".into()));
        for row in 0..30 {
            assert_eq!(
                sheet[row + 1][name],
                Data::String(table.cell(row, name).into_owned())
            );
            let amount: f64 = table.cell(row, at("balance")).parse().unwrap();
            assert_eq!(sheet[row + 1][at("balance")], Data::Float(amount));
            assert!(
                matches!(sheet[row + 1][at("on_hold")], Data::Bool(_)),
                "{:?}",
                sheet[row + 1][at("on_hold")]
            );
            assert!(
                matches!(sheet[row + 1][at("date_time_created")], Data::DateTime(_)),
                "{:?}",
                sheet[row + 1][at("date_time_created")]
            );
        }
    }

    // Group by a column: a header row per value with the group's subtotal.
    h.get_by_label("Group by").click();
    let _ = h.run_ok();
    h.get(By::new().label("On hold").role(Role::Button)).click();
    support::step_until(&mut h, WAIT, "the groups", |app| {
        app.browse().shown.is_some() && !app.browse().arranging
    });
    let shown = h.state().browse().shown.clone().unwrap();
    assert_eq!(shown.groups.len(), 2, "{:?}", shown.groups);
    // The grid takes the keyboard back with a click on a cell.
    let cells: Vec<_> = h.query_all_by_role(Role::Cell).collect();
    cells[cells.len() / 2].click();
    let _ = h.run_ok();
    for (n, group) in shown.groups.iter().enumerate() {
        // Bring the group's header into sight: the first at the top, the last at the end.
        let key = if n == 0 {
            egui::Key::Home
        } else {
            egui::Key::End
        };
        h.key_press_modifiers(egui::Modifiers::COMMAND, key);
        let _ = h.run_ok();
        // …and the Balance column, by the keyboard (the grid scrolls sideways to it).
        h.key_press(egui::Key::Home);
        for _ in 0..at("balance") {
            h.key_press(egui::Key::ArrowRight);
            let _ = h.run_ok();
        }
        let pence: i128 = (0..table.len())
            .filter(|r| table.cell(*r, at("on_hold")) == group.value)
            .map(|r| to_pence(&table.cell(r, at("balance"))))
            .sum();
        let subtotal = group
            .subtotals
            .iter()
            .find(|t| t.column == at("balance"))
            .unwrap();
        assert_eq!(to_pence(&subtotal.sum), pence);
        let word = if group.value == "true" { "Yes" } else { "No" };
        h.get_by_label(&format!("On hold: {word} · {} rows", group.count));
        let amount = sage200_desk::model::format_money(&subtotal.sum).unwrap();
        h.get_by_role_and_label(Role::Cell, &format!("Balance, subtotal {amount}"));
    }
}

#[test]
fn saved_views_bring_back_columns_search_sort_and_groups_across_restarts() {
    use egui::accesskit::Role;
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, 40, "views");
    h.get_by_label("Quick search").click();
    let _ = h.run_ok();
    h.get_by_label("Quick search").type_text("Ltd");
    h.key_press(egui::Key::Enter);
    wait_loaded(&mut h, |q| q.search == "Ltd");
    h.get_by_role_and_label(Role::ColumnHeader, "Balance")
        .click();
    wait_loaded(&mut h, |q| q.sort == Some(("balance".to_owned(), false)));
    h.get_by_label("Group by").click();
    let _ = h.run_ok();
    h.get(
        egui_kittest::kittest::By::new()
            .label("On hold")
            .role(Role::Button),
    )
    .click();
    support::step_until(&mut h, WAIT, "the groups", |app| {
        app.browse().shown.is_some()
    });

    // Saved under a name, from the Views menu.
    h.get_by_label("Views…").click();
    let _ = h.run_ok();
    h.get_by_label("No saved views of this list yet.");
    let field = || {
        egui_kittest::kittest::By::new()
            .label("Save this view as")
            .role(Role::TextInput)
    };
    h.get(field()).click();
    let _ = h.run_ok();
    h.get(field()).type_text("Ltd by balance");
    let _ = h.run_ok();
    h.get_by_label("Save").click();
    let _ = h.run_ok();
    h.get_by_label("Saved the view “Ltd by balance”");
    let views = h.state().shared().views.clone();
    assert_eq!(views.len(), 1);
    let view = &views[0];
    assert_eq!(
        (view.resource.as_str(), view.search.as_str()),
        ("customers", "Ltd")
    );
    assert_eq!(view.sort, Some(("balance".to_owned(), false)));
    assert_eq!(view.group_by.as_deref(), Some("on_hold"));
    assert_eq!(
        view.columns,
        sage200_desk::api::Catalogue::default_columns("customers")
    );

    // Another list shown, then the view opened again: all of it comes back.
    h.key_press(egui::Key::Escape);
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::GroupBy(None));
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Load(Box::default()));
    wait_loaded(&mut h, |q| q.search.is_empty() && q.sort.is_none());
    assert!(h.state().browse().shown.is_none());
    h.get_by_label("Views (1)…").click();
    let _ = h.run_ok();
    h.get_by_label("Ltd by balance").click();
    wait_loaded(&mut h, |q| q.search == "Ltd" && q.sort.is_some());
    support::step_until(&mut h, WAIT, "the view's groups", |app| {
        app.browse()
            .shown
            .as_ref()
            .is_some_and(|s| s.column.is_some())
    });
    // The quick search box shows the view's search too.
    {
        use egui_kittest::kittest::NodeT;
        let field = h.get(
            egui_kittest::kittest::By::new()
                .label("Quick search")
                .role(Role::TextInput),
        );
        assert_eq!(field.accesskit_node().value().as_deref(), Some("Ltd"));
    }
    let names = names(&h);
    assert!(
        !names.is_empty() && names.iter().all(|n| n.contains("Ltd")),
        "{names:?}"
    );

    // Kept across a restart.
    let mut storage = support::MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let persisted: sage200_desk::app::PersistedState =
        eframe::get_value(&storage, sage200_desk::app::STATE_KEY).unwrap();
    assert_eq!(persisted.saved_views, views);
    let again = support::app_harness(&rt, None, persisted);
    assert_eq!(again.state().shared().views, views);

    // Deleted only after a second click.
    h.get_by_label("Views (1)…").click();
    let _ = h.run_ok();
    h.get_by_label("Delete…").click();
    let _ = h.run_ok();
    assert_eq!(h.state().shared().views.len(), 1, "not yet");
    h.get_by_label("Really delete").click();
    let _ = h.run_ok();
    assert!(h.state().shared().views.is_empty());
    h.get_by_label("Deleted the view “Ltd by balance”");
}

/// Every record of `path` straight from the demo server (not through the app), for
/// checking the app's figures against.
fn from_server(
    rt: &tokio::runtime::Runtime,
    server: &sage200_desk::demo_server::DemoServer,
    path: &str,
    key: &str,
) -> Vec<serde_json::Value> {
    let url = format!("{}{path}", server.professional_api_url());
    let token = server.mint_access_token();
    rt.block_on(async {
        let mut all = Vec::new();
        loop {
            let skip = all.len().to_string();
            let answer = reqwest::Client::new()
                .get(&url)
                .query(&[("$top", "5000"), ("$skip", &skip), ("$orderby", key)])
                .header("Authorization", format!("Bearer {token}"))
                .header("X-Site", "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
                .header("X-Company", "101")
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 200, "{url}");
            let page = answer.json::<Vec<serde_json::Value>>().await.unwrap();
            let done = page.len() < 5000;
            all.extend(page);
            if done {
                return all;
            }
        }
    })
}

fn pence_of(value: &serde_json::Value) -> i128 {
    to_pence(&value.to_string())
}

/// A transaction view's outstanding amount in the base currency, signed: invoices owe,
/// credit notes and receipts are owed.
fn signed_outstanding(view: &serde_json::Value) -> i128 {
    let amount = pence_of(&view["base_outstanding_value"]);
    if view["transaction_type"]
        .as_str()
        .unwrap()
        .contains("Invoice")
    {
        amount
    } else {
        -amount
    }
}

#[test]
fn reports_draw_the_ledgers_figures_and_open_the_records_behind_them() {
    use sage200_desk::screens::reports::{Command, Ledger, Part, Table};
    let rt = support::runtime();
    let (server, mut h) = signed_in(&rt, 60, "reports");
    h.get_by_label("Reports").click();
    support::step_until(&mut h, WAIT, "every report", support::reports_ready);
    let _ = h.run_ok();
    let reports = h.state().reports().clone();
    assert_eq!(
        reports.as_at,
        Some(sage200_desk::demo_server::LEDGER_DATE),
        "the demo's books are aged at their own date"
    );

    // The headline figures, against the server's own records.
    let customers = from_server(&rt, &server, "customers", "id");
    let views = from_server(
        &rt,
        &server,
        "sales_transaction_views",
        "posted_customer_transaction_id",
    );
    // In the base currency: what the customers' transactions leave outstanding (credit
    // notes and receipts count against it).
    let owed: i128 = views.iter().map(signed_outstanding).sum();
    let debtors = reports.debtors.ready().unwrap();
    assert_eq!(
        debtors.total(),
        owed,
        "aged debtors add up to what is outstanding"
    );
    let over = customers
        .iter()
        .filter(|c| {
            let limit = pence_of(&c["credit_limit"]);
            limit > 0 && pence_of(&c["balance"]) > limit
        })
        .count();
    assert_eq!(reports.breaches.ready().unwrap().len(), over);
    let overdue: Vec<&serde_json::Value> = views
        .iter()
        .filter(|v| {
            v["due_date"].as_str().unwrap()[..10] < *"2026-11-30"
                && pence_of(&v["base_outstanding_value"]) != 0
                && v["transaction_type"].as_str().unwrap().contains("Invoice")
        })
        .collect();
    let Part::Ready(found) = &reports.overdue else {
        panic!()
    };
    assert_eq!(found.count, overdue.len());
    assert_eq!(
        found.amount,
        overdue
            .iter()
            .map(|v| pence_of(&v["base_outstanding_value"]))
            .sum::<i128>()
    );
    let money =
        |p: i128| sage200_desk::model::format_money(&sage200_desk::document::pounds(p)).unwrap();
    // The headline and the table's total both say it.
    assert_eq!(h.query_all_by_label(&money(owed)).count(), 2);
    h.get_by_label("Owed by customers");

    // A number in the table beside the chart opens exactly its transactions.
    let band = debtors
        .bands
        .iter()
        .position(|b| b.name == "31 - 60 days")
        .unwrap();
    let amount = debtors.totals[band];
    assert_ne!(amount, 0, "the demo has debts of that age");
    h.get_by_label(&format!("All, 31 - 60 days: {}", money(amount)))
        .click();
    wait_loaded(&mut h, |q| {
        q.resource == "sales_transaction_views" && !q.filter.items.is_empty()
    });
    // The list opens on the columns it always does: a figure does not change them.
    assert_eq!(
        h.state().browse().query.columns,
        sage200_desk::api::Catalogue::default_columns("sales_transaction_views")
    );
    h.get_by_label("Fetch all").click();
    support::step_until(&mut h, WAIT, "every transaction of the band", |app| {
        app.browse().everything
    });
    let page = h.state().browse().page.clone().unwrap();
    let behind: i128 = (0..page.record_count())
        .map(|r| signed_outstanding(&page.record(r).unwrap()))
        .sum();
    assert_eq!(behind, amount, "the records behind the figure add up to it");

    // A period's sales open its period values.
    h.get_by_label("Reports").click();
    let _ = h.run_ok();
    let sales = reports.sales.ready().unwrap().clone();
    let period = sales.iter().position(|p| p.net() != 0).unwrap();
    h.state_mut().handle(Command::OpenPeriod(period));
    wait_loaded(&mut h, |q| q.resource == "customer_period_value_views");
    h.get_by_label("Fetch all").click();
    support::step_until(&mut h, WAIT, "the period's values", |app| {
        app.browse().everything
    });
    let page = h.state().browse().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let at = |name: &str| table.columns.iter().position(|c| c == name);
    assert!(at("customer_reference").is_some() || at("customer_id").is_some());
    let rows: Vec<serde_json::Value> = (0..table.len()).map(|r| page.record(r).unwrap()).collect();
    let net: i128 = rows
        .iter()
        .map(|r| {
            pence_of(&r["period_value_total_invoice_value_to_date_in_base"])
                - pence_of(&r["period_value_total_cred_note_value_to_date_in_base"])
        })
        .sum();
    assert_eq!(net, sales[period].net());

    // The numbers export as a workbook.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aged.xlsx");
    h.state_mut().handle(Command::Export(
        Table::Aged(Ledger::Sales),
        Some(file.clone()),
    ));
    support::step_until(&mut h, WAIT, "the workbook", |_| file.exists());
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    let last = sheet.rows().next_back().unwrap().to_vec();
    assert_eq!(last[0], calamine::Data::String("Total".into()));
    let total = calamine::DataType::as_f64(last.last().unwrap()).unwrap();
    assert_eq!(format!("{total:.2}"), sage200_desk::document::pounds(owed));
}

#[test]
fn groups_belong_to_their_page_and_their_list() {
    use sage200_desk::screens::records::{BrowseQuery, Command};
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, 150, "groups");
    // Grouped, then the next (shorter) page: every frame, an arrangement shown is of the
    // page shown.
    h.state_mut()
        .handle(Command::GroupBy(Some("on_hold".to_owned())));
    support::step_until(&mut h, WAIT, "the first page's groups", |app| {
        app.browse().shown.is_some() && !app.browse().arranging
    });
    let next = BrowseQuery {
        page: 1,
        ..h.state().browse().query.clone()
    };
    h.state_mut().handle(Command::Load(Box::new(next)));
    let started = std::time::Instant::now();
    loop {
        h.step();
        let browse = h.state().browse();
        let rows = browse
            .page
            .as_ref()
            .and_then(|p| p.table.as_ref())
            .map_or(0, sage200_desk::document::TableModel::len);
        if let Some(shown) = &browse.shown {
            let mut records: Vec<usize> = (0..shown.rows.len())
                .filter_map(|i| shown.record(i))
                .collect();
            records.sort_unstable();
            assert_eq!(
                records,
                (0..rows).collect::<Vec<_>>(),
                "the rows shown are the page's own"
            );
        }
        if browse.query.page == 1 && !browse.loading && !browse.arranging && browse.shown.is_some()
        {
            assert_eq!(rows, 50);
            break;
        }
        assert!(started.elapsed() < WAIT, "the second page's groups");
        std::thread::sleep(Duration::from_millis(5));
    }
    // Another list starts without groups.
    h.state_mut().handle(Command::Load(Box::new(BrowseQuery {
        resource: "suppliers".to_owned(),
        ..BrowseQuery::default()
    })));
    wait_loaded(&mut h, |q| q.resource == "suppliers");
    assert_eq!(h.state().browse().group_by, None);
    assert!(h.state().browse().shown.is_none());
}
