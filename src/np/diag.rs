//! NumPy's matrix-structure functions: diag, diagonal, trace, tril, triu, kron and meshgrid,
//! written with transpose, slice, pad, broadcast_in_dim and the masked-sum helpers of
//! `lax::linalg`, so all are differentiable and batchable.

use ferrograd_core::api::{ok, promote_pair};
use ferrograd_core::lax::linalg as la;
use ferrograd_core::{lax, Error, Result};

use crate::Tensor;

/// `np.diagonal(x, offset, axis1, axis2)`: the diagonal `offset` (above the main one when
/// positive) of the matrices spanned by `axis1` and `axis2`, as a new last axis.
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from_vec((0..6).map(f64::from).collect(), &[2, 3]);
/// assert_eq!(np::diagonal(&x, 0, 0, 1).to_vec(), vec![0.0, 4.0]);
/// assert_eq!(np::diagonal(&x, 1, 0, 1).to_vec(), vec![1.0, 5.0]);
/// assert_eq!(np::diagonal(&x, -1, 0, 1).to_vec(), vec![3.0]);
/// ```
///
/// # Panics
/// If `x` has fewer than two axes, or the axes are out of range or equal.
#[track_caller]
pub fn diagonal(x: &Tensor, offset: i64, axis1: i64, axis2: i64) -> Tensor {
    x.diagonal(offset, axis1, axis2)
}

/// `np.trace(x, offset, axis1, axis2)`: the sum of [`diagonal`].
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
/// assert_eq!(np::trace(&x, 0, 0, 1).item(), 5.0);
/// ```
#[track_caller]
pub fn trace(x: &Tensor, offset: i64, axis1: i64, axis2: i64) -> Tensor {
    x.trace(offset, axis1, axis2)
}

/// `np.diag(v, k)`: for a vector, the square matrix with `v` on diagonal `k`; for a matrix,
/// its diagonal `k`.
///
/// ```
/// use ferrograd::{np, Tensor};
/// let v = Tensor::from(vec![1.0, 2.0]);
/// assert_eq!(np::diag(&v, 1).to_vec(), vec![0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0]);
/// assert_eq!(np::diag(&np::diag(&v, 0), 0).to_vec(), vec![1.0, 2.0]);
/// ```
///
/// # Panics
/// If `v` is neither 1-D nor 2-D.
#[track_caller]
pub fn diag(v: &Tensor, k: i64) -> Tensor {
    ok((|| match v.ndim() {
        1 => {
            let m = la::diag_embed(v)?;
            let a = k.unsigned_abs() as usize;
            let (lo, hi) = if k >= 0 {
                ([0, a], [a, 0])
            } else {
                ([a, 0], [0, a])
            };
            lax::pad(&m, &lo, &hi, &[0, 0], 0.0)
        }
        // Errors go back to the `ok` chokepoint, which reports the caller's line.
        2 => v.try_diagonal(k, 0, 1),
        _ => Err(Error::rank(
            "diag",
            "a 1-D or 2-D array",
            v.shape(),
            "use diagonal for stacks",
        )),
    })())
}

fn require_matrix(op: &'static str, x: &Tensor) -> Result<()> {
    if x.ndim() < 2 {
        return Err(Error::rank(
            op,
            "at least 2 axes",
            x.shape(),
            "for a vector, make a diagonal matrix with np::diag",
        ));
    }
    Ok(())
}

/// `np.tril(x, k)`: zeros above diagonal `k` of the last two axes.
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
/// assert_eq!(np::tril(&x, 0).to_vec(), vec![1.0, 0.0, 3.0, 4.0]);
/// ```
///
/// # Panics
/// If `x` has fewer than two axes.
#[track_caller]
pub fn tril(x: &Tensor, k: i64) -> Tensor {
    ok(require_matrix("tril", x).and_then(|_| la::tril(x, k)))
}

