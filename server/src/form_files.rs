//! Files attached to a form version (CSV tables for `pulldata()` and `*_from_file`
//! lists, images for labels): the names an upload gives them, checked against the names
//! the form uses, and their bytes on the filesystem, content-addressed by SHA-256 so a
//! file shared by several versions is kept once. A file is written (and synced) before
//! the database row naming it, so a crash leaves at worst an unnamed file, never a named
//! file that is missing.

use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use branchbook_core::form::MAX_ATTACHMENT_BYTES;
use branchbook_core::protocol::FormFile;
use bytes::Bytes;

use crate::ingest::sha256_hex;

/// Most files one form version may carry.
pub const MAX_FORM_FILES: usize = 64;
/// Longest attached file name, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// Why a form's attached files were refused; each names the file it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// The form uses files that were not attached.
    #[error("the form needs the file(s) {}: attach them with the form", quoted(.0))]
    Missing(Vec<String>),
    /// A file was attached that the form does not use.
    #[error("the form does not use the file '{0}': attach only the files it names")]
    Unused(String),
    /// A file name that cannot be a form's file name.
    #[error("'{0}' is not a usable file name: give the file the plain name the form uses")]
    BadName(String),
    /// The same name twice.
    #[error("the file '{0}' was attached twice")]
    Twice(String),
    /// A file over the size bound.
    #[error("the file '{name}' has {bytes} bytes; an attached file may have at most {max}")]
    TooLarge {
        /// The file.
        name: String,
        /// Its size.
        bytes: usize,
        /// The bound.
        max: usize,
    },
    /// More files than a form may carry.
    #[error("{count} files were attached; a form may carry at most {max}")]
    TooMany {
        /// Files attached.
        count: usize,
        /// The bound.
        max: usize,
    },
}

impl AttachmentError {
    /// The machine-readable code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            AttachmentError::Missing(_) => "missing_attachment",
            AttachmentError::Unused(_) => "unused_attachment",
            AttachmentError::BadName(_) | AttachmentError::Twice(_) => "bad_attachment_name",
            AttachmentError::TooLarge { .. } | AttachmentError::TooMany { .. } => {
                "attachment_too_large"
            }
        }
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The plain name of an uploaded file: the last part of what a browser or client sent
/// (some send a whole path), in NFC; refused when empty, hidden, a path step, too long
/// or holding control characters.
pub fn clean_name(raw: &str) -> Result<String, AttachmentError> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let name = branchbook_core::text::nfc(last);
    let usable = !name.is_empty()
        && !name.starts_with('.')
        && name.chars().count() <= MAX_FILE_NAME_CHARS
        && !name.chars().any(char::is_control);
    if usable {
        Ok(name)
    } else {
        Err(AttachmentError::BadName(
            raw.chars().take(MAX_FILE_NAME_CHARS).collect(),
        ))
    }
}

/// An attached file, named and hashed.
#[derive(Debug, Clone)]
pub struct AttachedFile {
    /// Name, hash and size, as phones are told.
    pub file: FormFile,
    /// Its bytes.
    pub bytes: Bytes,
}

/// Names, bounds and hashes the files sent with a form (names cleaned, each at most
/// [`MAX_ATTACHMENT_BYTES`], at most [`MAX_FORM_FILES`], no name twice).
pub fn name_files(files: Vec<(String, Bytes)>) -> Result<Vec<AttachedFile>, AttachmentError> {
    if files.len() > MAX_FORM_FILES {
        return Err(AttachmentError::TooMany {
            count: files.len(),
            max: MAX_FORM_FILES,
        });
    }
    let mut out: Vec<AttachedFile> = Vec::with_capacity(files.len());
    for (raw, bytes) in files {
        let name = clean_name(&raw)?;
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(AttachmentError::TooLarge {
                name,
                bytes: bytes.len(),
                max: MAX_ATTACHMENT_BYTES,
            });
        }
        if out.iter().any(|f| f.file.name == name) {
            return Err(AttachmentError::Twice(name));
        }
        out.push(AttachedFile {
            file: FormFile {
                sha256: sha256_hex(&bytes),
                size: bytes.len() as u64,
                name,
            },
            bytes,
        });
    }
    Ok(out)
}

/// Checks that `attached` are exactly the files the form uses (`needed`): every needed
/// one is there, and none is extra.
pub fn match_needed(needed: &[String], attached: &[AttachedFile]) -> Result<(), AttachmentError> {
    let given: BTreeSet<&str> = attached.iter().map(|f| f.file.name.as_str()).collect();
    let missing: Vec<String> = needed
        .iter()
        .filter(|n| !given.contains(n.as_str()))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(AttachmentError::Missing(missing));
    }
    match attached.iter().find(|f| !needed.contains(&f.file.name)) {
        Some(extra) => Err(AttachmentError::Unused(extra.file.name.clone())),
        None => Ok(()),
    }
}

