//! The form audit log of XLSForm's `audit` question (ODK Collect's `audit.csv`): what the
//! enumerator did while filling, with times in UTC to the millisecond. A session of a
//! form with an `audit` field records it; the store keeps it with the draft and the
//! submission carries it to the server.
//!
//! Events, as Collect names them: `form start`, `form resume`, `question` (from the page
//! showing the question until it is left; one per question of a page), `group questions`
//! (a page of several questions, for its group), `add repeat` (the prompt to add an
//! entry, while it shows), `delete repeat`, `jump`, `end screen` (while it shows),
//! `constraint error` (a finalize refused), `form save`, `form exit` and `form finalize`.
//! With `track-changes=true`, a question event whose answer changed carries the old and
//! new answer (as stored text); with `identify-user=true`, every event carries the
//! session's user name. With the location parameters, `location tracking enabled` opens
//! the log and every event carries a location when the phone gave a recent one (see
//! [`super::audit_location`]).

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit_location::{EventLocation, Fixes};
use super::compile::NodeId;
use super::instance::ScopeId;
use super::nav::Pos;

/// Most events one log keeps: past it, further events are dropped (a phone left on one
/// form for weeks must not grow a submission past what the server takes).
pub const MAX_AUDIT_EVENTS: usize = 20_000;

/// Most characters of an answer an event keeps (old and new value each).
pub const MAX_AUDIT_VALUE_CHARS: usize = 1_000;

/// What happened, by ODK Collect's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditEventKind {
    /// Filling started.
    #[serde(rename = "form start")]
    FormStart,
    /// A saved draft was opened again (also to change a finalized submission).
    #[serde(rename = "form resume")]
    FormResume,
    /// A question was shown, from `start` until it was left at `end`.
    #[serde(rename = "question")]
    Question,
    /// A page of several questions (a field-list group or repeat entry) was shown.
    #[serde(rename = "group questions")]
    GroupQuestions,
    /// The prompt to add a repeat entry was shown.
    #[serde(rename = "add repeat")]
    AddRepeat,
    /// A repeat entry was removed.
    #[serde(rename = "delete repeat")]
    DeleteRepeat,
    /// She jumped to a question from the list of questions.
    #[serde(rename = "jump")]
    Jump,
    /// The end of the form was shown.
    #[serde(rename = "end screen")]
    EndScreen,
    /// Finalizing was refused: answers missing or not allowed.
    #[serde(rename = "constraint error")]
    ConstraintError,
    /// The form was saved as she left it.
    #[serde(rename = "form save")]
    FormSave,
    /// She left the form.
    #[serde(rename = "form exit")]
    FormExit,
    /// The form was finalized.
    #[serde(rename = "form finalize")]
    FormFinalize,
    /// The form asks for locations and the session started (or resumed) asking.
    #[serde(rename = "location tracking enabled")]
    LocationTrackingEnabled,
}

impl AuditEventKind {
    /// The name Collect writes in the `event` column.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEventKind::FormStart => "form start",
            AuditEventKind::FormResume => "form resume",
            AuditEventKind::Question => "question",
            AuditEventKind::GroupQuestions => "group questions",
            AuditEventKind::AddRepeat => "add repeat",
            AuditEventKind::DeleteRepeat => "delete repeat",
            AuditEventKind::Jump => "jump",
            AuditEventKind::EndScreen => "end screen",
            AuditEventKind::ConstraintError => "constraint error",
            AuditEventKind::FormSave => "form save",
            AuditEventKind::FormExit => "form exit",
            AuditEventKind::FormFinalize => "form finalize",
            AuditEventKind::LocationTrackingEnabled => "location tracking enabled",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// What happened.
    pub event: AuditEventKind,
    /// The question, group or repeat entry it is about (a session path such as
    /// `member[2]/age`), when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// When it started (UTC, milliseconds).
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub start: DateTime<Utc>,
    /// When it ended, for events that last (a question shown).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "chrono::serde::ts_milliseconds_option"
    )]
    pub end: Option<DateTime<Utc>>,
    /// With `track-changes`: the answer before, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_value: Option<String>,
    /// With `track-changes`: the answer after, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_value: Option<String>,
    /// With `identify-user`: who filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// With the location parameters: where the phone was when it started, when it had
    /// a recent enough fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<EventLocation>,
}

