//! How a pass tells the app how far it got: the app implements [`SyncObserver`] (a
//! uniffi callback interface) and shows the [`SyncProgress`] it receives as the core
//! words it ([`sync_progress_view`]).

use std::collections::HashMap;

use super::SyncReport;
use crate::i18n::{TextKey, UiLanguage, format_bytes, ui_format, ui_text};

/// The stages of a pass, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SyncPhase {
    /// Fetching the manifest and downloading new form versions.
    PullingForms,
    /// Fetching roster and household changes.
    PullingChanges,
    /// Uploading finalized records.
    PushingRecords,
    /// Uploading photos.
    PushingPhotos,
    /// The pass finished.
    Done,
}

/// One progress report. Totals are what the phase has to do; `bytes_*` are zero in the
/// phases that do not count bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncProgress {
    /// The current stage.
    pub phase: SyncPhase,
    /// Items finished in this phase.
    pub items_done: u64,
    /// Items this phase has to handle; 0 when it cannot be known ahead (pulling roster
    /// and household changes counts the pages as they arrive), which a UI shows as an
    /// indeterminate bar.
    pub items_total: u64,
    /// Bytes sent or received in this phase.
    pub bytes_done: u64,
    /// Bytes this phase has to move, when known.
    pub bytes_total: u64,
    /// What is being worked on ("submission 0193…", "photo 3fa2…"): kinds and ids only,
    /// never names or answers.
    pub current_item: Option<String>,
}

/// Implemented by the app (Kotlin, Swift) to receive progress; called on the thread
/// that runs the pass, so the app hands it to its UI thread.
#[cfg_attr(feature = "uniffi", uniffi::export(callback_interface))]
pub trait SyncObserver: Send + Sync {
    /// Called after every step of the pass.
    fn on_progress(&self, progress: SyncProgress);
}

/// An observer that ignores everything, for callers with no UI (tests, tools).
#[derive(Debug, Default, Clone, Copy)]
pub struct Unobserved;

impl SyncObserver for Unobserved {
    fn on_progress(&self, _progress: SyncProgress) {}
}

/// A progress report as the send screen shows it, in the app language: what the pass
/// does, how far it got, and the bytes moved. Both apps draw this; neither computes it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncProgressView {
    /// "Đang gửi ảnh: 3/10".
    pub sentence: String,
    /// How far the phase got, 0.0 to 1.0: from the bytes when the phase counts them (a
    /// big photo moves the bar while it goes), else from the items; None when neither
    /// total is known (an indeterminate bar).
    pub fraction: Option<f64>,
    /// The same as a whole percentage, 0 to 100, for bars that take integers.
    pub percent: Option<u8>,
    /// "1,2 MB / 3,4 MB" when the phase counts bytes.
    pub bytes: Option<String>,
}

/// How `progress` reads on the send screen; `None` (a pass started, no report yet) reads
/// as the first phase with an indeterminate bar.
pub fn sync_progress_view(
    progress: Option<&SyncProgress>,
    language: UiLanguage,
) -> SyncProgressView {
    let Some(p) = progress else {
        return SyncProgressView {
            sentence: ui_text(TextKey::SendPhaseForms, language),
            fraction: None,
            percent: None,
            bytes: None,
        };
    };
    let counts = |key: TextKey| {
        let (done, total) = (p.items_done.to_string(), p.items_total.to_string());
        let mut args = HashMap::new();
        args.insert("done".to_owned(), done);
        args.insert("total".to_owned(), total);
        ui_format(key, language, args)
    };
    let sentence = match p.phase {
        SyncPhase::PullingForms => ui_text(TextKey::SendPhaseForms, language),
        SyncPhase::PullingChanges => ui_text(TextKey::SendPhaseChanges, language),
        SyncPhase::PushingRecords => counts(TextKey::SendPhaseRecords),
        SyncPhase::PushingPhotos => counts(TextKey::SendPhasePhotos),
        SyncPhase::Done => ui_text(TextKey::SendPhaseDone, language),
    };
    let fraction =
        share(p.bytes_done, p.bytes_total).or_else(|| share(p.items_done, p.items_total));
    // Records are compressed as they go, so only phases that know their byte total show bytes.
    let bytes = (p.bytes_total > 0).then(|| {
        let mut args = HashMap::new();
        args.insert("done".to_owned(), format_bytes(p.bytes_done, language));
        args.insert("total".to_owned(), format_bytes(p.bytes_total, language));
        ui_format(TextKey::SendBytes, language, args)
    });
    SyncProgressView {
        sentence,
        fraction,
        percent: fraction.map(|f| (f * 100.0).floor() as u8),
        bytes,
    }
}

