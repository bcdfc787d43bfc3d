//! The standard normal quantile, the core of the normal samplers.

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1), accurate to about 1e-16 relative:
/// Wichura's AS 241, shared with `np::ndtri` (see `ferrograd_array::special::ndtri`).
///
/// ```
/// use ferrograd::random::normal_quantile;
/// assert!((normal_quantile(0.975) - 1.959963984540054).abs() < 1e-14);
/// ```
pub fn normal_quantile(p: f64) -> f64 {
    ferrograd_array::special::ndtri(p)
}
