//! Answers as the UIs give and receive them (typed, FFI-ready), and their three other
//! forms: the text stored in a slot (what expressions read, as in ODK), and the typed
//! JSON of a submission. One place converts between all of them, per question type.

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use serde_json::{Value as Json, json};

use crate::expr::{dates, number_to_string, string_to_number};
use crate::ffi_time::UtcDateTime;
use crate::form::{FieldKind, MetaKind};

use super::geo_line::{self, LineKind};
use super::screen::QuestionKind;

/// An answer a UI sets, and the current value it is shown.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Answer {
    /// Free text.
    Text {
        /// The text.
        value: String,
    },
    /// A whole number.
    Integer {
        /// The number.
        value: i64,
    },
    /// A decimal number.
    Decimal {
        /// The number (finite).
        value: f64,
    },
    /// One choice of a select_one.
    Choice {
        /// The choice's name.
        name: String,
    },
    /// The choices of a select_multiple, in the order chosen.
    Choices {
        /// The choices' names.
        names: Vec<String>,
    },
    /// A calendar date.
    Date {
        /// The date.
        value: CalendarDate,
    },
    /// A time of day.
    Time {
        /// The time.
        value: TimeOfDay,
    },
    /// An instant.
    DateTime {
        /// The instant (UTC).
        value: UtcDateTime,
    },
    /// A GPS position.
    Geopoint {
        /// The position.
        value: GeoPoint,
    },
    /// The points of a line walked (`geotrace`) or of an area's outline (`geoshape`),
    /// in the order she took them; a shape's closing point (its first, repeated) is left
    /// out: the core adds it. No points clears the answer.
    GeoLine {
        /// The points, first taken first.
        points: Vec<GeoPoint>,
    },
    /// A photo already stored by the core, referenced by the SHA-256 of its bytes.
    Photo {
        /// Lowercase hex SHA-256.
        sha256: String,
    },
    /// A sound or video recording already stored by the core, referenced by the
    /// SHA-256 of its bytes.
    Recording {
        /// Lowercase hex SHA-256.
        sha256: String,
    },
    /// The user confirmed an acknowledge question.
    Acknowledged,
}

/// A date without a time or zone (a birth date, a visit day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CalendarDate {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month 1-12.
    pub month: u8,
    /// Day 1-31.
    pub day: u8,
}

/// A time of day, in the user's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TimeOfDay {
    /// Hour 0-23.
    pub hour: u8,
    /// Minute 0-59.
    pub minute: u8,
    /// Second 0-59.
    pub second: u8,
}

/// A date and time picker's fields on the survey's clock (Vietnam's). The apps show a
/// picker starting on the fields the core gives and hand back what she picked, as shown;
/// the core keeps the fields its question takes (the day of a date, the hour and minute
/// of a time, all of them for a date and time, composed into an instant in UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PickerFields {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month 1-12.
    pub month: u8,
    /// Day 1-31.
    pub day: u8,
    /// Hour 0-23.
    pub hour: u8,
    /// Minute 0-59.
    pub minute: u8,
}

/// A GPS position as the phone reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GeoPoint {
    /// Degrees, -90 to 90.
    pub latitude: f64,
    /// Degrees, -180 to 180.
    pub longitude: f64,
    /// Metres above sea level, if known.
    pub altitude: Option<f64>,
    /// Accuracy radius in metres, if known.
    pub accuracy: Option<f64>,
}

/// Why an answer does not fit its question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Misfit {
    /// The question takes another kind of answer.
    WrongType {
        expected: &'static str,
        given: &'static str,
    },
    /// The right kind, but not a usable value.
    Invalid(String),
    /// The question takes no answer (a note, a calculation...).
    NotAnswerable,
}

impl CalendarDate {
    fn to_naive(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.month), u32::from(self.day))
    }

    fn from_naive(d: NaiveDate) -> CalendarDate {
        CalendarDate {
            year: d.year(),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }
}

impl PickerFields {
    /// The fields instant `at` shows on `clock`.
    pub(crate) fn at(at: UtcDateTime, clock: FixedOffset) -> PickerFields {
        let local = at.with_timezone(&clock);
        PickerFields {
            year: local.year(),
            month: local.month() as u8,
            day: local.day() as u8,
            hour: local.hour() as u8,
            minute: local.minute() as u8,
        }
    }

