//! The edit screens as objects the apps hold while the screen is open: the household
//! form, a gathering's details, the walk-in dialog and enrollment, plus the settings
//! screen. Each keeps the draft in the core ([`branchbook_core::editing`]): the app
//! hands over her intents (text as typed, taps) and draws the screen it gets back;
//! saving goes through the store, and a refusal is kept on the screen (its message and
//! the input it is about) as well as returned as the error.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::Utc;
use uuid::Uuid;

use crate::{Branchbook, BranchbookError};
use branchbook_core::editing::{
    GatheringDraft, GatheringEdit, GatheringForm, HouseholdDraft, HouseholdEdit, HouseholdForm,
    SettingsFacts, SettingsPage, WalkInDraft, WalkInEdit, WalkInForm, settings_page,
};
use branchbook_core::i18n::UiLanguage;
use branchbook_core::store::{CheckIn, Gathering, Household, Store};

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
    /// marked and `app_version` as the app's package says it.
    pub fn settings_page(
        &self,
        language: UiLanguage,
        form_language: Option<String>,
        app_version: String,
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
            app_version,
        };
        Ok(settings_page(&facts, language))
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
            if let Err(error) = done {
                draft(&self.draft).refused(error, scanned, self.language);
            }
        }
    }
}
