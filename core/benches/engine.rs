//! Form engine benchmark: a generated form of 1,000 fields (20 groups of 20 questions and
//! calculations that cross-reference each other, and a household roster repeat of 30
//! members x 20 questions), measuring compile, session open, one answer (median and
//! p99, with its re-evaluation and page update), a full fill through the UI API, and
//! adding the 100th and 1,000th repeat instance, and the server's check of the finalized
//! submission (validation alone, and with recomputation). Run with
//! `cargo bench -p branchbook-core --bench engine`; it prints the numbers and the targets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use branchbook_core::engine::{
    Answer, CompiledForm, FormSession, Page, QuestionKind, ServerFacts, Submission,
};
use chrono::{TimeZone, Utc};

#[path = "support/generated_form.rs"]
mod generated_form;

use generated_form::{GROUPS, MEMBERS, PER_GROUP, generated_form};

/// A valid answer for a question as the page shows it.
fn answer_for(q: &branchbook_core::engine::Question, member: usize) -> Option<Answer> {
    Some(match q.kind {
        QuestionKind::Integer if q.name == "m_age" => Answer::Integer {
            value: (5 + member as i64 * 7) % 90,
        },
        QuestionKind::Integer if q.name == "m_spouse_age" => Answer::Integer { value: 30 },
        QuestionKind::Integer if q.name == "hh_check" => Answer::Integer {
            value: MEMBERS as i64,
        },
        QuestionKind::Integer => Answer::Integer { value: 10 },
        QuestionKind::Decimal => Answer::Decimal { value: 50.0 },
        QuestionKind::Text => Answer::Text {
            value: format!("answer {member}"),
        },
        QuestionKind::SelectOne => Answer::Choice {
            name: q.choices.first()?.name.clone(),
        },
        QuestionKind::Note => return None,
        other => panic!("no answer for {other:?}"),
    })
}