    /// What a picker starts on: `answer` when there is one (a date keeps `now`'s time of
    /// day, a time `now`'s day), else `now`, on `clock`.
    pub(crate) fn start(
        answer: Option<&Answer>,
        now: UtcDateTime,
        clock: FixedOffset,
    ) -> PickerFields {
        let now = PickerFields::at(now, clock);
        match answer {
            Some(Answer::Date { value }) => PickerFields {
                year: value.year,
                month: value.month,
                day: value.day,
                ..now
            },
            Some(Answer::Time { value }) => PickerFields {
                hour: value.hour,
                minute: value.minute,
                ..now
            },
            Some(Answer::DateTime { value }) => PickerFields::at(*value, clock),
            _ => now,
        }
    }

    fn date(self) -> Result<NaiveDate, Unpicked> {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.month), u32::from(self.day)).ok_or_else(
            || {
                Unpicked::Impossible(format!(
                    "{}-{:02}-{:02} is not a date",
                    self.year, self.month, self.day
                ))
            },
        )
    }

    fn time(self) -> Result<NaiveTime, Unpicked> {
        NaiveTime::from_hms_opt(u32::from(self.hour), u32::from(self.minute), 0).ok_or_else(|| {
            Unpicked::Impossible(format!(
                "{:02}:{:02} is not a time of day",
                self.hour, self.minute
            ))
        })
    }

    /// The instant the fields name on `clock`; a day the calendar does not have (30
    /// February) or an impossible time is refused.
    pub(crate) fn instant(self, clock: FixedOffset) -> Result<UtcDateTime, Unpicked> {
        let naive = self.date()?.and_time(self.time()?);
        clock
            .from_local_datetime(&naive)
            .single()
            .map(|at| at.with_timezone(&Utc))
            .ok_or_else(|| Unpicked::Impossible(format!("{naive} is not on the clock")))
    }
}

impl Answer {
    /// The answer a date, time or date-and-time question gets from what she picked, read
    /// on `clock`: a day the calendar does not have (30 February) or an impossible time
    /// is refused.
    pub(crate) fn picked(
        kind: QuestionKind,
        fields: PickerFields,
        clock: FixedOffset,
    ) -> Result<Answer, Unpicked> {
        match kind {
            QuestionKind::Date => Ok(Answer::Date {
                value: CalendarDate::from_naive(fields.date()?),
            }),
            QuestionKind::Time => {
                fields.time()?;
                Ok(Answer::Time {
                    value: TimeOfDay {
                        hour: fields.hour,
                        minute: fields.minute,
                        second: 0,
                    },
                })
            }
            QuestionKind::DateTime => Ok(Answer::DateTime {
                value: fields.instant(clock)?,
            }),
            _ => Err(Unpicked::NotPicked),
        }
    }

    /// The answer a text or number question gets from the text as she typed it: `None`
    /// for an empty box (the answer is cleared). A whole number is digits with an
    /// optional sign; a decimal number may use a decimal comma ("1,5", as Vietnamese
    /// writes it) or point, and must be finite. Leading and trailing spaces are ignored
    /// in numbers, kept in text.
    pub(crate) fn typed(kind: QuestionKind, text: &str) -> Result<Option<Answer>, Untyped> {
        let number = text.trim();
        match kind {
            QuestionKind::Text if text.is_empty() => Ok(None),
            QuestionKind::Text => Ok(Some(Answer::Text {
                value: text.to_owned(),
            })),
            QuestionKind::Barcode => Ok(Some(barcode_text(text))
                .filter(|code| !code.is_empty())
                .map(|value| Answer::Text { value })),
            QuestionKind::Integer | QuestionKind::Decimal if number.is_empty() => Ok(None),
            QuestionKind::Integer => number
                .parse::<i64>()
                .map(|value| Some(Answer::Integer { value }))
                .map_err(|_| Untyped::NotANumber("a whole number")),
            QuestionKind::Decimal => {
                let plain = number.replace(',', ".");
                // Rust would also read "inf", "NaN" and "1e5": only digits, one point
                // and a sign are a number she can type.
                let digits = plain
                    .strip_prefix(['-', '+'])
                    .unwrap_or(&plain)
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.');
                match plain.parse::<f64>() {
                    Ok(value) if digits && value.is_finite() => Ok(Some(Answer::Decimal { value })),
                    _ => Err(Untyped::NotANumber("a number")),
                }
            }
            _ => Err(Untyped::NotTyped),
        }
    }

