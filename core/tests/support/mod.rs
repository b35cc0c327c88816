//! The automatic filler the form corpus tests share: a deterministic walker that answers
//! each question it is shown with the first plausible value the form accepts (its type,
//! constraint and choices), adds one instance to each repeat, finalizes, and has the
//! submission re-validated as the server's intake does (`recompute_data`, which
//! refuses a record whose answers fail the form and recomputes what it keeps). A form
//! that reads `${last-saved#...}` is filled twice: the first record has no last saved
//! record (every such value is empty), the second is opened after the first, as the
//! phone's store opens it, and must finalize too.

use std::sync::Arc;

use branchbook_core::engine::{
    Answer, CalendarDate, CompiledForm, FormSession, GeoPoint, Page, Question, QuestionKind,
    SavedScope, ServerFacts, SessionOptions, TimeOfDay,
};
use chrono::{TimeZone, Utc};
use serde_json::Value as Json;

/// The phone's device id and account, which the server fills the metadata from too.
const DEVICE_ID: &str = "corpus-phone";
const USERNAME: &str = "corpus";

/// A form filled to the end.
pub struct Filled {
    /// How many answers were given.
    pub answered: usize,
    /// The finalized submission's data.
    pub data: Json,
    /// For a form reading `${last-saved#...}`: how many answers the second record, opened
    /// after the first, needed (the rest it kept from the first).
    pub again: Option<usize>,
}

/// Answers every question shown with the first of its plausible values that the form
/// accepts (its type, constraint and choices), page by page, adds one instance to each
/// repeat, and finalizes. A question that shows a problem with an answer it did not give
/// (a default its constraint or its list refuses) is answered again, as she would. When
/// a page cannot be left (a required note: ODK's way of stopping an interview whose
/// answers disagree), it goes back to the latest answers and tries their next
/// candidates. Returns how many answers were given.
pub fn fill(compiled: CompiledForm) -> Result<Filled, String> {
    let form = Arc::new(compiled);
    let (mut filled, answers) = fill_one(&form, None)?;
    if form.reads_last_saved() {
        let (second, _) = fill_one(&form, Some(&answers))
            .map_err(|why| format!("the record after the first: {why}"))?;
        filled.again = Some(second.answered);
    }
    Ok(filled)
}

/// Fills one record, opened after the record `last_saved` (its answers) when there is
/// one: the record filled, and its answers as the store would keep them.
fn fill_one(
    form: &Arc<CompiledForm>,
    last_saved: Option<&SavedScope>,
) -> Result<(Filled, SavedScope), String> {
    let now = Utc.with_ymd_and_hms(2025, 6, 12, 3, 0, 0).unwrap();
    let options = SessionOptions {
        device_id: DEVICE_ID.into(),
        username: USERNAME.into(),
        ..SessionOptions::new(now)
    };
    let mut session = match last_saved {
        Some(last) => FormSession::open_after(Arc::clone(form), &options, last),
        None => FormSession::open(Arc::clone(form), &options),
    }
    .map_err(|e| e.to_string())?;
    let mut answered = 0;
    // Questions given up on (no candidate accepted), so the walk moves on to `next`.
    let mut tried: Vec<String> = Vec::new();
    // Questions answered again because they showed a problem (see below).
    let mut repaired: Vec<String> = Vec::new();
    // Each answer given: the question and the index of the candidate it took.
    let mut history: Vec<(String, usize)> = Vec::new();
    let mut backtracks = 0;
    for _ in 0..10_000 {
        let screen = session.screen();
        match screen.page {
            Page::End => {
                let answers = session.state().answers;
                let submission = session
                    .finalize(now)
                    .map_err(|p| format!("finalize refused: {p:?}"))?;
                // What the server's intake runs on every record it receives.
                let facts = ServerFacts {
                    device_id: DEVICE_ID.into(),
                    username: USERNAME.into(),
                    started_at: submission.started_at,
                    finalized_at: submission.finalized_at,
                    received_at: now,
                };
                let kept = form
                    .recompute_data(&submission.data, &facts)
                    .map_err(|p| format!("the server would refuse the submission: {p:?}"))?;
                let differs: Vec<String> =
                    kept.mismatches.iter().map(|m| format!("{m:?}")).collect();
                if !differs.is_empty() {
                    return Err(format!(
                        "the server computes other values than the phone: {}",
                        differs.join("; ")
                    ));
                }
                let filled = Filled {
                    answered,
                    data: submission.data,
                    again: None,
                };
                return Ok((filled, answers));
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
                        if let Some(i) = answer(form, &mut session, q, 0)? {
                            history.push((q.path.clone(), i));
                            answered += 1;
                        }
                    }
                    None => {
                        let Err(e) = session.next() else { continue };
                        let stuck: Vec<(String, String, QuestionKind)> = session
                            .screen()
                            .questions
                            .iter()
                            .filter_map(|q| {
                                q.error
                                    .as_ref()
                                    .map(|e| (q.path.clone(), e.clone(), q.kind))
                            })
                            .collect();
                        // A question showing a problem with an answer she did not give
                        // (a default that fails its constraint, or is no choice of its
                        // list): she would change it, once.
                        let shown = session.screen().questions;
                        let fixable = stuck.iter().find_map(|(path, _, kind)| {
                            shown.iter().find(|q| {
                                &q.path == path
                                    && *kind != QuestionKind::Note
                                    && !q.read_only
                                    && !repaired.contains(path)
                            })
                        });
                        if let Some(q) = fixable {
                            repaired.push(q.path.clone());
                            if let Some(i) = answer(form, &mut session, q, 0)? {
                                history.push((q.path.clone(), i));
                                answered += 1;
                            }
                            continue;
                        }
                        let guard = !stuck.is_empty()
                            && stuck.iter().all(|(_, _, k)| *k == QuestionKind::Note);
                        if !(guard && backtracks < 200 && retry(form, &mut session, &mut history)?)
                        {
                            let why: Vec<String> =
                                stuck.iter().map(|(p, e, _)| format!("{p}: {e}")).collect();
                            return Err(format!("next: {e} ({})", why.join("; ")));
                        }
                        backtracks += 1;
                    }
                }
            }
        }
    }
    Err("did not reach the end in 10,000 steps".into())
}

