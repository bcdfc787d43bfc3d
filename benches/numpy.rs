//! NumPy-surface benchmarks: the PyTorch tutorial's einsum `'ik,jk->j'` against a 500×500
//! matmul (f64), and W9, matmul through `Tensor::matmul` in GFLOP/s (criterion's "elem/s"
//! with 2·n³ elements per call): f64 500×500 and f32 2048×2048 (targets 160 / 350, see
//! PERFORMANCE.md).
//!
//! Run with `cargo bench --bench numpy` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ferrograd::{np, random, DType, Tensor};

fn pair(n: usize, dtype: DType) -> (Tensor, Tensor) {
    let keys = random::split(&random::key(0), 2);
    (
        random::normal_dtype(&keys[0], &[n, n], dtype),
        random::normal_dtype(&keys[1], &[n, n], dtype),
    )
}

fn einsum_vs_matmul(c: &mut Criterion) {
    let (a, b) = pair(500, DType::F64);
    // The einsum is Σ_i a[i, k] then b @ that: one reduction and one matrix-vector product.
    let want = b.matmul(&np::sum_axis(&a, 0));
    let got = np::einsum("ik,jk->j", &[&a, &b]);
    let err = (&got - &want).abs().max().item();
    assert!(err < 1e-9, "einsum differs from its composition by {err}");
    let mut group = c.benchmark_group("numpy_500");
    group.bench_function("einsum_ik,jk->j", |bench| {
        bench.iter(|| np::einsum("ik,jk->j", &[black_box(&a), &b]))
    });
    group.bench_function("einsum_ij,jk->ik", |bench| {
        bench.iter(|| np::einsum("ij,jk->ik", &[black_box(&a), &b]))
    });
    group.bench_function("matmul", |bench| bench.iter(|| black_box(&a).matmul(&b)));
    group.finish();
}

fn w9_matmul(c: &mut Criterion) {
    let mut group = c.benchmark_group("w9_matmul_gflops");
    for (n, dtype) in [(500, DType::F64), (2048, DType::F32)] {
        let (a, b) = pair(n, dtype);
        group.throughput(Throughput::Elements(2 * (n as u64).pow(3)));
        if n > 1000 {
            group.sample_size(20);
        }
        group.bench_function(format!("{dtype:?}_{n}x{n}"), |bench| {
            bench.iter(|| black_box(&a).matmul(&b))
        });
    }
    group.finish();
}

criterion_group!(benches, einsum_vs_matmul, w9_matmul);
criterion_main!(benches);
