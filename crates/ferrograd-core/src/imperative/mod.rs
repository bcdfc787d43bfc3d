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
//! # Updating params in place
//!
//! A param is a shared, mutable cell, as a PyTorch leaf is: inside [`no_grad`],
//! `w -= &(lr * &g)` (and `+=`, `*=`, `/=` with a tensor or a scalar, and
//! [`Tensor::copy_from`]) replaces its value and keeps it the same leaf — its identity, its
//! [`is_leaf`](Tensor::is_leaf), its `.grad()` and what [`zero_grad`](Tensor::zero_grad)
//! clears — and **every clone of the param sees the new value** (an optimizer built by
//! `optim::adam(lr).on_params(vec![w.clone()])` updates your `w` this way). Other tensors
//! are values: on them `x -= y` is `x = &x - y`, which rebinds `x` and leaves its clones alone.
//!
//! - **Outside `no_grad`** an in-place update of a param is refused with an error naming the
//!   operation and the fix (PyTorch refuses it too: it would make the update part of the
//!   param's own history).
//! - **Graphs recorded before an update.** Each param counts its updates
//!   ([`Tensor::version`], PyTorch's `_version`). A `backward` (or `grad_of`) through a graph
//!   that used an older value of a param is refused with an error naming the param's shape:
//!   its gradient would be that of a value the param no longer has. Call `backward` before
//!   the update, or compute the loss again. (PyTorch refuses only when an operation saved
//!   the value; here any use of the old value in the graph counts.)
//! - **Threads.** The value and its version sit under one lock, replaced whole: a thread
//!   reading a param while another updates it sees the old value or the new one, never a
//!   mix. An update computes the new value from the current one and stores it only if no
//!   other update landed meanwhile (else it computes again), so concurrent `-=` on one
//!   param all count.
//! - **Reading by reference.** [`Tensor::as_array`] (and what goes through it: `item`,
//!   `to_vec`, `Display`) lends a reference that another clone's update cannot invalidate, so
//!   each value of an updated param read this way is kept until the param is dropped —
//!   once per update, however many times it is read. The operators, `detach` and the
//!   optimizers read by value and keep nothing.
//!
//! The PyTorch loop, with the step written in place, gives the numbers of the older idiom
//! that makes a new leaf each step:
//!
//! ```
//! use ferrograd_core::{imperative::no_grad, Tensor};
//! let x = Tensor::from([[1.0, 2.0], [3.0, 1.0], [0.0, 1.0]]);
//! let y = Tensor::from(vec![1.0, 2.0, -1.0]);
//! let loss = |w: &Tensor, b: &Tensor| (x.matmul(w) + b - &y).powi(2).mean();
//! let lr = 0.1;
//!
//! // New style: w and b stay the same leaves; zero_grad clears their .grad each step.
//! let mut w = Tensor::param(vec![0.0, 0.0]);
//! let mut b = Tensor::param(0.0);
//! for _ in 0..50 {
//!     loss(&w, &b).backward();
//!     let (gw, gb) = (w.grad().unwrap(), b.grad().unwrap());
//!     no_grad(|| {
//!         w -= &(lr * &gw);
//!         b -= &(lr * &gb);
//!     });
//!     w.zero_grad();
//!     b.zero_grad();
//! }
//!
//! // Old style: each step makes new leaves (whose .grad starts empty).
//! let mut w_old = Tensor::param(vec![0.0, 0.0]);
//! let mut b_old = Tensor::param(0.0);
//! for _ in 0..50 {
//!     loss(&w_old, &b_old).backward();
//!     let (gw, gb) = (w_old.grad().unwrap(), b_old.grad().unwrap());
//!     w_old = no_grad(|| &w_old - lr * &gw).requires_grad();
//!     b_old = no_grad(|| &b_old - lr * &gb).requires_grad();
//! }
//! assert_eq!(w.to_vec(), w_old.to_vec()); // bit for bit
//! assert_eq!(b.item(), b_old.item());
//! assert!(w.is_leaf() && w.version() == 50);
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
//! - **Params as cells.** A node keeps the value it was made with (its shape and dtype never
//!   change); the first in-place update gives it a cell (`cell.rs`) with the current value
//!   and its version under one lock. The tape reads a param's value and version together
//!   for each operation, and records the version on the param's root row; a param used
//!   after an update gets a new root row, and a pass that reaches a root whose param has
//!   moved to a later version is refused before it touches any `.grad`.
//! - **Panics.** A backward pass borrows the tape's program and gives it back when dropped,
//!   so a panicking rule leaves the tape as it was.

mod backward;
mod cell;
mod collect;
mod inplace;
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
