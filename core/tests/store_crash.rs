//! Crash test of the local store: a child process writes households, household edits,
//! survey submissions with photos and gatherings with attendees and photos in a loop,
//! reporting each write that returned success on stdout; the parent kills it with SIGKILL
//! at a random moment, many times, and after every kill checks that the database passes
//! `PRAGMA integrity_check`, that every reported write is there whole, and that nothing
//! is half-written. The store is encrypted (SQLCipher pages, sealed photo files).
//!
//! Runs as `cargo test --test store_crash` (no harness: the same binary is the child
//! when `BRANCHBOOK_CRASH_CHILD` names the database).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use branchbook_core::domain::{AgeGroup, GatheringKind, Sex};
use branchbook_core::engine::{Answer, SessionOptions};
use branchbook_core::protocol::RosterMember;
use branchbook_core::store::{
    GatheringDetails, HouseholdInput, MemberInput, PhotoOptions, RecordState, RosterChange, Store,
    WalkIn, Window,
};
use image::{Rgb, RgbImage};
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const CHILD_ENV: &str = "BRANCHBOOK_CRASH_CHILD";
/// The store is encrypted, as on a phone: sealed pages and photos must survive kills too.
const KEY: [u8; 32] = [9; 32];
const KILLS: usize = 30;
const ROSTER: usize = 12;

fn main() {
    match std::env::var(CHILD_ENV) {
        Ok(db) => child(Path::new(&db)),
        Err(_) => parent(),
    }
}

fn household(head: &str, n: usize) -> HouseholdInput {
    HouseholdInput {
        village: "Bản Phùng".into(),
        address: format!("số {n}"),
        head_name: head.into(),
        members: (0..n % 4)
            .map(|i| MemberInput {
                id: None,
                name: format!("Thào Thị Dợ {i}"),
                sex: Sex::Female,
                birth_year: Some(1980 + i as i32),
                ethnicity: Some("hmong".into()),
                relation: "daughter".into(),
            })
            .collect(),
        notes: String::new(),
    }
}

/// A household-visit form: the head's name and a photo of the house.
fn form_json() -> String {
    let field = |name: &str, kind: &str| {
        serde_json::json!({"node": "field", "name": name, "kind": {"type": kind}, "label": {"": name}, "hint": {},
            "required": "true()", "required_message": {}, "relevant": null, "constraint": null,
            "constraint_message": {}, "calculation": null, "default": null, "read_only": null,
            "choice_filter": null, "appearance": null, "parameters": {}, "source": {"sheet": "survey", "row": 2}})
    };
    serde_json::json!({"id": "visit", "version": "1", "title": "Thăm hộ", "default_language": null, "languages": [],
        "instance_name": null, "choices": {}, "body": [field("head_name", "text"), field("house", "image")]})
    .to_string()
}

