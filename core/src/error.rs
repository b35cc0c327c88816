//! The one error the apps see. Each variant is a kind the UI can act on (Kotlin gets a
//! `BranchbookException` subclass per variant, Swift an `Error` enum case) and carries a
//! readable `reason` in English for logs and support; `user_message(language)` gives
//! the sentence to show, from the UI text catalogue. Every internal error maps here
//! with its context (which record, which field), never with answers or names typed by
//! the user.

use crate::engine::{FinalizeProblem, SessionError};
use crate::form::{FormError, Problem};
use crate::i18n::{self, TextKey, UiLanguage};
use crate::store::{InputField, PhotoError, StoreError};

/// Why a call into the core did not do what was asked. Nothing was changed when a call
/// fails (every write is one transaction).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum BranchbookError {
    /// No record with that id (it was deleted, or the id belongs to another device's data).
    #[error("no {what} with id {id}")]
    NotFound {
        /// Kind of record looked for ("household", "submission", "question", ...).
        what: String,
        /// The id or path given.
        id: String,
    },
    /// A value given is not acceptable (an empty required name, an answer of the wrong
    /// type, a malformed id). The field says which input, `member` which household
    /// member's input, so a screen marks it without reading any text.
    #[error("invalid {field}{}: {reason}", member.map(|m| format!(" of member {}", m + 1)).unwrap_or_default())]
    InvalidInput {
        /// Which input (a question's answer carries the question's path).
        field: InputField,
        /// The member of a household's list the input belongs to (0-based), when it is
        /// a member's.
        member: Option<u32>,
        /// Why it is refused (English, for logs and support).
        reason: String,
    },
    /// The record is in a state that forbids this (a finalized submission cannot be
    /// answered, a closed gathering takes no attendee, the form is already at its end).
    #[error("{reason}")]
    WrongState {
        /// What was attempted and why it cannot be done now.
        reason: String,
    },
    /// The record changed since the UI showed it (an update arrived from the server):
    /// reload it and apply the change again.
    #[error("{reason}")]
    Stale {
        /// Which record and which revisions.
        reason: String,
    },
    /// A form that cannot be filled; every problem is listed, located in the spreadsheet.
    #[error("the form has {} problem(s)", problems.len())]
    FormInvalid {
        /// Every problem found, in sheet and row order.
        problems: Vec<Problem>,
    },
    /// Answers that their form does not accept (shown question by question).
    #[error("{} answer(s) are not accepted by the form", problems.len())]
    AnswersRejected {
        /// What is wrong, with the question to jump to.
        problems: Vec<FinalizeProblem>,
    },
    /// The phone's storage failed (disk full, a damaged file): nothing was changed.
    #[error("storage error: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// The data folder cannot be opened with this key (a wrong or missing key, or not a
    /// Branchbook database).
    #[error("{reason}")]
    WrongKey {
        /// Which file.
        reason: String,
    },
    /// A photo file that cannot be used (not JPEG or PNG, damaged, unreadable).
    #[error("{reason}")]
    PhotoUnreadable {
        /// What is wrong with it.
        reason: String,
    },
    /// A sound or video recording that cannot be kept (not a sound or video format the
    /// phone can keep, or longer than the form's kind of recording allows).
    #[error("{reason}")]
    RecordingUnusable {
        /// What is wrong with it.
        reason: String,
    },
    /// A form whose attached files (CSV tables, label images) have not all reached the
    /// phone: it opens after a sync brings them.
    #[error("{reason}")]
    FormFilesMissing {
        /// The files not complete yet, by the names the form uses.
        missing: Vec<String>,
        /// Which form and which files (English, for logs and support).
        reason: String,
    },
    /// This build of the core cannot do this (reading .xlsx forms on a phone build).
    #[error("{reason}")]
    Unsupported {
        /// What is missing.
        reason: String,
    },
    /// The phone is not enrolled with a server yet.
    #[error("{reason}")]
    NotEnrolled {
        /// What needed the enrollment.
        reason: String,
    },
    /// The server could not be reached, or answered like something that is not the
    /// Branchbook server (a Wi-Fi login page). Nothing is lost: try again later.
    #[error("network: {reason}")]
    Network {
        /// What the network layer said (no addresses with secrets, no tokens).
        reason: String,
    },
    /// The server refused the request for a reason it gave (a bad enrollment code, a
    /// request too large).
    #[error("the server refused: {reason}")]
    ServerRefused {
        /// HTTP status.
        status: u16,
        /// The server's reason.
        reason: String,
    },
    /// No secure connection could be made to the server (its certificate is not trusted
    /// or is for another address): another network, or the officer, can fix it; retrying
    /// here cannot.
    #[error("{reason}")]
    InsecureConnection {
        /// What TLS said.
        reason: String,
    },
    /// The server no longer accepts this device (revoked, or its token expired): an
    /// officer must enroll it again.
    #[error("{reason}")]
    DeviceRevoked {
        /// Where it was refused.
        reason: String,
    },
    /// The user cancelled; everything done before is kept.
    #[error("{reason}")]
    Cancelled {
        /// What was stopped.
        reason: String,
    },
}

