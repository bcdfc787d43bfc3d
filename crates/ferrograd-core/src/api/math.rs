//! Elementwise math methods of [`Tensor`]. Integer and bool inputs are converted to float64
//! first, as NumPy does for these functions.

use ferrograd_array::DType;

use super::ok;
use crate::prims::unary_kinds::*;
use crate::prims::UnaryKind;
use crate::{lax, Result, Tensor};

/// Applies an elementwise float function; integer inputs become float64 first.
fn float_unary<K: UnaryKind>(x: &Tensor) -> Result<Tensor> {
    let x = if x.dtype().is_float() {
        x.clone()
    } else {
        lax::convert(x, DType::F64)?
    };
    lax::unary::<K>(&x)
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
}
