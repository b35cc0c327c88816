//! One sync pass, in order: pull the manifest and the new form versions, pull roster and
//! household changes and review decisions since the stored cursor, push the outbox in batches, push missing
//! photos resumably. Everything the pass learns goes to the store as soon as it is
//! acknowledged, so a pass stopped anywhere (cancelled, failed, killed) continues where
//! it stopped, and nothing is marked sent that the server did not acknowledge. Memory is
//! bounded by one batch of records and one photo chunk.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::error::{SyncError, SyncStep};
use super::http::Transport;
use super::progress::{SyncObserver, SyncPhase, SyncProgress};
use super::retry::CancelHandle;
use crate::i18n::{UiLanguage, format_day};
use crate::protocol::{
    Changes, Limits, Manifest, PhotoStatus, PushRequest, PushResponse, RecordResult,
};
use crate::store::{OutboxItem, PendingPhoto, PhotoRefusal, RosterChange, Store};

/// Most records read from the outbox at once (the store's largest page).
const MAX_PAGE: u32 = 500;
/// Bytes kept free in a request body for the `{"records":[..]}` wrapping and commas.
const BODY_SLACK: u64 = 1024;
/// Smallest and largest photo chunk the client uses, whatever the server advises.
const CHUNK_RANGE: (u64, u64) = (16 * 1024, 8 * 1024 * 1024);

/// What a pass did, for the app to summarise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncReport {
    /// New form versions downloaded.
    pub forms_received: u32,
    /// Bytes of forms' attached files received (CSV tables, label images).
    pub form_file_bytes_received: u64,
    /// Roster members added or changed.
    pub members_received: u32,
    /// Household revisions received from the server.
    pub households_received: u32,
    /// Officers' review decisions on this phone's surveys received (the returned ones
    /// show on the home screen with their comment).
    pub reviews_received: u64,
    /// Records the server now holds (accepted, or it already had them).
    pub records_stored: u64,
    /// Records the server refused or found in conflict (they stay on the phone with the
    /// server's reason: `Branchbook::outbox_status` lists them).
    pub records_refused: u64,
    /// Photos the server now holds whole.
    pub photos_stored: u32,
    /// Photos and recordings the server refused for what they are (not a file it takes,
    /// or larger than it takes): they stay on the phone, waiting, and the other files of
    /// the pass still go.
    pub photos_refused: u32,
    /// Photo bytes sent, in every chunk request made (those refused or cut too).
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
    fn report(
        &self,
        phase: SyncPhase,
        items: (u64, u64),
        bytes: (u64, u64),
        current_item: Option<String>,
    ) {
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
    let mut pass = Pass {
        store,
        transport,
        progress: Progress { observer },
        cancel,
        report: SyncReport::default(),
    };
    let limits = pass.pull_forms(limits)?;
    pass.pull_changes()?;
    pass.push_records(limits)?;
    pass.push_photos(limits)?;
    store.finish_sync_pass(chrono::Utc::now())?;
    pass.progress.report(SyncPhase::Done, (0, 0), (0, 0), None);
    Ok(pass.report)
}

/// One pass under way: where it reads and writes, and what it did so far.
struct Pass<'a> {
    store: &'a Store,
    transport: &'a Transport,
    progress: Progress<'a>,
    cancel: &'a CancelHandle,
    report: SyncReport,
}

