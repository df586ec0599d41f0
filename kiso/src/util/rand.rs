//! kiso's small random number generator.
//!
//! kiso needs randomness only for fairness, never for security: `select!`
//! picks the branch it polls first at random, so that no branch is always
//! served first. What matters is that a draw costs a few instructions and
//! that a runtime can be made to repeat its choices: every generator a
//! runtime uses is derived from its [`RngSeed`] (see
//! `Builder::rng_seed`), through a [`SeedGenerator`] that hands out one seed
//! per thread that enters the runtime.
//!
//! The generator is xorshift64* (Marsaglia's xorshift on 64 bits of state,
//! with a multiplication on output). Its state is never zero once seeded, so
//! zero serves as the "not seeded yet" mark of the thread-local generators.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// A seed for the random number generators of a runtime.
///
/// Two runtimes built with the same seed (see `Builder::rng_seed`) make the
/// same random choices, for example which branch of `select!` is polled
/// first, as long as they run the same program on a `current_thread`
/// scheduler (with several worker threads the order in which threads act is
/// not deterministic anyway).
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "rt")]
/// # fn main() {
/// use kiso::runtime::{Builder, RngSeed};
///
/// let seed = RngSeed::from_bytes(b"make it repeatable");
/// let rt = Builder::new_current_thread().rng_seed(seed).build().unwrap();
/// # drop(rt);
/// # }
/// # #[cfg(not(feature = "rt"))]
/// # fn main() {}
/// ```
#[derive(Clone, Debug)]
pub struct RngSeed {
    // Never zero.
    state: u64,
}

impl RngSeed {
    /// Returns a seed chosen at random (from the process's hashing keys and a
    /// counter): different on every call.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "rt")]
    /// # fn main() {
    /// let seed = kiso::runtime::RngSeed::new();
    /// # drop(seed);
    /// # }
    /// # #[cfg(not(feature = "rt"))]
    /// # fn main() {}
    /// ```
    #[allow(clippy::new_without_default)]
    pub fn new() -> RngSeed {
        RngSeed::from_u64(random_u64())
    }

    /// Returns the seed made from `bytes`: the same bytes always give the same
    /// seed, in every process and on every platform.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "rt")]
    /// # fn main() {
    /// use kiso::runtime::RngSeed;
    ///
    /// let a = RngSeed::from_bytes(&[1, 2, 3]);
    /// let b = RngSeed::from_bytes(&[1, 2, 3]);
    /// // `a` and `b` make runtimes that take the same random decisions.
    /// # drop((a, b));
    /// # }
    /// # #[cfg(not(feature = "rt"))]
    /// # fn main() {}
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> RngSeed {
        // FNV-1a over the bytes, then a mixing step so that nearby inputs
        // give unrelated seeds. Fixed constants: stable across processes.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        RngSeed::from_u64(mix64(h))
    }

    /// A seed from 64 bits (any value: zero is mapped to a fixed non-zero
    /// state).
    pub(crate) fn from_u64(v: u64) -> RngSeed {
        RngSeed {
            state: if v == 0 { 0x9e37_79b9_7f4a_7c15 } else { v },
        }
    }

    /// The generator state this seed starts from (never zero).
    pub(crate) fn state(&self) -> u64 {
        self.state
    }
}

/// The finaliser of splitmix64: a bijection of `u64` that spreads every input
/// bit over the whole output.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 64 random bits, from std's hashing keys: each thread's keys are seeded
/// from the operating system, and every `RandomState::new` on a thread
/// changes them, so every call differs.
pub(crate) fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x5eed);
    hasher.finish()
}

/// One step of xorshift64* on `state` (which must not be zero): returns the
/// next state, which is never zero, and 32 random bits.
#[inline(always)]
pub(crate) fn step(state: u64) -> (u64, u32) {
    let mut x = state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    let out = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
    (x, (out >> 32) as u32)
}

/// A number in `0..n` from 32 random bits, by multiplying and keeping the
/// high half (Lemire's method, without the rejection step: the bias is at
/// most `n / 2^32`, far below what fairness can notice).
#[inline(always)]
pub(crate) fn bounded(bits: u32, n: u32) -> u32 {
    ((u64::from(bits) * u64::from(n)) >> 32) as u32
}

/// Draws a number in `0..n` from the thread-local generator in `cell`,
/// seeding it at random first if it has never been seeded (state zero).
#[inline(always)]
pub(crate) fn draw_n(cell: &Cell<u64>, n: u32) -> u32 {
    let mut state = cell.get();
    if state == 0 {
        state = RngSeed::new().state();
    }
    let (next, bits) = step(state);
    cell.set(next);
    bounded(bits, n)
}

/// Hands out the seeds of a runtime's threads: a fixed sequence for a fixed
/// [`RngSeed`], so that a seeded runtime repeats itself.
///
/// Each `block_on` of a `current_thread` runtime takes the next seed and
/// installs it as the thread's generator until it returns.
#[derive(Debug)]
pub(crate) struct SeedGenerator {
    /// The state of a splitmix64 sequence: each seed is the mix of the state
    /// after adding the golden gamma.
    state: crate::loom::sync::Mutex<u64>,
}

impl SeedGenerator {
    pub(crate) fn new(seed: RngSeed) -> SeedGenerator {
        SeedGenerator {
            state: crate::loom::sync::Mutex::new(seed.state()),
        }
    }

    /// The next seed of the sequence.
    pub(crate) fn next_seed(&self) -> RngSeed {
        let mut state = crate::loom::lock(&self.state);
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        RngSeed::from_u64(mix64(*state))
    }
}

#[cfg(not(feature = "rt"))]
std::thread_local! {
    /// Without `rt` there is no runtime context: `select!` draws from this
    /// generator, seeded at random on first use.
    static THREAD_RNG: Cell<u64> = const { Cell::new(0) };
}

/// A number in `0..n` from the current thread's generator: the one the
/// entered runtime installed, or one seeded at random.
#[inline]
pub(crate) fn thread_rng_n(n: u32) -> u32 {
    #[cfg(feature = "rt")]
    {
        crate::runtime::context::thread_rng_n(n)
    }
    #[cfg(not(feature = "rt"))]
    {
        THREAD_RNG
            .try_with(|cell| draw_n(cell, n))
            .unwrap_or_else(|_| bounded(step(RngSeed::new().state()).1, n))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn from_bytes_is_stable() {
        assert_eq!(
            RngSeed::from_bytes(b"abc").state(),
            RngSeed::from_bytes(b"abc").state()
        );
        assert_ne!(
            RngSeed::from_bytes(b"abc").state(),
            RngSeed::from_bytes(b"abd").state()
        );
        assert_ne!(RngSeed::from_bytes(&[]).state(), 0);
    }

    #[test]
    fn new_differs() {
        assert_ne!(RngSeed::new().state(), RngSeed::new().state());
    }

    #[test]
    fn step_never_reaches_zero_and_bounded_stays_in_range() {
        let mut s = 1u64;
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            let (next, bits) = step(s);
            assert_ne!(next, 0);
            s = next;
            counts[bounded(bits, 3) as usize] += 1;
        }
        for c in counts {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn seed_generator_repeats() {
        let a = SeedGenerator::new(RngSeed::from_bytes(b"x"));
        let b = SeedGenerator::new(RngSeed::from_bytes(b"x"));
        for _ in 0..10 {
            assert_eq!(a.next_seed().state(), b.next_seed().state());
        }
    }
}
