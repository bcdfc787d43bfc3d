//! Transform benchmarks: the eager-dispatch floor and the tutorials' workloads W1–W4 of
//! PERFORMANCE.md, run eagerly. Each workload checks its own result once before timing, so a
//! fast wrong answer cannot pass for a speed-up.
//!
//! Run with `cargo bench --bench transforms` (add `-- --quick` for a short run).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ferrograd::tree::{leaves, rebuild};
use ferrograd::{elementwise_grad, grad, random, Tensor};
use ferrograd_array::kernels::DotDims;
use ferrograd_core::api::ok;
use ferrograd_core::lax;

/// `n` evenly spaced points from `lo` to `hi` inclusive (NumPy's `linspace`).
fn linspace(lo: f64, hi: f64, n: usize) -> Tensor {
    let step = (hi - lo) / (n - 1) as f64;
    Tensor::from((0..n).map(|i| lo + step * i as f64).collect::<Vec<_>>())
}

/// Matrix product of a rank-2 `a` with a rank-1 or rank-2 `b` (contract a's last axis with
/// b's first).
fn matmul(a: &Tensor, b: &Tensor) -> Tensor {
    let dims = DotDims {
        lhs_contract: vec![1],
        rhs_contract: vec![0],
        lhs_batch: vec![],
        rhs_batch: vec![],
    };
    ok(lax::dot_general(a, b, &dims))
}

/// Sum of all elements.
fn sum_all(x: &Tensor) -> Tensor {
    let axes: Vec<usize> = (0..x.ndim()).collect();
    ok(lax::reduce_sum(x, &axes))
}

fn relu(x: &Tensor) -> Tensor {
    ok(lax::max(x, &lax::zeros_like(x)))
}

/// The autograd tutorial's tanh, written with exp: (1 − e⁻ˣ) / (1 + e⁻ˣ).
fn tanh_by_hand(x: &Tensor) -> Tensor {
    let y = (-x).exp();
    (1.0 - &y) / (1.0 + &y)
}

fn eager_and_w1(c: &mut Criterion) {
    let x = Tensor::from(1.0);
    c.bench_function("eager/exp_0d_f64", |b| b.iter(|| black_box(&x).exp()));

    let df = grad(tanh_by_hand);
    // d/dx (1 − e⁻ˣ)/(1 + e⁻ˣ) = 2e⁻ˣ/(1 + e⁻ˣ)² at x = 1.
    let e = (-1.0f64).exp();
    assert!((df(&x).item() - 2.0 * e / (1.0 + e).powi(2)).abs() < 1e-15);
    c.bench_function("W1/grad_scalar_tanh", |b| b.iter(|| df(black_box(&x))));
}

fn w2(c: &mut Criterion) {
    let x = linspace(-4.0, 4.0, 1000);
    let tanh = |x: &Tensor| x.tanh();
    let d4 = elementwise_grad(elementwise_grad(elementwise_grad(elementwise_grad(tanh))));
    // tanh'''' = 16 t s² − 8 t³ s with t = tanh x, s = sech² x = 1 − t², at one point.
    let (t, got) = (x.to_vec()[700].tanh(), d4(&x).to_vec()[700]);
    let s = 1.0 - t * t;
    let want = 16.0 * t * s * s - 8.0 * t.powi(3) * s;
    assert!((got - want).abs() < 1e-10, "{got} vs {want}");
    c.bench_function("W2/4th_derivative_tanh_1000", |b| {
        b.iter(|| d4(black_box(&x)))
    });
}

/// Data for W3: X (100×10) and y = X w* + noise, from fixed keys.
fn regression_data() -> (Tensor, Tensor) {
    let keys = random::split(&random::key(0), 3);
    let x = random::normal(&keys[0], &[100, 10]);
    let w_true = random::normal(&keys[1], &[10]);
    let noise = random::normal(&keys[2], &[100]);
    let y = matmul(&x, &w_true) + 0.1 * &noise;
    (x, y)
}

fn w3(c: &mut Criterion) {
    let (x, y) = regression_data();
    let n = x.shape()[0] as f64;
    let loss = |w: &Tensor| {
        let r = matmul(&x, w) - &y;
        sum_all(&(&r * &r)) / n
    };
    let dloss = grad(loss);
    let fit = |steps: usize| {
        let mut w = Tensor::from(vec![0.0; 10]);
        for _ in 0..steps {
            w = &w - 0.1 * &dloss(&w);
        }
        w
    };
    // After 100 steps the loss is at the noise floor (0.1² per point, minus the fit's share).
    let final_loss = loss(&fit(100)).item();
    assert!(final_loss < 0.02, "final loss {final_loss}");
    c.bench_function("W3/linreg_100_steps", |b| b.iter(|| fit(black_box(100))));
}

type Params = BTreeMap<String, Tensor>;

fn w4(c: &mut Criterion) {
    // The autograd tutorial's data: t = x³ − 20x + 10 + N(0, 4²) on 1000 points in [−5, 5].
    let keys = random::split(&random::key(1), 7);
    let x = linspace(-5.0, 5.0, 1000);
    let t = &x * &x * &x - 20.0 * &x + 10.0 + 4.0 * &random::normal(&keys[0], &[1000]);
    let inputs = ok(lax::reshape(&x, &[1000, 1]));
    let shapes: [(&str, &[usize]); 6] = [
        ("W1", &[1, 4]),
        ("b1", &[4]),
        ("W2", &[4, 4]),
        ("b2", &[4]),
        ("W3", &[4, 1]),
        ("b3", &[1]),
    ];
    let init: Params = shapes
        .iter()
        .zip(&keys[1..])
        .map(|((name, shape), k)| (name.to_string(), random::normal(k, shape)))
        .collect();
    let loss = |p: &Params| {
        let h1 = relu(&(matmul(&inputs, &p["W1"]) + &p["b1"]));
        let h2 = relu(&(matmul(&h1, &p["W2"]) + &p["b2"]));
        let out = ok(lax::reshape(&(matmul(&h2, &p["W3"]) + &p["b3"]), &[1000]));
        let r = out - &t;
        sum_all(&(0.5 * &r * &r)) / 1000.0
    };
    let dloss = grad(loss);
    // autograd's sgd: velocity = mass·velocity − (1 − mass)·g; x += step·velocity.
    let train = |steps: usize| {
        let mut p = leaves(&init);
        let mut v: Vec<Tensor> = p.iter().map(lax::zeros_like).collect();
        for _ in 0..steps {
            let g = leaves(&dloss(&rebuild(&init, p.clone())));
            for ((p, v), g) in p.iter_mut().zip(v.iter_mut()).zip(&g) {
                *v = 0.9 * &*v - 0.1 * g;
                *p = &*p + 0.01 * &*v;
            }
        }
        rebuild(&init, p)
    };
    let (before, after) = (loss(&init).item(), loss(&train(200)).item());
    assert!(after < before, "training diverged: {before} -> {after}");
    let mut group = c.benchmark_group("W4");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.bench_function("relu_net_5000_sgd_steps", |b| {
        b.iter(|| train(black_box(5000)))
    });
    group.finish();
}

criterion_group!(benches, eager_and_w1, w2, w3, w4);
criterion_main!(benches);