impl Pass<'_> {
    fn pull_forms(&mut self, limits: Limits) -> Result<Limits, SyncError> {
        self.progress
            .report(SyncPhase::PullingForms, (0, 0), (0, 0), None);
        let manifest: Manifest =
            self.transport
                .get_json(SyncStep::Manifest, "/api/v1/manifest", self.cancel)?;
        if manifest.limits != limits {
            self.store.set_sync_limits(&manifest.limits)?;
        }
        let held: HashSet<(String, String, String)> = self
            .store
            .forms()?
            .into_iter()
            .map(|f| (f.form_id, f.version, f.sha256))
            .collect();
        let missing: Vec<_> = manifest
            .forms
            .iter()
            .filter(|f| {
                !held.contains(&(
                    f.form_id.clone(),
                    f.version.clone(),
                    f.sha256.to_ascii_lowercase(),
                ))
            })
            .collect();
        let total = missing.len() as u64;
        for (done, form) in missing.into_iter().enumerate() {
            self.cancel.check()?;
            self.progress.report(
                SyncPhase::PullingForms,
                (done as u64, total),
                (0, 0),
                Some(format!("form {} {}", form.form_id, form.version)),
            );
            let path = format!(
                "/api/v1/forms/{}/{}",
                encode(&form.form_id),
                encode(&form.version)
            );
            let fetched = self
                .transport
                .get_verified(SyncStep::Form, &path, self.cancel, |bytes| {
                    if hex::encode(Sha256::digest(bytes)).eq_ignore_ascii_case(&form.sha256) {
                        Ok(())
                    } else {
                        Err(SyncError::FormHashMismatch {
                            form_id: form.form_id.clone(),
                            version: form.version.clone(),
                        })
                    }
                })
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|_| SyncError::Protocol {
                        step: SyncStep::Form,
                        detail: format!("form {} {} is not UTF-8", form.form_id, form.version),
                    })
                });
            let stored = match fetched {
                Ok(json) => self
                    .store
                    .add_form_with_files(&json, Some(&form.sha256), &form.attachments)
                    .map_err(SyncError::from),
                // A form the server will not give or this phone cannot take (damaged,
                // refused, a version it holds with other content) must not stop her records.
                Err(e) if stops_the_pass(&e) => return Err(e),
                Err(e) => Err(e),
            };
            match stored {
                Ok(_) => self.report.forms_received += 1,
                Err(e) => self.report.problems.push(format!(
                    "form {} version {} was not stored: {e}",
                    form.form_id, form.version
                )),
            }
        }
        let listed: Vec<(String, String)> = manifest
            .forms
            .into_iter()
            .map(|f| (f.form_id, f.version))
            .collect();
        self.store.offer_only(&listed)?;
        self.progress
            .report(SyncPhase::PullingForms, (total, total), (0, 0), None);
        self.pull_form_files()?;
        Ok(manifest.limits)
    }

    /// Downloads the files the stored forms need and the phone does not hold whole, each
    /// from the byte it holds, one server chunk per request, each chunk kept as it
    /// arrives: a download broken off continues where it stopped, in this pass (after
    /// the transport's retries) or the next. A file the server will not give, or whose
    /// bytes do not match its hash, is a problem of the pass, not its end.
    fn pull_form_files(&mut self) -> Result<(), SyncError> {
        let wanted = self.store.wanted_form_files()?;
        let total = wanted.len() as u64;
        let bytes_total: u64 = wanted.iter().map(|f| f.size - f.received.min(f.size)).sum();
        let mut bytes_done = 0u64;
        for (done, file) in wanted.iter().enumerate() {
            let item = format!("form file {}", short(&file.sha256));
            let mut held = file.received;
            while held < file.size {
                self.cancel.check()?;
                self.progress.report(
                    SyncPhase::PullingForms,
                    (done as u64, total),
                    (bytes_done, bytes_total),
                    Some(item.clone()),
                );
                let path = format!("/api/v1/form-files/{}?offset={held}", file.sha256);
                let left = file.size - held;
                let fetched =
                    self.transport
                        .get_verified(SyncStep::FormFile, &path, self.cancel, |bytes| {
                            if bytes.is_empty() || bytes.len() as u64 > left {
                                Err(SyncError::Protocol {
                                    step: SyncStep::FormFile,
                                    detail: format!(
                                        "{} bytes for a file with {left} left",
                                        bytes.len()
                                    ),
                                })
                            } else {
                                Ok(())
                            }
                        });
                let kept = match fetched {
                    Ok(bytes) => self
                        .store
                        .add_form_file_bytes(&file.sha256, held, &bytes)
                        .map_err(SyncError::from),
                    Err(e) if stops_the_pass(&e) => return Err(e),
                    Err(e) => Err(e),
                };
                match kept {
                    Ok(now) => {
                        bytes_done += now - held;
                        self.report.form_file_bytes_received += now - held;
                        held = now;
                    }
                    Err(e) => {
                        self.report
                            .problems
                            .push(format!("{item} was not received: {e}"));
                        break;
                    }
                }
            }
        }
        if total > 0 {
            self.progress.report(
                SyncPhase::PullingForms,
                (total, total),
                (bytes_done, bytes_total),
                None,
            );
        }
        Ok(())
    }

    fn pull_changes(&mut self) -> Result<(), SyncError> {
        self.transport.set_waiting(self.store.outbox_len()?);
        let mut pages = 0u64;
        loop {
            self.cancel.check()?;
            self.progress
                .report(SyncPhase::PullingChanges, (pages, 0), (0, 0), None);
            let cursor = self.store.sync_cursor()?;
            let changes: Changes = self.transport.get_json(
                SyncStep::Changes,
                &format!("/api/v1/changes?since={cursor}"),
                self.cancel,
            )?;
            // Applying a page twice is harmless, so the cursor moves last.
            let members = self
                .store
                .import_roster(&changes.members, RosterChange::Patch)?;
            let households = self.store.import_households(&changes.households)?;
            let reviews = self.store.import_reviews(&changes.reviews)?;
            self.store.set_sync_cursor(changes.next_cursor)?;
            self.report.members_received += members.added + members.updated;
            self.report.households_received += households.applied;
            self.report.reviews_received += reviews;
            pages += 1;
            if !changes.more {
                return Ok(());
            }
            if changes.next_cursor <= cursor {
                return Err(SyncError::Protocol {
                    step: SyncStep::Changes,
                    detail: format!(
                        "more changes announced but the cursor did not move from {cursor}"
                    ),
                });
            }
        }
    }

    fn push_records(&mut self, limits: Limits) -> Result<(), SyncError> {
        let total = self.store.outbox_len()?;
        let mut done = 0u64;
        // Every answered record leaves the outbox (sent, or refused with its reason), so
        // the next batch is always at its head; `last` guards against a head that
        // does not move.
        let mut last = i64::MIN;
        let mut max_records = limits.max_batch_records.clamp(1, MAX_PAGE);
        self.progress
            .report(SyncPhase::PushingRecords, (0, total), (0, 0), None);
        loop {
            self.cancel.check()?;
            let page = self.store.outbox(max_records)?;
            let Some(head) = page.first() else {
                return Ok(());
            };
            self.transport.set_waiting(self.store.outbox_len()?);
            if head.seq <= last {
                return Err(SyncError::Store {
                    detail: format!(
                        "record {} stayed in the outbox after the server answered",
                        head.record.uuid
                    ),
                });
            }
            let n = batch_len(&page, max_records as usize, limits.max_body_bytes);
            let batch = &page[..n];
            if n == 1 && batch[0].bytes + BODY_SLACK > limits.max_body_bytes {
                self.refuse_locally(&batch[0], "too large for the server: it cannot be sent")?;
                last = batch[0].seq;
                done += 1;
                continue;
            }
            let first = &batch[0].record;
            self.progress.report(
                SyncPhase::PushingRecords,
                (done, total),
                (self.report.record_bytes_sent, 0),
                Some(format!("{} {}", kind_of(first), first.uuid)),
            );
            let request = PushRequest {
                records: batch.iter().map(|i| i.record.clone()).collect(),
            };
            let (response, sent): (PushResponse, usize) = match self.transport.post_json(
                SyncStep::PushRecords,
                "/api/v1/records",
                &request,
                self.cancel,
            ) {
                Err(SyncError::TooLarge { .. }) if n > 1 => {
                    // The server's limits shrank: halve the batch and try again.
                    max_records = (n as u32 / 2).max(1);
                    continue;
                }
                Err(SyncError::TooLarge { detail, .. }) => {
                    self.refuse_locally(&batch[0], &format!("too large for the server: {detail}"))?;
                    last = batch[0].seq;
                    done += 1;
                    continue;
                }
                other => other?,
            };
            check_results(batch, &response.results)?;
            self.store.acknowledge(&response.results)?;
            for result in &response.results {
                if result.status.is_stored() {
                    self.report.records_stored += 1;
                } else {
                    self.report.records_refused += 1;
                }
            }
            self.report.record_bytes_sent += sent as u64;
            done += n as u64;
            last = batch[n - 1].seq;
            self.progress.report(
                SyncPhase::PushingRecords,
                (done, total),
                (self.report.record_bytes_sent, 0),
                None,
            );
        }
    }

    /// Sets aside a record the phone cannot send at all, with the reason, for the user.
    fn refuse_locally(&mut self, item: &OutboxItem, reason: &str) -> Result<(), SyncError> {
        self.store
            .mark_rejected(item.record.uuid, item.record.revision, reason)?;
        self.report.records_refused += 1;
        Ok(())
    }

    fn push_photos(&mut self, limits: Limits) -> Result<(), SyncError> {
        let pending = self.store.pending_photos()?;
        let total = pending.len() as u64;
        let bytes_total: u64 = pending.iter().map(|p| p.bytes).sum();
        let chunk = limits.photo_chunk_bytes.clamp(CHUNK_RANGE.0, CHUNK_RANGE.1);
        let under = refusal_limits(&limits);
        let now = Utc::now();
        let mut bytes_done = 0u64;
        for (done, photo) in pending.iter().enumerate() {
            self.cancel.check()?;
            if let Some(refused) = &photo.refused
                && !worth_resending(refused, &under, now)
            {
                self.report.photos_refused += 1;
                self.report.problems.push(format!(
                    "photo {} was refused on {}: not sent again until the server's limits change or a week has passed",
                    short(&photo.sha256),
                    format_day(refused.at, UiLanguage::En)
                ));
                bytes_done += photo.bytes;
                continue;
            }
            let item = format!("photo {}", short(&photo.sha256));
            let before = bytes_done;
            let mut on_bytes = |held: u64| {
                self.progress.report(
                    SyncPhase::PushingPhotos,
                    (done as u64, total),
                    (before + held, bytes_total),
                    Some(item.clone()),
                );
            };
            on_bytes(0);
            let result = self
                .store
                .photo_reader(&photo.sha256)
                .map_err(|e| SyncError::PhotoFile {
                    sha256: photo.sha256.clone(),
                    detail: e.to_string(),
                })
                .and_then(|mut reader| {
                    push_photo(
                        self.transport,
                        photo,
                        &mut reader,
                        chunk,
                        self.cancel,
                        &mut on_bytes,
                        &mut self.report,
                    )
                });
            match result {
                Ok(()) => {
                    self.store.mark_photo_uploaded(&photo.sha256)?;
                    self.report.photos_stored += 1;
                }
                Err(SyncError::PhotoFile { sha256, detail }) => {
                    self.report
                        .problems
                        .push(format!("photo {} cannot be sent: {detail}", short(&sha256)));
                }
                Err(e) if refuses_the_file(&e) => {
                    self.store.mark_photo_refused(&photo.sha256, &under)?;
                    self.report.photos_refused += 1;
                    self.report
                        .problems
                        .push(format!("photo {} was refused: {e}", short(&photo.sha256)));
                }
                Err(e) => return Err(e),
            }
            bytes_done += photo.bytes;
        }
        self.progress.report(
            SyncPhase::PushingPhotos,
            (total, total),
            (bytes_done, bytes_total),
            None,
        );
        Ok(())
    }
}

