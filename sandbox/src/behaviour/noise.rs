//! Deterministic pseudo-randomness: the simulation must look alive (usage that moves, log lines that vary)
//! yet give the same answer twice for the same inputs, so that tests and repeated reads agree and nothing
//! has to be stored per pod at scale.

/// Mixes two numbers into a well-spread 64-bit value (splitmix64 finaliser).
pub fn mix(seed: u64, i: u64) -> u64 {
    let mut z = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit hash of a string (FNV-1a), used to derive per-object seeds from names and uids.
pub fn seed_of(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A value in `[0, 1)` derived from `seed` and `i`.
pub fn unit(seed: u64, i: u64) -> f64 {
    (mix(seed, i) >> 11) as f64 / (1u64 << 53) as f64
}

/// Picks one element of a non-empty slice.
pub fn pick<T>(items: &[T], seed: u64, i: u64) -> &T {
    &items[(mix(seed, i) % items.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_inputs_give_same_outputs_and_different_inputs_differ() {
        assert_eq!(mix(1, 2), mix(1, 2));
        assert_ne!(mix(1, 2), mix(1, 3));
        assert_eq!(seed_of("nginx"), seed_of("nginx"));
        let u = unit(7, 9);
        assert!((0.0..1.0).contains(&u));
    }
}
