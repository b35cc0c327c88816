//! The audit trail: who (the device account) created, edited, finalized or deleted which
//! record and when. Each entry is written in the same transaction as the change it
//! describes and queued in the outbox, so the server receives the trail with the data.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use uuid::Uuid;

use super::columns::{Id, Key, Millis};
use super::outbox::{self, OutboxKind};
use super::{RecordKind, Store, StoreError};
use crate::protocol::{AuditAction, AuditBody, RecordBody};

/// The actor named when no account has been set yet (before enrollment).
const UNENROLLED: &str = "unenrolled";

/// One entry of the audit trail, as the UI shows a record's history.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Id of the entry itself (the record id it is sent under).
    pub id: Uuid,
    /// Who did what to which record, and when.
    pub body: AuditBody,
}

/// The account name recorded as the actor.
pub(crate) fn account(tx: &Transaction<'_>) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT value FROM meta WHERE key = 'account'")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// Writes one audit entry and queues it for sending.
pub(crate) fn log(
    tx: &Transaction<'_>,
    action: AuditAction,
    kind: RecordKind,
    target: Uuid,
    revision: u32,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let actor = account(tx)?.unwrap_or_else(|| UNENROLLED.to_owned());
    let id = Uuid::now_v7();
    tx.prepare_cached(
        "INSERT INTO audit (uuid, actor, action, target_kind, target_uuid, target_revision, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute((
        Id(id),
        actor,
        Key(action),
        kind.as_str(),
        Id(target),
        revision,
        Millis(at),
    ))?;
    outbox::enqueue(tx, OutboxKind::Audit, id, 1)
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get::<_, Id>(0)?.0,
        body: AuditBody {
            actor: r.get(1)?,
            action: r.get::<_, Key<AuditAction>>(2)?.0,
            target_kind: r.get(3)?,
            target_id: r.get::<_, Id>(4)?.0,
            target_revision: r.get(5)?,
            at: r.get::<_, Millis>(6)?.0,
        },
    })
}

const COLUMNS: &str = "uuid, actor, action, target_kind, target_uuid, target_revision, at";

/// The wire form of audit entry `id`, for the outbox.
pub(crate) fn wire(
    tx: &Transaction<'_>,
    id: Uuid,
) -> Result<(DateTime<Utc>, RecordBody), StoreError> {
    let e = tx
        .prepare_cached(&format!("SELECT {COLUMNS} FROM audit WHERE uuid = ?1"))?
        .query_row([Id(id)], entry)
        .optional()?
        .ok_or_else(|| StoreError::not_found(RecordKind::Audit, id))?;
    Ok((e.body.at, RecordBody::Audit(e.body)))
}

impl Store {
    /// The history of one record (every revision), oldest first.
    pub fn audit_trail(&self, target: Uuid) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM audit WHERE target_uuid = ?1 ORDER BY at, uuid"
            ))?;
            let rows = stmt.query_map([Id(target)], entry)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
