//! log|Γ(x)|, the digamma function ψ = (ln Γ)′ and the polygamma functions ψ⁽ⁿ⁾.

use std::f64::consts::PI;

/// ln|Γ(x)| (SciPy's `gammaln`): fdlibm's `lgamma_r` via the `libm` crate (< 1 ulp away
/// from its zeros at 1 and 2; +∞ at the poles 0, −1, −2, …).
pub fn lgamma(x: f64) -> f64 {
    libm::lgamma_r(x).0
}

/// Bernoulli numbers B₂, B₄, …, B₁₈.
const BERNOULLI: [f64; 9] = [
    1.0 / 6.0,
    -1.0 / 30.0,
    1.0 / 42.0,
    -1.0 / 30.0,
    5.0 / 66.0,
    -691.0 / 2730.0,
    7.0 / 6.0,
    -3617.0 / 510.0,
    43867.0 / 798.0,
];

/// ψ(x) = Γ′(x)/Γ(x). For x < 0 the reflection ψ(x) = ψ(1 − x) − π/tan(πx) (A&S 6.3.7);
/// then the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10 and the asymptotic series
/// ψ(x) ≈ ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ) (A&S 6.3.18), whose first omitted term is below
/// 1e-17 there. Poles (0, −1, −2, …) give NaN, as SciPy.
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x == f64::NEG_INFINITY {
        return f64::NAN;
    }
    if x <= 0.0 {
        if x == x.floor() {
            return f64::NAN;
        }
        // tan(πx) loses accuracy for large |x|; reduce x modulo 1 first (tan has period π).
        let frac = x - x.floor();
        return digamma(1.0 - x) - PI / (PI * frac).tan();
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv2 = 1.0 / (x * x);
    let mut pow = inv2;
    let mut series = 0.0;
    for (k, b) in BERNOULLI.iter().enumerate().take(7) {
        series += b / (2.0 * (k + 1) as f64) * pow;
        pow *= inv2;
    }
    acc + x.ln() - 0.5 / x - series
}

/// n! as a float (exact up to 22!).
fn factorial(n: u32) -> f64 {
    (1..=n).map(f64::from).product()
}

/// The polygamma function ψ⁽ⁿ⁾(x) = dⁿψ/dxⁿ; `n = 0` is [`digamma`]. For n ≥ 1: the
/// recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x+1) + (−1)ⁿ⁺¹ n!/x^(n+1) up to x ≥ 15 + n, then (A&S 6.4.11)
/// ψ⁽ⁿ⁾(x) ≈ (−1)ⁿ⁺¹ [(n−1)!/xⁿ + n!/(2xⁿ⁺¹) + Σₖ B₂ₖ (2k+n−1)!/((2k)! x^(2k+n))].
/// Negative non-integer x works through the same recurrence; at the poles ±∞ or NaN.
pub fn polygamma(n: u32, x: f64) -> f64 {
    if n == 0 {
        return digamma(x);
    }
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 && x == x.floor() {
        // A pole of order n + 1: +∞ for odd n; the sign of the limit differs by side for
        // even n, so there is none.
        return if n % 2 == 1 { f64::INFINITY } else { f64::NAN };
    }
    let sign = if n % 2 == 1 { 1.0 } else { -1.0 };
    let nf = factorial(n);
    let np1 = n as i32 + 1;
    let mut x = x;
    let mut acc = 0.0;
    let bound = 15.0 + f64::from(n);
    while x < bound {
        acc += nf / x.powi(np1);
        x += 1.0;
    }
    // Σ over the series, with (2k+n−1)!/(2k)! built up incrementally.
    let mut series = factorial(n - 1) / x.powi(np1 - 1) + nf / (2.0 * x.powi(np1));
    let mut ratio = factorial(n + 1) / 2.0; // (2k+n−1)!/(2k)! at k = 1
    let mut xpow = x.powi(np1 + 1);
    for (k, b) in BERNOULLI.iter().enumerate() {
        let k = k as u32 + 1;
        if k > 1 {
            // (2k+n−1)!/(2k)! from its value at k−1: times (2k+n−2)(2k+n−1)/((2k−1)(2k)).
            let (a, c) = (f64::from(2 * k + n - 2), f64::from(2 * k + n - 1));
            ratio *= a * c / (f64::from(2 * k - 1) * f64::from(2 * k));
            xpow *= x * x;
        }
        series += b * ratio / xpow;
    }
    sign * (acc + series)
}