/// The writer: loops until killed, printing one line per write that returned success.
fn child(db: &Path) {
    let store = Store::open(db, Some(&KEY)).unwrap();
    store.set_account("mai").unwrap();
    if store
        .list_members(None, true, Window::first(1))
        .unwrap()
        .is_empty()
    {
        let roster: Vec<RosterMember> = (0..ROSTER)
            .map(|i| RosterMember {
                id: Uuid::now_v7(),
                member_code: Some(format!("HV-{i}")),
                full_name: format!("Giàng Thị Mỷ {i}"),
                sex: if i % 3 == 0 { Sex::Male } else { Sex::Female },
                birth_year: Some(1970 + i as i32),
                ethnicity: Some(if i % 2 == 0 { "hmong" } else { "dao" }.into()),
                village: "Bản Phùng".into(),
                phone: None,
                archived: false,
            })
            .collect();
        store.import_roster(&roster, RosterChange::Replace).unwrap();
        println!("R {ROSTER}");
    }
    store.add_form(&form_json(), None).unwrap();
    let members = store.list_members(None, false, Window::first(500)).unwrap();
    let mut last_household = None;
    let photo_dir = tempfile::tempdir().unwrap();
    let mut rng = rand::rng();
    for n in rng.random_range(0..4).. {
        match n % 4 {
            0 => {
                let h = store
                    .create_household(&household("Vàng A Dình", n))
                    .unwrap();
                println!("H {} {}", h.uuid, h.revision);
                let h2 = store
                    .set_household_archived(h.uuid, h.revision, true)
                    .unwrap();
                println!("H {} {}", h2.uuid, h2.revision);
                last_household = Some(h.uuid);
            }
            1 => {
                let (info, mut session) = store
                    .start_submission(
                        "visit",
                        "1",
                        last_household,
                        &SessionOptions::new(chrono::Utc::now()),
                    )
                    .unwrap();
                let src = photo_dir.path().join(format!("{n}.jpg"));
                RgbImage::from_pixel(200, 150, Rgb([rng.random(), rng.random(), rng.random()]))
                    .save(&src)
                    .unwrap();
                let photo = store
                    .attach_submission_photo(info.uuid, &src, PhotoOptions::default())
                    .unwrap();
                session
                    .set_answer(
                        "head_name",
                        Answer::Text {
                            value: format!("Giàng A Páo {n}"),
                        },
                    )
                    .unwrap();
                store.save_draft(&session).unwrap();
                session
                    .set_answer(
                        "house",
                        Answer::Photo {
                            sha256: photo.sha256.clone(),
                        },
                    )
                    .unwrap();
                store.save_draft(&session).unwrap();
                let submission = session.finalize(chrono::Utc::now()).unwrap();
                store.finalize(&submission).unwrap();
                println!("S {} {n} {}", info.uuid, photo.sha256);
            }
            _ => {
                let count = rng.random_range(1..=members.len());
                let g = store
                    .create_gathering(&GatheringDetails {
                        kind: GatheringKind::CommunicationSession,
                        topic: format!("n={count}"),
                        village: "Bản Phùng".into(),
                        starts_at: chrono::Utc::now(),
                        facilitator: "Lò Thị Mai".into(),
                        notes: String::new(),
                    })
                    .unwrap();
                for m in &members[..count - 1] {
                    store.check_in(g.uuid, m.id).unwrap();
                }
                store
                    .add_walk_in(
                        g.uuid,
                        &WalkIn {
                            name: "Hờ Thị Sua".into(),
                            sex: Sex::Female,
                            birth_year: None,
                            age_group: Some(AgeGroup::Adult),
                            ethnicity: Some("dao".into()),
                        },
                    )
                    .unwrap();
                let colour = Rgb([rng.random(), rng.random(), rng.random()]);
                let src = photo_dir.path().join(format!("{n}.jpg"));
                RgbImage::from_pixel(320, 240, colour).save(&src).unwrap();
                let photo = store
                    .attach_gathering_photo(g.uuid, &src, PhotoOptions::default())
                    .unwrap();
                store.close_gathering(g.uuid).unwrap();
                println!("G {} {count} {}", g.uuid, photo.sha256);
            }
        }
    }
}

/// What the child reported as done.
#[derive(Default)]
struct Reported {
    households: HashMap<Uuid, u32>,
    submissions: Vec<(Uuid, u32, String)>,
    gatherings: Vec<(Uuid, u32, String)>,
}

fn parse(line: &str, into: &mut Reported) {
    let parts: Vec<&str> = line.split(' ').collect();
    match parts.as_slice() {
        ["R", _] => {}
        ["H", uuid, rev] => {
            let rev: u32 = rev.parse().unwrap();
            let e = into.households.entry(uuid.parse().unwrap()).or_default();
            *e = (*e).max(rev);
        }
        ["S", uuid, n, sha] => {
            into.submissions
                .push((uuid.parse().unwrap(), n.parse().unwrap(), (*sha).to_owned()))
        }
        ["G", uuid, n, sha] => {
            into.gatherings
                .push((uuid.parse().unwrap(), n.parse().unwrap(), (*sha).to_owned()))
        }
        _ => panic!("unexpected line from the child: {line:?}"),
    }
}

