//! The engine of ferrograd: [`Tensor`], the interpreters and [`interp::bind`], the
//! [`Primitive`] trait with one file per primitive, the [`program::Program`] IR, and the
//! differentiation transforms on flat lists of tensors.
//!
//! Layering inside this crate: `prims` and `lax` know nothing of interpreters beyond `bind`;
//! interpreters never name a concrete primitive.

pub mod api;
pub mod check;
pub mod control;
mod error;
pub mod fusion;
pub mod imperative;
pub mod interp;
pub mod lax;
mod primitive;
pub mod prims;
pub mod program;
mod tensor;
pub mod transforms;
pub mod tree;

pub use api::Axes;
pub use error::{Error, Result};
pub use ferrograd_array::{Array, DType};
pub use primitive::{
    BatchDim, LinearArg, Outs, PrimRef, Primitive, PrimitiveClone, SubRunner, Tangent,
};
pub use tensor::{Aval, Tensor};
pub use tree::{Tree, TreeDef};
