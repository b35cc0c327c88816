//! Record ids across the FFI. The core identifies households, submissions, gatherings,
//! attendees and members by UUID; the apps see them as strings (`Uuid` is a type alias
//! of `String` in Kotlin and Swift), and a string that is not a UUID is refused with
//! [`BranchbookError::InvalidInput`] before any method body runs.

use uuid::Uuid;

use crate::error::BranchbookError;
use crate::store::InputField;

uniffi::custom_type!(Uuid, String, {
    remote,
    lower: |id| id.to_string(),
    try_lift: |text| Uuid::parse_str(text.trim()).map_err(|_| {
        BranchbookError::invalid(InputField::Id, "not a record id (a UUID)").into()
    }),
});
