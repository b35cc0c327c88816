//! Whether a time a phone's clock wrote into a record is plausible. The server cannot
//! compute a `now()` or `today()` the phone kept, nor when filling started, but it can
//! check each against the record's own times and its own receipt: a time outside them
//! is kept (a wrong phone clock must never cost a household visit) and listed for review.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::expr::dates;

/// How far a phone's time may stray past the record's times before it is doubted: the
/// order calculations run in, and a phone clock a few minutes off the server's.
pub const CLOCK_SLACK: Duration = Duration::minutes(10);

/// Why a time the phone wrote is doubtful (the server keeps it and lists it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeDoubt {
    /// Before filling the record started.
    BeforeStart,
    /// After the record was finalized.
    AfterEnd,
    /// After the server received the record: the phone's clock runs ahead.
    AfterReceipt,
}

/// The times a phone-written time of one record may fall in: from when filling started
/// to when it was finalized, and never after the server received it ([`CLOCK_SLACK`]
/// either side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockWindow {
    /// When filling started, as the record says.
    pub started_at: DateTime<Utc>,
    /// When it was finalized, as the record says.
    pub finalized_at: DateTime<Utc>,
    /// When the server received it (the server's clock).
    pub received_at: DateTime<Utc>,
}

impl ClockWindow {
    /// A window with no start or end of its own: only the receipt bounds it.
    pub fn received(received_at: DateTime<Utc>) -> ClockWindow {
        ClockWindow {
            started_at: DateTime::<Utc>::MIN_UTC,
            finalized_at: received_at,
            received_at,
        }
    }

    /// What is doubtful about a time `t`, if anything.
    pub fn doubt(&self, t: DateTime<Utc>) -> Option<TimeDoubt> {
        if t > later(self.received_at) {
            Some(TimeDoubt::AfterReceipt)
        } else if t > later(self.finalized_at) {
            Some(TimeDoubt::AfterEnd)
        } else if t < earlier(self.started_at) {
            Some(TimeDoubt::BeforeStart)
        } else {
            None
        }
    }

    /// What is doubtful about a day `d` on the clock at `offset` (a `today()`): the days
    /// of the window's bounds on that clock.
    fn day_doubt(&self, d: NaiveDate, offset: FixedOffset) -> Option<TimeDoubt> {
        let day = |t: DateTime<Utc>| t.with_timezone(&offset).date_naive();
        if d > day(later(self.received_at)) {
            Some(TimeDoubt::AfterReceipt)
        } else if d > day(later(self.finalized_at)) {
            Some(TimeDoubt::AfterEnd)
        } else if d < day(earlier(self.started_at)) {
            Some(TimeDoubt::BeforeStart)
        } else {
            None
        }
    }

    /// What is doubtful about a value written as a date (a day on the clock at `offset`)
    /// or a date-time; `None` too for a value that is neither (a formatted date, a
    /// number): nothing to check it against.
    pub fn text_doubt(&self, text: &str, offset: FixedOffset) -> Option<TimeDoubt> {
        match dates::parse_date(text) {
            Some(d) => self.day_doubt(d, offset),
            None => dates::parse_datetime(text).and_then(|t| self.doubt(t)),
        }
    }
}

/// `t` plus the slack (the last time there is, for a phone's time near it).
fn later(t: DateTime<Utc>) -> DateTime<Utc> {
    t.checked_add_signed(CLOCK_SLACK)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `t` minus the slack (the first time there is, for a phone's time near it).
fn earlier(t: DateTime<Utc>) -> DateTime<Utc> {
    t.checked_sub_signed(CLOCK_SLACK)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn window() -> ClockWindow {
        let at = |h, m| Utc.with_ymd_and_hms(2026, 3, 1, h, m, 0).unwrap();
        ClockWindow {
            started_at: at(2, 0),
            finalized_at: at(2, 30),
            received_at: at(9, 0),
        }
    }

    #[test]
    fn times_inside_the_record_and_its_slack_are_plausible() {
        let w = window();
        let vn = FixedOffset::east_opt(7 * 3600).unwrap();
        for ok in [
            "2026-03-01T02:00:00Z",
            "2026-03-01T01:51:00Z",
            "2026-03-01T02:39:00Z",
            "2026-03-01T09:15:00+07:00",
            "2026-03-01",
            "not a time",
            "45000.5",
        ] {
            assert_eq!(w.text_doubt(ok, vn), None, "{ok}");
        }
        for (doubtful, why) in [
            ("2026-03-01T01:49:00Z", TimeDoubt::BeforeStart),
            ("2026-03-01T02:41:00Z", TimeDoubt::AfterEnd),
            ("2026-03-01T09:11:00Z", TimeDoubt::AfterReceipt),
            ("2099-01-01T00:00:00Z", TimeDoubt::AfterReceipt),
            ("2026-02-28", TimeDoubt::BeforeStart),
            ("2026-03-02", TimeDoubt::AfterReceipt),
        ] {
            assert_eq!(w.text_doubt(doubtful, vn), Some(why), "{doubtful}");
        }
        // 23:55 UTC on 1 March is already 2 March in Vietnam.
        let late = ClockWindow {
            received_at: Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap(),
            finalized_at: Utc.with_ymd_and_hms(2026, 3, 1, 23, 55, 0).unwrap(),
            ..w
        };
        assert_eq!(late.text_doubt("2026-03-02", vn), None);
        assert_eq!(
            late.text_doubt("2026-03-03", vn),
            Some(TimeDoubt::AfterReceipt)
        );
    }

    #[test]
    fn a_window_of_only_the_receipt_doubts_only_the_future() {
        let w = ClockWindow::received(window().received_at);
        assert_eq!(
            w.doubt(Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap()),
            None
        );
        assert_eq!(
            w.doubt(window().received_at + Duration::hours(1)),
            Some(TimeDoubt::AfterReceipt)
        );
    }
}
