//! A whole test scene: a real server with a branch set up and the household survey
//! published, a roster, and an enrolled phone; and the check that the server holds
//! exactly what the phone made, each record once, every photo whole.

use std::collections::HashSet;

use branchbook_core::domain::Sex;
use branchbook_core::protocol::RosterMember;
use branchbook_core::sync::{SyncObserver, SyncProgress};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::device::{Device, DeviceError, Filled, household_form_json};
use branchbook_testing::{Backend, BlockingServer, BranchSetup, HarnessError};

/// What went wrong building or checking a scene.
#[derive(Debug, thiserror::Error)]
pub enum SceneError {
    /// The server side.
    #[error(transparent)]
    Harness(#[from] HarnessError),
    /// The phone side.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The server does not hold what the phone made.
    #[error("server differs from the phone: {0}")]
    Mismatch(String),
    /// Files.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A server, its branch and an enrolled phone.
pub struct Scene {
    /// The server.
    pub server: BlockingServer,
    /// Its branch, officials and published form.
    pub setup: BranchSetup,
    /// The phone.
    pub device: Device,
    /// Folder of the phone's store and of the test photos.
    pub dir: tempfile::TempDir,
}

/// Roster member number `i` of the test branch.
pub fn member(i: usize) -> RosterMember {
    let names = [
        "Thào Thị Dợ",
        "Lò Thị Mai",
        "Giàng Thị Sua",
        "Vàng Thị Mỷ",
        "Sùng Thị Pà",
    ];
    RosterMember {
        id: Uuid::new_v4(),
        member_code: Some(format!("HPN-{i:04}")),
        full_name: format!("{} {i}", names[i % names.len()]),
        sex: Sex::Female,
        birth_year: Some(1970 + (i % 30) as i32),
        ethnicity: Some("hmong".into()),
        village: "Bản Dền".into(),
        phone: None,
        archived: false,
    }
}

impl Scene {
    /// Starts a server on `backend` (configured by `tune`), sets up a branch with
    /// `roster` members and the household survey, and enrolls a phone through
    /// `server_url(&server)` (the server itself, or a proxy in front of it).
    /// `Ok(None)` when the backend is not available here.
    pub fn new(
        backend: Backend,
        tune: impl FnOnce(&mut branchbook_server::config::Config),
        roster: usize,
    ) -> Result<Option<Scene>, SceneError> {
        let Some(server) = BlockingServer::start(backend, tune)? else {
            return Ok(None);
        };
        let setup = server.branch(&household_form_json())?;
        for i in 0..roster {
            server.put_member(&setup, &member(i))?;
        }
        let dir = tempfile::tempdir()?;
        let device = Device::open(&dir.path().join("phone.db"))?;
        Ok(Some(Scene {
            server,
            setup,
            device,
            dir,
        }))
    }

    /// Enrolls the phone through `url` with a fresh code.
    pub fn enroll_via(&self, url: &str) -> Result<(), SceneError> {
        let qr = self.server.enrollment(&self.setup)?;
        self.device.enroll(url, &qr)?;
        Ok(())
    }

    /// Checks that the server holds exactly the submissions and gatherings in `filled`
    /// (each once, all complete) and every photo whole (downloaded and hashed).
    pub fn verify(&self, filled: &Filled) -> Result<(), SceneError> {
        let same =
            |what: &str, listed: Vec<(Uuid, u32, bool)>, made: &[Uuid]| -> Result<(), SceneError> {
                let ids: HashSet<Uuid> = listed.iter().map(|r| r.0).collect();
                let want: HashSet<Uuid> = made.iter().copied().collect();
                if listed.len() != made.len() || ids != want {
                    return Err(SceneError::Mismatch(format!(
                        "{what}: server lists {} ({} distinct), phone made {}",
                        listed.len(),
                        ids.len(),
                        made.len()
                    )));
                }
                if let Some(r) = listed.iter().find(|r| !r.2) {
                    return Err(SceneError::Mismatch(format!(
                        "{what} {} is incomplete (photos missing)",
                        r.0
                    )));
                }
                Ok(())
            };
        same(
            "submissions",
            self.server.list(&self.setup, "submissions")?,
            &filled.submissions,
        )?;
        same(
            "gatherings",
            self.server.list(&self.setup, "gatherings")?,
            &filled.gatherings,
        )?;
        for uuid in &filled.households {
            self.server.record(&self.setup, *uuid)?;
        }
        for sha in &filled.photos {
            let bytes = self.server.photo(&self.setup, sha)?;
            let got = hex::encode(Sha256::digest(&bytes));
            if &got != sha {
                return Err(SceneError::Mismatch(format!(
                    "photo {sha} arrived as {got}"
                )));
            }
        }
        Ok(())
    }
}

/// An observer that keeps every progress report, to check what the UI was told.
#[derive(Debug, Default)]
pub struct Recorder {
    /// The reports in order.
    pub seen: std::sync::Mutex<Vec<SyncProgress>>,
}

impl SyncObserver for Recorder {
    fn on_progress(&self, progress: SyncProgress) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(progress);
        }
    }
}
