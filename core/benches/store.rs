//! Store benchmark (prints numbers): 100,000 submissions of a household-visit form
//! inserted through the store's API, a page of 50 and the counts per state at that size,
//! name search over 10,000 roster members, intake of a 12-megapixel photo, database
//! size per 1,000 submissions; each with and without SQLCipher encryption.
//!
//! `cargo bench -p branchbook-core --bench store` (set `BRANCHBOOK_BENCH_SUBMISSIONS`
//! for another count).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::{Duration, Instant};

use branchbook_core::domain::Sex;
use branchbook_core::engine::{Answer, FormSession, SessionOptions, Submission};
use branchbook_core::protocol::RosterMember;
use branchbook_core::store::{
    PhotoOptions, RecordState, RosterChange, Store, SubmissionFilter, Window,
};
use image::{Rgb, RgbImage};
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::json;
use uuid::Uuid;

const KEY: [u8; 32] = [42; 32];

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// p50 and p99 of `samples`.
fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.99))
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    percentiles(samples)
}

fn form_json() -> String {
    let source = json!({"sheet": "survey", "row": 2});
    let field = |name: &str, kind: serde_json::Value, required: bool| {
        json!({"node": "field", "name": name, "kind": kind, "label": {"Tiếng Việt (vi)": name}, "hint": {},
               "required": if required { Some("true()") } else { None }, "required_message": {}, "relevant": null,
               "constraint": null, "constraint_message": {}, "calculation": null, "default": null, "read_only": null,
               "choice_filter": null, "appearance": null, "parameters": {}, "source": source})
    };
    let choices = |name: &str, names: &[&str]| {
        json!({"name": name, "choices": names.iter().map(|n| json!({"name": n, "label": {"Tiếng Việt (vi)": n},
               "extra": {}, "source": {"sheet": "choices", "row": 2}})).collect::<Vec<_>>()})
    };
    json!({
        "id": "household_visit", "version": "2026-11", "title": "Thăm hộ gia đình", "default_language": "Tiếng Việt (vi)",
        "languages": [{"name": "Tiếng Việt (vi)", "code": "vi"}], "instance_name": null,
        "choices": {"water": choices("water", &["well", "spring", "tap"]), "sex": choices("sex", &["female", "male"])},
        "body": [
            field("head_name", json!({"type": "text"}), true),
            field("water", json!({"type": "select_one", "list": "water", "or_other": false}), true),
            field("notes", json!({"type": "text"}), false),
            {"node": "repeat", "name": "person", "label": {"Tiếng Việt (vi)": "Thành viên"}, "relevant": null,
             "repeat_count": null, "appearance": null, "source": source, "children": [
                field("name", json!({"type": "text"}), true),
                field("sex", json!({"type": "select_one", "list": "sex", "or_other": false}), true),
                field("birth_year", json!({"type": "integer"}), false)]}
        ]
    })
    .to_string()
}

/// Fills a household visit like a branch head would: the head, water, notes, and 2 to 6
/// people, saving the draft after each answer; returns the finalized submission.
fn fill(store: &Store, rng: &mut impl Rng) -> (Duration, Submission) {
    let t = Instant::now();
    let (_, mut s) = store
        .start_submission(
            "household_visit",
            "2026-11",
            None,
            &SessionOptions::new(chrono::Utc::now()),
        )
        .unwrap();
    let text = |v: &str| Answer::Text { value: v.into() };
    let choice = |v: &str| Answer::Choice { name: v.into() };
    let mut engine = t.elapsed();
    let mut answer = |s: &mut FormSession, q: &str, a: Answer| {
        let t = Instant::now();
        s.set_answer(q, a).unwrap();
        engine += t.elapsed();
        store.save_draft(s).unwrap();
    };
    answer(&mut s, "head_name", text("Giàng A Páo"));
    answer(&mut s, "water", choice("well"));
    answer(
        &mut s,
        "notes",
        text("Gia đình có hai con nhỏ, mẹ chưa đi học."),
    );
    for i in 1..=rng.random_range(2..=6) {
        s.add_repeat("person").unwrap();
        answer(
            &mut s,
            &format!("person[{i}]/name"),
            text(&format!("Thào Thị Dợ {i}")),
        );
        answer(
            &mut s,
            &format!("person[{i}]/sex"),
            choice(if i % 2 == 0 { "male" } else { "female" }),
        );
        answer(
            &mut s,
            &format!("person[{i}]/birth_year"),
            Answer::Integer {
                value: rng.random_range(1950..2024),
            },
        );
    }
    let t = Instant::now();
    let submission = s.finalize(chrono::Utc::now()).unwrap();
    (engine + t.elapsed(), submission)
}

