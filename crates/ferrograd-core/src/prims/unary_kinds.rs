//! The elementwise functions of one argument: a calculus table. `y` is `f(x)`.

use ferrograd_array::kernels::vmath::Func;
use ferrograd_array::kernels::UnaryInts;
use ferrograd_array::Float;

use super::unary::UnaryKind;
use crate::lax::{
    add_scalar, cos, cosh, div, mul, neg, one_over, scalar_like, sign as sign_of, sin, sinh, sqrt,
    square, sub_from_scalar,
};
use crate::{Result, Tensor};

/// -x (linear). Integers wrap, as NumPy: -i64::MIN is i64::MIN, -(1 as uint32) is 2³² - 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Neg;
impl UnaryKind for Neg {
    const NAME: &'static str = "neg";
    const LINEAR: bool = true;
    const INVOLUTION: bool = true;
    const INTS: UnaryInts = UnaryInts {
        i64: Some(i64::wrapping_neg),
        u32: Some(u32::wrapping_neg),
    };
    fn apply<T: Float>(x: T) -> T {
        -x
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(scalar_like(x, -1.0)))
    }
}

/// e^x; d = y
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Exp;
impl UnaryKind for Exp {
    const NAME: &'static str = "exp";
    const VECTOR: Option<Func> = Some(Func::Exp);
    fn apply<T: Float>(x: T) -> T {
        x.exp()
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(y.clone()))
    }
}

/// natural log; d = 1/x
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Log;
impl UnaryKind for Log {
    const NAME: &'static str = "log";
    const VECTOR: Option<Func> = Some(Func::Log);
    fn apply<T: Float>(x: T) -> T {
        x.ln()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(one_over(x)?))
    }
}

/// log(1+x); d = 1/(1+x)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Log1p;
impl UnaryKind for Log1p {
    const NAME: &'static str = "log1p";
    fn apply<T: Float>(x: T) -> T {
        x.ln_1p()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(one_over(&add_scalar(x, 1.0)?)?))
    }
}

/// e^x - 1; d = y + 1
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Expm1;
impl UnaryKind for Expm1 {
    const NAME: &'static str = "expm1";
    const VECTOR: Option<Func> = Some(Func::Expm1);
    fn apply<T: Float>(x: T) -> T {
        x.exp_m1()
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(add_scalar(y, 1.0)?))
    }
}

/// √x; d = 1/(2y)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Sqrt;
impl UnaryKind for Sqrt {
    const NAME: &'static str = "sqrt";
    fn apply<T: Float>(x: T) -> T {
        x.sqrt()
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(div(&scalar_like(y, 0.5), y)?))
    }
}

/// sin; d = cos x
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Sin;
impl UnaryKind for Sin {
    const NAME: &'static str = "sin";
    const VECTOR: Option<Func> = Some(Func::Sin);
    fn apply<T: Float>(x: T) -> T {
        x.sin()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(cos(x)?))
    }
}

/// cos; d = -sin x
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Cos;
impl UnaryKind for Cos {
    const NAME: &'static str = "cos";
    const VECTOR: Option<Func> = Some(Func::Cos);
    fn apply<T: Float>(x: T) -> T {
        x.cos()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(neg(&sin(x)?)?))
    }
}

/// tan; d = 1 + y²
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Tan;
impl UnaryKind for Tan {
    const NAME: &'static str = "tan";
    fn apply<T: Float>(x: T) -> T {
        x.tan()
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(add_scalar(&square(y)?, 1.0)?))
    }
}

/// arcsin; d = 1/√(1-x²)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Asin;
impl UnaryKind for Asin {
    const NAME: &'static str = "arcsin";
    fn apply<T: Float>(x: T) -> T {
        x.asin()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(one_over(&sqrt(&sub_from_scalar(1.0, &square(x)?)?)?)?))
    }
}

/// arccos; d = -1/√(1-x²)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Acos;
impl UnaryKind for Acos {
    const NAME: &'static str = "arccos";
    fn apply<T: Float>(x: T) -> T {
        x.acos()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(neg(&one_over(&sqrt(&sub_from_scalar(
            1.0,
            &square(x)?,
        )?)?)?)?))
    }
}

/// arctan; d = 1/(1+x²)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Atan;
impl UnaryKind for Atan {
    const NAME: &'static str = "arctan";
    fn apply<T: Float>(x: T) -> T {
        x.atan()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(one_over(&add_scalar(&square(x)?, 1.0)?)?))
    }
}

