//! The request builder against the demo server: compose a filtered, selected, ordered
//! request, send it, read the answer as a table, tree and raw text; bad filters and bodies
//! are refused with a message before sending; tabs survive a restart.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

use std::time::Duration;

use calamine::Reader as _;
use egui_kittest::kittest::Queryable;
use sage200_desk::app::PersistedState;
use sage200_desk::model::{HttpMethod, KeyValue, RequestDraft};

const WAIT: Duration = Duration::from_secs(15);

fn active_draft(h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>) -> RequestDraft {
    let state = h.state().request();
    state
        .tabs
        .iter()
        .find(|t| t.id == state.active_tab)
        .unwrap()
        .draft
        .clone()
}

fn type_into(
    h: &mut egui_kittest::Harness<'_, sage200_desk::app::SageApp>,
    label: &str,
    text: &str,
) {
    h.get_by_label(label).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run();
    if !text.is_empty() {
        h.get_by_label(label).type_text(text);
        h.run();
    }
}

/// A demo server with `customers`, and the app signed in to it with `company` chosen and
/// the request builder open.
fn open_builder(
    rt: &tokio::runtime::Runtime,
    customers: usize,
    scope: &str,
    company: &str,
) -> (
    sage200_desk::demo_server::DemoServer,
    egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
) {
    let (server, mut h) = support::signed_in_to_company(rt, customers, scope, company, WAIT);
    h.get_by_label("Request builder").click();
    h.run();
    (server, h)
}

#[test]
fn a_filtered_selected_ordered_request_is_sent_and_read() {
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 300, "builder", "Stationery & Office Supplies");

    type_into(&mut h, "$select", "id,reference,name,balance");
    type_into(&mut h, "$filter", "startswith(name,'B') and balance gt 0");
    type_into(&mut h, "$orderby", "name desc");
    type_into(&mut h, "$top", "20");
    let draft = active_draft(&h);
    assert_eq!(draft.query.order_by, [("name".to_owned(), true)]);
    assert_eq!(draft.query.top, Some(20));
    h.get_by_label_contains("customers?$select=id,reference,name,balance&$filter=startswith(name,%27B%27)%20and%20balance%20gt%200");

    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the answer", |app| {
        app.request().tabs.iter().any(|t| t.answer.is_some())
    });
    h.get_by_label("200 OK");
    let answer = h.state().request().tabs[0].answer.clone().unwrap();
    let table = answer.table.clone().unwrap();
    assert_eq!(table.columns, ["id", "reference", "name", "balance"]);
    assert!(!table.is_empty() && table.len() <= 20);
    let names: Vec<String> = (0..table.len())
        .map(|r| table.cell(r, 2).to_lowercase())
        .collect();
    assert!(names.iter().all(|n| n.starts_with('b')));
    assert!(
        names.windows(2).all(|w| w[0] >= w[1]),
        "ordered by name, descending"
    );
    h.get_by_label_contains(&format!("{} rows × 4 columns", table.len()));
    h.get_by_label("reference");

    // Sorting by a column happens off the UI thread; clicking again reverses it.
    let balances = |h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>| -> Vec<f64> {
        let tab = &h.state().request().tabs[0];
        let table = tab.answer.as_ref().unwrap().table.as_ref().unwrap();
        tab.sort
            .as_ref()
            .unwrap()
            .order
            .iter()
            .map(|&r| table.cell(r, 3).parse().unwrap())
            .collect()
    };
    h.get_by_label("balance").click();
    support::step_until(&mut h, WAIT, "the sort", |app| {
        app.request().tabs[0].sort.is_some()
    });
    assert!(balances(&h).windows(2).all(|w| w[0] <= w[1]));
    h.get_by_label("balance (asc)").click();
    support::step_until(&mut h, WAIT, "the reverse sort", |app| {
        app.request().tabs[0]
            .sort
            .as_ref()
            .is_some_and(|s| s.descending)
    });
    assert!(balances(&h).windows(2).all(|w| w[0] >= w[1]));
    h.get_by_label("balance (desc)");

    // The column chooser hides a column.
    h.get_by_label("Columns…").click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "reference")
        .click();
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.query_by_label("reference").is_none(), "hidden");

    h.get_by_label("Tree").click();
    h.run();
    h.get_by_label_contains("answer  [");
    h.get_by_label("Raw").click();
    h.run();
    assert!(h.query_all_by_label_contains("\"reference\":").count() > 1);
    h.get_by_label_contains("Response headers (").click();
    h.run();
    h.get_by_label("content-type");
}

#[test]
fn bad_filters_paths_and_bodies_are_refused_before_sending() {
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 20, "refuse", "Stationery & Office Supplies");

    type_into(&mut h, "$filter", "reference in ('A','B')");
    h.get_by_label_contains("'in' (position 11) is not supported");
    h.get_by_label("Send").click();
    h.run();
    assert!(h.state().request().tabs[0].problem.is_some(), "not sent");
    assert!(h.state().request().tabs[0].answer.is_none());
    type_into(&mut h, "$filter", "");

    type_into(&mut h, "Path", "customers/{id}");
    h.get_by_label("Replace {id} in the path with a value.");

    let id = h.state().request().active_tab;
    let mut draft = active_draft(&h);
    draft.method = HttpMethod::Post;
    draft.path = "customers".into();
    draft.body = "{\n  \"name\": \"Broken\",\n  \"reference\"\n}".into();
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft),
        ));
    h.run();
    h.get_by_label_contains("Not valid JSON at line 4, column 1");
    h.get_by_label("Send").click();
    h.run();
    let problem = h.state().request().tabs[0].problem.clone().unwrap();
    assert!(
        problem.message.contains("line 4, column 1"),
        "{}",
        problem.message
    );

    // A 400 from the server is an answer to read, not an error.
    let mut draft = active_draft(&h);
    draft.body = r#"{"name": "No Reference Ltd"}"#.into();
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft),
        ));
    h.run();
    h.get_by_label("Valid JSON");
    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the answer", |app| {
        app.request().tabs[0].answer.is_some()
    });
    h.get_by_label("400 Bad Request");
    h.get_by_label_contains("'reference' is required");
}

#[test]
fn tabs_and_drafts_survive_a_restart() {
    let rt = support::runtime();
    let mut h = support::app_harness(&rt, None, support::returning_user());
    h.get_by_label("Request builder").click();
    h.run();
    h.get_by_label("New request").click();
    h.run();
    type_into(&mut h, "Path", "suppliers");
    assert_eq!(h.state().request().tabs.len(), 2);
    let mut storage = support::MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let persisted: PersistedState =
        eframe::get_value(&storage, sage200_desk::app::STATE_KEY).unwrap();
    assert_eq!(persisted.request_tabs.len(), 2);
    assert_eq!(persisted.active_tab, 1);
    let mut again = support::app_harness(&rt, None, persisted);
    again.run();
    assert_eq!(active_draft(&again).path, "suppliers");
    again.get_by_label("GET suppliers");
    // A draft changed from outside the form (here a command) is shown, not overwritten.
    let id = again.state().request().active_tab;
    let mut draft = active_draft(&again);
    draft.query.top = Some(7);
    again
        .state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft),
        ));
    again.run();
    assert_eq!(active_draft(&again).query.top, Some(7));
    again.get_by_label("Close tab").click();
    again.run();
    assert_eq!(again.state().request().tabs.len(), 1);
}

