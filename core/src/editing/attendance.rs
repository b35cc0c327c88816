//! A gathering's attendance screen while it is open: the roster search with who is
//! already checked in, the attendee list in check-in order, the photos in the order
//! taken, the live totals, and which actions she has (all of them while the gathering
//! is open; none once it is closed; no second photo while one is being taken in).

use crate::i18n::{
    GatheringHeading, ListRow, TextKey, TotalsLines, UiLanguage, attendee_row, format_count,
    gathering_heading, roster_row, text, totals_lines,
};
use crate::protocol::{Attendee, RosterMember};
use crate::store::{CheckIn, Gathering, Totals};

/// A roster member the search found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CandidateRow {
    /// The member (`row.id`, what a tap checks in), her name, village, birth year and
    /// ethnic group.
    pub row: ListRow,
    /// Already on the attendee list: a tap does nothing more.
    pub checked_in: bool,
    /// "Điểm danh", or "Đã điểm danh" once she is on the list.
    pub action: String,
}

/// Someone on the attendee list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AttendeeLine {
    /// The attendance entry (`row.id`), name, sex, age and ethnic group.
    pub row: ListRow,
    /// She can be taken off the list (checked in by mistake).
    pub can_remove: bool,
    /// A walk-in: she can be added to the branch's roster.
    pub can_make_member: bool,
}

/// A photo of the gathering.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PhotoTile {
    /// The photo's SHA-256 (its thumbnail, what removing it names).
    pub sha256: String,
    /// It can be removed (taken by mistake).
    pub can_remove: bool,
}

/// Everything the attendance screen shows, in the app language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AttendanceScreen {
    /// Topic, details, open or closed.
    pub heading: GatheringHeading,
    /// Open: the roster search, walk-ins, editing the details, closing and deleting are
    /// offered.
    pub can_change: bool,
    /// What she typed in the roster search.
    pub query: String,
    /// Members matching [`AttendanceScreen::query`], best first (none for an empty
    /// search or a closed gathering).
    pub candidates: Vec<CandidateRow>,
    /// The live head counts.
    pub totals: TotalsLines,
    /// "Người tham dự (12)".
    pub attendees_heading: String,
    /// Everyone checked in, in check-in order.
    pub attendees: Vec<AttendeeLine>,
    /// "No one is checked in yet", while no one is.
    pub no_attendees: Option<String>,
    /// Why it cannot be closed yet (open, no one checked in).
    pub needs_attendee: Option<String>,
    /// "Ảnh (2)".
    pub photos_heading: String,
    /// The photos, in the order taken.
    pub photos: Vec<PhotoTile>,
    /// Taking a photo is offered (open, and no photo being taken in).
    pub can_take_photo: bool,
    /// The photo button's text: "Đang tải…" while a photo is being taken in.
    pub take_photo: String,
}

/// What the attendance screen holds between her taps: the gathering, its list, totals
/// and photos as the store last gave them, the search and its results.
#[derive(Debug, Clone)]
pub struct Attendance {
    gathering: Gathering,
    attendees: Vec<Attendee>,
    totals: Totals,
    photos: Vec<String>,
    query: String,
    found: Vec<RosterMember>,
    taking_photo: bool,
}

impl Attendance {
    /// The screen of `gathering` with its `attendees` (check-in order), `totals` and
    /// `photos` (their SHA-256, in the order taken).
    pub fn new(
        gathering: Gathering,
        attendees: Vec<Attendee>,
        totals: Totals,
        photos: Vec<String>,
    ) -> Attendance {
        Attendance {
            gathering,
            attendees,
            totals,
            photos,
            query: String::new(),
            found: Vec::new(),
            taking_photo: false,
        }
    }

    /// The gathering shown.
    pub fn gathering(&self) -> &Gathering {
        &self.gathering
    }

    /// What she typed in the roster search.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Whether `query` is worth searching the roster for (not blank, gathering open).
    pub fn searches(&self, query: &str) -> bool {
        self.is_open() && !query.trim().is_empty()
    }

    /// She typed `query`; `found` are the members the roster search gave for it.
    pub fn found(&mut self, query: String, found: Vec<RosterMember>) {
        self.found = if self.searches(&query) {
            found
        } else {
            Vec::new()
        };
        self.query = query;
    }

    /// Someone was checked in (a member's tap or a walk-in): on the list once, in
    /// check-in order, with the new totals.
    pub fn checked_in(&mut self, done: CheckIn) {
        if !self.attendees.iter().any(|a| a.id == done.attendee.id) {
            self.attendees.push(done.attendee);
        }
        self.totals = done.totals;
    }

    /// The list and totals after a change the store made (someone taken off).
    pub fn listed(&mut self, attendees: Vec<Attendee>, totals: Totals) {
        self.attendees = attendees;
        self.totals = totals;
    }

    /// The photos now, in the order taken.
    pub fn photos(&mut self, photos: Vec<String>) {
        self.photos = photos;
    }

    /// A photo is being taken in (`true`) or done with, taken or not (`false`).
    pub fn taking_photo(&mut self, taking: bool) {
        self.taking_photo = taking;
    }

    /// The gathering changed (closed, details edited): a closed one has no search.
    pub fn changed(&mut self, gathering: Gathering) {
        self.gathering = gathering;
        if !self.is_open() {
            self.query.clear();
            self.found.clear();
        }
    }

    fn is_open(&self) -> bool {
        self.gathering.state == crate::store::RecordState::Draft
    }

    /// Everything the screen shows, in `language`.
    pub fn screen(&self, language: UiLanguage) -> AttendanceScreen {
        let open = self.is_open();
        let empty = self.attendees.is_empty();
        let count = |key, n: usize| format_count(key, n as u64, language);
        AttendanceScreen {
            heading: gathering_heading(&self.gathering, language),
            can_change: open,
            query: self.query.clone(),
            candidates: self
                .found
                .iter()
                .map(|member| {
                    let checked_in = self
                        .attendees
                        .iter()
                        .any(|a| a.member_id == Some(member.id));
                    let action = if checked_in {
                        TextKey::GatheringCheckedIn
                    } else {
                        TextKey::GatheringCheckIn
                    };
                    CandidateRow {
                        row: roster_row(member),
                        checked_in,
                        action: text(action, language).to_owned(),
                    }
                })
                .collect(),
            totals: totals_lines(&self.totals, language),
            attendees_heading: count(TextKey::GatheringAttendees, self.attendees.len()),
            attendees: self
                .attendees
                .iter()
                .map(|a| AttendeeLine {
                    row: attendee_row(a, language),
                    can_remove: open,
                    can_make_member: open && a.member_id.is_none(),
                })
                .collect(),
            no_attendees: empty.then(|| text(TextKey::GatheringNoAttendees, language).to_owned()),
            needs_attendee: (open && empty)
                .then(|| text(TextKey::GatheringNeedsAttendee, language).to_owned()),
            photos_heading: count(TextKey::GatheringPhotos, self.photos.len()),
            photos: self
                .photos
                .iter()
                .map(|sha256| PhotoTile {
                    sha256: sha256.clone(),
                    can_remove: open,
                })
                .collect(),
            can_take_photo: open && !self.taking_photo,
            take_photo: text(
                if self.taking_photo {
                    TextKey::CommonLoading
                } else {
                    TextKey::GatheringTakePhoto
                },
                language,
            )
            .to_owned(),
        }
    }
}