/// Fills the whole form the way a UI does (screen, answer each question, next; add
/// members at the repeat prompt), then finalizes. Returns the number of answers and the
/// submission.
fn full_fill(form: &Arc<CompiledForm>) -> (usize, Submission) {
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
    let mut s = FormSession::new(form.clone(), None, now);
    let mut answers = 0;
    let mut member = 0;
    loop {
        let screen = s.screen();
        match screen.page {
            Page::Questions => {
                // Answer in page order; an answer may reveal later questions of the page.
                let mut done: Vec<String> = Vec::new();
                loop {
                    let screen = s.screen();
                    let Some(q) = screen
                        .questions
                        .iter()
                        .find(|q| !done.contains(&q.path) && !q.read_only)
                    else {
                        break;
                    };
                    done.push(q.path.clone());
                    if let Some(a) = answer_for(q, member) {
                        s.set_answer(&q.path, a)
                            .unwrap_or_else(|e| panic!("{}: {e}", q.path));
                        answers += 1;
                    }
                }
                s.next()
                    .unwrap_or_else(|e| panic!("{:?}: {e}", s.screen().questions));
            }
            Page::RepeatPrompt { path, count, .. } => {
                if (count as usize) < MEMBERS {
                    s.add_repeat(&path).unwrap();
                    member = count as usize + 1;
                } else {
                    s.next().unwrap();
                }
            }
            Page::End => break,
        }
    }
    (answers, s.finalize(now).unwrap())
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 * p).ceil() as usize).min(v.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn main() {
    let form = generated_form();
    let compiled =
        Arc::new(CompiledForm::compile(form.clone()).expect("the generated form compiles"));
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();

    // Compile.
    let mut times = Vec::new();
    for _ in 0..30 {
        let f = form.clone();
        let t = Instant::now();
        black_box(CompiledForm::compile(f).unwrap());
        times.push(t.elapsed());
    }
    let compile = median(&mut times);

    // Session open.
    let mut times = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        black_box(FormSession::new(compiled.clone(), None, now));
        times.push(t.elapsed());
    }
    let open = median(&mut times);

    // Full fill (UI flow: screen, answers, next, add members, finalize).
    let (answers, submission) = full_fill(&compiled);
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        black_box(full_fill(&compiled));
        times.push(t.elapsed());
    }
    let fill = median(&mut times);

    // One answer, in a session holding all 30 members, with the current page a member's
    // page of 20 questions (so each answer also renders what changed there).
    let mut s = FormSession::new(compiled.clone(), None, now);
    for _ in 0..MEMBERS {
        s.add_repeat("members").unwrap();
    }
    s.jump("members[15]").unwrap();
    let cases: Vec<(String, Answer, Answer)> = (1..=MEMBERS)
        .flat_map(|m| {
            vec![
                (
                    format!("members[{m}]/m_age"),
                    Answer::Integer { value: 10 },
                    Answer::Integer { value: 40 },
                ),
                (
                    format!("members[{m}]/m_sex"),
                    Answer::Choice { name: "f".into() },
                    Answer::Choice { name: "m".into() },
                ),
            ]
        })
        .chain((0..GROUPS).flat_map(|g| {
            vec![
                (
                    format!("f{g}_0"),
                    Answer::Integer { value: 20 },
                    Answer::Integer { value: 95 },
                ),
                (
                    format!("f{g}_3"),
                    Answer::Text { value: "ab".into() },
                    Answer::Text {
                        value: "abcdef".into(),
                    },
                ),
            ]
        }))
        .chain(std::iter::once((
            "hh_head_name".to_string(),
            Answer::Text {
                value: "Thào".into(),
            },
            Answer::Text {
                value: String::new(),
            },
        )))
        .collect();
    let mut times = Vec::new();
    for round in 0..40 {
        for (path, a, b) in &cases {
            let answer = if round % 2 == 0 { a.clone() } else { b.clone() };
            if matches!(&answer, Answer::Text { value } if value.is_empty()) {
                let t = Instant::now();
                black_box(s.clear_answer(path).unwrap());
                times.push(t.elapsed());
                continue;
            }
            let t = Instant::now();
            black_box(
                s.set_answer(path, answer)
                    .unwrap_or_else(|e| panic!("{path}: {e}")),
            );
            times.push(t.elapsed());
        }
    }
    let n_answers = times.len();
    let answer_median = median(&mut times);
    let answer_p99 = percentile(&mut times, 0.99);
    let answer_max = *times.last().unwrap();

    // Adding the Nth repeat instance.
    let add_nth = |n: usize| -> Duration {
        let mut s = FormSession::new(compiled.clone(), None, now);
        for _ in 0..n - 1 {
            s.add_repeat("members").unwrap();
        }
        let mut times = Vec::new();
        for _ in 0..21 {
            let t = Instant::now();
            s.add_repeat("members").unwrap();
            times.push(t.elapsed());
            s.remove_repeat(&format!("members[{n}]")).unwrap();
        }
        median(&mut times)
    };
    let add_10 = add_nth(10);
    let add_100 = add_nth(100);
    let add_1000 = add_nth(1000);

    let state_json = serde_json::to_string(&s.state()).unwrap();
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let state = serde_json::from_str(&state_json).unwrap();
        black_box(FormSession::restore(compiled.clone(), state).unwrap());
        times.push(t.elapsed());
    }
    let restore = median(&mut times);

    // The server's checks of the finalized submission: validation alone, and validation
    // with every calculation and metadata value recomputed and compared (what a push does).
    let facts = ServerFacts {
        device_id: "device".into(),
        username: "mai".into(),
        started_at: submission.started_at,
        finalized_at: submission.finalized_at,
        received_at: submission.finalized_at,
    };
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        black_box(compiled.validate_data(black_box(&submission.data))).unwrap();
        times.push(t.elapsed());
    }
    let validate = median(&mut times);
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let recomputed = compiled.recompute_data(&submission.data, &facts).unwrap();
        times.push(t.elapsed());
        assert!(recomputed.mismatches.is_empty());
        black_box(recomputed);
    }
    let recompute = median(&mut times);
    let submission_bytes = serde_json::to_string(&submission.data).unwrap().len();

    let fields = 1 + GROUPS * PER_GROUP + 4 + MEMBERS * 20;
    println!(
        "Form engine benchmark: {fields} field instances ({} groups x {PER_GROUP}, {MEMBERS} members x 20)",
        GROUPS
    );
    println!(
        "  compile                      {:>12}   (target < 20 ms)",
        ms(compile)
    );
    println!("  session open                 {:>12}", ms(open));
    println!(
        "  one answer, median           {:>12}   ({n_answers} answers)",
        us(answer_median)
    );
    println!(
        "  one answer, p99              {:>12}   (target < 1 ms)",
        us(answer_p99)
    );
    println!("  one answer, max              {:>12}", us(answer_max));
    println!(
        "  full fill + finalize         {:>12}   ({answers} answers; target < 200 ms)",
        ms(fill)
    );
    println!(
        "  server: validate a submission{:>12}   ({submission_bytes} bytes of data)",
        ms(validate)
    );
    println!(
        "  server: validate + recompute {:>12}   (calculations and metadata, compared)",
        ms(recompute)
    );
    println!("  add 10th member              {:>12}", us(add_10));
    println!("  add 100th member             {:>12}", us(add_100));
    println!("  add 1000th member            {:>12}", us(add_1000));
    println!(
        "  restore a 30-member draft    {:>12}   ({} bytes of state JSON)",
        ms(restore),
        state_json.len()
    );
}