#[test]
fn an_answer_is_saved_as_excel_csv_and_json() {
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 40, "save", "Stationery & Office Supplies");
    type_into(&mut h, "$select", "id,reference,name,balance");
    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the answer", |app| {
        app.request().tabs[0].answer.is_some()
    });
    h.get_by_label("Save…");
    let table = h.state().request().tabs[0]
        .answer
        .clone()
        .unwrap()
        .table
        .clone()
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let id = h.state().request().active_tab;
    for name in ["customers.csv", "customers.xlsx", "customers.json"] {
        let path = dir.path().join(name);
        // The native dialog cannot be clicked here; the save path is injected instead.
        h.state_mut()
            .handle(sage200_desk::screens::request::Command::SaveAnswer {
                tab: id,
                path: Some(path.clone()),
                format: None,
            });
        support::step_until(&mut h, WAIT, "the save", |_| path.exists());
        h.run();
        h.get_by_label_contains(&format!("Saved to {}", path.display()));
    }
    // JSON exactly as received, chosen from the Save… menu's formats.
    h.get_by_label("Save…").click();
    h.run();
    h.get_by_label("JSON as received…");
    h.get_by_label("Excel workbook (table)…");
    h.key_press(egui::Key::Escape);
    h.run();
    let raw_path = dir.path().join("raw.json");
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::SaveAnswer {
            tab: id,
            path: Some(raw_path.clone()),
            format: Some(sage200_desk::export::ExportFormat::RawJson),
        });
    support::step_until(&mut h, WAIT, "the raw save", |_| raw_path.exists());
    let answer = h.state().request().tabs[0].answer.clone().unwrap();
    assert_eq!(
        std::fs::read(&raw_path).unwrap(),
        answer.raw().to_vec(),
        "byte for byte"
    );
    let csv_text = std::fs::read_to_string(dir.path().join("customers.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["id", "reference", "name", "balance"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), table.len());
    assert_eq!(rows[0].get(2).unwrap(), table.cell(0, 2));
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("customers.xlsx")).unwrap();
    let sheet = workbook.worksheet_range("Records").unwrap();
    assert_eq!(sheet.rows().count(), table.len() + 1);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("customers.json")).unwrap())
            .unwrap();
    assert_eq!(json.as_array().unwrap().len(), table.len());
}

#[test]
fn requests_copy_as_curl_without_the_token_and_paste_back() {
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 20, "curl", "Demo Trading Ltd");
    type_into(&mut h, "$filter", "name eq 'O''Brien & Sons'");
    let token = rt
        .block_on(h.state().session().unwrap().access_token())
        .unwrap();

    h.get_by_label("Copy as curl").click();
    let mut command = None;
    for _ in 0..5 {
        h.step();
        command = command.or_else(|| support::copied_text(&h));
    }
    let command = command.expect("copied to the clipboard");
    h.run();
    assert!(
        command.contains("$SAGE200_TOKEN") && !command.contains(token.expose()),
        "{command}"
    );
    assert!(command.contains("X-Company: 102"));

    // The same request as C# code, the token read from the environment.
    h.get_by_label("Copy as code").click();
    let mut code = None;
    for _ in 0..5 {
        h.step();
        code = code.or_else(|| support::copied_text(&h));
    }
    let code = code.expect("code copied to the clipboard");
    h.run();
    assert!(code.contains("new HttpClient()"), "{code}");
    assert!(code.contains("\"X-Company\", \"102\""), "{code}");
    assert!(
        code.contains("GetEnvironmentVariable(\"SAGE200_TOKEN\")")
            && !code.contains(token.expose()),
        "{code}"
    );

    // The copied command runs against the demo server once the token is filled in.
    let filled =
        sage200_desk::model::from_curl(&command, &h.state().shared().api_base_url).unwrap();
    assert_eq!(filled.draft.query.filter, "name eq 'O''Brien & Sons'");

    h.get_by_label("include token").click();
    h.run();
    h.get_by_label("Copy as curl").click();
    support::step_until(&mut h, WAIT, "the token", |app| {
        app.shared()
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("keep it private"))
    });
    h.get_by_label_contains("keep it private");

    h.get_by_label("Paste curl…").click();
    h.run();
    let paste_box = "Paste a curl command (bash, cmd or PowerShell)";
    h.get_by_label(paste_box).click();
    h.run();
    // A command that cannot be read says why and keeps what was pasted.
    h.get_by_label(paste_box)
        .type_text("curl -X PATCH https://h/accounts/v1/customers/1");
    h.run();
    h.get_by_label("Create request").click();
    support::step_until(&mut h, WAIT, "the refusal", |app| {
        app.request().paste_problem.is_some()
    });
    h.run();
    h.get_by_label_contains("PATCH: the Sage 200 API is used with GET, POST, PUT and DELETE");
    assert_eq!(h.state().request().tabs.len(), 1, "nothing was created");
    assert!(
        h.query_all_by_value("curl -X PATCH https://h/accounts/v1/customers/1")
            .next()
            .is_some(),
        "the pasted text is kept"
    );
    h.get_by_label("Cancel").click();
    h.run();
    h.get_by_label("Paste curl…").click();
    h.run();
    h.get_by_label(paste_box).click();
    h.run();
    h.get_by_label(paste_box).type_text(
        "curl 'https://api.columbus.sage.com/uk/sage200extra/accounts/v1/suppliers?$select=id,name&$top=3' -H 'X-Trace: 1' -k",
    );
    h.run();
    h.get_by_label("Create request").click();
    support::step_until(&mut h, WAIT, "the new tab", |app| {
        app.request().tabs.len() == 2
    });
    h.run();
    // What could not be carried is said above the request; the paste box has closed.
    h.get_by_label("From the pasted curl command");
    h.get_by_label_contains("Not carried: -k");
    h.get_by_label_contains("api.columbus.sage.com");
    assert!(
        h.query_by_label(paste_box).is_none(),
        "the paste box closed"
    );
    let draft = active_draft(&h);
    assert_eq!(
        (draft.path.as_str(), draft.query.top),
        ("suppliers", Some(3))
    );
    assert_eq!(h.state().request().tabs.len(), 2);
    h.get_by_label("GET suppliers");
}

#[test]
fn fetch_all_pages_gathers_every_record_and_can_be_cancelled() {
    let rt = support::runtime();
    let (server, mut h) = open_builder(&rt, 12_345, "fetchall", "Stationery & Office Supplies");
    type_into(&mut h, "$select", "id,name");
    h.get_by_label("Fetch all pages").click();
    support::step_until(&mut h, WAIT, "every page", |app| {
        app.request().tabs[0].answer.is_some()
    });
    let answer = h.state().request().tabs[0].answer.clone().unwrap();
    let table = answer.table.as_ref().unwrap();
    assert_eq!(table.len(), 12_345);
    assert_eq!(table.cell(12_344, 0), "12345");
    assert!(
        h.query_all_by_label_contains("12345 records in 3 pages")
            .count()
            >= 1
    );

    // Cancel stops a slow fetch.
    server.add_fault(sage200_desk::demo_server::Fault::new(
        sage200_desk::demo_server::FaultKind::Latency { millis: 3000 },
        "customers",
        3,
    ));
    h.get_by_label("Fetch all pages").click();
    support::step_until(&mut h, WAIT, "the fetch to start", |app| {
        app.request().tabs[0].fetching.is_some()
    });
    h.get_by_label_contains("0 records in 0 pages");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().request().tabs[0].fetching.is_none() && !h.state().request().tabs[0].sending);
}

