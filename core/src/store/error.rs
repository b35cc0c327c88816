//! The store's one error type: every failure names what it was about (which record,
//! which state) so the UI can say something useful and nothing is guessed from text.

use std::path::PathBuf;

use uuid::Uuid;

/// Kinds of records the store holds, named in errors, in the audit trail and in the
/// server's refusals (the apps match on it, never on a spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RecordKind {
    /// A form version.
    Form,
    /// A survey submission.
    Submission,
    /// A household of the registry.
    Household,
    /// A member of the branch's roster.
    Member,
    /// A gathering (dialogue, session, training, club meeting).
    Gathering,
    /// One attendee of a gathering.
    Attendee,
    /// A stored photo.
    Photo,
    /// An entry of the audit trail.
    Audit,
    /// A record waiting in the outbox.
    Queued,
}

impl RecordKind {
    /// The lower-case name used in messages, in the audit trail and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Form => "form",
            RecordKind::Submission => "submission",
            RecordKind::Household => "household",
            RecordKind::Member => "member",
            RecordKind::Gathering => "gathering",
            RecordKind::Attendee => "attendee",
            RecordKind::Photo => "photo",
            RecordKind::Audit => "audit",
            RecordKind::Queued => "queued record",
        }
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The input a refused value was given in: the apps mark that input (and, with the
/// error's member index, that member) from this, never from a spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum InputField {
    /// A household's or gathering's village (required).
    Village,
    /// A household head's name (required).
    HeadName,
    /// A person's name: a household member, a walk-in, a roster member (required).
    Name,
    /// A person's birth year (1900 to this year).
    BirthYear,
    /// A person's ethnic group (one of the 54).
    Ethnicity,
    /// A walk-in's age: a birth year or an age group is needed.
    Age,
    /// A household's list of members (the same person twice).
    Members,
    /// A gathering's topic (required).
    Topic,
    /// A gathering's date and time (a day the calendar does not have).
    StartsAt,
    /// A gathering's attendance (closing one with no one checked in).
    Attendees,
    /// The device account's name.
    Account,
    /// A form file or its JSON.
    Form,
    /// The answer to a survey question, by its path (`member[2]/member_age`).
    Question {
        /// The question's path from the screen.
        path: String,
    },
    /// A form's label language.
    Language,
    /// A path that should name a repeat.
    RepeatPath,
    /// The server address typed at enrollment.
    ServerAddress,
    /// The enrollment code (typed or scanned).
    EnrollmentCode,
    /// A record id (not a UUID).
    Id,
    /// The data's encryption key (32 bytes).
    Key,
    /// A line of an imported CSV file.
    CsvLine {
        /// 1-based line number (the header is line 1).
        line: u64,
    },
    /// A roster as imported (a member listed twice).
    Roster,
    /// A photo size setting.
    MaxPixels,
    /// The data folder's file system (it must allow SQLite's WAL).
    DataFolder,
    /// A value the store itself wrote and reads back (a damaged file, never typed).
    Stored {
        /// Which one ("revision", "device id", ...).
        what: String,
    },
}

impl std::fmt::Display for InputField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            InputField::Village => "village",
            InputField::HeadName => "head name",
            InputField::Name => "name",
            InputField::BirthYear => "birth year",
            InputField::Ethnicity => "ethnicity",
            InputField::Age => "age",
            InputField::Members => "members",
            InputField::Topic => "topic",
            InputField::StartsAt => "date and time",
            InputField::Attendees => "attendees",
            InputField::Account => "account",
            InputField::Form => "form",
            InputField::Question { path } => return write!(f, "answer to {path}"),
            InputField::Language => "language",
            InputField::RepeatPath => "repeat path",
            InputField::ServerAddress => "server address",
            InputField::EnrollmentCode => "enrollment code",
            InputField::Id => "id",
            InputField::Key => "key",
            InputField::CsvLine { line } => return write!(f, "CSV line {line}"),
            InputField::Roster => "roster",
            InputField::MaxPixels => "max pixels",
            InputField::DataFolder => "data folder",
            InputField::Stored { what } => return write!(f, "stored {what}"),
        };
        f.write_str(name)
    }
}

