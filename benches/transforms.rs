//! Transform benchmarks: the eager-dispatch floor and the tutorials' workloads W1–W4 of
//! PERFORMANCE.md, run eagerly. Each workload checks its own result once before timing, so a
//! fast wrong answer cannot pass for a speed-up.
//!
//! Run with `cargo bench --bench transforms` (add `-- --quick` for a short run).

mod workloads;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ferrograd::tree::{leaves, rebuild};
use ferrograd::{elementwise_grad, grad, Tensor};
use ferrograd_core::lax;
use workloads::{linspace, tanh_by_hand, Net};

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

fn w3(c: &mut Criterion) {
    let (x, y) = workloads::regression_data();
    let loss = |w: &Tensor| workloads::regression_loss(&x, &y, w);
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

fn w4(c: &mut Criterion) {
    let net = Net::new();
    let (init, loss) = (&net.init, |p: &workloads::Params| net.loss(p));
    let dloss = grad(loss);
    // autograd's sgd: velocity = mass·velocity − (1 − mass)·g; x += step·velocity.
    let train = |steps: usize| {
        let mut p = leaves(init);
        let mut v: Vec<Tensor> = p.iter().map(lax::zeros_like).collect();
        for _ in 0..steps {
            let g = leaves(&dloss(&rebuild(init, p.clone())));
            for ((p, v), g) in p.iter_mut().zip(v.iter_mut()).zip(&g) {
                *v = 0.9 * &*v - 0.1 * g;
                *p = &*p + 0.01 * &*v;
            }
        }
        rebuild(init, p)
    };
    let (before, after) = (loss(init).item(), loss(&train(200)).item());
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
