//! The NumPy-like surface of [`Tensor`]: constructors and readers, operators, methods.
//! It only composes `lax` operations (broadcasting and dtype promotion happen here, once);
//! no derivative rule lives here.
//!
//! Programmer errors (shape or dtype mismatches) panic at one chokepoint, [`ok`], with the
//! message of the inner error; `try_` functions return the error instead.

mod assign_ops;
mod axes;
mod binary;
mod broadcast;
mod convert;
mod display;
mod divmod;
mod math;
mod operand;
mod ops;
mod products;
mod reduce;
mod shape_axes;
mod shape_ops;
mod structure;
// indexing
mod assign;
mod index;
mod ordering;
mod take;

pub use assign::At;
pub use axes::Axes;
pub use broadcast::{broadcast_pair, promote_pair};
pub use index::{Idx, IntoIndex};
pub use operand::{apply_pair, resolve_pair, Arg, Operand};

use crate::Result;

/// Unwraps an operation's result, panicking with its message at the caller's location.
#[track_caller]
pub fn ok<T>(r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}
