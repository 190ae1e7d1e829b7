//! Exported workbooks open back with a reader crate (calamine) with every value intact.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use calamine::{Data, Reader, Xlsx};
use sage200_desk::export::{save_atomically, xlsx_bytes};

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
