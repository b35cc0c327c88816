//! The outbox: every record that became ready to send (a finalized submission, a
//! household revision, a closed gathering, an audit entry) takes the next number, so
//! reading in number order gives the order the server must apply them in (a household
//! is always created before a visit to it is finalized). The sync client reads it as
//! [`crate::protocol::Record`]s with their sizes and acknowledges what the server stored.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use uuid::Uuid;

use super::columns::{self, Id, Millis};
use super::{RecordKind, Store, StoreError, audit, gatherings, households, submissions};
use crate::protocol::{AuditAction, Record};

/// Kinds of records the outbox carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutboxKind {
    Submission,
    Household,
    Gathering,
    Audit,
}

impl OutboxKind {
    fn as_str(self) -> &'static str {
        match self {
            OutboxKind::Submission => "submission",
            OutboxKind::Household => "household",
            OutboxKind::Gathering => "gathering",
            OutboxKind::Audit => "audit",
        }
    }

    /// The kind of record it is.
    fn record_kind(self) -> RecordKind {
        match self {
            OutboxKind::Submission => RecordKind::Submission,
            OutboxKind::Household => RecordKind::Household,
            OutboxKind::Gathering => RecordKind::Gathering,
            OutboxKind::Audit => RecordKind::Audit,
        }
    }

    /// Whether a refused record of this kind can be reopened to correct it (it has a
    /// draft state to go back to).
    fn correctable(self) -> bool {
        matches!(self, OutboxKind::Submission | OutboxKind::Gathering)
    }

    fn parse(s: &str) -> Option<OutboxKind> {
        [
            OutboxKind::Submission,
            OutboxKind::Household,
            OutboxKind::Gathering,
            OutboxKind::Audit,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One record waiting to be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    /// Its place in the sending order.
    pub seq: i64,
    /// The record exactly as it goes on the wire.
    pub record: Record,
    /// Size of its JSON in bytes (photos not included: see [`Store::pending_photos`]).
    pub bytes: u64,
}

/// A record the server refused, kept out of the outbox with the server's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Rejection {
    /// The record.
    pub uuid: Uuid,
    /// Its revision.
    pub revision: u32,
    /// Kind of record: a survey, a household, a gathering or a history entry.
    pub kind: RecordKind,
    /// Whether she can reopen it to correct it ([`Store::reopen_refused`]): surveys and
    /// gatherings; the others can only be sent again.
    pub correctable: bool,
    /// Why, as the server said it.
    pub reason: String,
    /// When the server said it.
    pub at: DateTime<Utc>,
}

/// A photo that a queued or sent record references and the server does not have yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPhoto {
    /// Hex SHA-256 of the stored JPEG.
    pub sha256: String,
    /// Its size in bytes (read them with [`Store::photo_bytes`]).
    pub bytes: u64,
    /// When the server last refused it for what it is, and under which limits.
    pub refused: Option<PhotoRefusal>,
}

/// The server's last refusal of a file for what it is: the sync pass sends it again only
/// when the server's limits changed or a week has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoRefusal {
    /// The server's limits at the time, as [`crate::sync`] writes them.
    pub under: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// Queues record `(uuid, revision)`; queuing the same pair twice is a no-op.
pub(crate) fn enqueue(
    tx: &Transaction<'_>,
    kind: OutboxKind,
    uuid: Uuid,
    revision: u32,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT OR IGNORE INTO outbox (kind, uuid, revision) VALUES (?1, ?2, ?3)")?
        .execute((kind.as_str(), Id(uuid), revision))?;
    Ok(())
}

fn build(
    tx: &Transaction<'_>,
    kind: OutboxKind,
    uuid: Uuid,
    revision: u32,
) -> Result<Record, StoreError> {
    let (created_at, body) = match kind {
        OutboxKind::Submission => submissions::wire(tx, uuid, revision)?,
        OutboxKind::Household => households::wire(tx, uuid, revision)?,
        OutboxKind::Gathering => gatherings::wire(tx, uuid)?,
        OutboxKind::Audit => audit::wire(tx, uuid)?,
    };
    Ok(Record {
        uuid,
        revision,
        created_at,
        body,
    })
}

