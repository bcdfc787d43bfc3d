#![allow(clippy::excessive_precision, clippy::type_complexity)]
//! Special functions: known values (closed forms and published tables), their tails, f32,
//! 0-d / size-0 / broadcast shapes, and derivatives through check_grads (both modes, orders
//! 1-2) and against closed forms.

use std::f64::consts::{LN_2, PI};

use ferrograd::{check_grads, grad, np, DType, Tensor};

const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

fn item(f: fn(&Tensor) -> Tensor, x: f64) -> f64 {
    f(&Tensor::from(x)).item()
}

fn assert_rel(what: &str, got: f64, want: f64, rtol: f64) {
    let ok = (got - want).abs() <= rtol * want.abs() || got == want;
    assert!(ok, "{what}: got {got:e}, want {want:e} (rtol {rtol:e})");
}

#[test]
fn error_function_values_and_tails() {
    assert_rel(
        "erf(0.5)",
        item(np::erf, 0.5),
        0.520_499_877_813_046_5,
        1e-15,
    );
    assert_rel("erf(1)", item(np::erf, 1.0), 0.842_700_792_949_714_9, 1e-15);
    assert_rel(
        "erf(-1e-10)",
        item(np::erf, -1e-10),
        -1.128_379_167_095_512_6e-10,
        1e-15,
    );
    assert_rel(
        "erfc(3)",
        item(np::erfc, 3.0),
        2.209_049_699_858_544e-5,
        1e-14,
    );
    assert_rel(
        "erfc(10)",
        item(np::erfc, 10.0),
        2.088_487_583_762_545e-45,
        1e-14,
    );
    assert_eq!(item(np::erfc, -30.0), 2.0);
    assert_rel(
        "erfinv(0.5)",
        item(np::erfinv, 0.5),
        0.476_936_276_204_469_9,
        1e-15,
    );
    // erfinv keeps full relative accuracy at tiny arguments: erfinv(x) ≈ (√π/2) x.
    assert_rel(
        "erfinv(1e-300)",
        item(np::erfinv, 1e-300),
        0.886_226_925_452_758e-300,
        1e-15,
    );
    assert_eq!(item(np::erfinv, 1.0), f64::INFINITY);
    assert_eq!(item(np::erfinv, -1.0), f64::NEG_INFINITY);
    assert!(item(np::erfinv, 1.5).is_nan());
    for x in [-0.999_999, -0.9, -0.3, 1e-8, 0.2, 0.75, 0.999_999_999] {
        assert_rel(
            "erf(erfinv(x))",
            item(np::erf, item(np::erfinv, x)),
            x,
            2e-15,
        );
    }
}

#[test]
fn normal_cdf_and_quantile() {
    assert_rel(
        "ndtr(1.96)",
        item(np::ndtr, 1.96),
        0.975_002_104_851_779_5,
        1e-15,
    );
    assert_eq!(item(np::ndtr, 0.0), 0.5);
    assert_rel(
        "ndtr(-20)",
        item(np::ndtr, -20.0),
        2.753_624_118_606_233_7e-89,
        1e-13,
    );
    assert_rel(
        "ndtri(0.975)",
        item(np::ndtri, 0.975),
        1.959_963_984_540_054,
        1e-15,
    );
    assert_rel("ndtri(0.5)", item(np::ndtri, 0.5), 0.0, 0.0);
    assert_eq!(item(np::ndtri, 0.0), f64::NEG_INFINITY);
    assert_eq!(item(np::ndtri, 1.0), f64::INFINITY);
    assert!(item(np::ndtri, -0.1).is_nan());
    // Round trips deep into both tails.
    for p in [1e-300, 1e-50, 1e-10, 0.01, 0.3, 0.9, 1.0 - 1e-12] {
        assert_rel(
            "ndtr(ndtri(p))",
            item(np::ndtr, item(np::ndtri, p)),
            p,
            1e-12,
        );
    }
    // Symmetry in the far tail: Φ⁻¹(1 − p) = −Φ⁻¹(p).
    assert_rel(
        "tail",
        item(np::ndtri, 1.0 - 1e-9),
        -item(np::ndtri, 1e-9),
        1e-7,
    );
}

