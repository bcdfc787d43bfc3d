//! Exponentials and logarithms in bases 2 and 10, and the cube root, as elementwise kinds.
//! Primitives rather than compositions for accuracy: `exp2` is exact at integers and `log2`,
//! `log10` at powers of their base (`ln x / ln 10` gives `log10(1000) = 2.9999999999999996`),
//! and `cbrt` is real for negative inputs (`x^(1/3)` through `pow` is NaN there). `y` is
//! `f(x)`.

use std::f64::consts::{LN_10, LN_2};

use ferrograd_array::Float;

use super::unary::UnaryKind;
use crate::lax::{div, mul, one_over, scalar_like, square};
use crate::{Result, Tensor};

/// 2^x; d = ln 2 · y
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Exp2;
impl UnaryKind for Exp2 {
    const NAME: &'static str = "exp2";
    fn apply<T: Float>(x: T) -> T {
        x.exp2()
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(mul(y, &scalar_like(y, LN_2))?))
    }
}

/// log₂ x; d = 1 / (x ln 2)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Log2;
impl UnaryKind for Log2 {
    const NAME: &'static str = "log2";
    fn apply<T: Float>(x: T) -> T {
        x.log2()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(div(&scalar_like(x, 1.0 / LN_2), x)?))
    }
}

/// log₁₀ x; d = 1 / (x ln 10)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Log10;
impl UnaryKind for Log10 {
    const NAME: &'static str = "log10";
    fn apply<T: Float>(x: T) -> T {
        x.log10()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(div(&scalar_like(x, 1.0 / LN_10), x)?))
    }
}

/// ∛x, real for negative x; d = 1 / (3y²) (infinite at 0, as the function's slope)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Cbrt;
impl UnaryKind for Cbrt {
    const NAME: &'static str = "cbrt";
    fn apply<T: Float>(x: T) -> T {
        x.cbrt()
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(one_over(&mul(&scalar_like(y, 3.0), &square(y)?)?)?))
    }
}
