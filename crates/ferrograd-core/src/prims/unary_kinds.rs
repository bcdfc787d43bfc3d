//! The elementwise functions of one argument: a calculus table. `y` is `f(x)`.

use ferrograd_array::kernels::vmath::Func;
use ferrograd_array::kernels::UnaryInts;
use ferrograd_array::Float;

use super::unary::UnaryKind;
use crate::lax::{add_scalar, div, mul, neg, one_over, scalar_like, sqrt, square, sub_from_scalar};
use crate::{Result, Tensor};

macro_rules! kind {
    ($(#[$doc:meta])* $t:ident, $name:literal, |$x:ident| $f:expr, |$dx:ident, $dy:ident| $d:expr
     $(, vector = $v:ident)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $t;
        impl UnaryKind for $t {
            const NAME: &'static str = $name;
            $(const VECTOR: Option<Func> = Some(Func::$v);)?
            fn apply<T: Float>($x: T) -> T {
                $f
            }
            #[allow(unused_variables)]
            fn deriv($dx: &Tensor, $dy: &Tensor) -> Result<Option<Tensor>> {
                $d
            }
        }
    };
}

/// -x (linear). Integers wrap, as NumPy: -i64::MIN is i64::MIN, -(1 as uint32) is 2³² - 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Neg;
impl UnaryKind for Neg {
    const NAME: &'static str = "neg";
    const LINEAR: bool = true;
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

kind!(/// e^x; d = y
    Exp, "exp", |x| x.exp(), |x, y| Ok(Some(y.clone())), vector = Exp);
kind!(/// natural log; d = 1/x
    Log, "log", |x| x.ln(), |x, y| Ok(Some(one_over(x)?)), vector = Log);
kind!(/// log(1+x); d = 1/(1+x)
    Log1p, "log1p", |x| x.ln_1p(), |x, y| Ok(Some(one_over(&add_scalar(x, 1.0)?)?)));
kind!(/// e^x - 1; d = y + 1
    Expm1, "expm1", |x| x.exp_m1(), |x, y| Ok(Some(add_scalar(y, 1.0)?)), vector = Expm1);
kind!(/// √x; d = 1/(2y)
    Sqrt, "sqrt", |x| x.sqrt(), |x, y| Ok(Some(div(&scalar_like(y, 0.5), y)?)));
kind!(/// sin; d = cos x
    Sin, "sin", |x| x.sin(), |x, y| Ok(Some(crate::lax::cos(x)?)), vector = Sin);
kind!(/// cos; d = -sin x
    Cos, "cos", |x| x.cos(), |x, y| Ok(Some(neg(&crate::lax::sin(x)?)?)), vector = Cos);
kind!(/// tan; d = 1 + y²
    Tan, "tan", |x| x.tan(), |x, y| Ok(Some(add_scalar(&square(y)?, 1.0)?)));
kind!(/// arcsin; d = 1/√(1-x²)
    Asin, "arcsin", |x| x.asin(), |x, y| Ok(Some(one_over(&sqrt(&sub_from_scalar(1.0, &square(x)?)?)?)?)));
kind!(/// arccos; d = -1/√(1-x²)
    Acos, "arccos", |x| x.acos(), |x, y| Ok(Some(neg(&one_over(&sqrt(&sub_from_scalar(1.0, &square(x)?)?)?)?)?)));
kind!(/// arctan; d = 1/(1+x²)
    Atan, "arctan", |x| x.atan(), |x, y| Ok(Some(one_over(&add_scalar(&square(x)?, 1.0)?)?)));
kind!(/// sinh; d = cosh x
    Sinh, "sinh", |x| x.sinh(), |x, y| Ok(Some(crate::lax::cosh(x)?)));
kind!(/// cosh; d = sinh x
    Cosh, "cosh", |x| x.cosh(), |x, y| Ok(Some(crate::lax::sinh(x)?)));
kind!(/// tanh; d = 1 - y²
    Tanh, "tanh", |x| x.tanh(), |x, y| Ok(Some(sub_from_scalar(1.0, &square(y)?)?)), vector = Tanh);
kind!(/// arcsinh; d = 1/√(x²+1)
    Asinh, "arcsinh", |x| x.asinh(), |x, y| Ok(Some(one_over(&sqrt(&add_scalar(&square(x)?, 1.0)?)?)?)));
kind!(/// arccosh; d = 1/√(x²-1)
    Acosh, "arccosh", |x| x.acosh(), |x, y| Ok(Some(one_over(&sqrt(&add_scalar(&square(x)?, -1.0)?)?)?)));
kind!(/// arctanh; d = 1/(1-x²)
    Atanh, "arctanh", |x| x.atanh(), |x, y| Ok(Some(one_over(&sub_from_scalar(1.0, &square(x)?)?)?)));
kind!(/// logistic sigmoid 1/(1+e^-x), stable for large |x|; d = y(1-y)
    Logistic, "logistic", |x| logistic(x), |x, y| Ok(Some(mul(y, &sub_from_scalar(1.0, y)?)?)), vector = Logistic);
kind!(/// |x|; d = sign x (0 at 0)
    Abs, "abs", |x| x.abs(), |x, y| Ok(Some(crate::lax::sign(x)?)));
kind!(/// sign: -1, 0 or 1 (NaN stays NaN); piecewise constant
    Sign, "sign", |x| sign(x), |x, y| Ok(None));
kind!(/// floor; piecewise constant
    Floor, "floor", |x| x.floor(), |x, y| Ok(None));
kind!(/// ceil; piecewise constant
    Ceil, "ceil", |x| x.ceil(), |x, y| Ok(None));
kind!(/// round half to even, as NumPy; piecewise constant
    Round, "round", |x| round_half_even(x), |x, y| Ok(None));

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
