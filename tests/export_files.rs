//! Exported workbooks open back with a reader crate (calamine) with every value intact.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use calamine::{Data, Reader, Xlsx};
use sage200_desk::export::{save_atomically, xlsx_bytes};
use support::through_calc;

#[test]
fn an_xlsx_export_opens_back_with_numbers_as_numbers_and_codes_as_text() {
    let columns = vec![
        "reference".to_owned(),
        "name".to_owned(),
        "balance".to_owned(),
        "on_hold".to_owned(),
    ];
    let rows = [
        vec![
            "00012".to_owned(),
            "O'Brien & Sons".to_owned(),
            "1234.50".to_owned(),
            "false".to_owned(),
        ],
        vec![
            "ZOE01".to_owned(),
            "Zoë Café".to_owned(),
            "-7".to_owned(),
            "true".to_owned(),
        ],
    ];
    let bytes = xlsx_bytes(&columns, rows.iter().map(Vec::as_slice), &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("customers.xlsx");
    save_atomically(&path, &bytes).unwrap();

    let mut workbook: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheet = workbook.worksheet_range("Records").unwrap();
    let cells: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(cells[0][0], Data::String("reference".into()));
    assert_eq!(
        cells[1][0],
        Data::String("00012".into()),
        "leading zeros kept"
    );
    assert_eq!(cells[1][1], Data::String("O'Brien & Sons".into()));
    assert_eq!(cells[1][2], Data::Float(1234.5));
    assert_eq!(cells[2][1], Data::String("Zoë Café".into()));
    assert_eq!(cells[2][2], Data::Float(-7.0));
    assert_eq!(cells[2][3], Data::String("true".into()));
    assert_eq!(cells.len(), 3);
}

#[test]
fn dates_money_long_cells_and_too_many_rows_are_handled_as_excel_needs() {
    let columns = vec![
        "date".to_owned(),
        "date_time_updated".to_owned(),
        "balance".to_owned(),
        "notes".to_owned(),
    ];
    let long = "x".repeat(40_000);
    let rows = [vec![
        "2025-03-31".to_owned(),
        "2025-03-31T14:05:09.123Z".to_owned(),
        "20000.0".to_owned(),
        long.clone(),
    ]];
    let bytes = xlsx_bytes(&columns, rows.iter().map(Vec::as_slice), &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dates.xlsx");
    save_atomically(&path, &bytes).unwrap();
    let mut workbook: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheet = workbook.worksheet_range("Records").unwrap();
    let cells: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(
        cells[0][1],
        Data::String("date_time_updated (UTC)".into()),
        "the header says the times are UTC"
    );
    let Data::DateTime(day) = &cells[1][0] else {
        panic!("a date is an Excel date: {:?}", cells[1][0]);
    };
    // Excel's serial dates: 2025-03-31 is day 45,747.
    assert!((day.as_f64() - 45_747.0).abs() < 1e-9, "{}", day.as_f64());
    let Data::DateTime(at) = &cells[1][1] else {
        panic!("a date-time is an Excel date: {:?}", cells[1][1]);
    };
    let expected = 45_747.0 + (14.0 * 3600.0 + 5.0 * 60.0 + 9.123) / 86_400.0;
    assert!((at.as_f64() - expected).abs() < 1e-8, "{}", at.as_f64());
    assert_eq!(cells[1][2], Data::Float(20000.0));
    let Data::String(cut) = &cells[1][3] else {
        panic!("{:?}", cells[1][3]);
    };
    assert!(
        cut.chars().count() <= 32_767 && cut.contains("[cut: "),
        "a long cell is cut, visibly"
    );

    // One row more than a sheet holds: refused before anything is written.
    let many = std::iter::repeat_n(["1"], 1_048_576);
    let refused = xlsx_bytes(&["n".to_owned()], many, &[]).unwrap_err();
    assert!(refused.to_string().contains("CSV"), "{refused}");
}

/// What both files must read as in Calc: names intact, money numbers, dates dates.
fn common_types(cells: &[Vec<Data>], at: &dyn Fn(&str) -> usize) {
    assert_eq!(cells[1][at("name")], Data::String("Zoë Café".into()));
    assert_eq!(cells[1][at("balance")], Data::Float(1234.5));
    assert_eq!(cells[2][at("balance")], Data::Float(-7.0));
    assert!(
        matches!(cells[1][at("date_created")], Data::DateTime(_)),
        "{:?}",
        cells[1]
    );
}

/// Exports of an answer (nested values, codes, money, dates, cells that look like
/// formulas), opened by `LibreOffice` Calc: what Calc sees is what a user sees.
#[test]
fn exports_open_in_libreoffice_calc_with_the_right_types() {
    use sage200_desk::document::read_answer;
    use sage200_desk::screens::calls::write_answer;
    let body = r#"[
      {"reference":"00012","name":"Zoë Café","balance":1234.50,"on_hold":false,
       "date_created":"2025-03-31","date_time_updated":"2025-03-31T14:05:09.123Z",
       "main_address":{"city":"Leeds"}},
      {"reference":"EVIL1","name":"=HYPERLINK(\"http://x\",\"y\")","balance":-7,
       "on_hold":true,"date_created":"2024-02-29","date_time_updated":"2024-02-29T00:00:00Z",
       "main_address":{"city":"-2+3+cmd|' /C calc'!A0"}}
    ]"#;
    let answer = read_answer(
        sage200_desk::model::ResponseMeta::ok("customers", 200),
        &bytes::Bytes::from(body),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("calc");
    std::fs::create_dir_all(&out).unwrap();

    // The workbook: codes text, money numbers, dates and date-times dates, nothing a formula.
    let xlsx = dir.path().join("customers.xlsx");
    write_answer(&answer, &xlsx, None).unwrap();
    let Some((cells, formulas)) = through_calc(&xlsx, &out, None) else {
        return;
    };
    let header: Vec<String> = cells[0].iter().map(ToString::to_string).collect();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    assert_eq!(cells[1][at("reference")], Data::String("00012".into()));
    common_types(&cells, &at);
    assert!(
        matches!(cells[1][at("date_time_updated (UTC)")], Data::DateTime(_)),
        "{:?}",
        cells[1]
    );
    assert_eq!(
        cells[2][at("name")],
        Data::String("=HYPERLINK(\"http://x\",\"y\")".into()),
        "text, not a formula"
    );
    assert_eq!(
        cells[1][at("main_address.city")],
        Data::String("Leeds".into())
    );
    assert_eq!(formulas, 0, "no cell became a formula");

    // The CSV (UTF-8 with a byte-order mark, as Calc's import dialog detects): names intact,
    // money numbers, dates dates, formula-looking cells text.
    let csv = dir.path().join("customers.csv");
    let remark = write_answer(&answer, &csv, None).unwrap();
    assert!(
        remark
            .as_deref()
            .is_some_and(|r| r.contains("\"reference\" has codes with leading zeros")),
        "the user is told the CSV loses 00012's zeros in a spreadsheet: {remark:?}"
    );
    let (cells, formulas) = through_calc(&csv, &out, Some("CSV:44,34,76,1")).unwrap();
    let header: Vec<String> = cells[0].iter().map(ToString::to_string).collect();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    assert_eq!(
        header[0], "reference",
        "no byte-order mark in the first name"
    );
    common_types(&cells, &at);
    let Data::String(guarded) = &cells[2][at("name")] else {
        panic!("a formula-looking name is text: {:?}", cells[2]);
    };
    assert!(
        guarded.starts_with('\'') && guarded.contains("HYPERLINK"),
        "{guarded}"
    );
    let Data::String(guarded) = &cells[2][at("main_address.city")] else {
        panic!("{:?}", cells[2]);
    };
    assert!(guarded.starts_with("'-2+3"), "{guarded}");
    assert_eq!(formulas, 0, "no cell became a formula");
}
