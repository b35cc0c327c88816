//! The push: a batch of prepared records stored in one transaction, each answered on its
//! own (accepted, duplicate, conflict, rejected). Identity is `(uuid, revision)` under a
//! UNIQUE constraint; each record is inserted with `ON CONFLICT DO NOTHING` and, when
//! the row was already there (an earlier push, or a concurrent one that just committed),
//! compared by content hash. Re-sending a batch, in any order, any number of times, from
//! any number of connections at once, leaves exactly one copy of each record.

use std::collections::{HashMap, HashSet};

use branchbook_core::protocol::{RecordResult, RecordStatus};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ServerStore, ServerStoreError, next_change_seq, tallies};
use crate::db::{Conn, Value};
use crate::ingest::PreparedRecord;
use crate::model::stored_name;
use crate::model::{Area, RecordKind, ReviewState};

/// A stored row as the push compares against it.
#[derive(Debug, Clone)]
struct Existing {
    kind: String,
    branch_id: Uuid,
    content_hash: String,
    seq: i64,
    complete: bool,
}

/// What the push knows about the batch's records and their neighbours, filled by a few
/// queries per batch and kept up to date as records are inserted.
struct BatchView {
    existing: HashMap<(Uuid, u32), Existing>,
    households: HashSet<Uuid>,
    /// The batch's photos whose bytes the branch itself has sent (only those count as
    /// arrived: another branch's copy of the same bytes does not).
    complete_photos: HashSet<String>,
    /// Records this batch stored, and the revisions they replaced as the latest: what
    /// the indicators' summary tables must count and no longer count.
    added: Vec<i64>,
    superseded: Vec<i64>,
}

fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn result(
    record: &PreparedRecord,
    status: RecordStatus,
    reason: Option<String>,
    missing: Vec<String>,
) -> RecordResult {
    RecordResult {
        uuid: record.uuid,
        revision: record.revision,
        status,
        reason,
        missing_photos: missing,
    }
}

impl BatchView {
    fn load(
        conn: &mut dyn Conn,
        branch_id: Uuid,
        records: &[PreparedRecord],
    ) -> Result<BatchView, ServerStoreError> {
        let mut view = BatchView {
            existing: HashMap::new(),
            households: HashSet::new(),
            complete_photos: HashSet::new(),
            added: Vec::new(),
            superseded: Vec::new(),
        };
        let uuids: Vec<Uuid> = records
            .iter()
            .map(|r| r.uuid)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for chunk in uuids.chunks(500) {
            let params: Vec<Value> = chunk.iter().map(Value::from).collect();
            let rows = conn.query(
                &format!(
                    "SELECT uuid, revision, kind, branch_id, content_hash, seq, complete FROM records WHERE uuid IN ({})",
                    placeholders(1, chunk.len())
                ),
                &params,
            )?;
            for row in rows {
                view.existing.insert(
                    (row.uuid(0)?, u32::try_from(row.int(1)?).unwrap_or(u32::MAX)),
                    Existing {
                        kind: row.text(2)?,
                        branch_id: row.uuid(3)?,
                        content_hash: row.text(4)?,
                        seq: row.int(5)?,
                        complete: row.flag(6)?,
                    },
                );
            }
        }
        let households: Vec<Uuid> = records
            .iter()
            .filter_map(|r| r.household)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for chunk in households.chunks(500) {
            let mut params: Vec<Value> = vec![branch_id.into()];
            params.extend(chunk.iter().map(Value::from));
            let rows = conn.query(
                &format!(
                    "SELECT DISTINCT uuid FROM records WHERE kind = 'household' AND branch_id = $1 AND uuid IN ({})",
                    placeholders(2, chunk.len())
                ),
                &params,
            )?;
            for row in rows {
                view.households.insert(row.uuid(0)?);
            }
        }
        let photos: Vec<String> = records
            .iter()
            .flat_map(|r| r.photos.iter().map(|p| p.sha256.clone()))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for chunk in photos.chunks(500) {
            let mut params: Vec<Value> = vec![branch_id.into()];
            params.extend(chunk.iter().map(Value::from));
            let rows = conn.query(
                &format!(
                    "SELECT sha256 FROM photo_owners WHERE branch_id = $1 AND sha256 IN ({})",
                    placeholders(2, chunk.len())
                ),
                &params,
            )?;
            for row in rows {
                view.complete_photos.insert(row.text(0)?);
            }
        }
        Ok(view)
    }

