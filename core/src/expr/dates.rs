//! Dates in expressions, as JavaRosa treats them: a date is a number of days since
//! 1970-01-01 (a date-time has a fraction, in UTC), so `today() - ${dob}` is a number of
//! days and `${dob} < today()` compares days. Answers keep their ISO text forms.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};

const MS_PER_DAY: f64 = 86_400_000.0;

/// The epoch that day numbers count from.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Days since 1970-01-01 of a calendar date.
pub fn date_to_days(d: NaiveDate) -> f64 {
    d.signed_duration_since(epoch()).num_days() as f64
}

/// Days (with a fraction) since 1970-01-01T00:00Z of an instant.
pub fn datetime_to_days(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / MS_PER_DAY
}

/// The calendar date of a day number (the fraction is dropped); `None` out of range.
pub fn days_to_date(days: f64) -> Option<NaiveDate> {
    if !days.is_finite() || days.abs() > 3_000_000.0 {
        return None;
    }
    epoch().checked_add_signed(chrono::Duration::days(days.floor() as i64))
}

/// The instant of a day number; `None` out of range.
pub fn days_to_datetime(days: f64) -> Option<DateTime<Utc>> {
    if !days.is_finite() || days.abs() > 3_000_000.0 {
        return None;
    }
    DateTime::from_timestamp_millis((days * MS_PER_DAY).round() as i64)
}

/// `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// An ISO 8601 date-time, with an offset (`Z`, `+07:00`) or without one (taken as UTC).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%:z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    None
}

/// Days since the epoch of a date or date-time written as text, if it is one.
pub fn text_to_days(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.len() < 10 || !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    parse_date(s)
        .map(date_to_days)
        .or_else(|| parse_datetime(s).map(datetime_to_days))
}

/// The fraction of a day of a time of day written `HH:MM`, `HH:MM:SS` or
/// `HH:MM:SS.sss`, with any zone suffix ignored: `12:00` is 0.5.
pub fn time_to_day_fraction(s: &str) -> Option<f64> {
    let s = s.trim();
    let clock = s
        .find(|c: char| c == 'Z' || c == '+' || (c == '-' && s.len() > 8))
        .map_or(s, |i| &s[..i]);
    let mut parts = clock.split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    let second: f64 = parts.next().map_or(Ok(0.0), str::parse).ok()?;
    let valid = hour < 24 && minute < 60 && (0.0..60.0).contains(&second) && parts.next().is_none();
    valid.then(|| (f64::from(hour * 3600 + minute * 60) + second) / 86_400.0)
}

/// A date as `YYYY-MM-DD`.
pub fn format_iso_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// An instant as RFC 3339 in UTC with milliseconds: `2026-11-05T03:04:05.000Z`.
pub fn format_iso_datetime(t: DateTime<Utc>) -> String {
    let millis = t.timestamp_subsec_millis();
    if !(0..=9999).contains(&t.year()) || millis > 999 {
        // A year chrono writes with a sign, or a leap second: as chrono writes them.
        return t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    }
    // Written by hand: every answer's `end` and every submission carry one, and this is
    // several times cheaper than interpreting the format string each time.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `format-date()`: the ODK format codes `%Y %y %m %n %b %d %e %a %H %h %M %S %3`; other
/// text is copied.
pub fn format_date(t: NaiveDateTime, fmt: &str) -> String {
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(code) = chars.next() else {
            out.push('%');
            break;
        };
        let piece = match code {
            'Y' => format!("{:04}", t.year()),
            'y' => format!("{:02}", t.year().rem_euclid(100)),
            'm' => format!("{:02}", t.month()),
            'n' => t.month().to_string(),
            'b' => MONTHS[t.month0() as usize % 12].to_string(),
            'd' => format!("{:02}", t.day()),
            'e' => t.day().to_string(),
            'a' => WEEKDAYS[t.weekday().num_days_from_monday() as usize % 7].to_string(),
            'H' => format!("{:02}", t.hour()),
            'h' => t.hour().to_string(),
            'M' => format!("{:02}", t.minute()),
            'S' => format!("{:02}", t.second()),
            '3' => format!("{:03}", t.nanosecond() / 1_000_000 % 1000),
            '%' => "%".to_string(),
            other => format!("%{other}"),
        };
        out.push_str(&piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers() {
        let d = NaiveDate::from_ymd_opt(2000, 3, 1).unwrap();
        assert_eq!(date_to_days(d), 11017.0);
        assert_eq!(days_to_date(11017.0), Some(d));
        assert_eq!(days_to_date(11017.75), Some(d));
        assert_eq!(days_to_date(-1.0), NaiveDate::from_ymd_opt(1969, 12, 31));
        assert_eq!(days_to_date(f64::NAN), None);
        assert_eq!(days_to_date(1e300), None);
        let t = parse_datetime("1970-01-02T06:00:00Z").unwrap();
        assert_eq!(datetime_to_days(t), 1.25);
        assert_eq!(days_to_datetime(1.25), Some(t));
    }

    #[test]
    fn parsing_text() {
        assert_eq!(text_to_days("1970-01-11"), Some(10.0));
        assert_eq!(text_to_days(" 1970-01-11 "), Some(10.0));
        assert_eq!(text_to_days("1970-01-02T07:00:00+07:00"), Some(1.0));
        assert_eq!(text_to_days("1970-01-02T12:00"), Some(1.5));
        assert_eq!(text_to_days("1970-1-2"), None);
        assert_eq!(text_to_days("2021-02-30"), None);
        assert_eq!(text_to_days("hello world"), None);
        assert_eq!(text_to_days("12"), None);
    }

    #[test]
    fn times_of_day_as_fractions() {
        assert_eq!(time_to_day_fraction("12:00"), Some(0.5));
        assert_eq!(time_to_day_fraction("06:00:00.000+07:00"), Some(0.25));
        assert_eq!(time_to_day_fraction("18:00:00Z"), Some(0.75));
        assert_eq!(time_to_day_fraction("25:00"), None);
        assert_eq!(time_to_day_fraction("noon"), None);
    }

    #[test]
    fn iso_instants_are_written_as_chrono_writes_them() {
        let chrono = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let instants = [
            "2024-03-05T16:07:08+07:00",
            "2026-12-31T23:59:59.999Z",
            "0001-01-01T00:00:00.001Z",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59.5Z",
        ];
        for text in instants {
            let t = parse_datetime(text).unwrap();
            assert_eq!(format_iso_datetime(t), chrono(t), "{text}");
        }
        let far = DateTime::<Utc>::from_timestamp(253_402_300_800, 7_000_000).unwrap();
        assert_eq!(format_iso_datetime(far), "+10000-01-01T00:00:00.007Z");
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_500))
            .unwrap()
            .and_utc();
        assert_eq!(format_iso_datetime(leap), chrono(leap));
    }

    #[test]
    fn format_codes() {
        let t = parse_datetime("2024-03-05T09:07:08.123Z")
            .unwrap()
            .naive_utc();
        assert_eq!(format_date(t, "%d/%m/%Y"), "05/03/2024");
        assert_eq!(format_date(t, "%e %b %y (%a) %n"), "5 Mar 24 (Tue) 3");
        assert_eq!(format_date(t, "%H:%M:%S.%3 %h%% %q"), "09:07:08.123 9% %q");
        assert_eq!(format_date(t, "end %"), "end %");
        assert_eq!(
            format_iso_datetime(parse_datetime("2024-03-05T16:07:08+07:00").unwrap()),
            "2024-03-05T09:07:08.000Z"
        );
    }
}
