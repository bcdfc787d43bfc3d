//! AVX2 + FMA polynomial kernels on four f64 lanes. Each returns `None` when a lane is
//! outside the range its reduction handles (NaN, ±inf, huge arguments, results that would be
//! subnormal); the caller then computes those four lanes with the scalar std function.
//!
//! Reductions and polynomials follow fdlibm (exp: Cody–Waite by ln 2 and a degree-13 Taylor
//! polynomial; log: `s = f/(2+f)` with fdlibm's Lg1..Lg7; sin/cos: π/2 in three 33-bit parts
//! plus a tail, fdlibm's `__kernel_sin`/`__kernel_cos` coefficients).

#![allow(clippy::excessive_precision, clippy::approx_constant)]

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

type V = __m256d;

#[inline(always)]
unsafe fn splat(x: f64) -> V {
    _mm256_set1_pd(x)
}

/// Horner's rule with FMA: `c[0] + x (c[1] + x (c[2] + …))`.
#[inline(always)]
unsafe fn horner(x: V, c: &[f64]) -> V {
    let mut acc = splat(c[c.len() - 1]);
    for &k in c[..c.len() - 1].iter().rev() {
        acc = _mm256_fmadd_pd(acc, x, splat(k));
    }
    acc
}

/// True when every lane satisfies `lo <= x <= hi` (NaN fails).
#[inline(always)]
unsafe fn all_within(x: V, lo: f64, hi: f64) -> bool {
    let ok = _mm256_and_pd(
        _mm256_cmp_pd::<_CMP_GE_OQ>(x, splat(lo)),
        _mm256_cmp_pd::<_CMP_LE_OQ>(x, splat(hi)),
    );
    _mm256_movemask_pd(ok) == 0b1111
}

/// Round-to-nearest integer value `n` (|n| < 2^31) as i64 lanes, via the 1.5·2^52 trick.
#[inline(always)]
unsafe fn to_int_bits(n: V) -> __m256i {
    const MAGIC: f64 = 6755399441055744.0; // 1.5 * 2^52
    _mm256_sub_epi64(
        _mm256_castpd_si256(_mm256_add_pd(n, splat(MAGIC))),
        _mm256_castpd_si256(splat(MAGIC)),
    )
}

/// 2^n for integer-valued lanes with -1022 <= n <= 1023.
#[inline(always)]
unsafe fn pow2(n: V) -> V {
    let bits = _mm256_add_epi64(to_int_bits(n), _mm256_set1_epi64x(1023));
    _mm256_castsi256_pd(_mm256_slli_epi64::<52>(bits))
}

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LOG2E: f64 = std::f64::consts::LOG2_E;
/// 1/k! for k = 2..=13 (Taylor coefficients of e^r - 1 - r, over r²).
const EXP_C: [f64; 12] = [
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
];

/// `(n, e^r - 1)` with `x = n ln2 + r`, |r| <= ln2/2.
#[inline(always)]
unsafe fn exp_reduce(x: V) -> (V, V) {
    let n = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(_mm256_mul_pd(
        x,
        splat(LOG2E),
    ));
    let r = _mm256_fnmadd_pd(n, splat(LN2_HI), x);
    let r = _mm256_fnmadd_pd(n, splat(LN2_LO), r);
    let r2 = _mm256_mul_pd(r, r);
    (n, _mm256_fmadd_pd(horner(r, &EXP_C), r2, r))
}

/// e^x; `None` outside [-708, 709] (overflow, subnormal results, NaN).
#[target_feature(enable = "avx2,fma")]
#[inline]
pub unsafe fn exp4(x: V) -> Option<V> {
    if !all_within(x, -708.0, 709.0) {
        return None;
    }
    let (n, p) = exp_reduce(x);
    let s = pow2(n);
    Some(_mm256_fmadd_pd(s, p, s))
}

/// e^x - 1, accurate near 0; `None` outside [-708, 709].
#[target_feature(enable = "avx2,fma")]
#[inline]
pub unsafe fn expm1_4(x: V) -> Option<V> {
    if !all_within(x, -708.0, 709.0) {
        return None;
    }
    Some(keep_zero(x, expm1_core(x)))
}

