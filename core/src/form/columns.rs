//! Column headers of the survey and choices sheets: the many spellings form authors use
//! (pyxform's aliases: `relevance`, `bind::relevant`, `list name`, `jr:constraintMsg`,
//! any case) mapped to one meaning, plus the language of translated columns
//! (`label::Tiếng Việt (vi)`, and the older `label:English`).

use super::Language;
use super::media::MediaKind;

/// What a survey or choices column means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Column {
    Type,
    Name,
    /// A translated text column; the language is `""` when the header has none.
    Text(TextKind, String),
    Required,
    Relevant,
    Constraint,
    Calculation,
    Default,
    ReadOnly,
    ChoiceFilter,
    Appearance,
    RepeatCount,
    Parameters,
    ListName,
    /// `trigger`: the questions whose change sets the field (see [`super::Field::trigger`]).
    Trigger,
    /// Media shown with a label (`image`, `media::audio`, `image::English`...), with its
    /// language (`""` when the header has none).
    Media(MediaKind, String),
    /// A choices-sheet column used by `choice_filter`, under its header as written.
    Extra(String),
    /// Anything else: authors' notes and columns of other tools; ignored.
    Ignored,
}

impl Column {
    /// True for the columns that hold an expression.
    pub(crate) fn is_expression(&self) -> bool {
        matches!(
            self,
            Column::Required
                | Column::Relevant
                | Column::Constraint
                | Column::Calculation
                | Column::Default
                | Column::ReadOnly
                | Column::ChoiceFilter
                | Column::RepeatCount
        )
    }

    /// The column's usual header, for a problem about a column the sheet lacks.
    pub(crate) fn usual_header(&self) -> &str {
        match self {
            Column::Type => "type",
            Column::Name => "name",
            Column::Text(TextKind::Label, _) => "label",
            Column::Text(TextKind::Hint, _) => "hint",
            Column::Text(TextKind::RequiredMessage, _) => "required_message",
            Column::Text(TextKind::ConstraintMessage, _) => "constraint_message",
            Column::Required => "required",
            Column::Relevant => "relevant",
            Column::Constraint => "constraint",
            Column::Calculation => "calculation",
            Column::Default => "default",
            Column::ReadOnly => "read_only",
            Column::ChoiceFilter => "choice_filter",
            Column::Appearance => "appearance",
            Column::RepeatCount => "repeat_count",
            Column::Parameters => "parameters",
            Column::ListName => "list_name",
            Column::Trigger => "trigger",
            Column::Media(kind, _) => kind.header(),
            Column::Extra(name) => name,
            Column::Ignored => "",
        }
    }
}

/// The translated text columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextKind {
    Label,
    Hint,
    RequiredMessage,
    ConstraintMessage,
}

/// Which sheet a header is on: the same word means different things on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SheetKind {
    Survey,
    Choices,
}

/// Prefixes that pyxform puts before bind and body attributes and media columns
/// (`media::image`); they add nothing here.
const PASS_PREFIXES: [&str; 4] = ["bind::", "control::", "body::", "media::"];

/// The meaning of a header on `sheet`.
pub(crate) fn classify(header: &str, sheet: SheetKind) -> Column {
    let mut h = header.trim();
    for prefix in PASS_PREFIXES {
        if h.len() >= prefix.len()
            && h.is_char_boundary(prefix.len())
            && h[..prefix.len()].eq_ignore_ascii_case(prefix)
        {
            h = &h[prefix.len()..];
        }
    }
    if h.is_empty() {
        return Column::Ignored;
    }
    let (base, language) = split_language(h);
    let base = normalize(base);
    let lang = language.unwrap_or_default();
    if let Some(kind) = MediaKind::from_word(&base) {
        return Column::Media(kind, lang);
    }
    let survey = sheet == SheetKind::Survey;
    let translated = match base.as_str() {
        "label" | "caption" => Some(TextKind::Label),
        "hint" if survey => Some(TextKind::Hint),
        "required_message" | "requiredmsg" | "jr:requiredmsg" if survey => {
            Some(TextKind::RequiredMessage)
        }
        "constraint_message" | "constraining_message" | "jr:constraintmsg" if survey => {
            Some(TextKind::ConstraintMessage)
        }
        _ => None,
    };
    if let Some(kind) = translated {
        return Column::Text(kind, lang);
    }
    if !lang.is_empty() {
        // A language on a column that is not translated (`relevant::English`): not ours.
        return if sheet == SheetKind::Choices {
            Column::Extra(header.trim().to_owned())
        } else {
            Column::Ignored
        };
    }
    match sheet {
        SheetKind::Survey => survey_column(&base),
        SheetKind::Choices => match base.as_str() {
            "list_name" => Column::ListName,
            "name" | "value" => Column::Name,
            _ => Column::Extra(header.trim().to_owned()),
        },
    }
}

