//! An audited form's locations (see [`crate::engine::audit_location`]): what the app is
//! asked to do, and the fixes it hands in.

use chrono::{DateTime, Utc};

use crate::engine::audit_location::{AuditLocationRequest, EventLocation, Fix};
use crate::engine::audit_log::{AuditEventKind, millis};
use crate::engine::error::SessionError;

use super::FormSession;

impl FormSession {
    /// How the app should ask the phone for locations while this form is open (`None`:
    /// the form's audit asks for none, or it has no audit): updates at that priority
    /// and interval, each handed to [`FormSession::note_audit_location`].
    pub fn audit_location_request(&self) -> Option<AuditLocationRequest> {
        self.audit
            .as_ref()
            .and_then(|r| r.fixes.as_ref())
            .map(|f| f.request)
    }

    /// Keeps a location fix the phone took at `taken_at` for the audit log's events
    /// (nothing happens for a form whose audit asks for none). A position that is not on
    /// Earth or a negative or infinite accuracy is refused with
    /// [`SessionError::InvalidValue`].
    pub fn note_audit_location(
        &mut self,
        latitude: f64,
        longitude: f64,
        accuracy: f64,
        taken_at: DateTime<Utc>,
    ) -> Result<(), SessionError> {
        let refused = |reason: &str| SessionError::InvalidValue {
            question: "audit".into(),
            reason: reason.into(),
        };
        if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
            return Err(refused("the location is not on Earth"));
        }
        if !(accuracy.is_finite() && accuracy >= 0.0) {
            return Err(refused(
                "the accuracy must be a number of metres, 0 or more",
            ));
        }
        if let Some(fixes) = self.audit.as_mut().and_then(|r| r.fixes.as_mut()) {
            fixes.add(Fix {
                place: EventLocation {
                    latitude,
                    longitude,
                    accuracy,
                },
                at: millis(taken_at),
            });
        }
        Ok(())
    }

    /// Logs `location tracking enabled` when the form asks for locations.
    pub(super) fn log_location_tracking(&mut self, at: DateTime<Utc>) {
        if self.audit_location_request().is_some() {
            self.log(AuditEventKind::LocationTrackingEnabled, None, at);
        }
    }
}
