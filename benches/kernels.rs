//! Kernel throughput: GEMM through `kernels::dot_general` (reported as GFLOP/s: criterion's
//! "elem/s" with 2·n³ elements per call), elementwise exp and a full sum over 1M f64.
//!
//! Run with `cargo bench --bench kernels` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ferrograd::{random, DType};
use ferrograd_array::kernels::vmath::Func;
use ferrograd_array::kernels::{self, DotDims};
use ferrograd_array::Array;

fn array(t: &ferrograd::Tensor) -> Array {
    t.as_array().expect("random tensors are concrete").clone()
}

fn matmul(c: &mut Criterion) {
    let dims = DotDims {
        lhs_contract: vec![1],
        rhs_contract: vec![0],
        lhs_batch: vec![],
        rhs_batch: vec![],
    };
    let mut group = c.benchmark_group("matmul_gflops");
    for (n, dtype) in [(500, DType::F64), (1024, DType::F32)] {
        let keys = random::split(&random::key(0), 2);
        let a = array(&random::normal_dtype(&keys[0], &[n, n], dtype));
        let b = array(&random::normal_dtype(&keys[1], &[n, n], dtype));
        // One entry checked against a direct dot product.
        let c_ab = kernels::dot_general(&a, &b, &dims).expect("square matmul");
        let (av, bv) = (a.to_f64_vec(), b.to_f64_vec());
        let want: f64 = (0..n).map(|k| av[3 * n + k] * bv[k * n + 5]).sum();
        let got = c_ab.to_f64_vec()[3 * n + 5];
        assert!(
            (got - want).abs() < 1e-3 * (n as f64).sqrt(),
            "{got} vs {want}"
        );
        group.throughput(Throughput::Elements(2 * (n as u64).pow(3)));
        group.bench_function(format!("{dtype:?}_{n}x{n}"), |bench| {
            bench.iter(|| kernels::dot_general(black_box(&a), &b, &dims))
        });
    }
    group.finish();
}

fn elementwise_and_sum(c: &mut Criterion) {
    let n = 1_000_000;
    let x = array(&random::normal(&random::key(1), &[n]));
    let mut group = c.benchmark_group("1M_f64");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("exp", |b| {
        b.iter(|| kernels::unary_float("exp", black_box(&x), Some(Func::Exp), f32::exp, f64::exp))
    });
    group.bench_function("sum", |b| {
        b.iter(|| kernels::reduce_sum(black_box(&x), &[0]))
    });
    group.finish();
}

fn dims(lhs_contract: usize, rhs_contract: usize) -> DotDims {
    DotDims {
        lhs_contract: vec![lhs_contract],
        rhs_contract: vec![rhs_contract],
        lhs_batch: vec![],
        rhs_batch: vec![],
    }
}

/// The products of W5 (`A·s` and `1ᵀA`, A 10×50,000) and W8's backward pass (`xᵀ·dh` with
/// x 128×784 and dh 128×256; `dh·Wᵀ` with W 784×256), f64 and f32 as the workloads use them.
fn workload_products(c: &mut Criterion) {
    let keys = random::split(&random::key(3), 6);
    let mut group = c.benchmark_group("products");
    let a = array(&random::normal(&keys[0], &[10, 50_000]));
    let s = array(&random::normal(&keys[1], &[50_000]));
    let ones = array(&random::normal(&keys[2], &[10]));
    group.bench_function("W5_A_dot_s_10x50000_f64", |b| {
        b.iter(|| kernels::dot_general(black_box(&a), &s, &dims(1, 0)))
    });
    group.bench_function("W5_v_dot_A_10x50000_f64", |b| {
        b.iter(|| kernels::dot_general(black_box(&ones), &a, &dims(0, 0)))
    });
    let x = array(&random::normal_dtype(&keys[3], &[128, 784], DType::F32));
    let dh = array(&random::normal_dtype(&keys[4], &[128, 256], DType::F32));
    let w = array(&random::normal_dtype(&keys[5], &[784, 256], DType::F32));
    group.bench_function("W8_xT_dot_dh_784x128x256_f32", |b| {
        b.iter(|| kernels::dot_general(black_box(&x), &dh, &dims(0, 0)))
    });
    group.bench_function("W8_dh_dot_WT_128x256x784_f32", |b| {
        b.iter(|| kernels::dot_general(black_box(&dh), &w, &dims(1, 1)))
    });
    group.bench_function("W8_x_dot_W_128x784x256_f32", |b| {
        b.iter(|| kernels::dot_general(black_box(&x), &w, &dims(1, 0)))
    });
    group.finish();
}

criterion_group!(benches, matmul, elementwise_and_sum, workload_products);
criterion_main!(benches);