fn survey_column(base: &str) -> Column {
    match base {
        "type" | "command" => Column::Type,
        "name" | "tag" | "value" => Column::Name,
        "required" => Column::Required,
        "relevant" | "relevance" => Column::Relevant,
        "constraint" => Column::Constraint,
        "calculation" | "calculate" => Column::Calculation,
        "default" => Column::Default,
        "read_only" | "readonly" => Column::ReadOnly,
        "choice_filter" => Column::ChoiceFilter,
        "appearance" => Column::Appearance,
        "repeat_count" | "count" | "jr:count" => Column::RepeatCount,
        "parameters" => Column::Parameters,
        "trigger" => Column::Trigger,
        _ => Column::Ignored,
    }
}

/// Splits `label::English (en)` (or the older `label:English (en)`) into the column and
/// its language. A single colon only separates a language after a translatable column,
/// so `jr:count` stays whole.
fn split_language(h: &str) -> (&str, Option<String>) {
    if let Some((base, lang)) = h.split_once("::") {
        return (base, Some(lang.trim().to_owned()));
    }
    if let Some((base, lang)) = h.split_once(':') {
        let translatable = [
            "label",
            "hint",
            "caption",
            "constraint_message",
            "required_message",
        ];
        if translatable.contains(&normalize(base).as_str()) {
            return (base, Some(lang.trim().to_owned()));
        }
    }
    (h, None)
}

/// Lower case, surrounding spaces dropped, inner runs of spaces as one `_`: `List Name`
/// and `list_name` are the same column.
pub(crate) fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
}

