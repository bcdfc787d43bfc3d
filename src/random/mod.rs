//! Random numbers from splittable keys: the same key gives the same numbers on every machine.
//!
//! The design is JAX's: there is no hidden global state. A [`Key`] is two `u32` words; new
//! keys come from [`split`] and [`fold_in`], and every sampler is a pure function of a key
//! and a shape. The bit generator is the counter-based Threefry-2x32 hash with 20 rounds
//! (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011 —
//! the Random123 library), written out in [`threefry2x32`].
//!
//! Counter layout (that of JAX with `jax_threefry_partitionable`): element `i` of any
//! request is hashed from the 64-bit counter `i`, split into the words `(i >> 32, i & 0xffff_ffff)`.
//! So a sample's value depends only on the key and its flat position, never on the other
//! elements or the thread that computed it. [`split`] hashes counters `0..n`; [`fold_in`]
//! hashes the counter `data`. Bits become floats by filling the mantissa of a number in
//! [1, 2) and subtracting 1; normals use the inverse normal CDF (Wichura's AS 241), which
//! needs only `sqrt` and `ln`, so results are reproducible across machines.
//!
//! Samples are concrete tensors; random generation is not differentiated.
//!
//! ```
//! use ferrograd::random;
//! let k = random::key(0);
//! let keys = random::split(&k, 2);
//! let (k_w, k_x) = (keys[0], keys[1]);
//! let w = random::normal(&k_w, &[3, 2]);
//! let x = random::uniform(&k_x, &[5]);
//! assert_eq!(w.shape(), &[3, 2]);
//! assert!(x.to_vec().iter().all(|&u| (0.0..1.0).contains(&u)));
//! assert_eq!(random::normal(&k_w, &[3, 2]).to_vec(), w.to_vec()); // same key, same numbers
//! ```

mod continuous;
mod discrete;
mod generator;
mod quantile;

pub use continuous::{exponential, truncated_normal, try_truncated_normal};
pub use discrete::{
    bernoulli, categorical, choice, gumbel, permutation, randint, shuffle, try_bernoulli,
    try_categorical, try_choice, try_randint, try_shuffle,
};
pub use generator::Generator;
pub use quantile::normal_quantile;

use ferrograd_core::api::ok;
use ferrograd_core::{DType, Error, Result, Tensor};

/// A PRNG key: the two 32-bit words of a Threefry key. Cheap to copy; never mutated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u32; 2]);

impl Key {
    /// A key from its raw words (JAX's `wrap_key_data`).
    pub fn from_data(data: [u32; 2]) -> Key {
        Key(data)
    }

    /// The raw words (JAX's `key_data`).
    pub fn data(&self) -> [u32; 2] {
        self.0
    }
}

/// A key from a seed: the words are `(seed >> 32, seed & 0xffff_ffff)`, as in JAX's
/// `PRNGKey(seed)`.
///
/// ```
/// use ferrograd::random;
/// assert_eq!(random::key(42).data(), [0, 42]);
/// ```
pub fn key(seed: u64) -> Key {
    Key([(seed >> 32) as u32, seed as u32])
}

/// `n` new keys: key `i` is the Threefry hash of the counter `i` under `key`.
///
/// ```
/// use ferrograd::random;
/// let keys = random::split(&random::key(0), 3);
/// assert_eq!(keys.len(), 3);
/// assert!(keys[0] != keys[1] && keys[1] != keys[2]);
/// ```
pub fn split(key: &Key, n: usize) -> Vec<Key> {
    (0..n as u64).map(|i| Key(hash_counter(key, i))).collect()
}

/// A new key from a key and a number (a step count, a layer index, ...): the hash of the
/// counter `data` under `key`.
///
/// ```
/// use ferrograd::random;
/// let k = random::key(0);
/// assert_ne!(random::fold_in(&k, 1), random::fold_in(&k, 2));
/// ```
pub fn fold_in(key: &Key, data: u32) -> Key {
    Key(hash_counter(key, u64::from(data)))
}

