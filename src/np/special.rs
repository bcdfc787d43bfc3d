//! Special functions (SciPy's `scipy.special` names, as JAX's `jax.scipy.special`): the error
//! function family, the normal CDF and quantile, log-gamma and its derivatives, and the
//! stable compositions logit, xlogy, logaddexp, hypot. Each is differentiable to any order
//! in forward and reverse mode; integer inputs become float64, f32 stays f32. The numerics
//! are cited in `ferrograd_array::special`.

use std::f64::consts::FRAC_1_SQRT_2;

use ferrograd_core::api::{broadcast_pair, ok, promote_pair, resolve_pair, Operand};
use ferrograd_core::prims::unary_kinds::Log1p;
use ferrograd_core::{lax, DType, Result, Tensor};

fn to_float(x: &Tensor) -> Result<Tensor> {
    if x.dtype().is_float() {
        Ok(x.clone())
    } else {
        lax::convert(x, DType::F64)
    }
}

fn unary(x: &Tensor, f: fn(&Tensor) -> Result<Tensor>) -> Result<Tensor> {
    f(&to_float(x)?)
}

fn binary(
    op: &'static str,
    a: impl Operand,
    b: impl Operand,
    f: fn(&Tensor, &Tensor) -> Result<Tensor>,
) -> Result<Tensor> {
    let (a, b) = resolve_pair(a, b);
    let (a, b) = promote_pair(&to_float(&a)?, &to_float(&b)?)?;
    let (a, b) = broadcast_pair(op, &a, &b)?;
    f(&a, &b)
}

/// The error function erf(x) = (2/√π) ∫₀ˣ e^(−t²) dt.
///
/// ```
/// use ferrograd::np;
/// assert!((np::erf(&np::array(0.5)).item() - 0.5204998778130465).abs() < 1e-16);
/// ```
#[track_caller]
pub fn erf(x: &Tensor) -> Tensor {
    ok(unary(x, lax::erf))
}

/// The complementary error function 1 − erf(x), with full relative accuracy in the right
/// tail (`erfc(10) = 2.088e-45`, where `1 - erf(10)` is 0).
#[track_caller]
pub fn erfc(x: &Tensor) -> Tensor {
    ok(unary(x, lax::erfc))
}

/// The inverse error function on [−1, 1] (±∞ at ±1, NaN outside).
///
/// ```
/// use ferrograd::np;
/// let x = np::array(vec![-0.9, 1e-12, 0.5]);
/// let back = np::erf(&np::erfinv(&x));
/// assert!((&back - &x).abs().max().item() < 1e-15);
/// ```
#[track_caller]
pub fn erfinv(x: &Tensor) -> Tensor {
    ok(unary(x, lax::erfinv))
}

/// The standard normal CDF Φ(x) = erfc(−x/√2)/2, accurate in the left tail
/// (`ndtr(-20) = 2.75e-89`).
#[track_caller]
pub fn ndtr(x: &Tensor) -> Tensor {
    ok(try_ndtr(x))
}

fn try_ndtr(x: &Tensor) -> Result<Tensor> {
    let x = to_float(x)?;
    let e = lax::erfc(&lax::mul(&x, &lax::scalar_like(&x, -FRAC_1_SQRT_2))?)?;
    lax::mul(&e, &lax::scalar_like(&e, 0.5))
}

/// The standard normal quantile Φ⁻¹(p), the probit (Wichura's AS 241; −∞ at 0, ∞ at 1,
/// NaN outside [0, 1]). Its derivative is 1/φ(Φ⁻¹(p)).
///
/// ```
/// use ferrograd::{grad, np};
/// assert!((np::ndtri(&np::array(0.975)).item() - 1.959963984540054).abs() < 1e-15);
/// // d/dp Φ⁻¹(p) at ½ is 1/φ(0) = √(2π).
/// let g = grad(|p: &np::Tensor| np::ndtri(p))(&np::array(0.5));
/// assert!((g.item() - (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-14);
/// ```
#[track_caller]
pub fn ndtri(p: &Tensor) -> Tensor {
    ok(unary(p, lax::ndtri))
}

/// ln|Γ(x)| (fdlibm's `lgamma_r`); +∞ at the poles 0, −1, −2, ….
///
/// ```
/// use ferrograd::np;
/// let ln_sqrt_pi = 0.5 * std::f64::consts::PI.ln();
/// assert!((np::gammaln(&np::array(0.5)).item() - ln_sqrt_pi).abs() < 1e-15);
/// ```
#[track_caller]
pub fn gammaln(x: &Tensor) -> Tensor {
    ok(unary(x, lax::lgamma))
}

/// The digamma function ψ(x) = d ln Γ(x)/dx (NaN at the poles).
///
/// ```
/// use ferrograd::np;
/// let euler_gamma = 0.5772156649015329;
/// assert!((np::digamma(&np::array(1.0)).item() + euler_gamma).abs() < 1e-15);
/// ```
#[track_caller]
pub fn digamma(x: &Tensor) -> Tensor {
    ok(unary(x, lax::digamma))
}

/// The polygamma function ψ⁽ⁿ⁾(x), the n-th derivative of [`digamma`] (`n = 0` is digamma;
/// `polygamma(1, 1) = π²/6`).
#[track_caller]
pub fn polygamma(n: u32, x: &Tensor) -> Tensor {
    ok(to_float(x).and_then(|x| lax::polygamma(n, &x)))
}

/// The log-odds ln(p/(1 − p)), the inverse of the sigmoid, as ln p − ln1p(−p).
#[track_caller]
pub fn logit(p: &Tensor) -> Tensor {
    ok(try_logit(p))
}

fn try_logit(p: &Tensor) -> Result<Tensor> {
    let p = to_float(p)?;
    lax::sub(&lax::log(&p)?, &lax::unary::<Log1p>(&lax::neg(&p)?)?)
}

/// x·ln(y), and 0 where x = 0 (so `xlogy(0, 0) = 0`), broadcasting as NumPy.
#[track_caller]
pub fn xlogy(x: impl Operand, y: impl Operand) -> Tensor {
    ok(binary("xlogy", x, y, lax::xlogy))
}

/// ln(eᵃ + eᵇ) without overflow (`logaddexp(1000, 1000) = 1000 + ln 2`).
#[track_caller]
pub fn logaddexp(a: impl Operand, b: impl Operand) -> Tensor {
    ok(binary("logaddexp", a, b, lax::logaddexp))
}

/// √(a² + b²) without overflow (`hypot(1e200, 1e200)` is finite); its gradient at the origin
/// is taken as 0.
#[track_caller]
pub fn hypot(a: impl Operand, b: impl Operand) -> Tensor {
    ok(binary("hypot", a, b, lax::hypot))
}
