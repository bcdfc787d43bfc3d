//! Helpers for derivative rules: tangent arithmetic that keeps symbolic zeros (`None`), the
//! weights of a two-way choice at ties, and [`where_safe`], the one home of the "double where".

use super::{add, eq, mul, neg, scalar_like, select, sub_from_scalar, zeros_like};
use crate::{Result, Tangent, Tensor};

/// Sum of two tangents, either possibly zero.
pub fn add_tangents(a: Tangent, b: Tangent) -> Result<Tangent> {
    Ok(match (a, b) {
        (Some(a), Some(b)) => Some(add(&a, &b)?),
        (a, None) => a,
        (None, b) => b,
    })
}

/// `t * d`, or zero.
pub fn scale_tangent(t: &Tangent, d: &Tensor) -> Result<Tangent> {
    t.as_ref().map(|t| mul(t, d)).transpose()
}

/// `-t`, or zero.
pub fn neg_tangent(t: &Tangent) -> Result<Tangent> {
    t.as_ref().map(neg).transpose()
}

/// The weight of `a` in a choice between `a` and `b` (max, min): 1 where `pick_a`, ½ at ties
/// (`a == b`, the derivative shared equally, as JAX), else 0. `b`'s weight is 1 minus it.
pub fn choice_weight(a: &Tensor, b: &Tensor, pick_a: &Tensor) -> Result<Tensor> {
    let half = select(&eq(a, b)?, &scalar_like(a, 0.5), &zeros_like(a))?;
    select(pick_a, &scalar_like(a, 1.0), &half)
}

/// `1 - w`.
pub fn complement(w: &Tensor) -> Result<Tensor> {
    sub_from_scalar(1.0, w)
}

/// `on_true(x)` where `pred` holds and `on_false(x)` elsewhere, each branch computed only on
/// inputs that are safe for it: in the lanes whose result it does not give, a branch sees
/// `safe[0]` (for `on_true`) or `safe[1]` (for `on_false`) instead of `x`. A branch that is
/// NaN or infinite where it is not taken (`√0`'s slope, `log 0`, `sin z / z` at 0) then
/// reaches neither the value nor any derivative of the result — a single select would still
/// multiply the zero cotangent of the unused lanes by that infinity. This is the "double
/// where" of JAX's FAQ, written once.
///
/// ```
/// use ferrograd_core::{lax, Tensor};
/// // √t with value and slope 0 at t = 0.
/// let t = Tensor::from(vec![0.0, 4.0]);
/// let nonzero = lax::gt(&t, &lax::zeros_like(&t)).unwrap();
/// let y = lax::where_safe(&nonzero, &t, [1.0, 0.0], lax::sqrt, |z| Ok(lax::zeros_like(z)));
/// assert_eq!(y.unwrap().to_vec(), vec![0.0, 2.0]);
/// ```
pub fn where_safe(
    pred: &Tensor,
    x: &Tensor,
    safe: [f64; 2],
    on_true: impl FnOnce(&Tensor) -> Result<Tensor>,
    on_false: impl FnOnce(&Tensor) -> Result<Tensor>,
) -> Result<Tensor> {
    let x_true = select(pred, x, &scalar_like(x, safe[0]))?;
    let x_false = select(pred, &scalar_like(x, safe[1]), x)?;
    select(pred, &on_true(&x_true)?, &on_false(&x_false)?)
}
