//! The phone's local store: one SQLite file per enrolled device account (encrypted with
//! SQLCipher when the app gives a key), holding the published form versions, survey
//! submissions (autosaved drafts, finalized revisions), the registry of households, the
//! member roster, gatherings with attendance, photos beside the file, the audit trail,
//! the outbox of what is ready to send and the officers' review decisions pulled back.
//!
//! Every change is one transaction; reads that look at several tables run in one read
//! transaction, so a second connection (the UI while a sync writes) never sees half of
//! a change. A [`Store`] is shareable across threads: it keeps one connection behind a
//! mutex, and an app may open a second `Store` on the same file for a background sync.

mod audit;
mod columns;
mod error;
mod form_files;
mod forms;
mod gatherings;
mod households;
pub(crate) mod input;
mod migrations;
mod outbox;
mod photos;
mod reviews;
mod roster;
mod search;
mod submissions;
mod sync_state;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::engine::CompiledForm;

pub use audit::AuditEntry;
pub use error::{InputField, RecordKind, StoreError};
pub use form_files::WantedFormFile;
pub use forms::FormInfo;
pub use gatherings::{
    AgeGroupCount, CheckIn, EthnicityCount, Gathering, GatheringDetails, SexCount, Totals, WalkIn,
};
pub use households::{Household, HouseholdImport, HouseholdInput, HouseholdSummary, MemberInput};
pub use input::parse_birth_year;
pub use outbox::{OutboxItem, PendingPhoto, PhotoRefusal, Rejection};
pub use photos::{PhotoError, PhotoOptions, PhotoReader, StoredPhoto, StoredRecording};
pub use reviews::ReturnedSubmission;
pub use roster::{RosterChange, RosterImport};
pub use submissions::{StateCounts, SubmissionFilter, SubmissionInfo};
pub use sync_state::SyncAccount;

/// How long a write waits for another connection's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite marks itself initialized before it runs SQLCipher's own set-up, so a thread
/// that opens and keys a connection while another thread is initializing SQLite can key
/// before SQLCipher is ready and fail ("An error occurred with PRAGMA key"). Every open
/// first waits here for one complete initialization.
static SQLITE_READY: Once = Once::new();

/// Length of a database key (SQLCipher raw key).
pub const KEY_LEN: usize = 32;

/// Where a record is in its life: a draft can change, a finalized record waits in the
/// outbox and never changes, a sent one was acknowledged by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum RecordState {
    /// Still being filled (a survey draft, an open gathering).
    Draft,
    /// Complete and queued for sending.
    Finalized,
    /// Acknowledged by the server.
    Sent,
}

impl RecordState {
    /// The name stored in the database and shown in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Draft => "draft",
            RecordState::Finalized => "finalized",
            RecordState::Sent => "sent",
        }
    }
}

/// A window of a list: `limit` items after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Items to skip.
    pub offset: u32,
    /// Most items to return (at most [`Window::MAX_LIMIT`]).
    pub limit: u32,
}

impl Window {
    /// The largest window the store returns at once.
    pub const MAX_LIMIT: u32 = 500;

    /// The first `limit` items.
    pub fn first(limit: u32) -> Window {
        Window { offset: 0, limit }
    }

    /// `limit` capped to [`Window::MAX_LIMIT`], as SQLite's LIMIT.
    pub(crate) fn sql_limit(self) -> i64 {
        i64::from(self.limit.min(Window::MAX_LIMIT))
    }

    /// The offset as SQLite's OFFSET.
    pub(crate) fn sql_offset(self) -> i64 {
        i64::from(self.offset)
    }
}

/// The local store of one device account.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
    photos: photos::PhotoDir,
    /// Forms compiled for filling, by id and version (a version never changes).
    compiled: Mutex<HashMap<(String, String), Arc<CompiledForm>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Why SQLite could not read the file at `path` as a database: a wrong or missing key
