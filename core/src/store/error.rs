//! The store's one error type: every failure names what it was about (which record,
//! which state) so the UI can say something useful and nothing is guessed from text.

use std::path::PathBuf;

use uuid::Uuid;

/// Kinds of records the store holds, named in errors and in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The form session refused (a saved draft that does not fit its form, an unknown language).
    #[error(transparent)]
    Session(#[from] crate::engine::SessionError),
    /// A value given by the caller is not acceptable.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which value.
        field: &'static str,
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

    /// Shorthand for [`StoreError::Invalid`].
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
