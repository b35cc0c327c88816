//! What the sync client keeps in the store so that a pass stopped at any point continues
//! where it stopped: the enrollment (server, device token, branch, limits) and the cursor
//! of roster and household changes, as settings in the `meta` table (the token is as
//! safe as the database file: SQLCipher-encrypted when the app gives a key); when a pass
//! last ran to its end; and the server's answers to a batch, applied in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use uuid::Uuid;

use super::{Store, StoreError, outbox};
use crate::protocol::{BranchInfo, EnrollResponse, Limits, RecordResult};

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

const SERVER: &str = "sync.server";
const TOKEN: &str = "sync.token";
const DEVICE: &str = "sync.device_id";
const BRANCH: &str = "sync.branch";
const LIMITS: &str = "sync.limits";
const CURSOR: &str = "sync.cursor";
const LAST_SUCCESS: &str = "sync.last_success_ms";

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

fn from_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|source| StoreError::Corrupt { what, source })
}

impl Store {
    /// Records a successful enrollment in one transaction: server, token, device,
    /// branch, limits and the account name the audit trail uses. Enrolling for another
    /// branch starts its changes from the beginning.
    pub fn save_enrollment(
        &self,
        server: &str,
        enrollment: &EnrollResponse,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let previous: Option<BranchInfo> = get(tx, BRANCH)?
                .map(|b| from_json("sync branch", &b))
                .transpose()?;
            if previous.is_none_or(|p| p.id != enrollment.branch.id) {
                set(tx, CURSOR, "0")?;
                tx.prepare_cached("DELETE FROM meta WHERE key = ?1")?
                    .execute([LAST_SUCCESS])?;
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
            let (Some(server), Some(token), Some(device), Some(branch), Some(limits)) = (
                get(tx, SERVER)?,
                get(tx, TOKEN)?,
                get(tx, DEVICE)?,
                get(tx, BRANCH)?,
                get(tx, LIMITS)?,
            ) else {
                return Ok(None);
            };
            Ok(Some(SyncAccount {
                server,
                token,
                device_id: device
                    .parse()
                    .map_err(|_| StoreError::stored("device id", "not a UUID"))?,
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

    /// Moves the changes cursor, once a page of changes is applied (applying a page
    /// again is harmless, so a pass stopped between the two asks for it again).
    pub fn set_sync_cursor(&self, cursor: i64) -> Result<(), StoreError> {
        self.write(|tx| set(tx, CURSOR, &cursor.to_string()))
    }

    /// Notes that a sync pass ran to its end at `at`: one write after its last step, just
    /// before it reports Done (the apps show it as "last sent").
    pub fn finish_sync_pass(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(|tx| set(tx, LAST_SUCCESS, &at.timestamp_millis().to_string()))
    }

    /// When a sync pass last ran to its end for the enrolled branch, or `None` if none has.
    pub fn last_sync(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.read(|tx| {
            get(tx, LAST_SUCCESS)?
                .map(|ms| {
                    ms.parse::<i64>()
                        .ok()
                        .and_then(DateTime::from_timestamp_millis)
                        .ok_or_else(|| StoreError::stored("last sync", "not a time"))
                })
                .transpose()
        })
    }

    /// Applies the server's answers to one batch in one transaction: what it stored
    /// (accepted, or it already had it) is marked sent; what it refused or found in
    /// conflict leaves the outbox with the server's reason (see [`Store::rejections`]).
    pub fn acknowledge(&self, results: &[RecordResult]) -> Result<(), StoreError> {
        self.write(|tx| {
            for result in results {
                if result.status.is_stored() {
                    outbox::mark_sent(tx, result.uuid, result.revision)?;
                } else {
                    let reason = result
                        .reason
                        .as_deref()
                        .unwrap_or("the server gave no reason");
                    outbox::mark_rejected(tx, result.uuid, result.revision, reason)?;
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::RecordStatus;
    use crate::store::households::tests::input as household;
    use crate::store::testing::store;

    fn enrollment(branch: Uuid) -> EnrollResponse {
        EnrollResponse {
            device_id: Uuid::now_v7(),
            token: "tok".into(),
            branch: BranchInfo {
                id: branch,
                name: "Bản Phìn".into(),
                area_path: vec!["Lào Cai".into()],
            },
            account: "mai.lo".into(),
            limits: Limits {
                max_batch_records: 200,
                max_body_bytes: 1 << 20,
                max_photo_bytes: 1 << 22,
                photo_chunk_bytes: 1 << 16,
            },
        }
    }

    #[test]
    fn an_enrollment_is_kept_whole_and_a_new_branch_restarts_the_cursor() {
        let (_dir, store) = store();
        assert_eq!(store.sync_account().unwrap(), None);
        let branch = Uuid::now_v7();
        store
            .save_enrollment("https://s.vn", &enrollment(branch))
            .unwrap();
        let account = store.sync_account().unwrap().unwrap();
        assert_eq!(
            (
                account.server.as_str(),
                account.token.as_str(),
                account.branch.id
            ),
            ("https://s.vn", "tok", branch)
        );
        assert_eq!(store.account().unwrap().as_deref(), Some("mai.lo"));

        store.set_sync_cursor(42).unwrap();
        store
            .save_enrollment("https://s.vn", &enrollment(branch))
            .unwrap();
        assert_eq!(
            store.sync_cursor().unwrap(),
            42,
            "same branch keeps the cursor"
        );
        store
            .save_enrollment("https://s.vn", &enrollment(Uuid::now_v7()))
            .unwrap();
        assert_eq!(store.sync_cursor().unwrap(), 0);
    }

    #[test]
    fn the_end_of_a_pass_is_kept_until_another_branch_is_enrolled() {
        let (_dir, store) = store();
        let branch = Uuid::now_v7();
        store
            .save_enrollment("https://s.vn", &enrollment(branch))
            .unwrap();
        assert_eq!(store.last_sync().unwrap(), None);
        let at = DateTime::from_timestamp_millis(1_790_000_000_123).unwrap();
        store.finish_sync_pass(at).unwrap();
        assert_eq!(store.last_sync().unwrap(), Some(at));
        store
            .save_enrollment("https://s.vn", &enrollment(branch))
            .unwrap();
        assert_eq!(store.last_sync().unwrap(), Some(at), "same branch keeps it");
        store
            .save_enrollment("https://s.vn", &enrollment(Uuid::now_v7()))
            .unwrap();
        assert_eq!(
            store.last_sync().unwrap(),
            None,
            "another branch has not been sent to"
        );
    }

    #[test]
    fn a_batch_of_answers_is_applied_whole_or_not_at_all() {
        let (_dir, store) = store();
        let a = store.create_household(&household("A")).unwrap();
        let b = store.create_household(&household("B")).unwrap();
        let queued = store.outbox_len().unwrap();
        let result = |uuid, status, reason: Option<&str>| RecordResult {
            uuid,
            revision: 1,
            status,
            reason: reason.map(str::to_owned),
            missing_photos: vec![],
        };
        // An answer for a record this phone never queued spoils the batch: nothing changes.
        let stranger = result(Uuid::now_v7(), RecordStatus::Accepted, None);
        assert!(
            store
                .acknowledge(&[result(a.uuid, RecordStatus::Accepted, None), stranger])
                .is_err()
        );
        assert_eq!(store.outbox_len().unwrap(), queued);

        store
            .acknowledge(&[
                result(a.uuid, RecordStatus::Accepted, None),
                result(b.uuid, RecordStatus::Rejected, Some("unknown village")),
            ])
            .unwrap();
        assert_eq!(store.outbox_len().unwrap(), queued - 2);
        let rejections = store.rejections().unwrap();
        assert_eq!(rejections.len(), 1);
        assert_eq!(
            (rejections[0].uuid, rejections[0].reason.as_str()),
            (b.uuid, "unknown village")
        );
        // A repeated acknowledgement (the answer to a resent batch) is harmless.
        store
            .acknowledge(&[result(a.uuid, RecordStatus::Duplicate, None)])
            .unwrap();
    }
}
