//! Golden values printed by the tutorials in /work/shared/seeds/: the autograd course notes
//! (001: hand-written tanh, staged sigmoid) and the MyGrad chapter (002: vectorized
//! derivatives, the pathological function, gradient descent, reading comprehension).

use ferrograd::{elementwise_grad, grad, Tensor};
use ferrograd_core::lax;

fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| a + (b - a) * i as f64 / (n - 1) as f64)
        .collect()
}

/// autograd's hand-written tanh: (1 - e^-x) / (1 + e^-x).
fn tanh(x: &Tensor) -> Tensor {
    let y = (-x).exp();
    (1.0 - &y) / (1.0 + &y)
}

#[test]
fn autograd_tanh_gradient_and_finite_difference() {
    let g = grad(tanh)(&Tensor::from(1.0)).item();
    assert!(
        (g - 0.39322386648296376).abs() < 1e-15,
        "grad tanh(1) = {g}"
    );
    // The tutorial's finite difference (tanh(1.0001) - tanh(0.9999)) / 0.0002.
    let fd = (tanh(&Tensor::from(1.0001)).item() - tanh(&Tensor::from(0.9999)).item()) / 0.0002;
    assert!(
        (fd - 0.39322386636453377).abs() < 1e-11,
        "finite difference {fd}"
    );
    assert!((fd - g).abs() < 1e-9);
}

/// The tutorial's staged sigmoid gradient: forward pass through a, b, c, s, then the
/// backward pass by hand.
fn grad_sigmoid_manual(x: &Tensor) -> Tensor {
    let a = -x;
    let b = a.exp();
    let c = 1.0 + &b;
    let _s = 1.0 / &c;
    let dsdc = -1.0 / (&c * &c);
    let dsdb = &dsdc * 1.0;
    let dsda = &dsdb * a.exp();
    &dsda * -1.0
}

#[test]
fn staged_sigmoid_gradient_matches_grad() {
    let sigmoid = |x: &Tensor| 1.0 / (1.0 + (-x).exp());
    let x = Tensor::from(2.0);
    let auto = grad(sigmoid)(&x).item();
    let manual = grad_sigmoid_manual(&x).item();
    assert!(
        (auto - 0.1049935854035065).abs() < 1e-15,
        "grad sigmoid(2) = {auto}"
    );
    assert!(
        (manual - 0.1049935854035065).abs() < 1e-15,
        "manual = {manual}"
    );
    // The sigmoid primitive agrees too.
    let prim = grad(|x: &Tensor| x.sigmoid())(&x).item();
    assert!(
        (prim - 0.1049935854035065).abs() < 1e-15,
        "sigmoid primitive = {prim}"
    );
}

#[test]
fn mygrad_vectorized_derivative_of_square() {
    let x = Tensor::from(vec![2.0, -4.0, 1.0, 3.0]);
    assert_eq!((&x * &x).to_vec(), vec![4.0, 16.0, 1.0, 9.0]);
    let d = elementwise_grad(|x: &Tensor| x * x)(&x);
    assert_eq!(d.to_vec(), vec![4.0, -8.0, 2.0, 6.0]);
    assert_eq!(grad(|x: &Tensor| x * x)(&Tensor::from(5.0)).item(), 10.0);
}

/// `|got - printed| <= half a unit in the last printed place` for a value printed with
/// `digits` significant digits.
fn matches_printed(got: f64, printed: f64, digits: i32) -> bool {
    let exp = printed.abs().log10().floor() as i32;
    (got - printed).abs() <= 0.5 * 10f64.powi(exp - digits + 1) * 1.0001
}