/// The log as ODK's `audit.csv` (header `event,node,start,end,old-value,new-value,user`,
/// with `latitude,longitude,accuracy` after `end` when the log tracked locations; times
/// as milliseconds since 1970 UTC), for officers who analyse it with ODK's tools.
pub fn audit_csv(events: &[AuditEvent]) -> String {
    let located = events
        .iter()
        .any(|e| e.location.is_some() || e.event == AuditEventKind::LocationTrackingEnabled);
    let mut out = String::from(if located {
        "event,node,start,end,latitude,longitude,accuracy,old-value,new-value,user\n"
    } else {
        "event,node,start,end,old-value,new-value,user\n"
    });
    for e in events {
        let mut cells = vec![
            e.event.as_str().to_owned(),
            e.node.clone().unwrap_or_default(),
            e.start.timestamp_millis().to_string(),
            e.end
                .map(|t| t.timestamp_millis().to_string())
                .unwrap_or_default(),
        ];
        if located {
            let at = e.location;
            for part in [
                at.map(|l| l.latitude),
                at.map(|l| l.longitude),
                at.map(|l| l.accuracy),
            ] {
                cells.push(part.map(|n| n.to_string()).unwrap_or_default());
            }
        }
        cells.extend([
            e.old_value.clone().unwrap_or_default(),
            e.new_value.clone().unwrap_or_default(),
            e.user.clone().unwrap_or_default(),
        ]);
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// A CSV cell, quoted when it holds a comma, quote or line break.
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The clock a session reads event times from: the system's, or one a test sets.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(Arc::new(Utc::now))
    }

    /// A clock that reads `f`.
    pub fn from_fn(f: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(f))
    }

    /// The time now, to the millisecond the log keeps.
    pub fn now(&self) -> DateTime<Utc> {
        millis((self.0)())
    }
}

/// `t` cut to the millisecond the log keeps.
pub(crate) fn millis(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// An event that lasts, opened when its page showed.
#[derive(Debug, Clone)]
pub(crate) struct Open {
    pub event: AuditEventKind,
    pub node: String,
    pub start: DateTime<Utc>,
    /// The answer when the page showed (questions).
    pub before: Option<String>,
    /// The question and scope whose answer it follows.
    pub at: Option<(NodeId, ScopeId)>,
}

/// What a session records: the log so far and the events of the page showing.
#[derive(Debug, Clone)]
pub(crate) struct Recorder {
    pub track_changes: bool,
    /// The user name every event carries (`identify-user`).
    pub user: Option<String>,
    pub log: Vec<AuditEvent>,
    pub open: Vec<Open>,
    /// The page whose events are open.
    pub shown: Option<Pos>,
    /// With the location parameters: the fixes the app handed in.
    pub fixes: Option<Fixes>,
}

impl Recorder {
    /// Appends an event (dropped past [`MAX_AUDIT_EVENTS`]).
    pub fn push(
        &mut self,
        event: AuditEventKind,
        node: Option<String>,
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
        change: Option<(String, String)>,
    ) {
        if self.log.len() >= MAX_AUDIT_EVENTS {
            return;
        }
        let cut = |v: String| v.chars().take(MAX_AUDIT_VALUE_CHARS).collect::<String>();
        let (old_value, new_value) = match change {
            Some((old, new)) => (Some(cut(old)), Some(cut(new))),
            None => (None, None),
        };
        self.log.push(AuditEvent {
            event,
            node,
            start,
            end,
            old_value,
            new_value,
            user: self.user.clone(),
            location: self.fixes.as_ref().and_then(|f| f.at(start)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_csv_is_odks_with_quoted_cells() {
        let at = |ms| Utc.timestamp_millis_opt(ms).unwrap();
        let events = [
            AuditEvent {
                event: AuditEventKind::FormStart,
                node: None,
                start: at(1_550_615_022_663),
                end: None,
                old_value: None,
                new_value: None,
                user: None,
                location: None,
            },
            AuditEvent {
                event: AuditEventKind::Question,
                node: Some("member[1]/name".into()),
                start: at(1_550_615_097_656),
                end: Some(at(1_550_615_102_351)),
                old_value: Some("John".into()),
                new_value: Some("Smith, \"John\"".into()),
                user: Some("mai".into()),
                location: None,
            },
        ];
        assert_eq!(
            audit_csv(&events),
            "event,node,start,end,old-value,new-value,user\n\
             form start,,1550615022663,,,,\n\
             question,member[1]/name,1550615097656,1550615102351,John,\"Smith, \"\"John\"\"\",mai\n"
        );
        let json = serde_json::to_string(&events[1]).unwrap();
        assert!(json.contains(r#""event":"question""#), "{json}");
        assert!(json.contains(r#""start":1550615097656"#), "{json}");
        assert_eq!(
            serde_json::from_str::<AuditEvent>(&json).unwrap(),
            events[1]
        );
    }

    #[test]
    fn the_log_is_bounded() {
        let mut r = Recorder {
            track_changes: true,
            user: None,
            log: Vec::new(),
            open: Vec::new(),
            shown: None,
            fixes: None,
        };
        let t = Utc::now();
        for _ in 0..MAX_AUDIT_EVENTS + 5 {
            r.push(AuditEventKind::Jump, None, t, None, None);
        }
        assert_eq!(r.log.len(), MAX_AUDIT_EVENTS);
        r.log.clear();
        r.push(
            AuditEventKind::Question,
            Some("q".into()),
            t,
            Some(t),
            Some((String::new(), "x".repeat(5_000))),
        );
        assert_eq!(
            r.log[0].new_value.as_ref().map(|v| v.chars().count()),
            Some(MAX_AUDIT_VALUE_CHARS)
        );
    }
}
