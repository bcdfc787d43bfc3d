//! Arithmetic operators on `Tensor` and `&Tensor`: `+ - * /` and unary `-`, between two
//! tensors or a tensor and an `f64` or `i64` scalar on either side, with NumPy's promotion and
//! broadcasting. A scalar is weakly typed by the rule of [`Operand`], the same one the
//! methods and `np` functions use: `x_f32 * 2.0` stays float32, `x_i64 + 1` stays int64, and
//! `x_i64 + 0.5` is float64 (a float scalar never becomes an integer). `/` is true division:
//! integers give float64. Integer `+ - *` and negation wrap on overflow, as NumPy.
//!
//! Only `f64` and `i64` scalars have operators: with a second float (or integer) type, an
//! unannotated literal would be ambiguous and `(2.0 / &x).exp()` would not compile. An `f32`
//! or `i32` value goes through `as f64` / `as i64` (exact), or through the `try_` methods
//! below and the `np` functions, which take every [`Operand`].
//!
//! The `try_` methods are the fallible forms: they return an error (naming the operation, the
//! dtype and the conversion that works) where the operators panic, e.g. `bool - bool` and
//! `-bool`, which NumPy refuses too.

use std::ops::{Add, Div, Mul, Neg, Sub};

use super::broadcast::elementwise;
use super::ok;
use super::operand::{apply_pair, apply_scalar, Operand};
use crate::{lax, Result, Tensor};

/// The operator impls for two tensors (owned or borrowed) and for a tensor with an `f64` or
/// `i64` scalar on either side. Each is one call of the shared path.
macro_rules! binary_operator {
    ($Trait:ident, $method:ident, $name:literal, $f:path) => {
        impl $Trait<&Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                // Two tensors have no weak scalar to settle: straight to promotion.
                ok(elementwise($name, self, rhs, $f))
            }
        }
        impl $Trait<Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                (&self).$method(&rhs)
            }
        }
        impl $Trait<&Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                (&self).$method(rhs)
            }
        }
        impl $Trait<Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                self.$method(&rhs)
            }
        }
        scalar_operator!($Trait, $method, $name, $f, f64);
        scalar_operator!($Trait, $method, $name, $f, i64);
    };
}

macro_rules! scalar_operator {
    ($Trait:ident, $method:ident, $name:literal, $f:path, $S:ty) => {
        impl $Trait<$S> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: $S) -> Tensor {
                ok(apply_scalar($name, self, rhs.into_arg(), false, $f))
            }
        }
        impl $Trait<$S> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: $S) -> Tensor {
                ok(apply_scalar($name, &self, rhs.into_arg(), false, $f))
            }
        }
        impl $Trait<&Tensor> for $S {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                ok(apply_scalar($name, rhs, self.into_arg(), true, $f))
            }
        }
        impl $Trait<Tensor> for $S {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                ok(apply_scalar($name, &rhs, self.into_arg(), true, $f))
            }
        }
    };
}

binary_operator!(Add, add, "add", lax::add);
binary_operator!(Sub, sub, "sub", lax::sub);
binary_operator!(Mul, mul, "mul", lax::mul);
binary_operator!(Div, div, "div", true_divide);

/// `/` on integers gives a float, as NumPy's true division.
fn true_divide(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    if a.dtype().is_float() {
        return lax::div(a, b);
    }
    let f = ferrograd_array::DType::F64;
    lax::div(&lax::convert(a, f)?, &lax::convert(b, f)?)
}

impl Neg for &Tensor {
    type Output = Tensor;
    #[track_caller]
    fn neg(self) -> Tensor {
        ok(lax::neg(self))
    }
}

impl Neg for Tensor {
    type Output = Tensor;
    #[track_caller]
    fn neg(self) -> Tensor {
        -&self
    }
}

impl Tensor {
    /// Fallible `self + other` (the `+` operator, for any [`Operand`]).
    ///
    /// ```
    /// use ferrograd_core::{DType, Tensor};
    /// let x = Tensor::from(vec![1i64, 2]);
    /// let y = x.try_add(0.5).unwrap();
    /// assert_eq!((y.dtype(), y.to_vec()), (DType::F64, vec![1.5, 2.5]));
    /// ```
    ///
    /// # Errors
    /// If the shapes do not broadcast.
    pub fn try_add(&self, other: impl Operand) -> Result<Tensor> {
        apply_pair("add", self, other, lax::add)
    }

    /// Fallible `self - other` (the `-` operator).
    ///
    /// # Errors
    /// If the shapes do not broadcast, or both operands are bool (NumPy refuses it too).
    pub fn try_sub(&self, other: impl Operand) -> Result<Tensor> {
        apply_pair("sub", self, other, lax::sub)
    }

    /// Fallible `self * other` (the `*` operator).
    ///
    /// # Errors
    /// If the shapes do not broadcast.
    pub fn try_mul(&self, other: impl Operand) -> Result<Tensor> {
        apply_pair("mul", self, other, lax::mul)
    }

    /// Fallible `self / other` (the `/` operator: true division, integers give float64).
    ///
    /// # Errors
    /// If the shapes do not broadcast.
    pub fn try_div(&self, other: impl Operand) -> Result<Tensor> {
        apply_pair("div", self, other, true_divide)
    }

    /// Fallible `-self`: integers wrap (`-i64::MIN` is `i64::MIN`, `-(1 as uint32)` is
    /// 4294967295, as NumPy).
    ///
    /// # Errors
    /// For a bool tensor (NumPy refuses it too); convert with `.astype(DType::I64)`.
    pub fn try_neg(&self) -> Result<Tensor> {
        lax::neg(self)
    }
}
