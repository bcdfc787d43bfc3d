//! Neural-network helpers, numerically stable at ±1000: `sigmoid`, `log_sigmoid`, `relu`,
//! `gelu`, `softplus`, `logsumexp`, `softmax`, `log_softmax`, and NumPy's normalised `sinc`.
//!
//! Stability comes from two tricks, both exact for derivatives of every order:
//! - the max shift: `logsumexp(x) = m + log Σ exp(x - m)` with `m = stop_gradient(max x)`.
//!   The value does not depend on `m`, so stopping its gradient changes no derivative (the
//!   terms through `m` cancel analytically), and ties in the max need no special care;
//! - the "double where": `where(c, f(where(c, x, safe)), g(where(c, safe', x)))`, so the branch
//!   not taken never sees an input that overflows (its zero cotangent times an infinite
//!   derivative would otherwise give NaN).
//!
//! Integer and bool inputs are converted to float64 first (except by `relu`), as NumPy does.

use std::f64::consts::PI;

use ferrograd_core::api::ok;
use ferrograd_core::lax::{self, scalar_like};
use ferrograd_core::prims::unary_kinds::Tanh;
use ferrograd_core::{Aval, Axes, DType, Result, Tensor};

/// `x` as a float tensor (float64 for integer and bool inputs).
fn to_float(x: &Tensor) -> Result<Tensor> {
    if x.dtype().is_float() {
        Ok(x.clone())
    } else {
        lax::convert(x, DType::F64)
    }
}

/// Elementwise logistic sigmoid `1 / (1 + e^-x)`, stable for large |x| (JAX's
/// `jax.nn.sigmoid`; the `logistic` primitive).
///
/// ```
/// use ferrograd::np;
/// assert_eq!(np::sigmoid(&np::array(0.0)).item(), 0.5);
/// assert_eq!(np::sigmoid(&np::array(vec![-1000.0, 1000.0])).to_vec(), vec![0.0, 1.0]);
/// ```
pub fn sigmoid(x: &Tensor) -> Tensor {
    x.sigmoid()
}

/// Elementwise `max(x, 0)`. Integer inputs stay integers.
///
/// The derivative is 1 for `x > 0` and 0 for `x < 0`; at exactly 0 it is 0.5, the tie rule
/// of `maximum` (as `jnp.maximum(x, 0)` in JAX; note that `jax.nn.relu` instead defines 0
/// there through a custom derivative).
///
/// ```
/// use ferrograd::{elementwise_grad, np};
/// let x = np::array(vec![-2.0, 0.0, 3.0]);
/// assert_eq!(np::relu(&x).to_vec(), vec![0.0, 0.0, 3.0]);
/// assert_eq!(elementwise_grad(np::relu)(&x).to_vec(), vec![0.0, 0.5, 1.0]);
/// ```
#[track_caller]
pub fn relu(x: &Tensor) -> Tensor {
    let x = if x.dtype().is_float() || x.dtype() == DType::I64 {
        x.clone()
    } else {
        x.astype(DType::I64)
    };
    ok(lax::max(&x, &lax::zeros_like(&x)))
}

/// Elementwise `log(1 + e^x)`, stable for large |x|, with exact derivatives of every order.
///
/// Computed as `x + log1p(e^-x)` for `x > 0` and `log1p(e^x)` otherwise (the same values as
/// `log1p(exp(-|x|)) + max(x, 0)`), each branch on a "double where" safe input: both
/// branches are smooth where they are used, so the derivative at 0 is exactly
/// `sigmoid(0) = 0.5` and the second `0.25` (the `|x|` form would give 0 for the latter).
///
/// ```
/// use ferrograd::{grad, np};
/// assert_eq!(np::softplus(&np::array(1000.0)).item(), 1000.0);
/// assert_eq!(grad(np::softplus)(&np::array(0.0)).item(), 0.5);
/// ```
#[track_caller]
pub fn softplus(x: &Tensor) -> Tensor {
    ok(try_softplus(x))
}

