//! The Customers screen against the demo server: the list and a customer's detail
//! (contacts, main address); the new-customer form with dropdowns chosen by label, checks
//! as the user types, a server error shown against its field, a lost answer that creates
//! no duplicate, a draft restored after a restart; edit and delete.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use sage200_desk::app::{PersistedState, SageApp};
use sage200_desk::demo_server::{DemoServer, Fault, FaultKind};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(15);
type H = egui_kittest::Harness<'static, SageApp>;

fn start(rt: &tokio::runtime::Runtime, scope: &str) -> (DemoServer, H) {
    let (server, mut h) =
        support::signed_in_to_company(rt, 60, scope, "Stationery & Office Supplies", WAIT);
    h.get_by_label("Customers").click();
    let _ = h.run_ok();
    wait_list(&mut h);
    (server, h)
}

fn wait_list(h: &mut H) {
    support::step_until(h, WAIT, "the customer list", |app| {
        let list = &app.customer_list();
        // The totals row too: it moves the rows down when it comes.
        !list.loading && list.page.is_some() && list.totals.is_some()
    });
}

/// The customers the server has with `reference`, read straight from the API.
fn on_server(
    rt: &tokio::runtime::Runtime,
    server: &DemoServer,
    h: &H,
    reference: &str,
) -> Vec<Value> {
    let company = h.state().shared().company.clone().unwrap();
    let url = format!(
        "{}customers?$filter=reference eq '{reference}'",
        server.professional_api_url()
    );
    let token = server.mint_access_token();
    rt.block_on(async {
        reqwest::Client::new()
            .get(url)
            .bearer_auth(token)
            .header("X-Site", company.site_id)
            .header("X-Company", company.company_id.to_string())
            .send()
            .await
            .unwrap()
            .json::<Vec<Value>>()
            .await
            .unwrap()
    })
}

fn type_into(h: &mut H, label: &str, text: &str) {
    h.get_by_label(label).scroll_to_me();
    let _ = h.run_ok();
    h.get_by_label(label).click();
    let _ = h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    let _ = h.run_ok();
    if !text.is_empty() {
        h.get_by_label(label).type_text(text);
        let _ = h.run_ok();
    }
}

fn open_form(h: &mut H) {
    h.get_by_label("New customer").click();
    support::step_until(h, WAIT, "the form with its lists and defaults", |app| {
        app.customers()
            .form
            .as_ref()
            .is_some_and(|f| f.lookups.is_some() && !f.loading_defaults)
    });
}

/// The reference and name of the first customer of the list.
fn first_customer(h: &H) -> (String, String) {
    let page = h.state().customer_list().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let at = |name: &str| table.columns.iter().position(|c| c == name).unwrap();
    (
        table.cell(0, at("reference")).into_owned(),
        table.cell(0, at("name")).into_owned(),
    )
}

fn draft(h: &H) -> sage200_desk::model::CustomerDraft {
    h.state().customers().draft.clone().unwrap()
}

fn choose(h: &mut H, dropdown: &str, option: &str) {
    h.get_by_label(dropdown).scroll_to_me();
    let _ = h.run_ok();
    h.get_by_label(dropdown).click();
    let _ = h.run_ok();
    h.get_by_label(option).click_accesskit();
    let _ = h.run_ok();
    // Choosing by accessibility action does not close the popup as a pointer click would.
    h.key_press(egui::Key::Escape);
    let _ = h.run_ok();
}

#[test]
fn the_list_opens_a_customer_with_contacts_and_address() {
    let rt = support::runtime();
    let (_server, mut h) = start(&rt, "cust-list");
    let page = h.state().customer_list().page.clone().unwrap();
    let table = page.table.as_ref().unwrap();
    assert!(table.columns.contains(&"reference".to_owned()));
    assert!(table.columns.contains(&"on_hold".to_owned()));
    assert!(
        !table.columns.contains(&"analysis_code_1".to_owned()),
        "chosen columns only"
    );
    let reference_column = table.columns.iter().position(|c| c == "reference").unwrap();
    let first = table.cell(0, reference_column).into_owned();
    h.get_by_label(&first).click();
    support::step_until(&mut h, WAIT, "the full record", |app| {
        app.customer_list().record.is_some()
    });
    let _ = h.run_ok();
    h.get_by_label("Main address");
    h.get_by_label_contains("Contacts (");
    assert!(
        h.query_all_by_label("Credit limit").count() >= 2,
        "a column and a field"
    );
    h.get_by_label("Edit");
    h.get_by_label("Delete…");
}

