//! Image snapshots of key screens, rendered without a GPU (wgpu on Mesa's lavapipe).
//! The PNGs in `tests/snapshots/` are for people to look at; a change in how a screen looks
//! fails here until the snapshot is accepted with `UPDATE_SNAPSHOTS=1`.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sage200_desk::app::{PersistedState, SageApp, Screen, StartOptions, ThemeChoice};

fn harness(
    rt: &tokio::runtime::Runtime,
    theme: egui::Theme,
    screen: Screen,
) -> Harness<'static, SageApp> {
    let persisted = PersistedState {
        screen,
        theme: ThemeChoice::System,
        ..support::returning_user()
    };
    harness_with(rt, theme, persisted)
}

fn harness_with(
    rt: &tokio::runtime::Runtime,
    theme: egui::Theme,
    persisted: PersistedState,
) -> Harness<'static, SageApp> {
    let options = StartOptions {
        open_browser: false,
        keyring_scope: support::keyring_scope("snapshot"),
        ..StartOptions::new(rt.handle().clone(), None)
    };
    let mut harness = Harness::builder()
        // A finished background task may ask for a frame at any moment; allow a few.
        .with_max_steps(20)
        .with_size(egui::vec2(1100.0, 760.0))
        .with_theme(theme)
        .build_eframe(move |cc| SageApp::with_state(&cc.egui_ctx, options, persisted));
    support::settle_startup(&mut harness);
    harness.run();
    harness
}

#[test]
fn shell_snapshots_in_light_and_dark() {
    let rt = support::runtime();
    let mut results = egui_kittest::SnapshotResults::new();
    for (theme, name) in [(egui::Theme::Light, "light"), (egui::Theme::Dark, "dark")] {
        let mut h = harness(&rt, theme, Screen::Browse);
        h.get_by_label("Browse records");
        results.add(h.try_snapshot(format!("shell_browse_{name}")));
        let mut h = harness(&rt, theme, Screen::Settings);
        h.get_by_label("Appearance");
        results.add(h.try_snapshot(format!("shell_settings_{name}")));
        h.get_by_label_contains("Sage 200 Professional  (in use)")
            .click();
        h.run();
        h.get_by_label("Client id");
        results.add(h.try_snapshot(format!("settings_profile_{name}")));
    }
    results.unwrap();
}

#[test]
fn the_first_run_welcome_and_the_shortcuts() {
    let rt = support::runtime();
    let mut results = egui_kittest::SnapshotResults::new();
    for (theme, name) in [(egui::Theme::Light, "light"), (egui::Theme::Dark, "dark")] {
        let mut h = harness_with(&rt, theme, PersistedState::default());
        h.get_by_label("Welcome to Sage 200 Desk");
        results.add(h.try_snapshot(format!("welcome_{name}")));
    }
    let mut h = harness(&rt, egui::Theme::Dark, Screen::RequestBuilder);
    h.key_press(egui::Key::F1);
    h.run();
    h.get_by_label("Show these shortcuts");
    results.add(h.try_snapshot("help_shortcuts_dark"));
    h.key_press(egui::Key::Escape);
    h.run();
    h.get_by_label("Help").click();
    h.run();
    h.get_by_label("About Sage 200 Desk").click();
    h.run();
    // The commit changes with every commit: stable_snapshot paints the version line over.
    h.get_by_label_contains("Version ");
    results.add(stable_snapshot(&mut h, "help_about_dark"));
    results.unwrap();
}

#[test]
fn the_company_picker_after_sign_in() {
    use sage200_desk::demo_server::DemoConfig;
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 10,
            ..DemoConfig::default()
        },
    );
    let options = StartOptions {
        open_browser: false,
        keyring_scope: support::keyring_scope("snapshot-picker"),
        ..StartOptions::new(rt.handle().clone(), Some(server.base_url()))
    };
    let mut h = Harness::builder()
        // A finished background task may ask for a frame at any moment; allow a few.
        .with_max_steps(20)
        .with_size(egui::vec2(1100.0, 760.0))
        .with_theme(egui::Theme::Light)
        .build_eframe(move |cc| {
            SageApp::with_state(&cc.egui_ctx, options, support::returning_user())
        });
    support::settle_startup(&mut h);
    support::sign_in(&rt, &mut h);
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the sites",
        |app| {
            matches!(
                app.company().sites,
                sage200_desk::screens::company::SitesView::Loaded(_)
            )
        },
    );
    h.run();
    h.get_by_label("Choose a company");
    stable_snapshot(&mut h, "company_picker_light").unwrap();
}

