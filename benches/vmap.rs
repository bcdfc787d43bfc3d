//! vmap and Jacobian benchmarks: workloads W5–W7 of PERFORMANCE.md, run eagerly. Each checks
//! its result against a closed form once before timing, so a fast wrong answer cannot pass.
//!
//! Run with `cargo bench --bench vmap` (add `-- --quick` for a short run).

mod workloads;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ferrograd::{grad, hessian, hvp, jacfwd, jacrev, vmap_axes, Tensor};
use workloads::{nll, sigmoid};

fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
    (a - b).abs().max().item()
}

/// W5: Hessian-vector product of f(x) = Σ A sin(x), A 10×50,000.
fn w5(c: &mut Criterion) {
    let (a, x, r) = workloads::hvp_data();
    let f = |x: &Tensor| a.matmul(&x.sin()).sum();
    // H = diag(-sin(x) ⊙ Σ_i A[i,:])
    let want = -x.sin() * a.sum_axis(0) * &r;
    assert!(max_diff(&hvp(f, &x, &r), &want) < 1e-9);
    c.bench_function("W5/hvp_d50000", |b| b.iter(|| hvp(f, black_box(&x), &r)));
}

/// W6: logistic regression N=1000, D=100 — gradient, Hessian, per-example gradients.
fn w6(c: &mut Criterion) {
    let (w, x, y) = workloads::logreg_data();
    let mu = sigmoid(&x.matmul(&w));
    let g = grad(|w: &Tensor| nll(w, &x, &y));
    assert!(max_diff(&g(&w), &x.t().matmul(&(&mu - &y))) < 1e-9);
    c.bench_function("W6a/logreg_grad", |b| b.iter(|| g(black_box(&w))));

    let h = hessian(|w: &Tensor| nll(w, &x, &y));
    let s = &mu * (1.0 - &mu);
    let want_h = x.t().matmul(&(&x * s.expand_dims(1)));
    assert!(max_diff(&h(&w), &want_h) < 1e-8);
    c.bench_function("W6b/logreg_hessian", |b| b.iter(|| h(black_box(&w))));

    let per_example = vmap_axes(
        |(w, x, y): &(Tensor, Tensor, Tensor)| grad(|w: &Tensor| nll(w, x, y))(w),
        &[None, Some(0), Some(0)],
        &[Some(0)],
    );
    let args = (w.clone(), x.clone(), y.clone());
    let want_pe = &x * (&mu - &y).expand_dims(1);
    assert!(max_diff(&per_example(&args), &want_pe) < 1e-12);
    c.bench_function("W6c/logreg_per_example_grads_vmap", |b| {
        b.iter(|| per_example(black_box(&args)))
    });
}

/// W7: jacfwd / jacrev of tanh(W x), W 200×200.
fn w7(c: &mut Criterion) {
    let (w, x) = workloads::jacobian_data();
    let f = |x: &Tensor| w.matmul(x).tanh();
    let t = w.matmul(&x).tanh();
    let want = (1.0 - &t * &t).expand_dims(1) * &w; // diag(1 - tanh²) W
    assert!(max_diff(&jacfwd(f)(&x), &want) < 1e-12);
    assert!(max_diff(&jacrev(f)(&x), &want) < 1e-12);
    let (jf, jr) = (jacfwd(f), jacrev(f));
    c.bench_function("W7/jacfwd_tanh_wx_200", |b| b.iter(|| jf(black_box(&x))));
    c.bench_function("W7/jacrev_tanh_wx_200", |b| b.iter(|| jr(black_box(&x))));
}

criterion_group!(benches, w5, w6, w7);
criterion_main!(benches);
