//! The user-facing differentiation transforms over pytrees. Each is a thin wrapper over the
//! flat transforms of `ferrograd_core::transforms`; argument and result handling (pytrees in
//! and out, auxiliary outputs) is written once, in [`flat_call`] and [`check_scalar`].
//!
//! Every transform records where the user made it (a [`Site`]): its errors read
//! `grad (made at src/main.rs:12): …`. The `*_at` functions take that site, so a transform
//! built from others (`hessian` from `grad`, the `*_argnums` forms) reports its own name.

use ferrograd_core::api::ok;
use ferrograd_core::transforms::{jvp_flat, linearize_flat, LinearFn};
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{lax, Error, Result, Tensor, Tree};

use crate::site::Site;

/// Runs `f` on leaves rebuilt into `template`'s shape and returns the output's leaves, with
/// a template of the output (its structure) kept aside.
pub(crate) fn flat_call<'a, T: Tree, U: Tree>(
    f: impl FnOnce(&T) -> U + 'a,
    template: &'a T,
    out_template: &'a mut Option<U>,
) -> impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>> + 'a {
    move |xs: &[Tensor]| {
        let y = f(&rebuild(template, xs.to_vec()));
        let out = leaves(&y);
        *out_template = Some(y);
        Ok(out)
    }
}

/// Refuses gradients of non-scalar outputs with a message that says what to do.
pub(crate) fn check_scalar(op: &'static str, y: &Tensor) -> Result<()> {
    if !y.shape().is_empty() {
        return Err(Error::NotDifferentiable {
            op,
            msg: format!(
                "the function must return a scalar (0-d) tensor, but it returned shape {:?}; reduce it (e.g. .sum()), or use elementwise_grad for elementwise functions, or jacrev / vjp for the full derivative",
                y.shape()
            ),
        });
    }
    Ok(())
}

/// Forward mode: `(f(x), ∂f(x)·t)` with `t` shaped like `x` (JAX's `jvp`).
///
/// ```
/// use ferrograd::{jvp, Tensor};
/// let (y, y_dot) = jvp(|x: &Tensor| x * x, &Tensor::from(3.0), &Tensor::from(1.0));
/// assert_eq!((y.item(), y_dot.item()), (9.0, 6.0));
/// ```
#[track_caller]
pub fn jvp<T: Tree, U: Tree>(f: impl Fn(&T) -> U, x: &T, t: &T) -> (U, U) {
    jvp_at(Site::called("jvp"), f, x, t)
}

/// [`jvp`], its errors reported at `site`.
#[track_caller]
pub(crate) fn jvp_at<T: Tree, U: Tree>(site: Site, f: impl Fn(&T) -> U, x: &T, t: &T) -> (U, U) {
    let mut out = None;
    let r = jvp_flat(flat_call(&f, x, &mut out), &leaves(x), &leaves(t));
    let (y, y_dot) = site.ok(r);
    let template = out.expect("function ran");
    (rebuild(&template, y), rebuild(&template, y_dot))
}

/// `f(x)` and the linear map `t ↦ ∂f(x)·t`, evaluated without re-running `f` (JAX's
/// `linearize`). The primal work is done once, here.
#[track_caller]
pub fn linearize<T: Tree + Clone, U: Tree + Clone>(
    f: impl Fn(&T) -> U,
    x: &T,
) -> (U, impl Fn(&T) -> U) {
    let site = Site::called("linearize");
    let mut out = None;
    let (y, lin) = site.ok(linearize_flat(flat_call(&f, x, &mut out), &leaves(x)));
    let template = out.expect("function ran");
    let y = rebuild(&template, y);
    (y, move |t: &T| {
        rebuild(&template, site.ok(lin.apply(&leaves(t))))
    })
}

