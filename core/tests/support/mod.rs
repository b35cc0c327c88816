//! The automatic filler the form corpus tests share: a deterministic walker that answers
//! each question it is shown with the first plausible value the form accepts (its type,
//! constraint and choices), adds one instance to each repeat, finalizes, and has the
//! submission re-validated as the server does.

use std::sync::Arc;

use branchbook_core::engine::{
    Answer, CalendarDate, CompiledForm, FormSession, GeoPoint, Page, Question, QuestionKind,
    TimeOfDay,
};
use chrono::{TimeZone, Utc};
use serde_json::Value as Json;

/// A form filled to the end.
pub struct Filled {
    /// How many answers were given.
    pub answered: usize,
    /// The finalized submission's data.
    pub data: Json,
}

/// Answers every question shown with the first of its plausible values that the form
/// accepts (its type, constraint and choices), page by page, adds one instance to each
/// repeat, and finalizes. Returns how many answers were given.
pub fn fill(compiled: CompiledForm) -> Result<Filled, String> {
    let now = Utc.with_ymd_and_hms(2025, 6, 12, 3, 0, 0).unwrap();
    let form = Arc::new(compiled);
    let mut session = FormSession::new(Arc::clone(&form), None, now);
    let mut answered = 0;
    // Questions given up on (no candidate accepted), so the walk moves on to `next`.
    let mut tried: Vec<String> = Vec::new();
    for _ in 0..10_000 {
        let screen = session.screen();
        match screen.page {
            Page::End => {
                let submission = session
                    .finalize(now)
                    .map_err(|p| format!("finalize refused: {p:?}"))?;
                form.validate_data(&submission.data)
                    .map_err(|p| format!("the server would refuse the submission: {p:?}"))?;
                return Ok(Filled {
                    answered,
                    data: submission.data,
                });
            }
            Page::RepeatPrompt { path, count: 0, .. } => {
                session
                    .add_repeat(&path)
                    .map_err(|e| format!("add_repeat {path}: {e}"))?;
            }
            Page::RepeatPrompt { .. } => session.next().map_err(|e| format!("next: {e}"))?,
            Page::Questions => {
                let todo = screen
                    .questions
                    .iter()
                    .find(|q| q.value.is_none() && !q.read_only && !tried.contains(&q.path));
                match todo {
                    Some(q) => {
                        tried.push(q.path.clone());
                        if answer(&mut session, q)? {
                            answered += 1;
                        }
                    }
                    None => session.next().map_err(|e| {
                        let stuck: Vec<String> = session
                            .screen()
                            .questions
                            .iter()
                            .filter_map(|q| q.error.as_ref().map(|e| format!("{}: {e}", q.path)))
                            .collect();
                        format!("next: {e} ({})", stuck.join("; "))
                    })?,
                }
            }
        }
    }
    Err("did not reach the end in 10,000 steps".into())
}

/// Gives `q` the first candidate answer the form accepts without an error; false when it
/// takes none (a note) or none was accepted (the question is left blank).
fn answer(session: &mut FormSession, q: &Question) -> Result<bool, String> {
    for value in candidates(q) {
        match session.set_answer(&q.path, value) {
            Ok(_) => {}
            Err(e) => return Err(format!("set {}: {e}", q.path)),
        }
        let shown = session.screen();
        let error = shown
            .questions
            .iter()
            .find(|s| s.path == q.path)
            .and_then(|s| s.error.clone());
        if error.is_none() {
            return Ok(true);
        }
    }
    if q.kind != QuestionKind::Note {
        session
            .clear_answer(&q.path)
            .map_err(|e| format!("clear {}: {e}", q.path))?;
    }
    Ok(false)
}

/// Plausible answers to a question, most ordinary first.
fn candidates(q: &Question) -> Vec<Answer> {
    let date = |year, month, day| Answer::Date {
        value: CalendarDate { year, month, day },
    };
    match q.kind {
        QuestionKind::Text => ["Thào Thị Dợ", "0912345678", "1", "abc"]
            .iter()
            .map(|v| Answer::Text { value: (*v).into() })
            .collect(),
        QuestionKind::Integer => [3, 1, 0, 2, 5, 10, 18, 30, 100, 2025]
            .iter()
            .map(|&value| Answer::Integer { value })
            .collect(),
        QuestionKind::Decimal => [2.5, 1.0, 0.0, 0.5, 5.0, 10.0, 50.0]
            .iter()
            .map(|&value| Answer::Decimal { value })
            .collect(),
        QuestionKind::SelectOne => q
            .choices
            .iter()
            .map(|c| Answer::Choice {
                name: c.name.clone(),
            })
            .collect(),
        QuestionKind::SelectMultiple => q
            .choices
            .iter()
            .map(|c| Answer::Choices {
                names: vec![c.name.clone()],
            })
            .collect(),
        QuestionKind::Date => vec![date(2025, 6, 1), date(2000, 1, 1), date(2025, 6, 12)],
        QuestionKind::Time => vec![Answer::Time {
            value: TimeOfDay {
                hour: 9,
                minute: 30,
                second: 0,
            },
        }],
        QuestionKind::DateTime => vec![Answer::DateTime {
            value: Utc.with_ymd_and_hms(2025, 6, 1, 2, 30, 0).unwrap(),
        }],
        QuestionKind::Geopoint => vec![Answer::Geopoint {
            value: GeoPoint {
                latitude: 22.63,
                longitude: 103.62,
                altitude: None,
                accuracy: Some(5.0),
            },
        }],
        QuestionKind::Image => vec![Answer::Photo {
            sha256: "ab".repeat(32),
        }],
        QuestionKind::Acknowledge => vec![Answer::Acknowledged],
        QuestionKind::Note => Vec::new(),
    }
}