#[test]
fn templates_come_from_x_new_and_fields_from_the_catalogue() {
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 10, "template", "Stationery & Office Supplies");

    // $select from the catalogue's fields.
    h.get_by_label("Fields…").click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "reference")
        .click();
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(
        active_draft(&h)
            .query
            .select
            .iter()
            .any(|s| s == "reference")
    );

    // POST customers: the template is the company's defaults from customers_new.
    let id = h.state().request().active_tab;
    let mut draft = active_draft(&h);
    draft.method = HttpMethod::Post;
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft),
        ));
    h.run();
    h.get_by_label("Insert template").scroll_to_me();
    h.run();
    h.get_by_label("Insert template").click();
    support::step_until(&mut h, WAIT, "the template", |app| {
        !app.request().tabs[0].draft.body.is_empty()
    });
    let body: serde_json::Value = serde_json::from_str(&active_draft(&h).body).unwrap();
    assert_eq!(body["currency_id"], 1);
    assert_eq!(body["account_status_type"], "AccountStatusActive");
    h.run();
    h.get_by_label("Valid JSON");
}

#[test]
fn the_filter_builder_writes_sage_filters() {
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 200, "filterbuilder", "Stationery & Office Supplies");
    h.get_by_label("Build").click();
    h.run();
    h.get_by_label("Add condition").click();
    h.run();
    h.get_by_label("Operator").click();
    h.run();
    h.get_by_label("starts with").click_accesskit();
    h.run();
    h.get_by_label("Value").click();
    h.run();
    h.get_by_label("Value").type_text("O'B");
    h.run();
    // The first field of customers is `id`; choose `name` instead.
    h.get_by_label("Field").click();
    h.run();
    h.get_by_label("name").click();
    h.run();
    assert_eq!(active_draft(&h).query.filter, "startswith(name,'O''B')");
    h.get_by_label_contains("$filter = startswith(name,'O''B')");

    h.get_by_label("Add group").click();
    h.run();
    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the answer", |app| {
        app.request().tabs[0].answer.is_some()
    });
    h.get_by_label("200 OK");
}

#[test]
fn the_answer_can_be_searched_and_picked_with_a_json_path() {
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 50, "search", "Stationery & Office Supplies");
    type_into(&mut h, "$select", "id,name");
    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the answer", |app| {
        app.request().tabs[0].answer.is_some()
    });
    let table = h.state().request().tabs[0]
        .answer
        .clone()
        .unwrap()
        .table
        .clone()
        .unwrap();
    let wanted = table.cell(7, 1).into_owned();

    type_into(&mut h, "Find in answer", &wanted.to_uppercase());
    support::step_until(&mut h, WAIT, "the search", |app| {
        app.request().tabs[0].found.is_some()
    });
    let found = h.state().request().tabs[0].found.clone().unwrap();
    assert!(found.rows.contains(&7));
    assert!(found.rows.iter().all(|&r| {
        table
            .cell(r, 1)
            .to_lowercase()
            .contains(&wanted.to_lowercase())
    }));
    h.get_by_label_contains("rows ·");
    h.get_by_label(&wanted);

    h.get_by_label("Tree").click();
    h.run();
    type_into(&mut h, "JSON path", "$[*].name");
    h.get_by_label("50 values");
    type_into(&mut h, "JSON path", "$[oops]");
    h.get_by_label_contains("is not an index");
}

#[test]
fn the_path_is_completed_from_the_catalogue() {
    let rt = support::runtime();
    let mut h = support::app_harness(&rt, None, support::returning_user());
    h.get_by_label("Request builder").click();
    h.run();
    type_into(&mut h, "Path", "cust");
    // Offers start with what was typed; placeholders are shown as such.
    assert!(h.query_all_by_label_contains("customers/{id}").count() >= 2);
    h.get_by_label_contains("customer_views").click_accesskit();
    h.run();
    assert_eq!(active_draft(&h).path, "customer_views");
}

#[test]
fn the_ui_keeps_working_while_a_large_answer_is_on_its_way_and_read() {
    let rt = support::runtime();
    let (server, mut h) = open_builder(&rt, 5_000, "responsive", "Stationery & Office Supplies");
    type_into(&mut h, "$top", "5000");
    // A slow server: the answer (5,000 full customer records, several MB) is in flight
    // for two seconds, then read on the runtime.
    server.add_fault(sage200_desk::demo_server::Fault::new(
        sage200_desk::demo_server::FaultKind::Latency { millis: 2000 },
        "customers",
        2,
    ));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    let _ = h.run_ok();
    assert!(h.state().request().tabs[0].sending, "Ctrl+Enter sends");

    // While it is in flight the user opens another tab and types a request there.
    h.get_by_label("New request").click();
    let _ = h.run_ok();
    type_into_path(&mut h, "suppliers");
    assert_eq!(active_draft(&h).path, "suppliers");
    assert!(
        h.state().request().tabs[0].sending,
        "the first request is still on its way while the UI answers"
    );
    h.get_by_label("GET customers").click();
    let _ = h.run_ok();
    support::step_until(&mut h, WAIT, "the large answer", |app| {
        app.request().tabs[0].answer.is_some()
    });
    let answer = h.state().request().tabs[0].answer.clone().unwrap();
    assert_eq!(answer.table.as_ref().unwrap().len(), 5_000);
    assert!(
        answer.meta.size > 1_000_000,
        "a large body: {}",
        answer.meta.size
    );
    assert_eq!(
        h.state().request().tabs[1].draft.path,
        "suppliers",
        "nothing typed was lost"
    );

    // Cancel while in flight keeps the previous answer and the draft.
    h.get_by_label("Send").click();
    let _ = h.run_ok();
    assert!(h.state().request().tabs[0].sending);
    h.get_by_label("Cancel").click();
    let _ = h.run_ok();
    let tab = &h.state().request().tabs[0];
    assert!(!tab.sending, "cancelled");
    assert_eq!(
        tab.answer.as_ref().unwrap().table.as_ref().unwrap().len(),
        5_000
    );
    assert_eq!(tab.draft.query.top, Some(5000));
}

/// Types a path, tolerating a spinner elsewhere (a request in flight).
/// Opens the collection in `dir` beside the tabs and waits until it is read.
fn open_collection(
    h: &mut egui_kittest::Harness<'_, sage200_desk::app::SageApp>,
    dir: &std::path::Path,
) {
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::OpenCollection(
            Some(dir.to_path_buf()),
        ));
    support::step_until(h, WAIT, "the collection", |app| {
        app.request().collection.is_some()
    });
    h.run();
}

fn type_into_path(h: &mut egui_kittest::Harness<'_, sage200_desk::app::SageApp>, text: &str) {
    h.get_by_label("Path").click();
    let _ = h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    let _ = h.run_ok();
    h.get_by_label("Path").type_text(text);
    let _ = h.run_ok();
}

#[test]
fn a_header_that_cannot_be_sent_is_said_at_its_row() {
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 10, "headerrow", "Stationery & Office Supplies");
    let id = h.state().request().active_tab;
    let mut draft = active_draft(&h);
    draft.headers.push(KeyValue {
        enabled: true,
        key: "X-Customer".into(),
        value: "Café".into(),
    });
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft),
        ));
    h.run();
    h.get_by_label("Query options").click(); // folded, so the headers are in view
    h.run();
    h.get_by_label("Headers (1)").click();
    h.run();
    h.get_by_label_contains("has 'é', which a header cannot carry");
    // Sending says the same instead of failing later with an unclear error.
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::SendRequest(id));
    h.run();
    let problem = h.state().request().tabs[0].problem.clone().unwrap();
    assert!(problem.message.contains("'é'"), "{}", problem.message);
}