/// `y`, except ±0 where `x` is ±0 (odd functions keep the sign of zero).
#[inline(always)]
unsafe fn keep_zero(x: V, y: V) -> V {
    _mm256_blendv_pd(y, x, _mm256_cmp_pd::<_CMP_EQ_OQ>(x, splat(0.0)))
}

#[inline(always)]
unsafe fn expm1_core(x: V) -> V {
    // 2^n (p + 1) - 1 = 2^n p + (2^n - 1); exact p when n = 0.
    let (n, p) = exp_reduce(x);
    let s = pow2(n);
    _mm256_fmadd_pd(s, p, _mm256_sub_pd(s, splat(1.0)))
}

/// tanh x = sign(x) · m / (m + 2) with m = expm1(2|x|) (clamped at 40, where tanh = 1).
#[target_feature(enable = "avx2,fma")]
#[inline]
pub unsafe fn tanh4(x: V) -> Option<V> {
    let sign = _mm256_and_pd(x, splat(-0.0));
    let ax = _mm256_andnot_pd(splat(-0.0), x);
    // min(40, 2|x|) returns the second operand (NaN) when it is NaN.
    let t = _mm256_min_pd(splat(40.0), _mm256_add_pd(ax, ax));
    let m = expm1_core(t);
    let y = _mm256_div_pd(m, _mm256_add_pd(m, splat(2.0)));
    Some(_mm256_or_pd(y, sign))
}

/// 1 / (1 + e^-x), computed from e^-|x| so that nothing overflows; `None` beyond |x| = 708.
#[target_feature(enable = "avx2,fma")]
#[inline]
pub unsafe fn logistic4(x: V) -> Option<V> {
    let nax = _mm256_or_pd(x, splat(-0.0));
    let e = exp4(nax)?;
    let d = _mm256_div_pd(splat(1.0), _mm256_add_pd(splat(1.0), e));
    let neg = _mm256_cmp_pd::<_CMP_LT_OQ>(x, splat(0.0));
    Some(_mm256_blendv_pd(d, _mm256_mul_pd(e, d), neg))
}

const LG: [f64; 7] = [
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
];

/// ln x; `None` unless every lane is a positive normal finite number.
#[target_feature(enable = "avx2,fma")]
#[inline]
pub unsafe fn log4(x: V) -> Option<V> {
    if !all_within(x, f64::MIN_POSITIVE, f64::MAX) {
        return None;
    }
    let bits = _mm256_castpd_si256(x);
    let mant = _mm256_or_si256(
        _mm256_and_si256(bits, _mm256_set1_epi64x(0x000f_ffff_ffff_ffff)),
        _mm256_set1_epi64x(0x3ff0_0000_0000_0000),
    );
    let mut m = _mm256_castsi256_pd(mant); // in [1, 2)
                                           // Biased exponent as a double: OR it into 2^52 and subtract.
    let eb = _mm256_or_si256(
        _mm256_srli_epi64::<52>(bits),
        _mm256_set1_epi64x(0x4330_0000_0000_0000),
    );
    let mut e = _mm256_sub_pd(_mm256_castsi256_pd(eb), splat(4503599627370496.0 + 1023.0));
    let big = _mm256_cmp_pd::<_CMP_GT_OQ>(m, splat(std::f64::consts::SQRT_2));
    m = _mm256_blendv_pd(m, _mm256_mul_pd(m, splat(0.5)), big);
    e = _mm256_add_pd(e, _mm256_and_pd(big, splat(1.0)));
    let f = _mm256_sub_pd(m, splat(1.0));
    let hfsq = _mm256_mul_pd(_mm256_mul_pd(splat(0.5), f), f);
    let s = _mm256_div_pd(f, _mm256_add_pd(splat(2.0), f));
    let z = _mm256_mul_pd(s, s);
    let w = _mm256_mul_pd(z, z);
    let t1 = _mm256_mul_pd(w, horner(w, &[LG[1], LG[3], LG[5]]));
    let t2 = _mm256_mul_pd(z, horner(w, &[LG[0], LG[2], LG[4], LG[6]]));
    let r = _mm256_add_pd(t2, t1);
    // e ln2_hi - ((hfsq - (s (hfsq + R) + e ln2_lo)) - f)
    let inner = _mm256_fmadd_pd(s, _mm256_add_pd(hfsq, r), _mm256_mul_pd(e, splat(LN2_LO)));
    let tail = _mm256_sub_pd(_mm256_sub_pd(hfsq, inner), f);
    Some(_mm256_fmsub_pd(e, splat(LN2_HI), tail))
}

