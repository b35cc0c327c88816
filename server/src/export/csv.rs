//! CSV: UTF-8 with a byte-order mark (without it Excel on Windows reads "Đề án 8" as
//! mojibake), one table per file, written a page of records at a time.

use super::{Cell, ExportError, Table};
use crate::model::StoredRecord;

/// The UTF-8 byte-order mark that starts every CSV export.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

fn encode(
    rows: impl IntoIterator<Item = Vec<String>>,
    out: Vec<u8>,
) -> Result<Vec<u8>, ExportError> {
    let mut writer = ::csv::Writer::from_writer(out);
    for row in rows {
        writer
            .write_record(&row)
            .map_err(|e| ExportError::Csv(e.to_string()))?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.to_string()))
}

/// The start of the file of table `sheet`: the BOM and the header row.
pub fn head(table: &dyn Table, sheet: usize) -> Result<Vec<u8>, ExportError> {
    let header = table
        .sheets()
        .get(sheet)
        .map(|s| s.header.clone())
        .unwrap_or_default();
    encode([header], BOM.to_vec())
}

/// The rows a page of records contributes to table `sheet`.
pub fn page(
    table: &dyn Table,
    sheet: usize,
    records: &[StoredRecord],
) -> Result<Vec<u8>, ExportError> {
    let rows = records
        .iter()
        .flat_map(|r| table.rows(r, sheet))
        .map(|row| row.iter().map(Cell::csv_text).collect());
    encode(rows, Vec::new())
}

/// A small table held whole in memory (the dashboard's): the BOM, the header, the rows.
pub fn whole(header: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>, ExportError> {
    let out = encode([header.to_vec()], BOM.to_vec())?;
    encode(
        rows.iter()
            .map(|row| row.iter().map(Cell::csv_text).collect()),
        out,
    )
}
