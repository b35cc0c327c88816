//! Instants across the FFI. The core keeps times as `chrono::DateTime<Utc>`; uniffi has
//! no chrono support, so [`UtcDateTime`] is declared as a custom type carried as
//! `std::time::SystemTime`, which the bindings turn into `java.time.Instant` (Kotlin) and
//! `Date` (Swift). Any record field or argument of type `UtcDateTime` crosses as an
//! instant, never as a string.

/// A UTC instant as the core stores it, usable in uniffi records and functions.
pub type UtcDateTime = chrono::DateTime<chrono::Utc>;

#[cfg(feature = "uniffi")]
uniffi::custom_type!(UtcDateTime, std::time::SystemTime, {
    remote,
    lower: |t| std::time::SystemTime::from(t),
    try_lift: |t| Ok(UtcDateTime::from(t)),
});

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::time::SystemTime;

    #[test]
    fn round_trips_through_system_time() {
        let t = chrono::Utc.with_ymd_and_hms(2026, 11, 5, 3, 4, 5).unwrap()
            + chrono::Duration::milliseconds(678);
        let st: SystemTime = t.into();
        assert_eq!(UtcDateTime::from(st), t);
        let before_epoch = chrono::Utc.with_ymd_and_hms(1960, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            UtcDateTime::from(SystemTime::from(before_epoch)),
            before_epoch
        );
    }
}
