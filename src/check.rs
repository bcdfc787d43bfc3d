//! `check_grads`: compares forward and reverse mode with finite differences, over pytrees.
//! The numerics (float64, random directions, tolerances, recursion for higher orders) are
//! `ferrograd_core::check`; this only flattens the function's input and output.

pub use ferrograd_core::check::{CheckOptions, Modes};

use ferrograd_core::check::check_grads_flat;
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{Error, Tensor, Tree};

/// Checks the derivatives of `f` at `x` to order `order` in both modes, against central
/// finite differences in float64 (float inputs are converted), with JAX's default
/// tolerances. See [`check_grads_with`] for the options.
///
/// ```
/// use ferrograd::{check_grads, Tensor};
/// let f = |x: &Tensor| x.tanh() * x.sin();
/// check_grads(f, &Tensor::from(vec![0.3, -1.2, 2.0]), 2).unwrap();
/// ```
///
/// # Errors
/// If a check fails: the message names the check (e.g. "VJP of JVP, order 2"), the output
/// and element, the expected (numerical) and computed values, and the tolerance.
pub fn check_grads<T: Tree + Clone, U: Tree>(
    f: impl Fn(&T) -> U,
    x: &T,
    order: usize,
) -> Result<(), Error> {
    check_grads_with(
        f,
        x,
        &CheckOptions {
            order,
            ..CheckOptions::default()
        },
    )
}

/// [`check_grads`] with explicit options (modes, step, tolerances, seed, and `in_f64: false`
/// to check float32 code paths as written). Integer and boolean leaves are held at their
/// values: derivatives are taken with respect to the float leaves only.
///
/// ```
/// use ferrograd::{check_grads_with, CheckOptions, Modes, Tensor};
/// let opts = CheckOptions { order: 3, modes: Modes::Rev, ..CheckOptions::default() };
/// check_grads_with(|x: &Tensor| x.exp() * x, &Tensor::from(0.5), &opts).unwrap();
/// // An index leaf is a constant of the check.
/// let f = |(x, i): &(Tensor, Tensor)| x.take(i, None).sin();
/// let x = (Tensor::from(vec![0.5, -1.0, 2.0]), Tensor::from(vec![2i64, 0, 2]));
/// check_grads_with(f, &x, &CheckOptions { order: 2, ..CheckOptions::default() }).unwrap();
/// ```
///
/// # Errors
/// As [`check_grads`].
pub fn check_grads_with<T: Tree + Clone, U: Tree>(
    f: impl Fn(&T) -> U,
    x: &T,
    opts: &CheckOptions,
) -> Result<(), Error> {
    let flat = |xs: &[Tensor]| Ok(leaves(&f(&rebuild(x, xs.to_vec()))));
    check_grads_flat(&flat, &leaves(x), opts)
}
