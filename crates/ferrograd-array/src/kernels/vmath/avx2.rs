//! [`Simd`] on AVX2 + FMA: four f64 lanes (`__m256d`) and eight f32 lanes (`__m256`), and
//! the entry points that run the [`super::poly`] kernels with them.

use std::arch::x86_64::*;

use super::poly::{Consts, F32, F64};
use super::simd::{self, lane_ops, Simd};
use super::Func;

/// `out[i] = f(xs[i])`, four lanes at a time.
///
/// # Safety
/// The CPU must support AVX2 and FMA; `xs` and `out` have equal lengths.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn apply_f64(f: Func, xs: &[f64], out: &mut [f64]) {
    simd::apply::<__m256d>(f, xs, out)
}

/// `out[i] = f(xs[i])` in f32, eight lanes at a time.
///
/// # Safety
/// The CPU must support AVX2 and FMA; `xs` and `out` have equal lengths.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn apply_f32(f: Func, xs: &[f32], out: &mut [f32]) {
    simd::apply::<__m256>(f, xs, out)
}

const ROUND: i32 = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

impl Simd for __m256d {
    type E = f64;
    type M = __m256d;
    const LANES: usize = 4;
    const C: &'static Consts = &F64;

    lane_ops!(
        add => _mm256_add_pd,
        sub => _mm256_sub_pd,
        mul => _mm256_mul_pd,
        div => _mm256_div_pd,
        min => _mm256_min_pd,
        max => _mm256_max_pd,
        and => _mm256_and_pd,
        or => _mm256_or_pd,
        andnot => _mm256_andnot_pd;
        mul_add => _mm256_fmadd_pd,
        neg_mul_add => _mm256_fnmadd_pd,
    );

    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        _mm256_set1_pd(x)
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        _mm256_loadu_pd(p)
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        _mm256_storeu_pd(p, self)
    }
    #[inline(always)]
    unsafe fn round(self) -> Self {
        _mm256_round_pd::<ROUND>(self)
    }
    #[inline(always)]
    unsafe fn lt(self, b: Self) -> Self {
        _mm256_cmp_pd::<_CMP_LT_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn gt(self, b: Self) -> Self {
        _mm256_cmp_pd::<_CMP_GT_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn eq(self, b: Self) -> Self {
        _mm256_cmp_pd::<_CMP_EQ_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn outside(self, lo: f64, hi: f64) -> u32 {
        let ok = _mm256_and_pd(
            _mm256_cmp_pd::<_CMP_GE_OQ>(self, Self::splat(lo)),
            _mm256_cmp_pd::<_CMP_LE_OQ>(self, Self::splat(hi)),
        );
        !(_mm256_movemask_pd(ok) as u32) & 0xf
    }
    #[inline(always)]
    unsafe fn select(m: Self, a: Self, b: Self) -> Self {
        _mm256_blendv_pd(b, a, m)
    }
    #[inline(always)]
    unsafe fn pow2(n: Self) -> Self {
        let bits = _mm256_add_epi64(int_bits_f64(n), _mm256_set1_epi64x(1023));
        _mm256_castsi256_pd(_mm256_slli_epi64::<52>(bits))
    }
    #[inline(always)]
    unsafe fn split_exp(self) -> (Self, Self) {
        let bits = _mm256_castpd_si256(self);
        let mant = _mm256_or_si256(
            _mm256_and_si256(bits, _mm256_set1_epi64x(0x000f_ffff_ffff_ffff)),
            _mm256_set1_epi64x(0x3ff0_0000_0000_0000),
        );
        // The biased exponent as a double: OR it into the mantissa of 2^52 and subtract.
        let eb = _mm256_or_si256(
            _mm256_srli_epi64::<52>(bits),
            _mm256_set1_epi64x(0x4330_0000_0000_0000),
        );
        let e = _mm256_sub_pd(
            _mm256_castsi256_pd(eb),
            Self::splat(4503599627370496.0 + 1023.0),
        );
        (_mm256_castsi256_pd(mant), e)
    }
    #[inline(always)]
    unsafe fn int_bit<const B: u32>(self) -> Self {
        let bit = _mm256_set1_epi64x(1 << B);
        let q = _mm256_and_si256(int_bits_f64(self), bit);
        _mm256_castsi256_pd(_mm256_cmpeq_epi64(q, bit))
    }
}

/// Integer-valued lanes `n` (|n| < 2^51) as i64 lanes, via the 1.5·2^52 trick.
#[inline(always)]
unsafe fn int_bits_f64(n: __m256d) -> __m256i {
    const MAGIC: f64 = 6755399441055744.0; // 1.5 * 2^52
    _mm256_sub_epi64(
        _mm256_castpd_si256(_mm256_add_pd(n, _mm256_set1_pd(MAGIC))),
        _mm256_castpd_si256(_mm256_set1_pd(MAGIC)),
    )
}

impl Simd for __m256 {
    type E = f32;
    type M = __m256;
    const LANES: usize = 8;
    const C: &'static Consts = &F32;

    lane_ops!(
        add => _mm256_add_ps,
        sub => _mm256_sub_ps,
        mul => _mm256_mul_ps,
        div => _mm256_div_ps,
        min => _mm256_min_ps,
        max => _mm256_max_ps,
        and => _mm256_and_ps,
        or => _mm256_or_ps,
        andnot => _mm256_andnot_ps;
        mul_add => _mm256_fmadd_ps,
        neg_mul_add => _mm256_fnmadd_ps,
    );

    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        _mm256_set1_ps(x as f32)
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        _mm256_loadu_ps(p)
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        _mm256_storeu_ps(p, self)
    }
    #[inline(always)]
    unsafe fn round(self) -> Self {
        _mm256_round_ps::<ROUND>(self)
    }
    #[inline(always)]
    unsafe fn lt(self, b: Self) -> Self {
        _mm256_cmp_ps::<_CMP_LT_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn gt(self, b: Self) -> Self {
        _mm256_cmp_ps::<_CMP_GT_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn eq(self, b: Self) -> Self {
        _mm256_cmp_ps::<_CMP_EQ_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn outside(self, lo: f64, hi: f64) -> u32 {
        let ok = _mm256_and_ps(
            _mm256_cmp_ps::<_CMP_GE_OQ>(self, Self::splat(lo)),
            _mm256_cmp_ps::<_CMP_LE_OQ>(self, Self::splat(hi)),
        );
        !(_mm256_movemask_ps(ok) as u32) & 0xff
    }
    #[inline(always)]
    unsafe fn select(m: Self, a: Self, b: Self) -> Self {
        _mm256_blendv_ps(b, a, m)
    }
    #[inline(always)]
    unsafe fn pow2(n: Self) -> Self {
        let bits = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
        _mm256_castsi256_ps(_mm256_slli_epi32::<23>(bits))
    }
    #[inline(always)]
    unsafe fn split_exp(self) -> (Self, Self) {
        let bits = _mm256_castps_si256(self);
        let mant = _mm256_or_si256(
            _mm256_and_si256(bits, _mm256_set1_epi32(0x007f_ffff)),
            _mm256_set1_epi32(0x3f80_0000),
        );
        let e = _mm256_sub_epi32(_mm256_srli_epi32::<23>(bits), _mm256_set1_epi32(127));
        (_mm256_castsi256_ps(mant), _mm256_cvtepi32_ps(e))
    }
    #[inline(always)]
    unsafe fn int_bit<const B: u32>(self) -> Self {
        let bit = _mm256_set1_epi32(1 << B);
        let q = _mm256_and_si256(_mm256_cvtps_epi32(self), bit);
        _mm256_castsi256_ps(_mm256_cmpeq_epi32(q, bit))
    }
}
