//! Structured control flow: a training loop as one jitted `fori_loop`, Newton's method as a
//! `while_loop` differentiated in reverse mode, a `cond` under `vmap`, and `checkpoint`
//! bounding the memory of a long `scan`'s backward pass.

use std::time::Instant;

use ferrograd::{
    checkpoint, cond, fori_loop, grad, jit, np, random, residual_bytes, scan_with, vmap,
    while_loop, ScanOptions, Tensor,
};

use super::{header, max_abs_diff};

pub fn run() {
    header("control flow: cond, while_loop, fori_loop, scan and checkpoint");
    training_loop();
    newton();
    piecewise_under_vmap();
    checkpointed_scan();
}

/// The best of a few timed runs, in seconds.
fn best_of(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// 1000 gradient steps of least squares on 100 noisy points: stepped from Rust through a
/// jitted step, and as one jitted `fori_loop`.
fn training_loop() {
    let keys = random::split(&random::key(0), 3);
    let x = random::normal(&keys[0], &[100, 10]);
    let w_true = random::normal(&keys[1], &[10]);
    let y = x.matmul(&w_true) + 0.1 * random::normal(&keys[2], &[100]);
    let loss = |w: &Tensor| (x.matmul(w) - &y).powi(2).mean();
    let step = |w: &Tensor| w - 0.1 * grad(loss)(w);
    let w0 = np::zeros(&[10]);
    let jitted_step = jit(step);
    let stepped = || (0..1000).fold(w0.clone(), |w, _| jitted_step(&w));
    let fused = jit(|w: &Tensor| fori_loop(0, 1000, |_, w: &Tensor| step(w), w.clone()));
    let (a, b) = (stepped(), fused(&w0));
    let (t_stepped, t_fused) = (
        best_of(5, || drop(stepped())),
        best_of(5, || drop(fused(&w0))),
    );
    println!(
        "  least squares, 1000 steps: loss {:.5} (noise level ≈ 0.01); |w - w*| = {:.3}",
        loss(&b).item(),
        (&b - &w_true).abs().max().item()
    );
    println!(
        "    jitted step called 1000 times: {:.2} ms; one jitted fori_loop: {:.2} ms; max |difference| = {:.1e} (should be 0)",
        t_stepped * 1e3,
        t_fused * 1e3,
        max_abs_diff(&a, &b)
    );
}

/// The cube root by Newton's method until the step is below 1e-13, and its derivative
/// through the loop (reverse mode records each step's linear work).
fn newton() {
    let cbrt = |a: &Tensor| {
        while_loop(
            |(_, step): &(Tensor, Tensor)| step.abs().greater(1e-13),
            |(x, _): &(Tensor, Tensor)| {
                let next = x - (x * x * x - a) / (3.0 * x * x);
                (next.clone(), next - x)
            },
            (Tensor::from(1.0), Tensor::from(1.0)),
        )
        .0
    };
    let a = Tensor::from(10.0);
    println!(
        "  while_loop Newton: cbrt(10) = {:.15} (should be {:.15}); under jit {:.15}",
        cbrt(&a).item(),
        10f64.cbrt(),
        jit(cbrt)(&a).item()
    );
    println!(
        "    d/da through the loop = {:.15} (should be 1/(3·10^(2/3)) = {:.15})",
        grad(cbrt)(&a).item(),
        1.0 / (3.0 * 10f64.powf(2.0 / 3.0))
    );
}

/// A branch per member under vmap: both branches run, each member takes its own.
fn piecewise_under_vmap() {
    let f = |x: &Tensor| cond(&x.greater(0.0), |x: &Tensor| x * x, |x: &Tensor| x.sin(), x);
    let xs = Tensor::from(vec![-1.0, -0.5, 0.5, 2.0]);
    println!(
        "  vmap(cond(x > 0, x², sin x)) at {:?} = {:.4?}",
        xs.to_vec(),
        vmap(f)(&xs).to_vec()
    );
    println!(
        "    its derivative {:.4?} (should be [cos(-1), cos(-0.5), 1, 4] = {:.4?})",
        vmap(grad(f))(&xs).to_vec(),
        [(-1f64).cos(), (-0.5f64).cos(), 1.0, 4.0]
    );
}

/// 2000 steps of a 10-operation body on 1000 elements: what reverse mode keeps, with and
/// without `checkpoint` on the body.
fn checkpointed_scan() {
    let body = |h: &Tensor| {
        let mut a = h.clone();
        for k in 0..10 {
            a = (&a * (0.9 + 0.01 * k as f64)).sin();
        }
        a
    };
    let steps = 2000;
    let chain = |step: &dyn Fn(&Tensor) -> Tensor, x: &Tensor| {
        let options = ScanOptions {
            length: Some(steps),
            reverse: false,
        };
        scan_with(|h: &Tensor, _: &()| (step(h), ()), x.clone(), &(), options)
            .0
            .sum()
    };
    let remat = checkpoint(body);
    let plain = |x: &Tensor| chain(&body, x);
    let checkpointed = |x: &Tensor| chain(&remat, x);
    let x = np::linspace(0.0, 1.0, 1000);
    let mb = |b: usize| b as f64 / 1e6;
    println!(
        "  scan of {steps} steps over 1000 elements: reverse mode keeps {:.0} MB, {:.0} MB with checkpoint on the body (the carries alone: {:.0} MB)",
        mb(residual_bytes(plain, &x)),
        mb(residual_bytes(checkpointed, &x)),
        mb(steps * 1000 * 8)
    );
    println!(
        "    max |gradient with checkpoint - without| = {:.1e} (should be 0: the same operations, recomputed)",
        max_abs_diff(&grad(plain)(&x), &grad(checkpointed)(&x))
    );
}
