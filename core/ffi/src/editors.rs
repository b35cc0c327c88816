//! The edit screens as objects the apps hold while the screen is open: the household
//! form, a gathering's details, the walk-in dialog and enrollment, plus the settings
//! screen. Each keeps the draft in the core ([`branchbook_core::editing`]): the app
//! hands over her intents (text as typed, taps) and draws the screen it gets back;
//! saving goes through the store, and a refusal is kept on the screen (its message and
//! the input it is about) as well as returned as the error.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::Utc;
use uuid::Uuid;

use crate::{Branchbook, BranchbookError};
use branchbook_core::editing::{
    Attendance, AttendanceScreen, GatheringDraft, GatheringEdit, GatheringForm, HouseholdDraft,
    HouseholdEdit, HouseholdForm, SettingsFacts, SettingsPage, WalkInDraft, WalkInEdit, WalkInForm,
    settings_page,
};
use branchbook_core::i18n::UiLanguage;
use branchbook_core::store::{CheckIn, Gathering, Household, PhotoOptions, Store};

/// The draft behind `mutex`, also after a panic elsewhere (the draft stays whole: every
/// change to it is one assignment).
fn draft<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The household form while it is open: a new household or an edit of one.
#[derive(Debug, uniffi::Object)]
pub struct HouseholdEditor {
    store: Arc<Store>,
    language: UiLanguage,
    draft: Mutex<HouseholdDraft>,
}

/// A gathering's details form while it is open: a new gathering or an open one's details.
#[derive(Debug, uniffi::Object)]
pub struct GatheringEditor {
    store: Arc<Store>,
    language: UiLanguage,
    draft: Mutex<GatheringDraft>,
}

/// A gathering's attendance screen while it is open: every tap goes through the store
/// and gives back the whole screen.
#[derive(Debug, uniffi::Object)]
pub struct AttendanceEditor {
    store: Arc<Store>,
    language: UiLanguage,
    screen: Mutex<Attendance>,
}

/// How many roster members the check-in search shows.
const CANDIDATES: u32 = 30;

/// The walk-in dialog of a gathering while it is open.
#[derive(Debug, uniffi::Object)]
pub struct WalkInEditor {
    store: Arc<Store>,
    gathering_id: Uuid,
    language: UiLanguage,
    draft: Mutex<WalkInDraft>,
}

#[uniffi::export]
impl Branchbook {
    /// Opens the household form on household `household_id` as it is now, or empty for
    /// a new household (`None`), with its texts in `language`.
    pub fn household_editor(
        &self,
        household_id: Option<Uuid>,
        language: UiLanguage,
    ) -> Result<Arc<HouseholdEditor>, BranchbookError> {
        let draft = match household_id {
            Some(id) => HouseholdDraft::of(&self.store.household(id)?),
            None => HouseholdDraft::new(),
        };
        Ok(Arc::new(HouseholdEditor {
            store: Arc::clone(&self.store),
            language,
            draft: Mutex::new(draft),
        }))
    }

    /// Opens the details form of open gathering `gathering_id`, or of a new gathering
    /// starting now (`None`), with its texts in `language`.
    pub fn gathering_editor(
        &self,
        gathering_id: Option<Uuid>,
        language: UiLanguage,
    ) -> Result<Arc<GatheringEditor>, BranchbookError> {
        let draft = match gathering_id {
            Some(id) => GatheringDraft::of(&self.store.gathering(id)?),
            None => GatheringDraft::new(Utc::now()),
        };
        Ok(Arc::new(GatheringEditor {
            store: Arc::clone(&self.store),
            language,
            draft: Mutex::new(draft),
        }))
    }

    /// Opens the attendance screen of gathering `gathering_id` as the store has it, with
    /// its texts in `language`.
    pub fn attendance_editor(
        &self,
        gathering_id: Uuid,
        language: UiLanguage,
    ) -> Result<Arc<AttendanceEditor>, BranchbookError> {
        Ok(Arc::new(AttendanceEditor {
            store: Arc::clone(&self.store),
            language,
            screen: Mutex::new(read_attendance(&self.store, gathering_id)?),
        }))
    }

    /// Opens an empty walk-in dialog for gathering `gathering_id`.
    pub fn walk_in_editor(&self, gathering_id: Uuid, language: UiLanguage) -> Arc<WalkInEditor> {
        Arc::new(WalkInEditor {
            store: Arc::clone(&self.store),
            gathering_id,
            language,
            draft: Mutex::new(WalkInDraft::new()),
        })
    }