fn submissions(dir: &Path, key: Option<&[u8]>, n: usize) {
    let db = dir.join(format!("subs-{}.db", key.is_some()));
    let store = Store::open(&db, key).unwrap();
    store.set_account("mai").unwrap();
    store.add_form(&form_json(), None).unwrap();
    let mut rng = rand::rng();
    let started = Instant::now();
    let mut engine = Duration::ZERO;
    let mut answers = 0;
    for i in 0..n {
        let (took, submission) = fill(&store, &mut rng);
        engine += took;
        answers += submission.data["person"]
            .as_array()
            .map_or(0, |p| 3 * p.len())
            + 3;
        // One in ten stays a draft; the rest are finalized, one in ten of those sent.
        if i % 10 != 0 {
            store.finalize(&submission).unwrap();
            if i % 10 == 1 {
                store.mark_sent(submission.instance_id, 1).unwrap();
            }
        }
    }
    let total = started.elapsed();
    let label = if key.is_some() { "encrypted" } else { "plain" };
    println!(
        "[{label}] {n} household visits filled, each answer autosaved ({answers} saves), 90% finalized: {:.1} s; \
         {} per visit, of which {} in the form engine; {} per autosave",
        total.as_secs_f64(),
        ms(total / n as u32),
        ms(engine / n as u32),
        ms((total - engine) / answers as u32)
    );

    let all = SubmissionFilter::default();
    let finalized = SubmissionFilter {
        state: Some(RecordState::Finalized),
        ..SubmissionFilter::default()
    };
    let by_form = SubmissionFilter {
        form_id: Some("household_visit".into()),
        state: Some(RecordState::Draft),
        household: None,
    };
    for (name, filter) in [
        ("all", &all),
        ("finalized", &finalized),
        ("form + draft", &by_form),
    ] {
        let (p50, p99) = time(200, || {
            store.list_submissions(filter, Window::first(50)).unwrap()
        });
        println!(
            "[{label}] list newest 50 ({name}) at {n}: p50 {} p99 {}",
            ms(p50),
            ms(p99)
        );
    }
    let (p50, p99) = time(200, || {
        store
            .list_submissions(
                &all,
                Window {
                    offset: 5000,
                    limit: 50,
                },
            )
            .unwrap()
    });
    println!(
        "[{label}] list 50 at offset 5000 at {n}: p50 {} p99 {}",
        ms(p50),
        ms(p99)
    );
    let (p50, p99) = time(200, || store.submission_counts(None).unwrap());
    println!(
        "[{label}] counts per state at {n}: p50 {} p99 {} ({:?})",
        ms(p50),
        ms(p99),
        store.submission_counts(None).unwrap()
    );
    drop(store);
    // Checkpoint the WAL into the file, then measure.
    let store = Store::open(&db, key).unwrap();
    drop(store);
    let size: u64 = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(db.file_name().unwrap().to_str().unwrap())
        })
        .filter_map(|e| e.metadata().ok().filter(|m| m.is_file()).map(|m| m.len()))
        .sum();
    println!(
        "[{label}] database size: {:.1} MB, {:.0} KB per 1,000 submissions (answers, session state, audit, outbox)",
        size as f64 / 1e6,
        size as f64 / 1e3 / (n as f64 / 1000.0)
    );
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vàng", "Giàng", "Thào", "Lò", "Hờ", "Sùng", "Mùa",
    "Lý", "Đặng", "Triệu", "Bàn", "Lường", "Cầm", "Quàng", "Hà",
];
const MIDDLE: &[&str] = &["Thị", "Văn", "A", "Thị", "Seo", "Mí", "Thị Kim", "Thị Thu"];
const GIVEN: &[&str] = &[
    "Dợ", "Mai", "Mỷ", "Sua", "Pà", "Dình", "Páo", "Chá", "Tâm", "Lan", "Hoa", "Thảo", "Xuân",
    "Dung", "Đào", "Nhung", "Vân", "Hương", "Lử", "Súa", "Dế", "Chứ", "Sính", "Mỵ", "Dua", "Làn",
    "Pằng", "Sểnh", "Chở", "Ly",
];

