//! Writes the example forms `core/forms/<name>.xlsx` from their text sources
//! `core/forms/src/<name>/{survey,choices,settings}.tsv` (one row per line, cells
//! separated by tabs, exactly as they appear in the spreadsheet).
//!
//! The sources are what people review and edit; the .xlsx files are committed too, so
//! tests and form authors need no generator. Run after editing a source:
//!
//!     cargo run -p branchbook-core --example build_example_forms
//!
//! The output is reproducible: the same sources give the same bytes.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

const SHEETS: [&str; 3] = ["survey", "choices", "settings"];

fn main() {
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let mut sources: Vec<_> = fs::read_dir(forms.join("src"))
        .expect("core/forms/src")
        .map(|e| e.unwrap().path())
        .collect();
    sources.sort();
    for dir in sources.into_iter().filter(|p| p.is_dir()) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut book = Workbook::new();
        // A fixed creation date keeps the bytes identical from run to run.
        book.set_properties(
            &DocProperties::new()
                .set_title(&name)
                .set_creation_datetime(&ExcelDateTime::from_ymd(2025, 6, 12).unwrap()),
        );
        let header = Format::new().set_bold();
        for sheet in SHEETS {
            let path = dir.join(format!("{sheet}.tsv"));
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            let ws = book.add_worksheet();
            ws.set_name(sheet).unwrap();
            for (r, line) in text.lines().enumerate() {
                for (c, cell) in line.split('\t').enumerate() {
                    if cell.is_empty() {
                        continue;
                    }
                    let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
                    if r == 0 {
                        ws.write_string_with_format(r, c, cell, &header).unwrap();
                    } else {
                        ws.write_string(r, c, cell).unwrap();
                    }
                }
            }
            ws.set_freeze_panes(1, 0).unwrap();
        }
        let out = forms.join(format!("{name}.xlsx"));
        book.save(&out)
            .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
        println!("wrote {}", out.display());
    }
}