/// How long a file the server refused for what it is waits before it is sent again under
/// the same limits (the server may have learnt to take it since).
const REFUSED_RESEND_AFTER: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// The server's limits that decide whether it takes a file, as a refusal is remembered
/// under them.
fn refusal_limits(limits: &Limits) -> String {
    format!(
        "max_photo_bytes={} max_body_bytes={}",
        limits.max_photo_bytes, limits.max_body_bytes
    )
}

/// Whether a file refused earlier goes again: the server's limits changed since, or a
/// week has passed (a clock set back counts as passed).
fn worth_resending(refused: &PhotoRefusal, limits_now: &str, now: DateTime<Utc>) -> bool {
    refused.under != limits_now
        || now.signed_duration_since(refused.at) >= REFUSED_RESEND_AFTER
        || now < refused.at
}

/// Whether the server refused one file for what it is (422: not a photo or recording it
/// takes, or larger than it takes; 413: a request larger than it reads): the next file
/// may go, so the pass goes on.
fn refuses_the_file(e: &SyncError) -> bool {
    matches!(
        e,
        SyncError::TooLarge { .. } | SyncError::Refused { status: 422, .. }
    )
}

/// No connection, a revoked device or a cancel stop the pass; any other failure of one
/// download is a problem of the pass, and the pass goes on.
fn stops_the_pass(e: &SyncError) -> bool {
    matches!(
        e,
        SyncError::Unreachable { .. }
            | SyncError::ServerFault { .. }
            | SyncError::NotOurServer { .. }
            | SyncError::Insecure { .. }
            | SyncError::Revoked { .. }
            | SyncError::Cancelled
    )
}