    /// The settings screen in `language` (the app language in use), with
    /// `form_language` (her preferred label language, `None`: each form's default)
    /// marked, and the app's release as it was given to [`Branchbook::open`].
    pub fn settings_page(
        &self,
        language: UiLanguage,
        form_language: Option<String>,
    ) -> Result<SettingsPage, BranchbookError> {
        let usage = self.storage_usage()?;
        let branch_path = match self.store.sync_account()? {
            Some(account) => {
                let mut path = account.branch.area_path;
                path.push(account.branch.name);
                path
            }
            None => Vec::new(),
        };
        let facts = SettingsFacts {
            form_languages: self.form_languages()?,
            form_language,
            database_bytes: usage.database_bytes,
            photo_bytes: usage.photo_bytes,
            account: self.store.account()?,
            branch_path,
            app: self.app.clone(),
        };
        Ok(settings_page(&facts, language))
    }
}

/// Gathering `gathering_id` with its list, totals and photos as the store has them.
fn read_attendance(store: &Store, gathering_id: Uuid) -> Result<Attendance, BranchbookError> {
    Ok(Attendance::new(
        store.gathering(gathering_id)?,
        store.attendees(gathering_id)?,
        store.gathering_totals(gathering_id)?,
        photo_hashes(store, gathering_id)?,
    ))
}

fn photo_hashes(store: &Store, gathering_id: Uuid) -> Result<Vec<String>, BranchbookError> {
    Ok(store
        .gathering_photos(gathering_id)?
        .into_iter()
        .map(|p| p.sha256)
        .collect())
}

#[uniffi::export]
impl AttendanceEditor {
    /// What the screen shows now.
    pub fn screen(&self) -> AttendanceScreen {
        draft(&self.screen).screen(self.language)
    }

    /// Reads the gathering, its list, totals and photos again (after a walk-in was
    /// added, the details edited, the screen shown again) and repeats the search.
    pub fn refresh(&self) -> Result<AttendanceScreen, BranchbookError> {
        let mut screen = draft(&self.screen);
        let mut fresh = read_attendance(&self.store, screen.gathering().uuid)?;
        let query = screen.query().to_owned();
        self.search_into(&mut fresh, query)?;
        *screen = fresh;
        Ok(screen.screen(self.language))
    }

    /// She typed `query` in the roster search (no diacritics needed): the members it
    /// finds, each marked when already checked in.
    pub fn search(&self, query: String) -> Result<AttendanceScreen, BranchbookError> {
        let mut screen = draft(&self.screen);
        self.search_into(&mut screen, query)?;
        Ok(screen.screen(self.language))
    }

    /// One tap: checks roster member `member_id` in (a second tap changes nothing).
    pub fn check_in(&self, member_id: Uuid) -> Result<AttendanceScreen, BranchbookError> {
        let mut screen = draft(&self.screen);
        let done = self.store.check_in(screen.gathering().uuid, member_id)?;
        screen.checked_in(done);
        Ok(screen.screen(self.language))
    }

    /// Takes attendee `attendee_id` off the list (checked in by mistake).
    pub fn remove(&self, attendee_id: Uuid) -> Result<AttendanceScreen, BranchbookError> {
        let mut screen = draft(&self.screen);
        let id = screen.gathering().uuid;
        let totals = self.store.remove_attendee(id, attendee_id)?;
        screen.listed(self.store.attendees(id)?, totals);
        Ok(screen.screen(self.language))
    }

    /// Adds walk-in `attendee_id` to the branch's roster, living in the gathering's
    /// village, so she is one tap away next time (the search shows her).
    pub fn make_member(&self, attendee_id: Uuid) -> Result<AttendanceScreen, BranchbookError> {
        let mut screen = draft(&self.screen);
        let g = screen.gathering();
        self.store
            .make_member(g.uuid, attendee_id, &g.details.village)?;
        let query = screen.query().to_owned();
        self.search_into(&mut screen, query)?;
        Ok(screen.screen(self.language))
    }

    /// The camera is about to give a photo: no second one until it is taken in.
    pub fn taking_photo(&self) -> AttendanceScreen {
        let mut screen = draft(&self.screen);
        screen.taking_photo(true);
        screen.screen(self.language)
    }

