//! Property tests: no grid of cells and no byte string makes the form readers panic, and
//! whatever they read is NFC text that survives the JSON round trip, with every problem
//! located.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use branchbook_core::engine::{CompiledForm, FormSession};
use branchbook_core::form::grid::{Sheet, Workbook};
use branchbook_core::form::{Form, ReadForm, read_workbook, read_xlsx};
use branchbook_core::text::nfc;
use chrono::Utc;
use proptest::prelude::*;

/// Cells that mean something to the reader, mixed with arbitrary text.
fn cell() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "type",
        "name",
        "label",
        "label::Tiếng Việt (vi)",
        "label:English",
        "hint::Hmoob (hmn)",
        "relevant",
        "relevance",
        "constraint",
        "constraint_message",
        "calculation",
        "required",
        "read_only",
        "yes",
        "no",
        "TRUE",
        "list_name",
        "list name",
        "value",
        "choice_filter",
        "repeat_count",
        "parameters",
        "trigger",
        "begin group",
        "end group",
        "begin repeat",
        "end repeat",
        "begin loop over l",
        "end loop",
        "select_one l",
        "select_multiple l",
        "select_one",
        "select_one l or_other",
        "select one from l",
        "text",
        "integer",
        "calculate",
        "note",
        "image",
        "audio",
        "range",
        "x",
        "y",
        "l",
        "a",
        "${x}",
        ". > 0",
        "max-pixels=10",
        "max-pixels",
        "pulldata('a')",
        "form_id",
        "version",
        "default_language",
        "vi",
        "Tiếng Việt (vi)",
        "",
        " ",
        "Tha\u{300}o",
        "a b",
        "1",
        "1st",
    ]);
    prop_oneof![3 => words.prop_map(str::to_owned), 1 => ".{0,12}"]
}

fn sheet() -> impl Strategy<Value = Sheet> {
    let name = prop::sample::select(vec![
        "survey", "choices", "settings", "SURVEY", "Choices", "notes", "entities",
    ]);
    (
        name,
        prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..14),
    )
        .prop_map(|(name, rows)| Sheet {
            name: name.to_owned(),
            rows,
        })
}

fn workbook() -> impl Strategy<Value = Workbook> {
    prop::collection::vec(sheet(), 0..4).prop_map(|sheets| Workbook { sheets })
}

/// What must hold of any read form.
fn assert_sound(read: &ReadForm) {
    let json = read.form.to_json();
    assert_eq!(nfc(&json), json, "stored text must be NFC");
    assert_eq!(
        Form::from_json(&json).unwrap(),
        read.form,
        "JSON round trip"
    );
    for p in &read.problems {
        assert!(!p.message.is_empty());
        assert!(
            p.row == 0 || !p.sheet.is_empty(),
            "a row without a sheet: {p:?}"
        );
    }
}

proptest! {
    #[test]
    fn arbitrary_grids_never_panic(book in workbook(), named in any::<bool>()) {
        let read = read_workbook(&book, named.then_some("fallback"));
        assert_sound(&read);
        // Whatever was read, the engine compiles it or says why, and a session opens on
        // what compiles.
        if let Ok(compiled) = CompiledForm::compile(read.form) {
            let session = FormSession::new(Arc::new(compiled), None, Utc::now());
            let _ = session.screen();
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(read) = read_xlsx(&bytes) {
            assert_sound(&read);
        }
    }

    #[test]
    fn zip_looking_bytes_never_panic(tail in prop::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        prop_assert!(read_xlsx(&bytes).is_err());
    }

    #[test]
    fn damaged_xlsx_files_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = EXAMPLE.to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(read) = read_xlsx(&bytes) {
            assert_sound(&read);
        }
    }
}

const EXAMPLE: &[u8] = include_bytes!("../forms/dialogue_feedback.xlsx");

#[test]
fn empty_and_foreign_files_are_typed_errors() {
    use branchbook_core::form::FormError;
    for bytes in [
        &b""[..],
        b"type,name,label\ntext,a,A\n",
        b"%PDF-1.4",
        b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
    ] {
        let err = read_xlsx(bytes).unwrap_err();
        assert!(matches!(err, FormError::NotXlsx { .. }), "{err:?}");
        assert!(
            err.to_string().starts_with("not a readable .xlsx workbook"),
            "{err}"
        );
    }
}
