//! A form's id and version: the names that reach file names, web addresses and HTTP
//! headers (`/api/v1/forms/{id}/{version}`, the export's Content-Disposition). A form id
//! is 1 to [`MAX_FORM_ID_CHARS`] of `[a-z0-9_]`; a version at most [`MAX_VERSION_CHARS`]
//! of `[A-Za-z0-9._-]`. What an author wrote is mapped to that where the mapping loses
//! nothing that tells forms apart in practice (case, `-`, `.`, spaces: pyxform accepts
//! `UCL_Biomass_Plot_Form` and file names like `field-list`; the `:` of a time, as in a
//! version or id that Excel keeps as a date-time, `2023-04-23 09:10:38`), and refused
//! otherwise.

use super::Problem;

/// Most characters in a form id.
pub const MAX_FORM_ID_CHARS: usize = 64;

/// Most characters in a form version.
pub const MAX_VERSION_CHARS: usize = 64;

/// Whether `id` can be a stored form's id: 1 to [`MAX_FORM_ID_CHARS`] of `[a-z0-9_]`.
pub fn is_valid_form_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_FORM_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `version` can be a stored form's version: at most [`MAX_VERSION_CHARS`] of
/// `[A-Za-z0-9._-]` (empty when the form has none).
pub fn is_valid_version(version: &str) -> bool {
    version.len() <= MAX_VERSION_CHARS
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// The form id an author wrote, as it is stored: ASCII letters lower-cased, and `-`,
/// `.`, `:` and spaces written `_`. Anything else is kept (and refused by the check).
pub(crate) fn stored_form_id(written: &str) -> String {
    written
        .trim()
        .chars()
        .map(|c| match c {
            '-' | '.' | ':' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The version an author wrote, as it is stored: spaces written `_` and the `:` of a
/// time `.` (ODK takes any text; `2023-04-23T09:10:38` is stored as `2023-04-23T09.10.38`).
pub(crate) fn stored_version(written: &str) -> String {
    written
        .trim()
        .chars()
        .map(|c| match c {
            ' ' => '_',
            ':' => '.',
            c => c,
        })
        .collect()
}

/// A form id close to `id` that is valid, to suggest: accents dropped, anything else
/// outside `[a-z0-9_]` as `_`, cut to the limit.
fn suggested_form_id(id: &str) -> String {
    let folded: String = crate::text::fold(id)
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .take(MAX_FORM_ID_CHARS)
        .collect();
    if folded.trim_matches('_').is_empty() {
        "my_form".into()
    } else {
        folded
    }
}

/// The problems of a form's id and version as stored (after [`stored_form_id`] and
/// [`stored_version`]), at the settings sheet's cells. An empty id is reported by the
/// caller (it has its own advice).
pub(crate) fn id_problems(id: &str, version: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let at = |column: &str, message: String| Problem {
        sheet: "settings".into(),
        row: 0,
        column: column.into(),
        message,
    };
    if !id.is_empty() && !is_valid_form_id(id) {
        let length = id.chars().count();
        problems.push(at(
            "form_id",
            if length > MAX_FORM_ID_CHARS {
                format!(
                    "the form_id is {length} characters long; at most {MAX_FORM_ID_CHARS} are allowed (it names export files and web addresses): for example '{}'",
                    suggested_form_id(id)
                )
            } else {
                format!(
                    "the form_id {id:?} may hold only letters a-z, digits and '_' (it names export files and web addresses): for example '{}'",
                    suggested_form_id(id)
                )
            },
        ));
    }
    if !is_valid_version(version) {
        let length = version.chars().count();
        problems.push(at(
            "version",
            if length > MAX_VERSION_CHARS {
                format!(
                    "the version is {length} characters long; at most {MAX_VERSION_CHARS} are allowed"
                )
            } else {
                format!(
                    "the version {version:?} may hold only letters a-z and A-Z, digits, '.', '-' and '_' (it is part of web addresses and file names)"
                )
            },
        ));
    }
    problems
}

/// The note a reader gives when it stored `written` as `stored` (empty when they are
/// the same), for `column` of the settings sheet.
pub(crate) fn mapped_note(column: &str, written: &str, stored: &str) -> Option<Problem> {
    (written.trim() != stored).then(|| Problem {
        sheet: "settings".into(),
        row: 0,
        column: column.into(),
        message: match column {
            "form_id" => format!(
                "the form id {written:?} is stored as '{stored}': form ids are lower case, with '_' for '-', '.', ':' and spaces"
            ),
            _ => format!(
                "the {column} {written:?} is stored as '{stored}': spaces become '_' and ':' becomes '.'"
            ),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_pyxform_accepts_is_mapped_and_the_rest_refused() {
        for (written, stored) in [
            ("UCL_Biomass_Plot_Form", "ucl_biomass_plot_form"),
            ("field-list", "field_list"),
            ("household.v2", "household_v2"),
            ("  Needs Assessment ", "needs_assessment"),
            ("ho_gia_dinh", "ho_gia_dinh"),
            ("2023-04-23 09:10:38", "2023_04_23_09_10_38"),
        ] {
            let id = stored_form_id(written);
            assert_eq!(id, stored);
            assert!(is_valid_form_id(&id), "{id}");
            assert!(id_problems(&id, "1.0").is_empty());
        }
        for written in ["a\"b", "a\nb", "x;y", "hộ_gia_đình", "a/b", "x'y", "a=b"] {
            let id = stored_form_id(written);
            let problems = id_problems(&id, "");
            assert_eq!(problems.len(), 1, "{written:?}");
            assert_eq!(problems[0].column, "form_id");
            assert!(
                problems[0].message.contains("for example '"),
                "{problems:?}"
            );
        }
        let suggested = &id_problems(&stored_form_id("Hộ gia đình\"2"), "")[0].message;
        assert!(
            suggested.ends_with("for example 'ho_gia_dinh_2'"),
            "{suggested}"
        );
        let long = "a".repeat(MAX_FORM_ID_CHARS + 1);
        assert!(id_problems(&long, "")[0].message.contains("65 characters"));
        assert!(id_problems(&"a".repeat(MAX_FORM_ID_CHARS), "").is_empty());
    }

    #[test]
    fn versions_keep_their_case_and_dots_and_refuse_quotes() {
        assert_eq!(stored_version(" 2024 01 "), "2024_01");
        let excel = stored_version("2023-04-23 09:10:38");
        assert_eq!(
            excel, "2023-04-23_09.10.38",
            "a version Excel keeps as a date-time"
        );
        assert!(id_problems("f", &excel).is_empty());
        assert_eq!(stored_version("2023-04-23T09:10:38"), "2023-04-23T09.10.38");
        for ok in ["", "1", "1.0", "2024-01-15", "v2_RC1"] {
            assert!(is_valid_version(ok), "{ok}");
        }
        for bad in ["1\"", "a/b", "1\n2", "é"] {
            let problems = id_problems("f", bad);
            assert_eq!(problems.len(), 1, "{bad:?}");
            assert_eq!(problems[0].column, "version");
        }
        assert!(
            id_problems("f", &"1".repeat(65))[0]
                .message
                .contains("65 characters")
        );
    }

    #[test]
    fn a_note_says_what_was_mapped() {
        assert!(mapped_note("form_id", "f", "f").is_none());
        let note = mapped_note("form_id", "Field-List", "field_list").unwrap();
        assert_eq!(note.column, "form_id");
        assert!(note.message.contains("stored as 'field_list'"), "{note:?}");
    }
}
