//! A branch's member roster (kept by administrators and officers) and the changes a
//! device pulls: roster members, households and review decisions since its cursor.

use branchbook_core::protocol::{
    Changes, HouseholdRecord, Record, RecordBody, ReviewNotice, RosterMember,
};
use chrono::Utc;
use uuid::Uuid;

use super::audit::AuditAction;
use super::{ServerStore, ServerStoreError, next_change_seq};

impl ServerStore {
    /// Creates or replaces a roster member of a branch (a member id stays in its branch).
    pub fn upsert_member(
        &self,
        branch_id: Uuid,
        member: &RosterMember,
    ) -> Result<(), ServerStoreError> {
        self.import_members(branch_id, std::slice::from_ref(member))
            .map(|_| ())
    }

    /// Creates or replaces members of a branch in one transaction: all of them or, when
    /// one belongs to another branch, none. A member whose data is unchanged is left as
    /// it is (phones are not sent her again).
    pub fn import_members(
        &self,
        branch_id: Uuid,
        members: &[RosterMember],
    ) -> Result<MembersSaved, ServerStoreError> {
        let bodies = members
            .iter()
            .map(|m| {
                Ok((
                    m.id,
                    crate::ingest::canonical_json(&serde_json::to_value(m)?),
                ))
            })
            .collect::<Result<Vec<_>, ServerStoreError>>()?;
        self.db.write(|conn| {
            let mut saved = MembersSaved::default();
            for (id, body) in &bodies {
                match conn.query_opt("SELECT branch_id, body FROM members WHERE id = $1", &[(*id).into()])? {
                    Some(row) if row.uuid(0)? != branch_id => {
                        return Err(super::refusal::Refusal::MemberOfAnotherBranch.into());
                    }
                    Some(row) if row.text(1)? == *body => continue,
                    Some(_) => saved.updated += 1,
                    None => saved.added += 1,
                }
                let seq = next_change_seq(conn)?;
                conn.exec(
                    "INSERT INTO members (id, branch_id, body, change_seq, updated_at) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (id) DO UPDATE SET body = excluded.body, change_seq = excluded.change_seq, updated_at = excluded.updated_at",
                    &[(*id).into(), branch_id.into(), body.into(), seq.into(), Utc::now().into()],
                )?;
            }
            if saved != MembersSaved::default() {
                let detail = match members {
                    [one] => one.full_name.clone(),
                    _ => format!("+{} ~{}", saved.added, saved.updated),
                };
                self.audit(conn, AuditAction::MembersSave, &branch_id.to_string(), &detail)?;
            }
            Ok(saved)
        })
    }

    /// Every member of a branch (archived ones too), by name.
    pub fn members(&self, branch_id: Uuid) -> Result<Vec<RosterMember>, ServerStoreError> {
        let mut members = self.db.read(|conn| {
            conn.query(
                "SELECT body FROM members WHERE branch_id = $1",
                &[branch_id.into()],
            )?
            .iter()
            .map(|row| Ok(serde_json::from_str::<RosterMember>(&row.text(0)?)?))
            .collect::<Result<Vec<_>, ServerStoreError>>()
        })?;
        members.sort_by_cached_key(|m| (branchbook_core::text::fold(&m.full_name), m.id));
        Ok(members)
    }

    /// Member `id` and her branch, if there is one.
    pub fn member(&self, id: Uuid) -> Result<Option<(Uuid, RosterMember)>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query_opt(
                "SELECT branch_id, body FROM members WHERE id = $1",
                &[id.into()],
            )?
            .map(|row| Ok((row.uuid(0)?, serde_json::from_str(&row.text(1)?)?)))
            .transpose()
        })
    }

    /// Roster members, households and review decisions of a branch changed after
    /// `since`, at most `limit` of them, oldest change first.
    pub fn changes(
        &self,
        branch_id: Uuid,
        since: i64,
        limit: u32,
    ) -> Result<Changes, ServerStoreError> {
        self.db.read(|conn| {
            let fetch = i64::from(limit) + 1;
            let params = [branch_id.into(), since.into(), fetch.into()];
            let mut merged = Vec::new();
            for row in conn.query(
                "SELECT change_seq, body FROM members WHERE branch_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3",
                &params,
            )? {
                merged.push((row.int(0)?, Change::Member(row.text(1)?)));
            }
            for row in conn.query(
                "SELECT change_seq, body FROM records WHERE branch_id = $1 AND change_seq > $2 AND latest = 1
                 ORDER BY change_seq LIMIT $3",
                &params,
            )? {
                merged.push((row.int(0)?, Change::Household(row.text(1)?)));
            }
            for row in conn.query(
                "SELECT change_seq, record_uuid, revision, state, comment, at FROM reviews
                 WHERE branch_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3",
                &params,
            )? {
                let seq = row.int(0)?;
                merged.push((
                    seq,
                    Change::Review(ReviewNotice {
                        uuid: row.uuid(1)?,
                        revision: u32::try_from(row.int(2)?).unwrap_or(u32::MAX),
                        state: super::named(&row.text(3)?)?,
                        comment: row.text(4)?,
                        decided_at: row.time(5)?,
                        seq,
                    }),
                ));
            }
            merged.sort_by_key(|(seq, _)| *seq);
            let more = merged.len() > limit as usize;
            merged.truncate(limit as usize);
            let mut changes = Changes {
                members: Vec::new(),
                households: Vec::new(),
                reviews: Vec::new(),
                next_cursor: since,
                more,
            };
            for (seq, change) in merged {
                changes.next_cursor = seq;
                match change {
                    Change::Member(body) => changes.members.push(serde_json::from_str(&body)?),
                    Change::Household(body) => {
                        let record: Record = serde_json::from_str(&body)?;
                        if let RecordBody::Household(h) = record.body {
                            changes.households.push(HouseholdRecord { uuid: record.uuid, revision: record.revision, body: h });
                        }
                    }
                    Change::Review(notice) => changes.reviews.push(notice),
                }
            }
            Ok(changes)
        })
    }
}

/// What [`ServerStore::import_members`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MembersSaved {
    /// Members that were not there before.
    pub added: u32,
    /// Members whose data changed.
    pub updated: u32,
}

/// One entry of a branch's change order, before it is read into [`Changes`].
enum Change {
    /// A roster member's JSON.
    Member(String),
    /// A household record's JSON.
    Household(String),
    /// A review decision.
    Review(ReviewNotice),
}
