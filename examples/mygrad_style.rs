//! The MyGrad chapter ("Automatic Differentiation", ../shared/seeds/002_…) in ferrograd's
//! imperative style: make a param, compute, `backward()`, read `.grad()`. Every value is
//! printed next to what the chapter (or calculus) says it should be; a table stands in for
//! the chapter's plot.
//!
//! Run with `cargo run --example mygrad_style`.

use ferrograd::{np, Tensor};

fn main() {
    first_derivative();
    vectorised();
    visualising_the_derivative();
    seek_and_derive();
    reading_comprehension();
    gradient_descent();
}

/// Prints `name = got (should be want)` and checks it.
fn show(name: &str, got: f64, want: f64) {
    let ok = (got - want).abs() <= 1e-9 * (1.0 + want.abs());
    println!(
        "  {name:<34} = {got:>14.8}   (should be {want:.8}){}",
        if ok { "" } else { "  <-- MISMATCH" }
    );
    assert!(ok, "{name}: {got} vs {want}");
}

fn first_derivative() {
    println!("d(x²)/dx at x = 5, and np.square at x = 3:");
    let x = Tensor::param(5.0); // mg.tensor(5.0)
    println!(
        "  x.grad() before backward          = {:?}",
        x.grad().map(|g| g.item())
    );
    let fx = x.powi(2);
    show("fx = x ** 2", fx.item(), 25.0);
    fx.backward();
    show("x.grad()", x.grad().map_or(f64::NAN, |g| g.item()), 10.0);

    let x = Tensor::param(3.0);
    let y = np::square(&x);
    y.backward();
    show(
        "x.grad() for np.square",
        x.grad().map_or(f64::NAN, |g| g.item()),
        6.0,
    );
}

fn vectorised() {
    println!("\nVectorised: f(x) = x² at [2, -4, 1, 3]; .grad()[i] = f'(x[i]) = 2 x[i]:");
    let x = Tensor::param(vec![2.0, -4.0, 1.0, 3.0]);
    let fx = x.powi(2);
    println!("  fx       = {fx}   (should be [ 4. 16.  1.  9.])");
    // MyGrad seeds a non-scalar backward with ones; in ferrograd that is backward_with.
    fx.backward_with(&np::ones_like(&fx));
    let g = x.grad().expect("backward filled x.grad()");
    println!("  x.grad() = {g}   (should be [ 4. -8.  2.  6.])");
    assert_eq!(g.to_vec(), vec![4.0, -8.0, 2.0, 6.0]);
}

fn visualising_the_derivative() {
    println!("\nf(x) = 100 sin(2x) cos(x) e^(-x/3) and df/dx on 10,000 points of [0, 10] (every 1000th):");
    let f = |x: &Tensor| (2.0 * x).sin() * x.cos() * (-x / 3.0).exp() * 100.0;
    // f' = 100 e^(-x/3) (2 cos 2x cos x - sin 2x sin x - sin 2x cos x / 3)
    let df = |x: f64| {
        100.0
            * (-x / 3.0).exp()
            * (2.0 * (2.0 * x).cos() * x.cos()
                - (2.0 * x).sin() * x.sin()
                - (2.0 * x).sin() * x.cos() / 3.0)
    };
    let x = np::linspace(0.0, 10.0, 10_000).requires_grad();
    let y = f(&x);
    y.sum().backward(); // every f(x_i) depends on x_i alone: the sum's gradient is f'(x_i)
    let (xs, ys, gs) = (x.to_vec(), y.to_vec(), x.grad().expect("grad").to_vec());
    println!(
        "  {:>10} {:>14} {:>14} {:>14}",
        "x", "f(x)", "df/dx", "closed form"
    );
    let mut worst = 0.0f64;
    for i in 0..xs.len() {
        let want = df(xs[i]);
        worst = worst.max((gs[i] - want).abs() / (1.0 + want.abs()));
        if i % 1000 == 0 || i == xs.len() - 1 {
            println!(
                "  {:>10.5} {:>14.6} {:>14.6} {:>14.6}",
                xs[i], ys[i], gs[i], want
            );
        }
    }
    println!("  largest relative deviation from the closed form over all points: {worst:.1e}");
    assert!(worst < 1e-12);
}

