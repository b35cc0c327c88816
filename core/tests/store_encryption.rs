//! Encryption at rest: with a key the database file (and its WAL) holds no readable
//! names, and it cannot be opened without the key or with another one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use branchbook_core::domain::GatheringKind;
use branchbook_core::domain::Sex;
use branchbook_core::protocol::RosterMember;
use branchbook_core::store::{
    GatheringDetails, HouseholdInput, PhotoError, PhotoOptions, RosterChange, Store, StoreError,
    Window,
};
use image::{Rgb, RgbImage};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const KEY: [u8; 32] = [7; 32];
const SECRET_NAME: &str = "Plaintextia Thị Dợ";

fn fill(store: &Store) {
    let m = RosterMember {
        id: Uuid::now_v7(),
        member_code: None,
        full_name: SECRET_NAME.into(),
        sex: Sex::Female,
        birth_year: Some(1990),
        ethnicity: Some("hmong".into()),
        village: "Bản Phùng".into(),
        phone: Some("0912345678".into()),
        archived: false,
    };
    store.import_roster(&[m], RosterChange::Replace).unwrap();
    store
        .create_household(&HouseholdInput {
            village: "Bản Phùng".into(),
            head_name: SECRET_NAME.into(),
            ..HouseholdInput::default()
        })
        .unwrap();
}

/// True when any file of the database (main file, WAL) contains `needle`.
fn files_contain(db: &Path, needle: &[u8]) -> bool {
    let dir = db.parent().unwrap();
    let stem = db.file_name().unwrap().to_str().unwrap();
    std::fs::read_dir(dir).unwrap().flatten().any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.starts_with(stem)
            && e.path().is_file()
            && std::fs::read(e.path())
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle)
    })
}

#[test]
fn an_encrypted_store_holds_no_plaintext_and_needs_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("secret.db");
    {
        let store = Store::open(&db, Some(&KEY)).unwrap();
        fill(&store);
        assert!(
            !files_contain(&db, b"Plaintextia"),
            "a name is readable while open (WAL)"
        );
    }
    assert!(!files_contain(&db, b"Plaintextia"));
    assert!(!files_contain(&db, b"0912345678"));
    assert!(
        !files_contain(&db, b"SQLite format 3"),
        "even the header is encrypted"
    );

    assert!(matches!(
        Store::open(&db, None),
        Err(StoreError::WrongKey { .. })
    ));
    assert!(matches!(
        Store::open(&db, Some(&[8; 32])),
        Err(StoreError::WrongKey { .. })
    ));
    let store = Store::open(&db, Some(&KEY)).unwrap();
    let found = store
        .search_members("plaintextia do", Window::first(5))
        .unwrap();
    assert_eq!(found[0].full_name, SECRET_NAME);
}

#[test]
fn without_a_key_the_same_data_is_readable_so_the_check_above_means_something() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plain.db");
    let store = Store::open(&db, None).unwrap();
    fill(&store);
    drop(store);
    assert!(files_contain(&db, b"Plaintextia"));
    assert!(matches!(
        Store::open(&db, Some(&KEY)),
        Err(StoreError::WrongKey { .. })
    ));
}

/// Attaches a photo to a new gathering; returns its hash and its file on disk.
fn photo(store: &Store, db: &Path) -> (String, std::path::PathBuf) {
    let src = db.with_extension("camera.png");
    RgbImage::from_fn(400, 300, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 7]))
        .save(&src)
        .unwrap();
    let g = store
        .create_gathering(&GatheringDetails {
            kind: GatheringKind::ClubMeeting,
            topic: "Sinh hoạt".into(),
            village: "Bản Phùng".into(),
            starts_at: chrono::Utc::now(),
            facilitator: String::new(),
            notes: String::new(),
        })
        .unwrap();
    let p = store
        .attach_gathering_photo(g.uuid, &src, PhotoOptions::default())
        .unwrap();
    let mut file = db.as_os_str().to_owned();
    file.push(format!(".photos/{}.jpg", p.sha256));
    (p.sha256, file.into())
}

