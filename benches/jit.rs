//! `jit` beside eager on the workloads W1–W9 of PERFORMANCE.md, and the compile time of each
//! (trace + optimise + build: `*/jit_first_call` minus `*/jit`). Each jitted function takes
//! the arguments the peers' scripts pass and captures the rest; each result is checked
//! against the eager one before timing.
//!
//! Run with `cargo bench --bench jit` (add `-- --quick` for a short run).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use ferrograd::nn::{self, Activation, Init, LayerInit};
use ferrograd::tree::{leaves, rebuild};
use ferrograd::{
    elementwise_grad, grad, hessian, hvp, jacfwd, jacrev, jit, jit_with, random, value_and_grad,
    vmap_axes, DType, JitOptions, Tensor, Tree,
};

fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
    (a - b).abs().max().item()
}

fn assert_close<T: Tree>(a: &T, b: &T, tol: f64, what: &str) {
    for (x, y) in leaves(a).iter().zip(leaves(b)) {
        let d = max_diff(x, &y);
        assert!(d <= tol * (1.0 + y.abs().max().item()), "{what}: {d}");
    }
}

/// Times `eager`, the jitted `f` on a warm cache, and a fresh `jit` of `f` on its first call.
fn trio<T: Tree + Clone, U: Tree + Clone>(
    g: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    f: impl Fn(&T) -> U + Copy,
    x: &T,
    tol: f64,
) {
    let j = jit(f);
    assert_close(&j(x), &f(x), tol, "jit vs eager");
    g.bench_function("eager", |b| b.iter(|| f(black_box(x))));
    g.bench_function("jit", |b| b.iter(|| j(black_box(x))));
    g.bench_function("jit_first_call", |b| {
        b.iter(|| jit_with(f, JitOptions::default()).call(black_box(x)))
    });
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.warm_up_time(Duration::from_secs(1));
    g
}

fn tanh_by_hand(x: &Tensor) -> Tensor {
    let y = (-x).exp();
    (1.0 - &y) / (1.0 + &y)
}

fn linspace(lo: f64, hi: f64, n: usize) -> Tensor {
    let step = (hi - lo) / (n - 1) as f64;
    Tensor::from((0..n).map(|i| lo + step * i as f64).collect::<Vec<_>>())
}

fn w1_w2(c: &mut Criterion) {
    // What a cache hit adds: a jitted function that returns its argument.
    let mut g = group(c, "jit_call_overhead");
    let x = Tensor::from(1.0);
    let id = jit(|x: &Tensor| x.clone());
    g.bench_function("identity_0d", |b| b.iter(|| id(black_box(&x))));
    g.finish();
    let mut g = group(c, "W1");
    trio(
        &mut g,
        |x: &Tensor| grad(tanh_by_hand)(x),
        &Tensor::from(1.0),
        1e-15,
    );
    g.finish();
    let mut g = group(c, "W2");
    let d4 = |x: &Tensor| {
        let t = |x: &Tensor| x.tanh();
        elementwise_grad(elementwise_grad(elementwise_grad(elementwise_grad(t))))(x)
    };
    trio(&mut g, d4, &linspace(-4.0, 4.0, 1000), 1e-12);
    g.finish();
}

fn w3_w4(c: &mut Criterion) {
    // W3: one gradient step of linear regression (the loop of 100 stays in Rust).
    let keys = random::split(&random::key(0), 3);
    let x = random::normal(&keys[0], &[100, 10]);
    let y = x.matmul(&random::normal(&keys[1], &[10])) + 0.1 * random::normal(&keys[2], &[100]);
    let loss = |w: &Tensor| (x.matmul(w) - &y).powi(2).sum() / 100.0;
    let step = |w: &Tensor| w - 0.1 * grad(loss)(w);
    let mut g = group(c, "W3_step");
    trio(&mut g, step, &Tensor::from(vec![0.0; 10]), 1e-13);
    let j = jit(step);
    let fit = |s: &dyn Fn(&Tensor) -> Tensor| {
        let mut w = Tensor::from(vec![0.0; 10]);
        for _ in 0..100 {
            w = s(&w);
        }
        w
    };
    g.bench_function("eager_100_steps", |b| b.iter(|| fit(&step)));
    g.bench_function("jit_100_steps", |b| b.iter(|| fit(&j)));
    g.finish();

    // W4: one SGD-momentum step of the 1-4-4-1 relu net on 1000 points.
    let keys = random::split(&random::key(1), 7);
    let xs = linspace(-5.0, 5.0, 1000);
    let t = &xs * &xs * &xs - 20.0 * &xs + 10.0 + 4.0 * random::normal(&keys[0], &[1000]);
    let inputs = xs.reshape(&[1000, 1]);
    let shapes: [(&str, &[usize]); 6] = [
        ("W1", &[1, 4]),
        ("b1", &[4]),
        ("W2", &[4, 4]),
        ("b2", &[4]),
        ("W3", &[4, 1]),
        ("b3", &[1]),
    ];
    let init: BTreeMap<String, Tensor> = shapes
        .iter()
        .zip(&keys[1..])
        .map(|((n, s), k)| (n.to_string(), random::normal(k, s)))
        .collect();
    let relu = |x: &Tensor| x.maximum(0.0);
    let loss = |p: &BTreeMap<String, Tensor>| {
        let h1 = relu(&(inputs.matmul(&p["W1"]) + &p["b1"]));
        let h2 = relu(&(h1.matmul(&p["W2"]) + &p["b2"]));
        let out = (h2.matmul(&p["W3"]) + &p["b3"]).reshape(&[1000]);
        (0.5 * (out - &t).powi(2)).sum() / 1000.0
    };
    let step = |(p, v): &(BTreeMap<String, Tensor>, BTreeMap<String, Tensor>)| {
        let gs = leaves(&grad(loss)(p));
        let (ps, vs) = (leaves(p), leaves(v));
        let nv: Vec<Tensor> = vs.iter().zip(&gs).map(|(v, g)| 0.9 * v - 0.1 * g).collect();
        let np: Vec<Tensor> = ps.iter().zip(&nv).map(|(p, v)| p + 0.01 * v).collect();
        (rebuild(p, np), rebuild(v, nv))
    };
    let zeros = rebuild(&init, leaves(&init).iter().map(|p| p * 0.0).collect());
    let mut g = group(c, "W4_step");
    trio(&mut g, step, &(init.clone(), zeros), 1e-12);
    g.finish();
}