/// The count a `SELECT count(*)` of rows breaking a rule returns.
fn violations(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn check(db: &Path, reported: &Reported) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(KEY)))
        .unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(
        violations(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0,
        "foreign keys hold"
    );
    // Killed before the schema's migration committed (a slow start on a busy machine):
    // the migration runs in one transaction, so the file holds no table at all, and the
    // writer cannot have reported anything.
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    if version == 0 {
        assert_eq!(
            violations(&conn, "SELECT count(*) FROM sqlite_master"),
            0,
            "a migration is half-applied"
        );
        assert!(
            reported.households.is_empty()
                && reported.submissions.is_empty()
                && reported.gatherings.is_empty(),
            "writes were reported before the schema existed"
        );
        return;
    }
    // The roster is imported in one transaction: all of it or none.
    let roster: i64 = conn
        .query_row("SELECT count(*) FROM roster", [], |r| r.get(0))
        .unwrap();
    assert!(
        roster == 0 || roster == ROSTER as i64,
        "roster half imported: {roster}"
    );
    // Every household's pointer, revisions, outbox entries and audit entries agree.
    assert_eq!(violations(&conn, "SELECT count(*) FROM households h WHERE
                h.revision <> (SELECT max(revision) FROM household_revisions r WHERE r.uuid = h.uuid)
                OR (SELECT count(*) FROM household_revisions r WHERE r.uuid = h.uuid) <> h.revision
                OR (SELECT count(*) FROM outbox o WHERE o.uuid = h.uuid) <> h.revision
                OR (SELECT count(*) FROM audit a WHERE a.target_uuid = h.uuid) <> h.revision
                OR (h.archived = 0) = NOT EXISTS (SELECT 1 FROM name_words w WHERE w.owner = h.uuid)"), 0, "a household is half-written");
    // A closed gathering has every attendee the writer meant (its topic says how many),
    // its photo, its outbox entry and its audit entry.
    assert_eq!(violations(&conn, "SELECT count(*) FROM gatherings g WHERE g.state = 'finalized' AND (
                'n=' || (SELECT count(*) FROM attendees a WHERE a.gathering = g.uuid) <> g.topic
                OR NOT EXISTS (SELECT 1 FROM gathering_photos p WHERE p.gathering = g.uuid)
                OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.uuid = g.uuid)
                OR NOT EXISTS (SELECT 1 FROM audit a WHERE a.target_uuid = g.uuid AND a.action = 'finalized'))"), 0, "a closed gathering is half-written");
    // A finalized submission has its answers, its photo, its outbox and audit entries;
    // the counts per state agree with the rows.
    assert_eq!(violations(&conn, "SELECT count(*) FROM submissions s WHERE s.state = 'finalized' AND (
                s.data IS NULL OR s.finalized_at IS NULL
                OR NOT EXISTS (SELECT 1 FROM submission_photos p WHERE p.uuid = s.uuid AND p.revision = s.revision)
                OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.uuid = s.uuid AND o.revision = s.revision)
                OR NOT EXISTS (SELECT 1 FROM audit a WHERE a.target_uuid = s.uuid AND a.action = 'finalized'))"), 0, "a finalized submission is half-written");
    assert_eq!(violations(&conn, "SELECT count(*) FROM (SELECT form_id, state, count(*) AS n FROM submissions WHERE current = 1 GROUP BY 1, 2) r
             FULL JOIN (SELECT * FROM submission_counts WHERE n > 0) c USING (form_id, state)
             WHERE r.n IS NOT c.n"), 0, "counts per state disagree with the rows");
    // Every photo row has its whole file.
    let photos: Vec<(String, i64)> = conn
        .prepare("SELECT sha256, bytes FROM photos")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);

    let store = Store::open(db, Some(&KEY)).unwrap();
    for (sha, bytes) in &photos {
        let data = store.photo_bytes(sha).unwrap();
        assert_eq!(data.len() as i64, *bytes);
        assert_eq!(
            &hex::encode(Sha256::digest(&data)),
            sha,
            "photo file is whole"
        );
        assert!(
            store
                .thumbnail_bytes(sha)
                .unwrap()
                .starts_with(&[0xFF, 0xD8])
        );
    }
    for (uuid, rev) in &reported.households {
        let h = store.household(*uuid).unwrap();
        assert!(h.revision >= *rev, "household {uuid} lost revision {rev}");
    }
    for (uuid, n, sha) in &reported.submissions {
        let s = store.submission(*uuid).unwrap();
        assert_eq!(s.state, RecordState::Finalized);
        let data = store.submission_data(*uuid, 1).unwrap();
        assert_eq!(
            data,
            serde_json::json!({"head_name": format!("Giàng A Páo {n}"), "house": sha})
        );
        assert!(store.photo_bytes(sha).is_ok());
    }
    for (uuid, n, sha) in &reported.gatherings {
        let g = store.gathering(*uuid).unwrap();
        assert_eq!(g.state, RecordState::Finalized);
        assert_eq!(store.attendees(*uuid).unwrap().len() as u32, *n);
        let photos = store.gathering_photos(*uuid).unwrap();
        assert_eq!(
            photos.iter().map(|p| p.sha256.as_str()).collect::<Vec<_>>(),
            vec![sha.as_str()]
        );
    }
}

fn parent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let exe = std::env::current_exe().unwrap();
    let mut reported = Reported::default();
    let mut rng = rand::rng();
    let started = Instant::now();
    for kill in 0..KILLS {
        let mut child = Command::new(&exe)
            .env(CHILD_ENV, &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(50..1200)));
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(
            still_running,
            "the writer stopped by itself before the kill: {err}"
        );
        let mut lines = 0;
        for line in BufReader::new(child.stdout.take().unwrap()).split(b'\n') {
            let line = String::from_utf8(line.unwrap()).unwrap();
            parse(&line, &mut reported);
            lines += 1;
        }
        check(&db, &reported);
        eprintln!("kill {kill}: {lines} writes reported before it, all there");
    }
    assert!(
        !reported.households.is_empty()
            && !reported.submissions.is_empty()
            && !reported.gatherings.is_empty(),
        "the writer got nothing done"
    );
    println!(
        "store_crash: {KILLS} kills, {} households, {} submissions and {} gatherings reported, all whole ({:.1} s)",
        reported.households.len(),
        reported.submissions.len(),
        reported.gatherings.len(),
        started.elapsed().as_secs_f64()
    );
    println!("1 passed, 0 failed");
}
