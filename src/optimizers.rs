//! autograd's `autograd.misc.optimizers` conveniences, which optimise a flattened copy of
//! any pytree of parameters. For optax-style optimizers see [`crate::optim`].

use ferrograd_core::{Tensor, Tree};

use crate::np;
use crate::ravel::ravel;

/// autograd's `sgd(grad, init_params, callback, num_iters, step_size, mass)`: stochastic
/// gradient descent with momentum on the flattened parameters,
///
/// ```text
/// v ← mass·v − (1 − mass)·g(x, i);   x ← x + step_size·v      (v starts at 0)
/// ```
///
/// `grad(params, i)` returns the gradient at iteration `i` (shaped like `params`);
/// `callback(params, i, gradient)` runs before each update (pass `|_, _, _| {}` for none).
///
/// ```
/// use ferrograd::{grad, optimizers, Tensor};
/// let df = grad(|x: &Tensor| (x - 8.0).powi(2).sum());
/// let mut seen = 0;
/// let x = optimizers::sgd(|x: &Tensor, _| df(x), &Tensor::from(vec![0.0]), 500, 0.5, 0.9,
///     |_, _, _| seen += 1);
/// assert_eq!(seen, 500);
/// assert!((x.to_vec()[0] - 8.0).abs() < 1e-6);
/// ```
///
/// # Panics
/// If `grad` returns a tree with another structure or other shapes than `init`.
#[track_caller]
pub fn sgd<T: Tree + Clone>(
    grad: impl Fn(&T, usize) -> T,
    init: &T,
    num_iters: usize,
    step_size: f64,
    mass: f64,
    mut callback: impl FnMut(&T, usize, &T),
) -> T {
    let (mut x, unravel) = ravel(init);
    let mut velocity: Tensor = np::zeros_like(&x);
    for i in 0..num_iters {
        let params = unravel.apply(&x);
        let g_tree = grad(&params, i);
        callback(&params, i, &g_tree);
        let (g, _) = ravel(&g_tree);
        velocity = mass * &velocity - (1.0 - mass) * g;
        x = &x + step_size * &velocity;
    }
    unravel.apply(&x)
}
