//! A branch's member roster (kept by administrators and officers) and the changes a
//! device pulls: roster members and households since its cursor.

use branchbook_core::protocol::{Changes, HouseholdRecord, Record, RecordBody, RosterMember};
use chrono::Utc;
use uuid::Uuid;

use super::{ServerStore, ServerStoreError, next_change_seq};

impl ServerStore {
    /// Creates or replaces a roster member of a branch (a member id stays in its branch).
    pub fn upsert_member(
        &self,
        branch_id: Uuid,
        member: &RosterMember,
    ) -> Result<(), ServerStoreError> {
        let body = crate::ingest::canonical_json(&serde_json::to_value(member)?);
        self.db.write(|conn| {
            if let Some(row) = conn.query_opt("SELECT branch_id FROM members WHERE id = $1", &[member.id.into()])?
                && row.uuid(0)? != branch_id
            {
                return Err(ServerStoreError::Invalid("this member belongs to another branch".into()));
            }
            let seq = next_change_seq(conn)?;
            conn.exec(
                "INSERT INTO members (id, branch_id, body, change_seq, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, change_seq = excluded.change_seq, updated_at = excluded.updated_at",
                &[member.id.into(), branch_id.into(), (&body).into(), seq.into(), Utc::now().into()],
            )?;
            Ok(())
        })
    }

    /// Roster members and households of a branch changed after `since`, at most `limit`
    /// of them, oldest change first.
    pub fn changes(
        &self,
        branch_id: Uuid,
        since: i64,
        limit: u32,
    ) -> Result<Changes, ServerStoreError> {
        self.db.read(|conn| {
            let fetch = i64::from(limit) + 1;
            let members = conn.query(
                "SELECT change_seq, body FROM members WHERE branch_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3",
                &[branch_id.into(), since.into(), fetch.into()],
            )?;
            let households = conn.query(
                "SELECT change_seq, body FROM records WHERE branch_id = $1 AND change_seq > $2 AND latest = 1
                 ORDER BY change_seq LIMIT $3",
                &[branch_id.into(), since.into(), fetch.into()],
            )?;
            let mut merged = Vec::with_capacity(members.len() + households.len());
            for row in &members {
                merged.push((row.int(0)?, true, row.text(1)?));
            }
            for row in &households {
                merged.push((row.int(0)?, false, row.text(1)?));
            }
            merged.sort_by_key(|(seq, _, _)| *seq);
            let more = merged.len() > limit as usize;
            merged.truncate(limit as usize);
            let mut changes =
                Changes { members: Vec::new(), households: Vec::new(), next_cursor: since, more };
            for (seq, is_member, body) in merged {
                changes.next_cursor = seq;
                if is_member {
                    changes.members.push(serde_json::from_str(&body)?);
                } else {
                    let record: Record = serde_json::from_str(&body)?;
                    if let RecordBody::Household(h) = record.body {
                        changes.households.push(HouseholdRecord { uuid: record.uuid, revision: record.revision, body: h });
                    }
                }
            }
            Ok(changes)
        })
    }
}
