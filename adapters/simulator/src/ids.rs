//! The simulator's pseudo-random numbers and the ids built from them.
//!
//! SplitMix64: tiny, fast, and the same sequence for the same seed on every platform, which is all
//! a test double needs (nothing here is security-sensitive).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A SplitMix64 generator.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Whether an event of probability `rate` happens (rates outside `(0, 1]` never or always do).
    pub(crate) fn chance(&mut self, rate: f64) -> bool {
        // NaN and non-positive rates never fire, and draw nothing so other rolls stay put.
        if rate.is_nan() || rate <= 0.0 {
            return false;
        }
        self.next_f64() < rate
    }

    /// `prefix` followed by 26 characters of `[a-z2-7]`, like Checkout.com's own ids.
    pub(crate) fn id(&mut self, prefix: &str) -> String {
        let mut s = String::with_capacity(prefix.len() + 26);
        s.push_str(prefix);
        let (mut bits, mut left) = (0u64, 0u32);
        for _ in 0..26 {
            if left < 5 {
                bits = self.next_u64();
                left = 64;
            }
            s.push(char::from(BASE32[(bits & 31) as usize]));
            bits >>= 5;
            left -= 5;
        }
        s
    }

    /// A lower-case UUID-shaped string (for `Cko-Request-Id`).
    pub(crate) fn uuid(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xffff,
            hi & 0x0fff,
            ((lo >> 48) & 0x3fff) | 0x8000,
            lo & 0xffff_ffff_ffff
        )
    }

    /// `n` decimal digits (authorization codes).
    pub(crate) fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + (self.next_u64() % 10) as u8)).collect()
    }
}

/// A seed nobody else is likely to have: the time, an address and a process-wide counter.
pub(crate) fn entropy_seed() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let marker = Box::new(0u8);
    let address = &*marker as *const u8 as usize as u64;
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut mix = Rng::new(nanos ^ address.rotate_left(32) ^ count.wrapping_mul(0xD1B5_4A32_D192_ED03));
    mix.next_u64()
}

/// A 128-bit fingerprint of some bytes (two independent FNV-1a passes), used to compare request
/// bodies for idempotency without keeping them (they can hold card numbers).
pub(crate) fn digest(bytes: &[u8]) -> (u64, u64) {
    let fnv = |offset: u64, prime: u64| {
        bytes.iter().fold(offset, |h, b| (h ^ u64::from(*b)).wrapping_mul(prime)) ^ (bytes.len() as u64)
    };
    (fnv(0xcbf2_9ce4_8422_2325, 0x0000_0100_0000_01B3), fnv(0x6c62_272e_07bb_0142, 0x0000_0100_0000_0193))
}

/// A stable, one-way-looking 64-hex-digit fingerprint of a card number (like the API's
/// `source.fingerprint`), so the same card always has the same fingerprint.
pub(crate) fn card_fingerprint(number: &str) -> String {
    let mut out = String::with_capacity(64);
    for round in 0u8..4 {
        let mut salted = Vec::with_capacity(number.len() + 16);
        salted.extend_from_slice(b"cko-sim-fp:");
        salted.push(round);
        salted.extend_from_slice(number.as_bytes());
        let (a, b) = digest(&salted);
        let mut mixer = Rng::new(a ^ b.rotate_left(17));
        out.push_str(&format!("{:016X}", mixer.next_u64()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_and_look_real() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let id = a.id("pay_");
        assert_eq!(id, b.id("pay_"));
        assert_eq!(id.len(), 30);
        assert!(id[4..].bytes().all(|c| BASE32.contains(&c)));
        assert!(checkout_sdk_core::id::PaymentId::new(id).is_ok());
        assert_ne!(a.id("pay_"), Rng::new(8).id("pay_"));
        let uuid = a.uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(a.digits(6).len(), 6);
    }

    #[test]
    fn chances_respect_their_bounds() {
        let mut rng = Rng::new(1);
        assert!(!rng.chance(0.0));
        assert!(!rng.chance(f64::NAN));
        assert!(!rng.chance(-1.0));
        assert!(rng.chance(1.0));
        assert!(rng.chance(2.0));
        let hits = (0..10_000).filter(|_| rng.chance(0.25)).count();
        assert!((2_000..3_000).contains(&hits), "{hits}");
    }

    #[test]
    fn fingerprints_are_stable_and_do_not_contain_the_number() {
        let fp = card_fingerprint("4242424242424242");
        assert_eq!(fp, card_fingerprint("4242424242424242"));
        assert_ne!(fp, card_fingerprint("4543474002249996"));
        assert_eq!(fp.len(), 64);
        assert!(!fp.contains("4242424242"));
        assert_ne!(entropy_seed(), entropy_seed());
    }
}
