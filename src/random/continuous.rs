//! Continuous samplers beyond uniform and normal: truncated normal, exponential.

use ferrograd_core::api::ok;
use ferrograd_core::{Error, Result, Tensor};

use super::{normal_quantile, numel, open_unit, Key};

/// The standard normal CDF Φ(x) = erfc(−x/√2)/2, accurate in both tails.
fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Standard normal samples conditioned to lie in `[lower, upper]`, as f64 (JAX's
/// `truncated_normal`). Inverse-CDF sampling: `Φ⁻¹(Φ(a) + u·(Φ(b) − Φ(a)))`, computed in the
/// lower tail (the interval is mirrored when it lies above 0), where Φ keeps full relative
/// precision, so intervals far out in a tail still give correct samples.
///
/// ```
/// use ferrograd::random;
/// let z = random::truncated_normal(&random::key(0), -1.0, 2.0, &[1000]);
/// assert!(z.to_vec().iter().all(|&v| (-1.0..=2.0).contains(&v)));
/// ```
///
/// # Panics
/// If `lower >= upper` or a bound is NaN; see [`try_truncated_normal`].
#[track_caller]
pub fn truncated_normal(key: &Key, lower: f64, upper: f64, shape: &[usize]) -> Tensor {
    ok(try_truncated_normal(key, lower, upper, shape))
}

/// Fallible [`truncated_normal`].
pub fn try_truncated_normal(key: &Key, lower: f64, upper: f64, shape: &[usize]) -> Result<Tensor> {
    if lower.is_nan() || upper.is_nan() || lower >= upper {
        return Err(Error::invalid(
            "truncated_normal",
            format!("needs lower < upper, got lower = {lower}, upper = {upper}"),
        ));
    }
    // Mirror an interval above 0 into the lower tail: Φ is accurate there, 1 − Φ is not.
    let mirrored = lower > 0.0;
    let (a, b) = if mirrored {
        (-upper, -lower)
    } else {
        (lower, upper)
    };
    let (pa, pb) = (normal_cdf(a), normal_cdf(b));
    let values = (0..numel(shape))
        .map(|i| {
            let z = normal_quantile(pa + open_unit(key, i) * (pb - pa)).clamp(a, b);
            if mirrored {
                -z
            } else {
                z
            }
        })
        .collect();
    Tensor::try_from_vec(values, shape)
}

/// Exponential samples with rate 1, as f64: `−ln u` with `u` strictly inside (0, 1).
///
/// ```
/// use ferrograd::random;
/// let e = random::exponential(&random::key(2), &[20_000]);
/// assert!((e.mean().item() - 1.0).abs() < 0.03);
/// ```
pub fn exponential(key: &Key, shape: &[usize]) -> Tensor {
    let values = (0..numel(shape)).map(|i| -open_unit(key, i).ln()).collect();
    ok(Tensor::try_from_vec(values, shape))
}
