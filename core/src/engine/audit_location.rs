//! Locations in the form audit log (ODK Collect's audit `location-priority`,
//! `location-min-interval` and `location-max-age`): the session tells the app how to ask
//! the phone for locations, the app hands in each fix it gets, and every event the log
//! records carries the most accurate fix no older than the maximum age when it started
//! (none when there is no such fix), as Collect does.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::form::Field;

/// Most fixes a session keeps: enough for the events of a page shown for a long while,
/// bounded whatever the app sends.
pub const MAX_KEPT_FIXES: usize = 64;

/// How hard the phone should try for a location (`location-priority`), as Android's
/// location request priorities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "kebab-case")]
pub enum LocationPriority {
    /// Only locations another app asked for: no power spent.
    NoPower,
    /// City-level accuracy (~10 km).
    LowPower,
    /// Block-level accuracy (~100 m).
    Balanced,
    /// The most accurate the phone gives, whatever the power.
    HighAccuracy,
}

/// What the app must do for an audited form that asks for locations: request updates
/// at `priority` every `min_interval_seconds`, and hand each fix to the session.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuditLocationRequest {
    /// How hard to try.
    pub priority: LocationPriority,
    /// The interval between updates, in seconds.
    pub min_interval_seconds: f64,
    /// How long a fix stays good for the log, in seconds.
    pub max_age_seconds: f64,
}

impl AuditLocationRequest {
    /// The request an `audit` field's parameters make: `None` unless all three are given
    /// and valid (the reader reports what is wrong; a form read from JSON is read the
    /// same way, without them).
    pub(crate) fn from_audit(field: &Field) -> Option<AuditLocationRequest> {
        let get = |k: &str| field.parameters.get(k).map(|v| v.trim());
        let priority = match get("location-priority")? {
            "no-power" => LocationPriority::NoPower,
            "low-power" => LocationPriority::LowPower,
            "balanced" => LocationPriority::Balanced,
            "high-accuracy" => LocationPriority::HighAccuracy,
            _ => return None,
        };
        let seconds = |k: &str| {
            get(k)?
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
        };
        let (min_interval_seconds, max_age_seconds) = (
            seconds("location-min-interval")?,
            seconds("location-max-age")?,
        );
        (max_age_seconds >= min_interval_seconds).then_some(AuditLocationRequest {
            priority,
            min_interval_seconds,
            max_age_seconds,
        })
    }
}

/// Where the phone was, as an event of the log carries it (Collect's `latitude`,
/// `longitude` and `accuracy` columns).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EventLocation {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// Radius in metres.
    pub accuracy: f64,
}

/// A fix the app handed in, with when the phone took it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fix {
    pub place: EventLocation,
    pub at: DateTime<Utc>,
}

/// The fixes a session keeps for its events, newest last.
#[derive(Debug, Clone)]
pub(crate) struct Fixes {
    pub request: AuditLocationRequest,
    kept: Vec<Fix>,
}

impl Fixes {
    pub fn new(request: AuditLocationRequest) -> Fixes {
        Fixes {
            request,
            kept: Vec::new(),
        }
    }

    /// Keeps a fix (the oldest goes past [`MAX_KEPT_FIXES`]).
    pub fn add(&mut self, fix: Fix) {
        if self.kept.len() >= MAX_KEPT_FIXES {
            self.kept.remove(0);
        }
        self.kept.push(fix);
    }

    /// The most accurate fix taken at or before `at` and no older than the maximum age.
    pub fn at(&self, at: DateTime<Utc>) -> Option<EventLocation> {
        let max_age_ms = (self.request.max_age_seconds * 1000.0) as i64;
        self.kept
            .iter()
            .filter(|f| f.at <= at && (at - f.at).num_milliseconds() <= max_age_ms)
            .min_by(|a, b| a.place.accuracy.total_cmp(&b.place.accuracy))
            .map(|f| f.place)
    }
}
