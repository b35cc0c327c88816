//! Lines and shapes walked with the phone (`geotrace`, `geoshape`): their points as ODK
//! stores them (`lat lon alt acc;lat lon alt acc;...`, a shape closed by repeating its
//! first point), when one is complete (a line has 2 different points, a shape 3), and
//! what it measures. The engine, the capture actions, the widgets' texts, the server's
//! re-validation and its console all read lines here.

use crate::expr::geo;
use crate::form::FieldKind;

use super::answer::{GeoPoint, geopoint_to_stored};

/// The most points one line or shape holds: a walk of several kilometres with a point
/// every few metres, and a bound on what one answer (and its expressions) can weigh.
pub const MAX_LINE_POINTS: usize = 5_000;

/// Which of the two the question records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// `geotrace`: an open line, at least 2 different points.
    Trace,
    /// `geoshape`: a closed outline, at least 3 different points.
    Shape,
}

impl LineKind {
    /// The line kind of a question type; `None` for other types.
    pub fn of(kind: &FieldKind) -> Option<LineKind> {
        match kind {
            FieldKind::Geotrace => Some(LineKind::Trace),
            FieldKind::Geoshape => Some(LineKind::Shape),
            _ => None,
        }
    }

    /// The fewest different points a complete one has.
    pub fn min_points(self) -> usize {
        match self {
            LineKind::Trace => 2,
            LineKind::Shape => 3,
        }
    }

    fn name(self) -> &'static str {
        match self {
            LineKind::Trace => "line",
            LineKind::Shape => "shape",
        }
    }
}

/// Why a line's points or text are not an answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LineError {
    /// A point is not two to four numbers.
    #[error("point {index} is not a position (latitude longitude altitude accuracy): '{text}'")]
    NotAPoint {
        /// Its place, from 1.
        index: usize,
        /// The text of the point.
        text: String,
    },
    /// A point's numbers are out of range (latitude beyond ±90, a negative accuracy...).
    #[error("point {index} ({latitude}, {longitude}) is not a position on Earth")]
    OffEarth {
        /// Its place, from 1.
        index: usize,
        /// Its latitude.
        latitude: f64,
        /// Its longitude.
        longitude: f64,
    },
    /// More points than [`MAX_LINE_POINTS`].
    #[error("a {kind} holds at most {max} points, this one has {count}", kind = .kind.name())]
    TooManyPoints {
        /// Line or shape.
        kind: LineKind,
        /// The bound.
        max: usize,
        /// How many it has.
        count: usize,
    },
    /// Not yet complete: fewer different points than the kind needs.
    #[error("a {kind} needs at least {needed} different points, this one has {have}", kind = .kind.name())]
    TooFewPoints {
        /// Line or shape.
        kind: LineKind,
        /// How many different points it needs.
        needed: usize,
        /// How many different points it has.
        have: usize,
    },
    /// A submitted shape whose last point is not its first.
    #[error("a shape ends where it starts: its last point must repeat its first")]
    NotClosed,
}

/// What a line measures, for the widgets and the console.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineFacts {
    /// How many points she took (a shape's closing point not counted).
    pub points: usize,
    /// The length in metres: along the line, or around the shape (closed).
    pub length_m: f64,
    /// A shape's area in square metres (None for a line).
    pub area_m2: Option<f64>,
    /// The first point, where a map opens.
    pub first: Option<GeoPoint>,
}

/// The stored text of `points` (at most [`MAX_LINE_POINTS`], each on Earth): joined by
/// `;`, a shape of 3 points or more closed by repeating its first point (unless its last
/// already is the first). An incomplete line is stored as it is, so that a walk in
/// progress is saved with the draft; [`shortfall`] says what it still needs.
pub(crate) fn to_text(kind: LineKind, points: &[GeoPoint]) -> Result<String, LineError> {
    if points.len() > MAX_LINE_POINTS {
        return Err(LineError::TooManyPoints {
            kind,
            max: MAX_LINE_POINTS,
            count: points.len(),
        });
    }
    let mut texts = Vec::with_capacity(points.len() + 1);
    for (i, p) in points.iter().enumerate() {
        texts.push(geopoint_to_stored(p).map_err(|_| LineError::OffEarth {
            index: i + 1,
            latitude: p.latitude,
            longitude: p.longitude,
        })?);
    }
    let closed = points.len() >= 2 && same_place(&points[0], &points[points.len() - 1]);
    if kind == LineKind::Shape && points.len() >= 3 && !closed {
        texts.push(texts[0].clone());
    }
    Ok(texts.join(";"))
}

