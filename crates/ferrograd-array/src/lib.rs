//! Storage and CPU kernels for ferrograd.
//!
//! An [`Array`] is an immutable, cheaply cloned n-dimensional array of one of the [`DType`]s,
//! stored as an `ndarray` `ArcArray` (possibly a zero-copy broadcast of a smaller one). The
//! [`kernels`] compute on arrays; they know nothing of tracing or differentiation. Every kernel
//! validates its inputs and returns [`Error`] rather than panicking deep inside a loop.
//!
//! # Dtype dispatch
//!
//! A [`DType`] becomes a Rust type in one place, the `dispatch!` macro below; kernels are
//! generic functions over [`Element`] (or [`Float`], or a narrower trait of their own) and
//! call it once, outside their loops, so every loop is monomorphised. One family per need:
//!
//! - any dtype: `dispatch!(x.dtype(), T => go::<T>(x))`;
//! - floats only: `dispatch!(floats op, x.dtype(), T => go::<T>(x))`;
//! - floats and int64: `dispatch!(floats_i64 op, x.dtype(), T => go::<T>(x))`;
//! - numbers (all but bool): `dispatch!(numeric op, x.dtype(), T => go::<T>(x))`.
//!
//! A family other than "any" answers any other dtype with [`Error::UnsupportedDType`] from
//! [`Error::unsupported`], which names the op, the dtype, the dtypes that work and the
//! conversion to make. A macro rather than a generic function because Rust closures cannot
//! be generic over `T`: the macro is a plain `match` that binds `type T = f32;` (and so on)
//! in each arm. Where a kernel is handed one function per dtype (the float closures of
//! [`kernels::unary`], the integer forms in [`kernels::ints`]) it matches on [`DType`] to
//! pick the function, and takes its error from [`Error::unsupported`] all the same.

/// Runs `$body` with `$T` bound to the element type of `$dtype`: see the crate docs.
macro_rules! dispatch {
    ($dtype:expr, $T:ident => $body:expr) => {
        dispatch!(@all $dtype, $T => $body, [bool, u32, i64, f32, f64])
    };
    (floats $op:expr, $dtype:expr, $T:ident => $body:expr) => {
        dispatch!(@some $op, $dtype, $T => $body, [f32, f64])
    };
    (floats_i64 $op:expr, $dtype:expr, $T:ident => $body:expr) => {
        dispatch!(@some $op, $dtype, $T => $body, [f32, f64, i64])
    };
    (numeric $op:expr, $dtype:expr, $T:ident => $body:expr) => {
        dispatch!(@some $op, $dtype, $T => $body, [f32, f64, i64, u32])
    };
    (@all $dtype:expr, $T:ident => $body:expr, [$($t:ident),+]) => {
        match $dtype {
            $(<$t as $crate::Element>::DTYPE => {
                type $T = $t;
                $body
            })+
        }
    };
    (@some $op:expr, $dtype:expr, $T:ident => $body:expr, [$($t:ident),+]) => {
        match $dtype {
            $(<$t as $crate::Element>::DTYPE => {
                type $T = $t;
                $body
            })+
            got => Err($crate::Error::unsupported(
                $op,
                got,
                &[$(<$t as $crate::Element>::DTYPE),+],
            )),
        }
    };
}

mod array;
pub mod buffer;
pub mod build_hint;
mod dtype;
mod error;
pub mod kernels;
pub mod shape;
pub mod special;

pub use array::Array;
pub use dtype::{DType, Element, Float};
pub use error::{Error, Result};
pub use shape::Shape;
