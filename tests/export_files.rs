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
    let bytes = xlsx_bytes(&columns, rows.iter().map(Vec::as_slice)).unwrap();
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
