//! Transforms nested three deep in several orders, each against a closed form or a loop;
//! jacfwd == jacrev on seeded random compositions of primitives; and the cost of Jacobians:
//! one vmapped pass whose staged program does not grow with the number of basis vectors.

use ferrograd::{grad, hessian, jacfwd, jacrev, jvp, np, vmap, vmap_axes, Tensor};
use ferrograd_core::interp::push;
use ferrograd_core::interp::stage::StageTrace;
use ferrograd_core::{Aval, DType};

mod common;
use common::{close, normal};

#[test]
fn jacfwd_of_jacrev_of_grad_is_the_third_derivative_tensor() {
    // f(x) = (a·x)³ / 6: ∇f = (a·x)²/2 a, ∇²f = (a·x) a aᵀ, ∇³f = a ⊗ a ⊗ a.
    let a = Tensor::from(vec![0.5, -1.0, 2.0]);
    let x = normal(1, &[3]);
    let f = |x: &Tensor| a.dot(x).powi(3) / 6.0;
    let t = jacfwd(jacrev(grad(f)))(&x);
    let want = a.reshape(&[3, 1, 1]) * a.reshape(&[1, 3, 1]) * a.reshape(&[1, 1, 3]);
    close(&t, &want, 1e-12);
    // Every order of the three Jacobian transforms agrees.
    close(&jacrev(jacfwd(jacrev(f)))(&x), &want, 1e-12);
    close(&jacfwd(jacfwd(jacfwd(f)))(&x), &want, 1e-12);
}

#[test]
fn vmap_of_jacfwd_of_jacrev_is_batched_hessians() {
    let a = normal(2, &[4, 4]);
    let xs = normal(3, &[6, 4]);
    let quad = |x: &Tensor| x.dot(&a.matmul(x));
    let hs = vmap(jacfwd(jacrev(quad)))(&xs);
    assert_eq!(hs.shape(), &[6, 4, 4]);
    let sym = &a + &a.t();
    for i in 0..6 {
        close(&hs.get(i), &sym, 1e-12);
    }
    // A non-quadratic function, against the unbatched Hessian of each row.
    let g = |x: &Tensor| (a.matmul(x).sin() * x).sum();
    let hs = vmap(jacfwd(jacrev(g)))(&xs);
    for i in 0..6 {
        close(&hs.get(i), &hessian(g)(&xs.get(i)), 1e-12);
    }
}

#[test]
fn vmap_of_grad_of_grad_is_the_second_derivative_pointwise() {
    // d²/dx² tanh = −2 tanh sech², at every point of the batch.
    let xs = np::linspace(-3.0, 3.0, 11);
    let d2 = vmap(grad(grad(|x: &Tensor| x.tanh())))(&xs);
    let t = xs.tanh();
    close(&d2, &(-2.0 * &t * (1.0 - &t * &t)), 1e-13);
}

#[test]
fn grad_of_vmap_of_jvp_and_other_orders() {
    // f(x) = Σ sin(x) x²: ∂f·v = Σ (cos x x² + 2 x sin x) v; its gradient is H v with
    // H = diag(−sin x x² + 4 x cos x + 2 sin x).
    let f = |x: &Tensor| (x.sin() * x * x).sum();
    let xs = normal(4, &[5, 3]);
    let v = Tensor::from(vec![1.0, -0.5, 2.0]);
    let diag = |x: &Tensor| -x.sin() * x * x + 4.0 * x * x.cos() + 2.0 * x.sin();
    let want = diag(&xs) * &v;
    let g = grad(|xs: &Tensor| vmap(|x: &Tensor| jvp(f, x, &v).1)(xs).sum())(&xs);
    close(&g, &want, 1e-12);
    // jvp ∘ vmap ∘ grad: the tangent of the per-row gradients along (v for every row).
    let vs = np::stack(&[&v, &v, &v, &v, &v], 0);
    let (_, t) = jvp(vmap(grad(f)), &xs, &vs);
    close(&t, &want, 1e-12);
    // jacrev ∘ vmap ∘ grad: block diagonal, one Hessian per row.
    let j = jacrev(|xs: &Tensor| vmap(grad(f))(xs).reshape(&[-1]))(&xs);
    assert_eq!(j.shape(), &[15, 5, 3]);
    let j = j.reshape(&[15, 15]);
    let want_j = np::eye(15) * diag(&xs).reshape(&[1, 15]);
    close(&j, &want_j, 1e-12);
    // vmap over an unmapped weight ∘ grad ∘ jvp, with in_axes.
    let h = vmap_axes(
        |(v, x): &(Tensor, Tensor)| grad(|x: &Tensor| jvp(f, x, v).1)(x),
        &[None, Some(0)],
        &[Some(0)],
    )(&(v.clone(), xs.clone()));
    close(&h, &want, 1e-12);
}