fn try_softplus(x: &Tensor) -> Result<Tensor> {
    let x = to_float(x)?;
    let pos = lax::gt(&x, &lax::zeros_like(&x))?;
    // For x > 0: x + log(1 + e^-x); e^-x ≤ 1, so nothing overflows.
    let hi = |x: &Tensor| lax::add(x, &lax::neg(x)?.exp().log1p());
    // For x ≤ 0: log(1 + e^x); e^x ≤ 1.
    let lo = |x: &Tensor| Ok(lax::exp(x)?.log1p());
    lax::where_safe(&pos, &x, [0.0, 0.0], hi, lo)
}

/// Elementwise `log σ(x) = -softplus(-x)`, stable for large |x| (JAX's
/// `jax.nn.log_sigmoid`): `log_sigmoid(-1000) = -1000`, where `sigmoid(x).log()` gives
/// `-inf`. Its derivative is `σ(-x)`.
///
/// ```
/// use ferrograd::{grad, np};
/// assert_eq!(np::log_sigmoid(&np::array(-1000.0)).item(), -1000.0);
/// assert_eq!(np::log_sigmoid(&np::array(0.0)).item(), -(2f64.ln()));
/// assert_eq!(grad(np::log_sigmoid)(&np::array(0.0)).item(), 0.5);
/// ```
#[track_caller]
pub fn log_sigmoid(x: &Tensor) -> Tensor {
    ok(to_float(x)
        .and_then(|x| lax::neg(&x))
        .and_then(|nx| try_softplus(&nx))
        .and_then(|s| lax::neg(&s)))
}

/// `√(2/π)`, the slope of the tanh approximation of GELU at 0.
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;

/// The Gaussian error linear unit `x · Φ(x)` (JAX's `jax.nn.gelu(x, approximate)`; note that
/// JAX's default is `approximate=True`, PyTorch's `approximate='none'`).
///
/// - `approximate = false`: the exact form, `x · erfc(-x/√2) / 2` (`erfc` rather than
///   `1 + erf` keeps full relative accuracy for large negative x, as JAX does);
/// - `approximate = true`: `x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³)))`, Hendrycks &
///   Gimpel (2016), the form used by BERT and GPT-2.
///
/// ```
/// use ferrograd::np;
/// let x = np::array(vec![-1.0, 0.0, 1.0]);
/// // x * scipy.stats.norm.cdf(x) at 1: 0.8413447460685429
/// let exact = np::gelu(&x, false).to_vec();
/// assert!((exact[2] - 0.8413447460685429).abs() < 1e-15);
/// assert!((exact[0] + 0.15865525393145707).abs() < 1e-15);
/// let approx = np::gelu(&x, true).to_vec();
/// assert!((approx[2] - 0.8411919906082768).abs() < 1e-15);
/// ```
#[track_caller]
pub fn gelu(x: &Tensor, approximate: bool) -> Tensor {
    ok(try_gelu(x, approximate))
}

fn try_gelu(x: &Tensor, approximate: bool) -> Result<Tensor> {
    let x = to_float(x)?;
    let c = |v: f64| scalar_like(&x, v);
    let cdf = if approximate {
        let x3 = lax::mul(&lax::square(&x)?, &x)?;
        let inner = lax::add(&x, &lax::mul(&x3, &c(0.044_715))?)?;
        let t = lax::unary::<Tanh>(&lax::mul(&inner, &c(SQRT_2_OVER_PI))?)?;
        lax::mul(&lax::add_scalar(&t, 1.0)?, &c(0.5))?
    } else {
        let e = lax::erfc(&lax::mul(&x, &c(-std::f64::consts::FRAC_1_SQRT_2))?)?;
        lax::mul(&e, &c(0.5))?
    };
    lax::mul(&x, &cdf)
}