    /// What kind of answer this is, for error messages.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Answer::Text { .. } => "text",
            Answer::Integer { .. } => "an integer",
            Answer::Decimal { .. } => "a decimal number",
            Answer::Choice { .. } => "one choice",
            Answer::Choices { .. } => "several choices",
            Answer::Date { .. } => "a date",
            Answer::Time { .. } => "a time",
            Answer::DateTime { .. } => "a date and time",
            Answer::Geopoint { .. } => "a GPS position",
            Answer::GeoLine { .. } => "GPS points",
            Answer::Photo { .. } => "a photo",
            Answer::Recording { .. } => "a recording",
            Answer::Acknowledged => "an acknowledgement",
        }
    }
}

/// Why typed text is not an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Untyped {
    /// A number question, and the text is not that number (what it takes).
    NotANumber(&'static str),
    /// The question is not answered by typing (choices, dates, photos...).
    NotTyped,
}

/// Why picked fields are not an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unpicked {
    /// The day or time the fields name does not exist (why).
    Impossible(String),
    /// The question is not answered on a date or time picker.
    NotPicked,
}

/// What a question of `kind` takes, for error messages.
fn expected(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Barcode => "the text of a barcode",
        FieldKind::Integer => "an integer",
        FieldKind::Decimal => "a decimal number",
        FieldKind::SelectOne { .. } => "one choice",
        FieldKind::SelectMultiple { .. } => "several choices",
        FieldKind::Rank { .. } => "every choice in order",
        FieldKind::Date => "a date",
        FieldKind::Time => "a time",
        FieldKind::DateTime => "a date and time",
        FieldKind::Geopoint => "a GPS position",
        FieldKind::Geotrace => "the GPS points of a line",
        FieldKind::Geoshape => "the GPS points of a shape",
        FieldKind::Image => "a photo",
        FieldKind::Audio => "a sound recording",
        FieldKind::Video => "a video recording",
        FieldKind::Acknowledge => "an acknowledgement",
        FieldKind::Note | FieldKind::Calculate | FieldKind::Hidden | FieldKind::Meta(_) => {
            "no answer"
        }
    }
}

