//! [`Generator`]: a NumPy-style stateful convenience over the pure, key-based samplers.

use ferrograd_core::{DType, Tensor};

use super::{hash_counter, Key};

/// A stateful random generator for quick scripts, like NumPy's `default_rng(seed)`.
///
/// Each draw uses a fresh key — the Threefry hash of the draw's number under the seed's key,
/// exactly `random::split(&random::key(seed), n)[i]` for the i-th draw — so a script's
/// numbers are reproducible from its seed alone, on every machine. Functions that must be
/// pure (anything under a transform) should take a [`Key`] instead.
///
/// ```
/// use ferrograd::random::{self, Generator};
/// let mut rng = Generator::new(0);
/// let x = rng.normal(&[3]);
/// let y = rng.normal(&[3]);
/// assert_ne!(x.to_vec(), y.to_vec()); // successive draws differ
/// let keys = random::split(&random::key(0), 2);
/// assert_eq!(x.to_vec(), random::normal(&keys[0], &[3]).to_vec());
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    key: Key,
    draws: u64,
}

impl Generator {
    /// A generator whose draws derive from `random::key(seed)`.
    pub fn new(seed: u64) -> Self {
        Generator::from_key(super::key(seed))
    }

    /// A generator whose draws derive from `key`.
    pub fn from_key(key: Key) -> Self {
        Generator { key, draws: 0 }
    }

    /// The key of the next draw (and advances the generator).
    pub fn next_key(&mut self) -> Key {
        let k = Key(hash_counter(&self.key, self.draws));
        self.draws += 1;
        k
    }

    /// Uniform on [0, 1), f64.
    pub fn uniform(&mut self, shape: &[usize]) -> Tensor {
        super::uniform(&self.next_key(), shape)
    }

    /// Uniform on [lo, hi), f64. Panics as [`super::uniform_range`] does.
    #[track_caller]
    pub fn uniform_range(&mut self, shape: &[usize], lo: f64, hi: f64) -> Tensor {
        super::uniform_range(&self.next_key(), shape, lo, hi)
    }

    /// Standard normal, f64.
    pub fn normal(&mut self, shape: &[usize]) -> Tensor {
        super::normal(&self.next_key(), shape)
    }

    /// Standard normal of a float dtype. Panics as [`super::normal_dtype`] does.
    #[track_caller]
    pub fn normal_dtype(&mut self, shape: &[usize], dtype: DType) -> Tensor {
        super::normal_dtype(&self.next_key(), shape, dtype)
    }

    /// Integers on [lo, hi) as i64 (NumPy's `integers`). Panics as [`super::randint`] does.
    #[track_caller]
    pub fn integers(&mut self, shape: &[usize], lo: i64, hi: i64) -> Tensor {
        super::randint(&self.next_key(), shape, lo, hi)
    }

    /// Booleans, true with probability `p`. Panics as [`super::bernoulli`] does.
    #[track_caller]
    pub fn bernoulli(&mut self, p: f64, shape: &[usize]) -> Tensor {
        super::bernoulli(&self.next_key(), p, shape)
    }

    /// Draws from `0..n`. Panics as [`super::choice`] does.
    #[track_caller]
    pub fn choice(&mut self, n: usize, size: usize, replace: bool, p: Option<&Tensor>) -> Tensor {
        super::choice(&self.next_key(), n, size, replace, p)
    }

    /// A random ordering of `0..n`.
    pub fn permutation(&mut self, n: usize) -> Tensor {
        super::permutation(&self.next_key(), n)
    }

    /// The rows of `x` in a random order. Panics as [`super::shuffle`] does.
    #[track_caller]
    pub fn shuffle(&mut self, x: &Tensor) -> Tensor {
        super::shuffle(&self.next_key(), x)
    }

    /// Standard normal restricted to [lower, upper]. Panics as [`super::truncated_normal`].
    #[track_caller]
    pub fn truncated_normal(&mut self, lower: f64, upper: f64, shape: &[usize]) -> Tensor {
        super::truncated_normal(&self.next_key(), lower, upper, shape)
    }

    /// Exponential with rate 1.
    pub fn exponential(&mut self, shape: &[usize]) -> Tensor {
        super::exponential(&self.next_key(), shape)
    }
}
