//! What a UI shows: the current page with its questions, and what changed on it after an
//! answer. Plain records, so the Android and iOS apps render them without deciding
//! anything themselves.

use std::collections::HashMap;

use super::answer::Answer;

/// The current page of a form session.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Screen {
    /// What kind of page this is.
    pub page: Page,
    /// The heading of a page that shows a group or repeat instance at once.
    pub title: Option<String>,
    /// The `appearance` of that group or repeat (`field-list`, `table-list`...), so a UI
    /// can draw a `table-list` page as one grid of choices.
    pub appearance: Option<String>,
    /// The questions shown, in order (empty on a repeat prompt or at the end).
    pub questions: Vec<Question>,
    /// The groups and repeat instances the page is in, outermost first.
    pub breadcrumbs: Vec<Breadcrumb>,
    /// Whether there is a page before this one.
    pub can_go_back: bool,
    /// Whether there is a page after this one (false only at the end).
    pub can_go_next: bool,
    /// How far through the form this page is, 0-100.
    pub progress_percent: u8,
    /// The repeat entry this page shows (`member[2]`, the innermost one), when she may
    /// remove it: pass it to `remove_repeat`. None outside an entry and in a repeat
    /// whose number of entries the form sets.
    pub removable_entry: Option<String>,
}

/// The kind of page.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Page {
    /// One question, or several shown together (a field-list group or repeat instance).
    Questions,
    /// The end of a repeat: offer to add another instance (`add_repeat(path)`) or go on.
    RepeatPrompt {
        /// The repeat's path, for `add_repeat`.
        path: String,
        /// The repeat's label.
        label: String,
        /// How many instances it has now.
        count: u32,
    },
    /// After the last question: the form can be finalized.
    End,
}

/// One question as shown.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Question {
    /// Identifies the question (and its repeat instance) in `set_answer`, `jump`...
    pub path: String,
    /// The question's `name`.
    pub name: String,
    /// The kind of input to show.
    pub kind: QuestionKind,
    /// The label in the chosen language (answers referred to with `${..}` filled in).
    pub label: String,
    /// The hint, if any.
    pub hint: Option<String>,
    /// For selects: the choices offered now (after the choice filter), in order; for a
    /// rank question, in her ranking.
    pub choices: Vec<ChoiceOption>,
    /// The current answer.
    pub value: Option<Answer>,
    /// An answer is needed before moving on.
    pub required: bool,
    /// The value cannot be changed here (computed, or marked read-only).
    pub read_only: bool,
    /// The message to show under the question, if its answer is not acceptable.
    pub error: Option<String>,
    /// The `appearance` column (e.g. `minimal`, `multiline`, `signature`).
    pub appearance: Option<String>,
    /// The `parameters` column (e.g. `max-pixels` for photos).
    pub parameters: HashMap<String, String>,
    /// Media shown with the label, in the chosen language: file names of the form's
    /// attachments (None when the label has none).
    pub media: Option<LabelMedia>,
}

/// The media files shown with a label (the form's `image`, `big-image`, `audio` and
/// `video` columns), each a file name of the form's attachments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LabelMedia {
    /// A picture to show with the label.
    pub image: Option<String>,
    /// A larger picture she may open from the label.
    pub big_image: Option<String>,
    /// A recording she may play.
    pub audio: Option<String>,
    /// A film she may play.
    pub video: Option<String>,
}

/// The input a question needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum QuestionKind {
    /// Free text.
    Text,
    /// Whole number.
    Integer,
    /// Decimal number.
    Decimal,
    /// One choice.
    SelectOne,
    /// Several choices.
    SelectMultiple,
    /// Every choice put in order (`rank`): [`Question::choices`] are in her order (the
    /// offered order until she ranks them); she moves them with `move_rank_item`.
    Rank,
    /// A date.
    Date,
    /// A time of day.
    Time,
    /// A date and time.
    DateTime,
    /// A GPS position.
    Geopoint,
    /// A line walked along a road or path (`geotrace`): she adds where she is at each
    /// point (`add_line_point`), and may remove the last one or clear them all; what the
    /// widget shows and offers is `geo_line_view`'s.
    Geotrace,
    /// An area walked around (`geoshape`), taken point by point like a
    /// [`QuestionKind::Geotrace`]; the core closes it.
    Geoshape,
    /// A photo.
    Image,
    /// A sound recording: recorded by the phone's recorder and handed to the core as a file.
    Audio,
    /// A video recording: recorded by the phone's camera and handed to the core as a file.
    Video,
    /// A barcode or QR code: scanned with the camera, or typed by hand as text (both
    /// through `type_answer`, which keeps the code's text without control characters).
    Barcode,
    /// Text to read, no answer.
    Note,
    /// A statement to confirm.
    Acknowledge,
}

/// A choice offered by a select question.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ChoiceOption {
    /// The value stored when chosen.
    pub name: String,
    /// The label in the chosen language.
    pub label: String,
    /// Media shown with the choice in the chosen language (the choices sheet's `image`
    /// column...): file names of the form's attachments (None when it has none).
    pub media: Option<LabelMedia>,
}

/// A group or repeat instance the page is in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Breadcrumb {
    /// The group's or repeat's label.
    pub label: String,
    /// For a repeat: which instance (from 1).
    pub instance: Option<u32>,
    /// For a repeat: how many instances there are.
    pub of: Option<u32>,
    /// Ready to show: "Thành viên 2/5".
    pub text: String,
}

/// What changed on the current page after an answer, so a UI updates only that: the
/// questions whose look may have changed whole, and of the others only the answer and
/// message that changed.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ScreenUpdate {
    /// Questions to draw again whole: those that appeared, and those whose label, hint,
    /// choices or flags the answer can change and that look different now (the answered
    /// question is here when its own look depends on its answer).
    pub changed: Vec<Question>,
    /// Questions still shown whose answer or message changed and nothing else (the
    /// answered question, usually): set those two on the question as shown.
    pub answers: Vec<AnswerUpdate>,
    /// Paths of questions no longer shown.
    pub hidden: Vec<String>,
    /// The paths of all questions now shown, in order, when they are not the ones shown
    /// before (a question appeared or went); None when the page shows the same questions.
    pub order: Option<Vec<String>>,
    /// The answer moved the session to another page (its repeat instance went away):
    /// show `screen()` again instead of applying the changes.
    pub moved: bool,
}

/// A shown question's new answer and message, the rest of it unchanged.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AnswerUpdate {
    /// The question's path, as in [`Question::path`].
    pub path: String,
    /// Its answer now ([`Question::value`]).
    pub value: Option<Answer>,
    /// Its message now ([`Question::error`]).
    pub error: Option<String>,
}

/// A question to jump to from a list of the whole form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct JumpTarget {
    /// The question's path, for `jump`.
    pub path: String,
    /// Its label.
    pub label: String,
    /// The groups and repeat instances it is in, as breadcrumb text joined by " › ".
    pub section: String,
    /// Whether it has an answer.
    pub answered: bool,
    /// Whether it is on the current page.
    pub current: bool,
}
