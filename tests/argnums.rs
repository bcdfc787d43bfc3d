//! The `*_argnums` transforms (JAX's `argnums`) against the one-argument transforms applied
//! to the chosen arguments packed in a tuple by hand: the same numbers, bit for bit.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use common::normal;
use ferrograd::tree::leaves;
use ferrograd::{
    grad, grad_argnums, grad_with_aux, grad_with_aux_argnums, hessian, hessian_argnums, jacfwd,
    jacfwd_argnums, jacrev, jacrev_argnums, jvp, jvp_argnums, value_and_grad,
    value_and_grad_argnums, value_and_grad_with_aux, value_and_grad_with_aux_argnums, vjp,
    vjp_argnums, Arg, Tensor, Tree,
};

/// Same structure, shapes, dtypes and bits.
fn same<T: Tree>(a: &T, b: &T) {
    assert_eq!(a.tree_def(), b.tree_def(), "structure");
    for (i, (x, y)) in leaves(a).iter().zip(leaves(b)).enumerate() {
        assert_eq!(x.shape(), y.shape(), "leaf {i}: shapes");
        assert_eq!(x.dtype(), y.dtype(), "leaf {i}: dtypes");
        let (xv, yv) = (x.to_vec(), y.to_vec());
        let bits = |v: &[f64]| v.iter().map(|e| e.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&xv), bits(&yv), "leaf {i}: {xv:?} vs {yv:?}");
    }
}

/// A loss of a linear model (w, b) on data (x, y).
fn loss(w: &Tensor, b: &Tensor, x: &Tensor, y: &Tensor) -> Tensor {
    (x.matmul(w) + b - y).tanh().powi(2).mean()
}

fn data() -> (Tensor, Tensor, Tensor, Tensor) {
    (
        normal(1, &[3]),
        normal(2, &[]),
        normal(3, &[5, 3]),
        normal(4, &[5]),
    )
}

#[test]
fn grad_of_each_argument_and_of_pairs_matches_the_packed_form() {
    let (w, b, x, y) = data();
    // One argument: argnums = 0, 1, 2, 3.
    let old_w = grad(|w: &Tensor| loss(w, &b, &x, &y))(&w);
    same(&grad_argnums(loss, Arg::<0>)(&w, &b, &x, &y), &old_w);
    let old_b = grad(|b: &Tensor| loss(&w, b, &x, &y))(&b);
    same(&grad_argnums(loss, Arg::<1>)(&w, &b, &x, &y), &old_b);
    let old_x = grad(|x: &Tensor| loss(&w, &b, x, &y))(&x);
    same(&grad_argnums(loss, Arg::<2>)(&w, &b, &x, &y), &old_x);
    let old_y = grad(|y: &Tensor| loss(&w, &b, &x, y))(&y);
    same(&grad_argnums(loss, Arg::<3>)(&w, &b, &x, &y), &old_y);
    // The (w, b) loss with data (x, y): the old style packs (w, b) into one cloned tuple.
    let old = grad(|(w, b): &(Tensor, Tensor)| loss(w, b, &x, &y))(&(w.clone(), b.clone()));
    same(
        &grad_argnums(loss, (Arg::<0>, Arg::<1>))(&w, &b, &x, &y),
        &old,
    );
    // Out of order: the gradients come in the order asked.
    let (gb, gw) = grad_argnums(loss, (Arg::<1>, Arg::<0>))(&w, &b, &x, &y);
    same(&(gw, gb), &old);
    // Three and four arguments at once.
    let old3 = grad(|(w, x, y): &(Tensor, Tensor, Tensor)| loss(w, &b, x, y))(&(
        w.clone(),
        x.clone(),
        y.clone(),
    ));
    same(
        &grad_argnums(loss, (Arg::<0>, Arg::<2>, Arg::<3>))(&w, &b, &x, &y),
        &old3,
    );
    let all = (w.clone(), b.clone(), x.clone(), y.clone());
    let old4 = grad(|(w, b, x, y): &(Tensor, Tensor, Tensor, Tensor)| loss(w, b, x, y))(&all);
    let chosen = (Arg::<0>, Arg::<1>, Arg::<2>, Arg::<3>);
    same(&grad_argnums(loss, chosen)(&w, &b, &x, &y), &old4);
    // A one-element tuple of choices gives a one-element tuple (JAX's argnums=(0,)).
    let (g,) = grad_argnums(loss, (Arg::<0>,))(&w, &b, &x, &y);
    same(&g, &old_w);
}

#[test]
fn two_argument_functions_and_pytree_arguments() {
    let f = |p: &(Tensor, Vec<Tensor>), x: &Tensor| (&p.0 * x).sum() * (&p.1[0] * &p.1[1]).sum();
    let p = (normal(5, &[2]), vec![normal(6, &[3]), normal(7, &[3])]);
    let x = normal(8, &[2]);
    same(
        &grad_argnums(f, Arg::<0>)(&p, &x),
        &grad(|p: &(Tensor, Vec<Tensor>)| f(p, &x))(&p),
    );
    same(
        &grad_argnums(f, Arg::<1>)(&p, &x),
        &grad(|x: &Tensor| f(&p, x))(&x),
    );
    // A one-argument function works too.
    let g = |x: &Tensor| x.sin().sum();
    same(&grad_argnums(g, Arg::<0>)(&x), &grad(g)(&x));
}

