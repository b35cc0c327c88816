//! A phone for the tests: a store file driven through the core's public API (forms,
//! households, submissions, gatherings with attendance, photos) and its sync client.
//! The data is made from a seed, so a run can be repeated.

use std::path::{Path, PathBuf};
use std::time::Duration;

use branchbook_core::domain::{AgeGroup, GatheringKind, Sex};
use branchbook_core::engine::{Answer, SessionOptions};
use branchbook_core::protocol::{EnrollmentQr, FileKind};
use branchbook_core::store::{
    GatheringDetails, HouseholdInput, MemberInput, PhotoOptions, Store, StoreError, StoredPhoto,
    StoredRecording, WalkIn,
};
use branchbook_core::sync::{
    CancelHandle, RetryPolicy, SyncClient, SyncError, SyncReport, Timeouts, Unobserved,
};
use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use uuid::Uuid;

/// Id and version of the test household survey.
pub const FORM_ID: &str = "household_visit";
/// Version of the test household survey.
pub const FORM_VERSION: &str = "2026.1";

/// What went wrong preparing a device.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The store refused something.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Sync failed.
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// A test photo or video could not be made.
    #[error("making a photo: {0}")]
    Photo(String),
    /// The form session refused an answer or to finalize.
    #[error("form session: {0}")]
    Session(String),
}

/// One field of the test form in the model's canonical JSON.
fn field(name: &str, kind: serde_json::Value, row: u32, required: bool) -> serde_json::Value {
    json!({"node": "field", "name": name, "kind": kind, "label": {"Tiếng Việt (vi)": name}, "hint": {},
           "required": if required { json!("yes") } else { json!(null) }, "required_message": {},
           "relevant": null, "constraint": null, "constraint_message": {}, "calculation": null,
           "default": null, "read_only": null, "choice_filter": null, "appearance": null,
           "parameters": {}, "source": {"sheet": "survey", "row": row}})
}

/// The test household survey (head's name, people, water source, a photo) as the
/// form's JSON, ready to publish.
pub fn household_form_json() -> String {
    let water: Vec<_> = ["tap", "well", "stream"]
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"name": c, "label": {"Tiếng Việt (vi)": c}, "extra": {}, "source": {"sheet": "choices", "row": i + 2}}))
        .collect();
    json!({
        "id": FORM_ID, "version": FORM_VERSION, "title": "Thăm hộ gia đình", "default_language": "Tiếng Việt (vi)",
        "languages": [{"code": "vi", "name": "Tiếng Việt (vi)"}], "instance_name": null,
        "choices": {"water": {"name": "water", "choices": water}},
        "body": [
            field("head_name", json!({"type": "text"}), 2, true),
            field("n_members", json!({"type": "integer"}), 3, true),
            field("water", json!({"type": "select_one", "list": "water", "or_other": false}), 4, true),
            field("photo", json!({"type": "image"}), 5, false),
        ]
    })
    .to_string()
}

/// Id of the test form of one video question.
pub const VIDEO_FORM_ID: &str = "session_video";

/// A form of one required video question (`clip`), as the form's JSON, ready to publish.
pub fn video_form_json() -> String {
    json!({
        "id": VIDEO_FORM_ID, "version": FORM_VERSION, "title": "Video buổi sinh hoạt", "default_language": "Tiếng Việt (vi)",
        "languages": [{"code": "vi", "name": "Tiếng Việt (vi)"}], "instance_name": null,
        "choices": {},
        "body": [field("clip", json!({"type": "video"}), 2, true)]
    })
    .to_string()
}

/// How much to put on the phone.
#[derive(Debug, Clone, Copy)]
pub struct Fill {
    /// Households in the registry (submissions are visits to them).
    pub households: usize,
    /// Finalized survey submissions.
    pub submissions: usize,
    /// Closed gatherings.
    pub gatherings: usize,
    /// Attendees of each gathering (roster members first, then walk-ins).
    pub attendees: usize,
    /// Photos: one on each of the first submissions up to half, the rest on gatherings.
    pub photos: usize,
    /// Side of the test photos in pixels (their size on disk grows with it).
    pub photo_side: u32,
    /// Seed of the data.
    pub seed: u64,
}

/// What [`Device::fill`] made, to compare with what the server holds.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// Submission ids.
    pub submissions: Vec<Uuid>,
    /// Gathering ids.
    pub gatherings: Vec<Uuid>,
    /// Household ids.
    pub households: Vec<Uuid>,
    /// SHA-256 of every photo.
    pub photos: Vec<String>,
    /// Bytes of all photos.
    pub photo_bytes: u64,
}

/// A phone: its store file and a sync client over it.
pub struct Device {
    /// The store file.
    pub path: PathBuf,
    /// The sync client (owns the store connection).
    pub client: SyncClient,
}

/// Network settings for tests: short waits so faults are retried quickly.
pub fn test_network() -> (Timeouts, RetryPolicy) {
    (
        Timeouts {
            connect: Duration::from_secs(2),
            idle: Duration::from_millis(1500),
            response: Duration::from_secs(20),
        },
        RetryPolicy {
            first_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(300),
            max_attempts: 40,
            deadline: Duration::from_secs(120),
        },
    )
}