#[test]
fn mygrad_pathological_function_derivative() {
    // f(x) = exp(arctan(82x³ + ln x)) · sqrt(25 x^(1/22930) + 39 e^(2/x) - sin x)
    let f = |x: &Tensor| {
        let inner: Tensor = 82.0 * (x * x * x) + x.log();
        let root = lax::pow(x, &lax::scalar_like(x, 1.0 / 22930.0)).expect("pow");
        let under: Tensor = 25.0 * root + 39.0 * (2.0_f64 / x).exp() - x.sin();
        inner.arctan().exp() * under.sqrt()
    };
    let x = Tensor::from((1..=10).map(f64::from).collect::<Vec<_>>());
    let d = elementwise_grad(f)(&x).to_vec();
    let printed = [
        -7.44764313e+01,
        -1.09475963e+01,
        -3.78281290e+00,
        -1.86451297e+00,
        -1.29207692e+00,
        -1.07197583e+00,
        -7.90459238e-01,
        -3.96212428e-01,
        -8.16203127e-02,
        -3.17648949e-02,
    ];
    for (i, (g, p)) in d.iter().zip(printed).enumerate() {
        assert!(
            matches_printed(*g, p, 9),
            "f'({}) = {g}, printed {p}",
            i + 1
        );
    }
}

#[test]
fn mygrad_gradient_descent_on_shifted_parabola() {
    // x ← x - 0.3 f'(x) with f(x) = (x - 8)²; the tutorial prints x after every step.
    let printed = [
        4.2, 6.48, 7.392, 7.7568, 7.90272, 7.961088, 7.9844352, 7.99377408, 7.99750963, 7.99900385,
    ];
    let df = grad(|x: &Tensor| lax::integer_pow(&(x - 8.0), 2).expect("integer_pow"));
    let mut x = Tensor::from(-1.5);
    for (step, p) in printed.iter().enumerate() {
        x = &x - 0.3 * df(&x);
        assert!(
            matches_printed(x.item(), *p, 9),
            "step {}: x = {}, printed {p}",
            step + 1,
            x.item()
        );
    }
    // The exact iterate: x_k = 8 - 9.5 · 0.4^k.
    assert!((x.item() - (8.0 - 9.5 * 0.4f64.powi(10))).abs() < 1e-12);
}

/// Checks `elementwise_grad(f)` against `df` on the tutorial's 30 points in [-2, 4].
fn check_reading_comprehension(name: &str, f: impl Fn(&Tensor) -> Tensor, df: impl Fn(f64) -> f64) {
    let xs = linspace(-2.0, 4.0, 30);
    let got = elementwise_grad(f)(&Tensor::from(xs.clone())).to_vec();
    for (x, g) in xs.iter().zip(got) {
        let want = df(*x);
        assert!(
            (g - want).abs() < 1e-12 * (1.0 + want.abs()),
            "{name}: f'({x}) = {g}, expected {want}"
        );
    }
}

#[test]
fn mygrad_reading_comprehension_derivatives() {
    // e^x / (e^x + 1): f' = e^x / (e^x + 1)².
    check_reading_comprehension(
        "logistic",
        |x| x.exp() / (x.exp() + 1.0),
        |x| x.exp() / (x.exp() + 1.0).powi(2),
    );
    // e^(-(x-1)²/10): f' = -(x-1)/5 · f.
    check_reading_comprehension(
        "gaussian",
        |x: &Tensor| {
            let d: Tensor = x - 1.0;
            let e: Tensor = -(&d * &d) / 10.0;
            e.exp()
        },
        |x| -(x - 1.0) / 5.0 * (-(x - 1.0).powi(2) / 10.0).exp(),
    );
    // sin(x)/x - x² (no grid point is 0): f' = (x cos x - sin x)/x² - 2x.
    check_reading_comprehension(
        "sinc",
        |x| x.sin() / x - x * x,
        |x| (x * x.cos() - x.sin()) / (x * x) - 2.0 * x,
    );
    // 9 √(1 + x²/9) - 9: f' = x / √(1 + x²/9).
    check_reading_comprehension(
        "pseudo-huber",
        |x: &Tensor| {
            let u: Tensor = 1.0 + x * x / 9.0;
            9.0 * u.sqrt() - 9.0
        },
        |x| x / (1.0 + x * x / 9.0).sqrt(),
    );
}
