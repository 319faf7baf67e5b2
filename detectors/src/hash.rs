//! A small, fast, deterministic hasher for interning names and filling sketches.
//!
//! Why not std's SipHash: the hot path hashes the actor and the resource of every event, SipHash's
//! flooding resistance costs several times more, and the keys come from authenticated ingest. Why not
//! a random seed: sketches and resource sets hold hashes that go into snapshots, so a hash must mean the
//! same thing after a restart. The mixing is the FxHash (rustc) recipe; the murmur3 finaliser makes the
//! low bits good enough for bitmap sketches.

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x517c_c1b7_2722_0a95;

/// FxHash-style hasher with a murmur3 finaliser.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length goes into the top byte so "ab" and "ab\0" differ.
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        fmix64(self.hash)
    }
}

/// `HashMap` builder for interning tables.
pub type FxBuild = BuildHasherDefault<FxHasher>;

/// Stable 64-bit hash of a string (same value in every process and after a restore).
#[inline]
pub fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.finish()
}

#[inline]
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_hash_equal_and_different_lengths_differ() {
        assert_eq!(hash_str("crm.customers"), hash_str("crm.customers"));
        assert_ne!(hash_str("ab"), hash_str("ab\0"));
        assert_ne!(hash_str("crm.customers"), hash_str("crm.customerz"));
    }

    #[test]
    fn low_bits_spread_over_a_bitmap() {
        let mut seen = [false; 64];
        for i in 0..200 {
            seen[(hash_str(&format!("table_{i}")) & 63) as usize] = true;
        }
        assert!(seen.iter().filter(|s| **s).count() > 55);
    }
}
