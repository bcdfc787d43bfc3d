//! Gradient clipping by global norm (Pascanu, Mikolov & Bengio 2013; optax's
//! `clip_by_global_norm`): if ‖g‖ = √(Σ over all leaves of Σ g²) exceeds `max_norm`, every
//! leaf is scaled by `max_norm / ‖g‖`, which keeps the direction of the whole gradient.

use ferrograd_core::api::ok;
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{lax, DType, Error, Result, Tensor, Tree};

pub(crate) fn check_max_norm(max_norm: f64) -> Result<()> {
    if !(max_norm > 0.0 && max_norm.is_finite()) {
        return Err(Error::invalid(
            "clip_by_global_norm",
            format!("max_norm must be positive and finite, got {max_norm}"),
        ));
    }
    Ok(())
}

/// The global norm of the leaves, a 0-d float64 tensor.
fn norm_of(xs: &[Tensor]) -> Result<Tensor> {
    let mut total = Tensor::scalar(0.0f64);
    for x in xs {
        lax::require_float("global_norm", &x.aval())?;
        let x = lax::convert(x, DType::F64)?;
        let axes: Vec<usize> = (0..x.ndim()).collect();
        total = lax::add(&total, &lax::reduce_sum(&lax::square(&x)?, &axes)?)?;
    }
    lax::sqrt(&total)
}

/// `√(Σ g²)` over every element of every leaf, as a 0-d float64 tensor (differentiable).
///
/// ```
/// use ferrograd::{optim, Tensor};
/// let g = (Tensor::from(vec![3.0, 0.0]), Tensor::from(4.0f32));
/// assert_eq!(optim::global_norm(&g).item(), 5.0);
/// ```
///
/// # Panics
/// If a leaf is not a float tensor.
#[track_caller]
pub fn global_norm<T: Tree>(tree: &T) -> Tensor {
    ok(norm_of(&leaves(tree)))
}

pub(crate) fn clip_leaves(g: &[Tensor], max_norm: f64) -> Result<Vec<Tensor>> {
    let norm = norm_of(g)?;
    // max / max(‖g‖, max): 1 when ‖g‖ ≤ max (nothing changes), max/‖g‖ otherwise; no branch,
    // so it also works on traced gradients.
    let limit = lax::scalar_like(&norm, max_norm);
    let scale = lax::div(&limit, &lax::max(&norm, &limit)?)?;
    // The api's `*` broadcasts the 0-d scale over each leaf.
    g.iter()
        .map(|x| Ok(x * &lax::convert(&scale, x.dtype())?))
        .collect()
}

/// The gradients scaled so their global norm is at most `max_norm` (unchanged if it already
/// is). Each leaf keeps its dtype.
///
/// ```
/// use ferrograd::{optim, Tensor};
/// let g = vec![Tensor::from(vec![3.0, 0.0]), Tensor::from(vec![4.0])];
/// let c = optim::clip_by_global_norm(&g, 2.5); // ‖g‖ = 5: halved
/// assert_eq!((c[0].to_vec(), c[1].to_vec()), (vec![1.5, 0.0], vec![2.0]));
/// assert_eq!(optim::clip_by_global_norm(&g, 10.0)[1].to_vec(), vec![4.0]);
/// ```
///
/// # Panics
/// If `max_norm` is not positive and finite, or a leaf is not a float tensor.
#[track_caller]
pub fn clip_by_global_norm<T: Tree>(grads: &T, max_norm: f64) -> T {
    ok(try_clip_by_global_norm(grads, max_norm))
}

/// Fallible [`clip_by_global_norm`].
pub fn try_clip_by_global_norm<T: Tree>(grads: &T, max_norm: f64) -> Result<T> {
    check_max_norm(max_norm)?;
    Ok(rebuild(grads, clip_leaves(&leaves(grads), max_norm)?))
}
