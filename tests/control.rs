//! Structured control flow: `cond`, `switch`, `while_loop`, `fori_loop`, `scan` and
//! `checkpoint` eagerly and under every transform, against the same computation written with
//! Rust control flow (or unrolled), finite differences (`check_grads`), and loops over vmap's
//! members.

use ferrograd::{
    check_grads, checkpoint, cond, fori_loop, grad, hessian, jacfwd, jit, jvp, np, residual_bytes,
    scan, scan_with, switch, vmap, while_loop, DType, ScanOptions, Tensor,
};

mod common;
use common::{close, normal, panic_text};

fn x0(v: f64) -> Tensor {
    Tensor::from(v)
}

/// A piecewise function: `x²` above zero, `sin(x)` below.
fn piecewise(x: &Tensor) -> Tensor {
    cond(&x.greater(0.0), |x: &Tensor| x * x, |x: &Tensor| x.sin(), x)
}

#[test]
fn cond_picks_the_branch_eagerly_and_under_jit() {
    assert_eq!(piecewise(&x0(3.0)).item(), 9.0);
    assert_eq!(piecewise(&x0(-0.5)).item(), (-0.5f64).sin());
    let f = jit(piecewise);
    assert_eq!(f(&x0(3.0)).item(), 9.0);
    assert_eq!(f(&x0(-0.5)).item(), (-0.5f64).sin());
}

#[test]
fn cond_derivatives_follow_the_branch() {
    let g = grad(piecewise);
    assert_eq!(g(&x0(3.0)).item(), 6.0);
    assert_eq!(g(&x0(-0.5)).item(), (-0.5f64).cos());
    // The same under jit: the branch is a compiled cond, reverse mode splits it.
    let gj = jit(grad(piecewise));
    assert_eq!(gj(&x0(3.0)).item(), 6.0);
    assert_eq!(gj(&x0(-0.5)).item(), (-0.5f64).cos());
    let (_, t) = jvp(piecewise, &x0(2.0), &x0(1.0));
    assert_eq!(t.item(), 4.0);
    check_grads(piecewise, &x0(0.7), 2).expect("derivatives match finite differences");
    check_grads(piecewise, &x0(-0.7), 2).expect("derivatives match finite differences");
    check_grads(jit(piecewise), &x0(-0.7), 2).expect("derivatives match finite differences");
}

#[test]
fn cond_captures_outer_values_and_traced_ones() {
    let w = normal(3, &[3]);
    // `w` is captured by the branches; `grad` with respect to it flows through the cond.
    let f = |w: &Tensor| {
        let x = Tensor::from(vec![1.0, -2.0, 0.5]);
        cond(
            &w.sum().greater(0.0),
            |x: &Tensor| (x * w).sum(),
            |x: &Tensor| (x * w).exp().sum(),
            &x,
        )
    };
    check_grads(f, &w, 2).expect("derivatives match finite differences");
    check_grads(jit(f), &w, 2).expect("derivatives match finite differences");
}

#[test]
fn switch_clamps_and_differentiates() {
    let f = |i: i64| {
        move |x: &Tensor| {
            switch(
                &Tensor::from(i),
                &[
                    &|x: &Tensor| x.sin(),
                    &|x: &Tensor| x.cos(),
                    &|x: &Tensor| x * x * x,
                ],
                x,
            )
        }
    };
    assert_eq!(f(-4)(&x0(0.3)).item(), 0.3f64.sin());
    assert_eq!(f(1)(&x0(0.3)).item(), 0.3f64.cos());
    assert_eq!(f(9)(&x0(0.3)).item(), 0.3f64.powi(3));
    for i in 0..3 {
        check_grads(jit(f(i)), &x0(0.3), 2).expect("derivatives match finite differences");
    }
}

#[test]
fn cond_under_vmap_selects_per_member() {
    let x = Tensor::from(vec![-1.0, 2.0, -3.0, 0.5]);
    let got = vmap(piecewise)(&x);
    let want: Vec<f64> = x
        .to_vec()
        .iter()
        .map(|&v| if v > 0.0 { v * v } else { v.sin() })
        .collect();
    assert_eq!(got.to_vec(), want);
    let g = vmap(grad(piecewise))(&x);
    let want: Vec<f64> = x
        .to_vec()
        .iter()
        .map(|&v| if v > 0.0 { 2.0 * v } else { v.cos() })
        .collect();
    assert_eq!(g.to_vec(), want);
    // An unbatched predicate with batched operands keeps one cond.
    let h = |x: &Tensor| {
        cond(
            &Tensor::from(true),
            |x: &Tensor| x.exp(),
            |x: &Tensor| x.clone(),
            x,
        )
    };
    close(&vmap(h)(&x), &x.exp(), 0.0);
}

