//! The officials' read side: lists with filters and paging, one record with its
//! revisions, review decisions, and indicator counts for an area and period.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::audit::AuditAction;
use super::{ServerStore, ServerStoreError};
use crate::db::{Row, Value};
use crate::model::stored_name;
use crate::model::{
    RecordFilter, RecordKind, RecordSummary, Review, ReviewState, Scope, StoredRecord,
};

const SUMMARY_COLUMNS: &str = "seq, uuid, revision, kind, branch_id, form_id, form_version, household, event_at, received_at, complete, review_state, device_id, account_id, instance_name";

fn summary_from_row(row: &Row) -> Result<RecordSummary, ServerStoreError> {
    let kind = row.text(3)?;
    let state = row.text(11)?;
    Ok(RecordSummary {
        seq: row.int(0)?,
        uuid: row.uuid(1)?,
        revision: u32::try_from(row.int(2)?).unwrap_or(u32::MAX),
        kind: super::named(&kind)?,
        branch_id: row.uuid(4)?,
        form_id: row.opt_text(5)?,
        form_version: row.opt_text(6)?,
        household: row.opt_uuid(7)?,
        event_at: row.time(8)?,
        received_at: row.time(9)?,
        complete: row.flag(10)?,
        review_state: super::named(&state)?,
        device_id: row.uuid(12)?,
        account_id: row.opt_uuid(13)?,
        instance_name: row.opt_text(14)?,
    })
}

fn stored_from_row(row: &Row) -> Result<StoredRecord, ServerStoreError> {
    Ok(StoredRecord {
        summary: summary_from_row(row)?,
        body: serde_json::from_str(&row.text(15)?)?,
        corrections: row
            .opt_text(16)?
            .map(|text| serde_json::from_str(&text))
            .transpose()?
            .unwrap_or_default(),
    })
}

/// The `WHERE` clause and parameters of a record filter (latest revisions only).
fn filter_sql(filter: &RecordFilter) -> (String, Vec<Value>) {
    let mut clauses = vec![
        "latest = 1".to_owned(),
        "kind = $1".to_owned(),
        "area_path LIKE $2".to_owned(),
        "seq > $3".to_owned(),
    ];
    let mut params: Vec<Value> = vec![
        stored_name(&filter.kind).into(),
        filter.scope.like_pattern().into(),
        filter.after_seq.into(),
    ];
    let mut add = |clause: &str, value: Value| {
        params.push(value);
        clauses.push(clause.replace('?', &format!("${}", params.len())));
    };
    if let Some(form_id) = &filter.form_id {
        add("form_id = ?", form_id.into());
    }
    if let Some(version) = &filter.form_version {
        add("form_version = ?", version.into());
    }
    if let Some(branch) = filter.branch_id {
        add("branch_id = ?", branch.into());
    }
    if let Some(from) = filter.from {
        add("event_at >= ?", from.into());
    }
    if let Some(to) = filter.to {
        add("event_at < ?", to.into());
    }
    if let Some(state) = filter.review_state {
        add("review_state = ?", stored_name(&state).into());
    }
    if let Some(kind) = &filter.gathering_kind {
        add("gathering_kind = ?", kind.into());
    }
    params.push(i64::from(filter.limit).into());
    (
        format!(
            "WHERE {} ORDER BY seq LIMIT ${}",
            clauses.join(" AND "),
            params.len()
        ),
        params,
    )
}

impl ServerStore {
    /// A page of record summaries (latest revisions), in arrival order after `filter.after_seq`.
    pub fn list_records(
        &self,
        filter: &RecordFilter,
    ) -> Result<Vec<RecordSummary>, ServerStoreError> {
        let (clause, params) = filter_sql(filter);
        self.db.read(|conn| {
            conn.query(
                &format!("SELECT {SUMMARY_COLUMNS} FROM records {clause}"),
                &params,
            )?
            .iter()
            .map(summary_from_row)
            .collect()
        })
    }

    /// A page of whole records (latest revisions), for exports.
    pub fn list_records_with_body(
        &self,
        filter: &RecordFilter,
    ) -> Result<Vec<StoredRecord>, ServerStoreError> {
        let (clause, params) = filter_sql(filter);
        self.db.read(|conn| {
            conn.query(
                &format!("SELECT {SUMMARY_COLUMNS}, body, corrections FROM records {clause}"),
                &params,
            )?
            .iter()
            .map(stored_from_row)
            .collect()
        })
    }