#[test]
fn gamma_family_values() {
    let ln_sqrt_pi = 0.5 * PI.ln();
    assert_rel("gammaln(0.5)", item(np::gammaln, 0.5), ln_sqrt_pi, 1e-15);
    assert_rel(
        "gammaln(10)",
        item(np::gammaln, 10.0),
        362_880f64.ln(),
        1e-15,
    );
    assert_eq!(item(np::gammaln, 1.0), 0.0);
    assert_eq!(item(np::gammaln, 2.0), 0.0);
    assert_rel(
        "gammaln(-0.5)",
        item(np::gammaln, -0.5),
        (2.0 * PI.sqrt()).ln(),
        1e-15,
    );
    assert_rel(
        "gammaln(100)",
        item(np::gammaln, 100.0),
        359.134_205_369_575_4,
        1e-15,
    );
    assert_eq!(item(np::gammaln, 0.0), f64::INFINITY);
    assert_eq!(item(np::gammaln, -3.0), f64::INFINITY);

    assert_rel("digamma(1)", item(np::digamma, 1.0), -EULER_GAMMA, 1e-15);
    let psi_half = -EULER_GAMMA - 2.0 * LN_2;
    assert_rel("digamma(0.5)", item(np::digamma, 0.5), psi_half, 1e-15);
    // ψ(−½) = ψ(1.5) ≈ 0.036 lies near ψ's root 1.4616…: accurate to ~1e-15 absolute there.
    assert!((item(np::digamma, -0.5) - (psi_half + 2.0)).abs() < 2e-15);
    assert_rel(
        "digamma(1e-9)",
        item(np::digamma, 1e-9),
        -1e9 - EULER_GAMMA,
        1e-15,
    );
    let big = 1e6_f64;
    let want = big.ln() - 0.5 / big - 1.0 / (12.0 * big * big);
    assert_rel("digamma(1e6)", item(np::digamma, big), want, 1e-15);
    assert!(item(np::digamma, 0.0).is_nan() && item(np::digamma, -2.0).is_nan());

    let pg = |n, x| np::polygamma(n, &Tensor::from(x)).item();
    assert_rel("polygamma(0, 1)", pg(0, 1.0), -EULER_GAMMA, 1e-15);
    assert_rel("trigamma(1)", pg(1, 1.0), PI * PI / 6.0, 1e-15);
    assert_rel("trigamma(0.5)", pg(1, 0.5), PI * PI / 2.0, 1e-15);
    assert_rel("ψ''(1)", pg(2, 1.0), -2.404_113_806_319_188_5, 1e-15);
    assert_rel("ψ'''(1)", pg(3, 1.0), PI.powi(4) / 15.0, 1e-14);
    // Trigamma reflection: ψ₁(1 − x) + ψ₁(x) = π²/sin²(πx) at x = −0.3.
    let refl = pg(1, 1.3) + pg(1, -0.3);
    assert_rel(
        "trigamma reflection",
        refl,
        PI * PI / (PI * 1.3).sin().powi(2),
        1e-13,
    );
}

#[test]
fn stable_compositions() {
    assert_rel("logit(0.25)", item(np::logit, 0.25), -(3f64.ln()), 1e-15);
    assert_eq!(item(np::logit, 0.5), 0.0);
    assert_eq!(item(np::logit, 1.0), f64::INFINITY);
    assert_eq!(np::xlogy(0.0, 0.0).item(), 0.0);
    assert_rel(
        "xlogy(2, 3)",
        np::xlogy(2.0, 3.0).item(),
        2.0 * 3f64.ln(),
        1e-15,
    );
    assert_eq!(np::logaddexp(1000.0, 1000.0).item(), 1000.0 + LN_2);
    assert_eq!(np::logaddexp(0.0, -1000.0).item(), 0.0);
    let ninf = f64::NEG_INFINITY;
    assert_eq!(np::logaddexp(ninf, ninf).item(), ninf);
    assert_rel(
        "logaddexp(1, 2)",
        np::logaddexp(1.0, 2.0).item(),
        (1f64.exp() + 2f64.exp()).ln(),
        1e-15,
    );
    assert_eq!(np::hypot(3.0, 4.0).item(), 5.0);
    assert_rel(
        "hypot(1e200)",
        np::hypot(1e200, 1e200).item(),
        2f64.sqrt() * 1e200,
        1e-15,
    );
}

#[test]
fn dtypes_and_shapes() {
    let x32 = Tensor::from(vec![0.5f32, -1.0, 2.0]);
    for f in [np::erf, np::erfc, np::gammaln, np::digamma, np::ndtr] {
        let y = f(&x32);
        assert_eq!(y.dtype(), DType::F32);
        let y64 = f(&x32.astype(DType::F64));
        for (a, b) in y.to_vec().iter().zip(&y64.to_vec()) {
            let close = (a - b).abs() <= 1e-6 * b.abs().max(1e-30);
            assert!(
                close || a == b || (a.is_nan() && b.is_nan()),
                "f32 {a} vs f64 {b}"
            );
        }
    }
    // Integers become float64; 0-d and size-0 keep their shapes; binaries broadcast.
    assert_eq!(
        np::gammaln(&Tensor::from(vec![1i64, 2, 3])).to_vec(),
        vec![0.0, 0.0, 2f64.ln()]
    );
    assert_eq!(np::erf(&Tensor::from(0.0)).shape(), &[] as &[usize]);
    let empty = Tensor::from_vec(Vec::<f64>::new(), &[0, 3]);
    assert_eq!(np::ndtri(&empty).shape(), &[0, 3]);
    assert_eq!(np::polygamma(2, &empty).shape(), &[0, 3]);
    let a = Tensor::from([[3.0], [6.0]]);
    let b = Tensor::from(vec![4.0, 8.0]);
    assert_eq!(
        np::hypot(&a, &b).to_vec(),
        vec![5.0, 8.544_003_745_317_531, 7.211_102_550_927_978, 10.0]
    );
    assert_eq!(np::xlogy(&a, 1.0).shape(), &[2, 1]);
    assert_eq!(np::logaddexp(&x32, 0.0).dtype(), DType::F32);
}

