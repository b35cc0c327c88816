//! How a `geotrace` or `geoshape` question reads: how many points she took and what they
//! measure, what to do, and which of its buttons are offered. Both apps draw exactly this.

use crate::engine::{
    Answer, GeoPoint, LineFacts, LineKind, MAX_LINE_POINTS, Question, QuestionKind, line_facts,
    measure_line,
};
use crate::form::FieldKind;

use super::{TextKey, UiLanguage, answers::format_number, fill, format_count, text};

/// A line or shape question as the widget shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GeoLineView {
    /// What to do, for the kind ("Walk along the way...", "Walk around the area...").
    pub help: String,
    /// What she has so far: "3 points · 245 m long", "No point yet.".
    pub summary: String,
    /// The add button's words: ask the phone for a fix, then `add_line_point`.
    pub add_point: String,
    /// Whether she can add a point (the question can be changed and is not full).
    pub can_add_point: bool,
    /// The button that takes back the last point (`remove_last_line_point`).
    pub remove_last: String,
    /// Whether there is a point to take back and the question can be changed.
    pub can_remove_last: bool,
    /// The button that removes every point (`clear_answer`).
    pub clear: String,
    /// Whether there are points to remove and the question can be changed.
    pub can_clear: bool,
    /// The question asked before removing every point (a walk is long to take again).
    pub clear_confirm: String,
}

/// How `question` (a geotrace or geoshape question) reads in `language`; another kind of
/// question gives a view that offers nothing.
pub fn geo_line_view(question: &Question, language: UiLanguage) -> GeoLineView {
    let kind = line_kind(question.kind);
    let points: &[GeoPoint] = match &question.value {
        Some(Answer::GeoLine { points }) => points,
        _ => &[],
    };
    let changeable = kind.is_some() && !question.read_only;
    let summary = match kind {
        Some(kind) => line_summary(kind, &measure_line(kind, points), language),
        None => String::new(),
    };
    GeoLineView {
        help: match kind {
            Some(LineKind::Trace) => text(TextKey::FormTraceHelp, language).to_owned(),
            Some(LineKind::Shape) => text(TextKey::FormShapeHelp, language).to_owned(),
            None => String::new(),
        },
        summary,
        add_point: text(TextKey::FormLineAddPoint, language).to_owned(),
        can_add_point: changeable && points.len() < MAX_LINE_POINTS,
        remove_last: text(TextKey::FormLineRemoveLast, language).to_owned(),
        can_remove_last: changeable && !points.is_empty(),
        clear: text(TextKey::FormLineClear, language).to_owned(),
        can_clear: changeable && !points.is_empty(),
        clear_confirm: text(TextKey::FormLineClearConfirm, language).to_owned(),
    }
}

/// The line kind a question shows.
fn line_kind(kind: QuestionKind) -> Option<LineKind> {
    match kind {
        QuestionKind::Geotrace => Some(LineKind::Trace),
        QuestionKind::Geoshape => Some(LineKind::Shape),
        _ => None,
    }
}

/// A line's or shape's answer as stored or submitted (`lat lon alt acc;...`) as people
/// read it in a list of answers (the console's record page): its points and what they
/// measure, as the phones show it. None for another type or text that is not a line.
pub fn line_answer_text(kind: &FieldKind, text: &str, language: UiLanguage) -> Option<String> {
    let line = LineKind::of(kind)?;
    Some(line_summary(line, &line_facts(kind, text)?, language))
}

/// "3 points · 245 m long" for a line, "4 points · 223 m around · area 3098 m²" for a
/// shape (once it has three points), "No point yet." without points.
pub(crate) fn line_summary(kind: LineKind, facts: &LineFacts, language: UiLanguage) -> String {
    if facts.points == 0 {
        return text(TextKey::FormLineNoPoint, language).to_owned();
    }
    let count = match facts.points {
        1 => text(TextKey::FormLineOnePoint, language).to_owned(),
        n => format_count(TextKey::FormLinePoints, n as u64, language),
    };
    let measure = match (kind, facts.area_m2) {
        (LineKind::Shape, Some(area)) if facts.points >= 3 => format!(
            "{} · {}",
            length_line(TextKey::FormShapePerimeter, facts.length_m, language),
            area_line(area, language)
        ),
        (LineKind::Trace, _) if facts.points >= 2 => {
            length_line(TextKey::FormLineLength, facts.length_m, language)
        }
        _ => return count,
    };
    format!("{count} · {measure}")
}

/// `key` ("{length} long", "{length} around") with "245 m" or "1,2 km".
fn length_line(key: TextKey, metres: f64, language: UiLanguage) -> String {
    let length = if metres >= 1000.0 {
        format!(
            "{} km",
            format_number((metres / 100.0).round() / 10.0, language)
        )
    } else {
        format!("{} m", metres.round() as i64)
    };
    fill(text(key, language), |name| {
        (name == "length").then_some(length.as_str())
    })
}

/// "area 850 m²", "area 1,5 ha".
fn area_line(square_metres: f64, language: UiLanguage) -> String {
    let area = area_text(square_metres, language);
    fill(text(TextKey::FormShapeArea, language), |name| {
        (name == "area").then_some(area.as_str())
    })
}

fn area_text(square_metres: f64, language: UiLanguage) -> String {
    if square_metres >= 10_000.0 {
        format!(
            "{} ha",
            format_number((square_metres / 1000.0).round() / 10.0, language)
        )
    } else {
        format!("{} m²", square_metres.round() as i64)
    }
}