/// The bytes reverse mode keeps from `f`'s forward pass at `x` until its backward pass (the
/// residuals of its linearization, each buffer counted once): what [`checkpoint`](crate::checkpoint)
/// trades for recomputation (JAX's `print_saved_residuals`, as one number).
///
/// ```
/// use ferrograd::{checkpoint, residual_bytes, Tensor};
/// let f = |x: &Tensor| x.sin().exp().cos().sum();
/// let x = Tensor::from(vec![0.5; 1000]);
/// let kept = residual_bytes(f, &x);
/// let g = checkpoint(f);
/// // With checkpoint only the input (8,000 bytes) is kept; the intermediates are recomputed.
/// assert!(residual_bytes(|x: &Tensor| g(x), &x) < kept);
/// ```
#[track_caller]
pub fn residual_bytes<T: Tree + Clone, U: Tree>(f: impl Fn(&T) -> U, x: &T) -> usize {
    let site = Site::called("residual_bytes");
    let mut out = None;
    let (_, lin) = site.ok(linearize_flat(flat_call(&f, x, &mut out), &leaves(x)));
    lin.residual_bytes()
}

/// Reverse mode: `f(x)` and the pullback `ct ↦ ∂f(x)ᵀ·ct`, with `ct` shaped like `f(x)`
/// and the result shaped like `x` (JAX's `vjp`).
///
/// ```
/// use ferrograd::{vjp, Tensor};
/// let (y, pullback) = vjp(|x: &Tensor| x * x, &Tensor::from(vec![1.0, 2.0]));
/// assert_eq!(pullback(&Tensor::from(vec![1.0, 1.0])).to_vec(), vec![2.0, 4.0]);
/// # let _ = y;
/// ```
#[track_caller]
pub fn vjp<T: Tree + Clone, U: Tree>(f: impl Fn(&T) -> U, x: &T) -> (U, impl Fn(&U) -> T) {
    vjp_at(Site::called("vjp"), f, x)
}

/// [`vjp`], its errors (also the pullback's) reported at `site`.
#[track_caller]
pub(crate) fn vjp_at<T: Tree + Clone, U: Tree>(
    site: Site,
    f: impl Fn(&T) -> U,
    x: &T,
) -> (U, impl Fn(&U) -> T) {
    let mut out = None;
    let (y, lin) = site.ok(linearize_flat(flat_call(&f, x, &mut out), &leaves(x)));
    let y = rebuild(&out.expect("function ran"), y);
    (y, pullback_at(site, lin, x.clone()))
}

/// The pullback `ct ↦ linᵀ·ct`, shaped like `x_template`. A function of its own so that the
/// closure holds only what it names (not the type of the function that was linearized).
pub(crate) fn pullback_at<T: Tree, U: Tree>(
    site: Site,
    lin: LinearFn,
    x_template: T,
) -> impl Fn(&U) -> T {
    move |ct: &U| {
        let cts: Vec<Option<Tensor>> = leaves(ct).into_iter().map(Some).collect();
        rebuild(&x_template, site.ok(lin.transpose(&cts)))
    }
}

/// The gradient of a scalar function, as a function shaped like its argument.
///
/// `f` may take any pytree (a `Tensor`, a tuple, a `Vec`, a map, a `#[derive(Tree)]` struct);
/// the gradient has the same structure. Other inputs are captured by the closure, or see
/// [`grad_argnums`](crate::grad_argnums) for functions of several arguments. Nest it for
/// higher derivatives: `grad(grad(f))`.
///
/// ```
/// use ferrograd::{grad, Tensor};
/// let d2 = grad(grad(|x: &Tensor| x * x * x));
/// assert_eq!(d2(&Tensor::from(2.0)).item(), 12.0);
/// ```
///
/// # Panics
/// When called: if `f` returns a non-scalar tensor, or an input leaf is not a float tensor.
/// The message names `grad` and the line where it was made.
#[track_caller]
pub fn grad<T: Tree + Clone>(f: impl Fn(&T) -> Tensor) -> impl Fn(&T) -> T {
    let site = Site::made("grad");
    move |x: &T| value_and_grad_at(site, &f, x).1
}

