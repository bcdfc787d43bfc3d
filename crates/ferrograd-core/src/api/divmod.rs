//! NumPy's `floor_divide` (Python's `//`) and `remainder` (Python's `%`), composed from the
//! truncating `div` and `rem` primitives as JAX composes them, and `fmod` (C's), which is
//! `rem` itself. Floor division rounds toward
//! -∞ and the remainder takes the divisor's sign, so `a == b * (a // b) + a % b`:
//! `-7 // 2 == -4`, `-7 % 2 == 1`, `7 % -2 == -1`.
//!
//! Integer division by zero gives 0 for both (NumPy also gives 0, with a warning; ferrograd
//! has no warnings). Float division by zero gives `a / 0` (±inf or NaN) for `floor_divide`
//! and NaN for `remainder`, as NumPy. `i64::MIN // -1` wraps to `i64::MIN`, as NumPy.

use ferrograd_array::kernels::{Compare, Support};
use ferrograd_array::DType;

use super::ok;
use super::operand::{apply_pair, Operand};
use crate::{lax, Result, Tensor};

/// The dtypes floor division and remainder are defined for: NumPy computes bool ones in int8,
/// which ferrograd lacks, so bool asks for a conversion.
const INTS: Support = Support {
    i64: true,
    u32: true,
    bool: false,
};

/// Where a truncated remainder `r` is nonzero and its sign differs from the divisor's: there
/// the floored quotient is one less and the floored remainder is `r + b`.
fn signs_differ(r: &Tensor, b: &Tensor) -> Result<Tensor> {
    let zero = lax::zeros_like(r);
    let nonzero = lax::compare(r, &zero, Compare::Ne)?;
    let differ = lax::compare(&lax::lt(r, &zero)?, &lax::lt(b, &zero)?, Compare::Ne)?;
    // `*` of bools is logical and.
    lax::mul(&nonzero, &differ)
}

/// `remainder` of two operands of one shape and dtype.
fn remainder_same(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    INTS.check("remainder", a.dtype())?;
    let r = lax::rem(a, b)?;
    if a.dtype() == DType::U32 {
        return Ok(r);
    }
    lax::select(&signs_differ(&r, b)?, &lax::add(&r, b)?, &r)
}

/// `floor_divide` of two operands of one shape and dtype.
fn floor_divide_same(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    INTS.check("floor_divide", a.dtype())?;
    if a.dtype() == DType::U32 {
        return lax::div(a, b);
    }
    let r = lax::rem(a, b)?;
    let fix = signs_differ(&r, b)?;
    if a.dtype() == DType::I64 {
        let q = lax::div(a, b)?;
        return lax::select(&fix, &lax::sub(&q, &lax::scalar_like(&q, 1.0))?, &q);
    }
    // Floats, as NumPy's divmod: (a - fmod(a, b)) / b is within rounding of an integer
    // (`7.0 // 0.1` is 69, where floor(7.0 / 0.1) would be 70).
    let q = lax::div(&lax::sub(a, &r)?, b)?;
    let q = lax::select(&fix, &lax::sub(&q, &lax::scalar_like(&q, 1.0))?, &q)?;
    let q = lax::round(&q)?;
    let by_zero = lax::eq(b, &lax::zeros_like(b))?;
    lax::select(&by_zero, &lax::div(a, b)?, &q)
}

impl Tensor {
    /// NumPy's `floor_divide` (Python's `a // b`): the quotient rounded toward -∞, with
    /// promotion, broadcasting and weakly typed scalars as the operators. Integers stay
    /// integers; integer division by zero gives 0 (see the module notes).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![7i64, -7, 7, -7]);
    /// let d = Tensor::from(vec![2i64, 2, -2, 0]);
    /// assert_eq!(x.floor_divide(&d).to_vec(), vec![3.0, -4.0, -4.0, 0.0]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast, or both operands are bool (see
    /// [`Tensor::try_floor_divide`]).
    #[track_caller]
    pub fn floor_divide(&self, other: impl Operand) -> Tensor {
        ok(self.try_floor_divide(other))
    }

    /// Fallible [`Tensor::floor_divide`].
    ///
    /// # Errors
    /// If the shapes do not broadcast, or both operands are bool (convert with
    /// `.astype(DType::I64)`).
    pub fn try_floor_divide(&self, other: impl Operand) -> Result<Tensor> {
        apply_pair("floor_divide", self, other, floor_divide_same)
    }

    /// NumPy's `remainder` (Python's `a % b`): `a - b * floor(a / b)`, with the sign of the
    /// divisor. Integer remainder by zero gives 0 (see the module notes). Differentiable for
    /// floats: d(a % b) = da - floor(a / b) db.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![7i64, -7, 7, -7]);
    /// assert_eq!(x.remainder(&Tensor::from(vec![2i64, 2, -2, 0])).to_vec(), vec![1.0, 1.0, -1.0, 0.0]);
    /// assert_eq!(Tensor::from(-7.5).remainder(2.0).item(), 0.5);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast, or both operands are bool (see
    /// [`Tensor::try_remainder`]).
    #[doc(alias = "mod")]
    #[track_caller]
    pub fn remainder(&self, other: impl Operand) -> Tensor {
        ok(self.try_remainder(other))
    }

