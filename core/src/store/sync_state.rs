//! What the sync client keeps in the store so that a pass killed at any point continues
//! where it stopped: the enrollment (server, device token, branch, limits), the cursor
//! of roster and household changes, and the server's answer for each record it did not
//! store. Settings live in the `meta` table; the token is as safe as the database file
//! (SQLCipher-encrypted when the app gives a key).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use uuid::Uuid;

use super::columns::{self, Id, Key, Millis};
use super::{RosterChange, Store, StoreError, households, outbox, roster};
use crate::protocol::{BranchInfo, Changes, EnrollResponse, Limits, RecordResult, RecordStatus};

/// Where and as whom this phone syncs, from its enrollment.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncAccount {
    /// Base URL of the server.
    pub server: String,
    /// The device token (a secret: never log it).
    pub token: String,
    /// The server's id for this device.
    pub device_id: Uuid,
    /// The branch the device works for.
    pub branch: BranchInfo,
    /// The server's limits, as last announced.
    pub limits: Limits,
}

/// A record the server did not store, with its reason, for the user to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncIssue {
    /// The record's id.
    pub uuid: Uuid,
    /// Its revision.
    pub revision: u32,
    /// `Conflict` or `Rejected`.
    pub status: RecordStatus,
    /// The server's reason.
    pub reason: String,
    /// When the server answered.
    pub at: DateTime<Utc>,
}

/// What taking in one page of [`Changes`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChangesApplied {
    /// Roster members added or updated.
    pub members: u32,
    /// Household revisions taken in (older or known ones are skipped).
    pub households: u32,
}

const SERVER: &str = "sync.server";
const TOKEN: &str = "sync.token";
const DEVICE: &str = "sync.device_id";
const BRANCH: &str = "sync.branch";
const LIMITS: &str = "sync.limits";
const CURSOR: &str = "sync.cursor";

fn set(tx: &Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute((key, value))?;
    Ok(())
}

fn get(tx: &Transaction<'_>, key: &str) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

fn to_json<T: serde::Serialize>(what: &'static str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|source| StoreError::Corrupt { what, source })
}

fn from_json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|source| StoreError::Corrupt { what, source })
}

impl Store {
    /// Records a successful enrollment in one transaction: server, token, device,
    /// branch, limits and the account name the audit trail uses. Enrolling for another
    /// branch starts its changes from the beginning.
    pub fn save_enrollment(&self, server: &str, enrollment: &EnrollResponse) -> Result<(), StoreError> {
        self.write(|tx| {
            let previous: Option<BranchInfo> = get(tx, BRANCH)?.map(|b| from_json("sync branch", &b)).transpose()?;
            if previous.is_none_or(|p| p.id != enrollment.branch.id) {
                set(tx, CURSOR, "0")?;
            }
            set(tx, SERVER, server)?;
            set(tx, TOKEN, &enrollment.token)?;
            set(tx, DEVICE, &enrollment.device_id.to_string())?;
            set(tx, BRANCH, &to_json("sync branch", &enrollment.branch)?)?;
            set(tx, LIMITS, &to_json("sync limits", &enrollment.limits)?)?;
            set(tx, "account", &enrollment.account)?;
            Ok(())
        })
    }

    /// The enrollment, or `None` before the phone is enrolled.
    pub fn sync_account(&self) -> Result<Option<SyncAccount>, StoreError> {
        self.read(|tx| {
            let (Some(server), Some(token), Some(device), Some(branch), Some(limits)) =
                (get(tx, SERVER)?, get(tx, TOKEN)?, get(tx, DEVICE)?, get(tx, BRANCH)?, get(tx, LIMITS)?)
            else {
                return Ok(None);
            };
            Ok(Some(SyncAccount {
                server,
                token,
                device_id: device.parse().map_err(|_| StoreError::invalid("device id", "not a UUID"))?,
                branch: from_json("sync branch", &branch)?,
                limits: from_json("sync limits", &limits)?,
            }))
        })
    }

    /// Keeps the limits the server announced in its latest manifest.
    pub fn set_sync_limits(&self, limits: &Limits) -> Result<(), StoreError> {
        self.write(|tx| set(tx, LIMITS, &to_json("sync limits", limits)?))
    }

    /// The cursor to ask the server's changes from (0 at first).
    pub fn sync_cursor(&self) -> Result<i64, StoreError> {
        self.read(|tx| Ok(get(tx, CURSOR)?.and_then(|c| c.parse().ok()).unwrap_or(0)))
    }