/// `(f(x), ∇f(x))` in one pass.
///
/// # Panics
/// As [`grad`].
#[track_caller]
pub fn value_and_grad<T: Tree + Clone>(f: impl Fn(&T) -> Tensor) -> impl Fn(&T) -> (Tensor, T) {
    let site = Site::made("value_and_grad");
    move |x: &T| value_and_grad_at(site, &f, x)
}

/// Gradient of the first output of `f`, which also returns auxiliary data (JAX's
/// `has_aux=True`): returns `(∇f(x), aux)`.
///
/// # Panics
/// As [`grad`].
#[track_caller]
pub fn grad_with_aux<T: Tree + Clone, A: Tree>(
    f: impl Fn(&T) -> (Tensor, A),
) -> impl Fn(&T) -> (T, A) {
    let site = Site::made("grad_with_aux");
    move |x: &T| {
        let ((_, aux), g) = value_and_grad_with_aux_at(site, &f, x);
        (g, aux)
    }
}

/// `((f(x), aux), ∇f(x))` for a function returning a scalar and auxiliary data.
///
/// # Panics
/// As [`grad`].
#[track_caller]
pub fn value_and_grad_with_aux<T: Tree + Clone, A: Tree>(
    f: impl Fn(&T) -> (Tensor, A),
) -> impl Fn(&T) -> ((Tensor, A), T) {
    let site = Site::made("value_and_grad_with_aux");
    move |x: &T| value_and_grad_with_aux_at(site, &f, x)
}

/// `(f(x), ∇f(x))`, its errors reported at `site`.
pub(crate) fn value_and_grad_at<T: Tree + Clone>(
    site: Site,
    f: impl Fn(&T) -> Tensor,
    x: &T,
) -> (Tensor, T) {
    let ((y, ()), g) = value_and_grad_with_aux_at(site, |x: &T| (f(x), ()), x);
    (y, g)
}

/// `((f(x), aux), ∇f(x))`, its errors reported at `site`: the one implementation of reverse
/// mode for scalar functions (linearize, then transpose with a cotangent of one).
pub(crate) fn value_and_grad_with_aux_at<T: Tree + Clone, A: Tree>(
    site: Site,
    f: impl Fn(&T) -> (Tensor, A),
    x: &T,
) -> ((Tensor, A), T) {
    let mut out = None;
    let (ys, lin) = site.ok(linearize_flat(flat_call(&f, x, &mut out), &leaves(x)));
    let template = out.expect("function ran");
    let y = ys[0].clone();
    site.ok(check_scalar("grad", &y));
    let mut cts: Vec<Option<Tensor>> = vec![None; ys.len()];
    cts[0] = Some(lax::scalar_like(&y, 1.0));
    let g = rebuild(x, site.ok(lin.transpose(&cts)));
    let (y, aux) = rebuild(&template, ys);
    ((y, aux), g)
}

/// autograd's `elementwise_grad`: the derivative of an elementwise function at every point,
/// i.e. the vector-Jacobian product with ones (the sum of the Jacobian's rows).
///
/// ```
/// use ferrograd::{elementwise_grad, Tensor};
/// let d = elementwise_grad(|x: &Tensor| x * x)(&Tensor::from(vec![1.0, -2.0]));
/// assert_eq!(d.to_vec(), vec![2.0, -4.0]);
/// ```
#[track_caller]
pub fn elementwise_grad(f: impl Fn(&Tensor) -> Tensor) -> impl Fn(&Tensor) -> Tensor {
    let site = Site::made("elementwise_grad");
    move |x: &Tensor| {
        let (y, pullback) = vjp_at(site, &f, x);
        pullback(&lax::scalar_like(&y, 1.0))
    }
}

/// The identity, through which no derivative flows (JAX's `stop_gradient`).
#[track_caller]
pub fn stop_gradient(x: &Tensor) -> Tensor {
    ok(lax::stop_gradient(x))
}