/// `np.triu(x, k)`: zeros below diagonal `k` of the last two axes.
///
/// # Panics
/// If `x` has fewer than two axes.
#[track_caller]
pub fn triu(x: &Tensor, k: i64) -> Tensor {
    ok(require_matrix("triu", x).and_then(|_| la::triu(x, k)))
}

/// `np.kron(a, b)`: the Kronecker product (block `[i, j]` is `a[i, j] * b`), for any ranks
/// (the shorter shape gets leading ones).
///
/// ```
/// use ferrograd::{np, Tensor};
/// let a = Tensor::from(vec![1.0, 10.0]);
/// let b = Tensor::from(vec![1.0, 2.0, 3.0]);
/// assert_eq!(np::kron(&a, &b).to_vec(), vec![1.0, 2.0, 3.0, 10.0, 20.0, 30.0]);
/// ```
#[track_caller]
pub fn kron(a: &Tensor, b: &Tensor) -> Tensor {
    ok((|| {
        let (a, b) = promote_pair(a, b)?;
        let r = a.ndim().max(b.ndim());
        let lead = |x: &Tensor| {
            let mut s = vec![1; r - x.ndim()];
            s.extend_from_slice(x.shape());
            s
        };
        let (sa, sb) = (lead(&a), lead(&b));
        let big: Vec<usize> = (0..r).flat_map(|i| [sa[i], sb[i]]).collect();
        let even: Vec<usize> = (0..r).map(|i| 2 * i).collect();
        let odd: Vec<usize> = (0..r).map(|i| 2 * i + 1).collect();
        let ab = lax::broadcast_in_dim(&lax::reshape(&a, &sa)?, &big, &even)?;
        let bb = lax::broadcast_in_dim(&lax::reshape(&b, &sb)?, &big, &odd)?;
        let out: Vec<usize> = (0..r).map(|i| sa[i] * sb[i]).collect();
        lax::reshape(&lax::mul(&ab, &bb)?, &out)
    })())
}

/// The index convention of [`meshgrid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// Cartesian (NumPy's default): the first two output axes are swapped, so for two
    /// inputs of lengths `n0`, `n1` the outputs are `n1 × n0`.
    Xy,
    /// Matrix: output axis `i` follows input `i`.
    Ij,
}

/// `np.meshgrid(*xs, indexing=…)`: coordinate arrays, one per input (each flattened first).
/// The outputs are broadcast views of the inputs; their derivatives sum back.
///
/// ```
/// use ferrograd::{np, Tensor};
/// use ferrograd::np::Indexing;
/// let (x, y) = (Tensor::from(vec![1.0, 2.0, 3.0]), Tensor::from(vec![4.0, 5.0]));
/// let g = np::meshgrid(&[&x, &y], Indexing::Xy);
/// assert_eq!(g[0].shape(), &[2, 3]);
/// assert_eq!(g[0].to_vec(), vec![1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
/// assert_eq!(g[1].to_vec(), vec![4.0, 4.0, 4.0, 5.0, 5.0, 5.0]);
/// ```
#[track_caller]
pub fn meshgrid(xs: &[&Tensor], indexing: Indexing) -> Vec<Tensor> {
    ok(meshgrid_impl(xs, indexing))
}

fn meshgrid_impl(xs: &[&Tensor], indexing: Indexing) -> Result<Vec<Tensor>> {
    {
        let mut shape: Vec<usize> = xs.iter().map(|x| x.size()).collect();
        let swap = indexing == Indexing::Xy && xs.len() >= 2;
        let axis_of = |i: usize| match (swap, i) {
            (true, 0) => 1,
            (true, 1) => 0,
            _ => i,
        };
        if swap {
            shape.swap(0, 1);
        }
        xs.iter()
            .enumerate()
            .map(|(i, x)| {
                let v = lax::reshape(x, &[x.size()])?;
                lax::broadcast_in_dim(&v, &shape, &[axis_of(i)])
            })
            .collect()
    }
}