/// Samples uniform on [0, 1) as f64, each a multiple of 2⁻⁵².
///
/// ```
/// use ferrograd::random;
/// let u = random::uniform(&random::key(1), &[2, 3]);
/// assert_eq!(u.shape(), &[2, 3]);
/// ```
pub fn uniform(key: &Key, shape: &[usize]) -> Tensor {
    uniform_dtype(key, shape, DType::F64)
}

/// Samples uniform on [lo, hi) as f64.
///
/// # Panics
/// If `lo < hi` does not hold (or either is not finite); see [`try_uniform_range`].
#[track_caller]
pub fn uniform_range(key: &Key, shape: &[usize], lo: f64, hi: f64) -> Tensor {
    ok(try_uniform_range(key, shape, lo, hi))
}

/// Fallible [`uniform_range`].
pub fn try_uniform_range(key: &Key, shape: &[usize], lo: f64, hi: f64) -> Result<Tensor> {
    if !(lo < hi && lo.is_finite() && hi.is_finite()) {
        return Err(Error::invalid(
            "uniform_range",
            format!("needs finite bounds with lo < hi, got lo = {lo}, hi = {hi}"),
        ));
    }
    // The largest float below `hi`: rounding in lo + (hi - lo)·u may otherwise reach `hi`.
    let below_hi = if hi > 0.0 {
        f64::from_bits(hi.to_bits() - 1)
    } else if hi == 0.0 {
        -f64::from_bits(1)
    } else {
        f64::from_bits(hi.to_bits() + 1)
    };
    let values = (0..numel(shape))
        .map(|i| (lo + (hi - lo) * unit_f64(bits64(key, i))).clamp(lo, below_hi))
        .collect();
    Tensor::try_from_vec(values, shape)
}

/// Standard normal samples as f64 (mean 0, variance 1).
///
/// ```
/// use ferrograd::random;
/// let z = random::normal(&random::key(0), &[1000]);
/// let mean = z.to_vec().iter().sum::<f64>() / 1000.0;
/// assert!(mean.abs() < 0.15);
/// ```
pub fn normal(key: &Key, shape: &[usize]) -> Tensor {
    normal_dtype(key, shape, DType::F64)
}

/// Uniform samples on [0, 1) of a float dtype. f32 samples take 23 bits (the xor of the
/// two hash words), as JAX does; f64 samples take 52 bits.
///
/// # Panics
/// If `dtype` is not a float dtype; see [`try_uniform_dtype`].
#[track_caller]
pub fn uniform_dtype(key: &Key, shape: &[usize], dtype: DType) -> Tensor {
    ok(try_uniform_dtype(key, shape, dtype))
}

/// Fallible [`uniform_dtype`].
pub fn try_uniform_dtype(key: &Key, shape: &[usize], dtype: DType) -> Result<Tensor> {
    let n = numel(shape);
    match dtype {
        DType::F64 => {
            Tensor::try_from_vec((0..n).map(|i| unit_f64(bits64(key, i))).collect(), shape)
        }
        DType::F32 => {
            Tensor::try_from_vec((0..n).map(|i| unit_f32(bits32(key, i))).collect(), shape)
        }
        _ => Err(not_float("uniform", dtype)),
    }
}

/// Standard normal samples of a float dtype. f32 samples are the f64 samples rounded.
///
/// # Panics
/// If `dtype` is not a float dtype; see [`try_normal_dtype`].
#[track_caller]
pub fn normal_dtype(key: &Key, shape: &[usize], dtype: DType) -> Tensor {
    ok(try_normal_dtype(key, shape, dtype))
}

