//! What can go wrong while enrolling or syncing, with enough context for the user and
//! for support, and never a token, an answer or a name.

use std::fmt;

/// The request a failure happened in, so an error says where it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncStep {
    /// Exchanging an enrollment code for a device token.
    Enroll,
    /// Fetching the manifest of published forms.
    Manifest,
    /// Downloading one form version.
    Form,
    /// Downloading a chunk of a form's attached file.
    FormFile,
    /// Fetching roster and household changes.
    Changes,
    /// Uploading a batch of records.
    PushRecords,
    /// Asking how much of a photo the server holds.
    PhotoStatus,
    /// Uploading a chunk of a photo.
    PhotoUpload,
}

impl fmt::Display for SyncStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SyncStep::Enroll => "enrolling",
            SyncStep::Manifest => "fetching the form list",
            SyncStep::Form => "downloading a form",
            SyncStep::FormFile => "downloading a form's file",
            SyncStep::Changes => "fetching roster changes",
            SyncStep::PushRecords => "sending records",
            SyncStep::PhotoStatus => "checking a photo",
            SyncStep::PhotoUpload => "sending a photo",
        })
    }
}

/// Why an enrollment or a sync pass stopped. Retryable kinds are retried with backoff
/// inside the pass; when one reaches the caller the retries or the deadline ran out.
/// The apps see it as [`crate::api::BranchbookError`] (each kind mapped there).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server address typed or scanned is not a usable URL.
    #[error("the server address {url:?} is not usable: {reason}")]
    BadServerUrl {
        /// The address as given (an address, not a secret).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The QR code does not hold Branchbook's enrollment payload.
    #[error("this QR code is not a Branchbook enrollment code: {reason}")]
    BadEnrollmentQr {
        /// What could not be read.
        reason: String,
    },
    /// The phone has no device token yet.
    #[error("this phone is not enrolled yet: scan an enrollment code first")]
    NotEnrolled,
    /// 401: the token is unknown, expired or the device was revoked.
    #[error(
        "this device was revoked or its access expired ({step}); ask an officer to enroll it again"
    )]
    Revoked {
        /// Where it was refused.
        step: SyncStep,
    },
    /// The server refused the request for a reason it gave (4xx with an error body).
    #[error("the server refused {step} ({status} {code}): {detail}")]
    Refused {
        /// Where it was refused.
        step: SyncStep,
        /// HTTP status.
        status: u16,
        /// The server's machine-readable code.
        code: String,
        /// The server's sentence.
        detail: String,
    },
    /// The secure connection could not be made: the server's certificate is not trusted or
    /// names another host (a Wi-Fi that intercepts HTTPS, a wrong address). Not retried:
    /// the same network gives the same certificate; another network or address may work.
    #[error("no secure connection to the server while {step}: {detail}")]
    Insecure {
        /// Where.
        step: SyncStep,
        /// What TLS said (the certificate problem).
        detail: String,
    },
    /// 413: a request was larger than the server accepts.
    #[error("the server says a request was too large while {step}: {detail}")]
    TooLarge {
        /// Where.
        step: SyncStep,
        /// The server's sentence.
        detail: String,
    },
    /// No connection, a timeout, or the connection dropped (retryable).
    #[error("cannot reach the server while {step}: {detail}")]
    Unreachable {
        /// Where.
        step: SyncStep,
        /// What the network layer said (no URL query, no header).
        detail: String,
    },
    /// A 5xx or 408/429: the server or a gateway is in trouble (retryable).
    #[error("the server had a problem while {step} (HTTP {status})")]
    ServerFault {
        /// Where.
        step: SyncStep,
        /// HTTP status.
        status: u16,
    },
    /// Something answered that is not the Branchbook server: a Wi-Fi login page, a
    /// redirect, a proxy's error page (retryable: the network may come back).
    #[error(
        "something other than the Branchbook server answered while {step} (HTTP {status}); a Wi-Fi login page?"
    )]
    NotOurServer {
        /// Where.
        step: SyncStep,
        /// HTTP status it answered with.
        status: u16,
    },
    /// A downloaded form does not match the hash the manifest announced (retryable: the
    /// transfer may have been damaged).
    #[error("form {form_id} version {version} arrived damaged (hash mismatch)")]
    FormHashMismatch {
        /// The form's id.
        form_id: String,
        /// The version.
        version: String,
    },
    /// The server answered in a way the protocol does not allow (a result list that does
    /// not match the batch, an offset beyond the photo).
    #[error("the server broke the sync protocol while {step}: {detail}")]
    Protocol {
        /// Where.
        step: SyncStep,
        /// What was wrong.
        detail: String,
    },
    /// A photo file of the outbox cannot be read.
    #[error("photo {sha256} cannot be read from the phone: {detail}")]
    PhotoFile {
        /// The photo's hash.
        sha256: String,
        /// The I/O error.
        detail: String,
    },
    /// The local store failed.
    #[error("local store: {detail}")]
    Store {
        /// The store's error message.
        detail: String,
    },
    /// The user cancelled the pass; everything acknowledged so far is kept.
    #[error("sync cancelled")]
    Cancelled,
}

impl From<crate::store::StoreError> for SyncError {
    fn from(error: crate::store::StoreError) -> Self {
        SyncError::Store {
            detail: error.to_string(),
        }
    }
}

impl SyncError {
    /// True for failures that may go away by themselves (network, server faults): the
    /// pass retries them with backoff; the others stop it at once.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SyncError::Unreachable { .. }
                | SyncError::ServerFault { .. }
                | SyncError::NotOurServer { .. }
                | SyncError::FormHashMismatch { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_and_server_faults_are_retryable_refusals_are_not() {
        let unreachable = SyncError::Unreachable {
            step: SyncStep::Changes,
            detail: "timed out".into(),
        };
        assert!(unreachable.is_retryable());
        assert!(
            SyncError::ServerFault {
                step: SyncStep::PushRecords,
                status: 503
            }
            .is_retryable()
        );
        assert!(
            !SyncError::Revoked {
                step: SyncStep::Manifest
            }
            .is_retryable()
        );
        assert!(
            !SyncError::TooLarge {
                step: SyncStep::PushRecords,
                detail: "too big".into()
            }
            .is_retryable()
        );
        assert!(!SyncError::Cancelled.is_retryable());
    }

    #[test]
    fn a_revoked_device_is_told_so() {
        let text = SyncError::Revoked {
            step: SyncStep::PushRecords,
        }
        .to_string();
        assert!(text.contains("revoked"), "{text}");
        assert!(text.contains("sending records"), "{text}");
    }
}
