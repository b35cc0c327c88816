//! `area()` and `distance()` over geopoints: as JavaRosa computes them, on a sphere of
//! the Earth's equatorial radius, ignoring altitude.

/// The radius JavaRosa uses, in metres.
const EARTH_RADIUS: f64 = 6_378_100.0;

/// The points of a geoshape or geotrace (`"lat lon alt acc; lat lon ..."`) or of a list
/// of geopoints (one per node). `None` when any point is not a latitude and longitude.
pub(crate) fn points<'s>(values: impl IntoIterator<Item = &'s str>) -> Option<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for value in values {
        for point in value.split(';') {
            let point = point.trim();
            if point.is_empty() {
                continue;
            }
            let mut parts = point.split_whitespace().map(str::parse::<f64>);
            let (Some(Ok(lat)), Some(Ok(lon))) = (parts.next(), parts.next()) else {
                return None;
            };
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return None;
            }
            out.push((lat, lon));
        }
    }
    Some(out)
}

/// The area in square metres enclosed by `points` (a closing point equal to the first
/// may be given or not); 0 for fewer than three points. JavaRosa's planar formula: each
/// point projected to metres east and north of the first, the shoelace sum over them.
pub(crate) fn area(points: &[(f64, f64)]) -> f64 {
    let Some(&(lat0, lon0)) = points.first() else {
        return 0.0;
    };
    if points.len() < 3 {
        return 0.0;
    }
    let circumference = 2.0 * std::f64::consts::PI * EARTH_RADIUS;
    let projected: Vec<(f64, f64)> = points[1..]
        .iter()
        .map(|&(lat, lon)| {
            let x = (lon - lon0) * circumference * lat.to_radians().cos() / 360.0;
            let y = (lat - lat0) * circumference / 360.0;
            (x, y)
        })
        .collect();
    let sum: f64 = projected
        .windows(2)
        .map(|w| (w[0].1 * w[1].0 - w[0].0 * w[1].1) / 2.0)
        .sum();
    sum.abs()
}

/// The length in metres of the path through `points` in order: great-circle (haversine)
/// distances between neighbours, added up.
pub(crate) fn distance(points: &[(f64, f64)]) -> f64 {
    points
        .windows(2)
        .map(|w| {
            let (lat1, lon1) = (w[0].0.to_radians(), w[0].1.to_radians());
            let (lat2, lon2) = (w[1].0.to_radians(), w[1].1.to_radians());
            let h = ((lat2 - lat1) / 2.0).sin().powi(2)
                + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
            2.0 * EARTH_RADIUS * h.sqrt().min(1.0).asin()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One degree along the equator, in metres, on JavaRosa's sphere.
    const DEGREE: f64 = 2.0 * std::f64::consts::PI * EARTH_RADIUS / 360.0;

    #[test]
    fn points_read_shapes_traces_and_lists_of_geopoints() {
        let shape = "0 0 0 0; 0 1 0 0;1 1 10 5 ; 0 0 0 0";
        assert_eq!(points([shape]).unwrap().len(), 4);
        assert_eq!(
            points(["1 2", "3 4 5 6"]).unwrap(),
            [(1.0, 2.0), (3.0, 4.0)]
        );
        assert_eq!(points([""]).unwrap(), []);
        assert_eq!(points(["1"]), None);
        assert_eq!(points(["91 0"]), None);
        assert_eq!(points(["x y"]), None);
    }

    #[test]
    fn distance_along_the_equator_and_a_meridian() {
        let d = distance(&[(0.0, 0.0), (0.0, 1.0)]);
        assert!((d - DEGREE).abs() < 1e-6, "{d}");
        let d = distance(&[(0.0, 0.0), (1.0, 0.0), (1.0, 0.0), (2.0, 0.0)]);
        assert!((d - 2.0 * DEGREE).abs() < 1e-6, "{d}");
        assert_eq!(distance(&[(10.0, 10.0)]), 0.0);
        assert_eq!(distance(&[]), 0.0);
        // Hanoi to Ho Chi Minh City, about 1,140 km as the crow flies.
        let d = distance(&[(21.0285, 105.8542), (10.8231, 106.6297)]);
        assert!((1_130_000.0..1_150_000.0).contains(&d), "{d}");
    }

    #[test]
    fn area_of_a_small_square_and_triangle() {
        // A square of 0.001 degrees at the equator, closed or not, either way round.
        let s = 0.001;
        let open = [(0.0, 0.0), (0.0, s), (s, s), (s, 0.0)];
        let expected = (s * DEGREE).powi(2);
        for square in [open.to_vec(), [&open[..], &[(0.0, 0.0)]].concat()] {
            let a = area(&square);
            assert!((a - expected).abs() / expected < 1e-6, "{a} vs {expected}");
            let mut reversed = square.clone();
            reversed.reverse();
            assert!((area(&reversed) - a).abs() < 1e-6);
        }
        let triangle = [(0.0, 0.0), (0.0, s), (s, 0.0)];
        let a = area(&triangle);
        assert!((a - (s * DEGREE).powi(2) / 2.0).abs() < 1e-3, "{a}");
        assert_eq!(area(&[(0.0, 0.0), (1.0, 1.0)]), 0.0);
    }
}
