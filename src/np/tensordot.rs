//! `np.tensordot`: one `dot_general` contracting the paired axes (no batch axes); the
//! result has `a`'s free axes, then `b`'s, as in NumPy.

use ferrograd_array::kernels::DotDims;
use ferrograd_array::shape::normalize_axis;
use ferrograd_core::api::ok;
use ferrograd_core::{lax, Error, Result};

use crate::Tensor;

/// The axes [`tensordot`] contracts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TensordotAxes {
    /// The last `n` axes of `a` with the first `n` of `b` (NumPy's integer `axes`).
    Last(usize),
    /// `a`'s axes `.0[i]` with `b`'s axes `.1[i]` (negative counts from the end).
    Pairs(Vec<i64>, Vec<i64>),
}

impl From<usize> for TensordotAxes {
    fn from(n: usize) -> Self {
        TensordotAxes::Last(n)
    }
}

impl<const N: usize> From<([i64; N], [i64; N])> for TensordotAxes {
    fn from((a, b): ([i64; N], [i64; N])) -> Self {
        TensordotAxes::Pairs(a.to_vec(), b.to_vec())
    }
}

fn tensordot_impl(a: &Tensor, b: &Tensor, axes: TensordotAxes) -> Result<Tensor> {
    let (la, lb): (Vec<usize>, Vec<usize>) = match axes {
        TensordotAxes::Last(n) => {
            if n > a.ndim() || n > b.ndim() {
                return Err(Error::invalid(
                    "tensordot",
                    format!(
                        "cannot contract {n} axes of shapes {:?} and {:?}",
                        a.shape(),
                        b.shape()
                    ),
                ));
            }
            ((a.ndim() - n..a.ndim()).collect(), (0..n).collect())
        }
        TensordotAxes::Pairs(x, y) => {
            if x.len() != y.len() {
                return Err(Error::invalid(
                    "tensordot",
                    format!("axes {x:?} and {y:?} must pair up (same length)"),
                ));
            }
            let na = x
                .iter()
                .map(|&v| normalize_axis("tensordot", v, a.ndim()))
                .collect::<std::result::Result<_, _>>()?;
            let nb = y
                .iter()
                .map(|&v| normalize_axis("tensordot", v, b.ndim()))
                .collect::<std::result::Result<_, _>>()?;
            (na, nb)
        }
    };
    if let Some(k) = (0..la.len()).find(|&k| a.shape()[la[k]] != b.shape()[lb[k]]) {
        return Err(Error::invalid(
            "tensordot",
            format!(
                "axis {} of shape {:?} (length {}) cannot contract with axis {} of shape {:?} (length {})",
                la[k], a.shape(), a.shape()[la[k]], lb[k], b.shape(), b.shape()[lb[k]]
            ),
        ));
    }
    let (a, b) = ferrograd_core::api::promote_pair(a, b)?;
    let dims = DotDims {
        lhs_contract: la,
        rhs_contract: lb,
        lhs_batch: vec![],
        rhs_batch: vec![],
    };
    lax::dot_general(&a, &b, &dims)
}

/// `np.tensordot(a, b, axes)`: sums products over the paired axes; the result has `a`'s
/// other axes, then `b`'s. `axes` is a count (`2`: the last two of `a` with the first two of
/// `b`) or a pair of axis lists (`([1, 0], [0, 1])`).
///
/// ```
/// use ferrograd::{np, Tensor};
/// let a = Tensor::from_vec((0..6).map(f64::from).collect(), &[2, 3]);
/// let b = Tensor::from_vec((0..6).map(f64::from).collect(), &[3, 2]);
/// assert_eq!(np::tensordot(&a, &b, 1).to_vec(), a.matmul(&b).to_vec());
/// assert_eq!(np::tensordot(&a, &b, ([0], [1])).shape(), &[3, 3]);
/// ```
///
/// # Panics
/// If the paired axes are out of range or their lengths differ.
#[track_caller]
pub fn tensordot(a: &Tensor, b: &Tensor, axes: impl Into<TensordotAxes>) -> Tensor {
    ok(tensordot_impl(a, b, axes.into()))
}