/// The points of stored (or submitted) text, a shape's closing point left out: what she
/// took. Spaces around `;` and a trailing `;` are allowed, as ODK writes them.
pub(crate) fn points(kind: LineKind, text: &str) -> Result<Vec<GeoPoint>, LineError> {
    let parts: Vec<&str> = text
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let too_many = |count| LineError::TooManyPoints {
        kind,
        max: MAX_LINE_POINTS,
        count,
    };
    // A shape's closing point may follow the last one allowed.
    if parts.len() > MAX_LINE_POINTS + 1 {
        return Err(too_many(parts.len()));
    }
    let mut out = parts
        .iter()
        .enumerate()
        .map(|(i, part)| point(i + 1, part))
        .collect::<Result<Vec<_>, _>>()?;
    if kind == LineKind::Shape && out.len() >= 4 && same_place(&out[0], &out[out.len() - 1]) {
        out.pop();
    }
    if out.len() > MAX_LINE_POINTS {
        return Err(too_many(out.len()));
    }
    Ok(out)
}

/// One point's text: latitude and longitude, then altitude and accuracy if given.
fn point(index: usize, text: &str) -> Result<GeoPoint, LineError> {
    let not_a_point = || LineError::NotAPoint {
        index,
        text: text.chars().take(80).collect(),
    };
    let numbers: Vec<f64> = text
        .split_whitespace()
        .map(str::parse::<f64>)
        .collect::<Result<_, _>>()
        .map_err(|_| not_a_point())?;
    if !(2..=4).contains(&numbers.len()) {
        return Err(not_a_point());
    }
    let p = GeoPoint {
        latitude: numbers[0],
        longitude: numbers[1],
        altitude: numbers.get(2).copied(),
        accuracy: numbers.get(3).copied(),
    };
    geopoint_to_stored(&p).map_err(|_| LineError::OffEarth {
        index,
        latitude: p.latitude,
        longitude: p.longitude,
    })?;
    Ok(p)
}

/// Whether two points are at the same latitude and longitude.
fn same_place(a: &GeoPoint, b: &GeoPoint) -> bool {
    a.latitude == b.latitude && a.longitude == b.longitude
}

/// How many different places `points` holds.
fn different_places(points: &[GeoPoint]) -> usize {
    let mut seen: Vec<(u64, u64)> = Vec::new();
    for p in points {
        let key = (p.latitude.to_bits(), p.longitude.to_bits());
        if !seen.contains(&key) {
            seen.push(key);
        }
    }
    seen.len()
}

/// What keeps `points` from being a complete line of `kind` (too few different
/// points), or None when it is complete.
pub(crate) fn shortfall(kind: LineKind, points: &[GeoPoint]) -> Option<LineError> {
    let have = different_places(points);
    (have < kind.min_points()).then_some(LineError::TooFewPoints {
        kind,
        needed: kind.min_points(),
        have,
    })
}

/// How many more different points the stored text `text` needs to be a complete line
/// of `kind` (all of them when it is not a line at all), or None when it is complete.
pub(crate) fn points_missing(kind: LineKind, text: &str) -> Option<usize> {
    let have = points(kind, text).map_or(0, |p| different_places(&p));
    kind.min_points().checked_sub(have).filter(|more| *more > 0)
}