/// sinh; d = cosh x
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Sinh;
impl UnaryKind for Sinh {
    const NAME: &'static str = "sinh";
    fn apply<T: Float>(x: T) -> T {
        x.sinh()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(cosh(x)?))
    }
}

/// cosh; d = sinh x
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Cosh;
impl UnaryKind for Cosh {
    const NAME: &'static str = "cosh";
    fn apply<T: Float>(x: T) -> T {
        x.cosh()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(sinh(x)?))
    }
}

/// tanh; d = 1 - y²
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Tanh;
impl UnaryKind for Tanh {
    const NAME: &'static str = "tanh";
    const VECTOR: Option<Func> = Some(Func::Tanh);
    fn apply<T: Float>(x: T) -> T {
        x.tanh()
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(sub_from_scalar(1.0, &square(y)?)?))
    }
}

/// arcsinh; d = 1/√(x²+1)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Asinh;
impl UnaryKind for Asinh {
    const NAME: &'static str = "arcsinh";
    fn apply<T: Float>(x: T) -> T {
        x.asinh()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(one_over(&sqrt(&add_scalar(&square(x)?, 1.0)?)?)?))
    }
}

/// arccosh; d = 1/√(x²-1)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Acosh;
impl UnaryKind for Acosh {
    const NAME: &'static str = "arccosh";
    fn apply<T: Float>(x: T) -> T {
        x.acosh()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(one_over(&sqrt(&add_scalar(&square(x)?, -1.0)?)?)?))
    }
}

/// arctanh; d = 1/(1-x²)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Atanh;
impl UnaryKind for Atanh {
    const NAME: &'static str = "arctanh";
    fn apply<T: Float>(x: T) -> T {
        x.atanh()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(one_over(&sub_from_scalar(1.0, &square(x)?)?)?))
    }
}

/// logistic sigmoid 1/(1+e^-x), stable for large |x|; d = y(1-y)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Logistic;
impl UnaryKind for Logistic {
    const NAME: &'static str = "logistic";
    const VECTOR: Option<Func> = Some(Func::Logistic);
    fn apply<T: Float>(x: T) -> T {
        logistic(x)
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(mul(y, &sub_from_scalar(1.0, y)?)?))
    }
}

/// |x|; d = sign x (0 at 0)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Abs;
impl UnaryKind for Abs {
    const NAME: &'static str = "abs";
    fn apply<T: Float>(x: T) -> T {
        x.abs()
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(sign_of(x)?))
    }
}

/// sign: -1, 0 or 1 (NaN stays NaN); piecewise constant
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Sign;
impl UnaryKind for Sign {
    const NAME: &'static str = "sign";
    fn apply<T: Float>(x: T) -> T {
        sign(x)
    }
    fn deriv(_x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(None)
    }
}

/// floor; piecewise constant
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Floor;
impl UnaryKind for Floor {
    const NAME: &'static str = "floor";
    fn apply<T: Float>(x: T) -> T {
        x.floor()
    }
    fn deriv(_x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(None)
    }
}

/// ceil; piecewise constant
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Ceil;
impl UnaryKind for Ceil {
    const NAME: &'static str = "ceil";
    fn apply<T: Float>(x: T) -> T {
        x.ceil()
    }
    fn deriv(_x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(None)
    }
}

/// round half to even, as NumPy; piecewise constant
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Round;
impl UnaryKind for Round {
    const NAME: &'static str = "round";
    fn apply<T: Float>(x: T) -> T {
        round_half_even(x)
    }
    fn deriv(_x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        Ok(None)
    }
}

fn logistic<T: Float>(x: T) -> T {
    // Never exponentiate a large positive number: e^-|x| ≤ 1.
    let e = (-x.abs()).exp();
    if x >= T::zero() {
        T::one() / (T::one() + e)
    } else {
        e / (T::one() + e)
    }
}

fn sign<T: Float>(x: T) -> T {
    if x > T::zero() {
        T::one()
    } else if x < T::zero() {
        -T::one()
    } else {
        x // 0, -0 or NaN
    }
}

fn round_half_even<T: Float>(x: T) -> T {
    let r = x.round();
    let two = T::one() + T::one();
    if (x - x.trunc()).abs() == T::one() / two {
        two * (x / two).round()
    } else {
        r
    }
}