#[test]
fn a_customer_is_created_through_the_form_once_even_when_the_answer_is_lost() {
    let rt = support::runtime();
    let (server, mut h) = start(&rt, "cust-create");
    open_form(&mut h);
    // Defaults come from customers_new.
    assert!(!draft(&h).account_type.is_empty(), "{:?}", draft(&h));

    // Checks as the user types.
    type_into(&mut h, "Reference", "TOOLONGREF");
    h.get_by_label("At most 8 characters (10 typed).");
    h.get_by_label("Name is required.");
    type_into(&mut h, "Email", "ann at example");
    h.get_by_label("Not an email address (name@example.com).");
    assert_eq!(draft(&h).problems().len(), 3, "reference, name and email");

    // A reference already used is refused before sending.
    let (used_reference, _) = first_customer(&h);
    assert_eq!(on_server(&rt, &server, &h, &used_reference).len(), 1);
    type_into(&mut h, "Reference", &used_reference);
    h.get_by_label("Name").click(); // leaving the field looks the reference up
    support::step_until(&mut h, WAIT, "the reference check", |app| {
        app.customers()
            .form
            .as_ref()
            .is_some_and(|f| f.reference_used.is_some())
    });
    let _ = h.run_ok();
    h.get_by_label(&format!(
        "{used_reference} is already used by another customer."
    ));

    type_into(&mut h, "Reference", "NEW001");
    type_into(&mut h, "Name", "Newton & O'Brien Ltd");
    type_into(&mut h, "Email", "accounts@newton.example");
    type_into(&mut h, "First name", "Ada");
    type_into(&mut h, "Postcode", "LS1 4AP");
    type_into(&mut h, "Credit limit", "2500.50");
    choose(&mut h, "Currency", "€ — Euro");
    choose(&mut h, "Country code", "IE — Ireland");
    choose(&mut h, "Default tax code", "0 — Zero rated");
    let filled = draft(&h);
    assert!(filled.currency_id.is_some() && filled.country_code_id.is_some());
    assert!(filled.default_tax_code_id.is_some());
    assert!(filled.problems().is_empty(), "{:?}", filled.problems());

    // A server refusal is shown against the field it names: the reference is taken
    // meanwhile by someone else (the check before was clean).
    let company = h.state().shared().company.clone().unwrap();
    let token = server.mint_access_token();
    let url = format!("{}customers", server.professional_api_url());
    rt.block_on(async {
        let answer = reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .header("X-Site", &company.site_id)
            .header("X-Company", company.company_id.to_string())
            .json(&serde_json::json!({"reference": "NEW001", "name": "Someone else"}))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success());
    });
    h.get_by_label("Create customer").click();
    support::step_until(&mut h, WAIT, "the refusal", |app| {
        app.customers()
            .form
            .as_ref()
            .is_some_and(|f| f.server_problem.is_some())
    });
    let _ = h.run_ok();
    let (field, message) = h
        .state()
        .customers()
        .form
        .clone()
        .unwrap()
        .server_problem
        .unwrap();
    assert_eq!(
        field,
        Some(sage200_desk::model::CustomerField::Reference),
        "{message}"
    );
    assert!(message.contains("already in use"), "{message}");
    assert!(
        h.query_all_by_label_contains("already in use").count() >= 2,
        "beside the field and in full"
    );

    // The answer to the create is lost: the app finds the customer instead of creating twice.
    type_into(&mut h, "Reference", "NEW002");
    server.add_fault(Fault::new(FaultKind::LoseAnswer, "customers", 1).for_method("POST"));
    h.get_by_label("Create customer").click();
    support::step_until(&mut h, WAIT, "the create", |app| {
        app.customers().form.is_none()
    });
    let _ = h.run_ok();
    assert!(
        h.state()
            .shared()
            .notice
            .clone()
            .unwrap()
            .contains("not created twice"),
        "{:?}",
        h.state().shared().notice
    );
    let created = on_server(&rt, &server, &h, "NEW002");
    assert_eq!(created.len(), 1, "exactly one customer");
    assert_eq!(created[0]["name"], "Newton & O'Brien Ltd");
    assert_eq!(created[0]["credit_limit"].as_f64(), Some(2500.5));
    assert!(h.state().customers().draft.is_none(), "the draft is done");
    // The new customer is open in the detail view.
    let shown = h.state().customer_list().record.clone().unwrap();
    assert_eq!(shown["reference"], "NEW002");
    assert!(h.query_all_by_label("Newton & O'Brien Ltd").count() >= 1);
}

