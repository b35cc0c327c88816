//! The data folder holds names, ethnicity, birth years, phone numbers and photos, so it
//! is created readable by the server's user only (0700), and the SQLite database file is
//! created 0600 before SQLite opens it (SQLite gives its WAL and shared-memory files the
//! database file's mode). A folder or database file found more open than that is
//! reported at start-up, not changed: the operator may have set it so on purpose.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::server::ServerError;

/// The SQLite database's file name in the data folder.
pub const SQLITE_FILE: &str = "server.sqlite3";

/// Permission bits that let users other than the server's own read or enter.
const OPEN_TO_OTHERS: u32 = 0o077;

fn io(context: String) -> impl FnOnce(std::io::Error) -> ServerError {
    move |source| ServerError::Io { context, source }
}

/// Creates the data folder (0700) and, with `sqlite`, an empty database file (0600) when
/// they are missing; returns one warning per one found open to other users (each also
/// logged).
pub fn prepare(dir: &Path, sqlite: bool) -> Result<Vec<String>, ServerError> {
    let mut warnings = Vec::new();
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io(format!("creating {}", dir.display())))?;
    }
    let mut check = |path: &Path, wanted: u32| -> Result<(), ServerError> {
        let mode = std::fs::metadata(path)
            .map_err(io(format!("reading {}", path.display())))?
            .permissions()
            .mode();
        if mode & OPEN_TO_OTHERS != 0 {
            warnings.push(format!(
                "{} can be read by other users of this machine (mode {:o}): it holds personal data; run chmod {wanted:o} on it",
                path.display(),
                mode & 0o777
            ));
        }
        Ok(())
    };
    check(dir, 0o700)?;
    if sqlite {
        let file = dir.join(SQLITE_FILE);
        if !file.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&file)
                .map_err(io(format!("creating {}", file.display())))?;
        }
        check(&file, 0o600)?;
    }
    for warning in &warnings {
        tracing::warn!("{warning}");
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_folder_and_database_are_private_and_an_open_folder_is_reported() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a").join("data");
        assert!(prepare(&dir, true).unwrap().is_empty());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(SQLITE_FILE)), 0o600);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let warnings = prepare(&dir, true).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("mode 755") && warnings[0].contains("chmod 700"));
        assert_eq!(mode(&dir), 0o755, "reported, not changed");
    }
}