/// Nested values (`$expand`) are saved as dotted and numbered columns, never as summaries;
/// a field given twice in a record is marked in the tree and the table, and the exports
/// say which value they hold (the last).
#[test]
fn nested_and_repeated_fields_are_saved_as_columns_and_marked() {
    let rt = support::runtime();
    let (server, mut h) = open_builder(&rt, 12, "nested", "Stationery & Office Supplies");
    type_into(&mut h, "$select", "id,reference,on_hold");
    type_into(&mut h, "$expand", "main_address,contacts");
    server.add_fault(sage200_desk::demo_server::Fault::new(
        sage200_desk::demo_server::FaultKind::RepeatedField {
            field: "on_hold".to_owned(),
        },
        "customers",
        1,
    ));
    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the answer", |app| {
        app.request().tabs[0].answer.is_some()
    });
    let answer = h.state().request().tabs[0].answer.clone().unwrap();
    let table = answer.table.clone().unwrap_or_else(|| {
        panic!(
            "{} {:?}",
            answer.meta.status,
            String::from_utf8_lossy(&answer.raw()[..answer.raw().len().min(400)])
        )
    });
    let on_hold = table.columns.iter().position(|c| c == "on_hold").unwrap();
    assert!(table.is_duplicate(0, on_hold));
    assert!(
        matches!(table.cell(0, on_hold).as_ref(), "true" | "false"),
        "the last value, not the first null"
    );
    h.get_by_label("Table").click();
    h.run();
    assert!(
        h.query_all_by_label("Repeated field").count() > 0,
        "the table marks the repeated field"
    );
    h.get_by_label("Tree").click();
    h.run();
    type_into(&mut h, "JSON path", "$[0]");
    h.get_by_label_contains("0  {").click();
    h.run();
    h.get_by_label_contains("on_hold ⚠ (repeated, not used)");
    h.get_by_label_contains("on_hold ⚠ (repeated, this one is used)");

    let dir = tempfile::tempdir().unwrap();
    let id = h.state().request().active_tab;
    for name in ["nested.csv", "nested.xlsx"] {
        let path = dir.path().join(name);
        h.state_mut()
            .handle(sage200_desk::screens::request::Command::SaveAnswer {
                tab: id,
                path: Some(path.clone()),
                format: None,
            });
        support::step_until(&mut h, WAIT, "the save", |_| path.exists());
        h.run();
        h.get_by_label_contains("the file holds the last value of each");
    }
    let csv_text = std::fs::read_to_string(dir.path().join("nested.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert!(
        headers.iter().any(|h| h == "main_address.city"),
        "{headers:?}"
    );
    assert!(
        headers.iter().any(|h| h.starts_with("contacts.1.")),
        "{headers:?}"
    );
    let summary = |cell: &str| {
        (cell.starts_with('[') && cell.ends_with(" items]"))
            || (cell.starts_with('{') && cell.ends_with(" fields}"))
    };
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 12);
    let city = headers
        .iter()
        .position(|h| h == "main_address.city")
        .unwrap();
    let record: serde_json::Value = answer.record(0).unwrap();
    assert_eq!(
        &rows[0][city],
        record["main_address"]["city"].as_str().unwrap()
    );
    for row in &rows {
        assert!(!row.iter().any(summary), "a summary in {row:?}");
    }
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("nested.xlsx")).unwrap();
    let sheet = workbook.worksheet_range("Records").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(header, headers, "the same columns in both");
    // The note on the repeated cell lives in the workbook's comments part.
    let file = std::fs::File::open(dir.path().join("nested.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut comments = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/comments1.xml").unwrap(), &mut comments)
        .unwrap();
    assert!(comments.contains("more than once"), "{comments}");
}

/// A date-time in the filter builder is the user's own time: in London in summer, 10:30
/// is sent as 09:30 UTC, with the conversion shown; a time the clocks skip is refused.
/// The time zone is the process's, so this runs `london_filter_dates` again in a child
/// process with `TZ=Europe/London`.
#[test]
fn filter_builder_dates_are_local_time_sent_in_utc() {
    support::run_in_child("london_filter_dates", &[("TZ", "Europe/London")]);
}

#[test]
#[ignore = "run by filter_builder_dates_are_local_time_sent_in_utc with TZ=Europe/London"]
fn london_filter_dates() {
    assert_eq!(
        std::env::var("TZ").as_deref(),
        Ok("Europe/London"),
        "run through filter_builder_dates_are_local_time_sent_in_utc"
    );
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 20, "londondates", "Stationery & Office Supplies");
    h.get_by_label("Build").click();
    h.run();
    h.get_by_label("Add condition").click();
    h.run();
    h.get_by_label("Field").click();
    h.run();
    h.get_by_label("date_time_updated").click_accesskit();
    h.run();
    h.get_by_label("Operator").click();
    h.run();
    h.get_by_label("at least").click_accesskit();
    h.run();
    h.get_by_label("Value kind").click();
    h.run();
    h.get_by_label("date").click_accesskit();
    h.run();
    h.get_by_label("Value").click();
    h.run();
    h.get_by_label("Value").type_text("2025-06-02 10:30");
    h.run();
    assert_eq!(
        active_draft(&h).query.filter,
        "date_time_updated ge 2025-06-02T09:30:00Z"
    );
    h.get_by_label("= 2025-06-02T09:30:00Z (from UTC+1:00 to UTC)");
    // In winter London is on UTC.
    type_into(&mut h, "Value", "2025-01-15 10:30");
    assert_eq!(
        active_draft(&h).query.filter,
        "date_time_updated ge 2025-01-15T10:30:00Z"
    );
    // 01:30 on 30 March 2025 never happens in London (the clocks go forward).
    type_into(&mut h, "Value", "2025-03-30 01:30");
    h.get_by_label_contains("the clocks go forward");
}

#[test]
fn views_and_nested_lists_are_fetched_whole_in_their_own_key_order() {
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 40, "fetchviews", "Stationery & Office Supplies");
    let fetched = |h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
                   path: &str| {
        h.get_by_label("Fetch all pages").click();
        // The answer of this path (the one before stays until the new one is in).
        support::step_until(h, WAIT, "every page", |app| {
            let tab = &app.request().tabs[0];
            !tab.sending
                && (tab.problem.is_some()
                    || tab
                        .answer
                        .as_ref()
                        .is_some_and(|a| a.meta.url.contains(path)))
        });
        let tab = &h.state().request().tabs[0];
        assert!(tab.problem.is_none(), "{:?}", tab.problem);
        tab.answer.clone().unwrap()
    };
    // A view whose records have no `id` is paged by its own key.
    type_into_path(&mut h, "sales_transaction_views");
    let answer = fetched(&mut h, "sales_transaction_views");
    let table = answer.table.as_ref().unwrap();
    assert!(table.len() > 5_000, "more than one page: {}", table.len());
    let key = table
        .columns
        .iter()
        .position(|c| c == "posted_customer_transaction_id")
        .unwrap();
    assert_eq!(table.cell(table.len() - 1, key), table.len().to_string());

    // A list nested under a record is a list too.
    type_into_path(&mut h, "customers/3/sales_posted_transactions");
    let answer = fetched(&mut h, "customers/3/sales_posted_transactions");
    let table = answer.table.as_ref().unwrap();
    let customer = table
        .columns
        .iter()
        .position(|c| c == "customer_id")
        .unwrap();
    assert!(!table.is_empty());
    assert!((0..table.len()).all(|r| table.cell(r, customer) == "3"));
}