/// Gives the latest answer that has another acceptable candidate that candidate (going
/// back to its page); false when no answer has one left.
fn retry(
    form: &CompiledForm,
    session: &mut FormSession,
    history: &mut Vec<(String, usize)>,
) -> Result<bool, String> {
    while let Some((path, used)) = history.pop() {
        if session.jump(&path).is_err() {
            continue;
        }
        let Some(q) = session
            .screen()
            .questions
            .into_iter()
            .find(|q| q.path == path)
        else {
            continue;
        };
        if let Some(i) = answer(form, session, &q, used + 1)? {
            history.push((path, i));
            return Ok(true);
        }
    }
    Ok(false)
}

/// Gives `q` the first candidate from `start` on that the form accepts without an error:
/// its index; `None` when it takes none (a note) or none was accepted (the question is
/// left blank).
fn answer(
    form: &CompiledForm,
    session: &mut FormSession,
    q: &Question,
    start: usize,
) -> Result<Option<usize>, String> {
    for (i, value) in candidates(form, q).into_iter().enumerate().skip(start) {
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
            return Ok(Some(i));
        }
    }
    if q.kind != QuestionKind::Note {
        session
            .clear_answer(&q.path)
            .map_err(|e| format!("clear {}: {e}", q.path))?;
    }
    Ok(None)
}

