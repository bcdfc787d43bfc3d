//! The transforms for functions of several arguments: JAX's `argnums`.
//!
//! | JAX | ferrograd |
//! | --- | --- |
//! | `grad(f)(x, y)` (argnums=0) | `grad_argnums(f, Arg::<0>)(&x, &y)` |
//! | `grad(f, argnums=1)(x, y)` | `grad_argnums(f, Arg::<1>)(&x, &y)` |
//! | `grad(f, argnums=(0, 1))(x, y)` | `grad_argnums(f, (Arg::<0>, Arg::<1>))(&x, &y)` → `(gx, gy)` |
//! | `value_and_grad(f, argnums=…, has_aux=True)` | `value_and_grad_with_aux_argnums(f, …)` |
//! | `jvp(f, (x, y), (tx, ty))` | `jvp_argnums(f, (Arg::<0>, Arg::<1>), (&x, &y), &(tx, ty))` |
//! | `jvp(partial(f, y=y), (x,), (tx,))` | `jvp_argnums(f, Arg::<0>, (&x, &y), &tx)` |
//! | `vjp(f, x, y)` | `vjp_argnums(f, (Arg::<0>, Arg::<1>), (&x, &y))` |
//! | `jacfwd(f, argnums=1)`, `jacrev`, `hessian` | `jacfwd_argnums(f, Arg::<1>)`, … |
//!
//! `f` is any `Fn(&A, &B, …) -> …` of 1 to 4 pytree arguments (see [`crate::args`] for how).
//! Rust has no default arguments, so JAX's default `argnums=0` is written `Arg::<0>`; the
//! one-argument transforms ([`grad`](crate::grad), …) are unchanged. Where JAX's `jvp`
//! always differentiates every argument, `jvp_argnums` takes the tangents of the chosen ones
//! only (the others are held fixed, as with `functools.partial`).
//!
//! The functions returned are boxed (`Box<dyn Fn(&A, &B, …) -> R>`): one function serves
//! every number of arguments, and is called as the user's function is. Each result is the
//! same, bit for bit, as the one-argument transform of the chosen arguments packed in a tuple.

use ferrograd_core::transforms::linearize_flat;
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{Tensor, Tree};

use crate::args::{check_argnums, Argnums, ArgsFn, Params};
use crate::jacobian::{hessian_at, jacfwd_at, jacrev_at};
use crate::site::Site;
use crate::transforms::{flat_call, jvp_at, pullback_at, value_and_grad_with_aux_at};

/// `f` as a function of the chosen arguments `d`, the others fixed at `args`'.
fn partial<'a, P: Params, S: Argnums<P> + 'a, R>(
    f: &'a impl ArgsFn<P, R>,
    argnums: S,
    args: &'a P,
) -> impl Fn(&S::Diff) -> R + 'a {
    move |d: &S::Diff| {
        let mut p = args.clone();
        argnums.set(&mut p, d.clone());
        f.call(&p)
    }
}

/// A transform made at the caller's line with `argnums` checked there.
#[track_caller]
fn site_for<P, S: Argnums<P>>(name: &'static str, argnums: &S) -> Site {
    let site = Site::made(name);
    if let Err(msg) = check_argnums(argnums) {
        site.fail(&msg);
    }
    site
}

/// The gradient of a scalar function of several arguments with respect to the chosen ones
/// (JAX's `grad(f, argnums)`): `Arg::<I>` gives the gradient of argument `I`, shaped like it;
/// a tuple of choices gives a tuple of gradients.
///
/// ```
/// use ferrograd::{grad_argnums, Arg, Tensor};
/// // Loss of a linear model (w, b) on data (x, y).
/// let loss = |w: &Tensor, b: &Tensor, x: &Tensor, y: &Tensor| (x.matmul(w) + b - y).powi(2).sum();
/// let (w, b) = (Tensor::from(vec![1.0, -1.0]), Tensor::from(0.5));
/// let (x, y) = (Tensor::from([[1.0, 2.0], [3.0, 4.0]]), Tensor::from(vec![0.0, 1.0]));
/// let (gw, gb) = grad_argnums(loss, (Arg::<0>, Arg::<1>))(&w, &b, &x, &y);
/// // residuals r = [-0.5, -1.5]: ∂/∂w = 2 xᵀ r, ∂/∂b = 2 Σ r
/// assert_eq!(gw.to_vec(), vec![-10.0, -14.0]);
/// assert_eq!(gb.item(), -4.0);
/// ```
///
/// # Panics
/// Here, if an argument is chosen twice. When called: as [`grad`](crate::grad) (the message
/// names `grad_argnums` and the line where it was made).
#[track_caller]
pub fn grad_argnums<'f, P: Params + 'f, S: Argnums<P> + 'f>(
    f: impl ArgsFn<P, Tensor> + 'f,
    argnums: S,
) -> Box<P::DynFn<'f, S::Diff>> {
    let site = site_for("grad_argnums", &argnums);
    P::boxed(move |p: P| {
        let g = |d: &S::Diff| (partial(&f, argnums, &p)(d), ());
        value_and_grad_with_aux_at(site, g, &argnums.get(&p)).1
    })
}