/// `done` of `total` as a fraction within 0..=1, None when the total is unknown (0).
fn share(done: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| (done as f64 / total as f64).clamp(0.0, 1.0))
}

/// How a finished pass reads: "Đã gửi 3 bản ghi và 2 ảnh."
pub fn sync_report_text(report: &SyncReport, language: UiLanguage) -> String {
    let mut args = HashMap::new();
    args.insert("records".to_owned(), report.records_stored.to_string());
    args.insert("photos".to_owned(), report.photos_stored.to_string());
    let sent = ui_format(TextKey::SendSentSummary, language, args);
    if report.photos_refused == 0 {
        return sent;
    }
    let mut args = HashMap::new();
    args.insert("files".to_owned(), report.photos_refused.to_string());
    format!(
        "{sent} {}",
        ui_format(TextKey::SendFilesRefused, language, args)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(phase: SyncPhase, items: (u64, u64), bytes: (u64, u64)) -> SyncProgress {
        SyncProgress {
            phase,
            items_done: items.0,
            items_total: items.1,
            bytes_done: bytes.0,
            bytes_total: bytes.1,
            current_item: None,
        }
    }

    #[test]
    fn the_bar_follows_the_bytes_when_the_phase_counts_them_else_the_items() {
        // Photo 1 of 4 is half sent, but 3 of 4 MB are through: the bar says 75%.
        let photos = progress(SyncPhase::PushingPhotos, (1, 4), (3 << 20, 4 << 20));
        let view = sync_progress_view(Some(&photos), UiLanguage::Vi);
        assert_eq!(view.sentence, "Đang gửi ảnh: 1/4");
        assert_eq!((view.fraction, view.percent), (Some(0.75), Some(75)));
        assert_eq!(view.bytes.as_deref(), Some("3,0 MB / 4,0 MB"));

        // Records are compressed as they go: no byte total, so the items count.
        let records = progress(SyncPhase::PushingRecords, (2, 8), (5_000, 0));
        let view = sync_progress_view(Some(&records), UiLanguage::En);
        assert_eq!(view.sentence, "Sending records: 2 of 8");
        assert_eq!(
            (view.fraction, view.percent, view.bytes),
            (Some(0.25), Some(25), None)
        );

        // Pulling changes cannot know its total: an indeterminate bar.
        let changes = progress(SyncPhase::PullingChanges, (3, 0), (0, 0));
        let view = sync_progress_view(Some(&changes), UiLanguage::En);
        assert_eq!((view.fraction, view.percent), (None, None));
        assert_eq!(view.sentence, "Updating members and households…");

        // A report past its total (a retried chunk counted twice) stays at 100%.
        let over = progress(SyncPhase::PushingPhotos, (5, 4), (9, 8));
        assert_eq!(
            sync_progress_view(Some(&over), UiLanguage::Vi).percent,
            Some(100)
        );

        // Before the first report the pass is starting.
        let start = sync_progress_view(None, UiLanguage::En);
        assert_eq!(start.sentence, "Downloading forms…");
        assert_eq!(start.fraction, None);
    }

    #[test]
    fn a_finished_pass_says_what_the_server_now_holds() {
        let report = SyncReport {
            records_stored: 12,
            photos_stored: 3,
            ..SyncReport::default()
        };
        assert_eq!(
            sync_report_text(&report, UiLanguage::Vi),
            "Đã gửi 12 bản ghi và 3 ảnh."
        );
        let refused = SyncReport {
            photos_refused: 2,
            ..report
        };
        assert_eq!(
            sync_report_text(&refused, UiLanguage::En),
            "Sent 12 records and 3 photos. The server did not take 2 photo or recording \
             files: they stay on this phone."
        );
    }
}