/// The language named in a header: `Tiếng Việt (vi)` has the code `vi`.
pub(crate) fn language(name: &str) -> Language {
    let code = name
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once('('))
        .map(|(_, code)| code.trim().to_owned())
        .filter(|code| !code.is_empty() && !code.contains(char::is_whitespace));
    Language {
        name: name.to_owned(),
        code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Column::*;
    use TextKind::*;

    fn t(kind: TextKind, lang: &str) -> Column {
        Text(kind, lang.to_owned())
    }

    fn survey(h: &str) -> Column {
        classify(h, SheetKind::Survey)
    }

    #[test]
    fn survey_aliases_mean_the_same_column() {
        for h in [
            "relevant",
            "relevance",
            "bind::relevant",
            "RELEVANT",
            " Relevance ",
        ] {
            assert_eq!(survey(h), Relevant, "{h}");
        }
        for h in ["calculation", "calculate", "bind::calculate", "Calculation"] {
            assert_eq!(survey(h), Calculation, "{h}");
        }
        for h in ["read_only", "readonly", "bind::readonly", "Read Only"] {
            assert_eq!(survey(h), ReadOnly, "{h}");
        }
        for h in ["repeat_count", "jr:count", "control::jr:count", "count"] {
            assert_eq!(survey(h), RepeatCount, "{h}");
        }
        for h in ["type", "TYPE", "command"] {
            assert_eq!(survey(h), Type, "{h}");
        }
        for h in ["name", "Name", "tag", "value"] {
            assert_eq!(survey(h), Name, "{h}");
        }
        assert_eq!(survey("choice_filter"), ChoiceFilter);
        assert_eq!(survey("choice filter"), ChoiceFilter);
        assert_eq!(survey("appearance"), Appearance);
        assert_eq!(survey("control::appearance"), Appearance);
        assert_eq!(survey("parameters"), Parameters);
        assert_eq!(survey("default"), Default);
        assert_eq!(survey("required"), Required);
        assert_eq!(survey("bind::required"), Required);
        assert_eq!(survey("constraint"), Constraint);
        assert_eq!(survey("trigger"), Trigger);
    }

    #[test]
    fn message_columns_and_their_languages() {
        assert_eq!(survey("required_message"), t(RequiredMessage, ""));
        assert_eq!(survey("requiredMsg"), t(RequiredMessage, ""));
        assert_eq!(survey("bind::jr:requiredMsg"), t(RequiredMessage, ""));
        assert_eq!(
            survey("required message::English (en)"),
            t(RequiredMessage, "English (en)")
        );
        assert_eq!(survey("constraint_message"), t(ConstraintMessage, ""));
        assert_eq!(survey("constraint message"), t(ConstraintMessage, ""));
        assert_eq!(survey("jr:constraintMsg"), t(ConstraintMessage, ""));
        assert_eq!(survey("bind::jr:constraintMsg"), t(ConstraintMessage, ""));
        assert_eq!(
            survey("constraint_message::Tiếng Việt (vi)"),
            t(ConstraintMessage, "Tiếng Việt (vi)")
        );
    }

    #[test]
    fn label_and_hint_languages_in_both_spellings() {
        assert_eq!(survey("label"), t(Label, ""));
        assert_eq!(
            survey("label::Tiếng Việt (vi)"),
            t(Label, "Tiếng Việt (vi)")
        );
        assert_eq!(survey("LABEL::EN"), t(Label, "EN"));
        assert_eq!(survey("label:English (en)"), t(Label, "English (en)"));
        assert_eq!(survey("label::Hmoob (hmn)"), t(Label, "Hmoob (hmn)"));
        assert_eq!(survey("hint::Hmoob (hmn)"), t(Hint, "Hmoob (hmn)"));
        assert_eq!(survey("caption"), t(Label, ""));
    }

    #[test]
    fn media_columns_and_their_languages() {
        use crate::form::media::MediaKind as M;
        for (h, kind, lang) in [
            ("image", M::Image, ""),
            ("audio", M::Audio, ""),
            ("video", M::Video, ""),
            ("big-image", M::BigImage, ""),
            ("image::english", M::Image, "english"),
            ("media::audio::chinese", M::Audio, "chinese"),
            ("media::video", M::Video, ""),
            ("Media::Image::Tiếng Việt (vi)", M::Image, "Tiếng Việt (vi)"),
        ] {
            assert_eq!(survey(h), Media(kind, lang.into()), "{h}");
        }
    }

    #[test]
    fn unknown_columns_are_set_aside() {
        for h in [
            "notes",
            "rows",
            "autoplay",
            "bind::saveIncomplete",
            "relevant::English",
            "",
            "  ",
        ] {
            assert_eq!(survey(h), Ignored, "{h}");
        }
    }

    #[test]
    fn choices_columns() {
        let choices = |h| classify(h, SheetKind::Choices);
        assert_eq!(choices("list_name"), ListName);
        assert_eq!(choices("list name"), ListName);
        assert_eq!(choices("LIST_NAME"), ListName);
        assert_eq!(choices("name"), Name);
        assert_eq!(choices("value"), Name);
        assert_eq!(
            choices("label::Tiếng Việt (vi)"),
            t(Label, "Tiếng Việt (vi)")
        );
        assert_eq!(choices("commune"), Extra("commune".into()));
        assert_eq!(choices(" cf "), Extra("cf".into()));
        assert_eq!(
            choices("image"),
            Media(crate::form::media::MediaKind::Image, String::new())
        );
        // `hint` means nothing on the choices sheet: it is a column for choice_filter.
        assert_eq!(choices("hint"), Extra("hint".into()));
    }

    #[test]
    fn language_codes_come_from_parentheses() {
        assert_eq!(language("Tiếng Việt (vi)").code.as_deref(), Some("vi"));
        assert_eq!(language("Hmoob (hmn)").code.as_deref(), Some("hmn"));
        assert_eq!(language("english").code, None);
        assert_eq!(language("odd ()").code, None);
        assert_eq!(language("Tiếng Việt (vi)").name, "Tiếng Việt (vi)");
    }
}
