//! Imperative differentiation, as in MyGrad and PyTorch: mark tensors with
//! [`Tensor::param`] / [`Tensor::requires_grad`], compute, call [`Tensor::backward`], read
//! [`Tensor::grad`].
//!
//! ```
//! use ferrograd_core::Tensor;
//! let x = Tensor::param(5.0);
//! let y = &x * &x;
//! y.backward();
//! assert_eq!(x.grad().map(|g| g.item()), Some(10.0));
//! ```
//!
//! # Design
//!
//! It is the same machinery as the functional transforms, not a second derivative system.
//!
//! - **Tracked tensors.** A param, and every tensor computed from one while recording, is a
//!   `Repr::Tracked` tensor: its concrete value plus an `Arc` to a [`Node`] (defined beside
//!   the tensor's representation) holding where the tape recorded it and its accumulated
//!   gradient. It reads like any concrete tensor
//!   (`item`, `to_vec`, `Display`), is `Send + Sync`, and costs nothing for untracked tensors.
//! - **The tape is a linearize that never ends.** Each thread has one tape: a linear
//!   [`Program`](crate::program::Program) whose inputs are the tangents of the *roots*
//!   (params, and tensors re-rooted as below). An operation on tracked tensors runs the
//!   primitive's jvp rule on their values, with tangents that are tracers of a staging
//!   interpreter pushed for that operation and sharing the tape's program: the value is
//!   computed now, the tangent computation is recorded (JAX's linearize, spread over the user's eager
//!   code). Each tracked tensor gets a tangent variable of its own.
//! - **backward transposes the tape** with [`backward_pass`](crate::interp::backward_pass),
//!   seeded at the output's tangent; the cotangent of every variable that belongs to a live
//!   tracked tensor is added to its `.grad` — params and intermediate tensors alike, as in MyGrad (PyTorch keeps only
//!   leaves' unless `retain_grad`). Only linear primitives' transpose rules run; no
//!   hand-written VJP exists.
//! - **Freeing.** Without `retain_graph`, a backward pass marks the rows it went through as
//!   freed; a later pass that needs them is an error that says so (PyTorch's "backward
//!   through the graph a second time"). A freed tensor used in a *new* operation starts
//!   afresh as a root: its history is gone, so gradients stop at it — which is what makes
//!   MyGrad's `x = x - 0.3 * x.grad` loop work. Leaves are roots of every generation, so
//!   params keep accumulating across training steps. Gradients made with `create_graph` are
//!   the exception: their graph exists to be differentiated, perhaps once per Hessian row, so
//!   passes never free it (PyTorch would need `retain_graph=True` on each row).
//! - **Collection.** After each backward pass and, while recording, whenever the tape has
//!   doubled, the rows no live tensor can backpropagate through are dropped and the rest
//!   renumbered (`collect.rs`): loops that keep graphs (`retain_graph`, `create_graph`) and
//!   evaluation loops that forget `no_grad` hold only what their live tensors reach.
//! - **create_graph replays.** The linear tape holds the derivative's coefficients as plain
//!   values, so transposing it gives plain gradients. To make gradients differentiable,
//!   each row also keeps its primitive and argument values; `create_graph` re-runs the
//!   output's history under [`linearize_flat`](crate::transforms::linearize_flat) with the
//!   tracked roots themselves as inputs, and transposes that: every coefficient, and so every
//!   gradient, is then computed by tracked operations and lands on the tape (PyTorch's
//!   Hessian-by-rows works, as does `grad_of` of a `grad_of`). Only roots receive `.grad`
//!   in this mode, as in PyTorch.
//! - **Levels.** The tape is an interpreter installed beneath the transform stack (the base
//!   slot of [`interp`](crate::interp), which never names it): `bind` hands an operation to
//!   the tape only when no argument is a tracer, i.e. after `grad`/`jvp`/`vmap` above have unwrapped
//!   theirs. So a param used inside `grad(f)` is a constant to that `grad`, and the gradient
//!   it returns is tracked with respect to the param (the two never confuse their
//!   perturbations); `grad(f)(&param)` differentiates `f` and records on the tape.
//!   [`no_grad`] only stops the tape, never a transform.
//! - **Threads.** Tapes, `no_grad` and recording are per thread; each tape has an id unique
//!   in the process, which its nodes carry. A tracked tensor sent to another thread is a root
//!   there; gradients found there land in the same `.grad`, added under one lock. Backward
//!   from a tensor recorded on another thread is refused, naming the rule.
//! - **Panics.** A backward pass borrows the tape's program and gives it back when dropped,
//!   so a panicking rule leaves the tape as it was.

mod backward;
mod collect;
mod methods;
mod tape;

pub use crate::tensor::Node;
pub use backward::BackwardOptions;
pub use tape::{is_grad_enabled, tape_len};

/// Runs `f` without recording: operations on tracked tensors compute plain values, and
/// nothing is added to the tape (PyTorch's `with torch.no_grad():`). Transforms such as
/// `grad` work as usual inside.
///
/// ```
/// use ferrograd_core::{imperative::no_grad, Tensor};
/// let w = Tensor::param(2.0);
/// let y = no_grad(|| &w * 3.0);
/// assert!(!y.is_tracked());
/// assert_eq!(y.item(), 6.0);
/// ```
pub fn no_grad<R>(f: impl FnOnce() -> R) -> R {
    let _guard = tape::NoGradGuard::enter();
    f()
}