#[test]
fn value_and_aux_forms_match() {
    let (w, b, x, y) = data();
    let packed = (w.clone(), b.clone());
    let (v_old, g_old) = value_and_grad(|(w, b): &(Tensor, Tensor)| loss(w, b, &x, &y))(&packed);
    let (v, g) = value_and_grad_argnums(loss, (Arg::<0>, Arg::<1>))(&w, &b, &x, &y);
    same(&(v, g), &(v_old, g_old));

    let with_aux = |w: &Tensor, b: &Tensor, x: &Tensor, y: &Tensor| {
        let r = x.matmul(w) + b - y;
        ((&r * &r).sum(), r)
    };
    let (g_old, aux_old) =
        grad_with_aux(|(w, b): &(Tensor, Tensor)| with_aux(w, b, &x, &y))(&packed);
    let (g, aux) = grad_with_aux_argnums(with_aux, (Arg::<0>, Arg::<1>))(&w, &b, &x, &y);
    same(&(g, aux), &(g_old, aux_old));
    let old = value_and_grad_with_aux(|b: &Tensor| with_aux(&w, b, &x, &y))(&b);
    let new = value_and_grad_with_aux_argnums(with_aux, Arg::<1>)(&w, &b, &x, &y);
    same(&new, &old);
}

#[test]
fn jvp_and_vjp_in_chosen_arguments() {
    let (w, b, x, y) = data();
    let f = |w: &Tensor, x: &Tensor| x.matmul(w).sin();
    let t = normal(9, &[3]);
    same(
        &jvp_argnums(f, Arg::<0>, (&w, &x), &t),
        &jvp(|w: &Tensor| f(w, &x), &w, &t),
    );
    let tx = normal(10, &[5, 3]);
    let both = (t.clone(), tx.clone());
    same(
        &jvp_argnums(f, (Arg::<0>, Arg::<1>), (&w, &x), &both),
        &jvp(
            |(w, x): &(Tensor, Tensor)| f(w, x),
            &(w.clone(), x.clone()),
            &both,
        ),
    );
    let ct = normal(11, &[5]);
    let (y_new, pb_new) = vjp_argnums(f, (Arg::<1>, Arg::<0>), (&w, &x));
    let (y_old, pb_old) = vjp(|(x, w): &(Tensor, Tensor)| f(w, x), &(x.clone(), w.clone()));
    same(&y_new, &y_old);
    same(&pb_new(&ct), &pb_old(&ct));
    // Four arguments, the scalar loss, pullback of one.
    let (l, pb) = vjp_argnums(loss, Arg::<1>, (&w, &b, &x, &y));
    let (l_old, pb_old) = vjp(|b: &Tensor| loss(&w, b, &x, &y), &b);
    same(&l, &l_old);
    same(&pb(&Tensor::from(1.0)), &pb_old(&Tensor::from(1.0)));
}

#[test]
fn jacobians_and_hessian_of_a_two_argument_function() {
    let f = |a: &Tensor, x: &Tensor| (a.matmul(x)).tanh();
    let a = normal(12, &[4, 3]);
    let x = normal(13, &[3]);
    same(
        &jacfwd_argnums(f, Arg::<1>)(&a, &x),
        &jacfwd(|x: &Tensor| f(&a, x))(&x),
    );
    same(
        &jacrev_argnums(f, Arg::<0>)(&a, &x),
        &jacrev(|a: &Tensor| f(a, &x))(&a),
    );
    let packed = (a.clone(), x.clone());
    same(
        &jacfwd_argnums(f, (Arg::<0>, Arg::<1>))(&a, &x),
        &jacfwd(|(a, x): &(Tensor, Tensor)| f(a, x))(&packed),
    );
    same(
        &jacrev_argnums(f, (Arg::<0>, Arg::<1>))(&a, &x),
        &jacrev(|(a, x): &(Tensor, Tensor)| f(a, x))(&packed),
    );
    let s = |a: &Tensor, x: &Tensor| f(a, x).powi(2).sum();
    same(
        &hessian_argnums(s, Arg::<1>)(&a, &x),
        &hessian(|x: &Tensor| s(&a, x))(&x),
    );
    let h = hessian_argnums(s, Arg::<0>)(&a, &x);
    assert_eq!(h.shape(), &[4, 3, 4, 3]);
    same(&h, &hessian(|a: &Tensor| s(a, &x))(&a));
}

#[test]
fn transforms_nest() {
    // The gradient of a gradient in another argument: ∂²/∂b∂w of Σ (w b)³.
    let f = |w: &Tensor, b: &Tensor| (w * b).powi(3).sum();
    let (w, b) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(0.5));
    let dw = grad_argnums(f, Arg::<0>);
    let dwdb = grad_argnums(|w: &Tensor, b: &Tensor| dw(w, b).sum(), Arg::<1>)(&w, &b);
    // ∂/∂w = 3 w² b³ … d/db Σ 3 w² b³ = 9 b² Σ w² = 9 · 0.25 · 5
    assert_eq!(dwdb.item(), 11.25);
}

#[test]
fn an_argument_chosen_twice_is_refused_where_the_transform_is_made() {
    let f = |a: &Tensor, b: &Tensor| (a * b).sum();
    let twice = || drop(grad_argnums(f, (Arg::<0>, Arg::<0>)));
    let line = line!() - 1;
    let p = catch_unwind(AssertUnwindSafe(twice));
    let err = p.expect_err("refused");
    let msg = err.downcast_ref::<String>().expect("a message");
    assert!(msg.contains("chosen twice"), "{msg}");
    assert!(
        msg.contains(&format!("grad_argnums (made at tests/argnums.rs:{line})")),
        "{msg}"
    );
}