    /// Takes in one page of changes and moves the cursor past it, all in one
    /// transaction: a pass killed here either has the whole page or asks for it again.
    pub fn receive_changes(&self, changes: &Changes) -> Result<ChangesApplied, StoreError> {
        let members = changes.members.iter().map(roster::clean).collect::<Result<Vec<_>, _>>()?;
        self.write(|tx| {
            let imported = roster::apply(tx, &members, RosterChange::Patch)?;
            let mut applied = ChangesApplied {
                members: imported.added + imported.updated,
                households: 0,
            };
            for household in &changes.households {
                if households::receive(tx, household)? {
                    applied.households += 1;
                }
            }
            set(tx, CURSOR, &changes.next_cursor.to_string())?;
            Ok(applied)
        })
    }

    /// Applies the server's answers to a push in one transaction: what it stored
    /// (accepted, or it already had it) is marked sent and loses any earlier issue; a
    /// conflict or rejection is kept with its reason and the record stays queued.
    pub fn acknowledge(&self, results: &[RecordResult]) -> Result<(), StoreError> {
        let now = columns::now();
        self.write(|tx| {
            for result in results {
                if result.status.is_stored() {
                    outbox::mark_sent(tx, result.uuid, result.revision)?;
                    tx.prepare_cached("DELETE FROM sync_issues WHERE uuid = ?1 AND revision = ?2")?
                        .execute((Id(result.uuid), result.revision))?;
                } else {
                    let reason = result.reason.clone().unwrap_or_else(|| "no reason given".to_owned());
                    tx.prepare_cached(
                        "INSERT INTO sync_issues (uuid, revision, status, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (uuid, revision) DO UPDATE SET status = excluded.status,
                             reason = excluded.reason, at = excluded.at",
                    )?
                    .execute((Id(result.uuid), result.revision, Key(result.status), reason, Millis(now)))?;
                }
            }
            Ok(())
        })
    }

