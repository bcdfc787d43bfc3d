//! `vmap` over functions of several arguments, with `in_axes` given per argument as a pytree
//! prefix, as JAX does: `vmap(f, in_axes=(None, 0, 0))(w, xs, ys)` is
//! `vmap_args(f, (None, Some(0), Some(0)))(&w, &xs, &ys)`.
//!
//! An [`InAxes`] spec is matched against the arguments' tuple from the top: an axis
//! (`Some(axis)`, or `None` for "the same for every example") applies to every leaf of the
//! subtree where it stands; a tuple (or `Vec`, or [`InAxes::Each`]) of specs matches the
//! children of a tuple, list, map (keys in sorted order) or struct (fields in declaration
//! order) one by one. So `Some(0)` maps axis 0 of every leaf of every argument, and
//! `(None, (Some(0), None), Some(1))` leaves the first argument unmapped, maps the first
//! member of the second argument (a pair) along 0 and its second not at all, and the third
//! argument along 1. Every output leaf gets the batch as its axis 0 (JAX's default
//! `out_axes=0`), or where [`vmap_args_out`] puts it.

use ferrograd_core::transforms::vmap_flat;
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{Tree, TreeDef};

use crate::args::{leaf_count, ArgsFn, Params};
use crate::site::Site;

/// Which axis of an argument (or of each part of it) `vmap_args` maps: a pytree prefix of
/// the arguments (see the module docs). Usually written through [`IntoInAxes`]: `Some(0)`,
/// `None`, and tuples or `Vec`s of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InAxes {
    /// This axis (negative counts from the end) of every leaf below, or `None`: not mapped.
    All(Option<i64>),
    /// One spec per child of a tuple, list, map (sorted keys) or struct (declaration order).
    Each(Vec<InAxes>),
}

/// Values that describe an [`InAxes`] spec: `Option<i64>` (an axis for a whole subtree),
/// `InAxes`, and tuples (up to 4) and `Vec`s of these (one per child).
pub trait IntoInAxes {
    /// The spec.
    fn into_in_axes(self) -> InAxes;
}

impl IntoInAxes for Option<i64> {
    fn into_in_axes(self) -> InAxes {
        InAxes::All(self)
    }
}

impl IntoInAxes for InAxes {
    fn into_in_axes(self) -> InAxes {
        self
    }
}

impl<S: IntoInAxes> IntoInAxes for Vec<S> {
    fn into_in_axes(self) -> InAxes {
        InAxes::Each(self.into_iter().map(IntoInAxes::into_in_axes).collect())
    }
}

impl<A: IntoInAxes> IntoInAxes for (A,) {
    fn into_in_axes(self) -> InAxes {
        InAxes::Each(vec![self.0.into_in_axes()])
    }
}

impl<A: IntoInAxes, B: IntoInAxes> IntoInAxes for (A, B) {
    fn into_in_axes(self) -> InAxes {
        InAxes::Each(vec![self.0.into_in_axes(), self.1.into_in_axes()])
    }
}

impl<A: IntoInAxes, B: IntoInAxes, C: IntoInAxes> IntoInAxes for (A, B, C) {
    fn into_in_axes(self) -> InAxes {
        let (a, b, c) = self;
        InAxes::Each(vec![a.into_in_axes(), b.into_in_axes(), c.into_in_axes()])
    }
}

impl<A: IntoInAxes, B: IntoInAxes, C: IntoInAxes, D: IntoInAxes> IntoInAxes for (A, B, C, D) {
    fn into_in_axes(self) -> InAxes {
        let (a, b, c, d) = self;
        let each = vec![
            a.into_in_axes(),
            b.into_in_axes(),
            c.into_in_axes(),
            d.into_in_axes(),
        ];
        InAxes::Each(each)
    }
}

/// The children of a tree node, in leaf order.
fn children(def: &TreeDef) -> Option<Vec<&TreeDef>> {
    match def {
        TreeDef::Leaf | TreeDef::Empty => None,
        TreeDef::Tuple(c) | TreeDef::List(c) => Some(c.iter().collect()),
        TreeDef::Map(c) => Some(c.iter().map(|(_, d)| d).collect()),
        TreeDef::Struct { fields, .. } => Some(fields.iter().map(|(_, d)| d).collect()),
    }
}

