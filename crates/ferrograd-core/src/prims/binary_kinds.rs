//! The elementwise functions of two arguments, with their derivatives. `y = f(a, b)`.

use std::ops::{BitAnd, BitOr};

use ferrograd_array::kernels::BinaryInts;
use ferrograd_array::Float;

use super::binary::BinaryKind;
use crate::lax::{self, add_tangents, scale_tangent};
use crate::{LinearArg, Result, Tangent, Tensor};

/// a + b (linear in both).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Add;
impl BinaryKind for Add {
    const NAME: &'static str = "add";
    // bool + bool is logical or, as NumPy.
    const INTS: BinaryInts = BinaryInts {
        i64: Some(i64::wrapping_add),
        u32: Some(u32::wrapping_add),
        bool: Some(<bool as BitOr>::bitor),
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        a + b
    }
    fn jvp(
        _: &Tensor,
        _: &Tensor,
        _: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        add_tangents(a_dot.clone(), b_dot.clone())
    }
    fn transpose(ct: &Tensor, a: &LinearArg, b: &LinearArg) -> Result<[Option<Tensor>; 2]> {
        Ok([
            a.is_undef().then(|| ct.clone()),
            b.is_undef().then(|| ct.clone()),
        ])
    }
}

/// a - b (linear in both).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Sub;
impl BinaryKind for Sub {
    const NAME: &'static str = "sub";
    // NumPy refuses bool - bool.
    const INTS: BinaryInts = BinaryInts {
        i64: Some(i64::wrapping_sub),
        u32: Some(u32::wrapping_sub),
        bool: None,
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        a - b
    }
    fn jvp(
        _: &Tensor,
        _: &Tensor,
        _: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        Ok(match (a_dot, b_dot) {
            (Some(ta), Some(tb)) => Some(lax::sub(ta, tb)?),
            (ta, None) => ta.clone(),
            (None, tb) => lax::neg_tangent(tb)?,
        })
    }
    fn transpose(ct: &Tensor, a: &LinearArg, b: &LinearArg) -> Result<[Option<Tensor>; 2]> {
        let ct_b = if b.is_undef() {
            Some(lax::neg(ct)?)
        } else {
            None
        };
        Ok([a.is_undef().then(|| ct.clone()), ct_b])
    }
}

/// a · b (linear in each input when the other is constant).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Mul;
impl BinaryKind for Mul {
    const NAME: &'static str = "mul";
    // bool * bool is logical and, as NumPy.
    const INTS: BinaryInts = BinaryInts {
        i64: Some(i64::wrapping_mul),
        u32: Some(u32::wrapping_mul),
        bool: Some(<bool as BitAnd>::bitand),
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        a * b
    }
    // d(ab) = b da + a db
    fn jvp(
        a: &Tensor,
        b: &Tensor,
        _: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        add_tangents(scale_tangent(a_dot, b)?, scale_tangent(b_dot, a)?)
    }
    fn transpose(ct: &Tensor, a: &LinearArg, b: &LinearArg) -> Result<[Option<Tensor>; 2]> {
        match (a, b) {
            (LinearArg::Undef(_), LinearArg::Const(b)) => Ok([Some(lax::mul(ct, b)?), None]),
            (LinearArg::Const(a), LinearArg::Undef(_)) => Ok([None, Some(lax::mul(a, ct)?)]),
            _ => Err(crate::Error::NotLinear { prim: Self::NAME }),
        }
    }
}

/// a / b (linear in a when b is constant). On integers it truncates toward zero (C's and
/// XLA's division; the api's `/` is true division and `floor_divide` floors), and dividing
/// by zero gives 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Div;
impl BinaryKind for Div {
    const NAME: &'static str = "div";
    const INTS: BinaryInts = BinaryInts {
        i64: Some(|a, b| if b == 0 { 0 } else { a.wrapping_div(b) }),
        u32: Some(|a, b| a.checked_div(b).unwrap_or(0)),
        bool: None,
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        a / b
    }
    // d(a/b) = (da - y db) / b with y = a/b. Written to touch the tangents as few times as
    // possible: each tangent operation is recorded and transposed under reverse mode, while
    // operations on primals run once, eagerly.
    fn jvp(
        _: &Tensor,
        b: &Tensor,
        y: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        Ok(Some(match (a_dot, b_dot) {
            (Some(ta), Some(tb)) => lax::div(&lax::sub(ta, &lax::mul(tb, y)?)?, b)?,
            (Some(ta), None) => lax::div(ta, b)?,
            (None, Some(tb)) => lax::mul(tb, &lax::neg(&lax::div(y, b)?)?)?,
            (None, None) => return Ok(None),
        }))
    }
    fn transpose(ct: &Tensor, a: &LinearArg, b: &LinearArg) -> Result<[Option<Tensor>; 2]> {
        match (a, b) {
            (LinearArg::Undef(_), LinearArg::Const(b)) => Ok([Some(lax::div(ct, b)?), None]),
            _ => Err(crate::Error::NotLinear { prim: Self::NAME }),
        }
    }
}

