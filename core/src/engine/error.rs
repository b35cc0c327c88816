//! What can go wrong while filling a form, as typed errors a UI can act on (they cross
//! the FFI as exceptions), and the problems that keep a form from being finalized.

/// An action on a form session that cannot be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum SessionError {
    /// The question path does not name a question of this form (or an existing instance).
    #[error("no question {question} in this form")]
    UnknownQuestion {
        /// The path given.
        question: String,
    },
    /// The question exists but is not shown now (not relevant, or not a question).
    #[error("question {question} does not apply now")]
    NotShown {
        /// The question's path.
        question: String,
    },
    /// The question's value is computed or marked read-only.
    #[error("question {question} is read-only")]
    ReadOnly {
        /// The question's path.
        question: String,
    },
    /// The answer is of another type than the question takes.
    #[error("question {question} takes {expected}, not {given}")]
    WrongType {
        /// The question's path.
        question: String,
        /// What the question takes.
        expected: String,
        /// What was given.
        given: String,
    },
    /// The answer has the right type but an impossible value.
    #[error("question {question}: {reason}")]
    InvalidValue {
        /// The question's path.
        question: String,
        /// Why the value is refused.
        reason: String,
    },
    /// Typed text that is not the number a number question takes (or one too large).
    #[error("question {question} takes {expected}: what was typed is not one")]
    NotANumber {
        /// The question's path.
        question: String,
        /// What the question takes ("a whole number", "a number").
        expected: String,
    },
    /// A choice that the question does not offer (now).
    #[error("question {question} offers no choice '{choice}'")]
    UnknownChoice {
        /// The question's path.
        question: String,
        /// The choice name given.
        choice: String,
    },
    /// The form has no labels in this language.
    #[error("the form has no language '{language}'")]
    UnknownLanguage {
        /// The language asked for.
        language: String,
    },
    /// The path does not name a repeat (or repeat instance) here.
    #[error("{path} is not a repeat that can be changed here")]
    NotARepeat {
        /// The path given.
        path: String,
    },
    /// The repeat's number of instances comes from its `repeat_count`.
    #[error("the number of {repeat} is set by the form (repeat_count)")]
    CountedRepeat {
        /// The repeat's name.
        repeat: String,
    },
    /// The current page has errors (shown on its questions) to fix before moving on.
    #[error("{count} question(s) on this page need attention")]
    PageIncomplete {
        /// How many questions have an error.
        count: u32,
    },
    /// Already at the end of the form.
    #[error("already at the end of the form")]
    AtEnd,
    /// Already at the first page.
    #[error("already at the first page")]
    AtStart,
    /// A saved draft belongs to another form or version.
    #[error("the saved draft is for form {found}, not {expected}")]
    FormMismatch {
        /// This form's id and version.
        expected: String,
        /// The draft's form id and version.
        found: String,
    },
    /// A saved draft does not fit the form.
    #[error("the saved draft does not fit the form: {reason}")]
    BadState {
        /// What does not fit.
        reason: String,
    },
}

/// Something that keeps a form from being finalized (or an upload from being accepted):
/// which question, what is wrong in the user's language, and where to jump to fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FinalizeProblem {
    /// The question's path (pass it to `jump`), e.g. `members[2]/age`.
    pub question: String,
    /// The question's label, to show in a list of problems.
    pub label: String,
    /// What is wrong.
    pub message: String,
}
