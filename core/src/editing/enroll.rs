//! The enroll screen: the server address, the enrollment code and the phone's name as
//! she types them (or the QR code she scans), and why connecting was refused.

use super::Refusal;
use crate::error::BranchbookError;
use crate::i18n::{TextKey, UiLanguage, ui_text};
use crate::store::InputField;

/// What she does on the enroll screen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum EnrollEdit {
    /// She typed the server address.
    Server {
        /// The box's text.
        text: String,
    },
    /// She typed the code.
    Code {
        /// The box's text.
        text: String,
    },
    /// She named the phone.
    DeviceLabel {
        /// The box's text.
        text: String,
    },
}

/// Everything the enroll screen shows (besides its fixed words).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EnrollForm {
    /// The server address as typed (`https://...`).
    pub server: String,
    /// The enrollment code as typed.
    pub code: String,
    /// The phone's name for the officers' list of devices.
    pub device_label: String,
    /// The input the last try was refused for, to mark it.
    pub invalid: Option<InputField>,
    /// Why the last try was refused; `None` after any change.
    pub error: Option<String>,
    /// The refused input's label ("Mã đăng ký"), to head [`EnrollForm::error`].
    pub error_about: Option<String>,
    /// A try is under way: Connect and Scan wait, Cancel is offered.
    pub connecting: bool,
    /// "Đang kết nối…" while [`EnrollForm::connecting`].
    pub status: Option<String>,
}

/// The enroll screen's values while she types.
#[derive(Debug, Clone, Default)]
pub struct EnrollDraft {
    server: String,
    code: String,
    device_label: String,
    refusal: Option<Refusal>,
    connecting: bool,
}

impl EnrollDraft {
    /// An empty screen.
    pub fn new() -> EnrollDraft {
        EnrollDraft::default()
    }

    /// Applies what she typed; any change clears the last refusal.
    pub fn apply(&mut self, edit: EnrollEdit) {
        self.refusal = None;
        match edit {
            EnrollEdit::Server { text } => self.server = text,
            EnrollEdit::Code { text } => self.code = text,
            EnrollEdit::DeviceLabel { text } => self.device_label = text,
        }
    }

    /// The server address and code as typed (the sync client reads and checks them).
    pub fn typed(&self) -> (String, String) {
        (self.server.clone(), self.code.clone())
    }

    /// The phone's name as she typed it, else `device_id` (the officers still tell
    /// phones apart).
    pub fn label(&self, device_id: &str) -> String {
        let typed = self.device_label.trim();
        if typed.is_empty() { device_id } else { typed }.to_owned()
    }

    /// Connecting was refused with `error` (`scanned`: with a QR code): a malformed code
    /// from the camera is told as a bad QR code, a code the server refused marks the
    /// code box; a stop she asked for is no refusal.
    pub fn refused(&mut self, error: &BranchbookError, scanned: bool, language: UiLanguage) {
        let mut refusal = match error {
            BranchbookError::Cancelled { .. } => {
                self.refusal = None;
                return;
            }
            BranchbookError::InvalidInput {
                field: InputField::EnrollmentCode,
                ..
            } if scanned => Refusal::of(error, Some(TextKey::EnrollBadQr), language),
            _ => Refusal::of(error, None, language),
        };
        if matches!(error, BranchbookError::ServerRefused { .. }) {
            refusal.field = Some(InputField::EnrollmentCode);
        }
        self.refusal = Some(refusal);
    }

    /// She tries to connect: the last refusal is no longer shown, and the screen says
    /// it is connecting until [`EnrollDraft::settled`].
    pub fn connecting(&mut self) {
        self.refusal = None;
        self.connecting = true;
    }

    /// The try is over, done or refused.
    pub fn settled(&mut self) {
        self.connecting = false;
    }

    /// The camera was refused: she can still type the address and code.
    pub fn camera_denied(&mut self, language: UiLanguage) {
        self.refusal = Some(Refusal {
            field: None,
            member: None,
            message: ui_text(TextKey::EnrollCameraDenied, language),
        });
    }

    /// Everything the screen shows, in `language`.
    pub fn screen(&self, language: UiLanguage) -> EnrollForm {
        EnrollForm {
            server: self.server.clone(),
            code: self.code.clone(),
            device_label: self.device_label.clone(),
            invalid: Refusal::field(&self.refusal),
            error: Refusal::message(&self.refusal),
            error_about: self.refusal.as_ref().and_then(|r| {
                let key = match r.field.as_ref()? {
                    InputField::ServerAddress => TextKey::EnrollServer,
                    InputField::EnrollmentCode => TextKey::EnrollCode,
                    _ => return None,
                };
                Some(ui_text(key, language))
            }),
            connecting: self.connecting,
            status: self
                .connecting
                .then(|| ui_text(TextKey::EnrollConnecting, language)),
        }
    }
}
