//! Form versions: canonical JSON by `(form_id, version)`, draft or published (to every
//! phone or to an area's subtree), and retired.

use std::collections::HashMap;

use branchbook_core::protocol::FormFile;
use chrono::Utc;
use uuid::Uuid;

use super::audit::AuditAction;
use super::{ServerStore, ServerStoreError};
use crate::db::Row;
use crate::model::{Area, FormVersion};

/// What storing a form version did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormInsert {
    /// A new version was stored (as a draft).
    Stored,
    /// This exact version with this exact content was already there.
    Unchanged,
    /// The version exists with different content: versions are immutable.
    Conflict,
}

const FORM_COLUMNS: &str = "forms.form_id, forms.version, forms.title, forms.sha256, forms.published, forms.area_id, forms.retired_at, forms.created_at";

/// How many columns [`FORM_COLUMNS`] names: a column selected after them is at this index.
const FORM_COLUMN_COUNT: usize = 8;

fn form_from_row(row: &Row) -> Result<FormVersion, ServerStoreError> {
    Ok(FormVersion {
        form_id: row.text(0)?,
        version: row.text(1)?,
        title: row.text(2)?,
        sha256: row.text(3)?,
        published: row.flag(4)?,
        area_id: row.opt_uuid(5)?,
        retired: row.opt_text(6)?.is_some(),
        created_at: row.time(7)?,
    })
}

/// The one rule of where a form version goes, as the `FROM` tail of a query over
/// `forms` whose `$1` is a branch's area path: published, to every phone (no area) or
/// to an area whose path starts the branch's.
const REACHES_BRANCH: &str = "LEFT JOIN areas ON areas.id = forms.area_id
     WHERE forms.published = 1
       AND (forms.area_id IS NULL OR substr($1, 1, length(areas.path)) = areas.path)";
impl ServerStore {
    /// Stores a form version as a draft with the files it carries (their bytes are
    /// already kept by hash), in one transaction, unless it exists (same content: nothing
    /// to do; different content: refused).
    pub fn insert_form_version(
        &self,
        form: &FormVersion,
        json: &str,
        files: &[FormFile],
    ) -> Result<FormInsert, ServerStoreError> {
        self.db.write(|conn| {
            let inserted = conn.exec(
                "INSERT INTO forms (form_id, version, title, sha256, json, published, created_at)
                 VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (form_id, version) DO NOTHING",
                &[
                    (&form.form_id).into(),
                    (&form.version).into(),
                    (&form.title).into(),
                    (&form.sha256).into(),
                    json.into(),
                    Utc::now().into(),
                ],
            )?;
            if inserted == 1 {
                for file in files {
                    conn.exec(
                        "INSERT INTO form_attachments (form_id, version, name, sha256, size)
                         VALUES ($1, $2, $3, $4, $5)",
                        &[
                            (&form.form_id).into(),
                            (&form.version).into(),
                            (&file.name).into(),
                            (&file.sha256).into(),
                            i64::try_from(file.size).unwrap_or(i64::MAX).into(),
                        ],
                    )?;
                }
                let target = format!("{}/{}", form.form_id, form.version);
                self.audit(conn, AuditAction::FormUpload, &target, &form.title)?;
                return Ok(FormInsert::Stored);
            }
            let row = conn
                .query_opt(
                    "SELECT sha256 FROM forms WHERE form_id = $1 AND version = $2",
                    &[(&form.form_id).into(), (&form.version).into()],
                )?
                .ok_or_else(|| ServerStoreError::NotFound("form version".into()))?;
            Ok(if row.text(0)? == form.sha256 {
                FormInsert::Unchanged
            } else {
                FormInsert::Conflict
            })
        })
    }

    /// Publishes a stored version to the phones of `area`'s subtree (`None`: every
    /// phone); publishing again changes where it goes and takes back a retirement.
    /// Returns false when there is no such version.
    pub fn publish_form(
        &self,
        form_id: &str,
        version: &str,
        area: Option<Uuid>,
    ) -> Result<bool, ServerStoreError> {
        self.db.write(|conn| {
            let changed = conn.exec(
                "UPDATE forms SET published = 1, published_at = COALESCE(published_at, $1), area_id = $2, retired_at = NULL
                 WHERE form_id = $3 AND version = $4",
                &[Utc::now().into(), area.into(), form_id.into(), version.into()],
            )?;
            if changed == 1 {
                let to = area.map(|a| a.to_string()).unwrap_or_default();
                self.audit(conn, AuditAction::FormPublish, &format!("{form_id}/{version}"), &to)?;
            }
            Ok(changed == 1)
        })
    }

    /// Retires a published version: phones stop offering it for new surveys (drafts
    /// started with it are still accepted). Returns false when no published version
    /// has that name.
    pub fn retire_form(&self, form_id: &str, version: &str) -> Result<bool, ServerStoreError> {
        self.db.write(|conn| {
            let changed = conn.exec(
                "UPDATE forms SET retired_at = COALESCE(retired_at, $1)
                 WHERE form_id = $2 AND version = $3 AND published = 1",
                &[Utc::now().into(), form_id.into(), version.into()],
            )?;
            if changed == 1 {
                self.audit(
                    conn,
                    AuditAction::FormRetire,
                    &format!("{form_id}/{version}"),
                    "",
                )?;
            }
            Ok(changed == 1)
        })
    }

