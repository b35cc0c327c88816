//! How an administrator gets in when nobody can: the first start's one-time password is
//! also kept in a file of the data folder readable only by the server's user (for an
//! operator who missed the line on standard output), removed once the administrator
//! has chosen a password; and `branchbook-server reset-password USERNAME` gives any
//! account a new one-time password from the server's own machine.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::secret::{hash_password, new_password};
use crate::server::ServerError;
use crate::store::ServerStore;

/// The file, in the data folder, holding the first start's one-time password.
pub const FIRST_PASSWORD_FILE: &str = "first-admin-password.txt";

/// Where the first start's password file lives.
pub fn first_password_path(data_dir: &Path) -> PathBuf {
    data_dir.join(FIRST_PASSWORD_FILE)
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> ServerError {
    move |source| ServerError::Io { context, source }
}

/// Writes the first start's one-time password to its file, created readable and
/// writable by the server's user only (0600), never more open even for an instant.
pub fn keep_first_password(data_dir: &Path, password: &str) -> Result<PathBuf, ServerError> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = first_password_path(data_dir);
    let context = format!("writing {}", path.display());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .map_err(io(context.clone()))?;
    writeln!(file, "{password}").map_err(io(context.clone()))?;
    file.sync_all().map_err(io(context))?;
    Ok(path)
}

/// Removes the first start's password file (once the administrator chose a password).
pub fn forget_first_password(data_dir: &Path) -> Result<(), ServerError> {
    let path = first_password_path(data_dir);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(io(format!("removing {}", path.display()))(e))
        }
        _ => Ok(()),
    }
}

/// At start-up: removes a password file left from the first start when no administrator
/// still waits to change a one-time password (the change happened while the file could
/// not be removed, or on another server of the same database).
pub fn tidy_first_password(store: &ServerStore, data_dir: &Path) -> Result<(), ServerError> {
    if first_password_path(data_dir).exists() && !store.admin_must_change_password()? {
        forget_first_password(data_dir)?;
    }
    Ok(())
}

/// Why `reset-password` could not reset.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// No account has that login name.
    #[error("no account is named {0:?}")]
    NoSuchAccount(String),
    /// The store or the hash failed.
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// Gives the account named `username` a new one-time password (to be changed at its
/// next sign-in) and ends its sessions; returns the password, to be shown once.
pub fn reset_password(store: &ServerStore, username: &str) -> Result<String, ResetError> {
    let Some((account, _)) = store
        .account_for_login(username)
        .map_err(ServerError::from)?
    else {
        return Err(ResetError::NoSuchAccount(username.to_owned()));
    };
    let password = new_password();
    let hash = hash_password(&password).map_err(ServerError::from)?;
    store
        .reset_password(account.id, &hash)
        .map_err(ServerError::from)?;
    tracing::info!(account = %account.id, "password reset from the server's command line");
    Ok(password)
}