/// Percent-encodes a path segment (form ids and versions are usually plain already).
fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
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

fn kind_of(record: &crate::protocol::Record) -> &'static str {
    use crate::protocol::RecordBody;
    match record.body {
        RecordBody::Submission(_) => "submission",
        RecordBody::Household(_) => "household",
        RecordBody::Gathering(_) => "gathering",
        RecordBody::Audit(_) => "audit",
    }
}

/// The server must answer each record of the batch, in order; anything else is not
/// acknowledged at all.
fn check_results(batch: &[OutboxItem], results: &[RecordResult]) -> Result<(), SyncError> {
    let matches = batch.len() == results.len()
        && batch.iter().zip(results).all(|(item, result)| {
            item.record.uuid == result.uuid && item.record.revision == result.revision
        });
    if matches {
        Ok(())
    } else {
        Err(SyncError::Protocol {
            step: SyncStep::PushRecords,
            detail: format!(
                "{} results for a batch of {}, or not in its order",
                results.len(),
                batch.len()
            ),
        })
    }
}

fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// Reads bytes `offset..offset + len` of `source` into `buf` (replacing what it held).
fn read_range(
    source: &mut (impl Read + Seek),
    offset: u64,
    len: u64,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    buf.clear();
    buf.reserve(usize::try_from(len).unwrap_or(0));
    source.seek(SeekFrom::Start(offset))?;
    source.by_ref().take(len).read_to_end(buf)?;
    if buf.len() as u64 == len {
        Ok(())
    } else {
        Err(std::io::ErrorKind::UnexpectedEof.into())
    }
}