fn seek_and_derive() {
    println!("\nThe pathological f(x) = e^arctan(82x³ + ln x) · sqrt(25 x^(1/22930) + 39 e^(2/x) - sin x), f' at 1..10:");
    let x = np::arange(1.0, 11.0, 1.0).requires_grad();
    let mut fx = (82.0 * x.powi(3) + x.log()).arctan().exp();
    fx *= (25.0 * x.powf(1.0 / 22930.0) + 39.0 * (2.0 / &x).exp() - x.sin()).sqrt();
    fx.sum().backward();
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
    let g = x.grad().expect("grad").to_vec();
    for (i, (got, want)) in g.iter().zip(printed).enumerate() {
        let ok = (got - want).abs() <= 5e-9 * want.abs();
        println!(
            "  f'({:>2}) = {got:>16.8e}   (MyGrad prints {want:.8e}){}",
            i + 1,
            if ok { "" } else { "  <-- MISMATCH" }
        );
        assert!(ok);
    }
}

/// The chapter's exercise: four functions' derivatives at 30 points of [-2, 4].
fn reading_comprehension() {
    println!(
        "\nReading comprehension: f' at 30 points of [-2, 4], largest deviation from calculus:"
    );
    type F = fn(&Tensor) -> Tensor;
    type Df = fn(f64) -> f64;
    let cases: [(&str, F, Df); 4] = [
        (
            "e^x / (e^x + 1)",
            |x| x.exp() / (x.exp() + 1.0),
            |x| x.exp() / (x.exp() + 1.0).powi(2),
        ),
        (
            "e^(-(x-1)²/10)",
            |x| (-(x - 1.0).powi(2) / 10.0).exp(),
            |x| -(x - 1.0) / 5.0 * (-(x - 1.0).powi(2) / 10.0).exp(),
        ),
        (
            "sinc(x) - x²",
            |x| np::sinc(x) - x.powi(2),
            sinc_minus_square_derivative,
        ),
        (
            "9 sqrt(1 + x²/9) - 9",
            |x| 9.0 * (1.0 + x.powi(2) / 9.0).sqrt() - 9.0,
            |x| x / (1.0 + x * x / 9.0).sqrt(),
        ),
    ];
    for (name, f, df) in cases {
        let x = np::linspace(-2.0, 4.0, 30).requires_grad();
        f(&x).sum().backward();
        let worst = x
            .to_vec()
            .iter()
            .zip(x.grad().expect("grad").to_vec())
            .map(|(x, g)| (g - df(*x)).abs())
            .fold(0.0, f64::max);
        println!("  {name:<22} max |error| = {worst:.1e}   (should be ~1e-15)");
        assert!(worst < 1e-12);
    }
}

/// d/dx [sin(πx)/(πx) - x²] (NumPy's normalised sinc), with sinc'(0) = 0.
fn sinc_minus_square_derivative(x: f64) -> f64 {
    let px = std::f64::consts::PI * x;
    let dsinc = if x == 0.0 {
        0.0
    } else {
        (px.cos() * px - px.sin()) / (px * x)
    };
    dsinc - 2.0 * x
}

fn gradient_descent() {
    println!(
        "\nGradient descent on f(x) = (x - 8)² from x = -1.5, step 0.3 (x = x - 0.3 * x.grad()):"
    );
    let printed = [
        -1.5, 4.2, 6.48, 7.392, 7.7568, 7.90272, 7.961088, 7.9844352, 7.99377408, 7.99750963,
        7.99900385,
    ];
    let mut x = Tensor::param(-1.5);
    println!(
        "  {:<14} (MyGrad prints Tensor({}))",
        x.to_string(),
        printed[0]
    );
    for want in &printed[1..] {
        let f = (&x - 8.0).powi(2);
        f.backward();
        x = &x - 0.3 * x.grad().expect("f.backward() filled x.grad()");
        let ok = (x.item() - want).abs() <= 5e-9 * want;
        println!(
            "  {:<14} (MyGrad prints Tensor({want})){}",
            x.to_string(),
            if ok { "" } else { "  <-- MISMATCH" }
        );
        assert!(ok);
    }
}