/// Newton's iteration for the cube root of `a`, to convergence.
fn cbrt(a: &Tensor) -> Tensor {
    let (x, _) = while_loop(
        |(_, step): &(Tensor, Tensor)| step.abs().greater(1e-13),
        |(x, _): &(Tensor, Tensor)| {
            let next = x - (x * x * x - a) / (3.0 * x * x);
            (next.clone(), next - x)
        },
        (Tensor::from(1.0), Tensor::from(1.0)),
    );
    x
}

#[test]
fn while_loop_runs_eagerly_and_under_jit() {
    close(&cbrt(&x0(27.0)), &x0(3.0), 1e-14);
    close(&jit(cbrt)(&x0(8.0)), &x0(2.0), 1e-14);
    // Counting steps: the carry's int part.
    let steps = |n: &Tensor| {
        while_loop(
            |(i, _): &(Tensor, Tensor)| i.less(n),
            |(i, s): &(Tensor, Tensor)| (i + 1, s + i),
            (Tensor::from(0i64), Tensor::from(0i64)),
        )
        .1
    };
    assert_eq!(jit(steps)(&Tensor::from(5i64)).to_vec(), vec![10.0]);
}

#[test]
fn reverse_mode_through_while_loop_matches_the_unrolled_loop() {
    // d cbrt(a)/da = 1 / (3 a^(2/3)).
    let g = grad(cbrt)(&x0(27.0));
    close(&g, &x0(1.0 / 27.0), 1e-12);
    // The same loop written in Rust (unrolled as the tape records it).
    let unrolled = |a: &Tensor| {
        let mut x = Tensor::from(1.0);
        loop {
            let next = &x - (&x * &x * &x - a) / (3.0 * &x * &x);
            let step = (&next - &x).abs().item();
            x = next;
            if step <= 1e-13 {
                return x;
            }
        }
    };
    close(&g, &grad(unrolled)(&x0(27.0)), 1e-15);
    check_grads(cbrt, &x0(5.0), 2).expect("derivatives match finite differences");
    // Forward mode under jit is one loop over value and tangent.
    let (y, t) = jvp(jit(cbrt), &x0(8.0), &x0(1.0));
    close(&y, &x0(2.0), 1e-14);
    close(&t, &x0(1.0 / 12.0), 1e-12);
}

#[test]
fn reverse_mode_through_while_loop_under_jit_is_refused_with_the_fix() {
    let msg = panic_text(|| {
        jit(grad(cbrt))(&x0(8.0));
    });
    assert!(
        msg.contains("while_loop") && msg.contains("fori_loop"),
        "{msg}"
    );
}

#[test]
fn while_loop_under_vmap_freezes_finished_members() {
    let a = Tensor::from(vec![8.0, 27.0, 1000.0, 0.125]);
    let got = vmap(cbrt)(&a);
    let want: Vec<f64> = a.to_vec().iter().map(|v| cbrt(&x0(*v)).item()).collect();
    assert_eq!(got.to_vec(), want);
    // Different trip counts: count up to each member's bound.
    let count = |n: &Tensor| {
        while_loop(
            |i: &Tensor| i.less(n),
            |i: &Tensor| i + 1.0,
            Tensor::from(0.0),
        )
    };
    assert_eq!(
        vmap(count)(&Tensor::from(vec![3.0, 0.0, 7.0])).to_vec(),
        vec![3.0, 0.0, 7.0]
    );
}

/// `x ↦ x·cos(x) + i` applied 20 times.
fn iterate(x: &Tensor) -> Tensor {
    fori_loop(
        0,
        20,
        |i, x: &Tensor| x * x.cos() + i.astype(DType::F64) * 0.01,
        x.clone(),
    )
}

fn iterate_rust(x: &Tensor) -> Tensor {
    let mut x = x.clone();
    for i in 0..20 {
        x = &x * x.cos() + i as f64 * 0.01;
    }
    x
}

#[test]
fn fori_loop_matches_the_rust_loop_under_every_transform() {
    let x = x0(0.7);
    close(&iterate(&x), &iterate_rust(&x), 1e-15);
    close(&jit(iterate)(&x), &iterate_rust(&x), 1e-15);
    close(&grad(iterate)(&x), &grad(iterate_rust)(&x), 1e-13);
    close(&jit(grad(iterate))(&x), &grad(iterate_rust)(&x), 1e-13);
    close(&hessian(iterate)(&x), &hessian(iterate_rust)(&x), 1e-11);
    let xs = Tensor::from(vec![0.1, 0.5, 0.9]);
    close(
        &vmap(grad(iterate))(&xs),
        &vmap(grad(iterate_rust))(&xs),
        1e-13,
    );
    check_grads(iterate, &x, 2).expect("derivatives match finite differences");
    check_grads(jit(iterate), &x, 2).expect("derivatives match finite differences");
}

