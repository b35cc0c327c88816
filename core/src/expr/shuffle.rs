//! `randomize()`: the same order as ODK Collect (JavaRosa) and Enketo for the same seed,
//! so a form that shows choices in a seeded random order shows them alike everywhere.
//! The spec names the algorithm: the "inside-out" Fisher-Yates shuffle drawing from a
//! Park-Miller generator.

/// The Park-Miller ("minimal standard") generator: `seed * 16807 mod (2^31 - 1)`.
struct ParkMiller {
    state: f64,
}

const MODULUS: f64 = 2_147_483_647.0;
const MULTIPLIER: f64 = 16_807.0;

impl ParkMiller {
    /// A generator from a seed; seeds that are not positive modulo 2^31-1 are moved into
    /// range as JavaRosa does.
    fn new(seed: i64) -> ParkMiller {
        let mut state = (seed as f64) % MODULUS;
        if state <= 0.0 {
            state += MODULUS - 1.0;
        }
        ParkMiller { state }
    }

    /// A number in [0, 1): `(next - 1) / (2^31 - 2)`.
    fn next_fraction(&mut self) -> f64 {
        // state < 2^31 and 16807 < 2^15: the product is exact in an f64.
        self.state = (self.state * MULTIPLIER) % MODULUS;
        (self.state - 1.0) / (MODULUS - 1.0)
    }
}

/// `items` in the order `randomize(items, seed)` gives them.
pub(crate) fn shuffle_seeded<T: Clone>(items: &[T], seed: i64) -> Vec<T> {
    let mut rng = ParkMiller::new(seed);
    shuffle_with(items, || rng.next_fraction())
}

/// `items` in a fresh random order (`randomize(items)` without a seed).
pub(crate) fn shuffle_unseeded<T: Clone>(items: &[T]) -> Vec<T> {
    shuffle_with(items, super::eval::random_fraction)
}

/// The inside-out Fisher-Yates shuffle: element `i` goes to a random place `j <= i`,
/// whose previous occupant moves to `i`.
fn shuffle_with<T: Clone>(items: &[T], mut fraction: impl FnMut() -> f64) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let j = ((fraction() * (i + 1) as f64) as usize).min(i);
        if j == i {
            out.push(item.clone());
        } else {
            let moved = out[j].clone();
            out.push(moved);
            out[j] = item.clone();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn park_miller_is_the_minimal_standard_generator() {
        // Park & Miller (1988): from seed 1, the 10,000th value is 1,043,618,065.
        let mut rng = ParkMiller::new(1);
        for _ in 0..10_000 {
            rng.next_fraction();
        }
        assert_eq!(rng.state, 1_043_618_065.0);
        // Seeds at or below zero are moved into range (JavaRosa, Enketo).
        assert_eq!(ParkMiller::new(0).state, MODULUS - 1.0);
        assert_eq!(ParkMiller::new(-5).state, MODULUS - 6.0);
    }

    #[test]
    fn a_seed_gives_the_same_order_every_time_and_keeps_every_item() {
        let items: Vec<u32> = (1..=10).collect();
        let a = shuffle_seeded(&items, 42);
        assert_eq!(a, shuffle_seeded(&items, 42));
        assert_ne!(a, items, "a shuffle of ten with seed 42 moves something");
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, items);
        assert_ne!(shuffle_seeded(&items, 42), shuffle_seeded(&items, 43));
    }

    #[test]
    fn the_inside_out_shuffle_follows_the_generator() {
        // With seed 1 the first fractions are (16807-1)/(2^31-2) ≈ 0.0000078 and
        // (282475249-1)/(2^31-2) ≈ 0.1315: both place their item at 0, so 'b' goes first
        // and 'a' moves to the end of what is placed so far; then 'c' at
        // floor(0.7556*3) = 2 stays.
        assert_eq!(shuffle_seeded(&["a", "b", "c"], 1), ["b", "a", "c"]);
        assert_eq!(shuffle_seeded::<u8>(&[], 7), Vec::<u8>::new());
        assert_eq!(shuffle_seeded(&["only"], 7), ["only"]);
    }

    #[test]
    fn an_unseeded_shuffle_keeps_every_item() {
        let items: Vec<u32> = (0..50).collect();
        let mut out = shuffle_unseeded(&items);
        out.sort_unstable();
        assert_eq!(out, items);
    }
}
