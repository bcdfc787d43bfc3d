//! The polynomial kernels, written once over [`Simd`] and used at every width and both
//! precisions; only the coefficient tables ([`F64`], [`F32`]) differ.
//!
//! Each kernel returns `(y, bad)`: `bad` has bit `i` set for a lane outside the range its
//! reduction handles (NaN, ±inf, huge arguments, results that would overflow or be
//! subnormal). The value in such a lane is garbage; the caller recomputes it with std.
//!
//! Reductions and polynomials: exp by Cody–Waite in ln 2 and a polynomial for e^r - 1 - r
//! (Taylor to degree 13 in f64, Cephes `expf` in f32); log by fdlibm's `s = f/(2+f)` with
//! `Lg1..Lg7` (musl's `Lg1..Lg4` in f32); sin/cos by π/2 in four or five parts, fdlibm's
//! `__kernel_sin`/`__kernel_cos` (Cephes `sinf`/`cosf` in f32).

#![allow(clippy::excessive_precision, clippy::approx_constant)]

use super::simd::Simd;

/// Per-precision coefficients and ranges.
pub(super) struct Consts {
    /// exp and expm1 are computed in registers on `[exp_lo, exp_hi]`: e^x is normal there
    /// and `2^n` fits the exponent field.
    pub exp_lo: f64,
    pub exp_hi: f64,
    /// ln 2 in two parts for the exp reduction; `n · ln2[0]` is nearly exact.
    pub ln2: [f64; 2],
    /// `e^r - 1 - r = r² P(r)` on |r| <= ln2 / 2; `P` in increasing degree.
    pub exp_c: &'static [f64],
    /// Smallest positive normal and largest finite value (log's range).
    pub log_lo: f64,
    pub log_hi: f64,
    /// ln 2 in two parts for log (the high part has trailing zeros: `e · hi` is exact).
    pub log_ln2: [f64; 2],
    /// fdlibm's `Lg1, Lg3, …` (`even`) and `Lg2, Lg4, …` (`odd`), polynomials in `s⁴`.
    pub log_even: &'static [f64],
    pub log_odd: &'static [f64],
    /// π/2 in parts, each product `n · part` (nearly) exact for |n| below `trig_max`·2/π.
    pub pio2: &'static [f64],
    /// sin and cos are reduced in registers for |x| <= `trig_max`.
    pub trig_max: f64,
    /// `sin r = r + r³ S(r²)` and `cos r = 1 - r²/2 + r⁴ C(r²)` on |r| <= π/4.
    pub sin_c: &'static [f64],
    pub cos_c: &'static [f64],
}

/// Double precision: the fdlibm tables; max errors 2–3 ulp (tested).
pub(super) const F64: Consts = Consts {
    exp_lo: -708.0,
    exp_hi: 709.0,
    ln2: [6.93147180369123816490e-01, 1.90821492927058770002e-10],
    // 1/k! for k = 2..=13.
    exp_c: &[
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40320.0,
        1.0 / 362880.0,
        1.0 / 3628800.0,
        1.0 / 39916800.0,
        1.0 / 479001600.0,
        1.0 / 6227020800.0,
    ],
    log_lo: f64::MIN_POSITIVE,
    log_hi: f64::MAX,
    log_ln2: [6.93147180369123816490e-01, 1.90821492927058770002e-10],
    log_even: &[
        6.666666666666735130e-01,
        2.857142874366239149e-01,
        1.818357216161805012e-01,
        1.479819860511658591e-01,
    ],
    log_odd: &[
        3.999999999940941908e-01,
        2.222219843214978396e-01,
        1.531383769920937332e-01,
    ],
    // fdlibm's PIO2_1 (33 bits), PIO2_2, PIO2_3 and the tail PIO2_3T; FMA keeps each step
    // exact enough for |n| < 2^17.
    pio2: &[
        1.57079632673412561417e+00,
        6.07710050630396597660e-11,
        2.02226624871116645580e-21,
        8.47842766036889956997e-32,
    ],
    trig_max: 1.0e5,
    sin_c: &[
        -1.66666666666666324348e-01,
        8.33333333332248946124e-03,
        -1.98412698298579493134e-04,
        2.75573137070700676789e-06,
        -2.50507602534068634195e-08,
        1.58969099521155010221e-10,
    ],
    cos_c: &[
        4.16666666666666019037e-02,
        -1.38888888888741095749e-03,
        2.48015872894767294178e-05,
        -2.75573143513906633035e-07,
        2.08757232129817482790e-09,
        -1.13596475577881948265e-11,
    ],
};

