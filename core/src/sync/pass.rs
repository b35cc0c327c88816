//! One sync pass, in order: pull the manifest and the new form versions, pull roster and
//! household changes since the stored cursor, push the outbox in batches, push missing
//! photos resumably. Everything the pass learns goes to the store as soon as it is
//! acknowledged, so a pass stopped anywhere (cancelled, failed, killed) continues where
//! it stopped, and nothing is marked sent that the server did not acknowledge. Memory is
//! bounded by one batch of records and one photo chunk.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use sha2::{Digest, Sha256};

use super::error::{SyncError, SyncStep};
use super::http::Transport;
use super::progress::{SyncObserver, SyncPhase, SyncProgress};
use super::retry::CancelHandle;
use crate::protocol::{
    Changes, Limits, Manifest, PhotoStatus, PushRequest, PushResponse, RecordResult, RecordStatus,
};
use crate::store::{OutboxItem, PendingPhoto, Store};

/// Most records read from the outbox at once (the store's largest page).
const MAX_PAGE: u32 = 500;
/// Bytes kept free in a request body for the `{"records":[..]}` wrapping and commas.
const BODY_SLACK: u64 = 1024;
/// Smallest and largest photo chunk the client uses, whatever the server advises.
const CHUNK_RANGE: (u64, u64) = (16 * 1024, 8 * 1024 * 1024);

/// What a pass did, for the app to summarise.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    /// New form versions downloaded.
    pub forms_received: u32,
    /// Roster members added or changed.
    pub members_received: u32,
    /// Household revisions received from the server.
    pub households_received: u32,
    /// Records the server now holds (accepted, or it already had them).
    pub records_stored: u64,
    /// Records the server refused or found in conflict (they stay on the phone, see
    /// `SyncClient::issues`).
    pub records_refused: u64,
    /// Photos the server now holds whole.
    pub photos_stored: u32,
    /// Photo bytes sent.
    pub photo_bytes_sent: u64,
    /// Compressed record bytes sent.
    pub record_bytes_sent: u64,
    /// Problems that did not stop the pass (a form that did not fit, an unreadable
    /// photo): one sentence each, no personal data.
    pub problems: Vec<String>,
}

/// Sends progress to the observer.
struct Progress<'a> {
    observer: &'a dyn SyncObserver,
}

impl Progress<'_> {
    fn report(&self, phase: SyncPhase, items: (u64, u64), bytes: (u64, u64), current_item: Option<String>) {
        self.observer.on_progress(SyncProgress {
            phase,
            items_done: items.0,
            items_total: items.1,
            bytes_done: bytes.0,
            bytes_total: bytes.1,
            current_item,
        });
    }
}

/// Runs one pass with `transport` against `store`, sizing requests to `limits` until
/// the manifest announces newer ones.
pub(crate) fn run(
    store: &Store,
    transport: &Transport,
    limits: Limits,
    observer: &dyn SyncObserver,
    cancel: &CancelHandle,
) -> Result<SyncReport, SyncError> {
    let progress = Progress { observer };
    let mut report = SyncReport::default();
    let limits = pull_forms(store, transport, limits, &progress, cancel, &mut report)?;
    pull_changes(store, transport, &progress, cancel, &mut report)?;
    push_records(store, transport, limits, &progress, cancel, &mut report)?;
    push_photos(store, transport, limits, &progress, cancel, &mut report)?;
    progress.report(SyncPhase::Done, (0, 0), (0, 0), None);
    Ok(report)
}