/// Everything that can go wrong in the local store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("cannot open the database at {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
    /// The file looks encrypted but the key is wrong or missing, or a key was given for
    /// a file that is not encrypted.
    #[error("cannot read the database at {path}: wrong or missing key")]
    WrongKey {
        /// The file.
        path: PathBuf,
    },
    /// The file is neither a SQLite database nor an encrypted one (damaged, or some
    /// other file): no key can open it.
    #[error("the file at {path} is not a Branchbook database")]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },
    /// A key of the wrong length was given.
    #[error("a database key must be 32 bytes, got {len}")]
    KeyLength {
        /// Length given.
        len: usize,
    },
    /// The file was written by a newer version of the app.
    #[error(
        "the database is at schema version {found}, newer than this app knows ({supported}); update the app"
    )]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// No record with that id.
    #[error("no {kind} with id {id}")]
    NotFound {
        /// Kind of record looked for.
        kind: RecordKind,
        /// Its id as given.
        id: String,
    },
    /// The record exists but is in a state that forbids the operation.
    #[error("{kind} {id} is {state}: cannot {action}")]
    WrongState {
        /// Kind of record.
        kind: RecordKind,
        /// Its id.
        id: Uuid,
        /// The state it is in.
        state: String,
        /// What was attempted.
        action: &'static str,
    },
    /// An edit was based on an older revision than the newest (someone else changed it).
    #[error("{kind} {id} is at revision {current}, the edit was based on revision {base}")]
    Stale {
        /// Kind of record.
        kind: RecordKind,
        /// Its id.
        id: Uuid,
        /// The revision the edit started from.
        base: u32,
        /// The newest revision.
        current: u32,
    },
    /// A draft's state or finalized answers belong to another form version than the draft.
    #[error("submission {id} is filled with {expected}, not {found}")]
    FormMismatch {
        /// The submission.
        id: Uuid,
        /// The draft's form and version.
        expected: String,
        /// What was given.
        found: String,
    },
    /// Finalized answers that the draft's form version does not accept.
    #[error("submission {id} has {} answer(s) its form does not accept", problems.len())]
    Rejected {
        /// The submission.
        id: Uuid,
        /// What is wrong, question by question.
        problems: Vec<crate::engine::FinalizeProblem>,
    },
    /// A form that does not compile (cannot be filled).
    #[error("form {form} has {} problem(s)", problems.len())]
    FormInvalid {
        /// The form's id and version.
        form: String,
        /// Every problem found.
        problems: Vec<crate::form::Problem>,
    },
    /// A form version whose attached files (CSV tables, label images) are not all on
    /// the phone yet: it cannot be opened until a sync brings them.
    #[error("form {form} is missing {} of its files: {}", missing.len(), missing.join(", "))]
    FormFilesMissing {
        /// The form's id and version.
        form: String,
        /// The names of the files not complete yet.
        missing: Vec<String>,
    },
    /// A form file whose bytes, all received, do not hash to its name: they were
    /// dropped and the file is fetched again.
    #[error("the form file {sha256} arrived damaged; it will be fetched again")]
    FormFileDamaged {
        /// The file's announced SHA-256.
        sha256: String,
    },
    /// The form session refused (a saved draft that does not fit its form, an unknown language).
    #[error(transparent)]
    Session(#[from] crate::engine::SessionError),
    /// A value given by the caller is not acceptable.
    #[error("invalid {field}{}: {reason}", member.map(|m| format!(" of member {}", m + 1)).unwrap_or_default())]
    Invalid {
        /// Which value.
        field: InputField,
        /// Which member of a household's list it belongs to (0-based), when it is a
        /// member's.
        member: Option<u32>,
        /// Why.
        reason: String,
    },
    /// A line of an imported CSV file is unusable (nothing of the file was imported).
    #[error("CSV line {line}: {reason}")]
    Csv {
        /// 1-based line number (the header is line 1).
        line: u64,
        /// Why.
        reason: String,
    },
    /// A photo could not be taken in.
    #[error(transparent)]
    Photo(#[from] super::photos::PhotoError),
    /// A file could not be read or written.
    #[error("file error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// Stored JSON could not be read back (a bug or a damaged file, never user input).
    #[error("stored {what} is unreadable: {source}")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// The parser's reason.
        source: serde_json::Error,
    },
    /// Any other database failure.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// Shorthand for [`StoreError::NotFound`].
    pub(crate) fn not_found(kind: RecordKind, id: impl ToString) -> StoreError {
        StoreError::NotFound {
            kind,
            id: id.to_string(),
        }
    }

    /// Shorthand for [`StoreError::Invalid`] (not a member's value).
    pub(crate) fn invalid(field: InputField, reason: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field,
            member: None,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`StoreError::Invalid`] about a value the store wrote itself.
    pub(crate) fn stored(what: &str, reason: impl Into<String>) -> StoreError {
        StoreError::invalid(InputField::Stored { what: what.into() }, reason)
    }

    /// This error, said of member `index` of a list when it is a refused value.
    pub(crate) fn of_member(self, index: usize) -> StoreError {
        match self {
            StoreError::Invalid { field, reason, .. } => StoreError::Invalid {
                field,
                member: u32::try_from(index).ok(),
                reason,
            },
            other => other,
        }
    }
}
