//! An answer written out for people, the same on both apps: in the box of a text or
//! number question (so that it reads back as typed: a decimal comma in Vietnamese), under
//! a read-only question, in a list of answers.

use crate::engine::{Answer, LineKind, Question, QuestionKind, measure_line};
use crate::expr::number_to_string;

use super::geo_line::line_summary;
use super::{TextKey, UiLanguage, fill, format_date, format_instant, text};

/// The current answer of `question` as she reads it in `language`: the text or number as
/// typed (a decimal comma in Vietnamese), choices by their labels in the form's chosen
/// language joined by ", " (in the form's order, as stored), a date, a time or an instant
/// on Vietnam's clock, a position with its accuracy when the phone gave one, a line's or
/// shape's points and length or area, that a
/// recording was made; "" when there is no answer or the answer is a photo (shown as
/// its picture).
pub fn answer_text(question: &Question, language: UiLanguage) -> String {
    let Some(value) = &question.value else {
        return String::new();
    };
    let label = |name: &str| -> String {
        question
            .choices
            .iter()
            .find(|c| c.name == name)
            .map_or_else(|| name.to_owned(), |c| c.label.clone())
    };
    match value {
        Answer::Text { value } => value.clone(),
        Answer::Integer { value } => value.to_string(),
        Answer::Decimal { value } => format_number(*value, language),
        Answer::Choice { name } => label(name),
        Answer::Choices { names } if question.kind == QuestionKind::Rank => names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}. {}", i + 1, label(n)))
            .collect::<Vec<_>>()
            .join(", "),
        Answer::Choices { names } => names
            .iter()
            .map(|n| label(n))
            .collect::<Vec<_>>()
            .join(", "),
        Answer::Date { value } => format_date(*value, language),
        Answer::Time { value } => format!("{:02}:{:02}", value.hour, value.minute),
        Answer::DateTime { value } => format_instant(*value, language),
        Answer::Geopoint { value } => {
            let at = format!("{:.6}, {:.6}", value.latitude, value.longitude);
            // An unknown accuracy is stored as 0 (ODK's geopoint text has four
            // numbers); no real fix is accurate to 0 m, so 0 is not shown.
            match value.accuracy.filter(|a| a.is_finite() && *a > 0.0) {
                Some(accuracy) => {
                    let meters = format!("{}", accuracy.round() as i64);
                    let accuracy = fill(text(TextKey::FormLocationAccuracy, language), |name| {
                        (name == "meters").then_some(meters.as_str())
                    });
                    format!("{at} · {accuracy}")
                }
                None => at,
            }
        }
        Answer::GeoLine { points } => {
            let kind = match question.kind {
                QuestionKind::Geoshape => LineKind::Shape,
                _ => LineKind::Trace,
            };
            line_summary(kind, &measure_line(kind, points), language)
        }
        Answer::Photo { .. } => String::new(),
        Answer::Recording { .. } => text(TextKey::FormRecorded, language).to_owned(),
        Answer::Acknowledged => text(TextKey::FormAcknowledge, language).to_owned(),
    }
}

/// A decimal number as `language` writes it: "1,5" in Vietnamese, "1.5" in English, no
/// trailing zeros, never in exponent form.
pub fn format_number(value: f64, language: UiLanguage) -> String {
    let plain = number_to_string(value);
    match language {
        UiLanguage::Vi => plain.replace('.', ","),
        UiLanguage::En => plain,
    }
}