fn pull_forms(
    store: &Store,
    transport: &Transport,
    limits: Limits,
    progress: &Progress<'_>,
    cancel: &CancelHandle,
    report: &mut SyncReport,
) -> Result<Limits, SyncError> {
    progress.report(SyncPhase::PullingForms, (0, 0), (0, 0), None);
    let manifest: Manifest = transport.get_json(SyncStep::Manifest, "/api/v1/manifest", cancel)?;
    if manifest.limits != limits {
        store.set_sync_limits(&manifest.limits)?;
    }
    let held: HashSet<(String, String, String)> = store
        .forms()?
        .into_iter()
        .map(|f| (f.form_id, f.version, f.sha256))
        .collect();
    let missing: Vec<_> = manifest
        .forms
        .iter()
        .filter(|f| !held.contains(&(f.form_id.clone(), f.version.clone(), f.sha256.to_ascii_lowercase())))
        .collect();
    let total = missing.len() as u64;
    for (done, form) in missing.into_iter().enumerate() {
        cancel.check()?;
        progress.report(
            SyncPhase::PullingForms,
            (done as u64, total),
            (0, 0),
            Some(format!("form {} {}", form.form_id, form.version)),
        );
        let path = format!("/api/v1/forms/{}/{}", encode(&form.form_id), encode(&form.version));
        let bytes = transport.get_verified(SyncStep::Form, &path, cancel, |bytes| {
            if hex::encode(Sha256::digest(bytes)).eq_ignore_ascii_case(&form.sha256) {
                Ok(())
            } else {
                Err(SyncError::FormHashMismatch {
                    form_id: form.form_id.clone(),
                    version: form.version.clone(),
                })
            }
        })?;
        let json = String::from_utf8(bytes).map_err(|_| SyncError::Protocol {
            step: SyncStep::Form,
            detail: format!("form {} {} is not UTF-8", form.form_id, form.version),
        })?;
        match store.add_form(&json, Some(&form.sha256)) {
            Ok(_) => report.forms_received += 1,
            // A form this phone cannot take (a version it holds with other content)
            // must not stop her records from going up.
            Err(e) => report
                .problems
                .push(format!("form {} version {} was not stored: {e}", form.form_id, form.version)),
        }
    }
    progress.report(SyncPhase::PullingForms, (total, total), (0, 0), None);
    Ok(manifest.limits)
}

/// Percent-encodes a path segment (form ids and versions are usually plain already).
fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn pull_changes(
    store: &Store,
    transport: &Transport,
    progress: &Progress<'_>,
    cancel: &CancelHandle,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut pages = 0u64;
    loop {
        cancel.check()?;
        progress.report(SyncPhase::PullingChanges, (pages, 0), (0, 0), None);
        let cursor = store.sync_cursor()?;
        let changes: Changes = transport.get_json(SyncStep::Changes, &format!("/api/v1/changes?since={cursor}"), cancel)?;
        let applied = store.receive_changes(&changes)?;
        report.members_received += applied.members;
        report.households_received += applied.households;
        pages += 1;
        if !changes.more {
            return Ok(());
        }
        if changes.next_cursor <= cursor {
            return Err(SyncError::Protocol {
                step: SyncStep::Changes,
                detail: format!("more changes announced but the cursor did not move from {cursor}"),
            });
        }
    }
}

/// The longest prefix of `page` that fits `limits` (at least one record).
fn batch_len(page: &[OutboxItem], max_records: usize, max_body: u64) -> usize {
    let mut bytes = BODY_SLACK;
    let mut n = 0;
    for item in page.iter().take(max_records) {
        bytes += item.bytes + 1;
        if n > 0 && bytes > max_body {
            break;
        }
        n += 1;
    }
    n
}

fn push_records(
    store: &Store,
    transport: &Transport,
    limits: Limits,
    progress: &Progress<'_>,
    cancel: &CancelHandle,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let total = store.outbox_len()?;
    let mut done = 0u64;
    let mut after = i64::MIN;
    let mut max_records = limits.max_batch_records.clamp(1, MAX_PAGE);
    progress.report(SyncPhase::PushingRecords, (0, total), (0, 0), None);
    loop {
        cancel.check()?;
        let page = store.outbox_after(after, max_records)?;
        if page.is_empty() {
            return Ok(());
        }
        let n = batch_len(&page, max_records as usize, limits.max_body_bytes);
        let batch = &page[..n];
        if n == 1 && batch[0].bytes + BODY_SLACK > limits.max_body_bytes {
            refuse_locally(store, &batch[0], "too large for the server: it cannot be sent", report)?;
            after = batch[0].seq;
            done += 1;
            continue;
        }
        let first = &batch[0].record;
        progress.report(
            SyncPhase::PushingRecords,
            (done, total),
            (report.record_bytes_sent, 0),
            Some(format!("{} {}", kind_of(first), first.uuid)),
        );
        let request = PushRequest {
            records: batch.iter().map(|i| i.record.clone()).collect(),
        };
        let (response, sent): (PushResponse, usize) =
            match transport.post_json(SyncStep::PushRecords, "/api/v1/records", &request, cancel) {
                Err(SyncError::TooLarge { .. }) if n > 1 => {
                    // The server's limits shrank: halve the batch and try again.
                    max_records = (n as u32 / 2).max(1);
                    continue;
                }
                Err(SyncError::TooLarge { detail, .. }) => {
                    refuse_locally(store, &batch[0], &format!("too large for the server: {detail}"), report)?;
                    after = batch[0].seq;
                    done += 1;
                    continue;
                }
                other => other?,
            };
        check_results(batch, &response.results)?;
        store.acknowledge(&response.results)?;
        for result in &response.results {
            if result.status.is_stored() {
                report.records_stored += 1;
            } else {
                report.records_refused += 1;
            }
        }
        report.record_bytes_sent += sent as u64;
        done += n as u64;
        after = batch[n - 1].seq;
        progress.report(SyncPhase::PushingRecords, (done, total), (report.record_bytes_sent, 0), None);
    }
}

