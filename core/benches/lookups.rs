//! Secondary-instance look-up benchmark: a form whose `select_one_from_file` list has
//! 1,000 and then 10,000 rows, with ten calculations reading columns of the chosen row
//! (`instance('villages')/root/item[name = ${village}]/...`) and a count over a filtered
//! set. Measures one answer (median and p99 over 200 answers, each recomputing every
//! look-up) at both sizes, to show the cost per answer grows with the list and no faster.
//! Run with `cargo bench -p branchbook-core --bench lookups`; it prints the numbers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use branchbook_core::engine::{Answer, FormSession};
use branchbook_core::form::{Attachments, load_xlsx_with};
use chrono::{TimeZone, Utc};

const COLUMNS: usize = 9;

fn form() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("survey").unwrap();
    let mut rows: Vec<[String; 4]> = vec![
        ["type", "name", "label", "calculation"].map(str::to_owned),
        [
            "select_one_from_file villages.csv",
            "village",
            "Village",
            "",
        ]
        .map(str::to_owned),
    ];
    for c in 0..COLUMNS {
        rows.push([
            "calculate".into(),
            format!("c{c}"),
            String::new(),
            format!("instance('villages')/root/item[name = ${{village}}]/c{c}"),
        ]);
    }
    rows.push([
        "calculate".into(),
        "same_district".into(),
        String::new(),
        "count(instance('villages')/root/item[district = ${c0}])".into(),
    ]);
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    let settings = book.add_worksheet();
    settings.set_name("settings").unwrap();
    for (c, (k, v)) in [("form_id", "lookups"), ("version", "1")]
        .iter()
        .enumerate()
    {
        settings.write_string(0, c as u16, *k).unwrap();
        settings.write_string(1, c as u16, *v).unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn villages(rows: usize) -> Attachments {
    let mut csv = String::from("name,label,district");
    for c in 0..COLUMNS {
        csv.push_str(&format!(",c{c}"));
    }
    csv.push('\n');
    for r in 0..rows {
        csv.push_str(&format!("v{r},Village {r},d{}", r % 50));
        for c in 0..COLUMNS {
            csv.push_str(&format!(",d{}", (r + c) % 50));
        }
        csv.push('\n');
    }
    [("villages.csv".to_owned(), csv.into_bytes())].into()
}

fn measure(rows: usize) -> (Duration, Duration) {
    let compiled = Arc::new(load_xlsx_with(&form(), Some("lookups"), &villages(rows)).unwrap());
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
    let mut session = FormSession::new(compiled, None, now);
    let path = session.screen().questions[0].path.clone();
    let mut times = Vec::new();
    for i in 0..200 {
        let name = format!("v{}", (i * 7919) % rows);
        let start = Instant::now();
        session.set_answer(&path, Answer::Choice { name }).unwrap();
        times.push(start.elapsed());
    }
    let values = session.state().answers.values;
    assert_eq!(
        values["same_district"],
        (rows / 50).to_string(),
        "{values:?}"
    );
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

fn main() {
    println!("secondary-instance look-ups: 10 per answer (9 columns of the chosen row, 1 count)");
    for rows in [1_000, 10_000] {
        let (median, p99) = measure(rows);
        println!(
            "  {rows:>6} rows: one answer median {:>9.3} ms, p99 {:>9.3} ms",
            median.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
}