#[cfg_attr(feature = "uniffi", uniffi::export)]
impl BranchbookError {
    /// The sentence to show the user for this kind of error, in `language`.
    pub fn user_message(&self, language: UiLanguage) -> String {
        i18n::text(self.text_key(), language).to_owned()
    }

    /// The sentence the send screen shows for a pass that stopped with this error: its
    /// own words when she pressed Stop, the network is gone or the phone was revoked
    /// (nothing is lost in any of them), else [`BranchbookError::user_message`].
    pub fn send_message(&self, language: UiLanguage) -> String {
        let key = match self {
            BranchbookError::Cancelled { .. } => TextKey::SendStopped,
            BranchbookError::Network { .. } => TextKey::SendNoNetwork,
            BranchbookError::DeviceRevoked { .. } => TextKey::SendRevoked,
            other => other.text_key(),
        };
        i18n::text(key, language).to_owned()
    }
}

impl BranchbookError {
    /// The catalogue entry that explains this kind of error to the user.
    pub fn text_key(&self) -> TextKey {
        match self {
            BranchbookError::NotFound { .. } => TextKey::ErrorNotFound,
            // The refusals whose fix is not in one box get their own words.
            BranchbookError::InvalidInput {
                field: InputField::Age,
                ..
            } => TextKey::WalkInNeedsAge,
            BranchbookError::InvalidInput {
                field: InputField::Attendees,
                ..
            } => TextKey::GatheringNeedsAttendee,
            BranchbookError::InvalidInput { .. } => TextKey::ErrorInvalidInput,
            BranchbookError::WrongState { .. } => TextKey::ErrorWrongState,
            BranchbookError::Stale { .. } => TextKey::ErrorStale,
            BranchbookError::FormInvalid { .. } => TextKey::ErrorFormInvalid,
            BranchbookError::AnswersRejected { .. } => TextKey::ErrorAnswersRejected,
            BranchbookError::Storage { .. } => TextKey::ErrorStorage,
            BranchbookError::WrongKey { .. } => TextKey::ErrorWrongKey,
            BranchbookError::PhotoUnreadable { .. } => TextKey::ErrorPhotoUnreadable,
            BranchbookError::RecordingUnusable { .. } => TextKey::ErrorRecordingUnusable,
            BranchbookError::FormFilesMissing { .. } => TextKey::ErrorFormFilesMissing,
            BranchbookError::Unsupported { .. } => TextKey::ErrorUnsupported,
            BranchbookError::NotEnrolled { .. } => TextKey::ErrorNotEnrolled,
            BranchbookError::Network { .. } => TextKey::ErrorNetwork,
            BranchbookError::ServerRefused { .. } => TextKey::ErrorServerRefused,
            BranchbookError::InsecureConnection { .. } => TextKey::ErrorInsecureConnection,
            BranchbookError::DeviceRevoked { .. } => TextKey::ErrorDeviceRevoked,
            BranchbookError::Cancelled { .. } => TextKey::ErrorCancelled,
        }
    }

    /// Shorthand for [`BranchbookError::WrongState`].
    pub fn wrong_state(reason: impl Into<String>) -> BranchbookError {
        BranchbookError::WrongState {
            reason: reason.into(),
        }
    }

    /// Shorthand for [`BranchbookError::InvalidInput`] (not a member's input).
    pub fn invalid(field: InputField, reason: impl Into<String>) -> BranchbookError {
        BranchbookError::InvalidInput {
            field,
            member: None,
            reason: reason.into(),
        }
    }
}

