//! The elementwise functions of two arguments, with their derivatives. `y = f(a, b)`.

use std::ops::{BitAnd, BitOr};

use ferrograd_array::kernels::{BinaryInts, Compare as Cmp};
use ferrograd_array::Float;

use super::binary::BinaryKind;
use crate::lax::{self, add_tangents, scale_tangent};
use crate::{LinearArg, Result, Tangent, Tensor};

/// a + b (linear in both).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Add;
impl BinaryKind for Add {
    const NAME: &'static str = "add";
    const RIGHT_IDENTITY: Option<f64> = Some(0.0);
    const LEFT_IDENTITY: Option<f64> = Some(0.0);
    // bool + bool is logical or, as NumPy.
    const INTS: BinaryInts = BinaryInts {
        i64: Some(i64::wrapping_add),
        u32: Some(u32::wrapping_add),
        bool: Some(<bool as BitOr>::bitor),
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        a + b
    }
    fn partial_a(a: &Tensor, _: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(lax::scalar_like(a, 1.0)))
    }
    fn partial_b(a: &Tensor, _: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(lax::scalar_like(a, 1.0)))
    }
    // The tangents themselves: no multiplications by one.
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
    const RIGHT_IDENTITY: Option<f64> = Some(0.0);
    // NumPy refuses bool - bool.
    const INTS: BinaryInts = BinaryInts {
        i64: Some(i64::wrapping_sub),
        u32: Some(u32::wrapping_sub),
        bool: None,
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        a - b
    }
    fn partial_a(a: &Tensor, _: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(lax::scalar_like(a, 1.0)))
    }
    fn partial_b(a: &Tensor, _: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(lax::scalar_like(a, -1.0)))
    }
    // ȧ - ḃ: no multiplications by ±1.
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
    const RIGHT_IDENTITY: Option<f64> = Some(1.0);
    const LEFT_IDENTITY: Option<f64> = Some(1.0);
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
    fn partial_a(_: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(b.clone()))
    }
    fn partial_b(a: &Tensor, _: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(a.clone()))
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
    const RIGHT_IDENTITY: Option<f64> = Some(1.0);
    const INTS: BinaryInts = BinaryInts {
        i64: Some(|a, b| if b == 0 { 0 } else { a.wrapping_div(b) }),
        u32: Some(|a, b| a.checked_div(b).unwrap_or(0)),
        bool: None,
    };
    fn apply<T: Float>(a: T, b: T) -> T {
        a / b
    }
    // d(a/b) = da / b - (y / b) db with y = a/b.
    fn partial_a(_: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(lax::one_over(b)?))
    }
    fn partial_b(_: &Tensor, b: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(lax::neg(&lax::div(y, b)?)?))
    }
    // (da - y db) / b: one division of the tangent instead of two multiplications.
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
    fn partial_a(a: &Tensor, _: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(lax::scalar_like(a, 1.0)))
    }
    fn partial_b(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        let q = lax::div(a, b)?;
        let trunc = lax::mul(&lax::sign(&q)?, &lax::floor(&lax::abs(&q)?)?)?;
        Ok(Some(lax::neg(&trunc)?))
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
    // multiplier vanishes (b = 0, resp. a = 0), so 0^0 and 0^b produce no NaN, in any
    // derivative order (the factors are computed on safe inputs there).
    fn partial_a(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        let b_nonzero = lax::compare(b, &lax::zeros_like(b), Cmp::Ne)?;
        let d = |b: &Tensor| lax::mul(b, &lax::pow(a, &lax::add_scalar(b, -1.0)?)?);
        lax::where_safe(&b_nonzero, b, [1.0, 0.0], d, zeros).map(Some)
    }
    fn partial_b(a: &Tensor, _: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        let a_nonzero = lax::compare(a, &lax::zeros_like(a), Cmp::Ne)?;
        let d = |a: &Tensor| lax::mul(&lax::log(a)?, y);
        lax::where_safe(&a_nonzero, a, [1.0, 0.0], d, zeros).map(Some)
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
    fn partial_a(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        lax::choice_weight(a, b, &lax::gt(a, b)?).map(Some)
    }
    fn partial_b(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        lax::complement(&lax::choice_weight(a, b, &lax::gt(a, b)?)?).map(Some)
    }
    // The weight is computed once for both tangents.
    fn jvp(
        a: &Tensor,
        b: &Tensor,
        _: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        let w = lax::choice_weight(a, b, &lax::gt(a, b)?)?;
        let tb = scale_tangent(b_dot, &lax::complement(&w)?)?;
        add_tangents(scale_tangent(a_dot, &w)?, tb)
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
    fn partial_a(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        lax::choice_weight(a, b, &lax::lt(a, b)?).map(Some)
    }
    fn partial_b(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        lax::complement(&lax::choice_weight(a, b, &lax::lt(a, b)?)?).map(Some)
    }
    // The weight is computed once for both tangents.
    fn jvp(
        a: &Tensor,
        b: &Tensor,
        _: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        let w = lax::choice_weight(a, b, &lax::lt(a, b)?)?;
        let tb = scale_tangent(b_dot, &lax::complement(&w)?)?;
        add_tangents(scale_tangent(a_dot, &w)?, tb)
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
    fn partial_a(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(lax::div(b, &radius_squared(a, b)?)?))
    }
    fn partial_b(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(lax::neg(&lax::div(a, &radius_squared(a, b)?)?)?))
    }
}

/// |a| with the sign of b (C's and NumPy's `copysign`; the sign of -0.0 and of NaNs counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CopySign;
impl BinaryKind for CopySign {
    const NAME: &'static str = "copysign";
    fn apply<T: Float>(a: T, b: T) -> T {
        a.copysign(b)
    }
    // copysign(a, b) = |a| s(b) with s(b) = copysign(1, b): d = sign(a) s(b) da; b's sign is
    // piecewise constant.
    fn partial_a(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        let s = lax::copysign(&lax::scalar_like(b, 1.0), b)?;
        lax::mul(&lax::sign(a)?, &s).map(Some)
    }
    fn partial_b(_: &Tensor, _: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        Ok(None)
    }
}

fn radius_squared(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    lax::add(&lax::square(a)?, &lax::square(b)?)
}

/// A zero partial for the lanes `where_safe` fills.
fn zeros(x: &Tensor) -> Result<Tensor> {
    Ok(lax::zeros_like(x))
}
