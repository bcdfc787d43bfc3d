//! The vector abstraction the kernels in [`super::poly`] are written against, and the loop
//! that runs a kernel over a slice.
//!
//! One kernel body serves every width: [`Simd`] is implemented for AVX2 (`__m256d`, `__m256`)
//! in [`super::avx2`] and AVX-512 (`__m512d`, `__m512`) in [`super::avx512`]; the element
//! type picks the polynomial coefficients ([`Simd::C`]). Every method is `#[inline(always)]`
//! and is only called from a `#[target_feature]` entry point (a generic function inlined
//! there is compiled with that entry's features), so the kernels become straight-line
//! vector code.
//!
//! A kernel returns its result and a bit mask of lanes it cannot handle (NaN, ±inf, huge or
//! tiny arguments); the loop recomputes just those lanes with the scalar std function.

use super::{poly, poly::Consts, Func};

/// A float element type with a scalar reference.
pub(super) trait Real: Copy + 'static {
    /// A harmless input for the unused lanes of a partial vector (in every kernel's range).
    const PAD: Self;
    /// The scalar std function, for the lanes a kernel leaves.
    fn scalar(f: Func, x: Self) -> Self;
}

impl Real for f64 {
    const PAD: f64 = 0.5;
    fn scalar(f: Func, x: f64) -> f64 {
        f.scalar(x)
    }
}

impl Real for f32 {
    const PAD: f32 = 0.5;
    fn scalar(f: Func, x: f32) -> f32 {
        f.scalar_f32(x)
    }
}

/// A vector of `LANES` floats. Safety for every method: the CPU has the features of the
/// implementing type (the caller checked them at run time).
pub(super) trait Simd: Copy {
    type E: Real;
    /// A lane mask: a compare result.
    type M: Copy;
    const LANES: usize;
    /// Coefficients and ranges for this element type.
    const C: &'static Consts;

    /// Every lane `x` (rounded to the element type; the constants used are exact there).
    unsafe fn splat(x: f64) -> Self;
    unsafe fn load(p: *const Self::E) -> Self;
    unsafe fn store(self, p: *mut Self::E);

    /// The first `xs.len() < LANES` lanes from `xs`, the rest [`Real::PAD`].
    #[inline(always)]
    unsafe fn load_tail(xs: &[Self::E]) -> Self {
        let mut buf = [<Self::E as Real>::PAD; 16];
        buf[..xs.len()].copy_from_slice(xs);
        Self::load(buf.as_ptr())
    }

    /// Writes the first `out.len() < LANES` lanes.
    #[inline(always)]
    unsafe fn store_tail(self, out: &mut [Self::E]) {
        let mut buf = [<Self::E as Real>::PAD; 16];
        self.store(buf.as_mut_ptr());
        out.copy_from_slice(&buf[..out.len()]);
    }

    unsafe fn add(self, b: Self) -> Self;
    unsafe fn sub(self, b: Self) -> Self;
    unsafe fn mul(self, b: Self) -> Self;
    unsafe fn div(self, b: Self) -> Self;
    /// `self * b + c`, rounded once.
    unsafe fn mul_add(self, b: Self, c: Self) -> Self;
    /// `c - self * b`, rounded once.
    unsafe fn neg_mul_add(self, b: Self, c: Self) -> Self;
    /// x86 semantics: `b` when either is NaN.
    unsafe fn min(self, b: Self) -> Self;
    /// x86 semantics: `b` when either is NaN.
    unsafe fn max(self, b: Self) -> Self;
    /// To the nearest integer, ties to even.
    unsafe fn round(self) -> Self;
    unsafe fn and(self, b: Self) -> Self;
    unsafe fn or(self, b: Self) -> Self;
    /// `!self & b`, bitwise.
    unsafe fn andnot(self, b: Self) -> Self;

    unsafe fn lt(self, b: Self) -> Self::M;
    unsafe fn gt(self, b: Self) -> Self::M;
    unsafe fn eq(self, b: Self) -> Self::M;
    /// Bit `i` set where lane `i` is not in `[lo, hi]` (NaN included).
    unsafe fn outside(self, lo: f64, hi: f64) -> u32;
    /// `m ? a : b` per lane.
    unsafe fn select(m: Self::M, a: Self, b: Self) -> Self;

