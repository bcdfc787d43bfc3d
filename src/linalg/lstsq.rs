//! NumPy's four-part least squares, `lstsq_full`: the solution, the residuals, the rank and
//! the singular values.

use ferrograd_core::api::ok;
use ferrograd_core::interp::concrete_value;
use ferrograd_core::lax::{self, linalg as la};
use ferrograd_core::{Aval, DType, Error, Result, Tensor};

use super::{default_rtol, matrix, same_float, try_lstsq};

/// Least squares with NumPy's full result, `numpy.linalg.lstsq(a, b, rcond)`:
/// `(x, residuals, rank, s)`.
///
/// - `x`: the minimum-norm solution, as [`lstsq`](super::lstsq) (differentiable).
/// - `residuals`: the sums of squared residuals `Σᵢ (a x - b)ᵢⱼ²`, one per column of `b`
///   (`[..., k]`; `[..., 1]` for a 1-D `b`), when `m > n` and every matrix has full rank `n`;
///   otherwise empty (`[..., 0]`), as NumPy. Differentiable.
/// - `rank`: the number of singular values above `rcond · max(s)`, per matrix, as `int64`
///   (`[...]`).
/// - `s`: the singular values of `a`, descending (`[..., min(m, n)]`; differentiable).
///
/// `rcond` as in [`lstsq`](super::lstsq) (`None`: `max(m, n) · ε`). Batch axes of `a` and `b`
/// broadcast for `x` and `residuals`; `rank` and `s` follow `a`'s batch.
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// // Fit y = c₀ + c₁ t to (0, 1), (1, 2), (2, 4): c = (5/6, 3/2), residual 1/6.
/// let a = Tensor::from_vec(vec![1.0, 0.0, 1.0, 1.0, 1.0, 2.0], &[3, 2]);
/// let y = Tensor::from(vec![1.0, 2.0, 4.0]);
/// let (c, res, rank, s) = linalg::lstsq_full(&a, &y, None);
/// assert!((&c - &Tensor::from(vec![5.0 / 6.0, 1.5])).abs().max().item() < 1e-14);
/// assert_eq!(res.shape(), &[1]);
/// assert!((res.item() - 1.0 / 6.0).abs() < 1e-14);
/// assert_eq!(rank.to_vec(), vec![2.0]); // an int64 scalar
/// assert_eq!(s.shape(), &[2]);
/// ```
///
/// # Panics
/// On shapes that do not fit (see [`try_lstsq_full`]).
#[track_caller]
pub fn lstsq_full(a: &Tensor, b: &Tensor, rcond: Option<f64>) -> (Tensor, Tensor, Tensor, Tensor) {
    ok(try_lstsq_full(a, b, rcond))
}

/// [`lstsq_full`], returning errors.
///
/// # Errors
/// Shape errors; `LinAlg` if the SVD does not converge; `ConcreteNeeded` when `m > n` under
/// `vmap`, where the rank (which decides whether `residuals` is empty) is not known.
pub fn try_lstsq_full(
    a: &Tensor,
    b: &Tensor,
    rcond: Option<f64>,
) -> Result<(Tensor, Tensor, Tensor, Tensor)> {
    let x = try_lstsq(a, b, rcond)?;
    let (a, b) = same_float(&matrix("lstsq_full", a)?, b)?;
    let rtol = rcond.unwrap_or_else(|| default_rtol(&a));
    let s = la::svd(&a)?.1;
    let rank = rank_of(&s, rtol)?;
    let residuals = residuals(&a, &b, &x, &rank)?;
    Ok((x, residuals, rank, s))
}

/// `Σ [s > rtol · max(s)]` over the last axis, as int64.
fn rank_of(s: &Tensor, rtol: f64) -> Result<Tensor> {
    let last = s.ndim() - 1;
    let s = lax::stop_gradient(s)?;
    if s.shape()[last] == 0 {
        return lax::convert(&lax::reduce_sum(&s, &[last])?, DType::I64);
    }
    let mx = lax::reduce_extremum(&s, &[last], true)?;
    let cut = lax::mul(&mx, &lax::scalar_like(&mx, rtol))?;
    let cut = lax::broadcast_in_dim(&cut, s.shape(), &(0..last).collect::<Vec<_>>())?;
    let above = lax::convert(&lax::gt(&s, &cut)?, DType::I64)?;
    lax::reduce_sum(&above, &[last])
}

/// Column sums of `(a x - b)²` when `m > n` and every rank is `n`, else an empty `[..., 0]`.
fn residuals(a: &Tensor, b: &Tensor, x: &Tensor, rank: &Tensor) -> Result<Tensor> {
    let sh = a.shape();
    let (m, n) = (sh[sh.len() - 2], sh[sh.len() - 1]);
    let vector = b.ndim() == 1;
    let (b, x) = if vector {
        (b.expand_dims(-1), x.expand_dims(-1))
    } else {
        (b.clone(), x.clone())
    };
    // The batch axes of x (`[..., n, k]` here), then no columns.
    let mut empty = x.shape()[..x.ndim() - 2].to_vec();
    empty.push(0);
    if m <= n {
        return Ok(Tensor::zeros_aval(&Aval::new(&empty, a.dtype())));
    }
    let rank = concrete_value(rank).ok_or(Error::ConcreteNeeded {
        op: "lstsq_full",
        hint: "whether the residuals are empty depends on the rank, so the values must be known (they are under grad and jvp, not under vmap); use lstsq and compute ((a x - b)²).sum(-2) yourself",
    })?;
    if rank.to_vec().iter().any(|&r| r != n as f64) {
        return Ok(Tensor::zeros_aval(&Aval::new(&empty, a.dtype())));
    }
    let r = &a.try_matmul(&x)? - &b; // batch axes broadcast, as in `x`
    lax::reduce_sum(&lax::square(&r)?, &[r.ndim() - 2])
}
