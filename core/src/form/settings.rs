//! The settings sheet: a header row and one row of values.

use super::columns::normalize;
use super::grid::Sheet;
use super::survey::flag;
use crate::text::nfc;

/// The settings Branchbook uses; others (public_key, submission_url...) are ignored.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    pub(crate) form_id: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) form_title: Option<String>,
    pub(crate) default_language: Option<String>,
    pub(crate) instance_name: Option<String>,
    /// `allow_choice_duplicates` (yes/true).
    pub(crate) allow_choice_duplicates: bool,
    /// The sheet's name and the 1-based row of the values, for problems.
    pub(crate) sheet: String,
    pub(crate) row: u32,
}

/// Reads the first non-blank row under the header.
pub(crate) fn read_settings(sheet: &Sheet) -> Settings {
    let mut settings = Settings {
        sheet: sheet.name.clone(),
        ..Settings::default()
    };
    let mut rows = (0..sheet.rows.len()).filter(|&r| !sheet.row_is_blank(r));
    let (Some(header), Some(values)) = (rows.next(), rows.next()) else {
        return settings;
    };
    settings.row = u32::try_from(values + 1).unwrap_or(u32::MAX);
    for (col, raw) in sheet.rows[header].iter().enumerate() {
        let value = nfc(sheet.cell(values, col).trim());
        if value.is_empty() {
            continue;
        }
        let slot = match normalize(raw).as_str() {
            "form_id" | "id_string" | "set_form_id" => &mut settings.form_id,
            "version" => &mut settings.version,
            "form_title" | "title" | "set_form_title" => &mut settings.form_title,
            "default_language" => &mut settings.default_language,
            "allow_choice_duplicates" => {
                settings.allow_choice_duplicates = flag(Some(value)).is_some();
                continue;
            }
            "instance_name" => &mut settings.instance_name,
            _ => continue,
        };
        *slot = Some(value);
    }
    settings
}