#[test]
fn a_draft_survives_a_restart() {
    let rt = support::runtime();
    let (server, mut h) = start(&rt, "cust-draft");
    open_form(&mut h);
    type_into(&mut h, "Reference", "DRAFT01");
    type_into(&mut h, "Name", "Half-typed Ltd");
    let mut storage = support::MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let persisted: PersistedState =
        eframe::get_value(&storage, sage200_desk::app::STATE_KEY).unwrap();
    drop(h);
    let mut again = support::sign_in_harness_with(
        &rt,
        &server.base_url(),
        &support::keyring_scope("cust-draft"),
        WAIT,
        persisted,
    );
    support::step_until(&mut again, WAIT, "signed in with the company", |app| {
        app.shared().company.is_some()
    });
    let _ = again.run_ok();
    again.get_by_label("Unsaved customer DRAFT01 is waiting.");
    again.get_by_label("Continue editing").click();
    support::step_until(&mut again, WAIT, "the form", |app| {
        app.customers().form.is_some()
    });
    let _ = again.run_ok();
    assert_eq!(draft(&again).name, "Half-typed Ltd");
    again.get_by_label("Discard draft").click();
    let _ = again.run_ok();
    assert!(again.state().customers().draft.is_none());
    again.get_by_label("New customer");
}

#[test]
fn a_customer_is_edited_and_deleted() {
    let rt = support::runtime();
    let (server, mut h) = start(&rt, "cust-edit");
    let (reference, _) = first_customer(&h);
    let before = on_server(&rt, &server, &h, &reference)[0].clone();
    type_into(&mut h, "Quick search", &reference);
    h.key_press(egui::Key::Enter);
    support::step_until(&mut h, WAIT, "the search", |app| {
        let list = &app.customer_list();
        // The totals row too: it moves the rows down when it comes.
        list.query.search == reference && !list.loading && list.totals.is_some()
    });
    let _ = h.run_ok();
    h.get_by_label(&reference).click();
    support::step_until(&mut h, WAIT, "the record", |app| {
        app.customer_list().record.is_some()
    });
    let _ = h.run_ok();
    h.get_by_label("Edit").click();
    let _ = h.run_ok();
    h.get_by_label(&format!("Edit customer {reference}"));
    type_into(&mut h, "Name", "Renamed Supplies plc");
    h.get_by_label("Save changes").click();
    support::step_until(&mut h, WAIT, "the update", |app| {
        app.customers().form.is_none()
    });
    let after = on_server(&rt, &server, &h, &reference);
    assert_eq!(after[0]["name"], "Renamed Supplies plc");
    for unchanged in ["credit_limit", "currency_id", "main_address", "contacts"] {
        assert_eq!(after[0][unchanged], before[unchanged], "{unchanged} kept");
    }

    let _ = h.run_ok();
    h.get_by_label("Delete…").click();
    let _ = h.run_ok();
    h.get_by_label("Delete customer Renamed Supplies plc?");
    h.get_by_label("Cancel").click();
    let _ = h.run_ok();
    assert_eq!(
        on_server(&rt, &server, &h, &reference).len(),
        1,
        "cancel deletes nothing"
    );
    // A seeded customer has ledger transactions: Sage refuses, and the app says why.
    h.get_by_label("Delete…").click();
    let _ = h.run_ok();
    h.get_by_label("Delete Renamed Supplies plc").click();
    support::step_until(&mut h, WAIT, "the refusal", |app| {
        app.shared()
            .error
            .as_ref()
            .is_some_and(|e| e.message.contains("transactions"))
    });
    assert_eq!(on_server(&rt, &server, &h, &reference).len(), 1, "kept");

    // A customer without transactions is deleted.
    let company = h.state().shared().company.clone().unwrap();
    rt.block_on(async {
        let answer = reqwest::Client::new()
            .post(format!("{}customers", server.professional_api_url()))
            .bearer_auth(server.mint_access_token())
            .header("X-Site", company.site_id)
            .header("X-Company", company.company_id.to_string())
            .json(&serde_json::json!({"name": "Short Lived Ltd", "reference": "SHORT01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    });
    type_into(&mut h, "Quick search", "SHORT01");
    h.key_press(egui::Key::Enter);
    support::step_until(&mut h, WAIT, "the search", |app| {
        let list = &app.customer_list();
        // The totals row too: it moves the rows down when it comes.
        list.query.search == "SHORT01"
            && !list.loading
            && list.page.is_some()
            && list.totals.is_some()
    });
    let _ = h.run_ok();
    h.get_by_label("SHORT01").click();
    support::step_until(&mut h, WAIT, "the record", |app| {
        app.customer_list()
            .record
            .as_ref()
            .is_some_and(|r| r["reference"] == "SHORT01")
    });
    let _ = h.run_ok();
    h.get_by_label("Delete…").click();
    let _ = h.run_ok();
    h.get_by_label("Delete Short Lived Ltd").click();
    support::step_until(&mut h, WAIT, "the delete", |app| {
        app.shared()
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("Deleted customer"))
    });
    assert!(on_server(&rt, &server, &h, "SHORT01").is_empty(), "deleted");
}