/// A tiny deterministic generator for choosing ops.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// One random step of a composition: an elementwise function, a linear map, a reduction
/// broadcast back, a product with the input, a reshape/transpose round trip, a select.
fn step(k: usize, h: &Tensor, x: &Tensor, w: &Tensor) -> Tensor {
    match k {
        0 => h.sin(),
        1 => h.tanh(),
        2 => (-(h * h)).exp(),
        3 => w.matmul(h) * 0.5,
        4 => h * x,
        5 => h - h.max() + h.mean(),
        6 => h.reshape(&[2, 3]).t().reshape(&[-1]).sigmoid(),
        7 => np::where_(&h.greater(0.0), h.powi(2), h * 0.1),
        8 => (h * h + 1.0).sqrt().log(),
        _ => np::concatenate(&[&h.get_range(3, 6), &h.get_range(0, 3).cos()], 0),
    }
}

trait Range {
    fn get_range(&self, a: usize, b: usize) -> Tensor;
}

impl Range for Tensor {
    fn get_range(&self, a: usize, b: usize) -> Tensor {
        self.slice(ndarray::s![a..b])
    }
}

#[test]
fn jacfwd_equals_jacrev_on_random_compositions() {
    let w = normal(5, &[6, 6]);
    for seed in 0..40u64 {
        let mut rng = Lcg(seed + 1);
        let ops: Vec<usize> = (0..3 + rng.next(4)).map(|_| rng.next(10)).collect();
        let f = |x: &Tensor| ops.iter().fold(x.clone(), |h, &k| step(k, &h, x, &w));
        let x = normal(100 + seed, &[6]);
        let (jf, jr) = (jacfwd(f)(&x), jacrev(f)(&x));
        assert_eq!(jf.shape(), &[6, 6], "seed {seed} ops {ops:?}");
        for (i, (a, b)) in jf.to_vec().iter().zip(jr.to_vec()).enumerate() {
            assert!(
                (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
                "seed {seed} ops {ops:?} element {i}: jacfwd {a} vs jacrev {b}"
            );
        }
        // And against central differences on one column.
        let e = np::eye(6).get(2) * 1e-6;
        let fd = (f(&(&x + &e)) - f(&(&x - &e))) / 2e-6;
        let col = jf.t().get(2);
        for (a, b) in col.to_vec().iter().zip(fd.to_vec()) {
            assert!(
                (a - b).abs() <= 1e-6 * (1.0 + b.abs()),
                "seed {seed} ops {ops:?}"
            );
        }
    }
}

/// The number of equations staged for `jac(tanh(W x))` at size `n`: staging records every
/// primitive bound, so a Rust loop over basis vectors would show up as a count growing in n.
fn staged_eqns(n: usize, reverse: bool) -> usize {
    let (stage, _g) = push(StageTrace::new);
    let w = stage.input(Aval::new(&[n, n], DType::F64));
    let x = stage.input(Aval::new(&[n], DType::F64));
    let f = |x: &Tensor| w.matmul(x).tanh();
    let j = if reverse {
        jacrev(f)(&x)
    } else {
        jacfwd(f)(&x)
    };
    assert_eq!(j.shape(), &[n, n]);
    let atom = stage.atom(&j);
    stage.finish(vec![atom]).eqns.len()
}

#[test]
fn jacobians_are_one_vmapped_pass_not_a_loop() {
    for reverse in [false, true] {
        let (small, large) = (staged_eqns(3, reverse), staged_eqns(40, reverse));
        assert_eq!(
            small,
            large,
            "jac{} staged {small} equations at n = 3 but {large} at n = 40",
            if reverse { "rev" } else { "fwd" }
        );
        assert!(small < 40, "{small} equations");
    }
}
