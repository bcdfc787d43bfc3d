//! NumPy broadcasting and dtype promotion for operations on two tensors, written once.

use ferrograd_array::shape::broadcast_shapes;

use crate::{lax, Result, Tensor};

/// Converts both operands to their common dtype (NumPy's promotion).
pub fn promote_pair(a: &Tensor, b: &Tensor) -> Result<(Tensor, Tensor)> {
    let dtype = a.dtype().promote(b.dtype());
    Ok((lax::convert(a, dtype)?, lax::convert(b, dtype)?))
}

/// Broadcasts both operands to their common shape (zero-copy views).
pub fn broadcast_pair(op: &'static str, a: &Tensor, b: &Tensor) -> Result<(Tensor, Tensor)> {
    if a.shape() == b.shape() {
        return Ok((a.clone(), b.clone()));
    }
    let shape = broadcast_shapes(op, a.shape(), b.shape())?;
    Ok((broadcast_to(a, &shape)?, broadcast_to(b, &shape)?))
}

/// Broadcasts `x` to `shape` by NumPy's rule (trailing axes aligned).
pub fn broadcast_to(x: &Tensor, shape: &[usize]) -> Result<Tensor> {
    if x.shape() == shape {
        return Ok(x.clone());
    }
    broadcast_shapes("broadcast_to", x.shape(), shape).and_then(|s| {
        if s.as_slice() != shape {
            Err(ferrograd_array::Error::ShapeMismatch {
                op: "broadcast_to",
                lhs: x.shape().to_vec(),
                rhs: shape.to_vec(),
                hint: "the target shape must contain the source shape under broadcasting",
            })
        } else {
            Ok(s)
        }
    })?;
    let dims: Vec<usize> = (shape.len() - x.ndim()..shape.len()).collect();
    lax::broadcast_in_dim(x, shape, &dims)
}

/// Promotes and broadcasts two operands, then applies `f` (an equal-shape primitive).
pub fn elementwise(
    op: &'static str,
    a: &Tensor,
    b: &Tensor,
    f: fn(&Tensor, &Tensor) -> Result<Tensor>,
) -> Result<Tensor> {
    // The common case (same dtype and shape) needs neither promotion nor broadcasting.
    if a.dtype() == b.dtype() && a.shape() == b.shape() {
        return f(a, b);
    }
    let (a, b) = promote_pair(a, b)?;
    let (a, b) = broadcast_pair(op, &a, &b)?;
    f(&a, &b)
}