    /// `2^n` for integer-valued lanes in the element type's normal exponent range.
    unsafe fn pow2(n: Self) -> Self;
    /// `(m, e)` with `self = m 2^e`, `1 <= m < 2`, for positive normal finite lanes.
    unsafe fn split_exp(self) -> (Self, Self);
    /// Lanes whose integer value (integer-valued lanes, |n| < 2^22) has bit `B` set.
    unsafe fn int_bit<const B: u32>(self) -> Self::M;
}

/// The [`Simd`] methods that are one intrinsic each, `name => intrinsic`: binary ones, then
/// after `;` the fused multiply-adds.
macro_rules! lane_ops {
    ($($op:ident => $intr:ident),* ; $($fma:ident => $fintr:ident),* $(,)?) => {
        $(
            #[inline(always)]
            unsafe fn $op(self, b: Self) -> Self {
                $intr(self, b)
            }
        )*
        $(
            #[inline(always)]
            unsafe fn $fma(self, b: Self, c: Self) -> Self {
                $fintr(self, b, c)
            }
        )*
    };
}
pub(super) use lane_ops;

/// One function's kernel, generic over the width. A trait rather than a closure: closures do
/// not inherit `target_feature`, so the kernel would not be inlined into the loop.
pub(super) trait Kernel {
    const F: Func;
    unsafe fn k<V: Simd>(x: V) -> (V, u32);
}

macro_rules! kernel {
    ($($t:ident => $f:path),* $(,)?) => {$(
        struct $t;
        impl Kernel for $t {
            const F: Func = Func::$t;
            #[inline(always)]
            unsafe fn k<V: Simd>(x: V) -> (V, u32) {
                $f(x)
            }
        }
    )*};
}

kernel!(
    Exp => poly::exp,
    Expm1 => poly::expm1,
    Log => poly::log,
    Sin => poly::sin,
    Cos => poly::cos,
    Tanh => poly::tanh,
    Logistic => poly::logistic,
);

/// `out[i] = f(xs[i])` with the vector type `V`; call only from a `#[target_feature]`
/// function with `V`'s features (it is inlined there, one loop per function).
#[inline(always)]
pub(super) unsafe fn apply<V: Simd>(f: Func, xs: &[V::E], out: &mut [V::E]) {
    match f {
        Func::Exp => run::<V, Exp>(xs, out),
        Func::Expm1 => run::<V, Expm1>(xs, out),
        Func::Log => run::<V, Log>(xs, out),
        Func::Sin => run::<V, Sin>(xs, out),
        Func::Cos => run::<V, Cos>(xs, out),
        Func::Tanh => run::<V, Tanh>(xs, out),
        Func::Logistic => run::<V, Logistic>(xs, out),
    }
}

#[inline(always)]
unsafe fn run<V: Simd, K: Kernel>(xs: &[V::E], out: &mut [V::E]) {
    let mut xc = xs.chunks_exact(V::LANES);
    let mut oc = out.chunks_exact_mut(V::LANES);
    for (x, o) in (&mut xc).zip(&mut oc) {
        let (y, bad) = K::k(V::load(x.as_ptr()));
        y.store(o.as_mut_ptr());
        if bad != 0 {
            patch(K::F, bad, x, o);
        }
    }
    // The last partial vector goes through the kernel too (padded or masked), not libm.
    let (xr, or) = (xc.remainder(), oc.into_remainder());
    if !xr.is_empty() {
        let (y, bad) = K::k(V::load_tail(xr));
        y.store_tail(or);
        let bad = bad & ((1u32 << xr.len()) - 1);
        if bad != 0 {
            patch(K::F, bad, xr, or);
        }
    }
}

/// Recomputes the lanes in `bad` with the scalar function.
#[cold]
#[inline(never)]
fn patch<E: Real>(f: Func, mut bad: u32, x: &[E], o: &mut [E]) {
    while bad != 0 {
        let i = bad.trailing_zeros() as usize;
        o[i] = E::scalar(f, x[i]);
        bad &= bad - 1;
    }
}
