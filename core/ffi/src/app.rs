//! [`Branchbook`], the object an app opens once on its data folder: everything else
//! (forms, survey sessions, households, roster, gatherings, photos, sending) is reached
//! through it. Its methods are spread over the files of this module, one per area.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;

use crate::BranchbookError;
use branchbook_core::engine::{SessionOptions, VIETNAM_UTC_OFFSET_MINUTES};
use branchbook_core::i18n::{self, HomeFacts, HomeScreen, UiLanguage};
use branchbook_core::protocol::AppRelease;
use branchbook_core::store::{RecordState, Store, SubmissionFilter, Window};

/// Name of the database file inside the data folder (photos go in `branchbook.db.photos`).
const DATABASE_FILE: &str = "branchbook.db";

/// The core as an app holds it: the local store of one device account, opened on a data
/// folder. Open it once at start and share it; every method may be called from any
/// thread (a background send while the UI reads). Close it (Kotlin `close()`/`use`,
/// Swift: drop the last reference) when the app ends.
#[derive(uniffi::Object)]
pub struct Branchbook {
    pub(crate) store: Arc<Store>,
    data_dir: PathBuf,
    device_id: String,
    /// The app's release, reported to the server with every request.
    #[cfg_attr(not(feature = "sync-client"), allow(dead_code))]
    pub(crate) app: AppRelease,
    /// The data's key, for the sync pass's own connection.
    #[cfg(feature = "sync-client")]
    pub(crate) key: Option<Vec<u8>>,
    #[cfg(feature = "sync-client")]
    pub(crate) sending: crate::sync::Sending,
}

impl std::fmt::Debug for Branchbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Branchbook")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

/// The numbers of the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct HomeCounts {
    /// Surveys started and not finalized.
    pub survey_drafts: u64,
    /// Surveys finalized and waiting to be sent.
    pub surveys_ready: u64,
    /// Surveys the server has.
    pub surveys_sent: u64,
    /// Gatherings still open (attendance can change).
    pub open_gatherings: u64,
    /// Gatherings closed and waiting to be sent.
    pub gatherings_ready: u64,
    /// Records the server refused, waiting for her to look at them.
    pub needs_attention: u64,
}

/// How much of the phone's storage the app's data takes, for the settings screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct StorageUsage {
    /// The database (with its journal).
    pub database_bytes: u64,
    /// Stored photos and their thumbnails.
    pub photo_bytes: u64,
}

#[uniffi::export]
impl Branchbook {
    /// Opens (creating it on first use) the data in `data_dir`, a private folder of the
    /// app. With `key` (32 bytes kept in the Android Keystore / iOS Keychain) everything
    /// is encrypted at rest; the same key must be given every time. `device_id` is the
    /// phone's stable id, recorded in the `deviceid` field of forms that ask for it until
    /// the phone is enrolled (then the id the server gave it, which the server fills in
    /// itself when it receives the form). `app` is the app's release as its package says
    /// it (Android's versionName and versionCode, iOS's CFBundleShortVersionString and
    /// CFBundleVersion): the server shows it on its phone list.
    #[uniffi::constructor]
    pub fn open(
        data_dir: String,
        key: Option<Vec<u8>>,
        device_id: String,
        app: AppRelease,
    ) -> Result<Arc<Self>, BranchbookError> {
        let data_dir = PathBuf::from(data_dir);
        std::fs::create_dir_all(&data_dir).map_err(|e| BranchbookError::Storage {
            reason: format!("cannot create the data folder {}: {e}", data_dir.display()),
        })?;
        let store = Store::open(&data_dir.join(DATABASE_FILE), key.as_deref())?;
        Ok(Arc::new(Branchbook {
            store: Arc::new(store),
            data_dir,
            device_id: device_id.trim().to_owned(),
            app,
            #[cfg(feature = "sync-client")]
            key,
            #[cfg(feature = "sync-client")]
            sending: Default::default(),
        }))
    }

    /// The device account's name (the branch head's account from enrollment), which the
    /// audit trail names and forms record as `username`; `None` before it is set.
    pub fn account(&self) -> Result<Option<String>, BranchbookError> {
        Ok(self.store.account()?)
    }

    /// Sets the device account's name (enrollment does this by itself).
    pub fn set_account(&self, name: String) -> Result<(), BranchbookError> {
        Ok(self.store.set_account(&name)?)
    }

    /// The phone's id given at open.
    pub fn device_id(&self) -> String {
        self.device_id.clone()
    }