    /// Fallible [`Tensor::remainder`].
    ///
    /// # Errors
    /// If the shapes do not broadcast, or both operands are bool (convert with
    /// `.astype(DType::I64)`).
    pub fn try_remainder(&self, other: impl Operand) -> Result<Tensor> {
        apply_pair("remainder", self, other, remainder_same)
    }

    /// Elementwise remainder of truncating division, with the sign of `self` (C's and
    /// NumPy's `fmod`; [`Tensor::remainder`] takes the divisor's sign). Integer `fmod` by
    /// zero is 0, float `fmod` by zero NaN.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let r = Tensor::from(vec![-7.5, 7.5]).fmod(2.0);
    /// assert_eq!(r.to_vec(), vec![-1.5, 1.5]);
    /// ```
    ///
    /// # Panics
    /// As [`Tensor::try_fmod`].
    #[track_caller]
    pub fn fmod(&self, other: impl Operand) -> Tensor {
        ok(self.try_fmod(other))
    }

    /// Fallible [`Tensor::fmod`].
    ///
    /// # Errors
    /// If the shapes do not broadcast, or both operands are bool (convert with
    /// `.astype(DType::I64)`).
    pub fn try_fmod(&self, other: impl Operand) -> Result<Tensor> {
        apply_pair("fmod", self, other, |a, b| {
            INTS.check("fmod", a.dtype())?;
            lax::rem(a, b)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Python's `//` and `%` on every sign combination, for int64 and float64.
    #[test]
    fn floor_division_and_remainder_follow_the_divisor_sign() {
        let a = [7i64, -7, 7, -7, 6, -6, 0];
        let b = [2i64, 2, -2, -2, 3, 3, -5];
        let (q, r) = (
            [3., -4., -4., 3., 2., -2., 0.],
            [1., 1., -1., -1., 0., 0., 0.],
        );
        let (x, d) = (Tensor::from(a.to_vec()), Tensor::from(b.to_vec()));
        assert_eq!(x.floor_divide(&d).dtype(), DType::I64);
        assert_eq!(x.floor_divide(&d).to_vec(), q);
        assert_eq!(x.remainder(&d).to_vec(), r);
        let xf = x.astype(DType::F64);
        let df = d.astype(DType::F64);
        assert_eq!(xf.floor_divide(&df).to_vec(), q);
        assert_eq!(xf.remainder(&df).to_vec(), r);
        // NumPy's divmod, not floor(a / b): 7.0 // 0.1 is 69 and 7.0 % 0.1 ≈ 0.1.
        assert_eq!(Tensor::from(7.0).floor_divide(0.1).item(), 69.0);
        assert!((Tensor::from(7.0).remainder(0.1).item() - 0.1).abs() < 1e-12);
    }

    #[test]
    fn division_by_zero_and_overflow() {
        let x = Tensor::from(vec![5i64, -5, 0, i64::MIN]);
        let d = Tensor::from(vec![0i64, 0, 0, -1]);
        assert_eq!(
            x.floor_divide(&d)
                .to_ndarray::<i64>()
                .into_raw_vec_and_offset()
                .0,
            vec![0, 0, 0, i64::MIN]
        );
        assert_eq!(x.remainder(&d).to_vec(), vec![0.0; 4]);
        let f = Tensor::from(vec![1.0, -1.0, 0.0])
            .floor_divide(0.0)
            .to_vec();
        assert_eq!(&f[..2], &[f64::INFINITY, f64::NEG_INFINITY]);
        assert!(f[2].is_nan());
        assert!(Tensor::from(1.0).remainder(0.0).item().is_nan());
        let u = Tensor::from_vec(vec![7u32, 7, 0], &[3]);
        let du = Tensor::from_vec(vec![2u32, 0, 3], &[3]);
        assert_eq!(u.floor_divide(&du).dtype(), DType::U32);
        assert_eq!(u.floor_divide(&du).to_vec(), vec![3.0, 0.0, 0.0]);
        assert_eq!(u.remainder(&du).to_vec(), vec![1.0, 0.0, 0.0]);
    }

    #[test]
    fn bool_operands_ask_for_a_conversion() {
        let t = Tensor::from(vec![true, false]);
        let e = t.try_floor_divide(&t).unwrap_err().to_string();
        assert!(e.starts_with("floor_divide: not defined for bool"), "{e}");
        assert!(e.contains(".astype(DType::I64)"), "{e}");
        let e = t.try_remainder(&t).unwrap_err().to_string();
        assert!(e.starts_with("remainder: not defined for bool"), "{e}");
        // A bool with an integer scalar is int64 arithmetic, as NumPy.
        assert_eq!(t.floor_divide(2).to_vec(), vec![0.0, 0.0]);
    }
}