impl InAxes {
    /// One axis per leaf of a tree of structure `def`, or what does not match. `path` names
    /// the place in the arguments, as `args.1.0`.
    pub(crate) fn per_leaf(
        &self,
        def: &TreeDef,
        path: &str,
        out: &mut Vec<Option<i64>>,
    ) -> Result<(), String> {
        match self {
            InAxes::All(a) => out.extend(std::iter::repeat_n(*a, leaf_count(def))),
            InAxes::Each(specs) => {
                let Some(kids) = children(def) else {
                    return Err(format!(
                        "in_axes gives {} entries for {path}, which is {}; give one axis (Some(axis) or None) there",
                        specs.len(),
                        if *def == TreeDef::Leaf { "a single tensor" } else { "empty" }
                    ));
                };
                if kids.len() != specs.len() {
                    return Err(format!(
                        "in_axes gives {} entries for {path}, which has {} parts; give one per part, or one axis (Some(axis) or None) for all of it",
                        specs.len(),
                        kids.len()
                    ));
                }
                for (i, (s, d)) in specs.iter().zip(kids).enumerate() {
                    s.per_leaf(d, &format!("{path}.{i}"), out)?;
                }
            }
        }
        Ok(())
    }
}

/// Maps `f`, a function of 1 to 4 pytree arguments, over the axes `in_axes` gives, one spec
/// per argument (JAX's `vmap(f, in_axes)`; see the module docs for the prefix rule). Every
/// output leaf has the batch as its axis 0.
///
/// ```
/// use ferrograd::{grad_argnums, vmap_args, Arg, Tensor};
/// // Per-example gradients: JAX's vmap(grad(loss), in_axes=(None, 0, 0))(w, xs, ys).
/// let loss = |w: &Tensor, x: &Tensor, y: &Tensor| (w.dot(x) - y).powi(2);
/// let w = Tensor::from(vec![1.0, 1.0]);
/// let xs = Tensor::from([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]]);
/// let ys = Tensor::from(vec![2.0, 7.0, 1.0]);
/// let g = vmap_args(grad_argnums(loss, Arg::<0>), (None, Some(0), Some(0)))(&w, &xs, &ys);
/// // residuals [1, 0, 0]: each row is 2 r x
/// assert_eq!(g.to_vec(), vec![2.0, 4.0, 0.0, 0.0, 0.0, 0.0]);
/// ```
///
/// # Panics
/// Here, never. When called: if `in_axes` does not match the arguments' structure, and as
/// [`vmap`](crate::vmap); the message names `vmap_args` and the line where it was made.
#[track_caller]
pub fn vmap_args<'f, P: Params + 'f, U: Tree + 'f>(
    f: impl ArgsFn<P, U> + 'f,
    in_axes: impl IntoInAxes,
) -> Box<P::DynFn<'f, U>> {
    let site = Site::made("vmap_args");
    vmap_args_at(site, f, in_axes.into_in_axes(), vec![Some(0)])
}

/// [`vmap_args`] with the batch axis of each output leaf given (JAX's `out_axes`, flat): one
/// entry per output leaf, or a single entry for all; `None` for an output that does not
/// depend on the mapped inputs.
///
/// ```
/// use ferrograd::{vmap_args_out, Tensor};
/// let f = |a: &Tensor, b: &Tensor| a * b;
/// let (a, b) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![1.0, 10.0, 100.0]));
/// // The outer product, with the batch of `a` last: out[j, i] = a[i] b[j].
/// let outer = vmap_args_out(f, (Some(0), None), &[Some(-1)])(&a, &b);
/// assert_eq!(outer.shape(), &[3, 2]);
/// assert_eq!(outer.to_vec(), vec![1.0, 2.0, 10.0, 20.0, 100.0, 200.0]);
/// ```
///
/// # Panics
/// As [`vmap_args`]; also if an `out_axes` entry is out of range, or `None` for a batched
/// output.
#[track_caller]
pub fn vmap_args_out<'f, P: Params + 'f, U: Tree + 'f>(
    f: impl ArgsFn<P, U> + 'f,
    in_axes: impl IntoInAxes,
    out_axes: &[Option<i64>],
) -> Box<P::DynFn<'f, U>> {
    let site = Site::made("vmap_args_out");
    vmap_args_at(site, f, in_axes.into_in_axes(), out_axes.to_vec())
}

fn vmap_args_at<'f, P: Params + 'f, U: Tree + 'f>(
    site: Site,
    f: impl ArgsFn<P, U> + 'f,
    in_axes: InAxes,
    out_axes: Vec<Option<i64>>,
) -> Box<P::DynFn<'f, U>> {
    P::boxed(move |p: P| {
        let mut axes = Vec::new();
        if let Err(msg) = in_axes.per_leaf(&p.tree_def(), "args", &mut axes) {
            site.fail(&msg);
        }
        let mut out = None;
        let call = |xs: &[ferrograd_core::Tensor]| {
            let y = f.call(&rebuild(&p, xs.to_vec()));
            let ys = leaves(&y);
            out = Some(y);
            Ok(ys)
        };
        let ys = site.ok(vmap_flat(call, &leaves(&p), &axes, &out_axes));
        rebuild(&out.expect("the function ran"), ys)
    })
}