    fn missing_photos(&self, record: &PreparedRecord) -> Vec<String> {
        let mut missing: Vec<String> = record
            .photos
            .iter()
            .filter(|p| !self.complete_photos.contains(&p.sha256))
            .map(|p| p.sha256.clone())
            .collect();
        missing.dedup();
        missing
    }

    /// The answer for a record whose `(uuid, revision)` is already stored.
    fn compare(
        &self,
        conn: &mut dyn Conn,
        record: &PreparedRecord,
        existing: &Existing,
        branch_id: Uuid,
    ) -> Result<RecordResult, ServerStoreError> {
        if existing.branch_id != branch_id {
            return Ok(result(
                record,
                RecordStatus::Rejected,
                Some("this record id is used by another branch".into()),
                vec![],
            ));
        }
        if existing.content_hash != record.content_hash {
            return Ok(result(
                record,
                RecordStatus::Conflict,
                Some(format!(
                    "the server already has revision {} of this record with different content; edits must be sent as a new revision",
                    record.revision
                )),
                vec![],
            ));
        }
        let missing = self.missing_photos(record);
        if missing.is_empty() && !existing.complete {
            // Its last photo completed while this record's first push was still open.
            conn.exec(
                "UPDATE records SET complete = 1 WHERE seq = $1",
                &[existing.seq.into()],
            )?;
        }
        Ok(result(record, RecordStatus::Duplicate, None, missing))
    }

    /// A reason to reject a new record given what is stored, or `None`.
    fn refusal(&self, record: &PreparedRecord, branch_id: Uuid) -> Option<String> {
        if record.revision > 1 {
            match self.existing.get(&(record.uuid, record.revision - 1)) {
                None => {
                    return Some(format!(
                        "revision {} arrived before revision {}: send the earlier revision first",
                        record.revision,
                        record.revision - 1
                    ));
                }
                Some(prev) if prev.branch_id != branch_id => {
                    return Some("this record id is used by another branch".into());
                }
                Some(prev) if prev.kind != stored_name(&record.kind) => {
                    return Some(format!(
                        "revision {} changes the record's kind",
                        record.revision
                    ));
                }
                Some(_) => {}
            }
        }
        match record.household {
            Some(h) if !self.households.contains(&h) => {
                Some("the submission links to a household the server has never received: send the household first".into())
            }
            _ => None,
        }
    }
}

impl ServerStore {
    /// Stores a batch of records from one device of `branch`, answering each in order.
    /// The whole batch is one transaction; one bad record never blocks the others.
    pub fn push(
        &self,
        branch: &Area,
        device_id: Uuid,
        records: &[PreparedRecord],
        now: DateTime<Utc>,
    ) -> Result<Vec<RecordResult>, ServerStoreError> {
        let engine = self.db.engine();
        self.db.write(|conn| {
            tallies::lock_branch(conn, engine, branch.id)?;
            // Its place as of now, under the lock: an area move may have committed since
            // the device was authenticated.
            let current = super::areas::area_in(conn, branch.id)?;
            let branch = current.as_ref().unwrap_or(branch);
            let mut view = BatchView::load(conn, branch.id, records)?;
            let mut results = Vec::with_capacity(records.len());
            for record in records {
                results.push(Self::push_one(
                    conn, &mut view, branch, device_id, record, now,
                )?);
            }
            tallies::refile(conn, &view.superseded, &view.added)?;
            Ok(results)
        })
    }

