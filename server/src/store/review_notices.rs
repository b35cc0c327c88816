//! Places for the review decisions taken before they travelled to phones: migration 005
//! gave each new decision on a survey its branch, the revision it was taken on and a
//! place in the global change order (`change_seq`, the cursor of `GET /api/v1/changes`),
//! but left the decisions already stored without one, so phones never heard of them.
//! Migration 016 places them after every change handed out so far, so a phone's next
//! pull brings them, whatever its cursor.

use super::{ServerStoreError, next_change_seq};
use crate::db::Conn;

/// Decisions placed per round, so memory stays bounded whatever the database holds.
const PAGE: i64 = 500;

/// Gives every unplaced decision on a survey the survey's branch, the revision it was
/// taken on (the newest one the server had received by then; the latest when the clocks
/// disagree) and the next change number, oldest decision first, so a phone keeps the
/// newest one as it does for new decisions. A decision followed by one that already
/// travelled is left unplaced: the later one has superseded it, and placing it after
/// would make the phone take the older word for the newer. Decisions on gatherings and
/// households stay on the server, as new ones do.
pub(crate) fn place_old_decisions(conn: &mut dyn Conn) -> Result<(), ServerStoreError> {
    let mut after = 0_i64;
    loop {
        let rows = conn.query(
            "SELECT rv.id, rv.record_uuid, rv.at FROM reviews rv
             WHERE rv.change_seq IS NULL AND rv.id > $1
               AND EXISTS (SELECT 1 FROM records r WHERE r.uuid = rv.record_uuid AND r.kind = 'submission')
               AND NOT EXISTS (SELECT 1 FROM reviews later WHERE later.record_uuid = rv.record_uuid
                               AND later.change_seq IS NOT NULL AND later.id > rv.id)
             ORDER BY rv.id LIMIT $2",
            &[after.into(), PAGE.into()],
        )?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.int(0)?;
        for row in &rows {
            let Some(reviewed) = conn.query_opt(
                "SELECT branch_id, revision FROM records WHERE uuid = $1
                 ORDER BY CASE WHEN received_at <= $2 THEN 0 ELSE 1 END, revision DESC LIMIT 1",
                &[row.text(1)?.into(), row.text(2)?.into()],
            )?
            else {
                continue;
            };
            let seq = next_change_seq(conn)?;
            conn.exec(
                "UPDATE reviews SET branch_id = $1, revision = $2, change_seq = $3 WHERE id = $4",
                &[
                    reviewed.text(0)?.into(),
                    reviewed.int(1)?.into(),
                    seq.into(),
                    row.int(0)?.into(),
                ],
            )?;
        }
    }
}
