//! Vectorised transcendental functions over slices.
//!
//! On x86-64 the kernels run on the widest vectors the CPU has (detected at run time):
//! AVX-512F (8 f64 / 16 f32 lanes) or AVX2 + FMA (4 f64 / 8 f32 lanes). One polynomial
//! kernel per function ([`poly`]) serves every width through the [`simd::Simd`] trait; f32
//! has its own single-precision polynomials. Accuracy, tested against std: f64 within 2–3 ulp
//! of std, f32 within 1–3 ulp of the correctly rounded result (see `tests_f32.rs`). Lanes
//! outside a kernel's reduction range (NaN, ±inf, huge sin/cos arguments, exp overflow and
//! subnormal results, log of non-positive or subnormal numbers) are recomputed one by one with
//! the std scalar function; on other machines every element is.

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "x86_64")]
mod poly;
#[cfg(target_arch = "x86_64")]
mod simd;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_f32;

use rayon::prelude::*;

/// A function with a vectorised kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    Exp,
    Expm1,
    Log,
    Sin,
    Cos,
    Tanh,
    Logistic,
}

impl Func {
    /// The scalar reference (std's libm), used for fallback lanes.
    pub fn scalar(self, x: f64) -> f64 {
        match self {
            Func::Exp => x.exp(),
            Func::Expm1 => x.exp_m1(),
            Func::Log => x.ln(),
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Tanh => x.tanh(),
            Func::Logistic => logistic(x),
        }
    }

    /// The scalar reference in f32.
    pub fn scalar_f32(self, x: f32) -> f32 {
        match self {
            Func::Exp => x.exp(),
            Func::Expm1 => x.exp_m1(),
            Func::Log => x.ln(),
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Tanh => x.tanh(),
            Func::Logistic => logistic(x as f64) as f32,
        }
    }
}

/// 1 / (1 + e^-x) without overflow.
fn logistic(x: f64) -> f64 {
    let e = (-x.abs()).exp();
    if x >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// Elements per rayon task for large slices.
const CHUNK: usize = 1 << 13;

/// `f(x)` for every element of `xs`, as a new vector.
pub fn map_f64(f: Func, xs: &[f64]) -> Vec<f64> {
    map(f, xs, apply_f64)
}

/// `f(x)` for every element of `xs` (f32), as a new vector.
pub fn map_f32(f: Func, xs: &[f32]) -> Vec<f32> {
    map(f, xs, apply_f32)
}

/// `apply` over `xs` into a buffer from the cache, on both cores once the work is worth
/// rayon's entry cost: a transcendental costs [`TRANSCENDENTAL_COST`] cheap operations per
/// element, so it splits from a few ten thousand elements.
fn map<T: crate::Element + Default>(f: Func, xs: &[T], apply: fn(Func, &[T], &mut [T])) -> Vec<T> {
    // Filled before the kernel overwrites it: cached buffers are warm, so this costs a
    // fraction of the function itself.
    let mut out = crate::buffer::filled(xs.len(), T::default());
    if super::worth_splitting(xs.len(), TRANSCENDENTAL_COST) {
        out.par_chunks_mut(CHUNK)
            .zip(xs.par_chunks(CHUNK))
            .for_each(|(o, x)| apply(f, x, o));
    } else {
        apply(f, xs, &mut out);
    }
    out
}

/// The cost of one vectorised transcendental per element, in units of a cheap elementwise
/// operation (an add streams ~1–2 Gelem/s per core from memory; these run at about as many
/// elements per second but with roughly eight times the instructions, so on cached data
/// they are that much slower).
pub const TRANSCENDENTAL_COST: usize = 4;

/// An instruction set the kernels can run with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
enum Level {
    /// The std scalar functions.
    Scalar,
    /// AVX2 + FMA, 256-bit vectors.
    Avx2,
    /// AVX-512F (+ AVX2, FMA), 512-bit vectors.
    Avx512,
}

impl Level {
    /// The widest level this CPU supports (std caches the detection).
    fn best() -> Level {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return if is_x86_feature_detected!("avx512f") {
                Level::Avx512
            } else {
                Level::Avx2
            };
        }
        Level::Scalar
    }

    /// Every level this CPU supports, so that tests cover the narrower paths too.
    #[cfg(test)]
    fn available() -> Vec<Level> {
        let all = [Level::Scalar, Level::Avx2, Level::Avx512];
        all.into_iter().filter(|&l| l <= Level::best()).collect()
    }
}

/// `out[i] = f(xs[i])`; equal lengths.
///
/// # Panics
/// If `xs` and `out` have different lengths.
pub fn apply_f64(f: Func, xs: &[f64], out: &mut [f64]) {
    apply_with(Level::best(), f, xs, out)
}

/// `out[i] = f(xs[i])` in f32; equal lengths.
///
/// # Panics
/// If `xs` and `out` have different lengths.
pub fn apply_f32(f: Func, xs: &[f32], out: &mut [f32]) {
    apply_with(Level::best(), f, xs, out)
}

/// The float types with kernels at each [`Level`].
trait LevelFloat: Copy {
    fn scalar(f: Func, x: Self) -> Self;
    /// # Safety
    /// The CPU has AVX-512F, AVX2 and FMA; equal lengths.
    #[cfg(target_arch = "x86_64")]
    unsafe fn avx512(f: Func, xs: &[Self], out: &mut [Self]);
    /// # Safety
    /// The CPU has AVX2 and FMA; equal lengths.
    #[cfg(target_arch = "x86_64")]
    unsafe fn avx2(f: Func, xs: &[Self], out: &mut [Self]);
}

impl LevelFloat for f64 {
    fn scalar(f: Func, x: f64) -> f64 {
        f.scalar(x)
    }
    #[cfg(target_arch = "x86_64")]
    unsafe fn avx512(f: Func, xs: &[f64], out: &mut [f64]) {
        avx512::apply_f64(f, xs, out)
    }
    #[cfg(target_arch = "x86_64")]
    unsafe fn avx2(f: Func, xs: &[f64], out: &mut [f64]) {
        avx2::apply_f64(f, xs, out)
    }
}

impl LevelFloat for f32 {
    fn scalar(f: Func, x: f32) -> f32 {
        f.scalar_f32(x)
    }
    #[cfg(target_arch = "x86_64")]
    unsafe fn avx512(f: Func, xs: &[f32], out: &mut [f32]) {
        avx512::apply_f32(f, xs, out)
    }
    #[cfg(target_arch = "x86_64")]
    unsafe fn avx2(f: Func, xs: &[f32], out: &mut [f32]) {
        avx2::apply_f32(f, xs, out)
    }
}

/// [`apply_f64`] / [`apply_f32`] at `level`, which the CPU must support.
fn apply_with<T: LevelFloat>(level: Level, f: Func, xs: &[T], out: &mut [T]) {
    assert_eq!(
        xs.len(),
        out.len(),
        "vmath: input and output lengths differ"
    );
    assert!(
        level <= Level::best(),
        "vmath: {level:?} is not supported here"
    );
    match level {
        // SAFETY: `level` is at most `Level::best()`: the CPU has the features.
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { T::avx512(f, xs, out) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => unsafe { T::avx2(f, xs, out) },
        _ => {
            for (o, &x) in out.iter_mut().zip(xs) {
                *o = T::scalar(f, x);
            }
        }
    }
}