#[test]
fn the_request_builder_with_an_answer() {
    use sage200_desk::demo_server::DemoConfig;
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 60,
            ..DemoConfig::default()
        },
    );
    let options = StartOptions {
        open_browser: false,
        keyring_scope: support::keyring_scope("snapshot-builder"),
        ..StartOptions::new(rt.handle().clone(), Some(server.base_url()))
    };
    let persisted = PersistedState {
        screen: Screen::RequestBuilder,
        ..support::returning_user()
    };
    let mut h = Harness::builder()
        // A finished background task may ask for a frame at any moment; allow a few.
        .with_max_steps(20)
        .with_size(egui::vec2(1200.0, 820.0))
        .with_theme(egui::Theme::Dark)
        .build_eframe(move |cc| SageApp::with_state(&cc.egui_ctx, options, persisted));
    support::settle_startup(&mut h);
    support::sign_in(&rt, &mut h);
    support::pick_company(&mut h, "Stationery & Office Supplies");
    let id = h.state().request().active_tab;
    let mut draft = h.state().request().tabs[0].draft.clone();
    draft.query.select = vec![
        "id".into(),
        "reference".into(),
        "name".into(),
        "balance".into(),
        "on_hold".into(),
        "credit_limit".into(),
    ];
    draft.query.filter = "balance gt 1000".into();
    draft.query.top = Some(25);
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft),
        ));
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::SendRequest(id));
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the answer",
        |app| app.request().tabs[0].answer.is_some(),
    );
    h.run();
    stable_snapshot(&mut h, "request_builder_dark").unwrap();
    for (view, name) in [
        ("Tree", "request_builder_tree_dark"),
        ("Raw", "request_builder_raw_dark"),
    ] {
        h.get_by_label(view).click();
        h.run();
        stable_snapshot(&mut h, name).unwrap();
    }
    h.get_by_label_contains("Response headers").click();
    h.run();
    // The date changes (and so does its width): a fixed box covers it.
    let date = h.get_by_label_contains("GMT").rect();
    let date = egui::Rect::from_min_size(
        date.min - egui::vec2(2.0, 2.0),
        egui::vec2(360.0, date.height() + 4.0),
    );
    stable_snapshot_with(&mut h, "request_builder_headers_dark", &[date]).unwrap();

    // The first records of a long answer, shown while the rest is on its way (a slow
    // link: 200 kB at once, the rest a minute later).
    server.add_fault(sage200_desk::demo_server::Fault::new(
        sage200_desk::demo_server::FaultKind::SlowBody {
            bytes: 200_000,
            millis: 60_000,
        },
        "_demo_large_answer",
        1,
    ));
    let sent = h.state().request().tabs[0].draft.clone();
    let large = support::large_answer_draft(2);
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(large),
        ));
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::SendRequest(id));
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the first records",
        |app| {
            app.request().tabs[0]
                .arriving
                .as_ref()
                .is_some_and(|a| a.preview.is_some() && a.received == 200_000)
        },
    );
    // The spinner left of Cancel turns from frame to frame: painted over.
    let cancel = h.get_by_label("Cancel").rect();
    let spinner = egui::Rect::from_min_max(
        egui::pos2(cancel.min.x - cancel.height() - 12.0, cancel.min.y),
        egui::pos2(cancel.min.x - 1.0, cancel.max.y),
    );
    stable_snapshot_with(&mut h, "request_builder_arriving_dark", &[spinner]).unwrap();
    h.get_by_label("Cancel").click();
    let _ = h.run_ok();
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(sent),
        ));
    h.run();

    // A pasted command's notes: what it could not carry, above the request it made.
    let base = h.state().shared().api_base_url.clone();
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::ImportCurl(
            format!(
                "curl -u me:secret -k -H 'X-Trace: 7' -d '{{\"name\":\"Acme\"}}' {base}customers"
            ),
        ));
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the pasted request",
        |app| app.request().tabs.len() == 2,
    );
    h.run();
    stable_snapshot(&mut h, "request_builder_curl_notes_dark").unwrap();

    // A collection beside the tabs: Sage's sales OpenAPI file as one, a folder open, a
    // request opened from it and changed since (marked •).
    let dir = tempfile::tempdir().unwrap();
    let sales = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/sage200-openapi/sales.json"),
    )
    .unwrap();
    let mut collection = sage200_desk::api::collection_from_openapi(&sales).unwrap();
    // A few of its folders, customers' first (its name not the navigation's).
    collection.items.retain(|item| {
        [
            "Customers",
            "Customer Contacts",
            "Customer Delivery Addresses",
            "Sales Orders",
        ]
        .contains(&item.name())
    });
    for item in &mut collection.items {
        if let sage200_desk::model::Item::Folder(folder) = item
            && folder.name == "Customers"
        {
            folder.name = "Customer records".to_owned();
        }
    }
    collection.name = "Sage 200 sales".to_owned();
    sage200_desk::collection::write_collection(&dir.path().join("sales"), &collection).unwrap();
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::OpenCollection(
            Some(dir.path().join("sales")),
        ));
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the collection",
        |app| app.request().collection.is_some(),
    );
    h.run();
    h.get_by_label("Customer records").click();
    h.run();
    // The tree comes before the tabs (whose first is also "GET customers").
    h.get_all_by_label("GET customers").next().unwrap().click();
    h.run();
    h.get_by_label("$top").click();
    h.run();
    h.get_by_label("$top").type_text("10");
    h.run();
    stable_snapshot(&mut h, "request_builder_collection_dark").unwrap();

    // The variables window: the collection's own, an environment with a secret.
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::OpenVariables);
    h.run();
    let mut editor = h.state().request().variables_editor.clone().unwrap();
    let row =
        |key: &str, value: &str, secret: bool| sage200_desk::screens::request::EditedVariable {
            variable: sage200_desk::model::Variable {
                key: key.into(),
                value: if secret { String::new() } else { value.into() },
                enabled: true,
                secret,
                ..Default::default()
            },
            secret_value: sage200_desk::model::Secret::new(if secret { value } else { "" }),
        };
    editor
        .environments
        .push(sage200_desk::screens::request::EditedEnvironment {
            name: "Test site".into(),
            variables: vec![
                row("customer_id", "{{first_customer}}", false),
                row("subscription_key", "0123456789abcdef", true),
            ],
        });
    editor.showing = Some(0);
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::EditVariables(
            Box::new(editor),
        ));
    h.run();
    h.run();
    stable_snapshot(&mut h, "request_builder_variables_dark").unwrap();
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::CloseVariables);
    h.run();

    // A real public Postman collection imported: the summary of what was kept differently.
    let imported = tempfile::tempdir().unwrap();
    std::fs::write(imported.path().join("notes.txt"), "not a collection").unwrap();
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::ImportCollection {
            file: Some(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../shared/data/postman-collections/xero-oauth2.postman_collection.json"),
            ),
            dir: Some(imported.path().to_path_buf()),
        });
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the import's summary",
        |app| app.request().import_report.is_some(),
    );
    h.run();
    // The temporary folder's name changes from run to run: a box covers it.
    let into = h.get_by_label_contains("Into ").rect();
    stable_snapshot_with(&mut h, "request_builder_import_summary_dark", &[into]).unwrap();
}

