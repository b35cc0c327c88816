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
use branchbook_core::protocol::RosterMember;
use branchbook_core::store::{Finalized, Page, PhotoOptions, RecordState, RosterChange, Store, SubmissionFilter};
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
    let field = |name: &str, kind: serde_json::Value| {
        json!({"node": "field", "name": name, "kind": kind, "label": {"Tiếng Việt (vi)": name}, "hint": {},
               "required": "true()", "required_message": {}, "relevant": null, "constraint": null,
               "constraint_message": {}, "calculation": null, "default": null, "read_only": null,
               "choice_filter": null, "appearance": null, "parameters": {}, "source": {"sheet": "survey", "row": 2}})
    };
    json!({
        "id": "household_visit", "version": "2026-11", "title": "Thăm hộ gia đình", "default_language": "Tiếng Việt (vi)",
        "languages": [{"name": "Tiếng Việt (vi)", "code": "vi"}], "instance_name": null, "choices": {},
        "body": [field("head_name", json!({"type": "text"})), field("members", json!({"type": "integer"})),
                 field("water", json!({"type": "text"})), field("photo", json!({"type": "image"}))]
    })
    .to_string()
}

/// Answers of a household visit: about 1.5 KB of JSON, a repeat of 2 to 6 people.
fn answers(rng: &mut impl Rng) -> serde_json::Value {
    let people: Vec<_> = (0..rng.random_range(2..=6))
        .map(|i| {
            json!({"name": format!("Thào Thị Dợ {i}"), "sex": if i % 2 == 0 { "female" } else { "male" },
                   "birth_year": rng.random_range(1950..2024), "ethnicity": "hmong", "school": "yes",
                   "relation": "con", "health_insurance": "yes"})
        })
        .collect();
    json!({"head_name": "Giàng A Páo", "village": "Bản Phùng", "members": people.len(), "person": people,
           "water": "giếng đào", "toilet": "hố xí hai ngăn", "income": "nương rẫy chăn nuôi",
           "loans": rng.random_range(0..3), "notes": "Gia đình có hai con nhỏ, mẹ chưa đi học.",
           "start": "2026-11-20T08:00:00+07:00", "end": "2026-11-20T08:25:00+07:00"})
}

fn submissions(dir: &Path, key: Option<&[u8]>, n: usize) {
    let db = dir.join(format!("subs-{}.db", key.is_some()));
    let store = Store::open(&db, key).unwrap();
    store.set_account("mai").unwrap();
    store.add_form(&form_json(), None).unwrap();
    let mut rng = rand::rng();
    let started = Instant::now();
    let mut insert = Duration::ZERO;
    for i in 0..n {
        let data = answers(&mut rng);
        let session = json!({"page": 3, "answers": data}).to_string();
        let t = Instant::now();
        let d = store.create_draft("household_visit", "2026-11", None, Some("vi"), &session).unwrap();
        // One draft in ten stays a draft; the rest are finalized, one in ten of those sent.
        if i % 10 != 0 {
            store.finalize(d.uuid, &Finalized { finalized_at: chrono::Utc::now(), data, photos: vec![] }).unwrap();
            if i % 10 == 1 {
                store.mark_sent(d.uuid, 1).unwrap();
            }
        }
        insert += t.elapsed();
    }
    let total = started.elapsed();
    let label = if key.is_some() { "encrypted" } else { "plain" };
    println!("[{label}] insert {n} submissions (draft + finalize, each its own durable transaction): {:.1} s, {} per submission",
        total.as_secs_f64(), ms(insert / n as u32));

    let all = SubmissionFilter::default();
    let finalized = SubmissionFilter { state: Some(RecordState::Finalized), ..SubmissionFilter::default() };
    let by_form = SubmissionFilter { form_id: Some("household_visit".into()), state: Some(RecordState::Draft), household: None };
    for (name, filter) in [("all", &all), ("finalized", &finalized), ("form + draft", &by_form)] {
        let (p50, p99) = time(200, || store.list_submissions(filter, Page::first(50)).unwrap());
        println!("[{label}] list newest 50 ({name}) at {n}: p50 {} p99 {}", ms(p50), ms(p99));
    }
    let (p50, p99) = time(200, || store.list_submissions(&all, Page { offset: 5000, limit: 50 }).unwrap());
    println!("[{label}] list 50 at offset 5000 at {n}: p50 {} p99 {}", ms(p50), ms(p99));
    let (p50, p99) = time(200, || store.submission_counts(None).unwrap());
    println!("[{label}] counts per state at {n}: p50 {} p99 {} ({:?})", ms(p50), ms(p99), store.submission_counts(None).unwrap());
    drop(store);
    // Checkpoint the WAL into the file, then measure.
    let store = Store::open(&db, key).unwrap();
    drop(store);
    let size: u64 = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(db.file_name().unwrap().to_str().unwrap()))
        .filter_map(|e| e.metadata().ok().filter(|m| m.is_file()).map(|m| m.len()))
        .sum();
    println!("[{label}] database size: {:.1} MB, {:.0} KB per 1,000 submissions (answers, session state, audit, outbox)",
        size as f64 / 1e6, size as f64 / 1e3 / (n as f64 / 1000.0));
}

