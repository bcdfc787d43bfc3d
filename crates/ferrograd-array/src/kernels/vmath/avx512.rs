//! [`Simd`] on AVX-512F: eight f64 lanes (`__m512d`) and sixteen f32 lanes (`__m512`), and
//! the entry points that run the [`super::poly`] kernels with them. AVX-512F alone suffices:
//! bitwise float ops go through the integer forms (the float ones need DQ), `2^n` is
//! `scalef`, the exponent split is `getexp`/`getmant`, and the last partial vector is a
//! masked load and store.

use std::arch::x86_64::*;

use super::poly::{Consts, F32, F64};
use super::simd::{self, lane_ops, Simd};
use super::Func;

/// `out[i] = f(xs[i])`, eight lanes at a time.
///
/// # Safety
/// The CPU must support AVX-512F, AVX2 and FMA; `xs` and `out` have equal lengths.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) unsafe fn apply_f64(f: Func, xs: &[f64], out: &mut [f64]) {
    simd::apply::<__m512d>(f, xs, out)
}

/// `out[i] = f(xs[i])` in f32, sixteen lanes at a time.
///
/// # Safety
/// The CPU must support AVX-512F, AVX2 and FMA; `xs` and `out` have equal lengths.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) unsafe fn apply_f32(f: Func, xs: &[f32], out: &mut [f32]) {
    simd::apply::<__m512>(f, xs, out)
}

const ROUND: i32 = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

impl Simd for __m512d {
    type E = f64;
    type M = __mmask8;
    const LANES: usize = 8;
    const C: &'static Consts = &F64;

