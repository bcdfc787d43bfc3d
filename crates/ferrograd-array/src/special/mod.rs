//! Scalar special functions in f64 (f32 callers round the f64 result, which is then correctly
//! rounded or nearly so): the error function family, the normal quantile, log-gamma and the
//! polygamma functions. Kernels for the `erf`, `ndtri`, `lgamma`, `digamma` and `polygamma`
//! primitives; they know nothing of tracing.
//!
//! Sources: `erf`/`erfc`/`lgamma` are the `libm` crate's ports of Sun's fdlibm (`s_erf.c`,
//! `e_lgamma_r.c`, < 1 ulp); the normal quantile is Wichura's AS 241; the polygamma functions
//! use the recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x+1) − (−1)ⁿ n!/x^(n+1) to reach large x, then their
//! asymptotic (Bernoulli) series (Abramowitz & Stegun 6.3.18 and 6.4.11).

mod gamma;
mod ndtri;

pub use gamma::{digamma, lgamma, polygamma};
pub use ndtri::{erfinv, ndtri};

/// The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt (fdlibm via `libm`).
pub fn erf(x: f64) -> f64 {
    libm::erf(x)
}

/// The complementary error function 1 − erf(x), accurate in the right tail where erf(x)
/// rounds to 1 (fdlibm via `libm`; relative accuracy until it underflows near x ≈ 27).
pub fn erfc(x: f64) -> f64 {
    libm::erfc(x)
}