/// The stored text of an answer to a question of `kind`. Choice names are checked
/// against the offered choices by the caller.
pub(crate) fn to_stored(kind: &FieldKind, answer: Answer) -> Result<String, Misfit> {
    let wrong = |a: &Answer| Misfit::WrongType {
        expected: expected(kind),
        given: a.describe(),
    };
    match (kind, answer) {
        (FieldKind::Text, Answer::Text { value }) => Ok(crate::text::into_nfc(value)),
        (FieldKind::Barcode, Answer::Text { value }) => match barcode_text(&value) {
            code if code.is_empty() => Err(Misfit::Invalid("the barcode holds no text".into())),
            code => Ok(code),
        },
        (FieldKind::Integer, Answer::Integer { value }) => Ok(value.to_string()),
        (FieldKind::Decimal, Answer::Decimal { value }) if value.is_finite() => {
            Ok(number_to_string(value))
        }
        (FieldKind::Decimal, Answer::Decimal { value }) => {
            Err(Misfit::Invalid(format!("{value} is not a number")))
        }
        (FieldKind::Decimal, Answer::Integer { value }) => Ok(value.to_string()),
        (FieldKind::SelectOne { .. }, Answer::Choice { name }) => Ok(trimmed(name)),
        (FieldKind::SelectMultiple { .. } | FieldKind::Rank { .. }, Answer::Choices { names }) => {
            let mut out: Vec<&str> = Vec::new();
            for n in &names {
                let n = n.trim();
                if n.is_empty() || n.contains(char::is_whitespace) {
                    return Err(Misfit::Invalid(format!("'{n}' is not a choice name")));
                }
                if !out.contains(&n) {
                    out.push(n);
                } else if matches!(kind, FieldKind::Rank { .. }) {
                    return Err(Misfit::Invalid(format!("'{n}' is ranked twice")));
                }
            }
            Ok(out.join(" "))
        }
        (FieldKind::Date, Answer::Date { value }) => {
            value.to_naive().map(dates::format_iso_date).ok_or_else(|| {
                Misfit::Invalid(format!(
                    "{}-{}-{} is not a date",
                    value.year, value.month, value.day
                ))
            })
        }
        (FieldKind::Time, Answer::Time { value: t }) => {
            if t.hour < 24 && t.minute < 60 && t.second < 60 {
                Ok(format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second))
            } else {
                Err(Misfit::Invalid(format!(
                    "{}:{}:{} is not a time of day",
                    t.hour, t.minute, t.second
                )))
            }
        }
        (FieldKind::DateTime, Answer::DateTime { value }) => Ok(dates::format_iso_datetime(value)),
        (FieldKind::Geopoint, Answer::Geopoint { value: g }) => geopoint_to_stored(&g),
        (FieldKind::Geotrace | FieldKind::Geoshape, Answer::GeoLine { points }) => {
            match LineKind::of(kind) {
                Some(line) => {
                    geo_line::to_text(line, &points).map_err(|e| Misfit::Invalid(e.to_string()))
                }
                None => Err(wrong(&Answer::GeoLine { points })),
            }
        }
        (FieldKind::Image, Answer::Photo { sha256 })
        | (FieldKind::Audio | FieldKind::Video, Answer::Recording { sha256 }) => {
            let s = sha256.trim().to_ascii_lowercase();
            if is_sha256(&s) {
                Ok(s)
            } else {
                Err(Misfit::Invalid(
                    "a file is referenced by the 64 hex digits of its SHA-256".into(),
                ))
            }
        }
        (FieldKind::Acknowledge, Answer::Acknowledged) => Ok("OK".into()),
        (FieldKind::Note | FieldKind::Calculate | FieldKind::Hidden | FieldKind::Meta(_), _) => {
            Err(Misfit::NotAnswerable)
        }
        (_, other) => Err(wrong(&other)),
    }
}

/// True for the 64 hex digits of a SHA-256, the name of a file answer.
fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// The text of a barcode as kept: NFC, without the control characters scanners add
/// (line ends, GS1's group separators) and without surrounding white space, as ODK
/// Collect keeps it, whether scanned or typed.
fn barcode_text(s: &str) -> String {
    let kept: String = s.chars().filter(|c| !c.is_control()).collect();
    crate::text::into_nfc(kept.trim().to_owned())
}

/// `s` without surrounding white space, kept as it is (no copy) when it has none.
fn trimmed(s: String) -> String {
    match crate::text::trim(&s) {
        t if t.len() == s.len() => s,
        t => t.to_owned(),
    }
}

/// The stored text of a position (`lat lon alt acc`, unknowns as 0, as ODK writes
/// them); a position off Earth or a negative accuracy is refused.
pub(crate) fn geopoint_to_stored(g: &GeoPoint) -> Result<String, Misfit> {
    let ok = g.latitude.is_finite()
        && g.longitude.is_finite()
        && (-90.0..=90.0).contains(&g.latitude)
        && (-180.0..=180.0).contains(&g.longitude)
        && g.altitude.is_none_or(f64::is_finite)
        && g.accuracy.is_none_or(|a| a.is_finite() && a >= 0.0);
    if !ok {
        return Err(Misfit::Invalid(format!(
            "{}, {} is not a position on Earth",
            g.latitude, g.longitude
        )));
    }
    let n = |x: Option<f64>| number_to_string(x.unwrap_or(0.0));
    Ok(format!(
        "{} {} {} {}",
        number_to_string(g.latitude),
        number_to_string(g.longitude),
        n(g.altitude),
        n(g.accuracy)
    ))
}

fn stored_to_geopoint(s: &str) -> Option<GeoPoint> {
    let parts: Vec<f64> = s.split_whitespace().map(string_to_number).collect();
    if !(2..=4).contains(&parts.len()) || parts.iter().any(|p| p.is_nan()) {
        return None;
    }
    Some(GeoPoint {
        latitude: parts[0],
        longitude: parts[1],
        altitude: parts.get(2).copied(),
        accuracy: parts.get(3).copied(),
    })
}