const PIO2_1: f64 = 1.57079632673412561417e+00;
const PIO2_2: f64 = 6.07710050630396597660e-11;
const PIO2_3: f64 = 2.02226624871116645580e-21;
const PIO2_3T: f64 = 8.47842766036889956997e-32;
const INV_PIO2: f64 = 6.36619772367581382433e-01;
/// sin and cos are reduced in registers below this |x| (n·PIO2_1 stays exact).
const TRIG_MAX: f64 = 1.0e5;
const S: [f64; 6] = [
    -1.66666666666666324348e-01,
    8.33333333332248946124e-03,
    -1.98412698298579493134e-04,
    2.75573137070700676789e-06,
    -2.50507602534068634195e-08,
    1.58969099521155010221e-10,
];
const C: [f64; 6] = [
    4.16666666666666019037e-02,
    -1.38888888888741095749e-03,
    2.48015872894767294178e-05,
    -2.75573143513906633035e-07,
    2.08757232129817482790e-09,
    -1.13596475577881948265e-11,
];

/// `(quadrant bits, sin r, cos r)` with `x = n π/2 + r`, |r| <= π/4.
#[inline(always)]
unsafe fn trig_core(x: V) -> (__m256i, V, V) {
    let n = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(_mm256_mul_pd(
        x,
        splat(INV_PIO2),
    ));
    let mut r = _mm256_fnmadd_pd(n, splat(PIO2_1), x);
    r = _mm256_fnmadd_pd(n, splat(PIO2_2), r);
    r = _mm256_fnmadd_pd(n, splat(PIO2_3), r);
    r = _mm256_fnmadd_pd(n, splat(PIO2_3T), r);
    let z = _mm256_mul_pd(r, r);
    let sin = _mm256_fmadd_pd(_mm256_mul_pd(z, r), horner(z, &S), r);
    let hz = _mm256_mul_pd(splat(0.5), z);
    let w = _mm256_sub_pd(splat(1.0), hz);
    let zz = _mm256_mul_pd(z, z);
    let corr = _mm256_fmadd_pd(
        zz,
        horner(z, &C),
        _mm256_sub_pd(_mm256_sub_pd(splat(1.0), w), hz),
    );
    let cos = _mm256_add_pd(w, corr);
    (to_int_bits(n), sin, cos)
}

/// Picks `sin r` or `cos r` by bit 0 of `q` and flips the sign by bit 1.
#[inline(always)]
unsafe fn quadrant(q: __m256i, sin: V, cos: V) -> V {
    let one = _mm256_set1_epi64x(1);
    let swap = _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(q, one), one));
    let v = _mm256_blendv_pd(sin, cos, swap);
    let sign = _mm256_slli_epi64::<62>(_mm256_and_si256(q, _mm256_set1_epi64x(2)));
    _mm256_xor_pd(v, _mm256_castsi256_pd(sign))
}

/// sin x; `None` unless |x| <= 1e5 in every lane.
#[target_feature(enable = "avx2,fma")]
#[inline]
pub unsafe fn sin4(x: V) -> Option<V> {
    if !all_within(x, -TRIG_MAX, TRIG_MAX) {
        return None;
    }
    let (q, s, c) = trig_core(x);
    Some(keep_zero(x, quadrant(q, s, c)))
}

/// cos x; `None` unless |x| <= 1e5 in every lane.
#[target_feature(enable = "avx2,fma")]
#[inline]
pub unsafe fn cos4(x: V) -> Option<V> {
    if !all_within(x, -TRIG_MAX, TRIG_MAX) {
        return None;
    }
    let (q, s, c) = trig_core(x);
    // cos(nπ/2 + r) = sin((n+1)π/2 + r).
    Some(quadrant(_mm256_add_epi64(q, _mm256_set1_epi64x(1)), s, c))
}
