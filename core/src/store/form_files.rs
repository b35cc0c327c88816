//! The files a form version carries (CSV tables, label images), kept in the store (so
//! encrypted with it) once per SHA-256 whatever number of versions name them. A file
//! arrives in chunks, each kept as it comes in its own transaction, so a download broken
//! off continues after the last chunk kept and never fetches a kept byte again; when the
//! last byte is in, the whole is hashed, and a file whose hash is not its name is
//! dropped (to be fetched again) rather than kept. A form whose files are not all
//! complete is not opened for a new survey.

use rusqlite::{OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::{FormInfo, InputField, RecordKind, Store, StoreError};
use crate::form::{MAX_ATTACHMENT_BYTES, needed_files};
use crate::protocol::FormFile;

/// A file some stored form version needs and the phone does not hold whole yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WantedFormFile {
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Bytes already kept (where the download continues).
    pub received: u64,
}

/// Records the files of a form version, in the transaction that stores the version.
pub(crate) fn name_files(
    tx: &Transaction<'_>,
    form_id: &str,
    version: &str,
    files: &[FormFile],
) -> Result<(), StoreError> {
    for file in files {
        let sha = file.sha256.to_ascii_lowercase();
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::invalid(
                InputField::Form,
                format!("the form's file '{}' is not named by a SHA-256", file.name),
            ));
        }
        let size = i64::try_from(file.size).map_err(|_| {
            StoreError::invalid(
                InputField::Form,
                format!("the file '{}' is too large", file.name),
            )
        })?;
        tx.prepare_cached(
            "INSERT INTO form_files (sha256, size) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING",
        )?
        .execute((&sha, size))?;
        tx.prepare_cached(
            "INSERT INTO form_attachments (form_id, version, name, sha256) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (form_id, version, name) DO NOTHING",
        )?
        .execute((form_id, version, &file.name, &sha))?;
    }
    Ok(())
}

/// The names of the files of a version that are not complete on the phone.
pub(crate) fn missing_names(
    tx: &Transaction<'_>,
    form_id: &str,
    version: &str,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT a.name FROM form_attachments a JOIN form_files f ON f.sha256 = a.sha256
         WHERE a.form_id = ?1 AND a.version = ?2 AND f.complete = 0 ORDER BY a.name",
    )?;
    let names = stmt
        .query_map((form_id, version), |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(names)
}

fn received(tx: &Transaction<'_>, sha256: &str) -> Result<u64, StoreError> {
    let bytes: i64 = tx
        .prepare_cached(
            "SELECT coalesce(sum(length(bytes)), 0) FROM form_file_chunks WHERE sha256 = ?1",
        )?
        .query_row([sha256], |r| r.get(0))?;
    Ok(u64::try_from(bytes).unwrap_or(0))
}

