//! Names for the submissions stored before the server named them (migration 008 added
//! `records.instance_name` and named what arrived after it): migration 011 evaluates each
//! one's form `instance_name` with the core's engine on the answers the server kept, the
//! same evaluation a push runs, so a record reads the same whenever it arrived.

use std::collections::HashMap;

use branchbook_core::engine::{CompiledForm, ServerFacts};
use branchbook_core::form::load_json;
use branchbook_core::protocol::SubmissionBody;

use super::ServerStoreError;
use crate::db::{Conn, Value};
use crate::ingest::kept_instance_name;

/// Submissions read and named per round, so memory stays bounded whatever the database
/// holds.
const PAGE: i64 = 500;

/// The compiled form versions met so far (`None`: missing or unreadable: its records
/// keep the form-and-day name).
type Forms = HashMap<(String, String), Option<CompiledForm>>;

fn compiled<'a>(
    conn: &mut dyn Conn,
    forms: &'a mut Forms,
    form_id: String,
    version: String,
) -> Result<Option<&'a CompiledForm>, ServerStoreError> {
    let key = (form_id, version);
    if !forms.contains_key(&key) {
        let json = conn.query_opt(
            "SELECT json FROM forms WHERE form_id = $1 AND version = $2",
            &[Value::from(&key.0), Value::from(&key.1)],
        )?;
        let form = match json {
            Some(row) => load_json(&row.text(0)?).ok(),
            None => None,
        };
        forms.insert(key.clone(), form);
    }
    Ok(forms.get(&key).and_then(Option::as_ref))
}

/// Gives every unnamed submission the name its form's `instance_name` evaluates to on its
/// kept answers, with the facts its push had (the sending device and account, its own
/// start and end, when the server received it). Submissions whose form has no name, or whose form or answers no longer
/// read, stay unnamed and are shown by form and day.
pub(crate) fn name_unnamed(conn: &mut dyn Conn) -> Result<(), ServerStoreError> {
    let mut forms = Forms::new();
    let mut after = 0_i64;
    loop {
        let rows = conn.query(
            "SELECT r.seq, r.form_id, r.form_version, r.body, r.device_id, COALESCE(a.username, ''), r.received_at
             FROM records r LEFT JOIN devices d ON d.id = r.device_id LEFT JOIN accounts a ON a.id = d.account_id
             WHERE r.kind = 'submission' AND r.instance_name IS NULL AND r.seq > $1 ORDER BY r.seq LIMIT $2",
            &[after.into(), PAGE.into()],
        )?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.int(0)?;
        for row in &rows {
            let (Some(form_id), Some(version)) = (row.opt_text(1)?, row.opt_text(2)?) else {
                continue;
            };
            let Ok(body) = serde_json::from_str::<SubmissionBody>(&row.text(3)?) else {
                continue;
            };
            let facts = ServerFacts {
                device_id: row.text(4)?,
                username: row.text(5)?,
                started_at: body.started_at,
                finalized_at: body.finalized_at,
                received_at: row.time(6)?,
            };
            let Some(form) = compiled(conn, &mut forms, form_id, version)? else {
                continue;
            };
            let name = form
                .recompute_data(&body.data, &facts)
                .ok()
                .and_then(|r| kept_instance_name(r.instance_name));
            if let Some(name) = name {
                conn.exec(
                    "UPDATE records SET instance_name = $1 WHERE seq = $2",
                    &[name.into(), row.int(0)?.into()],
                )?;
            }
        }
    }
}
