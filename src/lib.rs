//! # ferrograd
//!
//! Automatic differentiation for Rust: NumPy-like n-dimensional arrays ([`Tensor`], [`np`])
//! and composable function transforms — [`grad`], [`value_and_grad`], [`jvp`], [`vjp`],
//! [`linearize`], [`elementwise_grad`], [`vmap`], [`jacfwd`], [`jacrev`], [`hessian`], [`hvp`] —
//! that nest to any order.
//!
//! ```
//! use ferrograd::{grad, Tensor};
//!
//! // d/dx tanh(x), written by hand, at x = 1.0
//! let tanh = |x: &Tensor| {
//!     let y = (-x).exp();
//!     (1.0 - &y) / (1.0 + &y)
//! };
//! let g = grad(tanh)(&Tensor::from(1.0));
//! assert!((g.item() - 0.39322386648296376).abs() < 1e-15);
//! ```

// The derive macro names `::ferrograd`, which must resolve inside this crate too.
extern crate self as ferrograd;

mod argnums;
pub mod args;
mod check;
mod control;
mod custom;
pub mod guide;
pub mod io;
mod jacobian;
mod jit;
pub mod linalg;
pub mod nn;
pub mod np;
pub mod optim;
pub mod optimizers;
pub mod plot;
pub mod progress;
pub mod random;
mod ravel;
mod site;
mod transforms;
mod vmap;
mod vmap_args;

pub use argnums::{
    grad_argnums, grad_with_aux_argnums, hessian_argnums, jacfwd_argnums, jacrev_argnums,
    jvp_argnums, value_and_grad_argnums, value_and_grad_with_aux_argnums, vjp_argnums,
};
pub use args::{Arg, Argnums, ArgsFn, Params};
pub use check::{check_grads, check_grads_with, CheckOptions, Modes};
pub use control::{checkpoint, cond, fori_loop, scan, scan_with, switch, while_loop, ScanOptions};
pub use custom::{custom_jvp, custom_vjp};
/// The per-thread cache of freed array buffers that operations take their outputs from:
/// [`buffers::clear`] hands the calling thread's back to the system allocator.
pub use ferrograd_array::buffer as buffers;
pub use ferrograd_array::build_hint::silence_debug_build_hint;
pub use ferrograd_core::api::{At, Axes, Idx, IntoIndex};
pub use ferrograd_core::imperative::{is_grad_enabled, no_grad, BackwardOptions};
pub use ferrograd_core::{imperative, tree, Aval, DType, Tensor, Tree, TreeDef};
pub use ferrograd_derive::Tree;
pub use jacobian::{hessian, hvp, jacfwd, jacrev};
pub use jit::{jit, jit_with, make_program, Jit, JitOptions, StagedProgram};
pub use ravel::{ravel, try_ravel, unravel, Unravel};
pub use transforms::{
    elementwise_grad, grad, grad_with_aux, jvp, linearize, residual_bytes, stop_gradient,
    value_and_grad, value_and_grad_with_aux, vjp,
};
pub use vmap::{vmap, vmap_axes};
pub use vmap_args::{vmap_args, vmap_args_out, InAxes, IntoInAxes};

// The README's Rust examples run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Errors from ferrograd operations.
pub use ferrograd_core::Error;