impl From<StoreError> for BranchbookError {
    fn from(e: StoreError) -> Self {
        let reason = e.to_string();
        match e {
            StoreError::NotFound { kind, id } => BranchbookError::NotFound {
                what: kind.as_str().into(),
                id,
            },
            StoreError::WrongKey { .. } => BranchbookError::WrongKey { reason },
            // A damaged file: the storage failed, no key will help.
            StoreError::NotADatabase { .. } => BranchbookError::Storage { reason },
            StoreError::KeyLength { .. } => BranchbookError::invalid(InputField::Key, reason),
            StoreError::WrongState { .. } | StoreError::FormMismatch { .. } => {
                BranchbookError::WrongState { reason }
            }
            StoreError::Stale { .. } => BranchbookError::Stale { reason },
            StoreError::Rejected { problems, .. } => BranchbookError::AnswersRejected { problems },
            StoreError::FormInvalid { problems, .. } => BranchbookError::FormInvalid { problems },
            StoreError::Session(e) => e.into(),
            StoreError::Invalid {
                field,
                member,
                reason,
            } => BranchbookError::InvalidInput {
                field,
                member,
                reason,
            },
            StoreError::Csv { line, reason } => {
                BranchbookError::invalid(InputField::CsvLine { line }, reason)
            }
            StoreError::Photo(e) => e.into(),
            StoreError::FormFilesMissing { missing, .. } => {
                BranchbookError::FormFilesMissing { missing, reason }
            }
            StoreError::FormFileDamaged { .. }
            | StoreError::Open { .. }
            | StoreError::TooNew { .. }
            | StoreError::Io { .. }
            | StoreError::Corrupt { .. }
            | StoreError::Sqlite(_) => BranchbookError::Storage { reason },
        }
    }
}

impl From<PhotoError> for BranchbookError {
    fn from(e: PhotoError) -> Self {
        let reason = e.to_string();
        match e {
            PhotoError::MaxPixels { .. } => BranchbookError::invalid(InputField::MaxPixels, reason),
            PhotoError::Read { .. }
            | PhotoError::Unsupported { .. }
            | PhotoError::Corrupt { .. }
            | PhotoError::Unreadable { .. } => BranchbookError::PhotoUnreadable { reason },
            PhotoError::TooLarge { .. } | PhotoError::NotRecording { .. } => {
                BranchbookError::RecordingUnusable { reason }
            }
        }
    }
}

impl From<SessionError> for BranchbookError {
    fn from(e: SessionError) -> Self {
        let reason = e.to_string();
        match e {
            SessionError::UnknownQuestion { question } => BranchbookError::NotFound {
                what: "question".into(),
                id: question,
            },
            SessionError::WrongType { question, .. }
            | SessionError::InvalidValue { question, .. }
            | SessionError::NotANumber { question, .. }
            | SessionError::UnknownChoice { question, .. } => {
                BranchbookError::invalid(InputField::Question { path: question }, reason)
            }
            SessionError::UnknownLanguage { .. } => {
                BranchbookError::invalid(InputField::Language, reason)
            }
            SessionError::NotARepeat { .. } => {
                BranchbookError::invalid(InputField::RepeatPath, reason)
            }
            SessionError::NotShown { .. }
            | SessionError::ReadOnly { .. }
            | SessionError::CountedRepeat { .. }
            | SessionError::PageIncomplete { .. }
            | SessionError::AtEnd
            | SessionError::AtStart => BranchbookError::WrongState { reason },
            SessionError::FormMismatch { .. } | SessionError::BadState { .. } => {
                BranchbookError::Storage { reason }
            }
        }
    }
}