#[test]
fn requests_are_kept_in_a_collection_folder_and_saved_with_ctrl_s() {
    use sage200_desk::model::{Collection, Folder, Item, KeyValue, SavedRequest};
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 20, "collection", "Demo Trading Ltd");
    // No collection yet: the panel says what one is for.
    h.get_by_label_contains("No collection open");

    let dir = tempfile::tempdir().unwrap();
    let list = SavedRequest {
        name: "List customers".into(),
        url: "customers".into(),
        query: vec![KeyValue {
            enabled: true,
            key: "$top".into(),
            value: "5".into(),
        }],
        description: "Kept by hand.".into(),
        ..SavedRequest::default()
    };
    let patch = SavedRequest {
        name: "Patch one".into(),
        method: "PATCH".into(),
        url: "customers/1".into(),
        ..SavedRequest::default()
    };
    let collection = Collection {
        name: "Demo requests".into(),
        items: vec![
            Item::Folder(Folder {
                name: "Customer requests".into(),
                items: vec![Item::Request(list)],
                ..Folder::default()
            }),
            Item::Request(patch),
        ],
        ..Collection::default()
    };
    sage200_desk::collection::write_collection(dir.path(), &collection).unwrap();
    open_collection(&mut h, dir.path());
    h.get_by_label("Customer requests").click();
    h.run();
    h.get_by_label("GET List customers").click();
    h.run();
    let draft = active_draft(&h);
    assert_eq!(
        (draft.path.as_str(), draft.query.top),
        ("customers", Some(5))
    );

    // Changed: marked, then Ctrl+S writes the file and the mark goes.
    type_into(&mut h, "$top", "7");
    h.get_by_label_contains("GET customers •");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    let file = dir.path().join("customer-requests/list-customers.toml");
    support::step_until(&mut h, WAIT, "the saved file", |_| {
        std::fs::read_to_string(&file).is_ok_and(|t| t.contains("value = \"7\""))
    });
    support::step_until(&mut h, WAIT, "the mark to go", |app| {
        app.request().tabs.iter().all(|t| !t.unsaved())
    });
    let saved = sage200_desk::collection::read_collection(dir.path()).unwrap();
    let (_, kept) = saved.requests()[0];
    assert_eq!(
        kept.description, "Kept by hand.",
        "what the builder has no field for stays"
    );

    // A new tab is saved as a new request at the top of the collection.
    h.get_by_label("New request").click();
    h.run();
    type_into_path(&mut h, "suppliers");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    support::step_until(&mut h, WAIT, "the new request's file", |_| {
        dir.path().join("suppliers.toml").is_file()
    });

    // Find by name or path.
    h.get_by_label("Find request").click();
    h.run();
    h.get_by_label("Find request").type_text("suppl");
    h.run();
    assert!(
        h.query_all_by_label("GET suppliers").count() >= 2,
        "the tab and the tree"
    );
    assert!(h.query_by_label("GET List customers").is_none());

    // A request the builder cannot send is said, not changed.
    h.get_by_label("Find request").click();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run();
    h.get_by_label("PATCH Patch one").click();
    h.run();
    let error = h.state().shared().error.clone().expect("said why");
    assert!(error.message.contains("PATCH"), "{}", error.message);

    // The collection and each tab's place in it survive a restart.
    let persisted = h.state().persisted();
    assert_eq!(
        persisted.request_collection.dir.as_deref(),
        Some(dir.path())
    );
    assert!(persisted.request_collection.tabs.iter().flatten().count() >= 2);
}

#[test]
fn variables_fill_requests_from_folder_collection_environment_and_keyring() {
    use sage200_desk::collection::{SecretScope, write_secret};
    use sage200_desk::model::{
        Collection, Environment, Folder, Item, SavedRequest, Secret, Variable,
    };
    use sage200_desk::screens::request::Command as Request;
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 20, "variables", "Demo Trading Ltd");
    let var = |key: &str, value: &str, secret: bool| Variable {
        key: key.into(),
        value: value.into(),
        enabled: true,
        secret,
        ..Variable::default()
    };
    let kv = |key: &str, value: &str| KeyValue {
        enabled: true,
        key: key.into(),
        value: value.into(),
    };
    let one = SavedRequest {
        name: "Some customers".into(),
        url: "{{resource}}".into(),
        query: vec![
            kv("$filter", "id gt {{min_id}}"),
            kv("trace", "{{api_key}}"),
        ],
        headers: vec![kv("X-Trace", "{{uuid}}-{{company_id}}")],
        ..SavedRequest::default()
    };
    let collection = Collection {
        name: "Variables".into(),
        variables: vec![var("resource", "suppliers", false)],
        items: vec![Item::Folder(Folder {
            name: "Customer requests".into(),
            variables: vec![var("resource", "customers", false)],
            items: vec![Item::Request(one)],
            ..Folder::default()
        })],
        environments: vec![
            Environment {
                name: "Demo".into(),
                variables: vec![var("min_id", "0", false)],
            },
            Environment {
                name: "Live".into(),
                variables: vec![var("min_id", "0", false), var("api_key", "", true)],
            },
        ],
        ..Collection::default()
    };
    let dir = tempfile::tempdir().unwrap();
    sage200_desk::collection::write_collection(dir.path(), &collection).unwrap();
    let live = SecretScope::Environment("Live".into());
    let keyring = write_secret(dir.path(), &live, "api_key", Some(&Secret::new("k-9x7")));
    assert!(
        keyring.is_ok() || !support::required("SAGE200_REQUIRE_KEYRING"),
        "{keyring:?}"
    );
    open_collection(&mut h, dir.path());
    h.get_by_label("Customer requests").click();
    h.run();
    h.get_by_label("GET Some customers").click();
    h.run();

    // No environment: the unset ones are said before sending, and Send refuses them.
    h.get_by_label_contains("Not set: {{api_key}}, {{min_id}}");
    h.get_by_label("Send").click();
    h.run();
    let tab = |h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>| {
        let state = h.state().request();
        state
            .tabs
            .iter()
            .find(|t| t.id == state.active_tab)
            .unwrap()
            .clone()
    };
    let problem = tab(&h).problem.expect("refused");
    assert!(
        problem
            .message
            .starts_with("{{api_key}}, {{min_id}} are not set"),
        "{}",
        problem.message
    );
    assert!(tab(&h).answer.is_none() && !tab(&h).sending);

    // Demo fills {{min_id}}; {{api_key}} is only Live's.
    h.get_by_label("Environment").click();
    h.run();
    h.get_by_label("Demo").click();
    h.run();
    assert_eq!(h.state().request().environment.as_deref(), Some("Demo"));
    h.get_by_label_contains("Not set: {{api_key}}.");

    if keyring.is_err() {
        return;
    }
    h.state_mut()
        .handle(Request::SelectEnvironment(Some("Live".into())));
    h.run();
    assert!(h.query_by_label_contains("Not set:").is_none());
    // Copied without the token, a secret is refused; the request itself is unchanged.
    let id = tab(&h).id;
    h.state_mut().handle(Request::CopyCurl {
        tab: id,
        include_token: false,
        shell: sage200_desk::model::Shell::Bash,
    });
    let refused = h.state().shared().error.clone().expect("refused");
    assert!(
        refused.message.contains("{{api_key}}"),
        "{}",
        refused.message
    );

    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the answer", |app| {
        let state = app.request();
        state.tabs.iter().any(|t| t.answer.is_some())
    });
    let answer = tab(&h).answer.unwrap();
    assert_eq!(answer.meta.status, 200);
    let url = &answer.meta.url;
    assert!(
        url.contains("/customers?"),
        "the folder's value is nearer: {url}"
    );
    assert!(url.contains("trace=k-9x7"), "the keyring's value: {url}");
    assert!(
        url.contains("id%20gt%200") || url.contains("id+gt+0"),
        "{url}"
    );
    // The draft keeps its variables; the history keeps no secret.
    assert_eq!(tab(&h).draft.path, "{{resource}}");
    h.run();
    let entry = h
        .state()
        .history()
        .entries
        .first()
        .cloned()
        .expect("recorded");
    assert!(
        entry.url.contains("trace={{api_key}}") || entry.url.contains("trace=%7B%7Bapi_key%7D%7D"),
        "{}",
        entry.url
    );
    let persisted = serde_json::to_string(&h.state().persisted()).unwrap();
    assert!(!persisted.contains("k-9x7"), "no secret in persisted state");
    write_secret(dir.path(), &live, "api_key", None).unwrap();
}