/// Single precision: Cephes' `expf`/`sinf`/`cosf` and musl's `logf` minimax tables (all
/// constants exact in f32).
pub(super) const F32: Consts = Consts {
    // n = round(x log2 e) stays in [-126, 127]; e^-87 is still normal.
    exp_lo: -87.0,
    exp_hi: 88.0,
    ln2: [0.693359375, -2.12194440e-4],
    exp_c: &[
        5.0000001201e-1,
        1.6666665459e-1,
        4.1665795894e-2,
        8.3334519073e-3,
        1.3981999507e-3,
        1.9875691500e-4,
    ],
    log_lo: f32::MIN_POSITIVE as f64,
    log_hi: f32::MAX as f64,
    log_ln2: [6.9313812256e-01, 9.05800061445916e-06],
    // 0xaaaaaa.0p-24, 0x91e9ee.0p-25 and 0xccce13.0p-25, 0xf89e26.0p-26.
    log_even: &[0.6666666269302368, 0.2849878668785095],
    log_odd: &[0.40000972151756287, 0.24279078841209412],
    // Half of SLEEF's π split (8, 8, 8 and 24 bits: `n · part` is exact for |n| < 2^16)
    // and the rest: four parts alone leave 1.2e-18 · n, several ulp of the smallest
    // reduced arguments near 1e4.
    pio2: &[
        1.5703125,
        0.00048351287841796875,
        3.1385570764541626e-07,
        6.07710062827671e-11,
        1.2177051777973965e-18,
    ],
    trig_max: 1.0e4,
    sin_c: &[-1.6666654611e-1, 8.3321608736e-3, -1.9515295891e-4],
    cos_c: &[
        4.166664568298827e-2,
        -1.388731625493765e-3,
        2.443315711809948e-5,
    ],
};

/// Horner's rule with FMA: `c[0] + x (c[1] + x (c[2] + …))`.
#[inline(always)]
unsafe fn horner<V: Simd>(x: V, c: &[f64]) -> V {
    let mut acc = V::splat(c[c.len() - 1]);
    for &k in c[..c.len() - 1].iter().rev() {
        acc = acc.mul_add(x, V::splat(k));
    }
    acc
}

/// `y`, except ±0 where `x` is ±0 (odd functions keep the sign of zero).
#[inline(always)]
unsafe fn keep_zero<V: Simd>(x: V, y: V) -> V {
    V::select(x.eq(V::splat(0.0)), x, y)
}

/// `(n, e^r - 1)` with `x = n ln2 + r`, |r| <= ln2/2 (a little more in f32 near the ends).
#[inline(always)]
unsafe fn exp_reduce<V: Simd>(x: V) -> (V, V) {
    let c = V::C;
    let n = x.mul(V::splat(std::f64::consts::LOG2_E)).round();
    let r = n.neg_mul_add(V::splat(c.ln2[0]), x);
    let r = n.neg_mul_add(V::splat(c.ln2[1]), r);
    (n, horner(r, c.exp_c).mul_add(r.mul(r), r))
}

/// e^x.
#[inline(always)]
pub(super) unsafe fn exp<V: Simd>(x: V) -> (V, u32) {
    let (n, p) = exp_reduce(x);
    let s = V::pow2(n);
    (s.mul_add(p, s), x.outside(V::C.exp_lo, V::C.exp_hi))
}

/// e^x - 1 for lanes in exp's range.
#[inline(always)]
unsafe fn expm1_core<V: Simd>(x: V) -> V {
    // 2^n (p + 1) - 1 = 2^n p + (2^n - 1); exactly p when n = 0, so small x keep precision.
    let (n, p) = exp_reduce(x);
    let s = V::pow2(n);
    s.mul_add(p, s.sub(V::splat(1.0)))
}

/// e^x - 1, accurate near 0.
#[inline(always)]
pub(super) unsafe fn expm1<V: Simd>(x: V) -> (V, u32) {
    let bad = x.outside(V::C.exp_lo, V::C.exp_hi);
    (keep_zero(x, expm1_core(x)), bad)
}

/// tanh x = sign(x) · m / (m + 2) with m = expm1(2|x|), 2|x| clamped at 40 (tanh = 1 in
/// both precisions well before). Handles every lane: NaN passes through as NaN.
#[inline(always)]
pub(super) unsafe fn tanh<V: Simd>(x: V) -> (V, u32) {
    let sign = x.and(V::splat(-0.0));
    let ax = V::splat(-0.0).andnot(x);
    let t = V::splat(40.0).min(ax.add(ax));
    let m = expm1_core(t);
    let y = m.div(m.add(V::splat(2.0)));
    (y.or(sign), 0)
}