/// The folder of attached files, content-addressed.
pub struct FormFiles {
    root: PathBuf,
}

impl FormFiles {
    /// The folder under the server's data folder (created when a file is first kept).
    pub fn under(data_dir: &Path) -> FormFiles {
        FormFiles {
            root: data_dir.join("form-files"),
        }
    }

    /// Where a file lives (fanned out by its first two hex digits).
    fn path(&self, sha256: &str) -> PathBuf {
        self.root.join(sha256.get(..2).unwrap_or("00")).join(sha256)
    }

    /// Keeps `bytes` under their hash, unless already kept: written to a temporary
    /// file, synced, then renamed into place, so a kept file is always whole.
    pub fn keep(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(sha256);
        if path.exists() {
            return Ok(());
        }
        let dir = path
            .parent()
            .ok_or_else(|| std::io::Error::other("a form file has no folder"))?;
        std::fs::create_dir_all(dir)?;
        let temp = dir.join(format!(".{}", uuid::Uuid::new_v4()));
        let written = std::fs::File::create(&temp).and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temp, &path)
        });
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// At most `max` bytes of a kept file from `offset`, and its whole size; `None` when
    /// the file is not kept.
    pub fn read_from(
        &self,
        sha256: &str,
        offset: u64,
        max: u64,
    ) -> std::io::Result<Option<(Vec<u8>, u64)>> {
        let mut file = match std::fs::File::open(self.path(sha256)) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let size = file.metadata()?.len();
        let start = offset.min(size);
        file.seek(SeekFrom::Start(start))?;
        let mut out = Vec::new();
        file.take(max.min(size - start)).read_to_end(&mut out)?;
        Ok(Some((out, size)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, bytes: &'static [u8]) -> (String, Bytes) {
        (name.to_owned(), Bytes::from_static(bytes))
    }

    #[test]
    fn names_are_cleaned_and_bad_ones_refused() {
        assert_eq!(clean_name("C:\\forms\\fruits.csv").unwrap(), "fruits.csv");
        assert_eq!(clean_name("../../etc/bản.csv").unwrap(), "bản.csv");
        for bad in ["", "..", "a/", ".hidden", "a\u{7}.csv", &"x".repeat(121)] {
            assert!(
                matches!(clean_name(bad), Err(AttachmentError::BadName(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn files_are_bounded_hashed_and_matched_to_the_form() {
        let named = name_files(vec![file("a.csv", b"name\nx\n")]).unwrap();
        assert_eq!(named[0].file.size, 7);
        assert_eq!(named[0].file.sha256, sha256_hex(b"name\nx\n"));
        assert_eq!(
            name_files(vec![file("a.csv", b"1"), file("dir/a.csv", b"2")]).unwrap_err(),
            AttachmentError::Twice("a.csv".into())
        );
        let many = (0..=MAX_FORM_FILES).map(|i| (format!("{i}.csv"), Bytes::new()));
        assert!(matches!(
            name_files(many.collect()),
            Err(AttachmentError::TooMany { .. })
        ));
        let big = Bytes::from(vec![b'x'; MAX_ATTACHMENT_BYTES + 1]);
        assert!(matches!(
            name_files(vec![("big.csv".into(), big)]),
            Err(AttachmentError::TooLarge { .. })
        ));
        let needed = ["a.csv".to_owned(), "b.csv".to_owned()];
        let missing = match_needed(&needed, &named).unwrap_err();
        assert_eq!(missing, AttachmentError::Missing(vec!["b.csv".into()]));
        assert!(missing.to_string().contains("'b.csv'"));
        assert_eq!(
            match_needed(&needed[..1], &named[..0]),
            Err(AttachmentError::Missing(vec!["a.csv".into()]))
        );
        assert_eq!(
            match_needed(&[], &named),
            Err(AttachmentError::Unused("a.csv".into()))
        );
        assert_eq!(match_needed(&needed[..1], &named), Ok(()));
    }

    #[test]
    fn kept_files_are_read_back_by_range() {
        let dir = tempfile::tempdir().unwrap();
        let files = FormFiles::under(dir.path());
        let sha = sha256_hex(b"0123456789");
        assert_eq!(files.read_from(&sha, 0, 4).unwrap(), None);
        files.keep(&sha, b"0123456789").unwrap();
        files.keep(&sha, b"0123456789").unwrap();
        assert_eq!(
            files.read_from(&sha, 0, 4).unwrap(),
            Some((b"0123".to_vec(), 10))
        );
        assert_eq!(
            files.read_from(&sha, 8, 4).unwrap(),
            Some((b"89".to_vec(), 10))
        );
        assert_eq!(files.read_from(&sha, 12, 4).unwrap(), Some((vec![], 10)));
    }
}