/// Plausible answers to a question, most ordinary first (for text, last a match of the
/// `regex()` its constraint asks for).
fn candidates(form: &CompiledForm, q: &Question) -> Vec<Answer> {
    let date = |year, month, day| Answer::Date {
        value: CalendarDate { year, month, day },
    };
    match q.kind {
        QuestionKind::Text => ["Thào Thị Dợ", "0912345678", "1", "abc"]
            .map(String::from)
            .into_iter()
            .chain(
                constraint_regex(form, &q.path)
                    .and_then(|pattern| regex_example(&pattern))
                    .filter(|example| !example.is_empty()),
            )
            .map(|value| Answer::Text { value })
            .collect(),
        QuestionKind::Integer => [3, 1, 0, 2, 5, 10, 18, 30, 100, 2025]
            .iter()
            .map(|&value| Answer::Integer { value })
            .collect(),
        QuestionKind::Decimal => [2.5, 1.0, 0.0, 0.5, 5.0, 10.0, 50.0, 100.0]
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
        // One choice, then the first two, three, and all (for "pick 2 or 3" constraints).
        QuestionKind::SelectMultiple => {
            let names: Vec<String> = q.choices.iter().map(|c| c.name.clone()).collect();
            let singles = names.iter().map(|n| vec![n.clone()]);
            let firsts = [2, 3, names.len()]
                .into_iter()
                .filter(|&n| n > 1 && n <= names.len())
                .map(|n| names[..n].to_vec());
            singles
                .chain(firsts)
                .map(|names| Answer::Choices { names })
                .collect()
        }
        // Every choice: the order offered, then reversed.
        QuestionKind::Rank => {
            let names: Vec<String> = q.choices.iter().map(|c| c.name.clone()).collect();
            let reversed = names.iter().rev().cloned().collect();
            vec![
                Answer::Choices { names },
                Answer::Choices { names: reversed },
            ]
        }
        // Past, long past, the filler's today (in Vietnam) and the future, for
        // constraints such as `. <= today()` and `. >= today()`.
        QuestionKind::Date => vec![
            date(2025, 6, 1),
            date(2000, 1, 1),
            date(2025, 6, 12),
            date(2026, 1, 15),
        ],
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
        // A path of three points along a village road, then a field's three corners
        // (the core closes the shape).
        QuestionKind::Geotrace | QuestionKind::Geoshape => vec![Answer::GeoLine {
            points: [(22.63, 103.62), (22.631, 103.62), (22.631, 103.621)]
                .into_iter()
                .map(|(latitude, longitude)| GeoPoint {
                    latitude,
                    longitude,
                    altitude: Some(1450.0),
                    accuracy: Some(4.0),
                })
                .collect(),
        }],
        // A shop's EAN-13 code, then a match of the constraint's regex.
        QuestionKind::Barcode => ["8934563138165".to_owned()]
            .into_iter()
            .chain(
                constraint_regex(form, &q.path)
                    .and_then(|pattern| regex_example(&pattern))
                    .filter(|example| !example.is_empty()),
            )
            .map(|value| Answer::Text { value })
            .collect(),
        QuestionKind::Image => vec![Answer::Photo {
            sha256: "ab".repeat(32),
        }],
        QuestionKind::Audio | QuestionKind::Video => vec![Answer::Recording {
            sha256: "cd".repeat(32),
        }],
        QuestionKind::Acknowledge => vec![Answer::Acknowledged],
        QuestionKind::Note => Vec::new(),
    }
}

/// The pattern of a `regex(., '...')` in the constraint of the question at `path`.
fn constraint_regex(form: &CompiledForm, path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?;
    let field = form.form().fields().into_iter().find(|f| f.name == name)?;
    let constraint = field.constraint.as_deref()?;
    let start = constraint.find("regex(")?;
    let rest = &constraint[start..];
    let open = rest.find(['\'', '"'])?;
    let quote = rest[open..].chars().next()?;
    let body = &rest[open + 1..];
    Some(body[..body.find(quote)?].to_owned())
}

/// A short text matching a simple regular expression (literals, `\d \w \s`, classes with
/// ranges, groups, `|` (its first branch), and the quantifiers `? * + {n} {n,m}`: `?`
/// none, `*` and `+` once, braces their least count); `None` for what it cannot read.
fn regex_example(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let (out, _) = regex_sequence(&chars, 0)?;
    Some(out)
}

fn regex_sequence(p: &[char], mut i: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    while i < p.len() {
        let (atom, next) = match p[i] {
            '^' | '$' => {
                i += 1;
                continue;
            }
            ')' => return Some((out, i)),
            '|' => {
                // The first branch is enough: skip the others to the group's end.
                let mut depth = 0;
                while i < p.len() && !(p[i] == ')' && depth == 0) {
                    match p[i] {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        '\\' => i += 1,
                        _ => {}
                    }
                    i += 1;
                }
                return Some((out, i));
            }
            '(' => {
                let start = if p.get(i + 1) == Some(&'?') {
                    i + 3
                } else {
                    i + 1
                };
                let (inner, end) = regex_sequence(p, start)?;
                (inner, end + 1)
            }
            '[' => {
                let end = i + p[i..].iter().position(|&c| c == ']')?;
                let class = &p[i + 1..end];
                let first = match class {
                    ['^', ..] => 'x',
                    [c, '-', ..] | [c, ..] => *c,
                    [] => return None,
                };
                (first.to_string(), end + 1)
            }
            '\\' => {
                let c = *p.get(i + 1)?;
                let s = match c {
                    'd' => "1".to_owned(),
                    'w' => "a".to_owned(),
                    's' => " ".to_owned(),
                    other => other.to_string(),
                };
                (s, i + 2)
            }
            '.' => ("a".to_owned(), i + 1),
            c => (c.to_string(), i + 1),
        };
        i = next;
        let times = match p.get(i) {
            Some('?') => {
                i += 1;
                0
            }
            Some('*') | Some('+') => {
                i += 1;
                1
            }
            Some('{') => {
                let end = i + p[i..].iter().position(|&c| c == '}')?;
                let spec: String = p[i + 1..end].iter().collect();
                i = end + 1;
                spec.split(',').next()?.trim().parse::<usize>().ok()?
            }
            _ => 1,
        };
        out.push_str(&atom.repeat(times));
    }
    Some((out, i))
}