const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vàng", "Giàng", "Thào", "Lò", "Hờ", "Sùng", "Mùa",
    "Lý", "Đặng", "Triệu", "Bàn", "Lường", "Cầm", "Quàng", "Hà"];
const MIDDLE: &[&str] = &["Thị", "Văn", "A", "Thị", "Seo", "Mí", "Thị Kim", "Thị Thu"];
const GIVEN: &[&str] = &["Dợ", "Mai", "Mỷ", "Sua", "Pà", "Dình", "Páo", "Chá", "Tâm", "Lan", "Hoa", "Thảo", "Xuân", "Dung",
    "Đào", "Nhung", "Vân", "Hương", "Lử", "Súa", "Dế", "Chứ", "Sính", "Mỵ", "Dua", "Làn", "Pằng", "Sểnh", "Chở", "Ly"];

fn search(dir: &Path, key: Option<&[u8]>) {
    let store = Store::open(&dir.join(format!("roster-{}.db", key.is_some())), key).unwrap();
    let mut rng = rand::rng();
    let members: Vec<RosterMember> = (0..10_000)
        .map(|i| RosterMember {
            id: Uuid::now_v7(),
            member_code: Some(format!("HV-{i:05}")),
            full_name: format!("{} {} {}", FAMILY.choose(&mut rng).unwrap(), MIDDLE.choose(&mut rng).unwrap(), GIVEN.choose(&mut rng).unwrap()),
            sex: Sex::Female,
            birth_year: Some(rng.random_range(1950..2008)),
            ethnicity: Some("hmong".into()),
            village: format!("Bản {}", i % 12),
            phone: None,
            archived: false,
        })
        .collect();
    let t = Instant::now();
    store.import_roster(&members, RosterChange::Replace).unwrap();
    let label = if key.is_some() { "encrypted" } else { "plain" };
    println!("[{label}] import 10,000 roster members: {}", ms(t.elapsed()));
    let queries = ["thao thi d", "vang", "giang a", "mai", "lo thi m", "d", "nguyen thi h", "sua", "hoang", "tr", "thi"];
    let mut all = vec![];
    for q in queries {
        let hits = store.search_members(q, Page::first(50)).unwrap().len();
        let (p50, p99) = time(100, || store.search_members(q, Page::first(50)).unwrap());
        println!("[{label}] search {q:?} ({hits} on the first page): p50 {} p99 {}", ms(p50), ms(p99));
        all.extend((0..100).map(|_| {
            let s = Instant::now();
            std::hint::black_box(store.search_members(q, Page::first(50)).unwrap());
            s.elapsed()
        }));
    }
    let (p50, p99) = percentiles(all);
    println!("[{label}] search over 10,000 members, all queries: p50 {} p99 {}", ms(p50), ms(p99));
}

fn photo(dir: &Path, key: Option<&[u8]>) {
    let src = dir.join("camera.jpg");
    if !src.exists() {
        // 4000 x 3000 with texture, so that decoding and encoding do real work.
        let img = RgbImage::from_fn(4000, 3000, |x, y| {
            let v = ((x ^ y) & 0xFF) as u8;
            Rgb([v, ((x * 7 + y * 3) & 0xFF) as u8, ((x / 16 + y / 9) & 0xFF) as u8])
        });
        img.save(&src).unwrap();
    }
    let store = Store::open(&dir.join(format!("photo-{}.db", key.is_some())), key).unwrap();
    store.add_form(&form_json(), None).unwrap();
    let d = store.create_draft("household_visit", "2026-11", None, None, "{}").unwrap();
    let (p50, p99) = time(5, || store.attach_submission_photo(d.uuid, &src, PhotoOptions::default()).unwrap());
    let p = store.attach_submission_photo(d.uuid, &src, PhotoOptions::default()).unwrap();
    let label = if key.is_some() { "encrypted" } else { "plain" };
    println!(
        "[{label}] intake of a 12-megapixel JPEG ({:.1} MB) to {}x{} ({} KB): p50 {} max {}",
        std::fs::metadata(&src).unwrap().len() as f64 / 1e6, p.width, p.height, p.bytes / 1000, ms(p50), ms(p99)
    );
}

fn main() {
    let n: usize = std::env::var("BRANCHBOOK_BENCH_SUBMISSIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    for key in [None, Some(&KEY[..])] {
        search(dir.path(), key);
        photo(dir.path(), key);
        submissions(dir.path(), key, n);
    }
}
