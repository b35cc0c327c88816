//! The form model: what an XLSForm says, as plain data. Readers build it, the canonical
//! JSON stores it, the engine compiles it. Expressions are kept as the author wrote them
//! (compiled by the engine), so the model converts to JSON and back without loss.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Media;

/// A whole survey form: settings, the tree of questions, and the choice lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Form {
    /// `form_id` from the settings sheet (required).
    pub id: String,
    /// `version` from the settings sheet; a submission records the exact version it was filled with.
    pub version: String,
    /// `form_title` from the settings sheet (falls back to the id).
    pub title: String,
    /// `default_language` from the settings sheet: the language shown when none is chosen.
    pub default_language: Option<String>,
    /// Languages that labels are given in, in the order their columns first appear.
    pub languages: Vec<Language>,
    /// `instance_name` from the settings sheet: an expression naming each filled form.
    pub instance_name: Option<String>,
    /// The questions, groups and repeats of the survey sheet, in order.
    pub body: Vec<Node>,
    /// Choice lists by `list_name`.
    pub choices: BTreeMap<String, ChoiceList>,
    /// `allow_choice_duplicates` from the settings sheet: a list may repeat a choice name,
    /// as in a cascade where two districts each have a commune of the same name (the
    /// choice filter tells them apart). Left out of the JSON when false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_choice_duplicates: bool,
    /// The tables `pulldata()` reads, by the name it is called with (`fruits` for the
    /// attachment `fruits.csv`), read from the form's attachments when it was loaded.
    /// Left out of the JSON when there is none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, DataTable>,
}

/// A table from a CSV attachment: its header and its rows, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataTable {
    /// The header row's column names.
    pub columns: Vec<String>,
    /// The rows below the header (a row may be shorter than the header).
    pub rows: Vec<Vec<String>>,
}

