//! Guides for people who know another array or autodiff library: where their calls live here.
//!
//! - [`numpy_users`]: NumPy and autograd's `autograd.numpy` calls, mapped to [`crate::np`],
//!   [`crate::Tensor`] methods, [`crate::linalg`] and [`crate::random`].
//! - [`jax_pytorch_users`]: JAX's transforms, PyTorch's `backward()` / `torch.func`, MyGrad's
//!   tensors and optax's optimizers, mapped to ferrograd.
//! - [`concurrency`]: what is `Send`/`Sync`, what is per thread (the transform stack, the
//!   tape), and what sharing a param across threads does.
//!
//! These modules hold documentation only.

pub mod concurrency;
pub mod jax_pytorch_users;
pub mod numpy_users;