/// A submitted line's text checked as the server re-validates it: every point a
/// position, complete, and a shape closed by repeating its first point. Returns the text
/// as the core stores it.
pub fn validated(kind: LineKind, text: &str) -> Result<String, LineError> {
    let points = points(kind, text)?;
    if let Some(short) = shortfall(kind, &points) {
        return Err(short);
    }
    if kind == LineKind::Shape {
        let given: Vec<&str> = text
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if given.len() == points.len() {
            return Err(LineError::NotClosed);
        }
    }
    to_text(kind, &points)
}

/// What `points` (as she took them, a shape's closing point left out) measures.
pub fn measure(kind: LineKind, points: &[GeoPoint]) -> LineFacts {
    let mut places: Vec<(f64, f64)> = points.iter().map(|p| (p.latitude, p.longitude)).collect();
    let area_m2 = (kind == LineKind::Shape).then(|| geo::area(&places));
    if kind == LineKind::Shape && places.len() >= 3 {
        places.push(places[0]);
    }
    LineFacts {
        points: points.len(),
        length_m: geo::distance(&places),
        area_m2,
        first: points.first().copied(),
    }
}

/// What the stored (or submitted) answer `text` of a question of type `kind` measures;
/// None for another type or text that is not a line.
pub fn line_facts(kind: &FieldKind, text: &str) -> Option<LineFacts> {
    let kind = LineKind::of(kind)?;
    points(kind, text).ok().map(|p| measure(kind, &p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(latitude: f64, longitude: f64) -> GeoPoint {
        GeoPoint {
            latitude,
            longitude,
            altitude: Some(1200.0),
            accuracy: Some(4.5),
        }
    }

    #[test]
    fn a_trace_is_stored_as_odk_writes_it_and_read_back() {
        let walk = [at(22.33, 103.84), at(22.331, 103.841), at(22.332, 103.841)];
        let text = to_text(LineKind::Trace, &walk).unwrap();
        assert_eq!(
            text,
            "22.33 103.84 1200 4.5;22.331 103.841 1200 4.5;22.332 103.841 1200 4.5"
        );
        assert_eq!(points(LineKind::Trace, &text).unwrap(), walk);
        // ODK's spacing and a trailing ';' read the same; altitude and accuracy may be left out.
        let odk = "22.33 103.84 1200 4.5; 22.331 103.841 1200 4.5 ;22.332 103.841;";
        let read = points(LineKind::Trace, odk).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[2].altitude, None);
    }

    #[test]
    fn a_shape_is_closed_by_repeating_its_first_point() {
        let field = [at(0.0, 0.0), at(0.0, 0.001), at(0.001, 0.001)];
        let text = to_text(LineKind::Shape, &field).unwrap();
        assert_eq!(text.split(';').count(), 4);
        assert_eq!(text.split(';').next(), text.split(';').next_back());
        // Read back as the points she took, the closing one left out.
        assert_eq!(points(LineKind::Shape, &text).unwrap(), field);
        // Two points are not closed yet (a walk in progress).
        let started = to_text(LineKind::Shape, &field[..2]).unwrap();
        assert_eq!(started.split(';').count(), 2);
        // A shape she closed herself is not closed twice.
        let by_hand = [&field[..], &[field[0]]].concat();
        assert_eq!(to_text(LineKind::Shape, &by_hand).unwrap(), text);
    }

    #[test]
    fn bad_points_are_refused_with_their_place() {
        assert_eq!(
            points(LineKind::Trace, "1 2 0 0;north 3"),
            Err(LineError::NotAPoint {
                index: 2,
                text: "north 3".into()
            })
        );
        assert!(matches!(
            points(LineKind::Trace, "1 2;3"),
            Err(LineError::NotAPoint { index: 2, .. })
        ));
        assert!(matches!(
            points(LineKind::Trace, "1 2;91 0"),
            Err(LineError::OffEarth { index: 2, .. })
        ));
        assert!(matches!(
            points(LineKind::Trace, "1 2 0 -3"),
            Err(LineError::OffEarth { index: 1, .. })
        ));
        assert!(matches!(
            to_text(LineKind::Trace, &[at(0.0, 181.0)]),
            Err(LineError::OffEarth { index: 1, .. })
        ));
        let many = vec![at(1.0, 1.0); MAX_LINE_POINTS + 1];
        assert!(matches!(
            to_text(LineKind::Trace, &many),
            Err(LineError::TooManyPoints { .. })
        ));
        let text = vec!["1 1"; MAX_LINE_POINTS + 2].join(";");
        assert!(matches!(
            points(LineKind::Trace, &text),
            Err(LineError::TooManyPoints { .. })
        ));
    }

    #[test]
    fn complete_means_enough_different_points() {
        let a = at(10.0, 100.0);
        let b = at(10.001, 100.0);
        let c = at(10.001, 100.001);
        assert_eq!(
            shortfall(LineKind::Trace, &[a, a]),
            Some(LineError::TooFewPoints {
                kind: LineKind::Trace,
                needed: 2,
                have: 1
            })
        );
        assert_eq!(shortfall(LineKind::Trace, &[a, b]), None);
        assert!(shortfall(LineKind::Shape, &[a, b, a]).is_some());
        assert_eq!(shortfall(LineKind::Shape, &[a, b, c]), None);
        let text = |p: &[GeoPoint]| to_text(LineKind::Shape, p).unwrap();
        assert_eq!(points_missing(LineKind::Shape, &text(&[a])), Some(2));
        assert_eq!(points_missing(LineKind::Shape, &text(&[a, b, a])), Some(1));
        assert_eq!(points_missing(LineKind::Shape, &text(&[a, b, c])), None);
        assert_eq!(points_missing(LineKind::Trace, "not a line"), Some(2));
    }

    #[test]
    fn the_server_accepts_only_complete_closed_lines() {
        let ok = "10 100 0 0;10.001 100 0 0;10.001 100.001 0 0;10 100 0 0";
        assert_eq!(validated(LineKind::Shape, ok).as_deref(), Ok(ok));
        assert_eq!(
            validated(
                LineKind::Shape,
                "10 100 0 0;10.001 100 0 0;10.001 100.001 0 0"
            ),
            Err(LineError::NotClosed)
        );
        assert!(matches!(
            validated(LineKind::Shape, "10 100;10.001 100;10 100"),
            Err(LineError::TooFewPoints { have: 2, .. })
        ));
        assert_eq!(
            validated(LineKind::Trace, "10 100; 10.001 100").as_deref(),
            Ok("10 100 0 0;10.001 100 0 0")
        );
        assert!(matches!(
            validated(LineKind::Trace, "10 100"),
            Err(LineError::TooFewPoints { needed: 2, .. })
        ));
        assert!(validated(LineKind::Trace, "").is_err());
    }

    #[test]
    fn lengths_and_areas() {
        // A square of 0.001 degrees at the equator: about 111 m a side.
        let side = 0.001 * 2.0 * std::f64::consts::PI * 6_378_100.0 / 360.0;
        let square = [
            at(0.0, 0.0),
            at(0.0, 0.001),
            at(0.001, 0.001),
            at(0.001, 0.0),
        ];
        let facts = measure(LineKind::Shape, &square);
        assert_eq!(facts.points, 4);
        assert!((facts.length_m - 4.0 * side).abs() < 0.01, "{facts:?}");
        let area = facts.area_m2.unwrap();
        assert!((area - side * side).abs() / (side * side) < 1e-6, "{area}");
        assert_eq!(facts.first, Some(square[0]));
        let trace = measure(LineKind::Trace, &square);
        assert!((trace.length_m - 3.0 * side).abs() < 0.01);
        assert_eq!(trace.area_m2, None);
        let text = to_text(LineKind::Shape, &square).unwrap();
        assert_eq!(line_facts(&FieldKind::Geoshape, &text), Some(facts));
        assert_eq!(line_facts(&FieldKind::Text, &text), None);
        assert_eq!(line_facts(&FieldKind::Geotrace, "x"), None);
    }
}