fn mark_source_sent(
    tx: &Transaction<'_>,
    kind: OutboxKind,
    uuid: Uuid,
    revision: u32,
) -> Result<(), StoreError> {
    match kind {
        OutboxKind::Submission => {
            tx.prepare_cached(
                "UPDATE submissions SET state = 'sent' WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(uuid), revision))?;
        }
        OutboxKind::Household => {
            tx.prepare_cached(
                "UPDATE household_revisions SET state = 'sent' WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(uuid), revision))?;
        }
        OutboxKind::Gathering => {
            tx.prepare_cached("UPDATE gatherings SET state = 'sent' WHERE uuid = ?1")?
                .execute([Id(uuid)])?;
        }
        OutboxKind::Audit => {}
    }
    Ok(())
}

/// [`Store::mark_sent`] inside a transaction, so a whole batch is acknowledged at once.
pub(crate) fn mark_sent(tx: &Transaction<'_>, uuid: Uuid, revision: u32) -> Result<(), StoreError> {
    let kind: Option<String> = tx
        .prepare_cached("SELECT kind FROM outbox WHERE uuid = ?1 AND revision = ?2")?
        .query_row((Id(uuid), revision), |r| r.get(0))
        .optional()?;
    let Some(kind) = kind else {
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM submissions WHERE uuid = ?1 AND revision = ?2 AND state = 'sent')
                 OR EXISTS (SELECT 1 FROM household_revisions WHERE uuid = ?1 AND revision = ?2 AND state = 'sent')
                 OR EXISTS (SELECT 1 FROM gatherings WHERE uuid = ?1 AND ?2 = 1 AND state = 'sent')
                 OR EXISTS (SELECT 1 FROM audit WHERE uuid = ?1 AND ?2 = 1)",
            (Id(uuid), revision),
            |r| r.get(0),
        )?;
        return if known {
            Ok(())
        } else {
            Err(StoreError::not_found(
                RecordKind::Queued,
                format!("{uuid} revision {revision}"),
            ))
        };
    };
    let kind = OutboxKind::parse(&kind)
        .ok_or_else(|| StoreError::stored("outbox kind", format!("unknown kind {kind:?}")))?;
    mark_source_sent(tx, kind, uuid, revision)?;
    tx.prepare_cached("DELETE FROM outbox WHERE uuid = ?1 AND revision = ?2")?
        .execute((Id(uuid), revision))?;
    Ok(())
}

/// Removes refusal `(uuid, revision)` from the refused list, returning the record's kind.
fn take_rejection(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: u32,
) -> Result<OutboxKind, StoreError> {
    let kind: Option<String> = tx
        .prepare_cached("DELETE FROM rejections WHERE uuid = ?1 AND revision = ?2 RETURNING kind")?
        .query_row((Id(uuid), revision), |r| r.get(0))
        .optional()?;
    kind.as_deref().and_then(OutboxKind::parse).ok_or_else(|| {
        StoreError::not_found(
            RecordKind::Queued,
            format!("{uuid} revision {revision} among rejections"),
        )
    })
}

