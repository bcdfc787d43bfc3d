//! `vmap`: the vectorising map over pytrees. A function written for one example runs on a
//! whole batch at once: every primitive is applied once to the batch (its batch rule), not
//! once per example. The flat transform is `ferrograd_core::transforms::vmap_flat`; this only
//! flattens and rebuilds the trees.

use ferrograd_core::transforms::vmap_flat;
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::Tree;

use crate::site::Site;
use crate::transforms::flat_call;

/// Maps `f` over axis 0 of every leaf of its input; every output leaf gets the batch as its
/// axis 0 (JAX's `vmap(f)`). Values the function captures are the same for every example,
/// so "unmapped" arguments are simply captured.
///
/// ```
/// use ferrograd::{grad, vmap, Tensor};
/// // Per-example gradients of w·x, with the weights captured (unmapped).
/// let w = Tensor::from(vec![1.0, 1.0, 1.0]);
/// let xs = Tensor::from([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]);
/// let per_example = vmap(|x: &Tensor| grad(|w: &Tensor| w.dot(x))(&w))(&xs);
/// assert_eq!(per_example.to_vec(), vec![1., 2., 3., 2., 4., 6.]);
/// ```
///
/// # Panics
/// When called: if mapped leaves differ in their size along axis 0, a leaf is 0-d, or the
/// function reads a batched value as a number (`item`, `to_vec`, a Rust `if` on data: use
/// `np::where_`, or structured control flow). The message of an error found by `vmap` itself
/// names `vmap` and the line where it was made.
#[track_caller]
pub fn vmap<T: Tree + Clone, U: Tree>(f: impl Fn(&T) -> U) -> impl Fn(&T) -> U {
    let site = Site::made("vmap");
    move |x: &T| {
        let n = leaves(x).len();
        vmap_at(site, &f, x, &vec![Some(0); n], &[Some(0)])
    }
}

/// [`vmap`] with explicit axes (JAX's `vmap(f, in_axes, out_axes)`): `in_axes` has one entry
/// per leaf of the input (in leaf order; for a tuple of tensors, one per argument), `None`
/// for a leaf that is the same for every example; `out_axes` has one entry per output leaf,
/// or a single entry for all (`None` for an output that does not depend on mapped inputs).
/// Negative axes count from the end.
///
/// ```
/// use ferrograd::{grad, vmap_axes, Tensor};
/// // JAX's vmap(grad(loss), in_axes=(None, 0)) for loss(w, x) = w·x.
/// let loss = |(w, x): &(Tensor, Tensor)| w.dot(x);
/// let grad_w = |args: &(Tensor, Tensor)| grad(|w: &Tensor| loss(&(w.clone(), args.1.clone())))(&args.0);
/// let w = Tensor::from(vec![1.0, 1.0, 1.0]);
/// let xs = Tensor::from([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]);
/// let g = vmap_axes(grad_w, &[None, Some(0)], &[Some(0)])(&(w, xs));
/// assert_eq!(g.shape(), &[2, 3]);
/// assert_eq!(g.to_vec(), vec![1., 2., 3., 2., 4., 6.]);
/// ```
///
/// # Panics
/// As [`vmap`]; also if an axis is out of range, `in_axes` does not have one entry per input
/// leaf, every entry is `None`, or a batched output has an `out_axes` entry of `None`.
#[track_caller]
pub fn vmap_axes<T: Tree + Clone, U: Tree>(
    f: impl Fn(&T) -> U,
    in_axes: &[Option<i64>],
    out_axes: &[Option<i64>],
) -> impl Fn(&T) -> U {
    let site = Site::made("vmap_axes");
    let (in_axes, out_axes) = (in_axes.to_vec(), out_axes.to_vec());
    move |x: &T| vmap_at(site, &f, x, &in_axes, &out_axes)
}

/// `f` mapped over the given axes of `x`'s leaves, its errors reported at `site`.
pub(crate) fn vmap_at<T: Tree, U: Tree>(
    site: Site,
    f: impl Fn(&T) -> U,
    x: &T,
    in_axes: &[Option<i64>],
    out_axes: &[Option<i64>],
) -> U {
    let mut out = None;
    let ys = site.ok(vmap_flat(
        flat_call(&f, x, &mut out),
        &leaves(x),
        in_axes,
        out_axes,
    ));
    let template = out.expect("the function ran");
    rebuild(&template, ys)
}
