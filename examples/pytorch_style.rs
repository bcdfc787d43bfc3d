//! A PyTorch-style training loop (../shared/seeds/003_…, "requires_grad / backward / .grad"):
//! linear regression y = X w + b fitted with `requires_grad`, `backward`, `.grad()`,
//! `zero_grad` and a hand-written SGD step written in place (`w -= …` under `no_grad`), then
//! the same fit by `optim::sgd(lr).on_params(..)` (PyTorch's `opt.step(); opt.zero_grad()`).
//! Gradients of two half-batches accumulate in `.grad` before each step, as PyTorch users do
//! for gradient accumulation.
//!
//! Run with `cargo run --example pytorch_style`.

use ferrograd::{no_grad, optim, random, Tensor};

const W_TRUE: [f64; 3] = [2.0, -3.4, 1.2];
const B_TRUE: f64 = 4.2;

/// `n` samples of y = X w_true + b_true + 0.01 ε.
fn dataset(key: &random::Key, n: usize) -> (Tensor, Tensor) {
    let keys = random::split(key, 2);
    let x = random::normal(&keys[0], &[n, 3]);
    let y =
        x.matmul(&Tensor::from(W_TRUE.to_vec())) + B_TRUE + 0.01 * random::normal(&keys[1], &[n]);
    (x, y)
}

/// Mean squared error of the model on one batch.
fn mse(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> Tensor {
    (x.matmul(w) + b - y).powi(2).mean()
}

fn main() {
    let keys = random::split(&random::key(0), 2);
    let halves = [dataset(&keys[0], 500), dataset(&keys[1], 500)];

    // torch.zeros(3, requires_grad=True), torch.zeros((), requires_grad=True)
    let mut w = Tensor::from(vec![0.0; 3]).requires_grad();
    let mut b = Tensor::from(0.0).requires_grad();
    let lr = 0.1;
    let mut first_loss = f64::NAN;
    let mut last_loss = f64::NAN;
    println!("step   loss (mean of the two halves)");
    for step in 0..=60 {
        // Each half's backward adds its share to w.grad and b.grad.
        let mut loss = 0.0;
        for (x, y) in &halves {
            let l = mse(x, y, &w, &b) / 2.0;
            l.backward();
            loss += l.item();
        }
        if step == 0 {
            first_loss = loss;
        }
        last_loss = loss;
        if step % 6 == 0 {
            println!("{step:>4}   {loss:.6}");
        }
        let (gw, gb) = (
            w.grad().expect("backward filled w.grad()"),
            b.grad().expect("and b.grad()"),
        );
        // The hand-written SGD step: with torch.no_grad(): w -= lr * w.grad. A param is
        // updated in place (every clone of it sees the new value) and stays the same leaf.
        no_grad(|| {
            w -= &(lr * &gw);
            b -= &(lr * &gb);
        });
        w.zero_grad();
        b.zero_grad();
    }

    println!("\nfitted vs true parameters:");
    let fitted = w.to_vec();
    for (i, (f, t)) in fitted.iter().zip(W_TRUE).enumerate() {
        println!(
            "  w[{i}] = {f:>9.5}   (true {t:>5.2}, |error| {:.1e})",
            (f - t).abs()
        );
        assert!((f - t).abs() < 5e-3);
    }
    println!(
        "  b    = {:>9.5}   (true {B_TRUE:>5.2}, |error| {:.1e})",
        b.item(),
        (b.item() - B_TRUE).abs()
    );
    assert!((b.item() - B_TRUE).abs() < 5e-3);
    println!("loss fell from {first_loss:.4} to {last_loss:.2e} (the noise variance is 1e-4)");
    assert!(last_loss < 2e-4 && first_loss > 10.0);

    // The same fit with an optimizer holding the params: torch.optim.SGD([w, b], lr).
    let w2 = Tensor::from(vec![0.0; 3]).requires_grad();
    let b2 = Tensor::from(0.0).requires_grad();
    let mut opt = optim::sgd(lr).on_params(vec![w2.clone(), b2.clone()]);
    for _ in 0..=60 {
        for (x, y) in &halves {
            (mse(x, y, &w2, &b2) / 2.0).backward();
        }
        opt.step();
        opt.zero_grad();
    }
    println!("optim::sgd(lr).on_params(..) reaches the same parameters, bit for bit");
    assert_eq!(w2.to_vec(), w.to_vec());
    assert_eq!(b2.item(), b.item());

    // Accumulation vs one pass: the half-batch gradients add up to the full-batch gradient.
    let accumulated: Vec<f64> = {
        for (x, y) in &halves {
            (mse(x, y, &w, &b) / 2.0).backward();
        }
        w.grad().expect("grad").to_vec()
    };
    w.zero_grad(); // PyTorch's optimizer.zero_grad(): the next backward starts afresh
    b.zero_grad();
    let (x1, y1) = &halves[0];
    let (x2, y2) = &halves[1];
    let x_all = ferrograd::np::concatenate(&[x1, x2], 0);
    let y_all = ferrograd::np::concatenate(&[y1, y2], 0);
    mse(&x_all, &y_all, &w, &b).backward();
    let full = w.grad().expect("grad").to_vec();
    let show = |g: &[f64]| g.iter().map(|v| format!("{v:>11.3e}")).collect::<String>();
    println!(
        "\ngradient at the fit, accumulated over halves: {}",
        show(&accumulated)
    );
    println!(
        "gradient at the fit, one full-batch backward: {}",
        show(&full)
    );
    for (a, f) in accumulated.iter().zip(&full) {
        assert!((a - f).abs() < 1e-12);
    }
}