fn stored_to_time(s: &str) -> Option<NaiveTime> {
    let head = s.get(..8).unwrap_or(s);
    NaiveTime::parse_from_str(head, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(head, "%H:%M"))
        .ok()
}

/// The typed answer behind a stored text (None when empty or not parsable as the kind).
pub(crate) fn from_stored(kind: &FieldKind, s: &str) -> Option<Answer> {
    if s.is_empty() {
        return None;
    }
    Some(match kind {
        FieldKind::Text
        | FieldKind::Barcode
        | FieldKind::Calculate
        | FieldKind::Hidden
        | FieldKind::Note
        | FieldKind::Meta(_) => Answer::Text {
            value: s.to_string(),
        },
        FieldKind::Integer => Answer::Integer {
            value: s.trim().parse().ok()?,
        },
        FieldKind::Decimal => {
            let value = string_to_number(s);
            if !value.is_finite() {
                return None;
            }
            Answer::Decimal { value }
        }
        FieldKind::SelectOne { .. } => Answer::Choice {
            name: crate::text::trim(s).to_string(),
        },
        FieldKind::SelectMultiple { .. } | FieldKind::Rank { .. } => Answer::Choices {
            names: s.split_whitespace().map(str::to_string).collect(),
        },
        FieldKind::Date => Answer::Date {
            value: CalendarDate::from_naive(dates::parse_date(s.trim())?),
        },
        FieldKind::Time => {
            let t = stored_to_time(s)?;
            Answer::Time {
                value: TimeOfDay {
                    hour: t.hour() as u8,
                    minute: t.minute() as u8,
                    second: t.second() as u8,
                },
            }
        }
        FieldKind::DateTime => Answer::DateTime {
            value: dates::parse_datetime(s.trim())?,
        },
        FieldKind::Geopoint => Answer::Geopoint {
            value: stored_to_geopoint(s)?,
        },
        FieldKind::Geotrace | FieldKind::Geoshape => Answer::GeoLine {
            points: geo_line::points(LineKind::of(kind)?, s).ok()?,
        },
        FieldKind::Image => Answer::Photo {
            sha256: s.to_string(),
        },
        FieldKind::Audio | FieldKind::Video => Answer::Recording {
            sha256: s.to_string(),
        },
        FieldKind::Acknowledge => Answer::Acknowledged,
    })
}

/// The submission JSON of a stored value (None: left out, as empty answers are).
pub(crate) fn to_json(kind: &FieldKind, s: &str) -> Option<Json> {
    if s.is_empty() {
        return None;
    }
    Some(match kind {
        FieldKind::Note => return None,
        FieldKind::Integer => match s.trim().parse::<i64>() {
            Ok(i) => json!(i),
            Err(_) => {
                // A calculated integer may come out fractional or NaN.
                let n = string_to_number(s);
                if !n.is_finite() {
                    return None;
                }
                json!(n)
            }
        },
        FieldKind::Decimal => {
            let n = string_to_number(s);
            if !n.is_finite() {
                return None;
            }
            json!(n)
        }
        FieldKind::SelectMultiple { .. } | FieldKind::Rank { .. } => {
            Json::Array(s.split_whitespace().map(|c| json!(c)).collect())
        }
        FieldKind::Geopoint | FieldKind::Meta(MetaKind::StartGeopoint) => {
            let g = stored_to_geopoint(s)?;
            json!({"latitude": g.latitude, "longitude": g.longitude, "altitude": g.altitude, "accuracy": g.accuracy})
        }
        FieldKind::Acknowledge => json!(true),
        FieldKind::DateTime => {
            json!(
                dates::parse_datetime(s.trim())
                    .map_or_else(|| s.to_string(), dates::format_iso_datetime)
            )
        }
        _ => json!(s),
    })
}