/// Sends one photo from the byte the server holds, chunk by chunk, reading its stored
/// JPEG (`source`) as it goes: one chunk in memory, each byte hashed once as it is read
/// (the bytes the server already holds are read and hashed, not sent), and the whole
/// checked against its name before the last chunk goes, so a photo damaged on the phone
/// never completes an upload. A failed chunk is followed by asking the server what it
/// holds and continuing from there, so after a cut at most one chunk is sent again.
fn push_photo(
    transport: &Transport,
    photo: &PendingPhoto,
    source: &mut (impl Read + Seek),
    chunk: u64,
    cancel: &CancelHandle,
    on_bytes: &mut dyn FnMut(u64),
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let status_path = format!("/api/v1/photos/{}", photo.sha256);
    let mut status: PhotoStatus =
        transport.get_json(SyncStep::PhotoStatus, &status_path, cancel)?;
    if status.complete {
        return Ok(());
    }
    let damaged = || SyncError::PhotoFile {
        sha256: photo.sha256.clone(),
        detail: "the photo on the phone is damaged (its hash changed)".into(),
    };
    let unreadable = |e: std::io::Error| SyncError::PhotoFile {
        sha256: photo.sha256.clone(),
        detail: format!("cannot read it: {e}"),
    };
    if source.seek(SeekFrom::End(0)).map_err(unreadable)? != photo.bytes {
        return Err(damaged());
    }
    let mut hash = Sha256::new();
    let mut hashed = 0u64;
    let mut buf = Vec::new();
    let mut failures = 0u32;
    let mut finish_asked = false;
    loop {
        cancel.check()?;
        on_bytes(status.received);
        if status.complete {
            return Ok(());
        }
        // All bytes there but not checked (the server was interrupted after the last
        // chunk): an empty chunk at the end asks it to check them, once.
        let finishing = status.received == photo.bytes;
        if status.received > photo.bytes || (finishing && finish_asked) {
            return Err(SyncError::Protocol {
                step: SyncStep::PhotoUpload,
                detail: format!(
                    "the server holds {} of {} bytes but not the photo",
                    status.received, photo.bytes
                ),
            });
        }
        finish_asked |= finishing;
        let start = status.received;
        while hashed < start {
            let len = chunk.min(start - hashed);
            read_range(source, hashed, len, &mut buf).map_err(unreadable)?;
            hash.update(&buf);
            hashed += len;
        }
        let end = start.saturating_add(chunk).min(photo.bytes);
        read_range(source, start, end - start, &mut buf).map_err(unreadable)?;
        if end > hashed {
            let new = usize::try_from(hashed - start).unwrap_or(usize::MAX);
            hash.update(buf.get(new..).unwrap_or_default());
            hashed = end;
        }
        if end == photo.bytes
            && !hex::encode(hash.clone().finalize()).eq_ignore_ascii_case(&photo.sha256)
        {
            return Err(damaged());
        }
        let path = format!(
            "{status_path}?offset={}&total={}",
            status.received, photo.bytes
        );
        let sent = transport.put_bytes_once::<PhotoStatus>(SyncStep::PhotoUpload, &path, &buf);
        // Counted whatever the answer: a chunk refused or cut cost her its data too.
        report.photo_bytes_sent += buf.len() as u64;
        match sent {
            Ok(next) => {
                failures = 0;
                status = next;
            }
            Err(e) if e.is_retryable() || matches!(e, SyncError::Refused { status: 409, .. }) => {
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
        assert_eq!(
            batch_len(&page, 100, BODY_SLACK + 3 * 1001),
            3,
            "size limit"
        );
        assert_eq!(batch_len(&page, 100, 10), 1, "always at least one record");
        assert_eq!(batch_len(&page, 100, 1 << 20), 10);
    }

    use crate::sync::test_server::{Answer, TinyServer, json, transport};

    /// A photo of `len` bytes and how the store lists it.
    fn photo_of(len: usize) -> (PendingPhoto, Vec<u8>) {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let sha256 = hex::encode(Sha256::digest(&bytes));
        (
            PendingPhoto {
                sha256,
                bytes: len as u64,
                refused: None,
            },
            bytes,
        )
    }

    fn status(photo: &PendingPhoto, received: u64, complete: bool) -> Answer {
        json(
            200,
            &format!(
                r#"{{"sha256":"{}","received":{received},"complete":{complete}}}"#,
                photo.sha256
            ),
        )
    }

    fn push(
        server: &TinyServer,
        (photo, bytes): &(PendingPhoto, Vec<u8>),
        chunk: u64,
    ) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        push_photo(
            &transport(server),
            photo,
            &mut std::io::Cursor::new(bytes),
            chunk,
            &CancelHandle::default(),
            &mut |_| {},
            &mut report,
        )?;
        Ok(report)
    }

    #[test]
    fn a_photo_continues_from_the_byte_the_server_holds_in_chunks() {
        let photo = photo_of(3000);
        let server = TinyServer::start(vec![
            status(&photo.0, 1000, false),
            status(&photo.0, 2024, false),
            status(&photo.0, 3000, true),
        ]);
        let report = push(&server, &photo, 1024).unwrap();
        let seen = server.seen();
        assert_eq!(seen.len(), 3);
        assert_eq!(
            (seen[1].method.as_str(), seen[1].path.as_str()),
            (
                "PUT",
                &*format!("/api/v1/photos/{}?offset=1000&total=3000", photo.0.sha256)
            )
        );
        let file = &photo.1;
        assert_eq!(seen[1].body, file[1000..2024]);
        assert_eq!(seen[2].body, file[2024..]);
        assert_eq!(
            report.photo_bytes_sent, 2000,
            "the bytes the server had are not sent"
        );
    }

    #[test]
    fn a_cut_chunk_is_resent_from_the_last_acknowledged_byte() {
        let photo = photo_of(3000);
        // The first chunk's answer never comes; the server kept 600 of its bytes.
        let server = TinyServer::start(vec![
            status(&photo.0, 0, false),
            Answer::Silence,
            status(&photo.0, 600, false),
            status(&photo.0, 1624, false),
            status(&photo.0, 2648, false),
            status(&photo.0, 3000, true),
        ]);
        push(&server, &photo, 1024).unwrap();
        let seen = server.seen();
        let puts: Vec<_> = seen.iter().filter(|r| r.method == "PUT").collect();
        let offsets: Vec<_> = puts
            .iter()
            .map(|r| {
                r.path
                    .split("offset=")
                    .nth(1)
                    .unwrap()
                    .split('&')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(offsets, ["0", "600", "1624", "2648"]);
        let resent: usize = puts.iter().map(|r| r.body.len()).sum::<usize>() - 3000;
        assert!(resent <= 1024, "{resent} bytes sent twice");
    }

    #[test]
    fn all_bytes_held_but_unchecked_is_finished_with_an_empty_chunk() {
        let photo = photo_of(3000);
        let server = TinyServer::start(vec![
            status(&photo.0, 3000, false),
            status(&photo.0, 3000, true),
        ]);
        push(&server, &photo, 1024).unwrap();
        let seen = server.seen();
        assert_eq!(seen[1].method, "PUT");
        assert!(seen[1].path.contains("offset=3000&total=3000"));
        assert!(seen[1].body.is_empty());

        // A server that still does not take it is a protocol error, not a loop.
        let server = TinyServer::start(vec![
            status(&photo.0, 3000, false),
            status(&photo.0, 3000, false),
        ]);
        assert!(matches!(
            push(&server, &photo, 1024),
            Err(SyncError::Protocol { .. })
        ));
    }

    #[test]
    fn a_damaged_file_on_the_phone_is_not_sent() {
        let photo = photo_of(3000);
        let photo = (photo.0, b"truncated".to_vec());
        let server = TinyServer::start(vec![status(&photo.0, 0, false)]);
        assert!(matches!(
            push(&server, &photo, 1024),
            Err(SyncError::PhotoFile { .. })
        ));
        assert_eq!(server.seen().len(), 1, "only the status was asked");
    }

    #[test]
    fn a_photo_changed_on_the_phone_is_found_before_its_last_chunk_goes() {
        let (photo, mut bytes) = photo_of(3000);
        bytes[2500] ^= 1;
        let server = TinyServer::start(vec![
            status(&photo, 0, false),
            status(&photo, 1024, false),
            status(&photo, 2048, false),
        ]);
        assert!(matches!(
            push(&server, &(photo, bytes), 1024),
            Err(SyncError::PhotoFile { .. })
        ));
        let puts = server.seen().iter().filter(|r| r.method == "PUT").count();
        assert_eq!(puts, 2, "the chunk that would complete it is not sent");
    }

    #[test]
    fn a_resumed_photo_is_checked_whole_though_only_its_tail_is_sent() {
        // The server holds 2000 bytes; the phone's copy differs in the first 1000.
        let (photo, mut bytes) = photo_of(3000);
        bytes[10] ^= 1;
        let server = TinyServer::start(vec![status(&photo, 2000, false)]);
        assert!(matches!(
            push(&server, &(photo, bytes), 1024),
            Err(SyncError::PhotoFile { .. })
        ));
        assert_eq!(server.seen().len(), 1, "nothing was sent");
    }

    #[test]
    fn a_refused_file_goes_again_when_the_limits_change_or_after_a_week() {
        let limits = |max_photo_bytes| Limits {
            max_batch_records: 500,
            max_body_bytes: 32 << 20,
            max_photo_bytes,
            photo_chunk_bytes: 4 << 20,
        };
        let at = Utc::now();
        let refused = PhotoRefusal {
            under: refusal_limits(&limits(300_000)),
            at,
        };
        let same = refusal_limits(&limits(300_000));
        let day = chrono::TimeDelta::days(1);
        assert!(!worth_resending(&refused, &same, at + day * 6));
        assert!(worth_resending(&refused, &same, at + day * 7));
        assert!(
            worth_resending(&refused, &refusal_limits(&limits(20 << 20)), at + day),
            "an officer raised the limit"
        );
        assert!(
            worth_resending(&refused, &same, at - day),
            "the phone's clock went back"
        );
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode("household_survey"), "household_survey");
        assert_eq!(encode("2024.1"), "2024.1");
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(encode("hộ"), "h%E1%BB%99");
    }
}
