//! `start-geopoint` metadata (ODK's): where the phone was when the form was opened,
//! recorded once at the start without a question on screen. The session says whether
//! it wants one; the app asks the phone for a fix when it opens the form and hands it
//! in. When none comes the field stays empty and nothing is blocked.

use crate::engine::answer::{GeoPoint, Misfit, to_stored};
use crate::engine::error::SessionError;
use crate::engine::instance::World;
use crate::form::{FieldKind, MetaKind};

use super::FormSession;

const KIND: FieldKind = FieldKind::Meta(MetaKind::StartGeopoint);

impl FormSession {
    /// Whether the app should ask the phone for a location now and pass it to
    /// [`FormSession::set_start_location`]: the form has a `start-geopoint` field, no
    /// location has been recorded yet, and nothing has been answered since the form was
    /// opened (a draft she has worked on is reopened later, somewhere else).
    pub fn wants_start_location(&self) -> bool {
        self.start_pending
            && self
                .start_location_fields()
                .any(|n| self.inst.value(&self.form, n, super::ROOT).is_empty())
    }

    /// Records where the phone was when the form was opened in its `start-geopoint`
    /// fields, once: a field that already holds a location keeps it. A position that is
    /// not on Earth is refused with [`SessionError::InvalidValue`] and records nothing.
    pub fn set_start_location(&mut self, at: GeoPoint) -> Result<(), SessionError> {
        let stored = to_stored(
            &FieldKind::Geopoint,
            crate::engine::Answer::Geopoint { value: at },
        )
        .map_err(|m| SessionError::InvalidValue {
            question: "start-geopoint".into(),
            reason: match m {
                Misfit::Invalid(reason) => reason,
                other => format!("{other:?}"),
            },
        })?;
        let empty: Vec<_> = self
            .start_location_fields()
            .filter(|&n| self.inst.value(&self.form, n, super::ROOT).is_empty())
            .collect();
        for n in empty {
            self.inst
                .set_value(&world!(self), n, super::ROOT, stored.clone());
        }
        Ok(())
    }

    /// The form's `start-geopoint` fields (metadata sits outside repeats).
    fn start_location_fields(&self) -> impl Iterator<Item = super::NodeId> + '_ {
        self.form
            .root_layout
            .iter()
            .copied()
            .filter(|&n| self.form.node(n).field().is_some_and(|f| f.kind == KIND))
    }
}
