//! Arithmetic operators on `Tensor`, `&Tensor` and `f64` scalars. A Rust scalar takes the
//! tensor's dtype (like a Python scalar in JAX), so `x_f32 * 2.0` stays float32. Only `f64`
//! scalars are accepted so that float literals need no annotation (`(2.0 / &x).exp()`).

use std::ops::{Add, Div, Mul, Neg, Sub};

use super::broadcast::elementwise;
use super::ok;
use crate::{lax, Result, Tensor};

/// A Rust scalar as a 0-d tensor of `like`'s dtype (weakly typed, as in JAX).
fn weak(v: f64, like: &Tensor) -> Tensor {
    Tensor::full_dtype(&[], v, like.dtype())
}

macro_rules! binary_operator {
    ($Trait:ident, $method:ident, $name:literal, $f:path) => {
        impl $Trait<&Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
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
        impl $Trait<f64> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: f64) -> Tensor {
                self.$method(&weak(rhs, self))
            }
        }
        impl $Trait<f64> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: f64) -> Tensor {
                (&self).$method(rhs)
            }
        }
        impl $Trait<&Tensor> for f64 {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                (&weak(self, rhs)).$method(rhs)
            }
        }
        impl $Trait<Tensor> for f64 {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                self.$method(&rhs)
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