#[cfg(feature = "sync-client")]
impl From<crate::sync::SyncError> for BranchbookError {
    fn from(e: crate::sync::SyncError) -> Self {
        use crate::sync::SyncError;
        let reason = e.to_string();
        match e {
            SyncError::BadServerUrl { .. } => {
                BranchbookError::invalid(InputField::ServerAddress, reason)
            }
            SyncError::BadEnrollmentQr { .. } => {
                BranchbookError::invalid(InputField::EnrollmentCode, reason)
            }
            SyncError::NotEnrolled => BranchbookError::NotEnrolled { reason },
            SyncError::Revoked { .. } => BranchbookError::DeviceRevoked { reason },
            SyncError::Refused { status, .. } => BranchbookError::ServerRefused { status, reason },
            SyncError::TooLarge { .. } => BranchbookError::ServerRefused {
                status: 413,
                reason,
            },
            SyncError::Insecure { .. } => BranchbookError::InsecureConnection { reason },
            SyncError::Unreachable { .. }
            | SyncError::ServerFault { .. }
            | SyncError::NotOurServer { .. }
            | SyncError::FormHashMismatch { .. }
            | SyncError::Protocol { .. } => BranchbookError::Network { reason },
            SyncError::PhotoFile { .. } => BranchbookError::PhotoUnreadable { reason },
            SyncError::Store { .. } => BranchbookError::Storage { reason },
            SyncError::Cancelled => BranchbookError::Cancelled { reason },
        }
    }
}