#[test]
fn the_variables_window_saves_files_and_keeps_secrets_in_the_keyring() {
    use sage200_desk::collection::{read_collection, read_secrets};
    use sage200_desk::screens::request::Command as Request;
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 5, "variables-window", "Demo Trading Ltd");
    let dir = tempfile::tempdir().unwrap();
    open_collection(&mut h, dir.path());
    h.get_by_label("Variables…").click();
    h.run();
    h.get_by_label("+ Variable").click();
    h.run();
    h.get_by_label("+ Environment").click();
    h.run();
    type_into(&mut h, "Environment name", "Test site");
    h.get_by_label("+ Variable").click();
    h.run();
    h.get_by_label("+ Variable").click();
    h.run();
    // The rows' fields, filled as typed: a plain one and a secret one.
    let mut editor = h.state().request().variables_editor.clone().expect("open");
    assert_eq!(editor.collection.len(), 1);
    assert_eq!(editor.environments[0].name, "Test site");
    editor.collection[0].variable.key = "resource".into();
    editor.collection[0].variable.value = "customers".into();
    let rows = &mut editor.environments[0].variables;
    rows[0].variable.key = "min_id".into();
    rows[0].variable.value = "0".into();
    rows[1].variable.key = "api_key".into();
    rows[1].variable.secret = true;
    rows[1].secret_value = sage200_desk::model::Secret::new("k-window-1");
    h.state_mut()
        .handle(Request::EditVariables(Box::new(editor.clone())));
    h.run();
    // A credential left visible is refused with a message, and the window stays.
    let mut leaky = editor.clone();
    leaky.environments[0].variables[1].variable.secret = false;
    leaky.environments[0].variables[1].variable.value = "sk_live_0123456789abcdef".into();
    h.state_mut()
        .handle(Request::EditVariables(Box::new(leaky)));
    h.run();
    h.get_by_label("Save").click();
    h.run();
    h.get_by_label_contains("holds a credential written out");
    h.state_mut()
        .handle(Request::EditVariables(Box::new(editor)));
    h.run();
    h.get_by_label("Save").click();
    support::step_until(&mut h, WAIT, "the variables saved", |app| {
        app.request().variables_editor.is_none()
    });
    let collection = read_collection(dir.path()).unwrap();
    assert_eq!(collection.variables[0].value, "customers");
    assert_eq!(collection.environments[0].name, "Test site");
    let text = std::fs::read_to_string(dir.path().join("environments/test-site.toml")).unwrap();
    assert!(
        text.contains("min_id") && !text.contains("k-window-1"),
        "{text}"
    );
    let secrets = read_secrets(dir.path(), &collection);
    match secrets {
        Ok(secrets) => {
            assert_eq!(secrets.len(), 1);
            assert_eq!(secrets[0].value.expose(), "k-window-1");
        }
        Err(e) => assert!(!support::required("SAGE200_REQUIRE_KEYRING"), "{e}"),
    }
    // Choosing the environment, then removing it: its secret leaves the keyring.
    h.state_mut()
        .handle(Request::SelectEnvironment(Some("Test site".into())));
    h.run();
    assert_eq!(
        h.state().request().environment.as_deref(),
        Some("Test site")
    );
    h.get_by_label("Variables…").click();
    h.run();
    assert_eq!(
        h.state()
            .request()
            .variables_editor
            .as_ref()
            .unwrap()
            .showing,
        Some(0)
    );
    h.get_by_label("Remove environment").click();
    h.run();
    h.get_by_label("Save").click();
    support::step_until(&mut h, WAIT, "the environment removed", |app| {
        app.request().variables_editor.is_none()
    });
    assert_eq!(h.state().request().environment, None);
    assert!(!dir.path().join("environments/test-site.toml").exists());
    if support::required("SAGE200_REQUIRE_KEYRING") {
        let mut before = collection.clone();
        before.environments[0].variables.truncate(2);
        assert!(read_secrets(dir.path(), &before).unwrap().is_empty());
    }
}

