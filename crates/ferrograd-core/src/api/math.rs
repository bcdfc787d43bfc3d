//! Elementwise math methods of [`Tensor`]. Integer and bool inputs are converted to float64
//! first, as NumPy does for these functions.

use ferrograd_array::DType;

use super::ok;
use crate::prims::exp_log_kinds::{Cbrt, Exp2, Log10, Log2};
use crate::prims::unary_kinds::*;
use crate::prims::UnaryKind;
use crate::{lax, Result, Tensor};

/// `x` in floating point: integer and bool inputs become float64, as NumPy's.
fn as_float(x: &Tensor) -> Result<Tensor> {
    if x.dtype().is_float() {
        Ok(x.clone())
    } else {
        lax::convert(x, DType::F64)
    }
}

/// Applies an elementwise float function; integer inputs become float64 first.
fn float_unary<K: UnaryKind>(x: &Tensor) -> Result<Tensor> {
    lax::unary::<K>(&as_float(x)?)
}

/// `x · c` for a constant `c`, in floating point.
fn float_scale(x: &Tensor, c: f64) -> Result<Tensor> {
    let x = as_float(x)?;
    lax::mul(&x, &lax::scalar_like(&x, c))
}

impl Tensor {
    /// Elementwise e^x.
    #[track_caller]
    pub fn exp(&self) -> Tensor {
        ok(float_unary::<Exp>(self))
    }

    /// Elementwise natural logarithm.
    #[track_caller]
    pub fn log(&self) -> Tensor {
        ok(float_unary::<Log>(self))
    }

    /// Elementwise ln(1 + x), accurate for small x.
    #[track_caller]
    pub fn log1p(&self) -> Tensor {
        ok(float_unary::<Log1p>(self))
    }

    /// Elementwise e^x - 1, accurate for small x.
    #[track_caller]
    pub fn expm1(&self) -> Tensor {
        ok(float_unary::<Expm1>(self))
    }

    /// Elementwise square root.
    #[track_caller]
    pub fn sqrt(&self) -> Tensor {
        ok(float_unary::<Sqrt>(self))
    }

    /// Elementwise sine.
    #[track_caller]
    pub fn sin(&self) -> Tensor {
        ok(float_unary::<Sin>(self))
    }

    /// Elementwise cosine.
    #[track_caller]
    pub fn cos(&self) -> Tensor {
        ok(float_unary::<Cos>(self))
    }

    /// Elementwise tangent.
    #[track_caller]
    pub fn tan(&self) -> Tensor {
        ok(float_unary::<Tan>(self))
    }

    /// Elementwise inverse sine.
    #[track_caller]
    pub fn arcsin(&self) -> Tensor {
        ok(float_unary::<Asin>(self))
    }

    /// Elementwise inverse cosine.
    #[track_caller]
    pub fn arccos(&self) -> Tensor {
        ok(float_unary::<Acos>(self))
    }

    /// Elementwise inverse tangent.
    #[track_caller]
    pub fn arctan(&self) -> Tensor {
        ok(float_unary::<Atan>(self))
    }

    /// Elementwise hyperbolic sine.
    #[track_caller]
    pub fn sinh(&self) -> Tensor {
        ok(float_unary::<Sinh>(self))
    }

    /// Elementwise hyperbolic cosine.
    #[track_caller]
    pub fn cosh(&self) -> Tensor {
        ok(float_unary::<Cosh>(self))
    }

    /// Elementwise hyperbolic tangent.
    #[track_caller]
    pub fn tanh(&self) -> Tensor {
        ok(float_unary::<Tanh>(self))
    }

    /// Elementwise inverse hyperbolic sine.
    #[track_caller]
    pub fn arcsinh(&self) -> Tensor {
        ok(float_unary::<Asinh>(self))
    }

    /// Elementwise inverse hyperbolic cosine.
    #[track_caller]
    pub fn arccosh(&self) -> Tensor {
        ok(float_unary::<Acosh>(self))
    }