/// The shift `m = stop_gradient(max x over axes)` (reduced shape), replaced by 0 where it is
/// not finite (all `-inf`, or `+inf`, or NaN) and when a reduced axis is empty, so that
/// `x - m` never turns a finite or infinite input into NaN.
fn max_shift(x: &Tensor, axes: &[usize]) -> Result<Tensor> {
    if axes.iter().any(|&a| x.shape()[a] == 0) {
        // An empty reduction has no max; any finite shift gives log(0) = -inf.
        let kept: Vec<usize> = (0..x.ndim())
            .filter(|a| !axes.contains(a))
            .map(|a| x.shape()[a])
            .collect();
        return Ok(Tensor::zeros_aval(&Aval::new(&kept, x.dtype())));
    }
    let m = lax::stop_gradient(&lax::reduce_extremum(x, axes, true)?)?;
    let finite = lax::lt(&m.abs(), &scalar_like(&m, f64::INFINITY))?;
    lax::select(&finite, &m, &lax::zeros_like(&m))
}

/// `(x - m, m, kept axes)` with `m` from [`max_shift`], broadcast back over `axes`.
fn shifted(x: &Tensor, axes: &[usize]) -> Result<(Tensor, Tensor, Vec<usize>)> {
    let kept: Vec<usize> = (0..x.ndim()).filter(|a| !axes.contains(a)).collect();
    let m = max_shift(x, axes)?;
    let m_b = lax::broadcast_in_dim(&m, x.shape(), &kept)?;
    Ok((lax::sub(x, &m_b)?, m, kept))
}

/// `log Σ exp(x)` over all axes, a 0-d result; stable for large |x| (`m + log Σ e^(x-m)`
/// with `m` the stop-gradient max). Its gradient is `softmax(x)`. An empty input gives
/// `-inf`.
///
/// ```
/// use ferrograd::np;
/// let y = np::logsumexp(&np::array(vec![1000.0, 1000.0]));
/// assert_eq!(y.item(), 1000.0 + 2f64.ln());
/// ```
#[track_caller]
pub fn logsumexp(x: &Tensor) -> Tensor {
    let axes: Vec<usize> = (0..x.ndim()).collect();
    ok(try_logsumexp(x, &axes, false))
}

/// `log Σ exp(x)` over `axes` — one axis, several, or all for `None` ([`Axes`]; negative
/// axes count from the end); with `keepdims` the reduced axes stay as size 1. An empty list
/// reduces nothing (the result is `x`).
///
/// ```
/// use ferrograd::np;
/// let x = np::array([[0.0, 0.0], [1000.0, 1000.0]]);
/// let y = np::logsumexp_axes(&x, &[-1], true);
/// assert_eq!(y.shape(), &[2, 1]);
/// assert_eq!(y.to_vec(), vec![2f64.ln(), 1000.0 + 2f64.ln()]);
/// ```
///
/// # Panics
/// If an axis is out of range or repeated.
#[track_caller]
pub fn logsumexp_axes(x: &Tensor, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
    let axes = ok(axes.into().resolve_or_all("logsumexp", x.shape()));
    ok(try_logsumexp(x, &axes, keepdims))
}

fn try_logsumexp(x: &Tensor, axes: &[usize], keepdims: bool) -> Result<Tensor> {
    let x = to_float(x)?;
    let (xs, m, _) = shifted(&x, axes)?;
    let s = lax::reduce_sum(&lax::exp(&xs)?, axes)?;
    let out = lax::add(&lax::log(&s)?, &m)?;
    if !keepdims {
        return Ok(out);
    }
    lax::keep_dims(&out, x.shape(), axes)
}

/// `exp(x) / Σ exp(x)` along `axis` (negative counts from the end; several axes or `None`
/// for all normalise over them jointly, as `jax.nn.softmax`); stable for large |x|.
///
/// ```
/// use ferrograd::np;
/// let p = np::softmax(&np::array(vec![1000.0, 0.0]), -1);
/// assert_eq!(p.to_vec(), vec![1.0, 0.0]);
/// ```
///
/// # Panics
/// If `axis` is out of range (a 0-d input has no axis).
#[track_caller]
pub fn softmax(x: &Tensor, axis: impl Into<Axes>) -> Tensor {
    let axes = ok(axis.into().resolve_or_all("softmax", x.shape()));
    ok(try_softmax(x, &axes))
}