    lane_ops!(
        add => _mm512_add_pd,
        sub => _mm512_sub_pd,
        mul => _mm512_mul_pd,
        div => _mm512_div_pd,
        min => _mm512_min_pd,
        max => _mm512_max_pd;
        mul_add => _mm512_fmadd_pd,
        neg_mul_add => _mm512_fnmadd_pd,
    );

    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        _mm512_set1_pd(x)
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        _mm512_loadu_pd(p)
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        _mm512_storeu_pd(p, self)
    }
    #[inline(always)]
    unsafe fn load_tail(xs: &[f64]) -> Self {
        let k = ((1u32 << xs.len()) - 1) as __mmask8;
        _mm512_mask_loadu_pd(Self::splat(0.5), k, xs.as_ptr())
    }
    #[inline(always)]
    unsafe fn store_tail(self, out: &mut [f64]) {
        let k = ((1u32 << out.len()) - 1) as __mmask8;
        _mm512_mask_storeu_pd(out.as_mut_ptr(), k, self)
    }
    #[inline(always)]
    unsafe fn round(self) -> Self {
        _mm512_roundscale_pd::<ROUND>(self)
    }
    #[inline(always)]
    unsafe fn and(self, b: Self) -> Self {
        bits_pd(_mm512_and_si512(int_pd(self), int_pd(b)))
    }
    #[inline(always)]
    unsafe fn or(self, b: Self) -> Self {
        bits_pd(_mm512_or_si512(int_pd(self), int_pd(b)))
    }
    #[inline(always)]
    unsafe fn andnot(self, b: Self) -> Self {
        bits_pd(_mm512_andnot_si512(int_pd(self), int_pd(b)))
    }
    #[inline(always)]
    unsafe fn lt(self, b: Self) -> __mmask8 {
        _mm512_cmp_pd_mask::<_CMP_LT_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn gt(self, b: Self) -> __mmask8 {
        _mm512_cmp_pd_mask::<_CMP_GT_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn eq(self, b: Self) -> __mmask8 {
        _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn outside(self, lo: f64, hi: f64) -> u32 {
        let ge = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(self, Self::splat(lo));
        let ok = _mm512_mask_cmp_pd_mask::<_CMP_LE_OQ>(ge, self, Self::splat(hi));
        !(ok as u32) & 0xff
    }
    #[inline(always)]
    unsafe fn select(m: __mmask8, a: Self, b: Self) -> Self {
        _mm512_mask_blend_pd(m, b, a)
    }
    #[inline(always)]
    unsafe fn pow2(n: Self) -> Self {
        _mm512_scalef_pd(Self::splat(1.0), n)
    }
    #[inline(always)]
    unsafe fn split_exp(self) -> (Self, Self) {
        let m = _mm512_getmant_pd::<_MM_MANT_NORM_1_2, _MM_MANT_SIGN_SRC>(self);
        (m, _mm512_getexp_pd(self))
    }
    #[inline(always)]
    unsafe fn int_bit<const B: u32>(self) -> __mmask8 {
        // Adding 1.5·2^52 puts the integer in the low mantissa bits.
        let n = int_pd(_mm512_add_pd(self, Self::splat(6755399441055744.0)));
        _mm512_test_epi64_mask(n, _mm512_set1_epi64(1 << B))
    }
}

#[inline(always)]
unsafe fn int_pd(x: __m512d) -> __m512i {
    _mm512_castpd_si512(x)
}

#[inline(always)]
unsafe fn bits_pd(x: __m512i) -> __m512d {
    _mm512_castsi512_pd(x)
}

impl Simd for __m512 {
    type E = f32;
    type M = __mmask16;
    const LANES: usize = 16;
    const C: &'static Consts = &F32;

    lane_ops!(
        add => _mm512_add_ps,
        sub => _mm512_sub_ps,
        mul => _mm512_mul_ps,
        div => _mm512_div_ps,
        min => _mm512_min_ps,
        max => _mm512_max_ps;
        mul_add => _mm512_fmadd_ps,
        neg_mul_add => _mm512_fnmadd_ps,
    );

    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        _mm512_set1_ps(x as f32)
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        _mm512_loadu_ps(p)
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        _mm512_storeu_ps(p, self)
    }
    #[inline(always)]
    unsafe fn load_tail(xs: &[f32]) -> Self {
        let k = ((1u32 << xs.len()) - 1) as __mmask16;
        _mm512_mask_loadu_ps(Self::splat(0.5), k, xs.as_ptr())
    }
    #[inline(always)]
    unsafe fn store_tail(self, out: &mut [f32]) {
        let k = ((1u32 << out.len()) - 1) as __mmask16;
        _mm512_mask_storeu_ps(out.as_mut_ptr(), k, self)
    }
    #[inline(always)]
    unsafe fn round(self) -> Self {
        _mm512_roundscale_ps::<ROUND>(self)
    }
    #[inline(always)]
    unsafe fn and(self, b: Self) -> Self {
        bits_ps(_mm512_and_si512(int_ps(self), int_ps(b)))
    }
    #[inline(always)]
    unsafe fn or(self, b: Self) -> Self {
        bits_ps(_mm512_or_si512(int_ps(self), int_ps(b)))
    }
    #[inline(always)]
    unsafe fn andnot(self, b: Self) -> Self {
        bits_ps(_mm512_andnot_si512(int_ps(self), int_ps(b)))
    }
    #[inline(always)]
    unsafe fn lt(self, b: Self) -> __mmask16 {
        _mm512_cmp_ps_mask::<_CMP_LT_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn gt(self, b: Self) -> __mmask16 {
        _mm512_cmp_ps_mask::<_CMP_GT_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn eq(self, b: Self) -> __mmask16 {
        _mm512_cmp_ps_mask::<_CMP_EQ_OQ>(self, b)
    }
    #[inline(always)]
    unsafe fn outside(self, lo: f64, hi: f64) -> u32 {
        let ge = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(self, Self::splat(lo));
        let ok = _mm512_mask_cmp_ps_mask::<_CMP_LE_OQ>(ge, self, Self::splat(hi));
        !(ok as u32) & 0xffff
    }
    #[inline(always)]
    unsafe fn select(m: __mmask16, a: Self, b: Self) -> Self {
        _mm512_mask_blend_ps(m, b, a)
    }
    #[inline(always)]
    unsafe fn pow2(n: Self) -> Self {
        _mm512_scalef_ps(Self::splat(1.0), n)
    }
    #[inline(always)]
    unsafe fn split_exp(self) -> (Self, Self) {
        let m = _mm512_getmant_ps::<_MM_MANT_NORM_1_2, _MM_MANT_SIGN_SRC>(self);
        (m, _mm512_getexp_ps(self))
    }
    #[inline(always)]
    unsafe fn int_bit<const B: u32>(self) -> __mmask16 {
        // Adding 1.5·2^23 puts the integer in the low mantissa bits.
        let n = int_ps(_mm512_add_ps(self, Self::splat(12582912.0)));
        _mm512_test_epi32_mask(n, _mm512_set1_epi32(1 << B))
    }
}

#[inline(always)]
unsafe fn int_ps(x: __m512) -> __m512i {
    _mm512_castps_si512(x)
}

#[inline(always)]
unsafe fn bits_ps(x: __m512i) -> __m512 {
    _mm512_castsi512_ps(x)
}
