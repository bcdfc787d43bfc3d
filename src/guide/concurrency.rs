//! # Concurrency: what can be shared across threads, and what is per thread
//!
//! **Tensors are `Send + Sync`.** A concrete tensor is an immutable array behind a reference
//! count: clone it into as many threads as you like and compute with it anywhere. Transforms
//! (`grad`, `jvp`, `vmap`, `hessian`, …) and their results can run on many threads at once;
//! each thread gets the same answer it would get alone.
//!
//! **Per thread:** the transform stack and the imperative tape.
//! - A transform traces on the thread that calls it. A traced value (a tracer) that escapes
//!   its transform — captured and used after the transform returned, or sent to another
//!   thread — is refused with an error ("a traced value escaped"), on every thread.
//! - Each thread records its own imperative graph. A tracked tensor (a param, or a value
//!   computed from one) can be sent to another thread and used there: it is an input of that
//!   thread's graph. `backward` (and `grad_of`) must be called on the thread that computed the
//!   tensor you backpropagate from; from another thread it is an error that says so.
//! - [`no_grad`](crate::no_grad) stops recording on its own thread only.
//!
//! **A shared param** is one cell, seen by all its clones: gradients found on any thread are
//! added to its one `.grad`, atomically (one lock held across the read, the add and the
//! write), so eight threads each running 200 backward passes leave exactly 1600 passes'
//! worth. Reading `.grad` while other threads are still adding sees some of their passes;
//! join them first (or use a barrier) for a complete sum. `zero_grad` on one thread clears the
//! gradient for all.
//!
//! ```
//! use ferrograd::Tensor;
//! let w = Tensor::param(vec![1.0, -2.0]);
//! let workers: Vec<_> = (0..4)
//!     .map(|_| {
//!         let w = w.clone();
//!         std::thread::spawn(move || (&w * &w).sum().backward())
//!     })
//!     .collect();
//! for h in workers {
//!     h.join().unwrap();
//! }
//! assert_eq!(w.grad().unwrap().to_vec(), vec![8.0, -16.0]); // 4 passes of 2w
//! ```
//!
//! **Panics** in a user function, a custom rule or a backward pass unwind through the
//! transforms and the tape, which restore themselves: after `catch_unwind`, the thread's
//! transforms and tape work as before, and a failed backward pass has added nothing.
//!
//! **Array buffers** are cached per thread: when an array's storage is freed and nothing
//! else shares it, its buffer (64 KiB or more) is kept for the next operation on the same
//! thread that needs one of about that size, so a training loop's steady state does not go
//! back to the system allocator or fault in fresh pages. Each thread keeps at most 64
//! buffers and 256 MiB; a thread that is done with large arrays can hand its buffers back
//! with [`buffers::clear`](crate::buffers::clear), and a thread's buffers are freed when it
//! exits.
//!
//! ```
//! use ferrograd::{buffers, Tensor};
//! let x = Tensor::from(vec![1.0; 100_000]);
//! drop(x.exp()); // its 800 KB buffer stays cached on this thread
//! assert!(buffers::cached_bytes() >= 800_000);
//! buffers::clear();
//! assert_eq!(buffers::cached_bytes(), 0);
//! ```
//!
//! This module holds documentation only.