fn try_softmax(x: &Tensor, axes: &[usize]) -> Result<Tensor> {
    let x = to_float(x)?;
    let (xs, _, kept) = shifted(&x, axes)?;
    let e = lax::exp(&xs)?;
    let s = lax::reduce_sum(&e, axes)?;
    lax::div(&e, &lax::broadcast_in_dim(&s, x.shape(), &kept)?)
}

/// `x - logsumexp(x)` along `axis` (any [`Axes`], as [`softmax`]): the log of
/// [`softmax`], computed without forming it, so it stays finite where softmax underflows.
///
/// ```
/// use ferrograd::np;
/// let y = np::log_softmax(&np::array(vec![1000.0, 0.0]), 0);
/// assert_eq!(y.to_vec(), vec![0.0, -1000.0]);
/// ```
///
/// # Panics
/// If `axis` is out of range (a 0-d input has no axis).
#[track_caller]
pub fn log_softmax(x: &Tensor, axis: impl Into<Axes>) -> Tensor {
    let axes = ok(axis.into().resolve_or_all("log_softmax", x.shape()));
    ok(try_log_softmax(x, &axes))
}

fn try_log_softmax(x: &Tensor, axes: &[usize]) -> Result<Tensor> {
    let x = to_float(x)?;
    let (xs, _, kept) = shifted(&x, axes)?;
    let log_s = lax::log(&lax::reduce_sum(&lax::exp(&xs)?, axes)?)?;
    lax::sub(&xs, &lax::broadcast_in_dim(&log_s, x.shape(), &kept)?)
}

/// Taylor coefficients of sin(z)/z in powers of z²: (-1)^n / (2n + 1)!, n = 0..=6.
const SINC_TAYLOR: [f64; 7] = [
    1.0,
    -1.0 / 6.0,
    1.0 / 120.0,
    -1.0 / 5040.0,
    1.0 / 362_880.0,
    -1.0 / 39_916_800.0,
    1.0 / 6_227_020_800.0,
];

/// Below this |πx| the Taylor polynomial is used: its first omitted term, z¹⁴/15!, is
/// under 5e-17 there, so the polynomial is as accurate as the direct formula.
const SINC_SERIES_BELOW: f64 = 0.5;

/// NumPy's normalised sinc, `sin(πx) / (πx)`, with `sinc(0) = 1`.
///
/// Near 0 (|πx| < 0.5) it is evaluated with its Taylor polynomial through (πx)¹², on a
/// "double where" safe input, so the value at 0 is exactly 1, the first derivative there is
/// exactly 0, the second is `-π²/3`, and derivatives up to order 12 at 0 are correct to
/// rounding (higher ones are 0 there). Elsewhere the quotient is used directly.
///
/// ```
/// use ferrograd::{grad, np};
/// assert_eq!(np::sinc(&np::array(0.0)).item(), 1.0);
/// assert_eq!(grad(np::sinc)(&np::array(0.0)).item(), 0.0);
/// let d = grad(np::sinc)(&np::array(0.5)).item();
/// assert!((d + 4.0 / std::f64::consts::PI).abs() < 1e-15);
/// ```
#[track_caller]
pub fn sinc(x: &Tensor) -> Tensor {
    ok(try_sinc(x))
}

fn try_sinc(x: &Tensor) -> Result<Tensor> {
    let x = to_float(x)?;
    let z = lax::mul(&x, &scalar_like(&x, PI))?;
    let small = lax::lt(&z.abs(), &scalar_like(&z, SINC_SERIES_BELOW))?;
    // Near 0 a Taylor series by Horner's rule in w = z²; elsewhere sin z / z.
    let series = |z: &Tensor| {
        let w = lax::square(z)?;
        let mut series = scalar_like(&w, SINC_TAYLOR[6]);
        for &c in SINC_TAYLOR[..6].iter().rev() {
            series = lax::add_scalar(&lax::mul(&series, &w)?, c)?;
        }
        Ok(series)
    };
    let direct = |z: &Tensor| lax::div(&lax::sin(z)?, z);
    lax::where_safe(&small, &z, [0.0, 1.0], series, direct)
}