fn kind_of(record: &crate::protocol::Record) -> &'static str {
    use crate::protocol::RecordBody;
    match record.body {
        RecordBody::Submission(_) => "submission",
        RecordBody::Household(_) => "household",
        RecordBody::Gathering(_) => "gathering",
        RecordBody::Audit(_) => "audit",
    }
}

/// Keeps a record the phone cannot send at all as an issue the user sees.
fn refuse_locally(store: &Store, item: &OutboxItem, reason: &str, report: &mut SyncReport) -> Result<(), SyncError> {
    store.acknowledge(&[RecordResult {
        uuid: item.record.uuid,
        revision: item.record.revision,
        status: RecordStatus::Rejected,
        reason: Some(reason.to_owned()),
        missing_photos: vec![],
    }])?;
    report.records_refused += 1;
    Ok(())
}

/// The server must answer each record of the batch, in order; anything else is not
/// acknowledged at all.
fn check_results(batch: &[OutboxItem], results: &[RecordResult]) -> Result<(), SyncError> {
    let matches = batch.len() == results.len()
        && batch
            .iter()
            .zip(results)
            .all(|(item, result)| item.record.uuid == result.uuid && item.record.revision == result.revision);
    if matches {
        Ok(())
    } else {
        Err(SyncError::Protocol {
            step: SyncStep::PushRecords,
            detail: format!("{} results for a batch of {}, or not in its order", results.len(), batch.len()),
        })
    }
}

fn push_photos(
    store: &Store,
    transport: &Transport,
    limits: Limits,
    progress: &Progress<'_>,
    cancel: &CancelHandle,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let pending = store.pending_photos()?;
    let total = pending.len() as u64;
    let bytes_total: u64 = pending.iter().map(|p| p.bytes).sum();
    let chunk = limits.photo_chunk_bytes.clamp(CHUNK_RANGE.0, CHUNK_RANGE.1);
    let mut bytes_done = 0u64;
    for (done, photo) in pending.iter().enumerate() {
        cancel.check()?;
        let item = format!("photo {}", short(&photo.sha256));
        let before = bytes_done;
        let mut on_bytes = |held: u64| {
            progress.report(
                SyncPhase::PushingPhotos,
                (done as u64, total),
                (before + held, bytes_total),
                Some(item.clone()),
            );
        };
        on_bytes(0);
        match push_photo(transport, photo, chunk, cancel, &mut on_bytes, report) {
            Ok(()) => {
                store.mark_photo_uploaded(&photo.sha256)?;
                report.photos_stored += 1;
            }
            Err(SyncError::PhotoFile { sha256, detail }) => {
                report.problems.push(format!("photo {} cannot be sent: {detail}", short(&sha256)));
            }
            Err(e) => return Err(e),
        }
        bytes_done += photo.bytes;
    }
    progress.report(SyncPhase::PushingPhotos, (total, total), (bytes_done, bytes_total), None);
    Ok(())
}

fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// Checks that the file on the phone is whole before sending any of it: a damaged file
/// would be discarded by the server at the last byte, again and again.
fn check_file(photo: &PendingPhoto) -> Result<File, SyncError> {
    let file_error = |detail: String| SyncError::PhotoFile {
        sha256: photo.sha256.clone(),
        detail,
    };
    let mut file = File::open(&photo.path).map_err(|e| file_error(e.kind().to_string()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| file_error(e.kind().to_string()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        len += n as u64;
    }
    if len != photo.bytes || !hex::encode(hasher.finalize()).eq_ignore_ascii_case(&photo.sha256) {
        return Err(file_error("the file on the phone is damaged (its hash changed)".into()));
    }
    Ok(file)
}

/// Sends one photo from the byte the server holds, chunk by chunk. A failed chunk is
/// followed by asking the server what it holds and continuing from there, so after a cut
/// at most one chunk is sent again.
fn push_photo(
    transport: &Transport,
    photo: &PendingPhoto,
    chunk: u64,
    cancel: &CancelHandle,
    on_bytes: &mut dyn FnMut(u64),
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let status_path = format!("/api/v1/photos/{}", photo.sha256);
    let mut status: PhotoStatus = transport.get_json(SyncStep::PhotoStatus, &status_path, cancel)?;
    if status.complete {
        return Ok(());
    }
    let mut file = check_file(photo)?;
    let mut buf = Vec::with_capacity(usize::try_from(chunk).unwrap_or(usize::MAX));
    let mut failures = 0u32;
    loop {
        cancel.check()?;
        on_bytes(status.received);
        if status.complete {
            return Ok(());
        }
        if status.received >= photo.bytes {
            return Err(SyncError::Protocol {
                step: SyncStep::PhotoUpload,
                detail: format!("the server holds {} of {} bytes but not the photo", status.received, photo.bytes),
            });
        }
        file.seek(SeekFrom::Start(status.received)).map_err(|e| SyncError::PhotoFile {
            sha256: photo.sha256.clone(),
            detail: e.kind().to_string(),
        })?;
        buf.clear();
        (&mut file).take(chunk).read_to_end(&mut buf).map_err(|e| SyncError::PhotoFile {
            sha256: photo.sha256.clone(),
            detail: e.kind().to_string(),
        })?;
        let path = format!("{status_path}?offset={}&total={}", status.received, photo.bytes);
        match transport.put_bytes_once::<PhotoStatus>(SyncStep::PhotoUpload, &path, &buf) {
            Ok(next) => {
                report.photo_bytes_sent += buf.len() as u64;
                failures = 0;
                status = next;
            }
            Err(e) if e.is_retryable() || matches!(e, SyncError::Refused { status: 409, .. }) => {
                report.photo_bytes_sent += buf.len() as u64;
                failures += 1;
                if failures >= transport.retry().max_attempts {
                    return Err(e);
                }
                cancel.sleep(transport.retry().delay(failures - 1))?;
                status = transport.get_json(SyncStep::PhotoStatus, &status_path, cancel)?;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(seq: i64, bytes: u64) -> OutboxItem {
        OutboxItem {
            seq,
            record: crate::protocol::Record {
                uuid: uuid::Uuid::now_v7(),
                revision: 1,
                created_at: chrono::Utc::now(),
                body: crate::protocol::RecordBody::Audit(crate::protocol::AuditBody {
                    actor: "mai".into(),
                    action: crate::protocol::AuditAction::Created,
                    target_kind: "household".into(),
                    target_id: uuid::Uuid::nil(),
                    target_revision: 1,
                    at: chrono::Utc::now(),
                }),
            },
            bytes,
        }
    }

    #[test]
    fn a_batch_fits_both_the_record_count_and_the_body_size() {
        let page: Vec<_> = (0..10).map(|i| item(i, 1000)).collect();
        assert_eq!(batch_len(&page, 4, 1 << 20), 4, "count limit");
        assert_eq!(batch_len(&page, 100, BODY_SLACK + 3 * 1001), 3, "size limit");
        assert_eq!(batch_len(&page, 100, 10), 1, "always at least one record");
        assert_eq!(batch_len(&page, 100, 1 << 20), 10);
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode("household_survey"), "household_survey");
        assert_eq!(encode("2024.1"), "2024.1");
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(encode("hộ"), "h%E1%BB%99");
    }
}