/// `(f(args), ∇f)` with respect to the chosen arguments (JAX's `value_and_grad(f, argnums)`).
///
/// ```
/// use ferrograd::{value_and_grad_argnums, Arg, Tensor};
/// let f = |a: &Tensor, b: &Tensor| (a * b).sum();
/// let (y, gb) = value_and_grad_argnums(f, Arg::<1>)(&Tensor::from(2.0), &Tensor::from(3.0));
/// assert_eq!((y.item(), gb.item()), (6.0, 2.0));
/// ```
///
/// # Panics
/// As [`grad_argnums`].
#[track_caller]
pub fn value_and_grad_argnums<'f, P: Params + 'f, S: Argnums<P> + 'f>(
    f: impl ArgsFn<P, Tensor> + 'f,
    argnums: S,
) -> Box<P::DynFn<'f, (Tensor, S::Diff)>> {
    let site = site_for("value_and_grad_argnums", &argnums);
    P::boxed(move |p: P| {
        let g = |d: &S::Diff| (partial(&f, argnums, &p)(d), ());
        let ((y, ()), grad) = value_and_grad_with_aux_at(site, g, &argnums.get(&p));
        (y, grad)
    })
}

/// The gradient of the first output of `f`, which also returns auxiliary data, with respect
/// to the chosen arguments: `(∇f, aux)` (JAX's `grad(f, argnums, has_aux=True)`).
///
/// # Panics
/// As [`grad_argnums`].
#[track_caller]
pub fn grad_with_aux_argnums<'f, P: Params + 'f, S: Argnums<P> + 'f, A: Tree + 'f>(
    f: impl ArgsFn<P, (Tensor, A)> + 'f,
    argnums: S,
) -> Box<P::DynFn<'f, (S::Diff, A)>> {
    let site = site_for("grad_with_aux_argnums", &argnums);
    P::boxed(move |p: P| {
        let g = partial(&f, argnums, &p);
        let ((_, aux), grad) = value_and_grad_with_aux_at(site, g, &argnums.get(&p));
        (grad, aux)
    })
}

/// `((f(args), aux), ∇f)` with respect to the chosen arguments (JAX's
/// `value_and_grad(f, argnums, has_aux=True)`).
///
/// ```
/// use ferrograd::{value_and_grad_with_aux_argnums, Arg, Tensor};
/// let f = |a: &Tensor, b: &Tensor| ((a * b).sum(), a + b);
/// let ((y, aux), ga) =
///     value_and_grad_with_aux_argnums(f, Arg::<0>)(&Tensor::from(2.0), &Tensor::from(3.0));
/// assert_eq!((y.item(), aux.item(), ga.item()), (6.0, 5.0, 3.0));
/// ```
///
/// # Panics
/// As [`grad_argnums`].
#[track_caller]
#[allow(clippy::type_complexity)]
pub fn value_and_grad_with_aux_argnums<'f, P: Params + 'f, S: Argnums<P> + 'f, A: Tree + 'f>(
    f: impl ArgsFn<P, (Tensor, A)> + 'f,
    argnums: S,
) -> Box<P::DynFn<'f, ((Tensor, A), S::Diff)>> {
    let site = site_for("value_and_grad_with_aux_argnums", &argnums);
    P::boxed(move |p: P| {
        let g = partial(&f, argnums, &p);
        value_and_grad_with_aux_at(site, g, &argnums.get(&p))
    })
}

/// Forward mode in the chosen arguments: `(f(args), ∂f·t)` with `t` shaped like the chosen
/// arguments (one, or a tuple), the others held fixed. JAX's `jvp(f, primals, tangents)` is
/// the choice of every argument.
///
/// ```
/// use ferrograd::{jvp_argnums, Arg, Tensor};
/// let f = |a: &Tensor, b: &Tensor| a * b;
/// let (a, b) = (Tensor::from(2.0), Tensor::from(3.0));
/// let (y, y_dot) = jvp_argnums(f, Arg::<1>, (&a, &b), &Tensor::from(1.0));
/// assert_eq!((y.item(), y_dot.item()), (6.0, 2.0));
/// let t = (Tensor::from(1.0), Tensor::from(1.0));
/// assert_eq!(jvp_argnums(f, (Arg::<0>, Arg::<1>), (&a, &b), &t).1.item(), 5.0);
/// ```
///
/// # Panics
/// As [`jvp`](crate::jvp), and if an argument is chosen twice; the message names
/// `jvp_argnums` and the calling line.
#[track_caller]
pub fn jvp_argnums<P: Params, S: Argnums<P>, U: Tree>(
    f: impl ArgsFn<P, U>,
    argnums: S,
    primals: P::Refs<'_>,
    tangents: &S::Diff,
) -> (U, U) {
    let site = Site::called("jvp_argnums");
    if let Err(msg) = check_argnums(&argnums) {
        site.fail(&msg);
    }
    let p = P::from_refs(primals);
    jvp_at(site, partial(&f, argnums, &p), &argnums.get(&p), tangents)
}