    /// Elementwise inverse hyperbolic tangent.
    #[track_caller]
    pub fn arctanh(&self) -> Tensor {
        ok(float_unary::<Atanh>(self))
    }

    /// Elementwise logistic sigmoid 1 / (1 + e^-x), stable for large |x|.
    #[track_caller]
    pub fn sigmoid(&self) -> Tensor {
        ok(float_unary::<Logistic>(self))
    }

    /// Elementwise absolute value (derivative sign(x), 0 at 0).
    #[track_caller]
    pub fn abs(&self) -> Tensor {
        ok(float_unary::<Abs>(self))
    }

    /// Elementwise sign: -1, 0 or 1.
    #[track_caller]
    pub fn sign(&self) -> Tensor {
        ok(float_unary::<Sign>(self))
    }

    /// Elementwise floor.
    #[track_caller]
    pub fn floor(&self) -> Tensor {
        ok(float_unary::<Floor>(self))
    }

    /// Elementwise ceiling.
    #[track_caller]
    pub fn ceil(&self) -> Tensor {
        ok(float_unary::<Ceil>(self))
    }

    /// Elementwise rounding, half to even (as NumPy).
    #[track_caller]
    pub fn round(&self) -> Tensor {
        ok(float_unary::<Round>(self))
    }

    /// Elementwise 2^x, exact at integers (NumPy's `exp2`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![-1.0, 0.0, 10.0]);
    /// assert_eq!(x.exp2().to_vec(), vec![0.5, 1.0, 1024.0]);
    /// ```
    #[track_caller]
    pub fn exp2(&self) -> Tensor {
        ok(float_unary::<Exp2>(self))
    }

    /// Elementwise base-2 logarithm, exact at powers of 2 (NumPy's `log2`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// assert_eq!(Tensor::from(vec![0.5, 1.0, 8.0]).log2().to_vec(), vec![-1.0, 0.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn log2(&self) -> Tensor {
        ok(float_unary::<Log2>(self))
    }

    /// Elementwise base-10 logarithm, exact at powers of 10 (NumPy's `log10`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// assert_eq!(Tensor::from(vec![1e-3, 1000.0]).log10().to_vec(), vec![-3.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn log10(&self) -> Tensor {
        ok(float_unary::<Log10>(self))
    }

    /// Elementwise real cube root, negative for negative inputs (NumPy's `cbrt`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// assert_eq!(Tensor::from(vec![-27.0, 8.0]).cbrt().to_vec(), vec![-3.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn cbrt(&self) -> Tensor {
        ok(float_unary::<Cbrt>(self))
    }

    /// Elementwise 1 / x. Integer inputs give float64, as `jnp.reciprocal` (NumPy's
    /// `reciprocal` keeps integers and truncates: `np.reciprocal(2) == 0`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// assert_eq!(Tensor::from(vec![1i64, 2, 4]).reciprocal().to_vec(), vec![1.0, 0.5, 0.25]);
    /// ```
    #[track_caller]
    pub fn reciprocal(&self) -> Tensor {
        ok(as_float(self).and_then(|x| lax::one_over(&x)))
    }

    /// Degrees to radians, `x · π/180` (NumPy's `deg2rad`, alias `radians`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// assert_eq!(Tensor::from(180i64).deg2rad().item(), std::f64::consts::PI);
    /// ```
    #[track_caller]
    pub fn deg2rad(&self) -> Tensor {
        ok(float_scale(self, std::f64::consts::PI / 180.0))
    }

    /// Radians to degrees, `x · 180/π` (NumPy's `rad2deg`, alias `degrees`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// assert_eq!(Tensor::from(std::f64::consts::PI).rad2deg().item(), 180.0);
    /// ```
    #[track_caller]
    pub fn rad2deg(&self) -> Tensor {
        ok(float_scale(self, 180.0 / std::f64::consts::PI))
    }
}