/// A snapshot with what changes from run to run (the token expiry, durations, the demo
/// server's port in URLs, the commit) painted over in the colour around it, so the pictures stay
/// stable and still read well in the README.
fn stable_snapshot(h: &mut Harness<'static, SageApp>, name: &str) -> egui_kittest::SnapshotResult {
    stable_snapshot_with(h, name, &[])
}

/// As [`stable_snapshot`], also painting over `more`.
fn stable_snapshot_with(
    h: &mut Harness<'static, SageApp>,
    name: &str,
    more: &[egui::Rect],
) -> egui_kittest::SnapshotResult {
    let mut rects = more.to_vec();
    for label in ["token until", " ms", "http://127.0.0.1:", "(commit "] {
        rects.extend(
            h.query_all_by_label_contains(label)
                .map(|n| n.rect().expand(2.0)),
        );
    }
    let mut image = h.render().expect("the harness renders");
    let scale = h.ctx.pixels_per_point();
    let (width, height) = image.dimensions();
    #[allow(clippy::cast_sign_loss)] // clamped at zero first
    let to_px = |v: f32, max: u32| ((v * scale).round().max(0.0) as u32).min(max);
    for rect in rects {
        let (x0, x1) = (to_px(rect.min.x, width), to_px(rect.max.x, width));
        let (y0, y1) = (to_px(rect.min.y, height), to_px(rect.max.y, height));
        // The background just left of the text (or right of it at the window's edge).
        let sample_x = if x0 >= 3 { x0 - 3 } else { x1.min(width - 1) };
        let background = *image.get_pixel(sample_x, u32::midpoint(y0, y1).min(height - 1));
        for y in y0..y1 {
            for x in x0..x1 {
                image.put_pixel(x, y, background);
            }
        }
    }
    egui_kittest::try_image_snapshot(&image, name)
}