    /// Takes in the photo the camera wrote at `file_path` (JPEG or PNG; downsized,
    /// location data removed) as evidence; the file can be deleted afterwards. Taken or
    /// refused, the photo button is offered again.
    pub fn attach_photo(&self, file_path: String) -> Result<AttendanceScreen, BranchbookError> {
        let mut screen = draft(&self.screen);
        screen.taking_photo(false);
        let id = screen.gathering().uuid;
        self.store
            .attach_gathering_photo(id, Path::new(&file_path), PhotoOptions::default())?;
        screen.photos(photo_hashes(&self.store, id)?);
        Ok(screen.screen(self.language))
    }

    /// No photo came (the camera was closed): the photo button is offered again.
    pub fn no_photo(&self) -> AttendanceScreen {
        let mut screen = draft(&self.screen);
        screen.taking_photo(false);
        screen.screen(self.language)
    }

    /// Detaches photo `sha256` (taken by mistake).
    pub fn remove_photo(&self, sha256: String) -> Result<AttendanceScreen, BranchbookError> {
        let mut screen = draft(&self.screen);
        let id = screen.gathering().uuid;
        self.store.detach_gathering_photo(id, &sha256)?;
        screen.photos(photo_hashes(&self.store, id)?);
        Ok(screen.screen(self.language))
    }

    /// Closes the gathering (at least one attendee is needed): it is queued for sending
    /// and its list can no longer change.
    pub fn close_gathering(&self) -> Result<AttendanceScreen, BranchbookError> {
        let mut screen = draft(&self.screen);
        let closed = self.store.close_gathering(screen.gathering().uuid)?;
        screen.changed(closed);
        Ok(screen.screen(self.language))
    }
}

impl AttendanceEditor {
    fn search_into(&self, screen: &mut Attendance, query: String) -> Result<(), BranchbookError> {
        let found = if screen.searches(&query) {
            self.store
                .search_members(&query, crate::window(0, CANDIDATES))?
        } else {
            Vec::new()
        };
        screen.found(query, found);
        Ok(())
    }
}

#[uniffi::export]
impl HouseholdEditor {
    /// What the form shows now.
    pub fn screen(&self) -> HouseholdForm {
        draft(&self.draft).screen(self.language)
    }

    /// Applies what she did and gives what the form shows then.
    pub fn edit(&self, edit: HouseholdEdit) -> HouseholdForm {
        let mut form = draft(&self.draft);
        form.apply(edit);
        form.screen(self.language)
    }

    /// Saves the form as a new household or a new revision of the one edited (queued
    /// for sending). Refused (a required name, a birth year that is not one, the
    /// household changed meanwhile: [`BranchbookError::Stale`]) with the error, which
    /// [`HouseholdEditor::screen`] then shows on the input it is about.
    pub fn save(&self) -> Result<Household, BranchbookError> {
        let mut form = draft(&self.draft);
        let saved = form
            .input()
            .map_err(BranchbookError::from)
            .and_then(|input| {
                Ok(match form.edits() {
                    Some((id, base)) => self.store.edit_household(id, base, &input)?,
                    None => self.store.create_household(&input)?,
                })
            });
        match &saved {
            Ok(household) => form.saved(household),
            Err(error) => form.refused(error, self.language),
        }
        saved
    }
}

#[uniffi::export]
impl GatheringEditor {
    /// What the form shows now.
    pub fn screen(&self) -> GatheringForm {
        draft(&self.draft).screen(self.language)
    }

    /// Applies what she did and gives what the form shows then.
    pub fn edit(&self, edit: GatheringEdit) -> GatheringForm {
        let mut form = draft(&self.draft);
        form.apply(edit, self.language);
        form.screen(self.language)
    }

    /// Creates the gathering, or saves the open gathering's details. Refused (a required
    /// topic or village, a closed gathering) with the error, which
    /// [`GatheringEditor::screen`] then shows.
    pub fn save(&self) -> Result<Gathering, BranchbookError> {
        let mut form = draft(&self.draft);
        let details = form.details();
        let saved = match form.gathering_id() {
            Some(id) => self.store.update_gathering(id, &details),
            None => self.store.create_gathering(&details),
        }
        .map_err(BranchbookError::from);
        match &saved {
            Ok(gathering) => *form = GatheringDraft::of(gathering),
            Err(error) => form.refused(error, self.language),
        }
        saved
    }
}

#[uniffi::export]
impl WalkInEditor {
    /// What the dialog shows now.
    pub fn screen(&self) -> WalkInForm {
        draft(&self.draft).screen(self.language)
    }