#[test]
fn the_collection_tree_renames_moves_duplicates_deletes_and_saves_as() {
    use sage200_desk::collection::read_collection;
    use sage200_desk::model::{Collection, Folder, Item, SavedRequest, TreeChange};
    use sage200_desk::screens::request::Command as Request;
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 5, "tree", "Demo Trading Ltd");
    let request = |name: &str, url: &str| {
        Item::Request(SavedRequest {
            name: name.into(),
            url: url.into(),
            ..SavedRequest::default()
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let collection = Collection {
        name: "Tree".into(),
        items: vec![
            Item::Folder(Folder {
                name: "Lists".into(),
                items: vec![request("All customers", "customers")],
                ..Folder::default()
            }),
            request("Sites", "sites"),
        ],
        ..Collection::default()
    };
    sage200_desk::collection::write_collection(dir.path(), &collection).unwrap();
    open_collection(&mut h, dir.path());
    h.get_by_label("GET Sites").click();
    h.run();
    let names = |dir: &std::path::Path| {
        let c = read_collection(dir).unwrap();
        c.requests()
            .iter()
            .map(|(folders, r)| {
                let mut path = folders.join("/");
                if !path.is_empty() {
                    path.push('/');
                }
                path + &r.name
            })
            .collect::<Vec<_>>()
    };

    // Rename from the item's menu.
    h.get_by_label("GET Sites").click_secondary();
    h.run();
    h.get_by_label("Rename…").click();
    h.run();
    h.run();
    type_into(&mut h, "New name", "Every site");
    h.get_by_label("Rename").click();
    support::step_until(&mut h, WAIT, "the renamed file", |_| {
        dir.path().join("every-site.toml").is_file() && !dir.path().join("sites.toml").exists()
    });
    assert_eq!(names(dir.path()), ["Lists/All customers", "Every site"]);

    // Moved into the folder: the open tab follows its request.
    h.state_mut()
        .handle(Request::ChangeTree(TreeChange::MoveInto {
            at: vec![1],
            folder: vec![0],
        }));
    support::step_until(&mut h, WAIT, "the move", |_| {
        dir.path().join("lists/every-site.toml").is_file()
    });
    h.run();
    let at = |h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>| {
        let state = h.state().request();
        let tab = state
            .tabs
            .iter()
            .find(|t| t.id == state.active_tab)
            .unwrap();
        tab.saved_as.as_ref().map(|s| s.at.clone())
    };
    assert_eq!(at(&h), Some(vec![0, 1]));

    // Duplicate and move up from the menu.
    h.get_by_label("Lists").click();
    h.run();
    h.get_by_label("GET Every site").click_secondary();
    h.run();
    h.get_by_label("Duplicate").click();
    support::step_until(&mut h, WAIT, "the copy", |_| {
        dir.path().join("lists/every-site-copy.toml").is_file()
    });
    h.run();
    h.get_by_label("GET Every site copy").click_secondary();
    h.run();
    h.get_by_label("Move up").click();
    support::step_until(&mut h, WAIT, "the order", |_| {
        names(dir.path())[1] == "Lists/Every site copy"
    });
    h.run();
    assert_eq!(at(&h), Some(vec![0, 2]), "the tab still shows Every site");

    // Delete asks first, naming what goes; the tab keeps its draft.
    h.get_by_label("GET Every site").click_secondary();
    h.run();
    h.get_by_label("Delete…").click();
    h.run();
    h.get_by_label_contains("Delete \"Every site\"?");
    h.get_by_label("Delete").click();
    support::step_until(&mut h, WAIT, "the file gone", |_| {
        !dir.path().join("lists/every-site.toml").exists()
    });
    h.run();
    assert_eq!(at(&h), None);
    assert_eq!(active_draft(&h).path, "sites");

    // Save as: a new request, named, in a folder; the tab then shows it.
    h.get_by_label("Save as…").click();
    h.run();
    h.run();
    type_into(&mut h, "Request name", "Sites again");
    h.get_by_label("In folder").click();
    h.run();
    // The folder in the list that opened (the tree has one of that name too).
    h.query_all_by_label("Lists").last().unwrap().click();
    h.run();
    h.get_by_label("Save").click();
    support::step_until(&mut h, WAIT, "saved as", |_| {
        dir.path().join("lists/sites-again.toml").is_file()
    });
    h.run();
    assert_eq!(
        names(dir.path()),
        [
            "Lists/All customers",
            "Lists/Every site copy",
            "Lists/Sites again"
        ]
    );
    assert_eq!(at(&h), Some(vec![0, 2]));

    // A new folder, then a folder deleted with what is in it.
    h.state_mut()
        .handle(Request::ChangeTree(TreeChange::NewFolder {
            folder: Vec::new(),
            name: "Writes".into(),
        }));
    support::step_until(&mut h, WAIT, "the new folder", |_| {
        dir.path().join("writes/folder.toml").is_file()
    });
    h.run();
    h.get_by_label("Lists").click_secondary();
    h.run();
    h.get_by_label("Delete…").click();
    h.run();
    h.get_by_label_contains("and the 3 requests in it?");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(dir.path().join("lists/folder.toml").is_file(), "cancelled");
}

#[test]
fn postman_files_import_with_a_summary_and_export_from_the_builder() {
    use sage200_desk::screens::request::Command as Request;
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 5, "import", "Demo Trading Ltd");
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/postman-collections/business-central-api-v2.postman_collection.json");
    // A folder with something in it already: the collection goes into a new folder inside.
    let chosen = tempfile::tempdir().unwrap();
    std::fs::write(chosen.path().join("mine.txt"), "kept").unwrap();
    h.state_mut().handle(Request::ImportCollection {
        file: Some(file.clone()),
        dir: Some(chosen.path().to_path_buf()),
    });
    support::step_until(&mut h, WAIT, "the import's summary", |app| {
        app.request().import_report.is_some()
    });
    h.run();
    let report = h.state().request().import_report.clone().unwrap();
    assert_eq!(report.dir, chosen.path().join("business-central-api-v2"));
    assert!(
        report.lines[0].starts_with("Read a Postman"),
        "{:?}",
        report.lines
    );
    h.get_by_label("Imported business-central-api-v2.postman_collection.json");
    h.get_by_label_contains(&report.lines[0]);
    assert_eq!(
        std::fs::read_to_string(chosen.path().join("mine.txt")).unwrap(),
        "kept"
    );
    let open = h.state().request().collection.clone().expect("opened");
    assert_eq!(open.dir, report.dir);
    let text = std::fs::read_to_string(&file).unwrap();
    let expected = sage200_desk::model::from_postman(&text).unwrap().collection;
    assert_eq!(
        open.collection, expected,
        "what the folder holds is what the file said"
    );
    h.get_by_label("OK").click();
    h.run();
    assert!(h.state().request().import_report.is_none());

    // Out again as Postman v2.1, read back the same.
    let out = chosen.path().join("out.postman_collection.json");
    h.state_mut()
        .handle(Request::ExportCollection(Some(out.clone())));
    support::step_until(&mut h, WAIT, "the export", |_| out.is_file());
    h.run();
    let exported = std::fs::read_to_string(&out).unwrap();
    assert!(
        exported.contains("https://schema.getpostman.com/json/collection/v2.1.0/collection.json")
    );
    assert_eq!(
        sage200_desk::model::from_postman(&exported)
            .unwrap()
            .collection,
        expected
    );
    let notice = h.state().shared().notice.clone().unwrap_or_default();
    assert!(notice.contains("Exported to"), "{notice}");

    // A file that is not a collection is said, and nothing is made.
    let bad = chosen.path().join("bad.json");
    std::fs::write(&bad, "{\"hello\": 1}").unwrap();
    let empty = tempfile::tempdir().unwrap();
    h.state_mut().handle(Request::ImportCollection {
        file: Some(bad),
        dir: Some(empty.path().to_path_buf()),
    });
    support::step_until(&mut h, WAIT, "the refusal", |app| {
        app.shared().error.is_some()
    });
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
}

#[test]
fn a_value_of_an_answer_feeds_the_next_request_through_a_capture() {
    use sage200_desk::screens::request::Command as Request;
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 5, "capture", "Demo Trading Ltd");

    type_into(&mut h, "$select", "id,name");
    type_into(&mut h, "$top", "50");
    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the answer", |app| {
        app.request().tabs.iter().any(|t| t.answer.is_some())
    });
    h.run();
    let state = h.state().request();
    let tab = state
        .tabs
        .iter()
        .find(|t| t.id == state.active_tab)
        .unwrap()
        .clone();
    let id = tab
        .answer
        .as_ref()
        .unwrap()
        .table
        .as_ref()
        .unwrap()
        .cell(0, 0)
        .into_owned();
    assert!(id.parse::<i64>().is_ok(), "{id}");

    // The tree: open the first record, right-click its id.
    h.get_by_label("Tree").click();
    h.run();

    h.get_by_label("0  {2 fields}").click();
    h.run();
    h.get_by_label(&id).click_secondary();
    h.run();
    h.get_by_label("Set variable from this value…").click();
    h.run();
    h.run();
    type_into(&mut h, "Variable name", "customer_id");
    h.get_by_label("Capture").click();
    h.run();
    let draft = active_draft(&h);
    assert_eq!(draft.captures.len(), 1);
    assert_eq!(draft.captures[0].path, "$[0].id");
    h.get_by_label_contains("Captures (1)");

    // A new request reads it.
    h.get_by_label("New request").click();
    h.run();
    type_into_path(&mut h, "customers/{{customer_id}}");
    assert!(h.query_by_label_contains("Not set:").is_none());
    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the second answer", |app| {
        let state = app.request();
        state
            .tabs
            .iter()
            .find(|t| t.id == state.active_tab)
            .is_some_and(|t| t.answer.is_some())
    });
    let state = h.state().request();
    let second = state
        .tabs
        .iter()
        .find(|t| t.id == state.active_tab)
        .unwrap();
    let answer = second.answer.as_ref().unwrap();
    assert_eq!(answer.meta.status, 200);
    assert!(
        answer.meta.url.contains(&format!("/customers/{id}?")),
        "{}",
        answer.meta.url
    );

    // A capture whose path finds nothing is said, and the variable keeps its value.
    let first = tab.id;
    h.state_mut().handle(Request::AddCapture {
        tab: first,
        capture: sage200_desk::model::Capture {
            variable: "missing".into(),
            path: "$[500].id".into(),
        },
    });
    let notice = h.state().shared().notice.clone().unwrap_or_default();
    assert!(notice.contains("next answer"), "{notice}");
}