fn search(dir: &Path, key: Option<&[u8]>) {
    let store = Store::open(&dir.join(format!("roster-{}.db", key.is_some())), key).unwrap();
    let mut rng = rand::rng();
    let members: Vec<RosterMember> = (0..10_000)
        .map(|i| RosterMember {
            id: Uuid::now_v7(),
            member_code: Some(format!("HV-{i:05}")),
            full_name: format!(
                "{} {} {}",
                FAMILY.choose(&mut rng).unwrap(),
                MIDDLE.choose(&mut rng).unwrap(),
                GIVEN.choose(&mut rng).unwrap()
            ),
            sex: Sex::Female,
            birth_year: Some(rng.random_range(1950..2008)),
            ethnicity: Some("hmong".into()),
            village: format!("Bản {}", i % 12),
            phone: None,
            archived: false,
        })
        .collect();
    let t = Instant::now();
    store
        .import_roster(&members, RosterChange::Replace)
        .unwrap();
    let label = if key.is_some() { "encrypted" } else { "plain" };
    println!(
        "[{label}] import 10,000 roster members: {}",
        ms(t.elapsed())
    );
    let queries = [
        "thao thi d",
        "vang",
        "giang a",
        "mai",
        "lo thi m",
        "d",
        "nguyen thi h",
        "sua",
        "hoang",
        "tr",
        "thi",
    ];
    let mut all = vec![];
    for q in queries {
        let hits = store.search_members(q, Window::first(50)).unwrap().len();
        let (p50, p99) = time(100, || store.search_members(q, Window::first(50)).unwrap());
        println!(
            "[{label}] search {q:?} ({hits} on the first page): p50 {} p99 {}",
            ms(p50),
            ms(p99)
        );
        all.extend((0..100).map(|_| {
            let s = Instant::now();
            std::hint::black_box(store.search_members(q, Window::first(50)).unwrap());
            s.elapsed()
        }));
    }
    let (p50, p99) = percentiles(all);
    println!(
        "[{label}] search over 10,000 members, all queries: p50 {} p99 {}",
        ms(p50),
        ms(p99)
    );
}

fn photo(dir: &Path, key: Option<&[u8]>) {
    let src = dir.join("camera.jpg");
    if !src.exists() {
        // 4000 x 3000 with texture, so that decoding and encoding do real work.
        let img = RgbImage::from_fn(4000, 3000, |x, y| {
            let v = ((x ^ y) & 0xFF) as u8;
            Rgb([
                v,
                ((x * 7 + y * 3) & 0xFF) as u8,
                ((x / 16 + y / 9) & 0xFF) as u8,
            ])
        });
        img.save(&src).unwrap();
    }
    let store = Store::open(&dir.join(format!("photo-{}.db", key.is_some())), key).unwrap();
    store.add_form(&form_json(), None).unwrap();
    let (d, _) = store
        .start_submission(
            "household_visit",
            "2026-11",
            None,
            &SessionOptions::new(chrono::Utc::now()),
        )
        .unwrap();
    let (p50, p99) = time(5, || {
        store
            .attach_submission_photo(d.uuid, &src, PhotoOptions::default())
            .unwrap()
    });
    let p = store
        .attach_submission_photo(d.uuid, &src, PhotoOptions::default())
        .unwrap();
    let label = if key.is_some() { "encrypted" } else { "plain" };
    println!(
        "[{label}] intake of a 12-megapixel JPEG ({:.1} MB) to {}x{} ({} KB): p50 {} max {}",
        std::fs::metadata(&src).unwrap().len() as f64 / 1e6,
        p.width,
        p.height,
        p.bytes / 1000,
        ms(p50),
        ms(p99)
    );
}

fn main() {
    let n: usize = std::env::var("BRANCHBOOK_BENCH_SUBMISSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    for key in [None, Some(&KEY[..])] {
        search(dir.path(), key);
        photo(dir.path(), key);
        submissions(dir.path(), key, n);
    }
}
