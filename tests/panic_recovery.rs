//! A panic inside any transform, custom rule or backward pass, caught by the user, leaves the
//! thread as it was: later transforms and backward passes give the right answers.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ferrograd::imperative::tape_len;
use ferrograd::{
    custom_jvp, custom_vjp, grad, hessian, jacfwd, jacrev, jvp, linearize, vjp, vmap, Tensor,
};
use ferrograd_core::interp::depth;

fn boom(x: &Tensor) -> Tensor {
    if x.ndim() < 10 {
        panic!("a user function panicked");
    }
    x.clone()
}

/// Everything still works, and no interpreter is left on the stack.
fn assert_healthy() {
    assert_eq!(depth(), 0, "an interpreter was left on the stack");
    let x = Tensor::from(0.7);
    assert_eq!(grad(|x: &Tensor| x * x)(&x).item(), 1.4);
    let (_, t) = jvp(|x: &Tensor| x.sin(), &x, &Tensor::from(1.0));
    assert_eq!(t.item(), 0.7f64.cos());
    let v = vmap(|x: &Tensor| x * 2.0)(&Tensor::from(vec![1.0, 2.0]));
    assert_eq!(v.to_vec(), vec![2.0, 4.0]);
    let p = Tensor::param(3.0);
    (&p * &p).backward();
    assert_eq!(p.grad().map(|g| g.item()), Some(6.0));
}

fn panics(f: impl FnOnce()) {
    assert!(
        catch_unwind(AssertUnwindSafe(f)).is_err(),
        "expected a panic"
    );
}

#[test]
fn a_panic_inside_every_transform_leaves_the_thread_healthy() {
    let x = Tensor::from(vec![0.5, 1.5]);
    let t = Tensor::from(vec![1.0, 0.0]);
    panics(|| drop(grad(|x: &Tensor| boom(x).sum())(&x)));
    assert_healthy();
    panics(|| drop(jvp(boom, &x, &t)));
    assert_healthy();
    panics(|| drop(vjp(boom, &x)));
    assert_healthy();
    panics(|| drop(linearize(boom, &x)));
    assert_healthy();
    panics(|| drop(vmap(boom)(&x)));
    assert_healthy();
    panics(|| drop(jacfwd(boom)(&x)));
    assert_healthy();
    panics(|| drop(jacrev(boom)(&x)));
    assert_healthy();
    panics(|| drop(hessian(|x: &Tensor| boom(x).sum())(&x)));
    assert_healthy();
    // Nested: the panic unwinds through three interpreters at once.
    panics(|| {
        drop(grad(|x: &Tensor| {
            grad(|y: &Tensor| vmap(boom)(y).sum())(x).sum()
        })(&x))
    });
    assert_healthy();
    // In the pullback, after the forward pass succeeded.
    let (_, pullback) = vjp(|x: &Tensor| x.sin(), &x);
    panics(|| drop(pullback(&Tensor::from(vec![1.0, 2.0, 3.0]))));
    assert_healthy();
}

#[test]
fn a_panic_in_custom_rules_leaves_the_thread_healthy() {
    let x = Tensor::from(vec![0.5, 1.5]);
    let bad_vjp = custom_vjp(
        |x: &Tensor| x.sin(),
        |_x: &Tensor, _y: &Tensor, ct: &Tensor| boom(ct),
    );
    panics(|| drop(grad(|x: &Tensor| bad_vjp(x).sum())(&x)));
    assert_healthy();
    let bad_jvp = custom_jvp(
        |x: &Tensor| x.sin(),
        |x: &Tensor, t: &Tensor| (x.sin(), boom(t)),
    );
    panics(|| drop(jvp(&bad_jvp, &x, &x)));
    assert_healthy();
}

#[test]
fn a_panic_during_backward_leaves_the_tape_working() {
    let bad_vjp = custom_vjp(
        |x: &Tensor| x.sin(),
        |_x: &Tensor, _y: &Tensor, ct: &Tensor| boom(ct),
    );
    let w = Tensor::param(vec![0.2, 0.4]);
    let y = bad_vjp(&w).sum();
    panics(|| y.backward());
    assert!(w.grad().is_none(), "a failed pass adds nothing");
    drop(y);
    assert_healthy();
    // The same param goes on learning.
    let y = (&w * &w).sum();
    y.backward();
    assert_eq!(w.grad().map(|g| g.to_vec()), Some(vec![0.4, 0.8]));
    // A create_graph pass that panics, then one that works.
    let y = bad_vjp(&w).sum();
    panics(|| drop(w.grad_of(&y, true)));
    let g = w.grad_of(&(&w * &w * &w).sum(), true);
    assert_eq!(w.grad_of(&g.sum(), false).to_vec(), vec![1.2, 2.4]);
    drop((y, g));
    assert_healthy();
    assert!(tape_len() < 64, "the tape holds {} rows", tape_len());
}
