//! Vectorised transcendental functions over slices.
//!
//! On x86-64 with AVX2 + FMA (detected at run time) four f64 lanes are computed at a time by
//! polynomial kernels accurate to a few ulp ([`avx2`]); f32 is widened to f64, computed there
//! and rounded back (so it is almost always correctly rounded). Lanes outside a kernel's
//! reduction range (NaN, ±inf, huge sin/cos arguments, exp overflow and subnormal results)
//! and every element on other machines go through the std scalar function.

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(test)]
mod tests;

use rayon::prelude::*;

use super::PAR_THRESHOLD;

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
const CHUNK: usize = 1 << 14;

/// `f(x)` for every element of `xs`, as a new vector.
pub fn map_f64(f: Func, xs: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; xs.len()];
    if xs.len() >= PAR_THRESHOLD {
        out.par_chunks_mut(CHUNK)
            .zip(xs.par_chunks(CHUNK))
            .for_each(|(o, x)| apply_f64(f, x, o));
    } else {
        apply_f64(f, xs, &mut out);
    }
    out
}

/// `f(x)` for every element of `xs` (f32), as a new vector.
pub fn map_f32(f: Func, xs: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0; xs.len()];
    if xs.len() >= PAR_THRESHOLD {
        out.par_chunks_mut(CHUNK)
            .zip(xs.par_chunks(CHUNK))
            .for_each(|(o, x)| apply_f32(f, x, o));
    } else {
        apply_f32(f, xs, &mut out);
    }
    out
}

/// True when the AVX2 + FMA kernels can run (std caches the detection).
#[cfg(target_arch = "x86_64")]
fn has_avx2_fma() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// `out[i] = f(xs[i])`; equal lengths.
pub fn apply_f64(f: Func, xs: &[f64], out: &mut [f64]) {
    assert_eq!(
        xs.len(),
        out.len(),
        "vmath: input and output lengths differ"
    );
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked above).
        unsafe { x86::apply_f64(f, xs, out) };
        return;
    }
    for (o, &x) in out.iter_mut().zip(xs) {
        *o = f.scalar(x);
    }
}

/// `out[i] = f(xs[i])` in f32; equal lengths.
pub fn apply_f32(f: Func, xs: &[f32], out: &mut [f32]) {
    assert_eq!(
        xs.len(),
        out.len(),
        "vmath: input and output lengths differ"
    );
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked above).
        unsafe { x86::apply_f32(f, xs, out) };
        return;
    }
    for (o, &x) in out.iter_mut().zip(xs) {
        *o = f.scalar_f32(x);
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{avx2, Func};

    /// One four-lane kernel; `None` sends the lanes to the scalar function. A trait rather
    /// than a closure: closures do not inherit `target_feature`, so the kernel would not be
    /// inlined into the loop.
    trait Kernel {
        const F: Func;
        unsafe fn k(x: __m256d) -> Option<__m256d>;
    }

    macro_rules! kernel {
        ($($t:ident => $f:path),* $(,)?) => {$(
            struct $t;
            impl Kernel for $t {
                const F: Func = Func::$t;
                #[inline(always)]
                unsafe fn k(x: __m256d) -> Option<__m256d> {
                    $f(x)
                }
            }
        )*};
    }

    kernel!(
        Exp => avx2::exp4,
        Expm1 => avx2::expm1_4,
        Log => avx2::log4,
        Sin => avx2::sin4,
        Cos => avx2::cos4,
        Tanh => avx2::tanh4,
        Logistic => avx2::logistic4,
    );

    /// Monomorphised per function so that each loop inlines its kernel.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn apply_f64(f: Func, xs: &[f64], out: &mut [f64]) {
        match f {
            Func::Exp => run_f64::<Exp>(xs, out),
            Func::Expm1 => run_f64::<Expm1>(xs, out),
            Func::Log => run_f64::<Log>(xs, out),
            Func::Sin => run_f64::<Sin>(xs, out),
            Func::Cos => run_f64::<Cos>(xs, out),
            Func::Tanh => run_f64::<Tanh>(xs, out),
            Func::Logistic => run_f64::<Logistic>(xs, out),
        }
    }

    #[inline(always)]
    unsafe fn run_f64<K: Kernel>(xs: &[f64], out: &mut [f64]) {
        let f = K::F;
        let mut xc = xs.chunks_exact(4);
        let mut oc = out.chunks_exact_mut(4);
        for (x, o) in (&mut xc).zip(&mut oc) {
            match K::k(_mm256_loadu_pd(x.as_ptr())) {
                Some(y) => _mm256_storeu_pd(o.as_mut_ptr(), y),
                None => o.iter_mut().zip(x).for_each(|(o, &x)| *o = f.scalar(x)),
            }
        }
        let (xr, or) = (xc.remainder(), oc.into_remainder());
        if !xr.is_empty() {
            let mut buf = [0.5f64; 4];
            buf[..xr.len()].copy_from_slice(xr);
            match K::k(_mm256_loadu_pd(buf.as_ptr())) {
                Some(y) => {
                    _mm256_storeu_pd(buf.as_mut_ptr(), y);
                    or.copy_from_slice(&buf[..xr.len()]);
                }
                None => or.iter_mut().zip(xr).for_each(|(o, &x)| *o = f.scalar(x)),
            }
        }
    }

    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn apply_f32(f: Func, xs: &[f32], out: &mut [f32]) {
        match f {
            Func::Exp => run_f32::<Exp>(xs, out),
            Func::Expm1 => run_f32::<Expm1>(xs, out),
            Func::Log => run_f32::<Log>(xs, out),
            Func::Sin => run_f32::<Sin>(xs, out),
            Func::Cos => run_f32::<Cos>(xs, out),
            Func::Tanh => run_f32::<Tanh>(xs, out),
            Func::Logistic => run_f32::<Logistic>(xs, out),
        }
    }

    #[inline(always)]
    unsafe fn run_f32<K: Kernel>(xs: &[f32], out: &mut [f32]) {
        let f = K::F;
        let mut xc = xs.chunks_exact(4);
        let mut oc = out.chunks_exact_mut(4);
        for (x, o) in (&mut xc).zip(&mut oc) {
            let wide = _mm256_cvtps_pd(_mm_loadu_ps(x.as_ptr()));
            match K::k(wide) {
                Some(y) => _mm_storeu_ps(o.as_mut_ptr(), _mm256_cvtpd_ps(y)),
                None => o.iter_mut().zip(x).for_each(|(o, &x)| *o = f.scalar_f32(x)),
            }
        }
        let (xr, or) = (xc.remainder(), oc.into_remainder());
        for (o, &x) in or.iter_mut().zip(xr) {
            let mut buf = [0.5f64; 4];
            buf[0] = x as f64;
            *o = match K::k(_mm256_loadu_pd(buf.as_ptr())) {
                Some(y) => _mm256_cvtsd_f64(y) as f32,
                None => f.scalar_f32(x),
            };
        }
    }
}