/// The stored text of a submission's JSON value for a question of `kind`, checking its
/// type (the server re-validates uploads with this).
pub(crate) fn from_json(kind: &FieldKind, v: &Json) -> Result<String, String> {
    let want = |what: &str| Err(format!("expected {what}, found {v}"));
    match (kind, v) {
        (_, Json::Null) => Ok(String::new()),
        (FieldKind::Integer, Json::Number(n)) => match n.as_i64() {
            Some(i) => Ok(i.to_string()),
            None => want("an integer"),
        },
        (FieldKind::Integer, _) => want("an integer"),
        (FieldKind::Decimal, Json::Number(n)) => n
            .as_f64()
            .map(number_to_string)
            .ok_or_else(|| format!("{n} is not a number")),
        (FieldKind::Decimal, _) => want("a number"),
        (FieldKind::SelectMultiple { .. } | FieldKind::Rank { .. }, Json::Array(items)) => {
            let mut names = Vec::new();
            for item in items {
                match item.as_str() {
                    Some(s) if !s.is_empty() && !s.contains(char::is_whitespace) => names.push(s),
                    _ => return want("choice names"),
                }
            }
            Ok(names.join(" "))
        }
        (FieldKind::SelectMultiple { .. } | FieldKind::Rank { .. }, _) => {
            want("an array of choice names")
        }
        (FieldKind::Geopoint | FieldKind::Meta(MetaKind::StartGeopoint), Json::Object(o)) => {
            let num = |k: &str| o.get(k).and_then(Json::as_f64);
            let (Some(latitude), Some(longitude)) = (num("latitude"), num("longitude")) else {
                return want("a position with latitude and longitude");
            };
            let g = GeoPoint {
                latitude,
                longitude,
                altitude: num("altitude"),
                accuracy: num("accuracy"),
            };
            geopoint_to_stored(&g)
                .map_err(|_| format!("{latitude}, {longitude} is not a position on Earth"))
        }
        (FieldKind::Geopoint | FieldKind::Meta(MetaKind::StartGeopoint), _) => want("a position"),
        (FieldKind::Geotrace | FieldKind::Geoshape, Json::String(s)) => match LineKind::of(kind) {
            Some(line) => geo_line::validated(line, s).map_err(|e| e.to_string()),
            None => want("text"),
        },
        (FieldKind::Geotrace | FieldKind::Geoshape, _) => {
            want("the points as text, 'lat lon alt acc;lat lon alt acc;...'")
        }
        (FieldKind::Acknowledge, Json::Bool(b)) => Ok(if *b { "OK".into() } else { String::new() }),
        (FieldKind::Acknowledge, _) => want("true"),
        (FieldKind::Date | FieldKind::Meta(MetaKind::Today), Json::String(s))
            if dates::parse_date(s).is_some() =>
        {
            Ok(s.clone())
        }
        (FieldKind::Date | FieldKind::Meta(MetaKind::Today), _) => want("a date YYYY-MM-DD"),
        (FieldKind::Time, Json::String(s)) if stored_to_time(s).is_some() => Ok(s.clone()),
        (FieldKind::Time, _) => want("a time HH:MM:SS"),
        (
            FieldKind::DateTime | FieldKind::Meta(MetaKind::Start | MetaKind::End),
            Json::String(s),
        ) => dates::parse_datetime(s)
            .map(dates::format_iso_datetime)
            .ok_or_else(|| format!("expected a date and time, found {v}")),
        (FieldKind::DateTime | FieldKind::Meta(MetaKind::Start | MetaKind::End), _) => {
            want("a date and time")
        }
        (FieldKind::Image | FieldKind::Audio | FieldKind::Video, Json::String(s))
            if is_sha256(s) =>
        {
            Ok(s.clone())
        }
        (FieldKind::Image, _) => want("the SHA-256 of a photo"),
        (FieldKind::Audio | FieldKind::Video, _) => want("the SHA-256 of a recording"),
        (FieldKind::Barcode, Json::String(s)) => Ok(barcode_text(s)),
        (_, Json::String(s)) => Ok(crate::text::nfc(s)),
        (_, _) => want("text"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one() -> FieldKind {
        FieldKind::SelectOne {
            list: "l".into(),
            or_other: false,
        }
    }

    fn many() -> FieldKind {
        FieldKind::SelectMultiple {
            list: "l".into(),
            or_other: false,
        }
    }

    fn corner(latitude: f64, longitude: f64) -> GeoPoint {
        GeoPoint {
            latitude,
            longitude,
            altitude: Some(1500.0),
            accuracy: Some(4.5),
        }
    }

    /// Every question type: typed answer -> stored text -> typed answer and JSON -> stored text.
    #[test]
    fn every_type_round_trips() {
        let t = dates::parse_datetime("2026-11-05T10:04:05+07:00").unwrap();
        let hash = "ab".repeat(32);
        let cases: Vec<(FieldKind, Answer, &str, Json)> = vec![
            (
                FieldKind::Text,
                Answer::Text {
                    value: "Thào".into(),
                },
                "Thào",
                json!("Thào"),
            ),
            (
                FieldKind::Integer,
                Answer::Integer { value: -42 },
                "-42",
                json!(-42),
            ),
            (
                FieldKind::Decimal,
                Answer::Decimal { value: 2.5 },
                "2.5",
                json!(2.5),
            ),
            (
                one(),
                Answer::Choice {
                    name: "hmong".into(),
                },
                "hmong",
                json!("hmong"),
            ),
            (
                many(),
                Answer::Choices {
                    names: vec!["b".into(), "a".into()],
                },
                "b a",
                json!(["b", "a"]),
            ),
            (
                FieldKind::Date,
                Answer::Date {
                    value: CalendarDate {
                        year: 2000,
                        month: 2,
                        day: 29,
                    },
                },
                "2000-02-29",
                json!("2000-02-29"),
            ),
            (
                FieldKind::Time,
                Answer::Time {
                    value: TimeOfDay {
                        hour: 7,
                        minute: 5,
                        second: 0,
                    },
                },
                "07:05:00",
                json!("07:05:00"),
            ),
            (
                FieldKind::DateTime,
                Answer::DateTime { value: t },
                "2026-11-05T03:04:05.000Z",
                json!("2026-11-05T03:04:05.000Z"),
            ),
            (
                FieldKind::Geopoint,
                Answer::Geopoint {
                    value: GeoPoint {
                        latitude: 22.3,
                        longitude: 103.8,
                        altitude: Some(1500.0),
                        accuracy: Some(4.5),
                    },
                },
                "22.3 103.8 1500 4.5",
                json!({"latitude": 22.3, "longitude": 103.8, "altitude": 1500.0, "accuracy": 4.5}),
            ),
            (
                FieldKind::Geotrace,
                Answer::GeoLine {
                    points: vec![corner(22.3, 103.8), corner(22.31, 103.8)],
                },
                "22.3 103.8 1500 4.5;22.31 103.8 1500 4.5",
                json!("22.3 103.8 1500 4.5;22.31 103.8 1500 4.5"),
            ),
            (
                FieldKind::Geoshape,
                Answer::GeoLine {
                    points: vec![corner(0.0, 0.0), corner(0.0, 1.0), corner(1.0, 1.0)],
                },
                "0 0 1500 4.5;0 1 1500 4.5;1 1 1500 4.5;0 0 1500 4.5",
                json!("0 0 1500 4.5;0 1 1500 4.5;1 1 1500 4.5;0 0 1500 4.5"),
            ),
            (
                FieldKind::Image,
                Answer::Photo {
                    sha256: "AB".repeat(32),
                },
                &hash,
                json!(hash),
            ),
            (
                FieldKind::Audio,
                Answer::Recording {
                    sha256: hash.clone(),
                },
                &hash,
                json!(hash),
            ),
            (
                FieldKind::Video,
                Answer::Recording {
                    sha256: hash.clone(),
                },
                &hash,
                json!(hash),
            ),
            (
                FieldKind::Barcode,
                Answer::Text {
                    value: "\u{1d}0109501101020917\n".into(),
                },
                "0109501101020917",
                json!("0109501101020917"),
            ),
            (
                FieldKind::Acknowledge,
                Answer::Acknowledged,
                "OK",
                json!(true),
            ),
        ];
        for (kind, answer, stored, js) in cases {
            let s = to_stored(&kind, answer.clone()).unwrap();
            assert_eq!(s, stored, "{kind:?}");
            let back = from_stored(&kind, &s).unwrap();
            match (&answer, &back) {
                (Answer::Photo { .. }, Answer::Photo { sha256 }) => assert_eq!(sha256, stored),
                // A barcode is kept without its control characters.
                (_, Answer::Text { value }) if kind == FieldKind::Barcode => {
                    assert_eq!(value, stored)
                }
                _ => assert_eq!(back, answer, "{kind:?}"),
            }
            assert_eq!(to_json(&kind, &s), Some(js.clone()), "{kind:?}");
            assert_eq!(from_json(&kind, &js).as_deref(), Ok(stored), "{kind:?}");
        }
    }

    #[test]
    fn wrong_types_and_bad_values_are_refused() {
        assert_eq!(
            to_stored(&FieldKind::Integer, Answer::Text { value: "12".into() }),
            Err(Misfit::WrongType {
                expected: "an integer",
                given: "text"
            })
        );
        assert!(matches!(
            to_stored(&FieldKind::Decimal, Answer::Decimal { value: f64::NAN }),
            Err(Misfit::Invalid(_))
        ));
        assert_eq!(
            to_stored(&FieldKind::Decimal, Answer::Integer { value: 3 }),
            Ok("3".into())
        );
        let bad_date = Answer::Date {
            value: CalendarDate {
                year: 2001,
                month: 2,
                day: 29,
            },
        };
        assert!(matches!(
            to_stored(&FieldKind::Date, bad_date),
            Err(Misfit::Invalid(_))
        ));
        let bad_time = Answer::Time {
            value: TimeOfDay {
                hour: 24,
                minute: 0,
                second: 0,
            },
        };
        assert!(matches!(
            to_stored(&FieldKind::Time, bad_time),
            Err(Misfit::Invalid(_))
        ));
        let off_earth = GeoPoint {
            latitude: 91.0,
            longitude: 0.0,
            altitude: None,
            accuracy: None,
        };
        assert!(matches!(
            to_stored(&FieldKind::Geopoint, Answer::Geopoint { value: off_earth }),
            Err(Misfit::Invalid(_))
        ));
        assert!(matches!(
            to_stored(
                &FieldKind::Image,
                Answer::Photo {
                    sha256: "abc".into()
                }
            ),
            Err(Misfit::Invalid(_))
        ));
        assert!(matches!(
            to_stored(
                &many(),
                Answer::Choices {
                    names: vec!["a b".into()]
                }
            ),
            Err(Misfit::Invalid(_))
        ));
        assert_eq!(
            to_stored(
                &many(),
                Answer::Choices {
                    names: vec!["a".into(), "a".into()]
                }
            ),
            Ok("a".into())
        );
        assert_eq!(
            to_stored(&FieldKind::Note, Answer::Acknowledged),
            Err(Misfit::NotAnswerable)
        );
        assert_eq!(
            to_stored(&FieldKind::Calculate, Answer::Text { value: "x".into() }),
            Err(Misfit::NotAnswerable)
        );
    }

    #[test]
    fn json_types_are_checked() {
        assert!(from_json(&FieldKind::Integer, &json!(1.5)).is_err());
        assert!(from_json(&FieldKind::Integer, &json!("1")).is_err());
        assert!(from_json(&FieldKind::Decimal, &json!("x")).is_err());
        assert!(from_json(&many(), &json!("a b")).is_err());
        assert!(from_json(&FieldKind::Date, &json!("2021-02-30")).is_err());
        assert!(from_json(&FieldKind::Geopoint, &json!({"latitude": 1})).is_err());
        assert!(from_json(&FieldKind::Geotrace, &json!("1 2")).is_err());
        assert!(from_json(&FieldKind::Geotrace, &json!({"latitude": 1})).is_err());
        assert!(from_json(&FieldKind::Geoshape, &json!("0 0;0 1;1 1")).is_err());
        assert!(from_json(&FieldKind::Text, &json!(3)).is_err());
        assert_eq!(from_json(&FieldKind::Text, &Json::Null), Ok(String::new()));
        assert_eq!(from_json(&FieldKind::Integer, &json!(7)), Ok("7".into()));
    }

    #[test]
    fn computed_values_in_json() {
        assert_eq!(to_json(&FieldKind::Integer, "NaN"), None);
        assert_eq!(to_json(&FieldKind::Integer, "2.5"), Some(json!(2.5)));
        assert_eq!(to_json(&FieldKind::Calculate, "3"), Some(json!("3")));
        assert_eq!(to_json(&FieldKind::Note, "text"), None);
        assert_eq!(to_json(&FieldKind::Text, ""), None);
    }
}