impl From<FormError> for BranchbookError {
    fn from(e: FormError) -> Self {
        let reason = e.to_string();
        match e {
            FormError::Invalid { problems } => BranchbookError::FormInvalid { problems },
            FormError::NotXlsx { .. } | FormError::Sheet { .. } | FormError::Json { .. } => {
                BranchbookError::invalid(InputField::Form, reason)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RecordKind;
    use uuid::Uuid;

    #[test]
    fn store_errors_keep_their_context_in_a_kind_the_ui_can_act_on() {
        let id = Uuid::now_v7();
        assert_eq!(
            BranchbookError::from(StoreError::NotFound {
                kind: RecordKind::Household,
                id: id.to_string()
            }),
            BranchbookError::NotFound {
                what: "household".into(),
                id: id.to_string()
            }
        );
        let stale = StoreError::Stale {
            kind: RecordKind::Household,
            id,
            base: 1,
            current: 2,
        };
        assert!(
            matches!(BranchbookError::from(stale), BranchbookError::Stale { reason } if reason.contains("revision 2"))
        );
        let csv = StoreError::Csv {
            line: 3,
            reason: "unknown sex".into(),
        };
        assert_eq!(
            BranchbookError::from(csv),
            BranchbookError::invalid(InputField::CsvLine { line: 3 }, "unknown sex")
        );
        let photo = StoreError::Photo(PhotoError::Unsupported {
            path: "/tmp/a.heic".into(),
            format: "HEIC".into(),
        });
        assert!(
            matches!(BranchbookError::from(photo), BranchbookError::PhotoUnreadable { reason } if reason.contains("HEIC"))
        );
        let session = StoreError::Session(SessionError::UnknownLanguage {
            language: "fr".into(),
        });
        assert!(matches!(
            BranchbookError::from(session),
            BranchbookError::InvalidInput {
                field: InputField::Language,
                ..
            }
        ));
    }

    #[test]
    fn session_errors_name_the_question_as_the_field() {
        let e = SessionError::InvalidValue {
            question: "member[2]/age".into(),
            reason: "NaN is not a number".into(),
        };
        assert!(
            matches!(BranchbookError::from(e), BranchbookError::InvalidInput { field: InputField::Question { path }, .. } if path == "member[2]/age")
        );
        assert!(matches!(
            BranchbookError::from(SessionError::AtEnd),
            BranchbookError::WrongState { .. }
        ));
        assert!(matches!(
            BranchbookError::from(SessionError::UnknownQuestion { question: "nope".into() }),
            BranchbookError::NotFound { what, id } if what == "question" && id == "nope"
        ));
    }

    #[cfg(feature = "sync-client")]
    #[test]
    fn sync_errors_tell_a_revoked_phone_from_a_missing_network() {
        use crate::sync::{SyncError, SyncStep};
        let revoked = BranchbookError::from(SyncError::Revoked {
            step: SyncStep::PushRecords,
        });
        assert!(matches!(revoked, BranchbookError::DeviceRevoked { .. }));
        assert_eq!(
            revoked.user_message(UiLanguage::Vi),
            i18n::text(TextKey::ErrorDeviceRevoked, UiLanguage::Vi)
        );
        let offline = SyncError::Unreachable {
            step: SyncStep::Changes,
            detail: "timed out".into(),
        };
        assert!(matches!(
            BranchbookError::from(offline),
            BranchbookError::Network { .. }
        ));
        let refused = SyncError::Refused {
            step: SyncStep::Enroll,
            status: 400,
            code: "bad_code".into(),
            detail: "unknown code".into(),
        };
        assert!(matches!(
            BranchbookError::from(refused),
            BranchbookError::ServerRefused { status: 400, .. }
        ));
        assert!(matches!(
            BranchbookError::from(SyncError::Cancelled),
            BranchbookError::Cancelled { .. }
        ));
        assert!(matches!(
            BranchbookError::from(SyncError::NotEnrolled),
            BranchbookError::NotEnrolled { .. }
        ));
        let insecure = SyncError::Insecure {
            step: SyncStep::Enroll,
            detail: "invalid peer certificate: UnknownIssuer".into(),
        };
        assert!(
            !insecure.is_retryable(),
            "the same network gives the same certificate"
        );
        let insecure = BranchbookError::from(insecure);
        assert!(
            matches!(insecure, BranchbookError::InsecureConnection { .. }),
            "not a bad code, not a missing network"
        );
        assert!(
            insecure
                .user_message(UiLanguage::Vi)
                .contains("kết nối an toàn")
        );
    }

    #[test]
    fn a_stopped_send_says_why_in_the_send_screens_words() {
        let reason = String::from("r");
        let said = |e: BranchbookError| e.send_message(UiLanguage::En);
        assert_eq!(
            said(BranchbookError::Cancelled {
                reason: reason.clone()
            }),
            "Stopped. What was sent is kept."
        );
        assert!(
            said(BranchbookError::Network {
                reason: reason.clone()
            })
            .starts_with("No connection.")
        );
        assert!(
            said(BranchbookError::DeviceRevoked {
                reason: reason.clone()
            })
            .starts_with("This phone may no longer send data.")
        );
        let other = BranchbookError::Storage { reason };
        assert_eq!(
            other.send_message(UiLanguage::Vi),
            other.user_message(UiLanguage::Vi)
        );
    }

    #[test]
    fn a_household_members_input_is_named_with_its_place() {
        let e = BranchbookError::from(
            StoreError::invalid(InputField::BirthYear, "1850 is not plausible").of_member(2),
        );
        assert_eq!(
            e,
            BranchbookError::InvalidInput {
                field: InputField::BirthYear,
                member: Some(2),
                reason: "1850 is not plausible".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "invalid birth year of member 3: 1850 is not plausible"
        );
    }

    #[test]
    fn every_kind_has_a_message_for_the_user_in_both_languages() {
        let e = BranchbookError::NotFound {
            what: "household".into(),
            id: "x".into(),
        };
        assert_ne!(
            e.user_message(UiLanguage::Vi),
            e.user_message(UiLanguage::En)
        );
        assert!(e.user_message(UiLanguage::Vi).contains("Không tìm thấy"));
    }

    #[test]
    fn a_form_missing_its_files_says_so_and_names_them() {
        let e = BranchbookError::from(StoreError::FormFilesMissing {
            form: "fruit_survey version 1".into(),
            missing: vec!["fruits.csv".into()],
        });
        assert!(
            matches!(&e, BranchbookError::FormFilesMissing { missing, reason }
                if missing == &["fruits.csv"] && reason.contains("fruit_survey version 1")),
            "{e:?}"
        );
        assert!(e.user_message(UiLanguage::Vi).contains("chưa nhận đủ tệp"));
        assert!(
            e.user_message(UiLanguage::En)
                .contains("files have not all arrived")
        );
    }

    #[test]
    fn a_refusal_not_fixed_in_one_box_says_what_is_missing() {
        let no_age = BranchbookError::invalid(InputField::Age, "give a birth year or an age group");
        assert_eq!(
            no_age.user_message(UiLanguage::Vi),
            "Hãy ghi năm sinh hoặc chọn độ tuổi."
        );
        let nobody = BranchbookError::invalid(InputField::Attendees, "no one is checked in");
        assert_eq!(nobody.text_key(), TextKey::GatheringNeedsAttendee);
        let name = BranchbookError::invalid(InputField::Name, "must not be empty");
        assert_eq!(name.text_key(), TextKey::ErrorInvalidInput);
    }
}