/// [`Store::mark_rejected`] inside a transaction.
pub(crate) fn mark_rejected(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: u32,
    reason: &str,
) -> Result<(), StoreError> {
    let kind: Option<String> = tx
        .prepare_cached("DELETE FROM outbox WHERE uuid = ?1 AND revision = ?2 RETURNING kind")?
        .query_row((Id(uuid), revision), |r| r.get(0))
        .optional()?;
    let Some(kind) = kind else {
        return Err(StoreError::not_found(
            RecordKind::Queued,
            format!("{uuid} revision {revision}"),
        ));
    };
    tx.prepare_cached(
        "INSERT INTO rejections (uuid, revision, kind, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((Id(uuid), revision, kind, reason, Millis(columns::now())))?;
    Ok(())
}

impl Store {
    /// Up to `limit` records waiting to be sent, in sending order.
    pub fn outbox(&self, limit: u32) -> Result<Vec<OutboxItem>, StoreError> {
        self.read(|tx| {
            let queued: Vec<(i64, String, Id, u32)> = tx
                .prepare_cached(
                    "SELECT seq, kind, uuid, revision FROM outbox ORDER BY seq LIMIT ?1",
                )?
                .query_map([limit], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<Result<_, _>>()?;
            queued
                .into_iter()
                .map(|(seq, kind, Id(uuid), revision)| {
                    let kind = OutboxKind::parse(&kind).ok_or_else(|| {
                        StoreError::stored("outbox kind", format!("unknown kind {kind:?}"))
                    })?;
                    let record = build(tx, kind, uuid, revision)?;
                    let bytes = serde_json::to_vec(&record)
                        .map_err(|source| StoreError::Corrupt {
                            what: "outbox record",
                            source,
                        })?
                        .len() as u64;
                    Ok(OutboxItem { seq, record, bytes })
                })
                .collect()
        })
    }

    /// How many records wait to be sent.
    pub fn outbox_len(&self) -> Result<u64, StoreError> {
        let n: i64 =
            self.read(|tx| Ok(tx.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?))?;
        Ok(n.unsigned_abs())
    }

    /// Records that the server stored record `(uuid, revision)` (accepted, or it already
    /// had it): it leaves the outbox and its state becomes sent. Acknowledging a record
    /// that is already sent is a no-op, so a repeated acknowledgement is safe.
    pub fn mark_sent(&self, uuid: Uuid, revision: u32) -> Result<(), StoreError> {
        self.write(|tx| mark_sent(tx, uuid, revision))
    }

    /// Records that the server refused record `(uuid, revision)` (rejected, or a conflict):
    /// it leaves the outbox, so the rest is not held up, and waits with `reason` for the
    /// user (who may edit it, making a new revision) or for [`Store::requeue`].
    pub fn mark_rejected(&self, uuid: Uuid, revision: u32, reason: &str) -> Result<(), StoreError> {
        self.write(|tx| mark_rejected(tx, uuid, revision, reason))
    }

    /// Records the server refused, most recent first.
    pub fn rejections(&self) -> Result<Vec<Rejection>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT uuid, revision, kind, reason, at FROM rejections ORDER BY at DESC, uuid",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, Id>(0)?.0,
                    r.get(1)?,
                    r.get::<_, String>(2)?,
                    r.get(3)?,
                    r.get::<_, Millis>(4)?.0,
                ))
            })?;
            rows.map(|row| {
                let (uuid, revision, kind, reason, at) = row?;
                let kind = OutboxKind::parse(&kind).ok_or_else(|| {
                    StoreError::stored("refused kind", format!("unknown kind {kind:?}"))
                })?;
                Ok(Rejection {
                    uuid,
                    revision,
                    kind: kind.record_kind(),
                    correctable: kind.correctable(),
                    reason,
                    at,
                })
            })
            .collect()
        })
    }

    /// Reopens refused record `(uuid, revision)` for her to correct, in one transaction:
    /// a survey becomes a draft again at the same revision, a gathering open again (the
    /// server never stored that revision, so finishing it sends the corrected one in its
    /// place). It leaves the refused list. Households and history entries have no draft
    /// to reopen: [`StoreError::WrongState`], nothing changes.
    pub fn reopen_refused(&self, uuid: Uuid, revision: u32) -> Result<(), StoreError> {
        self.write(|tx| {
            let kind = take_rejection(tx, uuid, revision)?;
            let record = kind.record_kind();
            let reopened = match kind {
                OutboxKind::Submission => tx
                    .prepare_cached(
                        "UPDATE submissions SET state = 'draft', finalized_at = NULL
                         WHERE uuid = ?1 AND revision = ?2 AND current = 1 AND state = 'finalized'",
                    )?
                    .execute((Id(uuid), revision))?,
                OutboxKind::Gathering => tx
                    .prepare_cached("UPDATE gatherings SET state = 'draft', closed_at = NULL WHERE uuid = ?1 AND state = 'finalized'")?
                    .execute([Id(uuid)])?,
                OutboxKind::Household | OutboxKind::Audit => 0,
            };
            if reopened == 0 {
                return Err(StoreError::WrongState { kind: record, id: uuid, state: "refused".into(), action: "reopen" });
            }
            audit::log(tx, AuditAction::Edited, record, uuid, revision, columns::now())
        })
    }

    /// Queues a refused record again (the server was fixed: a form version published,
    /// a household restored); it goes at the end of the sending order.
    pub fn requeue(&self, uuid: Uuid, revision: u32) -> Result<(), StoreError> {
        self.write(|tx| {
            let kind = take_rejection(tx, uuid, revision)?;
            enqueue(tx, kind, uuid, revision)
        })
    }

    /// Photos referenced by finalized records that the server does not have yet, oldest
    /// first, with their files.
    pub fn pending_photos(&self) -> Result<Vec<PendingPhoto>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT p.sha256, p.bytes, p.refused_under, p.refused_at FROM photos p
                 WHERE p.uploaded = 0 AND (EXISTS (
                     SELECT 1 FROM gathering_photos gp JOIN gatherings g ON g.uuid = gp.gathering
                     WHERE gp.sha256 = p.sha256 AND g.state <> 'draft') OR EXISTS (
                     SELECT 1 FROM submission_photos sp JOIN submissions s ON s.uuid = sp.uuid AND s.revision = sp.revision
                     WHERE sp.sha256 = p.sha256 AND s.state <> 'draft'))
                 ORDER BY p.created_at, p.sha256",
            )?;
            let rows = stmt.query_map([], |r| {
                let refused = match (r.get::<_, Option<String>>(2)?, r.get::<_, Option<Millis>>(3)?) {
                    (Some(under), Some(at)) => Some(PhotoRefusal { under, at: at.0 }),
                    _ => None,
                };
                Ok(PendingPhoto { sha256: r.get(0)?, bytes: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0), refused })
            })?;
            rows.map(|row| Ok(row?)).collect()
        })
    }

    /// Records that the server refused photo `sha256` for what it is, under the limits
    /// written `under`, now.
    pub fn mark_photo_refused(&self, sha256: &str, under: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE photos SET refused_under = ?2, refused_at = ?3 WHERE sha256 = ?1",
                (sha256, under, Millis(columns::now())),
            )?;
            if n == 0 {
                return Err(StoreError::not_found(RecordKind::Photo, sha256));
            }
            Ok(())
        })
    }

    /// Records that the server holds photo `sha256` whole.
    pub fn mark_photo_uploaded(&self, sha256: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.execute("UPDATE photos SET uploaded = 1 WHERE sha256 = ?1", [sha256])?;
            if n == 0 {
                return Err(StoreError::not_found(RecordKind::Photo, sha256));
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Sex;
    use crate::protocol::RecordBody;
    use crate::store::gatherings::tests::input as gathering;
    use crate::store::households::tests::input as household;
    use crate::store::photos::tests::{jpeg, write};
    use crate::store::roster::tests::member;
    use crate::store::testing::store;
    use crate::store::{PhotoOptions, RecordState, RosterChange};

    fn kinds(items: &[OutboxItem]) -> Vec<&'static str> {
        items
            .iter()
            .map(|i| match &i.record.body {
                RecordBody::Submission(_) => "submission",
                RecordBody::Household(_) => "household",
                RecordBody::Gathering(_) => "gathering",
                RecordBody::Audit(_) => "audit",
            })
            .collect()
    }

    #[test]
    fn records_come_out_in_order_with_sizes_and_leave_when_acknowledged() {
        let (dir, store) = store();
        let m = member("Thào Thị Dợ");
        store
            .import_roster(std::slice::from_ref(&m), RosterChange::Replace)
            .unwrap();
        let h = store.create_household(&household("Giàng A Páo")).unwrap();
        let g = store.create_gathering(&gathering()).unwrap();
        store.check_in(g.uuid, m.id).unwrap();
        let photo = store
            .attach_gathering_photo(
                g.uuid,
                &write(dir.path(), "p.jpg", &jpeg(64, 48, 1)),
                PhotoOptions::default(),
            )
            .unwrap();
        assert!(
            store.pending_photos().unwrap().is_empty(),
            "an open gathering's photos wait"
        );
        store.close_gathering(g.uuid).unwrap();

        let items = store.outbox(100).unwrap();
        assert_eq!(
            kinds(&items),
            vec!["household", "audit", "audit", "gathering", "audit"]
        );
        assert!(items.windows(2).all(|w| w[0].seq < w[1].seq));
        for item in &items {
            assert_eq!(
                item.bytes,
                serde_json::to_vec(&item.record).unwrap().len() as u64
            );
        }
        assert_eq!(
            (items[0].record.uuid, items[0].record.revision),
            (h.uuid, 1)
        );
        let RecordBody::Gathering(body) = &items[3].record.body else {
            panic!("not a gathering")
        };
        assert_eq!(body.attendees.len(), 1);
        assert_eq!(body.attendees[0].sex, Sex::Female);
        assert_eq!(
            body.photos,
            vec![crate::protocol::PhotoRef {
                sha256: photo.sha256.clone(),
                bytes: photo.bytes
            }]
        );
        assert_eq!(store.outbox(2).unwrap().len(), 2);

        let pending = store.pending_photos().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            store.photo_bytes(&pending[0].sha256).unwrap().len() as u64,
            pending[0].bytes
        );
        store.mark_photo_uploaded(&photo.sha256).unwrap();
        assert!(store.pending_photos().unwrap().is_empty());

        for item in &items {
            store
                .mark_sent(item.record.uuid, item.record.revision)
                .unwrap();
        }
        store.mark_sent(g.uuid, 1).unwrap(); // a repeated acknowledgement is fine
        assert_eq!(store.outbox_len().unwrap(), 0);
        assert_eq!(store.gathering(g.uuid).unwrap().state, RecordState::Sent);
        assert_eq!(store.household(h.uuid).unwrap().state, RecordState::Sent);
        assert!(matches!(
            store.mark_sent(Uuid::now_v7(), 1),
            Err(StoreError::NotFound {
                kind: RecordKind::Queued,
                ..
            })
        ));
        assert!(matches!(
            store.mark_photo_uploaded("abc"),
            Err(StoreError::NotFound {
                kind: RecordKind::Photo,
                ..
            })
        ));
    }

    #[test]
    fn a_refused_record_leaves_the_outbox_with_its_reason_and_can_be_queued_again() {
        let (_dir, store) = store();
        let a = store.create_household(&household("Giàng A Páo")).unwrap();
        let b = store.create_household(&household("Vàng A Dình")).unwrap();
        store.mark_rejected(a.uuid, 1, "unknown village").unwrap();
        let first: Vec<Uuid> = store
            .outbox(1)
            .unwrap()
            .iter()
            .map(|i| i.record.uuid)
            .collect();
        assert_ne!(
            first,
            vec![a.uuid],
            "the refused record does not hold up the rest"
        );
        assert!(
            store
                .outbox(100)
                .unwrap()
                .iter()
                .any(|i| i.record.uuid == b.uuid)
        );
        let r = store.rejections().unwrap();
        assert_eq!(
            (r.len(), r[0].uuid, r[0].kind.as_str(), r[0].reason.as_str()),
            (1, a.uuid, "household", "unknown village")
        );
        assert!(matches!(
            store.mark_rejected(a.uuid, 1, "again"),
            Err(StoreError::NotFound { .. })
        ));
        store.requeue(a.uuid, 1).unwrap();
        assert!(store.rejections().unwrap().is_empty());
        let last = store.outbox(100).unwrap().pop().unwrap();
        assert_eq!(
            (last.record.uuid, last.record.revision),
            (a.uuid, 1),
            "queued again at the end"
        );
        assert!(matches!(
            store.requeue(a.uuid, 1),
            Err(StoreError::NotFound { .. })
        ));
    }

    #[test]
    fn a_refused_gathering_reopens_to_be_corrected_and_a_household_cannot() {
        let (_dir, store) = store();
        let h = store.create_household(&household("Giàng A Páo")).unwrap();
        let m = member("Thào Thị Dợ");
        store
            .import_roster(std::slice::from_ref(&m), RosterChange::Replace)
            .unwrap();
        let g = store.create_gathering(&gathering()).unwrap();
        store.check_in(g.uuid, m.id).unwrap();
        store.close_gathering(g.uuid).unwrap();
        store
            .mark_rejected(g.uuid, 1, "the gathering closes before it starts")
            .unwrap();
        store.mark_rejected(h.uuid, 1, "unknown village").unwrap();

        assert!(matches!(
            store.reopen_refused(h.uuid, 1),
            Err(StoreError::WrongState {
                kind: RecordKind::Household,
                ..
            })
        ));
        let mut offered: Vec<(RecordKind, bool)> = store
            .rejections()
            .unwrap()
            .iter()
            .map(|r| (r.kind, r.correctable))
            .collect();
        offered.sort_by_key(|(kind, _)| kind.as_str());
        assert_eq!(
            offered,
            vec![
                (RecordKind::Gathering, true),
                (RecordKind::Household, false)
            ],
            "a refused reopen changes nothing; the list says which can be corrected"
        );
        assert!(matches!(
            store.reopen_refused(g.uuid, 2),
            Err(StoreError::NotFound { .. })
        ));

        // A refused survey becomes a draft again at the same revision.
        store
            .add_form(&crate::store::forms::tests::form_json("visit", "1"), None)
            .unwrap();
        let options = crate::engine::SessionOptions::new(columns::now());
        let (visit, mut session) = store
            .start_submission("visit", "1", None, &options)
            .unwrap();
        session
            .set_answer(
                "head_name",
                crate::engine::Answer::Text {
                    value: "Giàng A Páo".into(),
                },
            )
            .unwrap();
        store
            .finalize(&session.finalize(columns::now()).unwrap())
            .unwrap();
        store
            .mark_rejected(visit.uuid, 1, "unknown form version")
            .unwrap();
        let survey = store
            .rejections()
            .unwrap()
            .into_iter()
            .find(|r| r.uuid == visit.uuid)
            .unwrap();
        assert_eq!(
            (survey.uuid, survey.kind, survey.correctable),
            (visit.uuid, RecordKind::Submission, true)
        );
        store.reopen_refused(visit.uuid, 1).unwrap();
        let draft = store.submission(visit.uuid).unwrap();
        assert_eq!((draft.state, draft.revision), (RecordState::Draft, 1));
        assert!(
            store.resume(visit.uuid).is_ok(),
            "she continues it where it was"
        );

        store.reopen_refused(g.uuid, 1).unwrap();
        assert_eq!(store.gathering(g.uuid).unwrap().state, RecordState::Draft);
        assert_eq!(
            store
                .rejections()
                .unwrap()
                .iter()
                .map(|r| r.uuid)
                .collect::<Vec<_>>(),
            vec![h.uuid]
        );
        assert!(
            !store
                .outbox(100)
                .unwrap()
                .iter()
                .any(|i| i.record.uuid == g.uuid),
            "nothing goes until she closes it"
        );
        store.close_gathering(g.uuid).unwrap();
        assert!(
            store
                .outbox(100)
                .unwrap()
                .iter()
                .any(|i| (i.record.uuid, i.record.revision) == (g.uuid, 1)),
            "the same revision goes again"
        );
    }

    #[test]
    fn a_household_edit_queues_a_new_revision_after_the_first() {
        let (_dir, store) = store();
        let h = store.create_household(&household("Giàng A Páo")).unwrap();
        store.mark_sent(h.uuid, 1).unwrap();
        store.set_household_archived(h.uuid, 1, true).unwrap();
        let items: Vec<_> = store
            .outbox(10)
            .unwrap()
            .into_iter()
            .filter(|i| i.record.uuid == h.uuid)
            .collect();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].record.revision, 2);
        let RecordBody::Household(body) = &items[0].record.body else {
            panic!("not a household")
        };
        assert!(body.archived);
    }

    #[test]
    fn a_household_reaches_the_server_before_a_visit_that_links_to_it() {
        let (_dir, store) = store();
        store
            .add_form(&crate::store::forms::tests::form_json("visit", "1"), None)
            .unwrap();
        // A visit started before the household has been sent, and the household edited
        // after the visit was finalized: revision 1 still goes first.
        let h = store.create_household(&household("Giàng A Páo")).unwrap();
        let options = crate::engine::SessionOptions::new(columns::now());
        let (visit, mut session) = store
            .start_submission("visit", "1", Some(h.uuid), &options)
            .unwrap();
        session
            .set_answer(
                "head_name",
                crate::engine::Answer::Text {
                    value: "Giàng A Páo".into(),
                },
            )
            .unwrap();
        store
            .finalize(&session.finalize(columns::now()).unwrap())
            .unwrap();
        store
            .edit_household(h.uuid, 1, &household("Giàng A Chá"))
            .unwrap();

        let items = store.outbox(100).unwrap();
        let order: Vec<(&str, Uuid, u32)> = items
            .iter()
            .zip(kinds(&items))
            .filter(|(_, kind)| *kind != "audit")
            .map(|(i, kind)| (kind, i.record.uuid, i.record.revision))
            .collect();
        assert_eq!(
            order,
            vec![
                ("household", h.uuid, 1),
                ("submission", visit.uuid, 1),
                ("household", h.uuid, 2)
            ]
        );
        let linked = items.iter().find_map(|i| match &i.record.body {
            RecordBody::Submission(body) => body.household,
            _ => None,
        });
        assert_eq!(linked, Some(h.uuid));
    }
}