#[test]
fn an_encrypted_store_seals_its_photo_files_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("secret.db");
    let store = Store::open(&db, Some(&KEY)).unwrap();
    let (sha, file) = photo(&store, &db);
    let on_disk = std::fs::read(&file).unwrap();
    assert!(
        !on_disk.starts_with(&[0xFF, 0xD8]),
        "the file is not a readable JPEG"
    );
    let jpeg = store.photo_bytes(&sha).unwrap();
    assert!(jpeg.starts_with(&[0xFF, 0xD8]));
    assert_eq!(
        hex::encode(Sha256::digest(&jpeg)),
        sha,
        "named by the hash of the JPEG the server gets"
    );
    assert!(
        store
            .thumbnail_bytes(&sha)
            .unwrap()
            .starts_with(&[0xFF, 0xD8])
    );

    let mut tampered = on_disk.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    std::fs::write(&file, &tampered).unwrap();
    assert!(matches!(
        store.photo_bytes(&sha),
        Err(StoreError::Photo(PhotoError::Unreadable { .. }))
    ));

    let plain_db = dir.path().join("plain.db");
    let plain = Store::open(&plain_db, None).unwrap();
    let (_, plain_file) = photo(&plain, &plain_db);
    assert!(
        std::fs::read(plain_file)
            .unwrap()
            .starts_with(&[0xFF, 0xD8]),
        "without a key photos stay plain JPEG"
    );
}

/// A phone's store as an earlier build wrote it (SQLCipher on OpenSSL, photos sealed
/// whole): `tests/data/old-phone`, key `[7; 32]`, one roster member and a gathering
/// with one photo.
const OLD_PHONE_PHOTO: &str = "0f42c0873f0203c046d7ee86e74e9a3fe1c533602e1883ad873d8ab4684da5ae";

/// Copies the old phone's store into `to` (opening migrates it in place).
fn old_phone(to: &Path) -> std::path::PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/old-phone");
    std::fs::create_dir_all(to.join("phone.db.photos")).unwrap();
    std::fs::copy(from.join("phone.db"), to.join("phone.db")).unwrap();
    for entry in std::fs::read_dir(from.join("phone.db.photos")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            to.join("phone.db.photos").join(entry.file_name()),
        )
        .unwrap();
    }
    to.join("phone.db")
}

#[test]
fn a_store_written_by_the_openssl_build_opens_with_its_data_and_photo() {
    let dir = tempfile::tempdir().unwrap();
    let db = old_phone(dir.path());
    assert!(matches!(
        Store::open(&db, Some(&[8; 32])),
        Err(StoreError::WrongKey { .. })
    ));
    let store = Store::open(&db, Some(&KEY)).unwrap();
    let found = store
        .search_members("thao thi do", Window::first(5))
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].full_name, "Thào Thị Dợ");
    let jpeg = store.photo_bytes(OLD_PHONE_PHOTO).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&jpeg)), OLD_PHONE_PHOTO);
    // Its files, sealed whole then, were re-sealed in segments when the store opened.
    for name in [".jpg", ".thumb.jpg"] {
        let file = dir
            .path()
            .join(format!("phone.db.photos/{OLD_PHONE_PHOTO}{name}"));
        assert!(std::fs::read(file).unwrap().starts_with(b"BBSTRM01"));
    }
    let mut reader = store.photo_reader(OLD_PHONE_PHOTO).unwrap();
    assert_eq!(reader.len(), jpeg.len() as u64);
    let mut tail = Vec::new();
    reader.seek(SeekFrom::Start(100)).unwrap();
    reader.read_to_end(&mut tail).unwrap();
    assert_eq!(tail, jpeg[100..]);
    assert!(
        store
            .thumbnail_bytes(OLD_PHONE_PHOTO)
            .unwrap()
            .starts_with(&[0xFF, 0xD8])
    );
    drop(store);
    // Written by this build, read again.
    let store = Store::open(&db, Some(&KEY)).unwrap();
    store
        .create_household(&HouseholdInput {
            village: "Bản Phùng".into(),
            head_name: "Giàng A Páo".into(),
            ..HouseholdInput::default()
        })
        .unwrap();
    drop(store);
    let store = Store::open(&db, Some(&KEY)).unwrap();
    assert_eq!(
        store
            .search_members("thao", Window::first(5))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        hex::encode(Sha256::digest(store.photo_bytes(OLD_PHONE_PHOTO).unwrap())),
        OLD_PHONE_PHOTO
    );
}