    /// The counts of the home screen, read in one go.
    pub fn home_counts(&self) -> Result<HomeCounts, BranchbookError> {
        let surveys = self.store.submission_counts(None)?;
        Ok(HomeCounts {
            survey_drafts: surveys.drafts,
            surveys_ready: surveys.finalized,
            surveys_sent: surveys.sent,
            open_gatherings: self.count_gatherings(RecordState::Draft)?,
            gatherings_ready: self.count_gatherings(RecordState::Finalized)?,
            needs_attention: self.store.rejections()?.len() as u64,
        })
    }

    /// Everything the home screen shows, in `language`: her branch, when she last sent,
    /// whether the phone is enrolled, the count lines, the attention line (only when
    /// records were refused), the drafts and open gatherings she can pick up again, and
    /// the surveys an officer sent back with the comment (corrected with
    /// `edit_submission`, which starts the new revision).
    pub fn home_screen(&self, language: UiLanguage) -> Result<HomeScreen, BranchbookError> {
        const SHOWN: Window = Window {
            offset: 0,
            limit: 50,
        };
        let counts = self.home_counts()?;
        let drafts = self.store.list_submissions(
            &SubmissionFilter {
                state: Some(RecordState::Draft),
                ..SubmissionFilter::default()
            },
            SHOWN,
        )?;
        let form_titles = self.form_titles()?;
        let facts = HomeFacts {
            branch: self.store.sync_account()?.map(|a| a.branch.name),
            account: self.store.account()?,
            last_sync: self.store.last_sync()?,
            unfinished: counts.survey_drafts + counts.open_gatherings,
            ready: counts.surveys_ready + counts.gatherings_ready,
            sent: counts.surveys_sent,
            needs_attention: counts.needs_attention,
            drafts,
            form_titles,
            open_gatherings: self
                .store
                .list_gatherings(Some(RecordState::Draft), SHOWN)?,
            returned: self.store.returned_submissions(SHOWN)?,
        };
        Ok(i18n::home_screen(&facts, language))
    }

    /// How much storage the data takes.
    pub fn storage_usage(&self) -> Result<StorageUsage, BranchbookError> {
        let db = self.store.path();
        let mut database_bytes = 0;
        for suffix in ["", "-wal", "-shm"] {
            database_bytes += file_size(&with_suffix(db, suffix));
        }
        Ok(StorageUsage {
            database_bytes,
            photo_bytes: folder_size(&with_suffix(db, ".photos")),
        })
    }
}

impl Branchbook {
    /// How a new survey session starts: now, in Vietnam's zone, with this phone's id
    /// (the server's id for it once enrolled: the value the server recomputes) and account
    /// name for the metadata fields.
    pub(crate) fn session_options(
        &self,
        language: Option<String>,
    ) -> Result<SessionOptions, BranchbookError> {
        let device_id = match self.store.sync_account()? {
            Some(account) => account.device_id.to_string(),
            None => self.device_id.clone(),
        };
        Ok(SessionOptions {
            language,
            now: Utc::now(),
            device_id,
            username: self.store.account()?.unwrap_or_default(),
            utc_offset_minutes: VIETNAM_UTC_OFFSET_MINUTES,
        })
    }

    /// Each form's title by form id, as its newest version names it (for surveys without
    /// a name of their own).
    pub(crate) fn form_titles(&self) -> Result<HashMap<String, String>, BranchbookError> {
        let mut titles = HashMap::new();
        for form in self.store.forms()? {
            // Newest version first: its title wins.
            titles.entry(form.form_id).or_insert(form.title);
        }
        Ok(titles)
    }

    fn count_gatherings(&self, state: RecordState) -> Result<u64, BranchbookError> {
        let mut total = 0u64;
        loop {
            let window = Window {
                offset: u32::try_from(total).unwrap_or(u32::MAX),
                limit: Window::MAX_LIMIT,
            };
            let n = self.store.list_gatherings(Some(state), window)?.len() as u64;
            total += n;
            if n < u64::from(Window::MAX_LIMIT) {
                return Ok(total);
            }
        }
    }
}

/// `path` with `suffix` appended to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Bytes of the files in `dir` and its sub-folders (0 when it is missing).
fn folder_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => folder_size(&e.path()),
            Ok(_) => e.metadata().map(|m| m.len()).unwrap_or(0),
            Err(_) => 0,
        })
        .sum()
}
