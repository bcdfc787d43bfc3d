//! `jit`: the JAX chapter's last step. A function is traced once, optimised and compiled;
//! later calls run the compiled program. Printed: the program before and after the compiler,
//! and eager vs compiled time with the compile time.

use std::time::Instant;

use ferrograd::{
    elementwise_grad, hvp, jit, jit_with, make_program, np, random, JitOptions, Tensor,
};

use super::{header, max_abs_diff};

pub fn run() {
    header("jit: trace once, optimise, run fused compiled code");
    let p = make_program(|x: &Tensor| {
        let unused = x.cos();
        let _ = unused;
        (x.sin() + x.sin()).exp().sum()
    })(&Tensor::from(vec![0.5, 1.0, 1.5]));
    println!("  make_program(|x| {{ x.cos() unused; (x.sin() + x.sin()).exp().sum() }}):");
    for line in p.to_string().lines() {
        println!("    {line}");
    }
    println!("  (dead cos dropped, the repeated sin computed once, the rest one fused loop)");

    // The autograd tutorial's fourth derivative of tanh on 1000 points.
    let d4 = |x: &Tensor| {
        let t = |x: &Tensor| x.tanh();
        elementwise_grad(elementwise_grad(elementwise_grad(elementwise_grad(t))))(x)
    };
    let x = np::linspace(-4.0, 4.0, 1000);
    let compiled = jit_with(d4, JitOptions::default());
    let t0 = Instant::now();
    let first = compiled.call(&x);
    let first_call = t0.elapsed();
    let eager = per_call(|| d4(&x));
    let jitted = per_call(|| compiled.call(&x));
    println!(
        "  tanh'''' on 1000 points: eager {:.1} µs, jit {:.1} µs per call ({:.1}× faster); first call (trace + optimise + compile + run) {:.0} µs",
        eager * 1e6,
        jitted * 1e6,
        eager / jitted,
        first_call.as_secs_f64() * 1e6
    );
    println!(
        "  max |jit − eager| = {:.1e} (should be 0 or ~1e-15: the same kernels, fused)",
        max_abs_diff(&first, &d4(&x))
    );

    // The Hessian-vector product of f(x) = Σ A sin(x), A captured: jit repeats all its work
    // per call (as JAX's does), but in fewer passes over memory.
    let a = random::uniform(&random::key(1), &[10, 50_000]);
    let f = |x: &Tensor| a.matmul(&x.sin()).sum();
    let hv = |(x, v): &(Tensor, Tensor)| hvp(f, x, v);
    let args = (
        Tensor::from(vec![2.0; 50_000]),
        random::uniform(&random::key(2), &[50_000]),
    );
    let jhv = jit(hv);
    let diff = max_abs_diff(&jhv(&args), &hv(&args));
    let (eager, jitted) = (per_call(|| hv(&args)), per_call(|| jhv(&args)));
    println!(
        "  hvp at d = 50,000: eager {:.0} µs, jit {:.0} µs per call; max |jit − eager| = {diff:.1e} (should be 0 or ~1e-16)\n",
        eager * 1e6,
        jitted * 1e6
    );
}

/// Median seconds per call of `f` over a few batches.
fn per_call<R>(f: impl Fn() -> R) -> f64 {
    let mut times: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..20 {
                std::hint::black_box(f());
            }
            t.elapsed().as_secs_f64() / 20.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[3]
}