impl DataTable {
    /// `pulldata()`: the `column` of the first row whose `key_column` is `key`; "" when
    /// there is no such column or row.
    pub fn lookup(&self, column: &str, key_column: &str, key: &str) -> &str {
        let find = |name: &str| self.columns.iter().position(|c| c == name);
        let (Some(col), Some(key_col)) = (find(column), find(key_column)) else {
            return "";
        };
        self.rows
            .iter()
            .find(|r| r.get(key_col).is_some_and(|k| k == key))
            .and_then(|r| r.get(col))
            .map_or("", String::as_str)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A label language as declared in a column header such as `label::Tiếng Việt (vi)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Language {
    /// The full name as written in the header: `Tiếng Việt (vi)`.
    pub name: String,
    /// The code in parentheses, when present: `vi`.
    pub code: Option<String>,
}

impl Language {
    /// Whether this is Vietnamese (code `vi`, or a name such as `Tiếng Việt`): the
    /// engine's own texts (built-in messages, generated labels) are then Vietnamese.
    pub fn is_vietnamese(&self) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("vi"))
            || self.name.contains("Việt")
    }
}

/// Text per language, keyed by [`Language::name`]; the key `""` holds a column with no
/// language suffix (plain `label`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Texts(pub BTreeMap<String, String>);

impl Texts {
    /// True when no language has any text.
    pub fn is_empty(&self) -> bool {
        self.0.values().all(|t| t.is_empty())
    }
}

/// Where a node or choice came from, for error messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Sheet name.
    pub sheet: String,
    /// 1-based row.
    pub row: u32,
}

/// One entry of the survey tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "node", rename_all = "snake_case")]
pub enum Node {
    /// A question, note, calculation or metadata field.
    Field(Box<Field>),
    /// A group (`begin group` .. `end group`).
    Group(Group),
    /// A repeat (`begin repeat` .. `end repeat`).
    Repeat(Repeat),
}

impl Node {
    /// The node's `name`.
    pub fn name(&self) -> &str {
        match self {
            Node::Field(f) => &f.name,
            Node::Group(g) => &g.name,
            Node::Repeat(r) => &r.name,
        }
    }

    /// Where the node was defined.
    pub fn source(&self) -> &Source {
        match self {
            Node::Field(f) => &f.source,
            Node::Group(g) => &g.source,
            Node::Repeat(r) => &r.source,
        }
    }
}

/// A group of questions; with appearance `field-list` (or `table-list`) it is shown as one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// `name`.
    pub name: String,
    /// `label` per language.
    pub label: Texts,
    /// `relevant` expression: when false, the whole group is hidden and keeps no answers.
    pub relevant: Option<String>,
    /// `appearance` (`field-list` or `table-list` shows the group as one page).
    pub appearance: Option<String>,
    /// The nodes inside.
    pub children: Vec<Node>,
    /// Where it was defined (the `begin group` row).
    pub source: Source,
}

/// A repeat: the same questions asked once per instance (per household member...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repeat {
    /// `name`.
    pub name: String,
    /// `label` per language.
    pub label: Texts,
    /// `relevant` expression.
    pub relevant: Option<String>,
    /// `repeat_count` expression: when set, the number of instances is fixed by it.
    pub repeat_count: Option<String>,
    /// `appearance` (`field-list` shows each instance as one page).
    pub appearance: Option<String>,
    /// The nodes inside each instance.
    pub children: Vec<Node>,
    /// Where it was defined (the `begin repeat` row).
    pub source: Source,
}

/// A question or computed field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// `name`: unique in the form, used as `${name}`.
    pub name: String,
    /// The type.
    pub kind: FieldKind,
    /// `label` per language.
    pub label: Texts,
    /// `hint` per language.
    pub hint: Texts,
    /// `required`: an expression (`yes` in the sheet is stored as `true()`).
    pub required: Option<String>,
    /// `required_message` per language.
    pub required_message: Texts,
    /// `relevant` expression.
    pub relevant: Option<String>,
    /// `constraint` expression (`.` is the field's own value).
    pub constraint: Option<String>,
    /// `constraint_message` per language.
    pub constraint_message: Texts,
    /// `calculation` expression.
    pub calculation: Option<String>,
    /// `trigger`: the questions (by name) whose change, by the user, sets this field
    /// to its `calculation` (or clears it when there is none), as ODK's
    /// `odk:setvalue` on `xforms-value-changed`: never on opening, never because
    /// anything else changed, and the field stays editable. Left out of the JSON when
    /// there is none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trigger: Vec<String>,
    /// `default`: a literal value, or an expression when the author wrote one.
    pub default: Option<String>,
    /// `read_only`: an expression (`yes` is stored as `true()`).
    pub read_only: Option<String>,
    /// `choice_filter` expression, evaluated per choice (`name` and extra choice columns in scope).
    pub choice_filter: Option<String>,
    /// `appearance`.
    pub appearance: Option<String>,
    /// `parameters` as key=value pairs (`max-pixels=1024`).
    pub parameters: BTreeMap<String, String>,
    /// Media shown with the label (`image`, `audio`, `video` columns): file names of
    /// the form's attachments. Left out of the JSON when there is none.
    #[serde(default, skip_serializing_if = "Media::is_empty")]
    pub media: Media,
    /// Where it was defined.
    pub source: Source,
}

impl Field {
    /// A question with only a name, kind, label and origin, every column blank: for code
    /// that builds forms (the reader's generated questions, tests, benchmarks).
    pub fn new(name: impl Into<String>, kind: FieldKind, label: Texts, source: Source) -> Field {
        Field {
            name: name.into(),
            kind,
            label,
            hint: Texts::default(),
            required: None,
            required_message: Texts::default(),
            relevant: None,
            constraint: None,
            constraint_message: Texts::default(),
            calculation: None,
            trigger: Vec::new(),
            default: None,
            read_only: None,
            choice_filter: None,
            appearance: None,
            parameters: BTreeMap::new(),
            media: Media::default(),
            source,
        }
    }
}

/// The type of a field, from the survey sheet's `type` column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    Text,
    /// Whole number.
    Integer,
    /// Decimal number.
    Decimal,
    /// One choice from a list.
    SelectOne {
        /// The choice list's `list_name`.
        list: String,
        /// `or_other`: an "other" choice; the .xlsx reader adds its text follow-up
        /// `<name>_other`.
        or_other: bool,
    },
    /// Any number of choices from a list (stored space-separated, as in ODK).
    SelectMultiple {
        /// The choice list's `list_name`.
        list: String,
        /// `or_other`, as for [`FieldKind::SelectOne`].
        or_other: bool,
    },
    /// Every choice of a list put in order by the user (`rank`), stored as the choice
    /// names space-separated, first ranked first, as in ODK.
    Rank {
        /// The choice list's `list_name`.
        list: String,
    },
    /// A date (YYYY-MM-DD).
    Date,
    /// A time of day.
    Time,
    /// A date and time.
    DateTime,
    /// A GPS position (latitude longitude altitude accuracy).
    Geopoint,
    /// A line walked along a road or path (`geotrace`): at least 2 positions, stored as
    /// ODK does, `lat lon alt acc;lat lon alt acc;...`.
    Geotrace,
    /// An area walked around, a field's boundary (`geoshape`): at least 3 different
    /// positions, stored as a geotrace closed by repeating the first point, as ODK does.
    Geoshape,
    /// A photo, referenced by the SHA-256 of the stored image.
    Image,
    /// A sound recording (`audio`), referenced by the SHA-256 of the stored file.
    Audio,
    /// A video recording (`video`), referenced by the SHA-256 of the stored file.
    Video,
    /// The text of a barcode or QR code, scanned with the camera or typed by hand
    /// (`barcode`): a text answer, checked as text is.
    Barcode,
    /// Read-only text shown to the user.
    Note,
    /// A statement the user must confirm ("OK").
    Acknowledge,
    /// A value computed from `calculation`, never shown.
    Calculate,
    /// A value set by `default` or `calculation`, never shown.
    Hidden,
    /// Metadata filled by the device.
    Meta(MetaKind),
}

impl FieldKind {
    /// True for the questions answered with a file (photo, sound, video): the answer is
    /// the file's SHA-256 and the file travels beside the record.
    pub fn takes_file(&self) -> bool {
        matches!(self, FieldKind::Image | FieldKind::Audio | FieldKind::Video)
    }

    /// The choice list a select or rank question offers.
    pub fn choice_list(&self) -> Option<&str> {
        match self {
            FieldKind::SelectOne { list, .. }
            | FieldKind::SelectMultiple { list, .. }
            | FieldKind::Rank { list } => Some(list),
            _ => None,
        }
    }

    /// A question whose answer holds several choice names, space-separated (so its
    /// list's names cannot hold spaces): select_multiple and rank.
    pub fn holds_several_choices(&self) -> bool {
        matches!(
            self,
            FieldKind::SelectMultiple { .. } | FieldKind::Rank { .. }
        )
    }
}

/// Metadata fields the device fills in by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetaKind {
    /// When filling started.
    Start,
    /// When the form was finalized.
    End,
    /// The day it was filled.
    Today,
    /// The device id.
    DeviceId,
    /// The account name on the device.
    Username,
    /// The phone's number (`phonenumber`): kept in the form and left empty, as ODK
    /// Collect does where the phone forbids reading it (Android 10 and later, iOS).
    PhoneNumber,
    /// The SIM card's serial (`simserial`): kept and left empty, like [`MetaKind::PhoneNumber`].
    SimSerial,
    /// The subscriber id (`subscriberid`): kept and left empty, like [`MetaKind::PhoneNumber`].
    SubscriberId,
    /// The account's e-mail (`email`): kept and left empty (accounts have none).
    Email,
    /// `start-geopoint`: where the phone was when the form was opened, taken once at the
    /// start without a question on screen (ODK Collect's); left empty when no location
    /// came.
    StartGeopoint,
    /// `audit`: the form is filled with its question-by-question log (ODK Collect's
    /// `audit.csv`, kept by [`crate::engine::audit_log`]), read with the row's parameters
    /// (`track-changes`, `identify-user`, `location-*`).
    Audit,
}

/// A choice list from the choices sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceList {
    /// `list_name`.
    pub name: String,
    /// The choices in sheet order.
    pub choices: Vec<Choice>,
}

/// One choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// `name`: the value stored when chosen.
    pub name: String,
    /// `label` per language.
    pub label: Texts,
    /// Other columns of the choices sheet (used by `choice_filter`, e.g. `district`).
    pub extra: BTreeMap<String, String>,
    /// Media shown with the choice (`image`, `media::image::Hmoob (hmn)`... columns of
    /// the choices sheet): file names of the form's attachments, per language. Left out
    /// of the JSON when empty, so a form without them keeps its hash.
    #[serde(default, skip_serializing_if = "Media::is_empty")]
    pub media: Media,
    /// Where it was defined.
    pub source: Source,
}

/// A default is an expression (evaluated when the field's instance is created) when it
/// refers to a field or calls a function, as pyxform decides; otherwise it is a value.
pub(crate) fn is_dynamic_default(d: &str) -> bool {
    let t = d.trim();
    if t.contains("${") {
        return true;
    }
    let head: String = t
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | ':' | '_'))
        .collect();
    !head.is_empty() && t[head.len()..].trim_start().starts_with('(')
}
