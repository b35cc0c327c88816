//! Branchbook's side of the comparison with ODK's JavaRosa (`run.sh` in this folder runs
//! both and prints the table). It fills a form the way a UI does, with the answers of a
//! script that `JavaRosaFill.java` gives JavaRosa too:
//!
//!     cargo bench -p branchbook-core --bench javarosa -- fill FORM.xlsx ANSWERS.tsv
//!     cargo bench -p branchbook-core --bench javarosa -- prepare DIR
//!     cargo bench -p branchbook-core --bench javarosa -- count FORM.xlsx ANSWERS.tsv FILLS
//!
//! `fill` measures loading the form (xlsx, and the canonical JSON phones get), the cold
//! first fill, then full fills after a warm-up (per second of wall time, and per second
//! of the process's CPU time), and prints `RESULT key value` lines.
//! A full fill = open a session, on each page read the screen, answer its questions
//! (applying what each answer changed on the page, as a UI does with the
//! `ScreenUpdate`), go next, add repeat instances at the prompt while the script has
//! answers for them, then finalize (every constraint and required question checked)
//! and serialize the submission to JSON bytes. `prepare` writes the engine benchmark's generated form as
//! an XLSForm with its answers. Options: `--warmup-secs`, `--runs`, `--run-secs`, and
//! `--print-submission` (the first fill's submission, on stderr). `count` does FILLS whole
//! fills and times nothing, for `callgrind.sh` to count instructions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/generated_form.rs"]
mod generated_form;
#[path = "../support/large_form.rs"]
mod large_form;
mod prepare;
mod script;
mod xlsform;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use branchbook_core::engine::{
    CompiledForm, FormSession, Page, Question, QuestionKind, ScreenUpdate,
};
use branchbook_core::form::{Attachments, load_json, load_xlsx_with, needed_files, read_xlsx};
use chrono::Utc;

use script::Script;

/// Times of the steps of fills (ms), gathered in a separate pass so that timing each
/// answer does not slow the full fills measured.
#[derive(Default)]
struct Steps {
    /// Opening a new instance (`FormSession::new`).
    open: Vec<f64>,
    /// One `set_answer`, with the re-evaluation of what depends on the question.
    answer: Vec<f64>,
    /// One answer as the UI sees it: `set_answer`, then the page brought up to date.
    answer_ui: Vec<f64>,
    /// Finalize (every constraint and required question checked) and the submission
    /// serialized.
    finish: Vec<f64>,
}

/// What one fill did, to check that both engines did the same.
#[derive(Debug)]
struct Fill {
    answers: usize,
    /// Distinct repeat instances answered in (`member[2]`, ...).
    instances: usize,
    /// The submission's size (it varies a little with its timestamps).
    bytes: usize,
}

fn fill(form: &Arc<CompiledForm>, script: &Script) -> Fill {
    fill_and_keep(form, script, None).0
}

/// A fill, and the submission's bytes; with `steps`, the time of each step is added to it.
fn fill_and_keep(
    form: &Arc<CompiledForm>,
    script: &Script,
    mut steps: Option<&mut Steps>,
) -> (Fill, Vec<u8>) {
    let t = Instant::now();
    let mut s = FormSession::new(form.clone(), None, Utc::now());
    if let Some(st) = steps.as_deref_mut() {
        st.open.push(ms(t.elapsed()));
    }
    let mut answers = 0;
    let mut instances = BTreeSet::new();
    loop {
        let screen = s.screen();
        match screen.page {
            Page::Questions => {
                // As a UI: draw the page, then after each answer apply what changed on it.
                let mut shown = screen.questions;
                let mut done: HashSet<String> = HashSet::new();
                while let Some(q) = shown.iter().find(|q| {
                    !q.read_only && q.kind != QuestionKind::Note && !done.contains(&q.path)
                }) {
                    let (path, kind) = (q.path.clone(), q.kind);
                    done.insert(path.clone());
                    let Some(a) = script.answer(&path, kind).unwrap_or_else(|e| panic!("{e}"))
                    else {
                        continue;
                    };
                    let t = Instant::now();
                    let update = s
                        .set_answer(&path, a)
                        .unwrap_or_else(|e| panic!("{path}: {e}"));
                    if let Some(st) = steps.as_deref_mut() {
                        st.answer.push(ms(t.elapsed()));
                    }
                    answers += 1;
                    if let Some(i) = path.rfind("]/") {
                        instances.insert(path[..=i].to_owned());
                    }
                    shown = if update.moved {
                        s.screen().questions
                    } else {
                        apply(shown, update)
                    };
                    if let Some(st) = steps.as_deref_mut() {
                        st.answer_ui.push(ms(t.elapsed()));
                    }
                }
                s.next()
                    .unwrap_or_else(|e| panic!("next: {e}: {:?}", s.screen().questions));
            }
            Page::RepeatPrompt { path, count, .. } => {
                if script.wants_instance(&path, count) {
                    s.add_repeat(&path).unwrap();
                } else {
                    s.next().unwrap();
                }
            }
            Page::End => break,
        }
    }
    let t = Instant::now();
    let submission = s
        .finalize(Utc::now())
        .unwrap_or_else(|p| panic!("finalize refused: {p:?}"));
    let bytes = black_box(serde_json::to_vec(&submission).unwrap());
    if let Some(st) = steps {
        st.finish.push(ms(t.elapsed()));
    }
    (
        Fill {
            answers,
            instances: instances.len(),
            bytes: bytes.len(),
        },
        bytes,
    )
}