/// The bytes of a kept file, its chunks in order.
fn bytes_of(tx: &Transaction<'_>, sha256: &str) -> Result<Vec<u8>, StoreError> {
    let mut stmt =
        tx.prepare_cached("SELECT bytes FROM form_file_chunks WHERE sha256 = ?1 ORDER BY offset")?;
    let chunks = stmt
        .query_map([sha256], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(chunks.concat())
}

impl Store {
    /// The files the stored form versions need that the phone does not hold whole, each
    /// once, with the bytes already kept.
    pub fn wanted_form_files(&self) -> Result<Vec<WantedFormFile>, StoreError> {
        self.read(|tx| {
            let files: Vec<(String, i64)> = tx
                .prepare_cached(
                    "SELECT sha256, size FROM form_files WHERE complete = 0
                       AND sha256 IN (SELECT sha256 FROM form_attachments) ORDER BY sha256",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            files
                .into_iter()
                .map(|(sha256, size)| {
                    Ok(WantedFormFile {
                        received: received(tx, &sha256)?,
                        size: u64::try_from(size).unwrap_or(0),
                        sha256,
                    })
                })
                .collect()
        })
    }

    /// Keeps the next `bytes` of file `sha256`, which must start at `offset`, the bytes
    /// already kept; returns the bytes kept now. When they are all in, the file is
    /// checked against its hash: it is then complete, or, not matching, dropped with an
    /// error (the download starts again from 0).
    pub fn add_form_file_bytes(
        &self,
        sha256: &str,
        offset: u64,
        bytes: &[u8],
    ) -> Result<u64, StoreError> {
        let sha = sha256.to_ascii_lowercase();
        self.write(|tx| {
            let (size, complete): (i64, bool) = tx
                .prepare_cached("SELECT size, complete FROM form_files WHERE sha256 = ?1")?
                .query_row([&sha], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| StoreError::not_found(RecordKind::Form, &sha))?;
            let size = u64::try_from(size).unwrap_or(0);
            let held = received(tx, &sha)?;
            if complete {
                return Ok(held);
            }
            let end = offset.saturating_add(bytes.len() as u64);
            if offset != held || end > size || bytes.is_empty() {
                return Err(StoreError::invalid(
                    InputField::Stored {
                        what: "form file".into(),
                    },
                    format!(
                        "{} bytes at {offset} do not continue the {held} of {size} kept",
                        bytes.len()
                    ),
                ));
            }
            tx.prepare_cached(
                "INSERT INTO form_file_chunks (sha256, offset, bytes) VALUES (?1, ?2, ?3)",
            )?
            .execute((&sha, i64::try_from(offset).unwrap_or(i64::MAX), bytes))?;
            if end < size {
                return Ok(end);
            }
            if hex::encode(Sha256::digest(bytes_of(tx, &sha)?)) == sha {
                tx.prepare_cached("UPDATE form_files SET complete = 1 WHERE sha256 = ?1")?
                    .execute([&sha])?;
                Ok(end)
            } else {
                Err(StoreError::FormFileDamaged {
                    sha256: sha.clone(),
                })
            }
        })
        .or_else(|e| {
            if let StoreError::FormFileDamaged { .. } = e {
                // The bytes do not make the file: forget them, in a transaction of its
                // own (the failed one kept nothing), and say so.
                self.write(|tx| {
                    tx.prepare_cached("DELETE FROM form_file_chunks WHERE sha256 = ?1")?
                        .execute([&sha])?;
                    Ok(())
                })?;
            }
            Err(e)
        })
    }

    /// Adds form version `json` with the bytes of the files it uses (label pictures, CSV
    /// tables), as a form copied onto the phone with its media folder brings them: the
    /// version is stored and named with its files, then each file is kept whole. A file
    /// the form uses and `files` lacks is refused with [`StoreError::FormFilesMissing`];
    /// a file it does not use, or an empty or oversized one, with
    /// [`StoreError::Invalid`]; nothing is stored then. Adding it again changes
    /// nothing; a crash between the version and its bytes leaves a form that does not
    /// open until it is added again.
    pub fn add_form_with_bytes(
        &self,
        json: &str,
        files: &[(String, Vec<u8>)],
    ) -> Result<FormInfo, StoreError> {
        let form = super::forms::parse(json)?;
        let needed = needed_files(&form);
        let missing: Vec<String> = needed
            .iter()
            .filter(|n| !files.iter().any(|(name, _)| name == *n))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(StoreError::FormFilesMissing {
                form: format!("{} version {}", form.id, form.version),
                missing,
            });
        }
        let mut named = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            let refuse = |why: &str| {
                StoreError::invalid(InputField::Form, format!("the file '{name}' {why}"))
            };
            if !needed.contains(name) {
                return Err(refuse("is not used by the form"));
            }
            if bytes.is_empty() || bytes.len() > MAX_ATTACHMENT_BYTES {
                return Err(refuse(&format!(
                    "must hold 1 to {MAX_ATTACHMENT_BYTES} bytes"
                )));
            }
            named.push(FormFile {
                name: name.clone(),
                sha256: hex::encode(Sha256::digest(bytes)),
                size: bytes.len() as u64,
            });
        }
        let mut info = self.add_form_with_files(json, None, &named)?;
        for (file, (_, bytes)) in named.iter().zip(files) {
            // A sync may have brought part of the same file already: continue after it.
            let held = self.read(|tx| received(tx, &file.sha256))?;
            let rest = bytes
                .get(usize::try_from(held).unwrap_or(usize::MAX)..)
                .unwrap_or_default();
            if !rest.is_empty() {
                self.add_form_file_bytes(&file.sha256, held, rest)?;
            }
        }
        info.files_missing = 0;
        Ok(info)
    }

    /// The bytes of the file `name` of form `form_id` version `version` (a `pulldata()`
    /// table, a label image), once the phone holds it whole.
    pub fn form_file(
        &self,
        form_id: &str,
        version: &str,
        name: &str,
    ) -> Result<Vec<u8>, StoreError> {
        self.read(|tx| {
            let found: Option<(String, bool)> = tx
                .prepare_cached(
                    "SELECT f.sha256, f.complete FROM form_attachments a JOIN form_files f ON f.sha256 = a.sha256
                     WHERE a.form_id = ?1 AND a.version = ?2 AND a.name = ?3",
                )?
                .query_row((form_id, version, name), |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            match found {
                Some((sha, true)) => bytes_of(tx, &sha),
                Some((_, false)) => Err(StoreError::FormFilesMissing {
                    form: format!("{form_id} version {version}"),
                    missing: vec![name.to_owned()],
                }),
                None => Err(StoreError::not_found(
                    RecordKind::Form,
                    format!("{form_id} version {version}: {name}"),
                )),
            }
        })
    }

    /// Refused with [`StoreError::FormFilesMissing`] while a file of the version is not
    /// whole on the phone: such a form is not opened.
    pub(crate) fn check_form_files(&self, form_id: &str, version: &str) -> Result<(), StoreError> {
        let missing = self.read(|tx| missing_names(tx, form_id, version))?;
        if missing.is_empty() {
            Ok(())
        } else {
            Err(StoreError::FormFilesMissing {
                form: format!("{form_id} version {version}"),
                missing,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SessionOptions;
    use crate::store::columns;
    use crate::store::forms::tests::form_json;
    use crate::store::testing::{count, store};

    fn file(name: &str, bytes: &[u8]) -> FormFile {
        FormFile {
            name: name.into(),
            sha256: hex::encode(Sha256::digest(bytes)),
            size: bytes.len() as u64,
        }
    }

    #[test]
    fn a_file_arrives_in_chunks_is_checked_and_kept_once_for_every_version() {
        let (_dir, store) = store();
        let csv = b"name,color\napple,red\nbanana,yellow\n";
        let f = file("fruits.csv", csv);
        store
            .add_form_with_files(&form_json("visit", "1"), None, std::slice::from_ref(&f))
            .unwrap();
        store
            .add_form_with_files(&form_json("visit", "2"), None, std::slice::from_ref(&f))
            .unwrap();
        let wanted = store.wanted_form_files().unwrap();
        assert_eq!(
            wanted,
            vec![WantedFormFile {
                sha256: f.sha256.clone(),
                size: f.size,
                received: 0
            }],
            "one file for both versions"
        );
        assert_eq!(store.forms().unwrap()[0].files_missing, 1);
        // Not opened, nor read, while it is incomplete.
        let options = SessionOptions::new(columns::now());
        assert!(matches!(
            store.start_submission("visit", "1", None, &options),
            Err(StoreError::FormFilesMissing { ref missing, .. }) if missing == &["fruits.csv"]
        ));
        assert!(matches!(
            store.form_file("visit", "1", "fruits.csv"),
            Err(StoreError::FormFilesMissing { .. })
        ));

        assert_eq!(
            store.add_form_file_bytes(&f.sha256, 0, &csv[..10]).unwrap(),
            10
        );
        // A chunk that does not continue the kept bytes is refused and changes nothing.
        assert!(
            store
                .add_form_file_bytes(&f.sha256, 4, &csv[4..12])
                .is_err()
        );
        assert!(store.add_form_file_bytes(&f.sha256, 10, &[]).is_err());
        assert_eq!(store.wanted_form_files().unwrap()[0].received, 10);
        assert_eq!(
            store
                .add_form_file_bytes(&f.sha256, 10, &csv[10..])
                .unwrap(),
            csv.len() as u64
        );
        assert!(store.wanted_form_files().unwrap().is_empty());
        assert_eq!(store.form_file("visit", "2", "fruits.csv").unwrap(), csv);
        assert_eq!(store.forms().unwrap()[0].files_missing, 0);
        store
            .start_submission("visit", "1", None, &options)
            .unwrap();
        assert!(matches!(
            store.form_file("visit", "2", "other.csv"),
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(count(&store, "form_files"), 1);
    }

    #[test]
    fn bytes_that_do_not_match_the_hash_are_dropped_and_fetched_again() {
        let (_dir, store) = store();
        let good = b"name,color\napple,red\n";
        let f = file("fruits.csv", good);
        store
            .add_form_with_files(&form_json("visit", "1"), None, std::slice::from_ref(&f))
            .unwrap();
        store.add_form_file_bytes(&f.sha256, 0, &good[..5]).unwrap();
        let mut bad = good.to_vec();
        bad[7] = b'X';
        assert!(matches!(
            store.add_form_file_bytes(&f.sha256, 5, &bad[5..]),
            Err(StoreError::FormFileDamaged { .. })
        ));
        assert_eq!(store.wanted_form_files().unwrap()[0].received, 0);
        store.add_form_file_bytes(&f.sha256, 0, good).unwrap();
        assert_eq!(store.form_file("visit", "1", "fruits.csv").unwrap(), good);
        assert!(matches!(
            store.add_form_file_bytes("00", 0, good),
            Err(StoreError::NotFound { .. })
        ));
        let unnamed = FormFile {
            sha256: "not-a-hash".into(),
            ..f
        };
        assert!(
            store
                .add_form_with_files(&form_json("visit", "2"), None, &[unnamed])
                .is_err()
        );
        assert_eq!(store.forms().unwrap().len(), 1, "refused whole");
    }
    #[test]
    fn a_form_imported_with_its_files_opens_and_shows_its_picture() {
        let (_dir, store) = store();
        let mut form: serde_json::Value = serde_json::from_str(&form_json("visit", "1")).unwrap();
        form["body"][0]["media"] = serde_json::json!({"image": {"": "water.png"}});
        let json = form.to_string();
        let png = b"\x89PNG not really, but bytes".to_vec();
        assert!(matches!(
            store.add_form_with_bytes(&json, &[]),
            Err(StoreError::FormFilesMissing { ref missing, .. }) if missing == &["water.png"]
        ));
        let extra = ("other.png".to_owned(), png.clone());
        let water = ("water.png".to_owned(), png.clone());
        assert!(matches!(
            store.add_form_with_bytes(&json, &[water.clone(), extra]),
            Err(StoreError::Invalid { .. })
        ));
        assert!(matches!(
            store.add_form_with_bytes(&json, &[("water.png".to_owned(), Vec::new())]),
            Err(StoreError::Invalid { .. })
        ));
        assert!(store.forms().unwrap().is_empty(), "refused whole");

        // A sync had brought the first bytes of the same picture for another form.
        let f = file("water.png", &png);
        store
            .add_form_with_files(&form_json("other", "1"), None, std::slice::from_ref(&f))
            .unwrap();
        store.add_form_file_bytes(&f.sha256, 0, &png[..4]).unwrap();

        let info = store
            .add_form_with_bytes(&json, std::slice::from_ref(&water))
            .unwrap();
        assert_eq!(info.files_missing, 0);
        assert_eq!(store.form_file("visit", "1", "water.png").unwrap(), png);
        assert_eq!(
            store.form_file("other", "1", "water.png").unwrap(),
            png,
            "one copy serves both"
        );
        store
            .start_submission("visit", "1", None, &SessionOptions::new(columns::now()))
            .unwrap();
        assert_eq!(
            store
                .add_form_with_bytes(&json, std::slice::from_ref(&water))
                .unwrap()
                .sha256,
            info.sha256,
            "the same again changes nothing"
        );
        assert_eq!(count(&store, "form_files"), 1);
    }
}