#[test]
fn check_grads_unary() {
    let v = |xs: &[f64]| Tensor::from(xs.to_vec());
    let cases: [(fn(&Tensor) -> Tensor, Tensor); 9] = [
        (np::erf, v(&[-1.5, 0.2, 0.9])),
        (np::erfc, v(&[-0.7, 0.4, 2.5])),
        (np::erfinv, v(&[-0.8, 0.1, 0.6])),
        (np::ndtr, v(&[-3.0, 0.0, 1.2])),
        (np::ndtri, v(&[0.02, 0.5, 0.9])),
        (np::gammaln, v(&[0.4, 2.5, 7.0, -0.5])),
        (np::digamma, v(&[0.4, 2.5, 7.0, -1.5])),
        (np::logit, v(&[0.1, 0.5, 0.8])),
        (|x| np::polygamma(2, x), v(&[0.6, 1.5, 4.0])),
    ];
    for (i, (f, x)) in cases.iter().enumerate() {
        check_grads(f, x, 2).unwrap_or_else(|e| panic!("case {i}: {e}"));
    }
}

#[test]
fn check_grads_binary() {
    let a = Tensor::from(vec![-1.2, 0.3, 2.0]);
    let b = Tensor::from(vec![0.5, 1.7, 0.9]);
    let pair = (a.clone(), b.clone());
    check_grads(|(a, b): &(Tensor, Tensor)| np::xlogy(a, b), &pair, 2).unwrap();
    check_grads(|(a, b): &(Tensor, Tensor)| np::logaddexp(a, b), &pair, 2).unwrap();
    check_grads(|(a, b): &(Tensor, Tensor)| np::hypot(a, b), &pair, 2).unwrap();
    // Broadcasting: the gradient of the broadcast operand sums back to its shape.
    let col = Tensor::from([[0.4], [1.1]]);
    check_grads(
        |(c, b): &(Tensor, Tensor)| np::logaddexp(c, b),
        &(col, b),
        2,
    )
    .unwrap();
}

#[test]
fn derivatives_match_closed_forms() {
    // d Φ⁻¹(p) = 1/φ(Φ⁻¹(p)), the tutorial's probit derivative.
    let p = Tensor::from(vec![0.01, 0.3, 0.5, 0.99]);
    let g = ferrograd::elementwise_grad(np::ndtri)(&p);
    let z = np::ndtri(&p);
    let phi = (-0.5 * &z * &z).exp() / (2.0 * PI).sqrt();
    assert!((&g * &phi - 1.0).abs().max().item() < 1e-13);
    // gammaln' = digamma and digamma' = trigamma.
    let x = Tensor::from(3.5);
    assert_rel(
        "gammaln'",
        grad(np::gammaln)(&x).item(),
        np::digamma(&x).item(),
        1e-15,
    );
    let tri = np::polygamma(1, &x).item();
    assert_rel("digamma'", grad(np::digamma)(&x).item(), tri, 1e-15);
    // xlogy at x = 0: d/dx = ln y, d/dy = 0; hypot at the origin: a zero gradient.
    let gx = grad(|x: &Tensor| np::xlogy(x, 2.0))(&Tensor::from(0.0)).item();
    assert_rel("xlogy d/dx", gx, LN_2, 1e-15);
    let gy = grad(|y: &Tensor| np::xlogy(0.0, y))(&Tensor::from(2.0)).item();
    assert_eq!(gy, 0.0);
    let gh = grad(|v: &Tensor| np::hypot(v.get(0), v.get(1)))(&Tensor::from(vec![0.0, 0.0]));
    assert_eq!(gh.to_vec(), vec![0.0, 0.0]);
    // logaddexp's gradient is the softmax of its arguments, also far out.
    let ga = grad(|a: &Tensor| np::logaddexp(a, 1000.0))(&Tensor::from(1000.0)).item();
    assert_eq!(ga, 0.5);
}