    /// The versions a phone of `branch` should offer: published, not retired, to every
    /// phone or to an area whose subtree holds the branch.
    pub fn forms_for_branch(&self, branch: &Area) -> Result<Vec<FormVersion>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                &format!(
                    "SELECT {FORM_COLUMNS} FROM forms {REACHES_BRANCH}
                       AND forms.retired_at IS NULL
                     ORDER BY forms.form_id, forms.created_at"
                ),
                &[branch.path.as_str().into()],
            )?
            .iter()
            .map(form_from_row)
            .collect()
        })
    }

    /// The files of the versions a phone of `branch` should offer, by (form id, version).
    pub fn attachments_for_branch(
        &self,
        branch: &Area,
    ) -> Result<HashMap<(String, String), Vec<FormFile>>, ServerStoreError> {
        self.db.read(|conn| {
            let rows = conn.query(
                &format!(
                    "SELECT a.form_id, a.version, a.name, a.sha256, a.size
                     FROM form_attachments a JOIN forms ON forms.form_id = a.form_id AND forms.version = a.version
                     {REACHES_BRANCH} AND forms.retired_at IS NULL
                     ORDER BY a.form_id, a.version, a.name"
                ),
                &[branch.path.as_str().into()],
            )?;
            let mut out: HashMap<(String, String), Vec<FormFile>> = HashMap::new();
            for row in rows {
                out.entry((row.text(0)?, row.text(1)?))
                    .or_default()
                    .push(FormFile {
                        name: row.text(2)?,
                        sha256: row.text(3)?,
                        size: u64::try_from(row.int(4)?).unwrap_or(0),
                    });
            }
            Ok(out)
        })
    }

    /// The files of one stored version, by name.
    pub fn form_attachments(
        &self,
        form_id: &str,
        version: &str,
    ) -> Result<Vec<FormFile>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                "SELECT name, sha256, size FROM form_attachments
                 WHERE form_id = $1 AND version = $2 ORDER BY name",
                &[form_id.into(), version.into()],
            )?
            .iter()
            .map(|row| {
                Ok(FormFile {
                    name: row.text(0)?,
                    sha256: row.text(1)?,
                    size: u64::try_from(row.int(2)?).unwrap_or(0),
                })
            })
            .collect()
        })
    }

    /// True when a version that reaches a phone of `branch` (retired ones included, so
    /// drafts started with them can be finished) carries the file `sha256`: the only
    /// files a phone may download.
    pub fn form_file_reaches_branch(
        &self,
        sha256: &str,
        branch: &Area,
    ) -> Result<bool, ServerStoreError> {
        self.db.read(|conn| {
            Ok(conn
                .query_opt(
                    &format!(
                        "SELECT 1 FROM form_attachments a JOIN forms ON forms.form_id = a.form_id AND forms.version = a.version
                         {REACHES_BRANCH} AND a.sha256 = $2 LIMIT 1"
                    ),
                    &[branch.path.as_str().into(), sha256.into()],
                )?
                .is_some())
        })
    }

    /// Every stored version, drafts included, by form then upload time.
    pub fn forms(&self, published_only: bool) -> Result<Vec<FormVersion>, ServerStoreError> {
        self.db.read(|conn| {
            let filter = if published_only {
                "WHERE published = 1"
            } else {
                ""
            };
            conn.query(
                &format!("SELECT {FORM_COLUMNS} FROM forms {filter} ORDER BY form_id, created_at"),
                &[],
            )?
            .iter()
            .map(form_from_row)
            .collect()
        })
    }

    /// The canonical JSON of one version, if it reaches a phone of `branch`: published
    /// to every phone or to an area whose subtree holds the branch. A retired version
    /// still does, so drafts started with it can be finished.
    pub fn form_json_for_branch(
        &self,
        form_id: &str,
        version: &str,
        branch: &Area,
    ) -> Result<Option<String>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query_opt(
                &format!(
                    "SELECT forms.json FROM forms {REACHES_BRANCH}
                       AND forms.form_id = $2 AND forms.version = $3"
                ),
                &[branch.path.as_str().into(), form_id.into(), version.into()],
            )?
            .map(|r| Ok(r.text(0)?))
            .transpose()
        })
    }

    /// One version and its canonical JSON.
    pub fn form_version(
        &self,
        form_id: &str,
        version: &str,
    ) -> Result<Option<(FormVersion, String)>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query_opt(
                &format!(
                    "SELECT {FORM_COLUMNS}, json FROM forms WHERE form_id = $1 AND version = $2"
                ),
                &[form_id.into(), version.into()],
            )?
            .map(|r| Ok((form_from_row(&r)?, r.text(FORM_COLUMN_COUNT)?)))
            .transpose()
        })
    }
}
