//! Jacobians and Hessians: [`jacfwd`] (one vmapped jvp over the input basis), [`jacrev`] (one
//! linearization, then one vmapped transpose over the output basis), [`hessian`]
//! (forward-over-reverse, `jacfwd(grad f)`) and [`hvp`] (a Hessian-vector product that never
//! forms the Hessian: one jvp of the gradient, O(d) memory).

use ferrograd_core::transforms::{jvp_flat, linearize_flat, vmap_flat};
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{lax, DType, Result, Tensor, Tree};

use crate::np;
use crate::site::Site;
use crate::transforms::{jvp_at, value_and_grad_at};

/// For each leaf: columns `offset..offset + size` of the `n × n` identity, as a batch of `n`
/// tangents shaped like the leaf (the standard basis of the flattened input).
fn input_basis(xs: &[Tensor]) -> Result<Vec<Tensor>> {
    let n: usize = xs.iter().map(Tensor::size).sum();
    let eye = np::eye(n);
    let mut offset = 0;
    xs.iter()
        .map(|x| {
            let cols = lax::slice(&eye, &[0, offset], &[n, offset + x.size()], &[1, 1])?;
            offset += x.size();
            let mut shape = vec![n];
            shape.extend_from_slice(x.shape());
            lax::convert(&lax::reshape(&cols, &shape)?, x.dtype())
        })
        .collect()
}

/// Splits the last axis (of length Σ sizes) of `j` into one block per leaf of `xs`, each
/// reshaped to `j`'s other axes followed by the leaf's shape.
fn split_last(j: &Tensor, xs: &[Tensor]) -> Result<Vec<Tensor>> {
    let lead = &j.shape()[..j.ndim() - 1];
    let mut offset = 0;
    xs.iter()
        .map(|x| {
            let mut start = vec![0; j.ndim()];
            let mut limit = j.shape().to_vec();
            start[j.ndim() - 1] = offset;
            limit[j.ndim() - 1] = offset + x.size();
            offset += x.size();
            let block = lax::slice(j, &start, &limit, &vec![1; j.ndim()])?;
            let shape: Vec<usize> = lead.iter().chain(x.shape()).copied().collect();
            lax::reshape(&block, &shape)
        })
        .collect()
}

/// The Jacobian of `f` by forward mode: one jvp, vmapped over the standard basis of the
/// input (JAX's `jacfwd`). For `f: Tensor → Tensor` it has shape `out.shape ++ in.shape`;
/// for a pytree input it is a tree shaped like the input whose leaves are the blocks
/// `∂out/∂leaf` (shape `out.shape ++ leaf.shape`). Best when inputs are fewer than outputs.
///
/// ```
/// use ferrograd::{jacfwd, Tensor};
/// let a = Tensor::from([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// let j = jacfwd(|x: &Tensor| a.matmul(x))(&Tensor::from(vec![0.5, -1.0]));
/// assert_eq!(j.to_vec(), a.to_vec());
/// ```
///
/// # Panics
/// When called: if an input leaf is not a float tensor (the message names `jacfwd` and the
/// line where it was made).
#[track_caller]
pub fn jacfwd<T: Tree + Clone>(f: impl Fn(&T) -> Tensor) -> impl Fn(&T) -> T {
    let site = Site::made("jacfwd");
    move |x: &T| jacfwd_at(site, &f, x)
}

/// The forward-mode Jacobian of `f` at `x`, its errors reported at `site`.
pub(crate) fn jacfwd_at<T: Tree + Clone>(site: Site, f: impl Fn(&T) -> Tensor, x: &T) -> T {
    let xs = leaves(x);
    let flat = |v: &[Tensor]| Ok(vec![f(&rebuild(x, v.to_vec()))]);
    let pushforward = |ts: &[Tensor]| Ok(jvp_flat(flat, &xs, ts)?.1);
    let basis = site.ok(input_basis(&xs));
    let j = site.ok(vmap_flat(
        pushforward,
        &basis,
        &vec![Some(0); basis.len()],
        &[Some(-1)],
    ));
    rebuild(x, site.ok(split_last(&j[0], &xs)))
}

