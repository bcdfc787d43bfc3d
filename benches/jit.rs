//! `jit` beside eager on the workloads W1–W9 of PERFORMANCE.md, and the compile time of each
//! (trace + optimise + build: `*/jit_first_call` minus `*/jit`). Each jitted function takes
//! the arguments the peers' scripts pass and captures the rest; each result is checked
//! against the eager one before timing.
//!
//! Run with `cargo bench --bench jit` (add `-- --quick` for a short run).

mod workloads;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use ferrograd::nn;
use ferrograd::tree::{leaves, rebuild};
use ferrograd::{
    elementwise_grad, fori_loop, grad, hessian, hvp, jacfwd, jacrev, jit, jit_with, value_and_grad,
    vmap_axes, JitOptions, Tensor, Tree,
};
use workloads::{linspace, nll, tanh_by_hand, Net, Params};

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
    let (x, y) = workloads::regression_data();
    let loss = |w: &Tensor| workloads::regression_loss(&x, &y, w);
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
    // The whole loop as one compiled call (JAX's `jit` of `lax.fori_loop`).
    let fused = jit(|w: &Tensor| fori_loop(0, 100, |_, w: &Tensor| step(w), w.clone()));
    let w0 = Tensor::from(vec![0.0; 10]);
    assert_close(&fused(&w0), &fit(&step), 1e-12, "fused W3 vs eager");
    g.bench_function("jit_fori_loop_100_steps", |b| {
        b.iter(|| fused(black_box(&w0)))
    });
    g.finish();

    // W4: one SGD-momentum step of the 1-4-4-1 relu net on 1000 points.
    let net = Net::new();
    let loss = |p: &Params| net.loss(p);
    let step = |(p, v): &(Params, Params)| {
        let gs = leaves(&grad(loss)(p));
        let (ps, vs) = (leaves(p), leaves(v));
        let nv: Vec<Tensor> = vs.iter().zip(&gs).map(|(v, g)| 0.9 * v - 0.1 * g).collect();
        let np: Vec<Tensor> = ps.iter().zip(&nv).map(|(p, v)| p + 0.01 * v).collect();
        (rebuild(p, np), rebuild(v, nv))
    };
    let zeros = rebuild(
        &net.init,
        leaves(&net.init).iter().map(|p| p * 0.0).collect(),
    );
    let mut g = group(c, "W4_step");
    let start = (net.init.clone(), zeros);
    trio(&mut g, step, &start, 1e-12);
    g.finish();

    // W4's 5000 steps: stepped from Rust through the jitted step, and as one jitted fori_loop.
    let mut g = group(c, "W4_5000_steps");
    g.sample_size(10);
    let j = jit(step);
    let stepped = || (0..5000).fold(start.clone(), |s, _| j(&s));
    let fused = jit(|s: &(Params, Params)| {
        fori_loop(0, 5000, |_, s: &(Params, Params)| step(s), s.clone())
    });
    assert_close(&fused(&start), &stepped(), 1e-10, "fused W4 vs stepped");
    g.bench_function("jit_steps", |b| b.iter(stepped));
    g.bench_function("jit_fori_loop", |b| b.iter(|| fused(black_box(&start))));
    g.finish();
}

fn w5_w6_w7(c: &mut Criterion) {
    let (a, x, v) = workloads::hvp_data();
    let f = |x: &Tensor| a.matmul(&x.sin()).sum();
    let hv = |(x, v): &(Tensor, Tensor)| hvp(f, x, v);
    let args = (x, v);
    let mut g = group(c, "W5");
    trio(&mut g, hv, &args, 1e-12);
    g.finish();

    let (w, x, y) = workloads::logreg_data();
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

    let (wm, x7) = workloads::jacobian_data();
    let f7 = |x: &Tensor| wm.matmul(x).tanh();
    let mut g = group(c, "W7_jacfwd");
    trio(&mut g, |x: &Tensor| jacfwd(f7)(x), &x7, 1e-12);
    g.finish();
    let mut g = group(c, "W7_jacrev");
    trio(&mut g, |x: &Tensor| jacrev(f7)(x), &x7, 1e-12);
    g.finish();
}

fn w8_w9(c: &mut Criterion) {
    let (model, x, labels) = workloads::mlp_data();
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
    trio(
        &mut g,
        |(a, b): &(Tensor, Tensor)| a.matmul(b),
        &workloads::matmul_data(),
        1e-12,
    );
    g.finish();
}

criterion_group!(benches, w1_w2, w3_w4, w5_w6_w7, w8_w9);
criterion_main!(benches);