    /// Records the server did not store, with its reasons, newest first.
    pub fn sync_issues(&self) -> Result<Vec<SyncIssue>, StoreError> {
        self.read(|tx| {
            let mut stmt =
                tx.prepare_cached("SELECT uuid, revision, status, reason, at FROM sync_issues ORDER BY at DESC, uuid")?;
            let rows = stmt.query_map([], |r| {
                Ok(SyncIssue {
                    uuid: r.get::<_, Id>(0)?.0,
                    revision: r.get(1)?,
                    status: r.get::<_, Key<RecordStatus>>(2)?.0,
                    reason: r.get(3)?,
                    at: r.get::<_, Millis>(4)?.0,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Sex;
    use crate::protocol::{HouseholdBody, HouseholdRecord, RosterMember};
    use crate::store::households::tests::input as household;
    use crate::store::testing::store;

    fn enrollment(branch: Uuid) -> EnrollResponse {
        EnrollResponse {
            device_id: Uuid::now_v7(),
            token: "tok".into(),
            branch: BranchInfo { id: branch, name: "Bản Phìn".into(), area_path: vec!["Lào Cai".into()] },
            account: "mai.lo".into(),
            limits: Limits { max_batch_records: 200, max_body_bytes: 1 << 20, max_photo_bytes: 1 << 22, photo_chunk_bytes: 1 << 16 },
        }
    }

    fn page(cursor: i64, members: Vec<RosterMember>, households: Vec<HouseholdRecord>) -> Changes {
        Changes { members, households, next_cursor: cursor, more: false }
    }

    fn member(name: &str) -> RosterMember {
        RosterMember {
            id: Uuid::now_v7(),
            member_code: None,
            full_name: name.into(),
            sex: Sex::Female,
            birth_year: Some(1990),
            ethnicity: Some("hmong".into()),
            village: "Phìn".into(),
            phone: None,
            archived: false,
        }
    }

    #[test]
    fn an_enrollment_is_kept_whole_and_a_new_branch_restarts_the_cursor() {
        let (_dir, store) = store();
        assert_eq!(store.sync_account().unwrap(), None);
        let branch = Uuid::now_v7();
        store.save_enrollment("https://s.vn", &enrollment(branch)).unwrap();
        let account = store.sync_account().unwrap().unwrap();
        assert_eq!((account.server.as_str(), account.token.as_str(), account.branch.id), ("https://s.vn", "tok", branch));
        assert_eq!(store.account().unwrap().as_deref(), Some("mai.lo"));

        store.receive_changes(&page(42, vec![], vec![])).unwrap();
        assert_eq!(store.sync_cursor().unwrap(), 42);
        store.save_enrollment("https://s.vn", &enrollment(branch)).unwrap();
        assert_eq!(store.sync_cursor().unwrap(), 42, "same branch keeps the cursor");
        store.save_enrollment("https://s.vn", &enrollment(Uuid::now_v7())).unwrap();
        assert_eq!(store.sync_cursor().unwrap(), 0);
    }

    #[test]
    fn changes_patch_the_roster_take_newer_households_and_move_the_cursor_together() {
        let (_dir, store) = store();
        let local = store.create_household(&household("Giàng A Páo")).unwrap();
        let queued = store.outbox_len().unwrap();
        let mai = member("Lò Thị Mai");
        let remote = HouseholdRecord {
            uuid: Uuid::now_v7(),
            revision: 3,
            body: HouseholdBody {
                village: "Phìn".into(),
                address: "12".into(),
                head_name: "Thào A Dế".into(),
                members: vec![],
                notes: String::new(),
                archived: false,
            },
        };
        let stale = HouseholdRecord { uuid: local.uuid, revision: 1, body: remote.body.clone() };
        let applied = store.receive_changes(&page(7, vec![mai.clone()], vec![remote.clone(), stale])).unwrap();
        assert_eq!(applied, ChangesApplied { members: 1, households: 1 });
        assert_eq!(store.sync_cursor().unwrap(), 7);
        assert_eq!(store.member(mai.id).unwrap().full_name, "Lò Thị Mai");
        let got = store.household(remote.uuid).unwrap();
        assert_eq!((got.revision, got.state, got.body.head_name.as_str()), (3, super::super::RecordState::Sent, "Thào A Dế"));
        assert_eq!(store.household(local.uuid).unwrap().body.head_name, "Giàng A Páo", "older revision ignored");
        assert_eq!(store.outbox_len().unwrap(), queued, "received records are not queued again");
        // The same page again changes nothing.
        assert_eq!(store.receive_changes(&page(7, vec![], vec![remote])).unwrap().households, 0);
    }

    #[test]
    fn a_bad_page_changes_nothing_not_even_the_cursor() {
        let (_dir, store) = store();
        store.receive_changes(&page(5, vec![], vec![])).unwrap();
        let mut bad = member("  ");
        bad.full_name = " ".into();
        assert!(store.receive_changes(&page(9, vec![member("Lò Thị Mai"), bad], vec![])).is_err());
        assert_eq!(store.sync_cursor().unwrap(), 5);
    }

    #[test]
    fn acknowledgements_mark_stored_records_sent_and_keep_refusals_with_their_reason() {
        let (_dir, store) = store();
        let a = store.create_household(&household("A")).unwrap();
        let b = store.create_household(&household("B")).unwrap();
        let result = |uuid, status, reason: Option<&str>| RecordResult {
            uuid,
            revision: 1,
            status,
            reason: reason.map(str::to_owned),
            missing_photos: vec![],
        };
        store
            .acknowledge(&[result(a.uuid, RecordStatus::Accepted, None), result(b.uuid, RecordStatus::Rejected, Some("unknown village"))])
            .unwrap();
        let queued: Vec<Uuid> = store.outbox(100).unwrap().into_iter().map(|i| i.record.uuid).collect();
        assert!(!queued.contains(&a.uuid));
        assert!(queued.contains(&b.uuid), "a rejected record stays on the phone");
        let issues = store.sync_issues().unwrap();
        assert_eq!(issues.len(), 1);
        assert_eq!((issues[0].uuid, issues[0].status, issues[0].reason.as_str()), (b.uuid, RecordStatus::Rejected, "unknown village"));

        // Accepted later (the officer fixed the village list): the issue goes away.
        store.acknowledge(&[result(b.uuid, RecordStatus::Duplicate, None)]).unwrap();
        assert!(store.sync_issues().unwrap().is_empty());
        // An acknowledgement for a record this phone never queued changes nothing.
        assert!(store.acknowledge(&[result(a.uuid, RecordStatus::Accepted, None), result(Uuid::now_v7(), RecordStatus::Accepted, None)]).is_err());
    }

    #[test]
    fn the_outbox_reads_page_by_page_past_a_cursor() {
        let (_dir, store) = store();
        for name in ["A", "B", "C", "D", "E"] {
            store.create_household(&household(name)).unwrap();
        }
        let all = store.outbox(100).unwrap();
        let mut after = i64::MIN;
        let mut paged = Vec::new();
        loop {
            let page = store.outbox_after(after, 2).unwrap();
            let Some(last) = page.last() else { break };
            after = last.seq;
            paged.extend(page);
        }
        assert_eq!(paged, all);
    }
}
