//! How Rust values are kept in SQLite columns: ids as 16-byte blobs, times as UTC
//! milliseconds, the shared domain enums as their serde keys (`"female"`, `"hmong"`).

use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// A UUID stored as its 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Id(pub Uuid);

impl ToSql for Id {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Blob(self.0.as_bytes())))
    }
}

impl FromSql for Id {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        <[u8; 16]>::column_result(value).map(|b| Id(Uuid::from_bytes(b)))
    }
}

/// A UTC time stored as milliseconds since the epoch (sorts, compares and indexes cheaply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Millis(pub DateTime<Utc>);

impl ToSql for Millis {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.timestamp_millis()))
    }
}

impl FromSql for Millis {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let ms = i64::column_result(value)?;
        DateTime::from_timestamp_millis(ms)
            .map(Millis)
            .ok_or(FromSqlError::OutOfRange(ms))
    }
}

/// A unit enum stored as its serde name, so the database reads like the wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key<T>(pub T);

impl<T: Serialize> ToSql for Key<T> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match serde_json::to_value(&self.0) {
            Ok(serde_json::Value::String(s)) => Ok(ToSqlOutput::from(s)),
            Ok(other) => Err(rusqlite::Error::ToSqlConversionFailure(
                format!("not a unit enum: {other}").into(),
            )),
            Err(e) => Err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))),
        }
    }
}

impl<T: DeserializeOwned> FromSql for Key<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = String::column_result(value)?;
        serde_json::from_value(serde_json::Value::String(s))
            .map(Key)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// The current time, cut to the millisecond the database keeps, so a value read back
/// equals the value written.
pub(crate) fn now() -> DateTime<Utc> {
    let ms = Utc::now().timestamp_millis();
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Cuts a caller's time to the stored millisecond precision.
pub(crate) fn to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{GatheringKind, Sex};
    use rusqlite::Connection;

    #[test]
    fn values_round_trip_through_sqlite() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (id BLOB, at INTEGER, sex TEXT, kind TEXT)")
            .unwrap();
        let id = Uuid::now_v7();
        let at = now();
        conn.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
            (
                Id(id),
                Millis(at),
                Key(Sex::Female),
                Key(GatheringKind::PolicyDialogue),
            ),
        )
        .unwrap();
        let (rid, rat, sex, kind, raw): (Id, Millis, Key<Sex>, Key<GatheringKind>, String) = conn
            .query_row("SELECT id, at, sex, kind, kind FROM t", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap();
        assert_eq!(
            (rid.0, rat.0, sex.0, kind.0),
            (id, at, Sex::Female, GatheringKind::PolicyDialogue)
        );
        assert_eq!(raw, "policy_dialogue");
    }

    #[test]
    fn an_unknown_key_is_a_conversion_error_not_a_panic() {
        let conn = Connection::open_in_memory().unwrap();
        let r: rusqlite::Result<Key<Sex>> = conn.query_row("SELECT 'martian'", [], |r| r.get(0));
        assert!(r.is_err());
    }
}