/// A demo server with 80 customers and the app signed in to its first company, light, at
/// `width` points wide.
fn signed_in(
    rt: &tokio::runtime::Runtime,
    scope: &str,
    width: f32,
) -> (
    sage200_desk::demo_server::DemoServer,
    Harness<'static, SageApp>,
) {
    use sage200_desk::demo_server::DemoConfig;
    let server = support::demo_server(
        rt,
        DemoConfig {
            auto_approve: true,
            customers: 80,
            ..DemoConfig::default()
        },
    );
    let options = StartOptions {
        open_browser: false,
        keyring_scope: support::keyring_scope(scope),
        ..StartOptions::new(rt.handle().clone(), Some(server.base_url()))
    };
    let mut h = Harness::builder()
        // A finished background task may ask for a frame at any moment; allow a few.
        .with_max_steps(20)
        .with_size(egui::vec2(width, 760.0))
        .with_theme(egui::Theme::Light)
        .build_eframe(move |cc| {
            SageApp::with_state(&cc.egui_ctx, options, support::returning_user())
        });
    support::settle_startup(&mut h);
    support::sign_in(rt, &mut h);
    support::pick_company(&mut h, "Stationery & Office Supplies");
    (server, h)
}

#[test]
fn the_browse_screen_with_customers() {
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, "snapshot-browse", 1200.0);
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the page",
        |app| {
            let browse = &app.browse();
            !browse.loading && browse.page.is_some() && browse.count.is_some()
        },
    );
    h.run();
    let mut results = egui_kittest::SnapshotResults::new();
    results.add(stable_snapshot(&mut h, "browse_customers_light"));

    // The detail pane of a record.
    let page = h.state().browse().page.clone().unwrap();
    let table = page.table.clone().unwrap();
    let reference = table.columns.iter().position(|c| c == "reference").unwrap();
    h.get_by_label(&table.cell(1, reference)).click();
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the record",
        |app| app.browse().record.is_some(),
    );
    h.run();
    results.add(stable_snapshot(&mut h, "browse_detail_light"));

    // Customers: the list, and the new-customer form with problems shown as typed.
    h.get_by_label("Customers").click();
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the customer list",
        |app| {
            let list = &app.customer_list();
            !list.loading && list.page.is_some() && list.count.is_some()
        },
    );
    h.run();
    results.add(stable_snapshot(&mut h, "customers_list_light"));
    h.get_by_label("New customer").click();
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(15),
        "the form",
        |app| {
            app.customers()
                .form
                .as_ref()
                .is_some_and(|f| f.lookups.is_some() && !f.loading_defaults)
        },
    );
    h.get_by_label("Reference").click();
    h.run();
    h.get_by_label("Reference").type_text("TOOLONGREF");
    h.get_by_label("Email").click();
    h.run();
    h.get_by_label("Email").type_text("ann at example");
    h.run();
    results.add(stable_snapshot(&mut h, "customer_form_light"));
    results.unwrap();
}

