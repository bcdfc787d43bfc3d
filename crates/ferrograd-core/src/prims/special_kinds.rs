//! Special functions as elementwise kinds: erf, erfc, erfinv, ndtri (probit), lgamma
//! (`gammaln`), digamma; and of two arguments xlogy, logaddexp, hypot. Each evaluates the
//! f64 scalar kernel of `ferrograd_array::special` (f32 inputs round its result); the
//! derivatives are written with `lax` ops, so they differentiate again. `y` is `f(x)`.

use std::f64::consts::{FRAC_2_SQRT_PI, PI};

use ferrograd_array::{special, Element, Float};

use super::binary::BinaryKind;
use super::unary::UnaryKind;
use super::unary_kinds::Logistic;
use crate::lax::{self, scalar_like};
use crate::{Result, Tensor};

/// Evaluates an f64 kernel at a float of either width.
fn via_f64<T: Float>(x: T, f: impl Fn(f64) -> f64) -> T {
    T::from_f64(f(Element::to_f64(x)))
}

/// Evaluates a two-argument f64 kernel at floats of either width.
fn via_f64_2<T: Float>(a: T, b: T, f: impl Fn(f64, f64) -> f64) -> T {
    T::from_f64(f(Element::to_f64(a), Element::to_f64(b)))
}

/// `c · exp(s · v²)`, the shape of every error-function derivative.
fn gauss(v: &Tensor, c: f64, s: f64) -> Result<Tensor> {
    let e = lax::exp(&lax::mul(&lax::square(v)?, &scalar_like(v, s))?)?;
    lax::mul(&scalar_like(v, c), &e)
}

/// The error function; d erf(x) = (2/√π) e^(−x²) dx.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Erf;
impl UnaryKind for Erf {
    const NAME: &'static str = "erf";
    fn apply<T: Float>(x: T) -> T {
        via_f64(x, special::erf)
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        gauss(x, FRAC_2_SQRT_PI, -1.0).map(Some)
    }
}

/// 1 − erf(x), accurate in the right tail; d erfc(x) = −(2/√π) e^(−x²) dx.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Erfc;
impl UnaryKind for Erfc {
    const NAME: &'static str = "erfc";
    fn apply<T: Float>(x: T) -> T {
        via_f64(x, special::erfc)
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        gauss(x, -FRAC_2_SQRT_PI, -1.0).map(Some)
    }
}

/// erf⁻¹ on [−1, 1]; the inverse-function rule gives d erf⁻¹(x) = (√π/2) e^(y²) dx.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ErfInv;
impl UnaryKind for ErfInv {
    const NAME: &'static str = "erfinv";
    fn apply<T: Float>(x: T) -> T {
        via_f64(x, special::erfinv)
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        gauss(y, 1.0 / FRAC_2_SQRT_PI, 1.0).map(Some)
    }
}

/// Φ⁻¹(p), the probit; d Φ⁻¹(p) = dp / φ(y) = √(2π) e^(y²/2) dp.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Ndtri;
impl UnaryKind for Ndtri {
    const NAME: &'static str = "ndtri";
    fn apply<T: Float>(x: T) -> T {
        via_f64(x, special::ndtri)
    }
    fn deriv(_x: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        gauss(y, (2.0 * PI).sqrt(), 0.5).map(Some)
    }
}

/// ln|Γ(x)| (SciPy's `gammaln`); d ln|Γ(x)| = ψ(x) dx on both sides of the poles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Lgamma;
impl UnaryKind for Lgamma {
    const NAME: &'static str = "lgamma";
    fn apply<T: Float>(x: T) -> T {
        via_f64(x, special::lgamma)
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        lax::digamma(x).map(Some)
    }
}

/// ψ(x) = (ln Γ)′(x); d ψ(x) = ψ⁽¹⁾(x) dx (the trigamma function, `polygamma(1, x)`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Digamma;
impl UnaryKind for Digamma {
    const NAME: &'static str = "digamma";
    fn apply<T: Float>(x: T) -> T {
        via_f64(x, special::digamma)
    }
    fn deriv(x: &Tensor, _y: &Tensor) -> Result<Option<Tensor>> {
        lax::polygamma(1, x).map(Some)
    }
}

/// x·ln(y), and 0 where x = 0 (unless y is NaN), as SciPy's `xlogy`.
/// d = ln(y) dx + (x/y) dy (JAX's rule).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Xlogy;
impl BinaryKind for Xlogy {
    const NAME: &'static str = "xlogy";
    fn apply<T: Float>(a: T, b: T) -> T {
        via_f64_2(a, b, |x, y| {
            if x == 0.0 && !y.is_nan() {
                0.0
            } else {
                x * y.ln()
            }
        })
    }
    fn partial_a(_: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        lax::log(b).map(Some)
    }
    fn partial_b(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        lax::div(a, b).map(Some)
    }
}

/// ln(eᵃ + eᵇ) without overflow (NumPy's algorithm: the larger plus log1p of the other's
/// ratio; equal arguments, infinities included, give a + ln 2).
/// d = eᵃ⁻ʸ da + eᵇ⁻ʸ db: the softmax weights of (a, b).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct LogAddExp;
impl BinaryKind for LogAddExp {
    const NAME: &'static str = "logaddexp";
    fn apply<T: Float>(a: T, b: T) -> T {
        via_f64_2(a, b, |x, y| {
            if x == y {
                x + std::f64::consts::LN_2
            } else if x > y {
                x + (y - x).exp().ln_1p()
            } else if y > x {
                y + (x - y).exp().ln_1p()
            } else {
                f64::NAN
            }
        })
    }
    // The weights as σ(a − b) and σ(b − a) rather than e^(a−y): exact ½ at ties, and no
    // rounding of y (ulp(1000) ≈ 1e-13) leaks into them.
    fn partial_a(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        lax::unary::<Logistic>(&lax::sub(a, b)?).map(Some)
    }
    fn partial_b(a: &Tensor, b: &Tensor, _: &Tensor) -> Result<Option<Tensor>> {
        lax::unary::<Logistic>(&lax::sub(b, a)?).map(Some)
    }
}

/// √(a² + b²) without overflow or underflow (`f64::hypot`).
/// d = (a da + b db)/y, taken as 0 at the origin (the subgradient JAX uses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Hypot;
impl BinaryKind for Hypot {
    const NAME: &'static str = "hypot";
    fn apply<T: Float>(a: T, b: T) -> T {
        a.hypot(b)
    }
    fn partial_a(a: &Tensor, _: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        lax::div(a, &nonzero(y)?).map(Some)
    }
    fn partial_b(_: &Tensor, b: &Tensor, y: &Tensor) -> Result<Option<Tensor>> {
        lax::div(b, &nonzero(y)?).map(Some)
    }
}

/// `y` with its zeros replaced by 1: at the origin, where `y` is 0, so are `a` and `b`, and
/// `a / 1 = 0` is the subgradient.
fn nonzero(y: &Tensor) -> Result<Tensor> {
    let zero = lax::eq(y, &lax::zeros_like(y))?;
    lax::select(&zero, &scalar_like(y, 1.0), y)
}