/// The page's questions after an answer, as a UI brings them up to date: answers and
/// messages set, questions drawn again replaced; when other questions show, hidden ones
/// dropped and new ones added in the new order.
#[inline(never)] // counted on its own by callgrind.sh
fn apply(mut shown: Vec<Question>, update: ScreenUpdate) -> Vec<Question> {
    for a in update.answers {
        if let Some(q) = shown.iter_mut().find(|q| q.path == a.path) {
            q.value = a.value;
            q.error = a.error;
        }
    }
    let Some(order) = update.order else {
        for new in update.changed {
            if let Some(q) = shown.iter_mut().find(|q| q.path == new.path) {
                *q = new;
            }
        }
        return shown;
    };
    let mut by_path: HashMap<String, Question> =
        shown.into_iter().map(|q| (q.path.clone(), q)).collect();
    by_path.extend(update.changed.into_iter().map(|q| (q.path.clone(), q)));
    order.iter().filter_map(|p| by_path.remove(p)).collect()
}

fn median(v: Vec<f64>) -> f64 {
    quantile(v, 0.5)
}

/// The `q` quantile (nearest rank) of `v`.
fn quantile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 * q) as usize).min(v.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// CPU time this process has used (all threads, user + system), from /proc (Linux;
/// clock ticks of 1/100 s): unlike wall time, not inflated when other work preempts us.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = after_name
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the name.
    (fields.get(11).copied().unwrap_or(0.0) + fields.get(12).copied().unwrap_or(0.0)) / 100.0
}

/// Peak resident memory of this process so far, from /proc (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

struct Options {
    print_submission: bool,
    warmup: Duration,
    runs: usize,
    run: Duration,
}

/// What a fill reads: the form's bytes, the files attached to it (its lists and tables,
/// found beside it: a real form's `select_one_from_file` data, for instance) and its
/// answer script.
struct Inputs {
    bytes: Vec<u8>,
    files: Attachments,
    script: Script,
}

impl Inputs {
    fn read(xlsx: &Path, answers: &Path) -> Inputs {
        let bytes = std::fs::read(xlsx).unwrap_or_else(|e| panic!("{}: {e}", xlsx.display()));
        let script = Script::parse(
            &std::fs::read_to_string(answers)
                .unwrap_or_else(|e| panic!("{}: {e}", answers.display())),
        );
        let read = read_xlsx(&bytes).unwrap_or_else(|e| panic!("{}: {e}", xlsx.display()));
        let dir = xlsx.parent().unwrap_or(Path::new("."));
        let files = needed_files(&read.form)
            .into_iter()
            .filter_map(|name| Some((name.clone(), std::fs::read(dir.join(&name)).ok()?)))
            .collect();
        Inputs {
            bytes,
            files,
            script,
        }
    }

    /// The form compiled from its spreadsheet and files (what the server does).
    fn load(&self) -> CompiledForm {
        load_xlsx_with(&self.bytes, None, &self.files).unwrap_or_else(|e| panic!("{e}"))
    }
}

/// Exactly `fills` whole fills and nothing timed, for counting instructions under
/// callgrind (`callgrind.sh` here): per fill, and per call of the engine's steps.
fn run_count(xlsx: &Path, answers: &Path, fills: usize) {
    let inputs = Inputs::read(xlsx, answers);
    let (form, script) = (Arc::new(inputs.load()), inputs.script);
    let mut done = None;
    for _ in 0..fills {
        done = Some(black_box(fill(&form, &script)));
    }
    let answers = done.map_or(0, |f| f.answers);
    println!("RESULT fills {fills}");
    println!("RESULT answers {answers}");
}