/// A recurrent cell over a sequence: `h ← tanh(w·h + x_t)`, output `h·2`.
fn rnn(w: &Tensor, xs: &Tensor) -> Tensor {
    let (h, ys) = scan(
        |h: &Tensor, x: &Tensor| {
            let h = (w.matmul(h) + x).tanh();
            (h.clone(), &h * 2.0)
        },
        np::zeros(&[3]),
        xs,
    );
    h.sum() + ys.square().sum()
}

fn rnn_rust(w: &Tensor, xs: &Tensor) -> Tensor {
    let mut h = np::zeros(&[3]);
    let mut total = Tensor::from(0.0);
    for t in 0..xs.shape()[0] {
        h = (w.matmul(&h) + xs.get(t as i64)).tanh();
        total += (&h * 2.0).square().sum();
    }
    h.sum() + total
}

#[test]
fn scan_matches_the_rust_loop_under_every_transform() {
    let w = normal(1, &[3, 3]) * 0.5;
    let xs = normal(2, &[6, 3]);
    close(&rnn(&w, &xs), &rnn_rust(&w, &xs), 1e-14);
    let f = |w: &Tensor| rnn(w, &xs);
    let f_rust = |w: &Tensor| rnn_rust(w, &xs);
    close(&jit(f)(&w), &f_rust(&w), 1e-14);
    close(&grad(f)(&w), &grad(f_rust)(&w), 1e-13);
    close(&jit(grad(f))(&w), &grad(f_rust)(&w), 1e-13);
    check_grads(f, &w, 2).expect("derivatives match finite differences");
    // With respect to the sequence too (per-step xs cotangents).
    let by_xs = |xs: &Tensor| rnn(&w, xs);
    close(
        &grad(by_xs)(&xs),
        &grad(|xs: &Tensor| rnn_rust(&w, xs))(&xs),
        1e-13,
    );
    check_grads(by_xs, &xs, 2).expect("derivatives match finite differences");
}

#[test]
fn scan_reverse_and_vmap() {
    let xs = Tensor::from(vec![1.0, 2.0, 3.0, 4.0]);
    let cumsum_rev = |xs: &Tensor| {
        scan_with(
            |c: &Tensor, x: &Tensor| (c + x, c + x),
            Tensor::from(0.0),
            xs,
            ScanOptions {
                reverse: true,
                ..Default::default()
            },
        )
        .1
    };
    assert_eq!(cumsum_rev(&xs).to_vec(), vec![10.0, 9.0, 7.0, 4.0]);
    assert_eq!(jit(cumsum_rev)(&xs).to_vec(), vec![10.0, 9.0, 7.0, 4.0]);
    check_grads(|xs: &Tensor| cumsum_rev(xs).square().sum(), &xs, 2)
        .expect("derivatives match finite differences");
    // vmap over a batch of sequences, against a loop.
    let w = normal(1, &[3, 3]) * 0.5;
    let batch = normal(4, &[5, 6, 3]);
    let got = vmap(|xs: &Tensor| rnn(&w, xs))(&batch);
    for b in 0..5 {
        close(
            &got.get(b as i64),
            &rnn_rust(&w, &batch.get(b as i64)),
            1e-13,
        );
    }
    let per_example = vmap(grad(|xs: &Tensor| rnn(&w, xs)))(&batch);
    for b in 0..5 {
        close(
            &per_example.get(b as i64),
            &grad(|xs: &Tensor| rnn_rust(&w, xs))(&batch.get(b as i64)),
            1e-13,
        );
    }
}