    /// How many photos each of the records `seqs` references (records without any left out).
    pub fn photo_counts(
        &self,
        seqs: &[i64],
    ) -> Result<std::collections::HashMap<i64, i64>, ServerStoreError> {
        let mut counts = std::collections::HashMap::new();
        for chunk in seqs.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let params: Vec<Value> = chunk.iter().map(|s| Value::from(*s)).collect();
            let rows = self.db.read(|conn| -> Result<_, ServerStoreError> {
                Ok(conn.query(
                    &format!(
                        "SELECT record_seq, COUNT(*) FROM record_photos WHERE record_seq IN ({}) GROUP BY record_seq",
                        marks.join(", ")
                    ),
                    &params,
                )?)
            })?;
            for row in rows {
                counts.insert(row.int(0)?, row.int(1)?);
            }
        }
        Ok(counts)
    }

    /// Every revision of a record, oldest first, if it lies inside `scope`.
    pub fn record_revisions(
        &self,
        uuid: Uuid,
        scope: &Scope,
    ) -> Result<Vec<StoredRecord>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                &format!(
                    "SELECT {SUMMARY_COLUMNS}, body, corrections FROM records WHERE uuid = $1 AND area_path LIKE $2 ORDER BY revision"
                ),
                &[uuid.into(), scope.like_pattern().into()],
            )?
            .iter()
            .map(stored_from_row)
            .collect()
        })
    }

    /// Records a review decision on a record inside `scope`; false when there is no such
    /// record. The one-record case of [`ServerStore::add_reviews`].
    pub fn add_review(
        &self,
        uuid: Uuid,
        scope: &Scope,
        state: ReviewState,
        comment: &str,
        account_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool, ServerStoreError> {
        let missing = self.add_reviews(&[uuid], scope, state, comment, account_id, at)?;
        Ok(missing.is_empty())
    }

    /// Records the same review decision on each of the records `uuids` (their latest
    /// revisions) inside `scope`, in one transaction: when any of them is not there (or
    /// lies outside `scope`), nothing is written and those are returned. A decision on a
    /// survey also takes the next place in the change order, so the phones of its branch
    /// pull it (see [`ServerStore::changes`]). Each decision is in the audit log as
    /// `account_id`'s, in the same transaction.
    pub fn add_reviews(
        &self,
        uuids: &[Uuid],
        scope: &Scope,
        state: ReviewState,
        comment: &str,
        account_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<Uuid>, ServerStoreError> {
        let comment = branchbook_core::text::nfc(comment);
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<Uuid> = uuids.iter().copied().filter(|u| seen.insert(*u)).collect();
        let engine = self.db.engine();
        let reviewer = self.by(account_id);
        self.db.write(|conn| {
            let latest_sql = "SELECT kind, branch_id, revision, seq FROM records WHERE uuid = $1 AND latest = 1 AND area_path LIKE $2";
            let mut branches = std::collections::BTreeSet::new();
            let mut missing = Vec::new();
            for &uuid in &unique {
                match conn.query_opt(latest_sql, &[uuid.into(), scope.like_pattern().into()])? {
                    Some(latest) => {
                        branches.insert(latest.uuid(1)?);
                    }
                    None => missing.push(uuid),
                }
            }
            if !missing.is_empty() {
                return Ok(missing);
            }
            // Read again once the branches' counts are this transaction's to change (in
            // one order, so two reviewers never wait for each other): a push may have
            // made a newer revision the latest meanwhile.
            for branch in branches {
                super::tallies::lock_branch(conn, engine, branch)?;
            }
            let mut found = Vec::with_capacity(unique.len());
            for &uuid in &unique {
                if let Some(latest) = conn.query_opt(latest_sql, &[uuid.into(), scope.like_pattern().into()])? {
                    found.push((uuid, latest));
                }
            }
            let seqs = found
                .iter()
                .map(|(_, latest)| latest.int(3))
                .collect::<Result<Vec<_>, _>>()?;
            super::tallies::refile(conn, &seqs, &[])?;
            for (uuid, latest) in found {
                conn.exec(
                    "UPDATE records SET review_state = $1 WHERE uuid = $2",
                    &[stored_name(&state).into(), uuid.into()],
                )?;
                let change_seq = if latest.text(0)? == stored_name(&RecordKind::Submission) {
                    Some(super::next_change_seq(conn)?)
                } else {
                    None
                };
                conn.exec(
                    "INSERT INTO reviews (record_uuid, state, comment, account_id, at, branch_id, revision, change_seq)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        uuid.into(),
                        stored_name(&state).into(),
                        (&comment).into(),
                        account_id.into(),
                        at.into(),
                        latest.uuid(1)?.into(),
                        latest.int(2)?.into(),
                        change_seq.into(),
                    ],
                )?;
                reviewer.audit(conn, AuditAction::ReviewDecide, &uuid.to_string(), &stored_name(&state))?;
            }
            super::tallies::refile(conn, &[], &seqs)?;
            Ok(Vec::new())
        })
    }

    /// The survey submissions (latest revisions) that visited household `uuid`, inside
    /// `scope`, oldest first: its visit history.
    pub fn household_visits(
        &self,
        uuid: Uuid,
        scope: &Scope,
    ) -> Result<Vec<RecordSummary>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                &format!("SELECT {SUMMARY_COLUMNS} FROM records WHERE kind = 'submission' AND latest = 1 AND household = $1 AND area_path LIKE $2 ORDER BY event_at, seq"),
                &[uuid.into(), scope.like_pattern().into()],
            )?
            .iter()
            .map(summary_from_row)
            .collect()
        })
    }

    /// The review history of a record, oldest first.
    pub fn reviews(&self, uuid: Uuid) -> Result<Vec<Review>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                "SELECT r.state, r.comment, a.username, r.at FROM reviews r JOIN accounts a ON a.id = r.account_id
                 WHERE r.record_uuid = $1 ORDER BY r.id",
                &[uuid.into()],
            )?
            .iter()
            .map(|row| {
                let state = row.text(0)?;
                Ok(Review {
                    state: super::named(&state)?,
                    comment: row.text(1)?,
                    by: row.text(2)?,
                    at: row.time(3)?,
                })
            })
            .collect()
        })
    }
}