/// Fallible [`normal_dtype`].
pub fn try_normal_dtype(key: &Key, shape: &[usize], dtype: DType) -> Result<Tensor> {
    let n = numel(shape);
    let z = |i: usize| normal_quantile(open_unit(key, i));
    match dtype {
        DType::F64 => Tensor::try_from_vec((0..n).map(z).collect(), shape),
        DType::F32 => Tensor::try_from_vec((0..n).map(|i| z(i) as f32).collect(), shape),
        _ => Err(not_float("normal", dtype)),
    }
}

fn not_float(op: &'static str, got: DType) -> Error {
    Error::dtype(op, "a float dtype (pass DType::F32 or DType::F64)", got)
}

fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// The Threefry hash of the 64-bit counter `i` (high word first, as JAX's
/// `iota_2x32_shape`).
fn hash_counter(key: &Key, i: u64) -> [u32; 2] {
    threefry2x32(key.0, [(i >> 32) as u32, i as u32])
}

/// 64 random bits for element `i`: the two hash words, high then low.
fn bits64(key: &Key, i: usize) -> u64 {
    let [hi, lo] = hash_counter(key, i as u64);
    (u64::from(hi) << 32) | u64::from(lo)
}

/// 32 random bits for element `i`: the xor of the two hash words (JAX's 32-bit rule).
fn bits32(key: &Key, i: usize) -> u32 {
    let [hi, lo] = hash_counter(key, i as u64);
    hi ^ lo
}

/// The top 52 bits as the mantissa of a float in [1, 2), minus 1: exactly k·2⁻⁵².
fn unit_f64(bits: u64) -> f64 {
    f64::from_bits(0x3ff0_0000_0000_0000 | (bits >> 12)) - 1.0
}

/// The midpoint of the i-th cell of width 2⁻⁵²: a uniform number strictly inside (0, 1), so
/// quantile functions and logarithms of it are finite.
fn open_unit(key: &Key, i: usize) -> f64 {
    ((bits64(key, i) >> 12) as f64 + 0.5) * f64::powi(2.0, -52)
}

/// The top 23 bits as the mantissa of an f32 in [1, 2), minus 1: exactly k·2⁻²³.
fn unit_f32(bits: u32) -> f32 {
    f32::from_bits(0x3f80_0000 | (bits >> 9)) - 1.0
}

/// Threefry-2x32 with 20 rounds: a keyed bijection of 64-bit blocks (Salmon et al., SC 2011,
/// and Random123's `threefry2x32_R(20, ...)`, the generator behind JAX's PRNG).
///
/// Each round is a Threefish "MIX": `x0 += x1; x1 = rotl(x1, R) ^ x0`, with the rotation
/// constants R cycling through [13, 15, 26, 6, 17, 29, 16, 24]. Every 4 rounds a subkey is
/// injected from the extended key `[k0, k1, k0 ^ k1 ^ 0x1BD11BDA]` plus the injection count.
///
/// ```
/// use ferrograd::random::threefry2x32;
/// // A Random123 known-answer vector.
/// assert_eq!(threefry2x32([0, 0], [0, 0]), [0x6b20_0159, 0x99ba_4efe]);
/// ```
pub fn threefry2x32(key: [u32; 2], counter: [u32; 2]) -> [u32; 2] {
    const ROTATIONS: [u32; 8] = [13, 15, 26, 6, 17, 29, 16, 24];
    // Skein's key-schedule parity constant.
    let ks = [key[0], key[1], key[0] ^ key[1] ^ 0x1BD1_1BDA];
    let mut x0 = counter[0].wrapping_add(ks[0]);
    let mut x1 = counter[1].wrapping_add(ks[1]);
    for injection in 1..=5u32 {
        for r in 0..4 {
            let rot = ROTATIONS[((injection as usize - 1) % 2) * 4 + r];
            x0 = x0.wrapping_add(x1);
            x1 = x1.rotate_left(rot) ^ x0;
        }
        let i = injection as usize;
        x0 = x0.wrapping_add(ks[i % 3]);
        x1 = x1.wrapping_add(ks[(i + 1) % 3]).wrapping_add(injection);
    }
    [x0, x1]
}