fn w5_w6_w7(c: &mut Criterion) {
    let d = 50_000;
    let a = random::uniform(&random::key(1), &[10, d]);
    let f = |x: &Tensor| a.matmul(&x.sin()).sum();
    let hv = |(x, v): &(Tensor, Tensor)| hvp(f, x, v);
    let args = (
        Tensor::from(vec![2.0; d]),
        random::uniform(&random::key(2), &[d]),
    );
    let mut g = group(c, "W5");
    trio(&mut g, hv, &args, 1e-12);
    g.finish();

    let (n, dim) = (1000, 100);
    let w = random::normal(&random::key(3), &[dim]) * 0.1;
    let x = random::normal(&random::key(4), &[n, dim]);
    let y = random::uniform(&random::key(5), &[n])
        .greater(0.5)
        .astype(DType::F64);
    let sigmoid = |x: &Tensor| 0.5 * ((x / 2.0).tanh() + 1.0);
    let nll = move |w: &Tensor, x: &Tensor, y: &Tensor| {
        let p = sigmoid(&x.matmul(w));
        -(p.log() * y + (1.0 - &p).log() * (1.0 - y)).sum()
    };
    let mut g = group(c, "W6a");
    trio(
        &mut g,
        |w: &Tensor| grad(|w: &Tensor| nll(w, &x, &y))(w),
        &w,
        1e-12,
    );
    g.finish();
    let mut g = group(c, "W6b");
    trio(
        &mut g,
        |w: &Tensor| hessian(|w: &Tensor| nll(w, &x, &y))(w),
        &w,
        1e-12,
    );
    g.finish();
    let per_example = |args: &(Tensor, Tensor, Tensor)| {
        vmap_axes(
            |(w, x, y): &(Tensor, Tensor, Tensor)| grad(|w: &Tensor| nll(w, x, y))(w),
            &[None, Some(0), Some(0)],
            &[Some(0)],
        )(args)
    };
    let mut g = group(c, "W6c");
    trio(
        &mut g,
        per_example,
        &(w.clone(), x.clone(), y.clone()),
        1e-12,
    );
    g.finish();

    let n = 200;
    let wm = random::normal(&random::key(6), &[n, n]) * (1.0 / (n as f64).sqrt());
    let x7 = random::normal(&random::key(7), &[n]);
    let f7 = |x: &Tensor| wm.matmul(x).tanh();
    let mut g = group(c, "W7_jacfwd");
    trio(&mut g, |x: &Tensor| jacfwd(f7)(x), &x7, 1e-12);
    g.finish();
    let mut g = group(c, "W7_jacrev");
    trio(&mut g, |x: &Tensor| jacrev(f7)(x), &x7, 1e-12);
    g.finish();
}

fn w8_w9(c: &mut Criterion) {
    let keys = random::split(&random::key(8), 3);
    let init = LayerInit {
        w: Init::HeNormal,
        b: Init::Zeros,
        dtype: DType::F32,
    };
    let model = nn::Mlp::with_init(&keys[0], &[784, 256, 256, 10], Activation::Relu, &init);
    let x = random::normal_dtype(&keys[1], &[128, 784], DType::F32);
    let labels = (random::uniform(&keys[2], &[128]) * 10.0)
        .floor()
        .astype(DType::I64);
    let loss = |m: &nn::Mlp| nn::cross_entropy_with_logits(&m.forward(&x), &labels);
    // One SGD step, the update written out (the optimizers read their step count).
    let step = |m: &nn::Mlp| {
        let (l, g) = value_and_grad(loss)(m);
        let new: Vec<Tensor> = leaves(m)
            .iter()
            .zip(leaves(&g))
            .map(|(p, g)| p - 0.01 * g)
            .collect();
        (l, rebuild(m, new))
    };
    let mut g = group(c, "W8");
    g.sample_size(30);
    trio(&mut g, step, &model, 1e-4);
    g.finish();

    let mut g = group(c, "W9_f64_500");
    let a = random::normal(&random::key(9), &[500, 500]);
    let b = random::normal(&random::key(10), &[500, 500]);
    trio(
        &mut g,
        |(a, b): &(Tensor, Tensor)| a.matmul(b),
        &(a, b),
        1e-12,
    );
    g.finish();
}

criterion_group!(benches, w1_w2, w3_w4, w5_w6_w7, w8_w9);
criterion_main!(benches);