/// when the file could be encrypted (a plain SQLite file opened with a key, or a first
/// page of random-looking bytes, as SQLCipher writes), otherwise not a database at all
/// (a plain SQLite file SQLite itself cannot read, text, zeros, a truncated header).
fn unreadable(path: &Path, with_key: bool) -> StoreError {
    const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";
    let mut first_page = Vec::with_capacity(4096);
    let read = std::fs::File::open(path).and_then(|f| {
        std::io::Read::read_to_end(&mut std::io::Read::take(f, 4096), &mut first_page)
    });
    let plain_sqlite = first_page.starts_with(SQLITE_HEADER);
    // Ciphertext uses nearly every byte value within a page; a damaged or foreign file
    // rarely does.
    let mut seen = [false; 256];
    for b in &first_page {
        seen[usize::from(*b)] = true;
    }
    let looks_encrypted = first_page.len() == 4096 && seen.iter().filter(|s| **s).count() >= 200;
    let path = path.to_owned();
    if read.is_ok() && ((plain_sqlite && with_key) || (!plain_sqlite && looks_encrypted)) {
        StoreError::WrongKey { path }
    } else {
        StoreError::NotADatabase { path }
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path`, migrating it to this build's
    /// schema. With a `key` (32 bytes from the Android Keystore / iOS Keychain) the file
    /// is SQLCipher-encrypted; a wrong or missing key is [`StoreError::WrongKey`], a file
    /// that no key can open [`StoreError::NotADatabase`].
    /// Photos live in the folder `<path>.photos` beside it.
    pub fn open(path: &Path, key: Option<&[u8]>) -> Result<Store, StoreError> {
        if let Some(key) = key
            && key.len() != KEY_LEN
        {
            return Err(StoreError::KeyLength { len: key.len() });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        // An in-memory connection runs the whole initialization in this thread while
        // others wait; if it fails, the real open below reports why.
        SQLITE_READY.call_once(|| drop(Connection::open_in_memory()));
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
                path: path.to_owned(),
                source,
            })?;
        let wrong_key = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => unreadable(path, key.is_some()),
            _ => StoreError::Sqlite(e),
        };
        if let Some(key) = key {
            // SQLCipher would print decryption failures to stderr; a wrong key is
            // reported as a typed error instead.
            conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
            conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))?;
        }
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(wrong_key)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::invalid(
                InputField::DataFolder,
                format!("the file system does not allow WAL (journal mode {mode})"),
            ));
        }
        // NORMAL in WAL mode: a commit survives the app being killed at any moment (the
        // crash test checks it); only a power cut may lose the last commits, never corrupt.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 8 MB of page cache: fewer pages to read and, when encrypted, to decrypt.
        conn.pragma_update(None, "cache_size", -8000)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.set_prepared_statement_cache_capacity(64);
        migrations::migrate(&mut conn)?;

        let photos = photos::PhotoDir::beside(path, key)?;
        let store = Store {
            conn: Mutex::new(conn),
            path: path.to_owned(),
            photos,
            compiled: Mutex::default(),
        };
        store.reseal_photo_files()?;
        store.sweep_photos()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records the device account name (from enrollment) that the audit trail names as
    /// the actor of every change.
    pub fn set_account(&self, account: &str) -> Result<(), StoreError> {
        let account = input::required(InputField::Account, account)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('account', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [&account],
            )?;
            Ok(())
        })
    }

    /// The device account name, if set.
    pub fn account(&self) -> Result<Option<String>, StoreError> {
        self.read(audit::account)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open (it rolls back
        // on drop), so the connection is still sound.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` in one write transaction: all of it is committed or none of it.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in one read transaction: every query in it sees the same snapshot.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&tx)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the store's unit tests.
    use super::*;

    /// A fresh store in a temporary folder (kept alive by the returned guard).
    pub(crate) fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("test.db"), None).unwrap();
        store.set_account("mai").unwrap();
        (dir, store)
    }

    /// Rows in `table`, to prove that a failed call changed nothing.
    pub(crate) fn count(store: &Store, table: &str) -> i64 {
        store
            .read(
                |tx| Ok(tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?),
            )
            .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::store;
    use super::*;

    #[test]
    fn open_sets_wal_foreign_keys_busy_timeout_and_the_schema_version() {
        let (_dir, store) = store();
        store
            .read(|tx| {
                let mode: String = tx.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
                let fk: i64 = tx.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
                let v: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
                let busy: i64 = tx.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?;
                assert_eq!(
                    (mode.as_str(), fk, v),
                    ("wal", 1, migrations::SCHEMA_VERSION)
                );
                // A second connection (sync writing while the UI reads) waits, not fails.
                assert_eq!(u128::try_from(busy).ok(), Some(BUSY_TIMEOUT.as_millis()));
                assert!(busy >= 1000, "busy timeout of {busy} ms");
                Ok(())
            })
            .unwrap();
        assert_eq!(store.account().unwrap().as_deref(), Some("mai"));
    }

    #[test]
    fn an_encrypted_store_runs_on_sqlcipher_with_libtomcrypt_not_openssl() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.db"), Some(&[3; KEY_LEN])).unwrap();
        store
            .read(|tx| {
                let provider: String = tx.query_row("PRAGMA cipher_provider", [], |r| r.get(0))?;
                let version: String = tx.query_row("PRAGMA cipher_version", [], |r| r.get(0))?;
                assert_eq!(provider, "libtomcrypt");
                assert!(version.starts_with("4."), "SQLCipher 4: {version}");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused_before_touching_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.db");
        assert!(matches!(
            Store::open(&path, Some(&[1; 16])),
            Err(StoreError::KeyLength { len: 16 })
        ));
        assert!(!path.exists());
    }

    #[test]
    fn a_file_that_is_not_a_database_is_a_typed_error_not_a_key_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.db");
        std::fs::write(&path, vec![0x42; 8192]).unwrap();
        for key in [None, Some(&[7; 32][..])] {
            assert!(
                matches!(
                    Store::open(&path, key),
                    Err(StoreError::NotADatabase { .. })
                ),
                "with key {key:?}"
            );
        }
        std::fs::write(&path, "SQLite format 3\0 but cut short").unwrap();
        assert!(matches!(
            Store::open(&path, None),
            Err(StoreError::NotADatabase { .. })
        ));
    }

    #[test]
    fn one_store_serves_several_threads_at_once() {
        let (_dir, store) = store();
        let store = Arc::new(store);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    for i in 0..10 {
                        let input = HouseholdInput {
                            village: "Bản Phùng".into(),
                            head_name: format!("Vàng A Dình {t} {i}"),
                            ..HouseholdInput::default()
                        };
                        store.create_household(&input).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            store
                .list_households(None, false, Window::first(100))
                .unwrap()
                .len(),
            40
        );
        assert_eq!(testing::count(&store, "audit"), 40);
    }

    #[test]
    fn an_empty_account_name_is_refused() {
        let (_dir, store) = store();
        assert!(matches!(
            store.set_account("  "),
            Err(StoreError::Invalid {
                field: InputField::Account,
                ..
            })
        ));
        assert_eq!(store.account().unwrap().as_deref(), Some("mai"));
    }
}