fn run_fill(xlsx: &Path, answers: &Path, o: &Options) {
    let inputs = Inputs::read(xlsx, answers);
    let script = &inputs.script;

    let t = Instant::now();
    let form = Arc::new(inputs.load());
    let load_cold = t.elapsed();
    let t = Instant::now();
    let (first, submission) = fill_and_keep(&form, script, None);
    let fill_cold = t.elapsed();
    if o.print_submission {
        eprintln!("{}", String::from_utf8_lossy(&submission));
    }

    let t = Instant::now();
    let mut warmup_fills = 0;
    while t.elapsed() < o.warmup || warmup_fills < 3 {
        let again = fill(&form, script);
        assert_eq!(
            (again.answers, again.instances),
            (first.answers, first.instances),
            "every fill does the same"
        );
        warmup_fills += 1;
    }
    // The peak now: the engine's load and fills, before the timed runs keep their
    // timings (which grow with the number of fills, not with the engine).
    let peak_rss = peak_rss_mib();

    let mut rates = Vec::new();
    let mut cpu_rates = Vec::new();
    let mut times = Vec::new();
    for _ in 0..o.runs {
        let (start, cpu) = (Instant::now(), cpu_secs());
        let mut n = 0;
        while start.elapsed() < o.run || n < 3 {
            let t = Instant::now();
            black_box(fill(&form, script));
            times.push(ms(t.elapsed()));
            n += 1;
        }
        rates.push(n as f64 / start.elapsed().as_secs_f64());
        cpu_rates.push(n as f64 / (cpu_secs() - cpu));
    }

    // The steps of a fill, timed one by one, for as long as one run.
    let mut steps = Steps::default();
    let start = Instant::now();
    while start.elapsed() < o.run || steps.finish.len() < 3 {
        black_box(fill_and_keep(&form, script, Some(&mut steps)));
    }

    // Loading, warm: the xlsx (authors' tools, the server) and the canonical JSON that
    // phones receive (what a phone compiles before a session).
    // The phone's JSON carries the lists and tables read from the files.
    let json = form.form().to_json();
    let load = |f: &dyn Fn() -> CompiledForm| {
        median(
            (0..20)
                .map(|_| {
                    let t = Instant::now();
                    black_box(f());
                    ms(t.elapsed())
                })
                .collect(),
        )
    };
    let load_xlsx_ms = load(&|| inputs.load());
    let load_json_ms = load(&|| load_json(&json).unwrap());

    println!("RESULT engine branchbook");
    println!("RESULT answers {}", first.answers);
    println!("RESULT instances {}", first.instances);
    println!("RESULT submission_bytes {}", first.bytes);
    println!("RESULT load_cold_ms {:.3}", ms(load_cold));
    println!("RESULT load_ms {load_xlsx_ms:.3}");
    println!("RESULT load_phone_ms {load_json_ms:.3}");
    println!("RESULT fill_cold_ms {:.3}", ms(fill_cold));
    println!("RESULT warmup_fills {warmup_fills}");
    println!("RESULT fill_ms {:.4}", median(times));
    println!("RESULT fills_per_s {:.1}", median(rates));
    println!("RESULT fills_per_cpu_s {:.1}", median(cpu_rates));
    println!("RESULT open_ms {:.4}", median(steps.open));
    println!("RESULT answer_us {:.2}", median(steps.answer.clone()) * 1e3);
    println!(
        "RESULT answer_p99_us {:.2}",
        quantile(steps.answer, 0.99) * 1e3
    );
    println!(
        "RESULT answer_ui_us {:.2}",
        median(steps.answer_ui.clone()) * 1e3
    );
    println!(
        "RESULT answer_ui_p99_us {:.2}",
        quantile(steps.answer_ui, 0.99) * 1e3
    );
    println!("RESULT finalize_ms {:.4}", median(steps.finish));
    if let Some(rss) = peak_rss {
        println!("RESULT peak_rss_mib {rss:.1}");
    }
}

fn main() {
    // `cargo bench` passes `--bench`; the rest is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let flag = |name: &str, default: f64| -> f64 {
        args.iter()
            .position(|a| a == name)
            .map_or(default, |i| args[i + 1].parse().expect(name))
    };
    let o = Options {
        print_submission: args.iter().any(|a| a == "--print-submission"),
        warmup: Duration::from_secs_f64(flag("--warmup-secs", 5.0)),
        runs: flag("--runs", 7.0) as usize,
        run: Duration::from_secs_f64(flag("--run-secs", 2.0)),
    };
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["prepare", dir, ..] => prepare::prepare(Path::new(dir)),
        ["fill", xlsx, answers, ..] => run_fill(Path::new(xlsx), Path::new(answers), &o),
        ["count", xlsx, answers, fills, ..] => {
            run_count(
                Path::new(xlsx),
                Path::new(answers),
                fills.parse().expect("fills"),
            );
        }
        _ => {
            // Run with no arguments (as `cargo bench` does for every bench): fill the
            // example household survey, so the bench always has something to show.
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
            run_fill(
                &dir.join("forms/household_survey.xlsx"),
                &dir.join("benches/javarosa/answers/household_survey.tsv"),
                &o,
            );
        }
    }
}