#[test]
fn a_collection_changed_on_disk_is_read_again_keeping_unsaved_edits() {
    use sage200_desk::model::{Collection, Item, SavedRequest};
    let rt = support::runtime();
    let (_server, mut h) = open_builder(&rt, 5, "watch", "Demo Trading Ltd");
    let request = |name: &str, url: &str| {
        Item::Request(SavedRequest {
            name: name.into(),
            url: url.into(),
            ..SavedRequest::default()
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let collection = Collection {
        name: "Watched".into(),
        items: vec![
            request("Plain", "customers"),
            request("Edited", "suppliers"),
        ],
        ..Collection::default()
    };
    sage200_desk::collection::write_collection(dir.path(), &collection).unwrap();
    open_collection(&mut h, dir.path());
    h.get_by_label("GET Plain").click();
    h.run();
    h.get_by_label("GET Edited").click();
    h.run();
    type_into_path(&mut h, "suppliers/1");
    let tab_of = |h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>, name: &str| {
        let state = h.state().request();
        let open = state.collection.as_ref().unwrap();
        state
            .tabs
            .iter()
            .find(|t| {
                t.saved_as
                    .as_ref()
                    .and_then(|s| open.collection.item_at(&s.at))
                    .is_some_and(|i| i.name() == name)
            })
            .cloned()
    };
    assert!(tab_of(&h, "Edited").unwrap().unsaved());

    // git (or an editor) changes both files and adds one.
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{text}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    edit("plain.toml", "url = \"customers\"", "url = \"customers/7\"");
    edit(
        "edited.toml",
        "url = \"suppliers\"",
        "url = \"suppliers/2\"",
    );
    std::fs::write(
        dir.path().join("added.toml"),
        "name = \"Added\"\nurl = \"sites\"\n",
    )
    .unwrap();
    support::step_until(&mut h, WAIT, "the folder read again", |app| {
        app.request()
            .collection
            .as_ref()
            .is_some_and(|c| c.collection.items.len() == 3)
    });
    h.run();
    let plain = tab_of(&h, "Plain").expect("still in its place");
    assert_eq!(
        plain.draft.path, "customers/7",
        "an unchanged tab shows the file's new version"
    );
    assert!(!plain.unsaved());
    let edited = tab_of(&h, "Edited").expect("still in its place");
    assert_eq!(edited.draft.path, "suppliers/1", "unsaved edits are kept");
    assert!(edited.unsaved());
    assert_eq!(edited.saved_as.as_ref().unwrap().saved.path, "suppliers/2");
    let notice = h.state().shared().notice.clone().unwrap_or_default();
    assert!(
        notice.contains("unsaved changes") && notice.contains("kept"),
        "{notice}"
    );
    h.get_by_label("GET Added");

    // The app's own save is not taken for a change made elsewhere.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    support::step_until(&mut h, WAIT, "the save", |_| {
        std::fs::read_to_string(dir.path().join("edited.toml"))
            .is_ok_and(|t| t.contains("suppliers/1"))
    });
    std::thread::sleep(std::time::Duration::from_millis(600));
    for _ in 0..5 {
        h.run();
    }
    assert!(!tab_of(&h, "Edited").unwrap().unsaved());

    // A file removed elsewhere: its tab keeps the draft, no longer saved anywhere.
    std::fs::remove_file(dir.path().join("plain.toml")).unwrap();
    support::step_until(&mut h, WAIT, "the removal seen", |app| {
        app.request()
            .collection
            .as_ref()
            .is_some_and(|c| c.collection.items.len() == 2)
    });
    h.run();
    assert!(tab_of(&h, "Plain").is_none());
    assert!(
        h.state()
            .request()
            .tabs
            .iter()
            .any(|t| t.draft.path == "customers/7" && t.saved_as.is_none())
    );

    // A dialog open while the folder changes says so instead of acting on another item.
    h.get_by_label("GET Added").click_secondary();
    h.run();
    h.get_by_label("Delete…").click();
    h.run();
    h.get_by_label_contains("Delete \"Added\"?");
    std::fs::write(
        dir.path().join("added.toml"),
        "name = \"Renamed elsewhere\"\nurl = \"sites\"\n",
    )
    .unwrap();
    support::step_until(&mut h, WAIT, "the rename seen", |app| {
        app.request().collection.as_ref().is_some_and(|c| {
            c.collection
                .requests()
                .iter()
                .any(|(_, r)| r.name == "Renamed elsewhere")
        })
    });
    h.run();
    h.get_by_label("Changed meanwhile");
    h.get_by_label("OK").click();
    h.run();
    assert!(dir.path().join("added.toml").is_file(), "nothing deleted");
}

#[test]
fn the_first_records_show_while_the_rest_of_a_large_answer_arrives() {
    let rt = support::runtime();
    let (server, mut h) = open_builder(&rt, 20, "arriving", "Stationery & Office Supplies");
    let id = h.state().request().active_tab;
    let draft = support::large_answer_draft(2);
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft),
        ));
    // A slow link: 300 kB at once, the rest two seconds later.
    server.add_fault(sage200_desk::demo_server::Fault::new(
        sage200_desk::demo_server::FaultKind::SlowBody {
            bytes: 300_000,
            millis: 2000,
        },
        "_demo_large_answer",
        1,
    ));
    h.get_by_label("Send").click();
    support::step_until(&mut h, WAIT, "the first records", |app| {
        app.request().tabs[0]
            .arriving
            .as_ref()
            .is_some_and(|a| a.preview.is_some() && a.received == 300_000)
    });
    let tab = h.state().request().tabs[0].clone();
    assert!(tab.sending, "the rest is still on its way");
    assert!(tab.answer.is_none());
    let arriving = tab.arriving.clone().unwrap();
    assert!(!arriving.complete);
    assert_eq!(arriving.received, 300_000, "all that came is counted");

    let preview = arriving.preview.unwrap();
    let first = preview.table.clone().unwrap();
    // Every whole record of the part that came: none cut, none made up.
    assert!(first.len() > 50, "{}", first.len());
    assert_eq!(first.cell(0, 1), "LRG00001");
    assert_eq!(first.columns[1], "reference");
    let said = format!(
        "The first {} records, shown while the rest arrives",
        first.len()
    );
    assert!(h.query_by_label_contains(&said).is_some(), "{said}");
    assert!(h.query_by_label_contains("Receiving the answer").is_some());
    assert!(
        h.query_by_label("LRG00001").is_some(),
        "the first row is on screen"
    );
    // Nothing acts on part of an answer: no saving or finding until it is whole.
    assert!(h.query_by_label("Save…").is_none());
    assert!(h.query_by_label("Find in answer").is_none());

    support::step_until(&mut h, WAIT, "the whole answer", |app| {
        app.request().tabs[0].answer.is_some()
    });
    let tab = h.state().request().tabs[0].clone();
    assert!(tab.arriving.is_none() && !tab.sending);
    let answer = tab.answer.unwrap();
    assert_eq!(
        arriving.expected,
        Some(answer.meta.size as u64),
        "Content-Length"
    );
    let whole = answer.table.clone().unwrap();
    assert!(
        whole.len() > 5 * first.len(),
        "{} vs {}",
        whole.len(),
        first.len()
    );
    for row in 0..first.len() {
        for column in 0..first.columns.len() {
            assert_eq!(first.columns[column], whole.columns[column]);
            assert_eq!(
                first.cell(row, column),
                whole.cell(row, column),
                "row {row}"
            );
        }
    }
    assert!(
        h.query_by_label_contains("shown while the rest arrives")
            .is_none()
    );
    assert!(h.query_by_label("Save…").is_some());
}