/// 1 / (1 + e^-x), computed from e^-|x| so that nothing overflows. Below `exp_lo` the result
/// is subnormal: those lanes (and NaN) go to std.
#[inline(always)]
pub(super) unsafe fn logistic<V: Simd>(x: V) -> (V, u32) {
    let lo = V::C.exp_lo;
    // max(-|x|, lo): for x > -lo, e^-|x| is below half an ulp of 1 either way.
    let nax = x.or(V::splat(-0.0)).max(V::splat(lo));
    let (n, p) = exp_reduce(nax);
    let s = V::pow2(n);
    let e = s.mul_add(p, s);
    let one = V::splat(1.0);
    let d = one.div(one.add(e));
    let y = V::select(x.lt(V::splat(0.0)), e.mul(d), d);
    (y, x.outside(lo, f64::INFINITY))
}

/// ln x for positive normal finite lanes.
#[inline(always)]
pub(super) unsafe fn log<V: Simd>(x: V) -> (V, u32) {
    let c = V::C;
    let (m, e) = x.split_exp();
    // Reduce to m in [√2/2, √2) so that f = m - 1 is small.
    let big = m.gt(V::splat(std::f64::consts::SQRT_2));
    let m = V::select(big, m.mul(V::splat(0.5)), m);
    let e = V::select(big, e.add(V::splat(1.0)), e);
    let f = m.sub(V::splat(1.0));
    let hfsq = V::splat(0.5).mul(f).mul(f);
    let s = f.div(V::splat(2.0).add(f));
    let z = s.mul(s);
    let w = z.mul(z);
    let r = z
        .mul(horner(w, c.log_even))
        .add(w.mul(horner(w, c.log_odd)));
    // e ln2_hi - ((hfsq - (s (hfsq + R) + e ln2_lo)) - f), as fdlibm.
    let inner = s.mul_add(hfsq.add(r), e.mul(V::splat(c.log_ln2[1])));
    let tail = hfsq.sub(inner).sub(f);
    let y = e.mul_add(V::splat(c.log_ln2[0]), V::splat(0.0).sub(tail));
    (y, x.outside(c.log_lo, c.log_hi))
}

/// `(n, sin r, cos r)` with `x = n π/2 + r`, |r| <= π/4 (about).
#[inline(always)]
unsafe fn trig_core<V: Simd>(x: V) -> (V, V, V) {
    let c = V::C;
    let n = x.mul(V::splat(std::f64::consts::FRAC_2_PI)).round();
    let mut r = x;
    for &p in c.pio2 {
        r = n.neg_mul_add(V::splat(p), r);
    }
    let z = r.mul(r);
    let sin = z.mul(r).mul_add(horner(z, c.sin_c), r);
    // cos r = w + ((1 - w) - r²/2 + r⁴ C), w = 1 - r²/2: fdlibm's form, which keeps the
    // rounding error of w.
    let hz = V::splat(0.5).mul(z);
    let one = V::splat(1.0);
    let w = one.sub(hz);
    let corr = z.mul(z).mul_add(horner(z, c.cos_c), one.sub(w).sub(hz));
    (n, sin, w.add(corr))
}

/// sin(q π/2 + r) from `sin r`, `cos r`: bit 0 of `q` swaps in cos, bit 1 flips the sign.
#[inline(always)]
unsafe fn quadrant<V: Simd>(q: V, sin: V, cos: V) -> V {
    let v = V::select(q.int_bit::<0>(), cos, sin);
    V::select(q.int_bit::<1>(), V::splat(0.0).sub(v), v)
}

/// sin x for |x| <= `trig_max`.
#[inline(always)]
pub(super) unsafe fn sin<V: Simd>(x: V) -> (V, u32) {
    let (n, s, c) = trig_core(x);
    let bad = x.outside(-V::C.trig_max, V::C.trig_max);
    (keep_zero(x, quadrant(n, s, c)), bad)
}

/// cos x for |x| <= `trig_max`.
#[inline(always)]
pub(super) unsafe fn cos<V: Simd>(x: V) -> (V, u32) {
    let (n, s, c) = trig_core(x);
    let bad = x.outside(-V::C.trig_max, V::C.trig_max);
    // cos(nπ/2 + r) = sin((n+1)π/2 + r).
    (quadrant(n.add(V::splat(1.0)), s, c), bad)
}
