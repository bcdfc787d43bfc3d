//! The compiler behind ferrograd's `jit`: a staged
//! [`Program`](ferrograd_core::program::Program) is optimised by small passes ([`passes`]:
//! constant folding, algebraic simplification, common subexpressions, dead code), then compiled
//! ([`Executable`]): elementwise work and the sums ending it are fused into loops that run
//! over memory once, in cache-sized tiles ([`tiles`]), and every other primitive runs its own
//! kernel. Values are dropped right after their last reader, so their buffers go back to the
//! buffer cache and a compiled call reuses them.
//!
//! The compiler reads primitives only through the `Primitive` trait (`fusion`, `identity`,
//! `eval`), so it names none, and every primitive works under jit the day it lands.

mod exec;
mod fuse;
pub mod passes;
pub mod tiles;

pub use exec::{Executable, Operand};
pub use passes::optimize;