    /// Applies what she did and gives what the dialog shows then.
    pub fn edit(&self, edit: WalkInEdit) -> WalkInForm {
        let mut form = draft(&self.draft);
        form.apply(edit);
        form.screen(self.language)
    }

    /// Checks the walk-in in, with the gathering's new totals. Refused (no name, a birth
    /// year that is not one, neither a birth year nor an age group, a closed gathering)
    /// with the error, which [`WalkInEditor::screen`] then shows.
    pub fn add(&self) -> Result<CheckIn, BranchbookError> {
        let mut form = draft(&self.draft);
        let added = form
            .walk_in()
            .and_then(|person| self.store.add_walk_in(self.gathering_id, &person))
            .map_err(BranchbookError::from);
        if let Err(error) = &added {
            form.refused(error, self.language);
        }
        added
    }
}

#[cfg(feature = "sync-client")]
pub use enroll::EnrollEditor;

#[cfg(feature = "sync-client")]
mod enroll {
    use std::sync::{Arc, Mutex};

    use super::draft;
    use crate::{Branchbook, BranchbookError};
    use branchbook_core::editing::{EnrollDraft, EnrollEdit, EnrollForm};
    use branchbook_core::i18n::UiLanguage;
    use branchbook_core::sync::{CancelHandle, Enrollment};

    /// The enroll screen while it is open.
    #[derive(Debug, uniffi::Object)]
    pub struct EnrollEditor {
        app: Arc<Branchbook>,
        language: UiLanguage,
        draft: Mutex<EnrollDraft>,
    }

    #[uniffi::export]
    impl Branchbook {
        /// Opens the enroll screen, empty, with its texts in `language`.
        pub fn enroll_editor(self: Arc<Self>, language: UiLanguage) -> Arc<EnrollEditor> {
            Arc::new(EnrollEditor {
                app: self,
                language,
                draft: Mutex::new(EnrollDraft::new()),
            })
        }
    }

    #[uniffi::export]
    impl EnrollEditor {
        /// What the screen shows now.
        pub fn screen(&self) -> EnrollForm {
            draft(&self.draft).screen(self.language)
        }

        /// Applies what she typed and gives what the screen shows then.
        pub fn edit(&self, edit: EnrollEdit) -> EnrollForm {
            let mut form = draft(&self.draft);
            form.apply(edit);
            form.screen(self.language)
        }

        /// The camera was refused: the screen says she can type the address and code.
        pub fn camera_denied(&self) -> EnrollForm {
            let mut form = draft(&self.draft);
            form.camera_denied(self.language);
            form.screen(self.language)
        }

        /// She tapped Connect or scanned a code: the screen says it is connecting (Connect
        /// and Scan wait) until the connect call returns. Call it before
        /// [`EnrollEditor::connect`] or [`EnrollEditor::connect_scanned`], on the UI thread.
        pub fn connecting(&self) -> EnrollForm {
            let mut form = draft(&self.draft);
            form.connecting();
            form.screen(self.language)
        }

        /// Connects with the typed address and code (the phone named as she typed, else
        /// by its id). Blocks until done: call it off the UI thread; `cancel` stops it.
        pub fn connect(&self, cancel: Arc<CancelHandle>) -> Result<Enrollment, BranchbookError> {
            let ((server, code), label) = {
                let mut form = draft(&self.draft);
                form.connecting();
                (form.typed(), form.label(&self.app.device_id()))
            };
            let done = self.app.enroll(server, code, label, cancel);
            self.settle(&done, false);
            done
        }

        /// Connects with the text of a scanned QR code. Blocks like
        /// [`EnrollEditor::connect`].
        pub fn connect_scanned(
            &self,
            qr_payload: String,
            cancel: Arc<CancelHandle>,
        ) -> Result<Enrollment, BranchbookError> {
            let label = {
                let mut form = draft(&self.draft);
                form.connecting();
                form.label(&self.app.device_id())
            };
            let done = self.app.enroll_with_qr(qr_payload, label, cancel);
            self.settle(&done, true);
            done
        }
    }

    impl EnrollEditor {
        fn settle(&self, done: &Result<Enrollment, BranchbookError>, scanned: bool) {
            let mut form = draft(&self.draft);
            form.settled();
            if let Err(error) = done {
                form.refused(error, scanned, self.language);
            }
        }
    }
}