impl Device {
    /// Opens (or creates) the phone's store at `path` with test network settings.
    pub fn open(path: &Path) -> Result<Device, DeviceError> {
        let (timeouts, retry) = test_network();
        Device::open_with(path, None, timeouts, retry)
    }

    /// Opens the phone's store (encrypted with `key` when given) with the given network
    /// settings.
    pub fn open_with(
        path: &Path,
        key: Option<&[u8]>,
        timeouts: Timeouts,
        retry: RetryPolicy,
    ) -> Result<Device, DeviceError> {
        let store = Store::open(path, key)?;
        Ok(Device {
            path: path.to_owned(),
            client: SyncClient::new(store, timeouts, retry),
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        self.client.store()
    }

    /// One whole sync pass, as the send button starts it, unobserved and not cancelled.
    pub fn pass(&self) -> Result<SyncReport, SyncError> {
        self.client.run(&Unobserved, &CancelHandle::default())
    }

    /// Enrolls through `server_url` (the server itself or a proxy) with the QR's code.
    pub fn enroll(&self, server_url: &str, qr: &EnrollmentQr) -> Result<(), DeviceError> {
        self.client.enroll_with_code(
            server_url.to_owned(),
            qr.code.clone(),
            "test phone".into(),
            CancelHandle::new(),
        )?;
        Ok(())
    }

    /// A submission of [`VIDEO_FORM_ID`] whose `clip` is the video file at `path`, taken
    /// in as the app does (sealed when the store is encrypted), finalized.
    pub fn record_video(&self, path: &Path) -> Result<StoredRecording, DeviceError> {
        let store = self.store();
        let session_error = |e: &dyn std::fmt::Debug| DeviceError::Session(format!("{e:?}"));
        let (draft, mut session) = store.start_submission(
            VIDEO_FORM_ID,
            FORM_VERSION,
            None,
            &SessionOptions::new(Utc::now()),
        )?;
        let stored = store.attach_submission_recording(draft.uuid, path, FileKind::Video)?;
        session
            .set_answer(
                "clip",
                Answer::Recording {
                    sha256: stored.sha256.clone(),
                },
            )
            .map_err(|e| session_error(&e))?;
        store.save_draft(&session)?;
        let submission = session
            .finalize(Utc::now())
            .map_err(|e| session_error(&e))?;
        store.finalize(&submission)?;
        Ok(stored)
    }

    /// One household visit as the app makes it: a form session of `form_id` (version
    /// [`FORM_VERSION`]), answers, a photo from the camera, the draft saved, finalized.
    pub fn survey(
        &self,
        form_id: &str,
        household: Option<Uuid>,
        i: usize,
        people: i64,
        photo: Option<&Path>,
    ) -> Result<(Uuid, Option<StoredPhoto>), DeviceError> {
        let store = self.store();
        let session_error = |e: &dyn std::fmt::Debug| DeviceError::Session(format!("{e:?}"));
        let (draft, mut session) = store.start_submission(
            form_id,
            FORM_VERSION,
            household,
            &SessionOptions::new(Utc::now()),
        )?;
        let names = [
            "Thào Thị Dợ",
            "Giàng A Páo",
            "Lò Văn Páo",
            "Sùng Thị Sua",
            "Vàng Thị Mỷ",
        ];
        let answers = [
            (
                "head_name",
                Answer::Text {
                    value: format!("{} {i}", names[i % names.len()]),
                },
            ),
            ("n_members", Answer::Integer { value: people }),
            (
                "water",
                Answer::Choice {
                    name: ["tap", "well", "stream"][i % 3].into(),
                },
            ),
        ];
        for (question, answer) in answers {
            session
                .set_answer(question, answer)
                .map_err(|e| session_error(&e))?;
        }
        let stored = match photo {
            Some(file) => {
                let stored =
                    store.attach_submission_photo(draft.uuid, file, PhotoOptions::default())?;
                session
                    .set_answer(
                        "photo",
                        Answer::Photo {
                            sha256: stored.sha256.clone(),
                        },
                    )
                    .map_err(|e| session_error(&e))?;
                Some(stored)
            }
            None => None,
        };
        store.save_draft(&session)?;
        let submission = session
            .finalize(Utc::now())
            .map_err(|e| session_error(&e))?;
        store.finalize(&submission)?;
        Ok((draft.uuid, stored))
    }

    /// Fills the phone as a branch head's days of work would: households, visits (survey
    /// submissions, some with a photo), gatherings with roster check-ins, walk-ins and
    /// photos, all finalized and queued. The form and the roster must be on the phone.
    pub fn fill(&self, fill: &Fill, scratch: &Path) -> Result<Filled, DeviceError> {
        let store = self.store();
        let mut rng = StdRng::seed_from_u64(fill.seed);
        let mut filled = Filled::default();
        let villages = ["Bản Dền", "Bản Phố", "Nậm Cang"];
        let names = [
            "Thào Thị Dợ",
            "Giàng A Páo",
            "Lò Văn Páo",
            "Sùng Thị Sua",
            "Vàng Thị Mỷ",
        ];
        for i in 0..fill.households {
            let h = store.create_household(&HouseholdInput {
                village: villages[i % 3].into(),
                address: format!("nhà số {i}"),
                head_name: format!("{} {i}", names[i % names.len()]),
                members: vec![MemberInput {
                    id: None,
                    name: format!("{} con {i}", names[(i + 1) % names.len()]),
                    sex: if i % 2 == 0 { Sex::Female } else { Sex::Male },
                    birth_year: Some(1990 + (i % 20) as i32),
                    ethnicity: Some("hmong".into()),
                    relation: "con".into(),
                }],
                notes: String::new(),
            })?;
            filled.households.push(h.uuid);
        }
        let mut photos_left = fill.photos;
        let submission_photos = fill.photos / 2;
        let mut photo_index = 0u64;
        let mut next_photo = || -> Result<PathBuf, DeviceError> {
            photo_index += 1;
            let path = scratch.join(format!("camera-{}-{photo_index}.jpg", fill.seed));
            write_photo(
                &path,
                fill.photo_side,
                fill.seed.wrapping_mul(1_000_003).wrapping_add(photo_index),
            )?;
            Ok(path)
        };
        for i in 0..fill.submissions {
            let household = filled.households.get(i % fill.households.max(1)).copied();
            let photo = if i < submission_photos && photos_left > 0 {
                photos_left -= 1;
                Some(next_photo()?)
            } else {
                None
            };
            let (uuid, stored) = self.survey(
                FORM_ID,
                household,
                i,
                rng.random_range(1..9),
                photo.as_deref(),
            )?;
            if let Some(stored) = stored {
                filled.photos.push(stored.sha256);
                filled.photo_bytes += stored.bytes;
            }
            filled.submissions.push(uuid);
        }
        let roster = store.list_members(None, false, branchbook_core::store::Window::first(500))?;
        for g in 0..fill.gatherings {
            let gathering = store.create_gathering(&GatheringDetails {
                kind: [
                    GatheringKind::PolicyDialogue,
                    GatheringKind::CommunicationSession,
                    GatheringKind::ClubMeeting,
                ][g % 3],
                topic: format!("Phòng chống tảo hôn {g}"),
                village: villages[g % 3].into(),
                starts_at: Utc::now(),
                facilitator: "Lò Thị Mai".into(),
                notes: String::new(),
            })?;
            for a in 0..fill.attendees {
                match roster.get(a) {
                    Some(member) => {
                        store.check_in(gathering.uuid, member.id)?;
                    }
                    None => {
                        store.add_walk_in(
                            gathering.uuid,
                            &WalkIn {
                                name: format!("{} khách {g}-{a}", names[a % names.len()]),
                                sex: if a % 3 == 0 { Sex::Male } else { Sex::Female },
                                birth_year: None,
                                age_group: AgeGroup::from_birth_year(1960 + (a % 50) as i32, 2026),
                                ethnicity: Some(["hmong", "thai", "dao"][a % 3].into()),
                            },
                        )?;
                    }
                }
            }
            let per_gathering = photos_left.div_ceil(fill.gatherings - g);
            for _ in 0..per_gathering {
                let file = next_photo()?;
                let stored =
                    store.attach_gathering_photo(gathering.uuid, &file, PhotoOptions::default())?;
                filled.photos.push(stored.sha256);
                filled.photo_bytes += stored.bytes;
                photos_left -= 1;
            }
            store.close_gathering(gathering.uuid)?;
            filled.gatherings.push(gathering.uuid);
        }
        Ok(filled)
    }
}

/// An MP4 of `size` bytes as a phone's recorder writes one (its header, then bytes from
/// `seed` that do not compress).
pub fn write_video(path: &Path, size: usize, seed: u64) -> Result<(), DeviceError> {
    let mut bytes = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    let mut x = seed.wrapping_mul(6364136223846793005) | 1;
    while bytes.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.truncate(size);
    std::fs::write(path, bytes).map_err(|e| DeviceError::Photo(e.to_string()))
}

/// Writes a JPEG "camera" photo: smooth colour with seeded grain (grain makes the JPEG
/// big, like a real photo); `side` pixels wide, three quarters as high.
pub fn write_photo(path: &Path, side: u32, seed: u64) -> Result<(), DeviceError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let height = side * 3 / 4;
    let (r0, g0, b0): (u8, u8, u8) = (rng.random(), rng.random(), rng.random());
    let image = image::RgbImage::from_fn(side, height, |x, y| {
        let grain = |rng: &mut StdRng| rng.random_range(0..48u8);
        let shade = ((x + y) % 256) as u8;
        image::Rgb([
            r0.wrapping_add(shade / 2).wrapping_add(grain(&mut rng)),
            g0.wrapping_add((x % 256) as u8 / 3)
                .wrapping_add(grain(&mut rng)),
            b0.wrapping_add((y % 256) as u8 / 3)
                .wrapping_add(grain(&mut rng)),
        ])
    });
    image
        .save_with_format(path, image::ImageFormat::Jpeg)
        .map_err(|e| DeviceError::Photo(e.to_string()))
}
