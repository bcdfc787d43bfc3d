//! `vmap_args`: functions of several arguments with `in_axes` as a per-argument pytree prefix
//! (JAX's `vmap(f, in_axes=(None, 0, 0))`), against a Rust loop over the batch members and
//! against the old style (arguments packed into one tuple, one axis per leaf).

mod common;

use std::collections::BTreeMap;

use common::{close, normal, panic_text};
use ferrograd::{
    grad, grad_argnums, vmap_args, vmap_args_out, vmap_axes, Arg, InAxes, IntoInAxes, Tensor,
};

/// Member `k` of `x` along `axis`.
fn member(x: &Tensor, axis: i64, k: usize) -> Tensor {
    x.moveaxis(axis, 0).get(k as i64)
}

/// `f(k)` for each member, stacked along a new axis 0.
fn stacked(n: usize, f: impl Fn(usize) -> Tensor) -> Tensor {
    let ys: Vec<Tensor> = (0..n).map(f).collect();
    Tensor::stack(&ys.iter().collect::<Vec<_>>(), 0)
}

fn bits(t: &Tensor) -> Vec<u64> {
    t.to_vec().iter().map(|x| x.to_bits()).collect()
}

#[test]
fn one_axis_per_argument() {
    let f = |a: &Tensor, b: &Tensor, c: &Tensor| (a * b).sum() + c.sin();
    let a = normal(1, &[3]);
    let bs = normal(2, &[4, 3]);
    let cs = normal(3, &[4]);
    let got = vmap_args(f, (None, Some(0), Some(0)))(&a, &bs, &cs);
    let want = stacked(4, |k| f(&a, &member(&bs, 0, k), &member(&cs, 0, k)));
    close(&got, &want, 1e-14);
    // Another axis, negative from the end.
    let bt = bs.t();
    let got = vmap_args(f, (None, Some(-1), Some(0)))(&a, &bt, &cs);
    close(&got, &want, 1e-14);
    // One spec for every argument: all mapped along 0.
    let as_ = normal(4, &[4, 3]);
    let got = vmap_args(f, Some(0))(&as_, &bs, &cs);
    let want = stacked(4, |k| {
        f(&member(&as_, 0, k), &member(&bs, 0, k), &member(&cs, 0, k))
    });
    close(&got, &want, 1e-14);
}

#[test]
fn a_spec_for_an_argument_covers_all_its_leaves_and_nests() {
    // params: a (w, b) pair; data: a map of two tensors.
    let f = |p: &(Tensor, Tensor), d: &BTreeMap<String, Tensor>| {
        (d["x"].matmul(&p.0) + &p.1 - &d["y"]).powi(2).sum()
    };
    let ws = normal(5, &[6, 2]);
    let b = normal(6, &[]);
    let mut data = BTreeMap::new();
    data.insert("x".to_string(), normal(7, &[3, 2]));
    data.insert("y".to_string(), normal(8, &[6, 3]));
    // Nested: map w (axis 0) but not b; in the map (sorted keys x, y) map only y.
    let p = (ws.clone(), b.clone());
    let got = vmap_args(f, ((Some(0), None), (None, Some(0))))(&p, &data);
    let want = stacked(6, |k| {
        let mut d = data.clone();
        d.insert("y".to_string(), member(&data["y"], 0, k));
        f(&(member(&ws, 0, k), b.clone()), &d)
    });
    close(&got, &want, 1e-13);
    // The same through InAxes and Vec.
    let spec = InAxes::Each(vec![
        InAxes::Each(vec![InAxes::All(Some(0)), InAxes::All(None)]),
        vec![None, Some(0)].into_in_axes(),
    ]);
    assert_eq!(bits(&vmap_args(f, spec)(&p, &data)), bits(&got));
}

#[test]
fn per_example_gradients_in_one_line_equal_the_old_style() {
    let loss = |w: &Tensor, x: &Tensor, y: &Tensor| (x.dot(w) - y).tanh().powi(2);
    let w = normal(9, &[3]);
    let xs = normal(10, &[8, 3]);
    let ys = normal(11, &[8]);
    let new = vmap_args(grad_argnums(loss, Arg::<0>), (None, Some(0), Some(0)))(&w, &xs, &ys);
    // Old style: one packed, cloned tuple, one axis per leaf, explicit out_axes.
    let grad_w = |args: &(Tensor, Tensor, Tensor)| {
        let (w, x, y) = args;
        grad(|w: &Tensor| loss(w, x, y))(w)
    };
    let old = vmap_axes(grad_w, &[None, Some(0), Some(0)], &[Some(0)])(&(
        w.clone(),
        xs.clone(),
        ys.clone(),
    ));
    assert_eq!(new.shape(), &[8, 3]);
    assert_eq!(bits(&new), bits(&old));
    // And a loop over the examples.
    let want = stacked(8, |k| {
        grad(|w: &Tensor| loss(w, &member(&xs, 0, k), &member(&ys, 0, k)))(&w)
    });
    close(&new, &want, 1e-14);
}

#[test]
fn pytree_outputs_get_the_batch_at_axis_zero_or_where_asked() {
    let f = |a: &Tensor, b: &Tensor| (a * b, a.sum() * b.sum());
    let a = normal(12, &[5, 2]);
    let b = normal(13, &[2]);
    let (prod, dot) = vmap_args(f, (Some(0), None))(&a, &b);
    assert_eq!((prod.shape(), dot.shape()), (&[5, 2][..], &[5][..]));
    let want = stacked(5, |k| f(&member(&a, 0, k), &b).0);
    close(&prod, &want, 1e-15);
    let (prod_t, _) = vmap_args_out(f, (Some(0), None), &[Some(-1), Some(0)])(&a, &b);
    close(&prod_t, &want.t(), 1e-15);
}

#[test]
fn a_spec_that_does_not_fit_the_arguments_says_where() {
    let f = |a: &(Tensor, Tensor), b: &Tensor| &a.0 + &a.1 + b;
    let (a, b) = ((normal(14, &[2]), normal(15, &[2])), normal(16, &[2]));
    let line = line!() + 1;
    let g = vmap_args(f, ((Some(0), None, None), Some(0)));
    let msg = panic_text(|| drop(g(&a, &b)));
    assert!(
        msg.contains(&format!("vmap_args (made at tests/vmap_axes.rs:{line})")),
        "{msg}"
    );
    assert!(
        msg.contains("3 entries for args.0, which has 2 parts"),
        "{msg}"
    );
    let msg = panic_text(|| drop(vmap_args(f, (Some(0), (None, None)))(&a, &b)));
    assert!(msg.contains("args.1, which is a single tensor"), "{msg}");
    // An axis out of range is vmap's own error, under the name the user called.
    let msg = panic_text(|| drop(vmap_args(f, (None, Some(3)))(&a, &b)));
    assert!(
        msg.contains("vmap_args (made at") && msg.contains("out of range"),
        "{msg}"
    );
}
