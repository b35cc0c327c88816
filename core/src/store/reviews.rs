//! The officers' review decisions on this phone's surveys, as pulled with the changes:
//! the newest decision per survey is kept, and a survey whose current revision an
//! officer sent back (has issues, rejected) is listed as returned, with the comment,
//! until the branch head starts a correction (a new revision) or a later decision
//! clears it.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::columns::{Id, Key, Millis};
use super::submissions::{COLUMNS, info};
use super::{Store, StoreError, SubmissionInfo, Window};
use crate::protocol::{ReviewNotice, ReviewState};

/// A survey an officer sent back: its newest revision, and what the officer said.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnedSubmission {
    /// The survey (its current revision, the one reviewed).
    pub submission: SubmissionInfo,
    /// Has issues or rejected.
    pub state: ReviewState,
    /// The officer's comment: what to correct.
    pub comment: String,
    /// When the officer decided.
    pub decided_at: DateTime<Utc>,
}

impl Store {
    /// Keeps the decisions of `notices` on surveys this phone holds, the newest per
    /// survey (by [`ReviewNotice::seq`]): applying the same page twice, or an older
    /// notice after a newer one, changes nothing. Returns how many rows changed.
    pub fn import_reviews(&self, notices: &[ReviewNotice]) -> Result<u64, StoreError> {
        self.write(|tx| {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO reviews (uuid, revision, state, comment, decided_at, seq)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM submissions WHERE uuid = ?1)
                 ON CONFLICT (uuid) DO UPDATE SET revision = excluded.revision, state = excluded.state,
                     comment = excluded.comment, decided_at = excluded.decided_at, seq = excluded.seq
                 WHERE excluded.seq > reviews.seq",
            )?;
            let mut changed = 0u64;
            for n in notices {
                changed += stmt.execute(params![
                    Id(n.uuid),
                    n.revision,
                    Key(n.state),
                    crate::text::nfc(&n.comment),
                    Millis(n.decided_at),
                    n.seq
                ])? as u64;
            }
            Ok(changed)
        })
    }

    /// Surveys an officer sent back whose reviewed revision is still the current one
    /// (no correction started), most recently decided first.
    pub fn returned_submissions(
        &self,
        window: Window,
    ) -> Result<Vec<ReturnedSubmission>, StoreError> {
        let columns: Vec<String> = COLUMNS.split(", ").map(|c| format!("s.{c}")).collect();
        let sql = format!(
            "SELECT {}, r.state, r.comment, r.decided_at FROM reviews r
             JOIN submissions s ON s.uuid = r.uuid AND s.revision = r.revision AND s.current = 1
             WHERE r.state IN ('has_issues', 'rejected')
             ORDER BY r.seq DESC LIMIT ?1 OFFSET ?2",
            columns.join(", ")
        );
        let n = columns.len();
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(&sql)?;
            let rows = stmt.query_map((window.sql_limit(), window.sql_offset()), |r| {
                Ok(ReturnedSubmission {
                    submission: info(r)?,
                    state: r.get::<_, Key<ReviewState>>(n)?.0,
                    comment: r.get(n + 1)?,
                    decided_at: r.get::<_, Millis>(n + 2)?.0,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Answer, SessionOptions};
    use crate::store::columns;
    use crate::store::forms::tests::form_json;
    use crate::store::testing::store;
    use uuid::Uuid;

    fn notice(
        uuid: Uuid,
        revision: u32,
        state: ReviewState,
        comment: &str,
        seq: i64,
    ) -> ReviewNotice {
        ReviewNotice {
            uuid,
            revision,
            state,
            comment: comment.into(),
            decided_at: DateTime::from_timestamp(1_750_000_000 + seq, 0).unwrap_or_default(),
            seq,
        }
    }

    /// A finalized and sent survey of the "visit" form.
    fn sent_survey(store: &Store) -> Uuid {
        let (info, mut session) = store
            .start_submission("visit", "1", None, &SessionOptions::new(columns::now()))
            .unwrap();
        session
            .set_answer(
                "head_name",
                Answer::Text {
                    value: "Thào Thị Dợ".into(),
                },
            )
            .unwrap();
        store.save_draft(&session).unwrap();
        store
            .finalize(&session.finalize(columns::now()).unwrap())
            .unwrap();
        store.mark_sent(info.uuid, 1).unwrap();
        info.uuid
    }

    #[test]
    fn a_returned_survey_is_listed_with_the_comment_until_a_correction_starts() {
        let (_dir, store) = store();
        store.add_form(&form_json("visit", "1"), None).unwrap();
        let uuid = sent_survey(&store);
        let stranger = Uuid::now_v7();
        let page = [
            notice(uuid, 1, ReviewState::Rejected, "Thiếu tên chủ hộ", 7),
            notice(stranger, 1, ReviewState::Rejected, "not this phone's", 8),
        ];
        assert_eq!(
            store.import_reviews(&page).unwrap(),
            1,
            "only surveys the phone holds"
        );
        assert_eq!(
            store.import_reviews(&page).unwrap(),
            0,
            "the same page twice changes nothing"
        );
        let returned = store.returned_submissions(Window::first(50)).unwrap();
        assert_eq!(returned.len(), 1);
        assert_eq!(returned[0].submission.uuid, uuid);
        assert_eq!(returned[0].state, ReviewState::Rejected);
        assert_eq!(returned[0].comment, "Thiếu tên chủ hộ");

        // An older decision arriving late does not replace the newer one.
        store
            .import_reviews(&[notice(uuid, 1, ReviewState::Approved, "", 3)])
            .unwrap();
        assert_eq!(
            store.returned_submissions(Window::first(50)).unwrap().len(),
            1
        );

        // Starting a correction (revision 2) takes it off the list; abandoning it brings it back.
        store.edit_submission(uuid).unwrap();
        assert!(
            store
                .returned_submissions(Window::first(50))
                .unwrap()
                .is_empty()
        );
        store.delete_draft(uuid).unwrap();
        assert_eq!(
            store.returned_submissions(Window::first(50)).unwrap().len(),
            1
        );

        // A newer approval clears it.
        store
            .import_reviews(&[notice(uuid, 1, ReviewState::Approved, "", 9)])
            .unwrap();
        assert!(
            store
                .returned_submissions(Window::first(50))
                .unwrap()
                .is_empty()
        );
    }
}
