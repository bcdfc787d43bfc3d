//! NumPy's functions for [`Tensor`]s: creation, elementwise math, reductions, shapes,
//! products and the numerically stable neural-network helpers. Every function is a
//! composition of primitives, so all of them can be differentiated to any order.

mod creation;
mod diag;
mod einsum;
mod elementwise;
mod indexing;
mod math;
mod nn;
mod shape;
mod special;
mod tensordot;

pub use creation::*;
pub use diag::*;
pub use einsum::*;
pub use elementwise::*;
pub use indexing::*;
pub use math::*;
pub use nn::*;
pub use shape::*;
pub use special::*;
pub use tensordot::*;

pub use crate::Tensor;
