//! Storage and CPU kernels for ferrograd.
//!
//! An [`Array`] is an immutable, cheaply cloned n-dimensional array of one of the [`DType`]s,
//! stored as an `ndarray` `ArcArray` (possibly a zero-copy broadcast of a smaller one). The
//! [`kernels`] compute on arrays; they know nothing of tracing or differentiation. Every kernel
//! validates its inputs and returns [`Error`] rather than panicking deep inside a loop.

/// Runs `$body` with `T` bound to the element type of `$x` (dtype dispatch in one place).
macro_rules! with_dtype {
    ($x:expr, $T:ident => $body:expr) => {
        match $x.dtype() {
            DType::Bool => {
                type $T = bool;
                $body
            }
            DType::U32 => {
                type $T = u32;
                $body
            }
            DType::I64 => {
                type $T = i64;
                $body
            }
            DType::F32 => {
                type $T = f32;
                $body
            }
            DType::F64 => {
                type $T = f64;
                $body
            }
        }
    };
}

mod array;
mod dtype;
mod error;
pub mod kernels;
pub mod shape;
pub mod special;

pub use array::Array;
pub use dtype::{DType, Element, Float};
pub use error::{Error, Result};
pub use shape::Shape;