/// The Jacobian of `f` by reverse mode: one linearization, then its transpose vmapped over
/// the standard basis of the output (JAX's `jacrev`). Same layout as [`jacfwd`]; best when
/// outputs are fewer than inputs.
///
/// ```
/// use ferrograd::{jacrev, Tensor};
/// let j = jacrev(|x: &Tensor| x * x)(&Tensor::from(vec![1.0, 2.0]));
/// assert_eq!(j.to_vec(), vec![2.0, 0.0, 0.0, 4.0]);
/// ```
///
/// # Panics
/// When called: if an input leaf is not a float tensor (the message names `jacrev` and the
/// line where it was made).
#[track_caller]
pub fn jacrev<T: Tree + Clone>(f: impl Fn(&T) -> Tensor) -> impl Fn(&T) -> T {
    let site = Site::made("jacrev");
    move |x: &T| jacrev_at(site, &f, x)
}

/// The reverse-mode Jacobian of `f` at `x`, its errors reported at `site`.
pub(crate) fn jacrev_at<T: Tree + Clone>(site: Site, f: impl Fn(&T) -> Tensor, x: &T) -> T {
    let xs = leaves(x);
    let flat = |v: &[Tensor]| Ok(vec![f(&rebuild(x, v.to_vec()))]);
    let (ys, lin) = site.ok(linearize_flat(flat, &xs));
    let y = &ys[0];
    let m = y.size();
    let mut shape = vec![m];
    shape.extend_from_slice(y.shape());
    let dtype = if y.dtype().is_float() {
        y.dtype()
    } else {
        DType::F64
    };
    let basis = site.ok(lax::reshape(&np::eye(m), &shape).and_then(|b| lax::convert(&b, dtype)));
    let pullback = |c: &[Tensor]| lin.transpose(&[Some(c[0].clone())]);
    let cts = site.ok(vmap_flat(pullback, &[basis], &[Some(0)], &[Some(0)]));
    let blocks = cts
        .iter()
        .map(|c| {
            let shape: Vec<usize> = y.shape().iter().chain(&c.shape()[1..]).copied().collect();
            site.ok(lax::reshape(c, &shape))
        })
        .collect();
    rebuild(x, blocks)
}

/// The Hessian of a scalar function, forward-over-reverse: `jacfwd(grad(f))`, shape
/// `x.shape ++ x.shape`.
///
/// ```
/// use ferrograd::{hessian, Tensor};
/// // f(x) = x0² x1: H = [[2 x1, 2 x0], [2 x0, 0]]
/// let h = hessian(|x: &Tensor| x.get(0) * x.get(0) * x.get(1))(&Tensor::from(vec![1.0, 2.0]));
/// assert_eq!(h.to_vec(), vec![4.0, 2.0, 2.0, 0.0]);
/// ```
///
/// # Panics
/// When called: if `f` returns a non-scalar, or `x` is not a float tensor (the message names
/// `hessian` and the line where it was made).
#[track_caller]
pub fn hessian(f: impl Fn(&Tensor) -> Tensor) -> impl Fn(&Tensor) -> Tensor {
    let site = Site::made("hessian");
    move |x: &Tensor| hessian_at(site, &f, x)
}

/// The Hessian of `f` at `x`, forward over reverse, its errors reported at `site`.
pub(crate) fn hessian_at(site: Site, f: impl Fn(&Tensor) -> Tensor, x: &Tensor) -> Tensor {
    jacfwd_at(site, |x: &Tensor| value_and_grad_at(site, &f, x).1, x)
}

/// The Hessian-vector product `∇²f(x)·v` as the directional derivative of the gradient
/// (forward over reverse): it never forms the Hessian, costs a small multiple of one gradient,
/// and needs O(size of x) memory. `x` and `v` are pytrees of the same structure.
///
/// ```
/// use ferrograd::{hvp, Tensor};
/// // f(x) = Σ x³ / 3: H = diag(2x)
/// let f = |x: &Tensor| (x * x * x).sum() / 3.0;
/// let x = Tensor::from(vec![1.0, 2.0]);
/// assert_eq!(hvp(f, &x, &Tensor::from(vec![1.0, 1.0])).to_vec(), vec![2.0, 4.0]);
/// ```
///
/// # Panics
/// If `f` returns a non-scalar, or `x` and `v` differ in structure, shapes or dtypes.
#[track_caller]
pub fn hvp<T: Tree + Clone>(f: impl Fn(&T) -> Tensor, x: &T, v: &T) -> T {
    let site = Site::called("hvp");
    jvp_at(site, |x: &T| value_and_grad_at(site, &f, x).1, x, v).1
}
