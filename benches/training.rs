//! W8 of PERFORMANCE.md: one SGD step of the 784-256-256-10 ReLU MLP in float32 at batch
//! 128 — forward, backward (value_and_grad) and the optimizer update.
//!
//! Run with `cargo bench --bench training` (add `-- --quick` for a short run).

mod workloads;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ferrograd::{nn, optim, value_and_grad, DType};

fn w8_sgd_step(c: &mut Criterion) {
    let (model, x, labels) = workloads::mlp_data();
    let loss = |m: &nn::Mlp| nn::cross_entropy_with_logits(&m.forward(&x), &labels);
    let step = value_and_grad(loss);
    let opt = optim::sgd(0.01);
    // Check the work once: the loss is float32, and a step lowers it on this batch.
    let (l0, g) = step(&model);
    assert_eq!(l0.dtype(), DType::F32);
    let (m1, _) = opt.update(&model, &g, opt.init(&model));
    assert!(loss(&m1).item() < l0.item());
    let state = opt.init(&model);
    c.bench_function("W8/mlp_784_256_256_10_f32_b128_sgd_step", |b| {
        b.iter(|| {
            let (l, g) = step(black_box(&model));
            let (m, _) = opt.update(&model, &g, state.clone());
            black_box((l, m))
        })
    });
}

criterion_group!(benches, w8_sgd_step);
criterion_main!(benches);