#[test]
fn control_flow_errors_name_the_fix() {
    let msg = panic_text(|| {
        let _: Tensor = cond(
            &Tensor::from(vec![true, false]),
            |x: &Tensor| x.clone(),
            |x: &Tensor| x.clone(),
            &x0(1.0),
        );
    });
    assert!(msg.contains("cond") && msg.contains("0-d"), "{msg}");
    let msg = panic_text(|| {
        cond(
            &Tensor::from(true),
            |x: &Tensor| x.clone(),
            |x: &Tensor| x.astype(DType::F32),
            &x0(1.0),
        );
    });
    assert!(msg.contains("branch 1 returns"), "{msg}");
    let msg = panic_text(|| {
        while_loop(
            |x: &Tensor| x.less(3.0),
            |x: &Tensor| x.reshape(&[1]),
            x0(0.0),
        );
    });
    assert!(msg.contains("the body returns"), "{msg}");
    let msg = panic_text(|| {
        scan(|c: &Tensor, _: &()| (c.clone(), ()), x0(0.0), &());
    });
    assert!(msg.contains("ScanOptions"), "{msg}");
    // A Rust `if` on a traced value under jit names the structured forms.
    let msg = panic_text(|| {
        jit(|x: &Tensor| if x.item() > 0.0 { x.clone() } else { -x })(&x0(1.0));
    });
    assert!(msg.contains("cond") && msg.contains("while_loop"), "{msg}");
}

#[test]
fn checkpoint_recomputes_instead_of_storing() {
    let f = |x: &Tensor| (x.sin() * x.exp()).tanh().sum();
    let g = checkpoint(f);
    let x = normal(5, &[50]);
    let checkpointed = |x: &Tensor| g(x);
    close(&checkpointed(&x), &f(&x), 0.0);
    close(&grad(checkpointed)(&x), &grad(f)(&x), 1e-15);
    close(&jit(grad(checkpointed))(&x), &grad(f)(&x), 1e-14);
    close(&hessian(checkpointed)(&x), &hessian(f)(&x), 1e-13);
    close(
        &vmap(grad(checkpointed))(&normal(6, &[4, 50])),
        &vmap(grad(f))(&normal(6, &[4, 50])),
        1e-15,
    );
    check_grads(checkpointed, &x, 2).expect("derivatives match finite differences");
    // Only the input is kept for the backward pass (sin, exp and tanh are recomputed).
    assert_eq!(residual_bytes(checkpointed, &x), 50 * 8);
    assert!(residual_bytes(f, &x) >= 3 * 50 * 8);
}

#[test]
fn forward_mode_through_every_form_under_jit() {
    let w = normal(1, &[3, 3]) * 0.5;
    let xs = normal(2, &[6, 3]);
    let f = |w: &Tensor| rnn(w, &xs);
    let f_rust = |w: &Tensor| rnn_rust(w, &xs);
    close(&jacfwd(f)(&w), &grad(f_rust)(&w), 1e-13);
    close(&jit(jacfwd(f))(&w), &grad(f_rust)(&w), 1e-13);
    let (_, t) = jvp(jit(piecewise), &x0(-0.5), &x0(1.0));
    close(&t, &x0((-0.5f64).cos()), 0.0);
    let (_, t) = jvp(jit(iterate), &x0(0.7), &x0(1.0));
    close(&t, &grad(iterate_rust)(&x0(0.7)), 1e-13);
    // Second order through a scan inside jit.
    close(
        &jit(hessian(iterate))(&x0(0.7)),
        &hessian(iterate_rust)(&x0(0.7)),
        1e-11,
    );
}

#[test]
fn nested_loops_and_branches() {
    // A scan whose body has a cond and an inner fori_loop.
    let f = |x: &Tensor| {
        let (c, ys) = scan(
            |c: &Tensor, x: &Tensor| {
                let inner = fori_loop(0, 3, |_, a: &Tensor| a.sin() + x, c.clone());
                let c = cond(
                    &x.greater(0.0),
                    |v: &Tensor| v * 2.0,
                    |v: &Tensor| v.cos(),
                    &inner,
                );
                (c.clone(), c)
            },
            Tensor::from(0.1),
            x,
        );
        c + ys.sum()
    };
    let f_rust = |x: &Tensor| {
        let mut c = Tensor::from(0.1);
        let mut total = Tensor::from(0.0);
        for t in 0..x.shape()[0] {
            let xt = x.get(t as i64);
            let mut a = c.clone();
            for _ in 0..3 {
                a = a.sin() + &xt;
            }
            c = if xt.item() > 0.0 { &a * 2.0 } else { a.cos() };
            total += &c;
        }
        c + total
    };
    let x = Tensor::from(vec![0.3, -0.2, 0.5, -0.7]);
    close(&f(&x), &f_rust(&x), 1e-15);
    close(&jit(f)(&x), &f_rust(&x), 1e-15);
    close(&grad(f)(&x), &grad(f_rust)(&x), 1e-14);
    close(&jit(grad(f))(&x), &grad(f_rust)(&x), 1e-14);
    check_grads(f, &x, 2).expect("derivatives match finite differences");
}
