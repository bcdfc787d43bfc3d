//! Vectorised transcendentals and the row-major copy of strided views, against the scalar
//! std loop and ndarray's `as_standard_layout` (ferrograd-array's `vmath` and `layout`).
//!
//! Run with `cargo bench --bench vmath` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ferrograd_array::kernels::layout;
use ferrograd_array::kernels::vmath::{self, Func};
use ndarray::{ArrayD, IxDyn};

fn transcendentals(c: &mut Criterion) {
    let n = 50_000;
    let xs: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin() * 6.0).collect();
    let xs32: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
    // Check once: the vector kernel agrees with std to a few ulp.
    let v = vmath::map_f64(Func::Sin, &xs);
    assert!(xs.iter().zip(&v).all(|(x, y)| (x.sin() - y).abs() <= 4e-16));
    let mut group = c.benchmark_group("vmath_50k");
    group.throughput(Throughput::Elements(n as u64));
    for f in [Func::Exp, Func::Log, Func::Sin, Func::Tanh] {
        let input: Vec<f64> = if f == Func::Log {
            xs.iter().map(|x| x.abs() + 1e-3).collect()
        } else {
            xs.clone()
        };
        group.bench_function(format!("{f:?}_f64_vector"), |b| {
            b.iter(|| vmath::map_f64(f, black_box(&input)))
        });
        group.bench_function(format!("{f:?}_f64_scalar_std"), |b| {
            b.iter(|| {
                black_box(&input)
                    .iter()
                    .map(|&x| f.scalar(x))
                    .collect::<Vec<_>>()
            })
        });
    }
    // The same kernel writing into a reused buffer: the difference is the fresh output.
    let mut out = vec![0.0; n];
    group.bench_function("Sin_f64_vector_reused_output", |b| {
        b.iter(|| vmath::apply_f64(Func::Sin, black_box(&xs), &mut out))
    });
    // f32 (names `Tanh_f32_vector` / `Tanh_f32_scalar_std` kept from earlier runs).
    for f in [Func::Exp, Func::Log, Func::Sin, Func::Tanh] {
        let input: Vec<f32> = if f == Func::Log {
            xs32.iter().map(|x| x.abs() + 1e-3).collect()
        } else {
            xs32.clone()
        };
        group.bench_function(format!("{f:?}_f32_vector"), |b| {
            b.iter(|| vmath::map_f32(f, black_box(&input)))
        });
        group.bench_function(format!("{f:?}_f32_scalar_std"), |b| {
            b.iter(|| {
                black_box(&input)
                    .iter()
                    .map(|&x| f.scalar_f32(x))
                    .collect::<Vec<_>>()
            })
        });
    }
    group.finish();
}

fn transpose_copy(c: &mut Criterion) {
    let n = 1000;
    let a = ArrayD::from_shape_vec(IxDyn(&[n, n]), (0..n * n).map(|i| i as f64).collect())
        .expect("square");
    let t = a.view().reversed_axes();
    assert_eq!(layout::to_standard(t.view()), t.as_standard_layout());
    let mut group = c.benchmark_group("transpose_1000x1000_f64");
    group.throughput(Throughput::Elements((n * n) as u64));
    group.bench_function("layout_to_standard", |b| {
        b.iter(|| layout::to_standard(black_box(t.view())))
    });
    group.bench_function("ndarray_as_standard_layout", |b| {
        b.iter(|| black_box(t.view()).as_standard_layout().into_owned())
    });
    group.finish();
}

criterion_group!(benches, transcendentals, transpose_copy);
criterion_main!(benches);
