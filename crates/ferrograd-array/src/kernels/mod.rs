//! CPU kernels. Each validates its inputs and returns [`crate::Error`] on misuse.
//!
//! Elementwise kernels have contiguous fast paths and split across rayon threads above
//! [`PAR_THRESHOLD`] elements; reductions use pairwise summation.

pub mod decomp;
pub mod elementwise;
mod gemv;
pub mod indexing;
pub mod ints;
pub mod layout;
pub mod linalg_gemm;
pub mod ordering;
pub mod reduce;
mod small_gemm;
pub mod structural;
pub mod vmath;

pub use elementwise::*;
pub use indexing::*;
pub use ints::{BinaryInts, Support, UnaryInts};
pub use linalg_gemm::*;
pub use ordering::*;
pub use reduce::*;
pub use structural::*;

/// Elementwise work is split across threads above this many elements of a cheap operation
/// (an add or a multiply; entering rayon's pool costs ~6 µs, see PERFORMANCE.md).
pub const PAR_THRESHOLD: usize = 1 << 17;

/// Whether `n` elements of an operation costing `cost` cheap operations each (1 for an add,
/// [`vmath::TRANSCENDENTAL_COST`] for `exp`) are worth splitting across threads: threads
/// are chosen by the work, not by the size alone.
pub fn worth_splitting(n: usize, cost: usize) -> bool {
    n.saturating_mul(cost) >= PAR_THRESHOLD && rayon::current_num_threads() > 1
}