    fn push_one(
        conn: &mut dyn Conn,
        view: &mut BatchView,
        branch: &Area,
        device_id: Uuid,
        record: &PreparedRecord,
        now: DateTime<Utc>,
    ) -> Result<RecordResult, ServerStoreError> {
        if let Some(reason) = &record.rejection {
            return Ok(result(
                record,
                RecordStatus::Rejected,
                Some(reason.clone()),
                vec![],
            ));
        }
        if let Some(existing) = view.existing.get(&(record.uuid, record.revision)) {
            return view.compare(conn, record, existing, branch.id);
        }
        if let Some(reason) = view.refusal(record, branch.id) {
            return Ok(result(record, RecordStatus::Rejected, Some(reason), vec![]));
        }
        let missing = view.missing_photos(record);
        let change_seq = if record.kind == RecordKind::Household {
            Some(next_change_seq(conn)?)
        } else {
            None
        };
        let (form_id, form_version) = record.form.clone().unzip();
        let corrections = if record.corrections.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&record.corrections)?)
        };
        let inserted = conn.query_opt(
            "INSERT INTO records (uuid, revision, kind, branch_id, area_path, device_id, content_hash, body, created_at,
                received_at, form_id, form_version, household, gathering_kind, event_at, latest, complete, review_state, change_seq,
                account_id, corrections, instance_name, event_day)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17, $18,
                (SELECT account_id FROM devices WHERE id = $6), $19, $20, $21)
             ON CONFLICT (uuid, revision) DO NOTHING RETURNING seq",
            &[
                record.uuid.into(),
                record.revision.into(),
                stored_name(&record.kind).into(),
                branch.id.into(),
                (&branch.path).into(),
                device_id.into(),
                (&record.content_hash).into(),
                (&record.body).into(),
                record.created_at.into(),
                now.into(),
                form_id.into(),
                form_version.into(),
                record.household.into(),
                record.gathering_kind.clone().into(),
                record.event_at.into(),
                missing.is_empty().into(),
                stored_name(&ReviewState::Received).into(),
                change_seq.into(),
                corrections.into(),
                record.instance_name.clone().into(),
                record
                    .event_at
                    .with_timezone(&crate::export::vietnam())
                    .format("%Y-%m-%d")
                    .to_string()
                    .into(),
            ],
        )?;
        let Some(row) = inserted else {
            // A concurrent push committed the same (uuid, revision) after this batch looked.
            let row = conn
                .query_opt(
                    "SELECT kind, branch_id, content_hash, seq, complete FROM records WHERE uuid = $1 AND revision = $2",
                    &[record.uuid.into(), record.revision.into()],
                )?
                .ok_or_else(|| ServerStoreError::NotFound("record row that refused an insert".into()))?;
            let existing = Existing {
                kind: row.text(0)?,
                branch_id: row.uuid(1)?,
                content_hash: row.text(2)?,
                seq: row.int(3)?,
                complete: row.flag(4)?,
            };
            let answer = view.compare(conn, record, &existing, branch.id)?;
            view.existing
                .insert((record.uuid, record.revision), existing);
            return Ok(answer);
        };
        let seq = row.int(0)?;
        if record.revision > 1 {
            for row in conn.query(
                "UPDATE records SET latest = 0 WHERE uuid = $1 AND revision < $2 AND latest = 1 RETURNING seq",
                &[record.uuid.into(), record.revision.into()],
            )? {
                view.superseded.push(row.int(0)?);
            }
        }
        view.added.push(seq);
        for photo in &record.photos {
            conn.exec(
                "INSERT INTO record_photos (record_seq, sha256, bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[seq.into(), (&photo.sha256).into(), i64::try_from(photo.bytes).unwrap_or(i64::MAX).into()],
            )?;
        }
        for (position, a) in record.attendees.iter().enumerate() {
            conn.exec(
                "INSERT INTO attendees (record_seq, position, sex, ethnicity, age_group, person, walk_in) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[seq.into(), (position as i64).into(), (&a.sex).into(), a.ethnicity.clone().into(), a.age_group.clone().into(), a.person.into(), a.walk_in.into()],
            )?;
        }
        if record.kind == RecordKind::Household {
            view.households.insert(record.uuid);
        }
        view.existing.insert(
            (record.uuid, record.revision),
            Existing {
                kind: stored_name(&record.kind),
                branch_id: branch.id,
                content_hash: record.content_hash.clone(),
                seq,
                complete: missing.is_empty(),
            },
        );
        Ok(result(record, RecordStatus::Accepted, None, missing))
    }
}
