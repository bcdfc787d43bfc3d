//! The autograd tutorial's challenge exercise: the probit function Φ⁻¹ as a new primitive.
//! Its value is computed here from scratch (Acklam's rational approximation, refined by one
//! Newton step on Φ(y) = p), and its derivative is given by hand,
//! d Φ⁻¹(p) / dp = 1 / φ(Φ⁻¹(p)), through `custom_jvp` — so forward and reverse mode and
//! every higher order use the rule, not the approximation. Checked with `check_grads` and
//! printed beside the library's `np::ndtri`.

use std::f64::consts::PI;

use ferrograd::{check_grads, custom_jvp, elementwise_grad, np, Tensor};

use crate::header;

/// Horner evaluation of `c[0] z^(n-1) + … + c[n-1]`.
fn poly(c: &[f64], z: &Tensor) -> Tensor {
    c[1..]
        .iter()
        .fold(np::full_like(z, c[0]), |acc, &ci| acc * z + ci)
}

/// Acklam's approximation of Φ⁻¹ (relative error < 1.2e-9) and one Newton step.
fn probit_value(p: &Tensor) -> Tensor {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 6] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
        1.0,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 5] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
        1.0,
    ];
    let q = p - 0.5;
    let r = &q * &q;
    let central = poly(&A, &r) * &q / poly(&B, &r);
    // Tails: q = sqrt(-2 log(min(p, 1 - p))), the sign from the side.
    let t = (-2.0 * np::minimum(p, 1.0 - p).log()).sqrt();
    let tail = poly(&C, &t) / poly(&D, &t);
    let tail = np::where_(&p.greater(0.5), -&tail, &tail);
    let y = np::where_(&q.abs().less_equal(0.5 - 0.02425), &central, &tail);
    // Newton: y ← y - (Φ(y) - p) / φ(y).
    &y - (np::ndtr(&y) - p) * (2.0 * PI).sqrt() * (0.5 * &y * &y).exp()
}

/// Φ⁻¹(p) with the derivative rule of the exercise, 1 / φ(Φ⁻¹(p)).
fn probit(p: &Tensor) -> Tensor {
    let f = custom_jvp(probit_value, |p: &Tensor, p_dot: &Tensor| {
        // The rule calls `probit` itself, so its own derivative (order 2 and up) is exact too.
        let y = probit(p);
        let phi = (-0.5 * &y * &y).exp() / (2.0 * PI).sqrt();
        (y, p_dot / phi)
    });
    f(p)
}

pub fn run() {
    header("probit Φ⁻¹ as a custom primitive (the tutorial's challenge exercise)");
    let p = Tensor::from(vec![1e-6, 0.01, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999]);
    let (ours, lib) = (probit(&p), np::ndtri(&p));
    for ((pi, a), b) in p.to_vec().iter().zip(ours.to_vec()).zip(lib.to_vec()) {
        println!("  probit({pi:<6}) = {a:>+.15}   np::ndtri = {b:>+.15}");
    }
    println!(
        "  max |probit - ndtri| = {:.1e} (should be ≲ 1e-14)",
        (&ours - &lib).abs().max().item()
    );
    let d = elementwise_grad(probit)(&p);
    let want = (2.0 * PI).sqrt() * (0.5 * &lib * &lib).exp();
    println!(
        "  d probit/dp vs sqrt(2π)·exp(y²/2): max relative diff {:.1e}",
        ((&d - &want) / &want).abs().max().item()
    );
    // Second derivative: d²Φ⁻¹/dp² = y · (dΦ⁻¹/dp)² (from φ'(y) = -y φ(y)).
    let d2 = elementwise_grad(elementwise_grad(probit))(&p);
    let want2 = &lib * &want * &want;
    println!(
        "  d² probit/dp² vs y·(dy/dp)²: max relative diff {:.1e}",
        ((&d2 - &want2) / (&want2 + 1e-300)).abs().max().item()
    );
    // Away from the tails, where central differences with eps = 1e-4 are accurate enough
    // for the default tolerances (near p = 0.05 the third derivative is ~6e3).
    let inner = Tensor::from(vec![0.2, 0.35, 0.6, 0.8]);
    let ok = check_grads(probit, &inner, 2);
    println!("  check_grads (both modes, orders 1-2): {ok:?}\n");
}
