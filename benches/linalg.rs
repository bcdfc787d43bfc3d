//! Linear algebra at 500×500 f64: `solve` (one right-hand side), `cholesky`, `eigh`, `svd`,
//! forward and gradient (reverse mode of a scalar function of every output). The kernels are
//! faer's; PERFORMANCE.md has faer's own timings at n = 500 for comparison.
//!
//! Run with `cargo bench --bench linalg` (add `-- --quick` for a short run).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ferrograd::{grad, linalg, np, random, Tensor};

const N: usize = 500;

fn inputs() -> (Tensor, Tensor, Tensor) {
    let keys = random::split(&random::key(0), 2);
    let g = random::normal(&keys[0], &[N, N]);
    let a = &g + (N as f64).sqrt() * np::eye(N); // well conditioned
    let spd = g.matmul(&g.t()) + (N as f64) * np::eye(N);
    let b = random::normal(&keys[1], &[N]);
    (a, spd, b)
}

fn forward(c: &mut Criterion) {
    let (a, spd, b) = inputs();
    let mut group = c.benchmark_group("linalg_500_forward");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("solve", |bn| bn.iter(|| linalg::solve(black_box(&a), &b)));
    group.bench_function("cholesky", |bn| {
        bn.iter(|| linalg::cholesky(black_box(&spd)))
    });
    group.bench_function("eigh", |bn| bn.iter(|| linalg::eigh(black_box(&spd))));
    group.bench_function("svd", |bn| bn.iter(|| linalg::svd(black_box(&a))));
    group.finish();
}

fn gradient(c: &mut Criterion) {
    let (a, spd, b) = inputs();
    let mut group = c.benchmark_group("linalg_500_grad");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    let solve = grad(|a: &Tensor| linalg::solve(a, &b).sum());
    group.bench_function("solve", |bn| bn.iter(|| solve(black_box(&a))));
    let chol = grad(|a: &Tensor| linalg::cholesky(a).sum());
    group.bench_function("cholesky", |bn| bn.iter(|| chol(black_box(&spd))));
    let eigh = grad(|a: &Tensor| {
        let (w, v) = linalg::eigh(a);
        w.sum() + v.sum()
    });
    group.bench_function("eigh", |bn| bn.iter(|| eigh(black_box(&spd))));
    let svd = grad(|a: &Tensor| {
        let (u, s, vt) = linalg::svd(a);
        s.sum() + u.sum() + vt.sum()
    });
    group.bench_function("svd", |bn| bn.iter(|| svd(black_box(&a))));
    group.finish();
}

criterion_group!(benches, forward, gradient);
criterion_main!(benches);
