//! Cleaning of what callers hand the store: text to trimmed NFC, ethnicity to its key,
//! birth years within reason. One place, so every record is held to the same rules.

use chrono::{Datelike, Utc};

use super::{InputField, StoreError};
use crate::domain;
use crate::text::{fold, nfc};

/// Trimmed NFC text (empty allowed).
pub(crate) fn text(s: &str) -> String {
    nfc(s.trim())
}

/// Trimmed NFC text that must not be empty.
pub(crate) fn required(field: InputField, s: &str) -> Result<String, StoreError> {
    let t = text(s);
    if t.is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    Ok(t)
}

/// Optional text: empty becomes `None`.
pub(crate) fn optional(s: Option<&str>) -> Option<String> {
    s.map(text).filter(|t| !t.is_empty())
}

/// The stored key of an ethnic group given as key (`hmong`), GSO code (`08`) or
/// Vietnamese name in any accents or case (`Mông`, `mong`).
pub(crate) fn ethnicity(s: Option<&str>) -> Result<Option<String>, StoreError> {
    let Some(given) = optional(s) else {
        return Ok(None);
    };
    if let Some(e) = domain::ethnicity(&given) {
        return Ok(Some(e.key.to_owned()));
    }
    let folded = fold(&given);
    domain::ETHNICITIES
        .iter()
        .find(|e| fold(e.name_vi) == folded || e.key == folded)
        .map(|e| Some(e.key.to_owned()))
        .ok_or_else(|| {
            StoreError::invalid(
                InputField::Ethnicity,
                format!("unknown ethnic group {given:?}"),
            )
        })
}

/// A birth year between 1900 and this year.
pub(crate) fn birth_year(y: Option<i32>) -> Result<Option<i32>, StoreError> {
    match y {
        None => Ok(None),
        Some(y) if (1900..=Utc::now().year()).contains(&y) => Ok(Some(y)),
        Some(y) => Err(StoreError::invalid(
            InputField::BirthYear,
            format!("{y} is not a plausible birth year"),
        )),
    }
}

/// A birth year as she typed it in a box: surrounding spaces ignored, empty is "not
/// known", otherwise digits only ("20l5" is refused, never read as 205 or 2015) and
/// between 1900 and this year. Both apps hand the text over as typed.
pub fn parse_birth_year(typed: &str) -> Result<Option<i32>, StoreError> {
    let year = typed.trim();
    if year.is_empty() {
        return Ok(None);
    }
    let not_a_year = || StoreError::invalid(InputField::BirthYear, "not a year (digits only)");
    if year.len() > 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_year());
    }
    birth_year(Some(year.parse().map_err(|_| not_a_year())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethnicity_accepts_key_code_and_vietnamese_name() {
        assert_eq!(ethnicity(Some("hmong")).unwrap().as_deref(), Some("hmong"));
        assert_eq!(ethnicity(Some("08")).unwrap().as_deref(), Some("hmong"));
        assert_eq!(ethnicity(Some(" Mông ")).unwrap().as_deref(), Some("hmong"));
        assert_eq!(ethnicity(Some("Thái")).unwrap().as_deref(), Some("thai"));
        assert_eq!(ethnicity(Some("")).unwrap(), None);
        assert!(matches!(
            ethnicity(Some("martian")),
            Err(StoreError::Invalid {
                field: InputField::Ethnicity,
                ..
            })
        ));
    }

    #[test]
    fn text_is_trimmed_nfc_and_required_text_must_be_there() {
        assert_eq!(text("  Tha\u{0300}o "), "Thào");
        assert!(required(InputField::Name, " \t").is_err());
        assert_eq!(optional(Some("  ")), None);
    }

    #[test]
    fn birth_years_must_be_plausible() {
        assert_eq!(birth_year(Some(1980)).unwrap(), Some(1980));
        assert!(birth_year(Some(1850)).is_err());
        assert!(birth_year(Some(Utc::now().year() + 1)).is_err());
    }

    #[test]
    fn typed_birth_years_are_digits_in_range() {
        assert_eq!(parse_birth_year(" 1982 ").unwrap(), Some(1982));
        assert_eq!(parse_birth_year("").unwrap(), None);
        assert_eq!(parse_birth_year("  \t").unwrap(), None);
        for typo in [
            "20l5",
            "2o15",
            "19 82",
            "-1982",
            "+1982",
            "1982.0",
            "１９８２",
            "019820",
        ] {
            let refused = parse_birth_year(typo).unwrap_err();
            assert!(
                matches!(
                    refused,
                    StoreError::Invalid {
                        field: InputField::BirthYear,
                        member: None,
                        ..
                    }
                ),
                "{typo:?}: {refused:?}"
            );
        }
        assert!(parse_birth_year("1850").is_err(), "before 1900");
        let next = (Utc::now().year() + 1).to_string();
        assert!(parse_birth_year(&next).is_err(), "not born yet");
    }
}