/// The remainder of truncating division, with the sign of `a` (C's `%` and `fmod`, XLA's and
/// JAX's `rem`); NumPy's `remainder` and `floor_divide` are built on it in the api. An integer
/// remainder by zero is 0, a float one NaN.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Rem;
impl BinaryKind for Rem {
    const NAME: &'static str = "rem";
    const INTS: BinaryInts = BinaryInts {
        i64: Some(|a, b| if b == 0 { 0 } else { a.wrapping_rem(b) }),
        u32: Some(|a, b| a.checked_rem(b).unwrap_or(0)),
        bool: None,
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        a % b
    }
    // rem(a, b) = a - b trunc(a/b), and trunc is piecewise constant:
    // d rem = da - trunc(a/b) db (as JAX).
    fn jvp(
        a: &Tensor,
        b: &Tensor,
        _: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        let tb = match b_dot {
            Some(t) => {
                let q = lax::div(a, b)?;
                let trunc = lax::mul(&lax::sign(&q)?, &lax::floor(&lax::abs(&q)?)?)?;
                Some(lax::neg(&lax::mul(t, &trunc)?)?)
            }
            None => None,
        };
        add_tangents(a_dot.clone(), tb)
    }
}

/// a^b for float a, b.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Pow;
impl BinaryKind for Pow {
    const NAME: &'static str = "pow";
    fn apply<T: Float>(a: T, b: T) -> T {
        a.powf(b)
    }
    // d(a^b) = b a^(b-1) da + ln(a) a^b db; each factor is taken as 0 where its
    // multiplier vanishes (b = 0, resp. a = 0), so 0^0 and 0^b do not produce NaN.
    fn jvp(
        a: &Tensor,
        b: &Tensor,
        y: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        let ta = match a_dot {
            Some(t) => {
                let d = lax::mul(b, &lax::pow(a, &lax::add_scalar(b, -1.0)?)?)?;
                let d = lax::select(
                    &lax::eq(b, &lax::scalar_like(b, 0.0))?,
                    &lax::scalar_like(b, 0.0),
                    &d,
                )?;
                Some(lax::mul(t, &d)?)
            }
            None => None,
        };
        let tb = match b_dot {
            Some(t) => {
                let zero = lax::scalar_like(a, 0.0);
                let is_zero = lax::eq(a, &zero)?;
                let safe_a = lax::select(&is_zero, &lax::scalar_like(a, 1.0), a)?;
                let d = lax::select(&is_zero, &zero, &lax::mul(&lax::log(&safe_a)?, y)?)?;
                Some(lax::mul(t, &d)?)
            }
            None => None,
        };
        add_tangents(ta, tb)
    }
}

/// Elementwise maximum; at ties the derivative is shared equally (as JAX).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Max;
impl BinaryKind for Max {
    const NAME: &'static str = "maximum";
    const INTS: BinaryInts = BinaryInts {
        i64: Some(std::cmp::max),
        u32: Some(std::cmp::max),
        bool: Some(std::cmp::max),
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        if a.is_nan() || a > b {
            a
        } else if b.is_nan() || b > a {
            b
        } else {
            a
        }
    }
    fn jvp(
        a: &Tensor,
        b: &Tensor,
        _: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        lax::pick_tangents(a, b, a_dot, b_dot, lax::gt(a, b)?)
    }
}

/// Elementwise minimum; at ties the derivative is shared equally (as JAX).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Min;
impl BinaryKind for Min {
    const NAME: &'static str = "minimum";
    const INTS: BinaryInts = BinaryInts {
        i64: Some(std::cmp::min),
        u32: Some(std::cmp::min),
        bool: Some(std::cmp::min),
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        if a.is_nan() || a < b {
            a
        } else if b.is_nan() || b < a {
            b
        } else {
            a
        }
    }
    fn jvp(
        a: &Tensor,
        b: &Tensor,
        _: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        lax::pick_tangents(a, b, a_dot, b_dot, lax::lt(a, b)?)
    }
}

/// arctan2(a, b): the angle of the point (b, a).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Atan2;
impl BinaryKind for Atan2 {
    const NAME: &'static str = "arctan2";
    fn apply<T: Float>(a: T, b: T) -> T {
        a.atan2(b)
    }
    // d atan2(a, b) = (b da - a db) / (a² + b²)
    fn jvp(
        a: &Tensor,
        b: &Tensor,
        _: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        let r2 = lax::add(&lax::square(a)?, &lax::square(b)?)?;
        let ta = scale_tangent(a_dot, &lax::div(b, &r2)?)?;
        let tb = scale_tangent(b_dot, &lax::neg(&lax::div(a, &r2)?)?)?;
        add_tangents(ta, tb)
    }
}