/// Reverse mode in the chosen arguments: `f(args)` and the pullback `ct ↦ ∂fᵀ·ct`, whose
/// result is shaped like the chosen arguments (JAX's `vjp(f, *primals)` is the choice of
/// every argument).
///
/// ```
/// use ferrograd::{vjp_argnums, Arg, Tensor};
/// let f = |a: &Tensor, b: &Tensor| a * b;
/// let (a, b) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![3.0, 4.0]));
/// let (_, pullback) = vjp_argnums(f, (Arg::<0>, Arg::<1>), (&a, &b));
/// let (ga, gb) = pullback(&Tensor::from(vec![1.0, 1.0]));
/// assert_eq!((ga.to_vec(), gb.to_vec()), (vec![3.0, 4.0], vec![1.0, 2.0]));
/// ```
///
/// # Panics
/// As [`vjp`](crate::vjp), and if an argument is chosen twice; the message names
/// `vjp_argnums` and the calling line.
#[track_caller]
pub fn vjp_argnums<P: Params, S: Argnums<P>, U: Tree>(
    f: impl ArgsFn<P, U>,
    argnums: S,
    primals: P::Refs<'_>,
) -> (U, impl Fn(&U) -> S::Diff) {
    let site = Site::called("vjp_argnums");
    if let Err(msg) = check_argnums(&argnums) {
        site.fail(&msg);
    }
    let p = P::from_refs(primals);
    let x = argnums.get(&p);
    let mut out = None;
    let flat = flat_call(partial(&f, argnums, &p), &x, &mut out);
    let (y, lin) = site.ok(linearize_flat(flat, &leaves(&x)));
    let y = rebuild(&out.expect("function ran"), y);
    (y, pullback_at(site, lin, x))
}

/// The forward-mode Jacobian with respect to the chosen arguments (JAX's
/// `jacfwd(f, argnums)`): shaped like them, each leaf the block `out.shape ++ leaf.shape`.
///
/// ```
/// use ferrograd::{jacfwd_argnums, Arg, Tensor};
/// let f = |a: &Tensor, x: &Tensor| a.matmul(x);
/// let a = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
/// let x = Tensor::from(vec![1.0, 1.0]);
/// assert_eq!(jacfwd_argnums(f, Arg::<1>)(&a, &x).to_vec(), a.to_vec());
/// ```
///
/// # Panics
/// As [`grad_argnums`], for `jacfwd`.
#[track_caller]
pub fn jacfwd_argnums<'f, P: Params + 'f, S: Argnums<P> + 'f>(
    f: impl ArgsFn<P, Tensor> + 'f,
    argnums: S,
) -> Box<P::DynFn<'f, S::Diff>> {
    let site = site_for("jacfwd_argnums", &argnums);
    P::boxed(move |p: P| jacfwd_at(site, partial(&f, argnums, &p), &argnums.get(&p)))
}

/// The reverse-mode Jacobian with respect to the chosen arguments (JAX's
/// `jacrev(f, argnums)`); the same layout as [`jacfwd_argnums`].
///
/// # Panics
/// As [`grad_argnums`], for `jacrev`.
#[track_caller]
pub fn jacrev_argnums<'f, P: Params + 'f, S: Argnums<P> + 'f>(
    f: impl ArgsFn<P, Tensor> + 'f,
    argnums: S,
) -> Box<P::DynFn<'f, S::Diff>> {
    let site = site_for("jacrev_argnums", &argnums);
    P::boxed(move |p: P| jacrev_at(site, partial(&f, argnums, &p), &argnums.get(&p)))
}

/// The Hessian of a scalar function with respect to one tensor argument (JAX's
/// `hessian(f, argnums=I)`), shape `x.shape ++ x.shape`. As with [`hessian`](crate::hessian),
/// the argument is a single tensor; for several, ravel them into one
/// ([`ravel`](crate::ravel)).
///
/// ```
/// use ferrograd::{hessian_argnums, Arg, Tensor};
/// // f(a, x) = Σ a x³: ∂²f/∂x² = diag(6 a x)
/// let f = |a: &Tensor, x: &Tensor| (a * x * x * x).sum();
/// let h = hessian_argnums(f, Arg::<1>)(&Tensor::from(2.0), &Tensor::from(vec![1.0, 2.0]));
/// assert_eq!(h.to_vec(), vec![12.0, 0.0, 0.0, 24.0]);
/// ```
///
/// # Panics
/// As [`grad_argnums`], for `hessian`.
#[track_caller]
pub fn hessian_argnums<'f, P: Params + 'f, S: Argnums<P, Diff = Tensor> + 'f>(
    f: impl ArgsFn<P, Tensor> + 'f,
    argnums: S,
) -> Box<P::DynFn<'f, Tensor>> {
    let site = site_for("hessian_argnums", &argnums);
    P::boxed(move |p: P| hessian_at(site, partial(&f, argnums, &p), &argnums.get(&p)))
}