#[test]
fn a_drill_down_with_its_breadcrumb() {
    use sage200_desk::screens::records::Command;
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, "snapshot-drill", 1300.0);
    let wait = std::time::Duration::from_secs(15);
    let arrived = |resource: &'static str| {
        move |app: &SageApp| {
            let browse = app.browse();
            browse.query.resource == resource && !browse.loading && browse.page.is_some()
        }
    };
    support::step_until(&mut h, wait, "the customers", arrived("customers"));
    // A customer, its transactions (the columns an accountant reads), one transaction open.
    h.state_mut().handle(Command::OpenRecord {
        resource: "customers".to_owned(),
        id: 3,
    });
    support::step_until(&mut h, wait, "the customer", |app| {
        app.browse().query.resource == "customers" && app.browse().record.is_some()
    });
    h.run();
    h.get_by_label("A customer's transactions").scroll_to_me();
    h.run();
    h.get_by_label("A customer's transactions").click();
    support::step_until(
        &mut h,
        wait,
        "the transactions",
        arrived("customers/3/sales_posted_transactions"),
    );
    let mut query = h.state().browse().query.clone();
    query.columns = [
        "reference",
        "transaction_date",
        "document_outstanding_value",
        "customer_id",
    ]
    .map(String::from)
    .to_vec();
    h.state_mut().handle(Command::Load(Box::new(query)));
    support::step_until(&mut h, wait, "the chosen columns", |app| {
        let browse = app.browse();
        browse.query.columns.len() == 4 && !browse.loading && browse.page.is_some()
    });
    support::step_until(&mut h, wait, "the customer's name", |app| {
        app.shared().links.label("customers", 3).is_some()
    });
    h.state_mut().handle(Command::Select(Some(1)));
    support::step_until(&mut h, wait, "the transaction", |app| {
        app.browse().record.is_some()
    });
    h.run();
    // The detail pane scrolled to its links: the customer by name, the Related lists.
    h.get_by_label("Nominal ledger postings (debits and credits)")
        .scroll_to_me();
    h.run();
    // The pointer rests in the navigation's empty space, not wherever the last click
    // happened to land (which moves with the detail pane's scroll).
    h.hover_at(egui::pos2(80.0, 600.0));
    h.run();
    stable_snapshot(&mut h, "browse_drill_down_light").unwrap();
}

#[test]
fn the_grid_with_groups_and_a_selection_and_the_reports() {
    use sage200_desk::screens::records::Command;
    let rt = support::runtime();
    let (_server, mut h) = signed_in(&rt, "snapshot-reports", 1200.0);
    let wait = std::time::Duration::from_secs(20);
    support::step_until(&mut h, wait, "the page", |app| {
        let browse = &app.browse();
        !browse.loading && browse.page.is_some() && browse.totals.is_some()
    });
    // Grouped by status, with a block of cells selected.
    h.state_mut()
        .handle(Command::GroupBy(Some("account_status_type".to_owned())));
    support::step_until(&mut h, wait, "the groups", |app| {
        app.browse().shown.is_some() && !app.browse().arranging
    });
    h.state_mut().handle(Command::SelectCells(Some(
        sage200_desk::document::CellRange {
            anchor: (2, 1),
            cursor: (5, 3),
        },
    )));
    h.run();
    let mut results = egui_kittest::SnapshotResults::new();
    results.add(stable_snapshot(&mut h, "browse_grid_groups_light"));

    h.get_by_label("Reports").click();
    support::step_until(&mut h, wait, "every report", support::reports_ready);
    h.run();
    results.add(stable_snapshot(&mut h, "reports_light"));
    results.unwrap();
}
